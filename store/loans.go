package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
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
	// Billing: money received and not yet applied, the last day accrued, the regular payment,
	// the penalty rate and the interest discount.
	Balance        decimal.Decimal     `db:"balance"`
	AccruedThrough *time.Time          `db:"accrued_through"`
	Payment        decimal.NullDecimal `db:"payment"`
	PenaltyRate    decimal.Decimal     `db:"penalty_rate"`
	DiscountType   *string             `db:"discount_type"`
	DiscountValue  decimal.NullDecimal `db:"discount_value"`
}

const loanColumns = `id, guid, number, contract_number, application_id, customer_id, product_code, amount, term,
	annual_rate, status, opened_on, accruals_stopped, acknowledge_status, closed_at, created_at, updated_at,
	balance, accrued_through, payment, penalty_rate, discount_type, discount_value`

// NextLoanNumber draws the next loan number.
func (q Queries) NextLoanNumber(ctx context.Context) (string, error) {
	var n int64
	err := q.get(ctx, &n, `SELECT nextval('loan_numbers')`)
	return fmt.Sprintf("%d", n), err
}

// InsertLoan stores a new loan with its contract, and its status as the first entry of its history, by actor.
func (q Queries) InsertLoan(ctx context.Context, l Loan, contractPDF []byte, actor string) (Loan, error) {
	var out Loan
	err := q.get(ctx, &out, `
		WITH l AS (
			INSERT INTO loans (number, contract_number, application_id, customer_id, product_code, amount, term, annual_rate, status,
				contract_pdf, penalty_rate, discount_type, discount_value, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING `+loanColumns+`
		), history AS (
			`+insertLoanUpdate+` SELECT id, 'STATUS', status, '', $15 FROM l
		)
		SELECT * FROM l`,
		l.Number, l.ContractNumber, l.ApplicationID, l.CustomerID, l.ProductCode, l.Amount, l.Term, l.AnnualRate, l.Status,
		contractPDF, l.PenaltyRate, l.DiscountType, l.DiscountValue, l.CreatedAt, actor)
	return out, err
}

// LoanByApplication returns the loan made from an application.
func (q Queries) LoanByApplication(ctx context.Context, applicationID int64) (Loan, error) {
	ls, err := q.LoansByApplication(ctx, []int64{applicationID})
	if err == nil && len(ls) == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return Loan{}, err
	}
	return ls[0], nil
}

// LoansByApplication returns the loans made from applications (one at most each).
func (q Queries) LoansByApplication(ctx context.Context, applicationIDs []int64) ([]Loan, error) {
	return LoansByApplication.Read(ctx, q, applicationIDs)
}

// LoansByApplication lists the loans issued on applications.
var LoansByApplication = Listing[Loan]{`SELECT ` + loanColumns + ` FROM loans WHERE application_id = ANY($1)`}

// ContractPDF returns a loan's signed contract.
func (q Queries) ContractPDF(ctx context.Context, loanID int64) ([]byte, error) {
	var pdf []byte
	err := q.get(ctx, &pdf, `SELECT contract_pdf FROM loans WHERE id = $1`, loanID)
	return pdf, err
}

// SetLoanStatus changes a loan's status, and its opening date when given, and writes the change
// into the loan's history; a CLOSED loan records when it closed.
func (q Queries) SetLoanStatus(ctx context.Context, id int64, status string, openedOn *time.Time, reason, actor string) error {
	_, err := q.exec(ctx, `
		WITH l AS (
			UPDATE loans SET status = $2, opened_on = coalesce($3, opened_on),
				closed_at = CASE WHEN $2 = 'CLOSED' THEN now() ELSE closed_at END, updated_at = now()
			WHERE id = $1 RETURNING id
		)
		`+insertLoanUpdate+` SELECT id, 'STATUS', $2, $4, $5 FROM l`, id, status, openedOn, reason, actor)
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
	_, err := q.exec(ctx, insertLoanUpdate+` VALUES ($1, $2, $3, $4, $5)`, u.LoanID, u.Event, u.Status, u.Reason, u.Actor)
	return err
}

// insertLoanUpdate begins every statement that writes a loan's history.
const insertLoanUpdate = `INSERT INTO loan_updates (loan_id, event, status, reason, actor)`

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

