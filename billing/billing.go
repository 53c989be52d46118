// Package billing keeps a loan's accounts day by day: interest and penalty accrual, payments
// settled against the schedule, early repayments and prolongations. It holds the rules only; the
// loans package loads a loan, calls these and stores the result in one transaction.
//
// The rules, written down once:
//
//   - A schedule row is a period ending on its Due date; it starts on the previous row's Due date
//     (the first on the opening day). Interest for a day accrues to the row whose period holds it,
//     on that row's opening principal, at the loan's rate (the annual rate less its discount):
//     day d adds Interest(base, start, d+1) - Interest(base, start, d), so a row's days sum to
//     its planned interest exactly.
//   - A row is due on its Due date and overdue from the next day while any of it is unpaid. Each
//     day an overdue row accrues a penalty on its unpaid principal and interest at the penalty
//     rate for that one day, rounded half-up to kopecks.
//   - Money received goes to the loan's balance. Rows due (Due <= today) are settled from it,
//     oldest first, each penalty first, then interest accrued, then principal. What a due row
//     did not accrue (accruals stopped) is not owed: its interest becomes what accrued.
//   - An early repayment on day A (the activation date) first needs every row due by A paid. Of
//     its amount, the interest the current row accrued before A is paid first and the rest repays
//     principal; a PREPAYMENT row dated A records both. The rows after it are rebuilt from A on the
//     principal left over the same dates: PAYMENT_DECREASE keeps the dates and lowers the payment,
//     TERM_DECREASE keeps the payment and drops dates. An amount equal to the full amount closes
//     the loan. A preview runs the very same code on a copy.
//   - A prolongation on day T takes its price (the interest the current row accrued before T)
//     from the balance, records a PROLONGATION row dated T, cancels the discount and moves every
//     later due date by the prolongation days, rebuilding those rows at the full rate.
//   - A rebuilt plan the schedule rules cannot lay out is refused, and so not offered: a kopeck or
//     two spread over several payments, or a prolonged first period whose interest exceeds the new
//     payment (long loans at high rates).
package billing

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"lendgraph/schedule"
)

// Row kinds.
const (
	Regular      = "REGULAR"
	Prepayment   = "PREPAYMENT"
	Prolongation = "PROLONGATION"
)

// Prepayment types.
const (
	PaymentDecrease = "PAYMENT_DECREASE"
	TermDecrease    = "TERM_DECREASE"
)

// Operation kinds: money applied to the loan.
const (
	ScheduledPayment  = "SCHEDULED_PAYMENT"
	OverdueRepayment  = "OVERDUE_REPAYMENT"
	PartialPrepayment = "PARTIAL_PREPAYMENT"
	FullRepayment     = "FULL_REPAYMENT"
	ProlongationFee   = "PROLONGATION_FEE"
)

// ErrRefused marks a request the loan's state does not allow; the message says why.
var ErrRefused = errors.New("refused")

func refused(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrRefused}, args...)...)
}

// Loan is what billing needs of a loan.
type Loan struct {
	Amount      decimal.Decimal
	AnnualRate  decimal.Decimal
	PenaltyRate decimal.Decimal
	Discount    decimal.Decimal // share of interest forgiven, 0..1
	OpenedOn    time.Time
	Stopped     bool // accruals stopped
	Balance     decimal.Decimal
	// AccruedThrough is the last day accrued; the day before OpenedOn when none is.
	AccruedThrough time.Time
	Payment        decimal.Decimal // the regular payment
	Rows           []Row
}

// Row is one period of the schedule, with what it accrued and what was paid.
type Row struct {
	Kind            string
	Due             time.Time
	Principal       decimal.Decimal
	Interest        decimal.Decimal
	Remaining       decimal.Decimal // principal owed after this row
	InterestAccrued decimal.Decimal
	FineAccrued     decimal.Decimal
	PrincipalPaid   decimal.Decimal
	InterestPaid    decimal.Decimal
	FinePaid        decimal.Decimal
	PaidAt          *time.Time
}

// Amount is the row's planned payment.
func (r Row) Amount() decimal.Decimal { return r.Principal.Add(r.Interest) }

// Unpaid is what of the row is still owed once it is due.
func (r Row) Unpaid() decimal.Decimal {
	return r.Principal.Sub(r.PrincipalPaid).Add(r.InterestAccrued.Sub(r.InterestPaid)).Add(r.FineAccrued.Sub(r.FinePaid))
}

