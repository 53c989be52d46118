// Package events delivers application status events to live subscribers: every event committed
// after a subscriber's cursor reaches it exactly once, in each application's order, on any
// instance.
//
// Each instance's Hub reads new events from the table, one read per wake whatever the number of
// subscribers, and delivers them strictly in id order up to a watermark: every event with an id at
// or below it has been delivered or will never exist. Ids come from a sequence and transactions
// commit out of id order, so a read may see id 12 while 11 is still uncommitted; the hub then holds
// 12 back until 11 appears, or until the database's horizon shows that the transaction that took
// 11 has ended without it (it rolled back). A notification on commit wakes the hub; a poll covers a
// listener that is down.
//
// A subscriber's cursor is the id of the last event it was sent. What it may see above its cursor
// and up to the watermark comes from memory (the newest events are kept) or, further back, from
// the table, in reads shared by every subscriber catching up at the same time.
package events

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"

	"lendgraph/store"
)

const (
	readBatch  = 1000                   // events one read of new events returns at most
	keepRecent = 10000                  // delivered events kept in memory for subscribers catching up
	outBuffer  = 16                     // events a subscriber's channel holds before it must catch up
	idlePoll   = time.Second            // a read this often while the LISTEN connection is down
	gapPoll    = 20 * time.Millisecond  // and this often while an id is missing
	maxBackoff = 5 * time.Second        // between failed reads
	errorEvery = 30 * time.Second       // a failing read is logged at most this often
	startLimit = 100 * time.Millisecond // a first wait between failed attempts
)

// Hub is the instance's reader of new events and its subscribers.
type Hub struct {
	store   *store.Store
	log     *slog.Logger
	history *historyReader
	ready   chan struct{} // closed once the watermark is known
	reads   atomic.Int64  // reads of new events
	// listening: the LISTEN connection is up, so every commit wakes the reader; while it is down
	// the reader polls
	listening atomic.Bool
	events    atomic.Int64 // events delivered past the watermark

	mu          sync.Mutex
	mark        int64          // every event with an id at or below it is delivered or never will exist
	recent      []*store.Event // the newest delivered events, ids ascending, every one above recentFrom
	recentFrom  int64
	byApp       map[int64]map[*subscriber]struct{} // subscribers to one application
	wide        map[*subscriber]struct{}           // subscribers to many
	subscribers int
}

// NewHub returns a hub reading events from st; Run starts it.
func NewHub(st *store.Store, log *slog.Logger) *Hub {
	return &Hub{
		store:   st,
		log:     log,
		history: newHistoryReader(st),
		ready:   make(chan struct{}),
		byApp:   map[int64]map[*subscriber]struct{}{},
		wide:    map[*subscriber]struct{}{},
	}
}

// Stats are the hub's counters since it started.
type Stats struct {
	Reads        int64 // reads of new events: statements whatever the number of subscribers
	HistoryReads int64 // reads for subscribers catching up from further back than memory
	Events       int64 // events read and passed by the watermark
	Subscribers  int   // open now
}

// Stats returns the hub's counters now.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return Stats{Reads: h.reads.Load(), HistoryReads: h.history.reads.Load(), Events: h.events.Load(), Subscribers: h.subscribers}
}

// Run reads and delivers new events until ctx ends.
func (h *Hub) Run(ctx context.Context) {
	wake := make(chan struct{}, 1)
	go h.listen(ctx, wake)
	seq, ok := h.start(ctx)
	if !ok {
		return
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	failures := 0
	for {
		wait := idlePoll
		if err := h.advance(ctx, seq); err != nil {
			if ctx.Err() != nil {
				return
			}
			failures++
			wait = backoff(failures)
			h.logFailure(failures, "read new events", err)
		} else {
			failures = 0
			switch {
			case len(seq.missing) > 0:
				wait = gapPoll
			case h.listening.Load():
				wait = 0 // the next commit's notification wakes it
			}
		}
		var poll <-chan time.Time
		if wait > 0 {
			timer.Reset(wait)
			poll = timer.C
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-poll:
		}
	}
}

// listen keeps a LISTEN connection and signals wake on every notification and whenever the
// connection comes or goes: a reconnect reads what committed while it was away, a drop starts the
// polling.
func (h *Hub) listen(ctx context.Context, wake chan<- struct{}) {
	signal := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	for failures := 1; ; failures++ {
		l, err := h.store.Listen(store.EventsChannel, func(ev pq.ListenerEventType, err error) {
			h.listening.Store(ev == pq.ListenerEventConnected || ev == pq.ListenerEventReconnected)
			signal()
			if err != nil {
				h.log.Warn("event listener", "event", ev, "err", err)
			}
		})
		if err == nil {
			h.listening.Store(true)
			signal()
			for {
				select {
				case <-ctx.Done():
					h.listening.Store(false)
					l.Close()
					return
				case <-l.Notify:
					signal()
				}
			}
		}
		h.logFailure(failures, "event listener", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff(failures)):
		}
	}
}

