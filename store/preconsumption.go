package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/lib/pq"
	"github.com/shopspring/decimal"
)

// The corporate expense system's dictionaries, which its pre-consumption requests name by code.

// ExpenseEmployee is an employee of the expense system, by employee number.
type ExpenseEmployee struct {
	Code string `db:"code"`
	Name string `db:"name"`
}

// ExpenseDepartment is a department.
type ExpenseDepartment struct {
	BizCode string `db:"biz_code"`
	Name    string `db:"name"`
}

// ExpenseEntity is a business entity (subsidiary) and its currencies.
type ExpenseEntity struct {
	BizCode               string `db:"biz_code"`
	Name                  string `db:"name"`
	BaseCurrency          string `db:"base_currency"`
	ReimbursementCurrency string `db:"reimbursement_currency"`
}

// ExpenseFeeType is a fee type of expenses.
type ExpenseFeeType struct {
	BizCode string `db:"biz_code"`
	Name    string `db:"name"`
}

// ExpenseLoanType is a type of employees' private loans: POOL or FORM managed.
type ExpenseLoanType struct {
	BizCode string `db:"biz_code"`
	Name    string `db:"name"`
	Mode    string `db:"mode"`
	Enabled bool   `db:"enabled"`
}

// ExpenseCostTrackingItem is an option of a cost tracking.
type ExpenseCostTrackingItem struct {
	TrackingName string `db:"tracking_name"`
	BizCode      string `db:"biz_code"`
	Name         string `db:"name"`
}

// ExpenseFormSubtype is a form subtype and its switches.
type ExpenseFormSubtype struct {
	BizCode          string `db:"biz_code"`
	Name             string `db:"name"`
	HandlersEnabled  bool   `db:"handlers_enabled"`
	AcceptCcyEnabled bool   `db:"accept_ccy_enabled"`
	ExpensesRequired bool   `db:"expenses_required"`
}

// ExpenseAssociateRule is an accompanying-person configuration.
type ExpenseAssociateRule struct {
	Name     string `db:"name"`
	Internal bool   `db:"internal"`
}

// ExpenseDictionaries are entries of the expense system's dictionaries.
type ExpenseDictionaries struct {
	Currencies        []string
	Employees         []ExpenseEmployee
	Departments       []ExpenseDepartment
	Entities          []ExpenseEntity
	FeeTypes          []ExpenseFeeType
	LoanTypes         []ExpenseLoanType
	CostTrackingItems []ExpenseCostTrackingItem
	FormSubtypes      []ExpenseFormSubtype
	AssociateRules    []ExpenseAssociateRule
}

// ExpenseCodes are codes to look up in the dictionaries; cost tracking items by their own code.
type ExpenseCodes struct {
	Currencies, Employees, Departments, Entities, FeeTypes, LoanTypes, CostTrackingItems, FormSubtypes, AssociateRules []string
}

