package web

import (
	"errors"
	"lendgraph/domain"
	"mime"
	"net/http"
	"time"
)

// tokenResponse is the OAuth2 token response the platform's gateway answers.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

// customerToken is POST /auth: grant_type=password, phone_number and the OTP code, X-Device-Id.
func (s *Server) customerToken(w http.ResponseWriter, r *http.Request) {
	if err := tokenForm(r, "password"); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.App.SignIn.SignInCustomer(r.Context(), r.PostForm.Get("phone_number"), r.PostForm.Get("code"), r.Header.Get("X-Device-Id"))
	s.writeToken(w, r, p, err)
}

// employeeToken is POST /auth/employees: grant_type=password, username and password.
func (s *Server) employeeToken(w http.ResponseWriter, r *http.Request) {
	if err := tokenForm(r, "password"); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.App.SignIn.SignInEmployee(r.Context(), r.PostForm.Get("username"), r.PostForm.Get("password"))
	s.writeToken(w, r, p, err)
}

// partnerToken is POST /auth/partners: grant_type=client_credentials, client_id and client_secret.
func (s *Server) partnerToken(w http.ResponseWriter, r *http.Request) {
	if err := tokenForm(r, "client_credentials"); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.App.SignIn.SignInPartner(r.Context(), r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"))
	s.writeToken(w, r, p, err)
}

// requestOTP is POST /auth/otp: phone_number; sends a sign-in code by SMS.
func (s *Server) requestOTP(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	issued, err := s.App.OTP.Request(r.Context(), r.PostForm.Get("phone_number"), r.Header.Get("X-Device-Id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"phone_number":  issued.Phone,
		"expires_at":    issued.ExpiresAt.UTC().Format(time.RFC3339),
		"expires_in":    int(time.Until(issued.ExpiresAt).Seconds()),
		"code_length":   issued.CodeLength,
		"attempts_left": issued.AttemptsLeft,
	})
}

func (s *Server) writeToken(w http.ResponseWriter, r *http.Request, p domain.Principal, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	token, err := s.Tokens.Issue(p)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, tokenResponse{AccessToken: token, TokenType: "Bearer", ExpiresIn: int(s.Tokens.TTL().Seconds())})
}

// tokenForm parses a token request's form and checks its grant type.
func tokenForm(r *http.Request, grantType string) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if got := r.PostForm.Get("grant_type"); got != grantType {
		return domain.Errorf(domain.CodeInvalid, "grant_type must be %s", grantType)
	}
	return nil
}

// parseForm reads an application/x-www-form-urlencoded body; a value the database cannot store (a
// NUL character, invalid UTF-8) is INVALID naming its field.
func parseForm(r *http.Request) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return domain.Errorf(domain.CodeInvalid, "Content-Type must be application/x-www-form-urlencoded")
	}
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return domain.Errorf(domain.CodeTooLarge, "request body is larger than %d bytes", tooBig.Limit)
		}
		return domain.Errorf(domain.CodeInvalid, "malformed form body")
	}
	if bad := formProblems(r.PostForm); len(bad) > 0 {
		return domain.Invalid(bad)
	}
	return nil
}
