package pgcluster

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStartReusesTheFolder: a second start while running shares the cluster; a start after a stop
// brings back the same data.
func TestStartReusesTheFolder(t *testing.T) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "pgcluster-test-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))

	first, err := Start(ctx, dir)
	require.NoError(t, err)
	require.NoError(t, first.CreateDatabase(ctx, "app"))
	require.NoError(t, first.CreateDatabase(ctx, "app"), "creating an existing database is a no-op")
	runSQL(t, first.URL("app"), `CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')`)

	second, err := Start(ctx, dir)
	require.NoError(t, err)
	assert.Equal(t, first.URL("app"), second.URL("app"), "the running cluster is reused")
	require.NoError(t, second.Stop(ctx), "stopping a reused cluster leaves it running")
	runSQL(t, first.URL("app"), `SELECT 1`)

	require.NoError(t, first.Stop(ctx))
	again, err := Start(ctx, dir)
	require.NoError(t, err)
	t.Cleanup(func() { again.Stop(ctx) })
	db, err := sql.Open("postgres", again.URL("app"))
	require.NoError(t, err)
	defer db.Close()
	var v string
	require.NoError(t, db.QueryRow(`SELECT v FROM kept`).Scan(&v))
	assert.Equal(t, "still here", v)

	wrongPassword := *again
	wrongPassword.password = "guess"
	bad, err := sql.Open("postgres", wrongPassword.URL("app"))
	require.NoError(t, err)
	defer bad.Close()
	assert.Error(t, bad.Ping(), "the cluster wants its password over TCP")
}

func runSQL(t *testing.T, url, query string) {
	t.Helper()
	db, err := sql.Open("postgres", url)
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(query)
	require.NoError(t, err)
}
