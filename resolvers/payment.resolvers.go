package resolvers

import (
	"context"
	"lendgraph/auth"
	"lendgraph/domain"
	"lendgraph/graph"
	"lendgraph/payments"
	"lendgraph/store"
	"time"

	"github.com/shopspring/decimal"
)

func (r *customerResolver) FinancialSources(ctx context.Context, obj *store.Customer, typeArg *string, status *string) ([]*store.FinancialSource, error) {
	return pointers(r.App.Payments.FinancialSources(ctx, auth.Caller(ctx), obj.GUID, store.SourceFilter{Type: typeArg, Status: status}))
}

func (r *financialSourceResolver) AdditionalData(ctx context.Context, obj *store.FinancialSource) (map[string]any, error) {
	return jsonMap(obj.AdditionalData)
}

func (r *financialSourceResolver) Card(ctx context.Context, obj *store.FinancialSource) (*store.SourceCard, error) {
	if obj.Type != payments.SourceCard {
		return nil, nil
	}
	return &obj.SourceCard, nil
}

func (r *financialSourceResolver) Account(ctx context.Context, obj *store.FinancialSource) (*store.SourceAccount, error) {
	if obj.Type != payments.SourceAccount {
		return nil, nil
	}
	return &obj.SourceAccount, nil
}

func (r *financialSourceResolver) Bindings(ctx context.Context, obj *store.FinancialSource) ([]*store.ProviderSource, error) {
	return pointers(r.App.Store.ProviderSources(ctx, obj.ID))
}

func (r *loanResolver) PayoutDate(ctx context.Context, obj *store.Loan) (*time.Time, error) {
	t, err := r.App.Payments.PayoutDate(ctx, *obj)
	if domain.ErrorCode(err) == payments.CodeTransactionOrderNotFound {
		return nil, nil
	}
	return pointer(t, err)
}

func (r *mutationResolver) CreatePaymentProvider(ctx context.Context, code string) (*store.PaymentEntry, error) {
	return pointer(r.App.Payments.CreatePaymentEntry(ctx, auth.Caller(ctx), payments.PaymentProviders, code))
}

func (r *mutationResolver) SetPaymentProviderStatus(ctx context.Context, id string, status string) (*store.PaymentEntry, error) {
	return pointer(r.App.Payments.SetPaymentEntryStatus(ctx, auth.Caller(ctx), payments.PaymentProviders, id, status))
}

func (r *mutationResolver) CreatePaymentOperation(ctx context.Context, code string) (*store.PaymentEntry, error) {
	return pointer(r.App.Payments.CreatePaymentEntry(ctx, auth.Caller(ctx), payments.PaymentOperations, code))
}

func (r *mutationResolver) SetPaymentOperationStatus(ctx context.Context, id string, status string) (*store.PaymentEntry, error) {
	return pointer(r.App.Payments.SetPaymentEntryStatus(ctx, auth.Caller(ctx), payments.PaymentOperations, id, status))
}

func (r *mutationResolver) CreatePaymentProviderRule(ctx context.Context, providerID string, operationID string) (*store.PaymentProviderRule, error) {
	return pointer(r.App.Payments.CreatePaymentProviderRule(ctx, auth.Caller(ctx), providerID, operationID))
}

func (r *mutationResolver) SetPaymentProviderRuleStatus(ctx context.Context, id string, status string) (*store.PaymentProviderRule, error) {
	return pointer(r.App.Payments.SetPaymentProviderRuleStatus(ctx, auth.Caller(ctx), id, status))
}

func (r *mutationResolver) CreateTransactionType(ctx context.Context, name string) (*store.PaymentEntry, error) {
	return pointer(r.App.Payments.CreatePaymentEntry(ctx, auth.Caller(ctx), payments.TransactionTypes, name))
}

