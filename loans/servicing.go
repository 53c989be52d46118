package loans

import (
	"context"
	"errors"
	"time"

	"github.com/shopspring/decimal"

	"lendgraph/billing"
	"lendgraph/domain"
	"lendgraph/registry"
	"lendgraph/store"
)

// How far ahead an early repayment may be planned.
const maxPrepaymentDays = 90

// The readers below take a loan the caller was already allowed to see.

// LoanDebts tells what a loan owes today.
func (s *Service) LoanDebts(ctx context.Context, l store.Loan) (billing.Debts, error) {
	lg, err := s.ledgerOf(ctx, s.Store.Queries, l)
	if err != nil {
		return billing.Debts{}, err
	}
	return lg.b.DebtsOn(today(s.Now())), nil
}

// ScheduleLine is a schedule row with its status today.
type ScheduleLine struct {
	store.ScheduleRow
	Status string
}

// LoanSchedule returns a loan's current schedule: paid, overdue, due and planned rows.
func (s *Service) LoanSchedule(ctx context.Context, l store.Loan) ([]ScheduleLine, error) {
	rows, err := s.Store.Schedule(ctx, l.ID)
	return s.ScheduleLines(rows), err
}

// ScheduleLines gives schedule rows their status today.
func (s *Service) ScheduleLines(rows []store.ScheduleRow) []ScheduleLine {
	lines := make([]ScheduleLine, len(rows))
	for i, r := range rows {
		lines[i] = s.scheduleLine(r)
	}
	return lines
}

func (s *Service) scheduleLine(r store.ScheduleRow) ScheduleLine {
	return ScheduleLine{ScheduleRow: r, Status: billing.RowStatus(billing.Row{Due: r.DueDate, PaidAt: r.PaidAt}, today(s.Now()))}
}

// Balance is money paid towards loans and not yet applied: Reserved for early repayments
// requested, Free for the rest (the next payments).
type Balance struct {
	Full, Reserved, Free decimal.Decimal
}

// Balance sums the balances of a customer's loans, or of one loan.
func (s *Service) Balance(ctx context.Context, customerID, loanID *int64) (Balance, error) {
	full, reserved, err := s.Store.Balance(ctx, customerID, loanID)
	return Balance{Full: full, Reserved: reserved, Free: full.Sub(reserved)}, err
}

// Operations are the money movements of a loan: its payout and the repayments applied.
type Operations struct {
	Payout     *store.TransactionOrder
	Repayments []store.LoanOperation
}

// LoanOperations returns a loan's payout (once completed) and repayments.
func (s *Service) LoanOperations(ctx context.Context, l store.Loan) (Operations, error) {
	var ops Operations
	payout, err := s.Store.PayoutOf(ctx, l.ID)
	switch {
	case err == nil && payout.CompletedAt != nil:
		ops.Payout = &payout
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return ops, err
	}
	ops.Repayments, err = s.Store.LoanOperations(ctx, l.ID)
	return ops, err
}

// PrepaymentBounds tells the least and the full early repayment on day (today when nil).
func (s *Service) PrepaymentBounds(ctx context.Context, l store.Loan, day *time.Time) (billing.Quote, error) {
	lg, on, err := s.prepaymentLedger(ctx, l, day)
	if err != nil {
		return billing.Quote{}, err
	}
	q, err := lg.b.QuoteOn(on)
	return q, refusal(err, CodePrepaymentImpossible)
}

// PreviewPrepayment is the schedule an early repayment would leave: the same computation that
// executing it runs.
func (s *Service) PreviewPrepayment(ctx context.Context, l store.Loan, amount decimal.Decimal, kind string, day *time.Time) ([]ScheduleLine, error) {
	if err := prepaymentInput(amount, kind); err != nil {
		return nil, err
	}
	lg, on, err := s.prepaymentLedger(ctx, l, day)
	if err != nil {
		return nil, err
	}
	rows, err := lg.b.Preview(on, amount, kind)
	if err != nil {
		return nil, refusal(err, CodePrepaymentImpossible)
	}
	lines := make([]ScheduleLine, len(rows))
	for i, r := range rows {
		row := scheduleRow(r)
		row.LoanID, row.N = l.ID, i+1
		lines[i] = s.scheduleLine(row)
	}
	return lines, nil
}

