package registry

import (
	"context"

	"lendgraph/domain"
	"lendgraph/store"
)

// Customer returns the customer with the given guid.
func (s *Service) Customer(ctx context.Context, guid string) (store.Customer, error) {
	c, err := s.Store.CustomerByGUID(ctx, guid)
	return c, domain.NotFound(err, "customer %s not found", guid)
}

// CustomerByIDOrGUID returns the customer with the given numeric id or guid (exactly one of them).
func (s *Service) CustomerByIDOrGUID(ctx context.Context, id, guid string) (store.Customer, error) {
	switch {
	case (id == "") == (guid == ""):
		return store.Customer{}, domain.Errorf(domain.CodeInvalid, "give either id or guid")
	case guid != "":
		return FindCustomer(ctx, s.Store.Queries, guid)
	}
	return domain.ByID(ctx, id, CodeCustomerNotFound, "customer", s.Store.CustomerByID)
}
