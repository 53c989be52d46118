package web_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/config"
)

// shortTimeouts makes the header and body deadlines short, so the tests see them pass.
func shortTimeouts(c *config.Config) {
	c.HTTPReadHeaderTimeout = 300 * time.Millisecond
	c.HTTPBodyTimeout = 300 * time.Millisecond
	c.HTTPUploadTimeout = 300 * time.Millisecond
}

// rawConn opens a TCP connection to the app; the test's own deadline bounds every read.
func rawConn(t *testing.T, app *apptest.App) net.Conn {
	t.Helper()
	u, err := url.Parse(app.URL)
	require.NoError(t, err)
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	require.NoError(t, conn.SetDeadline(time.Now().Add(15*time.Second)))
	return conn
}

// closedByServer reads until the server closes conn and fails the test when the read ends by the
// client's own deadline instead. It returns what was read.
func closedByServer(t *testing.T, conn net.Conn) string {
	t.Helper()
	var got bytes.Buffer
	_, err := io.Copy(&got, conn)
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		t.Fatalf("the server kept the connection open; read so far: %q", got.String())
	}
	return got.String() // EOF (nil) or a reset: closed either way
}

// slowBody sends a request whose body never arrives whole.
const slowBody = "POST /graphql HTTP/1.1\r\nHost: lendgraph\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"query\":"

func TestConnSlowBodyIsClosed(t *testing.T) {
	app := apptest.Start(t, shortTimeouts)
	t.Run("stalled", func(t *testing.T) {
		conn := rawConn(t, app)
		_, err := io.WriteString(conn, slowBody)
		require.NoError(t, err)
		// meanwhile an honest request on another connection is answered
		resp := app.GraphQL(t, "", `{ __typename }`, nil)
		require.Empty(t, resp.Errors)
		assert.Equal(t, "Query", resp.Data["__typename"])
		answer := closedByServer(t, conn)
		assert.True(t, strings.HasPrefix(answer, "HTTP/1.1 408 "), "%s", answer)
		assert.Contains(t, answer, `"type":"REQUEST_TIMEOUT"`)
	})
	t.Run("trickling", func(t *testing.T) {
		conn := rawConn(t, app)
		_, err := io.WriteString(conn, slowBody)
		require.NoError(t, err)
		stop := make(chan struct{})
		defer close(stop)
		go func() { // a byte every 50 ms keeps every single read short: the deadline is the whole body's
			for {
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
					if _, err := conn.Write([]byte(" ")); err != nil {
						return
					}
				}
			}
		}()
		answer := closedByServer(t, conn)
		assert.True(t, strings.HasPrefix(answer, "HTTP/1.1 408 "), "%s", answer)
	})
	t.Run("slow headers", func(t *testing.T) {
		conn := rawConn(t, app)
		_, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: lendgraph\r\n")
		require.NoError(t, err)
		closedByServer(t, conn)
	})
	t.Run("a long request body within the timeout is read", func(t *testing.T) {
		// the body deadline is lifted once the body is read: the connection serves a second request
		conn := rawConn(t, app)
		r := bufio.NewReader(conn)
		for range 2 {
			body := `{"query":"{ __typename }"}`
			_, err := fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: lendgraph\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
			require.NoError(t, err)
			resp, err := http.ReadResponse(r, nil)
			require.NoError(t, err)
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.JSONEq(t, `{"data":{"__typename":"Query"}}`, string(b))
		}
	})
}

func TestConnIdleKeepAliveIsClosed(t *testing.T) {
	app := apptest.Start(t, func(c *config.Config) { c.HTTPIdleTimeout = 300 * time.Millisecond })
	conn := rawConn(t, app)
	_, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: lendgraph\r\n\r\n")
	require.NoError(t, err)
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("Connection"), "kept alive")
	// then nothing: the server closes the idle connection
	_, err = r.ReadByte()
	var netErr net.Error
	require.False(t, errors.As(err, &netErr) && netErr.Timeout(), "the idle connection was left open")
	assert.ErrorIs(t, err, io.EOF)
}

