package registry

import (
	"context"
	"errors"
	"net/http"

	"github.com/google/uuid"

	"lendgraph/domain"
	"lendgraph/store"
)

// Error codes of document files.
const (
	CodeDocumentFileNotFound domain.Code = "DOCUMENT_FILE_NOT_FOUND"
	CodeDocumentNotFound     domain.Code = "DOCUMENT_NOT_FOUND"
)

// FileStorage keeps the bytes of document files, by file guid and version. The default keeps them
// in PostgreSQL, in the transaction of the change (an external store would ignore q).
type FileStorage interface {
	Put(ctx context.Context, q store.Queries, b store.Blob) error
	Get(ctx context.Context, q store.Queries, guid string, version int64) (store.Blob, error)
	Delete(ctx context.Context, q store.Queries, guid string, version int64) error
}

// DatabaseFiles is the FileStorage in PostgreSQL.
type DatabaseFiles struct{}

func (DatabaseFiles) Put(ctx context.Context, q store.Queries, b store.Blob) error {
	return q.PutBlob(ctx, b)
}

func (DatabaseFiles) Get(ctx context.Context, q store.Queries, guid string, version int64) (store.Blob, error) {
	return q.GetBlob(ctx, guid, version)
}

func (DatabaseFiles) Delete(ctx context.Context, q store.Queries, guid string, version int64) error {
	return q.DeleteBlob(ctx, guid, version)
}

// AttachDocumentFile stores a file for a document: a new file, or with fileGUID a new version of
// that file of the same document.
func (s *Service) AttachDocumentFile(ctx context.Context, caller domain.Principal, documentGUID, fileGUID, sourceName string, sourceID *string, content []byte) (store.DocumentFile, error) {
	var errs domain.FieldErrors
	errs.Required("sourceName", sourceName)
	if len(content) == 0 {
		errs.Add("file", "is empty")
	}
	if len(errs) > 0 {
		return store.DocumentFile{}, domain.Invalid(errs)
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.DocumentFile, error) {
		d, err := lockDocument(ctx, q, documentGUID)
		if err != nil {
			return store.DocumentFile{}, err
		}
		f := store.DocumentFile{DocumentID: d.ID, FileGUID: uuid.NewString(), FileVersion: 1, SourceName: sourceName, SourceID: sourceID}
		if fileGUID != "" {
			latest, err := latestFile(ctx, q, fileGUID)
			if err != nil {
				return f, err
			}
			if latest.DocumentID != d.ID {
				return f, domain.Errorf(CodeDocumentFileNotFound, "file %s is not a file of document %s", fileGUID, documentGUID)
			}
			f.FileGUID, f.FileVersion = fileGUID, latest.FileVersion+1
		}
		blob := store.Blob{GUID: f.FileGUID, Version: f.FileVersion, Content: content, MediaType: http.DetectContentType(content)}
		if err := s.Files.Put(ctx, q, blob); err != nil {
			return f, err
		}
		out, err := q.InsertDocumentFile(ctx, f)
		if err == nil {
			err = domain.Audit(ctx, q, caller, "attachDocumentFile", "document_file", out.GUID,
				map[string]any{"document": documentGUID, "file": out.FileGUID, "version": out.FileVersion, "size": len(content), "sourceName": sourceName})
		}
		return out, err
	})
}

// RejectDocumentFile records why a file version was rejected (e.g. BLURED_PHOTO).
func (s *Service) RejectDocumentFile(ctx context.Context, caller domain.Principal, fileGUID string, version int64, reason string) (store.DocumentFile, error) {
	if reason == "" {
		return store.DocumentFile{}, domain.Invalid([]domain.FieldError{{Field: "invalidityReason", Message: "is required"}})
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.DocumentFile, error) {
		f, err := documentFile(ctx, q, fileGUID, version)
		if err != nil {
			return f, err
		}
		if f, err = q.SetFileInvalidityReason(ctx, f.ID, reason); err == nil {
			err = domain.Audit(ctx, q, caller, "rejectDocumentFile", "document_file", f.GUID, map[string]any{"version": version, "invalidityReason": reason})
		}
		return f, err
	})
}

// PruneDocumentFiles keeps a document's keep newest files and deletes the others (their bytes go;
// their records stay, marked deleted). It returns the files deleted.
func (s *Service) PruneDocumentFiles(ctx context.Context, caller domain.Principal, documentGUID string, keep int) ([]store.DocumentFile, error) {
	if keep < 0 {
		return nil, domain.Invalid([]domain.FieldError{{Field: "filesToKeep", Message: "must be ≥ 0"}})
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) ([]store.DocumentFile, error) {
		d, err := lockDocument(ctx, q, documentGUID)
		if domain.ErrorCode(err) == CodeCustomerDocumentNotFound {
			return nil, domain.Errorf(CodeDocumentNotFound, "document %s not found", documentGUID) // as the spec names it here
		}
		if err != nil {
			return nil, err
		}
		files, err := q.DocumentFiles(ctx, []int64{d.ID})
		if err != nil {
			return nil, err
		}
		var deleted []store.DocumentFile
		kept := 0
		for _, f := range files { // newest first
			if f.IsDeleted {
				continue
			}
			if kept < keep {
				kept++
				continue
			}
			if err := s.Files.Delete(ctx, q, f.FileGUID, f.FileVersion); err != nil {
				return nil, err
			}
			if err := q.MarkDocumentFileDeleted(ctx, f.ID); err != nil {
				return nil, err
			}
			f.IsDeleted = true
			deleted = append(deleted, f)
		}
		return deleted, domain.Audit(ctx, q, caller, "pruneDocumentFiles", "customer_document", d.GUID, map[string]int{"kept": kept, "deleted": len(deleted)})
	})
}

// DocumentFileContent returns the bytes of a file version: employees any, a customer their own.
func (s *Service) DocumentFileContent(ctx context.Context, caller domain.Principal, fileGUID string, version int64) (store.Blob, error) {
	var blob store.Blob
	err := s.Store.Tx(ctx, func(q store.Queries) error {
		f, err := documentFile(ctx, q, fileGUID, version)
		if err != nil {
			return err
		}
		if caller.Role != domain.RoleEmployee {
			d, err := q.CustomerDocumentByID(ctx, f.DocumentID)
			if err != nil {
				return err
			}
			if sc, err := domain.ScopeOf(ctx, q, caller); err != nil || sc.CustomerID == nil || *sc.CustomerID != d.CustomerID {
				return domain.Errorf(CodeDocumentFileNotFound, "file %s not found", fileGUID)
			}
		}
		if f.IsDeleted {
			return domain.Errorf(CodeDocumentFileNotFound, "file %s version %d was deleted", fileGUID, version)
		}
		blob, err = s.Files.Get(ctx, q, fileGUID, version)
		return err
	})
	return blob, err
}

func latestFile(ctx context.Context, q store.Queries, guid string) (store.DocumentFile, error) {
	return domain.ByGUID(ctx, guid, CodeDocumentFileNotFound, "file", q.LatestFileVersion)
}

func documentFile(ctx context.Context, q store.Queries, guid string, version int64) (store.DocumentFile, error) {
	if !domain.ValidUUID(guid) {
		return store.DocumentFile{}, domain.Errorf(CodeDocumentFileNotFound, "file %s not found", guid)
	}
	f, err := q.LockDocumentFile(ctx, guid, version)
	if errors.Is(err, store.ErrNotFound) {
		return f, domain.Errorf(CodeDocumentFileNotFound, "file %s version %d not found", guid, version)
	}
	return f, err
}
