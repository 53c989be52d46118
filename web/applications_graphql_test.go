package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
)

// createInput is the spec's create example as the GraphQL input.
func createInput(guid, partnerRef string) map[string]any {
	return map[string]any{
		"applicationGuid": guid, "partnerApplicationId": partnerRef, "mode": "online",
		"cart":        map[string]any{"items": []any{map[string]any{"name": "iPhone 15 PRO MAX 1TB Blue Titanium", "quantity": 1, "price": "208990.50", "goodsType": "Мобильный телефон"}}},
		"downPayment": "0", "loanAmount": 208990.5, "loanTerm": 12, "productCode": "1800",
		"branchGuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "employeeId": "404",
		"customer": map[string]any{
			"firstName": "Василий", "lastName": "Зайцев", "middleName": "Петрович", "phone": "79010000006",
			"email": "v.zaitsev@example.com", "birthDate": "1990-10-03", "gender": "MALE",
			"actualAddress": "Москва, Ленина 1", "registrationAddress": "Москва, Ленина 1", "registrationDate": "2014-10-03",
			"monthlyExpenses": "0", "childrenNumber": 0, "familyStatus": "SINGLE",
		},
		"customerDocuments": []any{
			map[string]any{"type": "passport", "series": "1234", "number": "621234", "subdivision": "111-111", "issueDate": "2010-10-10", "birthplace": "ГОР. МИЛЛЕРОВО РОСТОВСКОЙ ОБЛ."},
			map[string]any{"type": "inn", "number": "7743013902"},
		},
		"customerEmployment": map[string]any{"positionType": "EMPLOYEE", "salary": "50000.50", "salaryCurrency": "RUB"},
		"customerContacts":   []any{map[string]any{"type": "PHONE", "owner": "FATHER", "contact": "79991234567"}},
		"customerDevice":     map[string]any{"userAgent": "Mozilla/5.0", "userIp": "198.51.100.42"},
		"additionalData":     map[string]any{},
		"extServiceData":     []any{map[string]any{"serviceType": "juicy_session_id", "serviceData": map[string]any{"juicyLabsSession": "s"}}},
	}
}

const applicationFields = `application { id status partnerStatus message nextAction channel
	offers { id term monthlyPayment annualRate } selectedOffer { id term } loan { status contractNumber } }`

func gql(t testing.TB, app *apptest.App, token, query string, vars map[string]any) map[string]any {
	t.Helper()
	resp := app.GraphQL(t, token, query, vars)
	require.Empty(t, resp.Errors, "%v", resp.Errors)
	return resp.Data
}

