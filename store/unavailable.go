package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"

	"github.com/lib/pq"
)

// ErrUnavailable marks a failure to reach the database at all, as opposed to a statement it
// refused: the server is down, restarting, not accepting connections, or the connection dropped.
// The store wraps such failures so that errors.Is(err, ErrUnavailable) holds; the edges answer
// them as a temporary outage, not as an internal error.
var ErrUnavailable = errors.New("database unavailable")

// unavailableError is a connection failure: errors.Is finds both ErrUnavailable and the cause.
type unavailableError struct{ err error }

func (e unavailableError) Error() string   { return "database unavailable: " + e.err.Error() }
func (e unavailableError) Unwrap() []error { return []error{ErrUnavailable, e.err} }

// connectError is any failure to open a connection, which the pool's connector marks.
type connectError struct{ err error }

func (e connectError) Error() string { return e.err.Error() }
func (e connectError) Unwrap() error { return e.err }

// connector opens lib/pq connections and marks every failure to open one, whatever its cause
// (refused, reset, authentication, a database not accepting connections).
type connector struct{ driver.Connector }

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, connectError{err}
	}
	return conn, nil
}

// classify wraps err in ErrUnavailable when it says the database cannot be reached; it returns
// other errors as they are.
func classify(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) || !unreachable(err) {
		return err
	}
	return unavailableError{err}
}

// unreachable tells whether err is a connection failure: one to connect at all, a connection
// exception (SQLSTATE class 08), the server shutting down or starting (57P01, 57P02, 57P03), a
// connection the driver found broken, or a network error.
func unreachable(err error) bool {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code {
		case "57P01", "57P02", "57P03":
			return true
		}
		if pqErr.Code.Class() == "08" {
			return true
		}
	}
	var connErr connectError
	var netErr net.Error
	return errors.As(err, &connErr) || errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}
