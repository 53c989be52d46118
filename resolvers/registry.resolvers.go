package resolvers

import (
	"context"
	"encoding/base64"
	"io"
	"lendgraph/auth"
	"lendgraph/domain"
	"lendgraph/graph"
	"lendgraph/loaders"
	"lendgraph/registry"
	"lendgraph/store"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
)

func (r *auditEntryResolver) Changes(ctx context.Context, obj *store.AuditEntry) (map[string]any, error) {
	return jsonMap(obj.Changes)
}

func (r *customerResolver) Documents(ctx context.Context, obj *store.Customer) ([]*store.DocumentView, error) {
	return pointers(loaders.For(ctx).Documents.Load(ctx, obj.ID))
}

func (r *customerResolver) Flags(ctx context.Context, obj *store.Customer) ([]*store.FlagView, error) {
	return pointers(loaders.For(ctx).Flags.Load(ctx, obj.ID))
}

func (r *customerResolver) Restrictions(ctx context.Context, obj *store.Customer) (*registry.Restrictions, error) {
	flags, err := loaders.For(ctx).Flags.Load(ctx, obj.ID)
	res := registry.RestrictionsOf(flags)
	return &res, err
}

func (r *customerDocumentResolver) Files(ctx context.Context, obj *store.DocumentView) ([]*store.DocumentFile, error) {
	return pointers(loaders.For(ctx).DocumentFiles.Load(ctx, obj.ID))
}

func (r *customerFlagResolver) FlagType(ctx context.Context, obj *store.FlagView) (string, error) {
	return obj.Type.Name, nil
}

func (r *customerFlagResolver) FlagReason(ctx context.Context, obj *store.FlagView) (string, error) {
	return obj.Reason.Name, nil
}

func (r *customerFlagResolver) Scope(ctx context.Context, obj *store.FlagView) (string, error) {
	return obj.Type.Scope, nil
}

func (r *documentAttributeResolver) Range(ctx context.Context, obj *store.DocumentAttribute) ([]string, error) {
	return obj.Range, nil
}

func (r *documentInfoResolver) AdditionalData(ctx context.Context, obj *store.DocumentInfo) (map[string]any, error) {
	return jsonMap(obj.AdditionalData)
}

func (r *documentTypeResolver) Attributes(ctx context.Context, obj *store.DocumentType) ([]*store.DocumentAttribute, error) {
	return pointers(r.App.Store.DocumentAttributes(ctx, []int64{obj.ID}))
}

func (r *documentTypeResolver) AdditionalData(ctx context.Context, obj *store.DocumentType) (map[string]any, error) {
	return jsonMap(obj.AdditionalData)
}

func (r *fileContentResolver) Base64(ctx context.Context, obj *store.Blob) (string, error) {
	return base64.StdEncoding.EncodeToString(obj.Content), nil
}

func (r *flagTypeResolver) Reasons(ctx context.Context, obj *store.FlagType) ([]*store.FlagReason, error) {
	return pointers(r.App.Registry.FlagReasonsOf(ctx, obj.ID))
}

func (r *mutationResolver) CreateDocumentType(ctx context.Context, input registry.DocumentTypeInput) (*store.DocumentType, error) {
	return pointer(r.App.Registry.CreateDocumentType(ctx, auth.Caller(ctx), input))
}

func (r *mutationResolver) UpdateDocumentType(ctx context.Context, name string, input registry.DocumentTypeInput) (*store.DocumentType, error) {
	return pointer(r.App.Registry.UpdateDocumentType(ctx, auth.Caller(ctx), name, input))
}

func (r *mutationResolver) CreateDocumentAttribute(ctx context.Context, typeName string, input registry.DocumentAttributeInput) (*store.DocumentAttribute, error) {
	return pointer(r.App.Registry.CreateDocumentAttribute(ctx, auth.Caller(ctx), typeName, input))
}

func (r *mutationResolver) UpdateDocumentAttribute(ctx context.Context, typeName string, name string, input registry.DocumentAttributeInput) (*store.DocumentAttribute, error) {
	return pointer(r.App.Registry.UpdateDocumentAttribute(ctx, auth.Caller(ctx), typeName, name, input))
}

func (r *mutationResolver) CreateCustomerDocument(ctx context.Context, customerID string, typeName string, status string, info *registry.DocumentInfoInput) (*store.DocumentView, error) {
	d, err := r.App.Registry.CreateCustomerDocument(ctx, auth.Caller(ctx), customerID, typeName, status, info)
	return r.documentView(ctx, d, err)
}

func (r *mutationResolver) SetDocumentStatus(ctx context.Context, documentID string, status string) (*store.DocumentView, error) {
	d, err := r.App.Registry.SetDocumentStatus(ctx, auth.Caller(ctx), documentID, status)
	return r.documentView(ctx, d, err)
}

func (r *mutationResolver) AddDocumentInfo(ctx context.Context, documentID string, info registry.DocumentInfoInput) (*store.DocumentInfo, error) {
	return pointer(r.App.Registry.AddDocumentInfo(ctx, auth.Caller(ctx), documentID, info))
}

func (r *mutationResolver) PatchDocumentInfo(ctx context.Context, id string, info registry.DocumentInfoInput) (*store.DocumentInfo, error) {
	return pointer(r.App.Registry.PatchDocumentInfo(ctx, auth.Caller(ctx), id, info))
}

func (r *mutationResolver) CreateFlagType(ctx context.Context, input registry.FlagTypeInput) (*store.FlagType, error) {
	return pointer(r.App.Registry.CreateFlagType(ctx, auth.Caller(ctx), input))
}

