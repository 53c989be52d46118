package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/lib/pq"
	"github.com/shopspring/decimal"
)

// LoanProduct is a credit product partners sell.
type LoanProduct struct {
	Code       string          `db:"code"`
	Name       string          `db:"name"`
	AnnualRate decimal.Decimal `db:"annual_rate"`
	MinAmount  decimal.Decimal `db:"min_amount"`
	MaxAmount  decimal.Decimal `db:"max_amount"`
	MinTerm    int             `db:"min_term"`
	MaxTerm    int             `db:"max_term"`
	Active     bool            `db:"active"`
	// PenaltyRate is charged on overdue amounts, percent per year.
	PenaltyRate decimal.Decimal `db:"penalty_rate"`
	// A prolongation moves the payments by ProlongationDays, at most MaxProlongations times a loan.
	ProlongationDays int `db:"prolongation_days"`
	MaxProlongations int `db:"max_prolongations"`
	// DiscountValue is the share of interest forgiven (a FULL discount) until a prolongation.
	DiscountValue decimal.NullDecimal `db:"discount_value"`
}

const loanProductColumns = `code, name, annual_rate, min_amount, max_amount, min_term, max_term, active, penalty_rate,
	prolongation_days, max_prolongations, discount_value`

// LoanProduct returns the product with the given code.
func (q Queries) LoanProduct(ctx context.Context, code string) (LoanProduct, error) {
	var p LoanProduct
	err := q.get(ctx, &p, `SELECT `+loanProductColumns+` FROM loan_products WHERE code = $1`, code)
	return p, err
}

// PutLoanProduct stores a product unless its code exists; it reports whether it added one.
func (q Queries) PutLoanProduct(ctx context.Context, p LoanProduct) (bool, error) {
	res, err := q.exec(ctx, `
		INSERT INTO loan_products (code, name, annual_rate, min_amount, max_amount, min_term, max_term, penalty_rate,
			prolongation_days, max_prolongations, discount_value)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
		p.Code, p.Name, p.AnnualRate, p.MinAmount, p.MaxAmount, p.MinTerm, p.MaxTerm, p.PenaltyRate,
		p.ProlongationDays, p.MaxProlongations, p.DiscountValue)
	return inserted(res, err)
}

// ScoringRule is one ordered scoring step.
type ScoringRule struct {
	ID             int64  `db:"id"`
	OrderNo        int    `db:"order_no"`
	Expression     string `db:"expression"`
	Description    string `db:"description"`
	Blocking       bool   `db:"blocking"`
	Allowing       bool   `db:"allowing"`
	DenialReason   string `db:"denial_reason"`
	Recommendation string `db:"recommendation"`
}

// ActiveScoringRules returns the rules in force, in order.
func (q Queries) ActiveScoringRules(ctx context.Context) ([]ScoringRule, error) {
	var rs []ScoringRule
	err := q.sel(ctx, &rs, `
		SELECT id, order_no, expression, description, blocking, allowing, denial_reason, recommendation
		FROM scoring_rules WHERE active ORDER BY order_no, id`)
	return rs, err
}

// AddScoringRule stores a rule.
func (q Queries) AddScoringRule(ctx context.Context, r ScoringRule) error {
	_, err := q.exec(ctx, `
		INSERT INTO scoring_rules (order_no, expression, description, blocking, allowing, denial_reason, recommendation)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		r.OrderNo, r.Expression, r.Description, r.Blocking, r.Allowing, r.DenialReason, r.Recommendation)
	return err
}

// CountScoringRules returns how many rules exist, active or not.
func (q Queries) CountScoringRules(ctx context.Context) (int, error) {
	var n int
	err := q.get(ctx, &n, `SELECT count(*) FROM scoring_rules`)
	return n, err
}

