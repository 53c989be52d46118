package store

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/jmoiron/sqlx/reflectx"
)

// rowMapper finds a struct's field by column name as sqlx does: by db tag, through embedded structs.
var rowMapper = reflectx.NewMapperFunc("db", strings.ToLower)

var (
	rawMessageType = reflect.TypeFor[json.RawMessage]()
	bytesType      = reflect.TypeFor[[]byte]()
	timeType       = reflect.TypeFor[time.Time]()
	unmarshaler    = reflect.TypeFor[json.Unmarshaler]()
)

// decodeRows fills out from a JSON array of rows as PostgreSQL's json_agg writes them, each an
// object keyed by column name, giving every field what lib/pq would have scanned from the column.
// A column holding a row or an array of rows fills a struct or a slice of structs the same way.
func decodeRows[T any](data []byte, out *[]T) error {
	var rows []json.RawMessage
	if err := json.Unmarshal(data, &rows); err != nil {
		return err
	}
	*out = make([]T, len(rows))
	for i, row := range rows {
		if err := decodeRow(row, reflect.ValueOf(&(*out)[i]).Elem()); err != nil {
			return err
		}
	}
	return nil
}

func decodeRow(data []byte, v reflect.Value) error {
	var columns map[string]json.RawMessage
	if err := json.Unmarshal(data, &columns); err != nil {
		return err
	}
	fields := rowMapper.TypeMap(v.Type())
	for name, value := range columns {
		field, ok := fields.Names[name]
		if !ok {
			return fmt.Errorf("column %s has no field in %s", name, v.Type())
		}
		if err := decodeColumn(value, reflectx.FieldByIndexes(v, field.Index)); err != nil {
			return fmt.Errorf("column %s: %w", name, err)
		}
	}
	return nil
}

func decodeColumn(value json.RawMessage, f reflect.Value) error {
	if bytes.Equal(value, []byte("null")) {
		f.SetZero()
		return nil
	}
	t := f.Type()
	switch {
	case t == rawMessageType: // jsonb
		f.SetBytes(bytes.Clone(value))
		return nil
	case t == bytesType: // bytea, written as "\\x" and hex
		var s string
		if err := json.Unmarshal(value, &s); err != nil {
			return err
		}
		b, err := hex.DecodeString(strings.TrimPrefix(s, `\x`))
		f.SetBytes(b)
		return err
	case t == timeType:
		return decodeTime(value, f)
	case t.Kind() == reflect.Pointer && t.Elem() == timeType:
		f.Set(reflect.New(timeType))
		return decodeTime(value, f.Elem())
	case reflect.PointerTo(t).Implements(unmarshaler):
		return json.Unmarshal(value, f.Addr().Interface())
	case t.Kind() == reflect.Struct:
		return decodeRow(value, f)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		var rows []json.RawMessage
		if err := json.Unmarshal(value, &rows); err != nil {
			return err
		}
		f.Set(reflect.MakeSlice(t, len(rows), len(rows)))
		for i, row := range rows {
			if err := decodeRow(row, f.Index(i)); err != nil {
				return err
			}
		}
		return nil
	}
	return json.Unmarshal(value, f.Addr().Interface())
}

// decodeTime reads a timestamptz, a timestamp or a date, in UTC as lib/pq scans them on the
// store's sessions.
func decodeTime(value json.RawMessage, f reflect.Value) error {
	var s string
	if err := json.Unmarshal(value, &s); err != nil {
		return err
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			f.Set(reflect.ValueOf(t.UTC()))
			return nil
		}
	}
	return fmt.Errorf("%q is not a time", s)
}
