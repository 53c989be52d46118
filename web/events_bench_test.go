package web_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"lendgraph/apptest"
)

// BenchmarkEventDeliveryUnderConcurrentWriters measures what live subscribers lose when writers
// commit at once: each op, 60 applications are created and cancelled by 20 concurrent partner
// calls on one instance while an employee, subscribed to every application on another instance
// over the same database, reads. It reports the events stored and those that never arrived, per
// op; the target is 0 lost and 0 duplicated.
func BenchmarkEventDeliveryUnderConcurrentWriters(b *testing.B) {
	writer := apptest.Start(b)
	reader := apptest.StartOn(b, writer.DatabaseURL)
	p := partnerClient{app: writer, token: writer.PartnerToken(b)}
	employee := reader.EmployeeToken(b)
	var stored, lost, duplicated int
	for b.Loop() {
		conn := subscribe(b, reader, employee, map[string]any{})
		// the feed is live once the sentinel's first event arrives
		sentinel := newApplication(b, p, nil)
		for nextEvent(b, conn)["applicationId"] != sentinel {
		}

		guids := make([]string, 60)
		work := make(chan string)
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				for guid := range work {
					if resp := p.post(b, "/partner/api/v1/applications/create", createBody(b, guid, "bench-"+guid, nil)); resp.Status == http.StatusOK {
						p.post(b, action(guid, "cancel"), []byte(`{"reason":"bench"}`))
					}
				}
			})
		}
		for i := range guids {
			guids[i] = uuid.NewString()
			work <- guids[i]
		}
		close(work)
		wg.Wait()

		mine := map[string]bool{}
		for _, g := range guids {
			mine[g] = true
		}
		seen := map[string]bool{}
		for { // until the feed has been quiet for three seconds
			if err := conn.SetReadDeadline(time.Now().Add(3 * time.Second)); err != nil {
				b.Fatal(err)
			}
			var m wsMessage
			if conn.ReadJSON(&m) != nil {
				break
			}
			if m.Type != "next" {
				continue
			}
			ev := m.Payload["data"].(map[string]any)["applicationEvents"].(map[string]any)
			if id, _ := ev["applicationId"].(string); mine[id] {
				cursor := ev["cursor"].(string)
				if seen[cursor] {
					duplicated++
				}
				seen[cursor] = true
			}
		}
		var n int
		if err := writer.Store.DB.Get(&n, `SELECT count(*) FROM application_events e JOIN applications a ON a.id = e.application_id
			WHERE a.guid = ANY($1)`, pq.Array(guids)); err != nil {
			b.Fatal(err)
		}
		stored += n
		lost += n - len(seen)
		conn.Close()
	}
	b.ReportMetric(float64(stored)/float64(b.N), "events/op")
	b.ReportMetric(float64(lost)/float64(b.N), "lost/op")
	b.ReportMetric(float64(duplicated)/float64(b.N), "duplicated/op")
}
