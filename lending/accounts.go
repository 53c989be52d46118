package lending

import (
	"context"
	"errors"
	"strconv"

	"lendgraph/store"
)

// Customer returns the customer with the given guid.
func (s *Service) Customer(ctx context.Context, guid string) (store.Customer, error) {
	c, err := s.Store.CustomerByGUID(ctx, guid)
	return c, notFound(err, "customer %s not found", guid)
}

// Employee returns the employee with the given id.
func (s *Service) Employee(ctx context.Context, id string) (store.Employee, error) {
	return byID(ctx, id, CodeNotFound, "employee", s.Store.EmployeeByID)
}

// Partner returns the partner with the given name.
func (s *Service) Partner(ctx context.Context, name string) (store.Partner, error) {
	p, err := s.Store.PartnerByName(ctx, name)
	return p, notFound(err, "partner %q not found", name)
}

// notFound turns the store's ErrNotFound into a NOT_FOUND error with the given message.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, store.ErrNotFound) {
		return Errorf(CodeNotFound, format, args...)
	}
	return err
}

// CustomerByIDOrGUID returns the customer with the given numeric id or guid (exactly one of them).
func (s *Service) CustomerByIDOrGUID(ctx context.Context, id, guid string) (store.Customer, error) {
	switch {
	case (id == "") == (guid == ""):
		return store.Customer{}, Errorf(CodeInvalid, "give either id or guid")
	case guid != "":
		return registryCustomer(ctx, s.Store.Queries, guid)
	}
	return byID(ctx, id, CodeCustomerNotFound, "customer", s.Store.CustomerByID)
}

// byID finds a record by its integer id, sent as text, with find: an id that is no integer or no
// row's is a not-found error of code, naming what was looked for.
func byID[T any](ctx context.Context, id string, code Code, what string, find func(context.Context, int64) (T, error)) (T, error) {
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

// byGUID finds a record by guid with find: a malformed guid or no such row is a not-found error of
// code, naming what was looked for.
func byGUID[T any](ctx context.Context, guid string, code Code, what string, find func(context.Context, string) (T, error)) (T, error) {
	var zero T
	if !validUUID(guid) {
		return zero, Errorf(code, "%s %s not found", what, guid)
	}
	v, err := find(ctx, guid)
	if errors.Is(err, store.ErrNotFound) {
		return v, Errorf(code, "%s %s not found", what, guid)
	}
	return v, err
}
