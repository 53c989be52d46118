package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"lendgraph/auth"
	"lendgraph/domain"
	"lendgraph/graph"
	"lendgraph/loaders"
	"lendgraph/logging"
	"lendgraph/resolvers"
)

// graphql builds the /graphql endpoint: POST, GET (queries only) and WebSocket (graphql-ws and
// graphql-transport-ws), with depth and complexity limits and automatic persisted queries.
// Production turns introspection and "did you mean" suggestions off.
func (s *Server) graphql() http.Handler {
	root := &resolvers.Resolver{App: s.App, Events: s.Events}
	srv := handler.New(graph.NewExecutableSchema(root.Config()))
	readLimit := s.Config.WSReadLimit
	srv.AddTransport(countedWebsocket{active: s.Metrics.WebSocketsActive, Websocket: transport.Websocket{
		Implementation:        gorillaWebsocket{initTimeout: s.Config.WSInitTimeout, pinger: s.wsPinger},
		InitFunc:              s.websocketInit,
		KeepAlivePingInterval: s.Config.WSPingInterval, // graphql-ws's "ka"
		PayloadReadLimit:      &readLimit,
	}})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.AddTransport(transport.MultipartForm{MaxUploadSize: s.Config.MaxUploadBytes, MaxMemory: 1 << 20})

	queries := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(queries)
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	if s.Config.Production() {
		srv.Use(noIntrospection{})
	} else {
		srv.Use(extension.Introspection{})
	}
	srv.SetDisableSuggestion(s.Config.Production())
	s.useCostLimits(srv, queries) // before anything that walks the query: see cost.go
	srv.Use(depthLimit{max: s.Config.GraphQLMaxDepth})
	srv.Use(textArguments{})
	srv.Use(codeFieldLimit{})
	srv.Use(operationMetrics{s})
	srv.Use(s.subscriptionLimits()) // WebSocket only, and capped per connection and per caller
	// each operation gets its loaders: batching within it, nothing cached across operations of a
	// WebSocket connection
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(loaders.With(ctx, loaders.New(s.App.Store)))
	})
	srv.SetErrorPresenter(s.presentError)
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		s.Log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		return fmt.Errorf("panic: %v", v)
	})
	return srv
}

// websocketInit authenticates a WebSocket connection from its connection_init payload
// ({"Authorization": "Bearer …"} or {"token": "…"}), or from the upgrade request's header.
// A connection without valid credentials is closed with 4401.
func (s *Server) websocketInit(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	authorization := payload.Authorization()
	if token := payload.GetString("token"); authorization == "" && token != "" {
		authorization = "Bearer " + token
	}
	if authorization != "" {
		ctx = s.Tokens.ContextFor(ctx, authorization)
	}
	if _, err := auth.Authorize(ctx); err != nil {
		ctx = transport.WithWebsocketCloseCode(ctx, 4401)
		return transport.AppendCloseReason(ctx, "Unauthorized"), nil, errors.New(domain.ErrorMessage(err))
	}
	return ctx, nil, nil
}

// presentError gives every GraphQL error an extensions.code and the trace id. Domain errors keep
// their code and message, gqlgen's own (parse, validation, input) keep theirs; anything else is
// logged and shown as "internal error".
func (s *Server) presentError(ctx context.Context, err error) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	var domainErr *domain.Error
	code := domain.CodeInternal
	switch {
	case errors.As(err, &domainErr):
		code, gqlErr.Message = domainErr.Code, domainErr.Message
		if len(domainErr.Fields) > 0 {
			gqlErr.Extensions = map[string]any{"fields": domainErr.Fields}
		}
	case domain.ErrorCode(err) == domain.CodeUnavailable: // the database could not be reached
		s.Log.WarnContext(ctx, "database unavailable", "err", err, "path", gqlErr.Path.String())
		code, gqlErr.Message = domain.CodeUnavailable, domain.ErrorMessage(err)
	case fromGraphQL(err):
		if c, ok := gqlErr.Extensions["code"].(string); ok {
			code = domain.Code(c)
		} else {
			code = domain.CodeInvalid
		}
	default:
		if over, message, ok := requestOver(ctx); ok { // the client has gone: logged once, in cost.go
			code, gqlErr.Message = over, message
			break
		}
		s.Log.ErrorContext(ctx, "internal error", "err", err, "path", gqlErr.Path.String())
		gqlErr.Message = "internal error"
	}
	if gqlErr.Extensions == nil {
		gqlErr.Extensions = map[string]any{}
	}
	if wait := domain.RetryAfterSeconds(err); wait > 0 {
		gqlErr.Extensions["retryAfter"] = wait
	}
	s.Metrics.Errors.WithLabelValues("graphql", string(code)).Inc()
	switch code {
	case domain.CodeInvalidStatus:
		// GraphQL clients know an action out of turn as a CONFLICT; the precise type stays beside it
		gqlErr.Extensions["type"] = string(code)
		code = domain.CodeConflict
	case domain.CodeOTPLocked:
		// and a locked phone as TOO_MANY_REQUESTS, with retryAfter
		gqlErr.Extensions["type"] = string(code)
		code = domain.CodeTooManyRequests
	}
	gqlErr.Extensions["code"] = string(code)
	gqlErr.Extensions["traceId"] = logging.TraceID(ctx)
	return gqlErr
}

