package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/demo"
)

const meQuery = `{ me { role subject customer { id guid phone firstName lastName } employee { id username } partner { name } } }`

// assertRESTError checks the platform's error body and that its trace id is the response's.
func assertRESTError(t *testing.T, resp apptest.Response, status int, typ string) map[string]any {
	t.Helper()
	require.Equal(t, status, resp.Status, "body: %s", resp.Body)
	body := resp.JSON(t)
	assert.Equal(t, typ, body["type"])
	assert.NotEmpty(t, body["message"])
	assert.NotEmpty(t, body["timestamp"])
	assert.Equal(t, resp.Header.Get("X-Trace-Id"), body["traceId"])
	return body
}

func TestPartnerToken(t *testing.T) {
	app := apptest.Start(t)
	good := url.Values{"grant_type": {"client_credentials"}, "client_id": {"demo"}, "client_secret": {"demo-secret"}}

	resp := app.PostForm(t, "/auth/partners", good, nil)
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	body := resp.JSON(t)
	assert.Equal(t, "Bearer", body["token_type"])
	assert.EqualValues(t, 3600, body["expires_in"])
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))

	me := app.GraphQL(t, body["access_token"].(string), meQuery, nil)
	require.Empty(t, me.Errors)
	assert.Equal(t, "PARTNER", me.Data["me"].(map[string]any)["role"])
	assert.Equal(t, map[string]any{"name": "demo"}, me.Data["me"].(map[string]any)["partner"])
	assert.Nil(t, me.Data["me"].(map[string]any)["customer"])

	for name, form := range map[string]url.Values{
		"wrong secret":   {"grant_type": {"client_credentials"}, "client_id": {"demo"}, "client_secret": {"nope"}},
		"unknown client": {"grant_type": {"client_credentials"}, "client_id": {"nobody"}, "client_secret": {"demo-secret"}},
		"no secret":      {"grant_type": {"client_credentials"}, "client_id": {"demo"}},
	} {
		t.Run(name, func(t *testing.T) {
			resp := app.PostForm(t, "/auth/partners", form, nil)
			assertRESTError(t, resp, http.StatusUnauthorized, "UNAUTHENTICATED")
			assert.Equal(t, "invalid client credentials", resp.JSON(t)["message"])
		})
	}
	t.Run("wrong grant type", func(t *testing.T) {
		form := url.Values{"grant_type": {"password"}, "client_id": {"demo"}, "client_secret": {"demo-secret"}}
		assertRESTError(t, app.PostForm(t, "/auth/partners", form, nil), http.StatusBadRequest, "INVALID")
	})
	t.Run("json instead of a form", func(t *testing.T) {
		resp := app.Do(t, http.MethodPost, "/auth/partners", strings.NewReader(`{"grant_type":"client_credentials"}`),
			http.Header{"Content-Type": {"application/json"}})
		assertRESTError(t, resp, http.StatusBadRequest, "INVALID")
	})
}

func TestEmployeeToken(t *testing.T) {
	app := apptest.Start(t)
	for _, username := range []string{demo.EmployeeUsername, "Demo@Example.com"} {
		token := app.Token(t, "/auth/employees", url.Values{"grant_type": {"password"}, "username": {username}, "password": {demo.EmployeePassword}}, nil)
		me := app.GraphQL(t, token, meQuery, nil)
		require.Empty(t, me.Errors)
		m := me.Data["me"].(map[string]any)
		assert.Equal(t, "EMPLOYEE", m["role"])
		assert.Equal(t, demo.EmployeeUsername, m["employee"].(map[string]any)["username"])
		assert.Equal(t, m["subject"], m["employee"].(map[string]any)["id"], "an employee token's subject is the employee id")
	}
	for name, form := range map[string]url.Values{
		"wrong password":   {"grant_type": {"password"}, "username": {demo.EmployeeUsername}, "password": {"demo-passwor"}},
		"unknown username": {"grant_type": {"password"}, "username": {"nobody@example.com"}, "password": {demo.EmployeePassword}},
		"empty":            {"grant_type": {"password"}},
	} {
		t.Run(name, func(t *testing.T) {
			resp := app.PostForm(t, "/auth/employees", form, nil)
			assertRESTError(t, resp, http.StatusUnauthorized, "UNAUTHENTICATED")
			assert.Equal(t, `Bearer realm="lendgraph"`, resp.Header.Get("WWW-Authenticate"))
		})
	}
}

