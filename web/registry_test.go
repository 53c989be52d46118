package web_test

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
)

// The registry's operations, with the fields the tests read.
const (
	regAttributeFields = `id name description isRequired type min max range isInvertedRange regex status createdAt updatedAt`
	regTypeFields      = `id name category validationMethod isActive status additionalData createdAt updatedAt attributes { ` + regAttributeFields + ` }`
	regInfoFields      = `id series number issuer issueDate expirationDate additionalData sourceName sourceId createdAt updatedAt`
	regDocumentFields  = `id status documentType { name } documentInfo { ` + regInfoFields + ` } createdAt updatedAt`
	regFlagTypeFields  = `id name description scope restricts status reasons { id name description status }`
	regFlagFields      = `id flagType flagReason isActive scope`

	regCreateType       = `mutation($in: DocumentTypeInput!) { createDocumentType(input: $in) { ` + regTypeFields + ` } }`
	regUpdateType       = `mutation($name: String!, $in: DocumentTypeInput!) { updateDocumentType(name: $name, input: $in) { ` + regTypeFields + ` } }`
	regTypeQuery        = `query($name: String!) { documentType(name: $name) { ` + regTypeFields + ` } }`
	regTypesQuery       = `{ documentTypes { name } }`
	regCreateAttribute  = `mutation($type: String!, $in: DocumentAttributeInput!) { createDocumentAttribute(typeName: $type, input: $in) { ` + regAttributeFields + ` } }`
	regUpdateAttribute  = `mutation($type: String!, $name: String!, $in: DocumentAttributeInput!) { updateDocumentAttribute(typeName: $type, name: $name, input: $in) { ` + regAttributeFields + ` } }`
	regCreateDocument   = `mutation($customer: ID!, $type: String!, $status: DocumentStatus!, $info: DocumentInfoInput) { createCustomerDocument(customerId: $customer, typeName: $type, status: $status, info: $info) { ` + regDocumentFields + ` } }`
	regSetStatus        = `mutation($id: ID!, $status: DocumentStatus!) { setDocumentStatus(documentId: $id, status: $status) { ` + regDocumentFields + ` } }`
	regAddInfo          = `mutation($id: ID!, $info: DocumentInfoInput!) { addDocumentInfo(documentId: $id, info: $info) { ` + regInfoFields + ` } }`
	regPatchInfo        = `mutation($id: ID!, $info: DocumentInfoInput!) { patchDocumentInfo(id: $id, info: $info) { ` + regInfoFields + ` } }`
	regCreateFlagType   = `mutation($in: FlagTypeInput!) { createFlagType(input: $in) { ` + regFlagTypeFields + ` } }`
	regUpdateFlagType   = `mutation($id: ID!, $in: FlagTypeInput!) { updateFlagType(id: $id, input: $in) { ` + regFlagTypeFields + ` } }`
	regCreateReason     = `mutation($type: ID!, $in: FlagReasonInput!) { createFlagReason(flagTypeId: $type, input: $in) { id name description status } }`
	regUpdateReason     = `mutation($id: ID!, $in: FlagReasonInput!) { updateFlagReason(id: $id, input: $in) { id name description status } }`
	regFlagTypesQuery   = `{ flagTypes { ` + regFlagTypeFields + ` } }`
	regAddFlag          = `mutation($customer: ID!, $type: String!, $reason: String!) { addFlag(customerId: $customer, flagType: $type, flagReason: $reason) { ` + regFlagFields + ` } }`
	regRemoveFlag       = `mutation($id: ID!) { removeFlag(flagId: $id) { ` + regFlagFields + ` } }`
	regCustomerRegistry = `query($guid: ID) { customer(guid: $guid) { guid documents { ` + regDocumentFields + ` } flags { ` + regFlagFields + ` }
		restrictions { hasRestrictions flags { ` + regFlagFields + ` } } } }`
	regMeRegistry = `{ me { customer { guid documents { ` + regDocumentFields + ` } flags { ` + regFlagFields + ` }
		restrictions { hasRestrictions flags { ` + regFlagFields + ` } } } } }`
	regAuditQuery = `query($entity: String, $id: String, $first: Int) { auditTrail(entity: $entity, entityId: $id, first: $first) { id at actor action entity entityId changes traceId } }`
)

// regName returns a dictionary name no other test uses: prefix, "_" and 8 hex digits (Latin, as
// flag names must be).
func regName(prefix string) string {
	return prefix + "_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:8]
}

func regObj(v any) map[string]any { m, _ := v.(map[string]any); return m }
func regList(v any) []any         { l, _ := v.([]any); return l }

// regOK runs an operation that must succeed and returns the value of its (only) top field.
func regOK(t *testing.T, app *apptest.App, token, query string, vars map[string]any) map[string]any {
	t.Helper()
	resp := app.GraphQL(t, token, query, vars)
	require.Empty(t, resp.Errors, "%v", resp.Errors)
	require.Len(t, resp.Data, 1)
	for _, v := range resp.Data {
		return regObj(v)
	}
	return nil
}

// regFail runs an operation that must fail with code, checks that it answered no data, and returns
// the fields the error names in extensions.fields, sorted.
func regFail(t *testing.T, app *apptest.App, token, code, query string, vars map[string]any) []string {
	t.Helper()
	resp := app.GraphQL(t, token, query, vars)
	require.NotEmpty(t, resp.Errors, "want %s, got data %v", code, resp.Data)
	assert.Equal(t, code, resp.Code(), "%v", resp.Errors)
	for k, v := range resp.Data {
		assert.Nil(t, v, "a refused operation answers no %s", k)
	}
	return regFields(t, resp.Errors[0])
}

