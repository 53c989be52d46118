// Package scalars marshals the GraphQL scalars whose Go types gqlgen does not know, and reads
// every argument of the built-in ones (see input.go).
package scalars

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/shopspring/decimal"
)

// MarshalInt64ID writes a numeric id as a GraphQL ID, which is always a string.
func MarshalInt64ID(id int64) graphql.ContextMarshaler {
	return text(strconv.FormatInt(id, 10))
}

// UnmarshalInt64ID reads a numeric id given as a string or a number.
func UnmarshalInt64ID(ctx context.Context, v any) (int64, error) {
	switch v := v.(type) {
	case string:
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			return id, nil
		}
	case json.Number:
		if id, err := v.Int64(); err == nil {
			return id, nil
		}
	case int64:
		return v, nil
	case int:
		return int64(v), nil
	}
	return 0, invalid(ctx, "must be a numeric id")
}

// MarshalMoney writes roubles with kopecks as a decimal string: "208990.50".
func MarshalMoney(d decimal.Decimal) graphql.ContextMarshaler {
	return text(d.StringFixed(2))
}

// UnmarshalMoney reads an amount given as a decimal string or a number; kopecks at most.
func UnmarshalMoney(ctx context.Context, v any) (decimal.Decimal, error) {
	d, err := UnmarshalDecimal(ctx, v)
	if err == nil && !d.Equal(d.Round(2)) {
		return decimal.Decimal{}, invalid(ctx, "must have at most 2 decimal places")
	}
	return d, err
}

// MarshalDecimal writes an exact decimal as a string: "17.3".
func MarshalDecimal(d decimal.Decimal) graphql.ContextMarshaler {
	return text(d.String())
}

// UnmarshalDecimal reads a decimal given as a string or a number.
func UnmarshalDecimal(ctx context.Context, v any) (decimal.Decimal, error) {
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
		return decimal.Decimal{}, invalid(ctx, "must be a decimal")
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, invalid(ctx, "must be a decimal")
	}
	return d, nil
}

// MarshalDate writes a date as YYYY-MM-DD.
func MarshalDate(t time.Time) graphql.ContextMarshaler {
	return text(t.Format(time.DateOnly))
}

// UnmarshalDate reads a date given as YYYY-MM-DD.
func UnmarshalDate(ctx context.Context, v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, invalid(ctx, "must be a date YYYY-MM-DD")
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, invalid(ctx, "must be a date YYYY-MM-DD")
	}
	return t, nil
}
