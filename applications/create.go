package applications

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"lendgraph/domain"
	"lendgraph/store"
)

// Job kinds.
const (
	jobProcess = "process" // customer, questionnaire, scoring, offers
	jobTimeout = "timeout" // cancel an application left unfinished
	jobAccrue  = "ACCRUE"  // accrue a day on every loan, then queue the next day
)

// CreatePartnerApplication files a partner's application and starts processing it. Repeating a
// create with the same application_guid (or partner_application_id) and the same body answers the
// same application; the same identifiers with another body are a CONFLICT.
func (s *Service) CreatePartnerApplication(ctx context.Context, caller domain.Principal, req CreateApplication) (store.Application, error) {
	if caller.Role != domain.RolePartner {
		return store.Application{}, domain.Errorf(domain.CodeForbidden, "only partners file applications this way")
	}
	partner, err := s.Store.PartnerByName(ctx, caller.Partner)
	if errors.Is(err, store.ErrNotFound) {
		return store.Application{}, domain.Errorf(domain.CodeForbidden, "unknown partner %q", caller.Partner)
	}
	if err != nil {
		return store.Application{}, err
	}
	product, err := s.Loans.Product(ctx, req.ProductCode)
	if err != nil {
		return store.Application{}, err
	}
	if errs := req.validate(product, s.Now()); len(errs) > 0 {
		return store.Application{}, domain.Invalid(errs)
	}
	phone, _ := domain.NormalizePhone(req.Customer.Phone)
	if _, err := s.applicantCustomer(ctx, s.Store.Queries, phone, req.Customer, req.CustomerDocuments); err != nil {
		return store.Application{}, err
	}
	body, hash, err := canonical(req)
	if err != nil {
		return store.Application{}, err
	}
	guid := req.ApplicationGUID
	if guid == "" {
		guid = uuid.NewString()
	}
	app := store.Application{
		GUID: guid, Channel: "PARTNER", PartnerID: &partner.ID, PartnerApplicationID: &req.PartnerApplicationID,
		Phone: phone, Status: string(StatusProcessing), ProductCode: req.ProductCode, Mode: req.Mode,
		LoanAmount: req.LoanAmount, DownPayment: req.DownPayment, LoanTerm: req.LoanTerm,
		BranchGUID: &req.BranchGUID, EmployeeID: &req.EmployeeID, Request: body, RequestHash: hash,
	}
	var cart []store.CartItem
	for i, it := range req.Cart.Items {
		cart = append(cart, store.CartItem{LineNo: i + 1, Name: it.Name, Quantity: it.Quantity, Price: it.Price, GoodsType: it.GoodsType})
	}
	return s.file(ctx, caller, app, cart, func(q store.Queries) (store.Application, error) {
		existing, err := q.ApplicationByGUID(ctx, guid)
		if errors.Is(err, store.ErrNotFound) {
			existing, err = q.ApplicationByPartnerRef(ctx, partner.ID, req.PartnerApplicationID)
		}
		if err != nil {
			return store.Application{}, err
		}
		if existing.PartnerID == nil || *existing.PartnerID != partner.ID || !bytes.Equal(existing.RequestHash, hash) {
			return store.Application{}, domain.Errorf(domain.CodeConflict, "application_guid or partner_application_id already used for a different application")
		}
		return existing, nil
	})
}

// ApplyForLoan files a customer's own application from the mobile app: the amount, term and
// product; it goes through the same lifecycle as a partner's.
func (s *Service) ApplyForLoan(ctx context.Context, caller domain.Principal, amount decimal.Decimal, term int, productCode string) (store.Application, error) {
	if caller.Role != domain.RoleCustomer {
		return store.Application{}, domain.Errorf(domain.CodeForbidden, "only customers apply for themselves")
	}
	customer, err := s.Registry.Customer(ctx, caller.Subject)
	if err != nil {
		return store.Application{}, err
	}
	product, err := s.Loans.Product(ctx, productCode)
	if err != nil {
		return store.Application{}, err
	}
	var errs domain.FieldErrors
	errs.Money("amount", amount)
	switch {
	case product == nil:
		errs.Add("product", "unknown product %q", productCode)
	default:
		if amount.LessThan(product.MinAmount) || amount.GreaterThan(product.MaxAmount) {
			errs.Add("amount", "must be between %s and %s for product %s", product.MinAmount.StringFixed(2), product.MaxAmount.StringFixed(2), product.Code)
		}
		if term < product.MinTerm || term > product.MaxTerm {
			errs.Add("term", "must be between %d and %d for product %s", product.MinTerm, product.MaxTerm, product.Code)
		}
	}
	if len(errs) > 0 {
		return store.Application{}, domain.Invalid(errs)
	}
	body, hash, err := canonical(map[string]any{"amount": amount, "term": term, "product_code": productCode})
	if err != nil {
		return store.Application{}, err
	}
	app := store.Application{
		GUID: uuid.NewString(), Channel: "MOBILE", CustomerID: &customer.ID, Phone: customer.Phone,
		Status: string(StatusProcessing), ProductCode: productCode, Mode: "mobile",
		LoanAmount: amount, LoanTerm: term, Request: body, RequestHash: hash,
	}
	return s.file(ctx, caller, app, nil, nil)
}

// file stores a new application with its cart, its first event and its jobs. When the application
// exists already, existing decides what the caller is answered.
func (s *Service) file(ctx context.Context, caller domain.Principal, app store.Application, cart []store.CartItem, existing func(store.Queries) (store.Application, error)) (store.Application, error) {
	var out store.Application
	err := s.Store.Tx(ctx, func(q store.Queries) error {
		now := s.Now()
		created, ok, err := q.FileApplication(ctx, app, cart, []string{jobProcess, jobTimeout}, []time.Time{now, now.Add(s.ApplicationTimeout)})
		if err != nil {
			return err
		}
		if !ok {
			if existing == nil {
				return domain.Errorf(domain.CodeConflict, "application %s exists", app.GUID)
			}
			out, err = existing(q)
			return err
		}
		out = created
		return s.record(ctx, q, &store.OwnedApplication{Application: out}, domain.ActorOf(caller))
	})
	if err == nil {
		s.wakeWorker()
	}
	return out, err
}

// canonical is a request as stored and its hash: the JSON of the decoded request, so that key order
// and spacing do not make two equal requests differ. The application guid is left out: a repeat
// without it is recognised by the partner's own id.
func canonical(v any) (json.RawMessage, []byte, error) {
	if req, ok := v.(CreateApplication); ok {
		req.ApplicationGUID = ""
		v = req
	}
	body, err := json.Marshal(v)
	if err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(body)
	return body, sum[:], nil
}