// Application is a loan application.
type Application struct {
	ID                   int64           `db:"id"`
	GUID                 string          `db:"guid"`
	Channel              string          `db:"channel"`
	PartnerID            *int64          `db:"partner_id"`
	PartnerApplicationID *string         `db:"partner_application_id"`
	CustomerID           *int64          `db:"customer_id"`
	Phone                string          `db:"phone"`
	Status               string          `db:"status"`
	ProductCode          string          `db:"product_code"`
	Mode                 string          `db:"mode"`
	LoanAmount           decimal.Decimal `db:"loan_amount"`
	DownPayment          decimal.Decimal `db:"down_payment"`
	LoanTerm             int             `db:"loan_term"`
	BranchGUID           *string         `db:"branch_guid"`
	EmployeeID           *string         `db:"employee_id"`
	Request              json.RawMessage `db:"request"`
	RequestHash          []byte          `db:"request_hash"`
	SelectedOfferID      *int64          `db:"selected_offer_id"`
	Reason               string          `db:"reason"`
	CreatedAt            time.Time       `db:"created_at"`
	UpdatedAt            time.Time       `db:"updated_at"`
}

const applicationColumns = `id, guid, channel, partner_id, partner_application_id, customer_id, phone, status,
	product_code, mode, loan_amount, down_payment, loan_term, branch_guid, employee_id, request, request_hash,
	selected_offer_id, reason, created_at, updated_at`

// FileApplication stores a new application with its cart lines and its first jobs (one of each
// kind, due at its time), unless its guid, or its partner's application id, is taken; it reports
// whether it stored it.
func (q Queries) FileApplication(ctx context.Context, a Application, cart []CartItem, jobs []string, runAt []time.Time) (Application, bool, error) {
	lines, names, quantities, prices, types := make([]int64, len(cart)), make([]string, len(cart)), make([]int64, len(cart)), make([]decimal.Decimal, len(cart)), make([]string, len(cart))
	for i, c := range cart {
		lines[i], names[i], quantities[i], prices[i], types[i] = int64(c.LineNo), c.Name, int64(c.Quantity), c.Price, c.GoodsType
	}
	times := make([]string, len(runAt))
	for i, t := range runAt {
		times[i] = t.Format(time.RFC3339Nano)
	}
	var out Application
	err := q.get(ctx, &out, `
		WITH a AS (
			INSERT INTO applications (guid, channel, partner_id, partner_application_id, customer_id, phone, status,
				product_code, mode, loan_amount, down_payment, loan_term, branch_guid, employee_id, request, request_hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
			ON CONFLICT DO NOTHING
			RETURNING `+applicationColumns+`
		), cart AS (
			INSERT INTO application_cart_items (application_id, line_no, name, quantity, price, goods_type)
			SELECT a.id, c.* FROM a, unnest($17::int[], $18::text[], $19::int[], $20::numeric[], $21::text[]) AS c
		), jobs AS (
			INSERT INTO jobs (kind, application_id, run_at)
			SELECT j.kind, a.id, j.run_at FROM a, unnest($22::text[], $23::timestamptz[]) AS j(kind, run_at)
		)
		SELECT * FROM a`,
		a.GUID, a.Channel, a.PartnerID, a.PartnerApplicationID, a.CustomerID, a.Phone, a.Status,
		a.ProductCode, a.Mode, a.LoanAmount, a.DownPayment, a.LoanTerm, a.BranchGUID, a.EmployeeID, a.Request, a.RequestHash,
		pq.Array(lines), pq.Array(names), pq.Array(quantities), pq.Array(prices), pq.Array(types), pq.Array(jobs), pq.Array(times))
	if err == ErrNotFound {
		return Application{}, false, nil
	}
	return out, err == nil, err
}

// OwnedApplication is an application with the names its partner and customer go by in tokens
// (the partner's name, the customer's guid), so that who may see it is known without another
// read, with what its partner was last told (the newest notification's payload, if any) and
// its cart's total.
type OwnedApplication struct {
	Application
	PartnerName  *string         `db:"partner_name"`
	CustomerGUID *string         `db:"customer_guid"`
	Told         []byte          `db:"told"` // JSON
	CartTotal    decimal.Decimal `db:"cart_total"`
}

