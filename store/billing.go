package store

import (
	"context"
	"time"

	"github.com/lib/pq"
	"github.com/shopspring/decimal"
)

// SaveLoanBilling stores a loan's billing state.
func (q Queries) SaveLoanBilling(ctx context.Context, l Loan) (Loan, error) {
	var out Loan
	err := q.get(ctx, &out, `UPDATE loans SET balance = $2, accrued_through = $3, payment = $4, discount_type = $5,
		discount_value = $6, updated_at = now() WHERE id = $1 RETURNING `+loanColumns,
		l.ID, l.Balance, l.AccruedThrough, l.Payment, l.DiscountType, l.DiscountValue)
	return out, err
}

// Accrual is what one day added to a loan.
type Accrual struct {
	LoanID   int64           `db:"loan_id"`
	Day      time.Time       `db:"day"`
	Interest decimal.Decimal `db:"interest"`
	Fine     decimal.Decimal `db:"fine"`
}

// InsertAccruals records the days accrued; a day recorded before stays as it was.
func (q Queries) InsertAccruals(ctx context.Context, loanID int64, as []Accrual) error {
	if len(as) == 0 {
		return nil
	}
	days, interest, fine := make([]string, len(as)), make([]string, len(as)), make([]string, len(as))
	for i, a := range as {
		days[i], interest[i], fine[i] = a.Day.Format(time.DateOnly), a.Interest.String(), a.Fine.String()
	}
	_, err := q.exec(ctx, `
		INSERT INTO loan_accruals (loan_id, day, interest, fine)
		SELECT $1, d::date, i::numeric, f::numeric FROM unnest($2::text[], $3::text[], $4::text[]) AS a(d, i, f)
		ON CONFLICT DO NOTHING`, loanID, pq.Array(days), pq.Array(interest), pq.Array(fine))
	return err
}

// Accruals returns what the days from..to added to a loan, in order.
func (q Queries) Accruals(ctx context.Context, loanID int64, from, to time.Time) ([]Accrual, error) {
	var as []Accrual
	err := q.sel(ctx, &as, `SELECT loan_id, day, interest, fine FROM loan_accruals WHERE loan_id = $1 AND day BETWEEN $2 AND $3
		ORDER BY day`, loanID, from, to)
	return as, err
}

// LoansToAccrue returns the guids of up to limit (all when negative) accruing loans (OPENED or
// PROLONGATION) not yet accrued through day.
func (q Queries) LoansToAccrue(ctx context.Context, day time.Time, limit int) ([]string, error) {
	var guids []string
	err := q.sel(ctx, &guids, `SELECT guid FROM loans WHERE status IN ('OPENED', 'PROLONGATION') AND accrued_through < $1
		ORDER BY id LIMIT nullif($2, -1)`, day, limit)
	return guids, err
}

// LoanOperation is money applied to a loan.
type LoanOperation struct {
	ID        int64           `db:"id"`
	LoanID    int64           `db:"loan_id"`
	Kind      string          `db:"kind"`
	Amount    decimal.Decimal `db:"amount"`
	Principal decimal.Decimal `db:"principal"`
	Interest  decimal.Decimal `db:"interest"`
	Fine      decimal.Decimal `db:"fine"`
	EventTime time.Time       `db:"event_time"`
}

// InsertLoanOperation records money applied to a loan.
func (q Queries) InsertLoanOperation(ctx context.Context, o LoanOperation) error {
	_, err := q.exec(ctx, `INSERT INTO loan_operations (loan_id, kind, amount, principal, interest, fine, event_time)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, o.LoanID, o.Kind, o.Amount, o.Principal, o.Interest, o.Fine, o.EventTime)
	return err
}

// LoanOperations returns the money applied to a loan, oldest first.
func (q Queries) LoanOperations(ctx context.Context, loanID int64) ([]LoanOperation, error) {
	var os []LoanOperation
	err := q.sel(ctx, &os, `SELECT id, loan_id, kind, amount, principal, interest, fine, event_time FROM loan_operations
		WHERE loan_id = $1 ORDER BY id`, loanID)
	return os, err
}

// PrepaymentRequest asks to repay a loan early on its activation date.
type PrepaymentRequest struct {
	ID             int64           `db:"id"`
	GUID           string          `db:"guid"`
	LoanID         int64           `db:"loan_id"`
	Type           string          `db:"type"`
	Amount         decimal.Decimal `db:"amount"`
	ActivationDate time.Time       `db:"activation_date"`
	State          string          `db:"state"`
	Failure        string          `db:"failure"`
	CreatedAt      time.Time       `db:"created_at"`
	UpdatedAt      time.Time       `db:"updated_at"`
}

const prepaymentColumns = `id, guid, loan_id, type, amount, activation_date, state, failure, created_at, updated_at`

// InsertPrepayment stores a NEW request; ok is false when the loan has a NEW one already.
func (q Queries) InsertPrepayment(ctx context.Context, p PrepaymentRequest) (out PrepaymentRequest, ok bool, err error) {
	err = q.get(ctx, &out, `INSERT INTO prepayments (loan_id, type, amount, activation_date) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING RETURNING `+prepaymentColumns, p.LoanID, p.Type, p.Amount, p.ActivationDate)
	return conflictless(out, err)
}

// Prepayments returns a loan's requests, newest first, those of one activation date when given.
func (q Queries) Prepayments(ctx context.Context, loanID int64, activationDate *time.Time) ([]PrepaymentRequest, error) {
	var ps []PrepaymentRequest
	err := q.sel(ctx, &ps, `SELECT `+prepaymentColumns+` FROM prepayments WHERE loan_id = $1
		AND ($2::date IS NULL OR activation_date = $2) ORDER BY id DESC`, loanID, activationDate)
	return ps, err
}

// SetPrepaymentState ends a request: EXECUTED, FAILED with why, or CANCELLED.
func (q Queries) SetPrepaymentState(ctx context.Context, id int64, state, failure string) (PrepaymentRequest, error) {
	var p PrepaymentRequest
	err := q.get(ctx, &p, `UPDATE prepayments SET state = $2, failure = $3, updated_at = now() WHERE id = $1
		RETURNING `+prepaymentColumns, id, state, failure)
	return p, err
}

// Prolongation moves a loan's payments for a price.
type Prolongation struct {
	ID                int64           `db:"id"`
	GUID              string          `db:"guid"`
	LoanID            int64           `db:"loan_id"`
	Status            string          `db:"status"`
	ErrorCode         string          `db:"error_code"`
	Price             decimal.Decimal `db:"price"`
	Days              int             `db:"days"`
	CurrentReturnDate time.Time       `db:"current_return_date"`
	NewReturnDate     time.Time       `db:"new_return_date"`
	CreatedAt         time.Time       `db:"created_at"`
	UpdatedAt         time.Time       `db:"updated_at"`
}

const prolongationColumns = `id, guid, loan_id, status, error_code, price, days, current_return_date, new_return_date,
	created_at, updated_at`

// InsertProlongation stores a prolongation.
func (q Queries) InsertProlongation(ctx context.Context, p Prolongation) (Prolongation, error) {
	var out Prolongation
	err := q.get(ctx, &out, `INSERT INTO prolongations (loan_id, status, error_code, price, days, current_return_date, new_return_date)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+prolongationColumns,
		p.LoanID, p.Status, p.ErrorCode, p.Price, p.Days, p.CurrentReturnDate, p.NewReturnDate)
	return out, err
}

