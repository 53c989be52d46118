package preconsumption

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"lendgraph/domain"
	"lendgraph/store"
)

// PreConsumptionBatch is a batch of the corporate expense system's pre-consumption (expense
// pre-approval) requests, as POST /preconsume/submit carries it (seed 004).
type PreConsumptionBatch struct {
	Timestamp *time.Time // when the expense system sent it
	Data      []PreConsumptionInput
}

// PreConsumptionInput is one request of a batch; field names follow the expense system's API.
// Amounts are in the business entity's base currency, expenses in AcceptCcy when it is given.
type PreConsumptionInput struct {
	BusinessCode        string                            `json:"businessCode"`
	Name                string                            `json:"name"`
	UserEmployeeID      string                            `json:"userEmployeeId"`
	DepartmentBizCode   string                            `json:"departmentBizCode"`
	SubsidiaryBizCode   string                            `json:"subsidiaryBizCode"`
	CostTrackings       []PreConsumptionCostTrackingInput `json:"costTrackings,omitempty"`
	Amount              decimal.Decimal                   `json:"amount"`
	ApprovedAmount      decimal.Decimal                   `json:"approvedAmount"`
	SubmittedAt         *time.Time                        `json:"submittedAt,omitempty"`
	Expenses            []PreConsumptionExpenseInput      `json:"expenses,omitempty"`
	UserLoans           []PreConsumptionLoanInput         `json:"userLoans,omitempty"`
	HandleList          []string                          `json:"handleList,omitempty"`
	CorrelationPattern  *string                           `json:"correlationPattern,omitempty"`
	FormSubTypeBizCode  *string                           `json:"formSubTypeBizCode,omitempty"`
	Comments            *string                           `json:"comments,omitempty"`
	CustomFormValues    []PreConsumptionFormValueInput    `json:"customFormValues,omitempty"`
	AccompaniedUserList []PreConsumptionCompanionInput    `json:"accompaniedUserList,omitempty"`
	AcceptCcy           *string                           `json:"acceptCcy,omitempty"`

	// Malformed names the fields an edge could not read (wrong JSON types): the request fails with them.
	Malformed []domain.FieldError `json:"-"`
}

// PreConsumptionCostTrackingInput charges the request to an option of a cost tracking.
type PreConsumptionCostTrackingInput struct {
	CostTrackingName        string `json:"costTrackingName"`
	CostTrackingItemBizCode string `json:"costTrackingItemBizCode"`
}

// PreConsumptionExpenseInput is an expense line; ConsumeTime defaults to the time of submission.
type PreConsumptionExpenseInput struct {
	FeeTypeBizCode string          `json:"feeTypeBizCode"`
	Amount         decimal.Decimal `json:"amount"`
	ApprovedAmount decimal.Decimal `json:"approvedAmount"`
	ConsumeTime    *time.Time      `json:"consumeTime,omitempty"`
}

// PreConsumptionLoanInput is an employee's loan; LoanTypeMode defaults to the loan type's mode.
type PreConsumptionLoanInput struct {
	LoanTypeBizCode   string          `json:"loanTypeBizCode"`
	LoanAmount        decimal.Decimal `json:"loanAmount"`
	LoanTypeMode      *string         `json:"loanTypeMode,omitempty"`
	Currency          string          `json:"currency"`
	LoanRepaymentDate *time.Time      `json:"loanRepaymentDate,omitempty"`
}

// PreConsumptionFormValueInput is the value of a custom form field; detail rows map names to strings.
type PreConsumptionFormValueInput struct {
	Identifier        string           `json:"identifier"`
	Value             *string          `json:"value,omitempty"`
	DetailFieldValues []map[string]any `json:"detailFieldValues,omitempty"`
}

