package store_test

import (
	"context"
	"errors"
	"io/fs"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/demo"
	"lendgraph/migrations"
	"lendgraph/pgcluster"
	"lendgraph/store"
)

func TestMain(m *testing.M) { apptest.Main(m) }

// TestMigrationsFromSeveralInstances starts four instances on an empty database at once: the
// advisory lock lets each migration apply once, and every instance comes up.
func TestMigrationsFromSeveralInstances(t *testing.T) {
	ctx := context.Background()
	const name = "migrate_together"
	require.NoError(t, pgcluster.CreateDatabase(ctx, apptest.AdminURL, name))
	t.Cleanup(func() { _ = pgcluster.DropDatabase(ctx, apptest.AdminURL, name) })
	url, err := pgcluster.WithDatabase(apptest.AdminURL, name)
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			st, err := apptest.Open(ctx, url)
			if err != nil {
				errs[i] = err
				return
			}
			defer st.Close()
			errs[i] = st.Migrate(ctx)
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	st, err := apptest.Open(ctx, url)
	require.NoError(t, err)
	defer st.Close()
	var applied int
	require.NoError(t, st.DB.GetContext(ctx, &applied, `SELECT count(*) FROM goose_db_version WHERE version_id > 0`))
	files, err := fs.Glob(migrations.FS, "*.sql")
	require.NoError(t, err)
	assert.Equal(t, len(files), applied, "each migration recorded once")
	pending, err := st.MigrationsPending(ctx)
	require.NoError(t, err)
	assert.False(t, pending)
}

// TestDemoDataLoadsOnce: a second load (a second start) changes nothing.
func TestDemoDataLoadsOnce(t *testing.T) {
	ctx := context.Background()
	st, err := apptest.Open(ctx, apptest.DatabaseURL)
	require.NoError(t, err)
	defer st.Close()
	snapshot := func() (s string) {
		require.NoError(t, st.DB.GetContext(ctx, &s, `SELECT concat_ws('|',
			(SELECT string_agg(t::text, ',' ORDER BY id) FROM customers t),
			(SELECT string_agg(t::text, ',' ORDER BY id) FROM employees t),
			(SELECT string_agg(t::text, ',' ORDER BY id) FROM partners t),
			(SELECT string_agg(t::text, ',' ORDER BY phone) FROM otp_exceptions t))`))
		return s
	}
	before := snapshot()
	require.Contains(t, before, demo.EmployeeUsername)
	require.NoError(t, demo.Load(ctx, st))
	assert.Equal(t, before, snapshot())
}

// TestQueryDeadline: a statement that outlives the store's query timeout is cancelled.
func TestQueryDeadline(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, apptest.DatabaseURL, store.Options{MaxOpenConns: 2, MaxIdleConns: 1, ConnMaxLifetime: time.Minute, QueryTimeout: 200 * time.Millisecond})
	require.NoError(t, err)
	defer st.Close()
	start := time.Now()
	err = st.Tx(ctx, func(q store.Queries) error {
		_, err := q.OTPSettingsFor(ctx, "AUTH")
		if err != nil {
			return err
		}
		return q.Sleep(ctx, time.Second)
	})
	require.Error(t, err)
	var pqErr *pq.Error
	require.ErrorAs(t, err, &pqErr)
	assert.Equal(t, "query_canceled", pqErr.Code.Name())
	assert.Less(t, time.Since(start), 900*time.Millisecond)
}

// TestTxRollsBack: a failing function leaves nothing behind.
func TestTxRollsBack(t *testing.T) {
	ctx := context.Background()
	st, err := apptest.Open(ctx, apptest.DatabaseURL)
	require.NoError(t, err)
	defer st.Close()
	boom := errors.New("boom")
	err = st.Tx(ctx, func(q store.Queries) error {
		if err := q.EnqueueSMS(ctx, "79990009999", "hello"); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	_, err = st.LatestSMS(ctx, "79990009999")
	assert.ErrorIs(t, err, store.ErrNotFound)
}

// TestThePoolStaysWarm: the pool opens its connections at start and keeps them: a burst of
// concurrent statements opens no new session and closes none.
func TestThePoolStaysWarm(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, apptest.DatabaseURL, store.Options{MaxOpenConns: 4, MaxIdleConns: 4, ConnMaxLifetime: time.Hour, QueryTimeout: 5 * time.Second})
	require.NoError(t, err)
	defer st.Close()
	assert.Equal(t, 4, st.DB.Stats().OpenConnections, "opened at start")
	for range 3 {
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				var n int
				assert.NoError(t, st.DB.GetContext(ctx, &n, `SELECT 1 FROM pg_sleep(0.01)`))
			})
		}
		wg.Wait()
	}
	stats := st.DB.Stats()
	assert.Equal(t, 4, stats.OpenConnections)
	assert.Zero(t, stats.MaxIdleClosed, "none closed for want of idle room")
}

// TestEveryForeignKeyIsIndexed: every foreign key leads an index of its table, so that reading a
// parent's children (a page's nested lists) and deleting or locking a parent never scan a table.
func TestEveryForeignKeyIsIndexed(t *testing.T) {
	st, err := apptest.Open(context.Background(), apptest.DatabaseURL)
	require.NoError(t, err)
	defer st.Close()
	var unindexed []string
	require.NoError(t, st.DB.Select(&unindexed, `
		SELECT c.conrelid::regclass::text || ' (' || string_agg(a.attname, ', ' ORDER BY k.n) || ')'
		FROM pg_constraint c
		CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(attnum, n)
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
		WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
		  AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid
		        AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
		        AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
		GROUP BY c.oid, c.conrelid ORDER BY 1`))
	assert.Empty(t, unindexed, "foreign keys that lead no index")
}
