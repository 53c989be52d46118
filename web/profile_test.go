package web_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
)

// The profile's operations, with the fields the tests read.
const (
	profCustomerFields   = `id guid phone firstName lastName middleName gender birthDate email additionalData version createdAt`
	profAddressFields    = `id isPrimary data createdAt updatedAt`
	profContactFields    = `id type owner contact isActive isPrimary additionalData`
	profIntegrationField = `integrationCode externalCardUniqueId isActive`
	profCardFields       = `id nameOnCard bin lastFourDigits type bankName expirationMonth expirationYear isActive isMigrated integrations { ` + profIntegrationField + ` }`
	profEmploymentFields = `id position positionType companyName companyScope salary salaryCurrency extraSalary extraSalaryCurrency
		currentPositionDuration additionalData sourceId sourceName`
	profFileFields = `id fileId version sourceName sourceId invalidityReason isDeleted createdAt updatedAt`

	profCreateCustomer   = `mutation($in: CustomerInput!) { createCustomer(input: $in) { ` + profCustomerFields + ` } }`
	profPatchCustomer    = `mutation($id: ID!, $in: CustomerInput!) { patchCustomer(id: $id, input: $in) { ` + profCustomerFields + ` } }`
	profCustomerQuery    = `query($guid: ID) { customer(guid: $guid) { ` + profCustomerFields + ` } }`
	profAddAddress       = `mutation($c: ID!, $p: Boolean!, $d: Map!) { addAddress(customerId: $c, isPrimary: $p, data: $d) { ` + profAddressFields + ` } }`
	profUpdateAddress    = `mutation($id: ID!, $d: Map!) { updateAddress(id: $id, data: $d) { ` + profAddressFields + ` } }`
	profAddContact       = `mutation($c: ID!, $in: CustomerContactInput!) { addContact(customerId: $c, input: $in) { ` + profContactFields + ` } }`
	profCreateCard       = `mutation($c: ID!, $in: CardInput!) { createCard(customerId: $c, input: $in) { ` + profCardFields + ` } }`
	profSetCardActive    = `mutation($id: ID!, $a: Boolean!) { setCardActive(id: $id, isActive: $a) { ` + profCardFields + ` } }`
	profPutIntegration   = `mutation($card: ID!, $code: String!, $ext: String!) { putCardIntegration(cardId: $card, integrationCode: $code, externalCardUniqueId: $ext) { ` + profIntegrationField + ` } }`
	profAddEmployment    = `mutation($c: ID!, $in: CustomerEmploymentInput!) { addEmployment(customerId: $c, input: $in) { ` + profEmploymentFields + ` } }`
	profUpdateEmployment = `mutation($id: ID!, $in: CustomerEmploymentInput!) { updateEmployment(id: $id, input: $in) { ` + profEmploymentFields + ` } }`
	profSearchQuery      = `query($s: CustomerSearch!, $first: Int, $after: String) { customers(search: $s, first: $first, after: $after) {
		edges { cursor node { id guid } } pageInfo { hasNextPage endCursor } } }`
	profImport  = `mutation($f: Upload!) { importIncomes(file: $f) { line customerId status code message } }`
	profAttach  = `mutation($doc: ID!, $f: Upload!, $file: ID, $src: String!, $srcId: String) { attachDocumentFile(documentId: $doc, file: $f, fileId: $file, sourceName: $src, sourceId: $srcId) { ` + profFileFields + ` } }`
	profReject  = `mutation($file: ID!, $v: Int!, $r: String!) { rejectDocumentFile(fileId: $file, version: $v, invalidityReason: $r) { ` + profFileFields + ` } }`
	profPrune   = `mutation($doc: ID!, $keep: Int!) { pruneDocumentFiles(documentId: $doc, filesToKeep: $keep) { ` + profFileFields + ` } }`
	profContent = `query($file: ID!, $v: Int!) { documentFileContent(fileId: $file, version: $v) { mediaType base64 } }`
	// profCustomer360 is the employee's whole view of a customer.
	profCustomer360 = `query($guid: ID, $id: ID) { customer(guid: $guid, id: $id) { ` + profCustomerFields + `
		addresses { ` + profAddressFields + ` } contacts { ` + profContactFields + ` } cards { ` + profCardFields + ` }
		employment { ` + profEmploymentFields + ` }
		documents { id status documentType { name } documentInfo { number series } files { ` + profFileFields + ` } }
		flags { id flagType flagReason isActive } applications { id } loans { id } } }`
)

// profPhoneBase and profPhoneSeq make the phones of customers the profile tests create: 7977 and
// seven digits, never twice in a run.
var (
	profPhoneBase = sync.OnceValue(func() int64 { return rand.Int64N(9_000_000) })
	profPhoneSeq  atomic.Int64
)

// profPhone returns a login phone no other customer has.
func profPhone() string {
	return fmt.Sprintf("7977%07d", profPhoneBase()+profPhoneSeq.Add(1))
}

// profFormatted writes a stored phone the way people type it: +7 (977) 123-45-67.
func profFormatted(phone string) string {
	return fmt.Sprintf("+7 (%s) %s-%s-%s", phone[1:4], phone[4:7], phone[7:9], phone[9:11])
}

// profWord returns prefix followed by 8 random Latin letters: a name no other test uses.
func profWord(prefix string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for range 8 {
		b.WriteByte(byte('a' + rand.IntN(26)))
	}
	return b.String()
}

// profCyrillic returns prefix followed by 8 random lower-case Cyrillic letters.
func profCyrillic(prefix string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for range 8 {
		b.WriteRune(rune('а' + rand.IntN(32)))
	}
	return b.String()
}

// profDigits returns n random digits, the first not 0.
func profDigits(n int) string {
	s := strconv.Itoa(1 + rand.IntN(9))
	for len(s) < n {
		s += strconv.Itoa(rand.IntN(10))
	}
	return s
}

// profFail runs an operation that must fail with code and returns the distinct fields it names.
func profFail(t *testing.T, app *apptest.App, token, code, query string, vars map[string]any) []string {
	t.Helper()
	return slices.Compact(regFail(t, app, token, code, query, vars))
}

// profRaw posts an operation and returns the raw body with its decoding.
func profRaw(t *testing.T, app *apptest.App, token, query string, vars map[string]any) (string, apptest.GQLResponse) {
	t.Helper()
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	h := http.Header{"Content-Type": {"application/json"}}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	resp := app.Do(t, http.MethodPost, "/graphql", bytes.NewReader(b), h)
	var out apptest.GQLResponse
	require.NoError(t, json.Unmarshal(resp.Body, &out), "%s", resp.Body)
	out.Status = resp.Status
	return string(resp.Body), out
}

