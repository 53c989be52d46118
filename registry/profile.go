package registry

import (
	"context"
	"errors"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"lendgraph/domain"
	"lendgraph/store"
)

// More registry error codes (spec: customer-registry-service).
const (
	CodeAddressNotFound                   domain.Code = "ADDRESS_NOT_FOUND"
	CodeCustomerAlreadyExists             domain.Code = "CUSTOMER_ALREADY_EXISTS"
	CodeInputParametersAreEmpty           domain.Code = "INPUT_PARAMETERS_ARE_EMPTY"
	CodeCardNotFound                      domain.Code = "CARD_NOT_FOUND"
	CodeEmploymentForCustomerAlreadyExist domain.Code = "EMPLOYMENT_FOR_CUSTOMER_ALREADY_EXIST"
	CodeEmploymentNotFound                domain.Code = "EMPLOYMENT_NOT_FOUND"
)

// CustomerInput is a customer's personal data as the back office enters it. On a patch, nil fields
// stay as they are; Version, when given, must be the customer's current version.
type CustomerInput struct {
	Phone          *string        `json:"phone,omitempty"`
	FirstName      *string        `json:"firstName,omitempty"`
	MiddleName     *string        `json:"middleName,omitempty"`
	LastName       *string        `json:"lastName,omitempty"`
	Gender         *string        `json:"gender,omitempty"`
	BirthDate      *string        `json:"birthDate,omitempty"`
	Email          *string        `json:"email,omitempty"`
	AdditionalData map[string]any `json:"additionalData,omitempty"`
	Version        *int           `json:"version,omitempty"`
}

// apply checks the input and writes it over c.
func (in CustomerInput) apply(c store.Customer, now time.Time) (store.Customer, error) {
	var errs domain.FieldErrors
	if in.Gender != nil && *in.Gender != "MALE" && *in.Gender != "FEMALE" {
		errs.Add("gender", "must be MALE or FEMALE")
	}
	if in.BirthDate != nil {
		if d, ok := errs.Date("birthDate", *in.BirthDate, true); ok {
			if !d.Before(now) {
				errs.Add("birthDate", "must be in the past")
			}
			c.BirthDate = &d
		}
	}
	if in.Email != nil {
		if addr, err := mail.ParseAddress(*in.Email); err != nil || addr.Address != *in.Email {
			errs.Add("email", "must be an e-mail address")
		}
		c.Email = in.Email
	}
	for field, v := range map[string]*string{"firstName": in.FirstName, "middleName": in.MiddleName, "lastName": in.LastName} {
		if v != nil && strings.TrimSpace(*v) != *v {
			errs.Add(field, "must not start or end with spaces")
		}
	}
	if len(errs) > 0 {
		return c, domain.Invalid(errs)
	}
	for dst, v := range map[**string]*string{&c.FirstName: in.FirstName, &c.MiddleName: in.MiddleName, &c.LastName: in.LastName, &c.Gender: in.Gender} {
		if v != nil {
			*dst = domain.NonEmpty(*v)
		}
	}
	if in.AdditionalData != nil {
		data, err := jsonObject(in.AdditionalData)
		if err != nil {
			return c, err
		}
		c.AdditionalData = data
	}
	return c, nil
}

// CreateCustomer registers a customer by phone (their login).
func (s *Service) CreateCustomer(ctx context.Context, caller domain.Principal, in CustomerInput) (store.Customer, error) {
	phone, err := domain.NormalizePhone(domain.Deref(in.Phone))
	if err != nil {
		return store.Customer{}, domain.Invalid([]domain.FieldError{{Field: "phone", Message: domain.ErrorMessage(err)}})
	}
	c, err := in.apply(store.Customer{Phone: phone, AdditionalData: []byte(`{}`)}, s.Now())
	if err != nil {
		return c, err
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.Customer, error) {
		out, ok, err := q.InsertCustomer(ctx, c)
		if err == nil && !ok {
			err = domain.Errorf(CodeCustomerAlreadyExists, "a customer with phone %s exists", domain.MaskPhone(phone))
		}
		if err == nil {
			err = domain.Audit(ctx, q, caller, "createCustomer", "customer", out.GUID, in)
		}
		return out, err
	})
}

