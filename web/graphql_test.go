package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/config"
	"lendgraph/demo"
)

func production(c *config.Config) { c.Env = "production" }

func TestIntrospectionAndSuggestions(t *testing.T) {
	dev := apptest.Start(t)
	prod := apptest.Start(t, production)
	const introspect = `{ __schema { queryType { name } } }`
	const typo = `{ mee { role } }`

	resp := dev.GraphQL(t, "", introspect, nil)
	require.Empty(t, resp.Errors)
	assert.Equal(t, "Query", resp.Data["__schema"].(map[string]any)["queryType"].(map[string]any)["name"])
	assert.Contains(t, dev.GraphQL(t, "", typo, nil).Errors[0].Message, `Did you mean "me"?`)

	resp = prod.GraphQL(t, "", introspect, nil)
	require.NotEmpty(t, resp.Errors)
	assert.Equal(t, "INTROSPECTION_DISABLED", resp.Code())
	assert.Equal(t, "INTROSPECTION_DISABLED", prod.GraphQL(t, "", `{ me { role } a: __type(name: "Query") { name } }`, nil).Code())
	assert.Nil(t, resp.Data)
	resp = prod.GraphQL(t, "", typo, nil)
	require.NotEmpty(t, resp.Errors)
	assert.Equal(t, "GRAPHQL_VALIDATION_FAILED", resp.Code())
	assert.NotContains(t, resp.Errors[0].Message, "Did you mean")
}

func TestGraphiQL(t *testing.T) {
	resp := apptest.Start(t).Do(t, http.MethodGet, "/", nil, nil)
	require.Equal(t, http.StatusOK, resp.Status)
	assert.Contains(t, string(resp.Body), "graphiql")
	assert.Equal(t, http.StatusNotFound, apptest.Start(t, production).Do(t, http.MethodGet, "/", nil, nil).Status)
}

func TestDepthLimit(t *testing.T) {
	app := apptest.Start(t)
	nested := func(levels int) string {
		return `{ __type(name: "Query") { fields { type ` + strings.Repeat("{ ofType ", levels) + "{ name }" + strings.Repeat(" }", levels) + " } } }"
	}
	// depth = __type, fields, type, the ofTypes, name
	require.Empty(t, app.GraphQL(t, "", nested(11), nil).Errors, "15 levels are allowed")
	resp := app.GraphQL(t, "", nested(12), nil)
	require.Equal(t, "DEPTH_LIMIT_EXCEEDED", resp.Code())
	assert.Equal(t, "operation is nested 16 levels deep, which exceeds the limit of 15", resp.Errors[0].Message)

	t.Run("through fragments", func(t *testing.T) {
		q := `query { __type(name: "Query") { ...F } } fragment F on __Type { fields { type ` +
			strings.Repeat("{ ofType ", 12) + "{ name }" + strings.Repeat(" }", 12) + " } }"
		assert.Equal(t, "DEPTH_LIMIT_EXCEEDED", app.GraphQL(t, "", q, nil).Code())
	})
	t.Run("GraphiQL's introspection query fits", func(t *testing.T) {
		assert.Empty(t, app.GraphQL(t, "", introspectionQuery, nil).Errors)
	})
}

// TestComplexityLimit: a list multiplies its fields' cost by its size, here first from a variable.
func TestComplexityLimit(t *testing.T) {
	app := apptest.Start(t)
	token := app.PartnerToken(t)
	// each alias: applications 1 + edges (1 + n × node (1 + id + four lists of 5 assumed items, 6 each)) = 2 + 26n
	query := "query($n: Int) " + aliased(10, "applications(first: $n) { edges { node { id cart { name } offers { amount } files { id } events { status } } } }")
	require.Empty(t, app.GraphQL(t, token, query, map[string]any{"n": 50}).Errors) // 13 020
	resp := app.GraphQL(t, token, query, map[string]any{"n": 100})                 // 26 020
	require.Equal(t, "COMPLEXITY_LIMIT_EXCEEDED", resp.Code())
	assert.Equal(t, "operation costs 26020, which exceeds the limit of 20000 (each field costs 1, times the size of the lists around it)", resp.Errors[0].Message)
	assert.Nil(t, resp.Data)
}

