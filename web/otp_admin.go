package web

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"lendgraph/auth"
	"lendgraph/domain"
	"lendgraph/otp"
	"lendgraph/store"
)

// otpAdminRoutes mounts the OTP service's admin routes (spec ETP_OTP O2–O12, O16) for employees:
// projects are our OTP purposes, keyed by name (AUTH, SIGN), which stands for the project id. The
// spec's numbers sent as strings ("4") are read too. The OTP admin users (O13–O15) are not served:
// employees are the admins.
func (s *Server) otpAdminRoutes(r chi.Router) {
	r.Route("/api/v1/otp", func(r chi.Router) {
		r.Get("/project", s.otpAdmin(s.listOTPProjects))
		r.Post("/project", s.otpAdmin(s.createOTPProject))
		r.Put("/project", s.otpAdmin(s.updateOTPProject))
		r.Post("/project/enable", s.otpAdmin(s.enableOTPProject(true)))
		r.Post("/project/disable", s.otpAdmin(s.enableOTPProject(false)))
		r.Post("/rule", s.otpAdmin(s.putOTPRule(false)))
		r.Put("/rule", s.otpAdmin(s.putOTPRule(true)))
		r.Post("/rule/list", s.otpAdmin(s.listOTPRules))
		r.Delete("/rule/{id}", s.otpAdmin(s.deleteOTPRule))
		r.Post("/exception", s.otpAdmin(s.addOTPException))
		r.Delete("/exception", s.otpAdmin(s.removeOTPException))
		r.Get("/exceptions", s.otpAdmin(s.listOTPExceptions))
	})
	r.Get("/api/v1/exceptions", s.otpAdmin(s.listOTPExceptions)) // the spec files the list here
}

// otpAdmin lets employees through to fn and writes what it answers, or its error with the field
// names of the spec's bodies.
func (s *Server) otpAdmin(fn func(r *http.Request, caller domain.Principal) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		caller, err := auth.Authorize(r.Context(), domain.RoleEmployee)
		if err == nil {
			var out any
			if out, err = fn(r, caller); err == nil {
				writeJSON(w, http.StatusOK, out)
				return
			}
		}
		s.writeError(w, r, restFieldNames(err))
	}
}

// otpRESTFields names the domain's fields as the spec's bodies do.
var otpRESTFields = map[string]string{
	"name":                  "name",
	"title":                 "title",
	"enabled":               "is_enabled",
	"codeLength":            "settings.otp_length",
	"ttlSeconds":            "settings.ttl",
	"attemptsPerCode":       "settings.max_attempts",
	"smsTemplate":           "settings.template",
	"resendIntervalSeconds": "settings.resend_interval",
	"failureLimit":          "settings.failure_limit",
	"failureWindowSeconds":  "settings.failure_window",
	"byPhone":               "rule.constraints.phone",
	"byDeviceId":            "rule.constraints.device_id",
	"ipMask":                "rule.ip.mask",
	"requests":              "rule.requests.count",
	"purpose":               "rule.project",
	"intervalSeconds":       "rule.time.interval",
	"phone":                 "phone_number",
	"code":                  "code",
}

func restFieldNames(err error) error {
	fields := domain.ErrorFields(err)
	if len(fields) == 0 || domain.ErrorCode(err) != domain.CodeInvalid {
		return err
	}
	renamed := make([]domain.FieldError, len(fields))
	for i, f := range fields {
		renamed[i] = f
		if name, ok := otpRESTFields[f.Field]; ok {
			renamed[i].Field = name
		}
	}
	return domain.Invalid(renamed)
}

// looseInt is a number the spec sends either as a JSON number or as a string of digits.
type looseInt struct{ v *int }

func (n *looseInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if string(b) == "null" {
		return nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeFor[int]()}
	}
	n.v = &v
	return nil
}

// looseID is an id the spec sends as a number or a string.
type looseID string

func (id *looseID) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*id = looseID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeFor[string]()}
	}
	*id = looseID(n.String())
	return nil
}

type otpProjectBody struct {
	ID        looseID `json:"id"`
	Name      string  `json:"name"`
	Title     *string `json:"title"`
	IsEnabled *bool   `json:"is_enabled"`
	Settings  struct {
		MaxAttempts    looseInt          `json:"max_attempts"`
		OTPLength      looseInt          `json:"otp_length"`
		TTL            looseInt          `json:"ttl"`
		Template       map[string]string `json:"template"`
		ResendInterval looseInt          `json:"resend_interval"`
		FailureLimit   looseInt          `json:"failure_limit"`
		FailureWindow  looseInt          `json:"failure_window"`
	} `json:"settings"`
}

