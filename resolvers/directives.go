package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"lendgraph/auth"
	"lendgraph/graph"
	"lendgraph/lending"
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

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