const ownedApplicationFrom = `SELECT a.*, p.name AS partner_name, c.guid AS customer_guid, n.payload AS told,
	(SELECT coalesce(sum(i.price * i.quantity), 0) FROM application_cart_items i WHERE i.application_id = a.id) AS cart_total
	FROM (SELECT ` + applicationColumns + ` FROM applications`

// ownedApplication reads one application selected by where (on applications), with its owners'
// names; lock locks its row until the transaction ends.
func (q Queries) ownedApplication(ctx context.Context, where string, lock bool, arg any) (OwnedApplication, error) {
	query := ownedApplicationFrom + ` WHERE ` + where
	if lock {
		query += ` FOR UPDATE`
	}
	query += `) a LEFT JOIN partners p ON p.id = a.partner_id LEFT JOIN customers c ON c.id = a.customer_id
		LEFT JOIN LATERAL (SELECT payload FROM partner_notifications WHERE application_id = a.id ORDER BY id DESC LIMIT 1) n ON true`
	var a OwnedApplication
	err := q.get(ctx, &a, query, arg)
	return a, err
}

// ApplicationByGUID returns the application with the given guid.
func (q Queries) ApplicationByGUID(ctx context.Context, guid string) (Application, error) {
	var a Application
	err := q.get(ctx, &a, `SELECT `+applicationColumns+` FROM applications WHERE guid = $1`, guid)
	return a, err
}

// OwnedApplicationByGUID is ApplicationByGUID with the application's owners' names.
func (q Queries) OwnedApplicationByGUID(ctx context.Context, guid string) (OwnedApplication, error) {
	return q.ownedApplication(ctx, `guid = $1`, false, guid)
}

// ApplicationsByGUID returns the applications with the given guids that exist, by guid.
func (q Queries) ApplicationsByGUID(ctx context.Context, guids []string) (map[string]Application, error) {
	var as []Application
	if err := q.sel(ctx, &as, `SELECT `+applicationColumns+` FROM applications WHERE guid = ANY($1::uuid[])`, pq.Array(guids)); err != nil {
		return nil, err
	}
	out := make(map[string]Application, len(as))
	for _, a := range as {
		out[a.GUID] = a
	}
	return out, nil
}

// ApplicationByPartnerRef returns a partner's application by the partner's own id.
func (q Queries) ApplicationByPartnerRef(ctx context.Context, partnerID int64, ref string) (Application, error) {
	var a Application
	err := q.get(ctx, &a, `SELECT `+applicationColumns+` FROM applications WHERE partner_id = $1 AND partner_application_id = $2`, partnerID, ref)
	return a, err
}

// LockApplication returns the application with the given guid, locked until the transaction ends,
// so that its transitions happen one at a time.
func (q Queries) LockApplication(ctx context.Context, guid string) (OwnedApplication, error) {
	return q.ownedApplication(ctx, `guid = $1`, true, guid)
}

// LockApplicationByID is LockApplication by the application's id.
func (q Queries) LockApplicationByID(ctx context.Context, id int64) (OwnedApplication, error) {
	return q.ownedApplication(ctx, `id = $1`, true, id)
}

// ApplicationFilter narrows a listing of applications. Zero fields do not filter.
type ApplicationFilter struct {
	PartnerID     *int64
	CustomerID    *int64
	Statuses      []string
	CreatedFrom   *time.Time
	CreatedBefore *time.Time
	AfterID       int64 // keyset cursor: only ids below it (newest first)
	Limit         int
}

// Applications lists applications newest first.
func (q Queries) Applications(ctx context.Context, f ApplicationFilter) ([]Application, error) {
	var as []Application
	err := q.sel(ctx, &as, `
		SELECT `+applicationColumns+` FROM applications
		WHERE ($1::bigint IS NULL OR partner_id = $1)
		  AND ($2::bigint IS NULL OR customer_id = $2)
		  AND (cardinality($3::text[]) = 0 OR status = ANY($3))
		  AND ($4::timestamptz IS NULL OR created_at >= $4)
		  AND ($5::timestamptz IS NULL OR created_at < $5)
		  AND ($6::bigint = 0 OR id < $6)
		ORDER BY id DESC LIMIT $7`,
		f.PartnerID, f.CustomerID, stringArray(f.Statuses), f.CreatedFrom, f.CreatedBefore, f.AfterID, f.Limit)
	return as, err
}

