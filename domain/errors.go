// Package domain is the vocabulary every part of lendgraph shares: the caller (principal, role and
// the scope of records it may see), coded errors and field errors that every edge (GraphQL, REST)
// maps to its own shape, input checks, pages, and the audit trail's record of who changed what.
package domain

import (
	"errors"
	"fmt"
	"time"

	"lendgraph/store"
)

// Code is a stable error code, shown to clients as GraphQL extensions.code and REST "type".
type Code string

// Generic codes (DESIGN.md principle 2) and the specific ones of the platform's spec.
const (
	CodeInternal        Code = "INTERNAL"
	CodeInvalid         Code = "INVALID"
	CodeNotFound        Code = "NOT_FOUND"
	CodeConflict        Code = "CONFLICT"
	CodeForbidden       Code = "FORBIDDEN"
	CodeUnauthenticated Code = "UNAUTHENTICATED"
	CodeTooLarge        Code = "TOO_LARGE"
	CodeTooManyRequests Code = "TOO_MANY_REQUESTS"
	// CodeUnavailable is a temporary outage: the database cannot be reached. Try again later.
	CodeUnavailable Code = "UNAVAILABLE"

	CodeMethodNotAllowed Code = "METHOD_NOT_ALLOWED"

	CodeOTPInvalid          Code = "OTP_INVALID"
	CodeOTPExpired          Code = "OTP_EXPIRED"
	CodeOTPAttemptsExceeded Code = "OTP_ATTEMPTS_EXCEEDED"
	CodeOTPNotRequested     Code = "OTP_NOT_REQUESTED"
	// CodeOTPLocked refuses codes of a phone that has used up its budget of wrong codes; it is a
	// TOO_MANY_REQUESTS with a time to retry.
	CodeOTPLocked Code = "OTP_LOCKED"
	// CodeOTPDisabled refuses codes of a purpose an employee has switched off.
	CodeOTPDisabled Code = "OTP_DISABLED"
	// CodeTooManyCodeFields refuses a GraphQL operation that selects more than one field sending
	// or checking a code (alias batching).
	CodeTooManyCodeFields Code = "TOO_MANY_CODE_FIELDS"
	CodeInvalidStatus     Code = "INVALID_STATUS"
	// CodeIdentityMismatch: a partner's questionnaire names a known phone but another person.
	CodeIdentityMismatch Code = "CUSTOMER_IDENTITY_MISMATCH"
)

// Error is an expected failure that a client may see: a code and a message safe to show.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError // the bad fields of an INVALID request, when known
	// RetryAfter is when a refused request (TOO_MANY_REQUESTS, OTP_LOCKED) may be tried again;
	// REST sends it as Retry-After, GraphQL as extensions.retryAfter, both in whole seconds.
	RetryAfter time.Duration
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Throttled returns a refusal to be retried after wait: code TOO_MANY_REQUESTS or a specific one
// such as OTP_LOCKED.
func Throttled(code Code, wait time.Duration, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), RetryAfter: wait}
}

// outageRetry is when a request refused by a database outage may be tried again.
const outageRetry = 5 * time.Second

// RetryAfterSeconds returns in whole seconds (rounded up, at least 1) when a refused request may be
// tried again: a throttled one's own wait, a database outage's outageRetry; 0 when err says nothing
// of it.
func RetryAfterSeconds(err error) int {
	var e *Error
	wait := time.Duration(0)
	switch {
	case errors.As(err, &e):
		wait = e.RetryAfter
	case errors.Is(err, store.ErrUnavailable):
		wait = outageRetry
	}
	if wait <= 0 {
		return 0
	}
	return int((wait + time.Second - 1) / time.Second)
}

// ErrorCode returns the code of err: its own, CodeUnavailable when the database could not be
// reached (store.ErrUnavailable), or CodeInternal when it carries none.
func ErrorCode(err error) Code {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e.Code
	case errors.Is(err, store.ErrUnavailable):
		return CodeUnavailable
	}
	return CodeInternal
}

// unavailableMessage is what a client reads of a database outage; the cause is only logged.
const unavailableMessage = "the service is temporarily unavailable, try again later"

// ErrorMessage returns the message a client may see: the coded error's own, the outage's, or
// "internal error".
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e.Message
	case errors.Is(err, store.ErrUnavailable):
		return unavailableMessage
	}
	return "internal error"
}

// ErrorFields returns the bad fields err names, if any.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// RenameField returns err with its field from named to instead, for an edge that spells the field
// otherwise (GraphQL's confirmDate for the partner API's confirm_date); other errors as they are.
func RenameField(err error, from, to string) error {
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalid || len(e.Fields) == 0 {
		return err
	}
	fields := make([]FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if f.Field == from {
			f.Field = to
		}
		fields[i] = f
	}
	return Invalid(fields)
}
