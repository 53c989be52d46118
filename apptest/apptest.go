// Package apptest runs lendgraph for tests: a fresh database per test package, migrated and loaded
// with demo data, on the run's throwaway cluster (TEST_DATABASE_URL, set by `make test`) or on a
// cluster it starts itself; and the real HTTP server on a loopback port.
package apptest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"lendgraph/clock"
	"lendgraph/config"
	"lendgraph/demo"
	"lendgraph/logging"
	"lendgraph/pgcluster"
	"lendgraph/store"
	"lendgraph/web"
)

// Today is the day the business clock shows at the start of every test, whatever the wall clock
// says: tests that count days from today count from noon of it, and no run crosses a midnight.
const Today = "2027-06-15"

// Clock is the business clock of every server the test package starts, as instances of one
// deployment share the time: noon of Today, running, until a test sets it (SetClock).
var Clock = clock.Wall()

// StartAt is Start on a database of the test's own (NewDatabase) with the business clock at at
// (SetClock): moving the time moves every job on the database, such as the other tests'
// applications' timeouts, so a test that moves it keeps its own database.
func StartAt(t testing.TB, at string, tweaks ...func(*config.Config)) *App {
	t.Helper()
	SetClock(t, at)
	_, url := NewDatabase(t)
	return StartOn(t, url, tweaks...)
}

// SetClock puts the test package's clock at the time at (RFC 3339, or a date for noon UTC of that
// day) for the rest of the test, then back at noon of Today.
func SetClock(t testing.TB, at string) {
	t.Helper()
	when, err := time.Parse(time.RFC3339, at)
	if err != nil {
		day, derr := time.Parse(time.DateOnly, at)
		if derr != nil {
			t.Fatalf("SetClock(%q): %v", at, err)
		}
		when = day.Add(12 * time.Hour)
	}
	Clock.Set(when)
	t.Cleanup(resetClock)
}

func resetClock() {
	today, _ := time.Parse(time.DateOnly, Today)
	Clock.Set(today.Add(12 * time.Hour))
}

// DatabaseURL is the test package's own database and AdminURL the server's postgres database,
// both set by Main.
var DatabaseURL, AdminURL string

// Main runs a test package's tests on a fresh database: call it from TestMain.
func Main(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "apptest:", err)
		code = 1
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	ctx := context.Background()
	resetClock()
	admin := os.Getenv("TEST_DATABASE_URL")
	if admin == "" {
		cluster, err := pgcluster.StartTemporary(ctx)
		if err != nil {
			return 1, err
		}
		defer cluster.Discard(ctx)
		admin = cluster.URL("postgres")
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	name := "test_" + hex.EncodeToString(suffix)
	if err := pgcluster.CreateDatabase(ctx, admin, name); err != nil {
		return 1, err
	}
	defer pgcluster.DropDatabase(ctx, admin, name)
	url, err := pgcluster.WithDatabase(admin, name)
	if err != nil {
		return 1, err
	}
	st, err := Open(ctx, url)
	if err != nil {
		return 1, err
	}
	if err := st.Migrate(ctx); err != nil {
		return 1, err
	}
	if err := demo.Load(ctx, st); err != nil {
		return 1, err
	}
	st.Close()
	DatabaseURL, AdminURL = url, admin
	return m.Run(), nil
}

// Open opens a store on url with the test settings.
func Open(ctx context.Context, url string) (*store.Store, error) {
	return store.Open(ctx, url, store.Options{MaxOpenConns: 10, MaxIdleConns: 10, ConnMaxLifetime: time.Minute, QueryTimeout: 5 * time.Second})
}

// App is a running server with its store and everything it logged.
type App struct {
	URL         string
	DatabaseURL string            // the database it serves
	Key         *ecdsa.PrivateKey // signs the server's tokens
	Server      *web.Server
	Store       *store.Store
	Logs        *Logs

	client *http.Client // from the server's own loopback address (ownAddress) or From's
}

// Start serves lendgraph over HTTP on loopback with the default configuration, changed by tweaks,
// with its event listener and job worker. It stops when the test ends.
func Start(t testing.TB, tweaks ...func(*config.Config)) *App {
	return start(t, DatabaseURL, true, tweaks)
}

// StartWithoutWorker is Start with no job worker: applications stay where their jobs left them, as
// after a crash, until another instance (or RunJobs) takes them up.
func StartWithoutWorker(t testing.TB, tweaks ...func(*config.Config)) *App {
	return start(t, DatabaseURL, false, tweaks)
}

// StartWithoutWorkerOn is StartWithoutWorker on the database at url.
func StartWithoutWorkerOn(t testing.TB, url string, tweaks ...func(*config.Config)) *App {
	return start(t, url, false, tweaks)
}

// StartOn is Start on the database at url, such as one of NewDatabase.
func StartOn(t testing.TB, url string, tweaks ...func(*config.Config)) *App {
	return start(t, url, true, tweaks)
}

// NewDatabase creates a database of the test's own on the test cluster, migrated and loaded with
// demo data, for a test that does to it what others must not see (such as making it unreachable);
// it is dropped when the test ends. It returns the database's name and URL.
func NewDatabase(t testing.TB) (name, url string) {
	t.Helper()
	ctx := context.Background()
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	name = "test_" + hex.EncodeToString(suffix)
	if err := pgcluster.CreateDatabase(ctx, AdminURL, name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pgcluster.DropDatabase(context.Background(), AdminURL, name) })
	url, err := pgcluster.WithDatabase(AdminURL, name)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, st); err != nil {
		t.Fatal(err)
	}
	return name, url
}

func start(t testing.TB, url string, worker bool, tweaks []func(*config.Config)) *App {
	t.Helper()
	cfg, err := config.FromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DailyAccrual = false // tests accrue the days they choose; a test may switch it back on
	for _, tweak := range tweaks {
		tweak(&cfg)
	}
	ctx := context.Background()
	st, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key := signingKey()
	logs := &Logs{}
	srv, err := web.New(ctx, cfg, st, key, logging.New(logs, "debug"), Clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	ts.Config = srv.HTTPServer(srv.Handler()) // the binary's timeouts
	ts.Start()
	t.Cleanup(ts.Close)
	bg, stop := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { srv.Background(bg, worker); close(stopped) }()
	t.Cleanup(func() { stop(); <-stopped })
	return &App{URL: ts.URL, DatabaseURL: url, Key: key, Server: srv, Store: st, Logs: logs, client: clientFrom(ownAddress())}
}

// signingKey is the key every instance of the test package signs with, as instances of one
// deployment share theirs.
var signingKey = sync.OnceValue(func() *ecdsa.PrivateKey {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return key
})

// Logs collects log output safely across goroutines.
type Logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String returns everything logged so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// BareApplication stores a mobile application with no questionnaire, straight through the
// database, for events to be about; it returns the application's id and guid.
func BareApplication(t testing.TB, st *store.Store) (id int64, guid string) {
	t.Helper()
	guid = uuid.NewString()
	if err := st.DB.Get(&id, `INSERT INTO applications (guid, channel, phone, status, product_code, loan_amount, loan_term, request, request_hash)
		VALUES ($1, 'MOBILE', '79990000000', 'PROCESSING', '2000', 1000, 6, '{}', '\x00') RETURNING id`, guid); err != nil {
		t.Fatal(err)
	}
	return id, guid
}
