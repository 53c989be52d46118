package batch

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcurrentCallersShareReads: 1,000 callers at once are served by far fewer reads, each
// caller gets its own key's value (or not found), and a key asked twice in a read is read once.
func TestConcurrentCallersShareReads(t *testing.T) {
	var reads atomic.Int64
	release := make(chan struct{})
	r := New(100, func(_ context.Context, keys []int) (map[int]string, error) {
		if reads.Add(1) == 1 {
			<-release // the first read is slow: the others pile up behind it
		}
		seen := map[int]bool{}
		out := map[int]string{}
		for _, k := range keys {
			if seen[k] {
				return nil, errors.New("a key read twice")
			}
			seen[k] = true
			if k%7 != 0 {
				out[k] = string(rune('a' + k%26))
			}
		}
		return out, nil
	})
	var wg sync.WaitGroup
	for i := range 1000 {
		wg.Go(func() {
			v, found, err := r.Get(context.Background(), i%500)
			require.NoError(t, err)
			assert.Equal(t, (i%500)%7 != 0, found, "key %d", i%500)
			if found {
				assert.Equal(t, string(rune('a'+(i%500)%26)), v)
			}
		})
		if i == 0 {
			for reads.Load() == 0 { // the first read has begun
			}
		}
	}
	for waiting := 0; waiting < 999; { // everyone else is waiting behind the first read
		r.batches.mu.Lock()
		waiting = len(r.batches.pending)
		r.batches.mu.Unlock()
	}
	close(release)
	wg.Wait()
	assert.LessOrEqual(t, reads.Load(), int64(1+1000/100), "reads of at most 100 keys, shared")
}

// TestAFailedReadFailsItsCallersOnly: the callers of a failed read get its error; later calls
// read again.
func TestAFailedReadFailsItsCallersOnly(t *testing.T) {
	fail := true
	r := New(10, func(_ context.Context, keys []string) (map[string]int, error) {
		if fail {
			return nil, errors.New("down")
		}
		return map[string]int{"x": 1}, nil
	})
	_, _, err := r.Get(context.Background(), "x")
	require.EqualError(t, err, "down")
	fail = false
	v, found, err := r.Get(context.Background(), "x")
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, 1, v)
}

// TestACallerThatGivesUpReturnsAtOnce: a caller whose context ends does not wait for the read.
func TestACallerThatGivesUpReturnsAtOnce(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	r := New(10, func(context.Context, []int) (map[int]int, error) { <-block; return nil, nil })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := r.Get(ctx, 1)
	assert.ErrorIs(t, err, context.Canceled)
}