// fromGraphQL tells whether err was raised by gqlgen itself (parsing, validation, variable
// coercion) rather than wrapped around a resolver's error: gqlgen wraps every resolver error in a
// *gqlerror.Error whose Err is the original.
func fromGraphQL(err error) bool {
	var gqlErr *gqlerror.Error
	for errors.As(err, &gqlErr) {
		if gqlErr.Err == nil {
			return true
		}
		err = gqlErr.Err
	}
	return false
}

// depthLimit refuses operations nested deeper than max fields. It follows fragment spreads without
// memory, so it only ever sees operations whose expansion operationShape (cost.go) has bounded.
type depthLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (d depthLimit) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	depth := 0
	eachField(op.Operation.SelectionSet, 1, func(_ *ast.Field, level int) { depth = max(depth, level) })
	if depth > d.max {
		err := gqlerror.Errorf("operation is nested %d levels deep, which exceeds the limit of %d", depth, d.max)
		err.Extensions = map[string]any{"code": "DEPTH_LIMIT_EXCEEDED"}
		return err
	}
	return nil
}

// eachField calls visit for every field of set at its nesting level (1 at the top), following
// inline fragments and fragment spreads.
func eachField(set ast.SelectionSet, level int, visit func(f *ast.Field, level int)) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			visit(sel, level)
			eachField(sel.SelectionSet, level+1, visit)
		case *ast.InlineFragment:
			eachField(sel.SelectionSet, level, visit)
		case *ast.FragmentSpread:
			eachField(sel.Definition.SelectionSet, level, visit)
		}
	}
}

// noIntrospection refuses operations that ask for the schema (__schema, __type) before they run.
type noIntrospection struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = noIntrospection{}

func (noIntrospection) ExtensionName() string                   { return "NoIntrospection" }
func (noIntrospection) Validate(graphql.ExecutableSchema) error { return nil }

func (noIntrospection) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	asked := false
	eachField(op.Operation.SelectionSet, 1, func(f *ast.Field, _ int) {
		asked = asked || f.Name == "__schema" || f.Name == "__type"
	})
	if asked {
		err := gqlerror.Errorf("introspection is disabled")
		err.Extensions = map[string]any{"code": "INTROSPECTION_DISABLED"}
		return err
	}
	return nil
}

// operationMetrics records the latency of queries and mutations by operation name.
type operationMetrics struct{ s *Server }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = operationMetrics{}

func (operationMetrics) ExtensionName() string                   { return "OperationMetrics" }
func (operationMetrics) Validate(graphql.ExecutableSchema) error { return nil }

func (m operationMetrics) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if !graphql.HasOperationContext(ctx) {
		return resp
	}
	op := graphql.GetOperationContext(ctx)
	if op.Operation == nil || op.Operation.Operation == ast.Subscription {
		return resp
	}
	name := op.Operation.Name
	switch {
	case name == "":
		name = "anonymous"
	case len(name) > 64: // clients choose names: keep the label set bounded
		name = "other"
	}
	m.s.Metrics.GraphQLDuration.WithLabelValues(string(op.Operation.Operation), name).
		Observe(time.Since(op.Stats.OperationStart).Seconds())
	return resp
}