// Paid is what was paid of the row.
func (r Row) Paid() decimal.Decimal { return r.PrincipalPaid.Add(r.InterestPaid).Add(r.FinePaid) }

// Operation is money applied to the loan.
type Operation struct {
	Kind                      string
	Principal, Interest, Fine decimal.Decimal
}

// Amount is the whole of the operation.
func (o Operation) Amount() decimal.Decimal { return o.Principal.Add(o.Interest).Add(o.Fine) }

// Accrual is what one day added.
type Accrual struct {
	Day            time.Time
	Interest, Fine decimal.Decimal
	// Overdue are the due dates of rows that became overdue that day.
	Overdue []time.Time
}

// Rate is the interest rate the loan accrues at: the annual rate less the discount.
func (l *Loan) Rate() decimal.Decimal { return Discounted(l.AnnualRate, l.Discount) }

// Discounted is annualRate with the share discount of interest forgiven, to 6 places.
func Discounted(annualRate, discount decimal.Decimal) decimal.Decimal {
	return annualRate.Mul(decimal.NewFromInt(1).Sub(discount)).Round(6)
}

func (l *Loan) start(i int) time.Time {
	if i == 0 {
		return l.OpenedOn
	}
	return l.Rows[i-1].Due
}

// opening is the principal owed at the start of row i.
func (l *Loan) opening(i int) decimal.Decimal { return l.Rows[i].Principal.Add(l.Rows[i].Remaining) }

// covering is the row whose period holds day, or -1 after the last.
func (l *Loan) covering(day time.Time) int {
	for i := range l.Rows {
		if !day.Before(l.start(i)) && day.Before(l.Rows[i].Due) {
			return i
		}
	}
	return -1
}

// Closed tells whether every row is paid.
func (l *Loan) Closed() bool {
	for _, r := range l.Rows {
		if r.PaidAt == nil {
			return false
		}
	}
	return len(l.Rows) > 0
}

// Advance brings the loan up to today: it accrues every day after AccruedThrough up to
// yesterday, in order, then pays the rows due by today from the balance. It returns what each day
// accrued and the payments, at most one operation of each kind; at is when they take effect. A day
// accrued before is never accrued again.
func (l *Loan) Advance(today, at time.Time) ([]Accrual, []Operation) {
	var accruals []Accrual
	for d := l.AccruedThrough.AddDate(0, 0, 1); d.Before(today); d = d.AddDate(0, 0, 1) {
		accruals = append(accruals, l.accrue(d))
		l.AccruedThrough = d
	}
	return accruals, l.settle(today, at)
}

func (l *Loan) accrue(d time.Time) Accrual {
	a := Accrual{Day: d, Interest: decimal.Zero, Fine: decimal.Zero}
	if i := l.covering(d); i >= 0 && l.Rows[i].PaidAt == nil && !l.Stopped {
		base, from := l.opening(i), l.start(i)
		a.Interest = schedule.Interest(base, l.Rate(), from, d.AddDate(0, 0, 1)).Sub(schedule.Interest(base, l.Rate(), from, d))
		l.Rows[i].InterestAccrued = l.Rows[i].InterestAccrued.Add(a.Interest)
	}
	for i := range l.Rows {
		r := &l.Rows[i]
		if r.PaidAt != nil || !r.Due.Before(d) {
			continue
		}
		if r.Due.AddDate(0, 0, 1).Equal(d) {
			a.Overdue = append(a.Overdue, r.Due)
		}
		if l.Stopped {
			continue
		}
		owed := r.Principal.Sub(r.PrincipalPaid).Add(r.InterestAccrued.Sub(r.InterestPaid))
		fine := schedule.Interest(owed, l.PenaltyRate, d, d.AddDate(0, 0, 1))
		r.FineAccrued = r.FineAccrued.Add(fine)
		a.Fine = a.Fine.Add(fine)
	}
	return a
}

// OverdueSince is the due date of the oldest row unpaid after it, as of today.
func (l *Loan) OverdueSince(today time.Time) *time.Time {
	for _, r := range l.Rows {
		if r.PaidAt == nil && r.Due.Before(today) {
			return &r.Due
		}
	}
	return nil
}