// AddExpenseDictionaries adds the entries that are missing; existing ones are left as they are.
func (q Queries) AddExpenseDictionaries(ctx context.Context, d ExpenseDictionaries) error {
	var err error
	insert := func(query string, args ...any) {
		if err == nil {
			_, err = q.exec(ctx, query+` ON CONFLICT DO NOTHING`, args...)
		}
	}
	for _, c := range d.Currencies {
		insert(`INSERT INTO expense_currencies (code) VALUES ($1)`, c)
	}
	for _, e := range d.Employees {
		insert(`INSERT INTO expense_employees (code, name) VALUES ($1, $2)`, e.Code, e.Name)
	}
	for _, e := range d.Departments {
		insert(`INSERT INTO expense_departments (biz_code, name) VALUES ($1, $2)`, e.BizCode, e.Name)
	}
	for _, e := range d.Entities {
		insert(`INSERT INTO expense_entities (biz_code, name, base_currency, reimbursement_currency) VALUES ($1, $2, $3, $4)`,
			e.BizCode, e.Name, e.BaseCurrency, e.ReimbursementCurrency)
	}
	for _, e := range d.FeeTypes {
		insert(`INSERT INTO expense_fee_types (biz_code, name) VALUES ($1, $2)`, e.BizCode, e.Name)
	}
	for _, e := range d.LoanTypes {
		insert(`INSERT INTO expense_loan_types (biz_code, name, mode, enabled) VALUES ($1, $2, $3, $4)`, e.BizCode, e.Name, e.Mode, e.Enabled)
	}
	for _, e := range d.CostTrackingItems {
		insert(`INSERT INTO expense_cost_tracking_items (tracking_name, biz_code, name) VALUES ($1, $2, $3)`, e.TrackingName, e.BizCode, e.Name)
	}
	for _, e := range d.FormSubtypes {
		insert(`INSERT INTO expense_form_subtypes (biz_code, name, handlers_enabled, accept_ccy_enabled, expenses_required)
			VALUES ($1, $2, $3, $4, $5)`, e.BizCode, e.Name, e.HandlersEnabled, e.AcceptCcyEnabled, e.ExpensesRequired)
	}
	for _, e := range d.AssociateRules {
		insert(`INSERT INTO expense_associate_rules (name, internal) VALUES ($1, $2)`, e.Name, e.Internal)
	}
	return err
}

// ExpenseEntries returns the dictionary entries of the given codes that exist: one statement per
// dictionary with codes to look up.
func (q Queries) ExpenseEntries(ctx context.Context, c ExpenseCodes) (ExpenseDictionaries, error) {
	var d ExpenseDictionaries
	for _, l := range []struct {
		dest  any
		query string
		codes []string
	}{
		{&d.Currencies, `SELECT code FROM expense_currencies WHERE code = ANY($1)`, c.Currencies},
		{&d.Employees, `SELECT code, name FROM expense_employees WHERE code = ANY($1)`, c.Employees},
		{&d.Departments, `SELECT biz_code, name FROM expense_departments WHERE biz_code = ANY($1)`, c.Departments},
		{&d.Entities, `SELECT biz_code, name, base_currency, reimbursement_currency FROM expense_entities WHERE biz_code = ANY($1)`, c.Entities},
		{&d.FeeTypes, `SELECT biz_code, name FROM expense_fee_types WHERE biz_code = ANY($1)`, c.FeeTypes},
		{&d.LoanTypes, `SELECT biz_code, name, mode, enabled FROM expense_loan_types WHERE biz_code = ANY($1)`, c.LoanTypes},
		{&d.CostTrackingItems, `SELECT tracking_name, biz_code, name FROM expense_cost_tracking_items WHERE biz_code = ANY($1)`, c.CostTrackingItems},
		{&d.FormSubtypes, `SELECT biz_code, name, handlers_enabled, accept_ccy_enabled, expenses_required FROM expense_form_subtypes
			WHERE biz_code = ANY($1)`, c.FormSubtypes},
		{&d.AssociateRules, `SELECT name, internal FROM expense_associate_rules WHERE name = ANY($1)`, c.AssociateRules},
	} {
		if len(l.codes) == 0 {
			continue
		}
		if err := q.sel(ctx, l.dest, l.query, stringArray(l.codes)); err != nil {
			return d, err
		}
	}
	return d, nil
}

