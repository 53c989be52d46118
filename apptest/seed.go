package apptest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"lendgraph/store"
)

// seedPhones draws the seeded customers' phones, one after another from a random start.
var seedPhones = func() *atomic.Int64 {
	n := new(atomic.Int64)
	n.Store(int64(uuid.New().ID() % 5_000_000))
	return n
}()

// SeedCustomers writes n customers of one family name with a document (with a data record and a
// file), a contact, a card with an integration, a flag, an address and an employment each,
// straight through the store.
func SeedCustomers(t testing.TB, st *store.Store, family string, n int) {
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
			c, ok, err := q.InsertCustomer(ctx, store.Customer{Phone: fmt.Sprintf("7955%07d", seedPhones.Add(1)), FirstName: &first, LastName: &family, AdditionalData: []byte(`{}`)})
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
			if _, err := q.InsertDocumentFile(ctx, store.DocumentFile{DocumentID: d.ID, FileGUID: uuid.NewString(), FileVersion: 1, SourceName: "test"}); err != nil {
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

// SeedApplications writes n partner applications of n new customers (SeedCustomers), each with a
// cart line, two offers, two files, two events and a loan (with two schedule rows, the first paid), created within one second of 2001 of
// their own, which it returns: a filter from it to a second later picks them out.
func SeedApplications(t testing.TB, st *store.Store, n int) time.Time {
	t.Helper()
	family := "Заявки" + uuid.NewString()[:8]
	SeedCustomers(t, st, family, n)
	// the applications live in a second of 2001 of their own, which the filter picks out
	from := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(uuid.New().ID()%1_000_000) * time.Second)
	_, err := st.DB.Exec(`
		WITH apps AS (
			INSERT INTO applications (guid, channel, partner_id, partner_application_id, customer_id, phone, status, product_code,
				loan_amount, loan_term, request, request_hash, created_at)
			SELECT gen_random_uuid(), 'PARTNER', (SELECT id FROM partners ORDER BY id LIMIT 1), 'page-' || c.id, c.id, c.phone,
				'APPROVED', '2000', 10000, 6, '{}', '\x00', $2::timestamptz + (row_number() OVER (ORDER BY c.id)) * interval '1 ms'
			FROM customers c WHERE c.last_name = $1 RETURNING id, customer_id),
		offers AS (
			INSERT INTO application_offers (application_id, product_code, amount, term, annual_rate, monthly_payment, total_interest, total_amount)
			SELECT id, '2000', 10000, n, 30, 1800, 800, 10800 FROM apps, generate_series(3, 6, 3) n),
		files AS (
			INSERT INTO application_files (application_id, file_type, format, content)
			SELECT id, 'PHOTO', 'jpg', '\xffd8' FROM apps, generate_series(1, 2)),
		cart AS (
			INSERT INTO application_cart_items (application_id, line_no, name, quantity, price, goods_type)
			SELECT id, 1, 'Телефон', 1, 10000, 'PHONE' FROM apps),
		loans AS (
			INSERT INTO loans (number, contract_number, application_id, customer_id, product_code, amount, term, annual_rate, status, contract_pdf, opened_on)
			SELECT 'page-' || a.id, 'page-' || a.id, a.id, a.customer_id, '2000', 10000.50, 6, 30.125, 'OPENED', '\x00', '2001-01-01' FROM apps a
			RETURNING id),
		schedule AS (
			INSERT INTO loan_schedule (loan_id, n, due_date, amount, principal, interest, remaining, paid_at)
			SELECT id, n, date '2001-01-01' + n * 30, 1800.25, 1600, 200.25, 10000.50 - n * 1600, CASE n WHEN 1 THEN timestamptz '2001-01-31 10:00+03' END
			FROM loans, generate_series(1, 2) n)
		INSERT INTO application_events (application_id, status, actor) SELECT id, s, 'test' FROM apps, unnest(ARRAY['PROCESSING', 'APPROVED']) s`,
		family, from)
	require.NoError(t, err)

	return from
}
