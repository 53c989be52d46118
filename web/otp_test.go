package web_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/demo"
)

const otpPurposeFields = `name title enabled codeLength ttlSeconds attemptsPerCode resendIntervalSeconds failureLimit
	failureWindowSeconds smsTemplate guessingDays rules { id purpose byPhone byDeviceId ipMask requests intervalSeconds enabled }`

func askCode(t testing.TB, app *apptest.App, phone, deviceID string) apptest.Response {
	t.Helper()
	h := http.Header{}
	if deviceID != "" {
		h.Set("X-Device-Id", deviceID)
	}
	return app.PostForm(t, "/auth/otp", url.Values{"phone_number": {phone}}, h)
}

// ageCodes moves a phone's codes into the past, as if time had passed for the request rules and
// the resend interval; the wrong codes entered stay where they are.
func ageCodes(t testing.TB, app *apptest.App, phone, by string) {
	t.Helper()
	_, err := app.Store.DB.Exec(`UPDATE otp_codes SET created_at = created_at - $2::interval WHERE phone = $1`, phone, by)
	require.NoError(t, err)
}

func smsCount(t testing.TB, app *apptest.App, phone string) (n int) {
	t.Helper()
	require.NoError(t, app.Store.DB.Get(&n, `SELECT count(*) FROM sms_outbox WHERE phone = $1`, phone))
	return n
}

// assertRetryAfter checks a 429 and its Retry-After header: whole seconds, within (0, most].
func assertRetryAfter(t testing.TB, resp apptest.Response, typ string, most int) int {
	t.Helper()
	require.Equal(t, http.StatusTooManyRequests, resp.Status, "%s", resp.Body)
	assert.Equal(t, typ, resp.JSON(t)["type"])
	wait, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	require.NoError(t, err, "Retry-After %q", resp.Header.Get("Retry-After"))
	assert.True(t, wait > 0 && wait <= most, "Retry-After %d not in (0, %d]", wait, most)
	return wait
}

// TestOTPTakeoverLoop runs the account-takeover attack: ask for a code, guess wrong until the code
// is spent, ask for a new one once the limits allow, and so on. The phone is locked after exactly
// the purpose's budget of wrong codes, which new codes do not restore; then even the right code is
// refused. From the settings the server reports, a guesser at that rate needs more than a year.
func TestOTPTakeoverLoop(t *testing.T) {
	app := apptest.Start(t)
	forgetCallers(t, app)
	attacker := app.From("127.10.0.1")
	auth := gql(t, app, app.EmployeeToken(t), `{ otpPurpose(name: "AUTH") { `+otpPurposeFields+` } }`, nil)["otpPurpose"].(map[string]any)
	budget := int(auth["failureLimit"].(float64))
	window := int(auth["failureWindowSeconds"].(float64))

	phone, device := newPhone(), "attacker-device"
	wrongs, lastCode, codeLength := 0, "", 0
	locked := false
	for round := 0; !locked; round++ {
		require.Less(t, round, 100, "never locked")
		if round > 0 {
			ageCodes(t, app, phone, "2 hours")
		}
		resp := askCode(t, attacker, phone, device)
		require.Equal(t, http.StatusOK, resp.Status, "round %d: %s", round, resp.Body)
		issued := resp.JSON(t)
		codeLength = int(issued["code_length"].(float64))
		assert.EqualValues(t, min(3, budget-wrongs), issued["attempts_left"], "a new code brings no more attempts than the budget has left")
		lastCode = smsCode(t, app, phone)
		wrong := strings.Repeat("0", codeLength)
		if wrong == lastCode {
			wrong = strings.Repeat("9", codeLength)
		}
		for spent := false; !spent && !locked; {
			resp := attacker.PostForm(t, "/auth", customerForm(phone, wrong), http.Header{"X-Device-Id": {device}})
			wrongs++
			switch typ := resp.JSON(t)["type"]; typ {
			case "OTP_INVALID":
				require.Equal(t, http.StatusBadRequest, resp.Status)
			case "OTP_ATTEMPTS_EXCEEDED":
				spent = true
			case "OTP_LOCKED":
				assertRetryAfter(t, resp, "OTP_LOCKED", window)
				locked = true
			default:
				t.Fatalf("guess %d: %d %s", wrongs, resp.Status, resp.Body)
			}
		}
	}
	assert.Equal(t, budget, wrongs, "locked after exactly the budget of wrong codes")

	// locked: the right code of the live code is refused, and no new code is sent
	resp := attacker.PostForm(t, "/auth", customerForm(phone, lastCode), http.Header{"X-Device-Id": {device}})
	assertRetryAfter(t, resp, "OTP_LOCKED", window)
	ageCodes(t, app, phone, "2 hours")
	sent := smsCount(t, app, phone)
	assertRetryAfter(t, askCode(t, attacker, phone, device), "OTP_LOCKED", window)
	gqlResp := attacker.GraphQL(t, "", `mutation($p: String!) { requestOtp(input: {phone: $p}) { phone } }`, map[string]any{"p": phone})
	require.Len(t, gqlResp.Errors, 1)
	assert.Equal(t, "TOO_MANY_REQUESTS", gqlResp.Code())
	assert.Equal(t, "OTP_LOCKED", gqlResp.Errors[0].Extensions["type"])
	assert.Greater(t, gqlResp.Errors[0].Extensions["retryAfter"], 0.0)
	assert.Equal(t, sent, smsCount(t, app, phone), "no SMS while locked")
	var customers int
	require.NoError(t, app.Store.DB.Get(&customers, `SELECT count(*) FROM customers WHERE phone = $1`, phone))
	assert.Zero(t, customers, "never signed in")

	// At the permitted rate, `wrongs` guesses per window, a guesser needs on average half the code
	// space: 10^codeLength / 2 guesses. That must take more than a year.
	days := math.Pow(10, float64(codeLength)) / 2 / float64(wrongs) * float64(window) / 86400
	assert.Greater(t, days, 365.0, "expected time to guess a sign-in code: %.0f days", days)
	assert.InDelta(t, days, auth["guessingDays"], 0.5, "the server reports the same expectation")
	assert.EqualValues(t, codeLength, auth["codeLength"])
}

