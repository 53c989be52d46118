package leads

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"lendgraph/applications"
	"lendgraph/domain"
	"lendgraph/registry"
	"lendgraph/scoring"
	"lendgraph/store"
)

// Lead is a lead as its sender writes it (seed 003, PUT /bs-core/main/leads/{id}): the whole lead,
// replaced on every save. The core's own fields, clientId and denialReasonId, are not the sender's
// to set: sent, they are ignored.
type Lead struct {
	ID          *int64           `json:"id,omitempty"` // when sent, the id of the path
	Channel     string           `json:"channel"`
	FirstName   string           `json:"firstName"`
	LastName    string           `json:"lastName"`
	Patronymic  string           `json:"patronymic"`
	MobilePhone string           `json:"mobilePhone"`
	Email       string           `json:"email,omitempty"`
	ManagerID   *int64           `json:"managerId,omitempty"`
	Amount      *decimal.Decimal `json:"amount"`
	// CardCVC is refused when sent: a card's security code is never taken.
	CardCVC   string         `json:"cardCvc,omitempty"`
	Passport  *LeadPassport  `json:"passport,omitempty"`
	Relatives []LeadRelative `json:"relatives,omitempty"`
	Goods     []LeadGood     `json:"goods,omitempty"`
	LeadAddresses
	LeadFinances
	LeadCard
	LeadDetails
}

// LeadPassport is a passport of the lead's person or of a relative.
type LeadPassport struct {
	ID                     *int64 `json:"id,omitempty"`
	Seria                  string `json:"seria"`
	No                     string `json:"no"`
	IssueDate              string `json:"issueDate,omitempty"`
	Manager                string `json:"manager,omitempty"` // who issued it
	SubdivisionCode        string `json:"subdivisionCode,omitempty"`
	CloseDate              string `json:"closeDate,omitempty"`
	ExtraNumber            string `json:"extraNumber,omitempty"`
	ComplementaryDocTypeID *int64 `json:"complementaryDocTypeId,omitempty"`
}

// LeadAddresses are where the lead's person lives and is registered.
type LeadAddresses struct {
	AddressData             *LeadAddress  `json:"addressData,omitempty"`
	RegistrationAddressData *LeadAddress  `json:"registrationAddressData,omitempty"`
	Addresses               []LeadAddress `json:"addresses,omitempty"`
}

// LeadAddress is an address with its FIAS (the federal address register) data.
type LeadAddress struct {
	ID              *int64         `json:"id,omitempty"`
	CountryID       *int64         `json:"countryId,omitempty"`
	PostalCode      string         `json:"postalCode,omitempty"`
	RegionName      string         `json:"regionName,omitempty"`
	LocalityName    string         `json:"localityName,omitempty"`
	StreetName      string         `json:"streetName,omitempty"`
	HouseNo         string         `json:"houseNo,omitempty"`
	BuildingNo      string         `json:"buildingNo,omitempty"`
	BlockNo         string         `json:"blockNo,omitempty"`
	ApartmentNo     string         `json:"apartmentNo,omitempty"`
	FullAddressText string         `json:"fullAddressText,omitempty"`
	OldAddressText  string         `json:"oldAddressText,omitempty"`
	FiasID          string         `json:"fiasId,omitempty"`
	FiasChain       *LeadFiasChain `json:"fiasChain,omitempty"`
	FiasChainText   string         `json:"fiasChainText,omitempty"`
	HousingType     string         `json:"housingType,omitempty"`
	MetroStation    string         `json:"metroStation,omitempty"`
	Telephone       string         `json:"telephone,omitempty"`
	TimeZone        string         `json:"timeZone,omitempty"`
	RegDate         string         `json:"regDate,omitempty"`
	Attributes      map[string]any `json:"attributes,omitempty"` // name → text
	Position        *int           `json:"position,omitempty"`   // of an address in the list: 0…255
	PurposeID       *int64         `json:"purposeId,omitempty"`
}

// LeadFiasChain is an address object of FIAS with the objects it lies in.
type LeadFiasChain struct {
	ID         string          `json:"id,omitempty"`
	Level      *int            `json:"level,omitempty"`
	Name       string          `json:"name,omitempty"`
	Type       string          `json:"type,omitempty"`
	Settlement *bool           `json:"settlement,omitempty"`
	Parents    []LeadFiasChain `json:"parents,omitempty"`
}

