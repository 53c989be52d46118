package resolvers

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/shopspring/decimal"
	"github.com/vektah/gqlparser/v2/ast"

	"lendgraph/auth"
	"lendgraph/domain"
	"lendgraph/graph"
	"lendgraph/graph/model"
	"lendgraph/loaders"
	"lendgraph/store"
)

// Config returns the executable schema's configuration: the resolvers and the @hasRole directive,
// which asks auth.Authorize, the same check the REST routes use.
func (r *Resolver) Config() graph.Config {
	return graph.Config{
		Resolvers: r,
		Directives: graph.DirectiveRoot{
			HasRole: func(ctx context.Context, _ any, next graphql.Resolver, roles []domain.Role) (any, error) {
				if _, err := auth.Authorize(ctx, roles...); err != nil {
					return nil, err
				}
				return next(ctx)
			},
		},
	}
}

func payload(app store.Application, err error) (*model.ApplicationPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.ApplicationPayload{Application: &app}, nil
}

// pointers turns a store listing into the pointer slice gqlgen resolves.
func pointers[T any](items []T, err error) ([]*T, error) {
	out := make([]*T, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	return out, err
}

// one is the only item of a list a loader returned for a one-to-one field: nil when there is none.
func one[T any](items []T, err error) (*T, error) {
	if err != nil || len(items) == 0 {
		return nil, err
	}
	return &items[0], nil
}

func pointer[T any](v T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return &v, nil
}

func (r *Resolver) documentView(ctx context.Context, d store.CustomerDocument, err error) (*store.DocumentView, error) {
	if err != nil {
		return nil, err
	}
	return pointer(r.App.Registry.DocumentView(ctx, d.ID))
}

func (r *Resolver) flagView(ctx context.Context, f store.CustomerFlag, err error) (*store.FlagView, error) {
	if err != nil {
		return nil, err
	}
	return pointer(r.App.Registry.FlagView(ctx, f.ID))
}

// asked is what the operation asks of the items under the field being resolved, found by following
// path (a connection's "edges", "node"), for the loaders to read together.
func asked(ctx context.Context, path ...string) loaders.Asked {
	op := graphql.GetOperationContext(ctx)
	fields := graphql.CollectFieldsCtx(ctx, nil)
	for _, name := range path {
		var next ast.SelectionSet
		for _, f := range fields {
			if f.Name == name {
				next = append(next, f.Selections...)
			}
		}
		fields = graphql.CollectFields(op, next, nil)
	}
	return askedOf(op, fields)
}

// askedOf is the tree of fields, a field asked under several aliases counting once.
func askedOf(op *graphql.OperationContext, fields []graphql.CollectedField) loaders.Asked {
	selections := map[string]ast.SelectionSet{}
	for _, f := range fields {
		selections[f.Name] = append(selections[f.Name], f.Selections...)
	}
	a := make(loaders.Asked, len(selections))
	for name, sel := range selections {
		a[name] = askedOf(op, graphql.CollectFields(op, sel, nil))
	}
	return a
}

// jsonMap decodes a stored JSON object for a Map field.
func jsonMap(raw json.RawMessage) (map[string]any, error) {
	m := map[string]any{}
	if len(raw) == 0 {
		return m, nil
	}
	return m, json.Unmarshal(raw, &m)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// pageArgs reads a list's page size (first; 20 when absent) and its cursor (after).
func pageArgs(first *int, after *string) (int, int64, error) {
	limit := 20
	if first != nil {
		limit = *first
	}
	afterID, err := cursorID(after)
	return limit, afterID, err
}

// orNil answers a record that does not exist, or that the caller may not see, as null.
func orNil[T any](v T, err error) (*T, error) {
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return nil, nil
	}
	return pointer(v, err)
}

// cursorID reads the keyset cursor of a list: the id of the last row seen, or 0 for the start.
func cursorID(after *string) (int64, error) {
	if after == nil {
		return 0, nil
	}
	id, err := strconv.ParseInt(*after, 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.Errorf(domain.CodeInvalid, "after: not a cursor of this list")
	}
	return id, nil
}

// nullDecimal is d, or nil when it is NULL.
func nullDecimal(d decimal.NullDecimal) *decimal.Decimal {
	if !d.Valid {
		return nil
	}
	return &d.Decimal
}

// edgesOf lays out a Relay page: each item's cursor is its id.
func edgesOf[T any, E any](items []T, hasNext bool, id func(*T) int64, edge func(cursor string, node *T) E) ([]E, *model.PageInfo) {
	edges, info := []E{}, &model.PageInfo{HasNextPage: hasNext}
	for i := range items {
		cursor := strconv.FormatInt(id(&items[i]), 10)
		edges = append(edges, edge(cursor, &items[i]))
		info.EndCursor = &cursor
	}
	return edges, info
}

func purposePayload(p store.OTPSettings, err error) (*model.OtpPurposePayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.OtpPurposePayload{Purpose: &p}, nil
}

func rulePayload(rule store.OTPRule, err error) (*model.OtpRulePayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.OtpRulePayload{Rule: &rule}, nil
}
