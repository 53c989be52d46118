package customeroffers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"lendgraph/domain"
	"lendgraph/registry"
	"lendgraph/store"
)

// Error codes of customer offers (POST /customerOffer/loan/initiate); the seed defines none.
const (
	CodeLoanProductNotFound  domain.Code = "LOAN_PRODUCT_NOT_FOUND"
	CodePDPATemplateNotFound domain.Code = "PDPA_TEMPLATE_NOT_FOUND"
)

// The fields of a customer offer request, named as the route's form names them (the seed's
// dotted names); errors name them so on every edge.
const (
	OfferFieldCustomerID     = "customerOfferProcedure.customerId"
	OfferFieldProcess        = "customerOfferProcedure.customerOfferProcess"
	OfferFieldEmployee       = "customerOfferProcedure.employee"
	OfferFieldProductID      = "product.productId"
	OfferFieldPDPATemplateID = "pdpa.pdpaTemplateId"
	OfferFieldSignature      = "pdpa.signature"
)

// MaxSignatureBytes bounds a signature image: a drawn signature is a few kilobytes.
const MaxSignatureBytes = 512 << 10

// pngMagic is the 8-byte signature every PNG file starts with.
var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// CustomerOfferRequest is a customer's loan application as an employee records it. Ids are
// strings as the form (and the seed's example) sends them; Signature reads the PNG, nil when none
// was sent.
type CustomerOfferRequest struct {
	CustomerID     string
	Process        string
	EmployeeID     string
	ProductID      string
	PDPATemplateID string
	Signature      io.Reader
}

// CustomerOffer is a recorded customer application; its JSON is the route's answer, the seed's shape.
type CustomerOffer struct {
	Procedure CustomerOfferProcedure `json:"customerOfferProcedure"`
	Product   CustomerOfferProduct   `json:"product"`
	Consent   PDPAConsent            `json:"-"`
	CreatedAt time.Time              `json:"-"`
}

// ID is the customer offer's id.
func (o CustomerOffer) ID() int64 { return o.Procedure.OfferID }

// CustomerOfferProcedure is where the application stands in its process.
type CustomerOfferProcedure struct {
	CustomerID  int64  `json:"customerId"`
	ProcessName string `json:"customerOfferProcess"` // the display name, as the seed answers it
	ProcessCode string `json:"-"`
	EmployeeID  int64  `json:"employee"`
	OfferID     int64  `json:"customerOfferId"`
	NextTask    string `json:"customerOfferProcessNextTask"`
}

// CustomerOfferProduct is the product applied for with its bounds as offered.
type CustomerOfferProduct struct {
	ProductID int64       `json:"productId"`
	Amounts   AmountRange `json:"amountConfiguration"`
	Terms     TermRange   `json:"termConfiguration"`
}

// AmountRange is a product's amount bounds.
type AmountRange struct {
	Min, Max decimal.Decimal
}

// MarshalJSON writes the bounds as the seed does: strings of the amount ("10000").
func (r AmountRange) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Max string `json:"maxValueRange"`
		Min string `json:"minValueRange"`
	}{r.Max.String(), r.Min.String()})
}

// TermRange is a product's term bounds as codes of the term dictionary.
type TermRange struct {
	Max string `json:"maxValueRange"`
	Min string `json:"minValueRange"`
}

// PDPAConsent is the customer's signed consent to the processing of their personal data.
type PDPAConsent struct {
	Template store.PDPATemplate
	// TextSHA256 is the hex SHA-256 of the text signed.
	TextSHA256        string
	SignedAt          time.Time
	SignatureFileGUID string
}

