package loaders_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/loaders"
	"lendgraph/store"
)

func TestMain(m *testing.M) { apptest.Main(m) }

// page is a page of seeded applications (each with two offers, two files and a customer with one
// document) and fresh loaders over the store.
func page(t *testing.T, n int) (*store.Store, []store.Application, *loaders.Loaders) {
	ctx := context.Background()
	st, err := apptest.Open(ctx, apptest.DatabaseURL)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	from := apptest.SeedApplications(t, st, n)
	before := from.Add(time.Second)
	apps, err := st.Applications(ctx, store.ApplicationFilter{CreatedFrom: &from, CreatedBefore: &before, Limit: n})
	require.NoError(t, err)
	require.Len(t, apps, n)
	return st, apps, loaders.New(st)
}

// TestALevelIsOneRead: the offers and files of a page, loaded concurrently row by row, cost one
// statement together.
func TestALevelIsOneRead(t *testing.T) {
	st, apps, l := page(t, 10)
	l.ExpectApplications(apps, loaders.Asked{"offers": {}, "files": {}})
	before := st.Statements()
	var wg sync.WaitGroup
	for _, a := range apps {
		wg.Go(func() {
			offers, err := l.Offers.Load(context.Background(), a.ID)
			assert.NoError(t, err)
			assert.Len(t, offers, 2)
			for _, o := range offers {
				assert.Equal(t, a.ID, o.ApplicationID)
			}
		})
		wg.Go(func() {
			files, err := l.Files.Load(context.Background(), a.ID)
			assert.NoError(t, err)
			assert.Len(t, files, 2)
		})
	}
	wg.Wait()
	assert.Equal(t, int64(1), st.Statements()-before)
}

// TestWhatIsNotAskedIsNotRead: a kind the operation does not ask for stays out of the level's
// read; asked later for one row, it costs a read of that row alone.
func TestWhatIsNotAskedIsNotRead(t *testing.T) {
	st, apps, l := page(t, 3)
	l.ExpectApplications(apps, loaders.Asked{"offers": {}})
	before := st.Statements()
	for _, a := range apps {
		_, err := l.Offers.Load(context.Background(), a.ID)
		require.NoError(t, err)
	}
	files, err := l.Files.Load(context.Background(), apps[0].ID)
	require.NoError(t, err)
	assert.Len(t, files, 2)
	assert.Equal(t, int64(2), st.Statements()-before)
}

// TestTheNextLevelFollowsThePage: the customers of a page, then their documents, then those
// documents' files: one read a level.
func TestTheNextLevelFollowsThePage(t *testing.T) {
	st, apps, l := page(t, 5)
	l.ExpectApplications(apps, loaders.Asked{"customer": {"documents": {"files": {}}}})
	ctx := context.Background()
	before := st.Statements()
	for _, a := range apps {
		customers, err := l.Customers.Load(ctx, *a.CustomerID)
		require.NoError(t, err)
		require.Len(t, customers, 1)
		docs, err := l.Documents.Load(ctx, customers[0].ID)
		require.NoError(t, err)
		require.Len(t, docs, 1)
		assert.Equal(t, "PASSPORT", docs[0].Type.Name)
		require.Len(t, docs[0].Infos, 1)
		files, err := l.DocumentFiles.Load(ctx, docs[0].ID)
		require.NoError(t, err)
		assert.Len(t, files, 1)
	}
	assert.Equal(t, int64(3), st.Statements()-before)
}

// TestAFailedReadIsTriedAgainWhole: a read that fails leaves the level's owners to the next
// load, which reads them all in one statement again.
func TestAFailedReadIsTriedAgainWhole(t *testing.T) {
	st, apps, l := page(t, 4)
	l.ExpectApplications(apps, loaders.Asked{"offers": {}, "files": {}})
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := l.Offers.Load(cancelled, apps[0].ID)
	require.Error(t, err)

	before := st.Statements()
	for _, a := range apps {
		offers, err := l.Offers.Load(context.Background(), a.ID)
		require.NoError(t, err)
		assert.Len(t, offers, 2)
		files, err := l.Files.Load(context.Background(), a.ID)
		require.NoError(t, err)
		assert.Len(t, files, 2)
	}
	assert.Equal(t, int64(1), st.Statements()-before)
}