// LeadRelative is a relative or another contact person of the lead.
type LeadRelative struct {
	ID              *int64        `json:"id,omitempty"`
	FirstName       string        `json:"firstName,omitempty"`
	LastName        string        `json:"lastName,omitempty"`
	Patronymic      string        `json:"patronymic,omitempty"`
	BirthDate       string        `json:"birthDate,omitempty"`
	Address         string        `json:"address,omitempty"`
	Email           string        `json:"email,omitempty"`
	Telephone       string        `json:"telephone,omitempty"`
	WorkPlace       string        `json:"workPlace,omitempty"`
	Comments        string        `json:"comments,omitempty"`
	RNN             string        `json:"rnn,omitempty"`
	Passport        *LeadPassport `json:"passport,omitempty"`
	CollateralRelID *int64        `json:"collateralRelId,omitempty"`
	Resident        *bool         `json:"resident,omitempty"`
	Verified        *bool         `json:"verified,omitempty"`
}

// LeadGood is a line of what the lead's person wants to buy: amount is its price, per piece.
type LeadGood struct {
	ID          *int64          `json:"id,omitempty"`
	Name        string          `json:"name"`
	Article     string          `json:"article,omitempty"`
	Description string          `json:"description,omitempty"`
	Quantity    int             `json:"quantity"`
	Amount      decimal.Decimal `json:"amount"`
}

// LeadFinances are the income, costs and credit history of the lead's person.
type LeadFinances struct {
	MeanIncome              *decimal.Decimal `json:"meanIncome,omitempty"`
	AverageMonthlyCost      *decimal.Decimal `json:"averageMonthlyCost,omitempty"`
	MonthlyCreditPayment    *decimal.Decimal `json:"monthlyCreditPayment,omitempty"`
	ActiveCreditsAmount     *decimal.Decimal `json:"activeCreditsAmount,omitempty"`
	ActiveCreditsCount      *int             `json:"activeCreditsCount,omitempty"`
	ActiveDelinquencyAmount *decimal.Decimal `json:"activeDelinquencyAmount,omitempty"`
	ClosedCreditsCount      *int             `json:"closedCreditsCount,omitempty"`
	DelinquencyCount        *int             `json:"delinquencyCount,omitempty"`
	PayedDelinquencyCount   *int             `json:"payedDelinquencyCount,omitempty"`
	WrittenDelinquencyCount *int             `json:"writtenDelinquencyCount,omitempty"`
	EmployerINN             string           `json:"employerInn,omitempty"`
	EmployerTitle           string           `json:"employerTitle,omitempty"`
	LeadDebts               []LeadDebt       `json:"leadDebts,omitempty"`
}

// LeadDebt is a debt of the lead's person elsewhere.
type LeadDebt struct {
	ID                  *int64           `json:"id,omitempty"`
	DebtName            string           `json:"debtName,omitempty"`
	Bank                string           `json:"bank,omitempty"`
	DebtBankID          *int64           `json:"debtBankId,omitempty"`
	ContractNameAndDate string           `json:"contractNameAndDate,omitempty"`
	Requisites          string           `json:"requisites,omitempty"`
	DebtAmount          *decimal.Decimal `json:"debtAmount,omitempty"`
	RemainderDebt       *decimal.Decimal `json:"remainderDebt,omitempty"`
	MonthlyPayment      *decimal.Decimal `json:"monthlyPayment,omitempty"`
	IntRate             *decimal.Decimal `json:"intRate,omitempty"` // percent a year
	PaymentPeriodicity  string           `json:"paymentPeriodicity,omitempty"`
	AvailabilityDelays  string           `json:"availabilityDelays,omitempty"`
	LastFactPaymentDate string           `json:"lastFactPaymentDate,omitempty"`
}

// LeadCard is the card the money goes to: masked data only, never a full card number.
type LeadCard struct {
	CardHolder     string `json:"cardHolder,omitempty"`
	CardNumber     string `json:"cardNumber,omitempty"` // masked, e.g. 220220******0001
	ValidThruMonth string `json:"validThruMonth,omitempty"`
	ValidThruYear  string `json:"validThruYear,omitempty"`
}

