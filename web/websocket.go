package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"
)

// gorillaWebsocket lets gqlgen's WebSocket transport run on gorilla/websocket.
//
// Any origin may connect: callers authenticate with a token in connection_init, never with
// cookies, so a foreign page gains nothing by opening a socket.
//
// A connection must send connection_init within initTimeout, else it is closed with 4408
// (graphql-transport-ws's "Connection initialisation timeout"); gqlgen's own init timeout would
// close it with 1002, so its InitTimeout stays 0 and wsConnection keeps the timer.
//
// Once initialised, a connection that stops answering pings is closed after two ping intervals.
// The pings are WebSocket ping frames, which browsers and client libraries answer by themselves,
// sent to every connection by one wsPinger: a goroutine per connection for its pings would be a
// quarter of what an idle subscriber costs. (gqlgen's graphql-transport-ws pings would be such a
// goroutine, so its PingPongInterval stays 0; graphql-ws clients still get their "ka" messages.)
type gorillaWebsocket struct {
	initTimeout time.Duration
	pinger      *wsPinger // nil: no pings
}

var _ transport.WebsocketImplementation = gorillaWebsocket{}

func (g gorillaWebsocket) Accept(w http.ResponseWriter, r *http.Request, opt transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	upgrader := websocket.Upgrader{
		Subprotocols:     opt.Subprotocols,
		HandshakeTimeout: 10 * time.Second,
		CheckOrigin:      func(*http.Request) bool { return true },
		// reads go through the HTTP server's buffer, which the connection holds anyway; write
		// buffers are lent per message, so an idle connection holds none
		WriteBufferPool: wsWriteBuffers,
	}
	conn, err := upgrader.Upgrade(w, r, opt.ResponseHeader)
	if err != nil {
		return nil, err
	}
	// the request's body and write deadlines (connectionDeadlines) end with the upgrade: from here
	// the connection lives as long as it answers pings, each write bounded by writeTimeout
	_ = conn.NetConn().SetDeadline(time.Time{})
	if ws := wsConnectionFrom(r.Context()); ws != nil {
		ws.conn, ws.pinger = conn, g.pinger
		ws.awaitInit(conn, g.initTimeout)
	}
	return gorillaConn{conn}, nil
}

// wsWriteBuffers are the write buffers WebSocket connections borrow while they write a message.
var wsWriteBuffers = &sync.Pool{}

// wsCloseInitTimeout is graphql-transport-ws's close code for a connection that sent no
// connection_init in time.
const wsCloseInitTimeout = 4408

// wsConnection is what the server keeps of one WebSocket connection: whether it has initialised,
// and its open subscriptions (subscriptionLimits). Every operation over the connection has it in
// its context; an operation without one came over plain HTTP.
type wsConnection struct {
	mu            sync.Mutex
	state         wsState
	initTimer     *time.Timer
	conn          *websocket.Conn
	pinger        *wsPinger // pings conn once initialised; nil: no pings
	subscriptions int
}

type wsState int

const (
	wsAwaitingInit wsState = iota
	wsInitialised
	wsInitTimedOut
)

type wsConnectionKey struct{}

func withWSConnection(ctx context.Context, ws *wsConnection) context.Context {
	return context.WithValue(ctx, wsConnectionKey{}, ws)
}

// wsConnectionFrom is the WebSocket connection an operation came over, or nil over plain HTTP.
func wsConnectionFrom(ctx context.Context) *wsConnection {
	ws, _ := ctx.Value(wsConnectionKey{}).(*wsConnection)
	return ws
}

// awaitInit closes conn with 4408 unless initialised is called within timeout.
func (ws *wsConnection) awaitInit(conn *websocket.Conn, timeout time.Duration) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if timeout <= 0 || ws.state != wsAwaitingInit {
		return
	}
	ws.initTimer = time.AfterFunc(timeout, func() {
		ws.mu.Lock()
		timedOut := ws.state == wsAwaitingInit
		if timedOut {
			ws.state = wsInitTimedOut
		}
		ws.mu.Unlock()
		if !timedOut {
			return
		}
		// WriteControl may run beside gqlgen's reader; the expired read deadline then wakes that
		// reader, which closes the connection (its own close frame is not sent: one was)
		_ = conn.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(wsCloseInitTimeout, "Connection initialisation timeout"), time.Now().Add(writeTimeout))
		_ = conn.SetReadDeadline(time.Now())
	})
}

