package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"
	"github.com/ledongthuc/pdf"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/config"
	"lendgraph/demo"
	"lendgraph/signin"
)

// newApplication files the spec's example through REST and waits for the decision.
func newApplication(t testing.TB, p partnerClient, mutate func(map[string]any)) string {
	t.Helper()
	guid := uuid.NewString()
	resp := p.post(t, "/partner/api/v1/applications/create", createBody(t, guid, "ref-"+guid, mutate))
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	p.waitStatus(t, guid)
	return guid
}

// minorApplicant makes the applicant a new customer born in 2015, whom scoring declines.
func minorApplicant(d map[string]any) {
	c := d["customer"].(map[string]any)
	c["phone"], c["birth_date"] = profPhone(), "2015-01-01"
}

func action(guid, name string) string { return "/partner/api/v1/applications/" + guid + "/" + name }

func TestCreateIsIdempotent(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	guid := uuid.NewString()
	body := createBody(t, guid, "idem-"+guid, nil)

	first := p.post(t, "/partner/api/v1/applications/create", body)
	require.Equal(t, http.StatusOK, first.Status, "%s", first.Body)
	again := p.post(t, "/partner/api/v1/applications/create", body)
	assert.Equal(t, http.StatusOK, again.Status)
	assert.JSONEq(t, string(first.Body), string(again.Body), "the same create answers the same application")

	t.Run("same body without the guid finds it by the partner's id", func(t *testing.T) {
		resp := p.post(t, "/partner/api/v1/applications/create", createBody(t, guid, "idem-"+guid, func(d map[string]any) { delete(d, "application_guid") }))
		assert.Equal(t, http.StatusOK, resp.Status)
		assert.Equal(t, guid, resp.JSON(t)["application_guid"])
	})
	t.Run("the guid with another body", func(t *testing.T) {
		resp := p.post(t, "/partner/api/v1/applications/create", createBody(t, guid, "idem-"+guid, func(d map[string]any) { d["loan_term"] = 6 }))
		assertRESTError(t, resp, http.StatusConflict, "CONFLICT")
	})
	t.Run("the partner's id with another guid and body", func(t *testing.T) {
		resp := p.post(t, "/partner/api/v1/applications/create", createBody(t, uuid.NewString(), "idem-"+guid, func(d map[string]any) { d["loan_term"] = 6 }))
		assertRESTError(t, resp, http.StatusConflict, "CONFLICT")
	})
	var n int
	require.NoError(t, app.Store.DB.Get(&n, `SELECT count(*) FROM applications WHERE partner_application_id = $1`, "idem-"+guid))
	assert.Equal(t, 1, n)
}

func TestConcurrentCreatesMakeOneApplication(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	guid := uuid.NewString()
	body := createBody(t, guid, "race-"+guid, nil)
	var wg sync.WaitGroup
	statuses := make([]int, 20)
	for i := range statuses {
		wg.Go(func() { statuses[i] = p.post(t, "/partner/api/v1/applications/create", body).Status })
	}
	wg.Wait()
	for _, s := range statuses {
		assert.Equal(t, http.StatusOK, s)
	}
	var apps, events int
	require.NoError(t, app.Store.DB.Get(&apps, `SELECT count(*) FROM applications WHERE guid = $1`, guid))
	require.NoError(t, app.Store.DB.Get(&events, `SELECT count(*) FROM application_events e JOIN applications a ON a.id = e.application_id WHERE a.guid = $1 AND e.status = 'PROCESSING'`, guid))
	assert.Equal(t, 1, apps)
	assert.Equal(t, 1, events)
}

