// Package leads keeps the leads the bs-core channel sends: the lead record with its questionnaire,
// its scoring by the applications' rule table, and the customer a lead becomes in the registry.
package leads

import (
	"log/slog"
	"time"

	"lendgraph/applications"
	"lendgraph/registry"
	"lendgraph/store"
)

// Service keeps leads.
type Service struct {
	Store *store.Store
	Log   *slog.Logger
	Now   func() time.Time
	// Registry matches a lead's person to customers and registers them.
	Registry *registry.Service
	// Applications score a lead as they score an application, by one rule table.
	Applications *applications.Service
}