// initialised records the connection_init; false when it came after the timeout had closed the
// connection.
func (ws *wsConnection) initialised() bool {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.state == wsAwaitingInit {
		ws.state = wsInitialised
		if ws.initTimer != nil {
			ws.initTimer.Stop()
		}
		if ws.pinger != nil {
			ws.pinger.add(ws.conn)
		}
	}
	return ws.state == wsInitialised
}

// stop ends the timers of a connection that has ended.
func (ws *wsConnection) stop() {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.initTimer != nil {
		ws.initTimer.Stop()
	}
	if ws.pinger != nil && ws.conn != nil {
		ws.pinger.remove(ws.conn)
	}
}

// wsPinger sends a ping frame to each of its connections every interval, from one goroutine, and
// gives each two intervals to answer: a pong moves its read deadline on, and a connection whose
// deadline passes fails its next read and is closed by its reader.
type wsPinger struct {
	interval time.Duration
	mu       sync.Mutex
	conns    map[*websocket.Conn]struct{}
}

func newWSPinger(interval time.Duration) *wsPinger {
	return &wsPinger{interval: interval, conns: map[*websocket.Conn]struct{}{}}
}

func (p *wsPinger) add(conn *websocket.Conn) {
	// the pong handler runs on the reading goroutine, inside gqlgen's reads
	conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(2 * p.interval)) })
	_ = conn.SetReadDeadline(time.Now().Add(2 * p.interval))
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns[conn] = struct{}{}
}

func (p *wsPinger) remove(conn *websocket.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, conn)
}

// run pings until ctx ends. Each ping is written by a goroutine of its own that ends with the
// write: a peer that reads nothing holds up its own ping (for writeTimeout at most), never the
// others'. A failed write ends the connection.
func (p *wsPinger) run(ctx context.Context) {
	tick := time.NewTicker(p.interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		p.mu.Lock()
		conns := make([]*websocket.Conn, 0, len(p.conns))
		for c := range p.conns {
			conns = append(conns, c)
		}
		p.mu.Unlock()
		for _, c := range conns {
			go func() { _ = c.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeTimeout)) }()
		}
	}
}

// countedWebsocket keeps the gauge of open WebSocket connections: Do returns when one ends. Each
// connection's operations carry its wsConnection in their context.
type countedWebsocket struct {
	transport.Websocket
	active prometheus.Gauge
}

func (t countedWebsocket) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	t.active.Inc()
	defer t.active.Dec()
	ws := &wsConnection{}
	defer ws.stop()
	initFunc := t.InitFunc
	t.InitFunc = func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		if !ws.initialised() {
			return ctx, nil, errors.New("connection initialisation timeout") // closed already, with 4408
		}
		if initFunc == nil {
			return ctx, nil, nil
		}
		return initFunc(ctx, payload)
	}
	t.Websocket.Do(w, r.WithContext(withWSConnection(r.Context(), ws)), exec)
}

// writeTimeout bounds each write, so a peer that stops reading cannot hold a writer forever.
const writeTimeout = 10 * time.Second

type gorillaConn struct{ *websocket.Conn }

var (
	_ transport.WebsocketReadLimiter   = gorillaConn{}
	_ transport.WebsocketReadDeadliner = gorillaConn{}
)

func (c gorillaConn) NextReader() (int, io.Reader, error) {
	t, r, err := c.Conn.NextReader()
	if websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseNoStatusReceived) {
		return t, nil, transport.ErrWebsocketClosed
	}
	return t, r, err
}

func (c gorillaConn) WriteJSON(v any) error {
	if err := c.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return err
	}
	return c.Conn.WriteJSON(v)
}

func (c gorillaConn) WriteClose(code int, message string) error {
	err := c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, message), time.Now().Add(writeTimeout))
	if errors.Is(err, websocket.ErrCloseSent) {
		return nil
	}
	return err
}
