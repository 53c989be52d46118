package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/apptest"
	"lendgraph/store"
)

// TestCustomerPageCostsFixedStatements: a page of customers with their documents, contacts, cards,
// flags, addresses and employment costs the same number of SQL statements for 5 customers as for
// 50 — the nested lists load in batches.
func TestCustomerPageCostsFixedStatements(t *testing.T) {
	app := apptest.StartWithoutWorker(t) // no worker polling the store meanwhile
	family := "Батч" + uuid.NewString()[:8]
	seedCustomers(t, app.Store, family, 50)

	query := `query($last: String, $first: Int) { customers(search: {lastName: $last}, first: $first) { edges { node {
		guid documents { status documentType { name } documentInfo { number } files { version } }
		contacts { contact } cards { bin integrations { integrationCode } } flags { flagType flagReason }
		restrictions { hasRestrictions } addresses { data } employment { salary } } } } }`
	token := app.EmployeeToken(t)
	cost := func(n int) int64 {
		before := app.Store.Statements()
		resp := app.GraphQL(t, token, query, map[string]any{"last": family, "first": n})
		require.Empty(t, resp.Errors)
		require.Len(t, resp.Data["customers"].(map[string]any)["edges"], n)
		return app.Store.Statements() - before
	}
	small, large := cost(5), cost(50)
	assert.Equal(t, small, large, "statements for 5 customers: %d, for 50: %d", small, large)
	assert.LessOrEqual(t, large, int64(13), "one search, and one statement per list kind (documents and flags: three each)")
}

// seedCustomers writes n customers of one family name with a document, a contact, a card with an
// integration, a flag, an address and an employment each, straight through the store.
func seedCustomers(t testing.TB, st *store.Store, family string, n int) {
	t.Helper()
	ctx := context.Background()
	passport, err := st.DocumentTypeByName(ctx, "PASSPORT")
	require.NoError(t, err)
	blackList, err := st.FlagTypeByName(ctx, "BLACK_LIST")
	require.NoError(t, err)
	reasons, err := st.FlagReasonsByName(ctx, "FRAUD")
	require.NoError(t, err)
	require.NoError(t, st.Tx(ctx, func(q store.Queries) error {
		for i := range n {
			first := fmt.Sprintf("Клиент%02d", i)
			c, ok, err := q.InsertCustomer(ctx, store.Customer{Phone: fmt.Sprintf("7955%07d", i+int(uuid.New().ID()%9000000)), FirstName: &first, LastName: &family, AdditionalData: []byte(`{}`)})
			if err != nil || !ok {
				return fmt.Errorf("customer %d: %v %v", i, ok, err)
			}
			d, err := q.InsertCustomerDocument(ctx, store.CustomerDocument{CustomerID: c.ID, DocumentTypeID: passport.ID, Status: "NOT_CHECKED"})
			if err != nil {
				return err
			}
			number := fmt.Sprintf("%06d", 100000+i)
			if _, err := q.InsertDocumentInfo(ctx, store.DocumentInfo{DocumentID: d.ID, Number: &number, AdditionalData: []byte(`{}`)}); err != nil {
				return err
			}
			if _, err := q.InsertContact(ctx, store.Contact{CustomerID: c.ID, Type: "EMAIL", Owner: "CUSTOMER", Contact: fmt.Sprintf("c%d@example.com", i), AdditionalData: []byte(`{}`)}); err != nil {
				return err
			}
			bin, last4 := "555555", "1234"
			card, err := q.InsertCard(ctx, store.Card{CustomerID: c.ID, BIN: &bin, LastFourDigits: &last4})
			if err != nil {
				return err
			}
			if _, err := q.PutCardIntegration(ctx, store.CardIntegration{CardID: card.ID, IntegrationCode: "PSP", ExternalCardUniqueID: uuid.NewString(), IsActive: true}); err != nil {
				return err
			}
			if _, err := q.InsertCustomerFlag(ctx, store.CustomerFlag{CustomerID: c.ID, FlagTypeID: blackList.ID, FlagReasonID: reasons[0].ID}); err != nil {
				return err
			}
			if _, err := q.InsertAddress(ctx, store.Address{CustomerID: c.ID, IsPrimary: true, Data: []byte(`{"city":"Москва"}`)}); err != nil {
				return err
			}
			if _, _, err := q.InsertEmployment(ctx, store.Employment{CustomerID: c.ID, PositionType: "EMPLOYEE", CompanyScope: "RETAIL",
				Salary: decimal.NewFromInt(50000), SalaryCurrency: "RUB", AdditionalData: []byte(`{}`)}); err != nil {
				return err
			}
		}
		return nil
	}))
}

