package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/customeroffers"
	"lendgraph/demo"
	"lendgraph/store"
)

const offerRoute = "/customerOffer/loan/initiate"

// offerSignature is a small signature drawn as a PNG.
func offerSignature(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 40, 12))
	for x := 2; x < 38; x++ {
		img.SetGray(x, 6+x%3, color.Gray{Y: 255})
	}
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

// offerExample is the seed's example request, field by field.
func offerExample() map[string]string {
	return map[string]string{
		"customerOfferProcedure.customerId":           "123456789",
		"customerOfferProcedure.customerOfferProcess": "MICRO_LOAN",
		"customerOfferProcedure.employee":             "654321",
		"product.productId":                           "123456789",
		"pdpa.pdpaTemplateId":                         "123456789",
	}
}

// offerPost sends the route's multipart form: fields, and the signature as a file part named
// fileName unless signature is nil.
func offerPost(t *testing.T, app *apptest.App, token string, fields map[string]string, fileName string, signature []byte) apptest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for name, value := range fields {
		require.NoError(t, w.WriteField(name, value))
	}
	if signature != nil {
		part, err := w.CreateFormFile("pdpa.signature", fileName)
		require.NoError(t, err)
		_, err = part.Write(signature)
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	h := http.Header{"Content-Type": {w.FormDataContentType()}}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return app.Do(t, http.MethodPost, offerRoute, &body, h)
}

// offerRows counts what a customer offer stores: offers, file bytes and audit entries.
func offerRows(t *testing.T, app *apptest.App) [3]int {
	t.Helper()
	var n [3]int
	require.NoError(t, app.Store.DB.Get(&n[0], `SELECT count(*) FROM customer_offers`))
	require.NoError(t, app.Store.DB.Get(&n[1], `SELECT count(*) FROM file_blobs`))
	require.NoError(t, app.Store.DB.Get(&n[2], `SELECT count(*) FROM audit_log WHERE entity = 'customer_offer'`))
	return n
}

// offerFields returns the fields an INVALID answer names.
func offerFields(t *testing.T, body map[string]any) []string {
	t.Helper()
	var names []string
	list, _ := body["fields"].([]any)
	for _, f := range list {
		names = append(names, f.(map[string]any)["field"].(string))
	}
	return names
}

