package domain

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/shopspring/decimal"
)

// FieldError names a bad field of a request and says what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// FieldErrors collects field errors in order.
type FieldErrors []FieldError

func (f *FieldErrors) Add(field, format string, args ...any) {
	*f = append(*f, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (f *FieldErrors) Required(field, value string) bool {
	if strings.TrimSpace(value) == "" {
		f.Add(field, "is required")
		return false
	}
	return true
}

func (f *FieldErrors) Date(field, value string, need bool) (time.Time, bool) {
	if value == "" {
		if need {
			f.Add(field, "is required")
		}
		return time.Time{}, false
	}
	d, err := time.Parse(time.DateOnly, value)
	if err != nil {
		f.Add(field, "must be a date YYYY-MM-DD")
		return time.Time{}, false
	}
	return d, true
}

// OptionalDate is the date a YYYY-MM-DD string holds, or nil when it holds none: for values
// already checked, or that may stay unknown.
func OptionalDate(s string) *time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil
	}
	return &d
}

// latinName is the shape of dictionary codes and names: Latin letters, digits, _ and -.
var latinName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

// LatinName checks a dictionary code or name has latinName's shape.
func (f *FieldErrors) LatinName(field, value string) {
	if !latinName.MatchString(value) {
		f.Add(field, "must be Latin letters, digits, _ or -, starting with a letter")
	}
}

func (f *FieldErrors) UUID(field, value string, need bool) {
	if value == "" {
		if need {
			f.Add(field, "is required")
		}
		return
	}
	if _, err := uuid.Parse(value); err != nil || len(value) != 36 {
		f.Add(field, "must be a uuid")
	}
}

func (f *FieldErrors) Money(field string, v decimal.Decimal) {
	if problem := MoneyProblem(v); problem != "" {
		f.Add(field, "%s", problem)
	}
}

// maxMoney bounds amounts: they are stored as numeric(14, 2).
var maxMoney = decimal.New(1, 12)

// MoneyProblem says what is wrong with an amount of roubles, or "".
func MoneyProblem(v decimal.Decimal) string {
	switch {
	case v.IsNegative():
		return "must be ≥ 0"
	case !v.LessThan(maxMoney):
		return "must be less than 1000000000000"
	case !v.Equal(v.Round(2)):
		return "must have at most 2 decimal places"
	}
	return ""
}

// Invalid returns the error for a request with bad fields, naming every one of them.
func Invalid(errs []FieldError) error {
	names := make([]string, len(errs))
	for i, e := range errs {
		names[i] = e.Field + ": " + e.Message
	}
	return &Error{Code: CodeInvalid, Message: "invalid request: " + strings.Join(names, "; "), Fields: errs}
}

func (f *FieldErrors) Currency(field string, code *string) {
	if code != nil && !CurrencyCode.MatchString(*code) {
		f.Add(field, "must be a currency code such as RUB")
	}
}

func (f *FieldErrors) IdempotencyKey(key *string) {
	if key != nil && (len(*key) < 1 || len(*key) > 100) {
		f.Add("idempotencyKey", "must be 1 to 100 characters")
	}
}

func (f *FieldErrors) PositiveMoney(field string, v decimal.Decimal) {
	if !v.IsPositive() {
		f.Add(field, "must be > 0")
	} else {
		f.Money(field, v)
	}
}

// panLike is a run of digits as long as a card number, with or without separators.
var panLike = regexp.MustCompile(`(?:\d[ -]?){12,19}`)

// NoCardNumber refuses each field that carries what looks like a full card number, before anything
// is written or logged.
func (f *FieldErrors) NoCardNumber(prefix string, fields map[string]*string) {
	for field, v := range fields {
		if v != nil && panLike.MatchString(*v) {
			f.Add(prefix+field, "must not contain a card number: only the BIN and the last four digits are kept")
		}
	}
}

func ValidUUID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

var CurrencyCode = regexp.MustCompile(`^[A-Z]{3}$`)
