package payments

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"lendgraph/domain"
	"lendgraph/loans"
	"lendgraph/registry"
	"lendgraph/store"
)

// The payment service's error codes (spec: payment-service), and the project's own in their
// pattern where the spec names none (a provider's or a transaction type's duplicate, a missing rule
// or transaction type).
const (
	CodeOperationNotFound                   domain.Code = "OPERATION_NOT_FOUND"
	CodeOperationAlreadyExists              domain.Code = "OPERATION_ALREADY_EXISTS"
	CodePaymentProviderNotFound             domain.Code = "PAYMENT_PROVIDER_NOT_FOUND"
	CodePaymentProviderAlreadyExists        domain.Code = "PAYMENT_PROVIDER_ALREADY_EXISTS"
	CodeProviderNotFound                    domain.Code = "PROVIDER_NOT_FOUND" // the binding's name for PAYMENT_PROVIDER_NOT_FOUND
	CodePaymentProviderRuleNotDefined       domain.Code = "PAYMENT_PROVIDER_RULE_NOT_DEFINED"
	CodePaymentProviderRuleNotFound         domain.Code = "PAYMENT_PROVIDER_RULE_NOT_FOUND"
	CodeIncompatiblePaymentProvider         domain.Code = "INCOMPATIBLE_PAYMENT_PROVIDER"
	CodeTransactionTypeNotFound             domain.Code = "TRANSACTION_TYPE_NOT_FOUND"
	CodeTransactionTypeAlreadyExists        domain.Code = "TRANSACTION_TYPE_ALREADY_EXISTS"
	CodeFinancialSourceNotFound             domain.Code = "FINANCIAL_SOURCE_NOT_FOUND"
	CodePaymentFinancialSourceAlreadyExists domain.Code = "PAYMENT_FINANCIAL_SOURCE_ALREADY_EXISTS"
	CodeImpossibleToDefineFinancialSource   domain.Code = "IMPOSSIBLE_TO_DEFINE_FINANCIAL_SOURCE"
	CodeTransactionCreationImpossible       domain.Code = "TRANSACTION_CREATION_IMPOSSIBLE"
	CodeTransactionOrderNotFound            domain.Code = "TRANSACTION_ORDER_NOT_FOUND"
)

// The operations (and the transaction types of the same names) the loans and applications order money for,
// the types and statuses of financial sources, the statuses of transaction orders.
const (
	OperationLoanPayout    = "LOAN_PAYOUT"
	OperationLoanRepayment = "LOAN_REPAYMENT"
	OperationManualPayment = "MANUAL_PAYMENT"

	SourceCard        = "CARD"
	SourceAccount     = "ACCOUNT"
	SourcePending     = "PENDING"
	SourceCompleted   = "COMPLETED"
	SourceDeactivated = "DEACTIVATED"

	OrderNew       = "NEW"
	OrderCompleted = "COMPLETED"
	OrderCancelled = "CANCELLED"

	// EntityLoan is the entity type of the orders of a loan; their entity guid is the loan's.
	EntityLoan = "LOAN"
	// RUB is the one currency loans are lent and repaid in.
	RUB = "RUB"
)

// PaymentDictionary is a payments dictionary as the back office keeps it: how its entries are
// named and its error codes.
type PaymentDictionary struct {
	store.PaymentDictionary
	what             string // an entry, in messages: "payment provider"
	name             string // an entry, in mutation names and the audit trail: PaymentProvider
	key              string // the entry's unique field: "code" or "name"
	exists, notFound domain.Code
}

// The payments dictionaries.
var (
	PaymentProviders = PaymentDictionary{store.PaymentProviders, "payment provider", "PaymentProvider", "code",
		CodePaymentProviderAlreadyExists, CodePaymentProviderNotFound}
	PaymentOperations = PaymentDictionary{store.PaymentOperations, "payment operation", "PaymentOperation", "code",
		CodeOperationAlreadyExists, CodeOperationNotFound}
	TransactionTypes = PaymentDictionary{store.TransactionTypes, "transaction type", "TransactionType", "name",
		CodeTransactionTypeAlreadyExists, CodeTransactionTypeNotFound}
)

