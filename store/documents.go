package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/lib/pq"
)

// DocumentType is an entry of the document types dictionary.
type DocumentType struct {
	ID               int64           `db:"id"`
	GUID             string          `db:"guid"`
	Name             string          `db:"name"`
	Category         string          `db:"category"`
	ValidationMethod *string         `db:"validation_method"`
	IsActive         bool            `db:"is_active"`
	Status           string          `db:"status"`
	AdditionalData   json.RawMessage `db:"additional_data"`
	CreatedAt        time.Time       `db:"created_at"`
	UpdatedAt        *time.Time      `db:"updated_at"`
}

const documentTypeColumns = `id, guid, name, category, validation_method, is_active, status, additional_data, created_at, updated_at`

// InsertDocumentType stores a new type unless the name is taken; ok tells which.
func (q Queries) InsertDocumentType(ctx context.Context, t DocumentType) (out DocumentType, ok bool, err error) {
	err = q.get(ctx, &out, `
		INSERT INTO document_types (name, category, validation_method, is_active, additional_data)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING RETURNING `+documentTypeColumns,
		t.Name, t.Category, t.ValidationMethod, t.IsActive, t.AdditionalData)
	return conflictless(out, err)
}

// UpdateDocumentType writes a type's fields; ok is false when its new name is taken.
func (q Queries) UpdateDocumentType(ctx context.Context, t DocumentType) (out DocumentType, ok bool, err error) {
	err = q.get(ctx, &out, `
		UPDATE document_types SET name = $2, category = $3, validation_method = $4, is_active = $5, status = $6,
			additional_data = $7, updated_at = now()
		WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM document_types WHERE name = $2 AND id <> $1)
		RETURNING `+documentTypeColumns, t.ID, t.Name, t.Category, t.ValidationMethod, t.IsActive, t.Status, t.AdditionalData)
	return conflictless(out, err)
}

// DocumentTypeByName returns the type with the given name.
func (q Queries) DocumentTypeByName(ctx context.Context, name string) (DocumentType, error) {
	var t DocumentType
	err := q.get(ctx, &t, `SELECT `+documentTypeColumns+` FROM document_types WHERE name = $1`, name)
	return t, err
}

// DocumentTypes lists the dictionary by name.
func (q Queries) DocumentTypes(ctx context.Context) ([]DocumentType, error) {
	var ts []DocumentType
	err := q.sel(ctx, &ts, `SELECT `+documentTypeColumns+` FROM document_types ORDER BY name`)
	return ts, err
}

// DocumentAttribute is an attribute of a document type, with its rules.
type DocumentAttribute struct {
	ID              int64          `db:"id"`
	GUID            string         `db:"guid"`
	DocumentTypeID  int64          `db:"document_type_id"`
	Name            string         `db:"name"`
	Description     string         `db:"description"`
	IsRequired      bool           `db:"is_required"`
	Type            string         `db:"type"`
	Min             *string        `db:"min"`
	Max             *string        `db:"max"`
	Range           pq.StringArray `db:"range"`
	IsInvertedRange bool           `db:"is_inverted_range"`
	Regex           *string        `db:"regex"`
	Status          string         `db:"status"`
	CreatedAt       time.Time      `db:"created_at"`
	UpdatedAt       *time.Time     `db:"updated_at"`
}

const documentAttributeColumns = `id, guid, document_type_id, name, description, is_required, type, min, max, range,
	is_inverted_range, regex, status, created_at, updated_at`

// InsertDocumentAttribute stores a new attribute unless its type has one of that name; ok tells which.
func (q Queries) InsertDocumentAttribute(ctx context.Context, a DocumentAttribute) (out DocumentAttribute, ok bool, err error) {
	err = q.get(ctx, &out, `
		INSERT INTO document_attributes (document_type_id, name, description, is_required, type, min, max, range, is_inverted_range, regex, position)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
			(SELECT coalesce(max(position), 0) + 1 FROM document_attributes WHERE document_type_id = $1))
		ON CONFLICT (document_type_id, name) DO NOTHING RETURNING `+documentAttributeColumns,
		a.DocumentTypeID, a.Name, a.Description, a.IsRequired, a.Type, a.Min, a.Max, a.Range, a.IsInvertedRange, a.Regex)
	return conflictless(out, err)
}