func (l *Loan) settle(today, at time.Time) []Operation {
	ops := map[string]*Operation{}
	var order []string
	for i := range l.Rows {
		r := &l.Rows[i]
		if r.PaidAt != nil || r.Due.After(today) || l.Balance.IsZero() {
			continue
		}
		kind := ScheduledPayment
		if r.Due.Before(today) {
			kind = OverdueRepayment
		}
		op := ops[kind]
		if op == nil {
			op = &Operation{Kind: kind, Principal: decimal.Zero, Interest: decimal.Zero, Fine: decimal.Zero}
			ops[kind] = op
			order = append(order, kind)
		}
		// interest a due row did not accrue is not owed
		r.Interest = r.InterestAccrued
		op.Fine = op.Fine.Add(l.take(&r.FinePaid, r.FineAccrued))
		op.Interest = op.Interest.Add(l.take(&r.InterestPaid, r.InterestAccrued))
		op.Principal = op.Principal.Add(l.take(&r.PrincipalPaid, r.Principal))
		if r.Unpaid().IsZero() {
			r.PaidAt = &at
		}
	}
	var out []Operation
	for _, k := range order {
		if op := ops[k]; op.Amount().Sign() > 0 {
			out = append(out, *op)
		}
	}
	return out
}

// take moves from the balance into paid as much as is missing of due, and returns how much.
func (l *Loan) take(paid *decimal.Decimal, due decimal.Decimal) decimal.Decimal {
	amount := decimal.Min(due.Sub(*paid), l.Balance)
	if amount.Sign() <= 0 {
		return decimal.Zero
	}
	*paid = paid.Add(amount)
	l.Balance = l.Balance.Sub(amount)
	return amount
}

// Quote is what an early repayment on a day may be.
type Quote struct {
	Day time.Time
	// Interest the current row accrues before Day, paid first.
	Interest decimal.Decimal
	// Principal owed after the rows due by Day.
	Principal decimal.Decimal
	// Min is the current row's planned payment (or Full when less); Full repays the loan.
	Min, Full decimal.Decimal
	current   int
}

// QuoteOn tells the early-repayment bounds on day, projecting accrual for days not yet accrued.
// Every row due by day must be paid by then; the caller checks that when it matters.
func (l *Loan) QuoteOn(day time.Time) (Quote, error) {
	i := l.current(day)
	if i < 0 {
		return Quote{}, refused("the loan has no payment left after %s", day.Format(time.DateOnly))
	}
	q := Quote{Day: day, current: i, Principal: l.opening(i), Interest: l.accruedBefore(i, day)}
	q.Full = q.Interest.Add(q.Principal)
	q.Min = decimal.Min(q.Full, l.Rows[i].Amount())
	return q, nil
}

// current is the first unpaid row due after day, or -1.
func (l *Loan) current(day time.Time) int {
	for i, r := range l.Rows {
		if r.PaidAt == nil && r.Due.After(day) {
			return i
		}
	}
	return -1
}

// accruedBefore is the interest row i accrues before day: what accrued already and, unless
// accruals are stopped, the projection of the days from the next one to accrue up to day.
func (l *Loan) accruedBefore(i int, day time.Time) decimal.Decimal {
	r := l.Rows[i]
	accrued := r.InterestAccrued.Sub(r.InterestPaid)
	if l.Stopped {
		return accrued
	}
	base, from := l.opening(i), l.start(i)
	next := l.AccruedThrough.AddDate(0, 0, 1)
	if next.Before(from) {
		next = from
	}
	if !next.Before(day) {
		return accrued
	}
	return accrued.Add(schedule.Interest(base, l.Rate(), from, day).Sub(schedule.Interest(base, l.Rate(), from, next)))
}

// dueUnpaid tells whether a row due by day is unpaid.
func (l *Loan) dueUnpaid(day time.Time) bool {
	for _, r := range l.Rows {
		if r.PaidAt == nil && !r.Due.After(day) {
			return true
		}
	}
	return false
}

// Prepay applies an early repayment of amount on day, the loan advanced to day, and returns its
// operation. The balance must hold amount.
func (l *Loan) Prepay(day time.Time, amount decimal.Decimal, kind string, at time.Time) (Operation, error) {
	if l.dueUnpaid(day) {
		return Operation{}, refused("payments due by %s are unpaid", day.Format(time.DateOnly))
	}
	if l.Balance.LessThan(amount) {
		return Operation{}, refused("the balance %s does not cover %s", l.Balance.StringFixed(2), amount.StringFixed(2))
	}
	op, err := l.prepay(day, amount, kind, at)
	if err == nil {
		l.Balance = l.Balance.Sub(amount)
	}
	return op, err
}

