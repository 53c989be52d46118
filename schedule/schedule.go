// Package schedule computes the payment schedule of a consumer loan repaid by
// equal monthly (annuity) payments, exact to the kopeck.
//
// Rounding rules (the project's rules, written down once):
//
//   - Monthly rate r = AnnualRate / 100 / 12, kept to 20 decimal places
//     (rounded half-up); money is never held in float64.
//   - Regular payment A = P * r / (1 - (1+r)^-n), rounded half-up (away from
//     zero) to kopecks; (1+r)^-n is kept to 40 decimal places. For r = 0,
//     A = P / n rounded half-up.
//   - Each month: interest = remaining * r rounded half-up to kopecks;
//     principal part = A - interest; remaining -= principal part.
//   - The last payment repays exactly the remaining principal plus its
//     interest, so principal parts sum to Principal and the final Remaining is
//     0. Amount = Principal + Interest in every row.
//   - Payment k is due k months after Start on the same day of month, or on
//     the last day of that month when it is shorter. Each date is computed from
//     Start, so a clamped February does not shift later months.
//   - TotalInterest is the sum of Interest, TotalAmount the sum of Amount.
//   - Terms are rejected with an error (never a panic) when the principal is
//     <= 0 or has more than 2 decimal places, the rate is negative, months are
//     outside 1..600 or Start is zero; also when the principal is too small for
//     the term (some principal part would be <= 0 or the loan would be repaid
//     before the last month).
package schedule

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

const (
	maxMonths  = 600
	ratePlaces = 20 // digits kept in the monthly rate
	powPlaces  = 40 // digits kept in (1+r)^-n, well beyond ratePlaces
	kopecks    = 2
)

// Terms of a loan.
type Terms struct {
	Principal  decimal.Decimal // amount lent, > 0, at most 2 decimal places
	AnnualRate decimal.Decimal // nominal interest, percent per year, e.g. 17.3; >= 0
	Months     int             // number of monthly payments, >= 1
	Start      time.Time       // date the loan is opened (only the date part matters)
}

// Payment is one row of the schedule.
type Payment struct {
	N         int             // 1-based
	Date      time.Time       // due date, 00:00 UTC
	Amount    decimal.Decimal // Principal + Interest
	Principal decimal.Decimal
	Interest  decimal.Decimal
	Remaining decimal.Decimal // principal still owed after this payment
}

// Schedule is the whole plan.
type Schedule struct {
	Payments       []Payment
	MonthlyPayment decimal.Decimal // the regular (annuity) payment; the last one may differ by a few kopecks
	TotalInterest  decimal.Decimal
	TotalAmount    decimal.Decimal // Principal + TotalInterest
}

// Annuity returns the annuity schedule of t, or an error naming the bad term.
func Annuity(t Terms) (Schedule, error) {
	if err := validate(t); err != nil {
		return Schedule{}, err
	}
	n := t.Months
	p := t.Principal.Round(kopecks) // same value, uniform 2-place representation
	r := t.AnnualRate.DivRound(decimal.NewFromInt(1200), ratePlaces)
	a, err := regularPayment(p, r, n)
	if err != nil { // only for absurdly large rates
		return Schedule{}, fmt.Errorf("schedule: annual rate %s is out of range: %w", t.AnnualRate, err)
	}

	s := Schedule{
		Payments:       make([]Payment, 0, n),
		MonthlyPayment: a,
		TotalInterest:  decimal.Zero.Round(kopecks),
		TotalAmount:    decimal.Zero.Round(kopecks),
	}
	y, m, d := t.Start.Date()
	remaining := p
	for k := 1; k <= n; k++ {
		interest := remaining.Mul(r).Round(kopecks)
		part := a.Sub(interest)
		if k == n {
			part = remaining // the last payment closes the loan exactly
		}
		remaining = remaining.Sub(part)
		// A tiny principal spread over many months rounds A to nothing or
		// repays the loan early; no schedule under these rules exists then.
		if part.Sign() <= 0 || (k < n && remaining.Sign() <= 0) {
			return Schedule{}, fmt.Errorf("schedule: principal %s is too small for %d months", p, n)
		}
		amount := part.Add(interest)
		s.Payments = append(s.Payments, Payment{
			N:         k,
			Date:      dueDate(y, m, d, k),
			Amount:    amount,
			Principal: part,
			Interest:  interest,
			Remaining: remaining,
		})
		s.TotalInterest = s.TotalInterest.Add(interest)
		s.TotalAmount = s.TotalAmount.Add(amount)
	}
	return s, nil
}

func validate(t Terms) error {
	switch {
	case t.Principal.Sign() <= 0:
		return fmt.Errorf("schedule: principal must be > 0, got %s", t.Principal)
	case !t.Principal.Equal(t.Principal.Round(kopecks)):
		return fmt.Errorf("schedule: principal must have at most 2 decimal places, got %s", t.Principal)
	case t.AnnualRate.Sign() < 0:
		return fmt.Errorf("schedule: annual rate must be >= 0, got %s", t.AnnualRate)
	case t.Months < 1 || t.Months > maxMonths:
		return fmt.Errorf("schedule: months must be in 1..%d, got %d", maxMonths, t.Months)
	case t.Start.IsZero():
		return fmt.Errorf("schedule: start date is not set")
	}
	return nil
}

// regularPayment is A = P*r / (1 - (1+r)^-n), rounded once, half-up, to kopecks.
func regularPayment(p, r decimal.Decimal, n int) (decimal.Decimal, error) {
	if r.IsZero() { // also covers rates too small to survive ratePlaces
		return p.DivRound(decimal.NewFromInt(int64(n)), kopecks), nil
	}
	one := decimal.NewFromInt(1)
	v, err := one.Add(r).PowWithPrecision(decimal.NewFromInt(int64(-n)), powPlaces)
	if err != nil {
		return decimal.Decimal{}, err
	}
	return p.Mul(r).DivRound(one.Sub(v), kopecks), nil
}

// dueDate is k months after the date y-m-d, clamped to the end of a shorter month.
func dueDate(y int, m time.Month, d, k int) time.Time {
	// Day 0 of the following month is the last day of the target month.
	last := time.Date(y, m+time.Month(k)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return time.Date(y, m+time.Month(k), min(d, last), 0, 0, 0, 0, time.UTC)
}
