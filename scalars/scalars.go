// Package scalars marshals the GraphQL scalars whose Go types gqlgen does not know.
package scalars

import (
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/shopspring/decimal"

	"lendgraph/lending"
)

// MarshalInt64ID writes a numeric id as a GraphQL ID, which is always a string.
func MarshalInt64ID(id int64) graphql.Marshaler {
	return quoted(strconv.FormatInt(id, 10))
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

// MarshalMoney writes roubles with kopecks as a decimal string: "208990.50".
func MarshalMoney(d decimal.Decimal) graphql.Marshaler {
	return quoted(d.StringFixed(2))
}

// UnmarshalMoney reads an amount given as a decimal string or a number; kopecks at most.
func UnmarshalMoney(v any) (decimal.Decimal, error) {
	d, err := UnmarshalDecimal(v)
	if err == nil && !d.Equal(d.Round(2)) {
		return decimal.Decimal{}, lending.Errorf(lending.CodeInvalid, "%s has more than 2 decimal places", d)
	}
	return d, err
}

// MarshalDecimal writes an exact decimal as a string: "17.3".
func MarshalDecimal(d decimal.Decimal) graphql.Marshaler {
	return quoted(d.String())
}

// UnmarshalDecimal reads a decimal given as a string or a number.
func UnmarshalDecimal(v any) (decimal.Decimal, error) {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case json.Number:
		s = v.String()
	case int64:
		return decimal.NewFromInt(v), nil
	case int:
		return decimal.NewFromInt(int64(v)), nil
	case float64:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return decimal.Decimal{}, lending.Errorf(lending.CodeInvalid, "%T is not a decimal", v)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, lending.Errorf(lending.CodeInvalid, "%q is not a decimal", s)
	}
	return d, nil
}

// MarshalDate writes a date as YYYY-MM-DD.
func MarshalDate(t time.Time) graphql.Marshaler {
	return quoted(t.Format(time.DateOnly))
}

// UnmarshalDate reads a date given as YYYY-MM-DD.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, lending.Errorf(lending.CodeInvalid, "a date is a string YYYY-MM-DD")
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, lending.Errorf(lending.CodeInvalid, "%q is not a date YYYY-MM-DD", s)
	}
	return t, nil
}

func quoted(s string) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(s)) })
}
