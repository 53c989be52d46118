package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/config"
	"lendgraph/demo"
)

// signedOn backdates the signing of an application's contract to day, as if it had been signed
// then: the fixture of a loan opened in the past, since confirm takes no day before the signing.
func signedOn(t testing.TB, app *apptest.App, guid, day string) {
	t.Helper()
	_, err := app.Store.DB.Exec(`UPDATE loans SET created_at = $2::date::timestamp AT TIME ZONE 'UTC'
		FROM applications a WHERE a.id = loans.application_id AND a.guid = $1`, guid, day)
	require.NoError(t, err)
}

// fieldNames returns the fields an INVALID answer (REST body or GraphQL extensions) names.
func fieldNames(v any) []string {
	var names []string
	for _, f := range regList(v) {
		names = append(names, fmt.Sprint(regObj(f)["field"]))
	}
	return names
}

// chunked hides a body's length, so that it is sent chunked, without a Content-Length.
func chunked(body string) io.Reader { return struct{ io.Reader }{strings.NewReader(body)} }

func TestBadInputNULInREST(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	guid := uuid.NewString()
	countApps := func() (n int) {
		require.NoError(t, app.Store.DB.Get(&n, `SELECT count(*) FROM applications`))
		return n
	}
	before := countApps()

	t.Run("a NUL in a JSON string", func(t *testing.T) {
		body := createBody(t, guid, "nul-"+guid, func(d map[string]any) {
			d["customer"].(map[string]any)["first_name"] = "Ва\u0000силий"
			d["cart"].(map[string]any)["items"].([]any)[0].(map[string]any)["name"] = "iPhone\u0000"
		})
		resp := assertRESTError(t, p.post(t, "/partner/api/v1/applications/create", body), http.StatusBadRequest, "INVALID")
		assert.ElementsMatch(t, []string{"customer.first_name", "cart.items[0].name"}, fieldNames(resp["fields"]))
	})
	t.Run("a NUL in a member name of a JSON object", func(t *testing.T) {
		body := createBody(t, guid, "nul-"+guid, func(d map[string]any) { d["additional_data"] = map[string]any{"k\u0000": "v"} })
		resp := assertRESTError(t, p.post(t, "/partner/api/v1/applications/create", body), http.StatusBadRequest, "INVALID")
		assert.Equal(t, []string{"additional_data"}, fieldNames(resp["fields"]))
	})
	t.Run("invalid UTF-8 in a JSON string", func(t *testing.T) {
		body := bytes.Replace(createBody(t, guid, "utf-"+guid, func(d map[string]any) { d["customer"].(map[string]any)["last_name"] = "BAD" }),
			[]byte(`"BAD"`), []byte("\"Za\xffcev\""), 1)
		resp := assertRESTError(t, p.post(t, "/partner/api/v1/applications/create", body), http.StatusBadRequest, "INVALID")
		assert.Equal(t, []string{"customer.last_name"}, fieldNames(resp["fields"]))
	})
	t.Run("a NUL in a form field", func(t *testing.T) {
		resp := assertRESTError(t, app.PostForm(t, "/auth/otp", url.Values{"phone_number": {"7901000\x000001"}}, nil), http.StatusBadRequest, "INVALID")
		assert.Equal(t, []string{"phone_number"}, fieldNames(resp["fields"]))
	})
	t.Run("a NUL in the path, the query and a kept header", func(t *testing.T) {
		resp := assertRESTError(t, app.Do(t, http.MethodGet, "/partner/api/v1/applications/a%00b/status", nil,
			http.Header{"Authorization": {"Bearer " + p.token}}), http.StatusBadRequest, "INVALID")
		assert.Equal(t, []string{"path"}, fieldNames(resp["fields"]))
		resp = assertRESTError(t, app.Do(t, http.MethodGet, "/partner/api/v1/applications/"+guid+"/status?x=%ff", nil,
			http.Header{"Authorization": {"Bearer " + p.token}}), http.StatusBadRequest, "INVALID")
		assert.Equal(t, []string{"x"}, fieldNames(resp["fields"]))
		resp = assertRESTError(t, app.PostForm(t, "/auth/otp", url.Values{"phone_number": {demo.TestPhone(1)}}, http.Header{"X-Device-Id": {"dev\xff"}}),
			http.StatusBadRequest, "INVALID")
		assert.Equal(t, []string{"X-Device-Id"}, fieldNames(resp["fields"]))
	})
	assert.Equal(t, before, countApps(), "nothing stored")
	assert.NotContains(t, app.Logs.String(), "internal error")
}