// TestOTPSMSFlood sends 60 concurrent code requests for one phone: the limits let through only
// what they allow, on one instance and on two sharing the database; the rest are 429 with
// Retry-After, and only what was let through is queued as SMS.
func TestOTPSMSFlood(t *testing.T) {
	app := apptest.Start(t)
	forgetCallers(t, app)
	flood := func(t *testing.T, instances []*apptest.App, phone string) (accepted int) {
		statuses := make([]apptest.Response, 60)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Go(func() { statuses[i] = askCode(t, instances[i%len(instances)], phone, "") })
		}
		wg.Wait()
		for _, resp := range statuses {
			if resp.Status == http.StatusOK {
				accepted++
				continue
			}
			assertRetryAfter(t, resp, "TOO_MANY_REQUESTS", 3600)
		}
		assert.Equal(t, accepted, smsCount(t, app, phone), "one SMS per accepted request")
		return accepted
	}

	t.Run("the resend interval lets one through", func(t *testing.T) {
		assert.Equal(t, 1, flood(t, []*apptest.App{app.From("127.20.0.1")}, newPhone()))
	})

	// without a resend interval, the rule of 5 codes per phone an hour is what holds
	emp := app.EmployeeToken(t)
	gql(t, app, emp, `mutation { updateOtpPurpose(input: {name: "AUTH", resendIntervalSeconds: 0}) { purpose { name } } }`, nil)
	t.Cleanup(func() {
		gql(t, app, emp, `mutation { updateOtpPurpose(input: {name: "AUTH", resendIntervalSeconds: 60}) { purpose { name } } }`, nil)
	})
	t.Run("one instance", func(t *testing.T) {
		assert.Equal(t, 5, flood(t, []*apptest.App{app.From("127.21.0.1")}, newPhone()))
	})
	t.Run("two instances on one database", func(t *testing.T) {
		other := apptest.Start(t)
		assert.Equal(t, 5, flood(t, []*apptest.App{app.From("127.22.0.1"), other.From("127.22.0.1")}, newPhone()))
	})
}

