package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"
)

// Address is a customer's address; the primary one is the registration address.
type Address struct {
	ID         int64           `db:"id"`
	GUID       string          `db:"guid"`
	CustomerID int64           `db:"customer_id"`
	IsPrimary  bool            `db:"is_primary"`
	Data       json.RawMessage `db:"data"`
	CreatedAt  time.Time       `db:"created_at"`
	UpdatedAt  time.Time       `db:"updated_at"`
}

const addressColumns = `id, guid, customer_id, is_primary, data, created_at, updated_at`

// InsertAddress stores an address; a new primary address makes the customer's others secondary.
func (q Queries) InsertAddress(ctx context.Context, a Address) (Address, error) {
	if a.IsPrimary {
		if _, err := q.exec(ctx, `UPDATE addresses SET is_primary = false, updated_at = now() WHERE customer_id = $1 AND is_primary`, a.CustomerID); err != nil {
			return Address{}, err
		}
	}
	var out Address
	err := q.get(ctx, &out, `INSERT INTO addresses (customer_id, is_primary, data) VALUES ($1, $2, $3) RETURNING `+addressColumns,
		a.CustomerID, a.IsPrimary, a.Data)
	return out, err
}

// UpdateAddressData replaces an address's data.
func (q Queries) UpdateAddressData(ctx context.Context, guid string, data json.RawMessage) (Address, error) {
	var out Address
	err := q.get(ctx, &out, `UPDATE addresses SET data = $2, updated_at = now() WHERE guid = $1 RETURNING `+addressColumns, guid, data)
	return out, err
}

// Addresses returns the addresses of the given customers, primary first.
func (q Queries) Addresses(ctx context.Context, customerIDs []int64) ([]Address, error) {
	return AddressesByCustomer.Read(ctx, q, customerIDs)
}

// AddressesByCustomer lists customers' addresses, the primary first.
var AddressesByCustomer = Listing[Address]{`SELECT ` + addressColumns + ` FROM addresses WHERE customer_id = ANY($1)
	ORDER BY customer_id, is_primary DESC, id`}

// Contact is a way to reach a customer.
type Contact struct {
	ID             int64           `db:"id"`
	GUID           string          `db:"guid"`
	CustomerID     int64           `db:"customer_id"`
	Type           string          `db:"type"`
	Owner          string          `db:"owner"`
	Contact        string          `db:"contact"`
	IsActive       bool            `db:"is_active"`
	IsPrimary      bool            `db:"is_primary"`
	AdditionalData json.RawMessage `db:"additional_data"`
	CreatedAt      time.Time       `db:"created_at"`
	UpdatedAt      time.Time       `db:"updated_at"`
}

const contactColumns = `id, guid, customer_id, type, owner, contact, is_active, is_primary, additional_data, created_at, updated_at`

// InsertContact stores a contact.
func (q Queries) InsertContact(ctx context.Context, c Contact) (Contact, error) {
	var out Contact
	err := q.get(ctx, &out, `INSERT INTO contacts (customer_id, type, owner, contact, is_active, is_primary, additional_data)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+contactColumns,
		c.CustomerID, c.Type, c.Owner, c.Contact, c.IsActive, c.IsPrimary, c.AdditionalData)
	return out, err
}

// Contacts returns the contacts of the given customers.
func (q Queries) Contacts(ctx context.Context, customerIDs []int64) ([]Contact, error) {
	return ContactsByCustomer.Read(ctx, q, customerIDs)
}

// ContactsByCustomer lists customers' contacts.
var ContactsByCustomer = Listing[Contact]{`SELECT ` + contactColumns + ` FROM contacts WHERE customer_id = ANY($1) ORDER BY customer_id, id`}

// Card is a customer's bank card, masked.
type Card struct {
	ID              int64     `db:"id"`
	GUID            string    `db:"guid"`
	CustomerID      int64     `db:"customer_id"`
	NameOnCard      *string   `db:"name_on_card"`
	BIN             *string   `db:"bin"`
	LastFourDigits  *string   `db:"last_four_digits"`
	Type            *string   `db:"type"`
	BankName        *string   `db:"bank_name"`
	ExpirationMonth *string   `db:"expiration_month"`
	ExpirationYear  *string   `db:"expiration_year"`
	IsActive        bool      `db:"is_active"`
	IsMigrated      bool      `db:"is_migrated"`
	CreatedAt       time.Time `db:"created_at"`
	UpdatedAt       time.Time `db:"updated_at"`
}

const cardColumns = `id, guid, customer_id, name_on_card, bin, last_four_digits, type, bank_name, expiration_month,
	expiration_year, is_active, is_migrated, created_at, updated_at`

// InsertCard stores a card.
func (q Queries) InsertCard(ctx context.Context, c Card) (Card, error) {
	var out Card
	err := q.get(ctx, &out, `
		INSERT INTO cards (customer_id, name_on_card, bin, last_four_digits, type, bank_name, expiration_month, expiration_year)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+cardColumns,
		c.CustomerID, c.NameOnCard, c.BIN, c.LastFourDigits, c.Type, c.BankName, c.ExpirationMonth, c.ExpirationYear)
	return out, err
}