// UpdateDocumentAttribute writes an attribute's fields; ok is false when its new name is taken.
func (q Queries) UpdateDocumentAttribute(ctx context.Context, a DocumentAttribute) (out DocumentAttribute, ok bool, err error) {
	err = q.get(ctx, &out, `
		UPDATE document_attributes SET name = $2, description = $3, is_required = $4, type = $5, min = $6, max = $7,
			range = $8, is_inverted_range = $9, regex = $10, status = $11, updated_at = now()
		WHERE id = $1 AND NOT EXISTS (
			SELECT 1 FROM document_attributes o WHERE o.document_type_id = document_attributes.document_type_id AND o.name = $2 AND o.id <> $1)
		RETURNING `+documentAttributeColumns,
		a.ID, a.Name, a.Description, a.IsRequired, a.Type, a.Min, a.Max, a.Range, a.IsInvertedRange, a.Regex, a.Status)
	return conflictless(out, err)
}

// DocumentAttributes returns the attributes of the given types, in the order they were added.
func (q Queries) DocumentAttributes(ctx context.Context, typeIDs []int64) ([]DocumentAttribute, error) {
	var as []DocumentAttribute
	err := q.sel(ctx, &as, `SELECT `+documentAttributeColumns+` FROM document_attributes
		WHERE document_type_id = ANY($1) ORDER BY document_type_id, position`, pq.Array(typeIDs))
	return as, err
}

// CustomerDocument is a customer's document of some type.
type CustomerDocument struct {
	ID             int64     `db:"id"`
	GUID           string    `db:"guid"`
	CustomerID     int64     `db:"customer_id"`
	DocumentTypeID int64     `db:"document_type_id"`
	Status         string    `db:"status"`
	CreatedAt      time.Time `db:"created_at"`
	UpdatedAt      time.Time `db:"updated_at"`
}

const customerDocumentColumns = `id, guid, customer_id, document_type_id, status, created_at, updated_at`

// InsertCustomerDocument stores a new document.
func (q Queries) InsertCustomerDocument(ctx context.Context, d CustomerDocument) (CustomerDocument, error) {
	var out CustomerDocument
	err := q.get(ctx, &out, `INSERT INTO customer_documents (customer_id, document_type_id, status) VALUES ($1, $2, $3)
		RETURNING `+customerDocumentColumns, d.CustomerID, d.DocumentTypeID, d.Status)
	return out, err
}

// LockCustomerDocument returns a document locked until the transaction ends.
func (q Queries) LockCustomerDocument(ctx context.Context, guid string) (CustomerDocument, error) {
	var d CustomerDocument
	err := q.get(ctx, &d, `SELECT `+customerDocumentColumns+` FROM customer_documents WHERE guid = $1 FOR UPDATE`, guid)
	return d, err
}

// SetCustomerDocumentStatus changes a document's status.
func (q Queries) SetCustomerDocumentStatus(ctx context.Context, id int64, status string) (CustomerDocument, error) {
	var d CustomerDocument
	err := q.get(ctx, &d, `UPDATE customer_documents SET status = $2, updated_at = now() WHERE id = $1
		RETURNING `+customerDocumentColumns, id, status)
	return d, err
}

// DocumentView is a document with its type and data records.
type DocumentView struct {
	CustomerDocument
	Type  DocumentType   `db:"type"`
	Infos []DocumentInfo `db:"infos"`
}

