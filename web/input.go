package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"lendgraph/domain"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// PostgreSQL stores no NUL character in text or jsonb, and this service stores only UTF-8: text
// that holds either is refused at each edge, naming where it was — here for the URL, headers,
// forms and JSON bodies; for GraphQL, the variables and argument literals of an operation before
// it runs (textArguments).

// textProblem says what is wrong with a text input, or "".
func textProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "must be valid UTF-8"
	case strings.IndexByte(s, 0) >= 0:
		return "must not contain a NUL character"
	}
	return ""
}

// textHeaders are the request headers whose values the service keeps.
var textHeaders = []string{"X-Device-Id"}

// checkText refuses a request whose path, query or kept headers hold text the database cannot
// store, naming the part.
func (s *Server) checkText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var bad []domain.FieldError
		if p := textProblem(r.URL.Path); p != "" {
			bad = append(bad, domain.FieldError{Field: "path", Message: p})
		}
		if query, err := url.ParseQuery(r.URL.RawQuery); err == nil {
			bad = append(bad, formProblems(query)...)
		}
		for _, h := range textHeaders {
			for _, v := range r.Header.Values(h) {
				if p := textProblem(v); p != "" {
					bad = append(bad, domain.FieldError{Field: h, Message: p})
				}
			}
		}
		if len(bad) > 0 {
			s.writeError(w, r, domain.Invalid(bad))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// formProblems names the fields of a form (or query) whose names or values hold text the
// database cannot store.
func formProblems(form url.Values) []domain.FieldError {
	var bad []domain.FieldError
	for _, name := range sortedKeys(form) {
		if p := textProblem(name); p != "" {
			bad = append(bad, domain.FieldError{Field: "form", Message: "a field name " + p})
			continue
		}
		for _, v := range form[name] {
			if p := textProblem(v); p != "" {
				bad = append(bad, domain.FieldError{Field: name, Message: p})
				break
			}
		}
	}
	return bad
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// maxNamed bounds how many bad strings one answer names.
const maxNamed = 20

// jsonTextProblems names every string of a JSON document, value or key, that holds a NUL
// character (written \u0000) or is not valid UTF-8 (which encoding/json would silently replace),
// by its path as the field tables write it ("customer.first_name", "cart.items[0].name"). A
// malformed document has none: reading it is the decoder's to refuse.
func jsonTextProblems(body []byte) []domain.FieldError {
	if utf8.Valid(body) && !bytes.Contains(body, []byte(`\u0000`)) {
		return nil // the common case, without walking the document
	}
	type level struct {
		array bool
		index int    // the next element's, in an array
		key   string // the current member's, in an object
		inKey bool   // an object's next string is a member name
	}
	var stack []level
	pathOf := func(levels []level) string {
		var b strings.Builder
		for _, l := range levels {
			switch {
			case l.array:
				fmt.Fprintf(&b, "[%d]", l.index)
			case b.Len() > 0:
				b.WriteString("." + l.key)
			default:
				b.WriteString(l.key)
			}
		}
		if b.Len() == 0 {
			return "body"
		}
		return b.String()
	}
	// valueDone moves the enclosing level past the value just read.
	valueDone := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].array {
				stack[n-1].index++
			} else {
				stack[n-1].inKey = true
			}
		}
	}
	var bad []domain.FieldError
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	start := int64(0)
	for {
		tok, err := dec.Token()
		if err != nil {
			return bad
		}
		end := dec.InputOffset()
		raw := body[start:end] // the token with the separators before it, which are ASCII
		start = end
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{':
				stack = append(stack, level{inKey: true})
			case '[':
				stack = append(stack, level{array: true})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			problem := textProblem(tok)
			if !utf8.Valid(raw) {
				problem = "must be valid UTF-8"
			}
			if n := len(stack); n > 0 && !stack[n-1].array && stack[n-1].inKey {
				stack[n-1].inKey, stack[n-1].key = false, tok
				if problem != "" { // named by the object that holds it
					bad = append(bad, domain.FieldError{Field: pathOf(stack[:n-1]), Message: "a member name " + problem})
					stack[n-1].key = strings.ToValidUTF8(strings.ReplaceAll(tok, "\x00", ""), "?")
				}
				continue
			}
			if problem != "" {
				bad = append(bad, domain.FieldError{Field: pathOf(stack), Message: problem})
				if len(bad) == maxNamed {
					return bad
				}
			}
			valueDone()
		default:
			valueDone()
		}
	}
}

// textArguments refuses, before it runs, a GraphQL operation whose variables or argument literals
// hold text the database cannot store — in a String, an ID, an enum or anywhere inside a Map —
// naming each by its path: "$input.customer.firstName" in the variables, "input.reason" in the
// document. Fragments are read once each, not where they are spread.
type textArguments struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = textArguments{}

func (textArguments) ExtensionName() string                   { return "TextArguments" }
func (textArguments) Validate(graphql.ExecutableSchema) error { return nil }