func (b otpProjectBody) input() (otp.PurposeInput, error) {
	in := otp.PurposeInput{
		Name: b.Name, Title: b.Title, Enabled: b.IsEnabled,
		CodeLength: b.Settings.OTPLength.v, TTLSeconds: b.Settings.TTL.v, AttemptsPerCode: b.Settings.MaxAttempts.v,
		ResendIntervalSeconds: b.Settings.ResendInterval.v, FailureLimit: b.Settings.FailureLimit.v,
		FailureWindowSeconds: b.Settings.FailureWindow.v,
	}
	if in.Name == "" {
		in.Name = string(b.ID)
	}
	switch len(b.Settings.Template) {
	case 0:
	case 1:
		for _, t := range b.Settings.Template {
			in.SMSTemplate = &t
		}
	default:
		return in, domain.Invalid([]domain.FieldError{{Field: "settings.template", Message: "must hold one SMS text"}})
	}
	return in, nil
}

func projectJSON(p store.OTPSettings) map[string]any {
	return map[string]any{
		"id": p.Purpose, "name": p.Purpose, "title": p.Title, "is_enabled": p.Enabled,
		"settings": map[string]any{
			"max_attempts": p.MaxAttempts, "otp_length": p.Length, "ttl": p.TTLSeconds,
			"template": map[string]string{"sms": p.SMSTemplate}, "resend_interval": p.ResendSeconds,
			"failure_limit": p.FailureLimit, "failure_window": p.FailureWindowSeconds,
		},
	}
}

func (s *Server) listOTPProjects(r *http.Request, caller domain.Principal) (any, error) {
	purposes, err := s.App.OTP.Purposes(r.Context(), caller)
	projects := make([]map[string]any, len(purposes))
	for i, p := range purposes {
		projects[i] = projectJSON(p)
	}
	return map[string]any{"projects": projects}, err
}

// otpProjectInput decodes a project body (O2, O5) into the domain's input.
func otpProjectInput(r *http.Request) (otp.PurposeInput, error) {
	var body otpProjectBody
	if err := decodeJSON(r, &body); err != nil {
		return otp.PurposeInput{}, err
	}
	return body.input()
}

func (s *Server) createOTPProject(r *http.Request, caller domain.Principal) (any, error) {
	in, err := otpProjectInput(r)
	if err != nil {
		return nil, err
	}
	p, err := s.App.OTP.CreatePurpose(r.Context(), caller, in)
	return map[string]any{"id": p.Purpose}, err
}

func (s *Server) updateOTPProject(r *http.Request, caller domain.Principal) (any, error) {
	in, err := otpProjectInput(r)
	if err != nil {
		return nil, err
	}
	if in.Name == "" {
		return nil, domain.Invalid([]domain.FieldError{{Field: "name", Message: "is required"}})
	}
	_, err = s.App.OTP.UpdatePurpose(r.Context(), caller, in)
	return struct{}{}, err
}

func (s *Server) enableOTPProject(enabled bool) func(r *http.Request, caller domain.Principal) (any, error) {
	return func(r *http.Request, caller domain.Principal) (any, error) {
		var body struct {
			ID looseID `json:"id"`
		}
		if err := decodeJSON(r, &body); err != nil {
			return nil, err
		}
		if body.ID == "" {
			return nil, domain.Invalid([]domain.FieldError{{Field: "id", Message: "is required"}})
		}
		p, err := s.App.OTP.SetPurposeEnabled(r.Context(), caller, string(body.ID), enabled)
		return map[string]any{"id": p.Purpose}, err
	}
}

type otpRuleBody struct {
	Rule *struct {
		ID          looseID `json:"id"`
		Project     string  `json:"project"`
		ProjectName string  `json:"project_name"`
		Enabled     *bool   `json:"enabled"`
		Status      *string `json:"status"`
		Constraints struct {
			DeviceID *bool `json:"device_id"`
			Phone    *bool `json:"phone"`
		} `json:"constraints"`
		IP *struct {
			Mask *string `json:"mask"`
		} `json:"ip"`
		Requests struct {
			Count looseInt `json:"count"`
		} `json:"requests"`
		Time struct {
			Interval looseInt `json:"interval"`
		} `json:"time"`
	} `json:"rule"`
}

