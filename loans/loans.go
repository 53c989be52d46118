package loans

import (
	"context"
	"errors"
	"strings"
	"time"

	"lendgraph/domain"
	"lendgraph/registry"
	"lendgraph/store"
)

// Loan error codes and statuses (spec: gdp-loan-service).
const (
	CodeLoanNotFound domain.Code = "LOAN_NOT_FOUND"

	LoanNew          = "NEW"
	LoanOpened       = "OPENED"
	LoanProlongation = "PROLONGATION"
	LoanError        = "ERROR"
	LoanCancelled    = "CANCELLED"
	LoanClosed       = "CLOSED"
)

// acknowledgeStatuses are the customer's possible claims about a loan.
var acknowledgeStatuses = map[string]bool{"NO_LOAN_TAKEN": true, "UNADMITTED_NO_LOAN_TAKEN": true, "REMOVE_LOAN": true}

// SetLoanStatus changes a loan's status and writes the change into the loan's history.
func SetLoanStatus(ctx context.Context, q store.Queries, loan store.Loan, status string, openedOn *time.Time, reason, actor string) error {
	return q.SetLoanStatus(ctx, loan.ID, status, openedOn, reason, actor)
}

// Loan returns the loan guid when caller may see it: employees any, a customer their own.
func (s *Service) Loan(ctx context.Context, caller domain.Principal, guid string) (store.Loan, error) {
	l, err := domain.ByGUID(ctx, guid, CodeLoanNotFound, "loan", s.Store.LoanByGUID)
	if err != nil {
		return l, err
	}
	return l, s.MayServiceLoan(ctx, s.Store.Queries, caller, l)
}

func (s *Service) MayServiceLoan(ctx context.Context, q store.Queries, caller domain.Principal, l store.Loan) error {
	if caller.Role == domain.RoleEmployee {
		return nil
	}
	sc, err := domain.ScopeOf(ctx, q, caller)
	if err != nil {
		return err
	}
	if sc.CustomerID == nil || *sc.CustomerID != l.CustomerID {
		return domain.Errorf(CodeLoanNotFound, "loan %s not found", l.GUID)
	}
	return nil
}

// StopAccruals stops interest accrual on a loan suspected of fraud.
func (s *Service) StopAccruals(ctx context.Context, caller domain.Principal, loanGUID, reason string) (store.Loan, error) {
	return s.fraudAction(ctx, caller, loanGUID, reason, "stopAccruals", func(q store.Queries, l store.Loan) (store.Loan, error) {
		if l.AccrualsStopped {
			return l, domain.Errorf(domain.CodeConflict, "accruals of loan %s are stopped already", l.GUID)
		}
		return s.stopAccruals(ctx, q, caller, l, reason)
	})
}

// StopCustomerAccruals stops accrual on every accruing loan of a customer suspected of fraud.
func (s *Service) StopCustomerAccruals(ctx context.Context, caller domain.Principal, customerGUID, reason string) ([]store.Loan, error) {
	if err := needReason(reason); err != nil {
		return nil, err
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) ([]store.Loan, error) {
		c, err := registry.FindCustomer(ctx, q, customerGUID)
		if err != nil {
			return nil, err
		}
		loans, err := q.LockActiveLoansOf(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		var stopped []store.Loan
		for _, l := range loans {
			if l.AccrualsStopped {
				continue
			}
			l, err := s.advance(ctx, q, l, today(s.Now()), s.Now(), nil)
			if err != nil {
				return nil, err
			}
			if l, err = s.stopAccruals(ctx, q, caller, l, reason); err != nil {
				return nil, err
			}
			stopped = append(stopped, l)
		}
		return stopped, domain.Audit(ctx, q, caller, "stopCustomerAccruals", "customer", customerGUID, map[string]any{"reason": reason, "loans": len(stopped)})
	})
}

// stopAccruals stops a locked loan's accrual from today on; the caller has advanced it to today.
func (s *Service) stopAccruals(ctx context.Context, q store.Queries, caller domain.Principal, l store.Loan, reason string) (store.Loan, error) {
	l, err := q.SetAccrualsStopped(ctx, l.ID, true)
	if err != nil {
		return l, err
	}
	return l, q.AppendLoanUpdate(ctx, store.LoanUpdate{LoanID: l.ID, Event: "ACCRUALS_STOPPED", Status: l.Status, Reason: reason, Actor: domain.ActorOf(caller)})
}