// PatchCustomer changes the given fields of a customer's personal data.
func (s *Service) PatchCustomer(ctx context.Context, caller domain.Principal, guid string, in CustomerInput) (store.Customer, error) {
	if in.Phone != nil {
		return store.Customer{}, domain.Invalid([]domain.FieldError{{Field: "phone", Message: "is the customer's login and cannot change here"}})
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.Customer, error) {
		current, err := domain.ByGUID(ctx, guid, CodeCustomerNotFound, "customer", q.LockCustomer)
		if err != nil {
			return current, err
		}
		if in.Version != nil && *in.Version != current.Version {
			return current, domain.Errorf(domain.CodeConflict, "customer changed meanwhile: version %d, not %d", current.Version, *in.Version)
		}
		c, err := in.apply(current, s.Now())
		if err != nil {
			return c, err
		}
		out, err := q.UpdateCustomer(ctx, c)
		if err == nil {
			err = domain.Audit(ctx, q, caller, "patchCustomer", "customer", out.GUID, in)
		}
		return out, err
	})
}

// SearchCustomers finds customers by personal data, contacts and documents, for the back office.
// It needs at least one criterion.
func (s *Service) SearchCustomers(ctx context.Context, caller domain.Principal, m store.CustomerMatch, afterID int64, first int) ([]store.Customer, bool, error) {
	if caller.Role != domain.RoleEmployee {
		return nil, false, domain.Errorf(domain.CodeForbidden, "only employees search customers")
	}
	if err := domain.PageSize(first); err != nil {
		return nil, false, err
	}
	m = trimmed(m)
	if m == (store.CustomerMatch{}) {
		return nil, false, domain.Errorf(CodeInputParametersAreEmpty, "give at least one search criterion")
	}
	if m.Phone != "" {
		phone, err := domain.NormalizePhone(m.Phone)
		if err != nil {
			return nil, false, domain.Invalid([]domain.FieldError{{Field: "phone", Message: domain.ErrorMessage(err)}})
		}
		m.Phone = phone
	}
	cs, err := s.MatchCustomers(ctx, s.Store.Queries, m, afterID, first+1)
	if err != nil {
		return nil, false, err
	}
	if len(cs) > first {
		return cs[:first], true, nil
	}
	return cs, false, nil
}

// MatchCustomers is the one matching rule of the registry: the back office's searches and the
// application lifecycle's "find or create the customer" both go through it.
func (s *Service) MatchCustomers(ctx context.Context, q store.Queries, m store.CustomerMatch, afterID int64, limit int) ([]store.Customer, error) {
	return q.MatchCustomers(ctx, trimmed(m), afterID, limit)
}

// trimmed drops the spaces around every text criterion, so that a blank one is no criterion.
func trimmed(m store.CustomerMatch) store.CustomerMatch {
	for _, f := range []*string{&m.FirstName, &m.MiddleName, &m.LastName, &m.Phone, &m.Email, &m.INN, &m.PassportSeries, &m.PassportNumber} {
		*f = strings.TrimSpace(*f)
	}
	return m
}

// AddAddress gives a customer an address; a primary (registration) address makes the others
// secondary.
func (s *Service) AddAddress(ctx context.Context, caller domain.Principal, customerGUID string, isPrimary bool, data map[string]any) (store.Address, error) {
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.Address, error) {
		c, err := FindCustomer(ctx, q, customerGUID)
		if err != nil {
			return store.Address{}, err
		}
		body, err := jsonObject(data)
		if err != nil {
			return store.Address{}, err
		}
		a, err := q.InsertAddress(ctx, store.Address{CustomerID: c.ID, IsPrimary: isPrimary, Data: body})
		if err == nil {
			err = domain.Audit(ctx, q, caller, "addAddress", "address", a.GUID, map[string]any{"customer": customerGUID, "isPrimary": isPrimary, "data": data})
		}
		return a, err
	})
}

