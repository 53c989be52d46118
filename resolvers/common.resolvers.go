package resolvers

import (
	"context"
	"lendgraph/auth"
	"lendgraph/domain"
	"lendgraph/graph"
	"lendgraph/graph/model"
	"lendgraph/otp"
)

func (r *mutationResolver) RequestOtp(ctx context.Context, input model.RequestOtpInput) (*otp.Issued, error) {
	issued, err := r.App.OTP.Request(ctx, input.Phone, deref(input.DeviceID))
	return &issued, err
}

func (r *queryResolver) Me(ctx context.Context) (*domain.Principal, error) {
	p, err := auth.Authorize(ctx)
	return &p, err
}

func (r *Resolver) Mutation() graph.MutationResolver { return &mutationResolver{r} }

func (r *Resolver) Query() graph.QueryResolver { return &queryResolver{r} }

type (
	mutationResolver struct{ *Resolver }
	queryResolver    struct{ *Resolver }
)