// ResumeAccruals resumes interest accrual on a loan whose accrual was stopped.
func (s *Service) ResumeAccruals(ctx context.Context, caller domain.Principal, loanGUID, reason string) (store.Loan, error) {
	return s.fraudAction(ctx, caller, loanGUID, reason, "resumeAccruals", func(q store.Queries, l store.Loan) (store.Loan, error) {
		if !l.AccrualsStopped {
			return l, domain.Errorf(domain.CodeConflict, "accruals of loan %s are not stopped", l.GUID)
		}
		l, err := q.SetAccrualsStopped(ctx, l.ID, false)
		if err != nil {
			return l, err
		}
		return l, q.AppendLoanUpdate(ctx, store.LoanUpdate{LoanID: l.ID, Event: "ACCRUALS_RESUMED", Status: l.Status, Reason: reason, Actor: domain.ActorOf(caller)})
	})
}

// CloseHopelessLoan closes a loan that will not be repaid: it stops accruing and is CLOSED.
func (s *Service) CloseHopelessLoan(ctx context.Context, caller domain.Principal, loanGUID, reason string) (store.Loan, error) {
	return s.fraudAction(ctx, caller, loanGUID, reason, "closeHopelessLoan", func(q store.Queries, l store.Loan) (store.Loan, error) {
		if !l.AccrualsStopped {
			if _, err := q.SetAccrualsStopped(ctx, l.ID, true); err != nil {
				return l, err
			}
		}
		if err := SetLoanStatus(ctx, q, l, LoanClosed, nil, "hopeless: "+reason, domain.ActorOf(caller)); err != nil {
			return l, err
		}
		return q.LockLoan(ctx, l.GUID)
	}, LoanError)
}

// fraudAction runs an employee's action on an accruing loan (or one of the extra statuses), with a
// reason, recorded in the audit trail.
func (s *Service) fraudAction(ctx context.Context, caller domain.Principal, loanGUID, reason, action string, do func(store.Queries, store.Loan) (store.Loan, error), extra ...string) (store.Loan, error) {
	if err := needReason(reason); err != nil {
		return store.Loan{}, err
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.Loan, error) {
		l, err := domain.ByGUID(ctx, loanGUID, CodeLoanNotFound, "loan", q.LockLoan)
		if err != nil {
			return l, err
		}
		if !accruing(l) && domain.IndexOf(extra, func(s string) bool { return s == l.Status }) < 0 {
			return l, domain.Errorf(domain.CodeInvalidStatus, "cannot %s: the loan is %s", action, l.Status)
		}
		if accruing(l) { // the days before this one accrue (or not) as they were
			if l, err = s.advance(ctx, q, l, today(s.Now()), s.Now(), nil); err != nil {
				return l, err
			}
		}
		if l, err = do(q, l); err != nil {
			return l, err
		}
		return l, domain.Audit(ctx, q, caller, action, "loan", l.GUID, map[string]string{"reason": reason})
	})
}

// SetAcknowledgement records the customer's claim about a loan (NO_LOAN_TAKEN, …): the customer of
// the loan or an employee.
func (s *Service) SetAcknowledgement(ctx context.Context, caller domain.Principal, loanGUID, status string) (store.Loan, error) {
	if !acknowledgeStatuses[status] {
		return store.Loan{}, domain.Invalid([]domain.FieldError{{Field: "status", Message: "must be NO_LOAN_TAKEN, UNADMITTED_NO_LOAN_TAKEN or REMOVE_LOAN"}})
	}
	var out store.Loan
	err := s.Store.Tx(ctx, func(q store.Queries) error {
		l, err := domain.ByGUID(ctx, loanGUID, CodeLoanNotFound, "loan", q.LockLoan)
		if err != nil {
			return err
		}
		if err := s.MayServiceLoan(ctx, q, caller, l); err != nil {
			return err
		}
		if out, err = q.SetAcknowledgeStatus(ctx, l.ID, status); err != nil {
			return err
		}
		if err := q.AppendLoanUpdate(ctx, store.LoanUpdate{LoanID: l.ID, Event: "ACKNOWLEDGEMENT", Status: l.Status, Reason: status, Actor: domain.ActorOf(caller)}); err != nil {
			return err
		}
		return domain.Audit(ctx, q, caller, "setLoanAcknowledgement", "loan", l.GUID, map[string]string{"status": status})
	})
	return out, err
}

func needReason(reason string) error {
	if strings.TrimSpace(reason) == "" {
		return domain.Invalid([]domain.FieldError{{Field: "reason", Message: "is required"}})
	}
	return nil
}

// Product is the active loan product of the given code, or nil when there is none.
func (s *Service) Product(ctx context.Context, code string) (*store.LoanProduct, error) {
	if code == "" {
		return nil, nil
	}
	p, err := s.Store.LoanProduct(ctx, code)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !p.Active) {
		return nil, nil
	}
	return &p, err
}
