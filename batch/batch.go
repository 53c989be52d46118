// Package batch shares reads among concurrent callers: what is asked while a read runs is read
// together by the next one, so a storm of callers costs a few statements, not one each. Nothing is
// cached: every caller gets what a read begun after its call saw.
package batch

import (
	"context"
	"sync"
)

// Batcher hands requests to serve in batches: those added while serve runs go together into its
// next run, at most max at a time. serve must finish every request it is given.
type Batcher[R any] struct {
	serve func([]R)
	max   int

	mu      sync.Mutex
	pending []R
	running bool
}

// NewBatcher returns a batcher serving up to max requests a run with serve.
func NewBatcher[R any](max int, serve func([]R)) *Batcher[R] {
	return &Batcher[R]{serve: serve, max: max}
}

// Add queues a request; a run starts unless one is running, which takes it next.
func (b *Batcher[R]) Add(req R) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pending = append(b.pending, req)
	if !b.running {
		b.running = true
		go b.run()
	}
}

func (b *Batcher[R]) run() {
	for {
		b.mu.Lock()
		n := min(len(b.pending), b.max)
		reqs := b.pending[:n:n]
		b.pending = b.pending[n:]
		if n == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		b.serve(reqs)
	}
}

// Reader reads values by key in shared reads.
type Reader[K comparable, V any] struct {
	read    func(ctx context.Context, keys []K) (map[K]V, error)
	batches *Batcher[*call[K, V]]
}

type call[K comparable, V any] struct {
	key   K
	value V
	found bool
	err   error
	done  chan struct{}
}

// New returns a reader that reads up to max keys at a time with read, which returns the values it
// found. A read runs without its callers' contexts (they differ): read must bound its own time.
func New[K comparable, V any](max int, read func(ctx context.Context, keys []K) (map[K]V, error)) *Reader[K, V] {
	r := &Reader[K, V]{read: read}
	r.batches = NewBatcher(max, r.serve)
	return r
}

// Get returns the value of key; found is false when the read found none.
func (r *Reader[K, V]) Get(ctx context.Context, key K) (value V, found bool, err error) {
	c := &call[K, V]{key: key, done: make(chan struct{})}
	r.batches.Add(c)
	select {
	case <-c.done:
		return c.value, c.found, c.err
	case <-ctx.Done():
		return value, false, ctx.Err()
	}
}

// serve reads the keys of calls once each and answers them.
func (r *Reader[K, V]) serve(calls []*call[K, V]) {
	keys := make([]K, 0, len(calls))
	asked := make(map[K]bool, len(calls))
	for _, c := range calls {
		if !asked[c.key] {
			asked[c.key] = true
			keys = append(keys, c.key)
		}
	}
	values, err := r.read(context.Background(), keys)
	for _, c := range calls {
		c.value, c.found = values[c.key]
		c.err = err
		close(c.done)
	}
}
