package web_test

import (
	"bytes"
	"context"
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

// BenchmarkApplicationsPage: the back office's page of 50 applications with each one's customer
// (and the customer's documents with their data records), files and offers, asked by 10 clients
// at once over HTTP of a server in a process of its own. It reports requests a second, latency
// p50/p99, and the server's SQL statements and CPU time a request.
func BenchmarkApplicationsPage(b *testing.B) {
	_, url := apptest.NewDatabase(b)
	seed, err := apptest.Open(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	from := apptest.SeedApplications(b, seed, 50)
	seed.Close()
	server := apptest.StartProcess(b, url)
	body, err := json.Marshal(map[string]any{"query": nestedPage, "variables": map[string]any{
		"first": 50, "from": from, "before": from.Add(time.Second)}})
	if err != nil {
		b.Fatal(err)
	}
	header := http.Header{"Authorization": {"Bearer " + server.EmployeeToken(b)}, "Content-Type": {"application/json"}}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 10}}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		failed    int
	)
	statements := server.Metric(b, "lendgraph_sql_statements_total")
	cpu := server.Metric(b, "process_cpu_seconds_total")
	b.SetParallelism(5) // 10 clients on 2 cores
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, server.URL+"/graphql", bytes.NewReader(body))
			req.Header = header.Clone()
			t0 := time.Now()
			resp, err := client.Do(req)
			ok := err == nil && resp.StatusCode == http.StatusOK
			if err == nil {
				out, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				ok = ok && !bytes.Contains(out, []byte(`"errors"`)) && bytes.Count(out, []byte(`"number"`)) == 50
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
	n := float64(len(latencies))
	b.ReportMetric(n/elapsed.Seconds(), "req/s")
	reportLatencies(b, "", latencies)
	b.ReportMetric((server.Metric(b, "lendgraph_sql_statements_total")-statements)/n, "statements/req")
	b.ReportMetric((server.Metric(b, "process_cpu_seconds_total")-cpu)*1000/n, "server_cpu_ms/req")
}

// nestedPage is the page of applications the back office lists, with what it shows of each.
const nestedPage = `query($first: Int, $from: Time, $before: Time) { applications(first: $first, filter: {createdFrom: $from, createdBefore: $before}) {
	edges { node { id status customer { guid lastName documents { status documentInfo { series number issueDate } } }
	files { fileType size } offers { amount term monthlyPayment } } } } }`
