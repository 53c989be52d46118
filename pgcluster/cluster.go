// Package pgcluster runs a private PostgreSQL cluster in a folder: the embedded default of
// `make run` and the throwaway cluster of the tests. It listens on 127.0.0.1 and a free port, with
// its socket in its own folder, and answers to a password kept beside it.
package pgcluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/lib/pq"
)

// Cluster is a running private cluster.
type Cluster struct {
	dir      string // holds pg/ (the data folder), pg.password and pg.log
	bin      string
	port     int
	password string
	started  bool // this process started it, so Stop stops it
}

// Start brings up the cluster in dir, creating it on first use and installing PostgreSQL with
// apt-get when it is missing. A cluster already running in dir is reused as it is.
func Start(ctx context.Context, dir string) (*Cluster, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	bin, err := findBinaries(ctx)
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bin: bin}
	if err := c.initialize(ctx); err != nil {
		return nil, err
	}
	if c.port, err = c.runningPort(ctx); err != nil {
		return nil, err
	}
	if c.port == 0 {
		if err := c.start(ctx); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// StartTemporary starts a throwaway cluster in a new temporary folder; Discard removes it.
func StartTemporary(ctx context.Context) (*Cluster, error) {
	dir, err := os.MkdirTemp("", "lendgraph-pg-")
	if err != nil {
		return nil, err
	}
	// the postgres user must reach the folder when root starts the cluster
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	c, err := Start(ctx, dir)
	if err != nil {
		os.RemoveAll(dir)
	}
	return c, err
}

// Discard stops the cluster and deletes its folder.
func (c *Cluster) Discard(ctx context.Context) error {
	err := c.Stop(ctx)
	return errors.Join(err, os.RemoveAll(c.dir))
}

// URL is the connection string of a database in the cluster.
func (c *Cluster) URL(database string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword("postgres", c.password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// CreateDatabase creates a database unless it exists.
func (c *Cluster) CreateDatabase(ctx context.Context, name string) error {
	return CreateDatabase(ctx, c.URL("postgres"), name)
}

// Stop stops the cluster if this process started it (fast shutdown: sessions end, data is safe).
func (c *Cluster) Stop(ctx context.Context) error {
	if !c.started {
		return nil
	}
	return c.run(ctx, c.bin+"/pg_ctl", "stop", "-D", c.dataDir(), "-m", "fast", "-w")
}

// Restart stops the cluster (fast: sessions end) and starts it again on the same port, as an
// operator's restart does; only a cluster this process started.
func (c *Cluster) Restart(ctx context.Context) error {
	if !c.started {
		return errors.New("restart: the cluster was not started by this process")
	}
	return c.run(ctx, c.bin+"/pg_ctl", "restart", "-D", c.dataDir(), "-m", "fast", "-w", "-t", "60", "-l", filepath.Join(c.dir, "pg.log"))
}

func (c *Cluster) dataDir() string { return filepath.Join(c.dir, "pg") }

// initialize creates the data folder and the password on first use and reads the password after.
func (c *Cluster) initialize(ctx context.Context) error {
	pwFile := filepath.Join(c.dir, "pg.password")
	if _, err := os.Stat(filepath.Join(c.dataDir(), "PG_VERSION")); err == nil {
		pw, err := os.ReadFile(pwFile)
		c.password = strings.TrimSpace(string(pw))
		return err
	}
	if err := os.MkdirAll(c.dataDir(), 0o700); err != nil {
		return err
	}
	secret := make([]byte, 16)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	c.password = hex.EncodeToString(secret)
	if err := os.WriteFile(pwFile, []byte(c.password+"\n"), 0o600); err != nil {
		return err
	}
	// initdb reads the password from a file the cluster's owner can open. The C.UTF-8 locale sorts
	// plainly yet lowers and uppers every alphabet (Cyrillic names compare without case).
	initPw := filepath.Join(c.dir, "pg.initpw")
	if err := os.WriteFile(initPw, []byte(c.password+"\n"), 0o600); err != nil {
		return err
	}
	defer os.Remove(initPw)
	if err := c.chownToRunner(c.dir, c.dataDir(), initPw); err != nil {
		return err
	}
	return c.run(ctx, c.bin+"/initdb", "-D", c.dataDir(), "-U", "postgres", "--pwfile="+initPw,
		"--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions")
}

// runningPort returns the port of the cluster already running in the folder, or 0.
func (c *Cluster) runningPort(ctx context.Context) (int, error) {
	if c.run(ctx, c.bin+"/pg_ctl", "status", "-D", c.dataDir()) != nil {
		return 0, nil
	}
	pid, err := os.ReadFile(filepath.Join(c.dataDir(), "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	lines := strings.Split(string(pid), "\n")
	if len(lines) < 4 {
		return 0, errors.New("postmaster.pid: no port line")
	}
	return strconv.Atoi(strings.TrimSpace(lines[3]))
}

func (c *Cluster) start(ctx context.Context) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	c.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200 -c synchronous_commit=off", c.port, c.dataDir())
	logFile := filepath.Join(c.dir, "pg.log")
	if err := c.chownToRunner(c.dir); err != nil {
		return err
	}
	if err := c.run(ctx, c.bin+"/pg_ctl", "start", "-D", c.dataDir(), "-l", logFile, "-w", "-t", "60", "-o", opts); err != nil {
		return fmt.Errorf("%w (see %s)", err, logFile)
	}
	c.started = true
	return nil
}

// run runs a PostgreSQL program, as the postgres user when this process is root (PostgreSQL
// refuses to run as root), in a process group of its own so a terminal's Ctrl-C reaches only us.
func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	if os.Geteuid() == 0 {
		args = append([]string{"-u", "postgres", "--", name}, args...)
		name = "runuser"
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", filepath.Base(name), strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}

// chownToRunner gives paths to the postgres user when this process is root.
func (c *Cluster) chownToRunner(paths ...string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root needs a postgres user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	for _, p := range paths {
		if err := os.Chown(p, uid, gid); err != nil {
			return err
		}
	}
	return nil
}

// findBinaries returns the folder holding initdb and pg_ctl: from PATH, else the newest
// /usr/lib/postgresql/*/bin, else after installing Debian's postgresql package.
func findBinaries(ctx context.Context) (string, error) {
	lookup := func() string {
		if p, err := exec.LookPath("pg_ctl"); err == nil {
			if _, err := exec.LookPath("initdb"); err == nil {
				if real, err := filepath.EvalSymlinks(p); err == nil {
					return filepath.Dir(real)
				}
			}
		}
		dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
		sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
		for _, d := range dirs {
			if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
				return d
			}
		}
		return ""
	}
	if d := lookup(); d != "" {
		return d, nil
	}
	if _, err := exec.LookPath("apt-get"); err != nil || os.Geteuid() != 0 {
		return "", errors.New("PostgreSQL server not found: install the postgresql package (initdb and pg_ctl), or set DATABASE_URL")
	}
	for _, args := range [][]string{{"update"}, {"install", "-y", "--no-install-recommends", "postgresql"}} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("apt-get %s: %w: %s", args[0], err, lastLines(out))
		}
	}
	if d := lookup(); d != "" {
		return d, nil
	}
	return "", errors.New("PostgreSQL server not found after installing postgresql: install it by hand, or set DATABASE_URL")
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func lastLines(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.Join(lines[max(0, len(lines)-5):], "\n")
}

// CreateDatabase creates database name through the server at adminURL unless it exists.
func CreateDatabase(ctx context.Context, adminURL, name string) error {
	db, err := sql.Open("postgres", adminURL)
	if err != nil {
		return err
	}
	defer db.Close()
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name))
	return err
}

// DropDatabase drops database name through the server at adminURL, ending its sessions.
func DropDatabase(ctx context.Context, adminURL, name string) error {
	db, err := sql.Open("postgres", adminURL)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)")
	return err
}

// WithDatabase returns url with its database replaced by name.
func WithDatabase(rawURL, name string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}
