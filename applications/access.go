package applications

import (
	"context"
	"errors"

	"lendgraph/domain"
	"lendgraph/events"
	"lendgraph/store"
)

// lockVisible locks the application guid when caller may see it; otherwise it is NOT_FOUND, so
// that nobody learns of another's applications.
func (s *Service) lockVisible(ctx context.Context, q store.Queries, caller domain.Principal, guid string) (store.OwnedApplication, error) {
	return s.findVisible(ctx, q, caller, guid, q.LockApplication)
}

// Application returns the application guid when caller may see it.
func (s *Service) Application(ctx context.Context, caller domain.Principal, guid string) (store.Application, error) {
	app, err := s.findVisible(ctx, s.Store.Queries, caller, guid, s.Store.OwnedApplicationByGUID)
	return app.Application, err
}

// findVisible reads the application with the names of its owners, which answer the caller's scope
// when the caller is one of them.
func (s *Service) findVisible(ctx context.Context, q store.Queries, caller domain.Principal, guid string, find func(context.Context, string) (store.OwnedApplication, error)) (store.OwnedApplication, error) {
	var app store.OwnedApplication
	err := store.ErrNotFound
	if domain.ValidUUID(guid) {
		app, err = find(ctx, guid)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.OwnedApplication{}, err
	}
	sc, serr := domain.ScopeOver(ctx, q, caller, app)
	if serr != nil {
		return store.OwnedApplication{}, serr
	}
	if err != nil || !sc.Owns(app.PartnerID, app.CustomerID) {
		return store.OwnedApplication{}, notFound(guid)
	}
	return app, nil
}

// notFound is the answer about an application that does not exist or that the caller may not see:
// the same, so that nobody learns of another's applications.
func notFound(guid string) error {
	return domain.Errorf(domain.CodeNotFound, "application %s not found", guid)
}

func (s *Service) Applications(ctx context.Context, caller domain.Principal, f store.ApplicationFilter, partner string) (domain.Page[store.Application], error) {
	sc, err := domain.ScopeOf(ctx, s.Store.Queries, caller)
	if err != nil {
		return domain.Page[store.Application]{}, err
	}
	switch {
	case sc.PartnerID != nil:
		f.PartnerID = sc.PartnerID
	case sc.CustomerID != nil:
		f.CustomerID = sc.CustomerID
	case partner != "":
		p, err := s.Store.PartnerByName(ctx, partner)
		if errors.Is(err, store.ErrNotFound) {
			return domain.Page[store.Application]{}, nil
		}
		if err != nil {
			return domain.Page[store.Application]{}, err
		}
		f.PartnerID = &p.ID
	}
	return domain.ReadPage(f.Limit, func(limit int) ([]store.Application, error) {
		f.Limit = limit
		return s.Store.Applications(ctx, f)
	})
}

// mayAct tells whether caller, who sees the application, may take action on it: a partner drives
// its applications, a customer their own mobile ones; employees may confirm and cancel any.
func mayAct(caller domain.Principal, app store.Application, action Action) error {
	switch {
	case caller.Role == domain.RoleEmployee && (action == ActionCancel || action == ActionConfirm):
		return nil
	case caller.Role == domain.RolePartner && app.Channel == "PARTNER":
		return nil
	case caller.Role == domain.RoleCustomer && app.Channel == "MOBILE" && action != ActionConfirm:
		return nil
	}
	return domain.Errorf(domain.CodeForbidden, "a %s may not %s this application", caller.Role, action)
}

// EventFilter is what a subscriber receives: the events of application guid, which caller must be
// able to see, or with no guid those of every application caller may see. Its lookups are shared
// by the subscriptions that start at the same time: a reconnect storm costs a few statements.
func (s *Service) EventFilter(ctx context.Context, caller domain.Principal, guid string) (events.Filter, error) {
	sc, err := s.subscriberScopes.Of(ctx, caller)
	if err != nil || guid == "" {
		return events.Filter{PartnerID: sc.PartnerID, CustomerID: sc.CustomerID}, err
	}
	if !domain.ValidUUID(guid) {
		return events.Filter{}, notFound(guid)
	}
	app, found, err := s.subscribedApps.Get(ctx, guid)
	switch {
	case err != nil:
		return events.Filter{}, err
	case !found || !sc.Owns(app.PartnerID, app.CustomerID):
		return events.Filter{}, notFound(guid)
	}
	return events.Filter{ApplicationID: app.ID}, nil
}
