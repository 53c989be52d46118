package resolvers

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/auth"
	"lendgraph/lending"
)

// TestHasRole: the directive lets a field resolve only for the roles it names.
func TestHasRole(t *testing.T) {
	hasRole := (&Resolver{}).Config().Directives.HasRole
	resolved := 0
	next := func(context.Context) (any, error) { resolved++; return "value", nil }
	partner := auth.WithPrincipal(context.Background(), lending.Principal{Role: lending.RolePartner, Subject: "demo", Partner: "demo"})

	v, err := hasRole(partner, nil, next, []lending.Role{lending.RoleEmployee, lending.RolePartner})
	require.NoError(t, err)
	assert.Equal(t, "value", v)

	_, err = hasRole(partner, nil, next, []lending.Role{lending.RoleEmployee})
	assert.Equal(t, lending.CodeForbidden, lending.ErrorCode(err))
	_, err = hasRole(context.Background(), nil, next, []lending.Role{lending.RolePartner})
	assert.Equal(t, lending.CodeUnauthenticated, lending.ErrorCode(err))
	assert.Equal(t, 1, resolved, "a refused field never resolves")
}
