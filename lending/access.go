package lending

import (
	"context"
	"errors"

	"lendgraph/events"
	"lendgraph/store"
)

// scope is what part of the applications a caller may see: employees all of them, a partner its
// own, a customer theirs.
type scope struct {
	all        bool
	partnerID  *int64
	customerID *int64
}

// scopeOf resolves the caller's scope. A partner or customer unknown to the store sees nothing.
func (s *Service) scopeOf(ctx context.Context, q store.Queries, caller Principal) (scope, error) {
	none := int64(-1)
	switch caller.Role {
	case RoleEmployee:
		return scope{all: true}, nil
	case RolePartner:
		p, err := q.PartnerByName(ctx, caller.Partner)
		if errors.Is(err, store.ErrNotFound) {
			return scope{partnerID: &none}, nil
		}
		return scope{partnerID: &p.ID}, err
	case RoleCustomer:
		c, err := q.CustomerByGUID(ctx, caller.Subject)
		if errors.Is(err, store.ErrNotFound) {
			return scope{customerID: &none}, nil
		}
		return scope{customerID: &c.ID}, err
	}
	return scope{}, Errorf(CodeForbidden, "not allowed for role %s", caller.Role)
}

func (sc scope) sees(app store.Application) bool {
	switch {
	case sc.all:
		return true
	case sc.partnerID != nil:
		return app.PartnerID != nil && *app.PartnerID == *sc.partnerID
	case sc.customerID != nil:
		return app.CustomerID != nil && *app.CustomerID == *sc.customerID
	}
	return false
}

// lockVisible locks the application guid when caller may see it; otherwise it is NOT_FOUND, so
// that nobody learns of another's applications.
func (s *Service) lockVisible(ctx context.Context, q store.Queries, caller Principal, guid string) (store.Application, error) {
	return s.findVisible(ctx, q, caller, guid, q.LockApplication)
}

// Application returns the application guid when caller may see it.
func (s *Service) Application(ctx context.Context, caller Principal, guid string) (store.Application, error) {
	return s.findVisible(ctx, s.Store.Queries, caller, guid, s.Store.ApplicationByGUID)
}

func (s *Service) findVisible(ctx context.Context, q store.Queries, caller Principal, guid string, find func(context.Context, string) (store.Application, error)) (store.Application, error) {
	sc, err := s.scopeOf(ctx, q, caller)
	if err != nil {
		return store.Application{}, err
	}
	if !validUUID(guid) {
		return store.Application{}, Errorf(CodeNotFound, "application %s not found", guid)
	}
	app, err := find(ctx, guid)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !sc.sees(app)) {
		return store.Application{}, Errorf(CodeNotFound, "application %s not found", guid)
	}
	return app, err
}

// Page is one page of a list, newest first, and whether more follow.
type Page[T any] struct {
	Items   []T
	HasNext bool
}

// MaxPageSize is the most items a page holds: what a list's `first` may ask for.
const MaxPageSize = 100

// pageSize checks how many items a page is asked to hold: 0 to MaxPageSize.
func pageSize(limit int) error {
	if limit < 0 || limit > MaxPageSize {
		return Errorf(CodeInvalid, "first must be between 0 and %d", MaxPageSize)
	}
	return nil
}

// readPage reads a page of limit (0..MaxPageSize) items, asking for one more to tell whether more follow.
func readPage[T any](limit int, read func(limit int) ([]T, error)) (Page[T], error) {
	if err := pageSize(limit); err != nil {
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

func (s *Service) Applications(ctx context.Context, caller Principal, f store.ApplicationFilter, partner string) (Page[store.Application], error) {
	sc, err := s.scopeOf(ctx, s.Store.Queries, caller)
	if err != nil {
		return Page[store.Application]{}, err
	}
	switch {
	case sc.partnerID != nil:
		f.PartnerID = sc.partnerID
	case sc.customerID != nil:
		f.CustomerID = sc.customerID
	case partner != "":
		p, err := s.Store.PartnerByName(ctx, partner)
		if errors.Is(err, store.ErrNotFound) {
			return Page[store.Application]{}, nil
		}
		if err != nil {
			return Page[store.Application]{}, err
		}
		f.PartnerID = &p.ID
	}
	return readPage(f.Limit, func(limit int) ([]store.Application, error) {
		f.Limit = limit
		return s.Store.Applications(ctx, f)
	})
}

// mayAct tells whether caller, who sees the application, may take action on it: a partner drives
// its applications, a customer their own mobile ones; employees may confirm and cancel any.
func mayAct(caller Principal, app store.Application, action Action) error {
	switch {
	case caller.Role == RoleEmployee && (action == ActionCancel || action == ActionConfirm):
		return nil
	case caller.Role == RolePartner && app.Channel == "PARTNER":
		return nil
	case caller.Role == RoleCustomer && app.Channel == "MOBILE" && action != ActionConfirm:
		return nil
	}
	return Errorf(CodeForbidden, "a %s may not %s this application", caller.Role, action)
}

// EventFilter is what a subscriber receives: the events of application guid, which caller must be
// able to see, or with no guid those of every application caller may see.
func (s *Service) EventFilter(ctx context.Context, caller Principal, guid string) (events.Filter, error) {
	if guid != "" {
		app, err := s.Application(ctx, caller, guid)
		return events.Filter{ApplicationID: app.ID}, err
	}
	sc, err := s.scopeOf(ctx, s.Store.Queries, caller)
	return events.Filter{PartnerID: sc.partnerID, CustomerID: sc.customerID}, err
}