func (textArguments) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	var bad []domain.FieldError
	for _, name := range sortedKeys(op.Variables) {
		valueTextProblems(op.Variables[name], "$"+name, &bad)
	}
	if o := op.Operation; o != nil {
		selectionTextProblems(o.SelectionSet, &bad)
		directiveTextProblems(o.Directives, &bad)
	}
	if op.Doc != nil {
		for _, f := range op.Doc.Fragments {
			selectionTextProblems(f.SelectionSet, &bad)
			directiveTextProblems(f.Directives, &bad)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	bad = bad[:min(len(bad), maxNamed)]
	err := gqlerror.Errorf("%s", domain.ErrorMessage(domain.Invalid(bad)))
	err.Extensions = map[string]any{"code": string(domain.CodeInvalid), "fields": bad}
	return err
}

// valueTextProblems appends every string below a decoded JSON value, member name or value, that
// the database cannot store.
func valueTextProblems(v any, at string, bad *[]domain.FieldError) {
	if len(*bad) >= maxNamed {
		return
	}
	switch v := v.(type) {
	case string:
		if p := textProblem(v); p != "" {
			*bad = append(*bad, domain.FieldError{Field: at, Message: p})
		}
	case map[string]any:
		for _, k := range sortedKeys(v) {
			if p := textProblem(k); p != "" {
				*bad = append(*bad, domain.FieldError{Field: at, Message: "a member name " + p})
				continue
			}
			valueTextProblems(v[k], at+"."+k, bad)
		}
	case []any:
		for i, el := range v {
			valueTextProblems(el, fmt.Sprintf("%s[%d]", at, i), bad)
		}
	}
}

func selectionTextProblems(set ast.SelectionSet, bad *[]domain.FieldError) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			for _, a := range sel.Arguments {
				literalTextProblems(a.Value, a.Name, bad)
			}
			directiveTextProblems(sel.Directives, bad)
			selectionTextProblems(sel.SelectionSet, bad)
		case *ast.InlineFragment:
			directiveTextProblems(sel.Directives, bad)
			selectionTextProblems(sel.SelectionSet, bad)
		case *ast.FragmentSpread:
			directiveTextProblems(sel.Directives, bad)
		}
	}
}

func directiveTextProblems(list ast.DirectiveList, bad *[]domain.FieldError) {
	for _, d := range list {
		for _, a := range d.Arguments {
			literalTextProblems(a.Value, "@"+d.Name+"."+a.Name, bad)
		}
	}
}

// literalTextProblems appends every string of a literal argument value the database cannot store.
func literalTextProblems(v *ast.Value, at string, bad *[]domain.FieldError) {
	if v == nil || len(*bad) >= maxNamed {
		return
	}
	switch v.Kind {
	case ast.StringValue, ast.BlockValue, ast.EnumValue:
		if p := textProblem(v.Raw); p != "" {
			*bad = append(*bad, domain.FieldError{Field: at, Message: p})
		}
	case ast.ListValue:
		for i, c := range v.Children {
			literalTextProblems(c.Value, fmt.Sprintf("%s[%d]", at, i), bad)
		}
	case ast.ObjectValue:
		for _, c := range v.Children {
			if p := textProblem(c.Name); p != "" {
				*bad = append(*bad, domain.FieldError{Field: at, Message: "a member name " + p})
				continue
			}
			literalTextProblems(c.Value, at+"."+c.Name, bad)
		}
	}
}

// badValuePath finds the path of the value of a JSON document that dst's type refused with an
// error of its own (a decimal, a date, which encoding/json reports without saying where): the
// deepest member or element that does not decode into its Go type alone. "" when none is found.
func badValuePath(doc []byte, dst any) string {
	t := reflect.TypeOf(dst)
	if t == nil {
		return ""
	}
	return badValueBelow(doc, t.Elem(), "")
}

func badValueBelow(raw []byte, t reflect.Type, at string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return at
	}
	join := func(name string) string {
		if at == "" {
			return name
		}
		return at + "." + name
	}
	fails := func(raw []byte, t reflect.Type) bool { return json.Unmarshal(raw, reflect.New(t).Interface()) != nil }
	switch t.Kind() {
	case reflect.Struct:
		var members map[string]json.RawMessage
		if json.Unmarshal(raw, &members) != nil {
			return at
		}
		for _, f := range reflect.VisibleFields(t) {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" || f.Anonymous && name == "" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			for key, member := range members {
				if strings.EqualFold(key, name) && fails(member, f.Type) {
					return badValueBelow(member, f.Type, join(key))
				}
			}
		}
	case reflect.Slice, reflect.Array:
		var elements []json.RawMessage
		if json.Unmarshal(raw, &elements) != nil {
			return at
		}
		for i, el := range elements {
			if fails(el, t.Elem()) {
				return badValueBelow(el, t.Elem(), fmt.Sprintf("%s[%d]", at, i))
			}
		}
	case reflect.Map:
		var members map[string]json.RawMessage
		if json.Unmarshal(raw, &members) != nil {
			return at
		}
		for _, key := range sortedKeys(members) {
			if fails(members[key], t.Elem()) {
				return badValueBelow(members[key], t.Elem(), join(key))
			}
		}
	}
	return at
}