// profUpload sends an operation with one file through the GraphQL multipart request spec: the file
// goes in variable fileVar.
func profUpload(t *testing.T, app *apptest.App, token, query string, vars map[string]any, fileVar, name string, content []byte) apptest.GQLResponse {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	v := map[string]any{}
	maps.Copy(v, vars)
	v[fileVar] = nil
	ops, err := json.Marshal(map[string]any{"query": query, "variables": v})
	require.NoError(t, err)
	require.NoError(t, w.WriteField("operations", string(ops)))
	require.NoError(t, w.WriteField("map", `{"0": ["variables.`+fileVar+`"]}`))
	part, err := w.CreateFormFile("0", name)
	require.NoError(t, err)
	_, err = part.Write(content)
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

// profImportCSV uploads an income CSV and returns the results, failing the test on errors.
func profImportCSV(t *testing.T, app *apptest.App, emp, csv string) []map[string]any {
	t.Helper()
	resp := profUpload(t, app, emp, profImport, nil, "f", "incomes.csv", []byte(csv))
	require.Empty(t, resp.Errors, "%v", resp.Errors)
	var out []map[string]any
	for _, r := range regList(resp.Data["importIncomes"]) {
		out = append(out, regObj(r))
	}
	return out
}

// profAttachFile attaches content to a document (as a new version of fileID unless it is "").
func profAttachFile(t *testing.T, app *apptest.App, emp, docID, fileID string, content []byte) apptest.GQLResponse {
	t.Helper()
	vars := map[string]any{"doc": docID, "src": "CUSTOMER", "srcId": "upload-" + uuid.NewString()[:8]}
	if fileID != "" {
		vars["file"] = fileID
	}
	return profUpload(t, app, emp, profAttach, vars, "f", "scan.bin", content)
}

// profNewCustomer creates a customer with a fresh phone and the given fields over a default profile.
func profNewCustomer(t *testing.T, app *apptest.App, emp string, fields map[string]any) map[string]any {
	t.Helper()
	in := map[string]any{
		"phone": profPhone(), "firstName": profWord("Ivan"), "lastName": profWord("Petrov"), "middleName": profWord("Sergeevich"),
		"gender": "MALE", "birthDate": "1985-03-14", "email": profWord("ivan") + "@example.com",
	}
	maps.Copy(in, fields)
	return regOK(t, app, emp, profCreateCustomer, map[string]any{"in": in})
}

// profEmployment is a complete employment input; fields change it.
func profEmployment(fields map[string]any) map[string]any {
	in := map[string]any{
		"position": "Кассир", "positionType": "EMPLOYEE", "companyName": "ООО Ромашка", "companyScope": "RETAIL",
		"salary": "85000.50", "salaryCurrency": "RUB", "extraSalary": "5000", "extraSalaryCurrency": "RUB",
		"currentPositionDuration": "3_6_MONTHS", "additionalData": map[string]any{"workPhone": "74950000000"},
		"sourceId": "crm-1", "sourceName": "CRM",
	}
	maps.Copy(in, fields)
	return in
}

// profSearch runs customers(search, first, after) as an employee and returns the guids found and
// the connection.
func profSearch(t *testing.T, app *apptest.App, emp string, search map[string]any, first, after any) ([]string, map[string]any) {
	t.Helper()
	vars := map[string]any{"s": search}
	if first != nil {
		vars["first"] = first
	}
	if after != nil {
		vars["after"] = after
	}
	conn := regOK(t, app, emp, profSearchQuery, vars)
	var guids []string
	for _, e := range regList(conn["edges"]) {
		node := regObj(regObj(e)["node"])
		assert.Equal(t, node["id"], regObj(e)["cursor"], "a customer's cursor is its id")
		guids = append(guids, node["guid"].(string))
	}
	return guids, conn
}

// profView is the employee's 360° view of a customer.
func profView(t *testing.T, app *apptest.App, emp, guid string) map[string]any {
	t.Helper()
	return regOK(t, app, emp, profCustomer360, map[string]any{"guid": guid})
}

// profIDs returns the ids of a list of objects.
func profIDs(list any) []any {
	var out []any
	for _, x := range regList(list) {
		out = append(out, regObj(x)["id"])
	}
	return out
}

// profWithout returns a copy of m without keys.
func profWithout(m map[string]any, keys ...string) map[string]any {
	out := maps.Clone(m)
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

func TestProfileCreateCustomer(t *testing.T) {
	app := apptest.Start(t)
	emp, actor := regEmployee(t, app)
	phone := profPhone()
	in := map[string]any{
		"phone": profFormatted(phone), "firstName": "Ivan", "middleName": "Sergeevich", "lastName": profWord("Petrov"),
		"gender": "MALE", "birthDate": "1990-05-17", "email": "ivan.petrov@example.com", "additionalData": map[string]any{"source": "branch"},
	}
	created := regOK(t, app, emp, profCreateCustomer, map[string]any{"in": in})
	guid := created["guid"].(string)
	_, err := uuid.Parse(guid)
	assert.NoError(t, err, "a customer's guid is a uuid")
	_, err = strconv.ParseInt(created["id"].(string), 10, 64)
	assert.NoError(t, err, "a customer's id is numeric")
	assert.Equal(t, phone, created["phone"], "the phone is stored normalised")
	assert.Equal(t, "Ivan", created["firstName"])
	assert.Equal(t, "Sergeevich", created["middleName"])
	assert.Equal(t, in["lastName"], created["lastName"])
	assert.Equal(t, "MALE", created["gender"])
	assert.Equal(t, "1990-05-17", created["birthDate"])
	assert.Equal(t, "ivan.petrov@example.com", created["email"])
	assert.Equal(t, map[string]any{"source": "branch"}, created["additionalData"])
	assert.EqualValues(t, 1, created["version"])
	assert.Equal(t, created, regOK(t, app, emp, profCustomerQuery, map[string]any{"guid": guid}), "customer(guid) reads what was created")

	minimal := regOK(t, app, emp, profCreateCustomer, map[string]any{"in": map[string]any{"phone": "8" + profPhone()[1:], "gender": "FEMALE"}})
	assert.Regexp(t, `^7977\d{7}$`, minimal["phone"], "an 8 in front is read as 7")
	assert.Nil(t, minimal["firstName"])
	assert.Nil(t, minimal["birthDate"])
	assert.Equal(t, map[string]any{}, minimal["additionalData"])

	regAssertAudited(t, app, emp, actor, "customer", guid, "createCustomer")

	t.Run("refusals name the field", func(t *testing.T) {
		before := regLatestAudit(t, app, emp)
		future := apptest.Clock.Now().AddDate(1, 0, 0).Format(time.DateOnly)
		var phones []string
		for _, c := range []struct {
			name   string
			in     map[string]any
			fields []string
		}{
			{"no phone", map[string]any{"phone": nil}, []string{"phone"}},
			{"phone too short", map[string]any{"phone": "7977123"}, []string{"phone"}},
			{"phone of another country", map[string]any{"phone": "+1 (202) 555-01-23"}, []string{"phone"}},
			{"phone with letters", map[string]any{"phone": "7977abc4567"}, []string{"phone"}},
			{"e-mail without domain", map[string]any{"email": "ivan@"}, []string{"email"}},
			{"e-mail that is no address", map[string]any{"email": "not an email"}, []string{"email"}},
			{"e-mail with a display name", map[string]any{"email": "Ivan <ivan@example.com>"}, []string{"email"}},
			{"birth date in the future", map[string]any{"birthDate": future}, []string{"birthDate"}},
			{"birth date in another format", map[string]any{"birthDate": "17.05.1990"}, []string{"birthDate"}},
			{"gender other", map[string]any{"gender": "OTHER"}, []string{"gender"}},
			{"gender in lower case", map[string]any{"gender": "male"}, []string{"gender"}},
			{"first name with a leading space", map[string]any{"firstName": " Ivan"}, []string{"firstName"}},
			{"last name with a trailing space", map[string]any{"lastName": "Petrov "}, []string{"lastName"}},
			{"middle name with spaces around", map[string]any{"middleName": " Sergeevich "}, []string{"middleName"}},
			{"several at once", map[string]any{"email": "x", "gender": "X", "firstName": "Ivan\t"}, []string{"email", "firstName", "gender"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				p := profPhone()
				in := map[string]any{"phone": p, "firstName": "Ivan", "lastName": "Petrov", "gender": "MALE", "birthDate": "1990-05-17", "email": "ivan@example.com"}
				maps.Copy(in, c.in)
				if c.fields[0] != "phone" {
					phones = append(phones, p)
				}
				assert.Equal(t, c.fields, profFail(t, app, emp, "INVALID", profCreateCustomer, map[string]any{"in": in}))
			})
		}
		for _, p := range phones {
			found, _ := profSearch(t, app, emp, map[string]any{"phone": p}, nil, nil)
			assert.Empty(t, found, "a refused customer %s is not created", p)
		}
		assert.Equal(t, before, regLatestAudit(t, app, emp), "a refused customer is not audited")
	})

	t.Run("a taken phone", func(t *testing.T) {
		before := regLatestAudit(t, app, emp)
		for _, p := range []string{phone, "8" + phone[1:], profFormatted(phone)} {
			regFail(t, app, emp, "CUSTOMER_ALREADY_EXISTS", profCreateCustomer, map[string]any{"in": map[string]any{"phone": p, "firstName": "Other"}})
		}
		assert.Equal(t, created, regOK(t, app, emp, profCustomerQuery, map[string]any{"guid": guid}), "the existing customer is untouched")
		assert.Equal(t, before, regLatestAudit(t, app, emp))
	})
}

func TestProfilePatchCustomer(t *testing.T) {
	app := apptest.Start(t)
	emp, actor := regEmployee(t, app)
	created := profNewCustomer(t, app, emp, map[string]any{"additionalData": map[string]any{"a": 1}})
	guid := created["guid"].(string)
	read := func() map[string]any {
		t.Helper()
		return regOK(t, app, emp, profCustomerQuery, map[string]any{"guid": guid})
	}

	patched := regOK(t, app, emp, profPatchCustomer, map[string]any{"id": guid, "in": map[string]any{"email": "new.address@example.com"}})
	assert.Equal(t, "new.address@example.com", patched["email"])
	assert.EqualValues(t, 2, patched["version"], "a patch counts in the version")
	assert.Equal(t, profWithout(created, "email", "version"), profWithout(patched, "email", "version"), "only the given field changes")
	assert.Equal(t, patched, read())

	// null fields stay; the version given is the current one
	patched2 := regOK(t, app, emp, profPatchCustomer, map[string]any{"id": guid, "in": map[string]any{
		"firstName": nil, "middleName": "Olegovich", "gender": "FEMALE", "birthDate": "1979-12-31", "additionalData": map[string]any{"b": "x"}, "version": 2,
	}})
	assert.EqualValues(t, 3, patched2["version"])
	assert.Equal(t, created["firstName"], patched2["firstName"], "a null field stays")
	assert.Equal(t, "Olegovich", patched2["middleName"])
	assert.Equal(t, "FEMALE", patched2["gender"])
	assert.Equal(t, "1979-12-31", patched2["birthDate"])
	assert.Equal(t, map[string]any{"b": "x"}, patched2["additionalData"])
	assert.Equal(t, patched["email"], patched2["email"])
	assert.Equal(t, created["phone"], patched2["phone"])
	assert.Equal(t, created["id"], patched2["id"])

	t.Run("refusals change nothing", func(t *testing.T) {
		before := read()
		auditBefore := regLatestAudit(t, app, emp)
		for _, c := range []struct {
			name, id, code string
			in             map[string]any
			fields         []string
		}{
			{"stale version", guid, "CONFLICT", map[string]any{"lastName": "Stale", "version": 2}, nil},
			{"version from the future", guid, "CONFLICT", map[string]any{"lastName": "Stale", "version": 9}, nil},
			{"phone", guid, "INVALID", map[string]any{"phone": profPhone()}, []string{"phone"}},
			{"phone equal to the login", guid, "INVALID", map[string]any{"phone": created["phone"]}, []string{"phone"}},
			{"bad e-mail", guid, "INVALID", map[string]any{"email": "nope"}, []string{"email"}},
			{"future birth date", guid, "INVALID", map[string]any{"birthDate": apptest.Clock.Now().AddDate(0, 0, 2).Format(time.DateOnly)}, []string{"birthDate"}},
			{"gender", guid, "INVALID", map[string]any{"gender": "UNKNOWN"}, []string{"gender"}},
			{"name with spaces", guid, "INVALID", map[string]any{"lastName": " Petrov"}, []string{"lastName"}},
			{"unknown customer", uuid.NewString(), "CUSTOMER_NOT_FOUND", map[string]any{"lastName": "Nobody"}, nil},
			{"numeric id instead of guid", created["id"].(string), "CUSTOMER_NOT_FOUND", map[string]any{"lastName": "Nobody"}, nil},
			{"id that is no uuid", "nope", "CUSTOMER_NOT_FOUND", map[string]any{"lastName": "Nobody"}, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				assert.Equal(t, c.fields, profFail(t, app, emp, c.code, profPatchCustomer, map[string]any{"id": c.id, "in": c.in}))
				assert.Equal(t, before, read(), "a refused patch changes nothing")
			})
		}
		assert.Equal(t, auditBefore, regLatestAudit(t, app, emp), "a refused patch is not audited")
	})

	entries := regAssertAudited(t, app, emp, actor, "customer", guid, "patchCustomer", "patchCustomer", "createCustomer")
	if len(entries) == 3 {
		assert.Equal(t, "new.address@example.com", regObj(entries[1]["changes"])["email"], "the patch records what was asked: %v", entries[1]["changes"])
	}
}

func TestProfileSearchCustomers(t *testing.T) {
	app := apptest.Start(t)
	emp, _ := regEmployee(t, app)
	family := profWord("Searchov")
	birth := time.Date(1901, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rand.IntN(14000)).Format(time.DateOnly)
	target := profNewCustomer(t, app, emp, map[string]any{
		"firstName": profWord("Anna"), "middleName": profWord("Pavlovna"), "lastName": family, "birthDate": birth,
		"gender": "FEMALE", "email": profWord("anna") + "@Example.com",
	})
	// a namesake: same family name, another first name and birth date
	namesake := profNewCustomer(t, app, emp, map[string]any{"firstName": profWord("Olga"), "lastName": family, "birthDate": "1950-02-02"})
	tg, ng := target["guid"].(string), namesake["guid"].(string)
	targetID, _ := strconv.ParseInt(target["id"].(string), 10, 64)
	namesakeID, _ := strconv.ParseInt(namesake["id"].(string), 10, 64)
	require.Less(t, targetID, namesakeID)

	ownPhone, fatherPhone := profPhone(), profPhone()
	contactEmail, motherEmail := profWord("anna.work")+"@example.org", profWord("mother")+"@example.org"
	for _, c := range []map[string]any{
		{"type": "PHONE", "owner": "CUSTOMER", "value": profFormatted(ownPhone)},
		{"type": "PHONE", "owner": "FATHER", "value": fatherPhone},
		{"type": "EMAIL", "owner": "CUSTOMER", "value": contactEmail},
		{"type": "EMAIL", "owner": "MOTHER", "value": motherEmail},
	} {
		regOK(t, app, emp, profAddContact, map[string]any{"c": tg, "in": c})
	}
	inn := profDigits(12)
	series, number := profDigits(4), profDigits(6)
	regOK(t, app, emp, regCreateDocument, map[string]any{"customer": tg, "type": "INN", "status": "VALID", "info": map[string]any{"number": inn}})
	regOK(t, app, emp, regCreateDocument, map[string]any{"customer": tg, "type": "PASSPORT", "status": "VALID",
		"info": map[string]any{"series": series, "number": number, "issueDate": "2015-06-01"}})
	// the namesake's passport shares the series, not the number
	otherNumber := profDigits(6)
	regOK(t, app, emp, regCreateDocument, map[string]any{"customer": ng, "type": "PASSPORT", "status": "VALID",
		"info": map[string]any{"series": series, "number": otherNumber, "issueDate": "2016-06-01"}})

	t.Run("each criterion alone", func(t *testing.T) {
		for _, c := range []struct {
			name   string
			search map[string]any
			want   []string
		}{
			{"first name", map[string]any{"firstName": target["firstName"]}, []string{tg}},
			{"first name in upper case", map[string]any{"firstName": strings.ToUpper(target["firstName"].(string))}, []string{tg}},
			{"first name in lower case", map[string]any{"firstName": strings.ToLower(target["firstName"].(string))}, []string{tg}},
			{"middle name in upper case", map[string]any{"middleName": strings.ToUpper(target["middleName"].(string))}, []string{tg}},
			{"last name finds both namesakes, by id", map[string]any{"lastName": strings.ToLower(family)}, []string{tg, ng}},
			{"birth date", map[string]any{"birthDate": birth}, []string{tg}},
			{"login phone", map[string]any{"phone": target["phone"]}, []string{tg}},
			{"login phone as typed", map[string]any{"phone": profFormatted(target["phone"].(string))}, []string{tg}},
			{"own phone contact", map[string]any{"phone": ownPhone}, []string{tg}},
			{"own phone contact as typed", map[string]any{"phone": "8" + ownPhone[1:]}, []string{tg}},
			{"father's phone is not the customer's", map[string]any{"phone": fatherPhone}, nil},
			{"e-mail", map[string]any{"email": target["email"]}, []string{tg}},
			{"e-mail in another case", map[string]any{"email": strings.ToLower(target["email"].(string))}, []string{tg}},
			{"e-mail contact", map[string]any{"email": contactEmail}, []string{tg}},
			{"mother's e-mail is not the customer's", map[string]any{"email": motherEmail}, nil},
			{"inn", map[string]any{"inn": inn}, []string{tg}},
			{"passport series", map[string]any{"passportSeries": series}, []string{tg, ng}},
			{"passport number", map[string]any{"passportNumber": number}, []string{tg}},
			{"unknown inn", map[string]any{"inn": profDigits(10)}, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				found, conn := profSearch(t, app, emp, c.search, nil, nil)
				assert.Equal(t, c.want, found, "search %v", c.search)
				assert.Equal(t, false, regObj(conn["pageInfo"])["hasNextPage"])
			})
		}
	})

	t.Run("criteria combine with AND", func(t *testing.T) {
		for _, c := range []struct {
			name   string
			search map[string]any
			want   []string
		}{
			{"family and first name", map[string]any{"lastName": family, "firstName": namesake["firstName"]}, []string{ng}},
			{"family and birth date", map[string]any{"lastName": family, "birthDate": birth}, []string{tg}},
			{"first name and the namesake's birth date", map[string]any{"firstName": target["firstName"], "birthDate": "1950-02-02"}, nil},
			{"passport series and number", map[string]any{"passportSeries": series, "passportNumber": number}, []string{tg}},
			{"series and the namesake's number", map[string]any{"passportSeries": series, "passportNumber": otherNumber}, []string{ng}},
			{"number of one, series of another", map[string]any{"passportSeries": profDigits(4), "passportNumber": number}, nil},
			{"family and e-mail contact", map[string]any{"lastName": family, "email": contactEmail}, []string{tg}},
			{"namesake's name and the target's phone", map[string]any{"firstName": namesake["firstName"], "phone": target["phone"]}, nil},
			{"inn and passport", map[string]any{"inn": inn, "passportNumber": number, "phone": ownPhone}, []string{tg}},
			{"inn and the namesake's passport", map[string]any{"inn": inn, "passportNumber": otherNumber}, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				found, _ := profSearch(t, app, emp, c.search, nil, nil)
				assert.Equal(t, c.want, found, "search %v", c.search)
			})
		}
	})

	// Customers' names are mostly Cyrillic: "names compare without case" must hold for them too,
	// whatever the database's locale.
	t.Run("Cyrillic names compare without case", func(t *testing.T) {
		first, last := "Ёлка"+profCyrillic(""), "Иванова"+profCyrillic("")
		c := profNewCustomer(t, app, emp, map[string]any{"firstName": first, "lastName": last})
		for _, s := range []map[string]any{
			{"lastName": last},
			{"lastName": strings.ToUpper(last)},
			{"lastName": strings.ToLower(last)},
			{"firstName": strings.ToUpper(first), "lastName": strings.ToLower(last)},
		} {
			found, _ := profSearch(t, app, emp, s, nil, nil)
			assert.Equal(t, []string{c["guid"].(string)}, found, "search %v", s)
		}
	})

	t.Run("names are trimmed", func(t *testing.T) {
		found, _ := profSearch(t, app, emp, map[string]any{"firstName": " " + target["firstName"].(string) + " "}, nil, nil)
		assert.Equal(t, []string{tg}, found)
	})

	// Names are trimmed before matching, so a name of spaces only narrows nothing: it must count as
	// no criterion rather than list every customer.
	t.Run("blank names are no criterion", func(t *testing.T) {
		for _, s := range []map[string]any{{"firstName": "   "}, {"lastName": " ", "middleName": "\t"}} {
			resp := app.GraphQL(t, emp, profSearchQuery, map[string]any{"s": s, "first": 100})
			edges := regList(regObj(resp.Data["customers"])["edges"])
			assert.Equal(t, "INPUT_PARAMETERS_ARE_EMPTY", resp.Code(), "search %q answered %d customers", s, len(edges))
		}
	})

	t.Run("no criterion", func(t *testing.T) {
		for _, s := range []map[string]any{{}, {"firstName": "", "email": ""}, {"lastName": nil}} {
			regFail(t, app, emp, "INPUT_PARAMETERS_ARE_EMPTY", profSearchQuery, map[string]any{"s": s})
		}
	})

	t.Run("a malformed phone", func(t *testing.T) {
		assert.Equal(t, []string{"phone"}, profFail(t, app, emp, "INVALID", profSearchQuery, map[string]any{"s": map[string]any{"phone": "12345"}}))
	})
}

