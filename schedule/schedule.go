// Package schedule computes the payment schedule of a consumer loan repaid by
// equal monthly (annuity) payments, exact to the kopeck, and rebuilds it after an
// early repayment or a prolongation.
//
// Rounding and day-count rules (the project's rules, written down once):
//
//   - Interest accrues daily at AnnualRate / 100 / (days in that day's year:
//     365 or 366). The interest on a principal for a run of days [from, to) is
//     principal * sum of the daily rates, rounded half-up to kopecks once (see
//     Interest). Daily accrual takes the difference of two such sums, so the
//     days of a period always add up to the period's interest.
//   - A period runs from the previous payment date (or the start) up to, not
//     including, its own payment date.
//   - The regular (annuity) payment is the equal payment that repays P with
//     each period's actual-day interest: A = P / sum_k prod_{j<=k} 1/(1+i_j),
//     i_j the rate of period j, every factor kept to 40 places, A rounded
//     half-up to kopecks (for a zero rate A = P / n). So all payments but the
//     last are equal and the last differs by a few kopecks of rounding.
//   - Each row: interest is the period's interest on the principal still owed;
//     principal part = A - interest; the last row repays exactly what is left,
//     so principal parts sum to the principal and the last Remaining is 0.
//     Amount = Principal + Interest in every row.
//   - With a fixed payment (an early repayment that shortens the term) rows
//     take A - interest of principal until the rest fits into one payment.
//   - Payment k is due k months after Start on the same day of month, or on
//     the last day of that month when it is shorter. Each date is computed from
//     Start, so a clamped February does not shift later months.
//   - Terms are rejected with an error (never a panic) when the principal is
//     <= 0 or has more than 2 decimal places, the rate is negative, months are
//     outside 1..600 or Start is zero; also when the principal is too small for
//     the term (some principal part would be <= 0 or the loan would be repaid
//     before the last month), and when the rate is so high for the term that a
//     31-day period's interest exceeds the payment.
package schedule

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

const (
	maxMonths = 600
	powPlaces = 40 // digits kept in period rates and discount factors
	kopecks   = 2
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
	return Build(Plan{Principal: t.Principal, AnnualRate: t.AnnualRate, From: dateOf(t.Start), Dates: DueDates(t.Start, t.Months)})
}

// Plan is what is left to repay: Principal over the periods from From to each of Dates.
type Plan struct {
	Principal  decimal.Decimal
	AnnualRate decimal.Decimal
	From       time.Time
	Dates      []time.Time
	// Payment fixes the regular payment (the term shrinks to fit); zero means the annuity payment
	// over all of Dates.
	Payment decimal.Decimal
}

// Build lays Plan out in rows.
func Build(p Plan) (Schedule, error) {
	n := len(p.Dates)
	if n == 0 || p.Principal.Sign() <= 0 {
		return Schedule{}, fmt.Errorf("schedule: nothing to plan: principal %s over %d payments", p.Principal, n)
	}
	remaining := p.Principal.Round(kopecks) // same value, uniform 2-place representation
	a, fixed := p.Payment, p.Payment.Sign() > 0
	if !fixed {
		a = annuityPayment(remaining, p.AnnualRate, p.From, p.Dates)
	}
	s := Schedule{MonthlyPayment: a, TotalInterest: decimal.Zero.Round(kopecks), TotalAmount: decimal.Zero.Round(kopecks)}
	from := p.From
	for k, date := range p.Dates {
		interest := Interest(remaining, p.AnnualRate, from, date)
		part := a.Sub(interest)
		last := k == n-1 || (fixed && part.GreaterThanOrEqual(remaining))
		if last {
			part = remaining // the last payment closes the loan exactly
		}
		remaining = remaining.Sub(part)
		// A 31-day period at a high rate over a long term can cost more interest than the
		// payment; the principal would grow, so no schedule under these rules exists.
		if interest.GreaterThanOrEqual(a) && !last {
			return Schedule{}, fmt.Errorf("schedule: annual rate %s is too high for %d months: a period's interest %s exceeds the payment %s", p.AnnualRate, n, interest, a)
		}
		// A tiny principal spread over many months rounds A to nothing or
		// repays the loan early; no schedule under these rules exists then.
		if part.Sign() <= 0 || (!last && remaining.Sign() <= 0) {
			return Schedule{}, fmt.Errorf("schedule: principal %s is too small for %d months", p.Principal, n)
		}
		amount := part.Add(interest)
		s.Payments = append(s.Payments, Payment{N: k + 1, Date: date, Amount: amount, Principal: part, Interest: interest, Remaining: remaining})
		s.TotalInterest = s.TotalInterest.Add(interest)
		s.TotalAmount = s.TotalAmount.Add(amount)
		if last {
			break
		}
		from = date
	}
	return s, nil
}

// Interest is the interest on principal for the days [from, to): principal times the sum of the
// daily rates AnnualRate/100/(days in the year), rounded half-up to kopecks once.
func Interest(principal, annualRate decimal.Decimal, from, to time.Time) decimal.Decimal {
	return principal.Mul(annualRate).Mul(yearWeight(from, to)).DivRound(yearWeightUnit, kopecks)
}

// yearWeightUnit is 100% * 365 * 366: the sum of 1/365 or 1/366 per day over [from, to), times
// 100 (percent) and divided by it, is exactly yearWeight(from, to) / yearWeightUnit.
var yearWeightUnit = decimal.NewFromInt(100 * 365 * 366)

// yearWeight is d365*366 + d366*365 for the d365 days of common years and d366 days of leap years
// in [from, to).
func yearWeight(from, to time.Time) decimal.Decimal {
	var d365, d366 int64
	end := dateOf(to)
	for d := dateOf(from); d.Before(end); {
		next := time.Date(d.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
		if end.Before(next) {
			next = end
		}
		days := int64(next.Sub(d).Hours() / 24)
		if time.Date(d.Year(), 12, 31, 0, 0, 0, 0, time.UTC).YearDay() == 366 {
			d366 += days
		} else {
			d365 += days
		}
		d = next
	}
	return decimal.NewFromInt(d365*366 + d366*365)
}

// DueDates are the n monthly payment dates after start.
func DueDates(start time.Time, n int) []time.Time {
	y, m, d := start.Date()
	out := make([]time.Time, n)
	for k := range out {
		out[k] = dueDate(y, m, d, k+1)
	}
	return out
}

func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
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

// annuityPayment is the equal payment that repays principal over the periods from `from` to each
// of dates with the interest of each period's actual days: A = P / sum_k prod_{j<=k} 1/(1+i_j),
// where i_j is period j's rate; rounded once, half-up, to kopecks.
func annuityPayment(principal, annualRate decimal.Decimal, from time.Time, dates []time.Time) decimal.Decimal {
	one := decimal.NewFromInt(1)
	discount, sum := one, decimal.Zero
	for _, date := range dates {
		rate := annualRate.Mul(yearWeight(from, date)).DivRound(yearWeightUnit, powPlaces)
		discount = discount.DivRound(one.Add(rate), powPlaces)
		sum = sum.Add(discount)
		from = date
	}
	return principal.DivRound(sum, kopecks)
}

// dueDate is k months after the date y-m-d, clamped to the end of a shorter month.
func dueDate(y int, m time.Month, d, k int) time.Time {
	// Day 0 of the following month is the last day of the target month.
	last := time.Date(y, m+time.Month(k)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return time.Date(y, m+time.Month(k), min(d, last), 0, 0, 0, 0, time.UTC)
}
