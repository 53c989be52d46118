package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"lendgraph/apptest"
)

// reportLatencies reports the median and the 99th percentile of latencies, in milliseconds, as
// name+"p50_ms" and name+"p99_ms".
func reportLatencies(b *testing.B, name string, latencies []time.Duration) {
	if len(latencies) == 0 {
		return
	}
	slices.Sort(latencies)
	ms := func(q float64) float64 {
		return float64(latencies[int(q*float64(len(latencies)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(ms(0.5), name+"p50_ms")
	b.ReportMetric(ms(0.99), name+"p99_ms")
}

// BenchmarkApplicationsPage: the back office's page of 50 applications with their customer (and
// documents), partner, cart, offers, files, loan and events, asked by 10 clients at once over HTTP.
// It reports requests a second, latency p50/p99 and SQL statements a request.
func BenchmarkApplicationsPage(b *testing.B) {
	app := apptest.StartWithoutWorker(b)
	from := seedApplications(b, app.Store, 50)
	body, err := json.Marshal(map[string]any{"query": applicationPage, "variables": map[string]any{
		"first": 50, "from": from, "before": from.Add(time.Second)}})
	if err != nil {
		b.Fatal(err)
	}
	header := http.Header{"Authorization": {"Bearer " + app.EmployeeToken(b)}, "Content-Type": {"application/json"}}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 10}}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		failed    int
	)
	statements := app.Store.Statements()
	b.SetParallelism(5) // 10 clients on 2 cores
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, app.URL+"/graphql", bytes.NewReader(body))
			req.Header = header.Clone()
			t0 := time.Now()
			resp, err := client.Do(req)
			ok := err == nil && resp.StatusCode == http.StatusOK
			if err == nil {
				out, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				ok = ok && !bytes.Contains(out, []byte(`"errors"`))
			}
			d := time.Since(t0)
			mu.Lock()
			latencies = append(latencies, d)
			if !ok {
				failed++
			}
			mu.Unlock()
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if failed > 0 {
		b.Fatalf("%d of %d requests failed", failed, len(latencies))
	}
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "req/s")
	reportLatencies(b, "", latencies)
	b.ReportMetric(float64(app.Store.Statements()-statements)/float64(len(latencies)), "statements/req")
}
