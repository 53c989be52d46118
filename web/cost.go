package web

import (
	"context"
	"encoding/json"
	"errors"
	"lendgraph/domain"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"
)

// What an operation may cost is known before it runs (DESIGN.md principle 8), in two steps:
//
//   - operationShape runs before gqlgen parses and validates the query (it is an
//     OperationParameterMutator, used after the persisted-query lookup so that every transport and
//     APQ pass it). It counts the query's tokens, then parses it and counts the fields, aliases and
//     directives it expands to once its fragments are inlined — each fragment counted once and
//     remembered, never inlined, so a fragment bomb costs what its text costs. Validation, the
//     depth limit and execution only ever see operations that fit.
//   - listCost runs after validation, with the variables known: the cost of a field is 1 plus the
//     cost of its fields times the size of the list it returns, so a nested list of lists costs
//     what it would fetch.
//
// While an operation runs, clientGone stops every resolver once its request is over.

// Codes of the refusals, in extensions.code.
const (
	codeQueryTooLarge      domain.Code = "QUERY_TOO_LARGE"
	codeTooManyAliases     domain.Code = "TOO_MANY_ALIASES"
	codeTooManyFields      domain.Code = "TOO_MANY_FIELDS"
	codeTooManyDirectives  domain.Code = "TOO_MANY_DIRECTIVES"
	codeTooManyRepeats     domain.Code = "TOO_MANY_REPEATS"
	codeComplexityExceeded domain.Code = "COMPLEXITY_LIMIT_EXCEEDED"
	codeCancelled          domain.Code = "CANCELLED"
	codeTimeout            domain.Code = "TIMEOUT"
	pageCap                            = domain.MaxPageSize // the largest page a connection or a sized list serves
	costCeiling                        = math.MaxInt64 / 4
)

// useCostLimits registers the limits on srv: after the persisted-query lookup, before the depth
// limit (which follows fragments without memory, so it must only see operations that fit).
func (s *Server) useCostLimits(srv interface {
	Use(graphql.HandlerExtension)
}, cache graphql.Cache[*ast.QueryDocument]) {
	c := s.Config
	srv.Use(operationShape{maxTokens: c.GraphQLMaxTokens, maxAliases: c.GraphQLMaxAliases, maxFields: c.GraphQLMaxFields,
		maxDirectives: c.GraphQLMaxDirectives, maxRepeats: c.GraphQLMaxRepeats, cache: cache})
	srv.Use(&listCost{max: c.GraphQLMaxComplexity, assumed: max(c.GraphQLListSize, 1)})
	srv.Use(clientGone{log: s.Log})
}

// refusal is a GraphQL error with a code, refusing the whole operation.
func refusal(code domain.Code, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": string(code)}
	return err
}

// satAdd and satMul are + and × that stop at costCeiling instead of overflowing.
func satAdd(a, b int64) int64 { return min(a+b, costCeiling) } // both ≤ costCeiling: no overflow

func satMul(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a > costCeiling/b {
		return costCeiling
	}
	return a * b
}

