package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/config"
	"lendgraph/demo"
)

// fragmentBomb is the query: each fragment spreads the next twice, so it expands to 2^levels
// fields from a text of about 40 bytes a level.
func fragmentBomb(levels int) string {
	var b strings.Builder
	b.WriteString("{ ...F0 }")
	for i := range levels {
		fmt.Fprintf(&b, " fragment F%d on Query { ...F%d ...F%d }", i, i+1, i+1)
	}
	fmt.Fprintf(&b, " fragment F%d on Query { __typename }", levels)
	return b.String()
}

// aliased is n aliases of field in one query.
func aliased(n int, field string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: %s", i, field)
	}
	return b.String() + " }"
}

// nestedLists is the 103-byte query: a customer's applications, their customer's, and theirs.
const nestedLists = `{ me { customer { applications { customer { applications { customer { applications { id } } } } } } } }`

func TestFragmentBombRefused(t *testing.T) {
	app := apptest.Start(t)
	bomb := fragmentBomb(60)
	require.Less(t, len(bomb), 2600, "the issue's 2.4 KB")
	const message = "which exceeds the limit of 1000"

	for name, token := range map[string]string{"without a token": "", "with a token": app.PartnerToken(t)} {
		t.Run(name, func(t *testing.T) {
			resp := app.GraphQL(t, token, bomb, nil)
			require.Equal(t, "TOO_MANY_FIELDS", resp.Code(), "%+v", resp.Errors)
			assert.Contains(t, resp.Errors[0].Message, message)
			assert.Nil(t, resp.Data)
		})
	}
	t.Run("over GET", func(t *testing.T) {
		resp := app.Do(t, http.MethodGet, "/graphql?query="+url.QueryEscape(bomb), nil, nil)
		assert.Contains(t, string(resp.Body), `"code":"TOO_MANY_FIELDS"`)
	})
	t.Run("as a persisted query", func(t *testing.T) {
		sum := sha256.Sum256([]byte(bomb))
		ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
		for _, body := range []map[string]any{{"query": bomb, "extensions": ext}, {"extensions": ext}} {
			b, err := json.Marshal(body)
			require.NoError(t, err)
			resp := app.GraphQLRaw(t, "", b)
			assert.Equal(t, "TOO_MANY_FIELDS", resp.Code(), "%+v", resp.Errors)
		}
	})
	t.Run("over WebSocket", func(t *testing.T) {
		conn := dial(t, app, "graphql-transport-ws")
		require.NoError(t, conn.WriteJSON(wsMessage{Type: "connection_init", Payload: map[string]any{"token": app.PartnerToken(t)}}))
		require.Equal(t, "connection_ack", next(t, conn).Type)
		require.NoError(t, conn.WriteJSON(wsMessage{ID: "1", Type: "subscribe", Payload: map[string]any{"query": bomb}}))
		m := next(t, conn)
		require.Equal(t, "next", m.Type)
		errs, _ := m.Payload["errors"].([]any)
		require.NotEmpty(t, errs)
		assert.Equal(t, "TOO_MANY_FIELDS", errs[0].(map[string]any)["extensions"].(map[string]any)["code"])
		assert.Equal(t, "complete", next(t, conn).Type)
	})
	t.Run("a fragment that spreads itself", func(t *testing.T) {
		resp := app.GraphQL(t, "", `{ ...A } fragment A on Query { ...B } fragment B on Query { __typename ...A }`, nil)
		require.Equal(t, "GRAPHQL_VALIDATION_FAILED", resp.Code())
		assert.Contains(t, resp.Errors[0].Message, "within itself")
	})
	t.Run("a bomb that stays within the limit runs", func(t *testing.T) {
		resp := app.GraphQL(t, "", fragmentBomb(4), nil) // 16 times __typename
		require.Empty(t, resp.Errors)
		assert.Equal(t, "Query", resp.Data["__typename"])
	})
}