// start sets the watermark at the newest event once every transaction that could still add an
// event below it has ended, retrying until the database answers.
func (h *Hub) start(ctx context.Context) (*sequencer, bool) {
	for failures := 1; ; failures++ {
		newest, err := h.settledNewest(ctx)
		if err == nil {
			h.mu.Lock()
			h.mark, h.recentFrom = newest, newest
			h.mu.Unlock()
			close(h.ready)
			return &sequencer{mark: newest, seen: newest, missing: map[int64]int64{}, held: map[int64]*store.Event{}}, true
		}
		if ctx.Err() != nil {
			return nil, false
		}
		h.logFailure(failures, "start event delivery", err)
		select {
		case <-ctx.Done():
			return nil, false
		case <-time.After(backoff(failures)):
		}
	}
}

// settledNewest returns the newest event id at a moment, once the transactions running then have
// ended: none of them can add an id below it any more.
func (h *Hub) settledNewest(ctx context.Context) (int64, error) {
	then, newest, err := h.store.CurrentHorizon(ctx)
	for err == nil {
		var now store.Horizon
		if now, _, err = h.store.CurrentHorizon(ctx); err == nil && now.Xmin > then.Next {
			return newest, nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(gapPoll):
		}
	}
	return 0, err
}

// advance reads what committed since the last read and delivers what the watermark now covers.
func (h *Hub) advance(ctx context.Context, seq *sequencer) error {
	for {
		h.reads.Add(1)
		evs, hz, err := h.store.NewEvents(ctx, seq.seen, seq.missingIDs(), readBatch)
		if err != nil {
			return err
		}
		h.deliver(seq.take(evs, hz), seq.mark)
		if len(evs) < readBatch {
			return nil
		}
	}
}

// deliver hands events, in id order, to the subscribers that may see them and moves the
// watermark to mark.
func (h *Hub) deliver(evs []*store.Event, mark int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ev := range evs {
		h.recent = append(h.recent, ev)
		for s := range h.byApp[ev.ApplicationID] {
			h.offer(s, ev)
		}
		for s := range h.wide {
			if s.filter.matches(ev) {
				h.offer(s, ev)
			}
		}
	}
	if len(h.recent) > 2*keepRecent {
		drop := len(h.recent) - keepRecent
		h.recentFrom = h.recent[drop-1].ID
		h.recent = append([]*store.Event(nil), h.recent[drop:]...)
	}
	h.mark = mark
	h.events.Add(int64(len(evs)))
}

// offer sends ev to a live subscriber without waiting; one whose channel is full catches up on
// its own, from its cursor. Called with h.mu held.
func (h *Hub) offer(s *subscriber, ev *store.Event) {
	if s.catchingUp || ev.ID <= s.cursor {
		return
	}
	select {
	case s.out <- ev:
		s.cursor = ev.ID
	default:
		s.catchingUp = true
		go h.catchUp(s)
	}
}

// Filter selects the events a subscriber receives: of one application (ApplicationID), or every
// application the caller may see (PartnerID or CustomerID set to narrow, neither for all).
type Filter struct {
	ApplicationID int64
	PartnerID     *int64
	CustomerID    *int64
}