func (s *Service) prepaymentLedger(ctx context.Context, l store.Loan, day *time.Time) (*ledger, time.Time, error) {
	on, err := s.activationDay(day)
	if err != nil {
		return nil, on, err
	}
	if !accruing(l) {
		return nil, on, domain.Errorf(CodePrepaymentImpossible, "loan %s is %s", l.GUID, l.Status)
	}
	lg, err := s.ledgerOf(ctx, s.Store.Queries, l)
	return lg, on, err
}

// activationDay is day (today when nil), from today up to maxPrepaymentDays ahead.
func (s *Service) activationDay(day *time.Time) (time.Time, error) {
	now := today(s.Now())
	if day == nil {
		return now, nil
	}
	on := today(*day)
	if on.Before(now) || on.After(now.AddDate(0, 0, maxPrepaymentDays)) {
		return on, domain.Invalid(domain.FieldErrors{{Field: "activationDate", Message: "must be from today up to 90 days ahead"}})
	}
	return on, nil
}

func prepaymentInput(amount decimal.Decimal, kind string) error {
	var errs domain.FieldErrors
	errs.PositiveMoney("amount", amount)
	if kind != billing.PaymentDecrease && kind != billing.TermDecrease {
		errs.Add("type", "must be PAYMENT_DECREASE or TERM_DECREASE")
	}
	if len(errs) > 0 {
		return domain.Invalid(errs)
	}
	return nil
}

// LoanPrepayments returns a loan's early repayment requests, newest first, of one activation date
// when given.
func (s *Service) LoanPrepayments(ctx context.Context, l store.Loan, activationDate *time.Time) ([]store.PrepaymentRequest, error) {
	return s.Store.Prepayments(ctx, l.ID, activationDate)
}

// ProlongationPossibility is a prolongation's price and dates, or why there can be none.
type ProlongationPossibility struct {
	Possible bool
	Reason   *string
	Terms    *billing.ProlongationQuote
}

// Status is the spec's PROLONGATION_AVAILABLE, or PROLONGATION_UNAVAILABLE.
func (p ProlongationPossibility) Status() string {
	if p.Possible {
		return "PROLONGATION_AVAILABLE"
	}
	return "PROLONGATION_UNAVAILABLE"
}

// LoanProlongationPossibility tells whether the loan can be prolonged today, and on what terms.
func (s *Service) LoanProlongationPossibility(ctx context.Context, l store.Loan) (ProlongationPossibility, error) {
	q, err := s.prolongationQuote(ctx, s.Store.Queries, l, nil)
	var refused *domain.Error
	if errors.As(err, &refused) && refused.Code == CodeProlongationImpossible {
		return ProlongationPossibility{Reason: &refused.Message}, nil
	}
	if err != nil {
		return ProlongationPossibility{}, err
	}
	return ProlongationPossibility{Possible: true, Terms: &q}, nil
}

// prolongationQuote quotes a prolongation of l today on its ledger (loaded when nil).
func (s *Service) prolongationQuote(ctx context.Context, q store.Queries, l store.Loan, lg *ledger) (billing.ProlongationQuote, error) {
	if !accruing(l) {
		return billing.ProlongationQuote{}, domain.Errorf(CodeProlongationImpossible, "loan %s is %s", l.GUID, l.Status)
	}
	p, err := q.LoanProduct(ctx, l.ProductCode)
	if err != nil {
		return billing.ProlongationQuote{}, err
	}
	done, err := q.Prolongations(ctx, l.ID)
	if err != nil {
		return billing.ProlongationQuote{}, err
	}
	if n := len(done); n >= p.MaxProlongations {
		return billing.ProlongationQuote{}, domain.Errorf(CodeProlongationImpossible, "loan %s was prolonged %d times, the product allows %d", l.GUID, n, p.MaxProlongations)
	}
	if lg == nil {
		if lg, err = s.ledgerOf(ctx, q, l); err != nil {
			return billing.ProlongationQuote{}, err
		}
	}
	quote, err := lg.b.QuoteProlongation(today(s.Now()), p.ProlongationDays)
	return quote, refusal(err, CodeProlongationImpossible)
}