// PreConsumptionCompanionInput is a person accompanying the employee; an internal one (by the
// associate rule) is one of the employees, named by EmployeeID.
type PreConsumptionCompanionInput struct {
	EmployeeID        *string `json:"employeeId,omitempty"`
	AssociateRuleName string  `json:"associateRuleName"`
	Name              *string `json:"name,omitempty"`
	Rank              *string `json:"rank,omitempty"`
	Department        *string `json:"department,omitempty"`
	Company           *string `json:"company,omitempty"`
	IdentityNo        *string `json:"identityNo,omitempty"`
	FirstName         *string `json:"firstName,omitempty"`
	MiddleName        *string `json:"middleName,omitempty"`
	LastName          *string `json:"lastName,omitempty"`
}

// PreConsumptionResult is what became of one request of a batch.
type PreConsumptionResult struct {
	BusinessCode string
	Accepted     bool
	Reason       string // why it was refused: its bad fields, or "internal error"; empty when accepted
}

// The management modes of employees' loans.
const (
	LoanModePool = "POOL"
	LoanModeForm = "FORM"
)

// correlationPatterns are the ways expenses may relate to a request: to the request, or to its fees.
var correlationPatterns = map[string]bool{"FEE_TO_PRE_CONSUME": true, "FEE_TO_PRE_CONSUME_FEE": true}

// Submit stores a batch request by request: a valid request is saved with its parts
// in a transaction of its own, an invalid one not at all, and a request that fails to save fails
// alone. A business code already stored is replaced whole (the expense system resends corrected
// documents); one that occurs more than once in the batch fails every time, as nobody could tell
// which was kept. Results follow the batch's order.
func (s *Service) Submit(ctx context.Context, caller domain.Principal, batch PreConsumptionBatch) ([]PreConsumptionResult, error) {
	if caller.Role != domain.RoleEmployee {
		return nil, domain.Errorf(domain.CodeForbidden, "only employees submit pre-consumption requests")
	}
	refs, err := s.preConsumptionRefs(ctx, batch.Data)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	results := make([]PreConsumptionResult, len(batch.Data))
	for i, in := range batch.Data {
		results[i].BusinessCode = in.BusinessCode
		p, errs := in.toStore(refs, now)
		if len(errs) > 0 {
			results[i].Reason = describeFields(errs)
			continue
		}
		p.SentAt = batch.Timestamp
		if err := s.savePreConsumption(ctx, caller, p, in); err != nil {
			s.Log.ErrorContext(ctx, "pre-consumption not saved", "businessCode", in.BusinessCode, "err", err)
			results[i].Reason = domain.ErrorMessage(err)
			continue
		}
		results[i].Accepted = true
	}
	return results, nil
}

func (s *Service) savePreConsumption(ctx context.Context, caller domain.Principal, p store.PreConsumption, in PreConsumptionInput) error {
	return s.Store.Tx(ctx, func(q store.Queries) error {
		saved, err := q.SavePreConsumption(ctx, p)
		if err != nil {
			return err
		}
		return domain.Audit(ctx, q, caller, "submitPreConsumption", "pre_consumption", saved.BusinessCode,
			map[string]any{"revision": saved.Revision, "request": in})
	})
}

// ByBusinessCode returns a stored request with its parts.
func (s *Service) ByBusinessCode(ctx context.Context, caller domain.Principal, businessCode string) (store.PreConsumption, error) {
	if caller.Role != domain.RoleEmployee {
		return store.PreConsumption{}, domain.Errorf(domain.CodeForbidden, "only employees read pre-consumption requests")
	}
	p, err := s.Store.PreConsumptionByCode(ctx, businessCode)
	if errors.Is(err, store.ErrNotFound) {
		return p, domain.Errorf(domain.CodeNotFound, "pre-consumption request %s not found", businessCode)
	}
	if err != nil {
		return p, err
	}
	ps := []store.PreConsumption{p}
	if err := s.Store.FillPreConsumptionParts(ctx, ps); err != nil {
		return p, err
	}
	return ps[0], nil
}