// LeadDetails are the rest of the lead: the person, the loan asked for, and the sender's checks
// and dictionary ids.
type LeadDetails struct {
	BirthDate             string           `json:"birthDate,omitempty"`
	BirthPlace            string           `json:"birthPlace,omitempty"`
	BirthCountryID        *int64           `json:"birthCountryId,omitempty"`
	SexID                 *int64           `json:"sexId,omitempty"`
	INN                   string           `json:"inn,omitempty"`
	SNILS                 string           `json:"snils,omitempty"`
	NaturalPerson         *bool            `json:"naturalPerson,omitempty"`
	ChildrenCount         *int             `json:"childrenCount,omitempty"`
	AdultChildrenCount    *int             `json:"adultChildrenCount,omitempty"`
	DependentsCount       *int             `json:"dependentsCount,omitempty"`
	CreditProductID       *int64           `json:"creditProductId,omitempty"`
	Period                *int             `json:"period,omitempty"`
	PeriodUnit            string           `json:"periodUnit,omitempty"`
	GettingMoneyMethodID  *int64           `json:"gettingMoneyMethodId,omitempty"`
	HowYouKnowID          *int64           `json:"howYouKnowId,omitempty"`
	ShopID                *int64           `json:"shopId,omitempty"`
	StoreTypeID           *int64           `json:"storeTypeId,omitempty"`
	SubdivisionID         *int64           `json:"subdivisionId,omitempty"`
	RegistrationNumber    string           `json:"registrationNumber,omitempty"`
	Title                 string           `json:"title,omitempty"`
	ApprovedByScorista    *bool            `json:"approvedByScorista,omitempty"`
	IPAndRegAddressMatch  *bool            `json:"ipAndRegAddressMatch,omitempty"`
	IPAndRegionMatch      *bool            `json:"ipAndRegionMatch,omitempty"`
	MobilePhoneCheck      *bool            `json:"mobilePhoneCheck,omitempty"`
	RosfinmonitoringCheck *bool            `json:"rosfinmonitoringCheck,omitempty"`
	UFMSCheck             *bool            `json:"ufmsCheck,omitempty"`
	ExtraFields           []LeadExtraField `json:"extraFields,omitempty"`
}

// LeadExtraField is a field of the sender's own.
type LeadExtraField struct {
	ID    *int64 `json:"id,omitempty"`
	Key   string `json:"key"`
	Value string `json:"value,omitempty"`
}

// The enums of seed 003.
var (
	leadChannels    = []string{"ECOMM", "GENERATOR", "LOAN_APPLICATION", "PRESCORE", "SITE", "UNO_MOMENTO"}
	leadPeriodUnits = []string{"DAYS", "MONTHS", "WEEKS", "YEARS"}
)

var (
	passportSeries  = regexp.MustCompile(`^[0-9]{4}$`)
	subdivisionCode = regexp.MustCompile(`^[0-9]{3}-[0-9]{3}$`)
	postalCode      = regexp.MustCompile(`^[0-9]{6}$`)
)

// maxNameLength bounds names, as seed 002 has them: string[50].
const maxNameLength = 50

// leadCheck collects the problems of a lead, field by field.
type leadCheck struct {
	domain.FieldErrors
	now time.Time
}

