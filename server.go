// Command lendgraph serves the lending platform's GraphQL API and partner REST routes.
// Without DATABASE_URL it starts a private PostgreSQL cluster in DATA_DIR first.
package main

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"lendgraph/auth"
	"lendgraph/config"
	"lendgraph/demo"
	"lendgraph/logging"
	"lendgraph/pgcluster"
	"lendgraph/store"
	"lendgraph/web"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "lendgraph:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.Environ()
	if err != nil {
		return err
	}
	log := logging.New(os.Stdout, cfg.LogLevel)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	dbURL := cfg.DatabaseURL
	if dbURL == "" {
		cluster, err := pgcluster.Start(ctx, cfg.DataDir)
		if err != nil {
			return err
		}
		defer func() {
			if err := cluster.Stop(context.Background()); err != nil {
				log.Error("stop private PostgreSQL", "err", err)
			} else {
				log.Info("private PostgreSQL stopped")
			}
		}()
		if err := cluster.CreateDatabase(ctx, "lendgraph"); err != nil {
			return err
		}
		dbURL = cluster.URL("lendgraph")
		log.Info("private PostgreSQL running", "dir", cfg.DataDir)
	}

	st, err := store.Open(ctx, dbURL, store.Options{
		MaxOpenConns:    cfg.DBMaxOpenConns,
		MaxIdleConns:    cfg.DBMaxIdleConns,
		ConnMaxLifetime: cfg.DBConnLifetime,
		QueryTimeout:    cfg.DBQueryTimeout,
	})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	if cfg.DemoData {
		if err := demo.Load(ctx, st); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}

	key, err := signingKey(cfg)
	if err != nil {
		return err
	}
	srv, err := web.New(ctx, cfg, st, key, log, time.Now)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", ":"+cfg.Port)
	if err != nil {
		return err
	}
	background := make(chan struct{})
	go func() { srv.Background(ctx, cfg.JobWorker); close(background) }()
	log.Info("serving", "addr", ln.Addr().String(), "env", cfg.Env)
	err = serve(ctx, ln, srv.HTTPServer(srv.Handler()), cfg.ShutdownTimeout)
	<-background // the job in hand finishes or rolls back before the database goes
	log.Info("stopped serving")
	return err
}

// signingKey is the configured key, or in development a key generated once and kept in DATA_DIR.
func signingKey(cfg config.Config) (*ecdsa.PrivateKey, error) {
	switch {
	case cfg.JWTSigningKey != "":
		return auth.ParseKey([]byte(cfg.JWTSigningKey))
	case cfg.JWTSigningKeyFile != "":
		data, err := os.ReadFile(cfg.JWTSigningKeyFile)
		if err != nil {
			return nil, err
		}
		return auth.ParseKey(data)
	}
	return auth.LoadOrCreateKey(filepath.Join(cfg.DataDir, "jwt-signing-key.pem"))
}

// serve answers HTTP on ln with httpSrv (its handler and connection timeouts) until ctx ends, then
// drains requests within timeout and closes WebSocket connections.
func serve(ctx context.Context, ln net.Listener, httpSrv *http.Server, timeout time.Duration) error {
	base, closeConnections := context.WithCancel(context.Background())
	defer closeConnections()
	httpSrv.BaseContext = func(net.Listener) context.Context { return base }
	// Shutdown does not track hijacked (WebSocket) connections: ending their context closes them.
	httpSrv.RegisterOnShutdown(closeConnections)

	failed := make(chan error, 1)
	go func() { failed <- httpSrv.Serve(ln) }()

	select {
	case err := <-failed:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
