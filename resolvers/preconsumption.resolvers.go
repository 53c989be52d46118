package resolvers

import (
	"context"
	"encoding/json"
	"lendgraph/auth"
	"lendgraph/graph"
	"lendgraph/graph/model"
	"lendgraph/preconsumption"
	"lendgraph/store"
)

func (r *mutationResolver) SubmitPreConsumptions(ctx context.Context, input preconsumption.PreConsumptionBatch) ([]*preconsumption.PreConsumptionResult, error) {
	return pointers(r.App.PreConsumption.Submit(ctx, auth.Caller(ctx), input))
}

func (r *preConsumptionResolver) HandleList(ctx context.Context, obj *store.PreConsumption) ([]string, error) {
	return obj.HandleList, nil
}

func (r *preConsumptionFormValueResolver) DetailFieldValues(ctx context.Context, obj *store.PreConsumptionFormValue) ([]map[string]any, error) {
	var rows []map[string]any
	return rows, json.Unmarshal(obj.DetailFieldValues, &rows)
}

func (r *queryResolver) PreConsumption(ctx context.Context, businessCode string) (*store.PreConsumption, error) {
	return orNil(r.App.PreConsumption.ByBusinessCode(ctx, auth.Caller(ctx), businessCode))
}

func (r *queryResolver) PreConsumptions(ctx context.Context, first *int, after *string, filter *store.PreConsumptionFilter) (*model.PreConsumptionConnection, error) {
	f := store.PreConsumptionFilter{}
	if filter != nil {
		f = *filter
	}
	var err error
	if f.Limit, f.AfterID, err = pageArgs(first, after); err != nil {
		return nil, err
	}
	page, err := r.App.PreConsumption.List(ctx, auth.Caller(ctx), f)
	if err != nil {
		return nil, err
	}
	edges, info := edgesOf(page.Items, page.HasNext, func(p *store.PreConsumption) int64 { return p.ID },
		func(cursor string, p *store.PreConsumption) *model.PreConsumptionEdge {
			return &model.PreConsumptionEdge{Cursor: cursor, Node: p}
		})
	return &model.PreConsumptionConnection{Edges: edges, PageInfo: info}, nil
}

func (r *Resolver) PreConsumption() graph.PreConsumptionResolver { return &preConsumptionResolver{r} }

func (r *Resolver) PreConsumptionFormValue() graph.PreConsumptionFormValueResolver {
	return &preConsumptionFormValueResolver{r}
}

type (
	preConsumptionResolver          struct{ *Resolver }
	preConsumptionFormValueResolver struct{ *Resolver }
)
