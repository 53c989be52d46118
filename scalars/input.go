package scalars

import (
	"context"
	"io"
	"lendgraph/domain"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// The scalars of this package read their arguments through functions given the argument's
// context, so that a value of the wrong kind is INVALID naming the argument by its path
// ("input.customer.birthDate"), never an internal error. gqlgen.yml binds Time, Map and Upload to
// them as well as this package's own scalars.

// inputPath is the path of the argument being read below its field: "input.items[0].name".
func inputPath(ctx context.Context) string {
	var path ast.Path
	for pc := graphql.GetPathContext(ctx); pc != nil; pc = pc.Parent {
		switch {
		case pc.Index != nil:
			path = append(path, ast.PathIndex(*pc.Index))
		case pc.Field != nil:
			path = append(path, ast.PathName(*pc.Field))
		}
	}
	if len(path) == 0 {
		return "input"
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path.String()
}

// invalid is the error of the argument being read at ctx.
func invalid(ctx context.Context, message string) error {
	return domain.Invalid([]domain.FieldError{{Field: inputPath(ctx), Message: message}})
}

// contextMarshaler adapts a plain marshaler to the context form gqlgen calls the functions of
// this package with.
func contextMarshaler(m graphql.Marshaler) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(_ context.Context, w io.Writer) error {
		m.MarshalGQL(w)
		return nil
	})
}

// text is a string output value, written as a JSON string.
type text string

func (t text) MarshalGQLContext(_ context.Context, w io.Writer) error {
	_, err := io.WriteString(w, strconv.Quote(string(t)))
	return err
}

// MarshalTime writes a date-time as RFC 3339; the zero time is null.
func MarshalTime(t time.Time) graphql.ContextMarshaler {
	if t.IsZero() {
		return graphql.Null
	}
	return text(t.Format(time.RFC3339Nano))
}

// UnmarshalTime reads a date-time given as an RFC 3339 string.
func UnmarshalTime(ctx context.Context, v any) (time.Time, error) {
	t, err := graphql.UnmarshalTime(v)
	if err != nil {
		return time.Time{}, invalid(ctx, "must be a date-time (RFC 3339)")
	}
	return t, nil
}

// MarshalUpload is never called: an Upload is only an input.
func MarshalUpload(u graphql.Upload) graphql.ContextMarshaler {
	return contextMarshaler(graphql.MarshalUpload(u))
}

// UnmarshalUpload reads a file of a GraphQL multipart request.
func UnmarshalUpload(ctx context.Context, v any) (graphql.Upload, error) {
	u, ok := v.(graphql.Upload)
	if !ok {
		return graphql.Upload{}, invalid(ctx, "must be a file of the multipart request")
	}
	return u, nil
}

// MarshalMap writes a JSON object.
func MarshalMap(m map[string]any) graphql.ContextMarshaler {
	return contextMarshaler(graphql.MarshalMap(m))
}

// UnmarshalMap reads a JSON object.
func UnmarshalMap(ctx context.Context, v any) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, invalid(ctx, "must be an object")
	}
	return m, nil
}
