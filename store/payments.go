package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"
)

// PaymentDictionary is one of the payments dictionaries. Payment providers, operations and
// transaction types share one shape: a unique key (a code, a transaction type's name) and a status.
type PaymentDictionary struct{ table, key string }

// The payments dictionaries.
var (
	PaymentProviders  = PaymentDictionary{"payment_providers", "code"}
	PaymentOperations = PaymentDictionary{"payment_operations", "code"}
	TransactionTypes  = PaymentDictionary{"transaction_types", "name"}
)

// PaymentEntry is an entry of a payments dictionary.
type PaymentEntry struct {
	ID        int64     `db:"id"`
	GUID      string    `db:"guid"`
	Key       string    `db:"key"`
	Status    string    `db:"status"`
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
}

// columns are the entry's columns, qualified by the table so that joins may use them.
func (d PaymentDictionary) columns() string {
	t := d.table + "."
	return t + `id, ` + t + `guid, ` + t + d.key + ` AS key, ` + t + `status, ` + t + `created_at, ` + t + `updated_at`
}

// InsertEntry adds an ACTIVE entry unless its key is taken; ok tells which.
func (q Queries) InsertEntry(ctx context.Context, d PaymentDictionary, key string) (out PaymentEntry, ok bool, err error) {
	err = q.get(ctx, &out, `INSERT INTO `+d.table+` (`+d.key+`) VALUES ($1) ON CONFLICT (`+d.key+`) DO NOTHING
		RETURNING `+d.columns(), key)
	return conflictless(out, err)
}

// SetEntryStatus changes the status of the entry guid.
func (q Queries) SetEntryStatus(ctx context.Context, d PaymentDictionary, guid, status string) (PaymentEntry, error) {
	var e PaymentEntry
	err := q.get(ctx, &e, `UPDATE `+d.table+` SET status = $2, updated_at = now() WHERE guid = $1 RETURNING `+d.columns(), guid, status)
	return e, err
}

// EntryByGUID returns an entry.
func (q Queries) EntryByGUID(ctx context.Context, d PaymentDictionary, guid string) (PaymentEntry, error) {
	return q.entryWhere(ctx, d, `guid = $1`, guid)
}

// EntryByKey returns the entry of a code (or name).
func (q Queries) EntryByKey(ctx context.Context, d PaymentDictionary, key string) (PaymentEntry, error) {
	return q.entryWhere(ctx, d, d.key+` = $1`, key)
}

// EntryByID returns an entry.
func (q Queries) EntryByID(ctx context.Context, d PaymentDictionary, id int64) (PaymentEntry, error) {
	return q.entryWhere(ctx, d, `id = $1`, id)
}

func (q Queries) entryWhere(ctx context.Context, d PaymentDictionary, cond string, arg any) (PaymentEntry, error) {
	var e PaymentEntry
	err := q.get(ctx, &e, `SELECT `+d.columns()+` FROM `+d.table+` WHERE `+cond, arg)
	return e, err
}

// Entries lists a dictionary by key.
func (q Queries) Entries(ctx context.Context, d PaymentDictionary) ([]PaymentEntry, error) {
	var es []PaymentEntry
	err := q.sel(ctx, &es, `SELECT `+d.columns()+` FROM `+d.table+` ORDER BY `+d.key)
	return es, err
}

// PaymentProviderRule names the provider that serves an operation.
type PaymentProviderRule struct {
	ID          int64     `db:"id"`
	GUID        string    `db:"guid"`
	ProviderID  int64     `db:"provider_id"`
	OperationID int64     `db:"operation_id"`
	Status      string    `db:"status"`
	CreatedAt   time.Time `db:"created_at"`
	UpdatedAt   time.Time `db:"updated_at"`
}

const ruleColumns = `id, guid, provider_id, operation_id, status, created_at, updated_at`

// InsertPaymentProviderRule stores an ACTIVE rule unless the operation has an ACTIVE one; ok tells
// which.
func (q Queries) InsertPaymentProviderRule(ctx context.Context, providerID, operationID int64) (out PaymentProviderRule, ok bool, err error) {
	err = q.get(ctx, &out, `INSERT INTO payment_provider_rules (provider_id, operation_id) VALUES ($1, $2)
		ON CONFLICT (operation_id) WHERE status = 'ACTIVE' DO NOTHING RETURNING `+ruleColumns, providerID, operationID)
	return conflictless(out, err)
}