func TestProfileSearchPagination(t *testing.T) {
	app := apptest.Start(t)
	emp, _ := regEmployee(t, app)
	family := profWord("Pagerov")
	var guids []string
	for range 5 {
		guids = append(guids, profNewCustomer(t, app, emp, map[string]any{"lastName": family})["guid"].(string))
	}
	search := map[string]any{"lastName": family}
	info := func(conn map[string]any) (bool, any) {
		p := regObj(conn["pageInfo"])
		return p["hasNextPage"].(bool), p["endCursor"]
	}

	all, conn := profSearch(t, app, emp, search, nil, nil)
	assert.Equal(t, guids, all, "the default page holds them all, by id")
	more, _ := info(conn)
	assert.False(t, more)

	t.Run("first 0 answers no edges", func(t *testing.T) {
		found, conn := profSearch(t, app, emp, search, 0, nil)
		assert.Empty(t, found)
		assert.Equal(t, []any{}, conn["edges"])
	})

	t.Run("pages walk the results in id order without repeats", func(t *testing.T) {
		var walked []string
		var cursors []int64
		var after any
		for pages := 0; ; pages++ {
			require.Less(t, pages, 5, "the walk ends")
			found, conn := profSearch(t, app, emp, search, 2, after)
			walked = append(walked, found...)
			for _, e := range regList(conn["edges"]) {
				id, err := strconv.ParseInt(regObj(e)["cursor"].(string), 10, 64)
				require.NoError(t, err)
				cursors = append(cursors, id)
			}
			more, end := info(conn)
			if len(found) > 0 {
				assert.Equal(t, regObj(regList(conn["edges"])[len(found)-1])["cursor"], end, "endCursor is the last edge's cursor")
			}
			if !more {
				assert.Len(t, found, 1, "the last page holds the rest")
				break
			}
			assert.Len(t, found, 2, "a page before the last is full")
			after = end
		}
		assert.Equal(t, guids, walked)
		assert.True(t, slices.IsSorted(cursors), "cursors ascend: %v", cursors)
		assert.Len(t, slices.Compact(slices.Clone(cursors)), len(cursors), "no repeats")
	})

	t.Run("first past the end answers the rest", func(t *testing.T) {
		_, conn := profSearch(t, app, emp, search, 2, nil)
		_, end := info(conn)
		found, conn := profSearch(t, app, emp, search, 100, end)
		assert.Equal(t, guids[2:], found)
		more, _ := info(conn)
		assert.False(t, more)
		found, conn = profSearch(t, app, emp, search, 5, nil)
		assert.Equal(t, guids, found)
		more, _ = info(conn)
		assert.False(t, more, "exactly first results: no next page")
		found, conn = profSearch(t, app, emp, search, 4, nil)
		assert.Equal(t, guids[:4], found)
		more, _ = info(conn)
		assert.True(t, more)
	})

	t.Run("after the last cursor", func(t *testing.T) {
		_, conn := profSearch(t, app, emp, search, 5, nil)
		_, end := info(conn)
		found, conn := profSearch(t, app, emp, search, 10, end)
		assert.Empty(t, found)
		more, _ := info(conn)
		assert.False(t, more)
	})

	t.Run("bad first and after", func(t *testing.T) {
		for _, vars := range []map[string]any{
			{"first": -1}, {"first": 101}, {"after": "abc"}, {"after": ""}, {"after": "0"}, {"after": "-3"},
			{"after": base64.StdEncoding.EncodeToString([]byte("arrayconnection:1"))}, {"after": guids[0]}, {"after": "1.5"},
		} {
			vars["s"] = search
			t.Run(fmt.Sprint(vars["first"], "/", vars["after"]), func(t *testing.T) {
				regFail(t, app, emp, "INVALID", profSearchQuery, vars)
			})
		}
		found, _ := profSearch(t, app, emp, search, 100, nil)
		assert.Equal(t, guids, found, "first 100 is allowed")
	})
}

