package events_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/events"
	"lendgraph/store"
)

func TestMain(m *testing.M) { apptest.Main(m) }

// newApplication stores a bare application for events to be about.
func newApplication(t *testing.T, st *store.Store) int64 {
	t.Helper()
	var id int64
	require.NoError(t, st.DB.Get(&id, `INSERT INTO applications (guid, channel, phone, status, product_code, loan_amount, loan_term, request, request_hash)
		VALUES ($1, 'MOBILE', '79990000000', 'PROCESSING', '2000', 1000, 6, '{}', '\x00') RETURNING id`, uuid.NewString()))
	return id
}

// commit stores an event of application, in a transaction of its own, as status changes are.
func commit(t *testing.T, st *store.Store, application int64, status string) int64 {
	t.Helper()
	var id int64
	require.NoError(t, st.Tx(t.Context(), func(q store.Queries) error {
		var err error
		id, err = q.AppendEvent(t.Context(), application, status, "", "test")
		return err
	}))
	return id
}

// receive reads n events from feed, failing after a generous wait.
func receive(t *testing.T, feed <-chan store.Event, n int) []int64 {
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
	feed := app.Server.Events.Subscribe(ctx, events.Filter{ApplicationID: mine}, -1) // live only

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
	feed := app.Server.Events.Subscribe(ctx, events.Filter{ApplicationID: application}, stored[1])
	assert.Equal(t, stored[2:], receive(t, feed, 3), "the stored ones after the cursor")
	later := commit(t, app.Store, application, "APPROVED")
	assert.Equal(t, []int64{later}, receive(t, feed, 1), "then the live ones")
}

// TestSubscribersBeforeTheListenerLoseNothing: what commits after a subscriber's first read and
// before its instance's listener is up reaches it once the listener is.
func TestSubscribersBeforeTheListenerLoseNothing(t *testing.T) {
	app := apptest.Start(t)
	application := newApplication(t, app.Store)
	hub := events.NewHub(app.Store, app.Server.Log) // not listening yet
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stored := commit(t, app.Store, application, "PROCESSING")
	feed := hub.Subscribe(ctx, events.Filter{ApplicationID: application}, stored-1)
	assert.Equal(t, []int64{stored}, receive(t, feed, 1), "its first read is done")
	missed := []int64{commit(t, app.Store, application, "APPROVED"), commit(t, app.Store, application, "OFFER_SELECTED")}
	go hub.Run(ctx)
	assert.Equal(t, missed, receive(t, feed, 2))
	later := commit(t, app.Store, application, "OTP_SENT")
	assert.Equal(t, []int64{later}, receive(t, feed, 1), "then live")
}