// PreConsumption is a pre-consumption (expense pre-approval) request of the expense system, by its
// document number (BusinessCode). Amounts are in Currency, the business entity's base currency.
type PreConsumption struct {
	ID                 int64           `db:"id"`
	BusinessCode       string          `db:"business_code"`
	Name               string          `db:"name"`
	UserEmployeeID     string          `db:"user_employee_id"`
	DepartmentBizCode  string          `db:"department_biz_code"`
	SubsidiaryBizCode  string          `db:"subsidiary_biz_code"`
	Amount             decimal.Decimal `db:"amount"`
	ApprovedAmount     decimal.Decimal `db:"approved_amount"`
	Currency           string          `db:"currency"`
	AcceptCcy          *string         `db:"accept_ccy"`
	SubmittedAt        *time.Time      `db:"submitted_at"`
	SentAt             *time.Time      `db:"sent_at"` // the batch's timestamp
	CorrelationPattern *string         `db:"correlation_pattern"`
	FormSubTypeBizCode *string         `db:"form_sub_type_biz_code"`
	Comments           *string         `db:"comments"`
	HandleList         pq.StringArray  `db:"handle_list"`
	Revision           int             `db:"revision"`
	CreatedAt          time.Time       `db:"created_at"`
	UpdatedAt          time.Time       `db:"updated_at"`

	// Its parts, in the order sent: saved with it, read by FillPreConsumptionParts.
	CostTrackings       []PreConsumptionCostTracking `db:"-"`
	Expenses            []PreConsumptionExpense      `db:"-"`
	UserLoans           []PreConsumptionLoan         `db:"-"`
	CustomFormValues    []PreConsumptionFormValue    `db:"-"`
	AccompaniedUserList []PreConsumptionCompanion    `db:"-"`
}

// PreConsumptionCostTracking charges a request to an option of a cost tracking.
type PreConsumptionCostTracking struct {
	PreConsumptionID        int64  `db:"pre_consumption_id"`
	CostTrackingName        string `db:"cost_tracking_name"`
	CostTrackingItemBizCode string `db:"cost_tracking_item_biz_code"`
}

// PreConsumptionExpense is an expense line of a request.
type PreConsumptionExpense struct {
	PreConsumptionID int64           `db:"pre_consumption_id"`
	FeeTypeBizCode   string          `db:"fee_type_biz_code"`
	Amount           decimal.Decimal `db:"amount"`
	ApprovedAmount   decimal.Decimal `db:"approved_amount"`
	Currency         string          `db:"currency"`
	ConsumeTime      time.Time       `db:"consume_time"`
}

// PreConsumptionLoan is an employee's loan (cash advance) a request carries.
type PreConsumptionLoan struct {
	PreConsumptionID  int64           `db:"pre_consumption_id"`
	LoanTypeBizCode   string          `db:"loan_type_biz_code"`
	LoanAmount        decimal.Decimal `db:"loan_amount"`
	LoanTypeMode      string          `db:"loan_type_mode"`
	Currency          string          `db:"currency"`
	LoanRepaymentDate *time.Time      `db:"loan_repayment_date"`
}

// PreConsumptionFormValue is the value of a custom form field; DetailFieldValues a JSON list of
// string maps.
type PreConsumptionFormValue struct {
	PreConsumptionID  int64           `db:"pre_consumption_id"`
	Identifier        string          `db:"identifier"`
	Value             *string         `db:"value"`
	DetailFieldValues json.RawMessage `db:"detail_field_values"`
}

// PreConsumptionCompanion is a person accompanying the employee.
type PreConsumptionCompanion struct {
	PreConsumptionID  int64   `db:"pre_consumption_id"`
	EmployeeID        *string `db:"employee_id"`
	AssociateRuleName string  `db:"associate_rule_name"`
	Name              *string `db:"name"`
	Rank              *string `db:"rank"`
	Department        *string `db:"department"`
	Company           *string `db:"company"`
	IdentityNo        *string `db:"identity_no"`
	FirstName         *string `db:"first_name"`
	MiddleName        *string `db:"middle_name"`
	LastName          *string `db:"last_name"`
}

const (
	preConsumptionColumns = `id, business_code, name, user_employee_id, department_biz_code, subsidiary_biz_code, amount,
		approved_amount, currency, accept_ccy, submitted_at, sent_at, correlation_pattern, form_sub_type_biz_code, comments,
		handle_list, revision, created_at, updated_at`
	costTrackingColumns = `pre_consumption_id, cost_tracking_name, cost_tracking_item_biz_code`
	expenseColumns      = `pre_consumption_id, fee_type_biz_code, amount, approved_amount, currency, consume_time`
	userLoanColumns     = `pre_consumption_id, loan_type_biz_code, loan_amount, loan_type_mode, currency, loan_repayment_date`
	formValueColumns    = `pre_consumption_id, identifier, value, detail_field_values`
	companionColumns    = `pre_consumption_id, employee_id, associate_rule_name, name, rank, department, company, identity_no,
		first_name, middle_name, last_name`
)