func TestProfileAddresses(t *testing.T) {
	app := apptest.Start(t)
	emp, actor := regEmployee(t, app)
	guid := profNewCustomer(t, app, emp, nil)["guid"].(string)

	first := regOK(t, app, emp, profAddAddress, map[string]any{"c": guid, "p": true, "d": map[string]any{"city": "Москва", "street": "Ленина", "house": "1", "postcode": "101000"}})
	assert.Equal(t, true, first["isPrimary"])
	assert.Equal(t, map[string]any{"city": "Москва", "street": "Ленина", "house": "1", "postcode": "101000"}, first["data"])
	second := regOK(t, app, emp, profAddAddress, map[string]any{"c": guid, "p": true, "d": map[string]any{"city": "Тверь"}})
	assert.Equal(t, true, second["isPrimary"])
	third := regOK(t, app, emp, profAddAddress, map[string]any{"c": guid, "p": false, "d": map[string]any{"city": "Сочи"}})
	assert.Equal(t, false, third["isPrimary"])

	primary := func() map[string]bool {
		t.Helper()
		out := map[string]bool{}
		for _, a := range regList(profView(t, app, emp, guid)["addresses"]) {
			out[regObj(a)["id"].(string)] = regObj(a)["isPrimary"].(bool)
		}
		return out
	}
	assert.Equal(t, map[string]bool{first["id"].(string): false, second["id"].(string): true, third["id"].(string): false}, primary(),
		"a second primary address makes the first secondary; a secondary one changes nothing")
	assert.Equal(t, second["id"], profIDs(profView(t, app, emp, guid)["addresses"])[0], "the primary address comes first")

	updated := regOK(t, app, emp, profUpdateAddress, map[string]any{"id": first["id"], "d": map[string]any{"city": "Казань", "flat": "12"}})
	assert.Equal(t, first["id"], updated["id"])
	assert.Equal(t, map[string]any{"city": "Казань", "flat": "12"}, updated["data"], "the data is replaced")
	assert.Equal(t, false, updated["isPrimary"])

	t.Run("refusals", func(t *testing.T) {
		before := profView(t, app, emp, guid)["addresses"]
		auditBefore := regLatestAudit(t, app, emp)
		regFail(t, app, emp, "ADDRESS_NOT_FOUND", profUpdateAddress, map[string]any{"id": uuid.NewString(), "d": map[string]any{"city": "X"}})
		regFail(t, app, emp, "ADDRESS_NOT_FOUND", profUpdateAddress, map[string]any{"id": "12", "d": map[string]any{"city": "X"}})
		regFail(t, app, emp, "CUSTOMER_NOT_FOUND", profAddAddress, map[string]any{"c": uuid.NewString(), "p": true, "d": map[string]any{"city": "X"}})
		assert.Equal(t, before, profView(t, app, emp, guid)["addresses"])
		assert.Equal(t, auditBefore, regLatestAudit(t, app, emp))
	})

	regAssertAudited(t, app, emp, actor, "address", first["id"].(string), "updateAddress", "addAddress")
	regAssertAudited(t, app, emp, actor, "address", third["id"].(string), "addAddress")
}

func TestProfileContacts(t *testing.T) {
	app := apptest.Start(t)
	emp, actor := regEmployee(t, app)
	guid := profNewCustomer(t, app, emp, nil)["guid"].(string)
	phone := profPhone()

	c := regOK(t, app, emp, profAddContact, map[string]any{"c": guid, "in": map[string]any{"type": "PHONE", "value": profFormatted(phone)}})
	assert.Equal(t, "PHONE", c["type"])
	assert.Equal(t, phone, c["contact"], "a phone contact is stored normalised")
	assert.Equal(t, "CUSTOMER", c["owner"], "owner defaults to CUSTOMER")
	assert.Equal(t, true, c["isActive"])
	assert.Equal(t, false, c["isPrimary"])
	assert.Equal(t, map[string]any{}, c["additionalData"])

	other := profPhone()
	father := regOK(t, app, emp, profAddContact, map[string]any{"c": guid, "in": map[string]any{
		"type": "PHONE", "owner": "FATHER", "value": "8" + other[1:], "isActive": false, "isPrimary": true, "additionalData": map[string]any{"name": "Пётр"},
	}})
	assert.Equal(t, other, father["contact"])
	assert.Equal(t, "FATHER", father["owner"])
	assert.Equal(t, false, father["isActive"])
	assert.Equal(t, true, father["isPrimary"])
	assert.Equal(t, map[string]any{"name": "Пётр"}, father["additionalData"])
	mail := regOK(t, app, emp, profAddContact, map[string]any{"c": guid, "in": map[string]any{"type": "EMAIL", "value": "Anna.Work@example.com"}})
	assert.Equal(t, "Anna.Work@example.com", mail["contact"])

	t.Run("refusals", func(t *testing.T) {
		before := profView(t, app, emp, guid)["contacts"]
		auditBefore := regLatestAudit(t, app, emp)
		for _, c := range []struct {
			name, code string
			in         map[string]any
			fields     []string
		}{
			{"phone too short", "INVALID", map[string]any{"type": "PHONE", "value": "12345"}, []string{"value"}},
			{"phone with letters", "INVALID", map[string]any{"type": "PHONE", "value": "7977abc1234"}, []string{"value"}},
			{"e-mail without domain", "INVALID", map[string]any{"type": "EMAIL", "value": "anna@"}, []string{"value"}},
			{"e-mail that is a phone", "INVALID", map[string]any{"type": "EMAIL", "value": phone}, []string{"value"}},
			{"e-mail with a display name", "INVALID", map[string]any{"type": "EMAIL", "value": "Anna <anna@example.com>"}, []string{"value"}},
			{"another type", "INVALID", map[string]any{"type": "TELEGRAM", "value": "@anna"}, []string{"type"}},
			{"type in lower case", "INVALID", map[string]any{"type": "phone", "value": phone}, []string{"type"}},
			{"empty owner", "INVALID", map[string]any{"type": "PHONE", "owner": "", "value": phone}, []string{"owner"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				assert.Equal(t, c.fields, profFail(t, app, emp, c.code, profAddContact, map[string]any{"c": guid, "in": c.in}))
			})
		}
		regFail(t, app, emp, "CUSTOMER_NOT_FOUND", profAddContact, map[string]any{"c": uuid.NewString(), "in": map[string]any{"type": "PHONE", "value": phone}})
		assert.Equal(t, before, profView(t, app, emp, guid)["contacts"], "a refused contact is not stored")
		assert.Equal(t, auditBefore, regLatestAudit(t, app, emp), "a refused contact is not audited")
	})

	assert.Equal(t, []any{c["id"], father["id"], mail["id"]}, profIDs(profView(t, app, emp, guid)["contacts"]))
	entries := regAssertAudited(t, app, emp, actor, "contact", c["id"].(string), "addContact")
	if len(entries) == 1 {
		assert.Equal(t, "PHONE", regObj(entries[0]["changes"])["type"], "changes: %v", entries[0]["changes"])
	}
	regAssertAudited(t, app, emp, actor, "contact", mail["id"].(string), "addContact")
}

