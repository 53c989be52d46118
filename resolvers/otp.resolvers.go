package resolvers

import (
	"context"
	"lendgraph/auth"
	"lendgraph/domain"
	"lendgraph/graph"
	"lendgraph/graph/model"
	"lendgraph/otp"
	"lendgraph/store"
)

func (r *mutationResolver) CreateOtpPurpose(ctx context.Context, input otp.PurposeInput) (*model.OtpPurposePayload, error) {
	return purposePayload(r.App.OTP.CreatePurpose(ctx, auth.Caller(ctx), input))
}

func (r *mutationResolver) UpdateOtpPurpose(ctx context.Context, input otp.PurposeInput) (*model.OtpPurposePayload, error) {
	return purposePayload(r.App.OTP.UpdatePurpose(ctx, auth.Caller(ctx), input))
}

func (r *mutationResolver) EnableOtpPurpose(ctx context.Context, input model.OtpPurposeNameInput) (*model.OtpPurposePayload, error) {
	return purposePayload(r.App.OTP.SetPurposeEnabled(ctx, auth.Caller(ctx), input.Name, true))
}

func (r *mutationResolver) DisableOtpPurpose(ctx context.Context, input model.OtpPurposeNameInput) (*model.OtpPurposePayload, error) {
	return purposePayload(r.App.OTP.SetPurposeEnabled(ctx, auth.Caller(ctx), input.Name, false))
}

func (r *mutationResolver) CreateOtpRule(ctx context.Context, input otp.RuleInput) (*model.OtpRulePayload, error) {
	return rulePayload(r.App.OTP.CreateRule(ctx, auth.Caller(ctx), input))
}

func (r *mutationResolver) UpdateOtpRule(ctx context.Context, input otp.RuleInput) (*model.OtpRulePayload, error) {
	return rulePayload(r.App.OTP.UpdateRule(ctx, auth.Caller(ctx), input))
}

func (r *mutationResolver) DeleteOtpRule(ctx context.Context, input otp.RuleInput) (*otp.RuleInput, error) {
	if err := r.App.OTP.DeleteRule(ctx, auth.Caller(ctx), input.ID); err != nil {
		return nil, err
	}
	return &otp.RuleInput{ID: input.ID}, nil
}

func (r *mutationResolver) AddOtpException(ctx context.Context, input otp.ExceptionInput) (*model.OtpExceptionPayload, error) {
	e, err := r.App.OTP.PutException(ctx, auth.Caller(ctx), input)
	if err != nil {
		return nil, err
	}
	return &model.OtpExceptionPayload{Exception: &e}, nil
}

func (r *mutationResolver) RemoveOtpException(ctx context.Context, input model.RemoveOtpExceptionInput) (*model.RemoveOtpExceptionPayload, error) {
	phone, err := r.App.OTP.RemoveException(ctx, auth.Caller(ctx), input.Phone)
	if err != nil {
		return nil, err
	}
	return &model.RemoveOtpExceptionPayload{Phone: phone}, nil
}

func (r *otpPurposeResolver) GuessingDays(ctx context.Context, obj *store.OTPSettings) (float64, error) {
	return otp.GuessingDays(*obj), nil
}

func (r *otpPurposeResolver) Rules(ctx context.Context, obj *store.OTPSettings) ([]*store.OTPRule, error) {
	return pointers(r.App.OTP.Rules(ctx, auth.Caller(ctx), obj.Purpose))
}

func (r *queryResolver) OtpPurposes(ctx context.Context) ([]*store.OTPSettings, error) {
	return pointers(r.App.OTP.Purposes(ctx, auth.Caller(ctx)))
}

func (r *queryResolver) OtpPurpose(ctx context.Context, name string) (*store.OTPSettings, error) {
	p, err := r.App.OTP.Purpose(ctx, auth.Caller(ctx), name)
	if domain.ErrorCode(err) == otp.CodeOTPPurposeNotFound {
		return nil, nil
	}
	return pointer(p, err)
}

func (r *queryResolver) OtpRules(ctx context.Context, purpose string) ([]*store.OTPRule, error) {
	return pointers(r.App.OTP.Rules(ctx, auth.Caller(ctx), purpose))
}

func (r *queryResolver) OtpExceptions(ctx context.Context) ([]*store.OTPException, error) {
	return pointers(r.App.OTP.Exceptions(ctx, auth.Caller(ctx)))
}

func (r *Resolver) OtpPurpose() graph.OtpPurposeResolver { return &otpPurposeResolver{r} }

type otpPurposeResolver struct{ *Resolver }
