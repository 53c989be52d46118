package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/config"
)

// borrower is a customer with a loan opened on a chosen day.
type borrower struct {
	app      *apptest.App
	token    string // the customer's
	employee string
	loan     string // the loan guid
	guid     string // its application's
}

// openLoanOn files the spec's application for a new customer (mutate changes it), signs it with
// the code sent by SMS and confirms it on confirmDate.
func openLoanOn(t testing.TB, app *apptest.App, confirmDate string, mutate func(map[string]any)) borrower {
	t.Helper()
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	phone := newPhone()
	guid := newApplication(t, p, func(d map[string]any) {
		d["customer"].(map[string]any)["phone"] = phone
		if mutate != nil {
			mutate(d)
		}
	})
	require.Equal(t, http.StatusOK, p.post(t, action(guid, "select_offer"), nil).Status)
	require.Equal(t, http.StatusOK, p.post(t, action(guid, "send_otp"), nil).Status)
	require.Equal(t, http.StatusOK, p.post(t, action(guid, "sign"), []byte(`{"code":"`+smsCode(t, app, phone)+`"}`)).Status)
	signedOn(t, app, guid, confirmDate) // confirm takes no day before the signing
	require.Equal(t, http.StatusOK, p.post(t, action(guid, "confirm"), []byte(`{"confirm_date":"`+confirmDate+`"}`)).Status)
	employee := app.EmployeeToken(t)
	loan := gql(t, app, employee, `query($id: ID!) { application(id: $id) { loan { id status } } }`, map[string]any{"id": guid})["application"].(map[string]any)["loan"].(map[string]any)
	require.Equal(t, "OPENED", loan["status"])

	require.Equal(t, http.StatusOK, app.PostForm(t, "/auth/otp", url.Values{"phone_number": {phone}}, nil).Status)
	token := app.Token(t, "/auth", url.Values{"grant_type": {"password"}, "phone_number": {phone}, "code": {smsCode(t, app, phone)}},
		http.Header{"X-Device-Id": {"test-device"}})
	return borrower{app: app, token: token, employee: employee, loan: loan["id"].(string), guid: guid}
}

// query runs a loan query for token and returns the loan.
func (b borrower) query(t testing.TB, token, fields string, vars map[string]any) map[string]any {
	t.Helper()
	if vars == nil {
		vars = map[string]any{}
	}
	types := map[string]string{"from": "Date!", "to": "Date!", "amount": "Money!", "type": "PrepaymentType!", "on": "Date"}
	decl := "$id: ID!"
	for name := range vars {
		decl += ", $" + name + ": " + types[name]
	}
	vars["id"] = b.loan
	return gql(t, b.app, token, `query(`+decl+`) { loan(id: $id) { `+fields+` } }`, vars)["loan"].(map[string]any)
}

