package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"lendgraph/attributes"
	"lendgraph/domain"
	"lendgraph/store"
)

// Document statuses.
var documentStatuses = map[string]bool{"VALID": true, "NOT_VALID": true, "NOT_CHECKED": true, "NOT_FOUND": true}

// DocumentInfoInput is a data record of a document: the reserved attributes as fields, the others
// in AdditionalData (attribute name → value). A patch leaves nil fields as they are.
type DocumentInfoInput struct {
	Series         *string        `json:"series,omitempty"`
	Number         *string        `json:"number,omitempty"`
	Issuer         *string        `json:"issuer,omitempty"`
	IssueDate      *string        `json:"issueDate,omitempty"`
	ExpirationDate *string        `json:"expirationDate,omitempty"`
	AdditionalData map[string]any `json:"additionalData,omitempty"`
	SourceName     *string        `json:"sourceName,omitempty"`
	SourceID       *string        `json:"sourceId,omitempty"`
}

// CreateCustomerDocument adds a document of type typeName to a customer, with a first data record
// when info is given; the record must satisfy the type's attribute rules.
func (s *Service) CreateCustomerDocument(ctx context.Context, caller domain.Principal, customerGUID, typeName, status string, info *DocumentInfoInput) (store.CustomerDocument, error) {
	if !documentStatuses[status] {
		return store.CustomerDocument{}, domain.Invalid([]domain.FieldError{{Field: "status", Message: "must be VALID, NOT_VALID, NOT_CHECKED or NOT_FOUND"}})
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.CustomerDocument, error) {
		c, err := FindCustomer(ctx, q, customerGUID)
		if err != nil {
			return store.CustomerDocument{}, err
		}
		t, err := FindDocumentType(ctx, q, typeName)
		if err != nil {
			return store.CustomerDocument{}, err
		}
		if t.Status != "ACTIVE" {
			return store.CustomerDocument{}, domain.Errorf(domain.CodeInvalid, "document type %s is inactive: no new documents of it", typeName)
		}
		d, err := q.InsertCustomerDocument(ctx, store.CustomerDocument{CustomerID: c.ID, DocumentTypeID: t.ID, Status: status})
		if err != nil {
			return d, err
		}
		if info != nil {
			if _, err := s.StoreInfo(ctx, q, d, store.DocumentInfo{DocumentID: d.ID}, *info); err != nil {
				return d, err
			}
		}
		return d, domain.Audit(ctx, q, caller, "createCustomerDocument", "customer_document", d.GUID,
			map[string]any{"customer": customerGUID, "type": typeName, "status": status, "info": info})
	})
}

// SetDocumentStatus changes a document's status.
func (s *Service) SetDocumentStatus(ctx context.Context, caller domain.Principal, documentGUID, status string) (store.CustomerDocument, error) {
	if !documentStatuses[status] {
		return store.CustomerDocument{}, domain.Invalid([]domain.FieldError{{Field: "status", Message: "must be VALID, NOT_VALID, NOT_CHECKED or NOT_FOUND"}})
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.CustomerDocument, error) {
		d, err := lockDocument(ctx, q, documentGUID)
		if err != nil {
			return d, err
		}
		from := d.Status
		if d, err = q.SetCustomerDocumentStatus(ctx, d.ID, status); err != nil {
			return d, err
		}
		return d, domain.Audit(ctx, q, caller, "setDocumentStatus", "customer_document", d.GUID, map[string]string{"from": from, "to": status})
	})
}

// AddDocumentInfo adds a data record to a document.
func (s *Service) AddDocumentInfo(ctx context.Context, caller domain.Principal, documentGUID string, info DocumentInfoInput) (store.DocumentInfo, error) {
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.DocumentInfo, error) {
		d, err := lockDocument(ctx, q, documentGUID)
		if err != nil {
			return store.DocumentInfo{}, err
		}
		out, err := s.StoreInfo(ctx, q, d, store.DocumentInfo{DocumentID: d.ID}, info)
		if err != nil {
			return out, err
		}
		return out, domain.Audit(ctx, q, caller, "addDocumentInfo", "document_info", out.GUID, info)
	})
}

// PatchDocumentInfo changes the given fields of a data record; the result must still satisfy the
// type's attribute rules.
func (s *Service) PatchDocumentInfo(ctx context.Context, caller domain.Principal, infoGUID string, patch DocumentInfoInput) (store.DocumentInfo, error) {
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.DocumentInfo, error) {
		current, err := domain.ByGUID(ctx, infoGUID, CodeDocumentInfoNotFound, "document info", q.LockDocumentInfo)
		if err != nil {
			return current, err
		}
		d, err := q.CustomerDocumentByID(ctx, current.DocumentID)
		if err != nil {
			return current, err
		}
		out, err := s.StoreInfo(ctx, q, d, current, patch)
		if err != nil {
			return out, err
		}
		return out, domain.Audit(ctx, q, caller, "patchDocumentInfo", "document_info", out.GUID, patch)
	})
}