func (b otpRuleBody) input(update bool) (otp.RuleInput, error) {
	var errs []domain.FieldError
	if b.Rule == nil {
		return otp.RuleInput{}, domain.Invalid([]domain.FieldError{{Field: "rule", Message: "is required"}})
	}
	rule := b.Rule
	in := otp.RuleInput{
		Purpose: rule.Project, ByPhone: rule.Constraints.Phone, ByDeviceID: rule.Constraints.DeviceID,
		Requests: rule.Requests.Count.v, IntervalSeconds: rule.Time.Interval.v, Enabled: rule.Enabled,
	}
	if in.Purpose == "" {
		in.Purpose = rule.ProjectName
	}
	if rule.IP != nil {
		in.IPMask = rule.IP.Mask
	}
	if rule.Status != nil {
		switch *rule.Status {
		case "ENABLED", "DISABLED":
			enabled := *rule.Status == "ENABLED"
			in.Enabled = &enabled
		default:
			errs = append(errs, domain.FieldError{Field: "rule.status", Message: "must be ENABLED or DISABLED"})
		}
	}
	if update {
		id, err := strconv.ParseInt(string(rule.ID), 10, 64)
		if err != nil || id <= 0 {
			errs = append(errs, domain.FieldError{Field: "rule.id", Message: "must be a rule id"})
		}
		in.ID = id
	} else if in.Purpose == "" {
		errs = append(errs, domain.FieldError{Field: "rule.project", Message: "is required"})
	}
	if len(errs) > 0 {
		return in, domain.Invalid(errs)
	}
	return in, nil
}

func ruleJSON(r store.OTPRule) map[string]any {
	status := "DISABLED"
	if r.Enabled {
		status = "ENABLED"
	}
	return map[string]any{
		"id": r.ID, "project_name": r.Purpose, "status": status,
		"constraints": map[string]bool{"device_id": r.ByDevice, "phone": r.ByPhone},
		"ip":          map[string]string{"mask": r.IPMask},
		"requests":    map[string]int{"count": r.MaxRequests},
		"time":        map[string]int{"interval": r.IntervalSeconds},
	}
}

// putOTPRule creates a rule, or with update changes the one the body's id names.
func (s *Server) putOTPRule(update bool) func(r *http.Request, caller domain.Principal) (any, error) {
	put := s.App.OTP.CreateRule
	if update {
		put = s.App.OTP.UpdateRule
	}
	return func(r *http.Request, caller domain.Principal) (any, error) {
		var body otpRuleBody
		if err := decodeJSON(r, &body); err != nil {
			return nil, err
		}
		in, err := body.input(update)
		if err != nil {
			return nil, err
		}
		rule, err := put(r.Context(), caller, in)
		return map[string]any{"id": rule.ID}, err
	}
}

func (s *Server) listOTPRules(r *http.Request, caller domain.Principal) (any, error) {
	var body struct {
		Project string `json:"project"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return nil, err
	}
	if body.Project == "" {
		return nil, domain.Invalid([]domain.FieldError{{Field: "project", Message: "is required"}})
	}
	rules, err := s.App.OTP.Rules(r.Context(), caller, body.Project)
	out := make([]map[string]any, len(rules))
	for i, rule := range rules {
		out[i] = ruleJSON(rule)
	}
	return map[string]any{"rules": out}, err
}

func (s *Server) deleteOTPRule(r *http.Request, caller domain.Principal) (any, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, domain.Invalid([]domain.FieldError{{Field: "id", Message: "must be a rule id"}})
	}
	return struct{}{}, s.App.OTP.DeleteRule(r.Context(), caller, id)
}

type otpExceptionBody struct {
	Code        string `json:"code"`
	PhoneNumber string `json:"phone_number"`
}

func (s *Server) addOTPException(r *http.Request, caller domain.Principal) (any, error) {
	var body otpExceptionBody
	if err := decodeJSON(r, &body); err != nil {
		return nil, err
	}
	_, err := s.App.OTP.PutException(r.Context(), caller, otp.ExceptionInput{Phone: body.PhoneNumber, Code: body.Code})
	return struct{}{}, err
}

func (s *Server) removeOTPException(r *http.Request, caller domain.Principal) (any, error) {
	var body otpExceptionBody
	if err := decodeJSON(r, &body); err != nil {
		return nil, err
	}
	_, err := s.App.OTP.RemoveException(r.Context(), caller, body.PhoneNumber)
	return struct{}{}, err
}

func (s *Server) listOTPExceptions(r *http.Request, caller domain.Principal) (any, error) {
	list, err := s.App.OTP.Exceptions(r.Context(), caller)
	out := make([]otpExceptionBody, len(list))
	for i, e := range list {
		out[i] = otpExceptionBody{Code: e.Code, PhoneNumber: e.Phone}
	}
	return map[string]any{"exceptions": out}, err
}