// CreatePaymentEntry adds an ACTIVE entry to a payments dictionary; its code (name) is unique.
func (s *Service) CreatePaymentEntry(ctx context.Context, caller domain.Principal, d PaymentDictionary, key string) (store.PaymentEntry, error) {
	var errs domain.FieldErrors
	if errs.LatinName(d.key, key); len(errs) > 0 {
		return store.PaymentEntry{}, domain.Invalid(errs)
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.PaymentEntry, error) {
		out, ok, err := q.InsertEntry(ctx, d.PaymentDictionary, key)
		if err == nil && !ok {
			err = domain.Errorf(d.exists, "%s %s exists", d.what, key)
		}
		if err == nil {
			err = domain.Audit(ctx, q, caller, "create"+d.name, d.entity(), out.GUID, map[string]string{d.key: key})
		}
		return out, err
	})
}

// SetPaymentEntryStatus turns an entry of a payments dictionary on (ACTIVE) or off (INACTIVE).
func (s *Service) SetPaymentEntryStatus(ctx context.Context, caller domain.Principal, d PaymentDictionary, guid, status string) (store.PaymentEntry, error) {
	if err := dictionaryStatus(status); err != nil {
		return store.PaymentEntry{}, err
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.PaymentEntry, error) {
		out, err := domain.ByGUID(ctx, guid, d.notFound, d.what, func(ctx context.Context, guid string) (store.PaymentEntry, error) {
			return q.SetEntryStatus(ctx, d.PaymentDictionary, guid, status)
		})
		if err == nil {
			err = domain.Audit(ctx, q, caller, "set"+d.name+"Status", d.entity(), out.GUID, map[string]string{"status": status})
		}
		return out, err
	})
}

// PaymentEntries lists a payments dictionary.
func (s *Service) PaymentEntries(ctx context.Context, d PaymentDictionary) ([]store.PaymentEntry, error) {
	return s.Store.Entries(ctx, d.PaymentDictionary)
}

// entry finds the entry guid, or fails with the dictionary's not-found code.
func (d PaymentDictionary) entry(ctx context.Context, q store.Queries, guid string) (store.PaymentEntry, error) {
	return domain.ByGUID(ctx, guid, d.notFound, d.what, func(ctx context.Context, guid string) (store.PaymentEntry, error) {
		return q.EntryByGUID(ctx, d.PaymentDictionary, guid)
	})
}

// entity names the dictionary's entries in the audit trail: payment_provider.
func (d PaymentDictionary) entity() string { return strings.ReplaceAll(d.what, " ", "_") }

func dictionaryStatus(status string) error {
	if status != "ACTIVE" && status != "INACTIVE" {
		return domain.Invalid(domain.FieldErrors{{Field: "status", Message: "must be ACTIVE or INACTIVE"}})
	}
	return nil
}

// CreatePaymentProviderRule makes a provider serve an operation. The rule is ACTIVE; an operation
// has one ACTIVE rule at most, so another one is a CONFLICT until it is deactivated.
func (s *Service) CreatePaymentProviderRule(ctx context.Context, caller domain.Principal, providerGUID, operationGUID string) (store.PaymentProviderRule, error) {
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.PaymentProviderRule, error) {
		p, err := PaymentProviders.entry(ctx, q, providerGUID)
		if err != nil {
			return store.PaymentProviderRule{}, err
		}
		o, err := PaymentOperations.entry(ctx, q, operationGUID)
		if err != nil {
			return store.PaymentProviderRule{}, err
		}
		out, ok, err := q.InsertPaymentProviderRule(ctx, p.ID, o.ID)
		if err == nil && !ok {
			err = domain.Errorf(domain.CodeConflict, "operation %s has an active rule already: deactivate it first", o.Key)
		}
		if err == nil {
			err = domain.Audit(ctx, q, caller, "createPaymentProviderRule", "payment_provider_rule", out.GUID,
				map[string]string{"provider": p.Key, "operation": o.Key})
		}
		return out, err
	})
}

