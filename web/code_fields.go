package web

import (
	"context"
	"lendgraph/domain"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// codeFieldDirective marks, in the schema, the fields that send or check a one-time code.
const codeFieldDirective = "sendsCode"

// codeFieldLimit refuses, before anything runs, an operation that selects more than one field
// marked @sendsCode (requestOtp, sendOtp, signApplication): aliases would otherwise send many SMS,
// or try many codes, in one request, past the limits each call is counted against.
//
// Fields are counted through inline fragments and fragment spreads; each fragment is counted once
// and its count reused wherever it is spread, and counts stop growing past the limit, so the walk
// is linear in the document whatever the fragments expand to.
type codeFieldLimit struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = codeFieldLimit{}

func (codeFieldLimit) ExtensionName() string                   { return "CodeFieldLimit" }
func (codeFieldLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (codeFieldLimit) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if op.Operation == nil {
		return nil
	}
	c := codeFieldCounter{memo: map[string]int{}, visiting: map[string]bool{}}
	if n := c.count(op.Operation.SelectionSet); n > 1 {
		err := gqlerror.Errorf("an operation may send or check one code at most: it selects more than one of requestOtp, sendOtp, signApplication")
		err.Extensions = map[string]any{"code": string(domain.CodeTooManyCodeFields)}
		return err
	}
	return nil
}

type codeFieldCounter struct {
	memo     map[string]int  // fragment name → code fields it selects (capped)
	visiting map[string]bool // fragments on the current path: validation refuses cycles, this only guards
}

// capped keeps counts small: all that matters is whether they pass 1.
const capped = 2

func (c codeFieldCounter) count(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Definition != nil && sel.Definition.Directives.ForName(codeFieldDirective) != nil {
				n++
			}
			n += c.count(sel.SelectionSet)
		case *ast.InlineFragment:
			n += c.count(sel.SelectionSet)
		case *ast.FragmentSpread:
			n += c.fragment(sel)
		}
		if n >= capped {
			return capped
		}
	}
	return n
}

func (c codeFieldCounter) fragment(spread *ast.FragmentSpread) int {
	if n, ok := c.memo[spread.Name]; ok {
		return n
	}
	if spread.Definition == nil || c.visiting[spread.Name] {
		return 0
	}
	c.visiting[spread.Name] = true
	n := c.count(spread.Definition.SelectionSet)
	delete(c.visiting, spread.Name)
	c.memo[spread.Name] = n
	return n
}
