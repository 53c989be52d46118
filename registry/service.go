// Package registry keeps the customer registry: customers and their profile (addresses,
// contacts, cards, employment, incomes), documents with their data records and files, flags, and
// the dictionaries of document and flag types that rule them.
package registry

import (
	"log/slog"
	"time"

	"lendgraph/store"
)

// Service keeps the registry.
type Service struct {
	Store *store.Store
	Log   *slog.Logger
	Now   func() time.Time
	// Files keeps the bytes of document files.
	Files FileStorage
}