// SetPaymentProviderRuleStatus changes a rule's status; ok is false when it would be a second
// ACTIVE rule of its operation.
func (q Queries) SetPaymentProviderRuleStatus(ctx context.Context, id int64, status string) (out PaymentProviderRule, ok bool, err error) {
	err = q.get(ctx, &out, `
		UPDATE payment_provider_rules r SET status = $2, updated_at = now()
		WHERE id = $1 AND ($2 <> 'ACTIVE' OR NOT EXISTS (
			SELECT 1 FROM payment_provider_rules o WHERE o.operation_id = r.operation_id AND o.status = 'ACTIVE' AND o.id <> r.id))
		RETURNING `+ruleColumns, id, status)
	return conflictless(out, err)
}

// PaymentProviderRuleByGUID returns a rule.
func (q Queries) PaymentProviderRuleByGUID(ctx context.Context, guid string) (PaymentProviderRule, error) {
	var r PaymentProviderRule
	err := q.get(ctx, &r, `SELECT `+ruleColumns+` FROM payment_provider_rules WHERE guid = $1`, guid)
	return r, err
}

// PaymentProviderRules lists the rules by operation, the newest first.
func (q Queries) PaymentProviderRules(ctx context.Context) ([]PaymentProviderRule, error) {
	var rs []PaymentProviderRule
	err := q.sel(ctx, &rs, `SELECT `+ruleColumns+` FROM payment_provider_rules ORDER BY operation_id, id DESC`)
	return rs, err
}

// RuledProvider returns the provider that the ACTIVE rule of an ACTIVE operation (by its code)
// names, when that provider is ACTIVE too.
func (q Queries) RuledProvider(ctx context.Context, operation string) (PaymentEntry, error) {
	var p PaymentEntry
	err := q.get(ctx, &p, `SELECT `+PaymentProviders.columns()+` FROM payment_provider_rules r
		JOIN payment_operations o ON o.id = r.operation_id AND o.status = 'ACTIVE'
		JOIN payment_providers ON payment_providers.id = r.provider_id AND payment_providers.status = 'ACTIVE'
		WHERE o.`+PaymentOperations.key+` = $1 AND r.status = 'ACTIVE'`, operation)
	return p, err
}

// SourceCard is the card of a financial source, masked.
type SourceCard struct {
	Holder            *string `db:"card_holder" json:"holder,omitempty"`
	BIN               *string `db:"card_bin" json:"bin,omitempty"`
	PaymentSystemType *string `db:"card_payment_system_type" json:"paymentSystemType,omitempty"`
	BankName          *string `db:"card_bank_name" json:"bankName,omitempty"`
	LastFourDigits    *string `db:"card_last_four_digits" json:"lastFourDigits,omitempty"`
	CurrencyCode      *string `db:"card_currency_code" json:"currencyCode,omitempty"`
	ExpirationMonth   *string `db:"card_expiration_month" json:"expirationMonth,omitempty"`
	ExpirationYear    *string `db:"card_expiration_year" json:"expirationYear,omitempty"`
}

// SourceAccount is the bank account of a financial source.
type SourceAccount struct {
	Number       *string `db:"account_number" json:"number,omitempty"`
	Type         *string `db:"account_type" json:"type,omitempty"`
	BankName     *string `db:"account_bank_name" json:"bankName,omitempty"`
	CurrencyCode *string `db:"account_currency_code" json:"currencyCode,omitempty"`
}

// FinancialSource is a customer's card or account that money moves from or to; the fields of the
// other kind are empty.
type FinancialSource struct {
	ID             int64           `db:"id"`
	GUID           string          `db:"guid"`
	CustomerID     int64           `db:"customer_id"`
	Type           string          `db:"type"`
	Status         string          `db:"status"`
	StatusReason   *string         `db:"status_reason"`
	Comment        *string         `db:"comment"`
	AdditionalData json.RawMessage `db:"additional_data"`
	Version        int             `db:"version"`
	SourceCard     `json:"card"`
	SourceAccount  `json:"account"`
	CreatedAt      time.Time `db:"created_at"`
	UpdatedAt      time.Time `db:"updated_at"`
}

const sourceColumns = `id, guid, customer_id, type, status, status_reason, comment, additional_data, version,
	card_holder, card_bin, card_payment_system_type, card_bank_name, card_last_four_digits, card_currency_code,
	card_expiration_month, card_expiration_year, account_number, account_type, account_bank_name, account_currency_code,
	created_at, updated_at`

// InsertFinancialSource stores a source.
func (q Queries) InsertFinancialSource(ctx context.Context, f FinancialSource) (FinancialSource, error) {
	var out FinancialSource
	c, a := f.SourceCard, f.SourceAccount
	err := q.get(ctx, &out, `
		INSERT INTO financial_sources (customer_id, type, status, additional_data, card_holder, card_bin, card_payment_system_type,
			card_bank_name, card_last_four_digits, card_currency_code, card_expiration_month, card_expiration_year,
			account_number, account_type, account_bank_name, account_currency_code)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING `+sourceColumns,
		f.CustomerID, f.Type, f.Status, f.AdditionalData, c.Holder, c.BIN, c.PaymentSystemType, c.BankName, c.LastFourDigits,
		c.CurrencyCode, c.ExpirationMonth, c.ExpirationYear, a.Number, a.Type, a.BankName, a.CurrencyCode)
	return out, err
}

