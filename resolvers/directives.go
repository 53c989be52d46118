package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"lendgraph/auth"
	"lendgraph/graph"
	"lendgraph/graph/model"
	"lendgraph/lending"
	"lendgraph/store"
)

// Config returns the executable schema's configuration: the resolvers and the @hasRole directive,
// which asks auth.Authorize, the same check the REST routes use.
func (r *Resolver) Config() graph.Config {
	return graph.Config{
		Resolvers: r,
		Directives: graph.DirectiveRoot{
			HasRole: func(ctx context.Context, _ any, next graphql.Resolver, roles []lending.Role) (any, error) {
				if _, err := auth.Authorize(ctx, roles...); err != nil {
					return nil, err
				}
				return next(ctx)
			},
		},
	}
}

// caller is the principal @hasRole has let through.
func caller(ctx context.Context) lending.Principal {
	p, _ := auth.Authorize(ctx)
	return p
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

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