// SavePreConsumption stores a request with its parts: a new business code is inserted, a stored
// one replaced whole (its parts too) and its revision counted. It returns the request's row.
func (q Queries) SavePreConsumption(ctx context.Context, p PreConsumption) (PreConsumption, error) {
	var out PreConsumption
	err := q.get(ctx, &out, `
		INSERT INTO pre_consumptions (business_code, name, user_employee_id, department_biz_code, subsidiary_biz_code, amount,
			approved_amount, currency, accept_ccy, submitted_at, sent_at, correlation_pattern, form_sub_type_biz_code, comments, handle_list)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (business_code) DO UPDATE SET name = excluded.name, user_employee_id = excluded.user_employee_id,
			department_biz_code = excluded.department_biz_code, subsidiary_biz_code = excluded.subsidiary_biz_code,
			amount = excluded.amount, approved_amount = excluded.approved_amount, currency = excluded.currency,
			accept_ccy = excluded.accept_ccy, submitted_at = excluded.submitted_at, sent_at = excluded.sent_at,
			correlation_pattern = excluded.correlation_pattern, form_sub_type_biz_code = excluded.form_sub_type_biz_code,
			comments = excluded.comments, handle_list = excluded.handle_list, revision = pre_consumptions.revision + 1,
			updated_at = now()
		RETURNING `+preConsumptionColumns,
		p.BusinessCode, p.Name, p.UserEmployeeID, p.DepartmentBizCode, p.SubsidiaryBizCode, p.Amount, p.ApprovedAmount,
		p.Currency, p.AcceptCcy, p.SubmittedAt, p.SentAt, p.CorrelationPattern, p.FormSubTypeBizCode, p.Comments, stringArray(p.HandleList))
	if err != nil {
		return out, err
	}
	insert := func(query string, args ...any) {
		if err == nil {
			_, err = q.exec(ctx, query, args...)
		}
	}
	if out.Revision > 1 {
		insert(`WITH cost_trackings AS (DELETE FROM pre_consumption_cost_trackings WHERE pre_consumption_id = $1),
			expenses AS (DELETE FROM pre_consumption_expenses WHERE pre_consumption_id = $1),
			loans AS (DELETE FROM pre_consumption_loans WHERE pre_consumption_id = $1),
			form_values AS (DELETE FROM pre_consumption_form_values WHERE pre_consumption_id = $1)
			DELETE FROM pre_consumption_companions WHERE pre_consumption_id = $1`, out.ID)
	}
	for _, c := range p.CostTrackings {
		insert(`INSERT INTO pre_consumption_cost_trackings (`+costTrackingColumns+`) VALUES ($1, $2, $3)`,
			out.ID, c.CostTrackingName, c.CostTrackingItemBizCode)
	}
	for _, e := range p.Expenses {
		insert(`INSERT INTO pre_consumption_expenses (`+expenseColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
			out.ID, e.FeeTypeBizCode, e.Amount, e.ApprovedAmount, e.Currency, e.ConsumeTime)
	}
	for _, l := range p.UserLoans {
		insert(`INSERT INTO pre_consumption_loans (`+userLoanColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
			out.ID, l.LoanTypeBizCode, l.LoanAmount, l.LoanTypeMode, l.Currency, l.LoanRepaymentDate)
	}
	for _, v := range p.CustomFormValues {
		insert(`INSERT INTO pre_consumption_form_values (`+formValueColumns+`) VALUES ($1, $2, $3, $4)`,
			out.ID, v.Identifier, v.Value, v.DetailFieldValues)
	}
	for _, c := range p.AccompaniedUserList {
		insert(`INSERT INTO pre_consumption_companions (`+companionColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			out.ID, c.EmployeeID, c.AssociateRuleName, c.Name, c.Rank, c.Department, c.Company, c.IdentityNo, c.FirstName, c.MiddleName, c.LastName)
	}
	return out, err
}

