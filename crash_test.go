package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/auth"
)

// serveEnv makes the test binary run the server instead of the tests: TestCrashBeforeScoring starts
// it as a real process it can kill.
const serveEnv = "LENDGRAPH_TEST_SERVE"

func init() {
	if os.Getenv(serveEnv) == "1" {
		if err := run(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
}

// serverProcess runs lendgraph as a process of its own on the test database.
type serverProcess struct {
	cmd  *exec.Cmd
	base string
}

func startServer(t *testing.T, keyFile string, env ...string) *serverProcess {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), serveEnv+"=1", "DATABASE_URL="+apptest.DatabaseURL, fmt.Sprintf("PORT=%d", port),
		"JWT_SIGNING_KEY_FILE="+keyFile, "DEMO_DATA=false", "LOG_LEVEL=warn", "WORKER_POLL=100ms")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	require.NoError(t, cmd.Start())
	s := &serverProcess{cmd: cmd, base: fmt.Sprintf("http://127.0.0.1:%d", port)}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	require.Eventually(t, func() bool {
		resp, err := http.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == http.StatusOK
	}, 20*time.Second, 50*time.Millisecond)
	return s
}

// TestCrashBeforeScoring kills (SIGKILL) a server process after it filed an application and before
// anyone scored it; the process started next finishes the application.
func TestCrashBeforeScoring(t *testing.T) {
	keyFile := t.TempDir() + "/key.pem"
	_, err := auth.LoadOrCreateKey(keyFile) // both processes sign with it
	require.NoError(t, err)
	first := startServer(t, keyFile, "JOB_WORKER=false") // it files, it never scores

	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"demo"}, "client_secret": {"demo-secret"}}
	resp, err := http.PostForm(first.base+"/auth/partners", form)
	require.NoError(t, err)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	resp.Body.Close()

	raw, err := os.ReadFile("web/testdata/create_application.json")
	require.NoError(t, err)
	guid := uuid.NewString()
	body := strings.Replace(string(raw), `"mode": "online",`, `"mode": "online", "application_guid": "`+guid+`",`, 1)
	body = strings.Replace(body, `"partner_application_id": "404"`, `"partner_application_id": "crash-`+guid+`"`, 1)
	req, _ := http.NewRequest(http.MethodPost, first.base+"/partner/api/v1/applications/create", bytes.NewReader([]byte(body)))
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	status := func(base string) string {
		req, _ := http.NewRequest(http.MethodGet, base+"/partner/api/v1/applications/"+guid+"/status", nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		var st struct {
			Status string `json:"status"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&st)
		return st.Status
	}
	time.Sleep(300 * time.Millisecond) // three worker polls of a worker that would have run
	require.Equal(t, "PROCESSING", status(first.base), "the first server does not score")
	require.NoError(t, first.cmd.Process.Signal(syscall.SIGKILL))
	_ = first.cmd.Wait()

	second := startServer(t, keyFile)
	assert.Eventually(t, func() bool { return status(second.base) == "APPROVED" }, 20*time.Second, 50*time.Millisecond,
		"the restarted server scored the application the killed one had filed")
	var jobs int
	st, err := apptest.Open(context.Background(), apptest.DatabaseURL)
	require.NoError(t, err)
	defer st.Close()
	require.NoError(t, st.DB.Get(&jobs, `SELECT count(*) FROM jobs j JOIN applications a ON a.id = j.application_id
		WHERE a.guid = $1 AND j.kind = 'process' AND j.done_at IS NOT NULL AND j.attempts = 1`, guid))
	assert.Equal(t, 1, jobs, "scored once")
}