func TestBodyLimit(t *testing.T) {
	app := apptest.Start(t, func(c *config.Config) { c.MaxBodyBytes = 64 << 10 })
	big := `{"query":"{ me { role } }","variables":{"pad":"` + strings.Repeat("x", 70<<10) + `"}}`
	resp := app.Do(t, http.MethodPost, "/graphql", strings.NewReader(big), http.Header{"Content-Type": {"application/json"}})
	assertRESTError(t, resp, http.StatusRequestEntityTooLarge, "TOO_LARGE")

	// a body without a declared length is cut off when it grows too big
	req, err := http.NewRequest(http.MethodPost, app.URL+"/auth/otp", struct{ *strings.Reader }{strings.NewReader("phone_number=" + strings.Repeat("7", 70<<10))})
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.ContentLength = -1
	r, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	r.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, r.StatusCode)
}

func TestPersistedQueries(t *testing.T) {
	app := apptest.Start(t)
	token := app.PartnerToken(t)
	query := `query Who { me { role } }`
	sum := sha256.Sum256([]byte(query))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	post := func(body map[string]any) apptest.GQLResponse {
		b, _ := json.Marshal(body)
		return app.GraphQLRaw(t, token, b)
	}

	assert.Equal(t, "PersistedQueryNotFound", post(map[string]any{"extensions": ext}).Errors[0].Message)
	require.Empty(t, post(map[string]any{"query": query, "extensions": ext}).Errors)
	resp := post(map[string]any{"extensions": ext})
	require.Empty(t, resp.Errors)
	assert.Equal(t, "PARTNER", resp.Data["me"].(map[string]any)["role"])

	wrong := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("0", 64)}}
	assert.NotEmpty(t, post(map[string]any{"query": query, "extensions": wrong}).Errors, "a hash that does not match its query is refused")
}

func TestGetQueriesOnly(t *testing.T) {
	app := apptest.Start(t)
	auth := http.Header{"Authorization": {"Bearer " + app.EmployeeToken(t)}}
	resp := app.Do(t, http.MethodGet, "/graphql?query="+url.QueryEscape(`{ me { role } }`), nil, auth)
	require.Equal(t, http.StatusOK, resp.Status)
	assert.JSONEq(t, `{"data":{"me":{"role":"EMPLOYEE"}}}`, string(resp.Body))

	mutation := `mutation { requestOtp(input: {phone: "79990000301"}) { phone } }`
	resp = app.Do(t, http.MethodGet, "/graphql?query="+url.QueryEscape(mutation), nil, auth)
	assert.NotEqual(t, http.StatusOK, resp.Status, "%s", resp.Body)
	_, err := app.Store.LatestSMS(t.Context(), "79990000301")
	assert.Error(t, err, "a GET mutation sends nothing")
}

func TestInternalErrorsDoNotLeak(t *testing.T) {
	app := apptest.Start(t)
	token := app.CustomerToken(t, demo.TestPhone(2))
	require.NoError(t, app.Store.Close()) // every query now fails inside the store

	resp := app.GraphQL(t, token, `{ me { role customer { phone } } }`, nil)
	require.Equal(t, "INTERNAL", resp.Code())
	assert.Equal(t, "internal error", resp.Errors[0].Message)
	traceID := resp.Errors[0].Extensions["traceId"].(string)
	assert.Regexp(t, `^[0-9a-f]{32}$`, traceID)
	assert.Contains(t, app.Logs.String(), "database is closed", "the cause is logged")
	assert.Contains(t, app.Logs.String(), traceID, "under the trace id")

	rest := app.PostForm(t, "/auth/employees", url.Values{"grant_type": {"password"}, "username": {"x"}, "password": {"y"}}, nil)
	body := assertRESTError(t, rest, http.StatusInternalServerError, "INTERNAL")
	assert.Equal(t, "internal error", body["message"])
	assert.NotContains(t, string(rest.Body), "sql")
}

// introspectionQuery is the query GraphiQL sends to learn the schema.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`
