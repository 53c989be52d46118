package demo

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"lendgraph/signin"
	"lendgraph/store"
)

// The records the example request of POST /customerOffer/loan/initiate names (seed 000), under the
// example's ids, so that it is answered as it stands.
const (
	OfferCustomerID     = 123456789
	OfferEmployeeID     = 654321
	OfferProductCode    = "123456789"
	OfferPDPATemplateID = 123456789
	// OfferEmployeeUsername signs in with EmployeePassword.
	OfferEmployeeUsername = "loan.officer@example.com"
)

// offerProduct has the example answer's bounds: 10 000 – 1 000 000 000, 3 – 36 months.
var offerProduct = store.LoanProduct{
	Code: OfferProductCode, Name: "Микрозайм", AnnualRate: decimal.RequireFromString("29.9"),
	MinAmount: decimal.NewFromInt(10000), MaxAmount: decimal.NewFromInt(1000000000), MinTerm: 3, MaxTerm: 36,
	PenaltyRate: penalty, ProlongationDays: 30, MaxProlongations: 1,
}

var offerTemplate = store.PDPATemplate{
	ID: OfferPDPATemplateID, Name: "PDPA_CONSENT", Version: 1, Active: true,
	Text: "I consent to the lender processing my personal data (identity, contacts, income and credit history) " +
		"to assess and service my loan application, as the personal data protection law provides. " +
		"I may withdraw this consent in writing at any time.",
}

// loadCustomerOffers adds the example's customer, employee, product and PDPA template that are missing.
func loadCustomerOffers(ctx context.Context, st *store.Store) error {
	first, last := "Анна", "Кузнецова"
	return st.Tx(ctx, func(q store.Queries) error {
		if _, err := q.AddCustomerWithID(ctx, store.Customer{ID: OfferCustomerID, Phone: "79123456789", FirstName: &first, LastName: &last}); err != nil {
			return fmt.Errorf("demo offer customer: %w", err)
		}
		if _, err := q.EmployeeByID(ctx, OfferEmployeeID); err == store.ErrNotFound {
			hash, err := signin.HashSecret(EmployeePassword)
			if err != nil {
				return err
			}
			if _, err := q.AddEmployeeWithID(ctx, store.Employee{ID: OfferEmployeeID, Username: OfferEmployeeUsername, PasswordHash: hash, FullName: "Loan Officer"}); err != nil {
				return fmt.Errorf("demo offer employee: %w", err)
			}
		} else if err != nil {
			return err
		}
		if _, err := q.PutLoanProduct(ctx, offerProduct); err != nil {
			return fmt.Errorf("demo offer product: %w", err)
		}
		if _, err := q.PutPDPATemplate(ctx, offerTemplate); err != nil {
			return fmt.Errorf("demo PDPA template: %w", err)
		}
		return nil
	})
}