// ApplicationsByCustomer lists customers' applications, the newest 100 of each, newest first.
var ApplicationsByCustomer = Listing[Application]{`
	SELECT a.* FROM unnest($1::bigint[]) c(id) CROSS JOIN LATERAL (
		SELECT ` + applicationColumns + ` FROM applications WHERE customer_id = c.id ORDER BY id DESC LIMIT 100) a`}

// CartItem is a line of an application's cart.
type CartItem struct {
	ApplicationID int64           `db:"application_id"`
	LineNo        int             `db:"line_no"`
	Name          string          `db:"name"`
	Quantity      int             `db:"quantity"`
	Price         decimal.Decimal `db:"price"`
	GoodsType     string          `db:"goods_type"`
	CreatedAt     time.Time       `db:"created_at"`
}

// CartItems returns the cart lines of applications, each application's in order.
func (q Queries) CartItems(ctx context.Context, applicationIDs []int64) ([]CartItem, error) {
	return CartItemsByApplication.Read(ctx, q, applicationIDs)
}

// CartItemsByApplication lists applications' cart lines.
var CartItemsByApplication = Listing[CartItem]{`
	SELECT application_id, line_no, name, quantity, price, goods_type, created_at
	FROM application_cart_items WHERE application_id = ANY($1) ORDER BY application_id, line_no`}

// Questionnaire is the applicant data an application brought, beyond the customer's own columns.
type Questionnaire struct {
	ApplicationID int64           `db:"application_id"`
	CustomerID    int64           `db:"customer_id"`
	Documents     json.RawMessage `db:"documents"`
	Employment    json.RawMessage `db:"employment"`
	Contacts      json.RawMessage `db:"contacts"`
	Addresses     json.RawMessage `db:"addresses"`
	Device        json.RawMessage `db:"device"`
	Additional    json.RawMessage `db:"additional"`
}

// PutQuestionnaire stores an application's questionnaire (again, when a step is retried).
func (q Queries) PutQuestionnaire(ctx context.Context, x Questionnaire) error {
	_, err := q.exec(ctx, `
		INSERT INTO application_questionnaires (application_id, customer_id, documents, employment, contacts, addresses, device, additional)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (application_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, documents = EXCLUDED.documents,
			employment = EXCLUDED.employment, contacts = EXCLUDED.contacts, addresses = EXCLUDED.addresses,
			device = EXCLUDED.device, additional = EXCLUDED.additional`,
		x.ApplicationID, x.CustomerID, x.Documents, x.Employment, x.Contacts, x.Addresses, x.Device, x.Additional)
	return err
}

// Offer is a loan offer computed for an application.
type Offer struct {
	ID             int64           `db:"id"`
	ApplicationID  int64           `db:"application_id"`
	ProductCode    string          `db:"product_code"`
	Amount         decimal.Decimal `db:"amount"`
	Term           int             `db:"term"`
	AnnualRate     decimal.Decimal `db:"annual_rate"`
	MonthlyPayment decimal.Decimal `db:"monthly_payment"`
	TotalInterest  decimal.Decimal `db:"total_interest"`
	TotalAmount    decimal.Decimal `db:"total_amount"`
}

const offerColumns = `id, application_id, product_code, amount, term, annual_rate, monthly_payment, total_interest, total_amount`

