package applications

import (
	"fmt"
	"net/mail"
	"regexp"
	"time"

	"github.com/shopspring/decimal"

	"lendgraph/domain"
	"lendgraph/store"
)

func init() {
	// Money travels as JSON numbers (80500.5), as the partner API writes it, never as strings.
	decimal.MarshalJSONWithoutQuotes = true
}

// CreateApplication is a loan application as a partner files it (POST …/applications/create) or
// the mobile app sends it; field names follow the partner API.
type CreateApplication struct {
	ApplicationGUID      string           `json:"application_guid,omitempty"`
	PartnerApplicationID string           `json:"partner_application_id"`
	Mode                 string           `json:"mode"`
	Cart                 Cart             `json:"cart"`
	DownPayment          decimal.Decimal  `json:"down_payment"`
	LoanAmount           decimal.Decimal  `json:"loan_amount"`
	LoanTerm             int              `json:"loan_term"`
	ProductCode          string           `json:"product_code"`
	BranchGUID           string           `json:"branch_guid"`
	EmployeeID           string           `json:"employee_id"`
	Customer             Applicant        `json:"customer"`
	CustomerDocuments    []Document       `json:"customer_documents"`
	CustomerEmployment   Employment       `json:"customer_employment"`
	CustomerContacts     []Contact        `json:"customer_contacts"`
	CustomerDevice       *Device          `json:"customer_device,omitempty"`
	AdditionalData       map[string]any   `json:"additional_data,omitempty"`
	ExtServiceData       []ExtServiceData `json:"ext_service_data,omitempty"`
}

// Cart is what the customer buys.
type Cart struct {
	Items []CartItem `json:"items"`
}

// CartItem is one line of the cart.
type CartItem struct {
	Name      string          `json:"name"`
	Quantity  int             `json:"quantity"`
	Price     decimal.Decimal `json:"price"`
	GoodsType string          `json:"goods_type"`
}

// Applicant is the applicant's personal data.
type Applicant struct {
	FirstName           string           `json:"first_name"`
	LastName            string           `json:"last_name"`
	MiddleName          string           `json:"middle_name,omitempty"`
	Phone               string           `json:"phone"`
	Email               string           `json:"email,omitempty"`
	BirthDate           string           `json:"birth_date"`
	Gender              string           `json:"gender"`
	ActualAddress       string           `json:"actual_address"`
	RegistrationAddress string           `json:"registration_address"`
	RegistrationDate    string           `json:"registration_date"`
	PropertyType        string           `json:"property_type,omitempty"`
	AnotherProperty     string           `json:"another_property,omitempty"`
	MonthlyExpenses     *decimal.Decimal `json:"monthly_expenses,omitempty"`
	ChildrenNumber      *int             `json:"children_number,omitempty"`
	FamilyStatus        string           `json:"family_status,omitempty"`
}

// Document is an identity document of the applicant.
type Document struct {
	Type           string `json:"type"`
	Series         string `json:"series,omitempty"`
	Number         string `json:"number"`
	Issuer         string `json:"issuer,omitempty"`
	Subdivision    string `json:"subdivision,omitempty"`
	IssueDate      string `json:"issue_date,omitempty"`
	ExpirationDate string `json:"expiration_date,omitempty"`
	Birthplace     string `json:"birthplace,omitempty"`
}

// Employment is the applicant's job and income.
type Employment struct {
	PositionType        string           `json:"position_type"`
	Position            string           `json:"position,omitempty"`
	CompanyScope        string           `json:"company_scope,omitempty"`
	CompanyName         string           `json:"company_name,omitempty"`
	Salary              decimal.Decimal  `json:"salary"`
	SalaryCurrency      string           `json:"salary_currency"`
	ExtraSalary         *decimal.Decimal `json:"extra_salary,omitempty"`
	ExtraSalaryCurrency string           `json:"extra_salary_currency,omitempty"`
	WorkExperience      string           `json:"work_experience,omitempty"`
	WorkAddress         string           `json:"work_address,omitempty"`
	WorkPhone           string           `json:"work_phone,omitempty"`
}

// Contact is a person who can be reached about the applicant.
type Contact struct {
	Type        string `json:"type"`
	Owner       string `json:"owner"`
	Contact     string `json:"contact"`
	ContactName string `json:"contact_name,omitempty"`
}