// TestApplicationPageCostsFixedStatements: a page of applications with their partner, customer
// (and the customer's documents), cart, offers, files, loan and events costs the same number of
// statements for 5 applications as for 50.
func TestApplicationPageCostsFixedStatements(t *testing.T) {
	app := apptest.StartWithoutWorker(t)
	from := seedApplications(t, app.Store, 50)

	token := app.EmployeeToken(t)
	cost := func(n int) int64 {
		before := app.Store.Statements()
		resp := app.GraphQL(t, token, applicationPage, map[string]any{"first": n, "from": from, "before": from.Add(time.Second)})
		require.Empty(t, resp.Errors)
		edges := resp.Data["applications"].(map[string]any)["edges"].([]any)
		require.Len(t, edges, n)
		node := edges[0].(map[string]any)["node"].(map[string]any)
		assert.Len(t, node["offers"], 2)
		assert.Len(t, node["files"], 2)
		assert.Len(t, node["events"], 2)
		assert.Equal(t, "demo", node["partner"].(map[string]any)["name"])
		assert.Len(t, node["customer"].(map[string]any)["documents"], 1)
		return app.Store.Statements() - before
	}
	small, large := cost(5), cost(50)
	t.Logf("statements for a page of 5 and of 50 applications: %d, %d", small, large)
	assert.Equal(t, small, large, "statements for 5 applications: %d, for 50: %d", small, large)
	assert.LessOrEqual(t, large, int64(14), "the page, then one statement per kind (documents three)")
}

// applicationPage is a back-office page of applications with what hangs off each.
const applicationPage = `query($first: Int, $from: Time, $before: Time) { applications(first: $first, filter: {createdFrom: $from, createdBefore: $before}) {
	edges { node { id partner { name } customer { guid documents { documentInfo { number } files { version } } }
	cart { name } offers { amount } selectedOffer { id } files { fileType size } loan { number } events { status } } } } }`

// seedApplications writes n partner applications of n new customers (seedCustomers), each with a
// cart line, two offers, two files and two events, created within one second of 2001 of their
// own, which it returns: a filter from it to a second later picks them out.
func seedApplications(t testing.TB, st *store.Store, n int) time.Time {
	t.Helper()
	family := "Заявки" + uuid.NewString()[:8]
	seedCustomers(t, st, family, n)
	// the applications live in a second of 2001 of their own, which the filter picks out
	from := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(uuid.New().ID()%1_000_000) * time.Second)
	_, err := st.DB.Exec(`
		WITH apps AS (
			INSERT INTO applications (guid, channel, partner_id, partner_application_id, customer_id, phone, status, product_code,
				loan_amount, loan_term, request, request_hash, created_at)
			SELECT gen_random_uuid(), 'PARTNER', (SELECT id FROM partners ORDER BY id LIMIT 1), 'page-' || c.id, c.id, c.phone,
				'APPROVED', '2000', 10000, 6, '{}', '\x00', $2::timestamptz + (row_number() OVER (ORDER BY c.id)) * interval '1 ms'
			FROM customers c WHERE c.last_name = $1 RETURNING id),
		offers AS (
			INSERT INTO application_offers (application_id, product_code, amount, term, annual_rate, monthly_payment, total_interest, total_amount)
			SELECT id, '2000', 10000, n, 30, 1800, 800, 10800 FROM apps, generate_series(3, 6, 3) n),
		files AS (
			INSERT INTO application_files (application_id, file_type, format, content)
			SELECT id, 'PHOTO', 'jpg', '\xffd8' FROM apps, generate_series(1, 2)),
		cart AS (
			INSERT INTO application_cart_items (application_id, line_no, name, quantity, price, goods_type)
			SELECT id, 1, 'Телефон', 1, 10000, 'PHONE' FROM apps)
		INSERT INTO application_events (application_id, status, actor) SELECT id, s, 'test' FROM apps, unnest(ARRAY['PROCESSING', 'APPROVED']) s`,
		family, from)
	require.NoError(t, err)

	return from
}