// SetPaymentProviderRuleStatus turns a rule on or off; turning on a second rule of an operation is
// a CONFLICT.
func (s *Service) SetPaymentProviderRuleStatus(ctx context.Context, caller domain.Principal, guid, status string) (store.PaymentProviderRule, error) {
	if err := dictionaryStatus(status); err != nil {
		return store.PaymentProviderRule{}, err
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.PaymentProviderRule, error) {
		r, err := domain.ByGUID(ctx, guid, CodePaymentProviderRuleNotFound, "payment provider rule", q.PaymentProviderRuleByGUID)
		if err != nil {
			return r, err
		}
		out, ok, err := q.SetPaymentProviderRuleStatus(ctx, r.ID, status)
		if err == nil && !ok {
			err = domain.Errorf(domain.CodeConflict, "the operation of rule %s has another active rule: deactivate it first", guid)
		}
		if err == nil {
			err = domain.Audit(ctx, q, caller, "setPaymentProviderRuleStatus", "payment_provider_rule", out.GUID, map[string]string{"status": status})
		}
		return out, err
	})
}

// PaymentProviderRules lists the rules.
func (s *Service) PaymentProviderRules(ctx context.Context) ([]store.PaymentProviderRule, error) {
	return s.Store.PaymentProviderRules(ctx)
}

// providerFor returns the provider that serves an operation: the one its ACTIVE rule names. The
// operation and the provider must be ACTIVE too.
func providerFor(ctx context.Context, q store.Queries, operation string) (store.PaymentEntry, error) {
	p, err := q.RuledProvider(ctx, operation)
	if !errors.Is(err, store.ErrNotFound) {
		return p, err
	}
	// no provider: say whether the operation itself is missing
	if _, err := q.EntryByKey(ctx, store.PaymentOperations, operation); errors.Is(err, store.ErrNotFound) {
		return p, domain.Errorf(CodeOperationNotFound, "operation %s not found", operation)
	} else if err != nil {
		return p, err
	}
	return p, domain.Errorf(CodePaymentProviderRuleNotDefined, "no active rule names an active provider for operation %s", operation)
}

// FinancialSourceInput is a customer's new card or account: exactly one of them.
type FinancialSourceInput struct {
	Card    *store.SourceCard    `json:"card,omitempty"`
	Account *store.SourceAccount `json:"account,omitempty"`
}

// source checks the input and returns the PENDING source it describes. A card keeps masked data
// only, by the registry's card rules: a field that looks like a card number is refused.
func (in FinancialSourceInput) source() (store.FinancialSource, error) {
	var errs domain.FieldErrors
	f := store.FinancialSource{Status: SourcePending, AdditionalData: json.RawMessage(`{}`)}
	switch {
	case (in.Card == nil) == (in.Account == nil):
		errs.Add("card", "give either a card or an account")
	case in.Card != nil:
		c := *in.Card
		f.Type, f.SourceCard = SourceCard, c
		errs.NoCardNumber("card.", map[string]*string{"holder": c.Holder, "paymentSystemType": c.PaymentSystemType, "bankName": c.BankName,
			"bin": c.BIN, "lastFourDigits": c.LastFourDigits})
		registry.CheckCardShapes(&errs, registry.CardInput{BIN: c.BIN, LastFourDigits: c.LastFourDigits, ExpirationMonth: c.ExpirationMonth, ExpirationYear: c.ExpirationYear},
			func(field string) string { return "card." + field })
		errs.Currency("card.currencyCode", c.CurrencyCode)
	default:
		a := *in.Account
		f.Type, f.SourceAccount = SourceAccount, a
		errs.Required("account.number", domain.Deref(a.Number))
		errs.Required("account.type", domain.Deref(a.Type))
		errs.NoCardNumber("account.", map[string]*string{"type": a.Type, "bankName": a.BankName})
		errs.Currency("account.currencyCode", a.CurrencyCode)
	}
	if len(errs) > 0 {
		return f, domain.Invalid(errs)
	}
	return f, nil
}

// AddFinancialSource registers the calling customer's card or account. It is PENDING until an
// employee binds it to a provider.
func (s *Service) AddFinancialSource(ctx context.Context, caller domain.Principal, in FinancialSourceInput) (store.FinancialSource, error) {
	if caller.Role != domain.RoleCustomer {
		return store.FinancialSource{}, domain.Errorf(domain.CodeForbidden, "customers add their own financial sources")
	}
	f, err := in.source()
	if err != nil {
		return f, err
	}
	var out store.FinancialSource
	err = s.Store.Tx(ctx, func(q store.Queries) error {
		c, err := registry.FindCustomer(ctx, q, caller.Subject)
		if err != nil {
			return err
		}
		f.CustomerID = c.ID
		if out, err = q.InsertFinancialSource(ctx, f); err != nil {
			return err
		}
		return domain.Audit(ctx, q, caller, "addFinancialSource", "financial_source", out.GUID, in)
	})
	return out, err
}