func TestConcurrentSignsMakeOneLoan(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	guid := newApplication(t, p, nil)
	require.Equal(t, http.StatusOK, p.post(t, action(guid, "select_offer"), nil).Status)
	require.Equal(t, http.StatusOK, p.post(t, action(guid, "send_otp"), nil).Status)

	var wg sync.WaitGroup
	statuses := make([]int, 20)
	for i := range statuses {
		wg.Go(func() { statuses[i] = p.post(t, action(guid, "sign"), []byte(`{"code":"1111"}`)).Status })
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		if s == http.StatusOK {
			ok++
		} else {
			assert.Contains(t, []int{http.StatusConflict, http.StatusBadRequest}, s)
		}
	}
	assert.Equal(t, 1, ok, "one sign wins: %v", statuses)
	var loans, payouts int
	require.NoError(t, app.Store.DB.Get(&loans, `SELECT count(*) FROM loans l JOIN applications a ON a.id = l.application_id WHERE a.guid = $1`, guid))
	require.NoError(t, app.Store.DB.Get(&payouts, `SELECT count(*) FROM transaction_orders o JOIN transaction_types t ON t.id = o.type_id AND t.name = 'LOAN_PAYOUT'
		JOIN loans l ON o.entity_type = 'LOAN' AND o.entity_guid = l.guid JOIN applications a ON a.id = l.application_id WHERE a.guid = $1`, guid))
	assert.Equal(t, 1, loans)
	assert.Equal(t, 1, payouts)
}

// partnerActions are the partner's actions with a body each would accept.
var partnerActions = []struct{ name, body string }{
	{"select_offer", `{}`},
	{"send_otp", `{}`},
	{"sign", `{"code":"1111"}`},
	{"confirm", `{"confirm_date":"` + day(0) + `"}`},
	{"cancel", `{"reason":"out of turn"}`},
}

// TestActionsOutOfTurn walks an application through every status and tries, in each, every action
// the lifecycle does not allow there.
func TestActionsOutOfTurn(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	allowed := map[string][]string{
		"APPROVED":       {"select_offer", "cancel"},
		"OFFER_SELECTED": {"send_otp", "cancel"},
		"OTP_SENT":       {"send_otp", "sign", "cancel"},
		"SIGNED":         {"confirm", "cancel"},
		"COMPLETED":      {},
		"DECLINED":       {},
		"CANCELLED":      {},
	}
	expected := map[string]string{"APPROVED": "select_offer", "OFFER_SELECTED": "send_otp", "OTP_SENT": "sign", "SIGNED": "confirm",
		"COMPLETED": "none", "DECLINED": "none", "CANCELLED": "none"}
	tryAll := func(guid, status string) {
		t.Helper()
		for _, a := range partnerActions {
			if slices.Contains(allowed[status], a.name) {
				continue
			}
			resp := p.post(t, action(guid, a.name), []byte(a.body))
			b := assertRESTError(t, resp, http.StatusConflict, "INVALID_STATUS")
			assert.Contains(t, b["message"], "the application is "+status, a.name)
			assert.Contains(t, b["message"], "expected action: "+expected[status], a.name)
		}
	}

	guid := newApplication(t, p, nil)
	for _, step := range []struct{ status, then, body string }{
		{"APPROVED", "select_offer", `{}`},
		{"OFFER_SELECTED", "send_otp", `{}`},
		{"OTP_SENT", "sign", `{"code":"1111"}`},
		{"SIGNED", "confirm", `{"confirm_date":"` + day(0) + `"}`},
		{"COMPLETED", "", ""},
	} {
		tryAll(guid, step.status)
		if step.then != "" {
			require.Equal(t, http.StatusOK, p.post(t, action(guid, step.then), []byte(step.body)).Status)
		}
	}
	declined := newApplication(t, p, minorApplicant)
	tryAll(declined, "DECLINED")
	cancelled := newApplication(t, p, nil)
	require.Equal(t, http.StatusOK, p.post(t, action(cancelled, "cancel"), []byte(`{"reason":"changed mind"}`)).Status)
	tryAll(cancelled, "CANCELLED")

	t.Run("GraphQL calls it a CONFLICT", func(t *testing.T) {
		resp := app.GraphQL(t, p.token, `mutation($id: ID!) { sendOtp(input: {applicationId: $id}) { application { status } } }`, map[string]any{"id": guid})
		require.Equal(t, "CONFLICT", resp.Code())
		assert.Equal(t, "INVALID_STATUS", resp.Errors[0].Extensions["type"])
		assert.Contains(t, resp.Errors[0].Message, "the application is COMPLETED")
	})
}

