package store

import (
	"context"
	"time"
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
	CreatedAt  time.Time  `db:"created_at"`
	UpdatedAt  time.Time  `db:"updated_at"`
}

const customerColumns = `id, guid, phone, first_name, last_name, middle_name, birth_date, email, gender, created_at, updated_at`

// CustomerByGUID returns the customer with the given guid.
func (q Queries) CustomerByGUID(ctx context.Context, guid string) (Customer, error) {
	var c Customer
	err := q.get(ctx, &c, `SELECT `+customerColumns+` FROM customers WHERE guid = $1`, guid)
	return c, err
}

// CustomerByID returns the customer with the given id.
func (q Queries) CustomerByID(ctx context.Context, id int64) (Customer, error) {
	var c Customer
	err := q.get(ctx, &c, `SELECT `+customerColumns+` FROM customers WHERE id = $1`, id)
	return c, err
}

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
