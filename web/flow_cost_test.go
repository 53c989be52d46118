package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/config"
)

// TestPartnerFlowCostsFewStatements: one partner flow through the REST routes, from create to
// COMPLETED, with the job worker's scoring, one status poll that sees APPROVED and the event
// reader's reads, costs at most 58 SQL statements (124 before issue 13's work). The server has a
// database of its own, so its worker runs no other test's jobs, and polls only when woken: every
// statement counted is the flow's.
func TestPartnerFlowCostsFewStatements(t *testing.T) {
	_, url := apptest.NewDatabase(t)
	app := apptest.StartOn(t, url, func(c *config.Config) { c.WorkerPoll = time.Hour })
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	phone := newPhone()
	guid := uuid.NewString()
	settled(t, app)

	var steps []string
	var total int64
	mark, reads := app.Store.Statements(), app.Server.Events.Stats().Reads
	// tally counts what the app sent since the last tally, the event reader's reads of new events
	// apart (one a notification, shared by every flow under load)
	tally := func(name string) {
		n, r := app.Store.Statements(), app.Server.Events.Stats().Reads
		steps = append(steps, fmt.Sprintf("%s %d (+%d event reads)", name, n-mark-(r-reads), r-reads))
		total += n - mark
		mark, reads = n, r
	}
	// step does one step of the flow and counts it once the app has finished what it set off
	step := func(name string, do func()) {
		t.Helper()
		do()
		settled(t, app)
		tally(name)
	}
	post := func(path string, body []byte) func() {
		return func() {
			resp := p.post(t, path, body)
			require.Equal(t, http.StatusOK, resp.Status, "%s: %s", path, resp.Body)
		}
	}
	// the worker takes the job up as soon as create commits: create is counted up to its answer,
	// the rest until the application is approved and all is quiet is the scoring's
	post("/partner/api/v1/applications/create", createBody(t, guid, "cost-"+guid, func(d map[string]any) {
		d["customer"].(map[string]any)["phone"] = phone
	}))()
	tally("create")
	step("scoring", func() {
		require.Eventually(t, func() bool {
			var status string
			require.NoError(t, app.Store.DB.Get(&status, `SELECT status FROM applications WHERE guid = $1`, guid))
			return status == "APPROVED"
		}, 10*time.Second, 10*time.Millisecond)
	})
	step("status", func() { require.Equal(t, "APPROVED", p.status(t, guid)["status"]) })
	step("select_offer", post(action(guid, "select_offer"), nil))
	step("send_otp", post(action(guid, "send_otp"), nil))
	var code string // read past the store, so that it is not counted
	require.NoError(t, app.Store.DB.Get(&code, `SELECT substring(body from '\d{4,8}') FROM sms_outbox WHERE phone = $1 ORDER BY id DESC LIMIT 1`, phone))
	step("sign", post(action(guid, "sign"), []byte(`{"code":"`+code+`"}`)))
	step("confirm", post(action(guid, "confirm"), []byte(`{"confirm_date":"`+apptest.Today+`"}`)))
	require.Equal(t, "COMPLETED", p.status(t, guid)["status"])

	t.Logf("statements of one partner flow: %d (%s)", total, strings.Join(steps, ", "))
	assert.LessOrEqual(t, total, int64(58))
}

// settled waits until the app has sent no statement for 300 ms: the worker and the event reader
// have finished what a step set off.
func settled(t *testing.T, app *apptest.App) {
	t.Helper()
	n := app.Store.Statements()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		time.Sleep(300 * time.Millisecond)
		m := app.Store.Statements()
		if m == n {
			return
		}
		n = m
	}
	t.Fatal("the app never stopped sending statements")
}