func (r *mutationResolver) SetTransactionTypeStatus(ctx context.Context, id string, status string) (*store.PaymentEntry, error) {
	return pointer(r.App.Payments.SetPaymentEntryStatus(ctx, auth.Caller(ctx), payments.TransactionTypes, id, status))
}

func (r *mutationResolver) SetFinancialSourceStatus(ctx context.Context, id string, status string, reason *string, comment *string) (*store.FinancialSource, error) {
	return pointer(r.App.Payments.SetFinancialSourceStatus(ctx, auth.Caller(ctx), id, status, reason, comment))
}

func (r *mutationResolver) BindFinancialSource(ctx context.Context, sourceID string, providerID string, externalFinancialSource string) (*store.FinancialSource, error) {
	return pointer(r.App.Payments.BindFinancialSource(ctx, auth.Caller(ctx), sourceID, providerID, externalFinancialSource))
}

func (r *mutationResolver) PostPayment(ctx context.Context, input payments.PaymentPosting) (*store.Loan, error) {
	return pointer(r.App.Payments.PostPayment(ctx, auth.Caller(ctx), input))
}

func (r *mutationResolver) AddFinancialSource(ctx context.Context, input payments.FinancialSourceInput) (*store.FinancialSource, error) {
	return pointer(r.App.Payments.AddFinancialSource(ctx, auth.Caller(ctx), input))
}

func (r *mutationResolver) RepayLoan(ctx context.Context, loanID string, sourceID string, amount decimal.Decimal, idempotencyKey *string) (*store.Loan, error) {
	return pointer(r.App.Payments.RepayLoan(ctx, auth.Caller(ctx), loanID, sourceID, amount, idempotencyKey))
}

func (r *paymentProviderRuleResolver) Provider(ctx context.Context, obj *store.PaymentProviderRule) (*store.PaymentEntry, error) {
	return pointer(r.App.Store.EntryByID(ctx, store.PaymentProviders, obj.ProviderID))
}

func (r *paymentProviderRuleResolver) Operation(ctx context.Context, obj *store.PaymentProviderRule) (*store.PaymentEntry, error) {
	return pointer(r.App.Store.EntryByID(ctx, store.PaymentOperations, obj.OperationID))
}

func (r *queryResolver) PaymentProviders(ctx context.Context) ([]*store.PaymentEntry, error) {
	return pointers(r.App.Payments.PaymentEntries(ctx, payments.PaymentProviders))
}

func (r *queryResolver) PaymentOperations(ctx context.Context) ([]*store.PaymentEntry, error) {
	return pointers(r.App.Payments.PaymentEntries(ctx, payments.PaymentOperations))
}

func (r *queryResolver) PaymentProviderRules(ctx context.Context) ([]*store.PaymentProviderRule, error) {
	return pointers(r.App.Payments.PaymentProviderRules(ctx))
}

func (r *queryResolver) TransactionTypes(ctx context.Context) ([]*store.PaymentEntry, error) {
	return pointers(r.App.Payments.PaymentEntries(ctx, payments.TransactionTypes))
}

func (r *queryResolver) TransactionOrders(ctx context.Context, customerID *string, loanID *string, first *int, before *string) ([]*store.TransactionOrder, error) {
	limit := 20
	if first != nil {
		limit = *first
	}
	return pointers(r.App.Payments.TransactionOrders(ctx, auth.Caller(ctx), deref(customerID), deref(loanID), deref(before), limit))
}

func (r *transactionOrderResolver) AdditionalData(ctx context.Context, obj *store.TransactionOrder) (map[string]any, error) {
	return jsonMap(obj.AdditionalData)
}

func (r *viewerResolver) FinancialSources(ctx context.Context, obj *domain.Principal) ([]*store.FinancialSource, error) {
	if obj.Role != domain.RoleCustomer {
		return []*store.FinancialSource{}, nil
	}
	return pointers(r.App.Payments.FinancialSources(ctx, *obj, obj.Subject, store.SourceFilter{}))
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
