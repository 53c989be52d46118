// Package app assembles lendgraph's services on one store. It is the one place that says which
// service is given which others; the edges (web, resolvers) and the tests reach the services
// through it.
package app

import (
	"log/slog"
	"time"

	"lendgraph/applications"
	"lendgraph/config"
	"lendgraph/customeroffers"
	"lendgraph/leads"
	"lendgraph/loans"
	"lendgraph/otp"
	"lendgraph/payments"
	"lendgraph/preconsumption"
	"lendgraph/registry"
	"lendgraph/signin"
	"lendgraph/store"
)

// Services are the services of the bounded contexts, wired together.
type Services struct {
	// Store is for the edges' plain nested reads (a field of a field), which no rule guards.
	Store          *store.Store
	OTP            *otp.Service
	SignIn         *signin.Service
	Registry       *registry.Service
	Loans          *loans.Service
	Payments       *payments.Service
	Applications   *applications.Service
	Leads          *leads.Service
	PreConsumption *preconsumption.Service
	CustomerOffers *customeroffers.Service
}

// New wires every service on st. The business runs on now (time.Now in production, a test's
// clock.Clock in tests); codes and their limits run on the wall clock (see package clock).
func New(st *store.Store, log *slog.Logger, cfg config.Config, now func() time.Time) *Services {
	codes := &otp.Service{Store: st, Log: log, Now: time.Now}
	customers := &registry.Service{Store: st, Log: log, Now: now, Files: registry.DatabaseFiles{}}
	loanSvc := &loans.Service{Store: st, Log: log, Now: now, Registry: customers, Lender: `ООО МФК «Лендграф»`, AccrualBatch: 100}
	paymentSvc := &payments.Service{Store: st, Log: log, Now: now, Loans: loanSvc}
	lend := applications.NewService(st, log, now, cfg.ApplicationTimeout, applications.Contexts{OTP: codes, Registry: customers, Loans: loanSvc, Payments: paymentSvc})
	return &Services{
		Store:          st,
		OTP:            codes,
		SignIn:         &signin.Service{Store: st, Log: log, OTP: codes},
		Registry:       customers,
		Loans:          loanSvc,
		Payments:       paymentSvc,
		Applications:   lend,
		Leads:          &leads.Service{Store: st, Log: log, Now: now, Registry: customers, Applications: lend},
		PreConsumption: &preconsumption.Service{Store: st, Log: log, Now: now},
		CustomerOffers: &customeroffers.Service{Store: st, Now: now, Files: customers.Files, Loans: loanSvc},
	}
}
