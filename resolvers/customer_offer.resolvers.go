package resolvers

import (
	"context"
	"lendgraph/auth"
	"lendgraph/graph"
	"lendgraph/graph/model"
	"lendgraph/lending"
	"lendgraph/store"
)

func (r *mutationResolver) InitiateCustomerOffer(ctx context.Context, input model.InitiateCustomerOfferInput) (*lending.CustomerOffer, error) {
	return pointer(r.Lending.InitiateCustomerOffer(ctx, auth.Caller(ctx), lending.CustomerOfferRequest{
		CustomerID: input.CustomerID, Process: input.Process, EmployeeID: input.EmployeeID,
		ProductID: input.ProductID, PDPATemplateID: input.PdpaTemplateID, Signature: input.Signature.File,
	}))
}

func (r *pdpaConsentResolver) Signature(ctx context.Context, obj *lending.PDPAConsent) (*store.Blob, error) {
	return pointer(r.Lending.CustomerOfferSignature(ctx, auth.Caller(ctx), *obj))
}

func (r *queryResolver) CustomerOffer(ctx context.Context, id string) (*lending.CustomerOffer, error) {
	return orNil(r.Lending.CustomerOffer(ctx, auth.Caller(ctx), id))
}

func (r *queryResolver) PdpaTemplates(ctx context.Context) ([]*store.PDPATemplate, error) {
	return pointers(r.Lending.PDPATemplates(ctx, auth.Caller(ctx)))
}

func (r *Resolver) PdpaConsent() graph.PdpaConsentResolver { return &pdpaConsentResolver{r} }

type pdpaConsentResolver struct{ *Resolver }