// FinancialSources lists a customer's sources, newest first, narrowed by type and status: employees
// any customer's, a customer their own.
func (s *Service) FinancialSources(ctx context.Context, caller domain.Principal, customerGUID string, f store.SourceFilter) ([]store.FinancialSource, error) {
	if caller.Role != domain.RoleEmployee && (caller.Role != domain.RoleCustomer || caller.Subject != customerGUID) {
		return nil, domain.Errorf(domain.CodeForbidden, "a customer sees their own financial sources only")
	}
	return s.Store.FinancialSources(ctx, customerGUID, f)
}

// BindFinancialSource records a provider's own id of a source (once per provider); binding
// completes a PENDING source.
func (s *Service) BindFinancialSource(ctx context.Context, caller domain.Principal, sourceGUID, providerGUID, external string) (store.FinancialSource, error) {
	if strings.TrimSpace(external) == "" {
		return store.FinancialSource{}, domain.Invalid(domain.FieldErrors{{Field: "externalFinancialSource", Message: "is required"}})
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.FinancialSource, error) {
		f, err := lockSource(ctx, q, sourceGUID)
		if err != nil {
			return f, err
		}
		p, err := domain.ByGUID(ctx, providerGUID, CodeProviderNotFound, "payment provider", func(ctx context.Context, guid string) (store.PaymentEntry, error) {
			return q.EntryByGUID(ctx, store.PaymentProviders, guid)
		})
		if err != nil {
			return f, err
		}
		ok, err := q.InsertProviderSource(ctx, f.ID, p.ID, external)
		if err == nil && !ok {
			err = domain.Errorf(CodePaymentFinancialSourceAlreadyExists, "financial source %s is bound to provider %s already", sourceGUID, p.Key)
		}
		if err == nil && f.Status == SourcePending {
			f, err = q.SetFinancialSourceStatus(ctx, f.ID, SourceCompleted, f.StatusReason, f.Comment)
		}
		if err == nil {
			err = domain.Audit(ctx, q, caller, "bindFinancialSource", "financial_source", f.GUID, map[string]string{"provider": p.Key})
		}
		return f, err
	})
}

// SetFinancialSourceStatus is the back office's change of a source's status: only DEACTIVATED or
// COMPLETED, with an optional reason and comment.
func (s *Service) SetFinancialSourceStatus(ctx context.Context, caller domain.Principal, guid, status string, reason, comment *string) (store.FinancialSource, error) {
	if status != SourceDeactivated && status != SourceCompleted {
		return store.FinancialSource{}, domain.Invalid(domain.FieldErrors{{Field: "status", Message: "must be DEACTIVATED or COMPLETED"}})
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.FinancialSource, error) {
		f, err := lockSource(ctx, q, guid)
		if err != nil {
			return f, err
		}
		if f, err = q.SetFinancialSourceStatus(ctx, f.ID, status, domain.NonBlank(reason), domain.NonBlank(comment)); err != nil {
			return f, err
		}
		return f, domain.Audit(ctx, q, caller, "setFinancialSourceStatus", "financial_source", f.GUID,
			map[string]*string{"status": &status, "reason": reason, "comment": comment})
	})
}

func lockSource(ctx context.Context, q store.Queries, guid string) (store.FinancialSource, error) {
	return domain.ByGUID(ctx, guid, CodeFinancialSourceNotFound, "financial source", q.LockFinancialSource)
}

// TransactionOrderRequest asks for money to move for a business entity (a loan) through the
// provider that serves Operation.
type TransactionOrderRequest struct {
	Operation string // its ACTIVE rule names the provider
	Provider  string // when given, the provider the caller means: it must be the one the rule names
	Type      string // the transaction type's name
	Process   string // what creates the order: SIGN, REPAYMENT, MANUAL_POSTING
	// CustomerID is whose money it is; From and To are guids of their COMPLETED financial sources
	// the money leaves and reaches ("": none), bound to the provider.
	CustomerID             int64
	From, To               string
	EntityType, EntityGUID string
	Amount                 decimal.Decimal
	Currency               string
	// CompletedAt, when given, is when the money already moved: the order is COMPLETED; else NEW.
	CompletedAt    *time.Time
	AdditionalData map[string]string
	IdempotencyKey *string
}

