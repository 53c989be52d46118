package resolvers

import (
	"context"
	"lendgraph/auth"
	"lendgraph/billing"
	"lendgraph/domain"
	"lendgraph/graph"
	"lendgraph/graph/model"
	"lendgraph/loaders"
	"lendgraph/loans"
	"lendgraph/store"
	"time"

	"github.com/shopspring/decimal"
)

func (r *customerResolver) Balance(ctx context.Context, obj *store.Customer) (*loans.Balance, error) {
	return pointer(r.App.Loans.Balance(ctx, &obj.ID, nil))
}

func (r *loanResolver) Rate(ctx context.Context, obj *store.Loan) (*decimal.Decimal, error) {
	rate := billing.Discounted(obj.AnnualRate, obj.DiscountValue.Decimal)
	return &rate, nil
}

func (r *loanResolver) DiscountValue(ctx context.Context, obj *store.Loan) (*decimal.Decimal, error) {
	return nullDecimal(obj.DiscountValue), nil
}

func (r *loanResolver) Payment(ctx context.Context, obj *store.Loan) (*decimal.Decimal, error) {
	return nullDecimal(obj.Payment), nil
}

func (r *loanResolver) Debts(ctx context.Context, obj *store.Loan) (*billing.Debts, error) {
	return pointer(r.App.Loans.LoanDebts(ctx, *obj))
}

func (r *loanResolver) Balance(ctx context.Context, obj *store.Loan) (*loans.Balance, error) {
	return pointer(r.App.Loans.Balance(ctx, nil, &obj.ID))
}

func (r *loanResolver) Operations(ctx context.Context, obj *store.Loan) (*loans.Operations, error) {
	return pointer(r.App.Loans.LoanOperations(ctx, *obj))
}

func (r *loanResolver) PrepaymentBounds(ctx context.Context, obj *store.Loan, activationDate *time.Time) (*billing.Quote, error) {
	return pointer(r.App.Loans.PrepaymentBounds(ctx, *obj, activationDate))
}

func (r *loanResolver) PrepaymentSchedule(ctx context.Context, obj *store.Loan, amount decimal.Decimal, typeArg model.PrepaymentType, activationDate *time.Time) ([]*loans.ScheduleLine, error) {
	return pointers(r.App.Loans.PreviewPrepayment(ctx, *obj, amount, string(typeArg), activationDate))
}

func (r *loanResolver) Prepayments(ctx context.Context, obj *store.Loan, activationDate *time.Time) ([]*store.PrepaymentRequest, error) {
	return pointers(r.App.Loans.LoanPrepayments(ctx, *obj, activationDate))
}

func (r *loanResolver) ProlongationPossibility(ctx context.Context, obj *store.Loan) (*loans.ProlongationPossibility, error) {
	return pointer(r.App.Loans.LoanProlongationPossibility(ctx, *obj))
}

func (r *loanResolver) Prolongations(ctx context.Context, obj *store.Loan) ([]*store.Prolongation, error) {
	return pointers(r.App.Loans.LoanProlongations(ctx, *obj))
}

func (r *loanResolver) Accruals(ctx context.Context, obj *store.Loan, from time.Time, to time.Time) ([]*store.Accrual, error) {
	return pointers(r.App.Store.Accruals(ctx, obj.ID, from, to))
}

func (r *mutationResolver) RequestPrepayment(ctx context.Context, input model.RequestPrepaymentInput) (*store.PrepaymentRequest, error) {
	return pointer(r.App.Loans.RequestPrepayment(ctx, auth.Caller(ctx), input.LoanID, input.Amount, string(input.Type), input.ActivationDate))
}

func (r *mutationResolver) CancelPrepayment(ctx context.Context, id string) (*store.PrepaymentRequest, error) {
	return pointer(r.App.Loans.CancelPrepayment(ctx, auth.Caller(ctx), id))
}

func (r *mutationResolver) ProlongLoan(ctx context.Context, loanID string) (*store.Prolongation, error) {
	return pointer(r.App.Loans.Prolong(ctx, auth.Caller(ctx), loanID))
}

func (r *mutationResolver) RunAccrual(ctx context.Context, date time.Time, loanID *string) ([]*store.Loan, error) {
	return pointers(r.App.Loans.RunAccrual(ctx, auth.Caller(ctx), date, loanID))
}

func (r *prepaymentResolver) Type(ctx context.Context, obj *store.PrepaymentRequest) (model.PrepaymentType, error) {
	return model.PrepaymentType(obj.Type), nil
}

func (r *queryResolver) Loans(ctx context.Context, first *int, after *string, filter *model.LoanFilter) (*model.LoanConnection, error) {
	var f store.LoanFilter
	var err error
	if f.Limit, f.AfterID, err = pageArgs(first, after); err != nil {
		return nil, err
	}
	customer := ""
	if filter != nil {
		f.Statuses, f.Number, f.Overdue, customer = filter.Status, deref(filter.Number), filter.Overdue, deref(filter.CustomerID)
	}
	page, err := r.App.Loans.SearchLoans(ctx, auth.Caller(ctx), f, customer)
	if err != nil {
		return nil, err
	}
	loaders.For(ctx).ExpectLoans(page.Items, asked(ctx, "edges", "node"))
	edges, info := edgesOf(page.Items, page.HasNext, func(l *store.Loan) int64 { return l.ID },
		func(cursor string, l *store.Loan) *model.LoanEdge { return &model.LoanEdge{Cursor: cursor, Node: l} })
	return &model.LoanConnection{Edges: edges, PageInfo: info}, nil
}

func (r *viewerResolver) Loans(ctx context.Context, obj *domain.Principal) ([]*store.Loan, error) {
	ls, err := r.App.Loans.CustomerLoans(ctx, *obj)
	loaders.For(ctx).ExpectLoans(ls, asked(ctx))
	return pointers(ls, err)
}

func (r *viewerResolver) Balance(ctx context.Context, obj *domain.Principal) (*loans.Balance, error) {
	if obj.Role != domain.RoleCustomer {
		return nil, nil
	}
	c, err := r.App.Registry.Customer(ctx, obj.Subject)
	if err != nil {
		return nil, err
	}
	return pointer(r.App.Loans.Balance(ctx, &c.ID, nil))
}

func (r *Resolver) Prepayment() graph.PrepaymentResolver { return &prepaymentResolver{r} }

type prepaymentResolver struct{ *Resolver }