// TestDemoFlowGraphQL is the demo flow through the mutations, choosing the second offer.
func TestDemoFlowGraphQL(t *testing.T) {
	app := apptest.Start(t)
	token := app.PartnerToken(t)
	guid := uuid.NewString()
	created := gql(t, app, token, `mutation($in: CreateApplicationInput!) { createApplication(input: $in) { `+applicationFields+` } }`,
		map[string]any{"in": createInput(guid, "gql-"+guid)})
	a := created["createApplication"].(map[string]any)["application"].(map[string]any)
	assert.Equal(t, guid, a["id"])
	assert.Equal(t, "PARTNER", a["channel"])

	var approved map[string]any
	require.Eventually(t, func() bool {
		approved = gql(t, app, token, `query($id: ID!) { application(id: $id) { status offers { id term monthlyPayment } } }`, map[string]any{"id": guid})["application"].(map[string]any)
		return approved["status"] != "PROCESSING"
	}, 10*time.Second, 20*time.Millisecond)
	require.Equal(t, "APPROVED", approved["status"])
	offers := approved["offers"].([]any)
	require.Len(t, offers, 3, "the term asked for, 3 months less and 3 more")
	second := offers[1].(map[string]any)
	assert.EqualValues(t, 9, second["term"])

	step := func(mutation string, vars map[string]any) map[string]any {
		t.Helper()
		vars["id"] = guid
		data := gql(t, app, token, mutation, vars)
		for _, v := range data {
			return v.(map[string]any)["application"].(map[string]any)
		}
		return nil
	}
	a = step(`mutation($id: ID!, $offer: ID) { selectOffer(input: {applicationId: $id, offerId: $offer}) { `+applicationFields+` } }`, map[string]any{"offer": second["id"]})
	assert.Equal(t, "OFFER_SELECTED", a["status"])
	assert.Equal(t, "Request OTP code", a["message"])
	assert.EqualValues(t, 9, a["selectedOffer"].(map[string]any)["term"])
	a = step(`mutation($id: ID!) { sendOtp(input: {applicationId: $id}) { `+applicationFields+` } }`, map[string]any{})
	assert.Equal(t, "Enter OTP code", a["message"])
	a = step(`mutation($id: ID!) { signApplication(input: {applicationId: $id, code: "1111"}) { `+applicationFields+` } }`, map[string]any{})
	assert.Equal(t, "SIGNED", a["status"])
	assert.Equal(t, "NEW", a["loan"].(map[string]any)["status"])
	a = step(`mutation($id: ID!) { confirmApplication(input: {applicationId: $id, confirmDate: "`+apptest.Clock.Now().UTC().Format(time.RFC3339)+`"}) { `+applicationFields+` } }`, map[string]any{})
	assert.Equal(t, "COMPLETED", a["status"])
	assert.Equal(t, "OPENED", a["loan"].(map[string]any)["status"])
	assert.Equal(t, "none", a["nextAction"])

	history := gql(t, app, token, `query($id: ID!) { application(id: $id) { events { status partnerStatus message } } }`, map[string]any{"id": guid})
	var statuses []any
	for _, e := range history["application"].(map[string]any)["events"].([]any) {
		statuses = append(statuses, e.(map[string]any)["status"])
	}
	assert.Equal(t, []any{"PROCESSING", "APPROVED", "OFFER_SELECTED", "OTP_SENT", "SIGNED", "COMPLETED"}, statuses)

	t.Run("bad input names the fields", func(t *testing.T) {
		in := createInput(uuid.NewString(), "gql-bad")
		in["loanTerm"] = 99
		in["customer"].(map[string]any)["email"] = "nope"
		resp := app.GraphQL(t, token, `mutation($in: CreateApplicationInput!) { createApplication(input: $in) { application { id } } }`, map[string]any{"in": in})
		require.Equal(t, "INVALID", resp.Code())
		assert.Contains(t, resp.Errors[0].Message, "loan_term")
		assert.Contains(t, resp.Errors[0].Message, "customer.email")
		resp = app.GraphQL(t, token, `mutation($in: CreateApplicationInput!) { createApplication(input: $in) { application { id } } }`,
			map[string]any{"in": map[string]any{"mode": "online"}})
		assert.Equal(t, "GRAPHQL_VALIDATION_FAILED", resp.Code(), "missing fields are the schema's to refuse")
	})
}

// TestMobileApplication: a customer applies from the app and drives the same lifecycle; an
// employee confirms the payout.
func TestMobileApplication(t *testing.T) {
	app := apptest.Start(t)
	customer := app.CustomerToken(t, "79010000009")
	a := gql(t, app, customer, `mutation { applyForLoan(input: {amount: "30000", term: 6, productCode: "2000"}) { application { id status channel phone } } }`, nil)["applyForLoan"].(map[string]any)["application"].(map[string]any)
	assert.Equal(t, "MOBILE", a["channel"])
	assert.Equal(t, "79010000009", a["phone"])
	id := a["id"].(string)
	require.Eventually(t, func() bool {
		return gql(t, app, customer, `query($id: ID!) { application(id: $id) { status } }`, map[string]any{"id": id})["application"].(map[string]any)["status"] == "APPROVED"
	}, 10*time.Second, 20*time.Millisecond)
	for _, m := range []string{
		`mutation($id: ID!) { selectOffer(input: {applicationId: $id}) { application { status } } }`,
		`mutation($id: ID!) { sendOtp(input: {applicationId: $id}) { application { status } } }`,
		`mutation($id: ID!) { signApplication(input: {applicationId: $id, code: "1111"}) { application { status } } }`,
	} {
		gql(t, app, customer, m, map[string]any{"id": id})
	}
	confirm := `mutation($id: ID!) { confirmApplication(input: {applicationId: $id, confirmDate: "` + day(0) + `T00:00:00Z"}) { application { status } } }`
	assert.Equal(t, "FORBIDDEN", app.GraphQL(t, customer, confirm, map[string]any{"id": id}).Code())
	done := gql(t, app, app.EmployeeToken(t), confirm, map[string]any{"id": id})
	assert.Equal(t, "COMPLETED", done["confirmApplication"].(map[string]any)["application"].(map[string]any)["status"])

	t.Run("a partner does not drive a mobile application", func(t *testing.T) {
		resp := app.GraphQL(t, app.PartnerToken(t), `mutation($id: ID!) { cancelApplication(input: {applicationId: $id, reason: "x"}) { application { id } } }`, map[string]any{"id": id})
		assert.Equal(t, "NOT_FOUND", resp.Code())
	})
	t.Run("bad amounts", func(t *testing.T) {
		for _, amount := range []any{"100", "1000000", "10.001", "ten"} {
			resp := app.GraphQL(t, customer, `mutation($a: Money!) { applyForLoan(input: {amount: $a, term: 6, productCode: "2000"}) { application { id } } }`, map[string]any{"a": amount})
			assert.Equal(t, "INVALID", resp.Code(), amount)
		}
	})
}