// UpdateAddress replaces an address's data.
func (s *Service) UpdateAddress(ctx context.Context, caller domain.Principal, guid string, data map[string]any) (store.Address, error) {
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.Address, error) {
		if !domain.ValidUUID(guid) {
			return store.Address{}, domain.Errorf(CodeAddressNotFound, "address %s not found", guid)
		}
		body, err := jsonObject(data)
		if err != nil {
			return store.Address{}, err
		}
		a, err := q.UpdateAddressData(ctx, guid, body)
		if errors.Is(err, store.ErrNotFound) {
			return a, domain.Errorf(CodeAddressNotFound, "address %s not found", guid)
		}
		if err == nil {
			err = domain.Audit(ctx, q, caller, "updateAddress", "address", a.GUID, data)
		}
		return a, err
	})
}

// ContactInput is a way to reach a customer.
type ContactInput struct {
	Type           string         `json:"type"`
	Owner          string         `json:"owner"`
	Value          string         `json:"value"`
	IsActive       bool           `json:"isActive"`
	IsPrimary      bool           `json:"isPrimary"`
	AdditionalData map[string]any `json:"additionalData,omitempty"`
}

// AddContact gives a customer a phone or e-mail contact; phones are stored normalized.
func (s *Service) AddContact(ctx context.Context, caller domain.Principal, customerGUID string, in ContactInput) (store.Contact, error) {
	var errs domain.FieldErrors
	errs.Required("owner", in.Owner)
	switch in.Type {
	case "PHONE":
		phone, err := domain.NormalizePhone(in.Value)
		if err != nil {
			errs.Add("value", "%s", domain.ErrorMessage(err))
		}
		in.Value = phone
	case "EMAIL":
		if addr, err := mail.ParseAddress(in.Value); err != nil || addr.Address != in.Value {
			errs.Add("value", "must be an e-mail address")
		}
	default:
		errs.Add("type", "must be PHONE or EMAIL")
	}
	if len(errs) > 0 {
		return store.Contact{}, domain.Invalid(errs)
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.Contact, error) {
		c, err := FindCustomer(ctx, q, customerGUID)
		if err != nil {
			return store.Contact{}, err
		}
		data, err := jsonObject(in.AdditionalData)
		if err != nil {
			return store.Contact{}, err
		}
		out, err := q.InsertContact(ctx, store.Contact{CustomerID: c.ID, Type: in.Type, Owner: in.Owner, Contact: in.Value,
			IsActive: in.IsActive, IsPrimary: in.IsPrimary, AdditionalData: data})
		if err == nil {
			err = domain.Audit(ctx, q, caller, "addContact", "contact", out.GUID, in)
		}
		return out, err
	})
}

// CardInput is a card as the payment module reports it once bound: masked data only.
type CardInput struct {
	NameOnCard      *string `json:"nameOnCard,omitempty"`
	BIN             *string `json:"bin,omitempty"`
	LastFourDigits  *string `json:"lastFourDigits,omitempty"`
	Type            *string `json:"type,omitempty"`
	BankName        *string `json:"bankName,omitempty"`
	ExpirationMonth *string `json:"expirationMonth,omitempty"`
	ExpirationYear  *string `json:"expirationYear,omitempty"`
}

