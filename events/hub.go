// Package events delivers application status events to live subscribers. Each instance holds one
// PostgreSQL listener; every event is read once, by id, and fanned out to the subscribers allowed
// to see it. Subscribers resume after a cursor (an event id) and read what they missed from the
// table, so reconnects, slow readers and listener restarts lose nothing.
package events

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/lib/pq"

	"lendgraph/store"
)

// Hub is the instance's one listener and its subscribers.
type Hub struct {
	store *store.Store
	log   *slog.Logger

	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	lastID int64 // newest event fanned out, to re-read from after a reconnect
}

// NewHub returns a hub reading events from st.
func NewHub(st *store.Store, log *slog.Logger) *Hub {
	return &Hub{store: st, log: log, subs: map[*subscriber]struct{}{}}
}

// Run listens until ctx ends. Until the listener is up it retries every second; meanwhile
// subscribers still get what they replay from the table.
func (h *Hub) Run(ctx context.Context) {
	newest, err := h.store.NewestEventID(ctx)
	if err != nil {
		h.log.Error("newest event", "err", err)
	}
	h.mu.Lock()
	h.lastID = newest // a reconnect re-reads from here, not from the beginning of time
	h.mu.Unlock()
	reconnected := make(chan struct{}, 1)
	for {
		l, err := h.store.Listen(store.EventsChannel, func(ev pq.ListenerEventType, err error) {
			if ev == pq.ListenerEventReconnected {
				select {
				case reconnected <- struct{}{}:
				default:
				}
			}
			if err != nil {
				h.log.Warn("event listener", "event", ev, "err", err)
			}
		})
		if err == nil {
			h.catchUp(ctx) // what was committed before the listener was up
			h.lagAll()     // and what subscribers that came first missed in between
			h.listen(ctx, l, reconnected)
			l.Close()
			return
		}
		h.log.Error("event listener", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func (h *Hub) listen(ctx context.Context, l *pq.Listener, reconnected <-chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-l.Notify:
			if n == nil { // the connection dropped; Reconnected follows
				continue
			}
			id, err := strconv.ParseInt(n.Extra, 10, 64)
			if err != nil {
				continue
			}
			ev, err := h.store.EventByID(ctx, id)
			if err != nil {
				h.log.Error("read event", "id", id, "err", err)
				continue
			}
			h.fanOut(ev)
		case <-reconnected:
			h.catchUp(ctx)
		}
	}
}

// catchUp fans out the events committed while the listener was away.
func (h *Hub) catchUp(ctx context.Context) {
	h.mu.Lock()
	after := h.lastID
	h.mu.Unlock()
	for {
		evs, err := h.store.EventsAfter(ctx, 0, after, 500)
		if err != nil {
			h.log.Error("catch up events", "err", err)
			return
		}
		for _, ev := range evs {
			h.fanOut(ev)
			after = ev.ID
		}
		if len(evs) < 500 {
			return
		}
	}
}

// lagAll has every subscriber re-read the table from its own cursor: those that subscribed
// before the listener was up may have missed what committed since their first read, which no
// notification and no catch-up from the hub's start brings them.
func (h *Hub) lagAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		s.lag()
	}
}

func (h *Hub) fanOut(ev store.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lastID = max(h.lastID, ev.ID)
	for s := range h.subs {
		if s.filter.matches(ev) {
			s.offer(ev)
		}
	}
}

// Filter selects the events a subscriber receives: of one application (ApplicationID), or every
// application the caller may see (PartnerID or CustomerID set to narrow, neither for all).
type Filter struct {
	ApplicationID int64
	PartnerID     *int64
	CustomerID    *int64
}

func (f Filter) matches(ev store.Event) bool {
	switch {
	case f.ApplicationID != 0 && ev.ApplicationID != f.ApplicationID:
		return false
	case f.PartnerID != nil && (ev.PartnerID == nil || *ev.PartnerID != *f.PartnerID):
		return false
	case f.CustomerID != nil && (ev.CustomerID == nil || *ev.CustomerID != *f.CustomerID):
		return false
	}
	return true
}

// Subscribe returns the events matching f with ids above after, first those already stored, then
// live ones as they come, until ctx ends. The channel closes when ctx ends. A negative after starts
// from the newest event: live events only.
func (h *Hub) Subscribe(ctx context.Context, f Filter, after int64) <-chan store.Event {
	s := &subscriber{filter: f, live: make(chan store.Event, 64), lagged: make(chan struct{}, 1)}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	out := make(chan store.Event)
	if after < 0 {
		newest, err := h.store.NewestEventID(ctx)
		if err != nil {
			h.log.Error("newest event", "err", err)
		}
		after = newest
	}
	go func() {
		defer close(out)
		defer func() {
			h.mu.Lock()
			delete(h.subs, s)
			h.mu.Unlock()
		}()
		last := after
		// send delivers the events newer than last; false when the subscriber has gone
		send := func(ev store.Event) bool {
			if ev.ID <= last {
				return true
			}
			select {
			case out <- ev:
				last = ev.ID
				return true
			case <-ctx.Done():
				return false
			}
		}
		// replay reads from the table what is newer than last
		replay := func() bool {
			for from := last; ; {
				evs, err := h.store.EventsAfter(ctx, f.ApplicationID, from, 200)
				if err != nil {
					h.log.Error("replay events", "err", err)
					return ctx.Err() == nil
				}
				for _, ev := range evs {
					if f.matches(ev) && !send(ev) {
						return false
					}
					from = ev.ID
				}
				if len(evs) < 200 {
					return true
				}
			}
		}
		if !replay() {
			return
		}
		for {
			select {
			case <-ctx.Done():
				return
			case ev := <-s.live:
				if !send(ev) {
					return
				}
			case <-s.lagged:
				if !replay() {
					return
				}
			}
		}
	}()
	return out
}

type subscriber struct {
	filter Filter
	live   chan store.Event
	lagged chan struct{} // the live buffer overflowed: re-read from the table
}

func (s *subscriber) offer(ev store.Event) {
	select {
	case s.live <- ev:
	default:
		s.lag()
	}
}

// lag tells the subscriber to re-read the table; one signal stands for any number.
func (s *subscriber) lag() {
	select {
	case s.lagged <- struct{}{}:
	default:
	}
}
