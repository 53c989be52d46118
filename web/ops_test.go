package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/demo"
)

func TestHealthAndReadiness(t *testing.T) {
	app := apptest.Start(t)
	assert.JSONEq(t, `{"status":"ok"}`, string(app.Do(t, http.MethodGet, "/healthz", nil, nil).Body))
	ready := app.Do(t, http.MethodGet, "/readyz", nil, nil)
	assert.Equal(t, http.StatusOK, ready.Status)
	assert.JSONEq(t, `{"status":"ready"}`, string(ready.Body))

	// the newest migration forgotten: the database lags behind the binary
	var version int64
	require.NoError(t, app.Store.DB.GetContext(t.Context(), &version,
		`DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version) RETURNING version_id`))
	t.Cleanup(func() {
		_, err := app.Store.DB.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, true)`, version)
		require.NoError(t, err)
	})
	pending := app.Do(t, http.MethodGet, "/readyz", nil, nil)
	assert.Equal(t, http.StatusServiceUnavailable, pending.Status)
	assert.JSONEq(t, `{"status":"migrations pending"}`, string(pending.Body))
}

func TestReadinessWithoutDatabase(t *testing.T) {
	app := apptest.Start(t)
	require.NoError(t, app.Store.Close())
	assert.Equal(t, http.StatusOK, app.Do(t, http.MethodGet, "/healthz", nil, nil).Status, "the process is up")
	resp := app.Do(t, http.MethodGet, "/readyz", nil, nil)
	assert.Equal(t, http.StatusServiceUnavailable, resp.Status)
	assert.JSONEq(t, `{"status":"database unreachable"}`, string(resp.Body))
}

func TestMetrics(t *testing.T) {
	app := apptest.Start(t)
	token := app.PartnerToken(t)
	app.GraphQL(t, token, `query WhoAmI { me { role } }`, nil)
	app.GraphQL(t, "", `query Anonymous { me { role } }`, nil)
	app.PostForm(t, "/auth/partners", url.Values{"grant_type": {"client_credentials"}}, nil)

	body := string(app.Do(t, http.MethodGet, "/metrics", nil, nil).Body)
	for _, want := range []string{
		`lendgraph_http_request_duration_seconds_count{method="POST",route="/graphql",status="200"}`,
		`lendgraph_http_request_duration_seconds_count{method="POST",route="/auth/partners",status="401"} 1`,
		`lendgraph_graphql_operation_duration_seconds_count{operation="WhoAmI",type="query"} 1`,
		`lendgraph_errors_total{api="graphql",code="UNAUTHENTICATED"} 1`,
		`lendgraph_errors_total{api="rest",code="UNAUTHENTICATED"} 1`,
		`go_sql_max_open_connections{db_name="lendgraph"}`,
		`lendgraph_websockets_active 0`,
	} {
		assert.True(t, strings.Contains(body, want), "/metrics lacks %s", want)
	}
}

func TestTraceIDs(t *testing.T) {
	app := apptest.Start(t)
	for _, path := range []string{"/healthz", "/readyz", "/graphql", "/no/such/route"} {
		resp := app.Do(t, http.MethodGet, path, nil, nil)
		assert.Regexp(t, `^[0-9a-f]{32}$`, resp.Header.Get("X-Trace-Id"), path)
	}
	resp := app.Do(t, http.MethodGet, "/healthz", nil, http.Header{"traceparent": {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}})
	assert.Equal(t, "4bf92f3577b34da6a3ce929d0e0e4736", resp.Header.Get("X-Trace-Id"), "a caller's W3C trace id is kept")
	assert.Contains(t, app.Logs.String(), `"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"`)

	notFound := app.Do(t, http.MethodGet, "/no/such/route", nil, nil)
	assertRESTError(t, notFound, http.StatusNotFound, "NOT_FOUND")
	assertRESTError(t, app.Do(t, http.MethodDelete, "/auth", nil, nil), http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED")
}

func TestLogsHoldNoSecrets(t *testing.T) {
	app := apptest.Start(t)
	phone := demo.TestPhone(5)
	customer := app.CustomerToken(t, phone)
	partner := app.PartnerToken(t)
	employee := app.EmployeeToken(t)
	app.GraphQL(t, customer, meQuery, nil)
	app.PostForm(t, "/auth", customerForm(phone, "4321"), device) // a wrong code is logged as refused

	logs := app.Logs.String()
	require.Contains(t, logs, `"msg":"otp issued"`)
	require.Contains(t, logs, `"phone":"7901***0005"`, "phones are masked")
	// what the lines say, less the random figures (times, trace ids, sizes) where "1111" may occur
	var said strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var record map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &record), line)
		for _, random := range []string{"time", "trace_id", "duration_ms", "bytes"} {
			delete(record, random)
		}
		fmt.Fprintln(&said, record)
	}
	for _, secret := range []string{phone, demo.OTPCode, "4321", customer, partner, employee, demo.PartnerClientSecret, demo.EmployeePassword} {
		assert.NotContains(t, said.String(), secret)
	}
}
