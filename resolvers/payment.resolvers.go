package resolvers

import (
	"context"
	"lendgraph/auth"
	"lendgraph/domain"
	"lendgraph/graph"
	"lendgraph/lending"
	"lendgraph/store"
	"time"

	"github.com/shopspring/decimal"
)

func (r *customerResolver) FinancialSources(ctx context.Context, obj *store.Customer, typeArg *string, status *string) ([]*store.FinancialSource, error) {
	return pointers(r.App.Lending.FinancialSources(ctx, auth.Caller(ctx), obj.GUID, store.SourceFilter{Type: typeArg, Status: status}))
}

func (r *financialSourceResolver) AdditionalData(ctx context.Context, obj *store.FinancialSource) (map[string]any, error) {
	return jsonMap(obj.AdditionalData)
}

func (r *financialSourceResolver) Card(ctx context.Context, obj *store.FinancialSource) (*store.SourceCard, error) {
	if obj.Type != lending.SourceCard {
		return nil, nil
	}
	return &obj.SourceCard, nil
}

func (r *financialSourceResolver) Account(ctx context.Context, obj *store.FinancialSource) (*store.SourceAccount, error) {
	if obj.Type != lending.SourceAccount {
		return nil, nil
	}
	return &obj.SourceAccount, nil
}

func (r *financialSourceResolver) Bindings(ctx context.Context, obj *store.FinancialSource) ([]*store.ProviderSource, error) {
	return pointers(r.App.Store.ProviderSources(ctx, obj.ID))
}

func (r *loanResolver) PayoutDate(ctx context.Context, obj *store.Loan) (*time.Time, error) {
	t, err := r.App.Lending.PayoutDate(ctx, *obj)
	if domain.ErrorCode(err) == lending.CodeTransactionOrderNotFound {
		return nil, nil
	}
	return pointer(t, err)
}

func (r *mutationResolver) CreatePaymentProvider(ctx context.Context, code string) (*store.PaymentEntry, error) {
	return pointer(r.App.Lending.CreatePaymentEntry(ctx, auth.Caller(ctx), lending.PaymentProviders, code))
}

func (r *mutationResolver) SetPaymentProviderStatus(ctx context.Context, id string, status string) (*store.PaymentEntry, error) {
	return pointer(r.App.Lending.SetPaymentEntryStatus(ctx, auth.Caller(ctx), lending.PaymentProviders, id, status))
}

func (r *mutationResolver) CreatePaymentOperation(ctx context.Context, code string) (*store.PaymentEntry, error) {
	return pointer(r.App.Lending.CreatePaymentEntry(ctx, auth.Caller(ctx), lending.PaymentOperations, code))
}

func (r *mutationResolver) SetPaymentOperationStatus(ctx context.Context, id string, status string) (*store.PaymentEntry, error) {
	return pointer(r.App.Lending.SetPaymentEntryStatus(ctx, auth.Caller(ctx), lending.PaymentOperations, id, status))
}

func (r *mutationResolver) CreatePaymentProviderRule(ctx context.Context, providerID string, operationID string) (*store.PaymentProviderRule, error) {
	return pointer(r.App.Lending.CreatePaymentProviderRule(ctx, auth.Caller(ctx), providerID, operationID))
}

func (r *mutationResolver) SetPaymentProviderRuleStatus(ctx context.Context, id string, status string) (*store.PaymentProviderRule, error) {
	return pointer(r.App.Lending.SetPaymentProviderRuleStatus(ctx, auth.Caller(ctx), id, status))
}

func (r *mutationResolver) CreateTransactionType(ctx context.Context, name string) (*store.PaymentEntry, error) {
	return pointer(r.App.Lending.CreatePaymentEntry(ctx, auth.Caller(ctx), lending.TransactionTypes, name))
}

func (r *mutationResolver) SetTransactionTypeStatus(ctx context.Context, id string, status string) (*store.PaymentEntry, error) {
	return pointer(r.App.Lending.SetPaymentEntryStatus(ctx, auth.Caller(ctx), lending.TransactionTypes, id, status))
}

