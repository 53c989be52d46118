package lending

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

// Employee returns the employee with the given id.
func (s *Service) Employee(ctx context.Context, id string) (store.Employee, error) {
	return domain.ByID(ctx, id, domain.CodeNotFound, "employee", s.Store.EmployeeByID)
}

// Partner returns the partner with the given name.
func (s *Service) Partner(ctx context.Context, name string) (store.Partner, error) {
	p, err := s.Store.PartnerByName(ctx, name)
	return p, domain.NotFound(err, "partner %q not found", name)
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
