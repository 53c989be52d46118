// Package preconsumption receives the expense system's pre-consumption batches: advances and
// reimbursements booked against a business's expense dictionaries, checked record by record.
// It stands apart from the lending contexts and touches only its own tables.
package preconsumption

import (
	"log/slog"
	"time"

	"lendgraph/store"
)

// Service checks, stores and lists pre-consumption records.
type Service struct {
	Store *store.Store
	Log   *slog.Logger
	Now   func() time.Time
}
