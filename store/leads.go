package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"
)

// Lead is a would-be borrower as a lead generator or a partner sent them, with the summary of its
// newest scoring.
type Lead struct {
	ID          int64           `db:"id"`
	PartnerID   *int64          `db:"partner_id"`
	ClientID    *int64          `db:"client_id"`
	Channel     string          `db:"channel"`
	FirstName   string          `db:"first_name"`
	LastName    string          `db:"last_name"`
	Patronymic  string          `db:"patronymic"`
	MobilePhone string          `db:"mobile_phone"`
	Email       *string         `db:"email"`
	ManagerID   *int64          `db:"manager_id"`
	Amount      decimal.Decimal `db:"amount"`
	// The structured parts, as JSON.
	Passport  json.RawMessage `db:"passport"`
	Addresses json.RawMessage `db:"addresses"`
	Relatives json.RawMessage `db:"relatives"`
	Goods     json.RawMessage `db:"goods"`
	Finances  json.RawMessage `db:"finances"`
	Card      json.RawMessage `db:"card"`
	Details   json.RawMessage `db:"details"`
	CreatedAt time.Time       `db:"created_at"`
	UpdatedAt time.Time       `db:"updated_at"`
	// The newest scoring, when there is one.
	ScoringTaskID       *int64  `db:"scoring_task_id"`
	FinalRecommendation *string `db:"final_recommendation"`
	DenialReason        *string `db:"denial_reason"`
}

// leadSelect reads leads (l) with their newest scoring.
const leadSelect = `
	SELECT l.id, l.partner_id, l.client_id, l.channel, l.first_name, l.last_name, l.patronymic, l.mobile_phone, l.email,
		l.manager_id, l.amount, l.passport, l.addresses, l.relatives, l.goods, l.finances, l.card, l.details,
		l.created_at, l.updated_at, t.id AS scoring_task_id, t.final_recommendation, t.denial_reason
	FROM leads l LEFT JOIN LATERAL (
		SELECT id, final_recommendation, denial_reason FROM lead_scoring_tasks WHERE lead_id = l.id ORDER BY id DESC LIMIT 1
	) t ON true`

// InsertLead stores a new lead unless its id is taken; ok tells which.
func (q Queries) InsertLead(ctx context.Context, l Lead) (ok bool, err error) {
	res, err := q.exec(ctx, `
		INSERT INTO leads (id, partner_id, channel, first_name, last_name, patronymic, mobile_phone, email, manager_id, amount,
			passport, addresses, relatives, goods, finances, card, details)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) ON CONFLICT (id) DO NOTHING`,
		l.ID, l.PartnerID, l.Channel, l.FirstName, l.LastName, l.Patronymic, l.MobilePhone, l.Email, l.ManagerID, l.Amount,
		l.Passport, l.Addresses, l.Relatives, l.Goods, l.Finances, l.Card, l.Details)
	return inserted(res, err)
}

// UpdateLead replaces what the lead's sender says of it; its owner and client stay.
func (q Queries) UpdateLead(ctx context.Context, l Lead) error {
	_, err := q.exec(ctx, `
		UPDATE leads SET channel = $2, first_name = $3, last_name = $4, patronymic = $5, mobile_phone = $6, email = $7,
			manager_id = $8, amount = $9, passport = $10, addresses = $11, relatives = $12, goods = $13, finances = $14,
			card = $15, details = $16, updated_at = now()
		WHERE id = $1`,
		l.ID, l.Channel, l.FirstName, l.LastName, l.Patronymic, l.MobilePhone, l.Email, l.ManagerID, l.Amount,
		l.Passport, l.Addresses, l.Relatives, l.Goods, l.Finances, l.Card, l.Details)
	return err
}

// LeadByID returns a lead.
func (q Queries) LeadByID(ctx context.Context, id int64) (Lead, error) {
	var l Lead
	err := q.get(ctx, &l, leadSelect+` WHERE l.id = $1`, id)
	return l, err
}

// LockLead returns a lead, locked until the transaction ends.
func (q Queries) LockLead(ctx context.Context, id int64) (Lead, error) {
	var l Lead
	err := q.get(ctx, &l, leadSelect+` WHERE l.id = $1 FOR UPDATE OF l`, id)
	return l, err
}

// SetLeadClient attaches a lead to its customer.
func (q Queries) SetLeadClient(ctx context.Context, id, clientID int64) error {
	_, err := q.exec(ctx, `UPDATE leads SET client_id = $2, updated_at = now() WHERE id = $1`, id, clientID)
	return err
}

// LeadFilter narrows a list of leads, highest id first, after the keyset cursor AfterID.
type LeadFilter struct {
	PartnerID     *int64
	Channel       string
	LastName      string // without case
	MobilePhone   string
	CreatedFrom   *time.Time
	CreatedBefore *time.Time
	AfterID       int64
	Limit         int
}

// Leads returns the leads matching every criterion given.
func (q Queries) Leads(ctx context.Context, f LeadFilter) ([]Lead, error) {
	var ls []Lead
	err := q.sel(ctx, &ls, leadSelect+`
		WHERE ($1::bigint IS NULL OR l.partner_id = $1)
		  AND ($2 = '' OR l.channel = $2)
		  AND ($3 = '' OR lower(l.last_name) = lower($3))
		  AND ($4 = '' OR l.mobile_phone = $4)
		  AND ($5::timestamptz IS NULL OR l.created_at >= $5)
		  AND ($6::timestamptz IS NULL OR l.created_at < $6)
		  AND ($7::bigint = 0 OR l.id < $7)
		ORDER BY l.id DESC LIMIT $8`,
		f.PartnerID, f.Channel, f.LastName, f.MobilePhone, f.CreatedFrom, f.CreatedBefore, f.AfterID, f.Limit)
	return ls, err
}