// TestCustomerOfferSeedExample sends the seed's example request as it stands and gets the seed's
// answer: the process's display name and next task, the product's bounds and term codes.
func TestCustomerOfferSeedExample(t *testing.T) {
	app := apptest.Start(t)
	token := app.EmployeeToken(t)
	signature := offerSignature(t)

	resp := offerPost(t, app, token, offerExample(), "signature.png", signature)
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	offerID := resp.JSON(t)["customerOfferProcedure"].(map[string]any)["customerOfferId"]
	require.IsType(t, float64(0), offerID)
	assert.JSONEq(t, fmt.Sprintf(`{
		"customerOfferProcedure": {
			"customerId": 123456789,
			"customerOfferProcess": "Micro Loan Process",
			"employee": 654321,
			"customerOfferId": %v,
			"customerOfferProcessNextTask": "application"
		},
		"product": {
			"productId": 123456789,
			"amountConfiguration": {"maxValueRange": "1000000000", "minValueRange": "10000"},
			"termConfiguration": {"maxValueRange": "THREE_YEAR", "minValueRange": "THREE_MONTHS"}
		}
	}`, offerID), string(resp.Body))

	// stored with the customer's consent and signature; the caller, not the named employee, is the actor
	var offer store.CustomerOffer
	require.NoError(t, app.Store.DB.Get(&offer, `SELECT * FROM customer_offers WHERE id = $1`, offerID))
	assert.Equal(t, int64(demo.OfferCustomerID), offer.CustomerID)
	assert.Equal(t, int64(demo.OfferEmployeeID), offer.EmployeeID)
	assert.Equal(t, "MICRO_LOAN", offer.ProcessCode)
	assert.Equal(t, "application", offer.NextTask)
	assert.Equal(t, int64(demo.OfferPDPATemplateID), offer.PDPATemplateID)
	assert.Equal(t, 1, offer.PDPATemplateVersion)
	var text string
	require.NoError(t, app.Store.DB.Get(&text, `SELECT text FROM pdpa_templates WHERE id = $1`, demo.OfferPDPATemplateID))
	sum := sha256.Sum256([]byte(text))
	assert.Equal(t, hex.EncodeToString(sum[:]), offer.PDPATextSHA256)
	var stored store.Blob
	require.NoError(t, app.Store.DB.Get(&stored, `SELECT guid, version, content, media_type, created_at FROM file_blobs WHERE guid = $1`, offer.SignatureFileGUID))
	assert.Equal(t, signature, stored.Content)
	assert.Equal(t, "image/png", stored.MediaType)

	me := gql(t, app, token, `{ me { employee { id } } }`, nil)["me"].(map[string]any)["employee"].(map[string]any)
	trail := gql(t, app, token, `query($id: String) { auditTrail(entity: "customer_offer", entityId: $id) { actor action } }`,
		map[string]any{"id": fmt.Sprint(offerID)})["auditTrail"].([]any)
	require.Len(t, trail, 1)
	assert.Equal(t, map[string]any{"actor": "employee:" + me["id"].(string), "action": "initiateCustomerOffer"}, trail[0])

	// the employee named may also be the caller; integers are accepted with spaces around them
	fields := offerExample()
	fields["customerOfferProcedure.employee"] = " " + me["id"].(string) + " "
	fields["product.productId"] = "1800"
	resp = offerPost(t, app, token, fields, "sig", signature)
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	procedure := resp.JSON(t)["customerOfferProcedure"].(map[string]any)
	assert.Equal(t, me["id"], fmt.Sprint(procedure["employee"]))
}

// TestCustomerOfferTermCodes maps each product's term bounds to the nearest codes inside them.
func TestCustomerOfferTermCodes(t *testing.T) {
	app := apptest.Start(t)
	token := app.EmployeeToken(t)
	require.NoError(t, func() error {
		_, err := app.Store.PutLoanProduct(t.Context(), store.LoanProduct{Code: "987001", Name: "Two months", AnnualRate: decimal.NewFromInt(10),
			MinAmount: decimal.NewFromInt(1000), MaxAmount: decimal.NewFromInt(2000), MinTerm: 1, MaxTerm: 2, PenaltyRate: decimal.NewFromInt(20), ProlongationDays: 30})
		return err
	}())
	for code, want := range map[string][2]string{
		"1800": {"THREE_MONTHS", "TWO_YEAR"},   // 3 – 24
		"1801": {"SIX_MONTHS", "THREE_YEAR"},   // 6 – 36
		"1802": {"THREE_MONTHS", "SIX_MONTHS"}, // 2 – 6: the least rounds up
		"2000": {"THREE_MONTHS", "ONE_YEAR"},   // 1 – 12
	} {
		fields := offerExample()
		fields["product.productId"] = code
		resp := offerPost(t, app, token, fields, "signature.png", offerSignature(t))
		require.Equal(t, http.StatusOK, resp.Status, "%s: %s", code, resp.Body)
		terms := resp.JSON(t)["product"].(map[string]any)["termConfiguration"].(map[string]any)
		assert.Equal(t, map[string]any{"minValueRange": want[0], "maxValueRange": want[1]}, terms, code)
	}

	before := offerRows(t, app)
	fields := offerExample()
	fields["product.productId"] = "987001" // 1 – 2 months: no code inside
	body := assertRESTError(t, offerPost(t, app, token, fields, "signature.png", offerSignature(t)), http.StatusBadRequest, "INVALID")
	assert.Equal(t, []string{"product.productId"}, offerFields(t, body))
	assert.Equal(t, before, offerRows(t, app))
}