// TestConnManySlowConnectionsAreClosed: 50 connections stalled at once, half in their headers, half
// in their bodies, are all closed.
func TestConnManySlowConnectionsAreClosed(t *testing.T) {
	app := apptest.Start(t, shortTimeouts)
	var wg sync.WaitGroup
	open := make(chan string, 50)
	for i := range 50 {
		conn := rawConn(t, app)
		start := slowBody
		if i%2 == 0 {
			start = "GET /healthz HTTP/1.1\r\nHost: lendgraph\r\nX-Slow: "
		}
		_, err := io.WriteString(conn, start)
		require.NoError(t, err)
		wg.Go(func() {
			_, err := io.Copy(io.Discard, conn)
			var netErr net.Error
			if errors.As(err, &netErr) && netErr.Timeout() {
				open <- fmt.Sprintf("connection %d", i)
			}
		})
	}
	wg.Wait()
	close(open)
	var left []string
	for c := range open {
		left = append(left, c)
	}
	assert.Empty(t, left, "connections the server kept open")
	assert.Equal(t, http.StatusOK, app.Do(t, http.MethodGet, "/healthz", nil, nil).Status, "and still serves")
}

func TestConnWebSocketWithoutInitIsClosedWith4408(t *testing.T) {
	app := apptest.Start(t, func(c *config.Config) { c.WSInitTimeout = 300 * time.Millisecond })
	for _, subprotocol := range []string{"graphql-transport-ws", "graphql-ws"} {
		t.Run(subprotocol, func(t *testing.T) {
			conn := dial(t, app, subprotocol)
			var m wsMessage
			err := conn.ReadJSON(&m)
			var closeErr *websocket.CloseError
			require.ErrorAs(t, err, &closeErr, "the server closes the connection (read %v)", m)
			assert.Equal(t, 4408, closeErr.Code)
			assert.Equal(t, "Connection initialisation timeout", closeErr.Text)
		})
	}
	require.Eventually(t, func() bool {
		return strings.Contains(string(app.Do(t, http.MethodGet, "/metrics", nil, nil).Body), "lendgraph_websockets_active 0\n")
	}, 5*time.Second, 20*time.Millisecond, "the connections are gone")

	t.Run("an initialised connection stays", func(t *testing.T) {
		token := app.PartnerToken(t)
		conn := dial(t, app, "graphql-transport-ws")
		require.NoError(t, conn.WriteJSON(wsMessage{Type: "connection_init", Payload: map[string]any{"token": token}}))
		require.Equal(t, "connection_ack", next(t, conn).Type)
		time.Sleep(600 * time.Millisecond) // twice the init timeout
		require.NoError(t, conn.WriteJSON(wsMessage{ID: "1", Type: "subscribe", Payload: map[string]any{"query": "{ me { role } }"}}))
		assert.Equal(t, "next", next(t, conn).Type)
	})
}

