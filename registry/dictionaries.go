package registry

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/lib/pq"

	"lendgraph/attributes"
	"lendgraph/domain"
	"lendgraph/store"
)

// The customer registry's error codes (spec: customer-registry-service).
const (
	CodeDocumentTypeDuplicatedName      domain.Code = "DOCUMENT_TYPE_DUPLICATED_NAME"
	CodeDocumentTypeNotFound            domain.Code = "DOCUMENT_TYPE_NOT_FOUND"
	CodeDocumentAttributeDuplicatedName domain.Code = "DOCUMENT_ATTRIBUTE_DUPLICATED_NAME"
	CodeDocumentAttributeNotFound       domain.Code = "DOCUMENT_ATTRIBUTE_NOT_FOUND"
	CodeCustomerNotFound                domain.Code = "CUSTOMER_NOT_FOUND"
	CodeCustomerDocumentNotFound        domain.Code = "CUSTOMER_DOCUMENT_NOT_FOUND"
	CodeDocumentInfoNotFound            domain.Code = "DOCUMENT_INFO_NOT_FOUND"
	CodeValidationFailure               domain.Code = "VALIDATION_FAILURE"
	CodeFlagTypeNotFound                domain.Code = "FLAG_TYPE_NOT_FOUND"
	CodeFlagTypeDuplicatedName          domain.Code = "FLAG_TYPE_DUPLICATED_NAME"
	CodeFlagReasonNotFound              domain.Code = "FLAG_REASON_NOT_FOUND"
	CodeFlagReasonDuplicatedName        domain.Code = "FLAG_REASON_DUPLICATED_NAME"
	CodeFlagReasonIncompatibleWithType  domain.Code = "FLAG_REASON_INCOMPATIBLE_WITH_TYPE"
	CodeFlagNotFound                    domain.Code = "FLAG_NOT_FOUND"
	CodeInvalidFlagState                domain.Code = "INVALID_FLAG_STATE"
)

// DocumentTypeInput is a document type as an employee creates or changes it.
type DocumentTypeInput struct {
	Name             string         `json:"name"`
	Category         string         `json:"category"`
	ValidationMethod *string        `json:"validationMethod,omitempty"`
	IsActive         bool           `json:"isActive"`
	Status           *string        `json:"status,omitempty"`
	AdditionalData   map[string]any `json:"additionalData,omitempty"`
}

// CreateDocumentType adds a type to the dictionary.
func (s *Service) CreateDocumentType(ctx context.Context, caller domain.Principal, in DocumentTypeInput) (store.DocumentType, error) {
	t, err := in.toStore(store.DocumentType{Status: "ACTIVE"})
	if err != nil {
		return store.DocumentType{}, err
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.DocumentType, error) {
		out, ok, err := q.InsertDocumentType(ctx, t)
		if err == nil && !ok {
			err = domain.Errorf(CodeDocumentTypeDuplicatedName, "document type %s exists", in.Name)
		}
		if err == nil {
			err = domain.Audit(ctx, q, caller, "createDocumentType", "document_type", out.GUID, in)
		}
		return out, err
	})
}

// UpdateDocumentType changes the type named typeName.
func (s *Service) UpdateDocumentType(ctx context.Context, caller domain.Principal, typeName string, in DocumentTypeInput) (store.DocumentType, error) {
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.DocumentType, error) {
		current, err := q.DocumentTypeByName(ctx, typeName)
		if errors.Is(err, store.ErrNotFound) {
			return current, domain.Errorf(CodeDocumentTypeNotFound, "document type %s not found", typeName)
		}
		if err != nil {
			return current, err
		}
		t, err := in.toStore(current)
		if err != nil {
			return current, err
		}
		out, ok, err := q.UpdateDocumentType(ctx, t)
		if err == nil && !ok {
			err = domain.Errorf(CodeDocumentTypeDuplicatedName, "document type %s exists", in.Name)
		}
		if err == nil {
			err = domain.Audit(ctx, q, caller, "updateDocumentType", "document_type", out.GUID, in)
		}
		return out, err
	})
}

func (in DocumentTypeInput) toStore(t store.DocumentType) (store.DocumentType, error) {
	var errs domain.FieldErrors
	errs.Required("name", in.Name)
	errs.Required("category", in.Category)
	if in.Status != nil && *in.Status != "ACTIVE" && *in.Status != "INACTIVE" {
		errs.Add("status", "must be ACTIVE or INACTIVE")
	}
	if len(errs) > 0 {
		return t, domain.Invalid(errs)
	}
	data, err := jsonObject(in.AdditionalData)
	if err != nil {
		return t, err
	}
	t.Name, t.Category, t.ValidationMethod, t.IsActive, t.AdditionalData = in.Name, in.Category, in.ValidationMethod, in.IsActive, data
	if in.Status != nil {
		t.Status = *in.Status
	}
	return t, nil
}