// InitiateCustomerOffer records a customer's application for a loan product with their signed
// consent. Any active employee may be named to handle it; the caller is the audit trail's actor.
// Nothing is stored unless every part is right.
func (s *Service) InitiateCustomerOffer(ctx context.Context, caller domain.Principal, req CustomerOfferRequest) (CustomerOffer, error) {
	signature, err := readSignature(req.Signature)
	if err != nil {
		return CustomerOffer{}, err
	}
	var errs domain.FieldErrors
	customerID := positiveInteger(&errs, OfferFieldCustomerID, req.CustomerID)
	errs.Required(OfferFieldProcess, req.Process)
	employeeID := positiveInteger(&errs, OfferFieldEmployee, req.EmployeeID)
	productID := positiveInteger(&errs, OfferFieldProductID, req.ProductID) // the answer's productId is an integer
	errs.Required(OfferFieldPDPATemplateID, req.PDPATemplateID)
	checkSignature(&errs, signature)
	if len(errs) > 0 {
		return CustomerOffer{}, domain.Invalid(errs)
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (CustomerOffer, error) {
		_, err := q.CustomerByID(ctx, customerID)
		if errors.Is(err, store.ErrNotFound) {
			return CustomerOffer{}, domain.Errorf(registry.CodeCustomerNotFound, "customer %d not found", customerID)
		}
		if err != nil {
			return CustomerOffer{}, err
		}
		process, err := q.CustomerOfferProcess(ctx, req.Process)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !process.Active) {
			return CustomerOffer{}, domain.Invalid(domain.FieldErrors{{Field: OfferFieldProcess, Message: fmt.Sprintf("no active process %q", req.Process)}})
		}
		if err != nil {
			return CustomerOffer{}, err
		}
		employee, err := q.EmployeeByID(ctx, employeeID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !employee.Active) {
			return CustomerOffer{}, domain.Invalid(domain.FieldErrors{{Field: OfferFieldEmployee, Message: fmt.Sprintf("no active employee %d", employeeID)}})
		}
		if err != nil {
			return CustomerOffer{}, err
		}
		product, err := s.Loans.Product(ctx, strings.TrimSpace(req.ProductID))
		if err != nil {
			return CustomerOffer{}, err
		}
		if product == nil {
			return CustomerOffer{}, domain.Errorf(CodeLoanProductNotFound, "loan product %d not found", productID)
		}
		codes, err := q.TermCodes(ctx)
		if err != nil {
			return CustomerOffer{}, err
		}
		terms, ok := termBounds(codes, product.MinTerm, product.MaxTerm)
		if !ok {
			return CustomerOffer{}, domain.Invalid(domain.FieldErrors{{Field: OfferFieldProductID,
				Message: fmt.Sprintf("its terms, %d to %d months, have no code in the term dictionary", product.MinTerm, product.MaxTerm)}})
		}
		template, err := pdpaTemplate(ctx, q, req.PDPATemplateID)
		if err != nil {
			return CustomerOffer{}, err
		}
		if !template.Active {
			return CustomerOffer{}, domain.Invalid(domain.FieldErrors{{Field: OfferFieldPDPATemplateID, Message: fmt.Sprintf("template %d is no longer in use", template.ID)}})
		}
		file := store.Blob{GUID: uuid.NewString(), Version: 1, Content: signature, MediaType: "image/png"}
		if err := s.Files.Put(ctx, q, file); err != nil {
			return CustomerOffer{}, err
		}
		textSum := sha256.Sum256([]byte(template.Text))
		offer, err := q.InsertCustomerOffer(ctx, store.CustomerOffer{
			CustomerID: customerID, ProcessCode: process.Code, EmployeeID: employeeID, NextTask: process.NextTask,
			ProductCode: product.Code, MinAmount: product.MinAmount, MaxAmount: product.MaxAmount,
			MinTermCode: terms.Min, MaxTermCode: terms.Max,
			PDPATemplateID: template.ID, PDPATemplateVersion: template.Version, PDPATextSHA256: hex.EncodeToString(textSum[:]),
			PDPASignedAt: s.Now(), SignatureFileGUID: file.GUID,
		})
		if err != nil {
			return CustomerOffer{}, err
		}
		err = domain.Audit(ctx, q, caller, "initiateCustomerOffer", "customer_offer", strconv.FormatInt(offer.ID, 10), map[string]any{
			"customerId": customerID, "process": process.Code, "employee": employeeID, "productId": product.Code,
			"pdpaTemplateId": template.ID, "signatureFile": file.GUID, "signatureBytes": len(signature),
		})
		if err != nil {
			return CustomerOffer{}, err
		}
		return customerOfferView(offer, process, template)
	})
}

// CustomerOffer returns a recorded customer offer, for employees.
func (s *Service) CustomerOffer(ctx context.Context, caller domain.Principal, id string) (CustomerOffer, error) {
	if caller.Role != domain.RoleEmployee {
		return CustomerOffer{}, domain.Errorf(domain.CodeForbidden, "only employees read customer offers")
	}
	offer, err := domain.ByID(ctx, id, domain.CodeNotFound, "customer offer", s.Store.CustomerOfferByID)
	if err != nil {
		return CustomerOffer{}, err
	}
	process, err := s.Store.CustomerOfferProcess(ctx, offer.ProcessCode)
	if err != nil {
		return CustomerOffer{}, err
	}
	template, err := s.Store.PDPATemplate(ctx, offer.PDPATemplateID)
	if err != nil {
		return CustomerOffer{}, err
	}
	return customerOfferView(offer, process, template)
}

