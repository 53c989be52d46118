package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
)

// createBody is the spec's create example (the seed's values; a test phone and the demo product),
// with the given application guid and partner id; mutate edits it as a generic document.
func createBody(t testing.TB, guid, partnerRef string, mutate func(map[string]any)) []byte {
	t.Helper()
	raw, err := os.ReadFile("testdata/create_application.json")
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	doc["application_guid"] = guid
	doc["partner_application_id"] = partnerRef
	if mutate != nil {
		mutate(doc)
	}
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	return b
}

type partnerClient struct {
	app    *apptest.App
	token  string
	prefix string
	azp    string // the X-azp header, when sent
}

func (p partnerClient) post(t testing.TB, path string, body []byte) apptest.Response {
	t.Helper()
	h := http.Header{"Authorization": {"Bearer " + p.token}, "Content-Type": {"application/json"}}
	if p.azp != "" {
		h.Set("X-azp", p.azp)
	}
	if body == nil {
		body = []byte("{}")
	}
	return p.app.Do(t, http.MethodPost, p.prefix+path, bytes.NewReader(body), h)
}

func (p partnerClient) status(t testing.TB, guid string) map[string]any {
	t.Helper()
	resp := p.app.Do(t, http.MethodGet, p.prefix+"/partner/api/v1/applications/"+guid+"/status", nil,
		http.Header{"Authorization": {"Bearer " + p.token}})
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	return resp.JSON(t)
}

// waitStatus polls the status route, as a partner does, until it leaves PROCESSING.
func (p partnerClient) waitStatus(t testing.TB, guid string) map[string]any {
	t.Helper()
	var st map[string]any
	require.Eventually(t, func() bool {
		st = p.status(t, guid)
		return st["status"] != "PROCESSING"
	}, 10*time.Second, 20*time.Millisecond)
	return st
}

// TestDemoFlowREST is the platform's demo flow through the partner routes, from create to COMPLETED,
// with the status strings of the table.
func TestDemoFlowREST(t *testing.T) {
	for _, prefix := range []string{"/pfs", ""} {
		t.Run("prefix "+prefix, func(t *testing.T) {
			app := apptest.Start(t)
			p := partnerClient{app: app, token: app.PartnerToken(t), prefix: prefix, azp: "demo"}
			guid := uuid.NewString()
			base := "/partner/api/v1/applications/" + guid

			resp := p.post(t, "/partner/api/v1/applications/create", createBody(t, guid, "demo-"+guid, nil))
			require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
			assert.Equal(t, map[string]any{"application_guid": guid}, resp.JSON(t))

			st := p.waitStatus(t, guid)
			require.Equal(t, "APPROVED", st["status"], "%v", st)
			assert.Equal(t, "", st["message"])

			require.Equal(t, http.StatusOK, p.post(t, base+"/select_offer", nil).Status)
			st = p.status(t, guid)
			assert.Equal(t, "CONFIRMATION", st["status"])
			assert.Equal(t, "Request OTP code", st["message"])
			product := st["payload"].(map[string]any)["confirmedProduct"].(map[string]any)
			assert.Equal(t, "1800", product["partnerProductCode"])
			assert.EqualValues(t, 17.3, product["interestRate"])
			assert.EqualValues(t, 12, product["creditInfo"].(map[string]any)["period"])
			assert.EqualValues(t, 208990.5, product["creditInfo"].(map[string]any)["totalSumInCredit"])

			require.Equal(t, http.StatusOK, p.post(t, base+"/send_otp", nil).Status)
			st = p.status(t, guid)
			assert.Equal(t, "CONFIRMATION", st["status"])
			assert.Equal(t, "Enter OTP code", st["message"])

			resp = p.post(t, base+"/sign", []byte(`{"code":"1111"}`))
			require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
			st = p.status(t, guid)
			assert.Equal(t, "CONFIRMATION", st["status"])
			assert.Equal(t, "Contract is signed. Transfer of product", st["message"])
			payload := st["payload"].(map[string]any)
			assert.Regexp(t, `^LG\d+/\d{2}$`, payload["contractNumber"])
			assert.NotEmpty(t, payload["contract_pdf"])

			resp = p.post(t, base+"/confirm", []byte(`{"confirm_date":"`+apptest.Clock.Now().UTC().Format(time.RFC3339Nano)+`"}`))
			require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
			st = p.status(t, guid)
			assert.Equal(t, "COMPLETED", st["status"])
			assert.Equal(t, "", st["message"])
		})
	}
}
