package store

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/lib/pq"
	"github.com/stretchr/testify/assert"
)

func TestClassifyConnectionFailures(t *testing.T) {
	for _, c := range []struct {
		err         error
		unavailable bool
	}{
		{&pq.Error{Code: "08006"}, true},               // connection_failure
		{&pq.Error{Code: "08001"}, true},               // unable to establish
		{&pq.Error{Code: "57P01"}, true},               // admin_shutdown
		{&pq.Error{Code: "57P02"}, true},               // crash_shutdown
		{&pq.Error{Code: "57P03"}, true},               // cannot_connect_now
		{connectError{&pq.Error{Code: "55000"}}, true}, // a database not accepting connections, when connecting
		{connectError{errors.New("password authentication failed")}, true},
		{driver.ErrBadConn, true},
		{fmt.Errorf("query: %w", io.ErrUnexpectedEOF), true},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, true},
		{&pq.Error{Code: "23505"}, false}, // unique_violation
		{&pq.Error{Code: "57014"}, false}, // query_canceled
		{&pq.Error{Code: "55000"}, false}, // not when a statement gets it
		{errors.New("boom"), false},
		{ErrNotFound, false},
	} {
		err := classify(c.err)
		assert.Equal(t, c.unavailable, errors.Is(err, ErrUnavailable), "%v", c.err)
		assert.ErrorIs(t, err, c.err, "the cause stays")
	}
	assert.NoError(t, classify(nil))
	var pqErr *pq.Error
	assert.True(t, errors.As(classify(&pq.Error{Code: "08006"}), &pqErr), "a wrapped pq error is still found")
}