// StoreInfo applies in to the record base (new when its ID is 0), checks the whole record against
// the document type's attributes and stores it. Bad data is VALIDATION_FAILURE naming every
// attribute at fault.
func (s *Service) StoreInfo(ctx context.Context, q store.Queries, d store.CustomerDocument, base store.DocumentInfo, in DocumentInfoInput) (store.DocumentInfo, error) {
	data, err := infoData(base)
	if err != nil {
		return base, err
	}
	for name, v := range map[string]*string{"series": in.Series, "number": in.Number, "issuer": in.Issuer, "issue_date": in.IssueDate, "expiration_date": in.ExpirationDate} {
		if v != nil {
			data[name] = *v
		}
	}
	for k, v := range in.AdditionalData {
		data[k] = fmt.Sprint(v)
		if v == nil {
			delete(data, k)
		}
	}
	attrs, err := q.DocumentAttributes(ctx, []int64{d.DocumentTypeID})
	if err != nil {
		return base, err
	}
	var rules []attributes.Rule
	for _, a := range attrs {
		if a.Status == "ACTIVE" {
			rules = append(rules, attributeRule(a))
		}
	}
	if problems := attributes.Validate(rules, data); len(problems) > 0 {
		fields := make([]domain.FieldError, len(problems))
		for i, p := range problems {
			fields[i] = domain.FieldError{Field: p.Attribute, Message: p.Message}
		}
		e := domain.Invalid(fields).(*domain.Error)
		e.Code = CodeValidationFailure
		return base, e
	}
	rec := base
	rec.Series, rec.Number, rec.Issuer = domain.NonEmpty(data["series"]), domain.NonEmpty(data["number"]), domain.NonEmpty(data["issuer"])
	rec.IssueDate, rec.ExpirationDate = domain.OptionalDate(data["issue_date"]), domain.OptionalDate(data["expiration_date"])
	extra := map[string]string{}
	for k, v := range data {
		if !reservedAttribute[k] {
			extra[k] = v
		}
	}
	if rec.AdditionalData, err = json.Marshal(extra); err != nil {
		return base, err
	}
	if in.SourceName != nil {
		rec.SourceName = in.SourceName
	}
	if in.SourceID != nil {
		rec.SourceID = in.SourceID
	}
	if rec.ID == 0 {
		return q.InsertDocumentInfo(ctx, rec)
	}
	return q.UpdateDocumentInfo(ctx, rec)
}

// reservedAttribute names the attributes kept in columns of their own.
var reservedAttribute = map[string]bool{"series": true, "number": true, "issuer": true, "issue_date": true, "expiration_date": true}

// infoData is a stored record as attribute name → value text.
func infoData(i store.DocumentInfo) (map[string]string, error) {
	data := map[string]string{}
	if len(i.AdditionalData) > 0 {
		var extra map[string]any
		if err := json.Unmarshal(i.AdditionalData, &extra); err != nil {
			return nil, err
		}
		for k, v := range extra {
			data[k] = fmt.Sprint(v)
		}
	}
	for name, v := range map[string]*string{"series": i.Series, "number": i.Number, "issuer": i.Issuer} {
		if v != nil {
			data[name] = *v
		}
	}
	for name, v := range map[string]*time.Time{"issue_date": i.IssueDate, "expiration_date": i.ExpirationDate} {
		if v != nil {
			data[name] = v.Format(time.DateOnly)
		}
	}
	return data, nil
}

func attributeRule(a store.DocumentAttribute) attributes.Rule {
	return attributes.Rule{
		Name: a.Name, Description: a.Description, Required: a.IsRequired, Type: attributes.Type(a.Type),
		Min: domain.Deref(a.Min), Max: domain.Deref(a.Max), Range: a.Range, InvertedRange: a.IsInvertedRange, Regex: domain.Deref(a.Regex),
	}
}

func lockDocument(ctx context.Context, q store.Queries, guid string) (store.CustomerDocument, error) {
	return domain.ByGUID(ctx, guid, CodeCustomerDocumentNotFound, "document", q.LockCustomerDocument)
}

func FindCustomer(ctx context.Context, q store.Queries, guid string) (store.Customer, error) {
	return domain.ByGUID(ctx, guid, CodeCustomerNotFound, "customer", q.CustomerByGUID)
}

// DocumentView returns a document with its type and data records.
func (s *Service) DocumentView(ctx context.Context, id int64) (store.DocumentView, error) {
	return one(store.DocumentViewsByID.Read(ctx, s.Store.Queries, []int64{id}))
}

// one is the only row a listing by id read.
func one[T any](rows []T, err error) (T, error) {
	var none T
	if err != nil {
		return none, err
	}
	if len(rows) == 0 {
		return none, store.ErrNotFound
	}
	return rows[0], nil
}