// Preview is the schedule an early repayment on day would leave, computed by Prepay on a copy.
func (l *Loan) Preview(day time.Time, amount decimal.Decimal, kind string) ([]Row, error) {
	c := l.copy()
	if _, err := c.prepay(day, amount, kind, day); err != nil {
		return nil, err
	}
	return c.Rows, nil
}

func (l *Loan) copy() *Loan {
	c := *l
	c.Rows = append([]Row(nil), l.Rows...)
	return &c
}

func (l *Loan) prepay(day time.Time, amount decimal.Decimal, kind string, at time.Time) (Operation, error) {
	if kind != PaymentDecrease && kind != TermDecrease {
		return Operation{}, refused("type must be %s or %s", PaymentDecrease, TermDecrease)
	}
	q, err := l.QuoteOn(day)
	if err != nil {
		return Operation{}, err
	}
	if amount.LessThan(q.Min) || amount.GreaterThan(q.Full) {
		return Operation{}, refused("amount %s is outside %s..%s", amount.StringFixed(2), q.Min.StringFixed(2), q.Full.StringFixed(2))
	}
	principal := amount.Sub(q.Interest)
	if principal.Sign() <= 0 {
		return Operation{}, refused("amount %s does not exceed the interest %s", amount.StringFixed(2), q.Interest.StringFixed(2))
	}
	op := Operation{Kind: PartialPrepayment, Principal: principal, Interest: q.Interest, Fine: decimal.Zero}
	left := q.Principal.Sub(principal)
	var rebuilt []Row
	if left.IsZero() {
		op.Kind = FullRepayment
	} else {
		fixed := decimal.Zero
		if kind == TermDecrease {
			fixed = l.Payment
		}
		var payment decimal.Decimal
		if rebuilt, payment, err = l.rebuild(q.current, left, l.Rate(), day, 0, fixed); err != nil {
			return Operation{}, err
		}
		l.Payment = payment
	}
	l.cut(q.current, Row{Kind: Prepayment, Due: day, Principal: principal, Interest: q.Interest, Remaining: left}, at, rebuilt)
	return op, nil
}

// rebuild lays out principal from day over the due dates of rows from..., each moved by shift
// days, with payment fixed when given; it returns the rows and the regular payment. A plan the
// schedule rules cannot lay out (principal too small for the dates, or a period costing more
// interest than the payment) is refused.
func (l *Loan) rebuild(from int, principal, rate decimal.Decimal, day time.Time, shift int, payment decimal.Decimal) ([]Row, decimal.Decimal, error) {
	var dates []time.Time
	for _, r := range l.Rows[from:] {
		dates = append(dates, r.Due.AddDate(0, 0, shift))
	}
	s, err := schedule.Build(schedule.Plan{Principal: principal, AnnualRate: rate, From: day, Dates: dates, Payment: payment})
	if err != nil {
		return nil, payment, refused("%s over %d payments cannot be laid out: %v", principal.StringFixed(2), len(dates), err)
	}
	rows := make([]Row, len(s.Payments))
	for i, p := range s.Payments {
		rows[i] = Row{Kind: Regular, Due: p.Date, Principal: p.Principal, Interest: p.Interest, Remaining: p.Remaining}
	}
	return rows, s.MonthlyPayment, nil
}

// cut replaces the rows from i on by cut, paid in full with the interest it carries, and then
// rest; the interest row i accrued moves to cut.
func (l *Loan) cut(i int, cut Row, at time.Time, rest []Row) {
	cut.InterestAccrued, cut.InterestPaid, cut.PrincipalPaid, cut.FinePaid = cut.Interest, cut.Interest, cut.Principal, decimal.Zero
	cut.FineAccrued, cut.PaidAt = decimal.Zero, &at
	for k := range rest {
		rest[k].InterestAccrued, rest[k].FineAccrued = decimal.Zero, decimal.Zero
		rest[k].PrincipalPaid, rest[k].InterestPaid, rest[k].FinePaid = decimal.Zero, decimal.Zero, decimal.Zero
	}
	l.Rows = append(append(l.Rows[:i:i], cut), rest...)
}

