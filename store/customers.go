package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/lib/pq"
)

// Customer is a person who borrows; they sign in by phone.
type Customer struct {
	ID         int64      `db:"id"`
	GUID       string     `db:"guid"`
	Phone      string     `db:"phone"`
	FirstName  *string    `db:"first_name"`
	LastName   *string    `db:"last_name"`
	MiddleName *string    `db:"middle_name"`
	BirthDate  *time.Time `db:"birth_date"`
	Email      *string    `db:"email"`
	Gender     *string    `db:"gender"`
	// AdditionalData is free-form; Version counts changes, for optimistic locking.
	AdditionalData json.RawMessage `db:"additional_data"`
	Version        int             `db:"version"`
	CreatedAt      time.Time       `db:"created_at"`
	UpdatedAt      time.Time       `db:"updated_at"`
}

const customerColumns = `id, guid, phone, first_name, last_name, middle_name, birth_date, email, gender, additional_data, version, created_at, updated_at`

// CustomerByGUID returns the customer with the given guid.
func (q Queries) CustomerByGUID(ctx context.Context, guid string) (Customer, error) {
	var c Customer
	err := q.get(ctx, &c, `SELECT `+customerColumns+` FROM customers WHERE guid = $1`, guid)
	return c, err
}

// CustomerIDsByGUID returns the ids of the customers with the given guids that exist, by guid.
func (q Queries) CustomerIDsByGUID(ctx context.Context, guids []string) (map[string]int64, error) {
	var rows []struct {
		GUID string `db:"guid"`
		ID   int64  `db:"id"`
	}
	if err := q.sel(ctx, &rows, `SELECT guid, id FROM customers WHERE guid = ANY($1::uuid[])`, pq.Array(guids)); err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.GUID] = r.ID
	}
	return out, nil
}

// CustomerByID returns the customer with the given id.
func (q Queries) CustomerByID(ctx context.Context, id int64) (Customer, error) {
	var c Customer
	err := q.get(ctx, &c, `SELECT `+customerColumns+` FROM customers WHERE id = $1`, id)
	return c, err
}

// CustomersByID returns the customers with the given ids.
func (q Queries) CustomersByID(ctx context.Context, ids []int64) ([]Customer, error) {
	return CustomersByID.Read(ctx, q, ids)
}

// CustomersByID lists customers by their ids.
var CustomersByID = Listing[Customer]{`SELECT ` + customerColumns + ` FROM customers WHERE id = ANY($1)`}

// EnsureCustomer returns the customer with this phone, creating one when the phone is new.
// Names are set only on creation. Safe under concurrent calls for the same phone.
func (q Queries) EnsureCustomer(ctx context.Context, phone string, firstName, lastName, middleName *string) (Customer, error) {
	var c Customer
	err := q.get(ctx, &c, `
		INSERT INTO customers (phone, first_name, last_name, middle_name) VALUES ($1, $2, $3, $4)
		ON CONFLICT (phone) DO UPDATE SET phone = EXCLUDED.phone
		RETURNING `+customerColumns, phone, firstName, lastName, middleName)
	return c, err
}

// InsertCustomer registers a customer unless the phone is taken; ok tells which.
func (q Queries) InsertCustomer(ctx context.Context, c Customer) (out Customer, ok bool, err error) {
	err = q.get(ctx, &out, `
		INSERT INTO customers (phone, first_name, last_name, middle_name, birth_date, email, gender, additional_data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (phone) DO NOTHING RETURNING `+customerColumns,
		c.Phone, c.FirstName, c.LastName, c.MiddleName, c.BirthDate, c.Email, c.Gender, c.AdditionalData)
	return conflictless(out, err)
}

// LockCustomer returns a customer by guid, locked until the transaction ends.
func (q Queries) LockCustomer(ctx context.Context, guid string) (Customer, error) {
	var c Customer
	err := q.get(ctx, &c, `SELECT `+customerColumns+` FROM customers WHERE guid = $1 FOR UPDATE`, guid)
	return c, err
}

// UpdateCustomer writes a customer's personal data and counts the change in its version.
func (q Queries) UpdateCustomer(ctx context.Context, c Customer) (Customer, error) {
	var out Customer
	err := q.get(ctx, &out, `
		UPDATE customers SET first_name = $2, last_name = $3, middle_name = $4, birth_date = $5, email = $6, gender = $7,
			additional_data = $8, version = version + 1, updated_at = now()
		WHERE id = $1 RETURNING `+customerColumns,
		c.ID, c.FirstName, c.LastName, c.MiddleName, c.BirthDate, c.Email, c.Gender, c.AdditionalData)
	return out, err
}