// List pages through the stored requests, newest first, with their parts.
func (s *Service) List(ctx context.Context, caller domain.Principal, f store.PreConsumptionFilter) (domain.Page[store.PreConsumption], error) {
	if caller.Role != domain.RoleEmployee {
		return domain.Page[store.PreConsumption]{}, domain.Errorf(domain.CodeForbidden, "only employees read pre-consumption requests")
	}
	page, err := domain.ReadPage(f.Limit, func(limit int) ([]store.PreConsumption, error) {
		f.Limit = limit
		return s.Store.PreConsumptions(ctx, f)
	})
	if err == nil {
		err = s.Store.FillPreConsumptionParts(ctx, page.Items)
	}
	return page, err
}

// preConsumptionRefs are the dictionary entries a batch names, by code, and how often each business
// code occurs in it.
type preConsumptionRefs struct {
	currencies     map[string]string
	employees      map[string]store.ExpenseEmployee
	departments    map[string]store.ExpenseDepartment
	entities       map[string]store.ExpenseEntity
	feeTypes       map[string]store.ExpenseFeeType
	loanTypes      map[string]store.ExpenseLoanType
	costTrackings  map[[2]string]store.ExpenseCostTrackingItem // by tracking name and option code
	formSubtypes   map[string]store.ExpenseFormSubtype
	associateRules map[string]store.ExpenseAssociateRule
	businessCodes  map[string]int
}

// preConsumptionRefs looks up every code the batch names, one statement per dictionary.
func (s *Service) preConsumptionRefs(ctx context.Context, batch []PreConsumptionInput) (preConsumptionRefs, error) {
	var c store.ExpenseCodes
	refs := preConsumptionRefs{businessCodes: map[string]int{}}
	for _, in := range batch {
		refs.businessCodes[in.BusinessCode]++
		c.Employees = append(c.Employees, in.UserEmployeeID)
		c.Departments = append(c.Departments, in.DepartmentBizCode)
		c.Entities = append(c.Entities, in.SubsidiaryBizCode)
		if in.AcceptCcy != nil {
			c.Currencies = append(c.Currencies, *in.AcceptCcy)
		}
		if in.FormSubTypeBizCode != nil {
			c.FormSubtypes = append(c.FormSubtypes, *in.FormSubTypeBizCode)
		}
		for _, t := range in.CostTrackings {
			c.CostTrackingItems = append(c.CostTrackingItems, t.CostTrackingItemBizCode)
		}
		for _, e := range in.Expenses {
			c.FeeTypes = append(c.FeeTypes, e.FeeTypeBizCode)
		}
		for _, l := range in.UserLoans {
			c.LoanTypes = append(c.LoanTypes, l.LoanTypeBizCode)
		}
		for _, a := range in.AccompaniedUserList {
			c.AssociateRules = append(c.AssociateRules, a.AssociateRuleName)
			if a.EmployeeID != nil {
				c.Employees = append(c.Employees, *a.EmployeeID)
			}
		}
	}
	d, err := s.Store.ExpenseEntries(ctx, c)
	if err != nil {
		return refs, err
	}
	refs.currencies = dictionaryIndex(d.Currencies, func(c string) string { return c })
	refs.employees = dictionaryIndex(d.Employees, func(e store.ExpenseEmployee) string { return e.Code })
	refs.departments = dictionaryIndex(d.Departments, func(e store.ExpenseDepartment) string { return e.BizCode })
	refs.entities = dictionaryIndex(d.Entities, func(e store.ExpenseEntity) string { return e.BizCode })
	refs.feeTypes = dictionaryIndex(d.FeeTypes, func(e store.ExpenseFeeType) string { return e.BizCode })
	refs.loanTypes = dictionaryIndex(d.LoanTypes, func(e store.ExpenseLoanType) string { return e.BizCode })
	refs.costTrackings = dictionaryIndex(d.CostTrackingItems, func(e store.ExpenseCostTrackingItem) [2]string { return [2]string{e.TrackingName, e.BizCode} })
	refs.formSubtypes = dictionaryIndex(d.FormSubtypes, func(e store.ExpenseFormSubtype) string { return e.BizCode })
	refs.associateRules = dictionaryIndex(d.AssociateRules, func(e store.ExpenseAssociateRule) string { return e.Name })
	return refs, nil
}