// operationShape refuses, before parsing and validation, a query with too many tokens, or that
// expands to too many fields, aliases or directives, or whose fragments spread themselves; and,
// once its fields are known to be few enough to inline, one that selects the same field (the same
// response name under the same path) too many times: validation compares every two such fields
// (OverlappingFieldsCanBeMerged), so 990 repeats of one field cost it half a million comparisons.
// A limit of 0 is no limit; the repeats are only counted under a field limit.
type operationShape struct {
	maxTokens, maxAliases, maxFields, maxDirectives, maxRepeats int
	cache                                                       graphql.Cache[*ast.QueryDocument] // validated documents: they fit
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = operationShape{}

func (operationShape) ExtensionName() string                   { return "OperationShape" }
func (operationShape) Validate(graphql.ExecutableSchema) error { return nil }

func (o operationShape) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	if params.Query == "" { // nothing to run: gqlgen says so
		return nil
	}
	if o.cache != nil {
		if _, ok := o.cache.Get(ctx, params.Query); ok {
			return nil
		}
	}
	if o.maxTokens > 0 && tokensOver(params.Query, o.maxTokens) {
		return refusal(codeQueryTooLarge, "operation has more than %d tokens, which is the limit", o.maxTokens)
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: params.Query})
	if err != nil {
		return nil // gqlgen parses it again and reports the syntax error
	}
	s, cycle := shapeOf(doc)
	switch {
	case cycle != "":
		err := gqlerror.Errorf("Cannot spread fragment %q within itself.", cycle)
		errcode.Set(err, errcode.ValidationFailed)
		return err
	case o.maxFields > 0 && s.fields > int64(o.maxFields):
		return refusal(codeTooManyFields, "operation expands to %s fields once its fragments are inlined, which exceeds the limit of %d", count(s.fields), o.maxFields)
	case o.maxAliases > 0 && s.aliases > int64(o.maxAliases):
		return refusal(codeTooManyAliases, "operation has %s aliases, which exceeds the limit of %d", count(s.aliases), o.maxAliases)
	case o.maxDirectives > 0 && s.directives > int64(o.maxDirectives):
		return refusal(codeTooManyDirectives, "operation has %s directives, which exceeds the limit of %d", count(s.directives), o.maxDirectives)
	case o.maxFields > 0 && o.maxRepeats > 0:
		if path, n := mostRepeated(doc); n > o.maxRepeats {
			return refusal(codeTooManyRepeats, "operation selects %s %d times, which exceeds the limit of %d", path, n, o.maxRepeats)
		}
	}
	return nil
}

// mostRepeated finds the field an operation or fragment selects most often under one response path,
// fragments inlined (which the field limit makes safe). It returns that path and how often.
func mostRepeated(doc *ast.QueryDocument) (string, int) {
	fragments := make(map[string]*ast.FragmentDefinition, len(doc.Fragments))
	for _, f := range doc.Fragments {
		fragments[f.Name] = f
	}
	var most struct {
		path string
		n    int
	}
	type node struct {
		n        int
		children map[string]*node
	}
	var inline func(at *node, path string, set ast.SelectionSet)
	inline = func(at *node, path string, set ast.SelectionSet) {
		for _, sel := range set {
			switch sel := sel.(type) {
			case *ast.Field:
				name := sel.Alias
				if name == "" {
					name = sel.Name
				}
				if at.children == nil {
					at.children = map[string]*node{}
				}
				child := at.children[name]
				if child == nil {
					child = &node{}
					at.children[name] = child
				}
				child.n++
				if child.n > most.n {
					most.path, most.n = path+name, child.n
				}
				inline(child, path+name+".", sel.SelectionSet)
			case *ast.InlineFragment:
				inline(at, path, sel.SelectionSet)
			case *ast.FragmentSpread:
				if def := fragments[sel.Name]; def != nil {
					inline(at, path, def.SelectionSet)
				}
			}
		}
	}
	for _, op := range doc.Operations {
		inline(&node{}, "", op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		inline(&node{}, "", f.SelectionSet)
	}
	return most.path, most.n
}

// count writes n, or "too many to count" once it reached costCeiling.
func count(n int64) string {
	if n >= costCeiling {
		return "too many to count"
	}
	return strconv.FormatInt(n, 10)
}

// tokensOver tells whether query holds more than limit tokens, reading no further than that.
func tokensOver(query string, limit int) bool {
	lex := lexer.New(&ast.Source{Input: query})
	for n := 0; ; n++ {
		tok, err := lex.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return false // a lexical error is the parser's to report
		}
		if n >= limit {
			return true
		}
	}
}

// shape is what a selection expands to: its fields, aliases and directives, fragments inlined.
type shape struct{ fields, aliases, directives int64 }

func (s shape) plus(t shape) shape {
	return shape{satAdd(s.fields, t.fields), satAdd(s.aliases, t.aliases), satAdd(s.directives, t.directives)}
}

