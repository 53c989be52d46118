package otp

import (
	"context"
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"lendgraph/domain"
	"lendgraph/store"
)

// Codes of the OTP service's settings.
const (
	CodeOTPPurposeNotFound      domain.Code = "OTP_PURPOSE_NOT_FOUND"
	CodeOTPPurposeAlreadyExists domain.Code = "OTP_PURPOSE_ALREADY_EXISTS"
	CodeOTPRuleNotFound         domain.Code = "OTP_RULE_NOT_FOUND"
	CodeOTPExceptionNotFound    domain.Code = "OTP_EXCEPTION_NOT_FOUND"
)

// GuessingDays is how many days, on average, a guesser needs to hit a code of a purpose at the
// most its limits allow. Whatever codes it gets, a phone may enter FailureLimit wrong codes per
// FailureWindowSeconds; a guess hits with probability 1/10^Length, so half the code space,
// 10^Length / 2 guesses, is a generous expectation for the guesser. AUTH by default: 10^6 / 2 /
// 10 per day = 50,000 days, 137 years; the target is more than 365.
func GuessingDays(p store.OTPSettings) float64 {
	guesses := math.Pow(10, float64(p.Length)) / 2
	return guesses / float64(p.FailureLimit) * float64(p.FailureWindowSeconds) / 86400
}

// PurposeInput creates or changes a purpose; nil fields keep what is there (or the default).
type PurposeInput struct {
	Name                  string
	Title                 *string
	Enabled               *bool
	CodeLength            *int
	TTLSeconds            *int
	AttemptsPerCode       *int
	ResendIntervalSeconds *int
	FailureLimit          *int
	FailureWindowSeconds  *int
	SMSTemplate           *string
}

// RuleInput creates (Purpose) or changes (ID) a rule; nil fields keep what is there (or the default).
type RuleInput struct {
	ID              int64
	Purpose         string
	ByPhone         *bool
	ByDeviceID      *bool
	IPMask          *string
	Requests        *int
	IntervalSeconds *int
	Enabled         *bool
}

// ExceptionInput exempts a phone with a fixed code.
type ExceptionInput struct {
	Phone string
	Code  string
}