// createTransactionOrder stores an order after checking it: the provider by the operation's rule,
// an ACTIVE transaction type (else TRANSACTION_CREATION_IMPOSSIBLE) and the sources — the
// customer's own (else FINANCIAL_SOURCE_NOT_FOUND), COMPLETED (else TRANSACTION_CREATION_IMPOSSIBLE)
// and known to the provider, whose id of the source the order keeps (else
// IMPOSSIBLE_TO_DEFINE_FINANCIAL_SOURCE).
func (s *Service) createTransactionOrder(ctx context.Context, q store.Queries, o TransactionOrderRequest) (store.TransactionOrder, error) {
	var errs domain.FieldErrors
	errs.PositiveMoney("amount", o.Amount)
	errs.Currency("currency", &o.Currency)
	if len(errs) > 0 {
		return store.TransactionOrder{}, domain.Invalid(errs)
	}
	provider, err := providerFor(ctx, q, o.Operation)
	if err != nil {
		return store.TransactionOrder{}, err
	}
	if o.Provider != "" && o.Provider != provider.Key {
		return store.TransactionOrder{}, domain.Errorf(CodeIncompatiblePaymentProvider, "operation %s is served by provider %s, not %s", o.Operation, provider.Key, o.Provider)
	}
	t, err := q.EntryByKey(ctx, store.TransactionTypes, o.Type)
	if errors.Is(err, store.ErrNotFound) || (err == nil && t.Status != "ACTIVE") {
		return store.TransactionOrder{}, domain.Errorf(CodeTransactionCreationImpossible, "transaction type %s is unknown or inactive", o.Type)
	}
	if err != nil {
		return store.TransactionOrder{}, err
	}
	if o.AdditionalData == nil {
		o.AdditionalData = map[string]string{}
	}
	data, err := json.Marshal(o.AdditionalData)
	if err != nil {
		return store.TransactionOrder{}, err
	}
	order := store.TransactionOrder{
		CustomerID: o.CustomerID, Process: o.Process, TypeID: t.ID, EntityType: o.EntityType, EntityGUID: o.EntityGUID,
		Amount: o.Amount, Currency: o.Currency, Status: OrderNew, AdditionalData: data, ProviderID: provider.ID, CompletedAt: o.CompletedAt,
		IdempotencyKey: o.IdempotencyKey,
	}
	if o.CompletedAt != nil {
		order.Status = OrderCompleted
	}
	source := func(guid string) (*int64, error) {
		if guid == "" {
			return nil, nil
		}
		f, err := lockSource(ctx, q, guid)
		if err == nil && f.CustomerID != o.CustomerID {
			err = domain.Errorf(CodeFinancialSourceNotFound, "financial source %s not found", guid)
		}
		if err != nil {
			return nil, err
		}
		if f.Status != SourceCompleted {
			return nil, domain.Errorf(CodeTransactionCreationImpossible, "financial source %s is %s, not COMPLETED", guid, f.Status)
		}
		bindings, err := q.ProviderSources(ctx, f.ID)
		if err != nil {
			return nil, err
		}
		i := domain.IndexOf(bindings, func(b store.ProviderSource) bool { return b.ProviderID == provider.ID })
		if i < 0 {
			return nil, domain.Errorf(CodeImpossibleToDefineFinancialSource, "financial source %s is not bound to provider %s", guid, provider.Key)
		}
		if order.ExternalFinancialSource == nil {
			order.ExternalFinancialSource = &bindings[i].External
		}
		return &f.ID, nil
	}
	if order.FromSourceID, err = source(o.From); err != nil {
		return store.TransactionOrder{}, err
	}
	if order.ToSourceID, err = source(o.To); err != nil {
		return store.TransactionOrder{}, err
	}
	return q.InsertTransactionOrder(ctx, order)
}

// paidAlready tells whether a payment into the locked loan was made under key before: the same
// payment sent again, which changes nothing. The key reused for another amount is a CONFLICT.
func paidAlready(ctx context.Context, q store.Queries, loan store.Loan, key *string, amount decimal.Decimal) (bool, error) {
	if key == nil {
		return false, nil
	}
	o, err := q.OrderByKey(ctx, loan.GUID, *key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	case !o.Amount.Equal(amount):
		return false, domain.Errorf(domain.CodeConflict, "idempotency key %q was used for a payment of %s into loan %s", *key, o.Amount.StringFixed(2), loan.GUID)
	}
	return true, nil
}

