// Package loaders reads the nested lists and objects of a page by the level, not by the row: all
// that an operation asks of a page of applications (customer, partner, offers, files, cart, loan,
// events) loads in one statement, all it asks of their customers (documents with their types and
// data records, flags, addresses, contacts, cards, employment, applications, loans) in the next, and
// the files of those documents and the integrations of those cards in a third, loans' schedules
// in a level of their own — however many rows the page holds.
//
// Time-window dataloaders (wait a few milliseconds, then load what was asked) cannot promise that:
// on a busy machine the resolvers of one page straddle several windows, and each kind loads
// apart. These batch by the page instead: the resolver of a list announces the rows it returns and
// what the operation asks of them (Expect), and the first nested read of a level reads every kind
// announced at that level for all of them (store.ReadTogether).
package loaders

import (
	"context"
	"slices"
	"sync"

	"lendgraph/store"
)

// Asked is what an operation asks of items: the fields it selects, each with what it asks of it.
type Asked map[string]Asked

func (a Asked) merge(b Asked) Asked {
	if a == nil {
		a = Asked{}
	}
	for field, sub := range b {
		a[field] = a[field].merge(sub)
	}
	return a
}

// Loaders are one GraphQL operation's readers, keyed by the owner's id: the application's for
// what hangs off an application (but Customers and Partners by their own id), the customer's
// (CustomerLoans too),
// the document's (DocumentFiles), the card's (CardIntegrations) and the loan's (Schedules). They
// cache for the operation.
type Loaders struct {
	Customers *Group[store.Customer]
	Partners  *Group[store.Partner]
	Offers    *Group[store.Offer]
	Files     *Group[store.ApplicationFile]
	Cart      *Group[store.CartItem]
	Loans     *Group[store.Loan]
	Events    *Group[store.Event]

	Documents     *Group[store.DocumentView]
	Flags         *Group[store.FlagView]
	Addresses     *Group[store.Address]
	Contacts      *Group[store.Contact]
	Cards         *Group[store.Card]
	Employment    *Group[store.Employment]
	Applications  *Group[store.Application]
	CustomerLoans *Group[store.Loan]

	DocumentFiles    *Group[store.DocumentFile]
	CardIntegrations *Group[store.CardIntegration]

	Schedules *Group[store.ScheduleRow]
}