func TestProfileCards(t *testing.T) {
	app := apptest.Start(t)
	emp, actor := regEmployee(t, app)
	guid := profNewCustomer(t, app, emp, nil)["guid"].(string)
	cardIn := map[string]any{"nameOnCard": "IVAN PETROV", "bin": "411111", "lastFourDigits": "1111", "type": "VISA",
		"bankName": "Сбербанк", "expirationMonth": "7", "expirationYear": "2029"}
	card := regOK(t, app, emp, profCreateCard, map[string]any{"c": guid, "in": cardIn})
	cardID := card["id"].(string)
	for k, v := range cardIn {
		assert.Equal(t, v, card[k], k)
	}
	assert.Equal(t, true, card["isActive"])
	assert.Equal(t, false, card["isMigrated"])
	assert.Equal(t, []any{}, card["integrations"])
	eight := regOK(t, app, emp, profCreateCard, map[string]any{"c": guid, "in": map[string]any{"bin": "55555555", "lastFourDigits": "4444", "expirationMonth": "12", "expirationYear": "2030"}})
	assert.Equal(t, "55555555", eight["bin"], "a BIN may have 8 digits")
	assert.Nil(t, eight["nameOnCard"])
	regOK(t, app, emp, profCreateCard, map[string]any{"c": guid, "in": map[string]any{"expirationMonth": "01"}})

	t.Run("refusals", func(t *testing.T) {
		before := profView(t, app, emp, guid)["cards"]
		auditBefore := regLatestAudit(t, app, emp)
		for _, c := range []struct {
			name   string
			in     map[string]any
			fields []string
			pan    string // a card number the answer must not repeat
		}{
			{"card number as the name", map[string]any{"nameOnCard": "4111 1111 1111 1111"}, []string{"nameOnCard"}, "4111111111111111"},
			{"card number inside the name", map[string]any{"nameOnCard": "IVAN 5500-0000-0000-0004"}, []string{"nameOnCard"}, "5500000000000004"},
			{"card number as the bin", map[string]any{"bin": "4276380012345678"}, []string{"bin"}, "4276380012345678"},
			{"card number as the last four digits", map[string]any{"lastFourDigits": "2200700112345671"}, []string{"lastFourDigits"}, "2200700112345671"},
			{"card number as the bank name", map[string]any{"bankName": "Bank 4000 0012 3456 7899"}, []string{"bankName"}, "4000001234567899"},
			{"card number as the type", map[string]any{"type": "371449635398431"}, []string{"type"}, "371449635398431"},
			{"card number as the year", map[string]any{"expirationYear": "6011111111111117"}, []string{"expirationYear"}, "6011111111111117"},
			{"bin of 5 digits", map[string]any{"bin": "41111"}, []string{"bin"}, ""},
			{"bin of 9 digits", map[string]any{"bin": "411111111"}, []string{"bin"}, ""},
			{"bin with a letter", map[string]any{"bin": "41111a"}, []string{"bin"}, ""},
			{"last three digits", map[string]any{"lastFourDigits": "111"}, []string{"lastFourDigits"}, ""},
			{"last five digits", map[string]any{"lastFourDigits": "11111"}, []string{"lastFourDigits"}, ""},
			{"month 0", map[string]any{"expirationMonth": "0"}, []string{"expirationMonth"}, ""},
			{"month 00", map[string]any{"expirationMonth": "00"}, []string{"expirationMonth"}, ""},
			{"month 13", map[string]any{"expirationMonth": "13"}, []string{"expirationMonth"}, ""},
			{"month in words", map[string]any{"expirationMonth": "July"}, []string{"expirationMonth"}, ""},
			{"year of 2 digits", map[string]any{"expirationYear": "29"}, []string{"expirationYear"}, ""},
			{"year of 5 digits", map[string]any{"expirationYear": "20290"}, []string{"expirationYear"}, ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				in := maps.Clone(cardIn)
				maps.Copy(in, c.in)
				body, resp := profRaw(t, app, emp, profCreateCard, map[string]any{"c": guid, "in": in})
				require.Equal(t, "INVALID", resp.Code(), "%s", body)
				assert.Nil(t, resp.Data["createCard"])
				var fields []string
				for _, f := range regList(resp.Errors[0].Extensions["fields"]) {
					fields = append(fields, regObj(f)["field"].(string))
				}
				slices.Sort(fields)
				assert.Equal(t, c.fields, slices.Compact(fields))
				if c.pan != "" {
					for _, v := range c.in {
						assert.NotContains(t, body, v, "the answer repeats the card number")
					}
					assert.NotContains(t, body, c.pan, "the answer repeats the card number")
					assert.NotContains(t, app.Logs.String(), c.pan, "the log holds the card number")
				}
			})
		}
		assert.Equal(t, before, profView(t, app, emp, guid)["cards"], "a refused card is not stored")
		assert.Equal(t, auditBefore, regLatestAudit(t, app, emp), "a refused card is not audited")
	})

	off := regOK(t, app, emp, profSetCardActive, map[string]any{"id": cardID, "a": false})
	assert.Equal(t, false, off["isActive"])
	assert.Equal(t, card["bin"], off["bin"])
	on := regOK(t, app, emp, profSetCardActive, map[string]any{"id": cardID, "a": true})
	assert.Equal(t, true, on["isActive"])

	psp := regOK(t, app, emp, profPutIntegration, map[string]any{"card": cardID, "code": "PSP", "ext": "ext-1"})
	assert.Equal(t, map[string]any{"integrationCode": "PSP", "externalCardUniqueId": "ext-1", "isActive": true}, psp)
	psp = regOK(t, app, emp, profPutIntegration, map[string]any{"card": cardID, "code": "PSP", "ext": "ext-2"})
	assert.Equal(t, "ext-2", psp["externalCardUniqueId"], "a second put of a code changes its external id")
	regOK(t, app, emp, profPutIntegration, map[string]any{"card": cardID, "code": "TPAY", "ext": "t-1"})
	integrations := map[string]any{}
	for _, c := range regList(profView(t, app, emp, guid)["cards"]) {
		if regObj(c)["id"] == cardID {
			for _, i := range regList(regObj(c)["integrations"]) {
				integrations[regObj(i)["integrationCode"].(string)] = regObj(i)["externalCardUniqueId"]
			}
		}
	}
	assert.Equal(t, map[string]any{"PSP": "ext-2", "TPAY": "t-1"}, integrations, "one integration per code")

	t.Run("unknown cards and empty codes", func(t *testing.T) {
		auditBefore := regLatestAudit(t, app, emp)
		for _, id := range []string{uuid.NewString(), "7"} {
			regFail(t, app, emp, "CARD_NOT_FOUND", profSetCardActive, map[string]any{"id": id, "a": false})
			regFail(t, app, emp, "CARD_NOT_FOUND", profPutIntegration, map[string]any{"card": id, "code": "PSP", "ext": "x"})
		}
		regFail(t, app, emp, "CUSTOMER_NOT_FOUND", profCreateCard, map[string]any{"c": uuid.NewString(), "in": cardIn})
		assert.Equal(t, []string{"integrationCode"}, profFail(t, app, emp, "INVALID", profPutIntegration, map[string]any{"card": cardID, "code": "", "ext": "x"}))
		assert.Equal(t, []string{"externalCardUniqueId"}, profFail(t, app, emp, "INVALID", profPutIntegration, map[string]any{"card": cardID, "code": "PSP", "ext": ""}))
		assert.Equal(t, auditBefore, regLatestAudit(t, app, emp))
	})

	regAssertAudited(t, app, emp, actor, "card", cardID,
		"putCardIntegration", "putCardIntegration", "putCardIntegration", "setCardActive", "setCardActive", "createCard")
	regAssertAudited(t, app, emp, actor, "card", eight["id"].(string), "createCard")
}

func TestProfileEmployment(t *testing.T) {
	app := apptest.Start(t)
	emp, actor := regEmployee(t, app)
	guid := profNewCustomer(t, app, emp, nil)["guid"].(string)

	in := profEmployment(nil)
	e := regOK(t, app, emp, profAddEmployment, map[string]any{"c": guid, "in": in})
	id := e["id"].(string)
	assert.Equal(t, map[string]any{
		"id": id, "position": "Кассир", "positionType": "EMPLOYEE", "companyName": "ООО Ромашка", "companyScope": "RETAIL",
		"salary": "85000.50", "salaryCurrency": "RUB", "extraSalary": "5000.00", "extraSalaryCurrency": "RUB",
		"currentPositionDuration": "3_6_MONTHS", "additionalData": map[string]any{"workPhone": "74950000000"}, "sourceId": "crm-1", "sourceName": "CRM",
	}, e)
	assert.Equal(t, e, profView(t, app, emp, guid)["employment"])

	t.Run("a second employment", func(t *testing.T) {
		regFail(t, app, emp, "EMPLOYMENT_FOR_CUSTOMER_ALREADY_EXIST", profAddEmployment, map[string]any{"c": guid, "in": profEmployment(map[string]any{"salary": "1"})})
		assert.Equal(t, e, profView(t, app, emp, guid)["employment"], "the first stays as it was")
	})

	updated := regOK(t, app, emp, profUpdateEmployment, map[string]any{"id": id, "in": map[string]any{
		"positionType": "SELF_EMPLOYED", "companyScope": "IT", "salary": 120000, "salaryCurrency": "USD",
	}})
	assert.Equal(t, id, updated["id"])
	assert.Equal(t, "SELF_EMPLOYED", updated["positionType"])
	assert.Equal(t, "IT", updated["companyScope"])
	assert.Equal(t, "120000.00", updated["salary"])
	assert.Equal(t, "USD", updated["salaryCurrency"])
	assert.Nil(t, updated["position"], "an update replaces the employment")
	assert.Nil(t, updated["extraSalary"])
	assert.Equal(t, updated, profView(t, app, emp, guid)["employment"])

	bad := []struct {
		name   string
		in     map[string]any
		fields []string
	}{
		{"negative salary", map[string]any{"salary": "-1"}, []string{"salary"}},
		{"negative extra salary", map[string]any{"extraSalary": "-0.01"}, []string{"extraSalary"}},
		{"currency in lower case", map[string]any{"salaryCurrency": "rub"}, []string{"salaryCurrency"}},
		{"currency in words", map[string]any{"salaryCurrency": "рубли"}, []string{"salaryCurrency"}},
		{"extra currency mixed case", map[string]any{"extraSalaryCurrency": "Rub"}, []string{"extraSalaryCurrency"}},
		{"no position type", map[string]any{"positionType": ""}, []string{"positionType"}},
		{"no company scope", map[string]any{"companyScope": " "}, []string{"companyScope"}},
	}
	t.Run("bad updates change nothing", func(t *testing.T) {
		auditBefore := regLatestAudit(t, app, emp)
		for _, c := range bad {
			t.Run(c.name, func(t *testing.T) {
				assert.Equal(t, c.fields, profFail(t, app, emp, "INVALID", profUpdateEmployment, map[string]any{"id": id, "in": profEmployment(c.in)}))
			})
		}
		for _, unknown := range []string{uuid.NewString(), "3", guid} {
			regFail(t, app, emp, "EMPLOYMENT_NOT_FOUND", profUpdateEmployment, map[string]any{"id": unknown, "in": profEmployment(nil)})
		}
		assert.Equal(t, updated, profView(t, app, emp, guid)["employment"])
		assert.Equal(t, auditBefore, regLatestAudit(t, app, emp))
	})

	// The database keeps salaries as numeric(14, 2): a larger amount is bad input, not an internal error.
	t.Run("a salary too large", func(t *testing.T) {
		resp := app.GraphQL(t, emp, profUpdateEmployment, map[string]any{"id": id, "in": profEmployment(map[string]any{"salary": "1000000000000000"})})
		assert.Equal(t, "INVALID", resp.Code(), "%v", resp.Errors)
		assert.Equal(t, updated, profView(t, app, emp, guid)["employment"])
	})

	t.Run("bad additions store nothing", func(t *testing.T) {
		other := profNewCustomer(t, app, emp, nil)["guid"].(string)
		auditBefore := regLatestAudit(t, app, emp)
		for _, c := range bad {
			t.Run(c.name, func(t *testing.T) {
				assert.Equal(t, c.fields, profFail(t, app, emp, "INVALID", profAddEmployment, map[string]any{"c": other, "in": profEmployment(c.in)}))
			})
		}
		regFail(t, app, emp, "CUSTOMER_NOT_FOUND", profAddEmployment, map[string]any{"c": uuid.NewString(), "in": profEmployment(nil)})
		assert.Nil(t, profView(t, app, emp, other)["employment"])
		assert.Equal(t, auditBefore, regLatestAudit(t, app, emp))
	})

	entries := regAssertAudited(t, app, emp, actor, "employment", id, "updateEmployment", "addEmployment")
	if len(entries) == 2 {
		assert.Equal(t, "SELF_EMPLOYED", regObj(entries[0]["changes"])["positionType"], "changes: %v", entries[0]["changes"])
	}
}

