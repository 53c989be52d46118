package domain

import (
	"context"
	"errors"

	"lendgraph/batch"
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
	return ScopeOver(ctx, q, caller, store.OwnedApplication{})
}

// ScopeOver is ScopeOf for a caller asking about an application (or anything owned as one is): when
// the caller is its partner or its customer, the application's own names of them answer the lookup.
func ScopeOver(ctx context.Context, q store.Queries, caller Principal, a store.OwnedApplication) (Scope, error) {
	return scopeOf(caller,
		func(name string) (int64, bool, error) {
			if a.PartnerName != nil && *a.PartnerName == name {
				return *a.PartnerID, true, nil
			}
			p, err := q.PartnerByName(ctx, name)
			return found(p.ID, err)
		},
		func(guid string) (int64, bool, error) {
			if a.CustomerGUID != nil && *a.CustomerGUID == guid {
				return *a.CustomerID, true, nil
			}
			c, err := q.CustomerByGUID(ctx, guid)
			return found(c.ID, err)
		})
}

func found(id int64, err error) (int64, bool, error) {
	if errors.Is(err, store.ErrNotFound) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// scopeOf is ScopeOf's rule, with the lookups of a partner's id by name and a customer's by guid.
func scopeOf(caller Principal, partnerID, customerID func(string) (int64, bool, error)) (Scope, error) {
	switch caller.Role {
	case RoleEmployee:
		return Scope{All: true}, nil
	case RolePartner:
		id, err := known(partnerID(caller.Partner))
		return Scope{PartnerID: &id}, err
	case RoleCustomer:
		id, err := known(customerID(caller.Subject))
		return Scope{CustomerID: &id}, err
	}
	return Scope{}, Errorf(CodeForbidden, "not allowed for role %s", caller.Role)
}

// known is the id a lookup found, or -1, nobody's, when it found none: an unknown partner or
// customer sees nothing.
func known(id int64, found bool, err error) (int64, error) {
	if !found {
		return -1, err
	}
	return id, err
}

// SharedScopes resolves scopes as ScopeOf does, in reads shared by the callers that ask at the
// same time (package batch): a storm of subscriptions costs a few statements.
type SharedScopes struct {
	partners, customers *batch.Reader[string, int64]
}

// NewSharedScopes returns scopes read from st.
func NewSharedScopes(st *store.Store) *SharedScopes {
	return &SharedScopes{
		partners:  batch.New(1000, st.PartnerIDsByName),
		customers: batch.New(1000, st.CustomerIDsByGUID),
	}
}

// Of resolves the caller's scope.
func (s *SharedScopes) Of(ctx context.Context, caller Principal) (Scope, error) {
	return scopeOf(caller,
		func(name string) (int64, bool, error) { return s.partners.Get(ctx, name) },
		func(guid string) (int64, bool, error) {
			if !ValidUUID(guid) {
				return 0, false, nil
			}
			return s.customers.Get(ctx, guid)
		})
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
