// Package app assembles lendgraph's services on one store. It is the one place that says which
// service is given which others; the edges (web, resolvers) and the tests reach the services
// through it.
package app

import (
	"log/slog"
	"time"

	"lendgraph/config"
	"lendgraph/customeroffers"
	"lendgraph/lending"
	"lendgraph/otp"
	"lendgraph/preconsumption"
	"lendgraph/signin"
	"lendgraph/store"
)

// Services are the services of the bounded contexts, wired together.
type Services struct {
	OTP            *otp.Service
	SignIn         *signin.Service
	Lending        *lending.Service
	PreConsumption *preconsumption.Service
	CustomerOffers *customeroffers.Service
}

// New wires every service on st, telling time by the wall clock.
func New(st *store.Store, log *slog.Logger, cfg config.Config) *Services {
	codes := &otp.Service{Store: st, Log: log, Now: time.Now}
	lend := lending.NewService(st, log, codes, cfg.ApplicationTimeout)
	return &Services{
		OTP:            codes,
		SignIn:         &signin.Service{Store: st, Log: log, OTP: codes},
		Lending:        lend,
		PreConsumption: &preconsumption.Service{Store: st, Log: log, Now: time.Now},
		CustomerOffers: &customeroffers.Service{Store: st, Now: time.Now, Files: lend.Files, Lending: lend},
	}
}