const profIncomeHeader = "customer_id,amount_income,amount_income_currency,additional_income,additional_income_currency,income_source_id,created_at"

func TestProfileImportIncomes(t *testing.T) {
	app := apptest.Start(t)
	emp, actor := regEmployee(t, app)
	type subject struct{ guid, id, employment string }
	newSubject := func(employed bool) subject {
		t.Helper()
		c := profNewCustomer(t, app, emp, nil)
		s := subject{guid: c["guid"].(string)}
		s.id = regOK(t, app, emp, `query($guid: ID) { customer(guid: $guid) { id } }`, map[string]any{"guid": s.guid})["id"].(string)
		if employed {
			s.employment = regOK(t, app, emp, profAddEmployment, map[string]any{"c": s.guid, "in": profEmployment(nil)})["id"].(string)
		}
		return s
	}
	a, b, untouched, jobless := newSubject(true), newSubject(true), newSubject(true), newSubject(false)
	employment := func(s subject) map[string]any {
		t.Helper()
		return regObj(profView(t, app, emp, s.guid)["employment"])
	}
	untouchedBefore := employment(untouched)
	bBefore := employment(b)
	missing := "987654321012"

	rows := []struct {
		row, customerID, status, code string
	}{
		{a.id + ",120000.50,RUB,15000,RUB,src-1,31.10.2023 10:15:00", a.id, "SUCCESS", ""},
		{jobless.id + ",50000,RUB,,,,", jobless.id, "ERROR", "EMPLOYMENT_NOT_FOUND"},
		{missing + ",50000,RUB,,,,", missing, "ERROR", "CUSTOMER_NOT_FOUND"},
		{untouched.id + ",abc,RUB,,,,", untouched.id, "ERROR", "INVALID"},
		{untouched.id + ",70000,RUB,,,,31/10/2023", untouched.id, "ERROR", "INVALID"},
		{"x12,70000,RUB,,,,", "", "ERROR", "INVALID"},
		{untouched.id + ",-5,RUB,,,,", untouched.id, "ERROR", "INVALID"},
		{untouched.id + ",10.123,RUB,,,,", untouched.id, "ERROR", "INVALID"},
		{untouched.id + ",70000,rub,,,,", untouched.id, "ERROR", "INVALID"},
		{untouched.id + ",,RUB,,,,", untouched.id, "ERROR", "INVALID"},
		{untouched.id + ",70000,RUB,1x,RUB,,", untouched.id, "ERROR", "INVALID"},
		{b.id + ",99000.99,USD,,,,", b.id, "SUCCESS", ""},
		{b.id + ",1,RUB,,,,2023-10-31", b.id, "ERROR", "INVALID"},
	}
	var csv strings.Builder
	csv.WriteString(profIncomeHeader + "\n")
	for _, r := range rows {
		csv.WriteString(r.row + "\n")
	}
	results := profImportCSV(t, app, emp, csv.String())
	require.Len(t, results, len(rows), "one result per row: %v", results)
	for i, r := range rows {
		got := results[i]
		assert.EqualValues(t, i+2, got["line"], "row %q", r.row)
		assert.Equal(t, r.status, got["status"], "row %q: %v", r.row, got)
		if r.customerID == "" {
			assert.Nil(t, got["customerId"], "row %q", r.row)
		} else {
			assert.Equal(t, r.customerID, got["customerId"], "row %q", r.row)
		}
		if r.code == "" {
			assert.Nil(t, got["code"], "row %q", r.row)
			assert.Nil(t, got["message"], "row %q", r.row)
		} else {
			assert.Equal(t, r.code, got["code"], "row %q: %v", r.row, got)
			assert.NotEmpty(t, got["message"], "row %q says why", r.row)
		}
	}

	ea := employment(a)
	assert.Equal(t, "120000.50", ea["salary"])
	assert.Equal(t, "RUB", ea["salaryCurrency"])
	assert.Equal(t, "15000.00", ea["extraSalary"])
	assert.Equal(t, "RUB", ea["extraSalaryCurrency"])
	assert.Equal(t, "src-1", ea["sourceId"])
	assert.Equal(t, "income_import", ea["sourceName"])
	assert.Equal(t, a.employment, ea["id"])
	eb := employment(b)
	assert.Equal(t, "99000.99", eb["salary"], "the good row is kept")
	assert.Equal(t, "USD", eb["salaryCurrency"])
	assert.Equal(t, bBefore["extraSalary"], eb["extraSalary"], "no additional income leaves the extra salary")
	assert.Equal(t, untouchedBefore, employment(untouched), "bad rows change nothing")
	assert.Nil(t, profView(t, app, emp, jobless.guid)["employment"], "no employment is made up")

	t.Run("one audit entry per successful row", func(t *testing.T) {
		entries := regAssertAudited(t, app, emp, actor, "employment", a.employment, "importIncome", "addEmployment")
		if len(entries) == 2 {
			assert.Equal(t, "120000.5", fmt.Sprint(regObj(entries[0]["changes"])["salary"]), "changes: %v", entries[0]["changes"])
		}
		regAssertAudited(t, app, emp, actor, "employment", b.employment, "importIncome", "addEmployment")
		regAssertAudited(t, app, emp, actor, "employment", untouched.employment, "addEmployment")
	})

	// "Each row stands alone": an amount the database cannot hold fails its row, not the whole file
	// (whose earlier rows would already be committed).
	t.Run("an amount too large fails its row alone", func(t *testing.T) {
		before := employment(untouched)
		resp := profUpload(t, app, emp, profImport, nil, "f", "incomes.csv", []byte(profIncomeHeader+"\n"+
			b.id+",88000,RUB,,,,\n"+
			untouched.id+",1000000000000000,RUB,,,,\n"+
			b.id+",89000,RUB,,,,\n"))
		assert.Empty(t, resp.Errors, "the whole import failed")
		results := regList(resp.Data["importIncomes"])
		if assert.Len(t, results, 3, "one result per row: %v", results) {
			assert.Equal(t, "SUCCESS", regObj(results[0])["status"], "%v", results[0])
			assert.Equal(t, "ERROR", regObj(results[1])["status"], "%v", results[1])
			assert.Equal(t, "INVALID", regObj(results[1])["code"], "%v", results[1])
			assert.Equal(t, "SUCCESS", regObj(results[2])["status"], "%v", results[2])
		}
		assert.Equal(t, before, employment(untouched))
		assert.Equal(t, "89000.00", employment(b)["salary"], "the rows after the bad one are imported too")
	})

	// line is "the CSV line (the header is line 1)": an operator finds the row by it.
	t.Run("line numbers are the file's lines", func(t *testing.T) {
		results := profImportCSV(t, app, emp, profIncomeHeader+"\n"+
			b.id+",91000,RUB,,,,\n"+
			"\n"+
			missing+",1,RUB,,,,\n")
		require.Len(t, results, 2, "one result per row, none for the empty line: %v", results)
		assert.EqualValues(t, 2, results[0]["line"])
		assert.EqualValues(t, 4, results[1]["line"], "the row after an empty line is on line 4: %v", results[1])
		assert.Equal(t, "CUSTOMER_NOT_FOUND", results[1]["code"])
	})

	t.Run("columns in any order", func(t *testing.T) {
		results := profImportCSV(t, app, emp, "amount_income_currency,amount_income,customer_id\r\nRUB,777.70,"+b.id+"\r\n")
		require.Len(t, results, 1)
		assert.Equal(t, "SUCCESS", results[0]["status"], "%v", results[0])
		assert.EqualValues(t, 2, results[0]["line"])
		assert.Equal(t, "777.70", employment(b)["salary"])
	})

	t.Run("a header without the required columns fails the whole file", func(t *testing.T) {
		auditBefore := regLatestAudit(t, app, emp)
		for name, body := range map[string]string{
			"no customer_id":       "id,amount_income,amount_income_currency\n" + a.id + ",1,RUB\n",
			"no amount currency":   "customer_id,amount_income\n" + a.id + ",1\n",
			"no header, only rows": a.id + ",1,RUB,,,,\n",
			"empty file":           "",
		} {
			t.Run(name, func(t *testing.T) {
				resp := profUpload(t, app, emp, profImport, nil, "f", "incomes.csv", []byte(body))
				require.NotEmpty(t, resp.Errors, "%v", resp.Data)
				assert.Equal(t, "INVALID", resp.Code(), "%v", resp.Errors)
				assert.Nil(t, resp.Data["importIncomes"])
			})
		}
		assert.Equal(t, "120000.50", employment(a)["salary"], "nothing was imported")
		assert.Equal(t, auditBefore, regLatestAudit(t, app, emp))
	})
}

