package web

import (
	"io"
	"net/http"
	"sync"
	"time"
)

// HTTPServer is the http.Server that serves h with the configured connection timeouts: the
// binary and the tests serve through it, so both run with the same settings.
//
// Headers must arrive within HTTP_READ_HEADER_TIMEOUT and a keep-alive connection waits
// HTTP_IDLE_TIMEOUT for its next request. Body and write deadlines are set per request by
// connectionDeadlines (a part of Handler), since uploads have a longer one and WebSockets none.
func (s *Server) HTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: s.Config.HTTPReadHeaderTimeout,
		IdleTimeout:       s.Config.HTTPIdleTimeout,
	}
}

// connectionDeadlines bounds the time a request may hold its connection: the whole body must
// arrive within HTTP_BODY_TIMEOUT (HTTP_UPLOAD_TIMEOUT for uploads), else the read fails and the
// connection is closed once the handler has answered; the response must be written within
// HTTP_WRITE_TIMEOUT of the request's start. The read deadline is lifted once the body has been
// read whole, so a long-running handler is not taken for a vanished client.
//
// A WebSocket upgrade has no body; the upgrade clears the write deadline (gorillaWebsocket.Accept)
// and the connection's own pings and write deadlines take over.
func (s *Server) connectionDeadlines(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		start := time.Now()
		_ = rc.SetWriteDeadline(start.Add(s.Config.HTTPWriteTimeout))
		if r.Body != nil && r.Body != http.NoBody {
			timeout := s.Config.HTTPBodyTimeout
			if isUpload(r) {
				timeout = s.Config.HTTPUploadTimeout
			}
			_ = rc.SetReadDeadline(start.Add(timeout))
			r.Body = &deadlineBody{ReadCloser: r.Body, lift: func() { _ = rc.SetReadDeadline(time.Time{}) }}
		}
		next.ServeHTTP(w, r)
	})
}

// deadlineBody lifts the connection's read deadline when the body has been read to its end.
type deadlineBody struct {
	io.ReadCloser
	lift func()
	once sync.Once
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.once.Do(b.lift)
	}
	return n, err
}