// TestOTPAliasBatching: an operation may send or check one code at most; aliases and fragments do
// not multiply them, and nothing is sent when the operation is refused.
func TestOTPAliasBatching(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	total := func() (n int) {
		require.NoError(t, app.Store.DB.GetContext(ctx, &n, `SELECT (SELECT count(*) FROM otp_codes) + (SELECT count(*) FROM sms_outbox)`))
		return n
	}
	before := total()
	phone := newPhone()
	aliased := func(n int) string {
		var q strings.Builder
		q.WriteString("mutation {")
		for i := range n {
			fmt.Fprintf(&q, " a%d: requestOtp(input: {phone: %q}) { phone }", i, phone)
		}
		q.WriteString(" }")
		return q.String()
	}
	// 50 aliases are over GRAPHQL_MAX_ALIASES already; 20 are not, and meet the one-code rule
	for n, code := range map[int]string{50: "TOO_MANY_ALIASES", 20: "TOO_MANY_CODE_FIELDS"} {
		resp := app.GraphQL(t, "", aliased(n), nil)
		require.Len(t, resp.Errors, 1, "%v", resp.Errors)
		assert.Equal(t, code, resp.Code(), "%d aliases", n)
		assert.Nil(t, resp.Data["a0"])
	}

	for name, query := range map[string]string{
		"two fragments":      `mutation { ...A ...B } fragment A on Mutation { a: requestOtp(input: {phone: "` + phone + `"}) { phone } } fragment B on Mutation { b: requestOtp(input: {phone: "` + phone + `"}) { phone } }`,
		"nested fragments":   `mutation { ...A } fragment A on Mutation { ...B c: requestOtp(input: {phone: "` + phone + `"}) { phone } } fragment B on Mutation { d: requestOtp(input: {phone: "` + phone + `"}) { phone } }`,
		"an inline fragment": `mutation { a: requestOtp(input: {phone: "` + phone + `"}) { phone } ... on Mutation { b: requestOtp(input: {phone: "` + phone + `"}) { phone } } }`,
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, "TOO_MANY_CODE_FIELDS", app.GraphQL(t, "", query, nil).Code())
		})
	}
	assert.Equal(t, before, total(), "nothing issued or queued")

	t.Run("fragments spread many times are counted once per fragment", func(t *testing.T) {
		// 2^4 spreads of one requestOtp (within GRAPHQL_MAX_REPEATS); the count of each fragment is
		// reused, not expanded again
		var b strings.Builder
		b.WriteString(`mutation { ...F0 }`)
		for i := range 4 {
			fmt.Fprintf(&b, ` fragment F%d on Mutation { ...F%d ...F%d }`, i, i+1, i+1)
		}
		fmt.Fprintf(&b, ` fragment F4 on Mutation { requestOtp(input: {phone: %q}) { phone } }`, phone)
		assert.Equal(t, "TOO_MANY_CODE_FIELDS", app.GraphQL(t, "", b.String(), nil).Code())
		assert.Equal(t, before, total())
	})

	t.Run("two aliased signApplication", func(t *testing.T) {
		p := partnerClient{app: app, token: app.PartnerToken(t)}
		guid := newApplication(t, p, nil)
		require.Equal(t, http.StatusOK, p.post(t, action(guid, "select_offer"), nil).Status)
		require.Equal(t, http.StatusOK, p.post(t, action(guid, "send_otp"), nil).Status)
		resp := app.GraphQL(t, p.token, `mutation($id: ID!) {
			a: signApplication(input: {applicationId: $id, code: "0000"}) { application { status } }
			b: signApplication(input: {applicationId: $id, code: "1111"}) { application { status } } }`, map[string]any{"id": guid})
		assert.Equal(t, "TOO_MANY_CODE_FIELDS", resp.Code())
		assert.Equal(t, "Enter OTP code", p.status(t, guid)["message"], "nothing was checked")
		resp = app.GraphQL(t, p.token, `mutation($id: ID!) {
			sendOtp(input: {applicationId: $id}) { application { status } }
			signApplication(input: {applicationId: $id, code: "1111"}) { application { status } } }`, map[string]any{"id": guid})
		assert.Equal(t, "TOO_MANY_CODE_FIELDS", resp.Code(), "sending and checking count together")
	})
}

