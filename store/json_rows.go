package store

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx/reflectx"
	"github.com/shopspring/decimal"
	"github.com/valyala/fastjson"
)

// decodeRows fills out from a JSON array of rows as PostgreSQL's json_agg writes them, each an
// object keyed by column name, giving every field what lib/pq would have scanned from the column.
// A column holding a row or an array of rows fills a struct or a slice of structs the same way.
func decodeRows[T any](data []byte, out *[]T) error {
	p := parsers.Get()
	defer parsers.Put(p)
	v, err := p.ParseBytes(data)
	if err != nil {
		return err
	}
	return decodeSlice(v, reflect.ValueOf(out).Elem())
}

var parsers fastjson.ParserPool

func decodeSlice(v *fastjson.Value, s reflect.Value) error {
	rows, err := v.Array()
	if err != nil {
		return err
	}
	s.Set(reflect.MakeSlice(s.Type(), len(rows), len(rows)))
	plan := planOf(s.Type().Elem())
	for i, row := range rows {
		if err := plan.decode(row, s.Index(i)); err != nil {
			return err
		}
	}
	return nil
}

// rowPlan decodes rows into one struct type: for each column, the field and how to fill it.
type rowPlan struct {
	typ     reflect.Type
	columns map[string]column
}

type column struct {
	index  []int
	decode func(*fastjson.Value, reflect.Value) error
}

var plans sync.Map // reflect.Type → *rowPlan

// rowMapper finds a struct's field by column name as sqlx does: by db tag, through embedded structs.
var rowMapper = reflectx.NewMapperFunc("db", strings.ToLower)

func planOf(t reflect.Type) *rowPlan {
	if p, ok := plans.Load(t); ok {
		return p.(*rowPlan)
	}
	p := &rowPlan{typ: t, columns: map[string]column{}}
	for name, field := range rowMapper.TypeMap(t).Names {
		if !strings.Contains(name, ".") { // a nested struct's own columns come with its column
			p.columns[name] = column{index: field.Index, decode: decoderOf(field.Field.Type)}
		}
	}
	plans.Store(t, p)
	return p
}

func (p *rowPlan) decode(v *fastjson.Value, row reflect.Value) error {
	o, err := v.Object()
	if err != nil {
		return err
	}
	var failed error
	o.Visit(func(key []byte, value *fastjson.Value) {
		c, ok := p.columns[string(key)]
		switch {
		case failed != nil:
		case !ok:
			failed = fmt.Errorf("column %s has no field in %s", key, p.typ)
		case value.Type() == fastjson.TypeNull:
			reflectx.FieldByIndexes(row, c.index).SetZero()
		default:
			if err := c.decode(value, reflectx.FieldByIndexes(row, c.index)); err != nil {
				failed = fmt.Errorf("column %s: %w", key, err)
			}
		}
	})
	return failed
}

var (
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
	bytesType       = reflect.TypeFor[[]byte]()
	timeType        = reflect.TypeFor[time.Time]()
	decimalType     = reflect.TypeFor[decimal.Decimal]()
	nullDecimalType = reflect.TypeFor[decimal.NullDecimal]()
)

// decoderOf returns how to fill a field of type t from a column's JSON value (never null).
func decoderOf(t reflect.Type) func(*fastjson.Value, reflect.Value) error {
	switch {
	case t == rawMessageType: // jsonb
		return func(v *fastjson.Value, f reflect.Value) error {
			f.SetBytes(v.MarshalTo(nil))
			return nil
		}
	case t == bytesType: // bytea, written as "\\x" and hex
		return func(v *fastjson.Value, f reflect.Value) error {
			s, err := v.StringBytes()
			if err != nil {
				return err
			}
			b, err := hex.DecodeString(strings.TrimPrefix(string(s), `\x`))
			f.SetBytes(b)
			return err
		}
	case t == timeType:
		return decodeTime
	case t == decimalType:
		return func(v *fastjson.Value, f reflect.Value) error {
			d, err := decimal.NewFromString(string(v.MarshalTo(nil)))
			f.Set(reflect.ValueOf(d))
			return err
		}
	case t == nullDecimalType:
		return func(v *fastjson.Value, f reflect.Value) error {
			d, err := decimal.NewFromString(string(v.MarshalTo(nil)))
			f.Set(reflect.ValueOf(decimal.NullDecimal{Decimal: d, Valid: true}))
			return err
		}
	case t.Kind() == reflect.Pointer:
		elem := decoderOf(t.Elem())
		return func(v *fastjson.Value, f reflect.Value) error {
			f.Set(reflect.New(t.Elem()))
			return elem(v, f.Elem())
		}
	case t.Kind() == reflect.String:
		return func(v *fastjson.Value, f reflect.Value) error {
			s, err := v.StringBytes()
			f.SetString(string(s))
			return err
		}
	case t.Kind() == reflect.Int || t.Kind() == reflect.Int64 || t.Kind() == reflect.Int32:
		return func(v *fastjson.Value, f reflect.Value) error {
			n, err := v.Int64()
			f.SetInt(n)
			return err
		}
	case t.Kind() == reflect.Bool:
		return func(v *fastjson.Value, f reflect.Value) error {
			b, err := v.Bool()
			f.SetBool(b)
			return err
		}
	case t.Kind() == reflect.Struct:
		return func(v *fastjson.Value, f reflect.Value) error { return planOf(t).decode(v, f) }
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		return decodeSlice
	}
	// anything else (text[] into a string slice…) as encoding/json reads it
	return func(v *fastjson.Value, f reflect.Value) error {
		return json.Unmarshal(v.MarshalTo(nil), f.Addr().Interface())
	}
}

// decodeTime reads a timestamptz, a timestamp or a date, in UTC as lib/pq scans them on the
// store's sessions.
func decodeTime(v *fastjson.Value, f reflect.Value) error {
	b, err := v.StringBytes()
	if err != nil {
		return err
	}
	s := string(b)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			f.Set(reflect.ValueOf(t.UTC()))
			return nil
		}
	}
	return fmt.Errorf("%q is not a time", s)
}
