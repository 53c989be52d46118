package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/go-chi/chi/v5"

	"lendgraph/applications"
	"lendgraph/auth"
	"lendgraph/domain"
)

// partnerRoutes mounts the partner API's compatibility routes, as partners already call them.
func (s *Server) partnerRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(s.requirePartner)
		r.Post("/partner/api/v1/applications/create", s.createApplication)
		r.Route("/partner/api/v1/applications/{guid}", func(r chi.Router) {
			r.Post("/upload_file", s.uploadFile)
			r.Post("/select_offer", s.selectOffer)
			r.Post("/select-offer", s.selectOffer)
			r.Post("/send_otp", s.sendOTP)
			r.Post("/sign", s.sign)
			r.Post("/confirm", s.confirm)
			r.Post("/cancel", s.cancel)
			r.Get("/status", s.applicationStatus)
		})
	})
	r.Get("/internal/v1/carts/{guid}", s.cart)
}

// requirePartner lets only partner tokens through; an X-azp header, when sent, must name the
// token's partner.
func (s *Server) requirePartner(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := auth.Authorize(r.Context(), domain.RolePartner)
		if err == nil {
			if azp := r.Header.Get("X-azp"); azp != "" && azp != p.Partner {
				err = domain.Errorf(domain.CodeForbidden, "X-azp %q does not match the token's partner", azp)
			}
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) createApplication(w http.ResponseWriter, r *http.Request) {
	raw, err := decodeChecked(r, createApplicationFields)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req applications.CreateApplication
	if err := remarshal(raw, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	app, err := s.App.Applications.CreatePartnerApplication(r.Context(), auth.Caller(r.Context()), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"application_guid": app.GUID})
}

func (s *Server) uploadFile(w http.ResponseWriter, r *http.Request) {
	var body struct {
		FileType      string `json:"file_type"`
		FileTypeCamel string `json:"fileType"` // the spec's table spells it so
		Format        string `json:"format"`
		Content       string `json:"content"`
	}
	if err := decodeJSON(r, &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	if body.FileType == "" {
		body.FileType = body.FileTypeCamel
	}
	content, err := applications.DecodeBase64("content", body.Content)
	if err == nil {
		_, err = s.App.Applications.UploadFile(r.Context(), auth.Caller(r.Context()), chi.URLParam(r, "guid"), body.FileType, body.Format, content)
	}
	s.writeDone(w, r, err)
}

func (s *Server) selectOffer(w http.ResponseWriter, r *http.Request) {
	_, err := s.App.Applications.SelectOffer(r.Context(), auth.Caller(r.Context()), chi.URLParam(r, "guid"), 0)
	s.writeDone(w, r, err)
}

func (s *Server) sendOTP(w http.ResponseWriter, r *http.Request) {
	_, err := s.App.Applications.SendOTP(r.Context(), auth.Caller(r.Context()), chi.URLParam(r, "guid"))
	s.writeDone(w, r, err)
}

func (s *Server) sign(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Code string `json:"code"`
	}
	err := decodeJSON(r, &body)
	if err == nil {
		_, err = s.App.Applications.Sign(r.Context(), auth.Caller(r.Context()), chi.URLParam(r, "guid"), body.Code)
	}
	s.writeDone(w, r, err)
}

func (s *Server) confirm(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ConfirmDate string `json:"confirm_date"`
	}
	err := decodeJSON(r, &body)
	if err == nil {
		var date time.Time
		if date, err = applications.ParseConfirmDate(body.ConfirmDate); err == nil {
			_, err = s.App.Applications.Confirm(r.Context(), auth.Caller(r.Context()), chi.URLParam(r, "guid"), date)
		}
	}
	s.writeDone(w, r, err)
}

func (s *Server) cancel(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Reason string `json:"reason"`
	}
	err := decodeJSON(r, &body)
	if err == nil {
		_, err = s.App.Applications.Cancel(r.Context(), auth.Caller(r.Context()), chi.URLParam(r, "guid"), body.Reason)
	}
	s.writeDone(w, r, err)
}

func (s *Server) applicationStatus(w http.ResponseWriter, r *http.Request) {
	v, err := s.App.Applications.PartnerApplicationStatus(r.Context(), auth.Caller(r.Context()), chi.URLParam(r, "guid"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// cart is GET /internal/v1/carts/{guid}, for employees and the application's partner.
func (s *Server) cart(w http.ResponseWriter, r *http.Request) {
	p, err := auth.Authorize(r.Context(), domain.RoleEmployee, domain.RolePartner)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.App.Applications.Cart(r.Context(), p, chi.URLParam(r, "guid"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// writeDone answers an action: {} when it was done, the error otherwise.
func (s *Server) writeDone(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

// decodeJSON reads a JSON body into dst: a body too large is TOO_LARGE, anything unreadable INVALID,
// and so is a string the database cannot store (a NUL character, invalid UTF-8), naming its field.
func decodeJSON(r *http.Request, dst any) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return domain.Errorf(domain.CodeInvalid, "Content-Type must be application/json")
	}
	body, err := io.ReadAll(r.Body)
	if err == nil {
		if bad := jsonTextProblems(body); len(bad) > 0 {
			return domain.Invalid(bad)
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err = dec.Decode(dst); err == nil && dec.More() {
			return domain.Errorf(domain.CodeInvalid, "malformed JSON: more than one value")
		}
	}
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooBig):
		return domain.Errorf(domain.CodeTooLarge, "request body is larger than %d bytes", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return domain.Errorf(domain.CodeInvalid, "a JSON body is required")
	case errors.As(err, &typeErr):
		return domain.Invalid([]domain.FieldError{{Field: jsonPath(typeErr.Field), Message: "must be a " + jsonKind(typeErr.Type.Kind().String())}})
	case !errors.As(err, &syntaxErr) && !errors.Is(err, io.ErrUnexpectedEOF):
		// a value its Go type refused by an error of its own, which does not say where
		if refused := refusedValue(body, dst, err); refused != nil {
			return refused
		}
	}
	return domain.Errorf(domain.CodeInvalid, "malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// jsonPath is a type error's field path as the sender knows it: encoding/json puts the Go names of
// embedded structs in it ("LeadDetails.period"), which no JSON name of ours starts with a capital.
func jsonPath(field string) string {
	steps := strings.Split(field, ".")
	return strings.Join(slices.DeleteFunc(steps, func(s string) bool { return s != "" && unicode.IsUpper(rune(s[0])) }), ".")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "struct", "map":
		return "object"
	case "slice":
		return "array"
	}
	return "number"
}

// refusedValue names the value of doc that dst's Go type refused with err (an error of its own,
// which does not say where), or is nil when it cannot tell.
func refusedValue(doc []byte, dst any, err error) error {
	at := badValuePath(doc, dst)
	if at == "" {
		return nil
	}
	return domain.Invalid([]domain.FieldError{{Field: at, Message: "is not valid: " + strings.TrimPrefix(err.Error(), "json: ")}})
}

// remarshal turns a checked JSON document into the request type.
func remarshal(raw map[string]any, dst any) error {
	b, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, dst); err != nil {
		if refused := refusedValue(b, dst, err); refused != nil {
			return refused
		}
		return domain.Errorf(domain.CodeInvalid, "malformed request: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}