// ProlongationQuote is what a prolongation on a day costs and moves.
type ProlongationQuote struct {
	Price             decimal.Decimal
	Days              int
	CurrentReturnDate time.Time
	NewReturnDate     time.Time
	current           int
	rest              []Row // the rows after it, moved and laid out at the full rate
	payment           decimal.Decimal
}

// QuoteProlongation tells the price and dates of a prolongation by days on day, having laid the
// moved schedule out, so that a prolongation quoted can be made.
func (l *Loan) QuoteProlongation(day time.Time, days int) (ProlongationQuote, error) {
	if l.Stopped {
		return ProlongationQuote{}, refused("accruals of the loan are stopped")
	}
	if l.dueUnpaid(day) {
		return ProlongationQuote{}, refused("payments due by %s are unpaid", day.Format(time.DateOnly))
	}
	i := l.current(day)
	if i < 0 {
		return ProlongationQuote{}, refused("the loan has no payment left after %s", day.Format(time.DateOnly))
	}
	rest, payment, err := l.rebuild(i, l.opening(i), l.AnnualRate, day, days, decimal.Zero)
	if err != nil {
		return ProlongationQuote{}, err
	}
	due := l.Rows[i].Due
	return ProlongationQuote{Price: l.accruedBefore(i, day), Days: days, CurrentReturnDate: due, NewReturnDate: due.AddDate(0, 0, days),
		current: i, rest: rest, payment: payment}, nil
}

// Prolong takes the price of a prolongation by days on day from the balance, cancels the discount
// and moves the rest of the schedule; it returns the fee's operation.
func (l *Loan) Prolong(day time.Time, days int, at time.Time) (Operation, error) {
	q, err := l.QuoteProlongation(day, days)
	if err != nil {
		return Operation{}, err
	}
	if l.Balance.LessThan(q.Price) {
		return Operation{}, refused("the balance %s does not cover the price %s", l.Balance.StringFixed(2), q.Price.StringFixed(2))
	}
	l.Discount, l.Payment, l.Balance = decimal.Zero, q.payment, l.Balance.Sub(q.Price)
	l.cut(q.current, Row{Kind: Prolongation, Due: day, Principal: decimal.Zero, Interest: q.Price, Remaining: l.opening(q.current)}, at, q.rest)
	return Operation{Kind: ProlongationFee, Principal: decimal.Zero, Interest: q.Price, Fine: decimal.Zero}, nil
}

// Owed is what closes the loan on day: what is due by then and the early-repayment full amount.
func (l *Loan) Owed(day time.Time) decimal.Decimal {
	owed := decimal.Zero
	for _, r := range l.Rows {
		if r.PaidAt == nil && !r.Due.After(day) {
			owed = owed.Add(r.Unpaid())
		}
	}
	if q, err := l.QuoteOn(day); err == nil {
		owed = owed.Add(q.Full)
	}
	return owed
}

// Debts is what a loan owes: principal not repaid, interest and penalty accrued and unpaid, and
// of all that what is due by today.
type Debts struct {
	Principal, Interest, Fine, Due decimal.Decimal
	OverdueDays                    int
}

// DebtsOn tells the loan's debts on today.
func (l *Loan) DebtsOn(today time.Time) Debts {
	d := Debts{Principal: decimal.Zero, Interest: decimal.Zero, Fine: decimal.Zero, Due: decimal.Zero}
	for _, r := range l.Rows {
		d.Principal = d.Principal.Add(r.Principal.Sub(r.PrincipalPaid))
		d.Interest = d.Interest.Add(r.InterestAccrued.Sub(r.InterestPaid))
		d.Fine = d.Fine.Add(r.FineAccrued.Sub(r.FinePaid))
		if r.PaidAt == nil && !r.Due.After(today) {
			d.Due = d.Due.Add(r.Unpaid())
		}
	}
	if since := l.OverdueSince(today); since != nil {
		d.OverdueDays = int(today.Sub(*since).Hours() / 24)
	}
	return d
}

// RowStatus is PAID, OVERDUE (unpaid after its day), DUE (today) or PLANNED.
func RowStatus(r Row, today time.Time) string {
	switch {
	case r.PaidAt != nil:
		return "PAID"
	case r.Due.Before(today):
		return "OVERDUE"
	case r.Due.Equal(today):
		return "DUE"
	}
	return "PLANNED"
}