// TestConnWebSocketOutlivesHTTPTimeouts: a subscription lives on past every HTTP deadline and
// still receives events; one whose client answers no ping is closed.
func TestConnWebSocketOutlivesHTTPTimeouts(t *testing.T) {
	// the subscriber's instance has every HTTP deadline short; the application is filed on another
	// instance of the same database, whose requests may take their time
	watched := apptest.Start(t, func(c *config.Config) {
		c.HTTPReadHeaderTimeout = 200 * time.Millisecond
		c.HTTPBodyTimeout = 200 * time.Millisecond
		c.HTTPWriteTimeout = 200 * time.Millisecond
		c.HTTPIdleTimeout = 200 * time.Millisecond
	})
	acting := apptest.Start(t)
	p := partnerClient{app: acting, token: acting.PartnerToken(t)}
	feed := subscribe(t, watched, p.token, map[string]any{})
	time.Sleep(time.Second) // past every HTTP deadline of the watched instance, five times over
	guid := newApplication(t, p, nil)
	for {
		ev := nextEvent(t, feed)
		if ev["applicationId"] == guid && ev["status"] == "APPROVED" {
			break
		}
	}

	t.Run("graphql-ws: a client that answers ping frames stays, one that does not is closed", func(t *testing.T) {
		app := apptest.Start(t, func(c *config.Config) { c.WSPingInterval = 200 * time.Millisecond })
		token := app.PartnerToken(t)
		init := func() *websocket.Conn {
			conn := dial(t, app, "graphql-ws")
			require.NoError(t, conn.WriteJSON(wsMessage{Type: "connection_init", Payload: map[string]any{"token": token}}))
			require.Equal(t, "connection_ack", next(t, conn).Type)
			return conn
		}
		reading, idle := init(), init()
		// the reading client answers ping frames as it reads (gorilla's default ping handler)
		for until := time.Now().Add(time.Second); time.Now().Before(until); {
			var m wsMessage
			require.NoError(t, reading.ReadJSON(&m))
			require.Equal(t, "ka", m.Type)
		}
		require.NoError(t, reading.WriteJSON(wsMessage{ID: "1", Type: "start", Payload: map[string]any{"query": "{ me { role } }"}}))
		assert.Equal(t, "data", next(t, reading).Type, "alive after five ping intervals")

		// the idle one read nothing meanwhile, so answered no ping
		var err error
		for err == nil {
			var m wsMessage
			err = idle.ReadJSON(&m)
		}
		var netErr net.Error
		assert.False(t, errors.As(err, &netErr) && netErr.Timeout(), "the server closed the connection: %v", err)
	})
	t.Run("graphql-transport-ws: a client that reads but answers no ping frame is closed", func(t *testing.T) {
		app := apptest.Start(t, func(c *config.Config) { c.WSPingInterval = 200 * time.Millisecond })
		conn := subscribe(t, app, app.PartnerToken(t), map[string]any{})
		pings := 0
		conn.SetPingHandler(func(string) error { pings++; return nil }) // no pong
		var err error
		for err == nil {
			var m wsMessage
			err = conn.ReadJSON(&m)
		}
		var netErr net.Error
		assert.False(t, errors.As(err, &netErr) && netErr.Timeout(), "the server closed the connection: %v", err)
		assert.Positive(t, pings, "it was asked")
	})
}