// check returns every problem of a lead saved under id; nothing is stored when there is one.
func (l *Lead) check(id string, now time.Time) domain.FieldErrors {
	c := &leadCheck{now: now}
	if n, ok := leadID(id); !ok {
		c.Add("id", "must be a positive integer")
	} else if l.ID != nil && *l.ID != n {
		c.Add("id", "must be the id of the path, %d", n)
	}
	c.oneOf("channel", l.Channel, leadChannels, true)
	c.name("firstName", l.FirstName, true)
	c.name("lastName", l.LastName, true)
	c.name("patronymic", l.Patronymic, true)
	if c.Required("mobilePhone", l.MobilePhone) {
		if _, err := domain.NormalizePhone(l.MobilePhone); err != nil {
			c.Add("mobilePhone", "%s", domain.ErrorMessage(err))
		}
	}
	c.email("email", l.Email)
	c.ids("", map[string]*int64{"managerId": l.ManagerID})
	if l.Amount == nil {
		c.Add("amount", "is required")
	} else {
		c.Money("amount", *l.Amount)
	}
	if l.CardCVC != "" {
		c.Add("cardCvc", "must not be sent: a card's security code is never taken")
	}
	c.passport("passport.", l.Passport)
	for i, r := range l.Relatives {
		p := fmt.Sprintf("relatives[%d].", i)
		c.name(p+"firstName", r.FirstName, false)
		c.name(p+"lastName", r.LastName, false)
		c.name(p+"patronymic", r.Patronymic, false)
		c.pastDate(p+"birthDate", r.BirthDate)
		c.email(p+"email", r.Email)
		c.ids(p, map[string]*int64{"id": r.ID, "collateralRelId": r.CollateralRelID})
		c.passport(p+"passport.", r.Passport)
	}
	for i, g := range l.Goods {
		p := fmt.Sprintf("goods[%d].", i)
		c.Required(p+"name", g.Name)
		if g.Quantity < 1 {
			c.Add(p+"quantity", "must be ≥ 1")
		}
		c.Money(p+"amount", g.Amount)
		c.ids(p, map[string]*int64{"id": g.ID})
	}
	c.address("addressData.", l.AddressData)
	c.address("registrationAddressData.", l.RegistrationAddressData)
	for i := range l.Addresses {
		c.address(fmt.Sprintf("addresses[%d].", i), &l.Addresses[i])
	}
	c.finances(l.LeadFinances)
	c.card(l.LeadCard)
	c.details(l.LeadDetails)
	return c.FieldErrors
}

func (c *leadCheck) passport(prefix string, p *LeadPassport) {
	if p == nil {
		return
	}
	if c.Required(prefix+"seria", p.Seria) && !passportSeries.MatchString(p.Seria) {
		c.Add(prefix+"seria", "must be 4 digits")
	}
	if c.Required(prefix+"no", p.No) && !applications.DocumentNumbers["passport"].MatchString(p.No) {
		c.Add(prefix+"no", "must be 6 digits")
	}
	if issued, ok := c.Date(prefix+"issueDate", p.IssueDate, false); ok && issued.After(c.now) {
		c.Add(prefix+"issueDate", "must not be in the future")
	}
	c.Date(prefix+"closeDate", p.CloseDate, false)
	c.shape(prefix+"subdivisionCode", p.SubdivisionCode, subdivisionCode, "must be NNN-NNN")
	c.ids(prefix, map[string]*int64{"id": p.ID, "complementaryDocTypeId": p.ComplementaryDocTypeID})
}

func (c *leadCheck) address(prefix string, a *LeadAddress) {
	if a == nil {
		return
	}
	c.shape(prefix+"postalCode", a.PostalCode, postalCode, "must be 6 digits")
	c.UUID(prefix+"fiasId", a.FiasID, false)
	c.Date(prefix+"regDate", a.RegDate, false)
	c.ids(prefix, map[string]*int64{"id": a.ID, "countryId": a.CountryID, "purposeId": a.PurposeID})
	if a.Position != nil && (*a.Position < 0 || *a.Position > 255) {
		c.Add(prefix+"position", "must be between 0 and 255")
	}
	for _, name := range slices.Sorted(maps.Keys(a.Attributes)) {
		if _, ok := a.Attributes[name].(string); !ok {
			c.Add(prefix+"attributes."+name, "must be a string")
		}
	}
	if a.FiasChain != nil {
		c.fiasChain(prefix+"fiasChain.", *a.FiasChain)
	}
}

func (c *leadCheck) fiasChain(prefix string, f LeadFiasChain) {
	c.UUID(prefix+"id", f.ID, false)
	c.counts(prefix, map[string]*int{"level": f.Level})
	for i, parent := range f.Parents {
		c.fiasChain(fmt.Sprintf("%sparents[%d].", prefix, i), parent)
	}
}