// InsertOffers stores an application's offers, their ids rising in the order given.
func (q Queries) InsertOffers(ctx context.Context, offers []Offer) error {
	n := len(offers)
	apps, products, terms := make([]int64, n), make([]string, n), make([]int64, n)
	amounts, rates, payments, interests, totals := make([]decimal.Decimal, n), make([]decimal.Decimal, n), make([]decimal.Decimal, n), make([]decimal.Decimal, n), make([]decimal.Decimal, n)
	for i, o := range offers {
		apps[i], products[i], terms[i] = o.ApplicationID, o.ProductCode, int64(o.Term)
		amounts[i], rates[i], payments[i], interests[i], totals[i] = o.Amount, o.AnnualRate, o.MonthlyPayment, o.TotalInterest, o.TotalAmount
	}
	_, err := q.exec(ctx, `
		INSERT INTO application_offers (application_id, product_code, amount, term, annual_rate, monthly_payment, total_interest, total_amount)
		SELECT a, p, am, t, r, mp, ti, ta
		FROM unnest($1::bigint[], $2::text[], $3::numeric[], $4::int[], $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[])
			WITH ORDINALITY AS o(a, p, am, t, r, mp, ti, ta, n)
		ORDER BY n`,
		pq.Array(apps), pq.Array(products), pq.Array(amounts), pq.Array(terms), pq.Array(rates),
		pq.Array(payments), pq.Array(interests), pq.Array(totals))
	return err
}

// Offers returns the offers of applications, each application's in order.
func (q Queries) Offers(ctx context.Context, applicationIDs []int64) ([]Offer, error) {
	return OffersByApplication.Read(ctx, q, applicationIDs)
}

// OffersByApplication lists applications' offers.
var OffersByApplication = Listing[Offer]{`SELECT ` + offerColumns + ` FROM application_offers WHERE application_id = ANY($1) ORDER BY id`}

// PartnerTerms is what an application's partner is told besides its status: an offer (the
// selected one, else the first made), and once signed the loan's contract.
type PartnerTerms struct {
	Offer
	ContractNumber *string `db:"contract_number"`
	ContractPDF    []byte  `db:"contract_pdf"`
}

// PartnerTermsOf returns an application's partner terms: of the offer selectedOfferID, or of its
// first offer when nil; ErrNotFound when it has no such offer.
func (q Queries) PartnerTermsOf(ctx context.Context, applicationID int64, selectedOfferID *int64) (PartnerTerms, error) {
	var t PartnerTerms
	err := q.get(ctx, &t, `
		SELECT o.*, l.contract_number, l.contract_pdf
		FROM (SELECT `+offerColumns+` FROM application_offers WHERE application_id = $1 AND ($2::bigint IS NULL OR id = $2)
			ORDER BY id LIMIT 1) o
		LEFT JOIN loans l ON l.application_id = $1`, applicationID, selectedOfferID)
	return t, err
}

// ApplicationFile is a file a partner attached to an application.
type ApplicationFile struct {
	ID            int64     `db:"id"`
	GUID          string    `db:"guid"`
	ApplicationID int64     `db:"application_id"`
	FileType      string    `db:"file_type"`
	Format        string    `db:"format"`
	Size          int       `db:"size"`
	CreatedAt     time.Time `db:"created_at"`
}

// AddApplicationFile stores a file's bytes.
func (q Queries) AddApplicationFile(ctx context.Context, applicationID int64, fileType, format string, content []byte) (ApplicationFile, error) {
	var f ApplicationFile
	err := q.get(ctx, &f, `
		INSERT INTO application_files (application_id, file_type, format, content) VALUES ($1, $2, $3, $4)
		RETURNING id, guid, application_id, file_type, format, length(content) AS size, created_at`,
		applicationID, fileType, format, content)
	return f, err
}

// ApplicationFiles lists the files of applications without their bytes, oldest first.
func (q Queries) ApplicationFiles(ctx context.Context, applicationIDs []int64) ([]ApplicationFile, error) {
	return FilesByApplication.Read(ctx, q, applicationIDs)
}

// FilesByApplication lists applications' files, without their content.
var FilesByApplication = Listing[ApplicationFile]{`
	SELECT id, guid, application_id, file_type, format, length(content) AS size, created_at
	FROM application_files WHERE application_id = ANY($1) ORDER BY id`}
