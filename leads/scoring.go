package leads

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"lendgraph/applications"
	"lendgraph/domain"
	"lendgraph/scoring"
	"lendgraph/store"
)

// ScoreLead scores the lead id again, by the rules in force now.
func (s *Service) ScoreLead(ctx context.Context, caller domain.Principal, id string) (LeadRecord, error) {
	var out LeadRecord
	err := s.Store.Tx(ctx, func(q store.Queries) error {
		sc, err := leadScope(ctx, q, caller)
		if err != nil {
			return err
		}
		l, err := visibleLead(ctx, sc, id, q.LockLead)
		if err != nil {
			return err
		}
		out, err = s.scoreLead(ctx, q, l.ID)
		return err
	})
	return out, err
}

// scoreLead runs the scoring rules in force on the lead id, the same rules and engine that score
// applications, and records the scoring with each rule step as it ran.
func (s *Service) scoreLead(ctx context.Context, q store.Queries, id int64) (LeadRecord, error) {
	l, err := leadRecord(q.LeadByID(ctx, id))
	if err != nil {
		return l, err
	}
	customer := store.Customer{Phone: l.MobilePhone}
	if l.ClientID != nil {
		if customer, err = q.CustomerByID(ctx, *l.ClientID); err != nil {
			return l, err
		}
	}
	rules, err := q.ActiveScoringRules(ctx)
	if err != nil {
		return l, err
	}
	app, req := l.asApplication()
	started := s.Now()
	result := scoring.Evaluate(applications.ScoringRulesOf(rules), s.Applications.ScoringEnv(app, customer, req), s.Now)
	task, err := q.InsertLeadScoringTask(ctx, store.LeadScoringTask{
		LeadID: id, FinalRecommendation: result.FinalRecommendation, DenialReason: result.DenialReason, StartedAt: started, EndedAt: s.Now(),
	})
	if err != nil {
		return l, err
	}
	for _, t := range result.Tasks {
		r := rules[slices.IndexFunc(rules, func(r store.ScoringRule) bool { return r.ID == t.RuleID })]
		if err := q.InsertLeadRuleTask(ctx, store.LeadRuleTask{
			ScoringTaskID: task.ID, RuleID: r.ID, OrderNo: r.OrderNo, Blocking: r.Blocking, Allowing: r.Allowing,
			DenialReason: r.DenialReason, Expression: r.Expression, Description: r.Description,
			Recommendation: t.Recommendation, Error: t.Error, StartedAt: t.StartedAt, EndedAt: t.EndedAt,
		}); err != nil {
			return l, err
		}
	}
	return leadRecord(q.LeadByID(ctx, id))
}

// asApplication is the lead as the application scoring sees an application, so that one rule
// table speaks of both in the same terms: the lead's channel, product (creditProductId), amount,
// term in months and goods (as the cart), and its person's birth date, passport, income (meanIncome
// as the salary), monthly costs and children. What a lead does not know stays unknown as it does
// for applications: no mode, no down payment, age -1 without a birth date (the customer's, once the
// lead has one, fills in), and term 0 without a period.
func (l Lead) asApplication() (*store.Application, applications.CreateApplication) {
	app := &store.Application{Channel: l.Channel, LoanAmount: *l.Amount, LoanTerm: l.termMonths()}
	if l.CreditProductID != nil {
		app.ProductCode = strconv.FormatInt(*l.CreditProductID, 10)
	}
	req := applications.CreateApplication{Customer: applications.Applicant{BirthDate: l.BirthDate, MonthlyExpenses: l.AverageMonthlyCost, ChildrenNumber: l.ChildrenCount}}
	for _, g := range l.Goods {
		req.Cart.Items = append(req.Cart.Items, applications.CartItem{Name: g.Name, Quantity: g.Quantity, Price: g.Amount})
	}
	if l.Passport != nil {
		req.CustomerDocuments = []applications.Document{{Type: "passport", Series: l.Passport.Seria, Number: l.Passport.No}}
	}
	if l.MeanIncome != nil {
		req.CustomerEmployment.Salary = *l.MeanIncome
	}
	return app, req
}

// termMonths is the period asked for in months, as application terms are: days and weeks round up
// to whole months of 30 days.
func (l Lead) termMonths() int {
	if l.Period == nil {
		return 0
	}
	n := *l.Period
	switch l.PeriodUnit {
	case "MONTHS":
		return n
	case "YEARS":
		return n * 12
	case "WEEKS":
		n *= 7
	}
	return (n + 29) / 30
}

// The scoring's terms as seed 002 shows them. The rules are one schema (the scoring_rules table,
// which applications use too) of one step type, a boolean expression, whose fields are the
// expression and its description.
const (
	leadRuleStepSchemaID   = 1
	ruleStepTypeExpression = 11
	stepFieldExpression    = 1
	stepFieldDescription   = 5
)

// LeadScoring is a scoring of a lead, with the rule steps that ran.
type LeadScoring struct {
	ID                  int64
	StartDate           time.Time
	EndDate             time.Time
	RuleStepSchemaID    int64
	FinalRecommendation string
	RuleTasks           []LeadRuleTask
}

// LeadRuleTask is a rule step as it ran.
type LeadRuleTask struct {
	ID             int64
	StartDate      time.Time
	EndDate        time.Time
	Recommendation string
	RuleStep       RuleStep
	ErrorInfo      *string  // why the step failed
	Options        []string // the engine's steps have none: always empty
}

// RuleStep is a rule as it was when it ran.
type RuleStep struct {
	ID               int64           `json:"id"`
	RuleStepTypeID   int             `json:"ruleStepTypeId"`
	OrderNo          int             `json:"orderNo"`
	Blocking         bool            `json:"blocking"`
	Allowing         bool            `json:"allowing"`
	BranchSchemaID   *int64          `json:"branchSchemaId"` // the engine does not branch: always null
	DenialReasonID   *string         `json:"denialReasonId"` // the rule's denial reason code
	Fields           []RuleStepField `json:"fields"`
	RuleStepSchemaID int64           `json:"ruleStepSchemaId"`
}