// documentViews selects documents with their type and data records (oldest first).
const documentViews = `SELECT ` + customerDocumentColumns + `,
		(SELECT to_jsonb(t) FROM (SELECT ` + documentTypeColumns + ` FROM document_types WHERE id = d.document_type_id) t) AS type,
		(SELECT coalesce(json_agg(i ORDER BY i.id), '[]') FROM (SELECT ` + documentInfoColumns + ` FROM document_infos WHERE document_id = d.id) i) AS infos
	FROM customer_documents d`

var (
	// DocumentViewsByCustomer lists customers' documents, oldest first.
	DocumentViewsByCustomer = Listing[DocumentView]{documentViews + ` WHERE customer_id = ANY($1) ORDER BY customer_id, id`}
	// DocumentViewsByID lists documents by their ids.
	DocumentViewsByID = Listing[DocumentView]{documentViews + ` WHERE id = ANY($1)`}
)

// DocumentInfo is one data record of a document.
type DocumentInfo struct {
	ID             int64           `db:"id"`
	GUID           string          `db:"guid"`
	DocumentID     int64           `db:"document_id"`
	Series         *string         `db:"series"`
	Number         *string         `db:"number"`
	Issuer         *string         `db:"issuer"`
	IssueDate      *time.Time      `db:"issue_date"`
	ExpirationDate *time.Time      `db:"expiration_date"`
	AdditionalData json.RawMessage `db:"additional_data"`
	SourceName     *string         `db:"source_name"`
	SourceID       *string         `db:"source_id"`
	CreatedAt      time.Time       `db:"created_at"`
	UpdatedAt      time.Time       `db:"updated_at"`
}

const documentInfoColumns = `id, guid, document_id, series, number, issuer, issue_date, expiration_date, additional_data,
	source_name, source_id, created_at, updated_at`

// InsertDocumentInfo stores a data record.
func (q Queries) InsertDocumentInfo(ctx context.Context, i DocumentInfo) (DocumentInfo, error) {
	var out DocumentInfo
	err := q.get(ctx, &out, `
		INSERT INTO document_infos (document_id, series, number, issuer, issue_date, expiration_date, additional_data, source_name, source_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+documentInfoColumns,
		i.DocumentID, i.Series, i.Number, i.Issuer, i.IssueDate, i.ExpirationDate, i.AdditionalData, i.SourceName, i.SourceID)
	return out, err
}

// LockDocumentInfo returns a data record locked until the transaction ends.
func (q Queries) LockDocumentInfo(ctx context.Context, guid string) (DocumentInfo, error) {
	var i DocumentInfo
	err := q.get(ctx, &i, `SELECT `+documentInfoColumns+` FROM document_infos WHERE guid = $1 FOR UPDATE`, guid)
	return i, err
}

// UpdateDocumentInfo writes a data record.
func (q Queries) UpdateDocumentInfo(ctx context.Context, i DocumentInfo) (DocumentInfo, error) {
	var out DocumentInfo
	err := q.get(ctx, &out, `
		UPDATE document_infos SET series = $2, number = $3, issuer = $4, issue_date = $5, expiration_date = $6,
			additional_data = $7, source_name = $8, source_id = $9, updated_at = now()
		WHERE id = $1 RETURNING `+documentInfoColumns,
		i.ID, i.Series, i.Number, i.Issuer, i.IssueDate, i.ExpirationDate, i.AdditionalData, i.SourceName, i.SourceID)
	return out, err
}

// CustomerDocumentByID returns a document.
func (q Queries) CustomerDocumentByID(ctx context.Context, id int64) (CustomerDocument, error) {
	var d CustomerDocument
	err := q.get(ctx, &d, `SELECT `+customerDocumentColumns+` FROM customer_documents WHERE id = $1`, id)
	return d, err
}

// conflictless turns the answer of an insert or update that yielded to a uniqueness rule (no row,
// or a unique violation when a concurrent writer won) into ok = false.
func conflictless[T any](out T, err error) (T, bool, error) {
	var pqErr *pq.Error
	if errors.Is(err, ErrNotFound) || (errors.As(err, &pqErr) && pqErr.Code == "23505") {
		return out, false, nil
	}
	return out, err == nil, err
}