// cardFields are the shapes of a card's masked data.
var cardFields = []struct {
	field, message string
	pattern        *regexp.Regexp
	value          func(CardInput) *string
}{
	{"bin", "must be 6 to 8 digits", regexp.MustCompile(`^[0-9]{6,8}$`), func(c CardInput) *string { return c.BIN }},
	{"lastFourDigits", "must be 4 digits", regexp.MustCompile(`^[0-9]{4}$`), func(c CardInput) *string { return c.LastFourDigits }},
	{"expirationMonth", "must be a month 1 to 12", regexp.MustCompile(`^([1-9]|0[1-9]|1[0-2])$`), func(c CardInput) *string { return c.ExpirationMonth }},
	{"expirationYear", "must be a year YYYY", regexp.MustCompile(`^[0-9]{4}$`), func(c CardInput) *string { return c.ExpirationYear }},
}

// CheckCardShapes checks the masked data of a card against cardFields; name turns a card field
// into the field the caller sent it as.
func CheckCardShapes(f *domain.FieldErrors, in CardInput, name func(field string) string) {
	for _, c := range cardFields {
		if v := c.value(in); v != nil && !c.pattern.MatchString(*v) {
			f.Add(name(c.field), "%s", c.message)
		}
	}
}

// CreateCard stores a customer's card. A field that carries what looks like a full card number is
// refused before anything is written or logged.
func (s *Service) CreateCard(ctx context.Context, caller domain.Principal, customerGUID string, in CardInput) (store.Card, error) {
	var errs domain.FieldErrors
	errs.NoCardNumber("", map[string]*string{"nameOnCard": in.NameOnCard, "type": in.Type, "bankName": in.BankName, "bin": in.BIN, "lastFourDigits": in.LastFourDigits})
	CheckCardShapes(&errs, in, func(field string) string { return field })
	if len(errs) > 0 {
		return store.Card{}, domain.Invalid(errs)
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.Card, error) {
		c, err := FindCustomer(ctx, q, customerGUID)
		if err != nil {
			return store.Card{}, err
		}
		out, err := q.InsertCard(ctx, store.Card{CustomerID: c.ID, NameOnCard: in.NameOnCard, BIN: in.BIN, LastFourDigits: in.LastFourDigits,
			Type: in.Type, BankName: in.BankName, ExpirationMonth: in.ExpirationMonth, ExpirationYear: in.ExpirationYear})
		if err == nil {
			err = domain.Audit(ctx, q, caller, "createCard", "card", out.GUID, in)
		}
		return out, err
	})
}

// SetCardActive turns a card on or off.
func (s *Service) SetCardActive(ctx context.Context, caller domain.Principal, guid string, active bool) (store.Card, error) {
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.Card, error) {
		c, err := lockCard(ctx, q, guid)
		if err != nil {
			return c, err
		}
		if c, err = q.SetCardActive(ctx, c.ID, active); err == nil {
			err = domain.Audit(ctx, q, caller, "setCardActive", "card", c.GUID, map[string]bool{"isActive": active})
		}
		return c, err
	})
}

// PutCardIntegration records the card's id at an external provider.
func (s *Service) PutCardIntegration(ctx context.Context, caller domain.Principal, cardGUID, integrationCode, externalID string) (store.CardIntegration, error) {
	var errs domain.FieldErrors
	errs.Required("integrationCode", integrationCode)
	errs.Required("externalCardUniqueId", externalID)
	if len(errs) > 0 {
		return store.CardIntegration{}, domain.Invalid(errs)
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.CardIntegration, error) {
		c, err := lockCard(ctx, q, cardGUID)
		if err != nil {
			return store.CardIntegration{}, err
		}
		out, err := q.PutCardIntegration(ctx, store.CardIntegration{CardID: c.ID, IntegrationCode: integrationCode, ExternalCardUniqueID: externalID, IsActive: true})
		if err == nil {
			err = domain.Audit(ctx, q, caller, "putCardIntegration", "card", c.GUID, map[string]string{"integrationCode": integrationCode, "externalCardUniqueId": externalID})
		}
		return out, err
	})
}

func lockCard(ctx context.Context, q store.Queries, guid string) (store.Card, error) {
	return domain.ByGUID(ctx, guid, CodeCardNotFound, "card", q.LockCard)
}