// shapeOf counts what validation and execution would walk: every operation and every fragment
// definition, with each fragment spread counted as what its fragment expands to, computed once.
// It returns the name of a fragment that spreads itself, if any.
func shapeOf(doc *ast.QueryDocument) (shape, string) {
	w := shapeWalker{fragments: map[string]*ast.FragmentDefinition{}, memo: map[string]shape{}, visiting: map[string]bool{}}
	for _, f := range doc.Fragments {
		w.fragments[f.Name] = f
	}
	var total shape
	for _, op := range doc.Operations {
		total = total.plus(shape{directives: int64(len(op.Directives))})
		for _, v := range op.VariableDefinitions {
			total = total.plus(shape{directives: int64(len(v.Directives))})
		}
		total = total.plus(w.set(op.SelectionSet))
	}
	for _, f := range doc.Fragments {
		total = total.plus(shape{directives: int64(len(f.Directives))}).plus(w.set(f.SelectionSet))
	}
	return total, w.cycle
}

type shapeWalker struct {
	fragments map[string]*ast.FragmentDefinition
	memo      map[string]shape
	visiting  map[string]bool
	cycle     string
}

func (w *shapeWalker) set(set ast.SelectionSet) shape {
	var s shape
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			s = s.plus(shape{fields: 1, directives: int64(len(sel.Directives))})
			if sel.Alias != "" && sel.Alias != sel.Name {
				s.aliases = satAdd(s.aliases, 1)
			}
			s = s.plus(w.set(sel.SelectionSet))
		case *ast.InlineFragment:
			s = s.plus(shape{directives: int64(len(sel.Directives))}).plus(w.set(sel.SelectionSet))
		case *ast.FragmentSpread:
			s = s.plus(shape{directives: int64(len(sel.Directives))}).plus(w.fragment(sel.Name))
		}
	}
	return s
}

// fragment is what a spread of the named fragment expands to: computed on its first spread,
// remembered for the others. An unknown fragment counts nothing (validation names it).
func (w *shapeWalker) fragment(name string) shape {
	if s, ok := w.memo[name]; ok {
		return s
	}
	def := w.fragments[name]
	if def == nil {
		return shape{}
	}
	if w.visiting[name] {
		if w.cycle == "" {
			w.cycle = name
		}
		return shape{}
	}
	w.visiting[name] = true
	s := w.set(def.SelectionSet)
	delete(w.visiting, name)
	w.memo[name] = s
	return s
}

// listCost refuses an operation that would cost more than max (0: no limit). A field costs 1; a
// field with fields costs 1 plus their cost, times the size of the list it returns:
//   - its first or last argument (the schema's default when not given), at most pageCap;
//   - for a connection's edges, the connection's first;
//   - for a list of a type the schema pages elsewhere (it has a connection: applications, loans,
//     leads, customers…), pageCap, since such lists grow with the business;
//   - for any other list, assumed items (a customer's documents, a loan's schedule…).
//
// Lists of lists multiply each level. Introspection (__schema, __type) costs 1: it is answered
// from memory, and its size is bounded by the field and depth limits.
type listCost struct {
	max, assumed int
	paged        map[string]bool // types that have a connection, and their edges
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &listCost{}

func (*listCost) ExtensionName() string { return "ListCost" }

// Validate finds the paged types: the nodes and edges of every connection (a type with an edges
// list whose items have a node).
func (c *listCost) Validate(es graphql.ExecutableSchema) error {
	c.paged = map[string]bool{}
	schema := es.Schema()
	for _, def := range schema.Types {
		edges := def.Fields.ForName("edges")
		if def.Kind != ast.Object || edges == nil || edges.Type.Elem == nil {
			continue
		}
		edge := schema.Types[edges.Type.Name()]
		if edge == nil {
			continue
		}
		if node := edge.Fields.ForName("node"); node != nil {
			c.paged[edge.Name] = true
			c.paged[node.Type.Name()] = true
		}
	}
	return nil
}

func (c *listCost) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if c.max <= 0 {
		return nil
	}
	w := costWalker{listCost: c, vars: op.Variables, memo: map[fragmentHint]int64{}}
	if cost := w.set(op.Operation.SelectionSet, 0); cost > int64(c.max) {
		err := refusal(codeComplexityExceeded, "operation costs %s, which exceeds the limit of %d (each field costs 1, times the size of the lists around it)", count(cost), c.max)
		err.Extensions["cost"], err.Extensions["limit"] = cost, c.max
		return err
	}
	return nil
}

type fragmentHint struct {
	name string
	page int64
}

type costWalker struct {
	*listCost
	vars map[string]any
	memo map[fragmentHint]int64
}

