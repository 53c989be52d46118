// Package payments moves money: the payments dictionaries (providers, operations, transaction
// types) and their rules, customers' financial sources, transaction orders, payouts of issued
// loans and the repayments that reach a loan's ledger.
package payments

import (
	"log/slog"
	"time"

	"lendgraph/loans"
	"lendgraph/store"
)

// Service orders and posts payments.
type Service struct {
	Store *store.Store
	Log   *slog.Logger
	Now   func() time.Time
	// Loans takes the repayments into a loan's ledger and says who may service a loan.
	Loans *loans.Service
}
