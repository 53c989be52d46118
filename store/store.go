// Package store keeps lendgraph's data in PostgreSQL through sqlx and lib/pq.
// Every statement runs under the store's query deadline, inside or outside a transaction.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	neturl "net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"lendgraph/migrations"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// Options size the connection pool and bound each statement.
type Options struct {
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
	QueryTimeout    time.Duration
}

// Store is the database. Its Queries run outside a transaction; Tx runs a function inside one.
type Store struct {
	Queries
	DB         *sqlx.DB
	url        string
	migrations *goose.Provider
	// Instance names this process's sessions (their application_name), so that what it notifies
	// can be told from what other instances do.
	Instance string
}

// Queries holds every statement of the store; it runs on the pool or on one transaction.
type Queries struct {
	ext        sqlx.ExtContext
	timeout    time.Duration
	statements *atomic.Int64 // counts every statement sent, for tests and diagnostics
}

// Open connects to the database at url and checks that it answers.
func Open(ctx context.Context, url string, opt Options) (*Store, error) {
	instance := "lendgraph-" + rand.Text()[:8]
	url, err := withApplicationName(url, instance)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	pqConnector, err := pq.NewConnector(url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db := sqlx.NewDb(sql.OpenDB(connector{pqConnector}), "postgres")
	db.SetMaxOpenConns(opt.MaxOpenConns)
	db.SetMaxIdleConns(opt.MaxIdleConns)
	db.SetConnMaxLifetime(opt.ConnMaxLifetime)
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	migrator, err := goose.NewProvider(goose.DialectPostgres, db.DB, migrations.FS, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	s := &Store{DB: db, url: url, Queries: Queries{ext: db, timeout: opt.QueryTimeout, statements: new(atomic.Int64)}, migrations: migrator, Instance: instance}
	if err := s.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("reach database: %w", err)
	}
	s.warm(ctx, min(opt.MaxIdleConns, opt.MaxOpenConns))
	return s, nil
}

// withApplicationName sets the sessions' application_name in a connection string of either form
// (URL or key=value), in place of any it had.
func withApplicationName(conn, name string) (string, error) {
	if !strings.HasPrefix(conn, "postgres://") && !strings.HasPrefix(conn, "postgresql://") {
		return conn + " application_name=" + name, nil // the last of a key counts
	}
	u, err := neturl.Parse(conn)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// warm opens n connections and leaves them idle in the pool, so that the first requests do not
// each wait for a session to be set up (TCP, authentication). A failure only leaves it cooler.
func (s *Store) warm(ctx context.Context, n int) {
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := s.DB.Conn(ctx)
		if err != nil {
			return
		}
		conns = append(conns, c)
	}
}

// Close releases the pool.
func (s *Store) Close() error { return s.DB.Close() }

// Ping checks that the database answers within the query deadline.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	return s.DB.PingContext(ctx)
}

// Listen opens a connection of its own that listens on a PostgreSQL channel; lib/pq reconnects it
// when it drops and reports that through onEvent.
func (s *Store) Listen(channel string, onEvent func(pq.ListenerEventType, error)) (*pq.Listener, error) {
	l := pq.NewListener(s.url, 100*time.Millisecond, 10*time.Second, onEvent)
	if err := l.Listen(channel); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// Tx runs fn in one transaction, committing when fn returns nil and rolling back otherwise.
func (s *Store) Tx(ctx context.Context, fn func(q Queries) error) error {
	tx, err := s.DB.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", classify(err))
	}
	if err := fn(Queries{ext: tx, timeout: s.timeout, statements: s.statements}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", classify(err))
	}
	return nil
}

// Statements returns how many statements the store has sent since it opened.
func (s *Store) Statements() int64 { return s.statements.Load() }

func (q Queries) get(ctx context.Context, dest any, query string, args ...any) error {
	q.statements.Add(1)
	ctx, cancel := context.WithTimeout(ctx, q.timeout)
	defer cancel()
	err := sqlx.GetContext(ctx, q.ext, dest, query, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return classify(err)
}

func (q Queries) sel(ctx context.Context, dest any, query string, args ...any) error {
	q.statements.Add(1)
	ctx, cancel := context.WithTimeout(ctx, q.timeout)
	defer cancel()
	return classify(sqlx.SelectContext(ctx, q.ext, dest, query, args...))
}

// stringArray passes a Go slice as a PostgreSQL text[] (never NULL).
func stringArray(s []string) any {
	if s == nil {
		s = []string{}
	}
	return pq.Array(s)
}

func (q Queries) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	q.statements.Add(1)
	ctx, cancel := context.WithTimeout(ctx, q.timeout)
	defer cancel()
	res, err := q.ext.ExecContext(ctx, query, args...)
	return res, classify(err)
}

// Migrate applies every pending migration. Goose holds a PostgreSQL advisory lock meanwhile,
// so instances starting together apply each migration once.
func (s *Store) Migrate(ctx context.Context) error {
	if _, err := s.migrations.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// MigrationsPending tells whether the database lags behind the migrations in the binary.
func (s *Store) MigrationsPending(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	current, target, err := s.migrations.GetVersions(ctx)
	if err != nil {
		return false, err
	}
	return current < target, nil
}

// LockKey holds a lock on key until the transaction ends: transactions that would each create the
// same thing take turns.
func (q Queries) LockKey(ctx context.Context, key string) error {
	_, err := q.exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, key)
	return err
}
