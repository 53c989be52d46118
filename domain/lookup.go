package domain

import (
	"context"
	"errors"
	"lendgraph/store"
	"strconv"
	"strings"
)

// NotFound turns the store's ErrNotFound into a NOT_FOUND error with the given message.
func NotFound(err error, format string, args ...any) error {
	if errors.Is(err, store.ErrNotFound) {
		return Errorf(CodeNotFound, format, args...)
	}
	return err
}

// ByID finds a record by its integer id, sent as text, with find: an id that is no integer or no
// row's is a not-found error of code, naming what was looked for.
func ByID[T any](ctx context.Context, id string, code Code, what string, find func(context.Context, int64) (T, error)) (T, error) {
	var zero T
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return zero, Errorf(code, "%s %s not found", what, id)
	}
	v, err := find(ctx, n)
	if errors.Is(err, store.ErrNotFound) {
		return v, Errorf(code, "%s %s not found", what, id)
	}
	return v, err
}

// ByGUID finds a record by guid with find: a malformed guid or no such row is a not-found error of
// code, naming what was looked for.
func ByGUID[T any](ctx context.Context, guid string, code Code, what string, find func(context.Context, string) (T, error)) (T, error) {
	var zero T
	if !ValidUUID(guid) {
		return zero, Errorf(code, "%s %s not found", what, guid)
	}
	v, err := find(ctx, guid)
	if errors.Is(err, store.ErrNotFound) {
		return v, Errorf(code, "%s %s not found", what, guid)
	}
	return v, err
}

// Deref is what p points at, or the zero value.
func Deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func IndexOf[T any](items []T, match func(T) bool) int {
	for i, it := range items {
		if match(it) {
			return i
		}
	}
	return -1
}

func NonBlank(s *string) *string {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil
	}
	return s
}

func NonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
