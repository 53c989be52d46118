package web_test

import (
	"bytes"
	"math/rand/v2"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"
	"github.com/lib/pq"

	"lendgraph/apptest"
	"lendgraph/store"
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

// BenchmarkLiveDelivery drives status changes to 1,000 and 10,000 WebSocket subscribers of one
// server process and reports commit-to-client latency (p50, p99, max), the process's peak
// resident memory, its goroutines per subscriber, its reads of new events per event, and what
// was lost or came twice. The subscribers are what a live day looks like: one in a hundred is an
// employee's feed of every application; the others each watch one application, ten to an
// application (the customer's phones, the partner's and the back office's screens), and replays
// its application's two older events from the table as it subscribes. Each op is 200 status
// changes committed by 4 writers at 100 a second (8.6 million a day), each delivered to about 110
// subscribers at 10,000. The load generator runs on the same cores as the server and PostgreSQL.
func BenchmarkLiveDelivery(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(strconv.Itoa(n)+"_subscribers", func(b *testing.B) { benchmarkLiveDelivery(b, n) })
	}
}

// receipt is one event arriving at one subscriber.
type receipt struct {
	subscriber int
	id         int64
	at         time.Time
}

func benchmarkLiveDelivery(b *testing.B, n int) {
	// the load generator collects its garbage seldom, to take less of the cores from the server
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	_, url := apptest.NewDatabase(b)
	st, err := apptest.Open(b.Context(), url)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	// the applications, each with two events older than the server
	apps := make([]int64, n/10)
	guids := make([]string, len(apps))
	for i := range apps {
		apps[i], guids[i] = apptest.BareApplication(b, st)
		if err := st.Tx(b.Context(), func(q store.Queries) error {
			for range 2 {
				if _, err := q.RecordStatus(b.Context(), store.Application{ID: apps[i], Status: "PROCESSING"}, "", "bench", nil); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	server := apptest.StartProcess(b, url, "MAX_SUBSCRIPTIONS_PER_CALLER=0")
	token := server.EmployeeToken(b)
	wide := n / 100
	watchers := map[int64]int{} // subscribers of each application
	var (
		mu       sync.Mutex
		receipts []receipt
		received atomic.Int64
	)
	before := server.Metric(b, "lendgraph_sql_statements_total")
	conns := make([]*websocket.Conn, n)
	dial := make(chan int)
	var dialing sync.WaitGroup
	for range 64 {
		dialing.Go(func() {
			d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, ReadBufferSize: 512, WriteBufferSize: 512}
			for i := range dial {
				vars := map[string]any{}
				if i >= wide {
					vars["applicationId"] = guids[i%len(guids)]
				}
				conn, _, err := d.Dial("ws"+strings.TrimPrefix(server.URL, "http")+"/graphql", nil)
				if err != nil {
					b.Error(err)
					return
				}
				conns[i] = conn
				if conn.WriteJSON(wsMessage{Type: "connection_init", Payload: map[string]any{"token": token}}) != nil ||
					conn.WriteJSON(wsMessage{ID: "s", Type: "subscribe", Payload: map[string]any{
						"query":     `subscription($applicationId: ID) { applicationEvents(applicationId: $applicationId) { cursor applicationId status } }`,
						"variables": vars,
					}}) != nil {
					b.Error("subscribe failed")
					return
				}
				go func() {
					for {
						_, msg, err := conn.ReadMessage()
						if err != nil {
							return
						}
						// the load generator reads only what it needs: the type and the cursor
						switch {
						case bytes.Contains(msg, []byte(`"type":"ping"`)):
							_ = conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"pong"}`))
						case bytes.Contains(msg, []byte(`"type":"next"`)):
							_, rest, _ := bytes.Cut(msg, []byte(`"cursor":"`))
							digits, _, _ := bytes.Cut(rest, []byte(`"`))
							id, _ := strconv.ParseInt(string(digits), 10, 64)
							r := receipt{subscriber: i, id: id, at: time.Now()}
							mu.Lock()
							receipts = append(receipts, r)
							mu.Unlock()
							received.Add(1)
						}
					}
				}()
			}
		})
	}
	for i := range n {
		if i >= wide {
			watchers[apps[i%len(apps)]]++
		}
		dial <- i
	}
	close(dial)
	dialing.Wait()
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	}()
	for deadline := time.Now().Add(60 * time.Second); server.Metric(b, "lendgraph_event_subscribers") < float64(n); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("%v of %d subscribed; the server logged:\n%s", server.Metric(b, "lendgraph_event_subscribers"), n, server.Logs)
		}
	}
	subscribeStatements := (server.Metric(b, "lendgraph_sql_statements_total") - before) / float64(n)
	goroutines := server.Metric(b, "go_goroutines")
	readsBefore := server.Metric(b, "lendgraph_event_reads_total")

	var (
		committed = map[int64]time.Time{}
		expected  = int64(2 * (n - wide)) // the history replayed, then each op's changes
		written   int
	)
	b.ResetTimer()
	for b.Loop() {
		changes := make(chan int64)
		var writers sync.WaitGroup
		for range 4 {
			writers.Go(func() {
				for app := range changes {
					var id int64
					err := st.Tx(b.Context(), func(q store.Queries) error {
						id, err = q.RecordStatus(b.Context(), store.Application{ID: app, Status: "PROCESSING"}, "", "bench", nil)
						return err
					})
					if err != nil {
						b.Error(err)
						continue
					}
					at := time.Now()
					mu.Lock()
					committed[id] = at
					mu.Unlock()
				}
			})
		}
		pace := time.NewTicker(10 * time.Millisecond)
		for range 200 {
			<-pace.C
			app := apps[rand.IntN(len(apps))]
			expected += int64(watchers[app] + wide)
			changes <- app
		}
		pace.Stop()
		close(changes)
		writers.Wait()
		written += 200
		for deadline := time.Now().Add(30 * time.Second); received.Load() < expected && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
	}
	b.StopTimer()
	time.Sleep(200 * time.Millisecond) // anything more, to count as duplicated

	mu.Lock()
	defer mu.Unlock()
	var latencies []time.Duration
	seen := map[[2]int64]bool{}
	duplicated, history := 0, 0
	for _, r := range receipts {
		key := [2]int64{int64(r.subscriber), r.id}
		if seen[key] {
			duplicated++
		}
		seen[key] = true
		if at, ok := committed[r.id]; ok {
			latencies = append(latencies, max(0, r.at.Sub(at)))
		} else {
			history++
		}
	}
	if len(latencies) == 0 {
		b.Fatal("no status change arrived")
	}
	rss, peak := server.Memory(b)
	reportLatencies(b, "", latencies)
	b.ReportMetric(float64(slices.Max(latencies))/float64(time.Millisecond), "max_ms")
	b.ReportMetric(float64(peak)/(1<<20), "peak_rss_MiB")
	b.ReportMetric(float64(rss)/(1<<20), "rss_MiB")
	b.ReportMetric(goroutines/float64(n), "goroutines/subscriber")
	b.ReportMetric(subscribeStatements, "statements/subscribe")
	b.ReportMetric(float64(history)/float64(n-wide), "history_events/subscriber")
	b.ReportMetric((server.Metric(b, "lendgraph_event_reads_total")-readsBefore)/float64(written), "reads/event")
	b.ReportMetric(float64(expected-int64(len(seen))), "lost")
	b.ReportMetric(float64(duplicated), "duplicated")
	b.ReportMetric(0, "ns/op")
}