func TestNestedListsRefusedBeforeSQL(t *testing.T) {
	app := apptest.StartWithoutWorker(t)
	token := app.CustomerToken(t, demo.TestPhone(2))
	before := app.Store.Statements()
	resp := app.GraphQL(t, token, nestedLists, nil)
	require.Equal(t, "COMPLEXITY_LIMIT_EXCEEDED", resp.Code(), "%+v", resp.Errors)
	assert.Contains(t, resp.Errors[0].Message, "exceeds the limit of 20000")
	assert.Greater(t, resp.Errors[0].Extensions["cost"], float64(1_000_000), "100 applications, each with 100, each with 100")
	assert.Nil(t, resp.Data)
	assert.Equal(t, before, app.Store.Statements(), "refused before any statement")
	assert.Equal(t, "COMPLEXITY_LIMIT_EXCEEDED", app.GraphQL(t, "", nestedLists, nil).Code(), "without a token too")

	// one level of it is what the app asks
	resp = app.GraphQL(t, token, `{ me { customer { applications { id status } } } }`, nil)
	require.Empty(t, resp.Errors)
}

func TestAliasFloodRefused(t *testing.T) {
	flood := aliased(125, "applications(first: 100) { edges { node { id } } }")
	for name, token := range map[string]func(*apptest.App) string{
		"without a token": func(*apptest.App) string { return "" },
		"with a token":    func(app *apptest.App) string { return app.PartnerToken(t) },
	} {
		t.Run(name, func(t *testing.T) {
			app := apptest.Start(t)
			resp := app.GraphQL(t, token(app), flood, nil)
			require.Equal(t, "TOO_MANY_ALIASES", resp.Code(), "%+v", resp.Errors)
			assert.Equal(t, "operation has 125 aliases, which exceeds the limit of 30", resp.Errors[0].Message)

			app = apptest.Start(t, func(c *config.Config) { c.GraphQLMaxAliases = 0 })
			resp = app.GraphQL(t, token(app), flood, nil)
			require.Equal(t, "COMPLEXITY_LIMIT_EXCEEDED", resp.Code(), "without the alias limit, their cost refuses them: %+v", resp.Errors)
			assert.Equal(t, float64(125*(1+1+100*2)), resp.Errors[0].Extensions["cost"])
		})
	}
}

func TestShapeLimits(t *testing.T) {
	app := apptest.Start(t)
	token := app.EmployeeToken(t)

	resp := app.GraphQL(t, token, "{ me { "+strings.Repeat("role ", 5000)+"} }", nil)
	require.Equal(t, "QUERY_TOO_LARGE", resp.Code(), "%+v", resp.Errors)
	assert.Equal(t, "operation has more than 5000 tokens, which is the limit", resp.Errors[0].Message)
	resp = app.GraphQL(t, "", "{ me { "+strings.Repeat("role ", 100_000)+"} }", nil)
	assert.Equal(t, "QUERY_TOO_LARGE", resp.Code(), "without a token too")

	resp = app.GraphQL(t, token, "{ me { "+strings.Repeat("role @include(if: true) ", 51)+"} }", nil)
	require.Equal(t, "TOO_MANY_DIRECTIVES", resp.Code(), "%+v", resp.Errors)
	assert.Equal(t, "operation has 51 directives, which exceeds the limit of 50", resp.Errors[0].Message)
	fifty := "{ me { " + strings.Repeat("role @include(if: true) @skip(if: false) ", 20) + strings.Repeat("subject @include(if: true) ", 10) + "} }"
	require.Empty(t, app.GraphQL(t, token, fifty, nil).Errors)

	resp = app.GraphQL(t, token, "{ me { "+strings.Repeat("role ", 1001)+"} }", nil)
	require.Equal(t, "TOO_MANY_FIELDS", resp.Code(), "%+v", resp.Errors)
	assert.Equal(t, "operation expands to 1002 fields once its fragments are inlined, which exceeds the limit of 1000", resp.Errors[0].Message)

	// validation compares every two selections of one field: 990 of them would be half a million comparisons
	resp = app.GraphQL(t, "", "{ me { "+strings.Repeat("role ", 990)+"} }", nil)
	require.Equal(t, "TOO_MANY_REPEATS", resp.Code(), "%+v", resp.Errors)
	assert.Equal(t, "operation selects me.role 990 times, which exceeds the limit of 20", resp.Errors[0].Message)
	resp = app.GraphQL(t, token, "{ me { ...V ...V ...W } } fragment V on Viewer { "+strings.Repeat("role ", 10)+"} fragment W on Viewer { role }", nil)
	require.Equal(t, "TOO_MANY_REPEATS", resp.Code(), "through fragments: %+v", resp.Errors)
	assert.Contains(t, resp.Errors[0].Message, "me.role 21 times")
	require.Empty(t, app.GraphQL(t, token, "{ me { ...V ...V } } fragment V on Viewer { "+strings.Repeat("role ", 10)+"}", nil).Errors)
}

