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

// ApplicationsPage is one page of applications, newest first.
type ApplicationsPage struct {
	Applications []store.Application
	HasNext      bool
}

// Applications lists the applications caller may see, newest first, after the keyset cursor
// afterID (0: from the newest), at most first of them.
func (s *Service) Applications(ctx context.Context, caller Principal, f store.ApplicationFilter, partner string) (ApplicationsPage, error) {
	sc, err := s.scopeOf(ctx, s.Store.Queries, caller)
	if err != nil {
		return ApplicationsPage{}, err
	}
	switch {
	case sc.partnerID != nil:
		f.PartnerID = sc.partnerID
	case sc.customerID != nil:
		f.CustomerID = sc.customerID
	case partner != "":
		p, err := s.Store.PartnerByName(ctx, partner)
		if errors.Is(err, store.ErrNotFound) {
			return ApplicationsPage{}, nil
		}
		if err != nil {
			return ApplicationsPage{}, err
		}
		f.PartnerID = &p.ID
	}
	if f.Limit < 0 || f.Limit > 100 {
		return ApplicationsPage{}, Errorf(CodeInvalid, "first must be between 0 and 100")
	}
	want := f.Limit
	f.Limit++
	apps, err := s.Store.Applications(ctx, f)
	if err != nil {
		return ApplicationsPage{}, err
	}
	page := ApplicationsPage{Applications: apps, HasNext: len(apps) > want}
	if page.HasNext {
		page.Applications = apps[:want]
	}
	return page, nil
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
