package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"lendgraph/domain"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuthorize(t *testing.T) {
	customer := WithPrincipal(context.Background(), domain.Principal{Role: domain.RoleCustomer, Subject: "g"})

	_, err := Authorize(context.Background())
	assert.Equal(t, domain.CodeUnauthenticated, domain.ErrorCode(err), "no token")

	p, err := Authorize(customer)
	require.NoError(t, err, "any role")
	assert.Equal(t, "g", p.Subject)
	_, err = Authorize(customer, domain.RoleEmployee, domain.RoleCustomer)
	assert.NoError(t, err, "one of the roles")
	_, err = Authorize(customer, domain.RoleEmployee)
	assert.Equal(t, domain.CodeForbidden, domain.ErrorCode(err), "another role")
	assert.Equal(t, "not allowed for role customer", domain.ErrorMessage(err))

	rejected := withRejected(context.Background(), domain.Errorf(domain.CodeUnauthenticated, "invalid token: expired"))
	_, err = Authorize(rejected)
	assert.Equal(t, "invalid token: expired", domain.ErrorMessage(err), "a refused token says why")
}

func TestTokenRoundTrip(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tokens, err := NewTokens(context.Background(), key, "lendgraph", time.Minute, nil)
	require.NoError(t, err)
	for _, p := range []domain.Principal{
		{Role: domain.RoleCustomer, Subject: "5b1f7c0e-1111-4f00-8000-000000000001", DeviceID: "device"},
		{Role: domain.RoleEmployee, Subject: "1"},
		{Role: domain.RolePartner, Subject: "demo", Partner: "demo"},
	} {
		raw, err := tokens.Issue(p)
		require.NoError(t, err)
		got, err := tokens.Verify(raw)
		require.NoError(t, err)
		assert.Equal(t, p, got)
	}

	tokens.now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	raw, err := tokens.Issue(domain.Principal{Role: domain.RoleEmployee, Subject: "1"})
	require.NoError(t, err)
	tokens.now = time.Now
	_, err = tokens.Verify(raw)
	assert.Equal(t, "invalid token: rejected", domain.ErrorMessage(err), "issued in the future")
}

func TestSigningKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev", "key.pem")
	first, err := LoadOrCreateKey(path)
	require.NoError(t, err)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	again, err := LoadOrCreateKey(path)
	require.NoError(t, err)
	assert.True(t, first.Equal(again), "a restart keeps the key, so tokens stay valid")

	_, err = ParseKey([]byte("not pem"))
	assert.Error(t, err)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(p384)
	require.NoError(t, err)
	_, err = ParseKey(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	assert.EqualError(t, err, "signing key: want an EC P-256 key")
}