// LockCard returns a card locked until the transaction ends.
func (q Queries) LockCard(ctx context.Context, guid string) (Card, error) {
	var c Card
	err := q.get(ctx, &c, `SELECT `+cardColumns+` FROM cards WHERE guid = $1 FOR UPDATE`, guid)
	return c, err
}

// SetCardActive turns a card on or off.
func (q Queries) SetCardActive(ctx context.Context, id int64, active bool) (Card, error) {
	var c Card
	err := q.get(ctx, &c, `UPDATE cards SET is_active = $2, updated_at = now() WHERE id = $1 RETURNING `+cardColumns, id, active)
	return c, err
}

// Cards returns the cards of the given customers.
func (q Queries) Cards(ctx context.Context, customerIDs []int64) ([]Card, error) {
	return CardsByCustomer.Read(ctx, q, customerIDs)
}

// CardsByCustomer lists customers' cards.
var CardsByCustomer = Listing[Card]{`SELECT ` + cardColumns + ` FROM cards WHERE customer_id = ANY($1) ORDER BY customer_id, id`}

// CardIntegration ties a card to an external provider's id of it.
type CardIntegration struct {
	ID                   int64     `db:"id"`
	CardID               int64     `db:"card_id"`
	IntegrationCode      string    `db:"integration_code"`
	ExternalCardUniqueID string    `db:"external_card_unique_id"`
	IsActive             bool      `db:"is_active"`
	CreatedAt            time.Time `db:"created_at"`
	UpdatedAt            time.Time `db:"updated_at"`
}

const cardIntegrationColumns = `id, card_id, integration_code, external_card_unique_id, is_active, created_at, updated_at`

// PutCardIntegration stores a card's integration, or changes the external id of an existing one.
func (q Queries) PutCardIntegration(ctx context.Context, i CardIntegration) (CardIntegration, error) {
	var out CardIntegration
	err := q.get(ctx, &out, `
		INSERT INTO card_integrations (card_id, integration_code, external_card_unique_id, is_active) VALUES ($1, $2, $3, $4)
		ON CONFLICT (card_id, integration_code) DO UPDATE SET external_card_unique_id = EXCLUDED.external_card_unique_id,
			is_active = EXCLUDED.is_active, updated_at = now()
		RETURNING `+cardIntegrationColumns, i.CardID, i.IntegrationCode, i.ExternalCardUniqueID, i.IsActive)
	return out, err
}

// CardIntegrations returns the integrations of the given cards.
func (q Queries) CardIntegrations(ctx context.Context, cardIDs []int64) ([]CardIntegration, error) {
	return IntegrationsByCard.Read(ctx, q, cardIDs)
}

// IntegrationsByCard lists cards' provider integrations.
var IntegrationsByCard = Listing[CardIntegration]{`SELECT ` + cardIntegrationColumns + ` FROM card_integrations WHERE card_id = ANY($1) ORDER BY card_id, id`}

