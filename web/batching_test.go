package web_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
)

// TestCustomerPageCostsFixedStatements: a page of customers with their documents, contacts, cards,
// flags, addresses, employment, applications and loans costs the same number of SQL statements for
// 5 customers as for 50: the search, then one statement for each level below it.
func TestCustomerPageCostsFixedStatements(t *testing.T) {
	app := apptest.StartWithoutWorker(t) // no worker polling the store meanwhile
	family := "Батч" + uuid.NewString()[:8]
	apptest.SeedCustomers(t, app.Store, family, 50)

	query := `query($last: String, $first: Int) { customers(search: {lastName: $last}, first: $first) { edges { node {
		guid documents { status documentType { name } documentInfo { number } files { version } }
		contacts { contact } cards { bin integrations { integrationCode } } flags { flagType flagReason }
		restrictions { hasRestrictions } addresses { data } employment { salary } applications { status } loans { number } } } } }`
	token := app.EmployeeToken(t)
	cost := func(n int) int64 {
		before := app.Store.Statements()
		resp := app.GraphQL(t, token, query, map[string]any{"last": family, "first": n})
		require.Empty(t, resp.Errors)
		require.Len(t, resp.Data["customers"].(map[string]any)["edges"], n)
		return app.Store.Statements() - before
	}
	small, large := cost(5), cost(50)
	assert.Equal(t, small, large, "statements for 5 customers: %d, for 50: %d", small, large)
	assert.Equal(t, int64(3), large, "the search, the customers' lists, the documents' files with the cards' integrations")
}

// TestApplicationPageCostsFixedStatements: a page of applications with their partner, customer
// (and the customer's documents with their files), cart, offers, files, loan and events costs the
// same number of statements for 5 applications as for 50: the page, then one for each level below.
func TestApplicationPageCostsFixedStatements(t *testing.T) {
	app := apptest.StartWithoutWorker(t)
	from := apptest.SeedApplications(t, app.Store, 50)

	token := app.EmployeeToken(t)
	cost := func(n int) int64 {
		before := app.Store.Statements()
		resp := app.GraphQL(t, token, applicationPage, map[string]any{"first": n, "from": from, "before": from.Add(time.Second)})
		require.Empty(t, resp.Errors)
		edges := resp.Data["applications"].(map[string]any)["edges"].([]any)
		require.Len(t, edges, n)
		node := edges[0].(map[string]any)["node"].(map[string]any)
		assert.Len(t, node["offers"], 2)
		assert.Len(t, node["files"], 2)
		assert.Len(t, node["events"], 2)
		assert.Equal(t, "demo", node["partner"].(map[string]any)["name"])
		assert.Len(t, node["customer"].(map[string]any)["documents"], 1)
		return app.Store.Statements() - before
	}
	small, large := cost(5), cost(50)
	t.Logf("statements for a page of 5 and of 50 applications: %d, %d", small, large)
	assert.Equal(t, small, large, "statements for 5 applications: %d, for 50: %d", small, large)
	assert.Equal(t, int64(4), large, "the page, what hangs off the applications, the customers' documents, the documents' files")
}

// TestLoanPageCostsFixedStatements: a page of loans with their schedules costs the same number of
// statements for 5 loans as for 50: the page, then the schedules of all of them.
func TestLoanPageCostsFixedStatements(t *testing.T) {
	app := apptest.StartWithoutWorker(t)
	apptest.SeedApplications(t, app.Store, 50)
	token := app.EmployeeToken(t)
	query := `query($first: Int) { loans(first: $first, filter: {status: ["OPENED"]}) { edges { node { number schedule { n dueDate amount status } } } } }`
	cost := func(n int) int64 {
		before := app.Store.Statements()
		resp := app.GraphQL(t, token, query, map[string]any{"first": n})
		require.Empty(t, resp.Errors)
		edges := resp.Data["loans"].(map[string]any)["edges"].([]any)
		require.Len(t, edges, n)
		for _, e := range edges {
			assert.Len(t, e.(map[string]any)["node"].(map[string]any)["schedule"], 2)
		}
		return app.Store.Statements() - before
	}
	small, large := cost(5), cost(50)
	assert.Equal(t, small, large, "statements for 5 loans: %d, for 50: %d", small, large)
	assert.Equal(t, int64(2), large, "the page, the schedules")
}

// applicationPage is a back-office page of applications with what hangs off each.
const applicationPage = `query($first: Int, $from: Time, $before: Time) { applications(first: $first, filter: {createdFrom: $from, createdBefore: $before}) {
	edges { node { id partner { name } customer { guid documents { documentInfo { number } files { version } } }
	cart { name } offers { amount } selectedOffer { id } files { fileType size } loan { number } events { status } } } } }`
