package store_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/lib/pq"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/store"
)

// TestListingsReadWhatLibPQScans: every listing, read as JSON, gives each field what lib/pq scans
// from the same statement — numbers to the kopeck, times, dates, jsonb, bytea, arrays, nulls.
func TestListingsReadWhatLibPQScans(t *testing.T) {
	st, err := apptest.Open(context.Background(), apptest.DatabaseURL)
	require.NoError(t, err)
	defer st.Close()
	apptest.SeedApplications(t, st, 3)

	t.Run("customers", func(t *testing.T) { sameAsScanned(t, st, store.CustomersByID, `SELECT id FROM customers`) })
	t.Run("partners", func(t *testing.T) { sameAsScanned(t, st, store.PartnersByID, `SELECT id FROM partners`) })
	t.Run("offers", func(t *testing.T) { sameAsScanned(t, st, store.OffersByApplication, `SELECT id FROM applications`) })
	t.Run("files", func(t *testing.T) { sameAsScanned(t, st, store.FilesByApplication, `SELECT id FROM applications`) })
	t.Run("cart", func(t *testing.T) { sameAsScanned(t, st, store.CartItemsByApplication, `SELECT id FROM applications`) })
	t.Run("loans", func(t *testing.T) { sameAsScanned(t, st, store.LoansByApplication, `SELECT id FROM applications`) })
	t.Run("customer loans", func(t *testing.T) { sameAsScanned(t, st, store.LoansByCustomer, `SELECT id FROM customers`) })
	t.Run("events", func(t *testing.T) { sameAsScanned(t, st, store.EventsByApplication, `SELECT id FROM applications`) })
	t.Run("applications", func(t *testing.T) { sameAsScanned(t, st, store.ApplicationsByCustomer, `SELECT id FROM customers`) })
	t.Run("addresses", func(t *testing.T) { sameAsScanned(t, st, store.AddressesByCustomer, `SELECT id FROM customers`) })
	t.Run("contacts", func(t *testing.T) { sameAsScanned(t, st, store.ContactsByCustomer, `SELECT id FROM customers`) })
	t.Run("cards", func(t *testing.T) { sameAsScanned(t, st, store.CardsByCustomer, `SELECT id FROM customers`) })
	t.Run("integrations", func(t *testing.T) { sameAsScanned(t, st, store.IntegrationsByCard, `SELECT id FROM cards`) })
	t.Run("employment", func(t *testing.T) { sameAsScanned(t, st, store.EmploymentsByCustomer, `SELECT id FROM customers`) })
	t.Run("schedules", func(t *testing.T) { sameAsScanned(t, st, store.ScheduleByLoan, `SELECT id FROM loans`) })
	t.Run("document files", func(t *testing.T) { sameAsScanned(t, st, store.FilesByDocument, `SELECT id FROM customer_documents`) })
}

// sameAsScanned reads l for every owner the owners query returns, as JSON and through sqlx.
func sameAsScanned[T any](t *testing.T, st *store.Store, l store.Listing[T], owners string) {
	var ids []int64
	require.NoError(t, st.DB.Select(&ids, owners))
	var scanned []T
	require.NoError(t, st.DB.Select(&scanned, l.SQL(), pq.Array(ids)))
	require.NotEmpty(t, scanned, "the demo data has rows to compare")
	read, err := l.Read(context.Background(), st.Queries, ids)
	require.NoError(t, err)
	want, err := json.Marshal(scanned)
	require.NoError(t, err)
	got, err := json.Marshal(read)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))
}
