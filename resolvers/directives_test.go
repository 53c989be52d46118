package resolvers

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/auth"
	"lendgraph/domain"
)

// TestHasRole: the directive lets a field resolve only for the roles it names.
func TestHasRole(t *testing.T) {
	hasRole := (&Resolver{}).Config().Directives.HasRole
	resolved := 0
	next := func(context.Context) (any, error) { resolved++; return "value", nil }
	partner := auth.WithPrincipal(context.Background(), domain.Principal{Role: domain.RolePartner, Subject: "demo", Partner: "demo"})

	v, err := hasRole(partner, nil, next, []domain.Role{domain.RoleEmployee, domain.RolePartner})
	require.NoError(t, err)
	assert.Equal(t, "value", v)

	_, err = hasRole(partner, nil, next, []domain.Role{domain.RoleEmployee})
	assert.Equal(t, domain.CodeForbidden, domain.ErrorCode(err))
	_, err = hasRole(context.Background(), nil, next, []domain.Role{domain.RolePartner})
	assert.Equal(t, domain.CodeUnauthenticated, domain.ErrorCode(err))
	assert.Equal(t, 1, resolved, "a refused field never resolves")
}