func customerForm(phone, code string) url.Values {
	return url.Values{"grant_type": {"password"}, "client_id": {"customer-client"}, "phone_number": {phone}, "code": {code}}
}

var device = http.Header{"X-Device-Id": {"3f6c1a52-0a3e-4a55-9d8e-6f1e2b7c9d10"}}

func TestCustomerTokenWithTestPhone(t *testing.T) {
	app := apptest.Start(t)
	phone := demo.TestPhone(1)
	require.Equal(t, http.StatusOK, app.PostForm(t, "/auth/otp", url.Values{"phone_number": {"+7 (901) 000-00-01"}}, device).Status)

	t.Run("missing X-Device-Id", func(t *testing.T) {
		resp := app.PostForm(t, "/auth", customerForm(phone, demo.OTPCode), nil)
		body := assertRESTError(t, resp, http.StatusBadRequest, "INVALID")
		assert.Contains(t, body["message"], "X-Device-Id")
	})

	token := app.Token(t, "/auth", customerForm(phone, demo.OTPCode), device)
	me := app.GraphQL(t, token, meQuery, nil)
	require.Empty(t, me.Errors)
	m := me.Data["me"].(map[string]any)
	assert.Equal(t, "CUSTOMER", m["role"])
	customer := m["customer"].(map[string]any)
	assert.Equal(t, m["subject"], customer["guid"], "a customer token's subject is the customer guid")
	assert.Equal(t, phone, customer["phone"])
	assert.Equal(t, "Иван", customer["firstName"])
	assert.IsType(t, "", customer["id"], "IDs are strings")

	t.Run("a code signs in once", func(t *testing.T) {
		resp := app.PostForm(t, "/auth", customerForm(phone, demo.OTPCode), device)
		assertRESTError(t, resp, http.StatusBadRequest, "OTP_NOT_REQUESTED")
	})
}

func TestCustomerOTPAttempts(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	phone := newPhone() // unknown: it gets a random code and becomes a new customer
	require.Equal(t, http.StatusOK, app.PostForm(t, "/auth/otp", url.Values{"phone_number": {phone}}, device).Status)
	code := smsCode(t, app, phone)
	wrong := "0000"
	if code == wrong {
		wrong = "9999"
	}

	body := assertRESTError(t, app.PostForm(t, "/auth", customerForm(phone, wrong), device), http.StatusBadRequest, "OTP_INVALID")
	assert.Equal(t, "wrong code: 2 attempts left", body["message"])
	body = assertRESTError(t, app.PostForm(t, "/auth", customerForm(phone, wrong), device), http.StatusBadRequest, "OTP_INVALID")
	assert.Equal(t, "wrong code: 1 attempts left", body["message"])
	assertRESTError(t, app.PostForm(t, "/auth", customerForm(phone, wrong), device), http.StatusBadRequest, "OTP_ATTEMPTS_EXCEEDED")
	// the right code no longer helps: a new one must be requested
	assertRESTError(t, app.PostForm(t, "/auth", customerForm(phone, code), device), http.StatusBadRequest, "OTP_ATTEMPTS_EXCEEDED")
	var customers int
	require.NoError(t, app.Store.DB.GetContext(ctx, &customers, `SELECT count(*) FROM customers WHERE phone = $1`, phone))
	assert.Zero(t, customers, "no customer before a successful sign-in")

	// a new code after the resend interval
	_, err := app.Store.DB.ExecContext(ctx, `UPDATE otp_codes SET created_at = created_at - interval '2 minutes' WHERE phone = $1`, phone)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, app.PostForm(t, "/auth/otp", url.Values{"phone_number": {phone}}, device).Status)
	token := app.Token(t, "/auth", customerForm(phone, smsCode(t, app, phone)), device)
	me := app.GraphQL(t, token, meQuery, nil)
	require.Empty(t, me.Errors)
	customer := me.Data["me"].(map[string]any)["customer"].(map[string]any)
	assert.Equal(t, phone, customer["phone"])
	assert.Nil(t, customer["firstName"])
}

