package billing

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"lendgraph/schedule"
)

// benchLoan is a 36-month loan of 300000 at 24.9% opened on 2024-01-15.
func benchLoan(b *testing.B) *Loan {
	b.Helper()
	opened := time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC)
	s, err := schedule.Annuity(schedule.Terms{Principal: decimal.NewFromInt(300000), AnnualRate: decimal.RequireFromString("24.9"), Months: 36, Start: opened})
	if err != nil {
		b.Fatal(err)
	}
	l := &Loan{Amount: decimal.NewFromInt(300000), AnnualRate: decimal.RequireFromString("24.9"), PenaltyRate: decimal.NewFromInt(20),
		OpenedOn: opened, AccruedThrough: opened.AddDate(0, 0, -1), Payment: s.MonthlyPayment, Balance: decimal.Zero}
	for _, p := range s.Payments {
		l.Rows = append(l.Rows, Row{Kind: Regular, Due: p.Date, Principal: p.Principal, Interest: p.Interest, Remaining: p.Remaining})
	}
	return l
}

// BenchmarkAdvanceYear accrues a year of days on a loan paid on time: what the daily job does
// for one loan over a year, or catching up a year at once.
func BenchmarkAdvanceYear(b *testing.B) {
	for b.Loop() {
		l := benchLoan(b)
		l.Balance = l.Payment.Mul(decimal.NewFromInt(12))
		l.Advance(l.OpenedOn.AddDate(1, 0, 0), l.OpenedOn)
	}
}

// BenchmarkPreviewPrepayment previews an early repayment of a 36-month loan.
func BenchmarkPreviewPrepayment(b *testing.B) {
	l := benchLoan(b)
	day := l.OpenedOn.AddDate(0, 0, 10)
	for b.Loop() {
		if _, err := l.Preview(day, decimal.NewFromInt(50000), PaymentDecrease); err != nil {
			b.Fatal(err)
		}
	}
}
