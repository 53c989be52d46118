package store

import (
	"context"
	"time"
)

// Sleep holds a statement open on the server for d, to test the query deadline.
func (q Queries) Sleep(ctx context.Context, d time.Duration) error {
	_, err := q.exec(ctx, `SELECT pg_sleep($1)`, d.Seconds())
	return err
}

// SQL is the listing's statement, for tests that scan it the usual way.
func (l Listing[T]) SQL() string { return l.sql }
