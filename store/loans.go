package store

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// Loan is money lent to a customer.
type Loan struct {
	ID             int64           `db:"id"`
	GUID           string          `db:"guid"`
	Number         string          `db:"number"`
	ContractNumber string          `db:"contract_number"`
	ApplicationID  int64           `db:"application_id"`
	CustomerID     int64           `db:"customer_id"`
	ProductCode    string          `db:"product_code"`
	Amount         decimal.Decimal `db:"amount"`
	Term           int             `db:"term"`
	AnnualRate     decimal.Decimal `db:"annual_rate"`
	Status         string          `db:"status"`
	OpenedOn       *time.Time      `db:"opened_on"`
	// AccrualsStopped halts interest accrual (fraud); AcknowledgeStatus is the customer's claim.
	AccrualsStopped   bool       `db:"accruals_stopped"`
	AcknowledgeStatus *string    `db:"acknowledge_status"`
	ClosedAt          *time.Time `db:"closed_at"`
	CreatedAt         time.Time  `db:"created_at"`
	UpdatedAt         time.Time  `db:"updated_at"`
}

const loanColumns = `id, guid, number, contract_number, application_id, customer_id, product_code, amount, term,
	annual_rate, status, opened_on, accruals_stopped, acknowledge_status, closed_at, created_at, updated_at`

// NextLoanNumber draws the next loan number.
func (q Queries) NextLoanNumber(ctx context.Context) (string, error) {
	var n int64
	err := q.get(ctx, &n, `SELECT nextval('loan_numbers')`)
	return fmt.Sprintf("%d", n), err
}

// InsertLoan stores a new loan with its contract.
func (q Queries) InsertLoan(ctx context.Context, l Loan, contractPDF []byte) (Loan, error) {
	var out Loan
	err := q.get(ctx, &out, `
		INSERT INTO loans (number, contract_number, application_id, customer_id, product_code, amount, term, annual_rate, status, contract_pdf)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING `+loanColumns,
		l.Number, l.ContractNumber, l.ApplicationID, l.CustomerID, l.ProductCode, l.Amount, l.Term, l.AnnualRate, l.Status, contractPDF)
	return out, err
}

// LoanByApplication returns the loan made from an application.
func (q Queries) LoanByApplication(ctx context.Context, applicationID int64) (Loan, error) {
	var l Loan
	err := q.get(ctx, &l, `SELECT `+loanColumns+` FROM loans WHERE application_id = $1`, applicationID)
	return l, err
}

// ContractPDF returns a loan's signed contract.
func (q Queries) ContractPDF(ctx context.Context, loanID int64) ([]byte, error) {
	var pdf []byte
	err := q.get(ctx, &pdf, `SELECT contract_pdf FROM loans WHERE id = $1`, loanID)
	return pdf, err
}

// SetLoanStatus changes a loan's status, and its opening date when given; a CLOSED loan records
// when it closed.
func (q Queries) SetLoanStatus(ctx context.Context, id int64, status string, openedOn *time.Time) error {
	_, err := q.exec(ctx, `UPDATE loans SET status = $2, opened_on = coalesce($3, opened_on),
		closed_at = CASE WHEN $2 = 'CLOSED' THEN now() ELSE closed_at END, updated_at = now() WHERE id = $1`, id, status, openedOn)
	return err
}

// LockLoan returns a loan by guid, locked until the transaction ends.
func (q Queries) LockLoan(ctx context.Context, guid string) (Loan, error) {
	var l Loan
	err := q.get(ctx, &l, `SELECT `+loanColumns+` FROM loans WHERE guid = $1 FOR UPDATE`, guid)
	return l, err
}

// LockActiveLoansOf returns a customer's loans that accrue (OPENED or PROLONGATION), locked.
func (q Queries) LockActiveLoansOf(ctx context.Context, customerID int64) ([]Loan, error) {
	var ls []Loan
	err := q.sel(ctx, &ls, `SELECT `+loanColumns+` FROM loans WHERE customer_id = $1 AND status IN ('OPENED', 'PROLONGATION')
		ORDER BY id FOR UPDATE`, customerID)
	return ls, err
}

// SetAccrualsStopped stops or resumes a loan's interest accrual.
func (q Queries) SetAccrualsStopped(ctx context.Context, id int64, stopped bool) (Loan, error) {
	var l Loan
	err := q.get(ctx, &l, `UPDATE loans SET accruals_stopped = $2, updated_at = now() WHERE id = $1 RETURNING `+loanColumns, id, stopped)
	return l, err
}