// LoanProlongations returns a loan's prolongations, oldest first.
func (s *Service) LoanProlongations(ctx context.Context, l store.Loan) ([]store.Prolongation, error) {
	return s.Store.Prolongations(ctx, l.ID)
}

// loanWrite runs fn on the loan guid, locked, for its customer or an employee (audited as action);
// anybody else's loan is LOAN_NOT_FOUND.
func loanWrite[T any](s *Service, ctx context.Context, caller domain.Principal, guid, action string, fn func(q store.Queries, l store.Loan) (T, error)) (T, error) {
	var out T
	if caller.Role != domain.RoleCustomer && caller.Role != domain.RoleEmployee {
		return out, domain.Errorf(domain.CodeForbidden, "only the customer or an employee may do this")
	}
	err := s.Store.Tx(ctx, func(q store.Queries) error {
		l, err := domain.ByGUID(ctx, guid, CodeLoanNotFound, "loan", q.LockLoan)
		if err != nil {
			return err
		}
		if err := s.MayServiceLoan(ctx, q, caller, l); err != nil {
			return err
		}
		if out, err = fn(q, l); err != nil {
			return err
		}
		if caller.Role == domain.RoleEmployee {
			return domain.Audit(ctx, q, caller, action, "loan", l.GUID, nil)
		}
		return nil
	})
	return out, err
}

// RequestPrepayment asks to repay a loan early on activationDate (today when nil): the amount
// must lie within the bounds that day. A request for today runs at once when the loan's balance
// covers it; otherwise it runs when a payment brings the money that day, or fails after it.
func (s *Service) RequestPrepayment(ctx context.Context, caller domain.Principal, loanGUID string, amount decimal.Decimal, kind string, activationDate *time.Time) (store.PrepaymentRequest, error) {
	if err := prepaymentInput(amount, kind); err != nil {
		return store.PrepaymentRequest{}, err
	}
	on, err := s.activationDay(activationDate)
	if err != nil {
		return store.PrepaymentRequest{}, err
	}
	return loanWrite(s, ctx, caller, loanGUID, "requestPrepayment", func(q store.Queries, l store.Loan) (store.PrepaymentRequest, error) {
		var req store.PrepaymentRequest
		if !accruing(l) {
			return req, domain.Errorf(CodePrepaymentImpossible, "loan %s is %s", l.GUID, l.Status)
		}
		_, err := s.advance(ctx, q, l, today(s.Now()), s.Now(), func(lg *ledger) ([]billing.Operation, error) {
			if _, err := lg.b.Preview(on, amount, kind); err != nil {
				return nil, refusal(err, CodePrepaymentImpossible)
			}
			var ok bool
			var err error
			req, ok, err = q.InsertPrepayment(ctx, store.PrepaymentRequest{LoanID: l.ID, Type: kind, Amount: amount, ActivationDate: on})
			if err == nil && !ok {
				err = domain.Errorf(domain.CodeConflict, "loan %s has an early repayment request waiting", l.GUID)
			}
			if err != nil {
				return nil, err
			}
			return s.executePrepayment(ctx, q, lg, today(s.Now()), s.Now())
		})
		if err != nil {
			return req, err
		}
		return q.PrepaymentByGUID(ctx, req.GUID)
	})
}

