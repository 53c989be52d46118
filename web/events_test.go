package web_test

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"
	"github.com/lib/pq"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
)

// eventFeed is one applicationEvents subscription: the cursors it received of the applications a
// test watches, in the order they came.
type eventFeed struct {
	name    string
	conn    *websocket.Conn
	cursors []string
	from    int64 // the feed's events start after this one
}

// readUntil reads until the feed has n events of watched, or fails after a generous wait.
func (f *eventFeed) readUntil(t *testing.T, watched map[string]bool, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for len(f.cursors) < n {
		require.NoError(t, f.conn.SetReadDeadline(deadline))
		var m wsMessage
		if !assert.NoError(t, f.conn.ReadJSON(&m), "%s: %d of %d events came", f.name, len(f.cursors), n) {
			return
		}
		if m.Type == "ping" || m.Type == "pong" {
			continue
		}
		require.Equal(t, "next", m.Type, "%s: %v", f.name, m.Payload)
		ev := m.Payload["data"].(map[string]any)["applicationEvents"].(map[string]any)
		if watched[ev["applicationId"].(string)] {
			f.cursors = append(f.cursors, ev["cursor"].(string))
		}
	}
}

// TestEveryEventReachesEverySubscriber: 60 applications move through their statuses by 20
// partner calls at once, through two instances on one database, while the job workers of both
// score them and each instance's LISTEN connection is killed every 100 ms. Subscribers on both
// instances (an employee's feed of all, a partner's, a customer's, one application's) and one that
// drops midway and resumes on the other instance receive every stored event they may see, once,
// in id order (so in each application's order), and nothing else.
func TestEveryEventReachesEverySubscriber(t *testing.T) {
	a := apptest.Start(t)
	b := apptest.StartOn(t, a.DatabaseURL)
	partnerA := partnerClient{app: a, token: a.PartnerToken(t)}
	partnerB := partnerClient{app: b, token: b.PartnerToken(t)}
	const customerPhone = "79010000004" // createBody's applicant; half the applications are another's
	employee := a.EmployeeToken(t)

	// one application to watch alone, stored before the others and changed with them
	single := newApplication(t, partnerA, nil)
	feeds := []*eventFeed{
		{name: "employee on A", conn: subscribe(t, a, employee, map[string]any{})},
		{name: "employee on B", conn: subscribe(t, b, employee, map[string]any{})},
		{name: "partner on A", conn: subscribe(t, a, partnerA.token, map[string]any{})},
		{name: "customer on B", conn: subscribe(t, b, b.CustomerToken(t, customerPhone), map[string]any{})},
		{name: "one application on B", conn: subscribe(t, b, employee, map[string]any{"applicationId": single})},
	}
	resumer := &eventFeed{name: "resumer", conn: subscribe(t, a, employee, map[string]any{})}
	// each feed is live once a sentinel's first event has reached it
	sentinel := newApplication(t, partnerB, nil)
	for _, f := range append(feeds[:4:4], resumer) {
		f.readUntil(t, map[string]bool{sentinel: true}, 1)
		f.from, _ = strconv.ParseInt(f.cursors[0], 10, 64)
		f.cursors = nil
	}

	stopKilling := make(chan struct{})
	killed := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-stopKilling:
				killed <- n
				return
			case <-time.After(100 * time.Millisecond):
			}
			if dropped, err := killListeners(a); err == nil {
				n += dropped
			}
		}
	}()

	guids := []string{single}
	work := make(chan int)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			for i := range work {
				p := []partnerClient{partnerA, partnerB}[i%2]
				guid := uuid.NewString()
				mutate := func(d map[string]any) {
					if i%4 >= 2 {
						d["customer"].(map[string]any)["phone"] = profPhone()
					}
				}
				resp := p.post(t, "/partner/api/v1/applications/create", createBody(t, guid, "every-"+guid, mutate))
				if !assert.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body) {
					continue
				}
				mu.Lock()
				guids = append(guids, guid)
				mu.Unlock()
				if p.waitStatus(t, guid)["status"] == "APPROVED" {
					p.post(t, action(guid, "select_offer"), nil)
				}
				p.post(t, action(guid, "cancel"), []byte(`{"reason":"every event"}`))
			}
		})
	}
	for i := range 60 {
		if i == 30 { // meanwhile, the single application moves too
			require.Equal(t, http.StatusOK, partnerB.post(t, action(single, "select_offer"), nil).Status)
		}
		work <- i
	}
	close(work)
	// the resumer drops midway and resumes from its cursor on the other instance
	watched := func() map[string]bool {
		mu.Lock()
		defer mu.Unlock()
		w := map[string]bool{}
		for _, g := range guids {
			w[g] = true
		}
		return w
	}
	resumer.readUntil(t, watched(), 40)
	require.NoError(t, resumer.conn.Close())
	cursor := resumer.cursors[len(resumer.cursors)-1]
	wg.Wait()
	require.Equal(t, http.StatusOK, partnerA.post(t, action(single, "cancel"), []byte(`{"reason":"every event"}`)).Status)
	resumer.conn = subscribe(t, b, employee, map[string]any{"after": cursor})
	close(stopKilling)
	assert.Positive(t, <-killed, "LISTEN connections were killed")

	var stored []struct {
		ID    int64  `db:"id"`
		GUID  string `db:"guid"`
		Phone string `db:"phone"` // of the event's customer, when it has one
	}
	require.NoError(t, a.Store.DB.Select(&stored, `SELECT e.id, a.guid, coalesce(c.phone, '') AS phone FROM application_events e
		LEFT JOIN customers c ON c.id = e.customer_id
		JOIN applications a ON a.id = e.application_id WHERE a.guid = ANY($1) ORDER BY e.id`, pq.Array(guids)))
	require.Greater(t, len(stored), 200)
	want := map[string][]string{}
	for _, ev := range stored {
		cursor := strconv.FormatInt(ev.ID, 10)
		for _, f := range append(feeds, resumer) {
			switch {
			case ev.ID <= f.from,
				f.name == "customer on B" && ev.Phone != customerPhone,
				f.name == "one application on B" && ev.GUID != single:
				continue
			}
			want[f.name] = append(want[f.name], cursor)
		}
	}
	all := watched()
	for _, f := range append(feeds, resumer) {
		f.readUntil(t, all, len(want[f.name]))
		if !assert.Equal(t, want[f.name], f.cursors, "%s: every event once, in id order", f.name) {
			continue
		}
		require.NoError(t, f.conn.SetReadDeadline(time.Now().Add(300*time.Millisecond)))
		var m wsMessage
		for f.conn.ReadJSON(&m) == nil {
			if m.Type != "next" {
				continue
			}
			ev := m.Payload["data"].(map[string]any)["applicationEvents"].(map[string]any)
			assert.False(t, all[ev["applicationId"].(string)], "%s: an event more: %v", f.name, ev)
		}
	}
}
