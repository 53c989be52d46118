package web_test

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
)

// TestSubscriptionFollowsTheFlow: a graphql-transport-ws client receives every status in order; a
// reconnect with `after` gets what it missed; the events come from any instance on the database.
func TestSubscriptionFollowsTheFlow(t *testing.T) {
	watched := apptest.Start(t)
	acting := apptest.Start(t) // a second instance on the same database
	p := partnerClient{app: acting, token: acting.PartnerToken(t)}
	guid := uuid.NewString()
	require.Equal(t, http.StatusOK, p.post(t, "/partner/api/v1/applications/create", createBody(t, guid, "sub-"+guid, nil)).Status)

	employee := watched.EmployeeToken(t)
	conn := subscribe(t, watched, employee, map[string]any{"applicationId": guid})
	var cursor string
	expect := func(status, partnerStatus, message string) {
		t.Helper()
		ev := nextEvent(t, conn)
		assert.Equal(t, guid, ev["applicationId"])
		assert.Equal(t, status, ev["status"])
		assert.Equal(t, partnerStatus, ev["partnerStatus"])
		assert.Equal(t, message, ev["message"])
		cursor = ev["cursor"].(string)
	}
	expect("PROCESSING", "PROCESSING", "")
	expect("APPROVED", "APPROVED", "")
	require.Equal(t, http.StatusOK, p.post(t, action(guid, "select_offer"), nil).Status)
	expect("OFFER_SELECTED", "CONFIRMATION", "Request OTP code")

	// the client drops; two steps happen meanwhile
	require.NoError(t, conn.Close())
	require.Equal(t, http.StatusOK, p.post(t, action(guid, "send_otp"), nil).Status)
	require.Equal(t, http.StatusOK, p.post(t, action(guid, "sign"), []byte(`{"code":"1111"}`)).Status)

	conn = subscribe(t, watched, employee, map[string]any{"applicationId": guid, "after": cursor})
	expect("OTP_SENT", "CONFIRMATION", "Enter OTP code")
	expect("SIGNED", "CONFIRMATION", "Contract is signed. Transfer of product")
	require.Equal(t, http.StatusOK, p.post(t, action(guid, "confirm"), []byte(`{"confirm_date":"`+day(0)+`"}`)).Status)
	expect("COMPLETED", "COMPLETED", "")
}

// TestSubscriptionSeesOnlyOwnApplications: without an application id a partner receives its own
// applications' events, a customer theirs; an employee all of them.
func TestSubscriptionSeesOnlyOwnApplications(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	mobileCustomer := app.CustomerToken(t, "79010000008")

	partnerFeed := subscribe(t, app, p.token, map[string]any{})
	customerFeed := subscribe(t, app, mobileCustomer, map[string]any{})
	employeeFeed := subscribe(t, app, app.EmployeeToken(t), map[string]any{})

	// the customer's own mobile application, then the partner's
	resp := app.GraphQL(t, mobileCustomer, `mutation { applyForLoan(input: {amount: "15000", term: 6, productCode: "2000"}) { application { id status channel } } }`, nil)
	require.Empty(t, resp.Errors)
	mobile := resp.Data["applyForLoan"].(map[string]any)["application"].(map[string]any)
	assert.Equal(t, "MOBILE", mobile["channel"])
	guid := uuid.NewString()
	require.Equal(t, http.StatusOK, p.post(t, "/partner/api/v1/applications/create", createBody(t, guid, "feed-"+guid, nil)).Status)

	// each feed shows the events it may; other tests' applications may pass by too. A feed starts
	// when the server has read the subscribe message, which may be after the first event, so each
	// waits for the approval first.
	until := func(feed *websocket.Conn, want string, never any, status string) {
		t.Helper()
		for {
			ev := nextEvent(t, feed)
			require.NotEqual(t, never, ev["applicationId"], "an application the subscriber may not see")
			if ev["applicationId"] == want && ev["status"] == status {
				return
			}
		}
	}
	until(partnerFeed, guid, mobile["id"], "APPROVED")
	until(customerFeed, mobile["id"].(string), guid, "APPROVED")
	until(employeeFeed, guid, nil, "APPROVED")

	// Every feed then reads on past each other's later events, up to a last one each may see, so
	// that a leak after the approvals is seen too: the mobile application is cancelled, then the
	// partner's, then the customer applies again.
	cancel := `mutation($id: ID!) { cancelApplication(input: {applicationId: $id, reason: "changed my mind"}) { application { status } } }`
	require.Empty(t, app.GraphQL(t, mobileCustomer, cancel, map[string]any{"id": mobile["id"]}).Errors)
	require.Empty(t, app.GraphQL(t, p.token, cancel, map[string]any{"id": guid}).Errors)
	resp = app.GraphQL(t, mobileCustomer, `mutation { applyForLoan(input: {amount: "15000", term: 6, productCode: "2000"}) { application { id } } }`, nil)
	require.Empty(t, resp.Errors)
	again := resp.Data["applyForLoan"].(map[string]any)["application"].(map[string]any)["id"].(string)

	until(partnerFeed, guid, mobile["id"], "CANCELLED")
	until(customerFeed, again, guid, "PROCESSING")
	until(employeeFeed, again, nil, "PROCESSING")
}

