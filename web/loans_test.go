package web_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/demo"
)

// openLoan drives the spec's application for phone through to an opened loan and returns its guid.
// A named demo customer's phone is filed under their names, as the identity rule wants.
func openLoan(t *testing.T, app *apptest.App, p partnerClient, phone string) string {
	t.Helper()
	guid := newApplication(t, p, func(d map[string]any) {
		d["customer"].(map[string]any)["phone"] = phone
		for _, c := range demo.Customers {
			if c.Phone == phone {
				identityApplicant(phone, c.First, c.Last, c.Middle)(d)
			}
		}
	})
	for _, step := range [][2]string{{"select_offer", ``}, {"send_otp", ``}, {"sign", `{"code":"1111"}`}, {"confirm", `{"confirm_date":"` + day(0) + `"}`}} {
		require.Equal(t, http.StatusOK, p.post(t, action(guid, step[0]), []byte(step[1])).Status, step[0])
	}
	data := gql(t, app, app.EmployeeToken(t), `query($id: ID!) { application(id: $id) { loan { id status } } }`, map[string]any{"id": guid})
	loan := data["application"].(map[string]any)["loan"].(map[string]any)
	require.Equal(t, "OPENED", loan["status"])
	return loan["id"].(string)
}

const loanFields = `id status accrualsStopped acknowledgeStatus closedAt history { event status reason actor }`

func TestLoanFraudActions(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	employee := app.EmployeeToken(t)
	loan := openLoan(t, app, p, demo.TestPhone(5))
	vars := func(extra map[string]any) map[string]any {
		extra["id"] = loan
		return extra
	}

	history := gql(t, app, employee, `query($id: ID!) { loan(id: $id) { `+loanFields+` } }`, vars(map[string]any{}))["loan"].(map[string]any)["history"].([]any)
	require.Len(t, history, 2)
	assert.Equal(t, "NEW", history[0].(map[string]any)["status"])
	assert.Equal(t, "OPENED", history[1].(map[string]any)["status"])

	stop := `mutation($id: ID!, $reason: String!) { stopAccruals(loanId: $id, reason: $reason) { ` + loanFields + ` } }`
	assert.Equal(t, "INVALID", app.GraphQL(t, employee, stop, vars(map[string]any{"reason": "  "})).Code(), "a reason is required")
	l := gql(t, app, employee, stop, vars(map[string]any{"reason": "подозрение на мошенничество"}))["stopAccruals"].(map[string]any)
	assert.Equal(t, true, l["accrualsStopped"])
	last := l["history"].([]any)[2].(map[string]any)
	assert.Equal(t, "ACCRUALS_STOPPED", last["event"])
	assert.Equal(t, "подозрение на мошенничество", last["reason"])
	assert.Regexp(t, `^employee:\d+$`, last["actor"])
	assert.Equal(t, "CONFLICT", app.GraphQL(t, employee, stop, vars(map[string]any{"reason": "again"})).Code(), "stopping twice")

	resume := `mutation($id: ID!) { resumeAccruals(loanId: $id, reason: "проверка пройдена") { accrualsStopped } }`
	assert.Equal(t, false, gql(t, app, employee, resume, vars(map[string]any{}))["resumeAccruals"].(map[string]any)["accrualsStopped"])
	assert.Equal(t, "CONFLICT", app.GraphQL(t, employee, resume, vars(map[string]any{})).Code(), "resuming what runs")

	closed := gql(t, app, employee, `mutation($id: ID!) { closeHopelessLoan(loanId: $id, reason: "безнадёжный долг") { `+loanFields+` } }`, vars(map[string]any{}))["closeHopelessLoan"].(map[string]any)
	assert.Equal(t, "CLOSED", closed["status"])
	assert.Equal(t, true, closed["accrualsStopped"])
	assert.NotNil(t, closed["closedAt"])
	code := app.GraphQL(t, employee, stop, vars(map[string]any{"reason": "after close"})).Code()
	assert.Equal(t, "CONFLICT", code, "a closed loan accrues nothing to stop")

	trail := gql(t, app, employee, `query($id: String) { auditTrail(entity: "loan", entityId: $id) { action changes } }`, map[string]any{"id": loan})["auditTrail"].([]any)
	var actions []any
	for _, e := range trail {
		actions = append(actions, e.(map[string]any)["action"])
	}
	assert.Equal(t, []any{"closeHopelessLoan", "resumeAccruals", "stopAccruals"}, actions, "failed actions leave no entry")

	assert.Equal(t, "LOAN_NOT_FOUND", app.GraphQL(t, employee, stop, map[string]any{"id": "8a4b3b1e-0000-4000-8000-000000000000", "reason": "x"}).Code())
}