func TestOTPCodeIsHashedAndExpires(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	phone := newPhone()
	require.Equal(t, http.StatusOK, app.PostForm(t, "/auth/otp", url.Values{"phone_number": {phone}}, device).Status)
	code := smsCode(t, app, phone)

	var stored []string
	require.NoError(t, app.Store.DB.SelectContext(ctx, &stored,
		`SELECT t::text FROM otp_codes t WHERE phone = $1`, phone))
	require.Len(t, stored, 1)
	assert.NotContains(t, stored[0], code, "the code is not stored in clear")
	assert.NotContains(t, stored[0], "\\x"+hexOf(code))

	_, err := app.Store.DB.ExecContext(ctx, `UPDATE otp_codes SET expires_at = now() - interval '1 second' WHERE phone = $1`, phone)
	require.NoError(t, err)
	assertRESTError(t, app.PostForm(t, "/auth", customerForm(phone, code), device), http.StatusBadRequest, "OTP_EXPIRED")
}

func TestRequestOTPRejectsBadPhones(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	count := func() (n int) {
		require.NoError(t, app.Store.DB.GetContext(ctx, &n, `SELECT (SELECT count(*) FROM otp_codes) + (SELECT count(*) FROM sms_outbox)`))
		return n
	}
	before := count()
	for _, phone := range []string{"", "12345", "7901000000", "790100000011", "7901abc0001", "69010000001"} {
		resp := app.PostForm(t, "/auth/otp", url.Values{"phone_number": {phone}}, nil)
		assertRESTError(t, resp, http.StatusBadRequest, "INVALID")

		gql := app.GraphQL(t, "", `mutation($p: String!) { requestOtp(input: {phone: $p}) { phone } }`, map[string]any{"p": phone})
		assert.Equal(t, "INVALID", gql.Code(), phone)
	}
	assert.Equal(t, before, count(), "nothing stored for a bad phone")
}

func TestRequestOTPMutation(t *testing.T) {
	app := apptest.Start(t)
	phone := newPhone()
	typed := "8 " + phone[1:4] + " " + phone[4:7] + "-" + phone[7:9] + "-" + phone[9:]
	resp := app.GraphQL(t, "", `mutation($p: String!) { requestOtp(input: {phone: $p, deviceId: "d1"}) { phone expiresAt codeLength attemptsLeft } }`, map[string]any{"p": typed})
	require.Empty(t, resp.Errors)
	out := resp.Data["requestOtp"].(map[string]any)
	assert.Equal(t, phone, out["phone"])
	assert.EqualValues(t, 6, out["codeLength"], "sign-in codes have 6 digits")
	assert.EqualValues(t, 3, out["attemptsLeft"])
	assert.NotEmpty(t, out["expiresAt"])
	assert.Regexp(t, `^\d{6}$`, smsCode(t, app, phone))
}

// smsCode reads the code of the newest SMS queued for phone.
func smsCode(t testing.TB, app *apptest.App, phone string) string {
	t.Helper()
	sms, err := app.Store.LatestSMS(context.Background(), phone)
	require.NoError(t, err)
	code := regexp.MustCompile(`\d{4,8}`).FindString(sms.Body)
	require.NotEmpty(t, code, "sms: %q", sms.Body)
	return code
}

func hexOf(s string) string {
	const digits = "0123456789abcdef"
	var b strings.Builder
	for _, c := range []byte(s) {
		b.WriteByte(digits[c>>4])
		b.WriteByte(digits[c&15])
	}
	return b.String()
}

var phones atomic.Int64

// newPhone returns a phone no other test, and no earlier run on the same database, has used.
func newPhone() string {
	return fmt.Sprintf("7999%07d", (time.Now().UnixNano()/1000+phones.Add(1))%10_000_000)
}