// CancelPrepayment withdraws a request still waiting.
func (s *Service) CancelPrepayment(ctx context.Context, caller domain.Principal, guid string) (store.PrepaymentRequest, error) {
	req, err := domain.ByGUID(ctx, guid, domain.CodeNotFound, "prepayment", s.Store.PrepaymentByGUID)
	if err != nil {
		return req, err
	}
	loan, err := s.Store.LoanByID(ctx, req.LoanID)
	if err != nil {
		return req, err
	}
	return loanWrite(s, ctx, caller, loan.GUID, "cancelPrepayment", func(q store.Queries, l store.Loan) (store.PrepaymentRequest, error) {
		req, err := q.PrepaymentByGUID(ctx, guid)
		if err != nil {
			return req, err
		}
		if req.State != PrepaymentNew {
			return req, domain.Errorf(domain.CodeInvalidStatus, "prepayment %s is %s", guid, req.State)
		}
		return q.SetPrepaymentState(ctx, req.ID, PrepaymentCancelled, "")
	})
}

// Prolong prolongs a loan today: its price comes from the loan's balance (paid before), the
// discount is cancelled, the payments move by the product's prolongation days and the loan is
// PROLONGATION.
func (s *Service) Prolong(ctx context.Context, caller domain.Principal, loanGUID string) (store.Prolongation, error) {
	return loanWrite(s, ctx, caller, loanGUID, "prolongLoan", func(q store.Queries, l store.Loan) (store.Prolongation, error) {
		var p store.Prolongation
		if !accruing(l) {
			return p, domain.Errorf(CodeProlongationImpossible, "loan %s is %s", l.GUID, l.Status)
		}
		l, err := s.advance(ctx, q, l, today(s.Now()), s.Now(), func(lg *ledger) ([]billing.Operation, error) {
			quote, err := s.prolongationQuote(ctx, q, l, lg)
			if err != nil {
				return nil, err
			}
			op, err := lg.b.Prolong(today(s.Now()), quote.Days, s.Now())
			if err != nil {
				return nil, refusal(err, CodeProlongationImpossible)
			}
			p, err = q.InsertProlongation(ctx, store.Prolongation{
				LoanID: l.ID, Status: "SUCCESS", Price: quote.Price, Days: quote.Days,
				CurrentReturnDate: quote.CurrentReturnDate, NewReturnDate: quote.NewReturnDate,
			})
			return []billing.Operation{op}, err
		})
		if err != nil {
			return p, err
		}
		return p, SetLoanStatus(ctx, q, l, LoanProlongation, nil, "prolonged to "+p.NewReturnDate.Format(time.DateOnly), domain.ActorOf(caller))
	})
}

// SearchLoans is the back office's loan search, newest first; customer is a customer guid.
func (s *Service) SearchLoans(ctx context.Context, caller domain.Principal, f store.LoanFilter, customer string) (domain.Page[store.Loan], error) {
	if caller.Role != domain.RoleEmployee {
		return domain.Page[store.Loan]{}, domain.Errorf(domain.CodeForbidden, "only employees search loans")
	}
	if customer != "" {
		c, err := registry.FindCustomer(ctx, s.Store.Queries, customer)
		if err != nil {
			return domain.Page[store.Loan]{}, err
		}
		f.CustomerID = &c.ID
	}
	f.Today = today(s.Now())
	return domain.ReadPage(f.Limit, func(limit int) ([]store.Loan, error) {
		f.Limit = limit
		return s.Store.SearchLoans(ctx, f)
	})
}

// CustomerLoans returns the caller's own loans, newest first: none for other roles.
func (s *Service) CustomerLoans(ctx context.Context, caller domain.Principal) ([]store.Loan, error) {
	if caller.Role != domain.RoleCustomer {
		return nil, nil
	}
	c, err := s.Registry.Customer(ctx, caller.Subject)
	if err != nil {
		return nil, err
	}
	return s.Store.LoansOf(ctx, c.ID)
}
