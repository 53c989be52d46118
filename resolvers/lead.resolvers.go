package resolvers

import (
	"context"
	"lendgraph/applications"
	"lendgraph/auth"
	"lendgraph/graph"
	"lendgraph/graph/model"
	"lendgraph/leads"
	"lendgraph/store"
)

func (r *leadResolver) ScoringTask(ctx context.Context, obj *leads.LeadRecord) (*leads.LeadScoring, error) {
	return r.App.Leads.LeadScoring(ctx, *obj)
}

func (r *mutationResolver) UpdateLead(ctx context.Context, id string, input leads.Lead) (*leads.LeadRecord, error) {
	return pointer(r.App.Leads.PutLead(ctx, auth.Caller(ctx), id, input))
}

func (r *mutationResolver) CreateCustomerFromLead(ctx context.Context, id string) (*leads.LeadRecord, error) {
	return pointer(r.App.Leads.CreateCustomerFromLead(ctx, auth.Caller(ctx), id))
}

func (r *mutationResolver) ScoreLead(ctx context.Context, id string) (*leads.LeadRecord, error) {
	return pointer(r.App.Leads.ScoreLead(ctx, auth.Caller(ctx), id))
}

func (r *mutationResolver) UpdateScoringRule(ctx context.Context, id string, input applications.ScoringRuleInput) (*store.ScoringRuleEntry, error) {
	return pointer(r.App.Applications.UpdateScoringRule(ctx, auth.Caller(ctx), id, input))
}

func (r *queryResolver) Lead(ctx context.Context, id string) (*leads.LeadRecord, error) {
	return orNil(r.App.Leads.Lead(ctx, auth.Caller(ctx), id))
}

func (r *queryResolver) Leads(ctx context.Context, first *int, after *string, filter *store.LeadFilter) (*model.LeadConnection, error) {
	f := store.LeadFilter{}
	if filter != nil {
		f = *filter
	}
	var err error
	if f.Limit, f.AfterID, err = pageArgs(first, after); err != nil {
		return nil, err
	}
	page, err := r.App.Leads.Leads(ctx, auth.Caller(ctx), f)
	if err != nil {
		return nil, err
	}
	edges, info := edgesOf(page.Items, page.HasNext, func(l *leads.LeadRecord) int64 { return l.ID },
		func(cursor string, l *leads.LeadRecord) *model.LeadEdge {
			return &model.LeadEdge{Cursor: cursor, Node: l}
		})
	return &model.LeadConnection{Edges: edges, PageInfo: info}, nil
}

func (r *queryResolver) ScoringRules(ctx context.Context) ([]*store.ScoringRuleEntry, error) {
	return pointers(r.App.Applications.ScoringRules(ctx, auth.Caller(ctx)))
}

func (r *Resolver) Lead() graph.LeadResolver { return &leadResolver{r} }

type leadResolver struct{ *Resolver }
