package apptest

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"lendgraph/demo"
)

// Response is an HTTP answer read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a map.
func (r Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.Body)
	}
	return m
}

// Do sends a request to the app and reads the answer.
func (a *App) Do(t testing.TB, method, path string, body io.Reader, header http.Header) Response {
	t.Helper()
	req, err := http.NewRequest(method, a.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := a.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// From returns the app as seen by a caller at ip, a loopback address below 127.128.0.0 (all of
// 127.0.0.0/8 is the machine's own), for tests of limits by the caller's address.
func (a *App) From(ip string) *App {
	b := *a
	b.client = clientFrom(net.ParseIP(ip))
	return &b
}

// clientFrom is an HTTP client whose connections come from the loopback address ip.
func clientFrom(ip net.IP) *http.Client {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}}
	return &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 100}}
}

// ownAddress is a loopback address of a server's own in 127.128.0.0/9, where From's addresses never
// are: the limits by the caller's address (per address, per /24 network) count each test's calls
// apart from every other test's, in this run and the runs before it on the same database.
func ownAddress() net.IP {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return net.IPv4(127, 128|b[0], b[1], 1+b[2]%254)
}

// PostForm posts an application/x-www-form-urlencoded body; header adds request headers.
func (a *App) PostForm(t testing.TB, path string, form url.Values, header http.Header) Response {
	t.Helper()
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for k, v := range header {
		h[k] = v
	}
	return a.Do(t, http.MethodPost, path, strings.NewReader(form.Encode()), h)
}

// GQLError is one entry of a GraphQL response's errors.
type GQLError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// GQLResponse is a GraphQL answer.
type GQLResponse struct {
	Status int
	Data   map[string]any `json:"data"`
	Errors []GQLError     `json:"errors"`
}

// Code returns the extensions.code of the first error, or "".
func (r GQLResponse) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	code, _ := r.Errors[0].Extensions["code"].(string)
	return code
}

// GraphQL posts a GraphQL operation, with a bearer token unless token is "".
func (a *App) GraphQL(t testing.TB, token, query string, variables map[string]any) GQLResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": variables})
	if err != nil {
		t.Fatal(err)
	}
	return a.GraphQLRaw(t, token, body)
}

// GraphQLRaw posts a raw JSON body to /graphql.
func (a *App) GraphQLRaw(t testing.TB, token string, body []byte) GQLResponse {
	t.Helper()
	h := http.Header{"Content-Type": {"application/json"}}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	resp := a.Do(t, http.MethodPost, "/graphql", bytes.NewReader(body), h)
	out := GQLResponse{Status: resp.Status}
	if err := json.Unmarshal(resp.Body, &out); err != nil {
		t.Fatalf("graphql answer is not JSON (%d): %s", resp.Status, resp.Body)
	}
	return out
}

// Token exchanges credentials at a token route and returns the access token, failing the test
// when none is issued.
func (a *App) Token(t testing.TB, path string, form url.Values, header http.Header) string {
	t.Helper()
	resp := a.PostForm(t, path, form, header)
	if resp.Status != http.StatusOK {
		t.Fatalf("POST %s: %d %s", path, resp.Status, resp.Body)
	}
	token, _ := resp.JSON(t)["access_token"].(string)
	if token == "" {
		t.Fatalf("POST %s: no access_token in %s", path, resp.Body)
	}
	return token
}

// PartnerToken returns a token of the demo partner.
func (a *App) PartnerToken(t testing.TB) string {
	return a.Token(t, "/auth/partners", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {demo.PartnerClientID}, "client_secret": {demo.PartnerClientSecret},
	}, nil)
}

// EmployeeToken returns a token of the demo employee.
func (a *App) EmployeeToken(t testing.TB) string {
	return a.Token(t, "/auth/employees", url.Values{
		"grant_type": {"password"}, "username": {demo.EmployeeUsername}, "password": {demo.EmployeePassword},
	}, nil)
}

// CustomerToken signs in the customer of a test phone (fixed code) and returns their token.
func (a *App) CustomerToken(t testing.TB, phone string) string {
	t.Helper()
	if resp := a.PostForm(t, "/auth/otp", url.Values{"phone_number": {phone}}, nil); resp.Status != http.StatusOK {
		t.Fatalf("request otp: %d %s", resp.Status, resp.Body)
	}
	return a.Token(t, "/auth", url.Values{
		"grant_type": {"password"}, "phone_number": {phone}, "code": {demo.OTPCode},
	}, http.Header{"X-Device-Id": {"test-device"}})
}