func TestProfileDocumentFiles(t *testing.T) {
	app := apptest.Start(t)
	emp, actor := regEmployee(t, app)
	owner := regNewCustomer(t, app)
	doc := regOK(t, app, emp, regCreateDocument, map[string]any{"customer": owner.guid, "type": "INN", "status": "NOT_CHECKED", "info": map[string]any{"number": profDigits(10)}})
	docID := doc["id"].(string)

	jpeg := append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), []byte(uuid.NewString())...)
	png := append([]byte("\x89PNG\r\n\x1a\n"), []byte(uuid.NewString())...)
	pdf := append([]byte("%PDF-1.4\n"), []byte(uuid.NewString())...)

	upload := func(fileID string, content []byte) map[string]any {
		t.Helper()
		resp := profAttachFile(t, app, emp, docID, fileID, content)
		require.Empty(t, resp.Errors, "%v", resp.Errors)
		return regObj(resp.Data["attachDocumentFile"])
	}
	v1 := upload("", jpeg)
	fileA := v1["fileId"].(string)
	_, err := uuid.Parse(fileA)
	assert.NoError(t, err)
	assert.EqualValues(t, 1, v1["version"])
	assert.Equal(t, "CUSTOMER", v1["sourceName"])
	assert.NotEmpty(t, v1["sourceId"])
	assert.Nil(t, v1["invalidityReason"])
	assert.Equal(t, false, v1["isDeleted"])

	v2 := upload(fileA, png)
	assert.Equal(t, fileA, v2["fileId"], "a new version of the same file")
	assert.EqualValues(t, 2, v2["version"])
	assert.NotEqual(t, v1["id"], v2["id"])

	fileB := upload("", pdf)
	assert.NotEqual(t, fileA, fileB["fileId"])
	assert.EqualValues(t, 1, fileB["version"])

	files := func() []map[string]any {
		t.Helper()
		for _, d := range regList(profView(t, app, emp, owner.guid)["documents"]) {
			if regObj(d)["id"] == docID {
				var out []map[string]any
				for _, f := range regList(regObj(d)["files"]) {
					out = append(out, regObj(f))
				}
				return out
			}
		}
		t.Fatalf("document %s is not listed", docID)
		return nil
	}
	var listed []any
	for _, f := range files() {
		listed = append(listed, f["id"])
	}
	assert.Equal(t, []any{fileB["id"], v2["id"], v1["id"]}, listed, "files newest first")

	content := func(token, fileID string, version int) map[string]any {
		t.Helper()
		resp := app.GraphQL(t, token, profContent, map[string]any{"file": fileID, "v": version})
		require.Empty(t, resp.Errors, "%v", resp.Errors)
		return regObj(resp.Data["documentFileContent"])
	}
	assert.Equal(t, map[string]any{"mediaType": "image/jpeg", "base64": base64.StdEncoding.EncodeToString(jpeg)}, content(emp, fileA, 1))
	assert.Equal(t, map[string]any{"mediaType": "image/png", "base64": base64.StdEncoding.EncodeToString(png)}, content(emp, fileA, 2))
	assert.Equal(t, "application/pdf", content(emp, fileB["fileId"].(string), 1)["mediaType"])
	assert.Nil(t, content(emp, fileA, 3), "no such version")
	assert.Nil(t, content(emp, uuid.NewString(), 1), "no such file")

	t.Run("the owning customer reads their file through their own document", func(t *testing.T) {
		me := regObj(regOK(t, app, owner.token, `{ me { customer { guid documents { id files { fileId version } } } } }`, nil)["customer"])
		var versions []string
		for _, d := range regList(me["documents"]) {
			if regObj(d)["id"] == docID {
				for _, f := range regList(regObj(d)["files"]) {
					versions = append(versions, fmt.Sprint(regObj(f)["fileId"], "/", regObj(f)["version"]))
				}
			}
		}
		assert.Equal(t, []string{fileB["fileId"].(string) + "/1", fileA + "/2", fileA + "/1"}, versions)
		assert.Equal(t, content(emp, fileA, 2), content(owner.token, fileA, 2))
	})

	t.Run("another customer's file reads as null", func(t *testing.T) {
		stranger := profNewCustomer(t, app, emp, nil)["guid"].(string)
		otherDoc := regOK(t, app, emp, regCreateDocument, map[string]any{"customer": stranger, "type": "INN", "status": "VALID", "info": map[string]any{"number": profDigits(12)}})["id"].(string)
		resp := profUpload(t, app, emp, profAttach, map[string]any{"doc": otherDoc, "src": "APPLICATION"}, "f", "secret.jpg", jpeg)
		require.Empty(t, resp.Errors, "%v", resp.Errors)
		secret := regObj(resp.Data["attachDocumentFile"])["fileId"].(string)
		assert.NotNil(t, content(emp, secret, 1))
		assert.Nil(t, content(owner.token, secret, 1), "a customer reads another customer's file")

		// and a version of it cannot be attached to the owner's document
		assert.Equal(t, "DOCUMENT_FILE_NOT_FOUND", profAttachFile(t, app, emp, docID, secret, png).Code())
	})

	t.Run("attach refusals", func(t *testing.T) {
		before := files()
		auditBefore := regLatestAudit(t, app, emp)
		assert.Equal(t, "CUSTOMER_DOCUMENT_NOT_FOUND", profAttachFile(t, app, emp, uuid.NewString(), "", jpeg).Code())
		assert.Equal(t, "DOCUMENT_FILE_NOT_FOUND", profAttachFile(t, app, emp, docID, uuid.NewString(), jpeg).Code())
		empty := profAttachFile(t, app, emp, docID, "", nil)
		assert.Equal(t, "INVALID", empty.Code())
		if empty.Code() == "INVALID" {
			assert.Equal(t, []string{"file"}, regFields(t, empty.Errors[0]))
		}
		noSource := profUpload(t, app, emp, profAttach, map[string]any{"doc": docID, "src": ""}, "f", "x.jpg", jpeg)
		assert.Equal(t, "INVALID", noSource.Code())
		assert.Equal(t, before, files())
		assert.Equal(t, auditBefore, regLatestAudit(t, app, emp))
	})

	rejected := regOK(t, app, emp, profReject, map[string]any{"file": fileA, "v": 1, "r": "BLURED_PHOTO"})
	assert.Equal(t, "BLURED_PHOTO", rejected["invalidityReason"])
	assert.Equal(t, v1["id"], rejected["id"])
	assert.Equal(t, "BLURED_PHOTO", files()[2]["invalidityReason"])
	assert.Nil(t, files()[1]["invalidityReason"], "only that version is rejected")
	regFail(t, app, emp, "DOCUMENT_FILE_NOT_FOUND", profReject, map[string]any{"file": fileA, "v": 7, "r": "BLURED_PHOTO"})
	assert.Equal(t, []string{"invalidityReason"}, profFail(t, app, emp, "INVALID", profReject, map[string]any{"file": fileA, "v": 2, "r": ""}))

	t.Run("prune keeps the newest", func(t *testing.T) {
		regFail(t, app, emp, "INVALID", profPrune, map[string]any{"doc": docID, "keep": -1})
		regFail(t, app, emp, "DOCUMENT_NOT_FOUND", profPrune, map[string]any{"doc": uuid.NewString(), "keep": 1})

		resp := app.GraphQL(t, emp, profPrune, map[string]any{"doc": docID, "keep": 1})
		require.Empty(t, resp.Errors, "%v", resp.Errors)
		deleted := regList(resp.Data["pruneDocumentFiles"])
		assert.ElementsMatch(t, []any{v1["id"], v2["id"]}, profIDs(deleted), "the older file's versions are deleted")
		for _, f := range deleted {
			assert.Equal(t, true, regObj(f)["isDeleted"])
		}
		after := files()
		require.Len(t, after, 3, "pruned files keep their records")
		assert.Equal(t, false, after[0]["isDeleted"])
		assert.Equal(t, true, after[1]["isDeleted"])
		assert.Equal(t, true, after[2]["isDeleted"])
		assert.Equal(t, "BLURED_PHOTO", after[2]["invalidityReason"])
		assert.Nil(t, content(emp, fileA, 1), "a pruned file has no content")
		assert.Nil(t, content(emp, fileA, 2), "a pruned file has no content")
		assert.Nil(t, content(owner.token, fileA, 2), "a pruned file has no content")
		assert.Equal(t, base64.StdEncoding.EncodeToString(pdf), content(emp, fileB["fileId"].(string), 1)["base64"], "the kept file keeps its content")

		resp = app.GraphQL(t, emp, profPrune, map[string]any{"doc": docID, "keep": 1})
		require.Empty(t, resp.Errors)
		assert.Empty(t, resp.Data["pruneDocumentFiles"], "nothing more to delete")
	})

	t.Run("audit", func(t *testing.T) {
		entries := regAssertAudited(t, app, emp, actor, "document_file", v1["id"].(string), "rejectDocumentFile", "attachDocumentFile")
		if len(entries) == 2 {
			changes := regObj(entries[1]["changes"])
			assert.Equal(t, docID, changes["document"], "changes: %v", changes)
			assert.Equal(t, fileA, changes["file"], "changes: %v", changes)
			assert.EqualValues(t, 1, changes["version"], "changes: %v", changes)
		}
		regAssertAudited(t, app, emp, actor, "document_file", v2["id"].(string), "attachDocumentFile")
	})
}

func TestProfileCustomer360(t *testing.T) {
	app := apptest.Start(t)
	emp, _ := regEmployee(t, app)
	c := profNewCustomer(t, app, emp, nil)
	guid := c["guid"].(string)

	addr := regOK(t, app, emp, profAddAddress, map[string]any{"c": guid, "p": true, "d": map[string]any{"city": "Москва", "street": "Тверская"}})
	contact := regOK(t, app, emp, profAddContact, map[string]any{"c": guid, "in": map[string]any{"type": "EMAIL", "value": profWord("c") + "@example.com"}})
	card := regOK(t, app, emp, profCreateCard, map[string]any{"c": guid, "in": map[string]any{"bin": "220070", "lastFourDigits": "0042", "type": "MIR"}})
	integration := regOK(t, app, emp, profPutIntegration, map[string]any{"card": card["id"], "code": "PSP", "ext": "ext-" + uuid.NewString()[:8]})
	employment := regOK(t, app, emp, profAddEmployment, map[string]any{"c": guid, "in": profEmployment(nil)})
	inn := profDigits(10)
	doc := regOK(t, app, emp, regCreateDocument, map[string]any{"customer": guid, "type": "INN", "status": "VALID", "info": map[string]any{"number": inn}})
	file := profAttachFile(t, app, emp, doc["id"].(string), "", []byte("%PDF-1.4 inn scan"))
	require.Empty(t, file.Errors, "%v", file.Errors)
	flag := regOK(t, app, emp, regAddFlag, map[string]any{"customer": guid, "type": "REGISTRATION_COMPLETED", "reason": "CUSTOMER_REGISTRATION_IS_COMPLETED"})

	view := profView(t, app, emp, guid)
	assert.Equal(t, c, profWithout(view, "addresses", "contacts", "cards", "employment", "documents", "flags", "applications", "loans"))
	assert.Equal(t, []any{addr}, view["addresses"])
	assert.Equal(t, []any{contact}, view["contacts"])
	cards := regList(view["cards"])
	require.Len(t, cards, 1)
	assert.Equal(t, card["id"], regObj(cards[0])["id"])
	assert.Equal(t, []any{integration}, regObj(cards[0])["integrations"])
	assert.Equal(t, employment, view["employment"])
	docs := regList(view["documents"])
	require.Len(t, docs, 1)
	d := regObj(docs[0])
	assert.Equal(t, doc["id"], d["id"])
	assert.Equal(t, "VALID", d["status"])
	assert.Equal(t, "INN", regObj(d["documentType"])["name"])
	assert.Equal(t, inn, regObj(regList(d["documentInfo"])[0])["number"])
	assert.Equal(t, []any{regObj(file.Data["attachDocumentFile"])}, d["files"])
	assert.Equal(t, []any{map[string]any{"id": flag["id"], "flagType": "REGISTRATION_COMPLETED", "flagReason": "CUSTOMER_REGISTRATION_IS_COMPLETED", "isActive": true}}, view["flags"])
	assert.Equal(t, []any{}, view["applications"])
	assert.Equal(t, []any{}, view["loans"])

	byID := regOK(t, app, emp, profCustomer360, map[string]any{"id": c["id"]})
	assert.Equal(t, view, byID, "customer(id) shows the same")
}

