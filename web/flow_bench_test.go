package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"lendgraph/apptest"
)

// BenchmarkCreateToDecision: partners file applications, n at a time, and poll each one's status
// (every 20 ms, as partners do) until the job worker has scored it. It reports decisions a second
// and create→decision p50/p99. The server, PostgreSQL and the partners share the 2 cores.
func BenchmarkCreateToDecision(b *testing.B) {
	for _, n := range []int{10, 50} {
		b.Run(strconv.Itoa(n)+"_at_once", func(b *testing.B) {
			app := apptest.Start(b)
			token := app.PartnerToken(b)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}}
			call := func(method, path string, body []byte) (map[string]any, int) {
				req, _ := http.NewRequest(method, app.URL+path, bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					return nil, 0
				}
				defer resp.Body.Close()
				var out map[string]any
				_ = json.NewDecoder(resp.Body).Decode(&out)
				return out, resp.StatusCode
			}
			var (
				mu        sync.Mutex
				latencies []time.Duration
				failed    int
			)
			b.ResetTimer()
			start := time.Now()
			for b.Loop() {
				var wg sync.WaitGroup
				for range n {
					wg.Go(func() {
						guid := uuid.NewString()
						t0 := time.Now()
						if _, code := call(http.MethodPost, "/partner/api/v1/applications/create", createBody(b, guid, "flow-"+guid, nil)); code != http.StatusOK {
							mu.Lock()
							failed++
							mu.Unlock()
							return
						}
						for deadline := t0.Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
							if st, _ := call(http.MethodGet, "/partner/api/v1/applications/"+guid+"/status", nil); st["status"] != "PROCESSING" {
								mu.Lock()
								latencies = append(latencies, time.Since(t0))
								mu.Unlock()
								return
							}
						}
						mu.Lock()
						failed++
						mu.Unlock()
					})
				}
				wg.Wait()
			}
			elapsed := time.Since(start)
			b.StopTimer()
			if failed > 0 || len(latencies) == 0 {
				b.Fatalf("%d applications failed or were not decided in 30 s", failed)
			}
			b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "decisions/s")
			reportLatencies(b, "", latencies)
		})
	}
}