// dictionaryIndex indexes items by key.
func dictionaryIndex[K comparable, T any](items []T, key func(T) K) map[K]T {
	m := make(map[K]T, len(items))
	for _, it := range items {
		m[key(it)] = it
	}
	return m
}

// inDictionary tells whether code names an entry of a dictionary.
func inDictionary[K comparable, T any](dictionary map[K]T, code K) bool {
	_, ok := dictionary[code]
	return ok
}

// toStore checks a request against the rules of seed 004 and the dictionaries, naming every bad
// field, and resolves what the request leaves to them: currencies, loan modes, consume times and
// whether its handlers are kept.
func (in PreConsumptionInput) toStore(refs preConsumptionRefs, now time.Time) (store.PreConsumption, domain.FieldErrors) {
	if len(in.Malformed) > 0 {
		return store.PreConsumption{}, in.Malformed
	}
	var errs domain.FieldErrors
	if errs.Required("businessCode", in.BusinessCode) && refs.businessCodes[in.BusinessCode] > 1 {
		errs.Add("businessCode", "%q occurs %d times in this batch", in.BusinessCode, refs.businessCodes[in.BusinessCode])
	}
	errs.Required("name", in.Name)
	if errs.Required("userEmployeeId", in.UserEmployeeID) && !inDictionary(refs.employees, in.UserEmployeeID) {
		errs.Add("userEmployeeId", "employee %q does not exist", in.UserEmployeeID)
	}
	if errs.Required("departmentBizCode", in.DepartmentBizCode) && !inDictionary(refs.departments, in.DepartmentBizCode) {
		errs.Add("departmentBizCode", "department %q does not exist", in.DepartmentBizCode)
	}
	entity, entityKnown := refs.entities[in.SubsidiaryBizCode]
	if errs.Required("subsidiaryBizCode", in.SubsidiaryBizCode) && !entityKnown {
		errs.Add("subsidiaryBizCode", "business entity %q does not exist", in.SubsidiaryBizCode)
	}
	errs.Money("amount", in.Amount)
	errs.Money("approvedAmount", in.ApprovedAmount)
	if in.CorrelationPattern != nil && !correlationPatterns[*in.CorrelationPattern] {
		errs.Add("correlationPattern", "must be FEE_TO_PRE_CONSUME or FEE_TO_PRE_CONSUME_FEE")
	}
	// Without a form subtype no switch applies: a request currency is allowed, expenses are
	// optional and the handlers are kept.
	subtype := store.ExpenseFormSubtype{HandlersEnabled: true, AcceptCcyEnabled: true}
	if in.FormSubTypeBizCode != nil {
		if known, ok := refs.formSubtypes[*in.FormSubTypeBizCode]; ok {
			subtype = known
		} else {
			errs.Add("formSubTypeBizCode", "form subtype %q does not exist", *in.FormSubTypeBizCode)
		}
	}
	p := store.PreConsumption{
		BusinessCode: in.BusinessCode, Name: in.Name, UserEmployeeID: in.UserEmployeeID, DepartmentBizCode: in.DepartmentBizCode,
		SubsidiaryBizCode: in.SubsidiaryBizCode, Amount: in.Amount, ApprovedAmount: in.ApprovedAmount, Currency: entity.BaseCurrency,
		AcceptCcy: in.AcceptCcy, SubmittedAt: in.SubmittedAt, CorrelationPattern: in.CorrelationPattern,
		FormSubTypeBizCode: in.FormSubTypeBizCode, Comments: in.Comments,
	}
	expenseCurrency := entity.BaseCurrency
	if in.AcceptCcy != nil {
		switch {
		case !inDictionary(refs.currencies, *in.AcceptCcy):
			errs.Add("acceptCcy", "currency %q does not exist", *in.AcceptCcy)
		case !subtype.AcceptCcyEnabled:
			errs.Add("acceptCcy", "form subtype %s does not enable a request currency", subtype.BizCode)
		}
		expenseCurrency = *in.AcceptCcy
	}

	for i, h := range in.HandleList {
		errs.Required(fmt.Sprintf("handleList[%d]", i), h)
	}
	if subtype.HandlersEnabled { // the seed: handlers are saved only when the subtype takes them
		p.HandleList = in.HandleList
	}
	p.CostTrackings = costTrackings(in.CostTrackings, refs, &errs)
	if subtype.ExpensesRequired && len(in.Expenses) == 0 {
		errs.Add("expenses", "form subtype %s requires at least one expense", subtype.BizCode)
	}
	p.Expenses = expenses(in.Expenses, refs, expenseCurrency, now, &errs)
	for i, l := range in.UserLoans {
		p.UserLoans = append(p.UserLoans, l.toStore(fmt.Sprintf("userLoans[%d].", i), refs, entity, entityKnown, &errs))
	}
	p.CustomFormValues = formValues(in.CustomFormValues, &errs)
	p.AccompaniedUserList = companions(in.AccompaniedUserList, refs, &errs)
	return p, errs
}