// EmploymentInput is a customer's work and income.
type EmploymentInput struct {
	Position                *string          `json:"position,omitempty"`
	PositionType            string           `json:"positionType"`
	CompanyName             *string          `json:"companyName,omitempty"`
	CompanyScope            string           `json:"companyScope"`
	Salary                  decimal.Decimal  `json:"salary"`
	SalaryCurrency          string           `json:"salaryCurrency"`
	ExtraSalary             *decimal.Decimal `json:"extraSalary,omitempty"`
	ExtraSalaryCurrency     *string          `json:"extraSalaryCurrency,omitempty"`
	CurrentPositionDuration *string          `json:"currentPositionDuration,omitempty"`
	AdditionalData          map[string]any   `json:"additionalData,omitempty"`
	SourceID                *string          `json:"sourceId,omitempty"`
	SourceName              *string          `json:"sourceName,omitempty"`
}

func (in EmploymentInput) apply(e store.Employment) (store.Employment, error) {
	var errs domain.FieldErrors
	errs.Required("positionType", in.PositionType)
	errs.Required("companyScope", in.CompanyScope)
	errs.Money("salary", in.Salary)
	if !domain.CurrencyCode.MatchString(in.SalaryCurrency) {
		errs.Add("salaryCurrency", "must be a currency code such as RUB")
	}
	if in.ExtraSalary != nil {
		errs.Money("extraSalary", *in.ExtraSalary)
	}
	if in.ExtraSalaryCurrency != nil && !domain.CurrencyCode.MatchString(*in.ExtraSalaryCurrency) {
		errs.Add("extraSalaryCurrency", "must be a currency code such as RUB")
	}
	if len(errs) > 0 {
		return e, domain.Invalid(errs)
	}
	data, err := jsonObject(in.AdditionalData)
	if err != nil {
		return e, err
	}
	e.Position, e.PositionType, e.CompanyName, e.CompanyScope = in.Position, in.PositionType, in.CompanyName, in.CompanyScope
	e.Salary, e.SalaryCurrency, e.ExtraSalary, e.ExtraSalaryCurrency = in.Salary, in.SalaryCurrency, in.ExtraSalary, in.ExtraSalaryCurrency
	e.CurrentPositionDuration, e.AdditionalData, e.SourceID, e.SourceName = in.CurrentPositionDuration, data, in.SourceID, in.SourceName
	return e, nil
}

// AddEmployment records a customer's employment; a customer has one at most.
func (s *Service) AddEmployment(ctx context.Context, caller domain.Principal, customerGUID string, in EmploymentInput) (store.Employment, error) {
	e, err := in.apply(store.Employment{})
	if err != nil {
		return e, err
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.Employment, error) {
		c, err := FindCustomer(ctx, q, customerGUID)
		if err != nil {
			return store.Employment{}, err
		}
		e.CustomerID = c.ID
		out, ok, err := q.InsertEmployment(ctx, e)
		if err == nil && !ok {
			err = domain.Errorf(CodeEmploymentForCustomerAlreadyExist, "customer %s already has an employment", customerGUID)
		}
		if err == nil {
			err = domain.Audit(ctx, q, caller, "addEmployment", "employment", out.GUID, in)
		}
		return out, err
	})
}

// UpdateEmployment replaces an employment's data.
func (s *Service) UpdateEmployment(ctx context.Context, caller domain.Principal, guid string, in EmploymentInput) (store.Employment, error) {
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.Employment, error) {
		current, err := domain.ByGUID(ctx, guid, CodeEmploymentNotFound, "employment", q.LockEmployment)
		if err != nil {
			return current, err
		}
		e, err := in.apply(current)
		if err != nil {
			return e, err
		}
		out, err := q.UpdateEmployment(ctx, e)
		if err == nil {
			err = domain.Audit(ctx, q, caller, "updateEmployment", "employment", out.GUID, in)
		}
		return out, err
	})
}