// post credits money to the loan as the back office's manual posting.
func (b borrower) post(t *testing.T, amount string) apptest.GQLResponse {
	t.Helper()
	return b.app.GraphQL(t, b.employee, `mutation($in: PostPaymentInput!) { postPayment(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"loanId": b.loan, "amount": amount, "currency": "RUB", "eventTime": apptest.Clock.Now().UTC().Format(time.RFC3339), "paymentProvider": "INTERNAL_DOP0",
	}})
}

func (b borrower) runAccrual(t *testing.T, date string) {
	t.Helper()
	gql(t, b.app, b.employee, `mutation($d: Date!, $id: ID) { runAccrual(date: $d, loanId: $id) { id } }`, map[string]any{"d": date, "id": b.loan})
}

// day is the date offset days from the business clock's today.
func day(offset int) string {
	return apptest.Clock.Now().UTC().AddDate(0, 0, offset).Format(time.DateOnly)
}

func money(t *testing.T, v any) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(v.(string))
	require.NoError(t, err, "%v", v)
	return d
}

func rows(data map[string]any, field string) []map[string]any {
	var out []map[string]any
	for _, r := range data[field].([]any) {
		out = append(out, r.(map[string]any))
	}
	return out
}

const scheduleFields = `schedule { n kind dueDate amount principal interest remaining status interestAccrued fineAccrued principalPaid interestPaid finePaid }`

// interestFor is the rule worked by hand: principal * rate% * days/366 for days of 2024, rounded
// half-up to kopecks.
func interestFor(principal decimal.Decimal, rate string, days int64) decimal.Decimal {
	return principal.Mul(decimal.RequireFromString(rate)).Mul(decimal.NewFromInt(days)).DivRound(decimal.NewFromInt(36600), 2)
}

func TestAccrualAcrossMonthEndAnd29February(t *testing.T) {
	app := apptest.StartAt(t, "2024-03-10")
	b := openLoanOn(t, app, "2024-01-29", nil) // 208990.50 at 17.3% over 12 months
	loan := b.query(t, b.employee, `rate penaltyRate accruedThrough `+scheduleFields, nil)
	assert.Equal(t, "17.3", loan["rate"])
	assert.Equal(t, day(-1), loan["accruedThrough"], "a loan opened on a past day accrues up to yesterday at once")
	schedule := rows(loan, "schedule")
	require.Len(t, schedule, 12)
	assert.Equal(t, "2024-02-29", schedule[0]["dueDate"], "29 January plus a month in a leap year")
	base1 := decimal.RequireFromString("208990.50")
	// the first period is 29 January .. 28 February: 31 days of 2024
	assert.Equal(t, interestFor(base1, "17.3", 31).StringFixed(2), schedule[0]["interest"])
	base2 := money(t, schedule[0]["remaining"])

	accruals := func(from, to string) []map[string]any {
		return rows(b.query(t, b.employee, `accruals(from: $from, to: $to) { day interest fine }`, map[string]any{"from": from, "to": to}), "accruals")
	}
	// Each day adds the difference of the rounded interest to date: I(n) - I(n-1).
	daily := func(base decimal.Decimal, n int64) string {
		return interestFor(base, "17.3", n).Sub(interestFor(base, "17.3", n-1)).StringFixed(2)
	}

	got := accruals("2024-01-28", "2024-02-01") // over the end of January; nothing before the opening day
	require.Len(t, got, 4)
	for i, want := range []string{"2024-01-29", "2024-01-30", "2024-01-31", "2024-02-01"} {
		assert.Equal(t, want, got[i]["day"])
		assert.Equal(t, daily(base1, int64(i+1)), got[i]["interest"], want)
		assert.Equal(t, "0.00", got[i]["fine"])
	}

	got = accruals("2024-01-29", "2024-03-01")
	require.Len(t, got, 33)
	sum := decimal.Zero
	for _, a := range got[:31] {
		sum = sum.Add(money(t, a["interest"]))
	}
	assert.Equal(t, schedule[0]["interest"], sum.StringFixed(2), "the days of a period add up to its interest")
	// 29 February opens the second period: its first day on the lower principal
	assert.Equal(t, "2024-02-29", got[31]["day"])
	assert.Equal(t, daily(base2, 1), got[31]["interest"])
	assert.Equal(t, "0.00", got[31]["fine"], "a payment is due all its day")
	// 1 March: the first payment is overdue; a day's penalty of 20% a year on it
	assert.Equal(t, daily(base2, 2), got[32]["interest"])
	overdue := money(t, schedule[0]["amount"])
	assert.Equal(t, interestFor(overdue, "20", 1).StringFixed(2), got[32]["fine"])

	// Running a day again changes nothing.
	before := b.query(t, b.employee, `accruedThrough `+scheduleFields, nil)
	b.runAccrual(t, "2024-02-29")
	b.runAccrual(t, "2024-03-01")
	b.runAccrual(t, day(-1))
	assert.Equal(t, before, b.query(t, b.employee, `accruedThrough `+scheduleFields, nil))
	assert.Len(t, accruals("2024-01-29", "2024-03-01"), 33)

	t.Run("bad input and the wrong roles", func(t *testing.T) {
		run := `mutation($d: Date!, $id: ID) { runAccrual(date: $d, loanId: $id) { id } }`
		assert.Equal(t, "INVALID", app.GraphQL(t, b.employee, run, map[string]any{"d": day(0), "id": b.loan}).Code(), "today has not ended")
		assert.Equal(t, "LOAN_NOT_FOUND", app.GraphQL(t, b.employee, run, map[string]any{"d": "2024-03-01", "id": "00000000-0000-0000-0000-000000000000"}).Code())
		assert.Equal(t, "FORBIDDEN", app.GraphQL(t, b.token, run, map[string]any{"d": "2024-03-01", "id": b.loan}).Code())
		assert.Equal(t, "FORBIDDEN", app.GraphQL(t, app.PartnerToken(t), run, map[string]any{"d": "2024-03-01", "id": b.loan}).Code())
		assert.Equal(t, "FORBIDDEN", app.GraphQL(t, b.token, `query($id: ID!) { loan(id: $id) { accruals(from: "2024-01-01", to: "2024-02-01") { day } } }`, map[string]any{"id": b.loan}).Code())
	})
}

// TestOverdueRepaymentAndFullRepayment follows a loan whose first payment is five days late.
func TestOverdueRepaymentAndFullRepayment(t *testing.T) {
	app := apptest.Start(t) // today is apptest.Today, 15 June 2027
	b := openLoanOn(t, app, "2027-05-10", nil)
	b.runAccrual(t, day(-1))

	const debts = `debts { mainDebt interest fine currentDebt overdueDays } balance { fullAmount reservedAmount freeAmount }`
	loan := b.query(t, b.token, debts+` `+scheduleFields, nil)
	schedule := rows(loan, "schedule")
	first := schedule[0]
	assert.Equal(t, "OVERDUE", first["status"])
	d := loan["debts"].(map[string]any)
	assert.Equal(t, "2027-06-10", first["dueDate"])
	assert.EqualValues(t, 5, d["overdueDays"], "overdue from 11 June: the 11th .. the 15th")
	assert.Equal(t, "208990.50", d["mainDebt"])
	// the penalty: 20% a year on the unpaid payment for each day from 11 June through 14 June
	// (accrued through yesterday), each day rounded half-up: 4 × round(amount × 20 / 36500)
	fine := money(t, first["fineAccrued"])
	perDay := money(t, first["amount"]).Mul(decimal.NewFromInt(20)).DivRound(decimal.NewFromInt(36500), 2)
	assert.Equal(t, perDay.Mul(decimal.NewFromInt(4)).StringFixed(2), fine.StringFixed(2))
	owed := money(t, first["amount"]).Add(fine)
	assert.Equal(t, owed.StringFixed(2), d["currentDebt"])
	history := rows(b.query(t, b.employee, `history { event reason actor }`, nil), "history")
	assert.Equal(t, map[string]any{"event": "OVERDUE", "reason": "the payment due " + first["dueDate"].(string) + " is unpaid", "actor": "system:billing"},
		history[len(history)-1])

	t.Run("a payment beyond what closes the loan is refused and stores nothing", func(t *testing.T) {
		assert.Equal(t, "PAYMENT_EXCEEDS_DEBT", b.post(t, "100000000.00").Code())
		after := b.query(t, b.token, debts+` operations { repayments { type } }`, nil)
		assert.Equal(t, loan["debts"], after["debts"])
		assert.Equal(t, "0.00", after["balance"].(map[string]any)["fullAmount"])
		assert.Empty(t, after["operations"].(map[string]any)["repayments"])
	})

	require.Empty(t, b.post(t, owed.StringFixed(2)).Errors)
	loan = b.query(t, b.token, debts+` `+scheduleFields+` operations { payout { amount eventTime } repayments { type amount principal interest fine } }`, nil)
	first = rows(loan, "schedule")[0]
	assert.Equal(t, "PAID", first["status"])
	assert.Equal(t, first["principal"], first["principalPaid"])
	assert.Equal(t, first["interestAccrued"], first["interestPaid"])
	assert.Equal(t, fine.StringFixed(2), first["finePaid"])
	d = loan["debts"].(map[string]any)
	assert.EqualValues(t, 0, d["overdueDays"])
	assert.Equal(t, "0.00", d["currentDebt"])
	ops := loan["operations"].(map[string]any)
	assert.Equal(t, "208990.50", ops["payout"].(map[string]any)["amount"])
	repayments := rows(ops, "repayments")
	require.Len(t, repayments, 1)
	assert.Equal(t, "OVERDUE_REPAYMENT", repayments[0]["type"])
	assert.Equal(t, owed.StringFixed(2), repayments[0]["amount"])
	assert.Equal(t, fine.StringFixed(2), repayments[0]["fine"])

	// Money paid ahead waits on the balance; a full early repayment requested for today runs when
	// the rest arrives, and closes the loan.
	require.Empty(t, b.post(t, "100.00").Errors)
	assert.Equal(t, map[string]any{"fullAmount": "100.00", "reservedAmount": "0.00", "freeAmount": "100.00"},
		b.query(t, b.token, `balance { fullAmount reservedAmount freeAmount }`, nil)["balance"], "nothing is reserved without a request")
	bounds := b.query(t, b.token, `prepaymentBounds { activationDate minPrepaymentAmount fullPrepaymentAmount interest }`, nil)["prepaymentBounds"].(map[string]any)
	assert.Equal(t, day(0), bounds["activationDate"])
	full := money(t, bounds["fullPrepaymentAmount"])
	request := gql(t, app, b.token, `mutation($in: RequestPrepaymentInput!) { requestPrepayment(input: $in) { id state amount type } }`,
		map[string]any{"in": map[string]any{"loanId": b.loan, "amount": full.StringFixed(2), "type": "TERM_DECREASE"}})["requestPrepayment"].(map[string]any)
	assert.Equal(t, "NEW", request["state"], "the balance does not cover it yet")
	balance := b.query(t, b.token, `balance { fullAmount reservedAmount freeAmount }`, nil)["balance"].(map[string]any)
	assert.Equal(t, map[string]any{"fullAmount": "100.00", "reservedAmount": "100.00", "freeAmount": "0.00"}, balance)

	require.Empty(t, b.post(t, full.Sub(decimal.NewFromInt(100)).StringFixed(2)).Errors)
	loan = b.query(t, b.token, `status closedAt prepayments { state } balance { fullAmount } debts { mainDebt } `+scheduleFields+` operations { repayments { type amount principal interest } }`, nil)
	assert.Equal(t, "CLOSED", loan["status"])
	assert.NotNil(t, loan["closedAt"])
	assert.Equal(t, "EXECUTED", rows(loan, "prepayments")[0]["state"])
	assert.Equal(t, "0.00", loan["balance"].(map[string]any)["fullAmount"])
	assert.Equal(t, "0.00", loan["debts"].(map[string]any)["mainDebt"])
	last := rows(loan["operations"].(map[string]any), "repayments")
	assert.Equal(t, "FULL_REPAYMENT", last[len(last)-1]["type"])
	assert.Equal(t, full.StringFixed(2), last[len(last)-1]["amount"])
	total := decimal.Zero
	for _, r := range rows(loan, "schedule") {
		assert.Equal(t, "PAID", r["status"])
		total = total.Add(money(t, r["principal"]))
	}
	assert.Equal(t, "208990.50", total.StringFixed(2), "principal parts sum to the amount")
	assert.Equal(t, "CONFLICT", b.post(t, "1.00").Code(), "a closed loan takes no money")
}

func dateOf(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	require.NoError(t, err)
	return d
}

// TestPrepaymentPreviewIsWhatApplies previews both kinds of early repayment and applies them.
func TestPrepaymentPreviewIsWhatApplies(t *testing.T) {
	app := apptest.Start(t)
	for _, kind := range []string{"PAYMENT_DECREASE", "TERM_DECREASE"} {
		t.Run(kind, func(t *testing.T) {
			b := openLoanOn(t, app, day(-10), nil)
			bounds := b.query(t, b.token, `payment prepaymentBounds { minPrepaymentAmount fullPrepaymentAmount interest }`, nil)
			q := bounds["prepaymentBounds"].(map[string]any)
			amount := money(t, q["minPrepaymentAmount"]).Add(decimal.NewFromInt(50000))
			const preview = `prepaymentSchedule(amount: $amount, type: $type) { kind dueDate amount principal interest remaining }`
			vars := map[string]any{"amount": amount.StringFixed(2), "type": kind}
			want := rows(b.query(t, b.token, preview, vars), "prepaymentSchedule")

			require.Empty(t, b.post(t, amount.StringFixed(2)).Errors)
			req := gql(t, app, b.token, `mutation($in: RequestPrepaymentInput!) { requestPrepayment(input: $in) { state } }`,
				map[string]any{"in": map[string]any{"loanId": b.loan, "amount": amount.StringFixed(2), "type": kind}})["requestPrepayment"].(map[string]any)
			assert.Equal(t, "EXECUTED", req["state"])

			after := b.query(t, b.token, `payment schedule { kind dueDate amount principal interest remaining } operations { repayments { type principal interest } }`, nil)
			assert.Equal(t, want, rows(after, "schedule"), "the preview is what applied")
			cut := want[0]
			assert.Equal(t, "PREPAYMENT", cut["kind"])
			assert.Equal(t, day(0), cut["dueDate"])
			assert.Equal(t, q["interest"], cut["interest"], "ten days of interest paid first")
			assert.Equal(t, amount.Sub(money(t, q["interest"])).StringFixed(2), cut["principal"])
			op := rows(after["operations"].(map[string]any), "repayments")[0]
			assert.Equal(t, "PARTIAL_PREPAYMENT", op["type"])
			switch kind {
			case "PAYMENT_DECREASE":
				assert.Len(t, want, 13, "the same twelve dates")
				assert.True(t, money(t, after["payment"]).LessThan(money(t, bounds["payment"])), "a lower payment")
			case "TERM_DECREASE":
				assert.Less(t, len(want), 13, "fewer dates")
				assert.Equal(t, bounds["payment"], after["payment"], "the same payment")
			}
		})
	}

	t.Run("bad input stores nothing", func(t *testing.T) {
		b := openLoanOn(t, app, day(-10), nil)
		request := `mutation($in: RequestPrepaymentInput!) { requestPrepayment(input: $in) { state } }`
		for name, c := range map[string]struct {
			in   map[string]any
			code string
		}{
			"negative amount":     {map[string]any{"amount": "-1.00", "type": "TERM_DECREASE"}, "INVALID"},
			"three decimals":      {map[string]any{"amount": "100.001", "type": "TERM_DECREASE"}, "INVALID"},
			"a day in the past":   {map[string]any{"amount": "50000.00", "type": "TERM_DECREASE", "activationDate": day(-1)}, "INVALID"},
			"too far ahead":       {map[string]any{"amount": "50000.00", "type": "TERM_DECREASE", "activationDate": day(91)}, "INVALID"},
			"below the minimum":   {map[string]any{"amount": "1.00", "type": "TERM_DECREASE"}, "PREPAYMENT_IMPOSSIBLE"},
			"beyond the full sum": {map[string]any{"amount": "900000.00", "type": "PAYMENT_DECREASE"}, "PREPAYMENT_IMPOSSIBLE"},
		} {
			c.in["loanId"] = b.loan
			assert.Equal(t, c.code, app.GraphQL(t, b.token, request, map[string]any{"in": c.in}).Code(), name)
		}
		assert.Equal(t, "GRAPHQL_VALIDATION_FAILED", app.GraphQL(t, b.token, request, map[string]any{"in": map[string]any{"loanId": b.loan, "amount": "100.00", "type": "HALF"}}).Code())
		assert.Empty(t, b.query(t, b.token, `prepayments { id }`, nil)["prepayments"])

		later := gql(t, app, b.token, request, map[string]any{"in": map[string]any{"loanId": b.loan, "amount": "50000.00", "type": "TERM_DECREASE", "activationDate": day(5)}})
		assert.Equal(t, "NEW", later["requestPrepayment"].(map[string]any)["state"])
		assert.Equal(t, "CONFLICT", app.GraphQL(t, b.token, request, map[string]any{"in": map[string]any{"loanId": b.loan, "amount": "50000.00", "type": "TERM_DECREASE"}}).Code(), "one request waits at a time")
		waiting := rows(b.query(t, b.token, `prepayments(activationDate: $on) { id state activationDate }`, map[string]any{"on": day(5)}), "prepayments")
		require.Len(t, waiting, 1)
		cancel := `mutation($id: ID!) { cancelPrepayment(id: $id) { state } }`
		other := openLoanOn(t, app, day(-10), nil)
		assert.Equal(t, "LOAN_NOT_FOUND", app.GraphQL(t, other.token, cancel, map[string]any{"id": waiting[0]["id"]}).Code(), "another customer's request")
		assert.Equal(t, "CANCELLED", gql(t, app, b.token, cancel, map[string]any{"id": waiting[0]["id"]})["cancelPrepayment"].(map[string]any)["state"])
		assert.Equal(t, "CONFLICT", app.GraphQL(t, b.token, cancel, map[string]any{"id": waiting[0]["id"]}).Code(), "cancelled already")
	})
}

// TestProlongation prices, pays and applies prolongations, in a year of 365 days and in one of 366.
func TestProlongation(t *testing.T) {
	for _, year := range []struct{ today, price string }{
		{"2027-03-10", "204.79"}, // ten days (28 February .. 9 March) at 14.95% on 50000: 50000 × 14.95% × 10 / 365 = 204.794…
		{"2028-03-10", "204.23"}, // ten days (29 February .. 9 March) of a leap year: 50000 × 14.95% × 10 / 366 = 204.234…
	} {
		t.Run(year.today, func(t *testing.T) {
			app := apptest.StartAt(t, year.today)
			price := year.price
			// product 2000 forgives half its 29.9% until a prolongation
			b := openLoanOn(t, app, day(-10), func(d map[string]any) {
				d["product_code"], d["loan_amount"], d["loan_term"] = "2000", 50000, 6
				d["cart"] = map[string]any{"items": []any{map[string]any{"name": "Телефон", "quantity": 1, "price": 50000, "goods_type": "Мобильный телефон"}}}
			})
			loan := b.query(t, b.token, `rate discountType discountValue schedule { dueDate } prolongationPossibility { isProlongationPossible status reason terms { price term currentReturnDate newReturnDate } }`, nil)
			assert.Equal(t, "14.95", loan["rate"])
			assert.Equal(t, "FULL", loan["discountType"])
			assert.Equal(t, "0.5", loan["discountValue"])
			dues := rows(loan, "schedule")
			p := loan["prolongationPossibility"].(map[string]any)
			assert.Equal(t, true, p["isProlongationPossible"])
			assert.Equal(t, "PROLONGATION_AVAILABLE", p["status"])
			terms := p["terms"].(map[string]any)
			assert.Equal(t, price, terms["price"])
			assert.EqualValues(t, 30, terms["term"])
			assert.Equal(t, dues[0]["dueDate"], terms["currentReturnDate"])
			assert.Equal(t, dateOf(t, dues[0]["dueDate"].(string)).AddDate(0, 0, 30).Format(time.DateOnly), terms["newReturnDate"])

			prolong := `mutation($id: ID!) { prolongLoan(loanId: $id) { id status price term currentReturnDate newReturnDate } }`
			assert.Equal(t, "PROLONATION_CREATION_IMPOSSIBLE", app.GraphQL(t, b.token, prolong, map[string]any{"id": b.loan}).Code(), "the price is not paid yet")
			require.Empty(t, b.post(t, terms["price"].(string)).Errors)
			got := gql(t, app, b.token, prolong, map[string]any{"id": b.loan})["prolongLoan"].(map[string]any)
			assert.Equal(t, "SUCCESS", got["status"])
			assert.Equal(t, terms["newReturnDate"], got["newReturnDate"])

			loan = b.query(t, b.employee, `status rate discountType balance { fullAmount } history { event status } prolongations { status } `+scheduleFields, nil)
			assert.Equal(t, "PROLONGATION", loan["status"])
			assert.Equal(t, "29.9", loan["rate"], "the discount is cancelled")
			assert.Nil(t, loan["discountType"])
			assert.Equal(t, "0.00", loan["balance"].(map[string]any)["fullAmount"])
			after := rows(loan, "schedule")
			require.Len(t, after, len(dues)+1)
			assert.Equal(t, "PROLONGATION", after[0]["kind"])
			assert.Equal(t, "PAID", after[0]["status"])
			assert.Equal(t, terms["price"], after[0]["interest"])
			for i, r := range after[1:] {
				assert.Equal(t, dateOf(t, dues[i]["dueDate"].(string)).AddDate(0, 0, 30).Format(time.DateOnly), r["dueDate"], "row %d moved by 30 days", i+1)
			}
			history := rows(loan, "history")
			assert.Equal(t, "PROLONGATION", history[len(history)-1]["status"])
			assert.Len(t, rows(loan, "prolongations"), 1)

			// product 2000 allows two prolongations
			require.Empty(t, app.GraphQL(t, b.token, prolong, map[string]any{"id": b.loan}).Errors, "the second costs nothing the same day")
			third := b.query(t, b.token, `prolongationPossibility { isProlongationPossible status reason terms { price } }`, nil)["prolongationPossibility"].(map[string]any)
			assert.Equal(t, false, third["isProlongationPossible"])
			assert.Equal(t, "PROLONGATION_UNAVAILABLE", third["status"])
			assert.Contains(t, third["reason"], "prolonged 2 times")
			assert.Nil(t, third["terms"])
			assert.Equal(t, "PROLONATION_CREATION_IMPOSSIBLE", app.GraphQL(t, b.token, prolong, map[string]any{"id": b.loan}).Code())
		})
	}
}

// TestStoppedLoanAccruesNothing checks that interest stops with the stop, in what the loan
// projects for later days.
func TestStoppedLoanAccruesNothing(t *testing.T) {
	app := apptest.Start(t)
	b := openLoanOn(t, app, day(-10), nil)
	const bounds = `prepaymentBounds(activationDate: $on) { interest }`
	// day 15 lies before the first payment, due a month after opening
	later := b.query(t, b.token, bounds, map[string]any{"on": day(15)})["prepaymentBounds"].(map[string]any)["interest"]
	now := b.query(t, b.token, bounds, map[string]any{"on": day(0)})["prepaymentBounds"].(map[string]any)["interest"]
	assert.NotEqual(t, now, later, "an accruing loan's interest grows")

	gql(t, app, b.employee, `mutation($id: ID!) { stopAccruals(loanId: $id, reason: "мошенничество") { id } }`, map[string]any{"id": b.loan})
	stopped := b.query(t, b.employee, `accruedThrough `+bounds, map[string]any{"on": day(15)})
	assert.Equal(t, day(-1), stopped["accruedThrough"], "the days before the stop accrued")
	assert.Equal(t, now, stopped["prepaymentBounds"].(map[string]any)["interest"], "nothing accrues after the stop")
	assert.Equal(t, false, b.query(t, b.token, `prolongationPossibility { isProlongationPossible }`, nil)["prolongationPossibility"].(map[string]any)["isProlongationPossible"])
}

func TestBillingAccessByRoleAndOwner(t *testing.T) {
	app := apptest.Start(t)
	b := openLoanOn(t, app, day(-10), nil)
	other := openLoanOn(t, app, day(-10), nil)
	partner := app.PartnerToken(t)

	fields := map[string]string{
		"debts": `debts { mainDebt }`, "balance": `balance { fullAmount }`, "operations": `operations { repayments { type } }`,
		"prepaymentBounds": `prepaymentBounds { fullPrepaymentAmount }`, "prepaymentSchedule": `prepaymentSchedule(amount: "60000.00", type: TERM_DECREASE) { n }`,
		"prepayments": `prepayments { id }`, "prolongationPossibility": `prolongationPossibility { status }`, "prolongations": `prolongations { id }`,
		"rate": `rate`, "payment": `payment`,
	}
	for name, f := range fields {
		q := `query($id: ID!) { loan(id: $id) { ` + f + ` } }`
		assert.Nil(t, gql(t, app, other.token, q, map[string]any{"id": b.loan})["loan"], "%s: another customer sees no loan", name)
		assert.NotNil(t, gql(t, app, b.token, q, map[string]any{"id": b.loan})["loan"], name)
		assert.NotNil(t, gql(t, app, b.employee, q, map[string]any{"id": b.loan})["loan"], name)
		assert.Equal(t, "FORBIDDEN", app.GraphQL(t, partner, q, map[string]any{"id": b.loan}).Code(), name)
	}
	for name, m := range map[string]string{
		"requestPrepayment": `mutation($id: ID!) { requestPrepayment(input: {loanId: $id, amount: "60000.00", type: TERM_DECREASE}) { id } }`,
		"prolongLoan":       `mutation($id: ID!) { prolongLoan(loanId: $id) { id } }`,
	} {
		assert.Equal(t, "LOAN_NOT_FOUND", app.GraphQL(t, other.token, m, map[string]any{"id": b.loan}).Code(), name)
		assert.Equal(t, "FORBIDDEN", app.GraphQL(t, partner, m, map[string]any{"id": b.loan}).Code(), name)
	}
	assert.Equal(t, "FORBIDDEN", app.GraphQL(t, b.token, `{ loans { edges { node { id } } } }`, nil).Code())

	// the partner sees its application's loan schedule as planned, not what was paid
	const schedule = `query($id: ID!) { application(id: $id) { loan { schedule { n dueDate amount %s } } } }`
	assert.Len(t, gql(t, app, partner, fmt.Sprintf(schedule, ""), map[string]any{"id": b.guid})["application"].(map[string]any)["loan"].(map[string]any)["schedule"], 12)
	for _, f := range []string{"status", "principalPaid", "fineAccrued", "paidAt"} {
		assert.Equal(t, "FORBIDDEN", app.GraphQL(t, partner, fmt.Sprintf(schedule, f), map[string]any{"id": b.guid}).Code(), f)
	}

	me := gql(t, app, b.token, `{ me { loans { id } balance { fullAmount } customer { balance { freeAmount } } } }`, nil)["me"].(map[string]any)
	require.Len(t, me["loans"], 1)
	assert.Equal(t, b.loan, me["loans"].([]any)[0].(map[string]any)["id"])
	assert.Equal(t, "0.00", me["balance"].(map[string]any)["fullAmount"])
	assert.Empty(t, gql(t, app, b.employee, `{ me { loans { id } balance { fullAmount } } }`, nil)["me"].(map[string]any)["loans"])
}

func TestLoanSearch(t *testing.T) {
	app := apptest.Start(t)
	late := openLoanOn(t, app, apptest.Clock.Now().UTC().AddDate(0, -1, -3).Format(time.DateOnly), nil)
	late.runAccrual(t, day(-1))
	onTime := openLoanOn(t, app, day(-3), nil)
	search := `query($f: LoanFilter, $after: String) { loans(first: 2, after: $after, filter: $f) { edges { cursor node { id number status } } pageInfo { hasNextPage endCursor } } }`

	overdue := gql(t, app, late.employee, search, map[string]any{"f": map[string]any{"overdue": true}})["loans"].(map[string]any)
	ids := map[string]bool{}
	for _, e := range overdue["edges"].([]any) {
		ids[e.(map[string]any)["node"].(map[string]any)["id"].(string)] = true
	}
	assert.True(t, ids[late.loan])
	assert.False(t, ids[onTime.loan])

	number := late.query(t, late.employee, `number`, nil)["number"]
	byNumber := gql(t, app, late.employee, search, map[string]any{"f": map[string]any{"number": number}})["loans"].(map[string]any)["edges"].([]any)
	require.Len(t, byNumber, 1)
	assert.Equal(t, late.loan, byNumber[0].(map[string]any)["node"].(map[string]any)["id"])

	// pages of two, newest first, never repeating a loan
	seen := map[string]bool{}
	var after any
	for page := 0; page < 3; page++ {
		conn := gql(t, app, late.employee, search, map[string]any{"f": map[string]any{"status": []string{"OPENED"}}, "after": after})["loans"].(map[string]any)
		for _, e := range conn["edges"].([]any) {
			id := e.(map[string]any)["node"].(map[string]any)["id"].(string)
			assert.False(t, seen[id], "loan %s on two pages", id)
			seen[id] = true
		}
		if !conn["pageInfo"].(map[string]any)["hasNextPage"].(bool) {
			break
		}
		after = conn["pageInfo"].(map[string]any)["endCursor"]
	}
	assert.Equal(t, "INVALID", app.GraphQL(t, late.employee, search, map[string]any{"after": "x"}).Code())
	assert.Equal(t, "CUSTOMER_NOT_FOUND", app.GraphQL(t, late.employee, search, map[string]any{"f": map[string]any{"customerId": "00000000-0000-0000-0000-000000000000"}}).Code())
}

// TestConcurrentPaymentsApplyOnce posts payments at once: each lands exactly once, and those
// beyond the debt are refused whole.
func TestConcurrentPaymentsApplyOnce(t *testing.T) {
	app := apptest.Start(t)
	b := openLoanOn(t, app, day(-10), nil)
	full := money(t, b.query(t, b.token, `prepaymentBounds { fullPrepaymentAmount }`, nil)["prepaymentBounds"].(map[string]any)["fullPrepaymentAmount"])
	// eight payments of a fifth of the full amount, rounded down to kopecks: 5 × part ≤ full < 6 × part,
	// so exactly five fit, whatever their order
	part := full.Div(decimal.NewFromInt(5)).RoundDown(2)
	require.True(t, part.Mul(decimal.NewFromInt(6)).GreaterThan(full))
	var wg sync.WaitGroup
	codes := make([]string, 8)
	for i := range codes {
		wg.Go(func() { codes[i] = b.post(t, part.StringFixed(2)).Code() })
	}
	wg.Wait()
	accepted := 0
	for _, c := range codes {
		if c == "" {
			accepted++
		} else {
			assert.Equal(t, "PAYMENT_EXCEEDS_DEBT", c)
		}
	}
	assert.Equal(t, 5, accepted)
	balance := money(t, b.query(t, b.employee, `balance { fullAmount }`, nil)["balance"].(map[string]any)["fullAmount"])
	assert.Equal(t, part.Mul(decimal.NewFromInt(int64(accepted))).StringFixed(2), balance.StringFixed(2), "every accepted payment on the balance once")
	var orders int
	require.NoError(t, app.Store.DB.Get(&orders, `SELECT count(*) FROM transaction_orders WHERE entity_guid = $1 AND amount = $2`, b.loan, part))
	assert.Equal(t, accepted, orders, "a refused payment leaves no order")
}

// TestAccrualJobInBatches runs a day's accrual job by hand in batches of two loans: each batch
// is a transaction of its own, and the job goes on until every loan is accrued, then queues the
// next day. Loans are accrued up to yesterday when they open, so the job runs today's accrual,
// early, as it would after midnight.
func TestAccrualJobInBatches(t *testing.T) {
	_, url := apptest.NewDatabase(t) // RunNextJob below runs whatever is due: this test's jobs only
	var loans []borrower
	t.Run("open three loans", func(t *testing.T) { // with a worker to score them, stopped after
		app := apptest.StartOn(t, url)
		for range 3 {
			loans = append(loans, openLoanOn(t, app, day(-10), nil))
		}
	})
	app := apptest.StartWithoutWorkerOn(t, url) // the jobs below run only by hand
	for i := range loans {
		loans[i].app = app
	}
	worker := app.Server.App.Applications
	app.Server.App.Loans.AccrualBatch = 2
	require.NoError(t, app.Store.EnqueueAccrual(t.Context(), dateOf(t, day(0)), apptest.Clock.Now()))
	runs := 0
	for {
		ran, err := worker.RunNextJob(t.Context())
		require.NoError(t, err)
		if !ran {
			break
		}
		runs++
	}
	assert.Equal(t, 2, runs, "three loans in batches of two: two transactions, the job requeued after the first")
	for _, b := range loans {
		assert.Equal(t, day(0), b.query(t, b.employee, `accruedThrough`, nil)["accruedThrough"])
	}
	var next time.Time
	require.NoError(t, app.Store.DB.Get(&next, `SELECT run_at FROM jobs WHERE kind = 'ACCRUE' AND day = $1 AND done_at IS NULL`, dateOf(t, day(1))))
	assert.Equal(t, dateOf(t, day(2)), next.UTC(), "the next day's accrual waits for it to end")
}

// TestPaymentSentAgainIsOnePayment posts one payment eight times at once under one key, as a
// retrying client would: it lands once, every attempt answers the loan, and the key reused for
// another amount is refused.
func TestPaymentSentAgainIsOnePayment(t *testing.T) {
	app := apptest.Start(t)
	b := openLoanOn(t, app, day(-10), nil)
	post := `mutation($in: PostPaymentInput!) { postPayment(input: $in) { balance { fullAmount } } }`
	in := func(amount string) map[string]any {
		return map[string]any{"in": map[string]any{"loanId": b.loan, "amount": amount, "currency": "RUB", "idempotencyKey": "bank-ref-77",
			"eventTime": apptest.Clock.Now().UTC().Format(time.RFC3339), "paymentProvider": "INTERNAL_DOP0"}}
	}
	var wg sync.WaitGroup
	answers := make([]apptest.GQLResponse, 8)
	for i := range answers {
		wg.Go(func() { answers[i] = app.GraphQL(t, b.employee, post, in("1500.00")) })
	}
	wg.Wait()
	for _, a := range answers {
		require.Empty(t, a.Errors)
		assert.Equal(t, "1500.00", a.Data["postPayment"].(map[string]any)["balance"].(map[string]any)["fullAmount"])
	}
	var orders int
	require.NoError(t, app.Store.DB.Get(&orders, `SELECT count(*) FROM transaction_orders WHERE entity_guid = $1 AND idempotency_key = 'bank-ref-77'`, b.loan))
	assert.Equal(t, 1, orders)
	assert.Equal(t, "CONFLICT", app.GraphQL(t, b.employee, post, in("2000.00")).Code(), "the key of another payment")
	long := in("1.00")
	long["in"].(map[string]any)["idempotencyKey"] = strings.Repeat("k", 101)
	assert.Equal(t, "INVALID", app.GraphQL(t, b.employee, post, long).Code())
	assert.Equal(t, "1500.00", b.query(t, b.employee, `balance { fullAmount }`, nil)["balance"].(map[string]any)["fullAmount"])
}

// TestDailyAccrualJob lets the business clock pass midnight twice with a worker running: each
// night's job accrues the day just ended, one day's interest, and queues the next night's.
func TestDailyAccrualJob(t *testing.T) {
	first := apptest.StartAt(t, "2027-03-10")    // noon; 2027 has 365 days
	b := openLoanOn(t, first, "2027-02-28", nil) // 208990.50 at 17.3% over 12 months
	require.Equal(t, "2027-03-09", b.query(t, b.employee, `accruedThrough`, nil)["accruedThrough"], "opened in the past: accrued through yesterday at once")

	accruedThrough := func(want string) {
		t.Helper()
		require.Eventually(t, func() bool {
			return b.query(t, b.employee, `accruedThrough`, nil)["accruedThrough"] == want
		}, 10*time.Second, 20*time.Millisecond, "the night's job accrues %s", want)
	}
	apptest.Clock.Advance(24 * time.Hour) // 11 March, noon: the 10th has ended
	apptest.StartOn(t, first.DatabaseURL, func(c *config.Config) { c.DailyAccrual, c.WorkerPoll = true, 20*time.Millisecond })
	accruedThrough("2027-03-10")
	var runAt time.Time
	require.NoError(t, first.Store.DB.Get(&runAt, `SELECT run_at FROM jobs WHERE kind = 'ACCRUE' AND day = '2027-03-11' AND done_at IS NULL`))
	assert.Equal(t, "2027-03-12T00:00:00Z", runAt.UTC().Format(time.RFC3339), "the 11th's accrual waits for the day to end")
	apptest.Clock.Advance(24 * time.Hour) // 12 March, noon
	accruedThrough("2027-03-11")

	// The first period runs from 28 February; each day adds I(n) - I(n-1), I(n) being the interest
	// of n days rounded to kopecks: 208990.50 × 17.3% × n / 365.
	//   n = 10 (9 March):  990.557… → 990.56
	//   n = 11 (10 March): 1089.613… → 1089.61, so the 10th adds 99.05
	//   n = 12 (11 March): 1188.669… → 1188.67, so the 11th adds 99.06
	got := rows(b.query(t, b.employee, `accruals(from: $from, to: $to) { day interest }`, map[string]any{"from": "2027-03-10", "to": "2027-03-11"}), "accruals")
	require.Len(t, got, 2)
	assert.Equal(t, map[string]any{"day": "2027-03-10", "interest": "99.05"}, got[0])
	assert.Equal(t, map[string]any{"day": "2027-03-11", "interest": "99.06"}, got[1])
}