func TestApplicationsConnection(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	mine := map[string]bool{}
	for range 3 {
		mine[newApplication(t, p, nil)] = true
	}
	page := func(token string, vars map[string]any) map[string]any {
		t.Helper()
		return gql(t, app, token, `query($first: Int, $after: String, $filter: ApplicationFilter) {
			applications(first: $first, after: $after, filter: $filter) { edges { cursor node { id status partner { name } } } pageInfo { hasNextPage endCursor } } }`,
			vars)["applications"].(map[string]any)
	}
	first := page(p.token, map[string]any{"first": 2})
	require.Len(t, first["edges"].([]any), 2)
	assert.True(t, first["pageInfo"].(map[string]any)["hasNextPage"].(bool))
	seen := map[string]bool{}
	after := first["pageInfo"].(map[string]any)["endCursor"]
	for _, e := range first["edges"].([]any) {
		seen[e.(map[string]any)["node"].(map[string]any)["id"].(string)] = true
	}
	second := page(p.token, map[string]any{"first": 1, "after": after})
	seen[second["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)] = true
	assert.Equal(t, mine, seen, "newest first, the pages follow each other")

	assert.Empty(t, page(p.token, map[string]any{"first": 0})["edges"])
	filtered := page(app.EmployeeToken(t), map[string]any{"first": 100, "filter": map[string]any{"status": []string{"DECLINED"}, "partner": "demo"}})
	for _, e := range filtered["edges"].([]any) {
		assert.Equal(t, "DECLINED", e.(map[string]any)["node"].(map[string]any)["status"])
	}
	for _, vars := range []map[string]any{{"first": -1}, {"first": 101}, {"after": "not-a-cursor"}} {
		resp := app.GraphQL(t, p.token, `query($first: Int, $after: String) { applications(first: $first, after: $after) { pageInfo { hasNextPage } } }`, vars)
		assert.Equal(t, "INVALID", resp.Code(), "%v", vars)
	}
}

// TestUploadApplicationFileMultipart sends a file through the GraphQL multipart request spec.
func TestUploadApplicationFileMultipart(t *testing.T) {
	app := apptest.Start(t)
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	guid := newApplication(t, p, nil)

	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	ops, _ := json.Marshal(map[string]any{
		"query":     `mutation($f: Upload!, $id: ID!) { uploadApplicationFile(input: {applicationId: $id, fileType: "CUSTOMER_PHOTO", format: "jpeg", file: $f}) { fileType format size } }`,
		"variables": map[string]any{"f": nil, "id": guid},
	})
	require.NoError(t, w.WriteField("operations", string(ops)))
	require.NoError(t, w.WriteField("map", `{"0": ["variables.f"]}`))
	part, err := w.CreateFormFile("0", "photo.jpg")
	require.NoError(t, err)
	_, err = part.Write([]byte("\xff\xd8\xff\xe0 jpeg bytes"))
	require.NoError(t, err)
	require.NoError(t, w.Close())

	resp := app.Do(t, http.MethodPost, "/graphql", &body, http.Header{"Content-Type": {w.FormDataContentType()}, "Authorization": {"Bearer " + p.token}})
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	assert.JSONEq(t, `{"data":{"uploadApplicationFile":{"fileType":"CUSTOMER_PHOTO","format":"jpeg","size":15}}}`, string(resp.Body))
}
