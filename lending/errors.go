// Package lending holds lendgraph's domain: who the callers are, the rules they act under,
// and the coded errors every edge (GraphQL, REST) maps to its own shape.
package lending

import (
	"errors"
	"fmt"
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

	CodeMethodNotAllowed Code = "METHOD_NOT_ALLOWED"

	CodeOTPInvalid          Code = "OTP_INVALID"
	CodeOTPExpired          Code = "OTP_EXPIRED"
	CodeOTPAttemptsExceeded Code = "OTP_ATTEMPTS_EXCEEDED"
	CodeOTPNotRequested     Code = "OTP_NOT_REQUESTED"
	CodeInvalidStatus       Code = "INVALID_STATUS"
	// CodeIdentityMismatch: a partner's questionnaire names a known phone but another person.
	CodeIdentityMismatch Code = "CUSTOMER_IDENTITY_MISMATCH"
)

// Error is an expected failure that a client may see: a code and a message safe to show.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError // the bad fields of an INVALID request, when known
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, or CodeInternal when err carries none.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the message a client may see: the coded error's own, or "internal error".
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
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
