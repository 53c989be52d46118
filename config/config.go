// Package config reads lendgraph's settings from the environment; the README's table lists them.
package config

import (
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of the service.
type Config struct {
	Env  string // "development" or "production"
	Port string

	DatabaseURL     string // empty: start the private cluster in DataDir
	DataDir         string
	DBMaxOpenConns  int
	DBMaxIdleConns  int
	DBConnLifetime  time.Duration
	DBQueryTimeout  time.Duration
	DemoData        bool
	ShutdownTimeout time.Duration

	JWTSigningKey     string // PEM; empty: JWTSigningKeyFile, or in development a generated key kept in DataDir
	JWTSigningKeyFile string
	JWTIssuer         string
	TokenTTL          time.Duration
	OIDCIssuer        string
	OIDCJWKSURL       string

	ApplicationTimeout time.Duration // an application not signed within it is cancelled
	JobWorker          bool          // run the job worker here; an API-only instance leaves jobs to others
	WorkerPoll         time.Duration // how often the job worker looks for work queued elsewhere
	WorkerConcurrency  int           // jobs the worker runs at once
	DailyAccrual       bool          // the job worker accrues interest every day, catching up from yesterday

	MaxBodyBytes         int64
	MaxUploadBytes       int64
	WSReadLimit          int64
	GraphQLMaxDepth      int
	GraphQLMaxComplexity int // list-aware cost: each field 1, times the size of the lists around it
	GraphQLListSize      int // items assumed in a list without a size argument (lists of paged types: 100)
	GraphQLMaxTokens     int
	GraphQLMaxAliases    int
	GraphQLMaxFields     int // fields an operation expands to once its fragments are inlined
	GraphQLMaxDirectives int
	GraphQLMaxRepeats    int // times one field may be selected under the same response path
	LogLevel             string

	// TrustedProxies are the networks of the load balancers in front: from them the caller's
	// address is the last X-Forwarded-For hop not in these networks. Empty: the peer's address.
	TrustedProxies []netip.Prefix

	// Connections: every HTTP connection has deadlines; WebSockets have their own (see web).
	HTTPReadHeaderTimeout  time.Duration // a request's headers must arrive within it
	HTTPBodyTimeout        time.Duration // a request's whole body must arrive within it
	HTTPUploadTimeout      time.Duration // the same for file uploads
	HTTPWriteTimeout       time.Duration // a (non-WebSocket) response must be written within it of the request's start
	HTTPIdleTimeout        time.Duration // a keep-alive connection without a request is closed after it
	WSInitTimeout          time.Duration // a WebSocket without connection_init within it is closed with 4408
	WSPingInterval         time.Duration // a WebSocket that answers no ping within twice it is closed
	WSMaxSubscriptions     int           // open subscriptions per WebSocket connection; 0: no limit
	MaxCallerSubscriptions int           // open subscriptions per caller (role and subject) on an instance; 0: no limit
}

// Production tells whether the service runs in production mode.
func (c Config) Production() bool { return c.Env == "production" }

// FromEnv reads the configuration through getenv (os.Getenv in the binary).
func FromEnv(getenv func(string) string) (Config, error) {
	r := reader{getenv: getenv}
	maxOpen := r.int("DB_MAX_OPEN_CONNS", 20)
	c := Config{
		Env:                  r.str("APP_ENV", "development"),
		Port:                 r.str("PORT", "8080"),
		DatabaseURL:          r.str("DATABASE_URL", ""),
		DataDir:              r.str("DATA_DIR", ".data"),
		DBMaxOpenConns:       maxOpen,
		DBMaxIdleConns:       r.int("DB_MAX_IDLE_CONNS", maxOpen), // all kept: see the README
		DBConnLifetime:       r.duration("DB_CONN_MAX_LIFETIME", 30*time.Minute),
		DBQueryTimeout:       r.duration("DB_QUERY_TIMEOUT", 5*time.Second),
		ShutdownTimeout:      r.duration("SHUTDOWN_TIMEOUT", 20*time.Second),
		JWTSigningKey:        r.str("JWT_SIGNING_KEY", ""),
		JWTSigningKeyFile:    r.str("JWT_SIGNING_KEY_FILE", ""),
		JWTIssuer:            r.str("JWT_ISSUER", "lendgraph"),
		TokenTTL:             r.duration("TOKEN_TTL", time.Hour),
		OIDCIssuer:           r.str("OIDC_ISSUER", ""),
		OIDCJWKSURL:          r.str("OIDC_JWKS_URL", ""),
		ApplicationTimeout:   r.duration("APPLICATION_TIMEOUT", 24*time.Hour),
		WorkerPoll:           r.duration("WORKER_POLL", time.Second),
		WorkerConcurrency:    r.int("WORKER_CONCURRENCY", 4),
		JobWorker:            r.bool("JOB_WORKER", true),
		DailyAccrual:         r.bool("DAILY_ACCRUAL", true),
		MaxBodyBytes:         int64(r.int("MAX_BODY_BYTES", 1<<20)),
		MaxUploadBytes:       int64(r.int("MAX_UPLOAD_BYTES", 10<<20)),
		WSReadLimit:          int64(r.int("WS_READ_LIMIT", 64<<10)),
		GraphQLMaxDepth:      r.int("GRAPHQL_MAX_DEPTH", 15),
		GraphQLMaxComplexity: r.int("GRAPHQL_MAX_COMPLEXITY", 20000),
		GraphQLListSize:      r.int("GRAPHQL_LIST_SIZE", 5),
		GraphQLMaxTokens:     r.int("GRAPHQL_MAX_TOKENS", 5000),
		GraphQLMaxAliases:    r.int("GRAPHQL_MAX_ALIASES", 30),
		GraphQLMaxFields:     r.int("GRAPHQL_MAX_FIELDS", 1000),
		GraphQLMaxDirectives: r.int("GRAPHQL_MAX_DIRECTIVES", 50),
		GraphQLMaxRepeats:    r.int("GRAPHQL_MAX_REPEATS", 20),
		LogLevel:             r.str("LOG_LEVEL", "info"),

		HTTPReadHeaderTimeout:  r.duration("HTTP_READ_HEADER_TIMEOUT", 10*time.Second),
		HTTPBodyTimeout:        r.duration("HTTP_BODY_TIMEOUT", 30*time.Second),
		HTTPUploadTimeout:      r.duration("HTTP_UPLOAD_TIMEOUT", 2*time.Minute),
		HTTPWriteTimeout:       r.duration("HTTP_WRITE_TIMEOUT", 60*time.Second),
		HTTPIdleTimeout:        r.duration("HTTP_IDLE_TIMEOUT", 2*time.Minute),
		WSInitTimeout:          r.duration("WS_INIT_TIMEOUT", 10*time.Second),
		WSPingInterval:         r.duration("WS_PING_INTERVAL", 15*time.Second),
		WSMaxSubscriptions:     r.int("WS_MAX_SUBSCRIPTIONS_PER_CONNECTION", 20),
		MaxCallerSubscriptions: r.int("MAX_SUBSCRIPTIONS_PER_CALLER", 100),
	}
	c.DemoData = r.bool("DEMO_DATA", !c.Production())
	c.TrustedProxies = r.prefixes("TRUSTED_PROXIES")
	switch {
	case r.err != nil:
		return Config{}, r.err
	case c.Env != "development" && c.Env != "production":
		return Config{}, fmt.Errorf("APP_ENV must be development or production, not %q", c.Env)
	case (c.OIDCIssuer == "") != (c.OIDCJWKSURL == ""):
		return Config{}, fmt.Errorf("OIDC_ISSUER and OIDC_JWKS_URL go together")
	case c.Production() && c.JWTSigningKey == "" && c.JWTSigningKeyFile == "":
		return Config{}, fmt.Errorf("production needs JWT_SIGNING_KEY or JWT_SIGNING_KEY_FILE")
	case c.Production() && c.DatabaseURL == "":
		return Config{}, fmt.Errorf("production needs DATABASE_URL")
	}
	return c, nil
}

// Environ is FromEnv on the process environment.
func Environ() (Config, error) { return FromEnv(os.Getenv) }

// reader parses variables, keeping the first error.
type reader struct {
	getenv func(string) string
	err    error
}

func (r *reader) str(name, def string) string {
	if v := r.getenv(name); v != "" {
		return v
	}
	return def
}

func (r *reader) int(name string, def int) int {
	v := r.getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		r.fail(name, v, "a whole number ≥ 0")
	}
	return n
}

func (r *reader) duration(name string, def time.Duration) time.Duration {
	v := r.getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		r.fail(name, v, "a positive duration such as 30s or 5m")
	}
	return d
}

// prefixes reads a comma-separated list of networks (CIDR) or single addresses.
func (r *reader) prefixes(name string) []netip.Prefix {
	var out []netip.Prefix
	for _, part := range strings.Split(r.getenv(name), ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			a, aerr := netip.ParseAddr(part)
			if aerr != nil {
				r.fail(name, part, "networks such as 10.0.0.0/8,192.168.1.10")
				continue
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out
}

func (r *reader) bool(name string, def bool) bool {
	v := r.getenv(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.fail(name, v, "true or false")
	}
	return b
}

func (r *reader) fail(name, value, want string) {
	if r.err == nil {
		r.err = fmt.Errorf("%s=%q: want %s", name, value, want)
	}
}