// New returns loaders reading from st.
func New(st *store.Store) *Loaders {
	ofApplications, ofCustomers, ofDocumentsAndCards, ofLoans := &level{store: st}, &level{store: st}, &level{store: st}, &level{store: st}
	l := &Loaders{
		Customers: group(ofApplications, store.CustomersByID, func(c store.Customer) int64 { return c.ID }),
		Partners:  group(ofApplications, store.PartnersByID, func(p store.Partner) int64 { return p.ID }),
		Offers:    group(ofApplications, store.OffersByApplication, func(o store.Offer) int64 { return o.ApplicationID }),
		Files:     group(ofApplications, store.FilesByApplication, func(f store.ApplicationFile) int64 { return f.ApplicationID }),
		Cart:      group(ofApplications, store.CartItemsByApplication, func(c store.CartItem) int64 { return c.ApplicationID }),
		Loans:     group(ofApplications, store.LoansByApplication, func(l store.Loan) int64 { return l.ApplicationID }),
		Events:    group(ofApplications, store.EventsByApplication, func(e store.Event) int64 { return e.ApplicationID }),

		Documents:     group(ofCustomers, store.DocumentViewsByCustomer, func(d store.DocumentView) int64 { return d.CustomerID }),
		Flags:         group(ofCustomers, store.FlagViewsByCustomer, func(f store.FlagView) int64 { return f.CustomerID }),
		Addresses:     group(ofCustomers, store.AddressesByCustomer, func(a store.Address) int64 { return a.CustomerID }),
		Contacts:      group(ofCustomers, store.ContactsByCustomer, func(c store.Contact) int64 { return c.CustomerID }),
		Cards:         group(ofCustomers, store.CardsByCustomer, func(c store.Card) int64 { return c.CustomerID }),
		Employment:    group(ofCustomers, store.EmploymentsByCustomer, func(e store.Employment) int64 { return e.CustomerID }),
		Applications:  group(ofCustomers, store.ApplicationsByCustomer, func(a store.Application) int64 { return *a.CustomerID }),
		CustomerLoans: group(ofCustomers, store.LoansByCustomer, func(l store.Loan) int64 { return l.CustomerID }),

		DocumentFiles:    group(ofDocumentsAndCards, store.FilesByDocument, func(f store.DocumentFile) int64 { return f.DocumentID }),
		CardIntegrations: group(ofDocumentsAndCards, store.IntegrationsByCard, func(i store.CardIntegration) int64 { return i.CardID }),

		Schedules: group(ofLoans, store.ScheduleByLoan, func(r store.ScheduleRow) int64 { return r.LoanID }),
	}
	// what a level read brings announces the next level
	l.Customers.then = func(cs []store.Customer, asked Asked) {
		l.ExpectCustomers(ids(cs, func(c store.Customer) int64 { return c.ID }), asked)
	}
	l.Applications.then = l.ExpectApplications
	l.Loans.then = l.ExpectLoans
	l.CustomerLoans.then = l.ExpectLoans
	l.Documents.then = func(docs []store.DocumentView, asked Asked) {
		l.DocumentFiles.Expect(ids(docs, func(d store.DocumentView) int64 { return d.ID }), asked["files"])
	}
	l.Cards.then = func(cards []store.Card, asked Asked) {
		l.CardIntegrations.Expect(ids(cards, func(c store.Card) int64 { return c.ID }), asked["integrations"])
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

// ExpectApplications announces the applications a list returns and what the operation asks of
// them, so that what hangs off them loads together.
func (l *Loaders) ExpectApplications(apps []store.Application, asked Asked) {
	appIDs := ids(apps, func(a store.Application) int64 { return a.ID })
	var customers, partners []int64
	for _, a := range apps {
		if a.CustomerID != nil {
			customers = append(customers, *a.CustomerID)
		}
		if a.PartnerID != nil {
			partners = append(partners, *a.PartnerID)
		}
	}
	expect(asked, "customer", l.Customers, customers)
	expect(asked, "partner", l.Partners, partners)
	expect(asked, "offers", l.Offers, appIDs)
	expect(asked, "selectedOffer", l.Offers, appIDs)
	expect(asked, "files", l.Files, appIDs)
	expect(asked, "cart", l.Cart, appIDs)
	expect(asked, "loan", l.Loans, appIDs)
	expect(asked, "events", l.Events, appIDs)
}

// ExpectCustomers announces the customers a list returns and what the operation asks of them.
func (l *Loaders) ExpectCustomers(ids []int64, asked Asked) {
	expect(asked, "documents", l.Documents, ids)
	expect(asked, "flags", l.Flags, ids)
	expect(asked, "restrictions", l.Flags, ids)
	expect(asked, "addresses", l.Addresses, ids)
	expect(asked, "contacts", l.Contacts, ids)
	expect(asked, "cards", l.Cards, ids)
	expect(asked, "employment", l.Employment, ids)
	expect(asked, "applications", l.Applications, ids)
	expect(asked, "loans", l.CustomerLoans, ids)
}

// ExpectLoans announces the loans a list returns and what the operation asks of them.
func (l *Loaders) ExpectLoans(loans []store.Loan, asked Asked) {
	expect(asked, "schedule", l.Schedules, ids(loans, func(l store.Loan) int64 { return l.ID }))
}

// expect announces owners to g when the operation asks for field.
func expect[T any](asked Asked, field string, g *Group[T], owners []int64) {
	if sub, ok := asked[field]; ok {
		g.Expect(owners, sub)
	}
}

// level reads together the kinds of one level of the operation's tree.
type level struct {
	store   *store.Store
	mu      sync.Mutex // one read at a time; guards every member's loaded rows
	members []interface{ take() (read, bool) }
}

// read is a member's share of a level read.
type read struct {
	part   store.Part
	done   func()
	undone func()
}

// Group loads one kind of row for many owners, with the rest of its level.
type Group[T any] struct {
	level   *level
	listing store.Listing[T]
	owner   func(T) int64
	then    func([]T, Asked) // told what a read brought, to announce the next level

	mu       sync.Mutex // guards expected and asked: another level's read may announce owners
	expected []int64
	asked    Asked

	loaded map[int64][]T
}

func group[T any](lv *level, listing store.Listing[T], owner func(T) int64) *Group[T] {
	g := &Group[T]{level: lv, listing: listing, owner: owner, loaded: map[int64][]T{}}
	lv.members = append(lv.members, g)
	return g
}

// Expect adds owners to read with the level's next read, and what the operation asks of their rows.
func (g *Group[T]) Expect(ids []int64, asked Asked) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.expected = append(g.expected, ids...)
	g.asked = g.asked.merge(asked)
}

// Load returns the rows of owner id, reading them with those of every owner expected at its level
// and not yet read, in one statement. Concurrent loads wait for that read rather than make their own.
func (g *Group[T]) Load(ctx context.Context, id int64) ([]T, error) {
	lv := g.level
	lv.mu.Lock()
	defer lv.mu.Unlock()
	if rows, ok := g.loaded[id]; ok {
		return rows, nil
	}
	g.Expect([]int64{id}, nil)
	var reads []read
	for _, m := range lv.members {
		if r, ok := m.take(); ok {
			reads = append(reads, r)
		}
	}
	parts := make([]store.Part, len(reads))
	for i, r := range reads {
		parts[i] = r.part
	}
	if err := lv.store.ReadTogether(ctx, parts...); err != nil {
		for _, r := range reads {
			r.undone() // the next load tries them all again, still together
		}
		return nil, err
	}
	for _, r := range reads {
		r.done()
	}
	return g.loaded[id], nil
}

// take hands over the owners expected and not yet read. The level's lock is held.
func (g *Group[T]) take() (read, bool) {
	g.mu.Lock()
	var owners []int64
	for _, id := range g.expected {
		if _, ok := g.loaded[id]; !ok && !slices.Contains(owners, id) {
			owners = append(owners, id)
		}
	}
	g.expected = nil
	asked := g.asked
	g.mu.Unlock()
	if len(owners) == 0 {
		return read{}, false
	}
	var rows []T
	return read{
		part: g.listing.Part(owners, &rows),
		done: func() {
			for _, id := range owners {
				g.loaded[id] = []T{}
			}
			for _, r := range rows {
				g.loaded[g.owner(r)] = append(g.loaded[g.owner(r)], r)
			}
			if g.then != nil {
				g.then(rows, asked)
			}
		},
		undone: func() { g.Expect(owners, nil) },
	}, true
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