func (f Filter) matches(ev *store.Event) bool {
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

type subscriber struct {
	ctx    context.Context
	filter Filter
	out    chan *store.Event
	// guarded by the hub's mu
	cursor     int64 // the last event sent
	catchingUp bool  // a goroutine of its own is sending what it missed; live events wait for it
}

// Subscribe returns the events matching f with ids above after, until ctx ends: first those
// committed already, then the others as they commit. A negative after starts at the watermark:
// live events only. The channel is never closed; the caller stops reading when ctx ends. Before
// the hub has started, Subscribe waits for it (the watermark is where "now" starts); it fails only
// when ctx ends first.
func (h *Hub) Subscribe(ctx context.Context, f Filter, after int64) (<-chan *store.Event, error) {
	select {
	case <-h.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	s := &subscriber{ctx: ctx, filter: f, out: make(chan *store.Event, outBuffer), cursor: after}
	h.mu.Lock()
	h.subscribers++
	if f.ApplicationID != 0 {
		if h.byApp[f.ApplicationID] == nil {
			h.byApp[f.ApplicationID] = map[*subscriber]struct{}{}
		}
		h.byApp[f.ApplicationID][s] = struct{}{}
	} else {
		h.wide[s] = struct{}{}
	}
	if s.cursor < 0 {
		s.cursor = h.mark
	}
	if s.cursor < h.mark {
		s.catchingUp = true
		go h.catchUp(s)
	}
	h.mu.Unlock()
	context.AfterFunc(ctx, func() { h.unsubscribe(s) })
	return s.out, nil
}

func (h *Hub) unsubscribe(s *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.subscribers--
	if subs := h.byApp[s.filter.ApplicationID]; s.filter.ApplicationID != 0 {
		delete(subs, s)
		if len(subs) == 0 {
			delete(h.byApp, s.filter.ApplicationID)
		}
		return
	}
	delete(h.wide, s)
}

// catchUp sends s what it may see between its cursor and the watermark, from memory when the
// newest events kept reach back far enough, else from the table, until it has reached the
// watermark and live events can go to it again. A failed read is retried, never skipped.
func (h *Hub) catchUp(s *subscriber) {
	for failures := 0; ; {
		h.mu.Lock()
		if s.cursor >= h.mark {
			s.catchingUp = false
			h.mu.Unlock()
			return
		}
		after, upTo := s.cursor, h.mark
		fromMemory := after >= h.recentFrom
		var evs []*store.Event
		if fromMemory {
			evs = h.recentMatching(s.filter, after)
		}
		h.mu.Unlock()
		if !fromMemory {
			var err error
			if evs, upTo, err = h.history.read(s.ctx, s.filter, after, upTo); err != nil {
				if s.ctx.Err() != nil {
					return
				}
				failures++
				h.logFailure(failures, "read missed events", err)
				select {
				case <-s.ctx.Done():
					return
				case <-time.After(backoff(failures)):
				}
				continue
			}
			failures = 0
		}
		for _, ev := range evs {
			select {
			case s.out <- ev:
			case <-s.ctx.Done():
				return
			}
		}
		h.mu.Lock()
		s.cursor = upTo
		h.mu.Unlock()
	}
}

// recentMatching returns the kept events above after that f selects. Called with h.mu held.
func (h *Hub) recentMatching(f Filter, after int64) []*store.Event {
	var evs []*store.Event
	for _, ev := range h.recent[sort.Search(len(h.recent), func(i int) bool { return h.recent[i].ID > after }):] {
		if f.matches(ev) {
			evs = append(evs, ev)
		}
	}
	return evs
}

// logFailure logs the first failure of a run and then one every errorEvery's worth of retries.
func (h *Hub) logFailure(failures int, what string, err error) {
	if failures == 1 || failures%int(errorEvery/maxBackoff) == 0 {
		h.log.Error(what, "err", err, "failures", failures)
	}
}

// backoff is the wait before a retry after failures failed attempts: doubling from startLimit up
// to maxBackoff.
func backoff(failures int) time.Duration {
	d := startLimit
	for range min(failures, 10) - 1 {
		d *= 2
	}
	return min(d, maxBackoff)
}
