package lending

import (
	"log/slog"
	"time"

	"lendgraph/store"
)

// Service carries out the business actions. Routes, resolvers and tests all call it; none of them
// holds a rule of its own.
type Service struct {
	Store *store.Store
	Log   *slog.Logger
	Now   func() time.Time
}

// NewService returns a Service on the given store, telling time by the wall clock.
func NewService(st *store.Store, log *slog.Logger) *Service {
	return &Service{Store: st, Log: log, Now: time.Now}
}