func TestSigningCode(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	phone := "79990000401" // not a test phone: a random code
	guid := newApplication(t, p, func(d map[string]any) { d["customer"].(map[string]any)["phone"] = phone })
	require.Equal(t, http.StatusOK, p.post(t, action(guid, "select_offer"), nil).Status)
	require.Equal(t, http.StatusOK, p.post(t, action(guid, "send_otp"), nil).Status)

	resend := p.post(t, action(guid, "send_otp"), nil)
	assertRESTError(t, resend, http.StatusTooManyRequests, "TOO_MANY_REQUESTS")

	code := smsCode(t, app, phone)
	wrong := "0000"
	if code == wrong {
		wrong = "9999"
	}
	b := assertRESTError(t, p.post(t, action(guid, "sign"), []byte(`{"code":"`+wrong+`"}`)), http.StatusBadRequest, "OTP_INVALID")
	assert.Equal(t, "wrong code: 2 attempts left", b["message"])
	assertRESTError(t, p.post(t, action(guid, "sign"), []byte(`{"code":"`+wrong+`"}`)), http.StatusBadRequest, "OTP_INVALID")
	assertRESTError(t, p.post(t, action(guid, "sign"), []byte(`{"code":"`+wrong+`"}`)), http.StatusBadRequest, "OTP_ATTEMPTS_EXCEEDED")
	assertRESTError(t, p.post(t, action(guid, "sign"), []byte(`{"code":"`+code+`"}`)), http.StatusBadRequest, "OTP_ATTEMPTS_EXCEEDED")
	assert.Equal(t, "Enter OTP code", p.status(t, guid)["message"], "still waiting for a code")

	// a new code after the resend interval
	_, err := app.Store.DB.Exec(`UPDATE otp_codes SET created_at = created_at - interval '2 minutes' WHERE ref = $1`, guid)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, p.post(t, action(guid, "send_otp"), nil).Status)
	require.Equal(t, http.StatusOK, p.post(t, action(guid, "sign"), []byte(`{"code":"`+smsCode(t, app, phone)+`"}`)).Status)
	assert.Equal(t, "Contract is signed. Transfer of product", p.status(t, guid)["message"])
}

func TestLoanScheduleAndContract(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	phone := newPhone() // nobody's yet, so the questionnaire makes the customer, whatever ran before
	guid := newApplication(t, p, func(d map[string]any) { d["customer"].(map[string]any)["phone"] = phone })
	for _, step := range []string{"select_offer", "send_otp", "sign", "confirm"} {
		body := ``
		switch step {
		case "sign":
			body = `{"code":"` + smsCode(t, app, phone) + `"}`
		case "confirm":
			body = `{"confirm_date":"2024-11-22T10:00:00.52Z"}`
			signedOn(t, app, guid, "2024-11-22") // a loan of that day, whose schedule the test knows
		}
		resp := p.post(t, action(guid, step), []byte(body))
		require.Equal(t, http.StatusOK, resp.Status, "%s: %s", step, resp.Body)
	}
	resp := app.GraphQL(t, app.EmployeeToken(t), `query($id: ID!) { application(id: $id) {
		status customer { phone firstName lastName }
		loan { number contractNumber status amount term annualRate openedOn contractPdf
			schedule { n dueDate amount principal interest remaining } } } }`, map[string]any{"id": guid})
	require.Empty(t, resp.Errors)
	a := resp.Data["application"].(map[string]any)
	assert.Equal(t, "COMPLETED", a["status"])
	assert.Equal(t, "Зайцев", a["customer"].(map[string]any)["lastName"], "the questionnaire made the customer")
	loan := a["loan"].(map[string]any)
	assert.Equal(t, "OPENED", loan["status"])
	assert.Equal(t, "208990.50", loan["amount"])
	assert.Equal(t, "2024-11-22", loan["openedOn"])
	rows := loan["schedule"].([]any)
	require.Len(t, rows, 12)
	sum := decimal.Zero
	for i, r := range rows {
		row := r.(map[string]any)
		sum = sum.Add(decimal.RequireFromString(row["principal"].(string)))
		assert.Equal(t, time.Date(2024, time.November+time.Month(i+1), 22, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), row["dueDate"], "monthly from the opening day")
	}
	assert.Equal(t, "208990.50", sum.StringFixed(2), "principal parts sum to the amount to the kopeck")
	assert.Equal(t, "0.00", rows[11].(map[string]any)["remaining"])

	raw, err := base64.StdEncoding.DecodeString(loan["contractPdf"].(string))
	require.NoError(t, err)
	r, err := pdf.NewReader(bytes.NewReader(raw), int64(len(raw)))
	require.NoError(t, err)
	text, err := r.GetPlainText()
	require.NoError(t, err)
	var b bytes.Buffer
	_, err = b.ReadFrom(text)
	require.NoError(t, err)
	assert.Contains(t, b.String(), loan["contractNumber"])
	assert.Contains(t, b.String(), "Зайцев Василий Петрович")

	var payout struct {
		Amount  decimal.Decimal `db:"amount"`
		Partner string          `db:"name"`
		Status  string          `db:"status"`
	}
	require.NoError(t, app.Store.DB.Get(&payout, `SELECT o.amount, o.additional_data ->> 'partner' AS name, o.status FROM transaction_orders o
		JOIN loans l ON o.entity_type = 'LOAN' AND o.entity_guid = l.guid JOIN applications a ON a.id = l.application_id
		WHERE a.guid = $1`, guid))
	assert.Equal(t, "208990.50", payout.Amount.StringFixed(2))
	assert.Equal(t, "demo", payout.Partner)
	assert.Equal(t, "COMPLETED", payout.Status, "paid out when the loan opens")
}

