// Package resolvers answers the GraphQL schema: each resolver checks who may, calls the domain and
// maps the result. No rules live here.
package resolvers

import (
	"lendgraph/events"
	"lendgraph/lending"
)

//go:generate go tool gqlgen generate

// Resolver is the root resolver; it holds the domain service and the event hub. Nested fields of
// an object the caller was allowed to see read the store directly.
type Resolver struct {
	Lending *lending.Service
	Events  *events.Hub
}