// OrderPayout orders a signed loan's money paid out, to the partner who sells the goods when there
// is one (named in the order's additional data). The order stays NEW until the loan opens.
func (s *Service) OrderPayout(ctx context.Context, q store.Queries, app store.OwnedApplication, loan store.Loan) error {
	data := map[string]string{}
	if app.PartnerName != nil {
		data["partner"] = *app.PartnerName
	}
	_, err := s.createTransactionOrder(ctx, q, TransactionOrderRequest{
		Operation: OperationLoanPayout, Type: OperationLoanPayout, Process: "SIGN", CustomerID: loan.CustomerID,
		EntityType: EntityLoan, EntityGUID: loan.GUID, Amount: loan.Amount, Currency: RUB, AdditionalData: data,
	})
	return err
}

// SettlePayout ends a loan's payout order: COMPLETED now when the loan opens (the goods are handed
// over, the partner is paid), CANCELLED with the loan.
func (s *Service) SettlePayout(ctx context.Context, q store.Queries, loan store.Loan, status string) error {
	var at *time.Time
	if status == OrderCompleted {
		now := s.Now()
		at = &now
	}
	_, err := q.SetPayoutStatus(ctx, loan.ID, status, at)
	return err
}

// PayoutDate returns when a loan's money was paid out: the completion of its payout order.
func (s *Service) PayoutDate(ctx context.Context, loan store.Loan) (time.Time, error) {
	o, err := s.Store.PayoutOf(ctx, loan.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && o.CompletedAt == nil) {
		return time.Time{}, domain.Errorf(CodeTransactionOrderNotFound, "loan %s is not paid out", loan.GUID)
	}
	if err != nil {
		return time.Time{}, err
	}
	return *o.CompletedAt, nil
}

// TransactionOrders lists orders for the back office, newest first: of a customer (guid), of a loan
// (guid), or all; before continues after the last order seen.
func (s *Service) TransactionOrders(ctx context.Context, caller domain.Principal, customerGUID, loanGUID, before string, first int) ([]store.TransactionOrder, error) {
	if caller.Role != domain.RoleEmployee {
		return nil, domain.Errorf(domain.CodeForbidden, "only employees list transaction orders")
	}
	if err := domain.PageSize(first); err != nil {
		return nil, err
	}
	f := store.OrderFilter{Limit: first}
	if customerGUID != "" {
		c, err := registry.FindCustomer(ctx, s.Store.Queries, customerGUID)
		if err != nil {
			return nil, err
		}
		f.CustomerID = &c.ID
	}
	if loanGUID != "" {
		l, err := domain.ByGUID(ctx, loanGUID, loans.CodeLoanNotFound, "loan", s.Store.LoanByGUID)
		if err != nil {
			return nil, err
		}
		f.LoanGUID = &l.GUID
	}
	if before != "" {
		if !domain.ValidUUID(before) {
			return nil, domain.Invalid(domain.FieldErrors{{Field: "before", Message: "must be the id of an order"}})
		}
		f.BeforeGUID = &before
	}
	return s.Store.TransactionOrders(ctx, f)
}

