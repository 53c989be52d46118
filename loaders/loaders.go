// Package loaders batches the reads of nested lists and objects: a page of applications' customers,
// partners, offers, files, cart, loans and events, and the documents, flags, addresses, contacts,
// cards and employment of a page of customers, load in one statement per kind, however many the
// page holds.
//
// Time-window dataloaders (wait a few milliseconds, then load what was asked) cannot promise that:
// on a busy machine the resolvers of one page straddle several windows. These batch by the page
// instead: the resolver of a list announces the owners it returns (Expect), and the first nested
// read loads that kind for all of them.
package loaders

import (
	"context"
	"math"
	"sync"

	"lendgraph/registry"
	"lendgraph/store"
)

// Loaders are one GraphQL operation's batched readers, keyed by customer id (document id for
// files, card id for integrations). They cache for the operation only.
type Loaders struct {
	// by application id, but Customers and Partners by their own id
	Customers        *Group[store.Customer]
	Partners         *Group[store.Partner]
	Offers           *Group[store.Offer]
	Files            *Group[store.ApplicationFile]
	Cart             *Group[store.CartItem]
	Loans            *Group[store.Loan]
	Events           *Group[store.Event]
	Documents        *Group[registry.DocumentView]
	DocumentFiles    *Group[store.DocumentFile]
	Flags            *Group[registry.FlagView]
	Addresses        *Group[store.Address]
	Contacts         *Group[store.Contact]
	Cards            *Group[store.Card]
	CardIntegrations *Group[store.CardIntegration]
	Employment       *Group[store.Employment]
}

// New returns loaders reading through svc.
func New(svc *registry.Service) *Loaders {
	st := svc.Store
	l := &Loaders{
		Customers: group(st.CustomersByID, func(c store.Customer) int64 { return c.ID }),
		Partners:  group(st.PartnersByID, func(p store.Partner) int64 { return p.ID }),
		Offers:    group(st.Offers, func(o store.Offer) int64 { return o.ApplicationID }),
		Files:     group(st.ApplicationFiles, func(f store.ApplicationFile) int64 { return f.ApplicationID }),
		Cart:      group(st.CartItems, func(c store.CartItem) int64 { return c.ApplicationID }),
		Loans:     group(st.LoansByApplication, func(l store.Loan) int64 { return l.ApplicationID }),
		Events: group(func(ctx context.Context, ids []int64) ([]store.Event, error) {
			return st.Events(ctx, store.EventSelector{ApplicationIDs: ids}, 0, math.MaxInt64, math.MaxInt32)
		}, func(e store.Event) int64 { return e.ApplicationID }),
		Documents: group(func(ctx context.Context, ids []int64) ([]registry.DocumentView, error) {
			docs, err := st.CustomerDocuments(ctx, ids)
			if err != nil {
				return nil, err
			}
			return svc.DocumentViews(ctx, docs)
		}, func(d registry.DocumentView) int64 { return d.CustomerID }),
		DocumentFiles: group(st.DocumentFiles, func(f store.DocumentFile) int64 { return f.DocumentID }),
		Flags: group(func(ctx context.Context, ids []int64) ([]registry.FlagView, error) {
			flags, err := st.CustomerFlags(ctx, ids)
			if err != nil {
				return nil, err
			}
			return svc.FlagViews(ctx, flags)
		}, func(f registry.FlagView) int64 { return f.CustomerID }),
		Addresses:        group(st.Addresses, func(a store.Address) int64 { return a.CustomerID }),
		Contacts:         group(st.Contacts, func(c store.Contact) int64 { return c.CustomerID }),
		Cards:            group(st.Cards, func(c store.Card) int64 { return c.CustomerID }),
		CardIntegrations: group(st.CardIntegrations, func(i store.CardIntegration) int64 { return i.CardID }),
		Employment:       group(st.Employments, func(e store.Employment) int64 { return e.CustomerID }),
	}
	// the lists one level further down follow the page too
	l.Documents.then = func(docs []registry.DocumentView) {
		l.DocumentFiles.Expect(ids(docs, func(d registry.DocumentView) int64 { return d.ID }))
	}
	l.Customers.then = func(cs []store.Customer) {
		l.ExpectCustomers(ids(cs, func(c store.Customer) int64 { return c.ID }))
	}
	l.Cards.then = func(cards []store.Card) {
		l.CardIntegrations.Expect(ids(cards, func(c store.Card) int64 { return c.ID }))
	}
	return l
}

func ids[T any](items []T, id func(T) int64) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

// ExpectApplications announces the applications a list returns, so that what hangs off them loads
// together: their customers and partners, offers, files, cart, loans and events.
func (l *Loaders) ExpectApplications(apps []store.Application) {
	appIDs := ids(apps, func(a store.Application) int64 { return a.ID })
	for _, g := range []interface{ Expect([]int64) }{l.Offers, l.Files, l.Cart, l.Loans, l.Events} {
		g.Expect(appIDs)
	}
	var customers, partners []int64
	for _, a := range apps {
		if a.CustomerID != nil {
			customers = append(customers, *a.CustomerID)
		}
		if a.PartnerID != nil {
			partners = append(partners, *a.PartnerID)
		}
	}
	l.Customers.Expect(customers)
	l.Partners.Expect(partners)
}

// ExpectCustomers announces the customers a list returns, so that their nested lists load together.
func (l *Loaders) ExpectCustomers(ids []int64) {
	for _, g := range []interface{ Expect([]int64) }{l.Documents, l.Flags, l.Addresses, l.Contacts, l.Cards, l.Employment} {
		g.Expect(ids)
	}
}

// Group loads one kind of item for many owners at once.
type Group[T any] struct {
	fetch func(context.Context, []int64) ([]T, error)
	owner func(T) int64
	then  func([]T) // told what each fetch read, to announce the next level's owners

	mu       sync.Mutex
	expected []int64
	loaded   map[int64][]T
}

func group[T any](fetch func(context.Context, []int64) ([]T, error), owner func(T) int64) *Group[T] {
	return &Group[T]{fetch: fetch, owner: owner, loaded: map[int64][]T{}}
}

// Expect adds owners to load with the next read.
func (g *Group[T]) Expect(ids []int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.expected = append(g.expected, ids...)
}

// Load returns the items of owner id, reading them, with those of every expected owner not yet
// read, in one fetch. Concurrent loads wait for that fetch rather than make their own.
func (g *Group[T]) Load(ctx context.Context, id int64) ([]T, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if items, ok := g.loaded[id]; ok {
		return items, nil
	}
	ids := []int64{id}
	for _, e := range g.expected {
		if _, ok := g.loaded[e]; !ok && e != id {
			ids = append(ids, e)
		}
	}
	g.expected = nil
	items, err := g.fetch(ctx, ids)
	if err != nil {
		g.expected = ids // the next load tries them all again, still in one fetch
		return nil, err
	}
	for _, i := range ids {
		g.loaded[i] = []T{}
	}
	for _, it := range items {
		g.loaded[g.owner(it)] = append(g.loaded[g.owner(it)], it)
	}
	if g.then != nil {
		g.then(items)
	}
	return g.loaded[id], nil
}

type key struct{}

// With returns ctx carrying loaders.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, key{}, l)
}

// For returns the loaders of the operation ctx belongs to.
func For(ctx context.Context) *Loaders {
	return ctx.Value(key{}).(*Loaders)
}
