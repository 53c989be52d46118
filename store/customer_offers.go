package store

import (
	"context"
	"time"

	"github.com/shopspring/decimal"
)

// TermCode is an entry of the loan term dictionary: THREE_MONTHS is 3 months.
type TermCode struct {
	Code   string `db:"code"`
	Months int    `db:"months"`
}

// TermCodes returns the loan term dictionary, shortest first.
func (q Queries) TermCodes(ctx context.Context) ([]TermCode, error) {
	var cs []TermCode
	err := q.sel(ctx, &cs, `SELECT code, months FROM loan_term_codes ORDER BY months`)
	return cs, err
}

// CustomerOfferProcess is a process a customer's application follows, e.g. MICRO_LOAN.
type CustomerOfferProcess struct {
	Code     string `db:"code"`
	Name     string `db:"name"`
	NextTask string `db:"next_task"`
	Active   bool   `db:"active"`
}

// CustomerOfferProcess returns the process with the given code.
func (q Queries) CustomerOfferProcess(ctx context.Context, code string) (CustomerOfferProcess, error) {
	var p CustomerOfferProcess
	err := q.get(ctx, &p, `SELECT code, name, next_task, active FROM customer_offer_processes WHERE code = $1`, code)
	return p, err
}

// PDPATemplate is a version of a personal-data consent's wording.
type PDPATemplate struct {
	ID        int64     `db:"id"`
	Name      string    `db:"name"`
	Version   int       `db:"version"`
	Text      string    `db:"text"`
	Active    bool      `db:"active"`
	CreatedAt time.Time `db:"created_at"`
}

const pdpaTemplateColumns = `id, name, version, text, active, created_at`

// PDPATemplate returns the consent template with the given id.
func (q Queries) PDPATemplate(ctx context.Context, id int64) (PDPATemplate, error) {
	var t PDPATemplate
	err := q.get(ctx, &t, `SELECT `+pdpaTemplateColumns+` FROM pdpa_templates WHERE id = $1`, id)
	return t, err
}

// PDPATemplates returns every consent template, by id.
func (q Queries) PDPATemplates(ctx context.Context) ([]PDPATemplate, error) {
	var ts []PDPATemplate
	err := q.sel(ctx, &ts, `SELECT `+pdpaTemplateColumns+` FROM pdpa_templates ORDER BY id`)
	return ts, err
}

// PutPDPATemplate stores a template under its id unless the id or its name and version exist; it
// reports whether it added one.
func (q Queries) PutPDPATemplate(ctx context.Context, t PDPATemplate) (bool, error) {
	res, err := q.exec(ctx, `INSERT INTO pdpa_templates (id, name, version, text, active) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT DO NOTHING`, t.ID, t.Name, t.Version, t.Text, t.Active)
	return inserted(res, err)
}

// CustomerOffer is a customer's loan application recorded by an employee, with the product's bounds
// as offered and the customer's signed PDPA consent.
type CustomerOffer struct {
	ID                  int64           `db:"id"`
	CustomerID          int64           `db:"customer_id"`
	ProcessCode         string          `db:"process_code"`
	EmployeeID          int64           `db:"employee_id"`
	NextTask            string          `db:"next_task"`
	ProductCode         string          `db:"product_code"`
	MinAmount           decimal.Decimal `db:"min_amount"`
	MaxAmount           decimal.Decimal `db:"max_amount"`
	MinTermCode         string          `db:"min_term_code"`
	MaxTermCode         string          `db:"max_term_code"`
	PDPATemplateID      int64           `db:"pdpa_template_id"`
	PDPATemplateVersion int             `db:"pdpa_template_version"`
	PDPATextSHA256      string          `db:"pdpa_text_sha256"`
	PDPASignedAt        time.Time       `db:"pdpa_signed_at"`
	SignatureFileGUID   string          `db:"signature_file_guid"`
	CreatedAt           time.Time       `db:"created_at"`
}

const customerOfferColumns = `id, customer_id, process_code, employee_id, next_task, product_code, min_amount, max_amount,
	min_term_code, max_term_code, pdpa_template_id, pdpa_template_version, pdpa_text_sha256, pdpa_signed_at,
	signature_file_guid, created_at`

// InsertCustomerOffer stores a customer offer.
func (q Queries) InsertCustomerOffer(ctx context.Context, o CustomerOffer) (CustomerOffer, error) {
	var out CustomerOffer
	err := q.get(ctx, &out, `
		INSERT INTO customer_offers (customer_id, process_code, employee_id, next_task, product_code, min_amount, max_amount,
			min_term_code, max_term_code, pdpa_template_id, pdpa_template_version, pdpa_text_sha256, pdpa_signed_at,
			signature_file_guid)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING `+customerOfferColumns,
		o.CustomerID, o.ProcessCode, o.EmployeeID, o.NextTask, o.ProductCode, o.MinAmount, o.MaxAmount,
		o.MinTermCode, o.MaxTermCode, o.PDPATemplateID, o.PDPATemplateVersion, o.PDPATextSHA256, o.PDPASignedAt,
		o.SignatureFileGUID)
	return out, err
}

// CustomerOfferByID returns the customer offer with the given id.
func (q Queries) CustomerOfferByID(ctx context.Context, id int64) (CustomerOffer, error) {
	var o CustomerOffer
	err := q.get(ctx, &o, `SELECT `+customerOfferColumns+` FROM customer_offers WHERE id = $1`, id)
	return o, err
}