// CustomerOfferSignature returns the signature image of a consent, for employees.
func (s *Service) CustomerOfferSignature(ctx context.Context, caller domain.Principal, consent PDPAConsent) (store.Blob, error) {
	if caller.Role != domain.RoleEmployee {
		return store.Blob{}, domain.Errorf(domain.CodeForbidden, "only employees read signatures")
	}
	return s.Files.Get(ctx, s.Store.Queries, consent.SignatureFileGUID, 1)
}

// PDPATemplates lists the consent templates, for employees.
func (s *Service) PDPATemplates(ctx context.Context, caller domain.Principal) ([]store.PDPATemplate, error) {
	if caller.Role != domain.RoleEmployee {
		return nil, domain.Errorf(domain.CodeForbidden, "only employees read consent templates")
	}
	return s.Store.PDPATemplates(ctx)
}

func customerOfferView(o store.CustomerOffer, p store.CustomerOfferProcess, t store.PDPATemplate) (CustomerOffer, error) {
	productID, err := strconv.ParseInt(o.ProductCode, 10, 64)
	if err != nil {
		return CustomerOffer{}, fmt.Errorf("customer offer %d: product code %q is not an integer", o.ID, o.ProductCode)
	}
	return CustomerOffer{
		Procedure: CustomerOfferProcedure{
			CustomerID: o.CustomerID, ProcessName: p.Name, ProcessCode: p.Code, EmployeeID: o.EmployeeID,
			OfferID: o.ID, NextTask: o.NextTask,
		},
		Product: CustomerOfferProduct{
			ProductID: productID,
			Amounts:   AmountRange{Min: o.MinAmount, Max: o.MaxAmount},
			Terms:     TermRange{Min: o.MinTermCode, Max: o.MaxTermCode},
		},
		Consent:   PDPAConsent{Template: t, TextSHA256: o.PDPATextSHA256, SignedAt: o.PDPASignedAt, SignatureFileGUID: o.SignatureFileGUID},
		CreatedAt: o.CreatedAt,
	}, nil
}

// termBounds maps a product's term bounds in months to dictionary codes: each bound to the nearest
// coded term inside the product's range (the least rounds up, the greatest down), so the codes never
// promise a term the product does not give. ok is false when no coded term lies in the range.
func termBounds(codes []store.TermCode, minMonths, maxMonths int) (r TermRange, ok bool) {
	for _, c := range codes { // shortest first
		if c.Months < minMonths || c.Months > maxMonths {
			continue
		}
		if r.Min == "" {
			r.Min = c.Code
		}
		r.Max = c.Code
	}
	return r, r.Min != ""
}

// pdpaTemplate finds a consent template by its id, sent as a string.
func pdpaTemplate(ctx context.Context, q store.Queries, id string) (store.PDPATemplate, error) {
	return domain.ByID(ctx, strings.TrimSpace(id), CodePDPATemplateNotFound, "PDPA template", q.PDPATemplate)
}

// positiveInteger reads a required integer id sent as a string, recording what is wrong with it.
func positiveInteger(errs *domain.FieldErrors, field, value string) int64 {
	if !errs.Required(field, value) {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
	if err != nil || n <= 0 {
		errs.Add(field, "must be a positive integer")
		return 0
	}
	return n
}

// readSignature reads the signature image, refusing one over MaxSignatureBytes without reading on.
func readSignature(r io.Reader) ([]byte, error) {
	if r == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxSignatureBytes+1))
	if err != nil {
		return nil, domain.Invalid(domain.FieldErrors{{Field: OfferFieldSignature, Message: "could not be read"}})
	}
	if len(b) > MaxSignatureBytes {
		return nil, &domain.Error{Code: domain.CodeTooLarge, Message: fmt.Sprintf("%s is larger than %d bytes", OfferFieldSignature, MaxSignatureBytes),
			Fields: []domain.FieldError{{Field: OfferFieldSignature, Message: fmt.Sprintf("is larger than %d bytes", MaxSignatureBytes)}}}
	}
	return b, nil
}

// checkSignature accepts a PNG image only, by its bytes, whatever the file is called: the PNG
// signature and a header image/png can read.
func checkSignature(errs *domain.FieldErrors, b []byte) {
	switch {
	case len(b) == 0:
		errs.Add(OfferFieldSignature, "is required: a PNG file part")
	case !bytes.HasPrefix(b, pngMagic):
		errs.Add(OfferFieldSignature, "must be a PNG image")
	default:
		if _, err := png.DecodeConfig(bytes.NewReader(b)); err != nil {
			errs.Add(OfferFieldSignature, "is not a readable PNG image")
		}
	}
}