// RuleStepField is a field of a rule step: its expression (type 1) or its description (type 5).
type RuleStepField struct {
	ID              int64  `json:"id"`
	StepTypeFieldID int    `json:"stepTypeFieldId"`
	Value           string `json:"value"`
}

// MarshalJSON writes the scoring as seed 002 does: times in epoch milliseconds.
func (t LeadScoring) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID                  int64          `json:"id"`
		StartDate           int64          `json:"startDate"`
		EndDate             int64          `json:"endDate"`
		RuleStepSchemaID    int64          `json:"ruleStepSchemaId"`
		FinalRecommendation string         `json:"finalRecommendation"`
		RuleTasks           []LeadRuleTask `json:"ruleTasks"`
	}{t.ID, t.StartDate.UnixMilli(), t.EndDate.UnixMilli(), t.RuleStepSchemaID, t.FinalRecommendation, t.RuleTasks})
}

// MarshalJSON writes the step as seed 002 does: times in epoch milliseconds.
func (t LeadRuleTask) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID             int64    `json:"id"`
		StartDate      int64    `json:"startDate"`
		EndDate        int64    `json:"endDate"`
		Recommendation string   `json:"recommendation"`
		RuleStep       RuleStep `json:"ruleStep"`
		ErrorInfo      *string  `json:"errorInfo"`
		Options        []string `json:"options"`
	}{t.ID, t.StartDate.UnixMilli(), t.EndDate.UnixMilli(), t.Recommendation, t.RuleStep, t.ErrorInfo, t.Options})
}

// LeadScoring returns the newest scoring of a lead the caller was allowed to see, or nil when it
// has none.
func (s *Service) LeadScoring(ctx context.Context, l LeadRecord) (*LeadScoring, error) {
	if l.ScoringTaskID == nil {
		return nil, nil
	}
	task, err := s.Store.LeadScoringTaskByID(ctx, *l.ScoringTaskID)
	if err != nil {
		return nil, err
	}
	steps, err := s.Store.LeadRuleTasks(ctx, task.ID)
	if err != nil {
		return nil, err
	}
	out := &LeadScoring{
		ID: task.ID, StartDate: task.StartedAt, EndDate: task.EndedAt, RuleStepSchemaID: leadRuleStepSchemaID,
		FinalRecommendation: task.FinalRecommendation, RuleTasks: make([]LeadRuleTask, len(steps)),
	}
	for i, t := range steps {
		fields := []RuleStepField{{ID: t.ExpressionFieldID, StepTypeFieldID: stepFieldExpression, Value: t.Expression}}
		if t.Description != "" {
			fields = append(fields, RuleStepField{ID: t.DescriptionFieldID, StepTypeFieldID: stepFieldDescription, Value: t.Description})
		}
		out.RuleTasks[i] = LeadRuleTask{
			ID: t.ID, StartDate: t.StartedAt, EndDate: t.EndedAt, Recommendation: t.Recommendation, ErrorInfo: domain.NonEmpty(t.Error), Options: []string{},
			RuleStep: RuleStep{
				ID: t.RuleID, RuleStepTypeID: ruleStepTypeExpression, OrderNo: t.OrderNo, Blocking: t.Blocking, Allowing: t.Allowing,
				DenialReasonID: domain.NonEmpty(t.DenialReason), Fields: fields, RuleStepSchemaID: leadRuleStepSchemaID,
			},
		}
	}
	return out, nil
}

// LeadScoringInfo is a lead with its newest scoring, as GET …/leads/{leadId}/scoring/info answers
// it (seed 002). No application or contract is made from a lead here: loanApplicationId and
// contractId stay null.
type LeadScoringInfo struct {
	ID                int64           `json:"id"`
	CreationDate      int64           `json:"creationDate"` // epoch milliseconds
	Channel           string          `json:"channel"`
	FirstName         string          `json:"firstName"`
	LastName          string          `json:"lastName"`
	Patronymic        string          `json:"patronymic"`
	MobilePhone       string          `json:"mobilePhone"`
	Email             *string         `json:"email"`
	ManagerID         *int64          `json:"managerId"`
	Amount            decimal.Decimal `json:"amount"`
	CurrentStatus     *string         `json:"currentStatus"`
	DenialReasonID    *string         `json:"denialReasonId"` // the denial reason code
	ClientID          *int64          `json:"clientId"`
	LoanApplicationID *int64          `json:"loanApplicationId"`
	ContractID        *int64          `json:"contractId"`
	ScoringTask       *LeadScoring    `json:"scoringTask"`
}

// LeadScoringInfo returns the lead id with its newest scoring, when caller may see it.
func (s *Service) LeadScoringInfo(ctx context.Context, caller domain.Principal, id string) (LeadScoringInfo, error) {
	l, err := s.Lead(ctx, caller, id)
	if err != nil {
		return LeadScoringInfo{}, err
	}
	task, err := s.LeadScoring(ctx, l)
	return LeadScoringInfo{
		ID: l.ID, CreationDate: l.CreatedAt.UnixMilli(), Channel: l.Channel, FirstName: l.FirstName, LastName: l.LastName,
		Patronymic: l.Patronymic, MobilePhone: l.MobilePhone, Email: domain.NonEmpty(l.Email), ManagerID: l.ManagerID, Amount: *l.Amount,
		CurrentStatus: l.CurrentStatus, DenialReasonID: l.DenialReason, ClientID: l.ClientID, ScoringTask: task,
	}, err
}