func TestConnSubscriptionOverHTTPIsRefused(t *testing.T) {
	app := apptest.Start(t)
	token := app.EmployeeToken(t)
	const query = `subscription { applicationEvents { status } }`
	client := &http.Client{Timeout: 10 * time.Second} // the test's own bound: the server answers at once
	check := func(t *testing.T, req *http.Request) {
		t.Helper()
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		require.NoError(t, err, "answered, not held open")
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "%s", b)
		assert.Contains(t, string(b), `"code":"SUBSCRIPTION_OVER_HTTP"`)
		assert.Contains(t, string(b), "WebSocket only")
	}
	t.Run("POST", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodPost, app.URL+"/graphql", strings.NewReader(`{"query":"`+query+`"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		check(t, req)
	})
	t.Run("GET", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodGet, app.URL+"/graphql?query="+url.QueryEscape(query), nil)
		require.NoError(t, err)
		check(t, req)
	})
	t.Run("multipart", func(t *testing.T) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		require.NoError(t, mw.WriteField("operations", `{"query":"`+query+`"}`))
		require.NoError(t, mw.WriteField("map", `{}`))
		require.NoError(t, mw.Close())
		req, err := http.NewRequest(http.MethodPost, app.URL+"/graphql", &body)
		require.NoError(t, err)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		check(t, req)
	})
}

// wsFeed reads a graphql-transport-ws connection's messages by subscription id.
type wsFeed struct {
	conn *websocket.Conn
	seen map[string][]wsMessage // read, not yet taken
}

func newFeed(t *testing.T, app *apptest.App, token string) *wsFeed {
	t.Helper()
	conn := dial(t, app, "graphql-transport-ws")
	require.NoError(t, conn.WriteJSON(wsMessage{Type: "connection_init", Payload: map[string]any{"token": token}}))
	require.Equal(t, "connection_ack", next(t, conn).Type)
	return &wsFeed{conn: conn, seen: map[string][]wsMessage{}}
}

func (f *wsFeed) subscribe(t *testing.T, id, guid string) {
	t.Helper()
	require.NoError(t, f.conn.WriteJSON(wsMessage{ID: id, Type: "subscribe", Payload: map[string]any{
		"query":     `subscription($id: ID) { applicationEvents(applicationId: $id) { status } }`,
		"variables": map[string]any{"id": guid},
	}}))
}

// next returns the next message of subscription id.
func (f *wsFeed) next(t *testing.T, id string) wsMessage {
	t.Helper()
	for len(f.seen[id]) == 0 {
		m := next(t, f.conn)
		f.seen[m.ID] = append(f.seen[m.ID], m)
	}
	m := f.seen[id][0]
	f.seen[id] = f.seen[id][1:]
	return m
}

// started tells whether subscription id runs (its first event came) or was refused as too many.
func (f *wsFeed) started(t *testing.T, id string) bool {
	t.Helper()
	m := f.next(t, id)
	require.Equal(t, "next", m.Type, "%v", m)
	if errs, _ := m.Payload["errors"].([]any); len(errs) > 0 {
		ext, _ := errs[0].(map[string]any)["extensions"].(map[string]any)
		require.Equal(t, "TOO_MANY_SUBSCRIPTIONS", ext["code"], "%v", m)
		require.Equal(t, "complete", f.next(t, id).Type, "a refused subscription ends")
		return false
	}
	require.Contains(t, m.Payload, "data", "%v", m)
	return true
}

// until reads subscription id's events until one of status.
func (f *wsFeed) until(t *testing.T, id, status string) {
	t.Helper()
	for {
		m := f.next(t, id)
		require.Equal(t, "next", m.Type, "%v", m)
		if m.Payload["data"].(map[string]any)["applicationEvents"].(map[string]any)["status"] == status {
			return
		}
	}
}

// TestConnSubscriptionCaps: one subscription over a cap is refused with TOO_MANY_SUBSCRIPTIONS
// while the others go on; stopping one or closing its connection frees its slot.
func TestConnSubscriptionCaps(t *testing.T) {
	app := apptest.Start(t, func(c *config.Config) {
		c.WSMaxSubscriptions = 2
		c.MaxCallerSubscriptions = 3
	})
	p := partnerClient{app: app, token: app.PartnerToken(t)}
	guid := newApplication(t, p, nil) // its history replays at once to each subscription
	employee := app.EmployeeToken(t)

	a := newFeed(t, app, employee)
	a.subscribe(t, "a1", guid)
	require.True(t, a.started(t, "a1"))
	a.subscribe(t, "a2", guid)
	require.True(t, a.started(t, "a2"))
	a.subscribe(t, "a3", guid)
	assert.False(t, a.started(t, "a3"), "a third on one connection is over its cap")

	b := newFeed(t, app, employee) // the same caller on another connection
	b.subscribe(t, "b1", guid)
	require.True(t, b.started(t, "b1"))
	b.subscribe(t, "b2", guid)
	assert.False(t, b.started(t, "b2"), "a fourth of one caller is over its cap")

	other := newFeed(t, app, p.token) // another caller is not held back
	other.subscribe(t, "o1", guid)
	assert.True(t, other.started(t, "o1"))

	// the subscriptions within the caps go on
	require.Equal(t, http.StatusOK, p.post(t, action(guid, "select_offer"), nil).Status)
	a.until(t, "a1", "OFFER_SELECTED")
	a.until(t, "a2", "OFFER_SELECTED")
	b.until(t, "b1", "OFFER_SELECTED")

	// retry subscribes on f until one starts: a slot is freed when the server has seen the end
	startsEventually := func(f *wsFeed, prefix string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for i := 0; ; i++ {
			id := fmt.Sprintf("%s-%d", prefix, i)
			f.subscribe(t, id, guid)
			if f.started(t, id) {
				return
			}
			require.True(t, time.Now().Before(deadline), "no slot was freed")
			time.Sleep(20 * time.Millisecond)
		}
	}
	require.NoError(t, a.conn.WriteJSON(wsMessage{ID: "a1", Type: "complete"})) // the client stops a1
	startsEventually(b, "b-after-stop")                                         // the caller's third again
	c := newFeed(t, app, employee)
	c.subscribe(t, "c-full", guid)
	assert.False(t, c.started(t, "c-full"), "the caller holds three: a2 and two on b")
	require.NoError(t, a.conn.Close()) // a2 ends with its connection
	startsEventually(c, "c-after-close")
	c.subscribe(t, "c-full-again", guid)
	assert.False(t, c.started(t, "c-full-again"), "three again: none leaked, none lost")
}
