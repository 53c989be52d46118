package web

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"

	"lendgraph/graph"
	"lendgraph/resolvers"
)

// costOf validates query against the schema and returns what listCost charges for it.
func costOf(t *testing.T, query string, vars map[string]any) int64 {
	t.Helper()
	es := graph.NewExecutableSchema((&resolvers.Resolver{}).Config())
	c := &listCost{max: 1, assumed: 5}
	require.NoError(t, c.Validate(es))
	doc, errs := gqlparser.LoadQuery(es.Schema(), query)
	require.Empty(t, errs)
	w := costWalker{listCost: c, vars: vars, memo: map[fragmentHint]int64{}}
	return w.set(doc.Operations[0].SelectionSet, 0)
}

func TestListCostOf(t *testing.T) {
	for _, tc := range []struct {
		name, query string
		vars        map[string]any
		want        int64
	}{
		{"me", `{ me { role customer { phone } } }`, nil, 4},
		{"a connection multiplies its edges by first", `{ applications(first: 10) { edges { node { id status } } pageInfo { hasNextPage } } }`, nil, 1 + 1 + 10*3 + 2},
		{"first from a variable", `query($n: Int) { applications(first: $n) { edges { node { id } } } }`, map[string]any{"n": 50}, 1 + 1 + 50*2},
		{"the schema's default page", `{ applications { edges { node { id } } } }`, nil, 1 + 1 + 20*2},
		{"first is capped at the page cap", `{ applications(first: 1000) { edges { node { id } } } }`, nil, 1 + 1 + 100*2},
		{"a list of a paged type counts the page cap", `{ me { loans { id } } }`, nil, 1 + 1 + 100*1},
		{"another list counts the assumed size", `{ pdpaTemplates { id } }`, nil, 1 + 5*1},
		{"nested lists multiply", `{ me { customer { applications { customer { applications { customer { applications { id } } } } } } } }`, nil,
			1 + 1 + (1 + 100*(1+(1+100*(1+(1+100*1)))))},
		{"introspection costs 1", introspection, nil, 1 + 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, costOf(t, tc.query, tc.vars))
		})
	}
}

// TestListCostOfPages: the back office's customer page, the heaviest honest query, costs 7 052 at
// the 50 it asks for and fits the default limit (20 000) even at the page cap.
func TestListCostOfPages(t *testing.T) {
	page := `query($last: String, $first: Int) { customers(search: {lastName: $last}, first: $first) { edges { node {
		guid documents { status documentType { name } documentInfo { number } files { version } }
		contacts { contact } cards { bin integrations { integrationCode } } flags { flagType flagReason }
		restrictions { hasRestrictions } addresses { data } employment { salary } } } } }`
	assert.Equal(t, int64(7052), costOf(t, page, map[string]any{"first": 50}))
	assert.Equal(t, int64(14102), costOf(t, page, map[string]any{"first": 100}))
}

const introspection = `{ __schema { types { name } } }`
