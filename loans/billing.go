package loans

import (
	"context"
	"errors"
	"time"

	"github.com/shopspring/decimal"

	"lendgraph/billing"
	"lendgraph/domain"
	"lendgraph/schedule"
	"lendgraph/store"
)

// Billing error codes (spec: gdp-loan-service) and this service's own.
const (
	CodeProlongationImpossible domain.Code = "PROLONATION_CREATION_IMPOSSIBLE" // the spec's spelling
	CodeProlongationNotFound   domain.Code = "PROLONGATION_NOT_FOUND"
	CodePrepaymentImpossible   domain.Code = "PREPAYMENT_IMPOSSIBLE"
	CodePaymentExceedsDebt     domain.Code = "PAYMENT_EXCEEDS_DEBT"
)

// Prepayment request states.
const (
	PrepaymentNew       = "NEW"
	PrepaymentExecuted  = "EXECUTED"
	PrepaymentFailed    = "FAILED"
	PrepaymentCancelled = "CANCELLED"
)

// today is the calendar day of t in UTC: the day billing counts in.
func today(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func accruing(l store.Loan) bool { return l.Status == LoanOpened || l.Status == LoanProlongation }

// ledger is a locked loan with its billing state.
type ledger struct {
	loan store.Loan
	b    *billing.Loan
}

func (s *Service) ledgerOf(ctx context.Context, q store.Queries, l store.Loan) (*ledger, error) {
	rows, err := q.Schedule(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	return newLedger(l, rows), nil
}

func newLedger(l store.Loan, rows []store.ScheduleRow) *ledger {
	b := &billing.Loan{
		Amount: l.Amount, AnnualRate: l.AnnualRate, PenaltyRate: l.PenaltyRate, Discount: l.DiscountValue.Decimal,
		Stopped: l.AccrualsStopped, Balance: l.Balance, Payment: l.Payment.Decimal,
	}
	if l.OpenedOn != nil {
		b.OpenedOn = *l.OpenedOn
		b.AccruedThrough = b.OpenedOn.AddDate(0, 0, -1)
	}
	if l.AccruedThrough != nil {
		b.AccruedThrough = *l.AccruedThrough
	}
	for _, r := range rows {
		b.Rows = append(b.Rows, billing.Row{
			Kind: r.Kind, Due: r.DueDate, Principal: r.Principal, Interest: r.Interest, Remaining: r.Remaining,
			InterestAccrued: r.InterestAccrued, FineAccrued: r.FineAccrued, PrincipalPaid: r.PrincipalPaid,
			InterestPaid: r.InterestPaid, FinePaid: r.FinePaid, PaidAt: r.PaidAt,
		})
	}
	return &ledger{loan: l, b: b}
}

func scheduleRow(r billing.Row) store.ScheduleRow {
	return store.ScheduleRow{
		Kind: r.Kind, DueDate: r.Due, Amount: r.Amount(), Principal: r.Principal, Interest: r.Interest, Remaining: r.Remaining,
		InterestAccrued: r.InterestAccrued, FineAccrued: r.FineAccrued, PrincipalPaid: r.PrincipalPaid,
		InterestPaid: r.InterestPaid, FinePaid: r.FinePaid, PaidAt: r.PaidAt,
	}
}

// save stores the ledger with the accruals and operations that changed it, and closes the loan
// when it is repaid.
func (s *Service) save(ctx context.Context, q store.Queries, lg *ledger, accruals []billing.Accrual, ops []billing.Operation, at time.Time) (store.Loan, error) {
	l, b := lg.loan, lg.b
	as := make([]store.Accrual, len(accruals))
	for i, a := range accruals {
		as[i] = store.Accrual{Day: a.Day, Interest: a.Interest, Fine: a.Fine}
		for _, due := range a.Overdue {
			if err := q.AppendLoanUpdate(ctx, store.LoanUpdate{LoanID: l.ID, Event: "OVERDUE", Status: l.Status,
				Reason: "the payment due " + due.Format(time.DateOnly) + " is unpaid", Actor: "system:billing"}); err != nil {
				return l, err
			}
		}
	}
	if err := q.InsertAccruals(ctx, l.ID, as); err != nil {
		return l, err
	}
	rows := make([]store.ScheduleRow, len(b.Rows))
	for i, r := range b.Rows {
		rows[i] = scheduleRow(r)
	}
	if err := q.SaveSchedule(ctx, l.ID, rows); err != nil {
		return l, err
	}
	for _, op := range ops {
		if op.Amount().IsZero() {
			continue // a prolongation on the day the loan opened costs nothing
		}
		if err := q.InsertLoanOperation(ctx, store.LoanOperation{
			LoanID: l.ID, Kind: op.Kind, Amount: op.Amount(), Principal: op.Principal, Interest: op.Interest, Fine: op.Fine, EventTime: at,
		}); err != nil {
			return l, err
		}
	}
	l.Balance, l.AccruedThrough, l.Payment = b.Balance, &b.AccruedThrough, decimal.NewNullDecimal(b.Payment)
	if b.Discount.IsZero() {
		l.DiscountType, l.DiscountValue = nil, decimal.NullDecimal{}
	}
	saved, err := q.SaveLoanBilling(ctx, l)
	if err != nil || !b.Closed() || !accruing(l) {
		return saved, err
	}
	if err := SetLoanStatus(ctx, q, l, LoanClosed, nil, "repaid", "system:billing"); err != nil {
		return l, err
	}
	return q.LoanByGUID(ctx, l.GUID)
}

// advance brings a locked loan up to day (see billing.Loan.Advance), executes its early repayment
// requested for day when the balance covers it, fails those of earlier days, applies change (when
// given) and stores it all; at is when the money moved.
func (s *Service) advance(ctx context.Context, q store.Queries, l store.Loan, day, at time.Time, change func(*ledger) ([]billing.Operation, error)) (store.Loan, error) {
	if !accruing(l) {
		return l, domain.Errorf(domain.CodeInvalidStatus, "loan %s is %s", l.GUID, l.Status)
	}
	lg, err := s.ledgerOf(ctx, q, l)
	if err != nil {
		return l, err
	}
	accruals, ops := lg.b.Advance(day, at)
	executed, err := s.executePrepayment(ctx, q, lg, day, at)
	if err != nil {
		return l, err
	}
	ops = append(ops, executed...)
	if change != nil {
		more, err := change(lg)
		if err != nil {
			return l, err
		}
		ops = append(ops, more...)
	}
	return s.save(ctx, q, lg, accruals, ops, at)
}

// executePrepayment runs the loan's NEW request due on day when the balance covers it; a request
// whose day has passed fails.
func (s *Service) executePrepayment(ctx context.Context, q store.Queries, lg *ledger, day, at time.Time) ([]billing.Operation, error) {
	reqs, err := q.Prepayments(ctx, lg.loan.ID, nil)
	if err != nil {
		return nil, err
	}
	for _, r := range reqs {
		switch {
		case r.State != PrepaymentNew || r.ActivationDate.After(day):
		case r.ActivationDate.Before(day):
			if _, err := q.SetPrepaymentState(ctx, r.ID, PrepaymentFailed, "not paid by its activation date"); err != nil {
				return nil, err
			}
		case lg.b.Balance.GreaterThanOrEqual(r.Amount):
			op, err := lg.b.Prepay(day, r.Amount, r.Type, at)
			state, failure := PrepaymentExecuted, ""
			if errors.Is(err, billing.ErrRefused) {
				state, failure = PrepaymentFailed, err.Error()
			} else if err != nil {
				return nil, err
			}
			if _, err := q.SetPrepaymentState(ctx, r.ID, state, failure); err != nil {
				return nil, err
			}
			if state == PrepaymentExecuted {
				return []billing.Operation{op}, nil
			}
		}
	}
	return nil, nil
}

// refusal turns a refusal of the billing rules into the error code given.
func refusal(err error, code domain.Code) error {
	if errors.Is(err, billing.ErrRefused) {
		return domain.Errorf(code, "%s", err.Error())
	}
	return err
}

// discountFull is the one discount type: a share of the interest forgiven.
var discountFull = "FULL"

// loanRate is the rate a loan accrues at, its discount taken off.
func loanRate(l store.Loan) decimal.Decimal {
	return billing.Discounted(l.AnnualRate, l.DiscountValue.Decimal)
}

// OpenSchedule lays out a loan's schedule on the day it opens and accrues its days up to today (a
// loan opened on a past day), storing both at once.
func (s *Service) OpenSchedule(ctx context.Context, q store.Queries, l store.Loan, opened time.Time) error {
	plan, err := schedule.Annuity(schedule.Terms{Principal: l.Amount, AnnualRate: loanRate(l), Months: l.Term, Start: opened})
	if err != nil {
		return err
	}
	rows := make([]store.ScheduleRow, len(plan.Payments))
	for i, p := range plan.Payments {
		rows[i] = store.ScheduleRow{Kind: billing.Regular, DueDate: p.Date, Amount: p.Amount, Principal: p.Principal, Interest: p.Interest, Remaining: p.Remaining}
	}
	accrued := opened.AddDate(0, 0, -1)
	l.OpenedOn, l.AccruedThrough, l.Payment = &opened, &accrued, decimal.NewNullDecimal(plan.MonthlyPayment)
	lg, at := newLedger(l, rows), s.Now()
	accruals, ops := lg.b.Advance(today(at), at)
	_, err = s.save(ctx, q, lg, accruals, ops, at)
	return err
}

// ReceivePayment credits money paid towards a locked loan and settles what is due today; at is when
// the money was paid (a back-dated posting still takes effect today). A payment may not exceed
// what closes the loan today.
func (s *Service) ReceivePayment(ctx context.Context, q store.Queries, l store.Loan, amount decimal.Decimal, at time.Time, orderGUID string) (store.Loan, error) {
	day := today(s.Now())
	return s.advance(ctx, q, l, day, at, func(lg *ledger) ([]billing.Operation, error) {
		if most := lg.b.Owed(day).Sub(lg.b.Balance); amount.GreaterThan(most) {
			return nil, domain.Errorf(CodePaymentExceedsDebt, "payment %s exceeds the %s that closes loan %s (order %s)",
				amount.StringFixed(2), most.StringFixed(2), l.GUID, orderGUID)
		}
		lg.b.Balance = lg.b.Balance.Add(amount)
		_, ops := lg.b.Advance(day, at)
		more, err := s.executePrepayment(ctx, q, lg, day, at)
		return append(ops, more...), err
	})
}

// RunAccrual accrues day on one loan or, without a loan, on every accruing loan; day must have
// ended. Running a day again changes nothing. It answers the loans it advanced.
func (s *Service) RunAccrual(ctx context.Context, caller domain.Principal, day time.Time, loanGUID *string) ([]store.Loan, error) {
	day = today(day)
	if !day.Before(today(s.Now())) {
		return nil, domain.Invalid(domain.FieldErrors{{Field: "date", Message: "must be a day that has ended"}})
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) ([]store.Loan, error) {
		guids := []string{}
		if loanGUID != nil {
			guids = append(guids, *loanGUID)
		} else {
			var err error
			if guids, err = q.LoansToAccrue(ctx, day, -1); err != nil {
				return nil, err
			}
		}
		var out []store.Loan
		for _, g := range guids {
			l, err := domain.ByGUID(ctx, g, CodeLoanNotFound, "loan", q.LockLoan)
			if err != nil {
				return nil, err
			}
			if l, err = s.advance(ctx, q, l, day.AddDate(0, 0, 1), s.Now(), nil); err != nil {
				return nil, err
			}
			out = append(out, l)
		}
		return out, nil
	})
}

// AccrueDay is the daily job: the next batch of accruing loans up to the end of day; after the
// last batch, the next day queued.
func (s *Service) AccrueDay(ctx context.Context, q store.Queries, day time.Time) (done bool, err error) {
	guids, err := q.LoansToAccrue(ctx, day, s.AccrualBatch)
	if err != nil {
		return false, err
	}
	for _, g := range guids {
		l, err := q.LockLoan(ctx, g)
		if err != nil {
			return false, err
		}
		if _, err := s.advance(ctx, q, l, day.AddDate(0, 0, 1), s.Now(), nil); err != nil {
			return false, err
		}
	}
	if len(guids) == s.AccrualBatch {
		return false, nil
	}
	return true, s.QueueNextAccrual(ctx, q, day)
}

// QueueNextAccrual queues the accrual of the day after day, to run once that day has ended.
func (s *Service) QueueNextAccrual(ctx context.Context, q store.Queries, day time.Time) error {
	next := day.AddDate(0, 0, 1)
	return q.EnqueueAccrual(ctx, next, next.AddDate(0, 0, 1))
}

// QueueDailyAccrual makes sure yesterday's accrual is queued; each accrual queues the next day's.
func (s *Service) QueueDailyAccrual(ctx context.Context) error {
	return s.Store.EnqueueAccrual(ctx, today(s.Now()).AddDate(0, 0, -1), s.Now())
}