// costTrackings checks each cost tracking names an option of its tracking.
func costTrackings(in []PreConsumptionCostTrackingInput, refs preConsumptionRefs, errs *domain.FieldErrors) []store.PreConsumptionCostTracking {
	var out []store.PreConsumptionCostTracking
	for i, t := range in {
		at := fmt.Sprintf("costTrackings[%d].", i)
		name := errs.Required(at+"costTrackingName", t.CostTrackingName)
		if errs.Required(at+"costTrackingItemBizCode", t.CostTrackingItemBizCode) && name &&
			!inDictionary(refs.costTrackings, [2]string{t.CostTrackingName, t.CostTrackingItemBizCode}) {
			errs.Add(at+"costTrackingItemBizCode", "option %q of cost tracking %q does not exist", t.CostTrackingItemBizCode, t.CostTrackingName)
		}
		out = append(out, store.PreConsumptionCostTracking{
			CostTrackingName: t.CostTrackingName, CostTrackingItemBizCode: t.CostTrackingItemBizCode,
		})
	}
	return out
}

// expenses checks each expense's fee type and amounts; an expense without a time was consumed now.
func expenses(in []PreConsumptionExpenseInput, refs preConsumptionRefs, currency string, now time.Time, errs *domain.FieldErrors) []store.PreConsumptionExpense {
	var out []store.PreConsumptionExpense
	for i, e := range in {
		at := fmt.Sprintf("expenses[%d].", i)
		if errs.Required(at+"feeTypeBizCode", e.FeeTypeBizCode) && !inDictionary(refs.feeTypes, e.FeeTypeBizCode) {
			errs.Add(at+"feeTypeBizCode", "fee type %q does not exist", e.FeeTypeBizCode)
		}
		errs.Money(at+"amount", e.Amount)
		errs.Money(at+"approvedAmount", e.ApprovedAmount)
		consumed := now
		if e.ConsumeTime != nil {
			consumed = *e.ConsumeTime
		}
		out = append(out, store.PreConsumptionExpense{
			FeeTypeBizCode: e.FeeTypeBizCode, Amount: e.Amount, ApprovedAmount: e.ApprovedAmount, Currency: currency, ConsumeTime: consumed,
		})
	}
	return out
}

// formValues checks each custom form value has an identifier and string detail fields.
func formValues(in []PreConsumptionFormValueInput, errs *domain.FieldErrors) []store.PreConsumptionFormValue {
	var out []store.PreConsumptionFormValue
	for i, v := range in {
		at := fmt.Sprintf("customFormValues[%d].", i)
		errs.Required(at+"identifier", v.Identifier)
		details := v.DetailFieldValues
		if details == nil {
			details = []map[string]any{}
		}
		for j, row := range details {
			for _, name := range slices.Sorted(maps.Keys(row)) {
				if _, ok := row[name].(string); !ok {
					errs.Add(fmt.Sprintf("%sdetailFieldValues[%d].%s", at, j, name), "must be a string")
				}
			}
		}
		data, _ := json.Marshal(details) // strings only, once checked
		out = append(out, store.PreConsumptionFormValue{Identifier: v.Identifier, Value: v.Value, DetailFieldValues: data})
	}
	return out
}

