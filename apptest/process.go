package apptest

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Process is the service's binary running in a process of its own: for what one server process
// costs (its memory) and for more connections than one process may hold at both ends.
type Process struct {
	*App
	cmd *exec.Cmd
}

// StartProcess builds the binary and serves it on url (no demo data loaded: NewDatabase has it),
// with the extra environment env ("NAME=value"); it stops when the test ends. Its log goes to
// App.Logs.
func StartProcess(t testing.TB, url string, env ...string) *Process {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "lendgraph")
	if out, err := exec.Command("go", "build", "-o", bin, "lendgraph").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	logs := &Logs{}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+url, "PORT="+port, "DATA_DIR="+t.TempDir(), "DEMO_DATA=false", "LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	p := &Process{App: &App{URL: "http://127.0.0.1:" + port, DatabaseURL: url, Logs: logs, client: clientFrom(ownAddress())}, cmd: cmd}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := p.client.Get(p.URL + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready in 30 s: %s", logs)
		}
	}
}

// Memory returns the process's resident memory now and at its peak, in bytes.
func (p *Process) Memory(t testing.TB) (rss, peak int64) {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		name, value, _ := strings.Cut(sc.Text(), ":")
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		switch name {
		case "VmRSS":
			rss = kb << 10
		case "VmHWM":
			peak = kb << 10
		}
	}
	return rss, peak
}

// Metric returns the value of a sample without labels from the process's /metrics.
func (p *Process) Metric(t testing.TB, name string) float64 {
	t.Helper()
	resp := p.Do(t, http.MethodGet, "/metrics", nil, nil)
	for _, line := range strings.Split(string(resp.Body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}
