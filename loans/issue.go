package loans

import (
	"context"
	"fmt"
	"lendgraph/contract"
	"lendgraph/schedule"
	"lendgraph/store"
	"strings"
	"time"
)

// Issue creates the loan (status NEW) of a signed application on its selected offer, with its
// numbers and its contract, and returns it with the contract (a PDF).
func (s *Service) Issue(ctx context.Context, q store.Queries, app store.OwnedApplication, offer store.Offer) (store.Loan, []byte, error) {
	customer, err := q.CustomerByID(ctx, *app.CustomerID)
	if err != nil {
		return store.Loan{}, nil, err
	}
	number, err := q.NextLoanNumber(ctx)
	if err != nil {
		return store.Loan{}, nil, err
	}
	product, err := q.LoanProduct(ctx, offer.ProductCode)
	if err != nil {
		return store.Loan{}, nil, err
	}
	now := s.Now()
	loan := store.Loan{
		Number: number, ContractNumber: fmt.Sprintf("LG%s/%02d", number, now.Year()%100), ApplicationID: app.ID,
		CustomerID: customer.ID, ProductCode: offer.ProductCode, Amount: offer.Amount, Term: offer.Term,
		AnnualRate: offer.AnnualRate, Status: LoanNew, PenaltyRate: product.PenaltyRate, DiscountValue: product.DiscountValue,
		CreatedAt: now, // the day it is signed, on the business clock, which confirm dates are checked against
	}
	if product.DiscountValue.Valid {
		loan.DiscountType = &discountFull
	}
	plan, err := schedule.Annuity(schedule.Terms{Principal: offer.Amount, AnnualRate: loanRate(loan), Months: offer.Term, Start: now})
	if err != nil {
		return store.Loan{}, nil, err
	}
	pdf, err := s.contract(ctx, q, app, loan, customer, plan, now)
	if err != nil {
		return store.Loan{}, nil, err
	}
	created, err := q.InsertLoan(ctx, loan, pdf, "system:signing")
	return created, pdf, err
}

// contract renders the contract the customer signs.
func (s *Service) contract(ctx context.Context, q store.Queries, app store.OwnedApplication, loan store.Loan, c store.Customer, plan schedule.Schedule, now time.Time) ([]byte, error) {
	d := contract.Data{
		Number: loan.ContractNumber, LoanNumber: loan.Number, Date: now, Lender: s.Lender,
		CustomerName: strings.Join(nonEmptyOf(c.LastName, c.FirstName, c.MiddleName), " "), CustomerPhone: c.Phone,
		Amount: loan.Amount, AnnualRate: loan.AnnualRate, Months: loan.Term, MonthlyPayment: plan.MonthlyPayment,
		TotalInterest: plan.TotalInterest, TotalAmount: plan.TotalAmount, Partner: "—",
	}
	if app.PartnerName != nil {
		d.Partner = *app.PartnerName
	}
	items, err := q.CartItems(ctx, []int64{app.ID})
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		d.Goods = append(d.Goods, fmt.Sprintf("%s ×%d — %s ₽", it.Name, it.Quantity, it.Price.StringFixed(2)))
	}
	for _, p := range plan.Payments {
		d.Schedule = append(d.Schedule, contract.Row{N: p.N, Date: p.Date, Amount: p.Amount, Principal: p.Principal, Interest: p.Interest, Remaining: p.Remaining})
	}
	return contract.Render(d)
}

func nonEmptyOf(ss ...*string) []string {
	var out []string
	for _, s := range ss {
		if s != nil && *s != "" {
			out = append(out, *s)
		}
	}
	return out
}