// Device is where the application came from.
type Device struct {
	UserAgent string `json:"user_agent,omitempty"`
	UserIP    string `json:"user_ip,omitempty"`
}

// ExtServiceData is data of an external service, such as an anti-fraud session.
type ExtServiceData struct {
	ServiceType string         `json:"service_type"`
	ServiceData map[string]any `json:"service_data"`
}

var digitsOnly = regexp.MustCompile(`^[0-9]+$`)

// DocumentNumbers are the document types the partner API knows, each with the shape of its
// numbers; leads check theirs by the same shapes.
var DocumentNumbers = map[string]*regexp.Regexp{
	"passport": regexp.MustCompile(`^[0-9]{6}$`),
	"inn":      regexp.MustCompile(`^([0-9]{10}|[0-9]{12})$`),
	"snils":    regexp.MustCompile(`^[0-9]{11}$`),
}

// sumLines is the total of cart lines: price × quantity, summed.
func sumLines[T any](lines []T, line func(T) (price decimal.Decimal, quantity int)) decimal.Decimal {
	total := decimal.Zero
	for _, l := range lines {
		price, quantity := line(l)
		total = total.Add(price.Mul(decimal.NewFromInt(int64(quantity))))
	}
	return total
}

// ParseConfirmDate reads the partner's confirm_date: an RFC 3339 date-time or a plain date.
func ParseConfirmDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, domain.Invalid([]domain.FieldError{{Field: "confirm_date", Message: "is required"}})
	}
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, domain.Invalid([]domain.FieldError{{Field: "confirm_date", Message: "must be a date-time (RFC 3339) or a date YYYY-MM-DD"}})
}

// validate checks a create request's values against the field rules and the product. It returns
// every problem, not only the first.
func (c *CreateApplication) validate(product *store.LoanProduct, now time.Time) domain.FieldErrors {
	var errs domain.FieldErrors
	errs.UUID("application_guid", c.ApplicationGUID, false)
	errs.Required("partner_application_id", c.PartnerApplicationID)
	errs.Required("mode", c.Mode)
	errs.UUID("branch_guid", c.BranchGUID, true)
	errs.Required("employee_id", c.EmployeeID)
	c.checkLoan(&errs, product)
	c.checkApplicant(&errs, now)
	c.checkDocuments(&errs, now)
	c.checkEmploymentAndContacts(&errs)
	return errs
}

// checkLoan checks the cart and the loan asked for against it and the product.
func (c *CreateApplication) checkLoan(errs *domain.FieldErrors, product *store.LoanProduct) {
	if len(c.Cart.Items) == 0 {
		errs.Add("cart.items", "must have at least one item")
	}
	for i, it := range c.Cart.Items {
		p := fmt.Sprintf("cart.items[%d].", i)
		errs.Required(p+"name", it.Name)
		errs.Required(p+"goods_type", it.GoodsType)
		if it.Quantity < 1 {
			errs.Add(p+"quantity", "must be ≥ 1")
		}
		errs.Money(p+"price", it.Price)
	}
	total := sumLines(c.Cart.Items, func(it CartItem) (decimal.Decimal, int) { return it.Price, it.Quantity })
	errs.Money("down_payment", c.DownPayment)
	errs.Money("loan_amount", c.LoanAmount)
	if !c.LoanAmount.IsPositive() {
		errs.Add("loan_amount", "must be > 0")
	} else if len(c.Cart.Items) > 0 && c.LoanAmount.GreaterThan(total.Sub(c.DownPayment)) {
		errs.Add("loan_amount", "must not exceed the cart total %s less the down payment %s", total.StringFixed(2), c.DownPayment.StringFixed(2))
	}

	switch {
	case c.ProductCode == "":
		errs.Add("product_code", "is required")
	case product == nil:
		errs.Add("product_code", "unknown product %q", c.ProductCode)
	default:
		if c.LoanTerm < product.MinTerm || c.LoanTerm > product.MaxTerm {
			errs.Add("loan_term", "must be between %d and %d for product %s", product.MinTerm, product.MaxTerm, product.Code)
		}
		if c.LoanAmount.IsPositive() && (c.LoanAmount.LessThan(product.MinAmount) || c.LoanAmount.GreaterThan(product.MaxAmount)) {
			errs.Add("loan_amount", "must be between %s and %s for product %s", product.MinAmount.StringFixed(2), product.MaxAmount.StringFixed(2), product.Code)
		}
	}
}

