package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"lendgraph/domain"
	"lendgraph/logging"
)

// restError is the platform's REST error body.
type restError struct {
	TraceID   string              `json:"traceId"`
	Timestamp string              `json:"timestamp"`
	Message   string              `json:"message"`
	Type      string              `json:"type"`
	Fields    []domain.FieldError `json:"fields,omitempty"` // the bad fields of an INVALID request
}

// statusFor maps an error code to its HTTP status: a missing record (…_NOT_FOUND) is 404, one that
// exists already (…_ALREADY_EXISTS) 409; other codes not listed are client errors (400).
func statusFor(code domain.Code) int {
	switch {
	case strings.HasSuffix(string(code), "_NOT_FOUND"):
		return http.StatusNotFound
	case strings.HasSuffix(string(code), "_ALREADY_EXISTS"), strings.HasSuffix(string(code), "_ALREADY_EXIST"):
		return http.StatusConflict
	}
	switch code {
	case domain.CodeInternal:
		return http.StatusInternalServerError
	case domain.CodeUnauthenticated:
		return http.StatusUnauthorized
	case domain.CodeForbidden:
		return http.StatusForbidden
	case domain.CodeNotFound:
		return http.StatusNotFound
	case domain.CodeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case domain.CodeConflict, domain.CodeInvalidStatus, domain.CodeIdentityMismatch:
		return http.StatusConflict
	case domain.CodeTooManyRequests, domain.CodeOTPLocked:
		return http.StatusTooManyRequests
	case domain.CodeOTPDisabled:
		return http.StatusForbidden
	case domain.CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case domain.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusBadRequest
}

// writeError answers err in the platform's REST shape. Internal errors are logged with the trace
// id and shown only as "internal error"; a database outage is logged as a warning. A refusal that
// says when to retry (throttling, an outage) carries it as Retry-After.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := domain.ErrorCode(err)
	switch code {
	case domain.CodeInternal:
		s.Log.ErrorContext(r.Context(), "internal error", "err", err, "path", r.URL.Path)
	case domain.CodeUnavailable:
		s.Log.WarnContext(r.Context(), "database unavailable", "err", err, "path", r.URL.Path)
	}
	s.Metrics.Errors.WithLabelValues("rest", string(code)).Inc()
	if code == domain.CodeUnauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="lendgraph"`)
	}
	if wait := domain.RetryAfterSeconds(err); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(wait))
	}
	writeJSON(w, statusFor(code), restError{
		TraceID:   logging.TraceID(r.Context()),
		Timestamp: time.Now().UTC().Format(time.RFC3339Nano),
		Message:   domain.ErrorMessage(err),
		Type:      string(code),
		Fields:    domain.ErrorFields(err),
	})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