func TestDeclineAndCancel(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}

	minor := newApplication(t, p, minorApplicant)
	st := p.status(t, minor)
	assert.Equal(t, "DECLINED", st["status"])
	assert.Equal(t, "UNDERAGE", st["message"])

	guid := newApplication(t, p, nil)
	require.Equal(t, http.StatusOK, p.post(t, action(guid, "select_offer"), nil).Status)
	assertRESTError(t, p.post(t, action(guid, "cancel"), []byte(`{}`)), http.StatusBadRequest, "INVALID")
	require.Equal(t, http.StatusOK, p.post(t, action(guid, "cancel"), []byte(`{"reason":"покупатель передумал"}`)).Status)
	st = p.status(t, guid)
	assert.Equal(t, "CANCELLED", st["status"])
	assert.Equal(t, "покупатель передумал", st["message"])

	t.Run("a signed application cancels its loan and payout", func(t *testing.T) {
		guid := newApplication(t, p, nil)
		for _, step := range [][2]string{{"select_offer", ``}, {"send_otp", ``}, {"sign", `{"code":"1111"}`}, {"cancel", `{"reason":"товара нет"}`}} {
			require.Equal(t, http.StatusOK, p.post(t, action(guid, step[0]), []byte(step[1])).Status)
		}
		var loan, payout string
		require.NoError(t, app.Store.DB.QueryRow(`SELECT l.status, o.status FROM loans l JOIN transaction_orders o ON o.entity_type = 'LOAN' AND o.entity_guid = l.guid
			JOIN applications a ON a.id = l.application_id WHERE a.guid = $1`, guid).Scan(&loan, &payout))
		assert.Equal(t, "CANCELLED", loan)
		assert.Equal(t, "CANCELLED", payout)
	})
}

func TestTimeoutCancels(t *testing.T) {
	app := apptest.Start(t, func(c *config.Config) {
		c.ApplicationTimeout = 500 * time.Millisecond
		c.WorkerPoll = 100 * time.Millisecond
	})
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	guid := uuid.NewString()
	require.Equal(t, http.StatusOK, p.post(t, "/partner/api/v1/applications/create", createBody(t, guid, "late-"+guid, nil)).Status)
	require.Eventually(t, func() bool { return p.status(t, guid)["status"] == "CANCELLED" }, 10*time.Second, 50*time.Millisecond)
	assert.Equal(t, "timeout: not signed in time", p.status(t, guid)["message"])
}

