package auth

import (
	"context"
	"lendgraph/domain"
	"net/http"
	"slices"
	"strings"
)

type callerKey struct{}

// caller is what the request's credentials turned out to be: a principal, an error, or neither.
type caller struct {
	principal domain.Principal
	err       error
}

// WithPrincipal returns ctx carrying an authenticated principal.
func WithPrincipal(ctx context.Context, p domain.Principal) context.Context {
	return context.WithValue(ctx, callerKey{}, caller{principal: p})
}

// withRejected returns ctx remembering that the credentials sent were refused, and why.
func withRejected(ctx context.Context, err error) context.Context {
	return context.WithValue(ctx, callerKey{}, caller{err: err})
}

// Authorize is the one check of who may do what: it returns the caller when they are authenticated
// and hold one of roles (any role when none are listed), and a coded error otherwise.
func Authorize(ctx context.Context, roles ...domain.Role) (domain.Principal, error) {
	c, _ := ctx.Value(callerKey{}).(caller)
	if c.err != nil {
		return domain.Principal{}, c.err
	}
	if c.principal.Role == "" {
		return domain.Principal{}, domain.Errorf(domain.CodeUnauthenticated, "authentication required")
	}
	if len(roles) > 0 && !slices.Contains(roles, c.principal.Role) {
		return domain.Principal{}, domain.Errorf(domain.CodeForbidden, "not allowed for role %s", c.principal.Role)
	}
	return c.principal, nil
}

// Caller is the principal of a request that has passed Authorize (a route's or field's access
// check); the zero Principal otherwise.
func Caller(ctx context.Context) domain.Principal {
	p, _ := Authorize(ctx)
	return p
}

// Authenticate reads the bearer token of a request, when it has one, into the request's context.
// It refuses nothing itself: Authorize decides, so public operations stay reachable.
func (t *Tokens) Authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := r.Header.Get("Authorization"); h != "" {
			r = r.WithContext(t.ContextFor(r.Context(), h))
		}
		next.ServeHTTP(w, r)
	})
}

// ContextFor returns ctx carrying the outcome of an Authorization value ("Bearer <token>"),
// as sent in an HTTP header or a WebSocket connection_init payload.
func (t *Tokens) ContextFor(ctx context.Context, header string) context.Context {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return withRejected(ctx, domain.Errorf(domain.CodeUnauthenticated, "authorization must be a Bearer token"))
	}
	p, err := t.Verify(strings.TrimSpace(token))
	if err != nil {
		return withRejected(ctx, err)
	}
	return WithPrincipal(ctx, p)
}