// TestCustomerOfferSignatureChecked refuses what is not a PNG by its bytes, whatever its name, and
// a signature over the limit; nothing is stored.
func TestCustomerOfferSignatureChecked(t *testing.T) {
	app := apptest.Start(t)
	token := app.EmployeeToken(t)
	before := offerRows(t, app)

	png := offerSignature(t)
	for name, content := range map[string][]byte{
		"a JPEG":                  []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00 jpeg bytes"),
		"a text file":             []byte("this is my signature"),
		"a damaged PNG":           append(append([]byte{}, png[:8]...), "not a header at all"...),
		"an empty file":           {},
		"a PNG cut in its header": png[:20],
	} {
		body := assertRESTError(t, offerPost(t, app, token, offerExample(), "signature.png", content), http.StatusBadRequest, "INVALID")
		assert.Equal(t, []string{"pdpa.signature"}, offerFields(t, body), name)
	}

	// over the signature limit, within the body limit
	big := append(append([]byte{}, png...), bytes.Repeat([]byte{0}, customeroffers.MaxSignatureBytes)...)
	body := assertRESTError(t, offerPost(t, app, token, offerExample(), "signature.png", big), http.StatusRequestEntityTooLarge, "TOO_LARGE")
	assert.Equal(t, []string{"pdpa.signature"}, offerFields(t, body))
	// over the body limit
	huge := append(append([]byte{}, png...), bytes.Repeat([]byte{0}, 2<<20)...)
	assertRESTError(t, offerPost(t, app, token, offerExample(), "signature.png", huge), http.StatusRequestEntityTooLarge, "TOO_LARGE")

	assert.Equal(t, before, offerRows(t, app))
}

// TestCustomerOfferMissingParts names every missing or malformed part; nothing is stored.
func TestCustomerOfferMissingParts(t *testing.T) {
	app := apptest.Start(t)
	token := app.EmployeeToken(t)
	before := offerRows(t, app)
	signature := offerSignature(t)

	for name := range offerExample() {
		fields := offerExample()
		delete(fields, name)
		body := assertRESTError(t, offerPost(t, app, token, fields, "signature.png", signature), http.StatusBadRequest, "INVALID")
		assert.Equal(t, []string{name}, offerFields(t, body), name)
		assert.Contains(t, body["message"], name+": is required")
	}

	// the signature sent as a plain value, as the JSON example has it, is no file
	fields := offerExample()
	fields["pdpa.signature"] = ""
	body := assertRESTError(t, offerPost(t, app, token, fields, "", nil), http.StatusBadRequest, "INVALID")
	assert.Equal(t, []string{"pdpa.signature"}, offerFields(t, body))

	body = assertRESTError(t, offerPost(t, app, token, nil, "", nil), http.StatusBadRequest, "INVALID")
	assert.ElementsMatch(t, []string{"customerOfferProcedure.customerId", "customerOfferProcedure.customerOfferProcess",
		"customerOfferProcedure.employee", "product.productId", "pdpa.pdpaTemplateId", "pdpa.signature"}, offerFields(t, body))

	for field, value := range map[string]string{
		"customerOfferProcedure.customerId": "12a",
		"customerOfferProcedure.employee":   "-5",
		"product.productId":                 "ABC", // the answer's productId is an integer
	} {
		fields := offerExample()
		fields[field] = value
		body := assertRESTError(t, offerPost(t, app, token, fields, "signature.png", signature), http.StatusBadRequest, "INVALID")
		assert.Equal(t, []string{field}, offerFields(t, body), field)
	}

	// not a multipart form
	resp := app.Do(t, http.MethodPost, offerRoute, strings.NewReader(`{"customerOfferProcedure":{}}`),
		http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + token}})
	assertRESTError(t, resp, http.StatusBadRequest, "INVALID")

	assert.Equal(t, before, offerRows(t, app))
}

