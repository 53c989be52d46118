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

// BenchmarkPartnerFlow: partners drive n flows at once, each for a customer of a fresh phone, from
// create to COMPLETED: they poll each one's status (every 20 ms, as partners do) until the job
// worker has scored it, then select the offer, send the code, sign with the code the SMS carries
// and confirm. It reports flows a second, create→APPROVED p50/p99 and SQL statements a flow. The
// server, PostgreSQL and the partners share the 2 cores.
func BenchmarkPartnerFlow(b *testing.B) {
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
			// flow runs one flow and returns how long its decision took, or false when a step failed
			flow := func() (time.Duration, bool) {
				guid, phone := uuid.NewString(), newPhone()
				t0 := time.Now()
				body := createBody(b, guid, "flow-"+guid, func(d map[string]any) { d["customer"].(map[string]any)["phone"] = phone })
				if _, code := call(http.MethodPost, "/partner/api/v1/applications/create", body); code != http.StatusOK {
					return 0, false
				}
				var approved time.Duration
				for deadline := t0.Add(30 * time.Second); approved == 0; time.Sleep(20 * time.Millisecond) {
					st, _ := call(http.MethodGet, "/partner/api/v1/applications/"+guid+"/status", nil)
					switch {
					case st["status"] == "APPROVED":
						approved = time.Since(t0)
					case st["status"] != "PROCESSING" || time.Now().After(deadline):
						return 0, false
					}
				}
				var code string
				if _, status := call(http.MethodPost, action(guid, "select_offer"), nil); status != http.StatusOK {
					return 0, false
				}
				if _, status := call(http.MethodPost, action(guid, "send_otp"), nil); status != http.StatusOK {
					return 0, false
				}
				if err := app.Store.DB.Get(&code, `SELECT substring(body from '\d{4,8}') FROM sms_outbox WHERE phone = $1 ORDER BY id DESC LIMIT 1`, phone); err != nil {
					return 0, false
				}
				if _, status := call(http.MethodPost, action(guid, "sign"), []byte(`{"code":"`+code+`"}`)); status != http.StatusOK {
					return 0, false
				}
				_, status := call(http.MethodPost, action(guid, "confirm"), []byte(`{"confirm_date":"`+apptest.Today+`"}`))
				return approved, status == http.StatusOK
			}
			var (
				mu        sync.Mutex
				latencies []time.Duration
				failed    int
			)
			statements := app.Store.Statements()
			b.ResetTimer()
			start := time.Now()
			for b.Loop() {
				var wg sync.WaitGroup
				for range n {
					wg.Go(func() {
						approved, ok := flow()
						mu.Lock()
						defer mu.Unlock()
						if !ok {
							failed++
							return
						}
						latencies = append(latencies, approved)
					})
				}
				wg.Wait()
			}
			elapsed := time.Since(start)
			b.StopTimer()
			if failed > 0 || len(latencies) == 0 {
				b.Fatalf("%d flows failed", failed)
			}
			b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "flows/s")
			reportLatencies(b, "approved_", latencies)
			b.ReportMetric(float64(app.Store.Statements()-statements)/float64(len(latencies)), "statements/flow")
		})
	}
}
