// Package demo loads the demo data that `make run`, the README's walk-through and the tests rely
// on. Loading is idempotent: what exists is left as it is.
package demo

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"lendgraph/signin"
	"lendgraph/store"
)

// The demo accounts.
const (
	PartnerClientID     = "demo"
	PartnerClientSecret = "demo-secret"
	PartnerName         = "demo"
	EmployeeUsername    = "demo@example.com"
	EmployeePassword    = "demo-password"
	// OTPCode is the fixed code of the test phones 79010000001 … 79010000009, as on the platform.
	OTPCode = "1111"
)

// TestPhone returns test phone n (1…9).
func TestPhone(n int) string { return fmt.Sprintf("7901000000%d", n) }

// NamedCustomer is a named demo customer behind one of the first test phones.
type NamedCustomer struct{ Phone, First, Last, Middle string }

// Customers are the named customers behind the first test phones.
var Customers = []NamedCustomer{
	{TestPhone(1), "Иван", "Иванов", "Иванович"},
	{TestPhone(2), "Мария", "Петрова", "Сергеевна"},
	{TestPhone(3), "Алексей", "Смирнов", "Павлович"},
}

// penalty is charged on overdue amounts: 20% a year, the cap for consumer loans that accrue
// interest meanwhile.
var penalty = decimal.NewFromInt(20)

// products are the demo credit products; 1800 is the platform demo's. 2000 forgives half its
// interest until the loan is prolonged.
var products = []store.LoanProduct{
	{Code: "1800", Name: "Рассрочка на товары", AnnualRate: decimal.RequireFromString("17.3"), MinAmount: decimal.NewFromInt(3000), MaxAmount: decimal.NewFromInt(500000), MinTerm: 3, MaxTerm: 24, PenaltyRate: penalty, ProlongationDays: 30, MaxProlongations: 1},
	{Code: "1801", Name: "Кредит на технику", AnnualRate: decimal.RequireFromString("24.9"), MinAmount: decimal.NewFromInt(5000), MaxAmount: decimal.NewFromInt(300000), MinTerm: 6, MaxTerm: 36, PenaltyRate: penalty, ProlongationDays: 30, MaxProlongations: 1},
	{Code: "1802", Name: "Сплит 0%", AnnualRate: decimal.Zero, MinAmount: decimal.NewFromInt(1000), MaxAmount: decimal.NewFromInt(50000), MinTerm: 2, MaxTerm: 6, PenaltyRate: penalty, ProlongationDays: 30, MaxProlongations: 1},
	{Code: "2000", Name: "Заём на карту", AnnualRate: decimal.RequireFromString("29.9"), MinAmount: decimal.NewFromInt(1000), MaxAmount: decimal.NewFromInt(100000), MinTerm: 1, MaxTerm: 12, PenaltyRate: penalty, ProlongationDays: 30, MaxProlongations: 2, DiscountValue: decimal.NewNullDecimal(decimal.RequireFromString("0.5"))},
}

// rules are the demo scoring schema, in the lead-scoring shape: blocking steps deny when their
// condition fails.
var rules = []store.ScoringRule{
	{OrderNo: 10, Expression: `customer.age < 0 || customer.age >= 18`, Description: "Заёмщику есть 18 лет", Blocking: true, DenialReason: "UNDERAGE", Recommendation: "GOOD"},
	{OrderNo: 20, Expression: `customer.age < 0 || customer.age <= 75`, Description: "Заёмщику не больше 75 лет", Blocking: true, DenialReason: "AGE_LIMIT", Recommendation: "GOOD"},
	{OrderNo: 30, Expression: `application.channel == "MOBILE" || customer.hasPassport`, Description: "Паспорт предъявлен", Blocking: true, DenialReason: "NO_PASSPORT", Recommendation: "GOOD"},
	{OrderNo: 40, Expression: `application.channel == "MOBILE" || customer.salary - customer.monthlyExpenses >= application.loanAmount / application.loanTerm`, Description: "Доход покрывает платёж", Blocking: true, DenialReason: "LOW_INCOME", Recommendation: "MEDIUM"},
	{OrderNo: 50, Expression: `application.loanAmount <= 300000 || customer.salary >= 100000`, Description: "Крупная сумма только при высоком доходе", Blocking: true, DenialReason: "AMOUNT_TOO_HIGH", Recommendation: "GOOD"},
}

// Load adds the demo partner, employee, test phones, customers, products and scoring rules that
// are missing.
func Load(ctx context.Context, st *store.Store) error {
	if err := loadAccounts(ctx, st); err != nil {
		return err
	}
	if err := loadPayments(ctx, st); err != nil {
		return err
	}
	if err := loadExpenseDictionaries(ctx, st); err != nil {
		return err
	}
	if err := loadCustomerOffers(ctx, st); err != nil {
		return err
	}
	return loadCatalogue(ctx, st)
}

