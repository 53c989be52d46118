package events

import (
	"context"
	"sync/atomic"

	"lendgraph/batch"
	"lendgraph/store"
)

const (
	historyLimit = 5000 // events one read for catching-up subscribers returns at most
	historyBatch = 1000 // requests one batch serves at most: its one-application ones in one read
)

// historyReader reads from the table what subscribers catching up need, sharing the work: the
// requests that arrive while a read runs are served together by the next, and every
// one-application subscriber in a batch is served by one statement.
type historyReader struct {
	store    *store.Store
	reads    atomic.Int64
	requests *batch.Batcher[*historyRequest]
}

func newHistoryReader(st *store.Store) *historyReader {
	r := &historyReader{store: st}
	r.requests = batch.NewBatcher(historyBatch, r.serve)
	return r
}

type historyRequest struct {
	filter      Filter
	after, upTo int64
	events      []*store.Event
	err         error
	done        chan struct{}
}

// read returns the events f selects with ids above after and up to upTo, and the id they reach:
// upTo, or less when there were more than one read returns.
func (r *historyReader) read(ctx context.Context, f Filter, after, upTo int64) ([]*store.Event, int64, error) {
	req := &historyRequest{filter: f, after: after, upTo: upTo, done: make(chan struct{})}
	r.requests.Add(req)
	select {
	case <-req.done:
		return req.events, req.upTo, req.err
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
}

func (r *historyReader) serve(batch []*historyRequest) {
	ctx := context.Background() // shared by requests whose contexts differ; the store's deadline bounds it
	var apps []*historyRequest
	for _, req := range batch {
		if req.filter.ApplicationID != 0 {
			apps = append(apps, req)
			continue
		}
		r.reads.Add(1)
		evs, err := r.store.Events(ctx, store.EventSelector{PartnerID: req.filter.PartnerID, CustomerID: req.filter.CustomerID},
			req.after, req.upTo, historyLimit)
		req.finish(pointers(evs), reached(evs, req.upTo), err)
	}
	if len(apps) == 0 {
		return
	}
	sel := store.EventSelector{}
	after, upTo := apps[0].after, apps[0].upTo
	for _, req := range apps {
		sel.ApplicationIDs = append(sel.ApplicationIDs, req.filter.ApplicationID)
		after, upTo = min(after, req.after), max(upTo, req.upTo)
	}
	r.reads.Add(1)
	evs, err := r.store.Events(ctx, sel, after, upTo, historyLimit)
	byApp := map[int64][]*store.Event{}
	for _, ev := range pointers(evs) {
		byApp[ev.ApplicationID] = append(byApp[ev.ApplicationID], ev)
	}
	for _, req := range apps {
		req.finish(byApp[req.filter.ApplicationID], reached(evs, upTo), err)
	}
}

// reached is the id a read up to upTo covers: upTo, or its last event's when it was cut short.
func reached(evs []store.Event, upTo int64) int64 {
	if len(evs) == historyLimit {
		return evs[len(evs)-1].ID
	}
	return upTo
}

// finish answers the request from evs, in id order, of a read that covered ids up to reached and
// may have served other requests too. A shared read cut short below the request's own cursor
// covered nothing of it: the request then reaches its cursor, never back behind it (which would
// send its subscriber what it had already).
func (req *historyRequest) finish(evs []*store.Event, reached int64, err error) {
	defer close(req.done)
	if req.err = err; err != nil {
		return
	}
	req.upTo = max(req.after, min(req.upTo, reached))
	for _, ev := range evs {
		if ev.ID > req.after && ev.ID <= req.upTo && req.filter.matches(ev) {
			req.events = append(req.events, ev)
		}
	}
}

func pointers(evs []store.Event) []*store.Event {
	ps := make([]*store.Event, len(evs))
	for i := range evs {
		ps[i] = &evs[i]
	}
	return ps
}