// LeadScoringTask is a run of the scoring rules on a lead.
type LeadScoringTask struct {
	ID                  int64     `db:"id"`
	LeadID              int64     `db:"lead_id"`
	FinalRecommendation string    `db:"final_recommendation"`
	DenialReason        string    `db:"denial_reason"`
	StartedAt           time.Time `db:"started_at"`
	EndedAt             time.Time `db:"ended_at"`
}

// InsertLeadScoringTask records a scoring of a lead.
func (q Queries) InsertLeadScoringTask(ctx context.Context, t LeadScoringTask) (LeadScoringTask, error) {
	var out LeadScoringTask
	err := q.get(ctx, &out, `
		INSERT INTO lead_scoring_tasks (lead_id, final_recommendation, denial_reason, started_at, ended_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id, lead_id, final_recommendation, denial_reason, started_at, ended_at`,
		t.LeadID, t.FinalRecommendation, t.DenialReason, t.StartedAt, t.EndedAt)
	return out, err
}

// LeadScoringTaskByID returns a scoring of a lead.
func (q Queries) LeadScoringTaskByID(ctx context.Context, id int64) (LeadScoringTask, error) {
	var t LeadScoringTask
	err := q.get(ctx, &t, `
		SELECT id, lead_id, final_recommendation, denial_reason, started_at, ended_at FROM lead_scoring_tasks WHERE id = $1`, id)
	return t, err
}

// LeadRuleTask is a rule step as it ran in a lead's scoring: the rule as it was then, and its outcome.
type LeadRuleTask struct {
	ID                 int64     `db:"id"`
	ScoringTaskID      int64     `db:"scoring_task_id"`
	RuleID             int64     `db:"rule_id"`
	OrderNo            int       `db:"order_no"`
	Blocking           bool      `db:"blocking"`
	Allowing           bool      `db:"allowing"`
	DenialReason       string    `db:"denial_reason"`
	Expression         string    `db:"expression"`
	ExpressionFieldID  int64     `db:"expression_field_id"`
	Description        string    `db:"description"`
	DescriptionFieldID int64     `db:"description_field_id"`
	Recommendation     string    `db:"recommendation"`
	Error              string    `db:"error"`
	StartedAt          time.Time `db:"started_at"`
	EndedAt            time.Time `db:"ended_at"`
}

const leadRuleTaskColumns = `id, scoring_task_id, rule_id, order_no, blocking, allowing, denial_reason, expression,
	expression_field_id, description, description_field_id, recommendation, error, started_at, ended_at`

// InsertLeadRuleTask records a rule step of a lead's scoring.
func (q Queries) InsertLeadRuleTask(ctx context.Context, t LeadRuleTask) error {
	_, err := q.exec(ctx, `
		INSERT INTO lead_rule_tasks (scoring_task_id, rule_id, order_no, blocking, allowing, denial_reason, expression,
			description, recommendation, error, started_at, ended_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		t.ScoringTaskID, t.RuleID, t.OrderNo, t.Blocking, t.Allowing, t.DenialReason, t.Expression,
		t.Description, t.Recommendation, t.Error, t.StartedAt, t.EndedAt)
	return err
}

// LeadRuleTasks returns the rule steps of a scoring in the order they ran.
func (q Queries) LeadRuleTasks(ctx context.Context, scoringTaskID int64) ([]LeadRuleTask, error) {
	var ts []LeadRuleTask
	err := q.sel(ctx, &ts, `SELECT `+leadRuleTaskColumns+` FROM lead_rule_tasks WHERE scoring_task_id = $1 ORDER BY id`, scoringTaskID)
	return ts, err
}

// ScoringRuleEntry is a scoring rule with whether it is in force.
type ScoringRuleEntry struct {
	ScoringRule
	Active bool `db:"active"`
}

const scoringRuleEntryColumns = `id, order_no, expression, description, blocking, allowing, denial_reason, recommendation, active`

// ScoringRules returns every scoring rule, in force or not, in order.
func (q Queries) ScoringRules(ctx context.Context) ([]ScoringRuleEntry, error) {
	var rs []ScoringRuleEntry
	err := q.sel(ctx, &rs, `SELECT `+scoringRuleEntryColumns+` FROM scoring_rules ORDER BY order_no, id`)
	return rs, err
}

// LockScoringRule returns a scoring rule, locked until the transaction ends.
func (q Queries) LockScoringRule(ctx context.Context, id int64) (ScoringRuleEntry, error) {
	var r ScoringRuleEntry
	err := q.get(ctx, &r, `SELECT `+scoringRuleEntryColumns+` FROM scoring_rules WHERE id = $1 FOR UPDATE`, id)
	return r, err
}

// UpdateScoringRule writes a scoring rule; the next scoring of anything reads it.
func (q Queries) UpdateScoringRule(ctx context.Context, r ScoringRuleEntry) (ScoringRuleEntry, error) {
	var out ScoringRuleEntry
	err := q.get(ctx, &out, `
		UPDATE scoring_rules SET order_no = $2, expression = $3, description = $4, blocking = $5, allowing = $6,
			denial_reason = $7, recommendation = $8, active = $9
		WHERE id = $1 RETURNING `+scoringRuleEntryColumns,
		r.ID, r.OrderNo, r.Expression, r.Description, r.Blocking, r.Allowing, r.DenialReason, r.Recommendation, r.Active)
	return out, err
}