func (r *mutationResolver) SetFinancialSourceStatus(ctx context.Context, id string, status string, reason *string, comment *string) (*store.FinancialSource, error) {
	return pointer(r.App.Lending.SetFinancialSourceStatus(ctx, auth.Caller(ctx), id, status, reason, comment))
}

func (r *mutationResolver) BindFinancialSource(ctx context.Context, sourceID string, providerID string, externalFinancialSource string) (*store.FinancialSource, error) {
	return pointer(r.App.Lending.BindFinancialSource(ctx, auth.Caller(ctx), sourceID, providerID, externalFinancialSource))
}

func (r *mutationResolver) PostPayment(ctx context.Context, input lending.PaymentPosting) (*store.Loan, error) {
	return pointer(r.App.Lending.PostPayment(ctx, auth.Caller(ctx), input))
}

func (r *mutationResolver) AddFinancialSource(ctx context.Context, input lending.FinancialSourceInput) (*store.FinancialSource, error) {
	return pointer(r.App.Lending.AddFinancialSource(ctx, auth.Caller(ctx), input))
}

func (r *mutationResolver) RepayLoan(ctx context.Context, loanID string, sourceID string, amount decimal.Decimal, idempotencyKey *string) (*store.Loan, error) {
	return pointer(r.App.Lending.RepayLoan(ctx, auth.Caller(ctx), loanID, sourceID, amount, idempotencyKey))
}

func (r *paymentProviderRuleResolver) Provider(ctx context.Context, obj *store.PaymentProviderRule) (*store.PaymentEntry, error) {
	return pointer(r.App.Store.EntryByID(ctx, store.PaymentProviders, obj.ProviderID))
}

func (r *paymentProviderRuleResolver) Operation(ctx context.Context, obj *store.PaymentProviderRule) (*store.PaymentEntry, error) {
	return pointer(r.App.Store.EntryByID(ctx, store.PaymentOperations, obj.OperationID))
}

func (r *queryResolver) PaymentProviders(ctx context.Context) ([]*store.PaymentEntry, error) {
	return pointers(r.App.Lending.PaymentEntries(ctx, lending.PaymentProviders))
}

func (r *queryResolver) PaymentOperations(ctx context.Context) ([]*store.PaymentEntry, error) {
	return pointers(r.App.Lending.PaymentEntries(ctx, lending.PaymentOperations))
}

func (r *queryResolver) PaymentProviderRules(ctx context.Context) ([]*store.PaymentProviderRule, error) {
	return pointers(r.App.Lending.PaymentProviderRules(ctx))
}

func (r *queryResolver) TransactionTypes(ctx context.Context) ([]*store.PaymentEntry, error) {
	return pointers(r.App.Lending.PaymentEntries(ctx, lending.TransactionTypes))
}

func (r *queryResolver) TransactionOrders(ctx context.Context, customerID *string, loanID *string, first *int, before *string) ([]*store.TransactionOrder, error) {
	limit := 20
	if first != nil {
		limit = *first
	}
	return pointers(r.App.Lending.TransactionOrders(ctx, auth.Caller(ctx), deref(customerID), deref(loanID), deref(before), limit))
}

func (r *transactionOrderResolver) AdditionalData(ctx context.Context, obj *store.TransactionOrder) (map[string]any, error) {
	return jsonMap(obj.AdditionalData)
}

func (r *viewerResolver) FinancialSources(ctx context.Context, obj *domain.Principal) ([]*store.FinancialSource, error) {
	if obj.Role != domain.RoleCustomer {
		return []*store.FinancialSource{}, nil
	}
	return pointers(r.App.Lending.FinancialSources(ctx, *obj, obj.Subject, store.SourceFilter{}))
}

func (r *Resolver) FinancialSource() graph.FinancialSourceResolver {
	return &financialSourceResolver{r}
}

func (r *Resolver) PaymentProviderRule() graph.PaymentProviderRuleResolver {
	return &paymentProviderRuleResolver{r}
}

func (r *Resolver) TransactionOrder() graph.TransactionOrderResolver {
	return &transactionOrderResolver{r}
}

type (
	financialSourceResolver     struct{ *Resolver }
	paymentProviderRuleResolver struct{ *Resolver }
	transactionOrderResolver    struct{ *Resolver }
)
