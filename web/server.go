// Package web is lendgraph's HTTP edge: the routes, the GraphQL endpoint, token issuance and the
// middleware every request passes (trace id, log line, metrics, body limit, authentication).
package web

import (
	"context"
	"crypto/ecdsa"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/go-chi/chi/v5"

	"lendgraph/app"
	"lendgraph/auth"
	"lendgraph/config"
	"lendgraph/domain"
	"lendgraph/events"
	"lendgraph/metrics"
	"lendgraph/store"
)

// Server holds what the handlers need.
type Server struct {
	Config  config.Config
	Store   *store.Store
	App     *app.Services
	Events  *events.Hub
	Tokens  *auth.Tokens
	Metrics *metrics.Metrics
	Log     *slog.Logger

	wsPinger *wsPinger
}

// Background runs the instance's event listener, its WebSocket pings and, when worker is set, its
// job worker, until ctx ends; it returns when they have stopped.
func (s *Server) Background(ctx context.Context, worker bool) {
	var wg sync.WaitGroup
	wg.Go(func() { s.Events.Run(ctx) })
	wg.Go(func() { s.wsPinger.run(ctx) })
	if worker {
		wg.Go(func() {
			s.App.Applications.RunWorker(ctx, s.Config.WorkerPoll, s.Config.WorkerConcurrency, s.Config.DailyAccrual)
		})
	}
	wg.Wait()
}

// Handler mounts every route.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(s.Tokens.Authenticate, s.observe, s.connectionDeadlines, s.limitBody, s.checkText, s.clientIP)

	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	r.Get("/readyz", s.ready)
	r.Handle("/metrics", s.Metrics.Handler())

	r.Post("/auth", s.customerToken)
	r.Post("/auth/employees", s.employeeToken)
	r.Post("/auth/partners", s.partnerToken)
	r.Post("/auth/otp", s.requestOTP)

	s.partnerRoutes(r)
	s.leadRoutes(r)
	s.preconsumeRoutes(r)
	s.customerOfferRoutes(r)
	s.otpAdminRoutes(r)
	r.Route("/pfs", s.partnerRoutes) // the platform gateway's prefix, as the demo's URLs have it

	r.Handle("/graphql", s.graphql())
	if !s.Config.Production() {
		r.Get("/", playground.Handler("lendgraph", "/graphql"))
	}
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, domain.Errorf(domain.CodeNotFound, "no route %s %s", r.Method, r.URL.Path))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, domain.Errorf(domain.CodeMethodNotAllowed, "method %s not allowed on %s", r.Method, r.URL.Path))
	})
	return r
}

// ready answers 200 when the database answers and every migration is applied.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	pending, err := s.Store.MigrationsPending(r.Context())
	switch {
	case err != nil:
		s.Log.WarnContext(r.Context(), "not ready", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
	case pending:
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "migrations pending"})
	default:
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	}
}

// New wires the service on an open, migrated store: the domain services (on the business clock
// now), token service and metrics.
func New(ctx context.Context, cfg config.Config, st *store.Store, key *ecdsa.PrivateKey, log *slog.Logger, now func() time.Time) (*Server, error) {
	var ext *auth.External
	if cfg.OIDCIssuer != "" {
		ext = &auth.External{Issuer: cfg.OIDCIssuer, JWKSURL: cfg.OIDCJWKSURL}
	}
	tokens, err := auth.NewTokens(ctx, key, cfg.JWTIssuer, cfg.TokenTTL, ext)
	if err != nil {
		return nil, err
	}
	hub, m := events.NewHub(st, log), metrics.New(st.DB.DB)
	stat := func(f func(events.Stats) int64) func() float64 {
		return func() float64 { return float64(f(hub.Stats())) }
	}
	m.Observe("lendgraph_sql_statements_total", "SQL statements sent to the database.",
		false, func() float64 { return float64(st.Statements()) })
	m.Observe("lendgraph_event_reads_total", "Reads of new application events (one a wake, whatever the number of subscribers).",
		false, stat(func(s events.Stats) int64 { return s.Reads }))
	m.Observe("lendgraph_event_history_reads_total", "Reads of older events for subscribers catching up, shared by those catching up at once.",
		false, stat(func(s events.Stats) int64 { return s.HistoryReads }))
	m.Observe("lendgraph_events_total", "Application events delivered to this instance's subscribers.",
		false, stat(func(s events.Stats) int64 { return s.Events }))
	m.Observe("lendgraph_event_subscribers", "Open applicationEvents subscriptions.",
		true, stat(func(s events.Stats) int64 { return int64(s.Subscribers) }))
	return &Server{
		Config:  cfg,
		Store:   st,
		App:     app.New(st, log, cfg, now),
		Events:  hub,
		Tokens:  tokens,
		Metrics: m,
		Log:     log,

		wsPinger: newWSPinger(cfg.WSPingInterval),
	}, nil
}
