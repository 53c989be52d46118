// Package loaders batches the reads of nested registry lists: the documents, flags, addresses,
// contacts, cards and employment of every customer a GraphQL operation touches load in one
// statement per kind, however many customers there are.
package loaders

import (
	"context"
	"net/http"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"lendgraph/lending"
	"lendgraph/store"
)

// Loaders are one operation's batched readers, keyed by customer id (card id for integrations).
type Loaders struct {
	Documents        *dataloader.Loader[int64, []lending.DocumentView]
	DocumentFiles    *dataloader.Loader[int64, []store.DocumentFile] // by document id
	Flags            *dataloader.Loader[int64, []lending.FlagView]
	Addresses        *dataloader.Loader[int64, []store.Address]
	Contacts         *dataloader.Loader[int64, []store.Contact]
	Cards            *dataloader.Loader[int64, []store.Card]
	CardIntegrations *dataloader.Loader[int64, []store.CardIntegration]
	Employment       *dataloader.Loader[int64, []store.Employment]
}

// New returns loaders reading through svc. They batch but do not cache, so a long-lived context
// (a WebSocket connection) never serves stale data.
func New(svc *lending.Service) *Loaders {
	st := svc.Store
	return &Loaders{
		Documents: loader(func(ctx context.Context, ids []int64) ([]lending.DocumentView, error) {
			docs, err := st.CustomerDocuments(ctx, ids)
			if err != nil {
				return nil, err
			}
			return svc.DocumentViews(ctx, docs)
		}, func(d lending.DocumentView) int64 { return d.CustomerID }),
		Flags: loader(func(ctx context.Context, ids []int64) ([]lending.FlagView, error) {
			flags, err := st.CustomerFlags(ctx, ids)
			if err != nil {
				return nil, err
			}
			return svc.FlagViews(ctx, flags)
		}, func(f lending.FlagView) int64 { return f.CustomerID }),
		DocumentFiles:    loader(st.DocumentFiles, func(f store.DocumentFile) int64 { return f.DocumentID }),
		Addresses:        loader(st.Addresses, func(a store.Address) int64 { return a.CustomerID }),
		Contacts:         loader(st.Contacts, func(c store.Contact) int64 { return c.CustomerID }),
		Cards:            loader(st.Cards, func(c store.Card) int64 { return c.CustomerID }),
		CardIntegrations: loader(st.CardIntegrations, func(i store.CardIntegration) int64 { return i.CardID }),
		Employment:       loader(st.Employments, func(e store.Employment) int64 { return e.CustomerID }),
	}
}

// loader batches fetch, which reads the items of many owners at once, and hands each owner its
// own items (an empty list for none).
func loader[T any](fetch func(context.Context, []int64) ([]T, error), owner func(T) int64) *dataloader.Loader[int64, []T] {
	return dataloader.NewBatchedLoader(func(ctx context.Context, ids []int64) []*dataloader.Result[[]T] {
		items, err := fetch(ctx, ids)
		results := make([]*dataloader.Result[[]T], len(ids))
		byOwner := map[int64][]T{}
		for _, it := range items {
			byOwner[owner(it)] = append(byOwner[owner(it)], it)
		}
		for i, id := range ids {
			results[i] = &dataloader.Result[[]T]{Data: byOwner[id], Error: err}
		}
		return results
	}, dataloader.WithCache[int64, []T](&dataloader.NoCache[int64, []T]{}), dataloader.WithWait[int64, []T](2*time.Millisecond))
}

type key struct{}

// Middleware gives every request loaders of its own.
func Middleware(svc *lending.Service) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), key{}, New(svc))))
		})
	}
}

// For returns the loaders of the request ctx belongs to.
func For(ctx context.Context) *Loaders {
	return ctx.Value(key{}).(*Loaders)
}