// LockFinancialSource returns a source locked until the transaction ends.
func (q Queries) LockFinancialSource(ctx context.Context, guid string) (FinancialSource, error) {
	var f FinancialSource
	err := q.get(ctx, &f, `SELECT `+sourceColumns+` FROM financial_sources WHERE guid = $1 FOR UPDATE`, guid)
	return f, err
}

// SetFinancialSourceStatus changes a source's status with its reason and comment, counting the
// change in its version.
func (q Queries) SetFinancialSourceStatus(ctx context.Context, id int64, status string, reason, comment *string) (FinancialSource, error) {
	var f FinancialSource
	err := q.get(ctx, &f, `UPDATE financial_sources SET status = $2, status_reason = $3, comment = $4, version = version + 1,
		updated_at = now() WHERE id = $1 RETURNING `+sourceColumns, id, status, reason, comment)
	return f, err
}

// SourceFilter narrows a customer's sources by type and status.
type SourceFilter struct {
	Type, Status *string
}

// FinancialSources returns the sources of the customer guid, newest first.
func (q Queries) FinancialSources(ctx context.Context, customerGUID string, f SourceFilter) ([]FinancialSource, error) {
	var fs []FinancialSource
	err := q.sel(ctx, &fs, `SELECT `+sourceColumns+` FROM financial_sources
		WHERE customer_id = (SELECT id FROM customers WHERE guid = $1) AND ($2::text IS NULL OR type = $2) AND ($3::text IS NULL OR status = $3)
		ORDER BY id DESC`, customerGUID, f.Type, f.Status)
	return fs, err
}

// ProviderSource is a provider's own id of a financial source.
type ProviderSource struct {
	FinancialSourceID int64     `db:"financial_source_id"`
	ProviderID        int64     `db:"provider_id"`
	ProviderCode      string    `db:"provider_code"`
	External          string    `db:"external_financial_source"`
	CreatedAt         time.Time `db:"created_at"`
}

