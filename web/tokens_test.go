package web_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/config"
)

func claims(mutate func(jwt.MapClaims)) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{
		"iss": "lendgraph", "sub": "demo", "azp": "demo", "role": "partner",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
	if mutate != nil {
		mutate(c)
	}
	return c
}

func sign(t *testing.T, key any, method jwt.SigningMethod, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, c).SignedString(key)
	require.NoError(t, err)
	return s
}

func TestRejectedTokens(t *testing.T) {
	app := apptest.Start(t)
	otherKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	hsSecret := []byte("shared secret")

	// the same claims, correctly signed, are accepted: each case below differs in one way only
	valid := sign(t, app.Key, jwt.SigningMethodES256, claims(nil))
	require.Empty(t, app.GraphQL(t, valid, `{ me { role } }`, nil).Errors)

	unsigned, err := jwt.NewWithClaims(jwt.SigningMethodNone, claims(nil)).SignedString(jwt.UnsafeAllowNoneSignatureType)
	require.NoError(t, err)

	for name, tc := range map[string]struct{ token, message string }{
		"expired":         {sign(t, app.Key, jwt.SigningMethodES256, claims(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Minute).Unix() })), "invalid token: expired"},
		"forged":          {sign(t, otherKey, jwt.SigningMethodES256, claims(nil)), "invalid token: bad signature"},
		"wrong issuer":    {sign(t, app.Key, jwt.SigningMethodES256, claims(func(c jwt.MapClaims) { c["iss"] = "someone-else" })), "invalid token: unknown issuer"},
		"alg none":        {unsigned, "invalid token: bad signature"},
		"alg HS256":       {sign(t, hsSecret, jwt.SigningMethodHS256, claims(nil)), "invalid token: bad signature"},
		"no expiry":       {sign(t, app.Key, jwt.SigningMethodES256, claims(func(c jwt.MapClaims) { delete(c, "exp") })), "invalid token: rejected"},
		"unknown role":    {sign(t, app.Key, jwt.SigningMethodES256, claims(func(c jwt.MapClaims) { c["role"] = "admin" })), "invalid token: no known role or subject"},
		"partner w/o azp": {sign(t, app.Key, jwt.SigningMethodES256, claims(func(c jwt.MapClaims) { delete(c, "azp") })), "invalid token: partner token without azp"},
		"garbage":         {"not-a-jwt", "invalid token: malformed"},
	} {
		t.Run(name, func(t *testing.T) {
			resp := app.GraphQL(t, tc.token, `{ me { role } }`, nil)
			require.Equal(t, "UNAUTHENTICATED", resp.Code())
			assert.Equal(t, tc.message, resp.Errors[0].Message)
			assert.Nil(t, resp.Data)
		})
	}

	t.Run("not a bearer token", func(t *testing.T) {
		resp := app.Do(t, http.MethodGet, "/graphql?query=%7Bme%7Brole%7D%7D", nil, http.Header{"Authorization": {"Basic ZGVtbzpkZW1v"}})
		assert.Contains(t, string(resp.Body), "authorization must be a Bearer token")
	})
	t.Run("a public operation needs no token", func(t *testing.T) {
		resp := app.GraphQL(t, "", `mutation { requestOtp(input: {phone: "79990000201"}) { phone } }`, nil)
		assert.Empty(t, resp.Errors)
	})
}

// TestExternalIssuer accepts tokens of an OIDC issuer (as Keycloak signs them: RS256, roles in
// realm_access) by its JWKS, and still refuses its tokens when they are signed by another key.
func TestExternalIssuer(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	jwks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		b64 := base64.RawURLEncoding.EncodeToString
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]any{{
			"kty": "RSA", "kid": "kc-1", "use": "sig", "alg": "RS256",
			"n": b64(key.N.Bytes()), "e": b64(big.NewInt(int64(key.E)).Bytes()),
		}}})
	}))
	defer jwks.Close()
	const issuer = "http://keycloak.local/realms/etr"
	app := apptest.Start(t, func(c *config.Config) { c.OIDCIssuer, c.OIDCJWKSURL = issuer, jwks.URL })

	external := func(signer *rsa.PrivateKey) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims(func(c jwt.MapClaims) {
			c["iss"], c["sub"], c["azp"] = issuer, "1", "back-office"
			delete(c, "role")
			c["realm_access"] = map[string]any{"roles": []string{"offline_access", "employee"}}
		}))
		tok.Header["kid"] = "kc-1"
		s, err := tok.SignedString(signer)
		require.NoError(t, err)
		return s
	}

	resp := app.GraphQL(t, external(key), `{ me { role subject employee { username } } }`, nil)
	require.Empty(t, resp.Errors)
	me := resp.Data["me"].(map[string]any)
	assert.Equal(t, "EMPLOYEE", me["role"])
	assert.Equal(t, "demo@example.com", me["employee"].(map[string]any)["username"])

	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	assert.Equal(t, "UNAUTHENTICATED", app.GraphQL(t, external(other), `{ me { role } }`, nil).Code())
}