// TestHonestOperationsFit: what the apps ask stays within every limit — GraphiQL's introspection, a
// full page of customers with their nested lists, a customer's own applications and loans.
func TestHonestOperationsFit(t *testing.T) {
	app := apptest.StartWithoutWorker(t)
	require.Empty(t, app.GraphQL(t, "", introspectionQuery, nil).Errors)

	family := "Цена" + fmt.Sprint(time.Now().UnixNano())[10:]
	apptest.SeedCustomers(t, app.Store, family, 3)
	page := `query($last: String, $first: Int) { customers(search: {lastName: $last}, first: $first) { edges { node {
		guid documents { status documentType { name } documentInfo { number } files { version } }
		contacts { contact } cards { bin integrations { integrationCode } } flags { flagType flagReason }
		restrictions { hasRestrictions } addresses { data } employment { salary } } } pageInfo { hasNextPage endCursor } } }`
	resp := app.GraphQL(t, app.EmployeeToken(t), page, map[string]any{"last": family, "first": 100})
	require.Empty(t, resp.Errors)
	assert.Len(t, resp.Data["customers"].(map[string]any)["edges"], 3)

	customer := app.CustomerToken(t, demo.TestPhone(3))
	resp = app.GraphQL(t, customer, `{ me { role customer { applications { id status offers { amount } } loans { id status } } loans { id } } }`, nil)
	require.Empty(t, resp.Errors)
}

// TestClientGoneStopsResolving: a client that hangs up mid-operation leaves the rest unresolved.
// The first of twenty serial mutations waits on a table lock; the client hangs up; the other
// nineteen are never resolved, and the operation logs one line, with no "internal error".
func TestClientGoneStopsResolving(t *testing.T) {
	app := apptest.StartWithoutWorker(t)
	token := app.EmployeeToken(t)
	suffix := fmt.Sprint(time.Now().UnixNano())
	var b strings.Builder
	b.WriteString("mutation Many {")
	for i := range 20 {
		fmt.Fprintf(&b, " p%d: createPaymentProvider(code: \"GONE_%s_%d\") { id }", i, suffix, i)
	}
	b.WriteString(" }")

	lock, err := app.Store.DB.BeginTx(t.Context(), nil)
	require.NoError(t, err)
	defer lock.Rollback()
	_, err = lock.Exec(`LOCK TABLE payment_providers IN ACCESS EXCLUSIVE MODE`)
	require.NoError(t, err)

	ctx, hangUp := context.WithCancel(t.Context())
	body, err := json.Marshal(map[string]any{"query": b.String()})
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, app.URL+"/graphql", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	done := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()

	waiting := func() bool {
		var n int
		require.NoError(t, app.Store.DB.Get(&n, `SELECT count(*) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE '%payment_providers%'`))
		return n > 0
	}
	require.Eventually(t, waiting, 10*time.Second, 10*time.Millisecond, "the first mutation waits on the lock")
	hangUp()
	require.True(t, errors.Is(<-done, context.Canceled))

	stopped := func() bool { return strings.Contains(app.Logs.String(), "graphql operation stopped") }
	require.Eventually(t, stopped, 10*time.Second, 10*time.Millisecond, "the operation ends once the client has gone")
	require.NoError(t, lock.Rollback())

	logs := app.Logs.String()
	assert.Equal(t, 1, strings.Count(logs, "graphql operation stopped"), "one line for the operation")
	assert.Contains(t, logs, `"fields_not_resolved":19`, "the nineteen mutations after the first are not resolved")
	assert.NotContains(t, logs, "internal error")
	var created int
	require.NoError(t, app.Store.DB.Get(&created, `SELECT count(*) FROM payment_providers WHERE code LIKE $1`, "GONE_"+suffix+"%"))
	assert.Zero(t, created)
}
