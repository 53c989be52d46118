// Package resolvers answers the GraphQL schema: each resolver checks who may, calls the domain and
// maps the result. No rules live here.
package resolvers

import (
	"lendgraph/lending"
)

//go:generate go tool gqlgen generate

// Resolver is the root resolver; it holds the domain service.
type Resolver struct {
	Lending *lending.Service
}
