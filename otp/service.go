// Package otp issues and checks one-time codes (sign-in, contract signing) and keeps the
// settings that make them hard to guess: purposes, rate rules and per-phone exceptions.
package otp

import (
	"log/slog"
	"time"

	"lendgraph/store"
)

// Service issues and checks codes and lets employees tune their limits.
type Service struct {
	Store *store.Store
	Log   *slog.Logger
	Now   func() time.Time
}
