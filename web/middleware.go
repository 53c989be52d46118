package web

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"lendgraph/auth"
	"lendgraph/domain"
	"lendgraph/logging"
)

// TraceHeader carries the request's trace id in every response.
const TraceHeader = "X-Trace-Id"

// traceparent is a W3C trace context header; its trace id is reused when a caller sends one.
var traceparent = regexp.MustCompile(`^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$`)

// observe gives the request a trace id, recovers a panic as an internal error, and writes one log
// line and the latency metric when the request ends.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		traceID := newTraceID(r)
		w.Header().Set(TraceHeader, traceID)
		r = r.WithContext(logging.WithTraceID(r.Context(), traceID))
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)

		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Log.ErrorContext(r.Context(), "panic", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if ww.Status() == 0 {
					s.writeError(ww, r, fmt.Errorf("panic: %v", v))
				}
			}
			route := chi.RouteContext(r.Context()).RoutePattern()
			if route == "" {
				route = "unmatched"
			}
			status := ww.Status()
			if status == 0 {
				status = http.StatusOK
			}
			elapsed := time.Since(start)
			s.Metrics.HTTPDuration.WithLabelValues(route, r.Method, strconv.Itoa(status)).Observe(elapsed.Seconds())
			attrs := []any{"method", r.Method, "route", route, "status", status, "duration_ms", elapsed.Milliseconds(), "bytes", ww.BytesWritten()}
			if p, err := auth.Authorize(r.Context()); err == nil {
				attrs = append(attrs, "role", p.Role)
			}
			s.Log.InfoContext(r.Context(), "request", attrs...)
		}()
		next.ServeHTTP(ww, r)
	})
}

// isUpload tells whether a request carries a file: the partner's upload_file, or a GraphQL
// multipart request.
func isUpload(r *http.Request) bool {
	return strings.HasSuffix(r.URL.Path, "/upload_file") ||
		(r.URL.Path == "/graphql" && strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data"))
}

func newTraceID(r *http.Request) string {
	if m := traceparent.FindStringSubmatch(r.Header.Get("traceparent")); m != nil {
		return m[1]
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// limitBody refuses a request body over the configured size with 413 TOO_LARGE (uploads have their
// own limit): at once when the declared length is too big; a body without a declared length
// (chunked) is read here, up to the limit, so that one too big is refused as such whatever the
// handler would make of a body cut short (GraphQL's transport calls it malformed JSON). An upload's
// body is left to stream, bounded as a read error.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := s.Config.MaxBodyBytes
		upload := isUpload(r)
		if upload {
			limit = s.Config.MaxUploadBytes
		}
		tooLarge := domain.Errorf(domain.CodeTooLarge, "request body is larger than %d bytes", limit)
		if r.ContentLength > limit {
			s.writeError(w, r, tooLarge)
			return
		}
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if r.ContentLength < 0 && !upload {
			body, err := io.ReadAll(r.Body)
			var tooBig *http.MaxBytesError
			switch {
			case errors.As(err, &tooBig):
				s.writeError(w, r, tooLarge)
				return
			case err != nil:
				s.writeError(w, r, domain.Errorf(domain.CodeInvalid, "request body could not be read"))
				return
			}
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		}
		next.ServeHTTP(w, r)
	})
}
