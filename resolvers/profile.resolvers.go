package resolvers

import (
	"context"
	"lendgraph/auth"
	"lendgraph/graph"
	"lendgraph/graph/model"
	"lendgraph/loaders"
	"lendgraph/registry"
	"lendgraph/store"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
)

func (r *addressResolver) Data(ctx context.Context, obj *store.Address) (map[string]any, error) {
	return jsonMap(obj.Data)
}

func (r *cardResolver) Integrations(ctx context.Context, obj *store.Card) ([]*store.CardIntegration, error) {
	return pointers(loaders.For(ctx).CardIntegrations.Load(ctx, obj.ID))
}

func (r *contactResolver) AdditionalData(ctx context.Context, obj *store.Contact) (map[string]any, error) {
	return jsonMap(obj.AdditionalData)
}

func (r *customerResolver) AdditionalData(ctx context.Context, obj *store.Customer) (map[string]any, error) {
	return jsonMap(obj.AdditionalData)
}

func (r *customerResolver) Addresses(ctx context.Context, obj *store.Customer) ([]*store.Address, error) {
	return pointers(loaders.For(ctx).Addresses.Load(ctx, obj.ID))
}

func (r *customerResolver) Contacts(ctx context.Context, obj *store.Customer) ([]*store.Contact, error) {
	return pointers(loaders.For(ctx).Contacts.Load(ctx, obj.ID))
}

func (r *customerResolver) Cards(ctx context.Context, obj *store.Customer) ([]*store.Card, error) {
	return pointers(loaders.For(ctx).Cards.Load(ctx, obj.ID))
}

func (r *customerResolver) Employment(ctx context.Context, obj *store.Customer) (*store.Employment, error) {
	es, err := loaders.For(ctx).Employment.Load(ctx, obj.ID)
	if err != nil || len(es) == 0 {
		return nil, err
	}
	return &es[0], nil
}

func (r *customerResolver) Applications(ctx context.Context, obj *store.Customer) ([]*store.Application, error) {
	return pointers(loaders.For(ctx).Applications.Load(ctx, obj.ID))
}

func (r *customerResolver) Loans(ctx context.Context, obj *store.Customer) ([]*store.Loan, error) {
	return pointers(loaders.For(ctx).CustomerLoans.Load(ctx, obj.ID))
}

func (r *employmentResolver) AdditionalData(ctx context.Context, obj *store.Employment) (map[string]any, error) {
	return jsonMap(obj.AdditionalData)
}

func (r *incomeImportResultResolver) CustomerID(ctx context.Context, obj *registry.IncomeImportResult) (*string, error) {
	if obj.CustomerID == 0 {
		return nil, nil
	}
	id := strconv.FormatInt(obj.CustomerID, 10)
	return &id, nil
}

func (r *incomeImportResultResolver) Code(ctx context.Context, obj *registry.IncomeImportResult) (*string, error) {
	if obj.Code == "" {
		return nil, nil
	}
	code := string(obj.Code)
	return &code, nil
}

func (r *incomeImportResultResolver) Message(ctx context.Context, obj *registry.IncomeImportResult) (*string, error) {
	if obj.Message == "" {
		return nil, nil
	}
	return &obj.Message, nil
}

func (r *mutationResolver) CreateCustomer(ctx context.Context, input registry.CustomerInput) (*store.Customer, error) {
	return pointer(r.App.Registry.CreateCustomer(ctx, auth.Caller(ctx), input))
}

func (r *mutationResolver) PatchCustomer(ctx context.Context, id string, input registry.CustomerInput) (*store.Customer, error) {
	return pointer(r.App.Registry.PatchCustomer(ctx, auth.Caller(ctx), id, input))
}

func (r *mutationResolver) AddAddress(ctx context.Context, customerID string, isPrimary bool, data map[string]any) (*store.Address, error) {
	return pointer(r.App.Registry.AddAddress(ctx, auth.Caller(ctx), customerID, isPrimary, data))
}

func (r *mutationResolver) UpdateAddress(ctx context.Context, id string, data map[string]any) (*store.Address, error) {
	return pointer(r.App.Registry.UpdateAddress(ctx, auth.Caller(ctx), id, data))
}

func (r *mutationResolver) AddContact(ctx context.Context, customerID string, input registry.ContactInput) (*store.Contact, error) {
	return pointer(r.App.Registry.AddContact(ctx, auth.Caller(ctx), customerID, input))
}

func (r *mutationResolver) CreateCard(ctx context.Context, customerID string, input registry.CardInput) (*store.Card, error) {
	return pointer(r.App.Registry.CreateCard(ctx, auth.Caller(ctx), customerID, input))
}

func (r *mutationResolver) SetCardActive(ctx context.Context, id string, isActive bool) (*store.Card, error) {
	return pointer(r.App.Registry.SetCardActive(ctx, auth.Caller(ctx), id, isActive))
}

func (r *mutationResolver) PutCardIntegration(ctx context.Context, cardID string, integrationCode string, externalCardUniqueID string) (*store.CardIntegration, error) {
	return pointer(r.App.Registry.PutCardIntegration(ctx, auth.Caller(ctx), cardID, integrationCode, externalCardUniqueID))
}

func (r *mutationResolver) AddEmployment(ctx context.Context, customerID string, input registry.EmploymentInput) (*store.Employment, error) {
	return pointer(r.App.Registry.AddEmployment(ctx, auth.Caller(ctx), customerID, input))
}

func (r *mutationResolver) UpdateEmployment(ctx context.Context, id string, input registry.EmploymentInput) (*store.Employment, error) {
	return pointer(r.App.Registry.UpdateEmployment(ctx, auth.Caller(ctx), id, input))
}

func (r *mutationResolver) ImportIncomes(ctx context.Context, file graphql.Upload) ([]*registry.IncomeImportResult, error) {
	return pointers(r.App.Registry.ImportIncomes(ctx, auth.Caller(ctx), file.File))
}

func (r *queryResolver) Customers(ctx context.Context, search store.CustomerMatch, first *int, after *string) (*model.CustomerConnection, error) {
	limit, afterID, err := pageArgs(first, after)
	if err != nil {
		return nil, err
	}
	customers, more, err := r.App.Registry.SearchCustomers(ctx, auth.Caller(ctx), search, afterID, limit)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(customers))
	for i, c := range customers {
		ids[i] = c.ID
	}
	loaders.For(ctx).ExpectCustomers(ids, asked(ctx, "edges", "node"))
	edges, info := edgesOf(customers, more, func(c *store.Customer) int64 { return c.ID },
		func(cursor string, c *store.Customer) *model.CustomerEdge {
			return &model.CustomerEdge{Cursor: cursor, Node: c}
		})
	return &model.CustomerConnection{Edges: edges, PageInfo: info}, nil
}

func (r *Resolver) Address() graph.AddressResolver { return &addressResolver{r} }

func (r *Resolver) Card() graph.CardResolver { return &cardResolver{r} }

func (r *Resolver) Contact() graph.ContactResolver { return &contactResolver{r} }

func (r *Resolver) Employment() graph.EmploymentResolver { return &employmentResolver{r} }

func (r *Resolver) IncomeImportResult() graph.IncomeImportResultResolver {
	return &incomeImportResultResolver{r}
}

type (
	addressResolver            struct{ *Resolver }
	cardResolver               struct{ *Resolver }
	contactResolver            struct{ *Resolver }
	employmentResolver         struct{ *Resolver }
	incomeImportResultResolver struct{ *Resolver }
)
