package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"lendgraph/domain"
	"lendgraph/logging"
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
// arrive within HTTP_BODY_TIMEOUT (HTTP_UPLOAD_TIMEOUT for uploads), else the read fails, the
// request is answered 408 REQUEST_TIMEOUT and its connection closed; the response must be written
// within HTTP_WRITE_TIMEOUT of the request's start. The read deadline is lifted once the body has
// been read whole, so a long-running handler is not taken for a vanished client.
//
// A WebSocket upgrade has no body; the upgrade clears the write deadline (gorillaWebsocket.Accept)
// and the connection's own pings and write deadlines take over.
func (s *Server) connectionDeadlines(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		start := time.Now()
		_ = rc.SetWriteDeadline(start.Add(s.Config.HTTPWriteTimeout))
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		timeout := s.Config.HTTPBodyTimeout
		if isUpload(r) {
			timeout = s.Config.HTTPUploadTimeout
		}
		_ = rc.SetReadDeadline(start.Add(timeout))
		body := &deadlineBody{ReadCloser: r.Body, lift: func() { _ = rc.SetReadDeadline(time.Time{}) }}
		r.Body = body
		next.ServeHTTP(&bodyTimeoutWriter{ResponseWriter: w, body: body, answer: func(w http.ResponseWriter) {
			s.Metrics.Errors.WithLabelValues("rest", string(CodeRequestTimeout)).Inc()
			writeJSON(w, http.StatusRequestTimeout, restError{
				TraceID:   logging.TraceID(r.Context()),
				Timestamp: time.Now().UTC().Format(time.RFC3339Nano),
				Message:   fmt.Sprintf("the request body did not arrive within %s", timeout),
				Type:      string(CodeRequestTimeout),
			})
		}}, r)
	})
}

// CodeRequestTimeout answers a request whose body did not arrive in time (HTTP 408).
const CodeRequestTimeout domain.Code = "REQUEST_TIMEOUT"

// deadlineBody lifts the connection's read deadline when the body has been read to its end, and
// tells whether a read ran past it.
type deadlineBody struct {
	io.ReadCloser
	lift     func()
	once     sync.Once
	timedOut atomic.Bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == io.EOF:
		b.once.Do(b.lift)
	case errors.Is(err, os.ErrDeadlineExceeded):
		b.timedOut.Store(true)
	}
	return n, err
}

// bodyTimeoutWriter answers with answer, instead of what the handler answers, a request whose
// body ran past its deadline: the handler saw only a read error.
type bodyTimeoutWriter struct {
	http.ResponseWriter
	body     *deadlineBody
	answer   func(http.ResponseWriter)
	answered bool
}

func (w *bodyTimeoutWriter) replaced() bool {
	if !w.answered && w.body.timedOut.Load() {
		w.answered = true
		w.answer(w.ResponseWriter)
	}
	return w.answered
}

func (w *bodyTimeoutWriter) WriteHeader(status int) {
	if !w.replaced() {
		w.ResponseWriter.WriteHeader(status)
	}
}

func (w *bodyTimeoutWriter) Write(p []byte) (int, error) {
	if w.replaced() {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *bodyTimeoutWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
