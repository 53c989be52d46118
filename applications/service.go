// Package applications runs the loan application's lifecycle: a partner's or a customer's
// application is created, scored by the rule table, offered, signed with a code and confirmed,
// or cancelled, declined or expired on the way. It calls the registry, OTP, loans and payments
// (Contexts) and none of them calls it; its job worker runs the scoring, the timeouts and the
// daily accrual that loans define.
package applications

import (
	"lendgraph/batch"
	"lendgraph/domain"
	"log/slog"
	"time"

	"lendgraph/loans"
	"lendgraph/otp"
	"lendgraph/payments"
	"lendgraph/registry"
	"lendgraph/store"
)

// Contexts are the services the application lifecycle calls; none of them calls back.
type Contexts struct {
	// OTP issues and checks the codes that sign contracts.
	OTP *otp.Service
	// Registry keeps the customers the applications are for.
	Registry *registry.Service
	// Loans issues the loans of signed applications and opens them on confirmation.
	Loans *loans.Service
	// Payments pays out issued loans.
	Payments *payments.Service
}

// Service carries out the application actions. Routes, resolvers and tests all call it; none of
// them holds a rule of its own.
type Service struct {
	Store *store.Store
	Log   *slog.Logger
	Now   func() time.Time
	Contexts

	// ApplicationTimeout cancels an application not signed within it.
	ApplicationTimeout time.Duration

	wake chan struct{} // nudges this instance's job worker when work was just queued

	// what a subscription checks, read in reads shared by the subscriptions starting at once
	subscriberScopes *domain.SharedScopes
	subscribedApps   *batch.Reader[string, store.Application]
}

// NewService returns a Service on the given store calling the given contexts, telling time by now.
func NewService(st *store.Store, log *slog.Logger, now func() time.Time, applicationTimeout time.Duration, c Contexts) *Service {
	return &Service{
		Store:              st,
		Log:                log,
		Now:                now,
		Contexts:           c,
		ApplicationTimeout: applicationTimeout,
		wake:               make(chan struct{}, 1),
		subscriberScopes:   domain.NewSharedScopes(st),
		subscribedApps:     batch.New(1000, st.ApplicationsByGUID),
	}
}

func (s *Service) wakeWorker() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}