// set is the cost of a selection; page is the page size of the connection it selects from, 0 when
// it is not a connection's.
func (w *costWalker) set(set ast.SelectionSet, page int64) int64 {
	var cost int64
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			cost = satAdd(cost, w.field(sel, page))
		case *ast.InlineFragment:
			cost = satAdd(cost, w.set(sel.SelectionSet, page))
		case *ast.FragmentSpread:
			if sel.Definition == nil {
				continue
			}
			key := fragmentHint{sel.Name, page}
			c, ok := w.memo[key]
			if !ok {
				c = w.set(sel.Definition.SelectionSet, page)
				w.memo[key] = c
			}
			cost = satAdd(cost, c)
		}
	}
	return cost
}

func (w *costWalker) field(f *ast.Field, page int64) int64 {
	if strings.HasPrefix(f.Name, "__") || f.Definition == nil || len(f.SelectionSet) == 0 {
		return 1 // a leaf, __typename, and introspection (__schema, __type), answered from memory
	}
	typ := f.Definition.Type
	size, sized := w.size(f)
	var children int64
	if typ.Elem == nil && sized {
		children = w.set(f.SelectionSet, size) // a connection: its edges are a page of size
	} else {
		children = w.set(f.SelectionSet, 0)
	}
	items := int64(1)
	for t, outer := typ, true; t.Elem != nil; t, outer = t.Elem, false {
		n := int64(w.assumed)
		switch {
		case outer && sized:
			n = size
		case outer && page > 0:
			n = page
		case w.paged[t.Elem.Name()] && t.Elem.Elem == nil:
			n = pageCap
		}
		items = satMul(items, n)
	}
	return satAdd(1, satMul(items, children))
}

// size reads a field's first or last argument (its default when not given), capped at pageCap.
func (w *costWalker) size(f *ast.Field) (int64, bool) {
	def := f.Definition.Arguments
	if def.ForName("first") == nil && def.ForName("last") == nil {
		return 0, false
	}
	args := f.ArgumentMap(w.vars)
	for _, name := range []string{"first", "last"} {
		if n, ok := asInt(args[name]); ok {
			return min(max(n, 0), pageCap), true
		}
	}
	return 0, false
}

func asInt(v any) (int64, bool) {
	switch v := v.(type) {
	case int:
		return int64(v), true
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case float64:
		return int64(min(max(v, -1), pageCap+1)), true
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil
	}
	return 0, false
}

// clientGone stops resolving once the request is over: a field whose context is done is not
// resolved (its error is not logged), and the operation logs one line saying how many fields it
// left unresolved.
type clientGone struct{ log *slog.Logger }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
	graphql.FieldInterceptor
} = clientGone{}

func (clientGone) ExtensionName() string                   { return "ClientGone" }
func (clientGone) Validate(graphql.ExecutableSchema) error { return nil }

type skippedKey struct{}

func (g clientGone) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	skipped := new(atomic.Int64)
	resp := next(context.WithValue(ctx, skippedKey{}, skipped))
	if ctx.Err() == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	op := graphql.GetOperationContext(ctx)
	if op.Operation == nil || (op.Operation.Operation == ast.Subscription && skipped.Load() == 0) {
		return resp // a subscription ends by its context: nothing left undone
	}
	g.log.InfoContext(ctx, "graphql operation stopped: the request is over", "operation", op.Operation.Name,
		"reason", ctx.Err().Error(), "fields_not_resolved", skipped.Load())
	return resp
}

func (clientGone) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	if err := ctx.Err(); err != nil {
		if skipped, ok := ctx.Value(skippedKey{}).(*atomic.Int64); ok {
			skipped.Add(1)
		}
		return nil, err
	}
	return next(ctx)
}

// requestOver tells, for an error raised while the request's context is done, the code and message
// it is shown with; such errors are the request ending, not faults, and are not logged one by one.
func requestOver(ctx context.Context) (domain.Code, string, bool) {
	switch err := ctx.Err(); {
	case err == nil:
		return "", "", false
	case errors.Is(err, context.DeadlineExceeded):
		return codeTimeout, "the request timed out", true
	default:
		return codeCancelled, "the request was cancelled", true
	}
}