// TestCustomerOfferUnknownReferences refuses unknown or retired references; nothing is stored.
func TestCustomerOfferUnknownReferences(t *testing.T) {
	app := apptest.Start(t)
	token := app.EmployeeToken(t)
	_, err := app.Store.PutPDPATemplate(t.Context(), store.PDPATemplate{ID: 987002, Name: "PDPA_CONSENT", Version: 99, Text: "old wording", Active: false})
	require.NoError(t, err)
	before := offerRows(t, app)

	for _, c := range []struct {
		field, value, code string
	}{
		{"customerOfferProcedure.customerId", "999999999", "CUSTOMER_NOT_FOUND"},
		{"product.productId", "999999999", "LOAN_PRODUCT_NOT_FOUND"},
		{"pdpa.pdpaTemplateId", "999999999", "PDPA_TEMPLATE_NOT_FOUND"},
		{"pdpa.pdpaTemplateId", "consent-v1", "PDPA_TEMPLATE_NOT_FOUND"},
		{"pdpa.pdpaTemplateId", "987002", "INVALID"}, // retired
		{"customerOfferProcedure.customerOfferProcess", "MACRO_LOAN", "INVALID"},
		{"customerOfferProcedure.employee", "999999999", "INVALID"},
	} {
		fields := offerExample()
		fields[c.field] = c.value
		status := http.StatusBadRequest
		if strings.HasSuffix(c.code, "_NOT_FOUND") {
			status = http.StatusNotFound
		}
		body := assertRESTError(t, offerPost(t, app, token, fields, "signature.png", offerSignature(t)), status, c.code)
		assert.Contains(t, body["message"], strings.TrimPrefix(c.value, "consent-"), c.field)
		if c.code == "INVALID" {
			assert.Equal(t, []string{c.field}, offerFields(t, body), c.field)
		}
	}
	assert.Equal(t, before, offerRows(t, app))
}

// TestCustomerOfferAccess lets employees only, on the route and in GraphQL.
func TestCustomerOfferAccess(t *testing.T) {
	app := apptest.Start(t)
	before := offerRows(t, app)
	partner, customer := app.PartnerToken(t), app.CustomerToken(t, demo.TestPhone(1))

	assertRESTError(t, offerPost(t, app, "", offerExample(), "signature.png", offerSignature(t)), http.StatusUnauthorized, "UNAUTHENTICATED")
	for _, token := range []string{partner, customer} {
		assertRESTError(t, offerPost(t, app, token, offerExample(), "signature.png", offerSignature(t)), http.StatusForbidden, "FORBIDDEN")
		assert.Equal(t, "FORBIDDEN", app.GraphQL(t, token, `{ pdpaTemplates { id } }`, nil).Code())
		assert.Equal(t, "FORBIDDEN", app.GraphQL(t, token, `{ customerOffer(id: "1") { id } }`, nil).Code())
		resp := offerUpload(t, app, token, offerInput(), offerSignature(t))
		assert.Equal(t, "FORBIDDEN", resp.Code())
	}
	assert.Equal(t, "UNAUTHENTICATED", app.GraphQL(t, "", `{ pdpaTemplates { id } }`, nil).Code())
	assert.Equal(t, "UNAUTHENTICATED", offerUpload(t, app, "", offerInput(), offerSignature(t)).Code())
	assert.Equal(t, before, offerRows(t, app))
}

const offerSelection = `id createdAt
	customerOfferProcedure { customerId customerOfferProcess processCode employee customerOfferId customerOfferProcessNextTask }
	product { productId amountConfiguration { maxValueRange minValueRange } termConfiguration { maxValueRange minValueRange } }`

// offerInput is the seed's example as the mutation's input, without the signature.
func offerInput() map[string]any {
	return map[string]any{"customerId": "123456789", "process": "MICRO_LOAN", "employeeId": 654321, "productId": "123456789", "pdpaTemplateId": "123456789"}
}