// Prolongations returns a loan's prolongations, oldest first.
func (q Queries) Prolongations(ctx context.Context, loanID int64) ([]Prolongation, error) {
	var ps []Prolongation
	err := q.sel(ctx, &ps, `SELECT `+prolongationColumns+` FROM prolongations WHERE loan_id = $1 ORDER BY id`, loanID)
	return ps, err
}

// EnqueueAccrual schedules the accrual of day at runAt, unless it is scheduled already.
func (q Queries) EnqueueAccrual(ctx context.Context, day, runAt time.Time) error {
	_, err := q.exec(ctx, `INSERT INTO jobs (kind, day, run_at) VALUES ('ACCRUE', $1, $2) ON CONFLICT DO NOTHING`, day, runAt)
	return err
}

// PrepaymentByGUID returns an early repayment request.
func (q Queries) PrepaymentByGUID(ctx context.Context, guid string) (PrepaymentRequest, error) {
	var p PrepaymentRequest
	err := q.get(ctx, &p, `SELECT `+prepaymentColumns+` FROM prepayments WHERE guid = $1`, guid)
	return p, err
}

// Balance sums the balances of a customer's loans (or of one loan) and how much of them waits
// for an early repayment requested: the reserved part.
func (q Queries) Balance(ctx context.Context, customerID, loanID *int64) (full, reserved decimal.Decimal, err error) {
	var b struct {
		Full     decimal.Decimal `db:"full"`
		Reserved decimal.Decimal `db:"reserved"`
	}
	err = q.get(ctx, &b, `
		SELECT coalesce(sum(l.balance), 0) AS full, coalesce(sum(least(l.balance, coalesce(p.amount, 0))), 0) AS reserved
		FROM loans l LEFT JOIN prepayments p ON p.loan_id = l.id AND p.state = 'NEW'
		WHERE ($1::bigint IS NULL OR l.customer_id = $1) AND ($2::bigint IS NULL OR l.id = $2)`, customerID, loanID)
	return b.Full, b.Reserved, err
}

// LoanByID returns a loan.
func (q Queries) LoanByID(ctx context.Context, id int64) (Loan, error) {
	var l Loan
	err := q.get(ctx, &l, `SELECT `+loanColumns+` FROM loans WHERE id = $1`, id)
	return l, err
}

// LoanFilter narrows the back office's loan search; AfterID is the keyset cursor (ids below it).
type LoanFilter struct {
	Statuses   []string
	CustomerID *int64
	Number     string
	Overdue    *bool
	Today      time.Time // what overdue is counted against
	AfterID    int64
	Limit      int
}

// SearchLoans lists loans newest first.
func (q Queries) SearchLoans(ctx context.Context, f LoanFilter) ([]Loan, error) {
	var ls []Loan
	err := q.sel(ctx, &ls, `
		SELECT `+loanColumns+` FROM loans l
		WHERE (cardinality($1::text[]) = 0 OR status = ANY($1))
		  AND ($2::bigint IS NULL OR customer_id = $2)
		  AND ($3 = '' OR number = $3)
		  AND ($4::boolean IS NULL OR $4 = EXISTS (
			SELECT 1 FROM loan_schedule s WHERE s.loan_id = l.id AND s.paid_at IS NULL AND s.due_date < $5))
		  AND ($6::bigint = 0 OR id < $6)
		ORDER BY id DESC LIMIT $7`,
		stringArray(f.Statuses), f.CustomerID, f.Number, f.Overdue, f.Today, f.AfterID, f.Limit)
	return ls, err
}