func (c *leadCheck) finances(f LeadFinances) {
	c.amounts("", map[string]*decimal.Decimal{
		"meanIncome": f.MeanIncome, "averageMonthlyCost": f.AverageMonthlyCost, "monthlyCreditPayment": f.MonthlyCreditPayment,
		"activeCreditsAmount": f.ActiveCreditsAmount, "activeDelinquencyAmount": f.ActiveDelinquencyAmount,
	})
	c.counts("", map[string]*int{
		"activeCreditsCount": f.ActiveCreditsCount, "closedCreditsCount": f.ClosedCreditsCount, "delinquencyCount": f.DelinquencyCount,
		"payedDelinquencyCount": f.PayedDelinquencyCount, "writtenDelinquencyCount": f.WrittenDelinquencyCount,
	})
	c.shape("employerInn", f.EmployerINN, applications.DocumentNumbers["inn"], "must be 10 or 12 digits")
	for i, d := range f.LeadDebts {
		p := fmt.Sprintf("leadDebts[%d].", i)
		c.amounts(p, map[string]*decimal.Decimal{"debtAmount": d.DebtAmount, "remainderDebt": d.RemainderDebt, "monthlyPayment": d.MonthlyPayment})
		if d.IntRate != nil && d.IntRate.IsNegative() {
			c.Add(p+"intRate", "must be ≥ 0")
		}
		c.Date(p+"lastFactPaymentDate", d.LastFactPaymentDate, false)
		c.ids(p, map[string]*int64{"id": d.ID, "debtBankId": d.DebtBankID})
	}
}

// card keeps the card masked: the registry's card-number check and the shapes of its expiry.
func (c *leadCheck) card(k LeadCard) {
	c.NoCardNumber("", map[string]*string{"cardHolder": &k.CardHolder, "cardNumber": &k.CardNumber, "validThruMonth": &k.ValidThruMonth, "validThruYear": &k.ValidThruYear})
	expiry := registry.CardInput{ExpirationMonth: domain.NonEmpty(k.ValidThruMonth), ExpirationYear: domain.NonEmpty(k.ValidThruYear)}
	leadField := map[string]string{"expirationMonth": "validThruMonth", "expirationYear": "validThruYear"}
	registry.CheckCardShapes(&c.FieldErrors, expiry, func(field string) string { return leadField[field] })
}

func (c *leadCheck) details(d LeadDetails) {
	c.pastDate("birthDate", d.BirthDate)
	c.shape("inn", d.INN, applications.DocumentNumbers["inn"], "must be 10 or 12 digits")
	c.shape("snils", d.SNILS, applications.DocumentNumbers["snils"], "must be 11 digits")
	c.counts("", map[string]*int{"childrenCount": d.ChildrenCount, "adultChildrenCount": d.AdultChildrenCount, "dependentsCount": d.DependentsCount})
	c.ids("", map[string]*int64{
		"birthCountryId": d.BirthCountryID, "sexId": d.SexID, "creditProductId": d.CreditProductID,
		"gettingMoneyMethodId": d.GettingMoneyMethodID, "howYouKnowId": d.HowYouKnowID, "shopId": d.ShopID,
		"storeTypeId": d.StoreTypeID, "subdivisionId": d.SubdivisionID,
	})
	if d.Period != nil && *d.Period < 1 {
		c.Add("period", "must be ≥ 1")
	}
	c.oneOf("periodUnit", d.PeriodUnit, leadPeriodUnits, d.Period != nil)
	for i, x := range d.ExtraFields {
		c.Required(fmt.Sprintf("extraFields[%d].key", i), x.Key)
		c.ids(fmt.Sprintf("extraFields[%d].", i), map[string]*int64{"id": x.ID})
	}
}

// name checks a person's name: at most 50 characters, without spaces around it (customers are
// matched and made by it), required when need is set.
func (c *leadCheck) name(field, v string, need bool) {
	switch {
	case strings.TrimSpace(v) == "":
		if need {
			c.Add(field, "is required")
		}
	case strings.TrimSpace(v) != v:
		c.Add(field, "must not start or end with spaces")
	case utf8.RuneCountInString(v) > maxNameLength:
		c.Add(field, "must be at most %d characters", maxNameLength)
	}
}

func (c *leadCheck) email(field, v string) {
	if v == "" {
		return
	}
	if addr, err := mail.ParseAddress(v); err != nil || addr.Address != v {
		c.Add(field, "must be an e-mail address")
	}
}

func (c *leadCheck) pastDate(field, v string) {
	if d, ok := c.Date(field, v, false); ok && !d.Before(c.now) {
		c.Add(field, "must be in the past")
	}
}