// DocumentAttributeInput is an attribute as an employee creates or changes it.
type DocumentAttributeInput struct {
	Name            string   `json:"name"`
	Description     string   `json:"description"`
	IsRequired      bool     `json:"isRequired"`
	Type            string   `json:"type"`
	Min             *string  `json:"min,omitempty"`
	Max             *string  `json:"max,omitempty"`
	Range           []string `json:"range,omitempty"`
	IsInvertedRange bool     `json:"isInvertedRange"`
	Regex           *string  `json:"regex,omitempty"`
	Status          *string  `json:"status,omitempty"`
}

func (in DocumentAttributeInput) rule() attributes.Rule {
	return attributes.Rule{
		Name: in.Name, Description: in.Description, Required: in.IsRequired, Type: attributes.Type(in.Type),
		Min: domain.Deref(in.Min), Max: domain.Deref(in.Max), Range: in.Range, InvertedRange: in.IsInvertedRange, Regex: domain.Deref(in.Regex),
	}
}

// toStore checks the attribute's rules themselves and fills a stored attribute with them.
func (in DocumentAttributeInput) toStore(a store.DocumentAttribute) (store.DocumentAttribute, error) {
	var errs domain.FieldErrors
	errs.Required("name", in.Name)
	errs.Required("description", in.Description)
	for _, p := range attributes.CheckRule(in.rule()) {
		errs.Add(p.Attribute, "%s", p.Message)
	}
	if in.Status != nil && *in.Status != "ACTIVE" && *in.Status != "INACTIVE" {
		errs.Add("status", "must be ACTIVE or INACTIVE")
	}
	if len(errs) > 0 {
		return a, domain.Invalid(errs)
	}
	a.Name, a.Description, a.IsRequired, a.Type = in.Name, in.Description, in.IsRequired, in.Type
	a.Min, a.Max, a.Range, a.IsInvertedRange, a.Regex = domain.NonBlank(in.Min), domain.NonBlank(in.Max), pq.StringArray(in.Range), in.IsInvertedRange, domain.NonBlank(in.Regex)
	if in.Status != nil {
		a.Status = *in.Status
	}
	return a, nil
}

// CreateDocumentAttribute adds an attribute, with its rules, to the type named typeName.
func (s *Service) CreateDocumentAttribute(ctx context.Context, caller domain.Principal, typeName string, in DocumentAttributeInput) (store.DocumentAttribute, error) {
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.DocumentAttribute, error) {
		t, err := FindDocumentType(ctx, q, typeName)
		if err != nil {
			return store.DocumentAttribute{}, err
		}
		a, err := in.toStore(store.DocumentAttribute{DocumentTypeID: t.ID, Status: "ACTIVE"})
		if err != nil {
			return a, err
		}
		out, ok, err := q.InsertDocumentAttribute(ctx, a)
		if err == nil && !ok {
			err = domain.Errorf(CodeDocumentAttributeDuplicatedName, "document type %s already has attribute %s", typeName, in.Name)
		}
		if err == nil {
			err = domain.Audit(ctx, q, caller, "createDocumentAttribute", "document_attribute", out.GUID, in)
		}
		return out, err
	})
}

// UpdateDocumentAttribute changes the attribute attrName of the type typeName.
func (s *Service) UpdateDocumentAttribute(ctx context.Context, caller domain.Principal, typeName, attrName string, in DocumentAttributeInput) (store.DocumentAttribute, error) {
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.DocumentAttribute, error) {
		t, err := FindDocumentType(ctx, q, typeName)
		if err != nil {
			return store.DocumentAttribute{}, err
		}
		attrs, err := q.DocumentAttributes(ctx, []int64{t.ID})
		if err != nil {
			return store.DocumentAttribute{}, err
		}
		i := domain.IndexOf(attrs, func(a store.DocumentAttribute) bool { return a.Name == attrName })
		if i < 0 {
			return store.DocumentAttribute{}, domain.Errorf(CodeDocumentAttributeNotFound, "document type %s has no attribute %s", typeName, attrName)
		}
		a, err := in.toStore(attrs[i])
		if err != nil {
			return a, err
		}
		out, ok, err := q.UpdateDocumentAttribute(ctx, a)
		if err == nil && !ok {
			err = domain.Errorf(CodeDocumentAttributeDuplicatedName, "document type %s already has attribute %s", typeName, in.Name)
		}
		if err == nil {
			err = domain.Audit(ctx, q, caller, "updateDocumentAttribute", "document_attribute", out.GUID, in)
		}
		return out, err
	})
}

// DocumentTypes lists the dictionary.
func (s *Service) DocumentTypes(ctx context.Context) ([]store.DocumentType, error) {
	return s.Store.DocumentTypes(ctx)
}

// DocumentType returns one type by name.
func (s *Service) DocumentType(ctx context.Context, name string) (store.DocumentType, error) {
	return FindDocumentType(ctx, s.Store.Queries, name)
}

func FindDocumentType(ctx context.Context, q store.Queries, name string) (store.DocumentType, error) {
	t, err := q.DocumentTypeByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return t, domain.Errorf(CodeDocumentTypeNotFound, "document type %s not found", name)
	}
	return t, err
}

func jsonObject(m map[string]any) (json.RawMessage, error) {
	if m == nil {
		return json.RawMessage(`{}`), nil
	}
	return json.Marshal(m)
}
