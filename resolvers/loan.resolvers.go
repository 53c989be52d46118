package resolvers

import (
	"context"
	"lendgraph/auth"
	"lendgraph/domain"
	"lendgraph/loans"
	"lendgraph/store"
)

func (r *loanResolver) History(ctx context.Context, obj *store.Loan) ([]*store.LoanUpdate, error) {
	return pointers(r.App.Store.LoanUpdates(ctx, obj.ID))
}

func (r *mutationResolver) StopAccruals(ctx context.Context, loanID string, reason string) (*store.Loan, error) {
	return pointer(r.App.Loans.StopAccruals(ctx, auth.Caller(ctx), loanID, reason))
}

func (r *mutationResolver) StopCustomerAccruals(ctx context.Context, customerID string, reason string) ([]*store.Loan, error) {
	return pointers(r.App.Loans.StopCustomerAccruals(ctx, auth.Caller(ctx), customerID, reason))
}

func (r *mutationResolver) ResumeAccruals(ctx context.Context, loanID string, reason string) (*store.Loan, error) {
	return pointer(r.App.Loans.ResumeAccruals(ctx, auth.Caller(ctx), loanID, reason))
}

func (r *mutationResolver) CloseHopelessLoan(ctx context.Context, loanID string, reason string) (*store.Loan, error) {
	return pointer(r.App.Loans.CloseHopelessLoan(ctx, auth.Caller(ctx), loanID, reason))
}

func (r *mutationResolver) SetLoanAcknowledgement(ctx context.Context, loanID string, status string) (*store.Loan, error) {
	return pointer(r.App.Loans.SetAcknowledgement(ctx, auth.Caller(ctx), loanID, status))
}

func (r *queryResolver) Loan(ctx context.Context, id string) (*store.Loan, error) {
	l, err := r.App.Loans.Loan(ctx, auth.Caller(ctx), id)
	if domain.ErrorCode(err) == loans.CodeLoanNotFound {
		return nil, nil
	}
	return pointer(l, err)
}