// TestCrashBetweenCreateAndScoring: an instance that dies before its worker scores an application
// leaves the job in the table; the next instance finishes it.
func TestCrashBetweenCreateAndScoring(t *testing.T) {
	crashed := apptest.StartWithoutWorker(t)
	p := partnerClient{app: crashed, token: crashed.PartnerToken(t)}
	guid := uuid.NewString()
	require.Equal(t, http.StatusOK, p.post(t, "/partner/api/v1/applications/create", createBody(t, guid, "crash-"+guid, nil)).Status)
	time.Sleep(200 * time.Millisecond)
	assert.Equal(t, "PROCESSING", p.status(t, guid)["status"], "nobody scored it")

	restarted := apptest.Start(t)
	p.app = restarted
	assert.Equal(t, "APPROVED", p.waitStatus(t, guid)["status"])
}

// TestAJobQueuedElsewhereRunsAtOnce: applications filed through an instance without a job worker
// are scored by the worker of another at once, woken by the notification their jobs send, not at
// its next poll (an hour away here).
func TestAJobQueuedElsewhereRunsAtOnce(t *testing.T) {
	_, url := apptest.NewDatabase(t) // no other test's jobs wake the worker
	apptest.StartOn(t, url, func(c *config.Config) { c.WorkerPoll = time.Hour })
	api := apptest.StartWithoutWorkerOn(t, url)
	p := partnerClient{app: api, token: api.PartnerToken(t)}
	for i := range 5 {
		guid := uuid.NewString()
		require.Equal(t, http.StatusOK, p.post(t, "/partner/api/v1/applications/create", createBody(t, guid, "elsewhere-"+guid, nil)).Status)
		assert.Equal(t, "APPROVED", p.waitStatus(t, guid)["status"], "application %d", i)
	}
}

func TestCreateValidation(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	count := func() (n int) {
		require.NoError(t, app.Store.DB.Get(&n, `SELECT count(*) FROM applications`))
		return n
	}
	before := count()
	for name, tc := range map[string]struct {
		mutate func(map[string]any)
		fields []string
	}{
		"missing fields": {func(d map[string]any) {
			delete(d, "mode")
			delete(d["customer"].(map[string]any), "phone")
			delete(d["cart"].(map[string]any)["items"].([]any)[0].(map[string]any), "price")
		}, []string{"mode", "cart.items[0].price", "customer.phone"}},
		"wrong types": {func(d map[string]any) {
			d["loan_term"] = "12"
			d["loan_amount"] = "a lot"
			d["customer_documents"] = map[string]any{}
			d["cart"].(map[string]any)["items"].([]any)[0].(map[string]any)["quantity"] = 1.5
		}, []string{"loan_term", "loan_amount", "customer_documents", "cart.items[0].quantity"}},
		"bad values": {func(d map[string]any) {
			c := d["customer"].(map[string]any)
			c["email"], c["phone"], c["birth_date"] = "not-an-email", "12345", "03.10.1990"
			d["branch_guid"] = "branch-1"
			d["down_payment"] = -1
			d["customer_documents"].([]any)[0].(map[string]any)["number"] = "12"
		}, []string{"customer.email", "customer.phone", "customer.birth_date", "branch_guid", "down_payment", "customer_documents[0].number"}},
		"amount above the cart less the down payment": {func(d map[string]any) { d["down_payment"] = 10000 }, []string{"loan_amount"}},
		"unknown product":          {func(d map[string]any) { d["product_code"] = "9999" }, []string{"product_code"}},
		"term outside the product": {func(d map[string]any) { d["loan_term"] = 48 }, []string{"loan_term"}},
	} {
		t.Run(name, func(t *testing.T) {
			resp := p.post(t, "/partner/api/v1/applications/create", createBody(t, uuid.NewString(), "bad-"+name, tc.mutate))
			body := assertRESTError(t, resp, http.StatusBadRequest, "INVALID")
			var named []string
			for _, f := range body["fields"].([]any) {
				named = append(named, f.(map[string]any)["field"].(string))
			}
			for _, f := range tc.fields {
				assert.Contains(t, named, f)
				assert.Contains(t, body["message"], f, "the message names every bad field")
			}
		})
	}
	t.Run("malformed JSON", func(t *testing.T) {
		assertRESTError(t, p.post(t, "/partner/api/v1/applications/create", []byte(`{"mode": "online",`)), http.StatusBadRequest, "INVALID")
		assertRESTError(t, p.post(t, "/partner/api/v1/applications/create", []byte(`[1, 2]`)), http.StatusBadRequest, "INVALID")
	})
	assert.Equal(t, before, count(), "nothing stored")
}

