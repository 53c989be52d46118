package registry

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"lendgraph/domain"
	"lendgraph/store"
)

// IncomeImportResult is what became of one row of an income import.
type IncomeImportResult struct {
	Line       int
	CustomerID int64
	Status     string      // SUCCESS or ERROR
	Code       domain.Code // why a row failed
	Message    string
}

// incomeColumns are the columns of the income CSV; the first three are required.
var incomeColumns = []string{"customer_id", "amount_income", "amount_income_currency", "additional_income",
	"additional_income_currency", "income_source_id", "created_at"}

// ImportIncomes updates customers' incomes from a CSV (comma-separated, with a header naming the
// columns, in any order). Each row is applied in a transaction of its own: a bad row, or a row
// for a customer without an employment, fails alone and the others are kept.
func (s *Service) ImportIncomes(ctx context.Context, caller domain.Principal, r io.Reader) ([]IncomeImportResult, error) {
	if caller.Role != domain.RoleEmployee {
		return nil, domain.Errorf(domain.CodeForbidden, "only employees import incomes")
	}
	rd := csv.NewReader(r)
	rd.FieldsPerRecord = -1
	rd.TrimLeadingSpace = true
	header, err := rd.Read()
	if err != nil {
		return nil, domain.Errorf(domain.CodeInvalid, "the CSV has no header row")
	}
	col := map[string]int{}
	for i, name := range header {
		col[strings.TrimSpace(strings.TrimPrefix(name, "\ufeff"))] = i
	}
	for _, name := range incomeColumns[:3] {
		if _, ok := col[name]; !ok {
			return nil, domain.Errorf(domain.CodeInvalid, "the CSV header lacks column %s (expected %s)", name, strings.Join(incomeColumns, ","))
		}
	}
	var results []IncomeImportResult
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return results, nil
		}
		line, _ := rd.FieldPos(0) // the file's own line: the reader skips empty ones
		res := IncomeImportResult{Line: line, Status: "ERROR", Code: domain.CodeInvalid}
		var parseErr *csv.ParseError
		if errors.As(err, &parseErr) {
			res.Line = parseErr.Line
		}
		if err != nil {
			res.Message = "unreadable row: " + err.Error()
			results = append(results, res)
			continue
		}
		field := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row, err := parseIncomeRow(field)
		res.CustomerID = row.customerID
		if err == nil {
			err = s.applyIncome(ctx, caller, row)
		}
		if err != nil {
			res.Code, res.Message = domain.ErrorCode(err), domain.ErrorMessage(err)
			if res.Code == domain.CodeInternal {
				s.Log.ErrorContext(ctx, "income import row failed", "line", res.Line, "err", err)
			}
		} else {
			res.Status, res.Code = "SUCCESS", ""
		}
		results = append(results, res)
	}
}

type incomeRow struct {
	customerID         int64
	income             decimal.Decimal
	incomeCurrency     string
	additional         *decimal.Decimal
	additionalCurrency *string
	sourceID           *string
	receivedAt         *time.Time
}

func parseIncomeRow(field func(string) string) (incomeRow, error) {
	var row incomeRow
	var errs domain.FieldErrors
	id, err := strconv.ParseInt(field("customer_id"), 10, 64)
	if err != nil || id <= 0 {
		errs.Add("customer_id", "must be a customer's numeric id")
	}
	row.customerID = id
	amount := func(name string) *decimal.Decimal {
		v := field(name)
		if v == "" {
			return nil
		}
		d, err := decimal.NewFromString(v)
		if err != nil {
			errs.Add(name, "must be an amount such as 100000.50")
			return nil
		}
		if problem := domain.MoneyProblem(d); problem != "" {
			errs.Add(name, "%s", problem)
			return nil
		}
		return &d
	}
	if income := amount("amount_income"); income != nil {
		row.income = *income
	} else if field("amount_income") == "" {
		errs.Add("amount_income", "is required")
	}
	row.incomeCurrency = field("amount_income_currency")
	if !domain.CurrencyCode.MatchString(row.incomeCurrency) {
		errs.Add("amount_income_currency", "must be a currency code such as RUB")
	}
	row.additional = amount("additional_income")
	if c := field("additional_income_currency"); c != "" {
		if !domain.CurrencyCode.MatchString(c) {
			errs.Add("additional_income_currency", "must be a currency code such as RUB")
		}
		row.additionalCurrency = &c
	}
	if src := field("income_source_id"); src != "" {
		row.sourceID = &src
	}
	if at := field("created_at"); at != "" {
		t, err := time.Parse("02.01.2006 15:04:05", at)
		if err != nil {
			errs.Add("created_at", "must be a date-time dd.MM.yyyy HH:mm:ss")
		}
		row.receivedAt = &t
	}
	if len(errs) > 0 {
		return row, domain.Invalid(errs)
	}
	return row, nil
}

// applyIncome writes one row's income over the customer's employment.
func (s *Service) applyIncome(ctx context.Context, caller domain.Principal, row incomeRow) error {
	return s.Store.Tx(ctx, func(q store.Queries) error {
		if _, err := q.CustomerByID(ctx, row.customerID); errors.Is(err, store.ErrNotFound) {
			return domain.Errorf(CodeCustomerNotFound, "customer %d not found", row.customerID)
		} else if err != nil {
			return err
		}
		e, err := q.LockEmploymentOf(ctx, row.customerID)
		if errors.Is(err, store.ErrNotFound) {
			return domain.Errorf(CodeEmploymentNotFound, "customer %d has no employment to update", row.customerID)
		}
		if err != nil {
			return err
		}
		source := "income_import"
		e.Salary, e.SalaryCurrency, e.SourceName = row.income, row.incomeCurrency, &source
		if row.additional != nil {
			e.ExtraSalary, e.ExtraSalaryCurrency = row.additional, row.additionalCurrency
		}
		if row.sourceID != nil {
			e.SourceID = row.sourceID
		}
		if e, err = q.UpdateEmployment(ctx, e); err != nil {
			return err
		}
		return domain.Audit(ctx, q, caller, "importIncome", "employment", e.GUID, map[string]any{
			"customerId": row.customerID, "salary": row.income, "salaryCurrency": row.incomeCurrency,
			"extraSalary": row.additional, "sourceId": row.sourceID, "receivedAt": row.receivedAt,
		})
	})
}