func (c *leadCheck) oneOf(field, v string, allowed []string, need bool) {
	switch {
	case v == "":
		if need {
			c.Add(field, "is required")
		}
	case !slices.Contains(allowed, v):
		c.Add(field, "must be one of %s", strings.Join(allowed, ", "))
	}
}

func (c *leadCheck) shape(field, v string, pattern *regexp.Regexp, message string) {
	if v != "" && !pattern.MatchString(v) {
		c.Add(field, "%s", message)
	}
}

// ids checks dictionary and record ids: positive. Fields are checked in name order, so that
// problems list alike every time; so are those below.
func (c *leadCheck) ids(prefix string, ids map[string]*int64) {
	for _, name := range slices.Sorted(maps.Keys(ids)) {
		if v := ids[name]; v != nil && *v < 1 {
			c.Add(prefix+name, "must be a positive id")
		}
	}
}

func (c *leadCheck) counts(prefix string, counts map[string]*int) {
	for _, name := range slices.Sorted(maps.Keys(counts)) {
		if v := counts[name]; v != nil && *v < 0 {
			c.Add(prefix+name, "must be ≥ 0")
		}
	}
}

func (c *leadCheck) amounts(prefix string, amounts map[string]*decimal.Decimal) {
	for _, name := range slices.Sorted(maps.Keys(amounts)) {
		if v := amounts[name]; v != nil {
			c.Money(prefix+name, *v)
		}
	}
}

