package web

import (
	"encoding/json"
	"fmt"
	"lendgraph/domain"
	"net/http"
	"strings"
)

// jsonType is the JSON type a field of the partner API must have.
type jsonType string

const (
	jsonString  jsonType = "string"
	jsonNumber  jsonType = "number"
	jsonInteger jsonType = "integer"
	jsonObject  jsonType = "object"
	jsonArray   jsonType = "array"
)

// fieldRule is a line of the spec's field table: path ("a.b", "a[].b" for each element), type and
// whether it must be present.
type fieldRule struct {
	path     string
	typ      jsonType
	required bool
}

// createApplicationFields is the field table of POST …/applications/create. Values (dates, e-mail,
// phone, uuids, amounts, product) are checked by the domain after the types are right.
var createApplicationFields = []fieldRule{
	{"mode", jsonString, true},
	{"cart", jsonObject, true},
	{"cart.items", jsonArray, true},
	{"cart.items[].name", jsonString, true},
	{"cart.items[].quantity", jsonInteger, true},
	{"cart.items[].price", jsonNumber, true},
	{"cart.items[].goods_type", jsonString, true},
	{"application_guid", jsonString, false},
	{"down_payment", jsonNumber, true},
	{"loan_amount", jsonNumber, true},
	{"loan_term", jsonInteger, true},
	{"product_code", jsonString, true},
	{"branch_guid", jsonString, true},
	{"employee_id", jsonString, true},
	{"partner_application_id", jsonString, true},
	{"customer", jsonObject, true},
	{"customer.first_name", jsonString, true},
	{"customer.last_name", jsonString, true},
	{"customer.middle_name", jsonString, false},
	{"customer.phone", jsonString, true},
	{"customer.email", jsonString, false},
	{"customer.birth_date", jsonString, true},
	{"customer.gender", jsonString, true},
	{"customer.actual_address", jsonString, true},
	{"customer.registration_address", jsonString, true},
	{"customer.registration_date", jsonString, true},
	{"customer.property_type", jsonString, false},
	{"customer.another_property", jsonString, false},
	{"customer.monthly_expenses", jsonNumber, false},
	{"customer.children_number", jsonInteger, false},
	{"customer.family_status", jsonString, false},
	{"customer_documents", jsonArray, true},
	{"customer_documents[].type", jsonString, true},
	{"customer_documents[].series", jsonString, false},
	{"customer_documents[].number", jsonString, true},
	{"customer_documents[].issuer", jsonString, false},
	{"customer_documents[].subdivision", jsonString, false},
	{"customer_documents[].issue_date", jsonString, false},
	{"customer_documents[].expiration_date", jsonString, false},
	{"customer_documents[].birthplace", jsonString, false},
	{"customer_employment", jsonObject, true},
	{"customer_employment.position_type", jsonString, true},
	{"customer_employment.position", jsonString, false},
	{"customer_employment.company_scope", jsonString, false},
	{"customer_employment.company_name", jsonString, false},
	{"customer_employment.salary", jsonNumber, true},
	{"customer_employment.salary_currency", jsonString, true},
	{"customer_employment.extra_salary", jsonNumber, false},
	{"customer_employment.extra_salary_currency", jsonString, false},
	{"customer_employment.work_experience", jsonString, false},
	{"customer_employment.work_address", jsonString, false},
	{"customer_employment.work_phone", jsonString, false},
	{"customer_contacts", jsonArray, true},
	{"customer_contacts[].type", jsonString, true},
	{"customer_contacts[].owner", jsonString, true},
	{"customer_contacts[].contact", jsonString, true},
	{"customer_contacts[].contact_name", jsonString, false},
	{"customer_device", jsonObject, false},
	{"customer_device.user_agent", jsonString, false},
	{"customer_device.user_ip", jsonString, false},
	{"additional_data", jsonObject, false},
	{"ext_service_data", jsonArray, false},
	{"ext_service_data[].service_type", jsonString, true},
	{"ext_service_data[].service_data", jsonObject, true},
}

// decodeChecked reads a JSON object body and checks it against a field table, naming every bad
// field.
func decodeChecked(r *http.Request, rules []fieldRule) (map[string]any, error) {
	var raw map[string]any
	if err := decodeJSON(r, &raw); err != nil {
		return nil, err
	}
	if bad := checkFields(raw, rules); len(bad) > 0 {
		return nil, domain.Invalid(bad)
	}
	return raw, nil
}

// checkFields checks a decoded JSON document (numbers as json.Number) against a field table and
// names every field that is missing or of the wrong type. A field inside an absent or mistyped
// parent is not reported again.
func checkFields(doc map[string]any, rules []fieldRule) []domain.FieldError {
	var bad []domain.FieldError
	lists := map[string]bool{} // the lists of objects whose elements are checked
	for _, rule := range rules {
		for i := strings.Index(rule.path, "[]."); i >= 0; i = nextList(rule.path, i) {
			list := rule.path[:i]
			if lists[list] {
				continue
			}
			lists[list] = true
			visit(doc, strings.Split(list, "."), "", func(at string, v any, _ bool) {
				elements, _ := v.([]any)
				for i, el := range elements {
					if _, ok := el.(map[string]any); !ok {
						bad = append(bad, domain.FieldError{Field: fmt.Sprintf("%s[%d]", at, i), Message: "must be an object"})
					}
				}
			})
		}
		visit(doc, strings.Split(rule.path, "."), "", func(at string, v any, present bool) {
			switch {
			case !present || v == nil:
				if rule.required {
					bad = append(bad, domain.FieldError{Field: at, Message: "is required"})
				}
			case !hasType(v, rule.typ):
				bad = append(bad, domain.FieldError{Field: at, Message: "must be " + article(rule.typ)})
			}
		})
	}
	return bad
}

// nextList is the place of the list step after the one at i in a field table's path, or -1.
func nextList(path string, i int) int {
	if j := strings.Index(path[i+3:], "[]."); j >= 0 {
		return i + 3 + j
	}
	return -1
}

// visit calls fn with the value at path below v, for each element where the path says [].
func visit(v any, path []string, at string, fn func(at string, v any, present bool)) {
	obj, ok := v.(map[string]any)
	if !ok {
		return
	}
	name, each := strings.CutSuffix(path[0], "[]")
	child, present := obj[name]
	if len(path) == 1 {
		fn(at+name, child, present)
		return
	}
	if !each {
		visit(child, path[1:], at+name+".", fn)
		return
	}
	list, _ := child.([]any)
	for i, el := range list {
		visit(el, path[1:], fmt.Sprintf("%s%s[%d].", at, name, i), fn)
	}
}

func hasType(v any, t jsonType) bool {
	switch t {
	case jsonString:
		_, ok := v.(string)
		return ok
	case jsonNumber:
		_, ok := v.(json.Number)
		return ok
	case jsonInteger:
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		_, err := n.Int64()
		return err == nil
	case jsonObject:
		_, ok := v.(map[string]any)
		return ok
	case jsonArray:
		_, ok := v.([]any)
		return ok
	}
	return false
}

func article(t jsonType) string {
	if t == jsonInteger || t == jsonObject || t == jsonArray {
		return "an " + string(t)
	}
	return "a " + string(t)
}