// CustomerMatch is what customers are matched by: personal data, contacts and documents. Empty
// fields do not narrow; names compare without case.
type CustomerMatch struct {
	FirstName, MiddleName, LastName string
	BirthDate                       *time.Time
	Phone, Email                    string
	INN                             string
	PassportSeries, PassportNumber  string
}

// MatchCustomers returns the customers matching every given criterion, by id, after the keyset
// cursor afterID, at most limit. A phone or e-mail matches the login or the customer's own contacts; INN and
// passport match the data records of the customer's INN and PASSPORT documents.
func (q Queries) MatchCustomers(ctx context.Context, m CustomerMatch, afterID int64, limit int) ([]Customer, error) {
	var cs []Customer
	err := q.sel(ctx, &cs, `
		SELECT `+customerColumns+` FROM customers c
		WHERE ($1 = '' OR lower(c.first_name) = lower($1))
		  AND ($2 = '' OR lower(c.middle_name) = lower($2))
		  AND ($3 = '' OR lower(c.last_name) = lower($3))
		  AND ($4::date IS NULL OR c.birth_date = $4)
		  AND ($5 = '' OR c.phone = $5 OR EXISTS (
			SELECT 1 FROM contacts k WHERE k.customer_id = c.id AND k.type = 'PHONE' AND k.owner = 'CUSTOMER' AND lower(k.contact) = lower($5)))
		  AND ($6 = '' OR lower(c.email) = lower($6) OR EXISTS (
			SELECT 1 FROM contacts k WHERE k.customer_id = c.id AND k.type = 'EMAIL' AND k.owner = 'CUSTOMER' AND lower(k.contact) = lower($6)))
		  AND ($7 = '' OR EXISTS (
			SELECT 1 FROM customer_documents d JOIN document_types t ON t.id = d.document_type_id
			JOIN document_infos i ON i.document_id = d.id
			WHERE d.customer_id = c.id AND t.name = 'INN' AND i.number = $7))
		  AND (($8 = '' AND $9 = '') OR EXISTS (
			SELECT 1 FROM customer_documents d JOIN document_types t ON t.id = d.document_type_id
			JOIN document_infos i ON i.document_id = d.id
			WHERE d.customer_id = c.id AND t.name = 'PASSPORT' AND ($8 = '' OR i.series = $8) AND ($9 = '' OR i.number = $9)))
		  AND c.id > $10
		ORDER BY c.id LIMIT $11`,
		m.FirstName, m.MiddleName, m.LastName, m.BirthDate, m.Phone, m.Email, m.INN, m.PassportSeries, m.PassportNumber, afterID, limit)
	return cs, err
}

// AddCustomerWithID stores a customer under a chosen id unless the id or the phone is taken; it
// reports whether it added one. Demo data uses it to give records the ids a seed's example names.
func (q Queries) AddCustomerWithID(ctx context.Context, c Customer) (bool, error) {
	res, err := q.exec(ctx, `INSERT INTO customers (id, phone, first_name, last_name, middle_name) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT DO NOTHING`, c.ID, c.Phone, c.FirstName, c.LastName, c.MiddleName)
	return inserted(res, err)
}

// CustomerByPhone returns the customer whose login is phone.
func (q Queries) CustomerByPhone(ctx context.Context, phone string) (Customer, error) {
	var c Customer
	err := q.get(ctx, &c, `SELECT `+customerColumns+` FROM customers WHERE phone = $1`, phone)
	return c, err
}

// PassportNumber is the series and number of a passport the registry holds.
type PassportNumber struct {
	Series string `db:"series"`
	Number string `db:"number"`
}

// Passports returns the series and numbers of a customer's PASSPORT documents, whatever their status.
func (q Queries) Passports(ctx context.Context, customerID int64) ([]PassportNumber, error) {
	var ps []PassportNumber
	err := q.sel(ctx, &ps, `
		SELECT coalesce(i.series, '') AS series, coalesce(i.number, '') AS number
		FROM customer_documents d JOIN document_types t ON t.id = d.document_type_id
		JOIN document_infos i ON i.document_id = d.id
		WHERE d.customer_id = $1 AND t.name = 'PASSPORT' AND i.number IS NOT NULL`, customerID)
	return ps, err
}
