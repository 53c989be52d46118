// Package resolvers answers the GraphQL schema: each resolver checks who may, calls the domain and
// maps the result. No rules live here.
package resolvers

import (
	"lendgraph/app"
	"lendgraph/events"
)

//go:generate go tool gqlgen generate

// Resolver is the root resolver; it holds the services of the bounded contexts (each field calls
// the one service that owns its action) and the event hub. Nested fields of an object the caller
// was allowed to see read the store directly.
type Resolver struct {
	App    *app.Services
	Events *events.Hub
}
