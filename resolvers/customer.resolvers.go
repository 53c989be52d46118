package resolvers

import (
	"lendgraph/graph"
)

func (r *Resolver) Customer() graph.CustomerResolver { return &customerResolver{r} }

type customerResolver struct{ *Resolver }