// offerUpload runs initiateCustomerOffer as a GraphQL multipart request, the signature a file part.
func offerUpload(t *testing.T, app *apptest.App, token string, input map[string]any, signature []byte) apptest.GQLResponse {
	t.Helper()
	input["signature"] = nil
	ops, err := json.Marshal(map[string]any{
		"query":     `mutation($in: InitiateCustomerOfferInput!) { initiateCustomerOffer(input: $in) { ` + offerSelection + ` } }`,
		"variables": map[string]any{"in": input},
	})
	require.NoError(t, err)
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	require.NoError(t, w.WriteField("operations", string(ops)))
	require.NoError(t, w.WriteField("map", `{"0": ["variables.in.signature"]}`))
	part, err := w.CreateFormFile("0", "signature.png")
	require.NoError(t, err)
	_, err = part.Write(signature)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	h := http.Header{"Content-Type": {w.FormDataContentType()}}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	resp := app.Do(t, http.MethodPost, "/graphql", &body, h)
	out := apptest.GQLResponse{Status: resp.Status}
	require.NoError(t, json.Unmarshal(resp.Body, &out), "%d %s", resp.Status, resp.Body)
	return out
}

// TestCustomerOfferGraphQL records the seed's example through the mutation, reads it back with its
// consent and signature, and lists the templates.
func TestCustomerOfferGraphQL(t *testing.T) {
	app := apptest.Start(t)
	token := app.EmployeeToken(t)
	signature := offerSignature(t)

	resp := offerUpload(t, app, token, offerInput(), signature)
	require.Empty(t, resp.Errors, "%v", resp.Errors)
	offer := resp.Data["initiateCustomerOffer"].(map[string]any)
	id := offer["id"].(string)
	assert.Equal(t, map[string]any{
		"customerId": "123456789", "customerOfferProcess": "Micro Loan Process", "processCode": "MICRO_LOAN",
		"employee": "654321", "customerOfferId": id, "customerOfferProcessNextTask": "application",
	}, offer["customerOfferProcedure"])
	assert.Equal(t, map[string]any{
		"productId":           "123456789",
		"amountConfiguration": map[string]any{"maxValueRange": "1000000000.00", "minValueRange": "10000.00"},
		"termConfiguration":   map[string]any{"maxValueRange": "THREE_YEAR", "minValueRange": "THREE_MONTHS"},
	}, offer["product"])

	read := gql(t, app, token, `query($id: ID!) { customerOffer(id: $id) { `+offerSelection+`
		pdpa { template { id name version active } textSha256 signedAt signature { mediaType base64 } } } }`,
		map[string]any{"id": id})["customerOffer"].(map[string]any)
	pdpa := read["pdpa"].(map[string]any)
	delete(read, "pdpa")
	assert.Equal(t, offer, read)
	assert.Equal(t, map[string]any{"id": "123456789", "name": "PDPA_CONSENT", "version": float64(1), "active": true}, pdpa["template"])
	assert.Len(t, pdpa["textSha256"], 64)
	assert.NotEmpty(t, pdpa["signedAt"])
	assert.Equal(t, map[string]any{"mediaType": "image/png", "base64": base64.StdEncoding.EncodeToString(signature)}, pdpa["signature"])

	assert.Nil(t, gql(t, app, token, `{ customerOffer(id: "999999999") { id } }`, nil)["customerOffer"])
	templates := gql(t, app, token, `{ pdpaTemplates { id version active } }`, nil)["pdpaTemplates"].([]any)
	assert.Contains(t, templates, map[string]any{"id": "123456789", "version": float64(1), "active": true})

	// the same rules as the route, naming the route's fields
	before := offerRows(t, app)
	resp = offerUpload(t, app, token, offerInput(), []byte("\xff\xd8\xff\xe0 jpeg"))
	assert.Equal(t, "INVALID", resp.Code())
	require.NotEmpty(t, resp.Errors)
	assert.Equal(t, []any{map[string]any{"field": "pdpa.signature", "message": "must be a PNG image"}}, resp.Errors[0].Extensions["fields"])
	in := offerInput()
	in["customerId"] = "999999999"
	assert.Equal(t, "CUSTOMER_NOT_FOUND", offerUpload(t, app, token, in, signature).Code())
	big := append(append([]byte{}, signature...), bytes.Repeat([]byte{0}, customeroffers.MaxSignatureBytes)...)
	assert.Equal(t, "TOO_LARGE", offerUpload(t, app, token, offerInput(), big).Code())
	assert.Equal(t, before, offerRows(t, app))
}
