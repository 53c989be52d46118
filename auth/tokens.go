// Package auth issues and verifies the bearer tokens of the three roles and decides, in one place,
// whether a caller may do what they ask.
package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"lendgraph/domain"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
)

// Claims are the claims of a lendgraph token. Tokens of an external issuer (Keycloak) may carry the
// role in realm_access.roles instead of role.
type Claims struct {
	jwt.RegisteredClaims
	Role        domain.Role `json:"role,omitempty"`
	AZP         string      `json:"azp,omitempty"`
	DeviceID    string      `json:"device_id,omitempty"`
	RealmAccess struct {
		Roles []string `json:"roles"`
	} `json:"realm_access,omitzero"`
}

// External describes an OIDC issuer (such as Keycloak) whose tokens are accepted too.
type External struct {
	Issuer  string
	JWKSURL string
}

// Tokens signs the service's own tokens with an ES256 key and verifies its own and, when
// configured, an external issuer's.
type Tokens struct {
	key      *ecdsa.PrivateKey
	keyID    string
	issuer   string
	ttl      time.Duration
	external *External
	jwks     keyfunc.Keyfunc
	now      func() time.Time
}

// NewTokens returns a token service signing as issuer with key. With ext set, it fetches and keeps
// refreshing the external issuer's JWKS until ctx ends.
func NewTokens(ctx context.Context, key *ecdsa.PrivateKey, issuer string, ttl time.Duration, ext *External) (*Tokens, error) {
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(der)
	t := &Tokens{key: key, keyID: base64.RawURLEncoding.EncodeToString(sum[:12]), issuer: issuer, ttl: ttl, now: time.Now}
	if ext != nil && ext.JWKSURL != "" {
		jwks, err := keyfunc.NewDefaultCtx(ctx, []string{ext.JWKSURL})
		if err != nil {
			return nil, fmt.Errorf("external issuer JWKS: %w", err)
		}
		t.external, t.jwks = ext, jwks
	}
	return t, nil
}

// TTL is how long an issued token lives.
func (t *Tokens) TTL() time.Duration { return t.ttl }

// Issue signs a token for p.
func (t *Tokens) Issue(p domain.Principal) (string, error) {
	now := t.now()
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return "", err
	}
	claims := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    t.issuer,
			Subject:   p.Subject,
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(t.ttl)),
			ID:        base64.RawURLEncoding.EncodeToString(id),
		},
		Role:     p.Role,
		AZP:      p.Partner,
		DeviceID: p.DeviceID,
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, claims)
	tok.Header["kid"] = t.keyID
	return tok.SignedString(t.key)
}

// Verify checks a token's signature, issuer, expiry and role and returns its principal.
func (t *Tokens) Verify(raw string) (domain.Principal, error) {
	var claims Claims
	_, err := jwt.ParseWithClaims(raw, &claims, t.keyFor,
		jwt.WithValidMethods([]string{"ES256", "RS256", "PS256"}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(30*time.Second),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil {
		return domain.Principal{}, domain.Errorf(domain.CodeUnauthenticated, "invalid token: %s", reason(err))
	}
	role := claims.Role
	if role == "" {
		role = roleFromRealm(claims.RealmAccess.Roles)
	}
	if !role.Valid() || claims.Subject == "" {
		return domain.Principal{}, domain.Errorf(domain.CodeUnauthenticated, "invalid token: no known role or subject")
	}
	p := domain.Principal{Role: role, Subject: claims.Subject, DeviceID: claims.DeviceID}
	if role == domain.RolePartner {
		if claims.AZP == "" {
			return domain.Principal{}, domain.Errorf(domain.CodeUnauthenticated, "invalid token: partner token without azp")
		}
		p.Partner = claims.AZP
	}
	return p, nil
}

// keyFor picks the verification key by the token's issuer: the own key for own tokens, the
// external JWKS for the configured external issuer, nothing for anyone else.
func (t *Tokens) keyFor(tok *jwt.Token) (any, error) {
	iss, err := tok.Claims.GetIssuer()
	if err != nil {
		return nil, err
	}
	switch {
	case iss == t.issuer:
		if tok.Method != jwt.SigningMethodES256 {
			return nil, errors.New("unexpected signing method")
		}
		return &t.key.PublicKey, nil
	case t.external != nil && iss == t.external.Issuer:
		return t.jwks.Keyfunc(tok)
	}
	return nil, errUnknownIssuer
}

var errUnknownIssuer = errors.New("unknown issuer")

func reason(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "expired"
	case errors.Is(err, errUnknownIssuer):
		return "unknown issuer"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return "bad signature"
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "malformed"
	}
	return "rejected"
}

func roleFromRealm(roles []string) domain.Role {
	for _, r := range []domain.Role{domain.RoleEmployee, domain.RolePartner, domain.RoleCustomer} {
		if slices.Contains(roles, string(r)) {
			return r
		}
	}
	return ""
}

// LoadOrCreateKey reads a PEM EC P-256 private key from path, first writing a new one there when
// the file does not exist (development keys that survive restarts).
func LoadOrCreateKey(path string) (*ecdsa.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
		return key, os.WriteFile(path, pemBytes, 0o600)
	}
	if err != nil {
		return nil, err
	}
	return ParseKey(data)
}

// ParseKey parses a PEM EC P-256 private key (PKCS#8 or SEC 1).
func ParseKey(pemBytes []byte) (*ecdsa.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("signing key: no PEM block")
	}
	var parsed any
	parsed, err := x509.ParseECPrivateKey(block.Bytes)
	if err != nil {
		if parsed, err = x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
			return nil, fmt.Errorf("signing key: %w", err)
		}
	}
	key, ok := parsed.(*ecdsa.PrivateKey)
	if !ok || key.Curve != elliptic.P256() {
		return nil, errors.New("signing key: want an EC P-256 key")
	}
	return key, nil
}
