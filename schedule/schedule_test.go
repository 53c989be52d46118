package schedule

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func ymd(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// assertMoney compares by value, so "1000" equals "1000.00".
func assertMoney(t *testing.T, want string, got decimal.Decimal, msg ...any) {
	t.Helper()
	assert.True(t, dec(want).Equal(got), "want %s, got %s %v", want, got, msg)
}

func TestAnnuityHandChecked(t *testing.T) {
	s, err := Annuity(Terms{Principal: dec("100000.00"), AnnualRate: dec("12"), Months: 12, Start: ymd(2024, 1, 15)})
	require.NoError(t, err)
	require.Len(t, s.Payments, 12)

	// A = P / sum of the discount factors prod 1/(1+i_j) of the 12 periods, where i_j is
	// 12% * (days of period j in 2024)/366 (and for the last, 17/366 + 14/365):
	// 100000 / 11.256601... = 8883.68.
	assertMoney(t, "8883.68", s.MonthlyPayment)
	first := s.Payments[0]
	assert.Equal(t, 1, first.N)
	assert.Equal(t, ymd(2024, 2, 15), first.Date)
	// 31 days of the leap year 2024: 100000 * 12% * 31/366 = 1016.393 -> 1016.39.
	assertMoney(t, "1016.39", first.Interest)
	assertMoney(t, "7867.29", first.Principal)
	assertMoney(t, "8883.68", first.Amount)
	assertMoney(t, "92132.71", first.Remaining)
	// February 15 to March 15 is 29 days: 92132.71 * 12% * 29/366 = 876.016 -> 876.02.
	assertMoney(t, "876.02", s.Payments[1].Interest)
	assertMoney(t, "84125.05", s.Payments[1].Remaining)

	// The last period spans the new year: 17 days of 2024 at /366 and 14 of 2025 at /365;
	// 8794.13 * 12% * (17/366 + 14/365) = 89.49, and the last payment closes the loan.
	last := s.Payments[11]
	assert.Equal(t, ymd(2025, 1, 15), last.Date)
	assertMoney(t, "8794.13", last.Principal)
	assertMoney(t, "89.49", last.Interest)
	assertMoney(t, "8883.62", last.Amount)
	assertMoney(t, "0", last.Remaining)
	// Every row cross-checked with Python's decimal module.
	wantInterest := []string{"1016.39", "876.02", "855.04", "748.49", "690.75", "587.88", "523.16", "438.19", "340.98", "265.52", "172.19", "89.49"}
	for i, want := range wantInterest {
		assertMoney(t, want, s.Payments[i].Interest, "row", i+1)
	}
	assertMoney(t, "6604.10", s.TotalInterest)
	assertMoney(t, "106604.10", s.TotalAmount)
}

func TestAnnuityProperties(t *testing.T) {
	type input struct {
		principal string
		months    []int
	}
	var all []int
	for n := 1; n <= 60; n++ {
		all = append(all, n)
	}
	inputs := []input{
		{"80500.50", all},
		{"208990.50", all},
		{"1000.00", all},
		{"5000000.00", all},
		{"0.01", []int{1}},
		{"0.60", []int{1, 2, 3}},
	}
	for _, in := range inputs {
		for _, rate := range []string{"0", "0.1", "17.3", "99.9"} {
			for _, n := range in.months {
				if rate == "99.9" && n > 36 {
					continue // too high for the term: see TestAnnuityValidation
				}
				name := fmt.Sprintf("%s@%s%%x%d", in.principal, rate, n)
				p := dec(in.principal)
				s, err := Annuity(Terms{Principal: p, AnnualRate: dec(rate), Months: n, Start: ymd(2024, 1, 31)})
				require.NoError(t, err, name)
				checkProperties(t, name, p, dec(rate), n, s)
			}
		}
	}
}

func checkProperties(t *testing.T, name string, p, rate decimal.Decimal, n int, s Schedule) {
	t.Helper()
	require.Len(t, s.Payments, n, name)
	twoPlaces := func(d decimal.Decimal) bool { return d.Equal(d.Round(2)) }
	assert.True(t, twoPlaces(s.MonthlyPayment), name)

	sumPrincipal, sumInterest, sumAmount := decimal.Zero, decimal.Zero, decimal.Zero
	prev := p
	for i, row := range s.Payments {
		at := fmt.Sprintf("%s row %d", name, row.N)
		assert.Equal(t, i+1, row.N, at)
		for _, v := range []decimal.Decimal{row.Amount, row.Principal, row.Interest, row.Remaining} {
			assert.True(t, twoPlaces(v), "%s: %s has more than 2 places", at, v)
		}
		assert.True(t, row.Amount.Equal(row.Principal.Add(row.Interest)), at)
		assert.True(t, row.Principal.Sign() > 0, "%s: principal part %s", at, row.Principal)
		assert.True(t, row.Interest.Sign() >= 0, "%s: interest %s", at, row.Interest)
		assert.True(t, row.Remaining.LessThan(prev), "%s: remaining %s not below %s", at, row.Remaining, prev)
		assert.True(t, row.Remaining.Equal(prev.Sub(row.Principal)), at)
		if i < n-1 {
			assert.True(t, row.Amount.Equal(s.MonthlyPayment), "%s: amount %s != %s", at, row.Amount, s.MonthlyPayment)
		}
		prev = row.Remaining
		sumPrincipal = sumPrincipal.Add(row.Principal)
		sumInterest = sumInterest.Add(row.Interest)
		sumAmount = sumAmount.Add(row.Amount)
	}
	last := s.Payments[n-1]
	assert.True(t, last.Remaining.IsZero(), "%s: last remaining %s", name, last.Remaining)
	assert.True(t, sumPrincipal.Equal(p), "%s: principal parts sum to %s", name, sumPrincipal)
	assert.True(t, sumInterest.Equal(s.TotalInterest), name)
	assert.True(t, sumAmount.Equal(s.TotalAmount), name)
	assert.True(t, s.TotalAmount.Equal(p.Add(s.TotalInterest)), name)

	// Each row's rounding (of A and of the interest) is off by less than a kopeck, and that
	// error grows by at most (1 + a 31-day period's rate) every later month.
	diff := last.Amount.Sub(s.MonthlyPayment).Abs()
	kopeck := decimal.New(1, -2)
	bound, grow := decimal.Zero, decimal.NewFromInt(1)
	for range n {
		bound = bound.Add(kopeck.Mul(grow))
		grow = grow.Mul(rate.Mul(decimal.NewFromInt(31)).DivRound(decimal.NewFromInt(36500), 20).Add(decimal.NewFromInt(1))).Truncate(30)
	}
	assert.True(t, diff.LessThan(bound), "%s: last amount %s vs %s", name, last.Amount, s.MonthlyPayment)
}

func TestAnnuityZeroRate(t *testing.T) {
	s, err := Annuity(Terms{Principal: dec("1000.00"), AnnualRate: decimal.Zero, Months: 3, Start: ymd(2024, 5, 10)})
	require.NoError(t, err)
	assertMoney(t, "333.33", s.MonthlyPayment)
	for i, want := range []string{"333.33", "333.33", "333.34"} {
		assertMoney(t, want, s.Payments[i].Amount)
		assertMoney(t, "0", s.Payments[i].Interest)
	}
	assertMoney(t, "0", s.TotalInterest)
	assertMoney(t, "1000.00", s.TotalAmount)
}

func TestAnnuitySingleMonth(t *testing.T) {
	s, err := Annuity(Terms{Principal: dec("1000.00"), AnnualRate: dec("12"), Months: 1, Start: ymd(2024, 5, 10)})
	require.NoError(t, err)
	require.Len(t, s.Payments, 1)
	assertMoney(t, "1010.16", s.MonthlyPayment)
	row := s.Payments[0]
	assert.Equal(t, ymd(2024, 6, 10), row.Date)
	assertMoney(t, "1000.00", row.Principal)
	assertMoney(t, "10.16", row.Interest) // 31 days: 1000 * 12% * 31/366 = 10.164
	assertMoney(t, "1010.16", row.Amount)
	assertMoney(t, "0", row.Remaining)
}

func dates(t *testing.T, start time.Time, months int) []time.Time {
	t.Helper()
	s, err := Annuity(Terms{Principal: dec("1000.00"), AnnualRate: dec("10"), Months: months, Start: start})
	require.NoError(t, err)
	var out []time.Time
	for _, p := range s.Payments {
		out = append(out, p.Date)
	}
	return out
}

func TestAnnuityMonthEndClamping(t *testing.T) {
	// A clamped February must not pull later months back to the 29th.
	assert.Equal(t, []time.Time{
		ymd(2024, 2, 29), ymd(2024, 3, 31), ymd(2024, 4, 30), ymd(2024, 5, 31),
		ymd(2024, 6, 30), ymd(2024, 7, 31), ymd(2024, 8, 31), ymd(2024, 9, 30),
		ymd(2024, 10, 31), ymd(2024, 11, 30), ymd(2024, 12, 31), ymd(2025, 1, 31),
		ymd(2025, 2, 28), ymd(2025, 3, 31),
	}, dates(t, ymd(2024, 1, 31), 14))

	// The 30th clamps in February and comes back in March.
	assert.Equal(t, []time.Time{ymd(2023, 2, 28), ymd(2023, 3, 30)}, dates(t, ymd(2023, 1, 30), 2))
}

func TestAnnuityLeapYear(t *testing.T) {
	// Non-leap February ends on the 28th, leap February on the 29th.
	assert.Equal(t, ymd(2023, 2, 28), dates(t, ymd(2023, 1, 29), 1)[0])
	assert.Equal(t, ymd(2024, 2, 29), dates(t, ymd(2024, 1, 29), 1)[0])

	// Opened on 29 Feb: the 29th every month, 28 Feb in 2025, 29 Feb again in 2028.
	got := dates(t, ymd(2024, 2, 29), 48)
	assert.Equal(t, ymd(2024, 3, 29), got[0])
	assert.Equal(t, ymd(2025, 2, 28), got[11])
	assert.Equal(t, ymd(2025, 3, 29), got[12])
	assert.Equal(t, ymd(2028, 2, 29), got[47])
}

func TestAnnuityDateIgnoresTimeOfDay(t *testing.T) {
	msk := time.FixedZone("MSK", 3*60*60)
	got := dates(t, time.Date(2024, 1, 15, 23, 59, 0, 0, msk), 1)
	assert.Equal(t, ymd(2024, 2, 15), got[0]) // the calendar date in Start's zone, due at 00:00 UTC
}

func TestAnnuityValidation(t *testing.T) {
	ok := Terms{Principal: dec("1000.00"), AnnualRate: dec("10"), Months: 12, Start: ymd(2024, 1, 15)}
	cases := []struct {
		name   string
		change func(*Terms)
		term   string // the error must name the bad term
	}{
		{"zero principal", func(t *Terms) { t.Principal = decimal.Zero }, "principal"},
		{"negative principal", func(t *Terms) { t.Principal = dec("-1.00") }, "principal"},
		{"three decimal places", func(t *Terms) { t.Principal = dec("1000.001") }, "principal"},
		{"negative rate", func(t *Terms) { t.AnnualRate = dec("-0.1") }, "rate"},
		{"zero months", func(t *Terms) { t.Months = 0 }, "months"},
		{"negative months", func(t *Terms) { t.Months = -1 }, "months"},
		{"too many months", func(t *Terms) { t.Months = 601 }, "months"},
		{"zero start", func(t *Terms) { t.Start = time.Time{} }, "start"},
		{"principal too small for months", func(t *Terms) { t.Principal = dec("0.05"); t.Months = 10 }, "principal"},
		{"rate too high for the term", func(t *Terms) { t.AnnualRate = dec("99.9"); t.Months = 60 }, "too high"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			terms := ok
			c.change(&terms)
			s, err := Annuity(terms)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.term)
			assert.Empty(t, s.Payments)
		})
	}

	// Boundaries that are allowed.
	terms := ok
	terms.Principal, terms.Months, terms.AnnualRate = dec("1000.000"), maxMonths, dec("1") // trailing zero is still 2 places
	_, err := Annuity(terms)
	assert.NoError(t, err)
}

func BenchmarkAnnuity60Months(b *testing.B) {
	terms := Terms{Principal: dec("208990.50"), AnnualRate: dec("17.3"), Months: 60, Start: ymd(2024, 1, 31)}
	for b.Loop() {
		if _, err := Annuity(terms); err != nil {
			b.Fatal(err)
		}
	}
}