// checkApplicant checks the questionnaire of the person who applies.
func (c *CreateApplication) checkApplicant(errs *domain.FieldErrors, now time.Time) {
	a := c.Customer
	errs.Required("customer.first_name", a.FirstName)
	errs.Required("customer.last_name", a.LastName)
	if errs.Required("customer.phone", a.Phone) {
		if _, err := domain.NormalizePhone(a.Phone); err != nil {
			errs.Add("customer.phone", "%s", domain.ErrorMessage(err))
		}
	}
	if a.Email != "" {
		if addr, err := mail.ParseAddress(a.Email); err != nil || addr.Address != a.Email {
			errs.Add("customer.email", "must be an e-mail address")
		}
	}
	if birth, ok := errs.Date("customer.birth_date", a.BirthDate, true); ok && !birth.Before(now) {
		errs.Add("customer.birth_date", "must be in the past")
	}
	errs.Required("customer.gender", a.Gender)
	errs.Required("customer.actual_address", a.ActualAddress)
	errs.Required("customer.registration_address", a.RegistrationAddress)
	errs.Date("customer.registration_date", a.RegistrationDate, true)
	if a.MonthlyExpenses != nil {
		errs.Money("customer.monthly_expenses", *a.MonthlyExpenses)
	}
	if a.ChildrenNumber != nil && *a.ChildrenNumber < 0 {
		errs.Add("customer.children_number", "must be ≥ 0")
	}
}

// checkDocuments checks the applicant's documents by their types' shapes.
func (c *CreateApplication) checkDocuments(errs *domain.FieldErrors, now time.Time) {
	if len(c.CustomerDocuments) == 0 {
		errs.Add("customer_documents", "must have at least one document")
	}
	for i, d := range c.CustomerDocuments {
		p := fmt.Sprintf("customer_documents[%d].", i)
		if _, known := DocumentNumbers[d.Type]; !known {
			errs.Add(p+"type", "must be passport, inn or snils")
			continue
		}
		if errs.Required(p+"number", d.Number) && !DocumentNumbers[d.Type].MatchString(d.Number) {
			errs.Add(p+"number", "is not a valid %s number", d.Type)
		}
		if d.Type != "passport" {
			continue
		}
		// the passport carries its issue data; inn and snils are numbers only
		if d.Series != "" && (len(d.Series) != 4 || !digitsOnly.MatchString(d.Series)) {
			errs.Add(p+"series", "must be 4 digits")
		}
		errs.Required(p+"birthplace", d.Birthplace)
		if issued, ok := errs.Date(p+"issue_date", d.IssueDate, true); ok && issued.After(now) {
			errs.Add(p+"issue_date", "must not be in the future")
		}
		errs.Date(p+"expiration_date", d.ExpirationDate, false)
	}
}

// checkEmploymentAndContacts checks employment, contacts and the external services' data.
func (c *CreateApplication) checkEmploymentAndContacts(errs *domain.FieldErrors) {
	e := c.CustomerEmployment
	errs.Required("customer_employment.position_type", e.PositionType)
	errs.Money("customer_employment.salary", e.Salary)
	errs.Required("customer_employment.salary_currency", e.SalaryCurrency)
	if e.ExtraSalary != nil {
		errs.Money("customer_employment.extra_salary", *e.ExtraSalary)
	}

	if len(c.CustomerContacts) == 0 {
		errs.Add("customer_contacts", "must have at least one contact")
	}
	for i, ct := range c.CustomerContacts {
		p := fmt.Sprintf("customer_contacts[%d].", i)
		errs.Required(p+"type", ct.Type)
		errs.Required(p+"owner", ct.Owner)
		errs.Required(p+"contact", ct.Contact)
	}
	for i, x := range c.ExtServiceData {
		errs.Required(fmt.Sprintf("ext_service_data[%d].service_type", i), x.ServiceType)
		if x.ServiceData == nil {
			errs.Add(fmt.Sprintf("ext_service_data[%d].service_data", i), "is required")
		}
	}
}