// TestOTPRules: the default rule per device id, rules by IP mask an employee adds (a CIDR network
// counted as one, a netmask counting each caller on its own), and exceptions that bypass them.
func TestOTPRules(t *testing.T) {
	app := apptest.Start(t)
	forgetCallers(t, app)
	emp := app.EmployeeToken(t)
	createRule := func(t *testing.T, mask string, requests int) string {
		t.Helper()
		rule := gql(t, app, emp, `mutation($m: String!, $n: Int!) { createOtpRule(input: {purpose: "AUTH", ipMask: $m, requests: $n, intervalSeconds: 3600}) { rule { id ipMask requests enabled } } }`,
			map[string]any{"m": mask, "n": requests})["createOtpRule"].(map[string]any)["rule"].(map[string]any)
		assert.Equal(t, mask, rule["ipMask"])
		assert.Equal(t, true, rule["enabled"])
		id := rule["id"].(string)
		t.Cleanup(func() { _, _ = app.Store.DB.Exec(`DELETE FROM otp_rules WHERE id = $1`, id) })
		return id
	}

	t.Run("by device id", func(t *testing.T) {
		from := app.From("127.30.0.1")
		for i := range 10 {
			require.Equal(t, http.StatusOK, askCode(t, from, newPhone(), "one-device").Status, "request %d", i)
		}
		assertRetryAfter(t, askCode(t, from, newPhone(), "one-device"), "TOO_MANY_REQUESTS", 3600)
		assert.Equal(t, http.StatusOK, askCode(t, from, newPhone(), "another-device").Status)
	})

	t.Run("by a CIDR network", func(t *testing.T) {
		createRule(t, "127.40.0.0/16", 2)
		require.Equal(t, http.StatusOK, askCode(t, app.From("127.40.0.1"), newPhone(), "").Status)
		require.Equal(t, http.StatusOK, askCode(t, app.From("127.40.0.2"), newPhone(), "").Status)
		assertRetryAfter(t, askCode(t, app.From("127.40.1.1"), newPhone(), ""), "TOO_MANY_REQUESTS", 3600)
		assert.Equal(t, http.StatusOK, askCode(t, app.From("127.41.0.1"), newPhone(), "").Status, "outside the network")
	})

	t.Run("by a netmask, per caller", func(t *testing.T) {
		id := createRule(t, "255.255.255.255", 1)
		require.Equal(t, http.StatusOK, askCode(t, app.From("127.50.0.1"), newPhone(), "").Status)
		assertRetryAfter(t, askCode(t, app.From("127.50.0.1"), newPhone(), ""), "TOO_MANY_REQUESTS", 3600)
		assert.Equal(t, http.StatusOK, askCode(t, app.From("127.50.0.2"), newPhone(), "").Status, "another address")

		gql(t, app, emp, `mutation($id: ID!) { updateOtpRule(input: {id: $id, enabled: false}) { rule { enabled } } }`, map[string]any{"id": id})
		assert.Equal(t, http.StatusOK, askCode(t, app.From("127.50.0.1"), newPhone(), "").Status, "a disabled rule limits nothing")
	})

	t.Run("an address/netmask", func(t *testing.T) {
		id := createRule(t, "127.60.0.0/255.255.0.0", 1)
		require.Equal(t, http.StatusOK, askCode(t, app.From("127.60.0.1"), newPhone(), "").Status)
		assertRetryAfter(t, askCode(t, app.From("127.60.9.9"), newPhone(), ""), "TOO_MANY_REQUESTS", 3600)
		gql(t, app, emp, `mutation($id: ID!) { deleteOtpRule(input: {id: $id}) { id } }`, map[string]any{"id": id})
		assert.Equal(t, http.StatusOK, askCode(t, app.From("127.60.9.9"), newPhone(), "").Status, "a deleted rule limits nothing")
	})

	t.Run("exceptions bypass the rules and the resend interval", func(t *testing.T) {
		createRule(t, "255.255.255.255", 1)
		from := app.From("127.70.0.1")
		for i := range 8 {
			require.Equal(t, http.StatusOK, askCode(t, from, demo.TestPhone(9), "one-device").Status, "request %d", i)
		}
		phone := newPhone()
		gql(t, app, emp, `mutation($p: String!) { addOtpException(input: {phone: $p, code: "4321"}) { exception { phone code } } }`, map[string]any{"p": phone})
		for range 3 {
			require.Equal(t, http.StatusOK, askCode(t, from, phone, "").Status)
		}
		app.Token(t, "/auth", customerForm(phone, "4321"), device)
		gql(t, app, emp, `mutation($p: String!) { removeOtpException(input: {phone: $p}) { phone } }`, map[string]any{"p": phone})
		assertRetryAfter(t, askCode(t, from, phone, ""), "TOO_MANY_REQUESTS", 3600)
	})
}

