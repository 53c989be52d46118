// Package scalars marshals the GraphQL scalars whose Go types gqlgen does not know.
package scalars

import (
	"encoding/json"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"lendgraph/lending"
)

// MarshalInt64ID writes a numeric id as a GraphQL ID, which is always a string.
func MarshalInt64ID(id int64) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(strconv.FormatInt(id, 10)))
	})
}

// UnmarshalInt64ID reads a numeric id given as a string or a number.
func UnmarshalInt64ID(v any) (int64, error) {
	switch v := v.(type) {
	case string:
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, lending.Errorf(lending.CodeInvalid, "%q is not a numeric id", v)
		}
		return id, nil
	case json.Number:
		id, err := v.Int64()
		if err != nil {
			return 0, lending.Errorf(lending.CodeInvalid, "%s is not a numeric id", v)
		}
		return id, nil
	case int64:
		return v, nil
	case int:
		return int64(v), nil
	}
	return 0, lending.Errorf(lending.CodeInvalid, "%T is not a numeric id", v)
}