var (
	purposeName = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,31}$`)
	fixedCode   = regexp.MustCompile(`^[0-9]{4,8}$`)
)

func employeeOnly(caller domain.Principal) error {
	if caller.Role != domain.RoleEmployee {
		return domain.Errorf(domain.CodeForbidden, "only employees manage one-time codes")
	}
	return nil
}

// Purposes lists every purpose.
func (s *Service) Purposes(ctx context.Context, caller domain.Principal) ([]store.OTPSettings, error) {
	if err := employeeOnly(caller); err != nil {
		return nil, err
	}
	return s.Store.OTPPurposes(ctx)
}

// Purpose returns one purpose.
func (s *Service) Purpose(ctx context.Context, caller domain.Principal, name string) (store.OTPSettings, error) {
	if err := employeeOnly(caller); err != nil {
		return store.OTPSettings{}, err
	}
	return purposeByName(ctx, name, s.Store.OTPSettingsFor)
}

// purposeByName finds a purpose with find: a name that is no purpose's, or cannot be one, is
// OTP_PURPOSE_NOT_FOUND.
func purposeByName(ctx context.Context, name string, find func(context.Context, string) (store.OTPSettings, error)) (store.OTPSettings, error) {
	if !purposeName.MatchString(name) {
		return store.OTPSettings{}, domain.Errorf(CodeOTPPurposeNotFound, "no OTP purpose %q", name)
	}
	p, err := find(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		err = domain.Errorf(CodeOTPPurposeNotFound, "no OTP purpose %q", name)
	}
	return p, err
}

// CreatePurpose adds a purpose.
func (s *Service) CreatePurpose(ctx context.Context, caller domain.Principal, in PurposeInput) (store.OTPSettings, error) {
	if err := employeeOnly(caller); err != nil {
		return store.OTPSettings{}, err
	}
	p := store.OTPSettings{Purpose: in.Name, Enabled: true, FailureLimit: 10, FailureWindowSeconds: 86400}
	var errs domain.FieldErrors
	if !purposeName.MatchString(in.Name) {
		errs.Add("name", "must be upper-case letters, digits and _, starting with a letter, at most 32")
	}
	for field, missing := range map[string]bool{"codeLength": in.CodeLength == nil, "ttlSeconds": in.TTLSeconds == nil,
		"attemptsPerCode": in.AttemptsPerCode == nil, "smsTemplate": in.SMSTemplate == nil} {
		if missing {
			errs.Add(field, "is required")
		}
	}
	in.apply(&p, &errs)
	if len(errs) > 0 {
		return store.OTPSettings{}, domain.Invalid(sortFields(errs))
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.OTPSettings, error) {
		ok, err := q.InsertOTPPurpose(ctx, p)
		if err == nil && !ok {
			err = domain.Errorf(CodeOTPPurposeAlreadyExists, "OTP purpose %s exists already", p.Purpose)
		}
		if err == nil {
			err = domain.Audit(ctx, q, caller, "createOtpPurpose", "otp_purpose", p.Purpose, p)
		}
		return p, err
	})
}

// UpdatePurpose changes the settings given.
func (s *Service) UpdatePurpose(ctx context.Context, caller domain.Principal, in PurposeInput) (store.OTPSettings, error) {
	if err := employeeOnly(caller); err != nil {
		return store.OTPSettings{}, err
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.OTPSettings, error) {
		p, err := purposeByName(ctx, in.Name, q.OTPPurposeForUpdate)
		if err != nil {
			return p, err
		}
		var errs domain.FieldErrors
		in.apply(&p, &errs)
		if len(errs) > 0 {
			return p, domain.Invalid(sortFields(errs))
		}
		if err := q.UpdateOTPPurpose(ctx, p); err != nil {
			return p, err
		}
		return p, domain.Audit(ctx, q, caller, "updateOtpPurpose", "otp_purpose", p.Purpose, in)
	})
}

// SetPurposeEnabled switches sending codes of a purpose on or off.
func (s *Service) SetPurposeEnabled(ctx context.Context, caller domain.Principal, name string, enabled bool) (store.OTPSettings, error) {
	return s.UpdatePurpose(ctx, caller, PurposeInput{Name: name, Enabled: &enabled})
}

// apply checks the fields given and writes them into p.
func (in PurposeInput) apply(p *store.OTPSettings, errs *domain.FieldErrors) {
	if in.Title != nil {
		if len([]rune(*in.Title)) > 200 || !printable(*in.Title) {
			errs.Add("title", "must be at most 200 printable characters")
		}
		p.Title = *in.Title
	}
	if in.Enabled != nil {
		p.Enabled = *in.Enabled
	}
	bounded(errs, "codeLength", in.CodeLength, 4, 8, &p.Length)
	bounded(errs, "ttlSeconds", in.TTLSeconds, 10, 86400, &p.TTLSeconds)
	bounded(errs, "attemptsPerCode", in.AttemptsPerCode, 1, 10, &p.MaxAttempts)
	bounded(errs, "resendIntervalSeconds", in.ResendIntervalSeconds, 0, 86400, &p.ResendSeconds)
	bounded(errs, "failureLimit", in.FailureLimit, 1, 1000, &p.FailureLimit)
	bounded(errs, "failureWindowSeconds", in.FailureWindowSeconds, 60, 31536000, &p.FailureWindowSeconds)
	if in.SMSTemplate != nil {
		switch t := *in.SMSTemplate; {
		case !strings.Contains(t, "{code}"):
			errs.Add("smsTemplate", "must contain {code}")
		case len([]rune(t)) > 500 || !utf8.ValidString(t) || strings.ContainsRune(t, 0):
			errs.Add("smsTemplate", "must be at most 500 characters, without NUL")
		default:
			p.SMSTemplate = t
		}
	}
}

func bounded(errs *domain.FieldErrors, field string, v *int, lo, hi int, dst *int) {
	if v == nil {
		return
	}
	if *v < lo || *v > hi {
		errs.Add(field, "must be between %d and %d", lo, hi)
		return
	}
	*dst = *v
}

// sortFields orders field errors by name, so that a message is the same for the same request.
func sortFields(errs domain.FieldErrors) []domain.FieldError {
	out := []domain.FieldError(errs)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Field < out[j-1].Field; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Rules lists a purpose's rules.
func (s *Service) Rules(ctx context.Context, caller domain.Principal, purpose string) ([]store.OTPRule, error) {
	if err := employeeOnly(caller); err != nil {
		return nil, err
	}
	if _, err := s.Purpose(ctx, caller, purpose); err != nil {
		return nil, err
	}
	return s.Store.OTPRules(ctx, purpose, false)
}

// CreateRule adds a rule to a purpose.
func (s *Service) CreateRule(ctx context.Context, caller domain.Principal, in RuleInput) (store.OTPRule, error) {
	if err := employeeOnly(caller); err != nil {
		return store.OTPRule{}, err
	}
	r := store.OTPRule{Purpose: in.Purpose, Enabled: true}
	var errs domain.FieldErrors
	if !purposeName.MatchString(in.Purpose) {
		errs.Add("purpose", "must name a purpose: upper-case letters, digits and _")
	}
	if in.Requests == nil {
		errs.Add("requests", "is required")
	}
	if in.IntervalSeconds == nil {
		errs.Add("intervalSeconds", "is required")
	}
	in.apply(&r, &errs)
	if len(errs) > 0 {
		return r, domain.Invalid(sortFields(errs))
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.OTPRule, error) {
		if _, err := purposeByName(ctx, in.Purpose, q.OTPPurposeForUpdate); err != nil {
			return r, err
		}
		out, err := q.InsertOTPRule(ctx, r)
		if err == nil {
			err = domain.Audit(ctx, q, caller, "createOtpRule", "otp_rule", strconv.FormatInt(out.ID, 10), out)
		}
		return out, err
	})
}

// UpdateRule changes the fields given of a rule.
func (s *Service) UpdateRule(ctx context.Context, caller domain.Principal, in RuleInput) (store.OTPRule, error) {
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.OTPRule, error) {
		r, err := q.OTPRuleForUpdate(ctx, in.ID)
		if errors.Is(err, store.ErrNotFound) {
			return r, domain.Errorf(CodeOTPRuleNotFound, "no OTP rule %d", in.ID)
		}
		if err != nil {
			return r, err
		}
		var errs domain.FieldErrors
		in.apply(&r, &errs)
		if len(errs) > 0 {
			return r, domain.Invalid(sortFields(errs))
		}
		out, err := q.UpdateOTPRule(ctx, r)
		if err == nil {
			err = domain.Audit(ctx, q, caller, "updateOtpRule", "otp_rule", strconv.FormatInt(out.ID, 10), out)
		}
		return out, err
	})
}

// DeleteRule removes a rule.
func (s *Service) DeleteRule(ctx context.Context, caller domain.Principal, id int64) error {
	_, err := domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (struct{}, error) {
		err := q.DeleteOTPRule(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return struct{}{}, domain.Errorf(CodeOTPRuleNotFound, "no OTP rule %d", id)
		}
		if err == nil {
			err = domain.Audit(ctx, q, caller, "deleteOtpRule", "otp_rule", strconv.FormatInt(id, 10), nil)
		}
		return struct{}{}, err
	})
	return err
}

func (in RuleInput) apply(r *store.OTPRule, errs *domain.FieldErrors) {
	if in.ByPhone != nil {
		r.ByPhone = *in.ByPhone
	}
	if in.ByDeviceID != nil {
		r.ByDevice = *in.ByDeviceID
	}
	if in.IPMask != nil {
		mask := strings.TrimSpace(*in.IPMask)
		if _, err := ParseIPMask(mask); mask != "" && err != nil {
			errs.Add("ipMask", "must be empty, a CIDR network (192.22.22.0/24), an address or a netmask (255.255.255.255)")
		} else {
			r.IPMask = mask
		}
	}
	bounded(errs, "requests", in.Requests, 1, 1000000, &r.MaxRequests)
	bounded(errs, "intervalSeconds", in.IntervalSeconds, 1, 2592000, &r.IntervalSeconds)
	if in.Enabled != nil {
		r.Enabled = *in.Enabled
	}
}

// Exceptions lists the exempt phones.
func (s *Service) Exceptions(ctx context.Context, caller domain.Principal) ([]store.OTPException, error) {
	if err := employeeOnly(caller); err != nil {
		return nil, err
	}
	return s.Store.OTPExceptions(ctx)
}

// PutException exempts a phone with a fixed code, or changes its code.
func (s *Service) PutException(ctx context.Context, caller domain.Principal, in ExceptionInput) (store.OTPException, error) {
	if err := employeeOnly(caller); err != nil {
		return store.OTPException{}, err
	}
	var errs domain.FieldErrors
	phone, err := domain.NormalizePhone(in.Phone)
	if err != nil {
		errs.Add("phone", "%s", domain.ErrorMessage(err))
	}
	if !fixedCode.MatchString(in.Code) {
		errs.Add("code", "must be 4 to 8 digits")
	}
	if len(errs) > 0 {
		return store.OTPException{}, domain.Invalid(errs)
	}
	e := store.OTPException{Phone: phone, Code: in.Code}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.OTPException, error) {
		if err := q.PutOTPException(ctx, e); err != nil {
			return e, err
		}
		return e, domain.Audit(ctx, q, caller, "addOtpException", "otp_exception", phone, nil)
	})
}

// RemoveException ends a phone's exemption.
func (s *Service) RemoveException(ctx context.Context, caller domain.Principal, rawPhone string) (string, error) {
	if err := employeeOnly(caller); err != nil {
		return "", err
	}
	phone, err := domain.NormalizePhone(rawPhone)
	if err != nil {
		return "", domain.Invalid([]domain.FieldError{{Field: "phone", Message: domain.ErrorMessage(err)}})
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (string, error) {
		err := q.RemoveOTPException(ctx, phone)
		if errors.Is(err, store.ErrNotFound) {
			return phone, domain.Errorf(CodeOTPExceptionNotFound, "phone %s is not an exception", phone)
		}
		if err == nil {
			err = domain.Audit(ctx, q, caller, "removeOtpException", "otp_exception", phone, nil)
		}
		return phone, err
	})
}
