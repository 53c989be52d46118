package web_test

import (
	"testing"

	"lendgraph/apptest"
	"lendgraph/demo"
)

// BenchmarkMeQuery measures a customer's `me` query end to end: HTTP, token check, GraphQL
// execution and one customer lookup in PostgreSQL.
func BenchmarkMeQuery(b *testing.B) {
	app := apptest.Start(b)
	token := app.CustomerToken(b, demo.TestPhone(3))
	for b.Loop() {
		if resp := app.GraphQL(b, token, meQuery, nil); len(resp.Errors) > 0 {
			b.Fatal(resp.Errors)
		}
	}
}

// BenchmarkTokenVerify measures checking a bearer token, done once per request.
func BenchmarkTokenVerify(b *testing.B) {
	app := apptest.Start(b)
	token := app.PartnerToken(b)
	for b.Loop() {
		if _, err := app.Server.Tokens.Verify(token); err != nil {
			b.Fatal(err)
		}
	}
}