// regFields returns the field names of an error's extensions.fields, sorted; each must say what
// is wrong.
func regFields(t *testing.T, e apptest.GQLError) []string {
	t.Helper()
	var names []string
	for _, f := range regList(e.Extensions["fields"]) {
		name, _ := regObj(f)["field"].(string)
		assert.NotEmpty(t, regObj(f)["message"], "field %s says what is wrong", name)
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// regCustomer is a signed-in customer.
type regCustomer struct{ phone, token, guid, id string }

// regNewCustomer signs in a customer of the test's own, on a fresh phone, whose registry data no
// other test (or earlier run) has touched.
func regNewCustomer(t *testing.T, app *apptest.App) regCustomer {
	t.Helper()
	phone := newPhone()
	require.Equal(t, http.StatusOK, app.PostForm(t, "/auth/otp", url.Values{"phone_number": {phone}}, nil).Status)
	token := app.Token(t, "/auth", customerForm(phone, smsCode(t, app, phone)), device)
	c := regObj(regOK(t, app, token, `{ me { customer { guid id } } }`, nil)["customer"])
	return regCustomer{phone: phone, token: token, guid: c["guid"].(string), id: c["id"].(string)}
}

// regEmployee signs in the demo employee and returns the token and the actor the audit trail names.
func regEmployee(t *testing.T, app *apptest.App) (token, actor string) {
	t.Helper()
	token = app.EmployeeToken(t)
	e := regObj(regOK(t, app, token, `{ me { employee { id } } }`, nil)["employee"])
	return token, "employee:" + e["id"].(string)
}

// regNewType creates a document type with a unique name and the given attributes; it returns the name.
func regNewType(t *testing.T, app *apptest.App, emp, prefix string, attrs ...map[string]any) string {
	t.Helper()
	name := regName(prefix)
	regOK(t, app, emp, regCreateType, map[string]any{"in": map[string]any{"name": name, "category": "IDENTITY", "isActive": true}})
	for _, a := range attrs {
		regOK(t, app, emp, regCreateAttribute, map[string]any{"type": name, "in": a})
	}
	return name
}

// regDocuments returns a customer's documents as an employee sees them, by id.
func regDocuments(t *testing.T, app *apptest.App, emp, customerGUID string) map[string]map[string]any {
	t.Helper()
	c := regOK(t, app, emp, regCustomerRegistry, map[string]any{"guid": customerGUID})
	docs := map[string]map[string]any{}
	for _, d := range regList(c["documents"]) {
		docs[regObj(d)["id"].(string)] = regObj(d)
	}
	return docs
}

// regDocumentsOfType counts a customer's documents of a type.
func regDocumentsOfType(t *testing.T, app *apptest.App, emp, customerGUID, typeName string) int {
	t.Helper()
	n := 0
	for _, d := range regDocuments(t, app, emp, customerGUID) {
		if regObj(d["documentType"])["name"] == typeName {
			n++
		}
	}
	return n
}

// regAudit returns the audit trail of one entity, newest first.
func regAudit(t *testing.T, app *apptest.App, emp, entity, id string) []map[string]any {
	t.Helper()
	resp := app.GraphQL(t, emp, regAuditQuery, map[string]any{"entity": entity, "id": id, "first": 100})
	require.Empty(t, resp.Errors, "%v", resp.Errors)
	var out []map[string]any
	for _, e := range regList(resp.Data["auditTrail"]) {
		out = append(out, regObj(e))
	}
	return out
}

// regAssertAudited checks that an entity's trail holds exactly actions (newest first), each made by
// actor, with its entity named and what was asked recorded; it returns the entries.
func regAssertAudited(t *testing.T, app *apptest.App, emp, actor, entity, id string, actions ...string) []map[string]any {
	t.Helper()
	entries := regAudit(t, app, emp, entity, id)
	var got []string
	for _, e := range entries {
		got = append(got, e["action"].(string))
		assert.Equal(t, actor, e["actor"])
		assert.Equal(t, entity, e["entity"])
		assert.Equal(t, id, e["entityId"])
		assert.NotEmpty(t, e["changes"], "%s records what was asked", e["action"])
		assert.NotEmpty(t, e["at"])
	}
	assert.Equal(t, actions, got, "audit trail of %s %s", entity, id)
	return entries
}

// regLatestAudit returns the id of the newest audit entry, "" when there is none.
func regLatestAudit(t *testing.T, app *apptest.App, emp string) string {
	t.Helper()
	resp := app.GraphQL(t, emp, regAuditQuery, map[string]any{"first": 1})
	require.Empty(t, resp.Errors, "%v", resp.Errors)
	if l := regList(resp.Data["auditTrail"]); len(l) > 0 {
		return regObj(l[0])["id"].(string)
	}
	return ""
}

func TestRegistryDocumentTypes(t *testing.T) {
	app := apptest.Start(t)
	emp, actor := regEmployee(t, app)
	name := regName("PASSPORT")

	created := regOK(t, app, emp, regCreateType, map[string]any{"in": map[string]any{
		"name": name, "category": "IDENTITY", "validationMethod": "check_passport", "isActive": true,
		"additionalData": map[string]any{"country": "RU"},
	}})
	id := created["id"].(string)
	_, err := uuid.Parse(id)
	assert.NoError(t, err, "a document type's id is its guid")
	assert.Equal(t, name, created["name"])
	assert.Equal(t, "IDENTITY", created["category"])
	assert.Equal(t, "check_passport", created["validationMethod"])
	assert.Equal(t, true, created["isActive"])
	assert.Equal(t, "ACTIVE", created["status"])
	assert.Equal(t, map[string]any{"country": "RU"}, created["additionalData"])
	assert.Empty(t, created["attributes"])
	assert.NotEmpty(t, created["createdAt"])
	assert.Nil(t, created["updatedAt"])

	got := regOK(t, app, emp, regTypeQuery, map[string]any{"name": name})
	assert.Equal(t, created, got, "documentType(name) reads what was created")
	resp := app.GraphQL(t, emp, regTypesQuery, nil)
	require.Empty(t, resp.Errors)
	var names []any
	for _, dt := range regList(resp.Data["documentTypes"]) {
		names = append(names, regObj(dt)["name"])
	}
	assert.Contains(t, names, name)

	t.Run("an unknown name reads as null", func(t *testing.T) {
		resp := app.GraphQL(t, emp, regTypeQuery, map[string]any{"name": regName("NOPE")})
		require.Empty(t, resp.Errors)
		assert.Nil(t, resp.Data["documentType"])
	})

	other := regNewType(t, app, emp, "INN")
	before := regLatestAudit(t, app, emp)
	t.Run("refusals", func(t *testing.T) {
		for _, c := range []struct {
			name, query, code string
			vars              map[string]any
			fields            []string
		}{
			{"create with a taken name", regCreateType, "DOCUMENT_TYPE_DUPLICATED_NAME",
				map[string]any{"in": map[string]any{"name": name, "category": "OTHER", "isActive": false}}, nil},
			{"rename to a taken name", regUpdateType, "DOCUMENT_TYPE_DUPLICATED_NAME",
				map[string]any{"name": other, "in": map[string]any{"name": name, "category": "IDENTITY", "isActive": true}}, nil},
			{"update an unknown type", regUpdateType, "DOCUMENT_TYPE_NOT_FOUND",
				map[string]any{"name": regName("NOPE"), "in": map[string]any{"name": regName("NOPE"), "category": "IDENTITY", "isActive": true}}, nil},
			{"create without name and category", regCreateType, "INVALID",
				map[string]any{"in": map[string]any{"name": " ", "category": "", "isActive": true}}, []string{"category", "name"}},
			{"update to an empty name", regUpdateType, "INVALID",
				map[string]any{"name": name, "in": map[string]any{"name": "", "category": "IDENTITY", "isActive": true}}, []string{"name"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				assert.Equal(t, c.fields, regFail(t, app, emp, c.code, c.query, c.vars))
			})
		}
		assert.Equal(t, created, regOK(t, app, emp, regTypeQuery, map[string]any{"name": name}), "a refused change leaves the type as it was")
		assert.Equal(t, other, regOK(t, app, emp, regTypeQuery, map[string]any{"name": other})["name"])
		assert.Equal(t, before, regLatestAudit(t, app, emp), "a refused change is not audited")
	})

	renamed := regName("PASSPORT")
	updated := regOK(t, app, emp, regUpdateType, map[string]any{"name": name, "in": map[string]any{
		"name": renamed, "category": "IDENTITY_OLD", "isActive": false, "status": "INACTIVE", "additionalData": map[string]any{"country": "BY"},
	}})
	assert.Equal(t, id, updated["id"], "an update keeps the id")
	assert.Equal(t, renamed, updated["name"])
	assert.Equal(t, "IDENTITY_OLD", updated["category"])
	assert.Equal(t, false, updated["isActive"])
	assert.Equal(t, "INACTIVE", updated["status"])
	assert.Equal(t, map[string]any{"country": "BY"}, updated["additionalData"])
	assert.NotNil(t, updated["updatedAt"])
	resp = app.GraphQL(t, emp, regTypeQuery, map[string]any{"name": name})
	require.Empty(t, resp.Errors)
	assert.Nil(t, resp.Data["documentType"], "the old name is free")
	assert.Equal(t, updated, regOK(t, app, emp, regTypeQuery, map[string]any{"name": renamed}))
	// Keeping its own name is no conflict.
	regOK(t, app, emp, regUpdateType, map[string]any{"name": renamed, "in": map[string]any{"name": renamed, "category": "IDENTITY", "isActive": true, "status": "ACTIVE"}})

	entries := regAssertAudited(t, app, emp, actor, "document_type", id, "updateDocumentType", "updateDocumentType", "createDocumentType")
	require.Len(t, entries, 3)
	t.Run("the trail pages newest first", func(t *testing.T) {
		q := `query($id: String, $before: String) { auditTrail(entity: "document_type", entityId: $id, first: 2, before: $before) { id action } }`
		first := regList(app.GraphQL(t, emp, q, map[string]any{"id": id}).Data["auditTrail"])
		require.Len(t, first, 2)
		assert.Equal(t, entries[0]["id"], regObj(first[0])["id"])
		rest := regList(app.GraphQL(t, emp, q, map[string]any{"id": id, "before": regObj(first[1])["id"]}).Data["auditTrail"])
		require.Len(t, rest, 1)
		assert.Equal(t, "createDocumentType", regObj(rest[0])["action"])
		for _, vars := range []map[string]any{{"first": 101}, {"first": -1}} {
			regFail(t, app, emp, "INVALID", regAuditQuery, vars)
		}
		regFail(t, app, emp, "INVALID", `{ auditTrail(before: "x") { id } }`, nil)
	})
	t.Run("changes are what was asked, by the input's field names", func(t *testing.T) {
		assert.Equal(t, name, regObj(entries[2]["changes"])["name"], "createDocumentType changes: %v", entries[2]["changes"])
		assert.Equal(t, "IDENTITY", regObj(entries[2]["changes"])["category"], "createDocumentType changes: %v", entries[2]["changes"])
		assert.Equal(t, renamed, regObj(entries[1]["changes"])["name"], "updateDocumentType changes: %v", entries[1]["changes"])
	})
}

func TestRegistryDocumentAttributes(t *testing.T) {
	app := apptest.Start(t)
	emp, actor := regEmployee(t, app)
	typeName := regNewType(t, app, emp, "SNILS")

	number := regOK(t, app, emp, regCreateAttribute, map[string]any{"type": typeName, "in": map[string]any{
		"name": "number", "description": "Номер СНИЛС", "isRequired": true, "type": "text", "min": "11", "max": "14", "regex": `\d{3}-?\d{3}-?\d{3} ?\d{2}`,
	}})
	attrID := number["id"].(string)
	assert.Equal(t, "number", number["name"])
	assert.Equal(t, "Номер СНИЛС", number["description"])
	assert.Equal(t, true, number["isRequired"])
	assert.Equal(t, "text", number["type"])
	assert.Equal(t, "11", number["min"])
	assert.Equal(t, "14", number["max"])
	assert.Equal(t, `\d{3}-?\d{3}-?\d{3} ?\d{2}`, number["regex"])
	assert.Nil(t, number["range"])
	assert.Equal(t, false, number["isInvertedRange"], "isInvertedRange defaults to false")
	assert.Equal(t, "ACTIVE", number["status"])

	kind := regOK(t, app, emp, regCreateAttribute, map[string]any{"type": typeName, "in": map[string]any{
		"name": "kind", "description": "Вид", "isRequired": false, "type": "int", "range": []string{"1", "2"}, "isInvertedRange": true,
	}})
	assert.Equal(t, []any{"1", "2"}, kind["range"])
	assert.Equal(t, true, kind["isInvertedRange"])
	for _, a := range []map[string]any{
		{"name": "issued", "description": "Дата", "isRequired": false, "type": "date", "min": "1990-01-01", "max": "2030-12-31"},
		{"name": "share", "description": "Доля", "isRequired": false, "type": "double", "min": "0", "max": "1.5"},
		{"name": "active", "description": "Действует", "isRequired": false, "type": "bool", "range": []string{"true"}},
	} {
		out := regOK(t, app, emp, regCreateAttribute, map[string]any{"type": typeName, "in": a})
		assert.Equal(t, a["type"], out["type"])
	}
	attrs := regOK(t, app, emp, regTypeQuery, map[string]any{"name": typeName})["attributes"]
	var attrNames []any
	for _, a := range regList(attrs) {
		attrNames = append(attrNames, regObj(a)["name"])
	}
	assert.Equal(t, []any{"number", "kind", "issued", "share", "active"}, attrNames, "a type lists its attributes in the order they were added")

	// Another type may have an attribute of the same name.
	otherType := regNewType(t, app, emp, "INN")
	regOK(t, app, emp, regCreateAttribute, map[string]any{"type": otherType, "in": map[string]any{"name": "number", "description": "ИНН", "isRequired": true, "type": "text"}})

	malformed := []struct {
		name   string
		rule   map[string]any
		fields []string
	}{
		{"int min not a number", map[string]any{"type": "int", "min": "ten"}, []string{"min"}},
		{"int max with a fraction", map[string]any{"type": "int", "max": "1.5"}, []string{"max"}},
		{"double min in exponent form", map[string]any{"type": "double", "min": "1e3"}, []string{"min"}},
		{"double max not a number", map[string]any{"type": "double", "max": "NaN"}, []string{"max"}},
		{"date min not a date", map[string]any{"type": "date", "min": "2020-02-30"}, []string{"min"}},
		{"date max in another format", map[string]any{"type": "date", "max": "31.12.2030"}, []string{"max"}},
		{"text min negative", map[string]any{"type": "text", "min": "-1"}, []string{"min"}},
		{"text max not a length", map[string]any{"type": "text", "max": "ten"}, []string{"max"}},
		{"int min above max", map[string]any{"type": "int", "min": "10", "max": "5"}, []string{"min"}},
		{"double min above max", map[string]any{"type": "double", "min": "2.5", "max": "2.25"}, []string{"min"}},
		{"date min after max", map[string]any{"type": "date", "min": "2030-01-02", "max": "2030-01-01"}, []string{"min"}},
		{"text min length above max", map[string]any{"type": "text", "min": "5", "max": "4"}, []string{"min"}},
		{"bool with min", map[string]any{"type": "bool", "min": "false"}, []string{"min"}},
		{"bool with max", map[string]any{"type": "bool", "max": "true"}, []string{"max"}},
		{"regex that does not compile", map[string]any{"type": "text", "regex": `(\d+`}, []string{"regex"}},
		{"regex broken only outside a group", map[string]any{"type": "text", "regex": `a)|(b`}, []string{"regex"}},
		{"int range value not a number", map[string]any{"type": "int", "range": []string{"1", "x"}}, []string{"range"}},
		{"bool range value not a bool", map[string]any{"type": "bool", "range": []string{"yes"}}, []string{"range"}},
		{"several at once", map[string]any{"type": "int", "min": "a", "max": "b", "regex": "["}, []string{"max", "min", "regex"}},
		{"no description", map[string]any{"type": "text", "description": ""}, []string{"description"}},
	}
	before := regLatestAudit(t, app, emp)
	for _, c := range malformed {
		in := map[string]any{"name": "bad", "description": "Плохое правило", "isRequired": false}
		maps.Copy(in, c.rule)
		t.Run("create: "+c.name, func(t *testing.T) {
			assert.Equal(t, c.fields, regFail(t, app, emp, "INVALID", regCreateAttribute, map[string]any{"type": typeName, "in": in}))
		})
		in["name"] = "number"
		t.Run("update: "+c.name, func(t *testing.T) {
			assert.Equal(t, c.fields, regFail(t, app, emp, "INVALID", regUpdateAttribute, map[string]any{"type": typeName, "name": "number", "in": in}))
		})
	}
	t.Run("create: no name", func(t *testing.T) {
		in := map[string]any{"name": "", "description": "Без имени", "isRequired": false, "type": "text"}
		assert.Equal(t, []string{"name"}, regFail(t, app, emp, "INVALID", regCreateAttribute, map[string]any{"type": typeName, "in": in}))
	})

	for _, c := range []struct {
		name, query, code string
		vars              map[string]any
	}{
		{"create a taken name", regCreateAttribute, "DOCUMENT_ATTRIBUTE_DUPLICATED_NAME",
			map[string]any{"type": typeName, "in": map[string]any{"name": "kind", "description": "Ещё вид", "isRequired": false, "type": "text"}}},
		{"rename to a taken name", regUpdateAttribute, "DOCUMENT_ATTRIBUTE_DUPLICATED_NAME",
			map[string]any{"type": typeName, "name": "kind", "in": map[string]any{"name": "number", "description": "Вид", "isRequired": false, "type": "int"}}},
		{"update an unknown attribute", regUpdateAttribute, "DOCUMENT_ATTRIBUTE_NOT_FOUND",
			map[string]any{"type": typeName, "name": "nope", "in": map[string]any{"name": "nope", "description": "Нет", "isRequired": false, "type": "text"}}},
		{"update an attribute of another type", regUpdateAttribute, "DOCUMENT_ATTRIBUTE_NOT_FOUND",
			map[string]any{"type": otherType, "name": "kind", "in": map[string]any{"name": "kind", "description": "Вид", "isRequired": false, "type": "int"}}},
		{"create on an unknown type", regCreateAttribute, "DOCUMENT_TYPE_NOT_FOUND",
			map[string]any{"type": regName("NOPE"), "in": map[string]any{"name": "x", "description": "X", "isRequired": false, "type": "text"}}},
		{"update on an unknown type", regUpdateAttribute, "DOCUMENT_TYPE_NOT_FOUND",
			map[string]any{"type": regName("NOPE"), "name": "number", "in": map[string]any{"name": "number", "description": "X", "isRequired": false, "type": "text"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			regFail(t, app, emp, c.code, c.query, c.vars)
		})
	}
	assert.Equal(t, attrs, regOK(t, app, emp, regTypeQuery, map[string]any{"name": typeName})["attributes"], "refused changes leave the attributes as they were")
	assert.Equal(t, before, regLatestAudit(t, app, emp), "refused changes are not audited")

	// An attribute may take a name another type's attribute has.
	regOK(t, app, emp, regUpdateAttribute, map[string]any{"type": otherType, "name": "number", "in": map[string]any{"name": "kind", "description": "ИНН", "isRequired": true, "type": "text"}})

	updated := regOK(t, app, emp, regUpdateAttribute, map[string]any{"type": typeName, "name": "number", "in": map[string]any{
		"name": "snils", "description": "СНИЛС", "isRequired": false, "type": "text", "max": "14", "status": "INACTIVE",
	}})
	assert.Equal(t, attrID, updated["id"])
	assert.Equal(t, "snils", updated["name"])
	assert.Equal(t, false, updated["isRequired"])
	assert.Nil(t, updated["min"], "a bound left out is removed")
	assert.Nil(t, updated["regex"])
	assert.Equal(t, "14", updated["max"])
	assert.Equal(t, "INACTIVE", updated["status"])
	assert.NotNil(t, updated["updatedAt"])

	entries := regAssertAudited(t, app, emp, actor, "document_attribute", attrID, "updateDocumentAttribute", "createDocumentAttribute")
	require.Len(t, entries, 2)
	t.Run("changes are what was asked, by the input's field names", func(t *testing.T) {
		assert.Equal(t, "number", regObj(entries[1]["changes"])["name"], "createDocumentAttribute changes: %v", entries[1]["changes"])
		assert.Equal(t, "snils", regObj(entries[0]["changes"])["name"], "updateDocumentAttribute changes: %v", entries[0]["changes"])
	})
}

// regPassport is the attribute set of the validation tests: each kind of rule on reserved and on
// additional attributes.
var regPassport = []map[string]any{
	{"name": "series", "description": "Серия", "isRequired": true, "type": "text", "regex": `\d{4}`},
	{"name": "number", "description": "Номер", "isRequired": true, "type": "text", "min": "6", "max": "6"},
	{"name": "issuer", "description": "Кем выдан", "isRequired": false, "type": "text", "min": "3", "max": "20"},
	{"name": "issue_date", "description": "Дата выдачи", "isRequired": true, "type": "date", "min": "1990-01-01", "max": "2030-12-31"},
	{"name": "expiration_date", "description": "Действителен до", "isRequired": false, "type": "date"},
	{"name": "birth_place", "description": "Место рождения", "isRequired": true, "type": "text"},
	{"name": "age", "description": "Возраст", "isRequired": false, "type": "int", "min": "14", "max": "120"},
	{"name": "score", "description": "Балл", "isRequired": false, "type": "double", "min": "0.5", "max": "9.5"},
	{"name": "resident", "description": "Резидент", "isRequired": false, "type": "bool"},
	{"name": "gender", "description": "Пол", "isRequired": false, "type": "text", "range": []string{"M", "F"}},
	{"name": "region", "description": "Регион", "isRequired": false, "type": "text", "range": []string{"XX", "YY"}, "isInvertedRange": true},
	{"name": "rooms", "description": "Комнат", "isRequired": false, "type": "int", "range": []string{"1", "2", "3"}},
	{"name": "code", "description": "Код подразделения", "isRequired": false, "type": "text", "regex": `\d{3}-\d{3}`},
}

// regPassportInfo is a record that satisfies every rule of regPassport.
func regPassportInfo() map[string]any {
	return map[string]any{
		"series": "4510", "number": "123456", "issuer": "ОВД Тверской", "issueDate": "2015-06-01", "expirationDate": "2035-06-01",
		"additionalData": map[string]any{
			"birth_place": "г. Москва", "age": 33, "score": "7.25", "resident": true, "gender": "F", "region": "77", "rooms": 2, "code": "770-001",
		},
	}
}

// regReserved are the info fields that are attributes of their own.
var regReserved = map[string]bool{"series": true, "number": true, "issuer": true, "issueDate": true, "expirationDate": true}

// regSet sets an attribute of an info: a reserved one as the info's field, others in additionalData.
func regSet(k string, v any) func(map[string]any) {
	return func(info map[string]any) {
		if regReserved[k] {
			info[k] = v
		} else {
			info["additionalData"].(map[string]any)[k] = v
		}
	}
}

// regUnset leaves an attribute out.
func regUnset(k string) func(map[string]any) {
	return func(info map[string]any) {
		delete(info, k)
		delete(info["additionalData"].(map[string]any), k)
	}
}

type regInfoCase struct {
	name    string
	changes []func(map[string]any)
	fields  []string // the attributes named; none for an accepted record
}

func (c regInfoCase) info() map[string]any {
	info := regPassportInfo()
	for _, change := range c.changes {
		change(info)
	}
	return info
}

var regRejectedInfos = []regInfoCase{
	{"required reserved attribute missing", []func(map[string]any){regUnset("series")}, []string{"series"}},
	{"required reserved attribute empty", []func(map[string]any){regSet("number", "")}, []string{"number"}},
	{"required date missing", []func(map[string]any){regUnset("issueDate")}, []string{"issue_date"}},
	{"required additional attribute missing", []func(map[string]any){regUnset("birth_place")}, []string{"birth_place"}},
	{"required additional attribute empty", []func(map[string]any){regSet("birth_place", "")}, []string{"birth_place"}},
	{"int not a number", []func(map[string]any){regSet("age", "thirty")}, []string{"age"}},
	{"int with a fraction", []func(map[string]any){regSet("age", "33.5")}, []string{"age"}},
	{"int in hex", []func(map[string]any){regSet("age", "0x21")}, []string{"age"}},
	{"double not a number", []func(map[string]any){regSet("score", "abc")}, []string{"score"}},
	{"double in exponent form", []func(map[string]any){regSet("score", "1e0")}, []string{"score"}},
	{"double with a comma", []func(map[string]any){regSet("score", "7,25")}, []string{"score"}},
	{"date in another format", []func(map[string]any){regSet("issueDate", "01.06.2015")}, []string{"issue_date"}},
	{"date that does not exist", []func(map[string]any){regSet("expirationDate", "2035-02-30")}, []string{"expiration_date"}},
	{"bool not true or false", []func(map[string]any){regSet("resident", "yes")}, []string{"resident"}},
	{"int below min", []func(map[string]any){regSet("age", 13)}, []string{"age"}},
	{"int above max", []func(map[string]any){regSet("age", 121)}, []string{"age"}},
	{"double below min", []func(map[string]any){regSet("score", "0.49")}, []string{"score"}},
	{"double above max", []func(map[string]any){regSet("score", 9.51)}, []string{"score"}},
	{"date before min", []func(map[string]any){regSet("issueDate", "1989-12-31")}, []string{"issue_date"}},
	{"date after max", []func(map[string]any){regSet("issueDate", "2031-01-01")}, []string{"issue_date"}},
	{"text shorter than min", []func(map[string]any){regSet("issuer", "ОВ")}, []string{"issuer"}},
	{"text longer than max", []func(map[string]any){regSet("issuer", strings.Repeat("Ж", 21))}, []string{"issuer"}},
	{"text of a fixed length too short", []func(map[string]any){regSet("number", "12345")}, []string{"number"}},
	{"text of a fixed length too long", []func(map[string]any){regSet("number", "1234567")}, []string{"number"}},
	{"text not in range", []func(map[string]any){regSet("gender", "X")}, []string{"gender"}},
	{"text range is case sensitive", []func(map[string]any){regSet("gender", "f")}, []string{"gender"}},
	{"text in inverted range", []func(map[string]any){regSet("region", "XX")}, []string{"region"}},
	{"int not in range", []func(map[string]any){regSet("rooms", 4)}, []string{"rooms"}},
	{"regex matches only a part", []func(map[string]any){regSet("series", "45101")}, []string{"series"}},
	{"regex matches only a prefix", []func(map[string]any){regSet("code", "770-0011")}, []string{"code"}},
	{"regex does not match", []func(map[string]any){regSet("series", "45a0")}, []string{"series"}},
	{"attribute the type does not have", []func(map[string]any){regSet("color", "red")}, []string{"color"}},
	{"several at once", []func(map[string]any){
		regUnset("series"), regSet("number", "1"), regSet("issueDate", "2015-13-01"), regUnset("birth_place"), regSet("age", 200),
		regSet("score", "x"), regSet("resident", "1"), regSet("gender", "male"), regSet("region", "YY"), regSet("rooms", 0),
		regSet("code", "7-1"), regSet("color", "red"), regSet("weight", 80),
	}, []string{"age", "birth_place", "code", "color", "gender", "issue_date", "number", "region", "resident", "rooms", "score", "series", "weight"}},
}

var regAcceptedInfos = []regInfoCase{
	{"every attribute", nil, nil},
	{"only the required ones", []func(map[string]any){
		regUnset("issuer"), regUnset("expirationDate"), regUnset("age"), regUnset("score"), regUnset("resident"),
		regUnset("gender"), regUnset("region"), regUnset("rooms"), regUnset("code"),
	}, nil},
	{"lower bounds", []func(map[string]any){regSet("age", 14), regSet("score", "0.5"), regSet("issueDate", "1990-01-01"), regSet("issuer", "ОВД")}, nil},
	{"upper bounds", []func(map[string]any){
		regSet("age", "120"), regSet("score", 9.5), regSet("issueDate", "2030-12-31"), regSet("issuer", strings.Repeat("Ж", 20)),
	}, nil},
	{"other allowed values", []func(map[string]any){regSet("gender", "M"), regSet("region", "ZZ"), regSet("rooms", "3"), regSet("resident", false)}, nil},
	{"optional values empty", []func(map[string]any){regSet("age", ""), regSet("gender", ""), regSet("issuer", "")}, nil},
}

// regAssertStored checks that a stored record holds info's values, additional ones as text.
func regAssertStored(t *testing.T, info, stored map[string]any) {
	t.Helper()
	for k := range regReserved {
		want := info[k]
		if want == "" {
			want = nil
		}
		assert.Equal(t, want, stored[k], k)
	}
	got := maps.Clone(regObj(stored["additionalData"]))
	want := map[string]any{}
	for k, v := range info["additionalData"].(map[string]any) {
		if s := regText(v); s != "" {
			want[k] = s
		} else if got[k] == "" {
			delete(got, k) // an empty optional value is missing: kept as "" or left out alike
		}
	}
	assert.Equal(t, want, got)
}

// regText is a value as the server keeps it: JSON numbers and booleans as written.
func regText(v any) string { return fmt.Sprint(v) }

func TestRegistryDocumentInfoValidation(t *testing.T) {
	app := apptest.Start(t)
	emp, _ := regEmployee(t, app)
	customer := regNewCustomer(t, app)
	typeName := regNewType(t, app, emp, "PASSPORT", regPassport...)
	create := func(info map[string]any) map[string]any {
		return map[string]any{"customer": customer.guid, "type": typeName, "status": "NOT_CHECKED", "info": info}
	}

	t.Run("createCustomerDocument", func(t *testing.T) {
		before := regLatestAudit(t, app, emp)
		for _, c := range regRejectedInfos {
			t.Run(c.name, func(t *testing.T) {
				assert.Equal(t, c.fields, regFail(t, app, emp, "VALIDATION_FAILURE", regCreateDocument, create(c.info())))
				assert.Zero(t, regDocumentsOfType(t, app, emp, customer.guid, typeName), "a refused document is not stored")
			})
		}
		assert.Equal(t, before, regLatestAudit(t, app, emp), "a refused document is not audited")
		for _, c := range regAcceptedInfos {
			t.Run(c.name, func(t *testing.T) {
				doc := regOK(t, app, emp, regCreateDocument, create(c.info()))
				assert.Equal(t, "NOT_CHECKED", doc["status"])
				assert.Equal(t, typeName, regObj(doc["documentType"])["name"])
				infos := regList(doc["documentInfo"])
				require.Len(t, infos, 1)
				regAssertStored(t, c.info(), regObj(infos[0]))
				assert.Contains(t, regDocuments(t, app, emp, customer.guid), doc["id"])
			})
		}
	})

	t.Run("addDocumentInfo", func(t *testing.T) {
		doc := regOK(t, app, emp, regCreateDocument, create(regPassportInfo()))
		id := doc["id"].(string)
		before := regLatestAudit(t, app, emp)
		for _, c := range regRejectedInfos {
			t.Run(c.name, func(t *testing.T) {
				assert.Equal(t, c.fields, regFail(t, app, emp, "VALIDATION_FAILURE", regAddInfo, map[string]any{"id": id, "info": c.info()}))
				assert.Len(t, regList(regDocuments(t, app, emp, customer.guid)[id]["documentInfo"]), 1, "a refused record is not stored")
			})
		}
		assert.Equal(t, before, regLatestAudit(t, app, emp), "a refused record is not audited")
		for i, c := range regAcceptedInfos {
			t.Run(c.name, func(t *testing.T) {
				info := c.info()
				info["sourceName"], info["sourceId"] = "SMART", "req-"+c.name
				added := regOK(t, app, emp, regAddInfo, map[string]any{"id": id, "info": info})
				regAssertStored(t, info, added)
				assert.Equal(t, "SMART", added["sourceName"])
				infos := regList(regDocuments(t, app, emp, customer.guid)[id]["documentInfo"])
				require.Len(t, infos, i+2)
				assert.Equal(t, added["id"], regObj(infos[i+1])["id"], "records are listed oldest first")
			})
		}
	})

	t.Run("an inactive attribute's rules do not apply", func(t *testing.T) {
		name := regNewType(t, app, emp, "SELFIE",
			map[string]any{"name": "taken_at", "description": "Снято", "isRequired": true, "type": "date"},
			map[string]any{"name": "quality", "description": "Качество", "isRequired": false, "type": "int", "max": "10"},
		)
		info := map[string]any{"additionalData": map[string]any{"quality": 5}}
		assert.Equal(t, []string{"taken_at"}, regFail(t, app, emp, "VALIDATION_FAILURE", regCreateDocument,
			map[string]any{"customer": customer.guid, "type": name, "status": "VALID", "info": info}))
		regOK(t, app, emp, regUpdateAttribute, map[string]any{"type": name, "name": "taken_at", "in": map[string]any{
			"name": "taken_at", "description": "Снято", "isRequired": true, "type": "date", "status": "INACTIVE",
		}})
		doc := regOK(t, app, emp, regCreateDocument, map[string]any{"customer": customer.guid, "type": name, "status": "VALID", "info": info})
		assert.Equal(t, map[string]any{"quality": "5"}, regObj(regList(doc["documentInfo"])[0])["additionalData"])

		t.Run("a reserved field the type does not have", func(t *testing.T) {
			info := map[string]any{"series": "4510", "issueDate": "2020-01-01", "additionalData": map[string]any{"quality": 5}}
			assert.Equal(t, []string{"issue_date", "series"}, regFail(t, app, emp, "VALIDATION_FAILURE", regCreateDocument,
				map[string]any{"customer": customer.guid, "type": name, "status": "VALID", "info": info}))
		})
	})

	t.Run("a changed rule applies to new data", func(t *testing.T) {
		regOK(t, app, emp, regUpdateAttribute, map[string]any{"type": typeName, "name": "age", "in": map[string]any{
			"name": "age", "description": "Возраст", "isRequired": false, "type": "int", "min": "18", "max": "120",
		}})
		info := regPassportInfo()
		regSet("age", 17)(info)
		assert.Equal(t, []string{"age"}, regFail(t, app, emp, "VALIDATION_FAILURE", regCreateDocument, create(info)))
	})
}

func TestRegistryCustomerDocuments(t *testing.T) {
	app := apptest.Start(t)
	emp, actor := regEmployee(t, app)
	customer := regNewCustomer(t, app)
	typeName := regNewType(t, app, emp, "PASSPORT", regPassport...)

	t.Run("a document without data", func(t *testing.T) {
		doc := regOK(t, app, emp, regCreateDocument, map[string]any{"customer": customer.guid, "type": typeName, "status": "NOT_FOUND"})
		assert.Equal(t, "NOT_FOUND", doc["status"])
		assert.Empty(t, doc["documentInfo"])
	})

	doc := regOK(t, app, emp, regCreateDocument, map[string]any{"customer": customer.guid, "type": typeName, "status": "NOT_CHECKED", "info": regPassportInfo()})
	id := doc["id"].(string)
	infoID := regObj(regList(doc["documentInfo"])[0])["id"].(string)

	t.Run("setDocumentStatus", func(t *testing.T) {
		for _, status := range []string{"VALID", "NOT_VALID", "NOT_CHECKED", "NOT_FOUND", "VALID"} {
			set := regOK(t, app, emp, regSetStatus, map[string]any{"id": id, "status": status})
			assert.Equal(t, id, set["id"])
			assert.Equal(t, status, set["status"])
			assert.Len(t, regList(set["documentInfo"]), 1, "the status leaves the data as it is")
			assert.Equal(t, status, regDocuments(t, app, emp, customer.guid)[id]["status"], "the employee sees %s", status)
			me := regObj(regOK(t, app, customer.token, regMeRegistry, nil)["customer"])
			var seen any
			for _, d := range regList(me["documents"]) {
				if regObj(d)["id"] == id {
					seen = regObj(d)["status"]
				}
			}
			assert.Equal(t, status, seen, "the customer sees %s", status)
		}
		entries := regAssertAudited(t, app, emp, actor, "customer_document", id,
			"setDocumentStatus", "setDocumentStatus", "setDocumentStatus", "setDocumentStatus", "setDocumentStatus", "createCustomerDocument")
		if len(entries) == 6 {
			assert.Equal(t, map[string]any{"from": "NOT_FOUND", "to": "VALID"}, entries[0]["changes"])
			assert.Equal(t, map[string]any{"from": "NOT_CHECKED", "to": "VALID"}, entries[4]["changes"])
		}
	})

	stored := func() map[string]any {
		t.Helper()
		infos := regList(regDocuments(t, app, emp, customer.guid)[id]["documentInfo"])
		require.Len(t, infos, 1)
		return regObj(infos[0])
	}

	t.Run("patchDocumentInfo", func(t *testing.T) {
		before := stored()
		patched := regOK(t, app, emp, regPatchInfo, map[string]any{"id": infoID, "info": map[string]any{
			"number": "654321", "additionalData": map[string]any{"age": 40, "region": nil}, "sourceName": "CUSTOMER",
		}})
		assert.Equal(t, infoID, patched["id"])
		assert.Equal(t, "654321", patched["number"])
		assert.Equal(t, before["series"], patched["series"], "fields not in the patch stay")
		assert.Equal(t, before["issueDate"], patched["issueDate"])
		assert.Equal(t, "CUSTOMER", patched["sourceName"])
		wantData := maps.Clone(before["additionalData"].(map[string]any))
		wantData["age"] = "40"
		delete(wantData, "region")
		assert.Equal(t, wantData, patched["additionalData"], "null removes an additional attribute")
		assert.Equal(t, patched, stored())

		before = stored()
		auditBefore := regLatestAudit(t, app, emp)
		for _, c := range []struct {
			name   string
			patch  map[string]any
			fields []string
		}{
			{"breaks a regex", map[string]any{"series": "12"}, []string{"series"}},
			{"clears a required reserved attribute", map[string]any{"number": ""}, []string{"number"}},
			{"removes a required additional attribute", map[string]any{"additionalData": map[string]any{"birth_place": nil}}, []string{"birth_place"}},
			{"breaks a bound", map[string]any{"issueDate": "1980-01-01", "additionalData": map[string]any{"age": 7}}, []string{"age", "issue_date"}},
			{"a good field with a bad one", map[string]any{"issuer": "УФМС", "additionalData": map[string]any{"rooms": 9}}, []string{"rooms"}},
			{"adds an unknown attribute", map[string]any{"additionalData": map[string]any{"color": "red"}}, []string{"color"}},
			{"breaks a date", map[string]any{"expirationDate": "2035-06-31"}, []string{"expiration_date"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				assert.Equal(t, c.fields, regFail(t, app, emp, "VALIDATION_FAILURE", regPatchInfo, map[string]any{"id": infoID, "info": c.patch}))
				assert.Equal(t, before, stored(), "a refused patch leaves the record as it was")
			})
		}
		assert.Equal(t, auditBefore, regLatestAudit(t, app, emp), "a refused patch is not audited")
		regAssertAudited(t, app, emp, actor, "document_info", infoID, "patchDocumentInfo")
	})

	t.Run("addDocumentInfo is audited", func(t *testing.T) {
		added := regOK(t, app, emp, regAddInfo, map[string]any{"id": id, "info": regPassportInfo()})
		regAssertAudited(t, app, emp, actor, "document_info", added["id"].(string), "addDocumentInfo")
	})

	t.Run("unknown ids", func(t *testing.T) {
		docsBefore := regDocuments(t, app, emp, customer.guid)
		auditBefore := regLatestAudit(t, app, emp)
		missing := uuid.NewString()
		for _, c := range []struct {
			name, query, code string
			vars              map[string]any
		}{
			{"create for an unknown customer", regCreateDocument, "CUSTOMER_NOT_FOUND",
				map[string]any{"customer": missing, "type": typeName, "status": "VALID", "info": regPassportInfo()}},
			{"create for a customer id that is no guid", regCreateDocument, "CUSTOMER_NOT_FOUND",
				map[string]any{"customer": customer.id, "type": typeName, "status": "VALID", "info": regPassportInfo()}},
			{"create of an unknown type", regCreateDocument, "DOCUMENT_TYPE_NOT_FOUND",
				map[string]any{"customer": customer.guid, "type": regName("NOPE"), "status": "VALID"}},
			{"status of an unknown document", regSetStatus, "CUSTOMER_DOCUMENT_NOT_FOUND", map[string]any{"id": missing, "status": "VALID"}},
			{"status of a document id that is no guid", regSetStatus, "CUSTOMER_DOCUMENT_NOT_FOUND", map[string]any{"id": "42", "status": "VALID"}},
			{"record for an unknown document", regAddInfo, "CUSTOMER_DOCUMENT_NOT_FOUND", map[string]any{"id": missing, "info": regPassportInfo()}},
			{"record for a data record id", regAddInfo, "CUSTOMER_DOCUMENT_NOT_FOUND", map[string]any{"id": infoID, "info": regPassportInfo()}},
			{"patch of an unknown record", regPatchInfo, "DOCUMENT_INFO_NOT_FOUND", map[string]any{"id": missing, "info": map[string]any{"number": "111111"}}},
			{"patch of a document id", regPatchInfo, "DOCUMENT_INFO_NOT_FOUND", map[string]any{"id": id, "info": map[string]any{"number": "111111"}}},
			{"patch of an id that is no guid", regPatchInfo, "DOCUMENT_INFO_NOT_FOUND", map[string]any{"id": "nope", "info": map[string]any{"number": "111111"}}},
		} {
			t.Run(c.name, func(t *testing.T) {
				regFail(t, app, emp, c.code, c.query, c.vars)
			})
		}
		assert.Equal(t, docsBefore, regDocuments(t, app, emp, customer.guid), "nothing changed")
		assert.Equal(t, auditBefore, regLatestAudit(t, app, emp), "nothing audited")
	})
}

func TestRegistryFlagDictionaries(t *testing.T) {
	app := apptest.Start(t)
	emp, actor := regEmployee(t, app)
	name := regName("Fraud")
	ft := regOK(t, app, emp, regCreateFlagType, map[string]any{"in": map[string]any{"name": name, "description": "Мошенничество", "scope": "INTERNAL", "restricts": true}})
	typeID := ft["id"].(string)
	assert.Equal(t, name, ft["name"])
	assert.Equal(t, "Мошенничество", ft["description"], "descriptions may be in any language")
	assert.Equal(t, "INTERNAL", ft["scope"])
	assert.Equal(t, true, ft["restricts"])
	assert.Equal(t, "ACTIVE", ft["status"])
	assert.Empty(t, ft["reasons"])

	plain := regOK(t, app, emp, regCreateFlagType, map[string]any{"in": map[string]any{"name": regName("Vip"), "scope": "EXTERNAL"}})
	assert.Equal(t, false, plain["restricts"], "restricts defaults to false")
	assert.Equal(t, "", plain["description"])
	plainID := plain["id"].(string)

	reason := regOK(t, app, emp, regCreateReason, map[string]any{"type": typeID, "in": map[string]any{"name": "STOLEN_ID", "description": "Украден паспорт"}})
	reasonID := reason["id"].(string)
	assert.Equal(t, "STOLEN_ID", reason["name"])
	assert.Equal(t, "ACTIVE", reason["status"])
	regOK(t, app, emp, regCreateReason, map[string]any{"type": typeID, "in": map[string]any{"name": "CHARGEBACK"}})
	sameName := regOK(t, app, emp, regCreateReason, map[string]any{"type": plainID, "in": map[string]any{"name": "STOLEN_ID"}})
	assert.NotEqual(t, reasonID, sameName["id"], "another type may have a reason of the same name")

	before := regLatestAudit(t, app, emp)
	for _, c := range []struct {
		name, query, code string
		vars              map[string]any
		fields            []string
	}{
		{"type with a taken name", regCreateFlagType, "FLAG_TYPE_DUPLICATED_NAME",
			map[string]any{"in": map[string]any{"name": name, "scope": "EXTERNAL"}}, nil},
		{"type with a Cyrillic name", regCreateFlagType, "INVALID",
			map[string]any{"in": map[string]any{"name": "Мошенник", "scope": "INTERNAL"}}, []string{"name"}},
		{"type with a partly Cyrillic name", regCreateFlagType, "INVALID",
			map[string]any{"in": map[string]any{"name": "Fraudы", "scope": "INTERNAL"}}, []string{"name"}},
		{"type with a name not starting with a letter", regCreateFlagType, "INVALID",
			map[string]any{"in": map[string]any{"name": "1fraud", "scope": "INTERNAL"}}, []string{"name"}},
		{"type with a space in its name", regCreateFlagType, "INVALID",
			map[string]any{"in": map[string]any{"name": "bad debt", "scope": "INTERNAL"}}, []string{"name"}},
		{"type without a name", regCreateFlagType, "INVALID",
			map[string]any{"in": map[string]any{"name": "", "scope": "INTERNAL"}}, []string{"name"}},
		{"rename a type to a taken name", regUpdateFlagType, "FLAG_TYPE_DUPLICATED_NAME",
			map[string]any{"id": plainID, "in": map[string]any{"name": name, "scope": "EXTERNAL"}}, nil},
		{"rename a type to a Cyrillic name", regUpdateFlagType, "INVALID",
			map[string]any{"id": plainID, "in": map[string]any{"name": "Важный", "scope": "EXTERNAL"}}, []string{"name"}},
		{"update an unknown type", regUpdateFlagType, "FLAG_TYPE_NOT_FOUND",
			map[string]any{"id": uuid.NewString(), "in": map[string]any{"name": regName("Nope"), "scope": "EXTERNAL"}}, nil},
		{"update a type by a reason's id", regUpdateFlagType, "FLAG_TYPE_NOT_FOUND",
			map[string]any{"id": reasonID, "in": map[string]any{"name": regName("Nope"), "scope": "EXTERNAL"}}, nil},
		{"reason with a name taken in its type", regCreateReason, "FLAG_REASON_DUPLICATED_NAME",
			map[string]any{"type": typeID, "in": map[string]any{"name": "STOLEN_ID"}}, nil},
		{"reason with a Cyrillic name", regCreateReason, "INVALID",
			map[string]any{"type": typeID, "in": map[string]any{"name": "Кража"}}, []string{"name"}},
		{"reason of an unknown type", regCreateReason, "FLAG_TYPE_NOT_FOUND",
			map[string]any{"type": uuid.NewString(), "in": map[string]any{"name": "X"}}, nil},
		{"rename a reason to a name taken in its type", regUpdateReason, "FLAG_REASON_DUPLICATED_NAME",
			map[string]any{"id": reasonID, "in": map[string]any{"name": "CHARGEBACK"}}, nil},
		{"rename a reason to a Cyrillic name", regUpdateReason, "INVALID",
			map[string]any{"id": reasonID, "in": map[string]any{"name": "Кража"}}, []string{"name"}},
		{"update an unknown reason", regUpdateReason, "FLAG_REASON_NOT_FOUND",
			map[string]any{"id": uuid.NewString(), "in": map[string]any{"name": "X"}}, nil},
		{"update a reason by a type's id", regUpdateReason, "FLAG_REASON_NOT_FOUND",
			map[string]any{"id": typeID, "in": map[string]any{"name": "X"}}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.fields, regFail(t, app, emp, c.code, c.query, c.vars))
		})
	}
	assert.Equal(t, before, regLatestAudit(t, app, emp), "refused changes are not audited")

	flagType := func(id string) map[string]any {
		t.Helper()
		resp := app.GraphQL(t, emp, regFlagTypesQuery, nil)
		require.Empty(t, resp.Errors)
		for _, ft := range regList(resp.Data["flagTypes"]) {
			if regObj(ft)["id"] == id {
				return regObj(ft)
			}
		}
		t.Fatalf("flag type %s is not listed", id)
		return nil
	}
	listed := flagType(typeID)
	assert.Equal(t, name, listed["name"])
	var reasons []any
	for _, r := range regList(listed["reasons"]) {
		reasons = append(reasons, regObj(r)["name"])
	}
	assert.ElementsMatch(t, []any{"STOLEN_ID", "CHARGEBACK"}, reasons, "a type lists its own reasons only")
	assert.Len(t, regList(flagType(plainID)["reasons"]), 1)

	renamed := regName("Fraud")
	updated := regOK(t, app, emp, regUpdateFlagType, map[string]any{"id": typeID, "in": map[string]any{
		"name": renamed, "description": "Подозрение", "scope": "EXTERNAL", "restricts": true, "status": "INACTIVE",
	}})
	assert.Equal(t, typeID, updated["id"])
	assert.Equal(t, renamed, updated["name"])
	assert.Equal(t, "EXTERNAL", updated["scope"])
	assert.Equal(t, "INACTIVE", updated["status"])
	updatedReason := regOK(t, app, emp, regUpdateReason, map[string]any{"id": reasonID, "in": map[string]any{"name": "STOLEN_PASSPORT", "description": "Украден", "status": "INACTIVE"}})
	assert.Equal(t, reasonID, updatedReason["id"])
	assert.Equal(t, "STOLEN_PASSPORT", updatedReason["name"])
	assert.Equal(t, "INACTIVE", updatedReason["status"])
	assert.Equal(t, updated["name"], flagType(typeID)["name"])
	// A reason may take a name another type's reason has.
	regOK(t, app, emp, regUpdateReason, map[string]any{"id": sameName["id"], "in": map[string]any{"name": "CHARGEBACK"}})

	typeEntries := regAssertAudited(t, app, emp, actor, "flag_type", typeID, "updateFlagType", "createFlagType")
	reasonEntries := regAssertAudited(t, app, emp, actor, "flag_reason", reasonID, "updateFlagReason", "createFlagReason")
	require.Len(t, typeEntries, 2)
	require.Len(t, reasonEntries, 2)
	t.Run("changes are what was asked, by the input's field names", func(t *testing.T) {
		assert.Equal(t, name, regObj(typeEntries[1]["changes"])["name"], "createFlagType changes: %v", typeEntries[1]["changes"])
		assert.Equal(t, renamed, regObj(typeEntries[0]["changes"])["name"], "updateFlagType changes: %v", typeEntries[0]["changes"])
		assert.Equal(t, "STOLEN_ID", regObj(reasonEntries[1]["changes"])["name"], "createFlagReason changes: %v", reasonEntries[1]["changes"])
		assert.Equal(t, "STOLEN_PASSPORT", regObj(reasonEntries[0]["changes"])["name"], "updateFlagReason changes: %v", reasonEntries[0]["changes"])
	})
}

func TestRegistryFlagsAndRestrictions(t *testing.T) {
	app := apptest.Start(t)
	emp, actor := regEmployee(t, app)
	customer := regNewCustomer(t, app)

	newType := func(prefix string, restricts bool, reasons ...string) (id, name string) {
		t.Helper()
		name = regName(prefix)
		id = regOK(t, app, emp, regCreateFlagType, map[string]any{"in": map[string]any{"name": name, "scope": "INTERNAL", "restricts": restricts}})["id"].(string)
		for _, r := range reasons {
			regOK(t, app, emp, regCreateReason, map[string]any{"type": id, "in": map[string]any{"name": r}})
		}
		return id, name
	}
	_, blocking := newType("Blocked", true, "FRAUD_CASE", "COURT", "SHARED")
	_, watch := newType("Watch", false, "MANUAL", "SHARED")
	_, other := newType("Other", true, "ONLY_OTHER")

	// view is a customer's flags (by id), whether they are restricted and by which flags.
	type view struct {
		flags      map[string]map[string]any
		restricted bool
		restricts  []string
	}
	read := func(data map[string]any) view {
		v := view{flags: map[string]map[string]any{}}
		for _, f := range regList(data["flags"]) {
			v.flags[regObj(f)["id"].(string)] = regObj(f)
		}
		r := regObj(data["restrictions"])
		v.restricted = r["hasRestrictions"].(bool)
		for _, f := range regList(r["flags"]) {
			v.restricts = append(v.restricts, regObj(f)["id"].(string))
		}
		slices.Sort(v.restricts)
		return v
	}
	// views reads the customer's view as an employee, checking that the customer sees the same in me.
	views := func() view {
		t.Helper()
		employee := read(regOK(t, app, emp, regCustomerRegistry, map[string]any{"guid": customer.guid}))
		own := read(regObj(regOK(t, app, customer.token, regMeRegistry, nil)["customer"]))
		assert.Equal(t, employee, own, "the customer sees their flags and restrictions as employees do")
		return employee
	}
	start := views()
	require.False(t, start.restricted, "the test customer starts without restrictions")
	var added []string
	t.Cleanup(func() {
		for _, id := range added {
			app.GraphQL(t, emp, regRemoveFlag, map[string]any{"id": id})
		}
	})
	add := func(flagType, reason string) map[string]any {
		t.Helper()
		f := regOK(t, app, emp, regAddFlag, map[string]any{"customer": customer.guid, "type": flagType, "reason": reason})
		added = append(added, f["id"].(string))
		return f
	}

	watched := add(watch, "MANUAL")
	assert.Equal(t, watch, watched["flagType"])
	assert.Equal(t, "MANUAL", watched["flagReason"])
	assert.Equal(t, true, watched["isActive"])
	assert.Equal(t, "INTERNAL", watched["scope"])
	v := views()
	assert.Contains(t, v.flags, watched["id"])
	assert.False(t, v.restricted, "a type that does not restrict never restricts")

	fraud := add(blocking, "FRAUD_CASE")
	fraudID := fraud["id"].(string)
	v = views()
	assert.True(t, v.restricted)
	assert.Equal(t, []string{fraudID}, v.restricts, "only flags of restricting types restrict")
	assert.Equal(t, fraud, v.flags[fraudID])

	court := add(blocking, "COURT")
	courtID := court["id"].(string)

	t.Run("a reason name two types share goes with the type asked for", func(t *testing.T) {
		shared := add(watch, "SHARED")
		assert.Equal(t, watch, shared["flagType"])
		assert.Equal(t, "SHARED", shared["flagReason"])
		v := views()
		assert.NotContains(t, v.restricts, shared["id"], "a flag of the non-restricting type does not restrict")
	})

	t.Run("refused flags", func(t *testing.T) {
		before := views()
		auditBefore := regLatestAudit(t, app, emp)
		for _, c := range []struct {
			name, customer, flagType, reason, code string
		}{
			{"reason of another type", customer.guid, blocking, "ONLY_OTHER", "FLAG_REASON_INCOMPATIBLE_WITH_TYPE"},
			{"reason of another type, the other way", customer.guid, other, "FRAUD_CASE", "FLAG_REASON_INCOMPATIBLE_WITH_TYPE"},
			{"unknown type", customer.guid, regName("Nope"), "FRAUD_CASE", "FLAG_TYPE_NOT_FOUND"},
			{"unknown reason", customer.guid, blocking, regName("NOPE"), "FLAG_REASON_NOT_FOUND"},
			{"unknown customer", uuid.NewString(), blocking, "FRAUD_CASE", "CUSTOMER_NOT_FOUND"},
			{"customer id that is no guid", customer.id, blocking, "FRAUD_CASE", "CUSTOMER_NOT_FOUND"},
		} {
			t.Run(c.name, func(t *testing.T) {
				regFail(t, app, emp, c.code, regAddFlag, map[string]any{"customer": c.customer, "type": c.flagType, "reason": c.reason})
			})
		}
		after := views()
		assert.Equal(t, before, after, "a refused flag is not set")
		assert.Equal(t, auditBefore, regLatestAudit(t, app, emp), "a refused flag is not audited")
	})

	removed := regOK(t, app, emp, regRemoveFlag, map[string]any{"id": fraudID})
	assert.Equal(t, fraudID, removed["id"])
	assert.Equal(t, false, removed["isActive"])
	v = views()
	assert.True(t, v.restricted, "another active flag of the type still restricts")
	assert.Equal(t, []string{courtID}, v.restricts)
	assert.Equal(t, false, v.flags[fraudID]["isActive"], "a removed flag is still listed, inactive")

	regOK(t, app, emp, regRemoveFlag, map[string]any{"id": courtID})
	v = views()
	assert.False(t, v.restricted, "no active restricting flag, no restriction")
	assert.Empty(t, v.restricts)
	assert.Equal(t, true, v.flags[watched["id"].(string)]["isActive"])

	auditBefore := regLatestAudit(t, app, emp)
	regFail(t, app, emp, "INVALID_FLAG_STATE", regRemoveFlag, map[string]any{"id": fraudID})
	regFail(t, app, emp, "FLAG_NOT_FOUND", regRemoveFlag, map[string]any{"id": uuid.NewString()})
	regFail(t, app, emp, "FLAG_NOT_FOUND", regRemoveFlag, map[string]any{"id": "1"})
	assert.Equal(t, auditBefore, regLatestAudit(t, app, emp), "a refused removal is not audited")

	entries := regAssertAudited(t, app, emp, actor, "customer_flag", fraudID, "removeFlag", "addFlag")
	if len(entries) == 2 {
		assert.Equal(t, map[string]any{"customer": customer.guid, "flagType": blocking, "flagReason": "FRAUD_CASE"}, entries[1]["changes"])
	}
}

func TestRegistryAccess(t *testing.T) {
	app := apptest.Start(t)
	emp, _ := regEmployee(t, app)
	a := regNewCustomer(t, app)
	b := regNewCustomer(t, app)
	partner := app.PartnerToken(t)

	typeName := regNewType(t, app, emp, "INN", map[string]any{"name": "number", "description": "ИНН", "isRequired": true, "type": "text"})
	docOf := func(c regCustomer, number string) (docID, infoID string) {
		d := regOK(t, app, emp, regCreateDocument, map[string]any{"customer": c.guid, "type": typeName, "status": "VALID", "info": map[string]any{"number": number}})
		return d["id"].(string), regObj(regList(d["documentInfo"])[0])["id"].(string)
	}
	aDoc, _ := docOf(a, "500100732259")
	bDoc, bInfo := docOf(b, "7743013902")
	flagTypeName := regName("Note")
	flagTypeID := regOK(t, app, emp, regCreateFlagType, map[string]any{"in": map[string]any{"name": flagTypeName, "scope": "INTERNAL"}})["id"].(string)
	reasonID := regOK(t, app, emp, regCreateReason, map[string]any{"type": flagTypeID, "in": map[string]any{"name": "CALLBACK"}})["id"].(string)
	bFlag := regOK(t, app, emp, regAddFlag, map[string]any{"customer": b.guid, "type": flagTypeName, "reason": "CALLBACK"})["id"].(string)
	t.Cleanup(func() { app.GraphQL(t, emp, regRemoveFlag, map[string]any{"id": bFlag}) })

	t.Run("a customer's me shows their own registry data only", func(t *testing.T) {
		ids := func(c regCustomer, field string) []any {
			me := regObj(regOK(t, app, c.token, regMeRegistry, nil)["customer"])
			assert.Equal(t, c.guid, me["guid"])
			var out []any
			for _, x := range regList(me[field]) {
				out = append(out, regObj(x)["id"])
			}
			return out
		}
		assert.Contains(t, ids(a, "documents"), aDoc)
		assert.NotContains(t, ids(a, "documents"), bDoc, "A never sees B's document")
		assert.Contains(t, ids(b, "documents"), bDoc)
		assert.NotContains(t, ids(b, "documents"), aDoc, "B never sees A's document")
		assert.Contains(t, ids(b, "flags"), bFlag)
		assert.NotContains(t, ids(a, "flags"), bFlag, "A never sees B's flag")
	})

	t.Run("customer(id) and customer(guid) for an employee", func(t *testing.T) {
		q := `query($id: ID, $guid: ID) { customer(id: $id, guid: $guid) { id guid phone documents { id } } }`
		byGUID := regOK(t, app, emp, q, map[string]any{"guid": b.guid})
		byID := regOK(t, app, emp, q, map[string]any{"id": b.id})
		assert.Equal(t, byGUID, byID)
		assert.Equal(t, b.phone, byID["phone"])
		assert.Equal(t, b.guid, byID["guid"])
		assert.Equal(t, []any{map[string]any{"id": bDoc}}, byID["documents"])
		for name, vars := range map[string]map[string]any{
			"unknown guid":         {"guid": uuid.NewString()},
			"unknown id":           {"id": "987654321"},
			"id that is a guid":    {"id": b.guid},
			"guid that is no uuid": {"guid": "nope"},
		} {
			t.Run(name, func(t *testing.T) {
				resp := app.GraphQL(t, emp, q, vars)
				require.Empty(t, resp.Errors, "%v", resp.Errors)
				assert.Nil(t, resp.Data["customer"])
			})
		}
		for name, vars := range map[string]map[string]any{"both": {"id": b.id, "guid": b.guid}, "neither": {}} {
			t.Run(name, func(t *testing.T) {
				regFail(t, app, emp, "INVALID", q, vars)
			})
		}
	})

	// Every registry operation, with arguments an employee could use.
	newTypeName, newFlagTypeName := regName("STOLEN"), regName("Stolen")
	ops := []struct {
		name, query string
		vars        map[string]any
	}{
		{"customer by guid", `query($guid: ID) { customer(guid: $guid) { guid documents { id } } }`, map[string]any{"guid": b.guid}},
		{"customer by id", `query($id: ID) { customer(id: $id) { guid flags { id } } }`, map[string]any{"id": b.id}},
		{"own customer by guid", `query($guid: ID) { customer(guid: $guid) { guid restrictions { hasRestrictions } } }`, map[string]any{"guid": a.guid}},
		{"documentTypes", regTypesQuery, nil},
		{"documentType", regTypeQuery, map[string]any{"name": typeName}},
		{"flagTypes", regFlagTypesQuery, nil},
		{"auditTrail", regAuditQuery, map[string]any{"first": 5}},
		{"createDocumentType", regCreateType, map[string]any{"in": map[string]any{"name": newTypeName, "category": "X", "isActive": true}}},
		{"updateDocumentType", regUpdateType, map[string]any{"name": typeName, "in": map[string]any{"name": typeName, "category": "HACKED", "isActive": false}}},
		{"createDocumentAttribute", regCreateAttribute, map[string]any{"type": typeName, "in": map[string]any{"name": "extra", "description": "X", "isRequired": true, "type": "text"}}},
		{"updateDocumentAttribute", regUpdateAttribute, map[string]any{"type": typeName, "name": "number", "in": map[string]any{"name": "number", "description": "X", "isRequired": false, "type": "int"}}},
		{"createCustomerDocument", regCreateDocument, map[string]any{"customer": b.guid, "type": typeName, "status": "VALID", "info": map[string]any{"number": "1"}}},
		{"setDocumentStatus", regSetStatus, map[string]any{"id": bDoc, "status": "NOT_VALID"}},
		{"addDocumentInfo", regAddInfo, map[string]any{"id": bDoc, "info": map[string]any{"number": "2"}}},
		{"patchDocumentInfo", regPatchInfo, map[string]any{"id": bInfo, "info": map[string]any{"number": "3"}}},
		{"createFlagType", regCreateFlagType, map[string]any{"in": map[string]any{"name": newFlagTypeName, "scope": "INTERNAL", "restricts": true}}},
		{"updateFlagType", regUpdateFlagType, map[string]any{"id": flagTypeID, "in": map[string]any{"name": flagTypeName, "scope": "EXTERNAL", "restricts": true}}},
		{"createFlagReason", regCreateReason, map[string]any{"type": flagTypeID, "in": map[string]any{"name": "HACK"}}},
		{"updateFlagReason", regUpdateReason, map[string]any{"id": reasonID, "in": map[string]any{"name": "HACKED"}}},
		{"addFlag", regAddFlag, map[string]any{"customer": a.guid, "type": flagTypeName, "reason": "CALLBACK"}},
		{"removeFlag", regRemoveFlag, map[string]any{"id": bFlag}},
	}

	// snapshot is everything the operations could change, as an employee reads it.
	snapshot := func() []any {
		t.Helper()
		var out []any
		for _, q := range []struct {
			query string
			vars  map[string]any
		}{
			{regTypeQuery, map[string]any{"name": typeName}},
			{regTypeQuery, map[string]any{"name": newTypeName}},
			{regFlagTypesQuery, nil},
			{regCustomerRegistry, map[string]any{"guid": a.guid}},
			{regCustomerRegistry, map[string]any{"guid": b.guid}},
			{regAuditQuery, map[string]any{"first": 1}},
		} {
			resp := app.GraphQL(t, emp, q.query, q.vars)
			require.Empty(t, resp.Errors, "%v", resp.Errors)
			out = append(out, resp.Data)
		}
		return out
	}
	before := snapshot()
	for _, caller := range []struct{ name, token, code string }{
		{"customer", a.token, "FORBIDDEN"},
		{"other customer", b.token, "FORBIDDEN"},
		{"partner", partner, "FORBIDDEN"},
		{"no token", "", "UNAUTHENTICATED"},
	} {
		t.Run(caller.name, func(t *testing.T) {
			for _, op := range ops {
				t.Run(op.name, func(t *testing.T) {
					regFail(t, app, caller.token, caller.code, op.query, op.vars)
				})
			}
		})
	}
	assert.Equal(t, before, snapshot(), "refused callers changed nothing")
	t.Run("a partner has no me.customer", func(t *testing.T) {
		me := app.GraphQL(t, partner, regMeRegistry, nil)
		require.Empty(t, me.Errors)
		assert.Nil(t, regObj(me.Data["me"])["customer"])
	})
}

// TestRegistryPartnerSeesNoRegistryDataThroughApplications: a partner's application names its
// customer, but the customer's documents, flags and restrictions are the registry's, which only
// employees (and the customer, through me) read.
func TestRegistryPartnerSeesNoRegistryDataThroughApplications(t *testing.T) {
	app := apptest.Start(t)
	emp, _ := regEmployee(t, app)
	customer := regNewCustomer(t, app)
	partner := app.PartnerToken(t)

	typeName := regNewType(t, app, emp, "PASSPORT", map[string]any{"name": "number", "description": "Номер", "isRequired": true, "type": "text"})
	doc := regOK(t, app, emp, regCreateDocument, map[string]any{"customer": customer.guid, "type": typeName, "status": "VALID", "info": map[string]any{"number": "987654"}})
	flagTypeName := regName("Note")
	flagTypeID := regOK(t, app, emp, regCreateFlagType, map[string]any{"in": map[string]any{"name": flagTypeName, "scope": "INTERNAL"}})["id"].(string)
	regOK(t, app, emp, regCreateReason, map[string]any{"type": flagTypeID, "in": map[string]any{"name": "INTERNAL_NOTE"}})
	flag := regOK(t, app, emp, regAddFlag, map[string]any{"customer": customer.guid, "type": flagTypeName, "reason": "INTERNAL_NOTE"})
	t.Cleanup(func() { app.GraphQL(t, emp, regRemoveFlag, map[string]any{"id": flag["id"]}) })

	guid := uuid.NewString()
	regOK(t, app, partner, `mutation($in: CreateApplicationInput!) { createApplication(input: $in) { application { id } } }`,
		map[string]any{"in": regApplicationInput(guid, customer.phone)})
	require.Eventually(t, func() bool {
		resp := app.GraphQL(t, partner, `query($id: ID!) { application(id: $id) { customer { guid } } }`, map[string]any{"id": guid})
		return len(resp.Errors) == 0 && regObj(resp.Data["application"])["customer"] != nil
	}, 10*time.Second, 20*time.Millisecond, "the application learns its customer")
	a := regOK(t, app, partner, `query($id: ID!) { application(id: $id) { customer { guid } } }`, map[string]any{"id": guid})
	require.Equal(t, customer.guid, regObj(a["customer"])["guid"])

	for _, c := range []struct{ field, selection, leak string }{
		{"documents", `documents { id documentInfo { number } }`, doc["id"].(string)},
		{"flags", `flags { id flagType }`, flag["id"].(string)},
		{"restrictions", `restrictions { hasRestrictions flags { id } }`, ""},
	} {
		t.Run(c.field, func(t *testing.T) {
			resp := app.GraphQL(t, partner, `query($id: ID!) { application(id: $id) { id customer { guid `+c.selection+` } } }`, map[string]any{"id": guid})
			customer := regObj(regObj(resp.Data["application"])["customer"])
			var seen []any
			for _, x := range regList(customer[c.field]) {
				seen = append(seen, regObj(x)["id"])
			}
			if c.leak != "" {
				assert.NotContains(t, seen, c.leak, "the partner sees the customer's registry %s", c.field)
			}
			assert.Equal(t, "FORBIDDEN", resp.Code(), "application.customer.%s answered the partner %v", c.field, customer[c.field])
		})
	}
}

// regApplicationInput is a partner's loan application for the named demo customer of phone.
func regApplicationInput(guid, phone string) map[string]any {
	return map[string]any{
		"applicationGuid": guid, "partnerApplicationId": "reg-" + guid, "mode": "online",
		"cart":        map[string]any{"items": []any{map[string]any{"name": "Чайник", "quantity": 1, "price": "20990.00", "goodsType": "Бытовая техника"}}},
		"downPayment": "0", "loanAmount": 20990, "loanTerm": 6, "productCode": "1800",
		"branchGuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "employeeId": "404",
		"customer": map[string]any{
			"firstName": "Мария", "lastName": "Петрова", "middleName": "Сергеевна", "phone": phone,
			"email": "m.petrova@example.com", "birthDate": "1991-04-12", "gender": "FEMALE",
			"actualAddress": "Москва, Ленина 2", "registrationAddress": "Москва, Ленина 2", "registrationDate": "2015-04-12",
			"monthlyExpenses": "0", "childrenNumber": 0, "familyStatus": "SINGLE",
		},
		"customerDocuments":  []any{map[string]any{"type": "passport", "series": "4510", "number": "123456", "subdivision": "770-001", "issueDate": "2015-06-01", "birthplace": "г. Москва"}},
		"customerEmployment": map[string]any{"positionType": "EMPLOYEE", "salary": "90000", "salaryCurrency": "RUB"},
		"customerContacts":   []any{map[string]any{"type": "PHONE", "owner": "MOTHER", "contact": "79991234500"}},
		"customerDevice":     map[string]any{"userAgent": "Mozilla/5.0", "userIp": "198.51.100.43"},
		"additionalData":     map[string]any{},
		"extServiceData":     []any{},
	}
}

func TestRegistryBadInputRefusedBySchema(t *testing.T) {
	app := apptest.Start(t)
	emp, _ := regEmployee(t, app)
	customer := regNewCustomer(t, app)
	typeName := regNewType(t, app, emp, "INN")
	before := regDocuments(t, app, emp, customer.guid)
	for _, c := range []struct {
		name, query string
		vars        map[string]any
	}{
		{"unknown document status in a variable", regCreateDocument, map[string]any{"customer": customer.guid, "type": typeName, "status": "LOST"}},
		{"unknown document status inline", `mutation($c: ID!, $t: String!) { createCustomerDocument(customerId: $c, typeName: $t, status: LOST) { id } }`,
			map[string]any{"c": customer.guid, "t": typeName}},
		{"unknown attribute type", regCreateAttribute, map[string]any{"type": typeName, "in": map[string]any{"name": "x", "description": "X", "isRequired": false, "type": "string"}}},
		{"unknown flag scope", regCreateFlagType, map[string]any{"in": map[string]any{"name": regName("Scope"), "scope": "GLOBAL"}}},
		{"unknown dictionary status", regUpdateType, map[string]any{"name": typeName, "in": map[string]any{"name": typeName, "category": "X", "isActive": true, "status": "DELETED"}}},
		{"missing required argument", `mutation($c: ID!) { addFlag(customerId: $c, flagType: "X") { id } }`, map[string]any{"c": customer.guid}},
		{"missing required input field", regCreateType, map[string]any{"in": map[string]any{"name": regName("NOCAT"), "isActive": true}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			regFail(t, app, emp, "GRAPHQL_VALIDATION_FAILED", c.query, c.vars)
		})
	}
	assert.Equal(t, before, regDocuments(t, app, emp, customer.guid))
	assert.Equal(t, []any{}, regOK(t, app, emp, regTypeQuery, map[string]any{"name": typeName})["attributes"])
}