func TestUploadFile(t *testing.T) {
	app := apptest.Start(t, func(c *config.Config) { c.MaxUploadBytes = 64 << 10 })
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	guid := newApplication(t, p, nil)
	photo := base64.StdEncoding.EncodeToString([]byte("\xff\xd8\xff\xe0 a small jpeg"))
	resp := p.post(t, action(guid, "upload_file"), []byte(`{"file_type":"CUSTOMER_PHOTO","format":"jpeg","content":"`+photo+`"}`))
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)

	assertRESTError(t, p.post(t, action(guid, "upload_file"), []byte(`{"file_type":"CUSTOMER_PHOTO","format":"jpeg","content":"%%%"}`)), http.StatusBadRequest, "INVALID")
	big := base64.StdEncoding.EncodeToString(make([]byte, 70<<10))
	assertRESTError(t, p.post(t, action(guid, "upload_file"), []byte(`{"file_type":"CUSTOMER_PHOTO","format":"jpeg","content":"`+big+`"}`)), http.StatusRequestEntityTooLarge, "TOO_LARGE")

	files := app.GraphQL(t, p.token, `query($id: ID!) { application(id: $id) { files { fileType format size } } }`, map[string]any{"id": guid})
	require.Empty(t, files.Errors)
	assert.Equal(t, []any{map[string]any{"fileType": "CUSTOMER_PHOTO", "format": "jpeg", "size": float64(17)}}, files.Data["application"].(map[string]any)["files"])
}