func TestProfileCustomerSeesOwnProfile(t *testing.T) {
	app := apptest.Start(t)
	emp, _ := regEmployee(t, app)
	me := regNewCustomer(t, app)
	addr := regOK(t, app, emp, profAddAddress, map[string]any{"c": me.guid, "p": false, "d": map[string]any{"city": profWord("Town")}})
	contact := regOK(t, app, emp, profAddContact, map[string]any{"c": me.guid, "in": map[string]any{"type": "EMAIL", "value": profWord("me") + "@example.com"}})
	card := regOK(t, app, emp, profCreateCard, map[string]any{"c": me.guid, "in": map[string]any{"bin": "427638", "lastFourDigits": "9876"}})

	own := regObj(regOK(t, app, me.token, `{ me { customer { guid version addresses { id data } contacts { id contact } cards { id bin lastFourDigits } employment { id } } } }`, nil)["customer"])
	assert.Equal(t, me.guid, own["guid"])
	assert.Contains(t, regList(own["addresses"]), map[string]any{"id": addr["id"], "data": addr["data"]})
	assert.Contains(t, regList(own["contacts"]), map[string]any{"id": contact["id"], "contact": contact["contact"]})
	assert.Contains(t, regList(own["cards"]), map[string]any{"id": card["id"], "bin": "427638", "lastFourDigits": "9876"})
	employee := profView(t, app, emp, me.guid)
	assert.Equal(t, employee["employment"] == nil, own["employment"] == nil, "the customer sees their employment as employees do")
}

func TestProfileAccess(t *testing.T) {
	app := apptest.Start(t)
	emp, _ := regEmployee(t, app)
	customer := regNewCustomer(t, app)
	partner := app.PartnerToken(t)

	// a customer with something of every kind, for the operations to aim at
	s := profNewCustomer(t, app, emp, nil)
	guid := s["guid"].(string)
	addr := regOK(t, app, emp, profAddAddress, map[string]any{"c": guid, "p": true, "d": map[string]any{"city": "Москва"}})
	card := regOK(t, app, emp, profCreateCard, map[string]any{"c": guid, "in": map[string]any{"bin": "411111", "lastFourDigits": "1111"}})
	employment := regOK(t, app, emp, profAddEmployment, map[string]any{"c": guid, "in": profEmployment(nil)})
	doc := regOK(t, app, emp, regCreateDocument, map[string]any{"customer": guid, "type": "INN", "status": "VALID", "info": map[string]any{"number": profDigits(12)}})
	attached := profAttachFile(t, app, emp, doc["id"].(string), "", []byte("\xff\xd8\xff\xe0 scan"))
	require.Empty(t, attached.Errors)
	file := regObj(attached.Data["attachDocumentFile"])
	newPhone := profPhone()

	ops := []struct {
		name, query string
		vars        map[string]any
	}{
		{"customers", profSearchQuery, map[string]any{"s": map[string]any{"lastName": s["lastName"]}}},
		{"createCustomer", profCreateCustomer, map[string]any{"in": map[string]any{"phone": newPhone, "firstName": "Mallory"}}},
		{"patchCustomer", profPatchCustomer, map[string]any{"id": guid, "in": map[string]any{"firstName": "Mallory"}}},
		{"addAddress", profAddAddress, map[string]any{"c": guid, "p": true, "d": map[string]any{"city": "X"}}},
		{"updateAddress", profUpdateAddress, map[string]any{"id": addr["id"], "d": map[string]any{"city": "X"}}},
		{"addContact", profAddContact, map[string]any{"c": guid, "in": map[string]any{"type": "PHONE", "value": profPhone()}}},
		{"createCard", profCreateCard, map[string]any{"c": guid, "in": map[string]any{"bin": "555555", "lastFourDigits": "0000"}}},
		{"setCardActive", profSetCardActive, map[string]any{"id": card["id"], "a": false}},
		{"putCardIntegration", profPutIntegration, map[string]any{"card": card["id"], "code": "PSP", "ext": "x"}},
		{"addEmployment", profAddEmployment, map[string]any{"c": guid, "in": profEmployment(nil)}},
		{"updateEmployment", profUpdateEmployment, map[string]any{"id": employment["id"], "in": profEmployment(map[string]any{"salary": "1"})}},
		{"rejectDocumentFile", profReject, map[string]any{"file": file["fileId"], "v": 1, "r": "HACKED"}},
		{"pruneDocumentFiles", profPrune, map[string]any{"doc": doc["id"], "keep": 0}},
	}
	before := profView(t, app, emp, guid)
	auditBefore := regLatestAudit(t, app, emp)
	for _, caller := range []struct{ name, token, code string }{
		{"customer", customer.token, "FORBIDDEN"},
		{"partner", partner, "FORBIDDEN"},
		{"no token", "", "UNAUTHENTICATED"},
	} {
		t.Run(caller.name, func(t *testing.T) {
			for _, op := range ops {
				t.Run(op.name, func(t *testing.T) {
					regFail(t, app, caller.token, caller.code, op.query, op.vars)
				})
			}
			t.Run("importIncomes", func(t *testing.T) {
				resp := profUpload(t, app, caller.token, profImport, nil, "f", "incomes.csv", []byte(profIncomeHeader+"\n"+s["id"].(string)+",1,RUB,,,,\n"))
				assert.Equal(t, caller.code, resp.Code(), "%v", resp.Errors)
				assert.Nil(t, resp.Data["importIncomes"])
			})
			t.Run("attachDocumentFile", func(t *testing.T) {
				resp := profUpload(t, app, caller.token, profAttach, map[string]any{"doc": doc["id"], "src": "CUSTOMER"}, "f", "x.jpg", []byte("\xff\xd8\xff\xe0 evil"))
				assert.Equal(t, caller.code, resp.Code(), "%v", resp.Errors)
				assert.Nil(t, resp.Data["attachDocumentFile"])
			})
		})
	}
	t.Run("a partner reads no file content", func(t *testing.T) {
		regFail(t, app, partner, "FORBIDDEN", profContent, map[string]any{"file": file["fileId"], "v": 1})
	})
	assert.Equal(t, before, profView(t, app, emp, guid), "refused callers changed nothing")
	assert.Equal(t, auditBefore, regLatestAudit(t, app, emp), "refused callers left no audit entry")
	found, _ := profSearch(t, app, emp, map[string]any{"phone": newPhone}, nil, nil)
	assert.Empty(t, found, "no customer was created")

	t.Run("a partner sees no profile through its application", func(t *testing.T) {
		phone := profPhone()
		p := partnerClient{app: app, token: partner}
		appID := newApplication(t, p, func(d map[string]any) { d["customer"].(map[string]any)["phone"] = phone })
		q := `query($id: ID!) { application(id: $id) { id customer { guid phone firstName lastName } } }`
		var applicant map[string]any
		require.Eventually(t, func() bool {
			resp := app.GraphQL(t, partner, q, map[string]any{"id": appID})
			applicant = regObj(regObj(resp.Data["application"])["customer"])
			return len(resp.Errors) == 0 && applicant != nil
		}, 10*time.Second, 20*time.Millisecond, "the application learns its customer")
		assert.Equal(t, phone, applicant["phone"], "the partner sees the customer's phone")
		assert.Equal(t, "Василий", applicant["firstName"], "and name")
		customerGUID := applicant["guid"].(string)

		// the back office fills in the applicant's profile
		town, contactPhone, company := profWord("Town"), profPhone(), profWord("Company")
		regOK(t, app, emp, profAddAddress, map[string]any{"c": customerGUID, "p": true, "d": map[string]any{"city": town}})
		regOK(t, app, emp, profAddContact, map[string]any{"c": customerGUID, "in": map[string]any{"type": "PHONE", "owner": "MOTHER", "value": contactPhone}})
		card := regOK(t, app, emp, profCreateCard, map[string]any{"c": customerGUID, "in": map[string]any{"bin": "411111", "lastFourDigits": "4242"}})
		regOK(t, app, emp, profAddEmployment, map[string]any{"c": customerGUID, "in": profEmployment(map[string]any{"companyName": company})})
		view := profView(t, app, emp, customerGUID)
		assert.Contains(t, profIDs(view["applications"]), appID, "the employee sees the application in the 360° view")

		for _, c := range []struct{ field, selection, leak string }{
			{"addresses", `addresses { id data }`, town},
			{"contacts", `contacts { id contact }`, contactPhone},
			{"cards", `cards { id bin lastFourDigits }`, card["id"].(string)},
			{"employment", `employment { id salary companyName }`, company},
			{"email", `email`, "v.zaitsev@example.com"},
			{"birthDate", `birthDate`, "1990-10-03"},
		} {
			t.Run(c.field, func(t *testing.T) {
				body, resp := profRaw(t, app, partner, `query($id: ID!) { application(id: $id) { id customer { guid `+c.selection+` } } }`, map[string]any{"id": appID})
				require.NotEmpty(t, resp.Errors, "application.customer.%s answered the partner: %s", c.field, body)
				assert.Equal(t, "FORBIDDEN", resp.Code(), "%v", resp.Errors)
				if c.leak != "" {
					assert.NotContains(t, body, c.leak, "the partner sees the customer's %s", c.field)
				}
				if customer := regObj(regObj(resp.Data["application"])["customer"]); customer != nil {
					assert.Nil(t, customer[c.field])
				}
			})
		}
	})
}
