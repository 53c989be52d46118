package lending

import (
	"log/slog"
	"time"

	"lendgraph/otp"
	"lendgraph/registry"
	"lendgraph/store"
)

// Service carries out the business actions. Routes, resolvers and tests all call it; none of them
// holds a rule of its own.
type Service struct {
	Store *store.Store
	Log   *slog.Logger
	Now   func() time.Time

	// Lender is the lender's name as contracts state it.
	Lender string
	// ApplicationTimeout cancels an application not signed within it.
	ApplicationTimeout time.Duration
	// OTP issues and checks the codes that sign contracts.
	OTP *otp.Service
	// Registry keeps the customers the applications and loans are for.
	Registry *registry.Service
	// AccrualBatch is how many loans the daily job accrues in one transaction, so that it holds
	// few loans locked at a time.
	AccrualBatch int

	wake chan struct{} // nudges this instance's job worker when work was just queued
}

// NewService returns a Service on the given store, telling time by the wall clock.
func NewService(st *store.Store, log *slog.Logger, codes *otp.Service, customers *registry.Service, applicationTimeout time.Duration) *Service {
	return &Service{
		Store:              st,
		Log:                log,
		Now:                time.Now,
		Lender:             `ООО МФК «Лендграф»`,
		ApplicationTimeout: applicationTimeout,
		OTP:                codes,
		Registry:           customers,
		AccrualBatch:       100,
		wake:               make(chan struct{}, 1),
	}
}

func (s *Service) wakeWorker() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}
