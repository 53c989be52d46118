// Package batch shares reads among concurrent callers: the keys asked for while a read runs are
// read together by the next one, so a storm of callers costs a few statements, not one each.
// Nothing is cached: every caller gets what a read begun after its call saw.
package batch

import (
	"context"
	"sync"
)

// Reader reads values by key in shared reads.
type Reader[K comparable, V any] struct {
	read func(ctx context.Context, keys []K) (map[K]V, error)
	max  int // keys one read takes at most

	mu      sync.Mutex
	pending []*call[K, V]
	running bool
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
	return &Reader[K, V]{read: read, max: max}
}

// Get returns the value of key; found is false when the read found none.
func (r *Reader[K, V]) Get(ctx context.Context, key K) (value V, found bool, err error) {
	c := &call[K, V]{key: key, done: make(chan struct{})}
	r.mu.Lock()
	r.pending = append(r.pending, c)
	if !r.running {
		r.running = true
		go r.run()
	}
	r.mu.Unlock()
	select {
	case <-c.done:
		return c.value, c.found, c.err
	case <-ctx.Done():
		return value, false, ctx.Err()
	}
}

// run reads for the pending calls until there are none.
func (r *Reader[K, V]) run() {
	for {
		r.mu.Lock()
		n := min(len(r.pending), r.max)
		calls := r.pending[:n:n]
		r.pending = r.pending[n:]
		if n == 0 {
			r.running = false
			r.mu.Unlock()
			return
		}
		r.mu.Unlock()
		keys := make([]K, 0, n)
		asked := make(map[K]bool, n)
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
}
