package resolvers

import (
	"context"
	"lendgraph/auth"
	"lendgraph/customeroffers"
	"lendgraph/graph"
	"lendgraph/graph/model"
	"lendgraph/store"
)

func (r *mutationResolver) InitiateCustomerOffer(ctx context.Context, input model.InitiateCustomerOfferInput) (*customeroffers.CustomerOffer, error) {
	return pointer(r.App.CustomerOffers.InitiateCustomerOffer(ctx, auth.Caller(ctx), customeroffers.CustomerOfferRequest{
		CustomerID: input.CustomerID, Process: input.Process, EmployeeID: input.EmployeeID,
		ProductID: input.ProductID, PDPATemplateID: input.PdpaTemplateID, Signature: input.Signature.File,
	}))
}

func (r *pdpaConsentResolver) Signature(ctx context.Context, obj *customeroffers.PDPAConsent) (*store.Blob, error) {
	return pointer(r.App.CustomerOffers.CustomerOfferSignature(ctx, auth.Caller(ctx), *obj))
}

func (r *queryResolver) CustomerOffer(ctx context.Context, id string) (*customeroffers.CustomerOffer, error) {
	return orNil(r.App.CustomerOffers.CustomerOffer(ctx, auth.Caller(ctx), id))
}

func (r *queryResolver) PdpaTemplates(ctx context.Context) ([]*store.PDPATemplate, error) {
	return pointers(r.App.CustomerOffers.PDPATemplates(ctx, auth.Caller(ctx)))
}

func (r *Resolver) PdpaConsent() graph.PdpaConsentResolver { return &pdpaConsentResolver{r} }

type pdpaConsentResolver struct{ *Resolver }
