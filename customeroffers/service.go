// Package customeroffers serves the back office's customer offers: an employee starts one for a
// registry customer with a product, a process and the customer's signed PDPA consent. It reads
// products through loans and keeps the signature with the registry's file storage.
package customeroffers

import (
	"time"

	"lendgraph/loans"
	"lendgraph/registry"
	"lendgraph/store"
)

// Service starts and reads customer offers.
type Service struct {
	Store *store.Store
	Now   func() time.Time
	Files registry.FileStorage
	Loans *loans.Service
}