// PreConsumptionByCode returns the request of a business code, without its parts.
func (q Queries) PreConsumptionByCode(ctx context.Context, businessCode string) (PreConsumption, error) {
	var p PreConsumption
	err := q.get(ctx, &p, `SELECT `+preConsumptionColumns+` FROM pre_consumptions WHERE business_code = $1`, businessCode)
	return p, err
}

// PreConsumptionFilter narrows the list of requests; AfterID is the keyset cursor (ids below it).
type PreConsumptionFilter struct {
	UserEmployeeID    *string
	DepartmentBizCode *string
	SubsidiaryBizCode *string
	AfterID           int64
	Limit             int
}

// PreConsumptions lists requests newest first, without their parts.
func (q Queries) PreConsumptions(ctx context.Context, f PreConsumptionFilter) ([]PreConsumption, error) {
	var ps []PreConsumption
	err := q.sel(ctx, &ps, `SELECT `+preConsumptionColumns+` FROM pre_consumptions
		WHERE ($1::text IS NULL OR user_employee_id = $1)
		  AND ($2::text IS NULL OR department_biz_code = $2)
		  AND ($3::text IS NULL OR subsidiary_biz_code = $3)
		  AND ($4::bigint = 0 OR id < $4)
		ORDER BY id DESC LIMIT $5`, f.UserEmployeeID, f.DepartmentBizCode, f.SubsidiaryBizCode, f.AfterID, f.Limit)
	return ps, err
}

// FillPreConsumptionParts reads the parts of the given requests into them: one statement per kind
// of part, however many requests.
func (q Queries) FillPreConsumptionParts(ctx context.Context, ps []PreConsumption) error {
	if len(ps) == 0 {
		return nil
	}
	ids := make([]int64, len(ps))
	byID := make(map[int64]*PreConsumption, len(ps))
	for i := range ps {
		ids[i], byID[ps[i].ID] = ps[i].ID, &ps[i]
	}
	return errors.Join(
		readParts(ctx, q, ids, "pre_consumption_cost_trackings", costTrackingColumns, func(c PreConsumptionCostTracking) {
			p := byID[c.PreConsumptionID]
			p.CostTrackings = append(p.CostTrackings, c)
		}),
		readParts(ctx, q, ids, "pre_consumption_expenses", expenseColumns, func(e PreConsumptionExpense) {
			p := byID[e.PreConsumptionID]
			p.Expenses = append(p.Expenses, e)
		}),
		readParts(ctx, q, ids, "pre_consumption_loans", userLoanColumns, func(l PreConsumptionLoan) {
			p := byID[l.PreConsumptionID]
			p.UserLoans = append(p.UserLoans, l)
		}),
		readParts(ctx, q, ids, "pre_consumption_form_values", formValueColumns, func(v PreConsumptionFormValue) {
			p := byID[v.PreConsumptionID]
			p.CustomFormValues = append(p.CustomFormValues, v)
		}),
		readParts(ctx, q, ids, "pre_consumption_companions", companionColumns, func(c PreConsumptionCompanion) {
			p := byID[c.PreConsumptionID]
			p.AccompaniedUserList = append(p.AccompaniedUserList, c)
		}),
	)
}

// readParts reads one kind of part of the requests ids, in the order sent, handing each to attach.
func readParts[T any](ctx context.Context, q Queries, ids []int64, table, columns string, attach func(T)) error {
	var parts []T
	if err := q.sel(ctx, &parts, `SELECT `+columns+` FROM `+table+` WHERE pre_consumption_id = ANY($1) ORDER BY id`, pq.Array(ids)); err != nil {
		return err
	}
	for _, part := range parts {
		attach(part)
	}
	return nil
}