// companions checks each accompanying person's configuration, and the employee of an internal one.
func companions(in []PreConsumptionCompanionInput, refs preConsumptionRefs, errs *domain.FieldErrors) []store.PreConsumptionCompanion {
	var out []store.PreConsumptionCompanion
	for i, a := range in {
		at := fmt.Sprintf("accompaniedUserList[%d].", i)
		rule, ruleKnown := refs.associateRules[a.AssociateRuleName]
		if errs.Required(at+"associateRuleName", a.AssociateRuleName) && !ruleKnown {
			errs.Add(at+"associateRuleName", "accompanying-person configuration %q does not exist", a.AssociateRuleName)
		}
		if rule.Internal {
			if a.EmployeeID == nil || strings.TrimSpace(*a.EmployeeID) == "" {
				errs.Add(at+"employeeId", "is required for an internal accompanying person")
			} else if !inDictionary(refs.employees, *a.EmployeeID) {
				errs.Add(at+"employeeId", "employee %q does not exist", *a.EmployeeID)
			}
		}
		out = append(out, store.PreConsumptionCompanion{
			EmployeeID: a.EmployeeID, AssociateRuleName: a.AssociateRuleName, Name: a.Name, Rank: a.Rank, Department: a.Department,
			Company: a.Company, IdentityNo: a.IdentityNo, FirstName: a.FirstName, MiddleName: a.MiddleName, LastName: a.LastName,
		})
	}
	return out
}

// toStore checks a loan: its type exists (disabled types too); its mode, by default the type's,
// decides its currency — the business entity's reimbursement currency for FORM, its base currency
// for POOL — and whether it has an expected repayment date (FORM: required, POOL: refused).
func (l PreConsumptionLoanInput) toStore(at string, refs preConsumptionRefs, entity store.ExpenseEntity, entityKnown bool, errs *domain.FieldErrors) store.PreConsumptionLoan {
	loanType, typeKnown := refs.loanTypes[l.LoanTypeBizCode]
	if errs.Required(at+"loanTypeBizCode", l.LoanTypeBizCode) && !typeKnown {
		errs.Add(at+"loanTypeBizCode", "loan type %q does not exist", l.LoanTypeBizCode)
	}
	errs.Money(at+"loanAmount", l.LoanAmount)
	mode := loanType.Mode
	if l.LoanTypeMode != nil {
		mode = *l.LoanTypeMode
		if mode != LoanModePool && mode != LoanModeForm {
			errs.Add(at+"loanTypeMode", "must be POOL or FORM")
		}
	}
	currencyGiven := errs.Required(at+"currency", l.Currency)
	switch mode {
	case LoanModeForm:
		if currencyGiven && entityKnown && l.Currency != entity.ReimbursementCurrency {
			errs.Add(at+"currency", "a FORM loan must be in the business entity's reimbursement currency %s", entity.ReimbursementCurrency)
		}
		if l.LoanRepaymentDate == nil {
			errs.Add(at+"loanRepaymentDate", "is required for a FORM loan")
		}
	case LoanModePool:
		if currencyGiven && entityKnown && l.Currency != entity.BaseCurrency {
			errs.Add(at+"currency", "a POOL loan must be in the business entity's base currency %s", entity.BaseCurrency)
		}
		if l.LoanRepaymentDate != nil {
			errs.Add(at+"loanRepaymentDate", "must not be given for a POOL loan")
		}
	}
	return store.PreConsumptionLoan{
		LoanTypeBizCode: l.LoanTypeBizCode, LoanAmount: l.LoanAmount, LoanTypeMode: mode, Currency: l.Currency, LoanRepaymentDate: l.LoanRepaymentDate,
	}
}

// describeFields says what is wrong with a request's fields, each named: "field: problem; …".
func describeFields(errs []domain.FieldError) string {
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.Field + ": " + e.Message
	}
	return strings.Join(parts, "; ")
}