func (r *mutationResolver) UpdateFlagType(ctx context.Context, id string, input registry.FlagTypeInput) (*store.FlagType, error) {
	return pointer(r.App.Registry.UpdateFlagType(ctx, auth.Caller(ctx), id, input))
}

func (r *mutationResolver) CreateFlagReason(ctx context.Context, flagTypeID string, input registry.FlagReasonInput) (*store.FlagReason, error) {
	return pointer(r.App.Registry.CreateFlagReason(ctx, auth.Caller(ctx), flagTypeID, input))
}

func (r *mutationResolver) UpdateFlagReason(ctx context.Context, id string, input registry.FlagReasonInput) (*store.FlagReason, error) {
	return pointer(r.App.Registry.UpdateFlagReason(ctx, auth.Caller(ctx), id, input))
}

func (r *mutationResolver) AddFlag(ctx context.Context, customerID string, flagType string, flagReason string) (*store.FlagView, error) {
	f, err := r.App.Registry.AddFlag(ctx, auth.Caller(ctx), customerID, flagType, flagReason)
	return r.flagView(ctx, f, err)
}

func (r *mutationResolver) RemoveFlag(ctx context.Context, flagID string) (*store.FlagView, error) {
	f, err := r.App.Registry.RemoveFlag(ctx, auth.Caller(ctx), flagID)
	return r.flagView(ctx, f, err)
}

func (r *mutationResolver) AttachDocumentFile(ctx context.Context, documentID string, file graphql.Upload, fileID *string, sourceName string, sourceID *string) (*store.DocumentFile, error) {
	content, err := io.ReadAll(file.File)
	if err != nil {
		return nil, domain.Errorf(domain.CodeInvalid, "file could not be read")
	}
	return pointer(r.App.Registry.AttachDocumentFile(ctx, auth.Caller(ctx), documentID, deref(fileID), sourceName, sourceID, content))
}

func (r *mutationResolver) RejectDocumentFile(ctx context.Context, fileID string, version int, invalidityReason string) (*store.DocumentFile, error) {
	return pointer(r.App.Registry.RejectDocumentFile(ctx, auth.Caller(ctx), fileID, int64(version), invalidityReason))
}

func (r *mutationResolver) PruneDocumentFiles(ctx context.Context, documentID string, filesToKeep int) ([]*store.DocumentFile, error) {
	return pointers(r.App.Registry.PruneDocumentFiles(ctx, auth.Caller(ctx), documentID, filesToKeep))
}

func (r *queryResolver) DocumentTypes(ctx context.Context) ([]*store.DocumentType, error) {
	return pointers(r.App.Registry.DocumentTypes(ctx))
}

func (r *queryResolver) DocumentType(ctx context.Context, name string) (*store.DocumentType, error) {
	t, err := r.App.Registry.DocumentType(ctx, name)
	if domain.ErrorCode(err) == registry.CodeDocumentTypeNotFound {
		return nil, nil
	}
	return &t, err
}

func (r *queryResolver) FlagTypes(ctx context.Context) ([]*store.FlagType, error) {
	return pointers(r.App.Registry.FlagTypes(ctx))
}

func (r *queryResolver) Customer(ctx context.Context, id *string, guid *string) (*store.Customer, error) {
	c, err := r.App.Registry.CustomerByIDOrGUID(ctx, deref(id), deref(guid))
	if domain.ErrorCode(err) == registry.CodeCustomerNotFound {
		return nil, nil
	}
	return &c, err
}

func (r *queryResolver) AuditTrail(ctx context.Context, entity *string, entityID *string, first *int, before *string) ([]*store.AuditEntry, error) {
	limit := 20
	if first != nil {
		limit = *first
	}
	var beforeID int64
	if before != nil {
		id, err := strconv.ParseInt(*before, 10, 64)
		if err != nil || id <= 0 {
			return nil, domain.Errorf(domain.CodeInvalid, "before: not an audit entry id")
		}
		beforeID = id
	}
	return pointers(domain.AuditTrail(ctx, r.App.Store, auth.Caller(ctx), deref(entity), deref(entityID), beforeID, limit))
}

func (r *queryResolver) DocumentFileContent(ctx context.Context, fileID string, version int) (*store.Blob, error) {
	blob, err := r.App.Registry.DocumentFileContent(ctx, auth.Caller(ctx), fileID, int64(version))
	if domain.ErrorCode(err) == registry.CodeDocumentFileNotFound {
		return nil, nil
	}
	return pointer(blob, err)
}

func (r *Resolver) AuditEntry() graph.AuditEntryResolver { return &auditEntryResolver{r} }

func (r *Resolver) CustomerDocument() graph.CustomerDocumentResolver {
	return &customerDocumentResolver{r}
}

func (r *Resolver) CustomerFlag() graph.CustomerFlagResolver { return &customerFlagResolver{r} }

func (r *Resolver) DocumentAttribute() graph.DocumentAttributeResolver {
	return &documentAttributeResolver{r}
}

func (r *Resolver) DocumentInfo() graph.DocumentInfoResolver { return &documentInfoResolver{r} }

func (r *Resolver) DocumentType() graph.DocumentTypeResolver { return &documentTypeResolver{r} }

func (r *Resolver) FileContent() graph.FileContentResolver { return &fileContentResolver{r} }

func (r *Resolver) FlagType() graph.FlagTypeResolver { return &flagTypeResolver{r} }

type (
	auditEntryResolver        struct{ *Resolver }
	customerDocumentResolver  struct{ *Resolver }
	customerFlagResolver      struct{ *Resolver }
	documentAttributeResolver struct{ *Resolver }
	documentInfoResolver      struct{ *Resolver }
	documentTypeResolver      struct{ *Resolver }
	fileContentResolver       struct{ *Resolver }
	flagTypeResolver          struct{ *Resolver }
)
