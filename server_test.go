package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
)

func TestMain(m *testing.M) { apptest.Main(m) }

// TestGracefulShutdown: on the stop signal the server finishes the request in flight, refuses new
// connections and closes open WebSockets.
func TestGracefulShutdown(t *testing.T) {
	app := apptest.Start(t)
	slow := make(chan struct{})
	mux := http.NewServeMux()
	mux.Handle("/", app.Server.Handler())
	mux.HandleFunc("/slow", func(w http.ResponseWriter, _ *http.Request) {
		close(slow)
		time.Sleep(300 * time.Millisecond)
		_, _ = w.Write([]byte("done"))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "http://" + ln.Addr().String()
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- serve(ctx, ln, app.Server.HTTPServer(mux), 5*time.Second) }()

	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}}
	ws, _, err := d.Dial("ws://"+ln.Addr().String()+"/graphql", nil)
	require.NoError(t, err)
	defer ws.Close()
	require.NoError(t, ws.WriteJSON(map[string]any{"type": "connection_init", "payload": map[string]any{"token": app.PartnerToken(t)}}))
	var ack map[string]any
	require.NoError(t, ws.ReadJSON(&ack))
	require.Equal(t, "connection_ack", ack["type"])

	inFlight := make(chan string, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			inFlight <- err.Error()
			return
		}
		defer resp.Body.Close()
		b := make([]byte, 4)
		n, _ := resp.Body.Read(b)
		inFlight <- string(b[:n])
	}()
	<-slow
	stop()

	assert.Equal(t, "done", <-inFlight, "the request in flight completes")
	require.NoError(t, ws.SetReadDeadline(time.Now().Add(5*time.Second)))
	for err == nil {
		var m map[string]any
		err = ws.ReadJSON(&m)
	}
	var netErr net.Error
	assert.False(t, errors.As(err, &netErr) && netErr.Timeout(), "the WebSocket is closed, not left open: %v", err)
	require.NoError(t, <-served)
	_, err = http.Get(base + "/healthz")
	assert.Error(t, err, "no new connections after shutdown")
}
