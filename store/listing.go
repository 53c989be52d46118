package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/lib/pq"
)

// A Listing reads the rows of one kind that belong to many owners: its SQL selects them where the
// owner's id is in the bigint array $1, its only parameter. PostgreSQL hands the rows over as one
// JSON array (decodeRows), so several listings read together in one statement (ReadTogether) and a
// row may carry what hangs off it (a document's type and data records) in columns of its own.
type Listing[T any] struct {
	sql string
}

// Read returns the rows of the owners ids.
func (l Listing[T]) Read(ctx context.Context, q Queries, ids []int64) ([]T, error) {
	var out []T
	err := q.ReadTogether(ctx, l.Part(ids, &out))
	return out, err
}

// Part is the listing's share of a ReadTogether: the rows of ids, stored into out.
func (l Listing[T]) Part(ids []int64, out *[]T) Part {
	return Part{sql: l.sql, ids: ids, decode: func(rows []byte) error { return decodeRows(rows, out) }}
}

// Part is one listing's rows for its owners within a ReadTogether.
type Part struct {
	sql    string
	ids    []int64
	decode func(rows []byte) error
}

// ReadTogether reads every part in one statement: a row of one JSON array per part.
func (q Queries) ReadTogether(ctx context.Context, parts ...Part) error {
	if len(parts) == 0 {
		return nil
	}
	columns := make([]string, len(parts))
	args := make([]any, len(parts))
	for i, p := range parts {
		// each listing's only parameter, $1, becomes its own
		columns[i] = `(SELECT coalesce(json_agg(r), '[]') FROM (` + strings.ReplaceAll(p.sql, "$1", fmt.Sprintf("$%d", i+1)) + `) r)`
		args[i] = pq.Array(p.ids)
	}
	rows := make([][]byte, len(parts))
	dest := make([]any, len(parts))
	for i := range rows {
		dest[i] = &rows[i]
	}
	q.statements.Add(1)
	ctx, cancel := context.WithTimeout(ctx, q.timeout)
	defer cancel()
	if err := q.ext.QueryRowxContext(ctx, `SELECT `+strings.Join(columns, ", "), args...).Scan(dest...); err != nil {
		return classify(err)
	}
	for i, p := range parts {
		if err := p.decode(rows[i]); err != nil {
			return fmt.Errorf("listing %d: %w", i, err)
		}
	}
	return nil
}
