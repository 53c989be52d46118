package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
)

type wsMessage struct {
	ID      string         `json:"id,omitempty"`
	Type    string         `json:"type"`
	Payload map[string]any `json:"payload,omitempty"`
}

func dial(t *testing.T, app *apptest.App, subprotocol string) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{subprotocol}, HandshakeTimeout: 5 * time.Second}
	conn, resp, err := d.Dial("ws"+strings.TrimPrefix(app.URL, "http")+"/graphql", nil)
	require.NoError(t, err)
	require.Equal(t, subprotocol, resp.Header.Get("Sec-WebSocket-Protocol"))
	t.Cleanup(func() { conn.Close() })
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	return conn
}

// next reads messages until one that is not a keep-alive.
func next(t testing.TB, conn *websocket.Conn) wsMessage {
	t.Helper()
	for {
		var m wsMessage
		require.NoError(t, conn.ReadJSON(&m))
		if m.Type != "ka" && m.Type != "ping" && m.Type != "pong" {
			return m
		}
	}
}

func TestWebSocketTransportWS(t *testing.T) {
	app := apptest.Start(t)
	conn := dial(t, app, "graphql-transport-ws")
	require.NoError(t, conn.WriteJSON(wsMessage{Type: "connection_init", Payload: map[string]any{"Authorization": "Bearer " + app.PartnerToken(t)}}))
	assert.Equal(t, "connection_ack", next(t, conn).Type)

	require.NoError(t, conn.WriteJSON(wsMessage{ID: "1", Type: "subscribe", Payload: map[string]any{"query": "{ me { role partner { name } } }"}}))
	m := next(t, conn)
	require.Equal(t, "next", m.Type)
	assert.Equal(t, "1", m.ID)
	assert.Equal(t, map[string]any{"data": map[string]any{"me": map[string]any{"role": "PARTNER", "partner": map[string]any{"name": "demo"}}}}, m.Payload)
	assert.Equal(t, "complete", next(t, conn).Type)
	assert.Contains(t, string(app.Do(t, http.MethodGet, "/metrics", nil, nil).Body), "lendgraph_websockets_active 1\n")

	require.NoError(t, conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")))
	require.Eventually(t, func() bool {
		return strings.Contains(string(app.Do(t, http.MethodGet, "/metrics", nil, nil).Body), "lendgraph_websockets_active 0\n")
	}, 5*time.Second, 20*time.Millisecond, "a closed connection is no longer counted")
}

func TestWebSocketGraphQLWS(t *testing.T) {
	app := apptest.Start(t)
	conn := dial(t, app, "graphql-ws")
	require.NoError(t, conn.WriteJSON(wsMessage{Type: "connection_init", Payload: map[string]any{"token": app.EmployeeToken(t)}}))
	assert.Equal(t, "connection_ack", next(t, conn).Type)
	require.NoError(t, conn.WriteJSON(wsMessage{ID: "7", Type: "start", Payload: map[string]any{"query": "{ me { role } }"}}))
	m := next(t, conn)
	require.Equal(t, "data", m.Type)
	assert.Equal(t, map[string]any{"data": map[string]any{"me": map[string]any{"role": "EMPLOYEE"}}}, m.Payload)
}

func TestWebSocketNeedsAToken(t *testing.T) {
	app := apptest.Start(t)
	for name, payload := range map[string]map[string]any{
		"no token":      nil,
		"invalid token": {"Authorization": "Bearer forged.token.value"},
	} {
		t.Run(name, func(t *testing.T) {
			conn := dial(t, app, "graphql-transport-ws")
			require.NoError(t, conn.WriteJSON(wsMessage{Type: "connection_init", Payload: payload}))
			var closeErr *websocket.CloseError
			for {
				var m wsMessage
				err := conn.ReadJSON(&m)
				if err != nil {
					require.ErrorAs(t, err, &closeErr)
					break
				}
				require.NotEqual(t, "connection_ack", m.Type, "an unauthenticated connection is never acknowledged")
			}
			assert.Equal(t, 4401, closeErr.Code)
			assert.Equal(t, "Unauthorized", closeErr.Text)
			require.Eventually(t, func() bool {
				return strings.Contains(string(app.Do(t, http.MethodGet, "/metrics", nil, nil).Body), "lendgraph_websockets_active 0\n")
			}, 5*time.Second, 20*time.Millisecond, "a refused connection is not counted")
		})
	}
	t.Run("token on the upgrade request", func(t *testing.T) {
		d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}}
		conn, _, err := d.Dial("ws"+strings.TrimPrefix(app.URL, "http")+"/graphql",
			http.Header{"Authorization": {"Bearer " + app.EmployeeToken(t)}})
		require.NoError(t, err)
		defer conn.Close()
		require.NoError(t, conn.WriteJSON(wsMessage{Type: "connection_init"}))
		assert.Equal(t, "connection_ack", next(t, conn).Type)
	})
}

func TestWebSocketReadLimit(t *testing.T) {
	app := apptest.Start(t)
	conn := dial(t, app, "graphql-transport-ws")
	require.NoError(t, conn.WriteJSON(wsMessage{Type: "connection_init", Payload: map[string]any{"token": app.PartnerToken(t)}}))
	require.Equal(t, "connection_ack", next(t, conn).Type)
	big := map[string]any{"query": "{ me { role } }", "variables": map[string]any{"pad": strings.Repeat("x", 70<<10)}}
	require.NoError(t, conn.WriteJSON(wsMessage{ID: "1", Type: "subscribe", Payload: big}))
	for {
		var m wsMessage
		if err := conn.ReadJSON(&m); err != nil {
			var closeErr *websocket.CloseError
			require.ErrorAs(t, err, &closeErr, "the server drops a connection sending a message over the read limit")
			assert.Equal(t, websocket.CloseMessageTooBig, closeErr.Code)
			return
		}
		require.NotEqual(t, "next", m.Type, "an oversized message is never executed")
	}
}
