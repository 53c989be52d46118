// Package loans keeps the loans once issued: their contract, schedule and daily accruals (on the
// billing rules), their servicing (prepayment, prolongation, debts, operations) and the actions
// that stop or close them.
package loans

import (
	"log/slog"
	"time"

	"lendgraph/registry"
	"lendgraph/store"
)

// Service issues and services loans.
type Service struct {
	Store *store.Store
	Log   *slog.Logger
	Now   func() time.Time
	// Registry answers whose loans a customer's own requests are about.
	Registry *registry.Service

	// Lender is the lender's name as contracts state it.
	Lender string
	// AccrualBatch is how many loans the daily job accrues in one transaction, so that it holds
	// few loans locked at a time.
	AccrualBatch int
}