// leadID reads the lead id of a path or an argument: a positive integer, or no lead's id.
func leadID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// LeadRecord is a stored lead: what its sender sent, and what the core added.
type LeadRecord struct {
	Lead
	ID       int64
	ClientID *int64 // the customer the lead was attached to
	// CurrentStatus is the newest scoring's decision: APPROVED, DENIED, or ERROR when it could not
	// decide (a rule failed); DenialReason says why it denied.
	CurrentStatus *string
	DenialReason  *string
	ScoringTaskID *int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// leadStatuses are the lead statuses the final recommendations give.
var leadStatuses = map[string]string{scoring.Approve: "APPROVED", scoring.Deny: "DENIED"}

// toStore lays the lead out as stored: its searchable fields as columns, its parts as JSON.
func (l Lead) toStore(id int64, partnerID *int64) (store.Lead, error) {
	out := store.Lead{
		ID: id, PartnerID: partnerID, Channel: l.Channel, FirstName: l.FirstName, LastName: l.LastName, Patronymic: l.Patronymic,
		MobilePhone: l.MobilePhone, Email: domain.NonEmpty(l.Email), ManagerID: l.ManagerID, Amount: *l.Amount,
	}
	var err error
	for dst, part := range map[*json.RawMessage]any{
		&out.Passport: l.Passport, &out.Addresses: l.LeadAddresses, &out.Relatives: l.Relatives, &out.Goods: l.Goods,
		&out.Finances: l.LeadFinances, &out.Card: l.LeadCard, &out.Details: l.LeadDetails,
	} {
		if *dst, err = json.Marshal(part); err != nil {
			return out, err
		}
	}
	return out, nil
}

// leadRecord reads a stored lead back.
func leadRecord(l store.Lead, err error) (LeadRecord, error) {
	if err != nil {
		return LeadRecord{}, err
	}
	r := LeadRecord{
		Lead: Lead{
			Channel: l.Channel, FirstName: l.FirstName, LastName: l.LastName, Patronymic: l.Patronymic, MobilePhone: l.MobilePhone,
			Email: domain.Deref(l.Email), ManagerID: l.ManagerID, Amount: &l.Amount,
		},
		ID: l.ID, ClientID: l.ClientID, ScoringTaskID: l.ScoringTaskID, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt,
	}
	for dst, part := range map[any]json.RawMessage{
		&r.Passport: l.Passport, &r.LeadAddresses: l.Addresses, &r.Relatives: l.Relatives, &r.Goods: l.Goods,
		&r.LeadFinances: l.Finances, &r.LeadCard: l.Card, &r.LeadDetails: l.Details,
	} {
		if err := json.Unmarshal(part, dst); err != nil {
			return r, err
		}
	}
	if l.FinalRecommendation != nil {
		status, ok := leadStatuses[*l.FinalRecommendation]
		if !ok {
			status = "ERROR"
		}
		r.CurrentStatus = &status
	}
	if l.DenialReason != nil {
		r.DenialReason = domain.NonEmpty(*l.DenialReason)
	}
	return r, nil
}

// leadScope is which leads caller may see: employees all, a partner its own; customers none.
func leadScope(ctx context.Context, q store.Queries, caller domain.Principal) (domain.Scope, error) {
	if caller.Role != domain.RoleEmployee && caller.Role != domain.RolePartner {
		return domain.Scope{}, domain.Errorf(domain.CodeForbidden, "leads are for partners and employees, not for role %s", caller.Role)
	}
	sc, err := domain.ScopeOf(ctx, q, caller)
	if err == nil && sc.PartnerID != nil && *sc.PartnerID < 0 {
		err = domain.Errorf(domain.CodeForbidden, "partner %s is not registered", caller.Partner)
	}
	return sc, err
}

// visibleLead returns the lead id through find when the scope sees it; otherwise it is NOT_FOUND,
// so that nobody learns of another's leads.
func visibleLead(ctx context.Context, sc domain.Scope, id string, find func(context.Context, int64) (store.Lead, error)) (store.Lead, error) {
	l, err := domain.ByID(ctx, id, domain.CodeNotFound, "lead", find)
	if err == nil && !sc.Owns(l.PartnerID, nil) {
		return store.Lead{}, domain.Errorf(domain.CodeNotFound, "lead %s not found", id)
	}
	return l, err
}

// PutLead saves the lead id whole, as its sender sends it: created when new (the sender owns its
// ids; a partner's new lead is its own), replaced otherwise; either way scored again.
func (s *Service) PutLead(ctx context.Context, caller domain.Principal, id string, in Lead) (LeadRecord, error) {
	if errs := in.check(id, s.Now()); len(errs) > 0 {
		return LeadRecord{}, domain.Invalid(errs)
	}
	n, _ := leadID(id)
	in.MobilePhone, _ = domain.NormalizePhone(in.MobilePhone)
	var out LeadRecord
	err := s.Store.Tx(ctx, func(q store.Queries) error {
		sc, err := leadScope(ctx, q, caller)
		if err != nil {
			return err
		}
		row, err := in.toStore(n, sc.PartnerID)
		if err != nil {
			return err
		}
		created, err := q.InsertLead(ctx, row)
		if err != nil {
			return err
		}
		if !created {
			if _, err := visibleLead(ctx, sc, id, q.LockLead); err != nil {
				return err
			}
			if err := q.UpdateLead(ctx, row); err != nil {
				return err
			}
		}
		if out, err = s.scoreLead(ctx, q, n); err != nil {
			return err
		}
		return domain.Audit(ctx, q, caller, "putLead", "lead", strconv.FormatInt(n, 10), in)
	})
	return out, err
}

// Lead returns the lead id when caller may see it.
func (s *Service) Lead(ctx context.Context, caller domain.Principal, id string) (LeadRecord, error) {
	sc, err := leadScope(ctx, s.Store.Queries, caller)
	if err != nil {
		return LeadRecord{}, err
	}
	return leadRecord(visibleLead(ctx, sc, id, s.Store.LeadByID))
}

// Leads lists the leads caller may see, highest id first.
func (s *Service) Leads(ctx context.Context, caller domain.Principal, f store.LeadFilter) (domain.Page[LeadRecord], error) {
	sc, err := leadScope(ctx, s.Store.Queries, caller)
	if err != nil {
		return domain.Page[LeadRecord]{}, err
	}
	if sc.PartnerID != nil {
		f.PartnerID = sc.PartnerID
	}
	if f.MobilePhone != "" {
		if f.MobilePhone, err = domain.NormalizePhone(f.MobilePhone); err != nil {
			return domain.Page[LeadRecord]{}, domain.Invalid([]domain.FieldError{{Field: "mobilePhone", Message: domain.ErrorMessage(err)}})
		}
	}
	f.LastName = strings.TrimSpace(f.LastName)
	return domain.ReadPage(f.Limit, func(limit int) ([]LeadRecord, error) {
		f.Limit = limit
		rows, err := s.Store.Leads(ctx, f)
		if err != nil {
			return nil, err
		}
		out := make([]LeadRecord, len(rows))
		for i, row := range rows {
			if out[i], err = leadRecord(row, nil); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
}

// CreateCustomerFromLead attaches the lead id to its customer: the registry's customer with the
// lead's last name, first name, patronymic, passport series and passport number, all five (the
// registry's matching function), or else a new customer with the lead's phone, names and passport.
// A lead attached already keeps its customer.
func (s *Service) CreateCustomerFromLead(ctx context.Context, caller domain.Principal, id string) (LeadRecord, error) {
	var out LeadRecord
	err := s.Store.Tx(ctx, func(q store.Queries) error {
		sc, err := leadScope(ctx, q, caller)
		if err != nil {
			return err
		}
		if out, err = leadRecord(visibleLead(ctx, sc, id, q.LockLead)); err != nil || out.ClientID != nil {
			return err
		}
		if out.Passport == nil {
			return domain.Invalid([]domain.FieldError{{Field: "passport", Message: "is required to make a customer of the lead: its series and number identify them"}})
		}
		// two leads of one person made customers at once must find one customer, not make two
		key := strings.ToLower(strings.Join([]string{out.LastName, out.FirstName, out.Patronymic, out.Passport.Seria, out.Passport.No}, "|"))
		if err := q.LockKey(ctx, "customer-from-lead:"+key); err != nil {
			return err
		}
		found, err := s.Registry.MatchCustomers(ctx, q, store.CustomerMatch{
			LastName: out.LastName, FirstName: out.FirstName, MiddleName: out.Patronymic,
			PassportSeries: out.Passport.Seria, PassportNumber: out.Passport.No,
		}, 0, 1)
		if err != nil {
			return err
		}
		created := len(found) == 0
		var c store.Customer
		if created {
			c, err = s.customerFromLead(ctx, q, out)
		} else {
			c = found[0]
		}
		if err != nil {
			return err
		}
		if err := q.SetLeadClient(ctx, out.ID, c.ID); err != nil {
			return err
		}
		if err := domain.Audit(ctx, q, caller, "createCustomerFromLead", "lead", strconv.FormatInt(out.ID, 10),
			map[string]any{"clientId": c.ID, "customer": c.GUID, "created": created}); err != nil {
			return err
		}
		out, err = leadRecord(q.LeadByID(ctx, out.ID))
		return err
	})
	return out, err
}

// customerFromLead registers the lead's person: the phone as their login, their names, birth date
// and e-mail, and the passport as a PASSPORT document, checked by the type's attribute rules.
func (s *Service) customerFromLead(ctx context.Context, q store.Queries, l LeadRecord) (store.Customer, error) {
	c, ok, err := q.InsertCustomer(ctx, store.Customer{
		Phone: l.MobilePhone, FirstName: &l.FirstName, LastName: &l.LastName, MiddleName: &l.Patronymic,
		BirthDate: domain.OptionalDate(l.BirthDate), Email: domain.NonEmpty(l.Email), AdditionalData: json.RawMessage(`{}`),
	})
	if err == nil && !ok {
		err = domain.Errorf(registry.CodeCustomerAlreadyExists, "phone %s is another customer's: their names or passport differ from the lead's", domain.MaskPhone(l.MobilePhone))
	}
	if err != nil {
		return c, err
	}
	t, err := registry.FindDocumentType(ctx, q, "PASSPORT")
	if err != nil {
		return c, err
	}
	d, err := q.InsertCustomerDocument(ctx, store.CustomerDocument{CustomerID: c.ID, DocumentTypeID: t.ID, Status: "NOT_CHECKED"})
	if err != nil {
		return c, err
	}
	p, extra := l.Passport, map[string]any{}
	if p.SubdivisionCode != "" {
		extra["authority_code"] = p.SubdivisionCode
	}
	if l.BirthPlace != "" {
		extra["birthplace"] = l.BirthPlace
	}
	source, sourceID := "LEAD", strconv.FormatInt(l.ID, 10)
	_, err = s.Registry.StoreInfo(ctx, q, d, store.DocumentInfo{DocumentID: d.ID}, registry.DocumentInfoInput{
		Series: &p.Seria, Number: &p.No, Issuer: domain.NonEmpty(p.Manager), IssueDate: domain.NonEmpty(p.IssueDate),
		AdditionalData: extra, SourceName: &source, SourceID: &sourceID,
	})
	return c, err
}