// documentTypes are the demo document types with their attributes.
var documentTypes = []struct {
	store.DocumentType
	attributes []store.DocumentAttribute
}{
	{store.DocumentType{Name: "PASSPORT", Category: "IDENTITY", IsActive: true}, []store.DocumentAttribute{
		{Name: "series", Description: "Серия паспорта", IsRequired: true, Type: "text", Regex: ptr(`[0-9]{4}`)},
		{Name: "number", Description: "Номер паспорта", IsRequired: true, Type: "text", Regex: ptr(`[0-9]{6}`), Range: []string{"000000"}, IsInvertedRange: true},
		{Name: "issuer", Description: "Кем выдан", Type: "text", Max: ptr("300")},
		{Name: "issue_date", Description: "Дата выдачи", IsRequired: true, Type: "date", Min: ptr("1997-10-01")},
		{Name: "authority_code", Description: "Код подразделения", Type: "text", Regex: ptr(`[0-9]{3}-[0-9]{3}`)},
		{Name: "birthplace", Description: "Место рождения", Type: "text", Max: ptr("300")},
	}},
	{store.DocumentType{Name: "INN", Category: "IDENTITY", IsActive: true}, []store.DocumentAttribute{
		{Name: "number", Description: "ИНН", IsRequired: true, Type: "text", Regex: ptr(`[0-9]{10}|[0-9]{12}`)},
	}},
	{store.DocumentType{Name: "SNILS", Category: "IDENTITY", IsActive: true, ValidationMethod: ptr("check_snils_summ")}, []store.DocumentAttribute{
		{Name: "number", Description: "СНИЛС", IsRequired: true, Type: "text", Regex: ptr(`[0-9]{11}`)},
	}},
}

// flagTypes are the demo flag types with their reasons.
var flagTypes = []struct {
	store.FlagType
	reasons []string
}{
	{store.FlagType{Name: "REGISTRATION_COMPLETED", Scope: "INTERNAL", Description: "Регистрация завершена"}, []string{"CUSTOMER_REGISTRATION_IS_COMPLETED"}},
	{store.FlagType{Name: "BLACK_LIST", Scope: "EXTERNAL", Restricts: true, Description: "Чёрный список"}, []string{"TERRORIST", "FRAUD"}},
}

func ptr(s string) *string { return &s }

// loadCatalogue adds the demo products, document types and flag types that are missing, and the
// demo scoring rules when there are none.
func loadCatalogue(ctx context.Context, st *store.Store) error {
	return st.Tx(ctx, func(q store.Queries) error {
		for _, dt := range documentTypes {
			dt.AdditionalData = []byte(`{}`)
			t, added, err := q.InsertDocumentType(ctx, dt.DocumentType)
			if err != nil || !added {
				if err != nil {
					return fmt.Errorf("demo document type: %w", err)
				}
				continue // someone's already: leave it
			}
			for _, a := range dt.attributes {
				a.DocumentTypeID = t.ID
				if _, _, err := q.InsertDocumentAttribute(ctx, a); err != nil {
					return fmt.Errorf("demo document attribute: %w", err)
				}
			}
		}
		for _, ft := range flagTypes {
			t, added, err := q.InsertFlagType(ctx, ft.FlagType)
			if err != nil {
				return fmt.Errorf("demo flag type: %w", err)
			}
			if !added {
				continue
			}
			for _, r := range ft.reasons {
				if _, _, err := q.InsertFlagReason(ctx, store.FlagReason{FlagTypeID: t.ID, Name: r}); err != nil {
					return fmt.Errorf("demo flag reason: %w", err)
				}
			}
		}
		for _, p := range products {
			if _, err := q.PutLoanProduct(ctx, p); err != nil {
				return fmt.Errorf("demo product: %w", err)
			}
		}
		if n, err := q.CountScoringRules(ctx); err != nil || n > 0 {
			return err // the schema is someone's: leave it
		}
		for _, r := range rules {
			if err := q.AddScoringRule(ctx, r); err != nil {
				return fmt.Errorf("demo scoring rule: %w", err)
			}
		}
		return nil
	})
}

// loadAccounts adds the demo partner, employee, test phones and customers that are missing.
func loadAccounts(ctx context.Context, st *store.Store) error {
	return st.Tx(ctx, func(q store.Queries) error {
		if _, err := q.PartnerByClientID(ctx, PartnerClientID); err == store.ErrNotFound {
			hash, err := signin.HashSecret(PartnerClientSecret)
			if err != nil {
				return err
			}
			if _, err := q.AddPartner(ctx, store.Partner{Name: PartnerName, ClientID: PartnerClientID, SecretHash: hash}); err != nil {
				return fmt.Errorf("demo partner: %w", err)
			}
		} else if err != nil {
			return err
		}
		if _, err := q.EmployeeByUsername(ctx, EmployeeUsername); err == store.ErrNotFound {
			hash, err := signin.HashSecret(EmployeePassword)
			if err != nil {
				return err
			}
			if _, err := q.AddEmployee(ctx, store.Employee{Username: EmployeeUsername, PasswordHash: hash, FullName: "Demo Employee"}); err != nil {
				return fmt.Errorf("demo employee: %w", err)
			}
		} else if err != nil {
			return err
		}
		for n := 1; n <= 9; n++ {
			if _, err := q.AddOTPException(ctx, TestPhone(n), OTPCode); err != nil {
				return fmt.Errorf("demo test phone: %w", err)
			}
		}
		for _, c := range Customers {
			if _, err := q.EnsureCustomer(ctx, c.Phone, &c.First, &c.Last, &c.Middle); err != nil {
				return fmt.Errorf("demo customer: %w", err)
			}
		}
		return nil
	})
}