// SetAcknowledgeStatus records the customer's claim about a loan.
func (q Queries) SetAcknowledgeStatus(ctx context.Context, id int64, status string) (Loan, error) {
	var l Loan
	err := q.get(ctx, &l, `UPDATE loans SET acknowledge_status = $2, updated_at = now() WHERE id = $1 RETURNING `+loanColumns, id, status)
	return l, err
}

// LoanUpdate is an entry of a loan's history.
type LoanUpdate struct {
	ID        int64     `db:"id"`
	LoanID    int64     `db:"loan_id"`
	Event     string    `db:"event"`
	Status    string    `db:"status"`
	Reason    string    `db:"reason"`
	Actor     string    `db:"actor"`
	CreatedAt time.Time `db:"created_at"`
}

// AppendLoanUpdate adds to a loan's history.
func (q Queries) AppendLoanUpdate(ctx context.Context, u LoanUpdate) error {
	_, err := q.exec(ctx, `INSERT INTO loan_updates (loan_id, event, status, reason, actor) VALUES ($1, $2, $3, $4, $5)`,
		u.LoanID, u.Event, u.Status, u.Reason, u.Actor)
	return err
}

// LoanUpdates returns a loan's history, oldest first.
func (q Queries) LoanUpdates(ctx context.Context, loanID int64) ([]LoanUpdate, error) {
	var us []LoanUpdate
	err := q.sel(ctx, &us, `SELECT id, loan_id, event, status, reason, actor, created_at FROM loan_updates WHERE loan_id = $1 ORDER BY id`, loanID)
	return us, err
}

// LoanByGUID returns a loan.
func (q Queries) LoanByGUID(ctx context.Context, guid string) (Loan, error) {
	var l Loan
	err := q.get(ctx, &l, `SELECT `+loanColumns+` FROM loans WHERE guid = $1`, guid)
	return l, err
}

// ScheduleRow is one planned payment of a loan.
type ScheduleRow struct {
	LoanID    int64           `db:"loan_id"`
	N         int             `db:"n"`
	DueDate   time.Time       `db:"due_date"`
	Amount    decimal.Decimal `db:"amount"`
	Principal decimal.Decimal `db:"principal"`
	Interest  decimal.Decimal `db:"interest"`
	Remaining decimal.Decimal `db:"remaining"`
}

// InsertScheduleRow stores a planned payment.
func (q Queries) InsertScheduleRow(ctx context.Context, r ScheduleRow) error {
	_, err := q.exec(ctx, `
		INSERT INTO loan_schedule (loan_id, n, due_date, amount, principal, interest, remaining)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.LoanID, r.N, r.DueDate, r.Amount, r.Principal, r.Interest, r.Remaining)
	return err
}

// Schedule returns a loan's planned payments in order.
func (q Queries) Schedule(ctx context.Context, loanID int64) ([]ScheduleRow, error) {
	var rs []ScheduleRow
	err := q.sel(ctx, &rs, `
		SELECT loan_id, n, due_date, amount, principal, interest, remaining FROM loan_schedule WHERE loan_id = $1 ORDER BY n`, loanID)
	return rs, err
}

// PayoutOrder orders the loan's money paid to the partner.
type PayoutOrder struct {
	ID        int64           `db:"id"`
	GUID      string          `db:"guid"`
	LoanID    int64           `db:"loan_id"`
	PartnerID *int64          `db:"partner_id"`
	Amount    decimal.Decimal `db:"amount"`
	Currency  string          `db:"currency"`
	Status    string          `db:"status"`
	CreatedAt time.Time       `db:"created_at"`
}

// InsertPayoutOrder stores a payout order.
func (q Queries) InsertPayoutOrder(ctx context.Context, loanID int64, partnerID *int64, amount decimal.Decimal) error {
	_, err := q.exec(ctx, `INSERT INTO payout_orders (loan_id, partner_id, amount) VALUES ($1, $2, $3)`, loanID, partnerID, amount)
	return err
}

// SetPayoutStatus changes a payout order's status.
func (q Queries) SetPayoutStatus(ctx context.Context, loanID int64, status string) error {
	_, err := q.exec(ctx, `UPDATE payout_orders SET status = $2 WHERE loan_id = $1`, loanID, status)
	return err
}

// LoansOf returns a customer's loans, newest first.
func (q Queries) LoansOf(ctx context.Context, customerID int64) ([]Loan, error) {
	var ls []Loan
	err := q.sel(ctx, &ls, `SELECT `+loanColumns+` FROM loans WHERE customer_id = $1 ORDER BY id DESC`, customerID)
	return ls, err
}
