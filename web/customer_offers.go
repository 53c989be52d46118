package web

import (
	"errors"
	"mime"
	"net/http"

	"github.com/go-chi/chi/v5"

	"lendgraph/auth"
	"lendgraph/customeroffers"
	"lendgraph/domain"
)

// customerOfferRoutes mounts the route an employee records a customer's loan application by.
func (s *Server) customerOfferRoutes(r chi.Router) {
	r.Post("/customerOffer/loan/initiate", s.initiateCustomerOffer)
}

// initiateCustomerOffer takes a multipart form: the seed's dotted field names, the signature a
// PNG file part. It answers the recorded application in the seed's shape.
func (s *Server) initiateCustomerOffer(w http.ResponseWriter, r *http.Request) {
	p, err := auth.Authorize(r.Context(), domain.RoleEmployee)
	if err == nil {
		err = parseMultipart(r)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer r.MultipartForm.RemoveAll()
	form := r.MultipartForm
	first := func(name string) string {
		if v := form.Value[name]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	req := customeroffers.CustomerOfferRequest{
		CustomerID:     first(customeroffers.OfferFieldCustomerID),
		Process:        first(customeroffers.OfferFieldProcess),
		EmployeeID:     first(customeroffers.OfferFieldEmployee),
		ProductID:      first(customeroffers.OfferFieldProductID),
		PDPATemplateID: first(customeroffers.OfferFieldPDPATemplateID),
	}
	if files := form.File[customeroffers.OfferFieldSignature]; len(files) > 0 {
		f, err := files[0].Open()
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		defer f.Close()
		req.Signature = f
	}
	offer, err := s.App.CustomerOffers.InitiateCustomerOffer(r.Context(), p, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, offer)
}

// parseMultipart reads a multipart/form-data body: one over the body limit is TOO_LARGE, anything
// unreadable INVALID, and so is a value the database cannot store, naming its field.
func parseMultipart(r *http.Request) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return domain.Errorf(domain.CodeInvalid, "Content-Type must be multipart/form-data")
	}
	// the body limit bounds the form: parts within 1 MiB stay in memory, the handler removes any others
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return domain.Errorf(domain.CodeTooLarge, "request body is larger than %d bytes", tooBig.Limit)
		}
		return domain.Errorf(domain.CodeInvalid, "malformed multipart body")
	}
	if bad := formProblems(r.MultipartForm.Value); len(bad) > 0 {
		_ = r.MultipartForm.RemoveAll()
		return domain.Invalid(bad)
	}
	return nil
}