// InsertProviderSource binds a source to a provider's id of it, unless that provider has one; ok
// tells which.
func (q Queries) InsertProviderSource(ctx context.Context, sourceID, providerID int64, external string) (bool, error) {
	res, err := q.exec(ctx, `INSERT INTO provider_financial_sources (financial_source_id, provider_id, external_financial_source)
		VALUES ($1, $2, $3) ON CONFLICT (financial_source_id, provider_id) DO NOTHING`, sourceID, providerID, external)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ProviderSources returns the providers' ids of a source.
func (q Queries) ProviderSources(ctx context.Context, sourceID int64) ([]ProviderSource, error) {
	var ps []ProviderSource
	err := q.sel(ctx, &ps, `SELECT b.financial_source_id, b.provider_id, p.code AS provider_code, b.external_financial_source, b.created_at
		FROM provider_financial_sources b JOIN payment_providers p ON p.id = b.provider_id
		WHERE b.financial_source_id = $1 ORDER BY b.id`, sourceID)
	return ps, err
}

// TransactionOrder is an order to move money through a provider for a business entity (a loan),
// read with the guids, names and codes of what it refers to.
type TransactionOrder struct {
	ID                      int64           `db:"id"`
	GUID                    string          `db:"guid"`
	CustomerID              int64           `db:"customer_id"`
	CustomerGUID            string          `db:"customer_guid"`
	Process                 string          `db:"process"`
	TypeID                  int64           `db:"type_id"`
	Type                    string          `db:"type"`
	FromSourceID            *int64          `db:"from_financial_source_id"`
	FromSourceGUID          *string         `db:"from_financial_source_guid"`
	ToSourceID              *int64          `db:"to_financial_source_id"`
	ToSourceGUID            *string         `db:"to_financial_source_guid"`
	ExternalFinancialSource *string         `db:"external_financial_source"`
	EntityType              string          `db:"entity_type"`
	EntityGUID              string          `db:"entity_guid"`
	Amount                  decimal.Decimal `db:"amount"`
	Currency                string          `db:"currency"`
	Status                  string          `db:"status"`
	AdditionalData          json.RawMessage `db:"additional_data"`
	ProviderID              int64           `db:"provider_id"`
	ProviderCode            string          `db:"provider_code"`
	CreatedAt               time.Time       `db:"created_at"`
	UpdatedAt               time.Time       `db:"updated_at"`
	CompletedAt             *time.Time      `db:"completed_at"`
	// IdempotencyKey, when the caller gave one, makes the same payment sent again one payment.
	IdempotencyKey *string `db:"idempotency_key"`
}

// orderSelect reads orders from rows: the table, or the rows a statement has just written.
func orderSelect(rows string) string {
	return `SELECT o.id, o.guid, o.customer_id, c.guid AS customer_guid, o.process, o.type_id, t.name AS type,
		o.from_financial_source_id, fs.guid AS from_financial_source_guid, o.to_financial_source_id, ts.guid AS to_financial_source_guid,
		o.external_financial_source, o.entity_type, o.entity_guid, o.amount, o.currency, o.status, o.additional_data,
		o.provider_id, p.code AS provider_code, o.created_at, o.updated_at, o.completed_at, o.idempotency_key
	FROM ` + rows + ` o
	JOIN customers c ON c.id = o.customer_id
	JOIN transaction_types t ON t.id = o.type_id
	JOIN payment_providers p ON p.id = o.provider_id
	LEFT JOIN financial_sources fs ON fs.id = o.from_financial_source_id
	LEFT JOIN financial_sources ts ON ts.id = o.to_financial_source_id`
}

// InsertTransactionOrder stores an order.
func (q Queries) InsertTransactionOrder(ctx context.Context, o TransactionOrder) (TransactionOrder, error) {
	var out TransactionOrder
	err := q.get(ctx, &out, `WITH written AS (
		INSERT INTO transaction_orders (customer_id, process, type_id, from_financial_source_id, to_financial_source_id,
			external_financial_source, entity_type, entity_guid, amount, currency, status, additional_data, provider_id, completed_at,
			idempotency_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING *) `+orderSelect("written"),
		o.CustomerID, o.Process, o.TypeID, o.FromSourceID, o.ToSourceID, o.ExternalFinancialSource, o.EntityType, o.EntityGUID,
		o.Amount, o.Currency, o.Status, o.AdditionalData, o.ProviderID, o.CompletedAt, o.IdempotencyKey)
	return out, err
}

// OrderByKey returns the order made for an entity under an idempotency key.
func (q Queries) OrderByKey(ctx context.Context, entityGUID, key string) (TransactionOrder, error) {
	var out TransactionOrder
	err := q.get(ctx, &out, orderSelect("transaction_orders")+` WHERE o.entity_guid = $1 AND o.idempotency_key = $2`, entityGUID, key)
	return out, err
}

// PayoutOf returns the order that pays a loan out: its LOAN_PAYOUT order.
func (q Queries) PayoutOf(ctx context.Context, loanID int64) (TransactionOrder, error) {
	var out TransactionOrder
	err := q.get(ctx, &out, orderSelect("transaction_orders")+` WHERE `+payoutOf, loanID)
	return out, err
}

// SetPayoutStatus sets the status of a loan's payout order (PayoutOf), and when it completed.
func (q Queries) SetPayoutStatus(ctx context.Context, loanID int64, status string, completedAt *time.Time) (TransactionOrder, error) {
	var out TransactionOrder
	err := q.get(ctx, &out, `WITH written AS (
		UPDATE transaction_orders SET status = $2, completed_at = $3, updated_at = now()
		WHERE id = (SELECT o.id FROM transaction_orders o JOIN transaction_types t ON t.id = o.type_id WHERE `+payoutOf+`)
		RETURNING *) `+orderSelect("written"), loanID, status, completedAt)
	return out, err
}

// payoutOf picks, as o joined with its type t, the LOAN_PAYOUT order of the loan $1.
const payoutOf = `o.entity_type = 'LOAN' AND o.entity_guid = (SELECT guid FROM loans WHERE id = $1) AND t.name = 'LOAN_PAYOUT'`

// OrderFilter narrows a listing of orders to a customer's, to a loan's, to those older than the
// order BeforeGUID; at most Limit of them.
type OrderFilter struct {
	CustomerID           *int64
	LoanGUID, BeforeGUID *string
	Limit                int
}

// TransactionOrders lists orders, newest first.
func (q Queries) TransactionOrders(ctx context.Context, f OrderFilter) ([]TransactionOrder, error) {
	var out []TransactionOrder
	err := q.sel(ctx, &out, orderSelect("transaction_orders")+`
		WHERE ($1::bigint IS NULL OR o.customer_id = $1) AND ($2::uuid IS NULL OR o.entity_type = 'LOAN' AND o.entity_guid = $2)
			AND ($3::uuid IS NULL OR o.id < (SELECT id FROM transaction_orders WHERE guid = $3))
		ORDER BY o.id DESC LIMIT $4`, f.CustomerID, f.LoanGUID, f.BeforeGUID, f.Limit)
	return out, err
}