// RepayLoan pays money into a loan from one of its customer's financial sources, now: by the
// customer (their own loan and source) or an employee for them. The COMPLETED LOAN_REPAYMENT order
// records the money; billing credits it to the loan.
func (s *Service) RepayLoan(ctx context.Context, caller domain.Principal, loanGUID, sourceGUID string, amount decimal.Decimal, idempotencyKey *string) (store.Loan, error) {
	if caller.Role != domain.RoleCustomer && caller.Role != domain.RoleEmployee {
		return store.Loan{}, domain.Errorf(domain.CodeForbidden, "customers and employees repay loans")
	}
	var errs domain.FieldErrors
	errs.Required("sourceId", sourceGUID)
	errs.PositiveMoney("amount", amount)
	errs.IdempotencyKey(idempotencyKey)
	if len(errs) > 0 {
		return store.Loan{}, domain.Invalid(errs)
	}
	var out store.Loan
	err := s.Store.Tx(ctx, func(q store.Queries) error {
		loan, err := domain.ByGUID(ctx, loanGUID, loans.CodeLoanNotFound, "loan", q.LockLoan)
		if err != nil {
			return err
		}
		if err := s.Loans.MayServiceLoan(ctx, q, caller, loan); err != nil {
			return err
		}
		if again, err := paidAlready(ctx, q, loan, idempotencyKey, amount); err != nil || again {
			out = loan
			return err
		}
		now := s.Now()
		order, err := s.createTransactionOrder(ctx, q, TransactionOrderRequest{
			Operation: OperationLoanRepayment, Type: OperationLoanRepayment, Process: "REPAYMENT", CustomerID: loan.CustomerID,
			From: sourceGUID, EntityType: EntityLoan, EntityGUID: loan.GUID, Amount: amount, Currency: RUB, CompletedAt: &now,
			IdempotencyKey: idempotencyKey,
		})
		if err != nil {
			return err
		}
		if out, err = s.Loans.ReceivePayment(ctx, q, loan, amount, now, order.GUID); err != nil {
			return err
		}
		return domain.Audit(ctx, q, caller, "repayLoan", "loan", loan.GUID,
			map[string]string{"source": sourceGUID, "amount": amount.StringFixed(2), "transactionOrder": order.GUID})
	})
	return out, err
}

// PaymentPosting is a payment the back office records by hand (spec P17): money that reached the
// lender outside the app, through the provider the MANUAL_PAYMENT rule names.
type PaymentPosting struct {
	LoanGUID        string          `json:"loanId"`
	Amount          decimal.Decimal `json:"amount"`
	Currency        string          `json:"currency"`
	EventTime       time.Time       `json:"eventTime"`
	Comment         *string         `json:"comment,omitempty"`
	PaymentProvider string          `json:"paymentProvider"`
	// IdempotencyKey makes the same posting sent again one payment.
	IdempotencyKey *string `json:"idempotencyKey,omitempty"`
}

// PostPayment records a payment into a loan at its event time: a COMPLETED MANUAL_PAYMENT order,
// credited to the loan by billing.
func (s *Service) PostPayment(ctx context.Context, caller domain.Principal, p PaymentPosting) (store.Loan, error) {
	var errs domain.FieldErrors
	errs.PositiveMoney("amount", p.Amount)
	if p.Currency != RUB {
		errs.Add("currency", "must be RUB")
	}
	if p.EventTime.IsZero() {
		errs.Add("eventTime", "is required")
	} else if p.EventTime.After(s.Now()) {
		errs.Add("eventTime", "must not be in the future")
	}
	errs.Required("paymentProvider", p.PaymentProvider)
	errs.IdempotencyKey(p.IdempotencyKey)
	if len(errs) > 0 {
		return store.Loan{}, domain.Invalid(errs)
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.Loan, error) {
		loan, err := domain.ByGUID(ctx, p.LoanGUID, loans.CodeLoanNotFound, "loan", q.LockLoan)
		if err != nil {
			return loan, err
		}
		if again, err := paidAlready(ctx, q, loan, p.IdempotencyKey, p.Amount); err != nil || again {
			return loan, err
		}
		_, err = q.EntryByKey(ctx, store.PaymentProviders, p.PaymentProvider)
		if errors.Is(err, store.ErrNotFound) {
			return loan, domain.Errorf(CodePaymentProviderNotFound, "payment provider %s not found", p.PaymentProvider)
		}
		if err != nil {
			return loan, err
		}
		data := map[string]string{}
		if p.Comment != nil {
			data["comment"] = *p.Comment
		}
		order, err := s.createTransactionOrder(ctx, q, TransactionOrderRequest{
			Operation: OperationManualPayment, Provider: p.PaymentProvider, Type: OperationManualPayment, Process: "MANUAL_POSTING",
			CustomerID: loan.CustomerID, EntityType: EntityLoan, EntityGUID: loan.GUID, Amount: p.Amount, Currency: p.Currency,
			CompletedAt: &p.EventTime, AdditionalData: data, IdempotencyKey: p.IdempotencyKey,
		})
		if err != nil {
			return loan, err
		}
		if loan, err = s.Loans.ReceivePayment(ctx, q, loan, p.Amount, p.EventTime, order.GUID); err != nil {
			return loan, err
		}
		return loan, domain.Audit(ctx, q, caller, "postPayment", "loan", loan.GUID, p)
	})
}
