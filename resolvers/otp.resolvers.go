package resolvers

import (
	"context"
	"lendgraph/auth"
	"lendgraph/domain"
	"lendgraph/graph"
	"lendgraph/graph/model"
	"lendgraph/lending"
	"lendgraph/store"
)

func (r *mutationResolver) CreateOtpPurpose(ctx context.Context, input lending.OTPPurposeInput) (*model.OtpPurposePayload, error) {
	return purposePayload(r.App.Lending.CreateOTPPurpose(ctx, auth.Caller(ctx), input))
}

func (r *mutationResolver) UpdateOtpPurpose(ctx context.Context, input lending.OTPPurposeInput) (*model.OtpPurposePayload, error) {
	return purposePayload(r.App.Lending.UpdateOTPPurpose(ctx, auth.Caller(ctx), input))
}

func (r *mutationResolver) EnableOtpPurpose(ctx context.Context, input model.OtpPurposeNameInput) (*model.OtpPurposePayload, error) {
	return purposePayload(r.App.Lending.SetOTPPurposeEnabled(ctx, auth.Caller(ctx), input.Name, true))
}

func (r *mutationResolver) DisableOtpPurpose(ctx context.Context, input model.OtpPurposeNameInput) (*model.OtpPurposePayload, error) {
	return purposePayload(r.App.Lending.SetOTPPurposeEnabled(ctx, auth.Caller(ctx), input.Name, false))
}

func (r *mutationResolver) CreateOtpRule(ctx context.Context, input lending.OTPRuleInput) (*model.OtpRulePayload, error) {
	return rulePayload(r.App.Lending.CreateOTPRule(ctx, auth.Caller(ctx), input))
}

func (r *mutationResolver) UpdateOtpRule(ctx context.Context, input lending.OTPRuleInput) (*model.OtpRulePayload, error) {
	return rulePayload(r.App.Lending.UpdateOTPRule(ctx, auth.Caller(ctx), input))
}

func (r *mutationResolver) DeleteOtpRule(ctx context.Context, input lending.OTPRuleInput) (*lending.OTPRuleInput, error) {
	if err := r.App.Lending.DeleteOTPRule(ctx, auth.Caller(ctx), input.ID); err != nil {
		return nil, err
	}
	return &lending.OTPRuleInput{ID: input.ID}, nil
}

func (r *mutationResolver) AddOtpException(ctx context.Context, input lending.OTPExceptionInput) (*model.OtpExceptionPayload, error) {
	e, err := r.App.Lending.PutOTPException(ctx, auth.Caller(ctx), input)
	if err != nil {
		return nil, err
	}
	return &model.OtpExceptionPayload{Exception: &e}, nil
}

func (r *mutationResolver) RemoveOtpException(ctx context.Context, input model.RemoveOtpExceptionInput) (*model.RemoveOtpExceptionPayload, error) {
	phone, err := r.App.Lending.RemoveOTPException(ctx, auth.Caller(ctx), input.Phone)
	if err != nil {
		return nil, err
	}
	return &model.RemoveOtpExceptionPayload{Phone: phone}, nil
}

func (r *otpPurposeResolver) GuessingDays(ctx context.Context, obj *store.OTPSettings) (float64, error) {
	return lending.GuessingDays(*obj), nil
}

func (r *otpPurposeResolver) Rules(ctx context.Context, obj *store.OTPSettings) ([]*store.OTPRule, error) {
	return pointers(r.App.Lending.OTPRules(ctx, auth.Caller(ctx), obj.Purpose))
}

func (r *queryResolver) OtpPurposes(ctx context.Context) ([]*store.OTPSettings, error) {
	return pointers(r.App.Lending.OTPPurposes(ctx, auth.Caller(ctx)))
}

func (r *queryResolver) OtpPurpose(ctx context.Context, name string) (*store.OTPSettings, error) {
	p, err := r.App.Lending.OTPPurpose(ctx, auth.Caller(ctx), name)
	if domain.ErrorCode(err) == lending.CodeOTPPurposeNotFound {
		return nil, nil
	}
	return pointer(p, err)
}

func (r *queryResolver) OtpRules(ctx context.Context, purpose string) ([]*store.OTPRule, error) {
	return pointers(r.App.Lending.OTPRules(ctx, auth.Caller(ctx), purpose))
}

func (r *queryResolver) OtpExceptions(ctx context.Context) ([]*store.OTPException, error) {
	return pointers(r.App.Lending.OTPExceptions(ctx, auth.Caller(ctx)))
}

func (r *Resolver) OtpPurpose() graph.OtpPurposeResolver { return &otpPurposeResolver{r} }

type otpPurposeResolver struct{ *Resolver }
