package web

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"lendgraph/auth"
	"lendgraph/domain"
)

// Error codes of subscriptions refused before they start.
const (
	// CodeSubscriptionOverHTTP: a subscription sent over plain HTTP (POST, GET, multipart); it is
	// answered at once (HTTP 422) and never held open. Subscriptions run over WebSocket only.
	CodeSubscriptionOverHTTP domain.Code = "SUBSCRIPTION_OVER_HTTP"
	// CodeTooManySubscriptions: the connection or the caller has as many subscriptions open as
	// allowed; the others go on, and a slot is free again when one of them ends.
	CodeTooManySubscriptions domain.Code = "TOO_MANY_SUBSCRIPTIONS"
)

func init() {
	// a request error, as a parse or validation error is: 422 over HTTP
	errcode.RegisterErrorType(string(CodeSubscriptionOverHTTP), errcode.KindProtocol)
}

// subscriptionLimits keeps subscriptions to WebSockets and caps how many are open at once: per
// WebSocket connection (WS_MAX_SUBSCRIPTIONS_PER_CONNECTION) and per caller, the principal's role
// and subject, over all its connections to this instance (MAX_SUBSCRIPTIONS_PER_CALLER; instances
// count apart). A slot is taken when a subscription starts and given back when its context ends:
// the client stops it, its stream ends, or its connection closes.
type subscriptionLimits struct {
	perConnection, perCaller int // 0: no limit
	present                  func(context.Context, error) *gqlerror.Error

	mu      sync.Mutex
	callers map[string]int // open subscriptions by caller
}

func (s *Server) subscriptionLimits() *subscriptionLimits {
	return &subscriptionLimits{
		perConnection: s.Config.WSMaxSubscriptions,
		perCaller:     s.Config.MaxCallerSubscriptions,
		present:       s.presentError,
		callers:       map[string]int{},
	}
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.OperationInterceptor
} = (*subscriptionLimits)(nil)

func (*subscriptionLimits) ExtensionName() string                   { return "SubscriptionLimits" }
func (*subscriptionLimits) Validate(graphql.ExecutableSchema) error { return nil }

func isSubscription(op *graphql.OperationContext) bool {
	return op != nil && op.Operation != nil && op.Operation.Operation == ast.Subscription
}

// MutateOperationContext refuses a subscription that came over plain HTTP before it runs.
func (*subscriptionLimits) MutateOperationContext(ctx context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if !isSubscription(op) || wsConnectionFrom(ctx) != nil {
		return nil
	}
	err := gqlerror.Errorf("subscriptions are served over WebSocket only (graphql-transport-ws or graphql-ws on /graphql)")
	err.Extensions = map[string]any{"code": string(CodeSubscriptionOverHTTP)}
	return err
}

// InterceptOperation takes a slot for a subscription, or answers TOO_MANY_SUBSCRIPTIONS.
func (l *subscriptionLimits) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	ws := wsConnectionFrom(ctx)
	if ws == nil || !graphql.HasOperationContext(ctx) || !isSubscription(graphql.GetOperationContext(ctx)) {
		return next(ctx)
	}
	p := auth.Caller(ctx)
	caller := string(p.Role) + ":" + p.Subject
	if err := l.take(ws, caller); err != nil {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{l.present(ctx, err)}})
	}
	// the transport cancels a subscription's context whenever it ends
	context.AfterFunc(ctx, func() { l.give(ws, caller) })
	return next(ctx)
}

func (l *subscriptionLimits) take(ws *wsConnection, caller string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	switch {
	case l.perConnection > 0 && ws.subscriptions >= l.perConnection:
		return domain.Errorf(CodeTooManySubscriptions, "this connection has %d subscriptions open, the most allowed; stop one first", l.perConnection)
	case l.perCaller > 0 && l.callers[caller] >= l.perCaller:
		return domain.Errorf(CodeTooManySubscriptions, "you have %d subscriptions open, the most allowed; stop one first", l.perCaller)
	}
	ws.subscriptions++
	l.callers[caller]++
	return nil
}

func (l *subscriptionLimits) give(ws *wsConnection, caller string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	ws.subscriptions--
	if l.callers[caller]--; l.callers[caller] <= 0 {
		delete(l.callers, caller)
	}
}