// Employment is a customer's work and income.
type Employment struct {
	ID                      int64            `db:"id"`
	GUID                    string           `db:"guid"`
	CustomerID              int64            `db:"customer_id"`
	Position                *string          `db:"position"`
	PositionType            string           `db:"position_type"`
	CompanyName             *string          `db:"company_name"`
	CompanyScope            string           `db:"company_scope"`
	Salary                  decimal.Decimal  `db:"salary"`
	SalaryCurrency          string           `db:"salary_currency"`
	ExtraSalary             *decimal.Decimal `db:"extra_salary"`
	ExtraSalaryCurrency     *string          `db:"extra_salary_currency"`
	CurrentPositionDuration *string          `db:"current_position_duration"`
	AdditionalData          json.RawMessage  `db:"additional_data"`
	SourceID                *string          `db:"source_id"`
	SourceName              *string          `db:"source_name"`
	CreatedAt               time.Time        `db:"created_at"`
	UpdatedAt               time.Time        `db:"updated_at"`
}

const employmentColumns = `id, guid, customer_id, position, position_type, company_name, company_scope, salary, salary_currency,
	extra_salary, extra_salary_currency, current_position_duration, additional_data, source_id, source_name, created_at, updated_at`

// InsertEmployment stores a customer's employment unless they have one; ok tells which.
func (q Queries) InsertEmployment(ctx context.Context, e Employment) (out Employment, ok bool, err error) {
	err = q.get(ctx, &out, `
		INSERT INTO employments (customer_id, position, position_type, company_name, company_scope, salary, salary_currency,
			extra_salary, extra_salary_currency, current_position_duration, additional_data, source_id, source_name)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (customer_id) DO NOTHING RETURNING `+employmentColumns,
		e.CustomerID, e.Position, e.PositionType, e.CompanyName, e.CompanyScope, e.Salary, e.SalaryCurrency,
		e.ExtraSalary, e.ExtraSalaryCurrency, e.CurrentPositionDuration, e.AdditionalData, e.SourceID, e.SourceName)
	return conflictless(out, err)
}

// UpdateEmployment writes an employment.
func (q Queries) UpdateEmployment(ctx context.Context, e Employment) (Employment, error) {
	var out Employment
	err := q.get(ctx, &out, `
		UPDATE employments SET position = $2, position_type = $3, company_name = $4, company_scope = $5, salary = $6,
			salary_currency = $7, extra_salary = $8, extra_salary_currency = $9, current_position_duration = $10,
			additional_data = $11, source_id = $12, source_name = $13, updated_at = now()
		WHERE id = $1 RETURNING `+employmentColumns,
		e.ID, e.Position, e.PositionType, e.CompanyName, e.CompanyScope, e.Salary, e.SalaryCurrency,
		e.ExtraSalary, e.ExtraSalaryCurrency, e.CurrentPositionDuration, e.AdditionalData, e.SourceID, e.SourceName)
	return out, err
}

// LockEmployment returns an employment by guid, locked until the transaction ends.
func (q Queries) LockEmployment(ctx context.Context, guid string) (Employment, error) {
	var e Employment
	err := q.get(ctx, &e, `SELECT `+employmentColumns+` FROM employments WHERE guid = $1 FOR UPDATE`, guid)
	return e, err
}

// LockEmploymentOf returns a customer's employment, locked until the transaction ends.
func (q Queries) LockEmploymentOf(ctx context.Context, customerID int64) (Employment, error) {
	var e Employment
	err := q.get(ctx, &e, `SELECT `+employmentColumns+` FROM employments WHERE customer_id = $1 FOR UPDATE`, customerID)
	return e, err
}

// Employments returns the employments of the given customers.
func (q Queries) Employments(ctx context.Context, customerIDs []int64) ([]Employment, error) {
	return EmploymentsByCustomer.Read(ctx, q, customerIDs)
}

// EmploymentsByCustomer lists customers' employment.
var EmploymentsByCustomer = Listing[Employment]{`SELECT ` + employmentColumns + ` FROM employments WHERE customer_id = ANY($1) ORDER BY customer_id`}