func TestBadInputGraphQL(t *testing.T) {
	app := apptest.Start(t)
	partner, employee := app.PartnerToken(t), app.EmployeeToken(t)
	customer := regObj(regObj(gql(t, app, employee, `mutation($in: CustomerInput!) { createCustomer(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"phone": newPhone(), "firstName": "Input", "lastName": "Checked"}}))["createCustomer"])["id"]
	addAddress := `mutation($c: ID!, $d: Map!) { addAddress(customerId: $c, isPrimary: false, data: $d) { id } }`
	countRows := func() (n int) {
		require.NoError(t, app.Store.DB.Get(&n, `SELECT (SELECT count(*) FROM applications) + (SELECT count(*) FROM addresses)`))
		return n
	}
	before := countRows()

	invalid := func(t *testing.T, resp apptest.GQLResponse, field string) {
		t.Helper()
		require.NotEmpty(t, resp.Errors, "data: %v", resp.Data)
		assert.Equal(t, "INVALID", resp.Code(), "%v", resp.Errors)
		assert.Contains(t, fieldNames(resp.Errors[0].Extensions["fields"]), field, "%v", resp.Errors)
	}
	t.Run("a NUL in a String variable", func(t *testing.T) {
		in := createInput(uuid.NewString(), "gql-nul")
		in["customer"].(map[string]any)["firstName"] = "Ва\u0000силий"
		invalid(t, app.GraphQL(t, partner, `mutation($in: CreateApplicationInput!) { createApplication(input: $in) { application { id } } }`,
			map[string]any{"in": in}), "$in.customer.firstName")
	})
	t.Run("a NUL in a String literal", func(t *testing.T) {
		invalid(t, app.GraphQL(t, partner, `mutation { cancelApplication(input: {applicationId: "`+uuid.NewString()+`", reason: "x\u0000y"}) { application { id } } }`, nil),
			"input.reason")
	})
	t.Run("a NUL in an ID", func(t *testing.T) {
		invalid(t, app.GraphQL(t, partner, `query($id: ID!) { application(id: $id) { id } }`, map[string]any{"id": "a\u0000"}), "$id")
	})
	t.Run("a NUL inside a Map", func(t *testing.T) {
		invalid(t, app.GraphQL(t, employee, addAddress, map[string]any{"c": customer, "d": map[string]any{"city": map[string]any{"name": "Мо\u0000сква"}}}), "$d.city.name")
		invalid(t, app.GraphQL(t, employee, addAddress, map[string]any{"c": customer, "d": map[string]any{"ci\u0000ty": "X"}}), "$d")
	})
	for _, d := range []any{5, "a string", []any{1, 2}, true} {
		t.Run(fmt.Sprintf("a Map given %T", d), func(t *testing.T) {
			invalid(t, app.GraphQL(t, employee, addAddress, map[string]any{"c": customer, "d": d}), "data")
		})
	}
	t.Run("a Map literal of the wrong type", func(t *testing.T) {
		invalid(t, app.GraphQL(t, employee, `mutation($c: ID!) { addAddress(customerId: $c, isPrimary: false, data: 5) { id } }`,
			map[string]any{"c": customer}), "data")
	})
	t.Run("a Time of the wrong type", func(t *testing.T) {
		invalid(t, app.GraphQL(t, partner, `mutation($id: ID!) { confirmApplication(input: {applicationId: $id, confirmDate: 20241122}) { application { id } } }`,
			map[string]any{"id": uuid.NewString()}), "input.confirmDate")
	})
	assert.Equal(t, before, countRows(), "nothing stored")
	assert.NotContains(t, app.Logs.String(), "internal error")
}

func TestChunkedBodyOverTheLimitIsTooLarge(t *testing.T) {
	app := apptest.Start(t, func(c *config.Config) { c.MaxBodyBytes = 4 << 10 })
	partner := app.PartnerToken(t)
	h := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + partner}}
	big := `{"query":"{ me { role } }","variables":{"pad":"` + strings.Repeat("x", 8<<10) + `"}}`
	assertRESTError(t, app.Do(t, http.MethodPost, "/graphql", chunked(big), h), http.StatusRequestEntityTooLarge, "TOO_LARGE")

	small := app.Do(t, http.MethodPost, "/graphql", chunked(`{"query":"{ me { role } }"}`), h)
	require.Equal(t, http.StatusOK, small.Status, "%s", small.Body)
	assert.JSONEq(t, `{"data":{"me":{"role":"PARTNER"}}}`, string(small.Body), "a chunked body within the limit is read whole")

	guid := uuid.NewString()
	for _, path := range []string{"/partner/api/v1/applications/create", "/partner/api/v1/applications/" + guid + "/cancel"} {
		body := `{"reason":"` + strings.Repeat("x", 8<<10) + `"}`
		assertRESTError(t, app.Do(t, http.MethodPost, path, chunked(body), h), http.StatusRequestEntityTooLarge, "TOO_LARGE")
	}
}

func TestConfirmDateFromSigningToToday(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	signed := func() string {
		guid := newApplication(t, p, nil)
		for _, step := range [][2]string{{"select_offer", ``}, {"send_otp", ``}, {"sign", `{"code":"1111"}`}} {
			require.Equal(t, http.StatusOK, p.post(t, action(guid, step[0]), []byte(step[1])).Status, step[0])
		}
		return guid
	}
	guid := signed()
	loanStatus := func(guid string) (status string) {
		require.NoError(t, app.Store.DB.Get(&status, `SELECT l.status FROM loans l JOIN applications a ON a.id = l.application_id WHERE a.guid = $1`, guid))
		return status
	}

	for _, date := range []string{day(-1), day(1), "2024-11-22", "2030-01-01", apptest.Clock.Now().UTC().AddDate(0, 0, -1).Format(time.RFC3339)} {
		resp := assertRESTError(t, p.post(t, action(guid, "confirm"), []byte(`{"confirm_date":"`+date+`"}`)), http.StatusBadRequest, "INVALID")
		assert.Equal(t, []string{"confirm_date"}, fieldNames(resp["fields"]), date)
	}
	assert.Equal(t, "NEW", loanStatus(guid), "nothing opened")
	assert.Equal(t, "Contract is signed. Transfer of product", p.status(t, guid)["message"], "still to confirm")

	t.Run("a contract signed earlier opens on a day since", func(t *testing.T) {
		signedOn(t, app, guid, day(-5))
		assertRESTError(t, p.post(t, action(guid, "confirm"), []byte(`{"confirm_date":"`+day(-6)+`"}`)), http.StatusBadRequest, "INVALID")
		require.Equal(t, http.StatusOK, p.post(t, action(guid, "confirm"), []byte(`{"confirm_date":"`+day(-5)+`"}`)).Status)
		assert.Equal(t, "OPENED", loanStatus(guid))
	})
	t.Run("today opens", func(t *testing.T) {
		guid := signed()
		resp := p.post(t, action(guid, "confirm"), []byte(`{"confirm_date":"`+apptest.Clock.Now().UTC().Format(time.RFC3339Nano)+`"}`))
		require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
		assert.Equal(t, "OPENED", loanStatus(guid))
	})
	t.Run("GraphQL names its input field", func(t *testing.T) {
		guid := signed()
		confirm := `mutation($id: ID!, $d: Time!) { confirmApplication(input: {applicationId: $id, confirmDate: $d}) { application { status } } }`
		for _, d := range []time.Time{apptest.Clock.Now().AddDate(0, 0, 2), apptest.Clock.Now().AddDate(0, 0, -2)} {
			resp := app.GraphQL(t, p.token, confirm, map[string]any{"id": guid, "d": d.UTC().Format(time.RFC3339)})
			require.Equal(t, "INVALID", resp.Code(), "%v", resp.Errors)
			assert.Equal(t, []string{"confirmDate"}, fieldNames(resp.Errors[0].Extensions["fields"]))
		}
		done := gql(t, app, p.token, confirm, map[string]any{"id": guid, "d": apptest.Clock.Now().UTC().Format(time.RFC3339)})
		assert.Equal(t, "COMPLETED", regObj(regObj(done["confirmApplication"])["application"])["status"])
	})
}

// TestDatabaseOutage makes the database of an app of its own unreachable: REST answers 503
// UNAVAILABLE with a Retry-After, GraphQL the code UNAVAILABLE, /readyz 503; all recover when the
// database is back.
func TestDatabaseOutage(t *testing.T) {
	name, dbURL := apptest.NewDatabase(t)
	app := apptest.StartOn(t, dbURL)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	guid := uuid.NewString()
	require.Equal(t, http.StatusOK, p.post(t, "/partner/api/v1/applications/create", createBody(t, guid, "outage-"+guid, nil)).Status)

	admin, err := apptest.Open(t.Context(), apptest.AdminURL)
	require.NoError(t, err)
	t.Cleanup(func() { admin.Close() })
	allow := func(yes bool) {
		_, err := admin.DB.Exec(fmt.Sprintf(`ALTER DATABASE %q ALLOW_CONNECTIONS %t`, name, yes))
		require.NoError(t, err)
		if !yes {
			_, err = admin.DB.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name)
			require.NoError(t, err)
		}
	}
	allow(false)
	t.Cleanup(func() { allow(true) })

	for range 2 { // a pool of dropped connections, then one that cannot connect
		resp := assertRESTError(t, app.Do(t, http.MethodGet, "/partner/api/v1/applications/"+guid+"/status", nil,
			http.Header{"Authorization": {"Bearer " + p.token}}), http.StatusServiceUnavailable, "UNAVAILABLE")
		assert.NotEmpty(t, resp["message"])
		assert.NotContains(t, resp["message"], name, "the cause is only logged")
	}
	resp := p.post(t, action(guid, "cancel"), []byte(`{"reason":"outage"}`))
	assertRESTError(t, resp, http.StatusServiceUnavailable, "UNAVAILABLE")
	assert.Equal(t, "5", resp.Header.Get("Retry-After"))
	assertRESTError(t, app.PostForm(t, "/auth/partners", url.Values{"grant_type": {"client_credentials"},
		"client_id": {demo.PartnerClientID}, "client_secret": {demo.PartnerClientSecret}}, nil), http.StatusServiceUnavailable, "UNAVAILABLE")

	for _, q := range []string{
		`query($id: ID!) { application(id: $id) { id status } }`,
		`mutation($id: ID!) { cancelApplication(input: {applicationId: $id, reason: "outage"}) { application { id } } }`,
	} {
		gqlResp := app.GraphQL(t, p.token, q, map[string]any{"id": guid})
		assert.Equal(t, "UNAVAILABLE", gqlResp.Code(), "%v", gqlResp.Errors)
		assert.EqualValues(t, 5, gqlResp.Errors[0].Extensions["retryAfter"], "GraphQL says when to retry, as REST does")
	}
	assert.Equal(t, http.StatusServiceUnavailable, app.Do(t, http.MethodGet, "/readyz", nil, nil).Status)
	assert.NotContains(t, app.Logs.String(), "internal error")

	allow(true)
	assert.Eventually(t, func() bool {
		return app.Do(t, http.MethodGet, "/partner/api/v1/applications/"+guid+"/status", nil,
			http.Header{"Authorization": {"Bearer " + p.token}}).Status == http.StatusOK
	}, 10*time.Second, 50*time.Millisecond, "back when the database is")
	assert.Equal(t, http.StatusOK, app.Do(t, http.MethodGet, "/readyz", nil, nil).Status)
}

// tableRows counts the rows of every table of the database.
func tableRows(t *testing.T, app *apptest.App) map[string]int {
	t.Helper()
	var tables []string
	require.NoError(t, app.Store.DB.Select(&tables, `SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`))
	parts := make([]string, len(tables))
	for i, name := range tables {
		parts[i] = fmt.Sprintf(`SELECT %s AS name, count(*) AS n FROM %s`, pqLiteral(name), name)
	}
	var rows []struct {
		Name string `db:"name"`
		N    int    `db:"n"`
	}
	require.NoError(t, app.Store.DB.Select(&rows, strings.Join(parts, " UNION ALL ")))
	out := map[string]int{}
	for _, r := range rows {
		out[r.Name] = r.N
	}
	return out
}

func pqLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// hostileCase is one request of the hostile-input test and what it must get.
type hostileCase struct {
	name   string
	method string
	path   string
	header http.Header
	body   []byte
	field  string // the field the answer must name, "" when none
	// nack: a record of a batch, which the route refuses alone in a 200 NACK naming the field
	nack bool
	// lenient: a null, which an optional field takes; the answer need only not be a 5xx
	lenient bool
}

// leaves lists the paths of every value of a JSON document, containers included, as the field
// tables write them ("cart.items[0].name").
func leaves(v any, at string, visit func(path string, v any)) {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if at != "" {
				p = at + "." + k
			}
			visit(p, v[k])
			leaves(v[k], p, visit)
		}
	case []any:
		for i, el := range v {
			p := fmt.Sprintf("%s[%d]", at, i)
			visit(p, el)
			leaves(el, p, visit)
		}
	}
}

// replaced returns a deep copy of doc with the value at path replaced by v.
func replaced(t *testing.T, doc map[string]any, path string, v any) map[string]any {
	t.Helper()
	raw, err := json.Marshal(doc)
	require.NoError(t, err)
	var cp map[string]any
	require.NoError(t, json.Unmarshal(raw, &cp))
	var node any = cp
	steps := regexp.MustCompile(`[^.\[\]]+|\[\d+\]`).FindAllString(path, -1)
	for i, step := range steps {
		last := i == len(steps)-1
		if strings.HasPrefix(step, "[") {
			var n int
			fmt.Sscanf(step, "[%d]", &n)
			list := node.([]any)
			if last {
				list[n] = v
			} else {
				node = list[n]
			}
			continue
		}
		obj := node.(map[string]any)
		if last {
			obj[step] = v
		} else {
			node = obj[step]
		}
	}
	return cp
}

// wrongType is a value of another JSON type than v.
func wrongType(v any) any {
	switch v.(type) {
	case string:
		return 12345
	case float64, int, int64, json.Number:
		return "not a number"
	case bool:
		return "yes"
	case map[string]any:
		return []any{}
	case []any:
		return map[string]any{}
	}
	return nil
}

// jsonCases are the hostile variants of a JSON route's valid body: each string with a NUL and
// with invalid UTF-8, each value of another JSON type, and malformed documents. The values at
// paths that start with one of free ("additional_data." inside a free-form object, a field the
// route ignores) may be of any type.
func jsonCases(t *testing.T, name, method, path string, header http.Header, doc map[string]any, record string, free ...string) []hostileCase {
	t.Helper()
	var cases []hostileCase
	add := func(kind, field string, body []byte) {
		cases = append(cases, hostileCase{name: name + " " + kind + " " + field, method: method, path: path, header: header, body: body,
			field: field, nack: record != "" && strings.HasPrefix(field, record)})
	}
	marshal := func(d map[string]any) []byte {
		b, err := json.Marshal(d)
		require.NoError(t, err)
		return b
	}
	leaves(doc, "", func(at string, v any) {
		if s, ok := v.(string); ok {
			c := marshal(replaced(t, doc, at, s+"\u0000x"))
			add("NUL in", at, c)
			c = bytes.Replace(marshal(replaced(t, doc, at, "\u2603BAD\u2603")), []byte("\u2603BAD\u2603"), []byte("B\xffD"), 1)
			add("invalid UTF-8 in", at, c)
		}
		if !slices.ContainsFunc(free, func(f string) bool { return strings.HasPrefix(at, f) }) {
			add("wrong type of", at, marshal(replaced(t, doc, at, wrongType(v))))
		}
		cases = append(cases, hostileCase{name: name + " null for " + at, method: method, path: path, header: header,
			body: marshal(replaced(t, doc, at, nil)), lenient: true})
	})
	valid := marshal(doc)
	for i, bad := range [][]byte{valid[:len(valid)/2], []byte(`{"a":}`), []byte(`[]`), []byte(`"text"`), []byte(`{} {}`), []byte(`{"a":"\u0000"}`), {0xff, '{', '}'}} {
		cases = append(cases, hostileCase{name: fmt.Sprintf("%s malformed %d", name, i), method: method, path: path, header: header, body: bad})
	}
	return cases
}

// formCases are a form route's valid form with each value given a NUL, and invalid UTF-8.
func formCases(name, path string, form url.Values) []hostileCase {
	var cases []hostileCase
	for field := range form {
		for kind, bad := range map[string]string{"NUL in": "\x00", "invalid UTF-8 in": "\xff"} {
			f := url.Values{}
			for k, v := range form {
				f[k] = slices.Clone(v)
			}
			f.Set(field, f.Get(field)+bad)
			cases = append(cases, hostileCase{name: name + " " + kind + " " + field, method: http.MethodPost, path: path,
				header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, body: []byte(f.Encode()), field: field})
		}
	}
	return cases
}

// TestHostileInputREST sends every REST route, concurrently, its valid body with one thing wrong
// at a time: a string with a NUL or invalid UTF-8, a value of another JSON type, malformed JSON, a
// NUL in the path or the query. Each is refused with a 4xx and a code, naming the field at fault,
// never a 5xx, and nothing is stored.
func TestHostileInputREST(t *testing.T) {
	app := apptest.StartWithoutWorker(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	employee := app.EmployeeToken(t)
	partnerJSON := http.Header{"Authorization": {"Bearer " + p.token}, "Content-Type": {"application/json"}}
	employeeJSON := http.Header{"Authorization": {"Bearer " + employee}, "Content-Type": {"application/json"}}

	// the actions are sent to a cancelled application: a request that got through would change nothing
	guid := uuid.NewString()
	require.Equal(t, http.StatusOK, p.post(t, "/partner/api/v1/applications/create", createBody(t, guid, "hostile-"+guid, nil)).Status)
	require.Equal(t, http.StatusOK, p.post(t, action(guid, "cancel"), []byte(`{"reason":"hostile input"}`)).Status)

	var create map[string]any
	require.NoError(t, json.Unmarshal(createBody(t, uuid.NewString(), "hostile-new", nil), &create))
	var batch map[string]any
	require.NoError(t, json.Unmarshal([]byte(pcSeedRequest), &batch))
	batch["data"].([]any)[0].(map[string]any)["businessCode"] = pcCode("HOSTILE")
	const leadID = 770077

	var cases []hostileCase
	for _, prefix := range []string{"", "/pfs"} {
		cases = append(cases, jsonCases(t, prefix+"create", http.MethodPost, prefix+"/partner/api/v1/applications/create", partnerJSON, create, "",
			"additional_data.", "ext_service_data[0].service_data.")...)
	}
	for name, body := range map[string]map[string]any{
		"upload_file": {"file_type": "CUSTOMER_PHOTO", "format": "jpeg", "content": "AAAA"},
		"sign":        {"code": "1111"},
		"confirm":     {"confirm_date": day(0)},
		"cancel":      {"reason": "again"},
	} {
		cases = append(cases, jsonCases(t, name, http.MethodPost, action(guid, name), partnerJSON, body, "")...)
	}
	cases = append(cases, jsonCases(t, "lead", http.MethodPut, fmt.Sprintf("/bs-core/main/leads/%d", leadID), partnerJSON, leadBody(t, leadID, nil), "", "clientId", "denialReasonId")...)
	cases = append(cases, jsonCases(t, "preconsume", http.MethodPost, "/preconsume/submit", employeeJSON, batch, "data[0]")...)
	cases = append(cases, formCases("otp", "/auth/otp", url.Values{"phone_number": {demo.TestPhone(2)}})...)
	cases = append(cases, formCases("customer token", "/auth", url.Values{"grant_type": {"password"}, "phone_number": {demo.TestPhone(2)}, "code": {"0000"}})...)
	cases = append(cases, formCases("employee token", "/auth/employees", url.Values{"grant_type": {"password"}, "username": {demo.EmployeeUsername}, "password": {"wrong"}})...)
	cases = append(cases, formCases("partner token", "/auth/partners", url.Values{"grant_type": {"client_credentials"}, "client_id": {demo.PartnerClientID}, "client_secret": {"wrong"}})...)
	for field := range offerExample() {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		for name, value := range offerExample() {
			if name == field {
				value += "\x00"
			}
			require.NoError(t, w.WriteField(name, value))
		}
		require.NoError(t, w.Close())
		cases = append(cases, hostileCase{name: "customer offer NUL in " + field, method: http.MethodPost, path: "/customerOffer/loan/initiate",
			header: http.Header{"Authorization": {"Bearer " + employee}, "Content-Type": {w.FormDataContentType()}}, body: body.Bytes(), field: field})
	}
	for _, route := range []struct{ method, path string }{
		{http.MethodGet, "/partner/api/v1/applications/%s/status"}, {http.MethodPost, "/partner/api/v1/applications/%s/select_offer"},
		{http.MethodPost, "/partner/api/v1/applications/%s/send_otp"}, {http.MethodGet, "/internal/v1/carts/%s"},
		{http.MethodGet, "/bs-core/main/leads/%s/scoring/info"}, {http.MethodPost, "/bs-core/main/leads/%s/client"},
	} {
		for _, bad := range []string{"%00", "%ff"} {
			cases = append(cases, hostileCase{name: route.method + " " + route.path + " " + bad, method: route.method,
				path: fmt.Sprintf(route.path, guid+bad), header: partnerJSON, field: "path"})
		}
		cases = append(cases, hostileCase{name: route.method + " " + route.path + " query", method: route.method,
			path: fmt.Sprintf(route.path, guid) + "?q=%00", header: partnerJSON, field: "q"})
	}
	t.Logf("%d hostile requests", len(cases))

	run := func(cases []hostileCase) {
		var wg sync.WaitGroup
		work := make(chan hostileCase)
		for range 8 {
			wg.Go(func() {
				for c := range work {
					checkHostile(t, app, c)
				}
			})
		}
		for _, c := range cases {
			work <- c
		}
		close(work)
		wg.Wait()
	}
	refused := slices.DeleteFunc(slices.Clone(cases), func(c hostileCase) bool { return c.lenient })
	before := tableRows(t, app)
	run(refused)
	assert.Equal(t, before, tableRows(t, app), "nothing stored")
	// then the nulls, which optional fields take: a request may be done, never a 5xx
	run(slices.DeleteFunc(cases, func(c hostileCase) bool { return !c.lenient }))
	assert.NotContains(t, app.Logs.String(), "internal error")
	assert.NotContains(t, app.Logs.String(), "panic")
}

// indexes drops the element indexes of a path: encoding/json names a field inside a list without.
var indexes = regexp.MustCompile(`\[\d+\]`)

func checkHostile(t *testing.T, app *apptest.App, c hostileCase) {
	t.Helper()
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	resp := app.Do(t, c.method, c.path, body, c.header)
	if c.lenient {
		if resp.Status >= 500 || resp.Status >= 400 && !strings.Contains(string(resp.Body), `"type"`) {
			t.Errorf("%s: %d %s", c.name, resp.Status, resp.Body)
		}
		return
	}
	if resp.Status >= 500 || resp.Status < 400 && !c.nack {
		t.Errorf("%s: %d %s", c.name, resp.Status, resp.Body)
		return
	}
	var answer map[string]any
	if err := json.Unmarshal(resp.Body, &answer); err != nil {
		t.Errorf("%s: %d, not JSON: %s", c.name, resp.Status, resp.Body)
		return
	}
	if c.nack && resp.Status == http.StatusOK {
		if answer["code"] != "NACK" || !strings.Contains(fmt.Sprint(answer["errorData"]), indexes.ReplaceAllString(strings.TrimPrefix(lastStep(c.field), "data[0]."), "")) {
			t.Errorf("%s: want a NACK naming %s: %s", c.name, c.field, resp.Body)
		}
		return
	}
	if answer["type"] == nil || answer["type"] == "" {
		t.Errorf("%s: %d without a code: %s", c.name, resp.Status, resp.Body)
		return
	}
	if c.field == "" {
		return
	}
	named := fieldNames(answer["fields"])
	want := indexes.ReplaceAllString(c.field, "")
	for _, f := range named {
		if f == c.field || indexes.ReplaceAllString(f, "") == want {
			return
		}
	}
	t.Errorf("%s: %d %s names %v, not %s", c.name, resp.Status, answer["type"], named, c.field)
}

// lastStep is a path's last member name: the one a batch's per-record refusal names.
func lastStep(path string) string {
	path = indexes.ReplaceAllString(path, "")
	if i := strings.LastIndex(path, "."); i >= 0 {
		return path[i+1:]
	}
	return path
}

// TestHostileInputGraphQL sends a sample of mutations, concurrently, with a NUL in each string of
// their input and a Map of every wrong type: each is INVALID naming the argument, never INTERNAL,
// and nothing is stored.
func TestHostileInputGraphQL(t *testing.T) {
	app := apptest.StartWithoutWorker(t)
	partner, employee := app.PartnerToken(t), app.EmployeeToken(t)
	customer := regObj(regObj(gql(t, app, employee, `mutation($in: CustomerInput!) { createCustomer(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"phone": newPhone(), "firstName": "Hostile", "lastName": "Input"}}))["createCustomer"])["id"]

	type gqlCase struct {
		name, token, query string
		vars               map[string]any
		field              string
	}
	var cases []gqlCase
	create := `mutation($in: CreateApplicationInput!) { createApplication(input: $in) { application { id } } }`
	in := createInput(uuid.NewString(), "gql-hostile")
	leaves(in, "", func(at string, v any) {
		if s, ok := v.(string); ok {
			cases = append(cases, gqlCase{"createApplication NUL in " + at, partner, create,
				map[string]any{"in": replaced(t, in, at, s+"\u0000")}, "$in." + at})
		}
	})
	addAddress := `mutation($c: ID!, $d: Map!) { addAddress(customerId: $c, isPrimary: false, data: $d) { id } }`
	for _, d := range []any{0, 1.5, "text", []any{"a"}, true} {
		cases = append(cases, gqlCase{fmt.Sprintf("addAddress Map given %v", d), employee, addAddress, map[string]any{"c": customer, "d": d}, "data"})
	}
	cases = append(cases,
		gqlCase{"addAddress NUL in a Map", employee, addAddress, map[string]any{"c": customer, "d": map[string]any{"lines": []any{"ok", "b\u0000d"}}}, "$d.lines[1]"},
		gqlCase{"patchCustomer NUL in a String", employee, `mutation($id: ID!, $in: CustomerInput!) { patchCustomer(id: $id, input: $in) { id } }`,
			map[string]any{"id": customer, "in": map[string]any{"firstName": "Hos\u0000tile"}}, "$in.firstName"},
		gqlCase{"cancelApplication NUL in a literal", partner, `mutation { cancelApplication(input: {applicationId: "x", reason: "a\u0000"}) { application { id } } }`, nil, "input.reason"},
		gqlCase{"signApplication NUL in the code", partner, `mutation($c: String!) { signApplication(input: {applicationId: "x", code: $c}) { application { id } } }`,
			map[string]any{"c": "11\u000011"}, "$c"},
		gqlCase{"an Int too big", partner, `query($n: Int) { applications(first: $n) { edges { node { id } } } }`, map[string]any{"n": 1e20}, ""},
		gqlCase{"a String given an object", partner, `mutation($c: String!) { signApplication(input: {applicationId: "x", code: $c}) { application { id } } }`,
			map[string]any{"c": map[string]any{"a": 1}}, ""},
		gqlCase{"an input object given a list", employee, `mutation($id: ID!, $in: CustomerInput!) { patchCustomer(id: $id, input: $in) { id } }`,
			map[string]any{"id": customer, "in": []any{1}}, ""},
		gqlCase{"a search String with a NUL", employee, `query($s: CustomerSearch!) { customers(search: $s) { edges { node { id } } } }`,
			map[string]any{"s": map[string]any{"phone": "7\u0000"}}, "$s.phone"},
		gqlCase{"a Money given text", employee, `mutation($in: PostPaymentInput!) { postPayment(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"loanId": uuid.NewString(), "amount": "lots", "currency": "RUB", "eventTime": apptest.Clock.Now().UTC().Format(time.RFC3339), "paymentProvider": "INTERNAL_DOP0"}}, "input.amount"},
		gqlCase{"a Date given text", employee, `mutation($d: Date!) { runAccrual(date: $d) { id } }`, map[string]any{"d": "yesterday"}, "date"},
		gqlCase{"confirmApplication a number for the date", partner, `mutation { confirmApplication(input: {applicationId: "x", confirmDate: 5}) { application { id } } }`, nil, "input.confirmDate"},
	)

	before := tableRows(t, app)
	var wg sync.WaitGroup
	for _, c := range cases {
		wg.Go(func() {
			resp := app.GraphQL(t, c.token, c.query, c.vars)
			if c.field == "" { // refused by GraphQL's own validation, with its code
				if code := resp.Code(); code == "" || code == "INTERNAL" {
					t.Errorf("%s: %d %v", c.name, resp.Status, resp.Errors)
				}
				return
			}
			if resp.Code() != "INVALID" {
				t.Errorf("%s: %d %v", c.name, resp.Status, resp.Errors)
				return
			}
			if named := fieldNames(resp.Errors[0].Extensions["fields"]); !slices.Contains(named, c.field) {
				t.Errorf("%s: names %v, not %s", c.name, named, c.field)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, before, tableRows(t, app), "nothing stored")
	assert.NotContains(t, app.Logs.String(), "internal error")
}