func TestWrongOwner(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	guid := newApplication(t, p, nil)
	ctx := context.Background()

	// a second partner, and a customer who is not the applicant
	hash, err := signin.HashSecret("other-secret")
	require.NoError(t, err)
	_, err = app.Store.DB.ExecContext(ctx, `INSERT INTO partners (name, client_id, secret_hash) VALUES ('other', 'other', $1) ON CONFLICT DO NOTHING`, hash)
	require.NoError(t, err)
	other := partnerClient{app: app, token: app.Token(t, "/auth/partners", map[string][]string{
		"grant_type": {"client_credentials"}, "client_id": {"other"}, "client_secret": {"other-secret"}}, nil)}
	stranger := app.CustomerToken(t, demo.TestPhone(7))

	for _, name := range []string{"upload_file", "select_offer", "send_otp", "sign", "confirm", "cancel"} {
		resp := other.post(t, action(guid, name), []byte(`{"code":"1111","reason":"x","confirm_date":"2024-11-22","file_type":"A","format":"jpeg","content":"AAAA"}`))
		assertRESTError(t, resp, http.StatusNotFound, "NOT_FOUND")
	}
	resp := other.app.Do(t, http.MethodGet, action(guid, "status"), nil, http.Header{"Authorization": {"Bearer " + other.token}})
	assertRESTError(t, resp, http.StatusNotFound, "NOT_FOUND")
	resp = other.app.Do(t, http.MethodGet, "/internal/v1/carts/"+guid, nil, http.Header{"Authorization": {"Bearer " + other.token}})
	assertRESTError(t, resp, http.StatusNotFound, "NOT_FOUND")

	t.Run("REST routes want a partner token", func(t *testing.T) {
		for _, token := range []string{stranger, app.EmployeeToken(t)} {
			resp := partnerClient{app: app, token: token}.post(t, action(guid, "select_offer"), nil)
			assertRESTError(t, resp, http.StatusForbidden, "FORBIDDEN")
		}
		resp := partnerClient{app: app}.post(t, action(guid, "select_offer"), nil)
		assertRESTError(t, resp, http.StatusUnauthorized, "UNAUTHENTICATED")
	})
	t.Run("X-azp must match the token", func(t *testing.T) {
		resp := app.Do(t, http.MethodGet, action(guid, "status"), nil, http.Header{"Authorization": {"Bearer " + p.token}, "X-azp": {"other"}})
		assertRESTError(t, resp, http.StatusForbidden, "FORBIDDEN")
	})
	t.Run("GraphQL", func(t *testing.T) {
		for _, token := range []string{other.token, stranger} {
			q := app.GraphQL(t, token, `query($id: ID!) { application(id: $id) { id } }`, map[string]any{"id": guid})
			require.Empty(t, q.Errors)
			assert.Nil(t, q.Data["application"], "another's application does not exist for them")
			list := app.GraphQL(t, token, `{ applications(first: 100) { edges { node { id } } } }`, nil)
			require.Empty(t, list.Errors)
			assert.NotContains(t, fmt.Sprint(list.Data), guid)
			// another partner does not find it; a customer may never confirm at all
			confirmCode := "FORBIDDEN"
			if token == other.token {
				confirmCode = "NOT_FOUND"
			}
			for m, code := range map[string]string{
				`mutation($id: ID!) { selectOffer(input: {applicationId: $id}) { application { id } } }`:                                             "NOT_FOUND",
				`mutation($id: ID!) { sendOtp(input: {applicationId: $id}) { application { id } } }`:                                                 "NOT_FOUND",
				`mutation($id: ID!) { signApplication(input: {applicationId: $id, code: "1111"}) { application { id } } }`:                           "NOT_FOUND",
				`mutation($id: ID!) { cancelApplication(input: {applicationId: $id, reason: "x"}) { application { id } } }`:                          "NOT_FOUND",
				`mutation($id: ID!) { confirmApplication(input: {applicationId: $id, confirmDate: "2024-11-22T00:00:00Z"}) { application { id } } }`: confirmCode,
			} {
				assert.Equal(t, code, app.GraphQL(t, token, m, map[string]any{"id": guid}).Code(), m)
			}
		}
		sub := subscribe(t, app, stranger, map[string]any{"applicationId": guid})
		m := next(t, sub)
		require.Equal(t, "next", m.Type)
		assert.Nil(t, m.Payload["data"], "no subscription to another's application")
		assert.Contains(t, fmt.Sprint(m.Payload["errors"]), "NOT_FOUND")
		assert.Equal(t, "complete", next(t, sub).Type)
	})
	assert.Equal(t, "APPROVED", p.status(t, guid)["status"], "nothing happened to it")
}

// subscribe opens a graphql-transport-ws connection and starts applicationEvents.
func subscribe(t testing.TB, app *apptest.App, token string, vars map[string]any) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}}
	conn, _, err := d.Dial("ws"+strings.TrimPrefix(app.URL, "http")+"/graphql", nil)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(15*time.Second)))
	require.NoError(t, conn.WriteJSON(wsMessage{Type: "connection_init", Payload: map[string]any{"token": token}}))
	require.Equal(t, "connection_ack", next(t, conn).Type)
	require.NoError(t, conn.WriteJSON(wsMessage{ID: "s", Type: "subscribe", Payload: map[string]any{
		"query":     `subscription($applicationId: ID, $after: String) { applicationEvents(applicationId: $applicationId, after: $after) { cursor applicationId status partnerStatus message } }`,
		"variables": vars,
	}}))
	return conn
}

// nextEvent reads the next applicationEvents payload.
func nextEvent(t testing.TB, conn *websocket.Conn) map[string]any {
	t.Helper()
	m := next(t, conn)
	require.Equal(t, "next", m.Type, "%v", m.Payload)
	return m.Payload["data"].(map[string]any)["applicationEvents"].(map[string]any)
}
