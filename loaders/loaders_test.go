package loaders

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// item is owned by owner.
type item struct{ owner, n int64 }

// fetcher records the fetches a group makes and answers two items for every owner but 0.
type fetcher struct {
	mu    sync.Mutex
	calls [][]int64
	fail  error
}

func (f *fetcher) fetch(_ context.Context, ids []int64) ([]item, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, slices.Clone(ids))
	if f.fail != nil {
		return nil, f.fail
	}
	var out []item
	for _, id := range ids {
		if id != 0 {
			out = append(out, item{id, 1}, item{id, 2})
		}
	}
	return out, nil
}

func newGroup(f *fetcher) *Group[item] {
	return group(f.fetch, func(i item) int64 { return i.owner })
}

func TestOneFetchForAPage(t *testing.T) {
	f := &fetcher{}
	g := newGroup(f)
	g.Expect([]int64{1, 2, 3, 0})
	for _, id := range []int64{2, 1, 3} {
		items, err := g.Load(context.Background(), id)
		require.NoError(t, err)
		assert.Equal(t, []item{{id, 1}, {id, 2}}, items)
	}
	none, err := g.Load(context.Background(), 0)
	require.NoError(t, err)
	assert.Equal(t, []item{}, none, "an owner with nothing reads as an empty list, not a miss")
	assert.Equal(t, [][]int64{{2, 1, 3, 0}}, f.calls, "the first load reads the whole page, the rest are answered from it")
}

func TestConcurrentLoadsShareTheFetch(t *testing.T) {
	f := &fetcher{}
	g := newGroup(f)
	page := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	g.Expect(page)
	var wg sync.WaitGroup
	for _, id := range page {
		wg.Go(func() {
			items, err := g.Load(context.Background(), id)
			assert.NoError(t, err)
			assert.Len(t, items, 2)
		})
	}
	wg.Wait()
	assert.Len(t, f.calls, 1)
	assert.ElementsMatch(t, page, f.calls[0])
}

func TestAnUnexpectedOwnerIsReadAlone(t *testing.T) {
	f := &fetcher{}
	g := newGroup(f)
	_, err := g.Load(context.Background(), 7)
	require.NoError(t, err)
	g.Expect([]int64{7, 8})
	_, err = g.Load(context.Background(), 8)
	require.NoError(t, err)
	assert.Equal(t, [][]int64{{7}, {8}}, f.calls, "an owner read already is not read again")
}

func TestTheNextLevelFollowsThePage(t *testing.T) {
	parents, children := &fetcher{}, &fetcher{}
	p, c := newGroup(parents), newGroup(children)
	// each parent item announces a child owner: owner*10 + n
	p.then = func(items []item) {
		var ids []int64
		for _, it := range items {
			ids = append(ids, it.owner*10+it.n)
		}
		c.Expect(ids)
	}
	p.Expect([]int64{1, 2})
	_, err := p.Load(context.Background(), 1)
	require.NoError(t, err)
	for _, id := range []int64{22, 11, 12, 21} {
		_, err := c.Load(context.Background(), id)
		require.NoError(t, err)
	}
	assert.Len(t, children.calls, 1, "the children of the whole page in one fetch")
	assert.ElementsMatch(t, []int64{11, 12, 21, 22}, children.calls[0])
}

func TestAFailedFetchIsTriedAgainWhole(t *testing.T) {
	f := &fetcher{fail: errors.New("connection lost")}
	g := newGroup(f)
	g.Expect([]int64{1, 2, 3})
	_, err := g.Load(context.Background(), 1)
	require.ErrorIs(t, err, f.fail)

	f.fail = nil
	for _, id := range []int64{2, 1, 3} {
		items, err := g.Load(context.Background(), id)
		require.NoError(t, err)
		assert.Len(t, items, 2)
	}
	require.Len(t, f.calls, 2)
	assert.ElementsMatch(t, []int64{1, 2, 3}, f.calls[1], "the retry reads the page in one fetch again")
}