// TestOTPAdmin: employees manage purposes, rules and exceptions; bad input names the field;
// customers and partners are refused.
func TestOTPAdmin(t *testing.T) {
	app := apptest.Start(t)
	emp := app.EmployeeToken(t)
	forgetPurpose(t, app, "PAYOUT")

	purposes := gql(t, app, emp, `{ otpPurposes { `+otpPurposeFields+` } }`, nil)["otpPurposes"].([]any)
	names := []string{}
	for _, p := range purposes {
		names = append(names, p.(map[string]any)["name"].(string))
	}
	assert.Subset(t, names, []string{"AUTH", "SIGN"})
	auth := gql(t, app, emp, `{ otpPurpose(name: "AUTH") { `+otpPurposeFields+` } }`, nil)["otpPurpose"].(map[string]any)
	assert.EqualValues(t, 6, auth["codeLength"])
	assert.EqualValues(t, 60, auth["resendIntervalSeconds"])
	assert.Contains(t, auth["rules"], map[string]any{"id": auth["rules"].([]any)[0].(map[string]any)["id"], "purpose": "AUTH",
		"byPhone": true, "byDeviceId": false, "ipMask": "", "requests": 5.0, "intervalSeconds": 3600.0, "enabled": true})
	assert.Nil(t, gql(t, app, emp, `{ otpPurpose(name: "NOPE") { name } }`, nil)["otpPurpose"])

	created := gql(t, app, emp, `mutation { createOtpPurpose(input: {name: "PAYOUT", title: "Payout", codeLength: 6, ttlSeconds: 120,
		attemptsPerCode: 3, smsTemplate: "code {code}"}) { purpose { `+otpPurposeFields+` } } }`, nil)["createOtpPurpose"].(map[string]any)["purpose"].(map[string]any)
	assert.Equal(t, true, created["enabled"])
	assert.EqualValues(t, 10, created["failureLimit"])
	assert.EqualValues(t, 86400, created["failureWindowSeconds"])
	assert.Equal(t, []any{}, created["rules"])
	dup := app.GraphQL(t, emp, `mutation { createOtpPurpose(input: {name: "PAYOUT", codeLength: 6, ttlSeconds: 120, attemptsPerCode: 3, smsTemplate: "{code}"}) { purpose { name } } }`, nil)
	assert.Equal(t, "OTP_PURPOSE_ALREADY_EXISTS", dup.Code())
	updated := gql(t, app, emp, `mutation { updateOtpPurpose(input: {name: "PAYOUT", codeLength: 8, failureLimit: 5}) { purpose { codeLength failureLimit ttlSeconds } } }`, nil)
	assert.Equal(t, map[string]any{"codeLength": 8.0, "failureLimit": 5.0, "ttlSeconds": 120.0}, updated["updateOtpPurpose"].(map[string]any)["purpose"])

	t.Run("disabled purpose", func(t *testing.T) {
		gql(t, app, emp, `mutation { disableOtpPurpose(input: {name: "AUTH"}) { purpose { enabled } } }`, nil)
		resp := askCode(t, app, newPhone(), "")
		assertRESTError(t, resp, http.StatusForbidden, "OTP_DISABLED")
		gql(t, app, emp, `mutation { enableOtpPurpose(input: {name: "AUTH"}) { purpose { enabled } } }`, nil)
		assert.Equal(t, http.StatusOK, askCode(t, app, newPhone(), "").Status)
	})

	t.Run("rules", func(t *testing.T) {
		rule := gql(t, app, emp, `mutation { createOtpRule(input: {purpose: "PAYOUT", byPhone: true, requests: 3, intervalSeconds: 60}) { rule { id byPhone ipMask } } }`, nil)["createOtpRule"].(map[string]any)["rule"].(map[string]any)
		id := rule["id"]
		rules := gql(t, app, emp, `{ otpRules(purpose: "PAYOUT") { id requests } }`, nil)["otpRules"]
		assert.Equal(t, []any{map[string]any{"id": id, "requests": 3.0}}, rules)
		gql(t, app, emp, `mutation($id: ID!) { updateOtpRule(input: {id: $id, requests: 4, ipMask: "10.0.0.0/8"}) { rule { requests ipMask } } }`, map[string]any{"id": id})
		gql(t, app, emp, `mutation($id: ID!) { deleteOtpRule(input: {id: $id}) { id } }`, map[string]any{"id": id})
		assert.Equal(t, "OTP_RULE_NOT_FOUND", app.GraphQL(t, emp, `mutation($id: ID!) { deleteOtpRule(input: {id: $id}) { id } }`, map[string]any{"id": id}).Code())
		assert.Equal(t, "OTP_PURPOSE_NOT_FOUND", app.GraphQL(t, emp, `{ otpRules(purpose: "NOPE") { id } }`, nil).Code())
	})

	t.Run("exceptions", func(t *testing.T) {
		phone := newPhone()
		gql(t, app, emp, `mutation($p: String!) { addOtpException(input: {phone: $p, code: "123456"}) { exception { code } } }`, map[string]any{"p": "+" + phone})
		list := gql(t, app, emp, `{ otpExceptions { phone code } }`, nil)["otpExceptions"]
		assert.Contains(t, list, map[string]any{"phone": phone, "code": "123456"})
		assert.Contains(t, list, map[string]any{"phone": demo.TestPhone(1), "code": demo.OTPCode})
		gql(t, app, emp, `mutation($p: String!) { removeOtpException(input: {phone: $p}) { phone } }`, map[string]any{"p": phone})
		assert.Equal(t, "OTP_EXCEPTION_NOT_FOUND", app.GraphQL(t, emp, `mutation($p: String!) { removeOtpException(input: {phone: $p}) { phone } }`, map[string]any{"p": phone}).Code())
	})

	t.Run("bad input names the field", func(t *testing.T) {
		for query, fields := range map[string][]string{
			`mutation { createOtpPurpose(input: {name: "bad name", codeLength: 3, ttlSeconds: 5, attemptsPerCode: 0, smsTemplate: "no code"}) { purpose { name } } }`: {"attemptsPerCode", "codeLength", "name", "smsTemplate", "ttlSeconds"},
			`mutation { updateOtpPurpose(input: {name: "AUTH", failureWindowSeconds: 1, resendIntervalSeconds: -1}) { purpose { name } } }`:                           {"failureWindowSeconds", "resendIntervalSeconds"},
			`mutation { createOtpRule(input: {purpose: "AUTH", ipMask: "300.1.1.1/8", requests: 0, intervalSeconds: 10}) { rule { id } } }`:                           {"ipMask", "requests"},
			`mutation { addOtpException(input: {phone: "12345", code: "12"}) { exception { code } } }`:                                                                {"phone", "code"},
		} {
			resp := app.GraphQL(t, emp, query, nil)
			require.Equal(t, "INVALID", resp.Code(), query)
			var got []string
			for _, f := range resp.Errors[0].Extensions["fields"].([]any) {
				got = append(got, f.(map[string]any)["field"].(string))
			}
			assert.ElementsMatch(t, fields, got, query)
		}
	})

	// a NUL is refused at the edge, naming the variable (TestBadInputGraphQL); other control
	// characters by the OTP rules, naming the input field
	t.Run("control characters are refused by name", func(t *testing.T) {
		for query, field := range map[string]string{
			`mutation($s: String!) { createOtpRule(input: {purpose: $s, requests: 1, intervalSeconds: 10}) { rule { id } } }`: "purpose",
			`mutation($s: String!) { updateOtpPurpose(input: {name: "AUTH", title: $s}) { purpose { name } } }`:               "title",
			`mutation($s: String!) { requestOtp(input: {phone: "79990000000", deviceId: $s}) { phone } }`:                     "deviceId",
		} {
			resp := app.GraphQL(t, emp, query, map[string]any{"s": "A\u0001 {code}"})
			require.Equal(t, "INVALID", resp.Code(), "%s: %v", query, resp.Errors)
			assert.Equal(t, field, resp.Errors[0].Extensions["fields"].([]any)[0].(map[string]any)["field"], query)
		}
		assert.Equal(t, "OTP_PURPOSE_NOT_FOUND", app.GraphQL(t, emp, `{ otpRules(purpose: "A\u0001") { id } }`, nil).Code())
	})

	t.Run("customers and partners are refused", func(t *testing.T) {
		for _, token := range []string{app.CustomerToken(t, demo.TestPhone(3)), app.PartnerToken(t)} {
			for _, query := range []string{
				`{ otpPurposes { name } }`,
				`{ otpExceptions { phone } }`,
				`mutation { disableOtpPurpose(input: {name: "AUTH"}) { purpose { enabled } } }`,
				`mutation { createOtpRule(input: {purpose: "AUTH", requests: 0, intervalSeconds: 1}) { rule { id } } }`,
				`mutation { addOtpException(input: {phone: "79990000000", code: "1111"}) { exception { code } } }`,
			} {
				assert.Equal(t, "FORBIDDEN", app.GraphQL(t, token, query, nil).Code(), query)
			}
		}
		assert.Equal(t, "UNAUTHENTICATED", app.GraphQL(t, "", `{ otpPurposes { name } }`, nil).Code())
	})
}

