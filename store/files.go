package store

import (
	"context"
	"time"
)

// Blob is a stored file version's bytes.
type Blob struct {
	GUID      string    `db:"guid"`
	Version   int64     `db:"version"`
	Content   []byte    `db:"content"`
	MediaType string    `db:"media_type"`
	CreatedAt time.Time `db:"created_at"`
}

// PutBlob stores a file version's bytes.
func (q Queries) PutBlob(ctx context.Context, b Blob) error {
	_, err := q.exec(ctx, `INSERT INTO file_blobs (guid, version, content, media_type) VALUES ($1, $2, $3, $4)`, b.GUID, b.Version, b.Content, b.MediaType)
	return err
}

// GetBlob returns a file version's bytes.
func (q Queries) GetBlob(ctx context.Context, guid string, version int64) (Blob, error) {
	var b Blob
	err := q.get(ctx, &b, `SELECT guid, version, content, media_type, created_at FROM file_blobs WHERE guid = $1 AND version = $2`, guid, version)
	return b, err
}

// DeleteBlob removes a file version's bytes.
func (q Queries) DeleteBlob(ctx context.Context, guid string, version int64) error {
	_, err := q.exec(ctx, `DELETE FROM file_blobs WHERE guid = $1 AND version = $2`, guid, version)
	return err
}

// DocumentFile is a file of a customer's document, as one version of a stored file.
type DocumentFile struct {
	ID               int64     `db:"id"`
	GUID             string    `db:"guid"`
	DocumentID       int64     `db:"document_id"`
	FileGUID         string    `db:"file_guid"`
	FileVersion      int64     `db:"file_version"`
	SourceName       string    `db:"source_name"`
	SourceID         *string   `db:"source_id"`
	InvalidityReason *string   `db:"invalidity_reason"`
	IsDeleted        bool      `db:"is_deleted"`
	CreatedAt        time.Time `db:"created_at"`
	UpdatedAt        time.Time `db:"updated_at"`
}

const documentFileColumns = `id, guid, document_id, file_guid, file_version, source_name, source_id, invalidity_reason,
	is_deleted, created_at, updated_at`

// InsertDocumentFile links a file version to a document.
func (q Queries) InsertDocumentFile(ctx context.Context, f DocumentFile) (DocumentFile, error) {
	var out DocumentFile
	err := q.get(ctx, &out, `INSERT INTO document_files (document_id, file_guid, file_version, source_name, source_id)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+documentFileColumns, f.DocumentID, f.FileGUID, f.FileVersion, f.SourceName, f.SourceID)
	return out, err
}

// LatestFileVersion returns the newest version of a file, or ErrNotFound.
func (q Queries) LatestFileVersion(ctx context.Context, fileGUID string) (DocumentFile, error) {
	var f DocumentFile
	err := q.get(ctx, &f, `SELECT `+documentFileColumns+` FROM document_files WHERE file_guid = $1 ORDER BY file_version DESC LIMIT 1 FOR UPDATE`, fileGUID)
	return f, err
}

// LockDocumentFile returns one version of a file, locked until the transaction ends.
func (q Queries) LockDocumentFile(ctx context.Context, fileGUID string, version int64) (DocumentFile, error) {
	var f DocumentFile
	err := q.get(ctx, &f, `SELECT `+documentFileColumns+` FROM document_files WHERE file_guid = $1 AND file_version = $2 FOR UPDATE`, fileGUID, version)
	return f, err
}

// SetFileInvalidityReason records why a file was rejected.
func (q Queries) SetFileInvalidityReason(ctx context.Context, id int64, reason string) (DocumentFile, error) {
	var f DocumentFile
	err := q.get(ctx, &f, `UPDATE document_files SET invalidity_reason = $2, updated_at = now() WHERE id = $1 RETURNING `+documentFileColumns, id, reason)
	return f, err
}

// MarkDocumentFileDeleted keeps a file's record but marks it deleted.
func (q Queries) MarkDocumentFileDeleted(ctx context.Context, id int64) error {
	_, err := q.exec(ctx, `UPDATE document_files SET is_deleted = true, updated_at = now() WHERE id = $1`, id)
	return err
}

// DocumentFiles returns the files of the given documents, newest first.
func (q Queries) DocumentFiles(ctx context.Context, documentIDs []int64) ([]DocumentFile, error) {
	return FilesByDocument.Read(ctx, q, documentIDs)
}

// FilesByDocument lists documents' files, the newest first.
var FilesByDocument = Listing[DocumentFile]{`SELECT ` + documentFileColumns + ` FROM document_files WHERE document_id = ANY($1)
	ORDER BY document_id, id DESC`}
