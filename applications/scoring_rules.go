package applications

import (
	"context"
	"slices"
	"strings"

	"lendgraph/domain"
	"lendgraph/scoring"
	"lendgraph/store"
)

// ScoringRules lists every scoring rule, in force or not, in order, for employees.
func (s *Service) ScoringRules(ctx context.Context, caller domain.Principal) ([]store.ScoringRuleEntry, error) {
	if caller.Role != domain.RoleEmployee {
		return nil, domain.Errorf(domain.CodeForbidden, "only employees read the scoring rules")
	}
	return s.Store.ScoringRules(ctx)
}

// ScoringRuleInput changes a scoring rule; nil fields stay as they are.
type ScoringRuleInput struct {
	OrderNo        *int    `json:"orderNo,omitempty"`
	Expression     *string `json:"expression,omitempty"`
	Description    *string `json:"description,omitempty"`
	Blocking       *bool   `json:"blocking,omitempty"`
	Allowing       *bool   `json:"allowing,omitempty"`
	DenialReason   *string `json:"denialReason,omitempty"`
	Recommendation *string `json:"recommendation,omitempty"`
	Active         *bool   `json:"active,omitempty"`
}

// ruleRecommendations are what a rule may recommend when its step passes without deciding.
var ruleRecommendations = []string{scoring.Good, scoring.Medium, scoring.Undefined}

// UpdateScoringRule changes the scoring rule id. The next scoring of a lead or an application
// reads it; an expression the engine cannot compile is refused.
func (s *Service) UpdateScoringRule(ctx context.Context, caller domain.Principal, id string, in ScoringRuleInput) (store.ScoringRuleEntry, error) {
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.ScoringRuleEntry, error) {
		r, err := domain.ByID(ctx, id, domain.CodeNotFound, "scoring rule", q.LockScoringRule)
		if err != nil {
			return r, err
		}
		patchField(&r.OrderNo, in.OrderNo)
		patchField(&r.Expression, in.Expression)
		patchField(&r.Description, in.Description)
		patchField(&r.Blocking, in.Blocking)
		patchField(&r.Allowing, in.Allowing)
		patchField(&r.DenialReason, in.DenialReason)
		patchField(&r.Recommendation, in.Recommendation)
		patchField(&r.Active, in.Active)
		var errs domain.FieldErrors
		if errs.Required("expression", r.Expression) {
			if err := scoring.Check(r.Expression); err != nil {
				errs.Add("expression", "does not compile to a boolean: %s", err)
			}
		}
		if r.Blocking && r.Allowing {
			errs.Add("allowing", "a rule cannot both block and allow")
		}
		if r.Recommendation != "" && !slices.Contains(ruleRecommendations, r.Recommendation) {
			errs.Add("recommendation", "must be one of %s", strings.Join(ruleRecommendations, ", "))
		}
		if len(errs) > 0 {
			return r, domain.Invalid(errs)
		}
		if r, err = q.UpdateScoringRule(ctx, r); err != nil {
			return r, err
		}
		return r, domain.Audit(ctx, q, caller, "updateScoringRule", "scoring_rule", id, in)
	})
}

// patchField writes v over *dst when it is given.
func patchField[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
