package resolvers

import (
	"context"
	"lendgraph/domain"
	"lendgraph/graph"
	"lendgraph/store"
)

func (r *viewerResolver) Customer(ctx context.Context, obj *domain.Principal) (*store.Customer, error) {
	if obj.Role != domain.RoleCustomer {
		return nil, nil
	}
	c, err := r.App.Registry.Customer(ctx, obj.Subject)
	return &c, err
}

func (r *viewerResolver) Employee(ctx context.Context, obj *domain.Principal) (*store.Employee, error) {
	if obj.Role != domain.RoleEmployee {
		return nil, nil
	}
	e, err := r.App.SignIn.Employee(ctx, obj.Subject)
	return &e, err
}

func (r *viewerResolver) Partner(ctx context.Context, obj *domain.Principal) (*store.Partner, error) {
	if obj.Role != domain.RolePartner {
		return nil, nil
	}
	p, err := r.App.SignIn.Partner(ctx, obj.Partner)
	return &p, err
}

func (r *Resolver) Viewer() graph.ViewerResolver { return &viewerResolver{r} }

type viewerResolver struct{ *Resolver }