// TestListenerReconnectLosesNothing: when the instance's database listener drops, the events
// committed while it was away, whose notifications it never received, still reach its subscribers:
// it catches up from the table when it reconnects, and live delivery goes on.
func TestListenerReconnectLosesNothing(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	guid := newApplication(t, p, nil)
	conn := subscribe(t, app, app.EmployeeToken(t), map[string]any{"applicationId": guid})
	assert.Equal(t, "PROCESSING", nextEvent(t, conn)["status"])
	assert.Equal(t, "APPROVED", nextEvent(t, conn)["status"])

	// Two events stored without a notification, as those committed while the listener is down:
	// nothing but the catch-up on reconnect can deliver them.
	_, err := app.Store.DB.Exec(`INSERT INTO application_events (application_id, status, message, actor)
		SELECT id, s, '', 'test:unnotified' FROM applications, unnest(ARRAY['OFFER_SELECTED', 'OTP_SENT']) s WHERE guid = $1`, guid)
	require.NoError(t, err)
	dropped, err := killListeners(app)
	require.NoError(t, err)
	require.Positive(t, dropped)
	assert.Equal(t, "OFFER_SELECTED", nextEvent(t, conn)["status"], "caught up on reconnect")
	assert.Equal(t, "OTP_SENT", nextEvent(t, conn)["status"])
	assert.Contains(t, app.Logs.String(), `"msg":"event listener"`, "the listener did drop")

	require.Equal(t, http.StatusOK, p.post(t, action(guid, "cancel"), []byte(`{"reason":"test"}`)).Status)
	assert.Equal(t, "CANCELLED", nextEvent(t, conn)["status"], "live again")
}

// TestSubscribingBeforeTheApplicationExists: an application not yet stored (a partner's own guid,
// before its create) is refused with NOT_FOUND, as any application the caller may not see; the
// README's way is to subscribe to all one's applications first, then create.
func TestSubscribingBeforeTheApplicationExists(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	guid := uuid.NewString()

	early := subscribe(t, app, p.token, map[string]any{"applicationId": guid})
	m := next(t, early)
	require.Equal(t, "next", m.Type, "%v", m.Payload)
	errs := m.Payload["errors"].([]any)
	require.Len(t, errs, 1)
	assert.Equal(t, "NOT_FOUND", errs[0].(map[string]any)["extensions"].(map[string]any)["code"])
	assert.Nil(t, m.Payload["data"])
	assert.Equal(t, "complete", next(t, early).Type, "the subscription ends; the connection stays")

	feed := subscribe(t, app, p.token, map[string]any{})
	require.Equal(t, http.StatusOK, p.post(t, "/partner/api/v1/applications/create", createBody(t, guid, "early-"+guid, nil)).Status)
	for {
		ev := nextEvent(t, feed)
		if ev["applicationId"] == guid {
			assert.Equal(t, "PROCESSING", ev["status"], "its first event, from the feed opened before the create")
			break
		}
	}
}

// killListeners ends every LISTEN connection to app's database (each instance's event listener)
// and tells how many it ended.
func killListeners(app *apptest.App) (int, error) {
	var n int
	err := app.Store.DB.Get(&n, `SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN %') t`)
	return n, err
}