func TestStopCustomerAccruals(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	employee := app.EmployeeToken(t)
	phone := demo.TestPhone(6)
	first, second := openLoan(t, app, p, phone), openLoan(t, app, p, phone)
	customer := gql(t, app, app.CustomerToken(t, phone), `{ me { customer { guid } } }`, nil)["me"].(map[string]any)["customer"].(map[string]any)["guid"]

	stopped := gql(t, app, employee, `mutation($c: ID!) { stopCustomerAccruals(customerId: $c, reason: "мошенничество") { id } }`, map[string]any{"c": customer})["stopCustomerAccruals"].([]any)
	var ids []any
	for _, l := range stopped {
		ids = append(ids, l.(map[string]any)["id"])
	}
	assert.Subset(t, ids, []any{first, second}, "the customer's loans, these two among them")
	loans := gql(t, app, employee, `query($c: ID) { customer(guid: $c) { loans { status accrualsStopped } } }`, map[string]any{"c": customer})
	for _, l := range loans["customer"].(map[string]any)["loans"].([]any) {
		if l.(map[string]any)["status"] == "OPENED" {
			assert.Equal(t, true, l.(map[string]any)["accrualsStopped"], "every accruing loan of the customer stopped")
		}
	}
	again := gql(t, app, employee, `mutation($c: ID!) { stopCustomerAccruals(customerId: $c, reason: "ещё раз") { id } }`, map[string]any{"c": customer})
	assert.Empty(t, again["stopCustomerAccruals"], "nothing left to stop")
}

func TestLoanAccess(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	owner := demo.TestPhone(7)
	loan := openLoan(t, app, p, owner)
	ownerToken, stranger := app.CustomerToken(t, owner), app.CustomerToken(t, demo.TestPhone(9))
	ack := `mutation($id: ID!, $s: String!) { setLoanAcknowledgement(loanId: $id, status: $s) { acknowledgeStatus } }`

	assert.Equal(t, "NO_LOAN_TAKEN", gql(t, app, ownerToken, ack, map[string]any{"id": loan, "s": "NO_LOAN_TAKEN"})["setLoanAcknowledgement"].(map[string]any)["acknowledgeStatus"])
	assert.Equal(t, "INVALID", app.GraphQL(t, ownerToken, ack, map[string]any{"id": loan, "s": "MAYBE"}).Code())
	assert.Equal(t, "LOAN_NOT_FOUND", app.GraphQL(t, stranger, ack, map[string]any{"id": loan, "s": "REMOVE_LOAN"}).Code())
	assert.Equal(t, "FORBIDDEN", app.GraphQL(t, p.token, ack, map[string]any{"id": loan, "s": "REMOVE_LOAN"}).Code())

	read := `query($id: ID!) { loan(id: $id) { id status acknowledgeStatus } }`
	assert.Equal(t, loan, gql(t, app, ownerToken, read, map[string]any{"id": loan})["loan"].(map[string]any)["id"])
	assert.Nil(t, gql(t, app, stranger, read, map[string]any{"id": loan})["loan"], "another's loan does not exist for them")
	assert.Equal(t, "FORBIDDEN", app.GraphQL(t, p.token, read, map[string]any{"id": loan}).Code())
	assert.Equal(t, "FORBIDDEN", app.GraphQL(t, ownerToken, `query($id: ID!) { loan(id: $id) { history { event } } }`, map[string]any{"id": loan}).Code(), "the history with its reasons is the back office's")
	for _, token := range []string{ownerToken, p.token} {
		resp := app.GraphQL(t, token, `mutation($id: ID!) { stopAccruals(loanId: $id, reason: "x") { id } }`, map[string]any{"id": loan})
		assert.Equal(t, "FORBIDDEN", resp.Code())
	}
}
