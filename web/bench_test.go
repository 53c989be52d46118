package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/uuid"

	"lendgraph/apptest"
	"lendgraph/demo"
)

// BenchmarkMeQuery measures a customer's `me` query end to end: HTTP, token check, GraphQL
// execution and one customer lookup in PostgreSQL.
func BenchmarkMeQuery(b *testing.B) {
	app := apptest.Start(b)
	token := app.CustomerToken(b, demo.TestPhone(3))
	for b.Loop() {
		if resp := app.GraphQL(b, token, meQuery, nil); len(resp.Errors) > 0 {
			b.Fatal(resp.Errors)
		}
	}
}

// BenchmarkTokenVerify measures checking a bearer token, done once per request.
func BenchmarkTokenVerify(b *testing.B) {
	app := apptest.Start(b)
	token := app.PartnerToken(b)
	for b.Loop() {
		if _, err := app.Server.Tokens.Verify(token); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCustomerPage measures the back office's page of 50 customers with their documents,
// contacts, cards, flags, addresses and employment.
func BenchmarkCustomerPage(b *testing.B) {
	app := apptest.StartWithoutWorker(b)
	family := "Бенч" + uuid.NewString()[:8]
	apptest.SeedCustomers(b, app.Store, family, 50)
	token := app.EmployeeToken(b)
	query := `query($last: String) { customers(search: {lastName: $last}, first: 50) { edges { node {
		guid documents { status documentInfo { number } } contacts { contact } cards { bin integrations { integrationCode } }
		flags { flagType } restrictions { hasRestrictions } addresses { data } employment { salary } } } } }`
	for b.Loop() {
		if resp := app.GraphQL(b, token, query, map[string]any{"last": family}); len(resp.Errors) > 0 {
			b.Fatal(resp.Errors)
		}
	}
}

// BenchmarkPartnerStatus measures the status route partners poll.
func BenchmarkPartnerStatus(b *testing.B) {
	app := apptest.Start(b)
	p := partnerClient{app: app, token: app.PartnerToken(b)}
	guid := uuid.NewString()
	if resp := p.post(b, "/partner/api/v1/applications/create", createBody(b, guid, "bench-"+guid, nil)); resp.Status != 200 {
		b.Fatalf("create: %d %s", resp.Status, resp.Body)
	}
	for b.Loop() {
		p.status(b, guid)
	}
}

// BenchmarkLoanAccount measures the mobile app's view of a loan: what it owes, its balance, its
// schedule with what was paid, the early repayment bounds and the prolongation terms.
func BenchmarkLoanAccount(b *testing.B) {
	app := apptest.Start(b)
	loan := openLoanOn(b, app, day(-40), nil)
	query := `query($id: ID!) { loan(id: $id) { status payment debts { mainDebt interest fine currentDebt overdueDays }
		balance { fullAmount freeAmount } schedule { n dueDate amount status interestAccrued principalPaid }
		prepaymentBounds { minPrepaymentAmount fullPrepaymentAmount } prolongationPossibility { status terms { price } } } }`
	for b.Loop() {
		if resp := app.GraphQL(b, loan.token, query, map[string]any{"id": loan.loan}); len(resp.Errors) > 0 {
			b.Fatal(resp.Errors)
		}
	}
}

// BenchmarkFragmentBomb measures refusing the fragment bomb (60 levels, 2^60 fields once
// inlined, 2.4 KB) through the server's handler, without a token: the target is under 10 ms.
func BenchmarkFragmentBomb(b *testing.B) {
	benchmarkRefusal(b, "", fragmentBomb(60), "TOO_MANY_FIELDS")
}

// BenchmarkNestedListsRefused measures refusing a customer's applications of applications of
// applications, before any lookup.
func BenchmarkNestedListsRefused(b *testing.B) {
	app := apptest.Start(b)
	benchmarkRefusalOn(b, app, app.CustomerToken(b, demo.TestPhone(2)), nestedLists, "COMPLEXITY_LIMIT_EXCEEDED")
}

// BenchmarkAliasFlood measures refusing 125 aliases of applications(first: 100).
func BenchmarkAliasFlood(b *testing.B) {
	benchmarkRefusal(b, "", aliased(125, "applications(first: 100) { edges { node { id } } }"), "TOO_MANY_ALIASES")
}

func benchmarkRefusal(b *testing.B, token, query, code string) {
	benchmarkRefusalOn(b, apptest.Start(b), token, query, code)
}

// benchmarkRefusalOn posts query to the server's handler in process (no network) and checks it
// is refused with code.
func benchmarkRefusalOn(b *testing.B, app *apptest.App, token, query, code string) {
	handler := app.Server.Handler()
	body, err := json.Marshal(map[string]any{"query": query})
	if err != nil {
		b.Fatal(err)
	}
	want := []byte(`"code":"` + code + `"`)
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if !bytes.Contains(rec.Body.Bytes(), want) {
			b.Fatalf("not refused with %s: %s", code, rec.Body)
		}
	}
}
