package domain

import (
	"context"
	"errors"
	"lendgraph/store"
)

// Scope is what part of the applications a caller may see: employees all of them, a partner its
// own, a customer theirs.
type Scope struct {
	All        bool
	PartnerID  *int64
	CustomerID *int64
}

// ScopeOf resolves the caller's scope. A partner or customer unknown to the store sees nothing.
func ScopeOf(ctx context.Context, q store.Queries, caller Principal) (Scope, error) {
	none := int64(-1)
	switch caller.Role {
	case RoleEmployee:
		return Scope{All: true}, nil
	case RolePartner:
		p, err := q.PartnerByName(ctx, caller.Partner)
		if errors.Is(err, store.ErrNotFound) {
			return Scope{PartnerID: &none}, nil
		}
		return Scope{PartnerID: &p.ID}, err
	case RoleCustomer:
		c, err := q.CustomerByGUID(ctx, caller.Subject)
		if errors.Is(err, store.ErrNotFound) {
			return Scope{CustomerID: &none}, nil
		}
		return Scope{CustomerID: &c.ID}, err
	}
	return Scope{}, Errorf(CodeForbidden, "not allowed for role %s", caller.Role)
}

// Owns tells whether the scope covers a record of the given partner and customer (either may be
// unknown): employees see everything, a partner its own records, a customer theirs.
func (sc Scope) Owns(partnerID, customerID *int64) bool {
	switch {
	case sc.All:
		return true
	case sc.PartnerID != nil:
		return partnerID != nil && *partnerID == *sc.PartnerID
	case sc.CustomerID != nil:
		return customerID != nil && *customerID == *sc.CustomerID
	}
	return false
}

// Page is one page of a list, newest first, and whether more follow.
type Page[T any] struct {
	Items   []T
	HasNext bool
}

// MaxPageSize is the most items a page holds: what a list's `first` may ask for.
const MaxPageSize = 100

// PageSize checks how many items a page is asked to hold: 0 to MaxPageSize.
func PageSize(limit int) error {
	if limit < 0 || limit > MaxPageSize {
		return Errorf(CodeInvalid, "first must be between 0 and %d", MaxPageSize)
	}
	return nil
}

// ReadPage reads a page of limit (0..MaxPageSize) items, asking for one more to tell whether more follow.
func ReadPage[T any](limit int, read func(limit int) ([]T, error)) (Page[T], error) {
	if err := PageSize(limit); err != nil {
		return Page[T]{}, err
	}
	items, err := read(limit + 1)
	if err != nil {
		return Page[T]{}, err
	}
	if len(items) > limit {
		return Page[T]{Items: items[:limit], HasNext: true}, nil
	}
	return Page[T]{Items: items}, nil
}

// EmployeeWrite runs a back-office change (of the registry, of a loan) in one transaction.
func EmployeeWrite[T any](ctx context.Context, st *store.Store, caller Principal, fn func(q store.Queries) (T, error)) (T, error) {
	var out T
	if caller.Role != RoleEmployee {
		return out, Errorf(CodeForbidden, "only employees may do this")
	}
	err := st.Tx(ctx, func(q store.Queries) error {
		var err error
		out, err = fn(q)
		return err
	})
	return out, err
}
