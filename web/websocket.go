package web

import (
	"errors"
	"io"
	"net/http"
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
type gorillaWebsocket struct{}

var _ transport.WebsocketImplementation = gorillaWebsocket{}

func (gorillaWebsocket) Accept(w http.ResponseWriter, r *http.Request, opt transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	upgrader := websocket.Upgrader{
		Subprotocols:     opt.Subprotocols,
		HandshakeTimeout: 10 * time.Second,
		CheckOrigin:      func(*http.Request) bool { return true },
	}
	conn, err := upgrader.Upgrade(w, r, opt.ResponseHeader)
	if err != nil {
		return nil, err
	}
	return gorillaConn{conn}, nil
}

// countedWebsocket keeps the gauge of open WebSocket connections: Do returns when one ends.
type countedWebsocket struct {
	transport.Websocket
	active prometheus.Gauge
}

func (t countedWebsocket) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	t.active.Inc()
	defer t.active.Dec()
	t.Websocket.Do(w, r, exec)
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