// ScheduleRow is one period of a loan's schedule: its planned payment, what accrued and what
// was paid.
type ScheduleRow struct {
	LoanID          int64           `db:"loan_id"`
	N               int             `db:"n"`
	Kind            string          `db:"kind"`
	DueDate         time.Time       `db:"due_date"`
	Amount          decimal.Decimal `db:"amount"`
	Principal       decimal.Decimal `db:"principal"`
	Interest        decimal.Decimal `db:"interest"`
	Remaining       decimal.Decimal `db:"remaining"`
	InterestAccrued decimal.Decimal `db:"interest_accrued"`
	FineAccrued     decimal.Decimal `db:"fine_accrued"`
	PrincipalPaid   decimal.Decimal `db:"principal_paid"`
	InterestPaid    decimal.Decimal `db:"interest_paid"`
	FinePaid        decimal.Decimal `db:"fine_paid"`
	PaidAt          *time.Time      `db:"paid_at"`
}

// Schedule returns a loan's schedule in order.
func (q Queries) Schedule(ctx context.Context, loanID int64) ([]ScheduleRow, error) {
	return ScheduleByLoan.Read(ctx, q, []int64{loanID})
}

// ScheduleByLoan lists loans' schedules, each in order.
var ScheduleByLoan = Listing[ScheduleRow]{`
	SELECT loan_id, n, kind, due_date, amount, principal, interest, remaining, interest_accrued, fine_accrued,
		principal_paid, interest_paid, fine_paid, paid_at
	FROM loan_schedule WHERE loan_id = ANY($1) ORDER BY loan_id, n`}

// SaveSchedule replaces a loan's schedule by rows, numbered in order.
func (q Queries) SaveSchedule(ctx context.Context, loanID int64, rows []ScheduleRow) error {
	cols := make([][]string, 12)
	for _, r := range rows {
		paidAt := ""
		if r.PaidAt != nil {
			paidAt = r.PaidAt.Format(time.RFC3339Nano)
		}
		for i, v := range []string{r.Kind, r.DueDate.Format(time.DateOnly), r.Amount.String(), r.Principal.String(),
			r.Interest.String(), r.Remaining.String(), r.InterestAccrued.String(), r.FineAccrued.String(),
			r.PrincipalPaid.String(), r.InterestPaid.String(), r.FinePaid.String(), paidAt} {
			cols[i] = append(cols[i], v)
		}
	}
	// the old rows go before the first new one is written (the subquery runs first): the new
	// rows take their numbers
	_, err := q.exec(ctx, `
		WITH old AS (DELETE FROM loan_schedule WHERE loan_id = $1 RETURNING n)
		INSERT INTO loan_schedule (loan_id, n, kind, due_date, amount, principal, interest, remaining, interest_accrued,
			fine_accrued, principal_paid, interest_paid, fine_paid, paid_at)
		SELECT $1, ordinality, kind, due::date, amount::numeric, principal::numeric, interest::numeric, remaining::numeric,
			ia::numeric, fa::numeric, pp::numeric, ip::numeric, fp::numeric, nullif(paid, '')::timestamptz
		FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
			$10::text[], $11::text[], $12::text[], $13::text[])
			WITH ORDINALITY AS r(kind, due, amount, principal, interest, remaining, ia, fa, pp, ip, fp, paid)
		WHERE (SELECT count(*) FROM old) >= 0`,
		loanID, pq.Array(cols[0]), pq.Array(cols[1]), pq.Array(cols[2]), pq.Array(cols[3]), pq.Array(cols[4]),
		pq.Array(cols[5]), pq.Array(cols[6]), pq.Array(cols[7]), pq.Array(cols[8]), pq.Array(cols[9]),
		pq.Array(cols[10]), pq.Array(cols[11]))
	return err
}

// LoansOf returns a customer's loans, newest first.
func (q Queries) LoansOf(ctx context.Context, customerID int64) ([]Loan, error) {
	return LoansByCustomer.Read(ctx, q, []int64{customerID})
}

// LoansByCustomer lists customers' loans, newest first.
var LoansByCustomer = Listing[Loan]{`SELECT ` + loanColumns + ` FROM loans WHERE customer_id = ANY($1) ORDER BY customer_id, id DESC`}
