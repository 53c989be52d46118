package scalars

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/domain"
)

// at is the context of reading the argument input.items[1].<field>.
func at(field string) context.Context {
	ctx := graphql.WithPathContext(context.Background(), graphql.NewPathWithField("input"))
	ctx = graphql.WithPathContext(ctx, graphql.NewPathWithField("items"))
	ctx = graphql.WithPathContext(ctx, graphql.NewPathWithIndex(1))
	return graphql.WithPathContext(ctx, graphql.NewPathWithField(field))
}

// refused checks err is INVALID naming the argument by its path, with message.
func refused(t *testing.T, err error, field, message string) {
	t.Helper()
	require.Error(t, err)
	assert.Equal(t, domain.CodeInvalid, domain.ErrorCode(err))
	assert.Equal(t, []domain.FieldError{{Field: "input.items[1]." + field, Message: message}}, domain.ErrorFields(err))
}

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
	}{
		{"208990.50", "208990.5"},
		{"0.01", "0.01"},
		{json.Number("100"), "100"},
		{json.Number("12.34"), "12.34"},
		{int64(5), "5"},
		{7, "7"},
		{12.5, "12.5"},
		{"1e2", "100"},
		{"-3.10", "-3.1"}, // the sign is the domain's to refuse where an amount must be positive
	} {
		got, err := UnmarshalMoney(at("price"), c.in)
		require.NoError(t, err, "%#v", c.in)
		assert.True(t, decimal.RequireFromString(c.want).Equal(got), "%#v: %s", c.in, got)
	}
	for _, c := range []struct {
		in      any
		message string
	}{
		{"1.005", "must have at most 2 decimal places"},
		{json.Number("0.001"), "must have at most 2 decimal places"},
		{100.005, "must have at most 2 decimal places"},
		{"ten", "must be a decimal"},
		{"", "must be a decimal"},
		{"1,50", "must be a decimal"},
		{true, "must be a decimal"},
		{nil, "must be a decimal"},
		{map[string]any{"amount": "1"}, "must be a decimal"},
	} {
		_, err := UnmarshalMoney(at("price"), c.in)
		refused(t, err, "price", c.message)
	}
}

func TestDecimalKeepsEveryPlace(t *testing.T) {
	got, err := UnmarshalDecimal(at("rate"), "11.533339")
	require.NoError(t, err)
	assert.Equal(t, "11.533339", got.String())
	_, err = UnmarshalDecimal(at("rate"), []any{"1"})
	refused(t, err, "rate", "must be a decimal")
}

func TestDate(t *testing.T) {
	got, err := UnmarshalDate(at("due"), "2028-02-29")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC), got)
	for _, in := range []any{"2027-02-29", "2027-13-01", "2027-1-5", "05.01.2027", "2027-01-05T00:00:00Z", "", json.Number("20270105"), 20270105} {
		_, err := UnmarshalDate(at("due"), in)
		refused(t, err, "due", "must be a date YYYY-MM-DD")
	}
}

func TestInt64ID(t *testing.T) {
	for _, in := range []any{"42", json.Number("42"), int64(42), 42} {
		got, err := UnmarshalInt64ID(at("id"), in)
		require.NoError(t, err, "%#v", in)
		assert.Equal(t, int64(42), got)
	}
	for _, in := range []any{"4.2", "x", "", "9223372036854775808", json.Number("1e3"), 4.2, true} {
		_, err := UnmarshalInt64ID(at("id"), in)
		refused(t, err, "id", "must be a numeric id")
	}
}

func TestArgumentOutsideAnyField(t *testing.T) {
	_, err := UnmarshalMoney(context.Background(), "x")
	assert.Equal(t, []domain.FieldError{{Field: "input", Message: "must be a decimal"}}, domain.ErrorFields(err))
}

func TestMarshalWritesJSONStrings(t *testing.T) {
	for _, c := range []struct {
		m    graphql.ContextMarshaler
		want string
	}{
		{MarshalMoney(decimal.RequireFromString("208990.5")), `"208990.50"`},
		{MarshalMoney(decimal.NewFromInt(5)), `"5.00"`},
		{MarshalDecimal(decimal.RequireFromString("17.30")), `"17.3"`},
		{MarshalDate(time.Date(2028, 2, 29, 15, 4, 5, 0, time.UTC)), `"2028-02-29"`},
		{MarshalInt64ID(9007199254740993), `"9007199254740993"`}, // beyond a float's integers: a string keeps it
	} {
		var b bytes.Buffer
		require.NoError(t, c.m.MarshalGQLContext(context.Background(), &b))
		assert.Equal(t, c.want, b.String())
	}
}