// TestOTPAdminRoutes: the OTP service's admin routes (spec O2–O12, O16) with the spec's bodies.
func TestOTPAdminRoutes(t *testing.T) {
	app := apptest.Start(t)
	emp := app.EmployeeToken(t)
	forgetPurpose(t, app, "PH")
	call := func(t *testing.T, token, method, path, body string) apptest.Response {
		t.Helper()
		h := http.Header{"Content-Type": {"application/json"}}
		if token != "" {
			h.Set("Authorization", "Bearer "+token)
		}
		return app.Do(t, method, path, strings.NewReader(body), h)
	}
	ok := func(t *testing.T, method, path, body string) map[string]any {
		t.Helper()
		resp := call(t, emp, method, path, body)
		require.Equal(t, http.StatusOK, resp.Status, "%s %s: %s", method, path, resp.Body)
		return resp.JSON(t)
	}
	fieldsOf := func(t *testing.T, resp apptest.Response) []string {
		t.Helper()
		body := assertRESTError(t, resp, http.StatusBadRequest, "INVALID")
		var out []string
		for _, f := range body["fields"].([]any) {
			out = append(out, f.(map[string]any)["field"].(string))
		}
		return out
	}

	assert.Equal(t, map[string]any{"id": "PH"}, ok(t, http.MethodPost, "/api/v1/otp/project",
		`{"id":"string","is_enabled":true,"name":"PH","settings":{"max_attempts":"4","otp_length":"4","template":{"auth":"PH code {code}"},"ttl":"60"},"title":"title"}`))
	assert.Equal(t, map[string]any{"id": "PH"}, ok(t, http.MethodPost, "/api/v1/otp/project/disable", `{"id":"PH"}`))
	assert.Equal(t, map[string]any{}, ok(t, http.MethodPut, "/api/v1/otp/project", `{"name":"PH","settings":{"ttl":120}}`))
	var ph map[string]any
	for _, p := range ok(t, http.MethodGet, "/api/v1/otp/project", "")["projects"].([]any) {
		if p.(map[string]any)["name"] == "PH" {
			ph = p.(map[string]any)
		}
	}
	require.NotNil(t, ph)
	assert.Equal(t, false, ph["is_enabled"])
	assert.Equal(t, map[string]any{"max_attempts": 4.0, "otp_length": 4.0, "ttl": 120.0, "template": map[string]any{"sms": "PH code {code}"},
		"resend_interval": 0.0, "failure_limit": 10.0, "failure_window": 86400.0}, ph["settings"])
	assert.Equal(t, []string{"settings.otp_length"}, fieldsOf(t, call(t, emp, http.MethodPut, "/api/v1/otp/project", `{"name":"PH","settings":{"otp_length":"four"}}`)))
	assert.ElementsMatch(t, []string{"settings.otp_length", "settings.template"},
		fieldsOf(t, call(t, emp, http.MethodPut, "/api/v1/otp/project", `{"name":"PH","settings":{"otp_length":"3","template":{"a":"no code"}}}`)))
	assert.Equal(t, http.StatusNotFound, call(t, emp, http.MethodPut, "/api/v1/otp/project", `{"name":"NOPE","settings":{"ttl":120}}`).Status)

	created := ok(t, http.MethodPost, "/api/v1/otp/rule",
		`{"rule":{"constraints":{"device_id":true,"phone":true},"enabled":true,"id":0,"ip":{"mask":"255.255.255.255"},"project":"PH","requests":{"count":10},"time":{"interval":60}}}`)
	id := fmt.Sprint(created["id"])
	rules := ok(t, http.MethodPost, "/api/v1/otp/rule/list", `{"project":"PH"}`)["rules"].([]any)
	require.Len(t, rules, 1)
	assert.Equal(t, map[string]any{"id": created["id"], "project_name": "PH", "status": "ENABLED",
		"constraints": map[string]any{"device_id": true, "phone": true}, "ip": map[string]any{"mask": "255.255.255.255"},
		"requests": map[string]any{"count": 10.0}, "time": map[string]any{"interval": 60.0}}, rules[0])
	ok(t, http.MethodPut, "/api/v1/otp/rule",
		`{"rule":{"constraints":{"device_id":false,"phone":true},"id":"`+id+`","ip":{"mask":"192.22.22.12/32"},"project_name":"PH","requests":{"count":"5"},"status":"DISABLED","time":{"interval":"60"}}}`)
	rule := ok(t, http.MethodPost, "/api/v1/otp/rule/list", `{"project":"PH"}`)["rules"].([]any)[0].(map[string]any)
	assert.Equal(t, "DISABLED", rule["status"])
	assert.Equal(t, map[string]any{"mask": "192.22.22.12/32"}, rule["ip"])
	assert.ElementsMatch(t, []string{"rule.ip.mask", "rule.requests.count"}, fieldsOf(t, call(t, emp, http.MethodPut, "/api/v1/otp/rule",
		`{"rule":{"id":"`+id+`","ip":{"mask":"192.22.22.12/40"},"requests":{"count":0}}}`)))
	assert.Equal(t, []string{"rule.time.interval"}, fieldsOf(t, call(t, emp, http.MethodPost, "/api/v1/otp/rule",
		`{"rule":{"project":"PH","requests":{"count":1},"time":{"interval":[]}}}`)))
	assert.Equal(t, map[string]any{}, ok(t, http.MethodDelete, "/api/v1/otp/rule/"+id, ""))
	assertRESTError(t, call(t, emp, http.MethodDelete, "/api/v1/otp/rule/"+id, ""), http.StatusNotFound, "OTP_RULE_NOT_FOUND")

	ok(t, http.MethodPost, "/api/v1/otp/exception", `{"code":"1243","phone_number":"+79991231212"}`)
	assert.Contains(t, ok(t, http.MethodGet, "/api/v1/exceptions", "")["exceptions"], map[string]any{"code": "1243", "phone_number": "79991231212"})
	ok(t, http.MethodDelete, "/api/v1/otp/exception", `{"code":"1243","phone_number":"+79991231212"}`)
	assert.NotContains(t, ok(t, http.MethodGet, "/api/v1/otp/exceptions", "")["exceptions"], map[string]any{"code": "1243", "phone_number": "79991231212"})
	assert.ElementsMatch(t, []string{"phone_number", "code"}, fieldsOf(t, call(t, emp, http.MethodPost, "/api/v1/otp/exception", `{"code":"12","phone_number":"12345"}`)))

	for _, token := range []string{app.CustomerToken(t, demo.TestPhone(3)), app.PartnerToken(t)} {
		assertRESTError(t, call(t, token, http.MethodGet, "/api/v1/otp/project", ""), http.StatusForbidden, "FORBIDDEN")
		assertRESTError(t, call(t, token, http.MethodPost, "/api/v1/otp/exception", `{"code":"1111","phone_number":"79990000000"}`), http.StatusForbidden, "FORBIDDEN")
	}
	assertRESTError(t, call(t, "", http.MethodGet, "/api/v1/exceptions", ""), http.StatusUnauthorized, "UNAUTHENTICATED")
}

// forgetCallers drops the codes asked from the fixed addresses of From (below 127.128.0.0), left
// by earlier runs on the database: a test counting by those addresses owns them.
func forgetCallers(t *testing.T, app *apptest.App) {
	t.Helper()
	_, err := app.Store.DB.Exec(`DELETE FROM otp_codes WHERE ip << '127.0.0.0/9'`)
	require.NoError(t, err)
}

// forgetPurpose drops the OTP purpose the test creates, with its rules and codes, when the test
// ends: the next run creates it anew.
func forgetPurpose(t *testing.T, app *apptest.App, name string) {
	t.Cleanup(func() {
		for _, table := range []string{"otp_rules", "otp_failures", "otp_codes", "otp_settings"} {
			_, err := app.Store.DB.Exec(`DELETE FROM `+table+` WHERE purpose = $1`, name)
			assert.NoError(t, err, table)
		}
	})
}
