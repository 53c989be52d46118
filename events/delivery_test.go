package events_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/demo"
	"lendgraph/events"
	"lendgraph/pgcluster"
	"lendgraph/store"
)

func TestMain(m *testing.M) { apptest.Main(m) }

// newApplication stores a bare application for events to be about.
func newApplication(t *testing.T, st *store.Store) int64 {
	id, _ := apptest.BareApplication(t, st)
	return id
}

// commit stores an event of application, in a transaction of its own, as status changes are.
func commit(t *testing.T, st *store.Store, application int64, status string) int64 {
	t.Helper()
	var id int64
	require.NoError(t, st.Tx(t.Context(), func(q store.Queries) error {
		var err error
		id, err = q.RecordStatus(t.Context(), store.Application{ID: application, Status: status}, "", "test", nil)
		return err
	}))
	return id
}

// hold appends an event of application in a transaction it keeps open until end is called, which
// commits it or rolls it back.
func hold(t *testing.T, st *store.Store, application int64) (id int64, end func(commit bool)) {
	t.Helper()
	ids, decision, done := make(chan int64), make(chan bool), make(chan error)
	go func() {
		done <- st.Tx(context.Background(), func(q store.Queries) error {
			id, err := q.RecordStatus(context.Background(), store.Application{ID: application, Status: "APPROVED"}, "", "test", nil)
			if err != nil {
				return err
			}
			ids <- id
			if !<-decision {
				return errors.New("rolled back on purpose")
			}
			return nil
		})
	}()
	select {
	case id = <-ids:
	case err := <-done:
		t.Fatal(err)
	}
	return id, func(commit bool) {
		decision <- commit
		if err := <-done; commit {
			require.NoError(t, err)
		}
	}
}

func subscribe(t *testing.T, app *apptest.App, ctx context.Context, f events.Filter, after int64) <-chan *store.Event {
	t.Helper()
	feed, err := app.Server.Events.Subscribe(ctx, f, after)
	require.NoError(t, err)
	return feed
}

// receive reads n events from feed, failing after a generous wait.
func receive(t *testing.T, feed <-chan *store.Event, n int) []int64 {
	t.Helper()
	var got []int64
	for range n {
		select {
		case ev := <-feed:
			got = append(got, ev.ID)
		case <-time.After(10 * time.Second):
			t.Fatalf("%d of %d events arrived", len(got), n)
		}
	}
	return got
}

// TestDeliveryInOrderThroughAnOverflow: a subscriber that reads nothing while 150 events commit
// overflows its live buffer; it then receives every one of its application's events, once, in
// order, and none of another application's.
func TestDeliveryInOrderThroughAnOverflow(t *testing.T) {
	app := apptest.Start(t)
	mine, other := newApplication(t, app.Store), newApplication(t, app.Store)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	feed := subscribe(t, app, ctx, events.Filter{ApplicationID: mine}, -1) // live only

	var want []int64
	for i := range 150 {
		want = append(want, commit(t, app.Store, mine, "PROCESSING"))
		if i%10 == 0 {
			commit(t, app.Store, other, "PROCESSING")
		}
	}
	assert.Equal(t, want, receive(t, feed, len(want)))
	select {
	case ev := <-feed:
		t.Fatalf("an event more: %+v", ev)
	case <-time.After(200 * time.Millisecond):
	}
}

// TestResumeAfterACursor: a subscriber resuming after an event receives the later ones, stored
// before it subscribed and committed after, in order.
func TestResumeAfterACursor(t *testing.T) {
	app := apptest.Start(t)
	application := newApplication(t, app.Store)
	var stored []int64
	for range 5 {
		stored = append(stored, commit(t, app.Store, application, "PROCESSING"))
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	feed := subscribe(t, app, ctx, events.Filter{ApplicationID: application}, stored[1])
	assert.Equal(t, stored[2:], receive(t, feed, 3), "the stored ones after the cursor")
	later := commit(t, app.Store, application, "APPROVED")
	assert.Equal(t, []int64{later}, receive(t, feed, 1), "then the live ones")
}

// TestCommitOrderDoesNotLoseEvents: an event whose transaction commits after a later id's is
// delivered all the same, in id order; an id whose transaction rolls back holds nothing up for
// good.
func TestCommitOrderDoesNotLoseEvents(t *testing.T) {
	app := apptest.Start(t)
	first, second, third := newApplication(t, app.Store), newApplication(t, app.Store), newApplication(t, app.Store)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	feed := subscribe(t, app, ctx, events.Filter{}, -1)
	sentinel := commit(t, app.Store, third, "PROCESSING")
	require.Equal(t, []int64{sentinel}, receive(t, feed, 1), "the feed is live")

	early, commitEarly := hold(t, app.Store, first)
	_, rollBack := hold(t, app.Store, third)
	late := commit(t, app.Store, second, "APPROVED")
	select {
	case ev := <-feed:
		t.Fatalf("event %d went out while %d was uncommitted", ev.ID, early)
	case <-time.After(300 * time.Millisecond):
	}
	commitEarly(true)
	assert.Equal(t, []int64{early}, receive(t, feed, 1), "the earlier id first")
	rollBack(false)
	assert.Equal(t, []int64{late}, receive(t, feed, 1), "and the later once the rolled-back id is known never to come")
}

// TestAPostgreSQLRestartLosesNothing: on a cluster of its own, restarted while a subscriber
// listens, the events committed before and after the restart reach the subscriber once, in order;
// an event whose transaction the restart killed never comes and holds nothing up for good.
func TestAPostgreSQLRestartLosesNothing(t *testing.T) {
	ctx := context.Background()
	cluster, err := pgcluster.StartTemporary(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cluster.Discard(ctx) })
	require.NoError(t, cluster.CreateDatabase(ctx, "lendgraph"))
	url := cluster.URL("lendgraph")
	st, err := apptest.Open(ctx, url)
	require.NoError(t, err)
	require.NoError(t, st.Migrate(ctx))
	require.NoError(t, demo.Load(ctx, st))
	st.Close()

	app := apptest.StartOn(t, url)
	application, other := newApplication(t, app.Store), newApplication(t, app.Store)
	feedCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	feed := subscribe(t, app, feedCtx, events.Filter{}, -1)
	var want []int64
	for range 3 {
		want = append(want, commit(t, app.Store, application, "PROCESSING"))
	}
	assert.Equal(t, want, receive(t, feed, 3), "before the restart")
	_, killed := hold(t, app.Store, other) // open across the restart, which ends it
	waiting := commit(t, app.Store, application, "OFFER_SELECTED")

	require.NoError(t, cluster.Restart(ctx))
	killed(false)
	// the pool's connections died with the server: a commit may fail once per dead connection
	after := []int64{waiting}
	for len(after) < 4 {
		var id int64
		if app.Store.Tx(ctx, func(q store.Queries) error {
			id, err = q.RecordStatus(ctx, store.Application{ID: application, Status: "APPROVED"}, "", "test", nil)
			return err
		}) == nil {
			after = append(after, id)
		}
	}
	assert.Equal(t, after, receive(t, feed, 4), "the one that waited for the killed one, then those after the restart")
}
