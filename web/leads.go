package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"lendgraph/auth"
	"lendgraph/domain"
	"lendgraph/leads"
)

// leadRoutes mounts the lead routes of seeds 002 and 003, for partners (their own leads) and
// employees (any).
func (s *Server) leadRoutes(r chi.Router) {
	r.Route("/bs-core/main/leads/{id}", func(r chi.Router) {
		r.Put("/", s.putLead)
		r.Post("/client", s.createClientFromLead)
		r.Get("/scoring/info", s.leadScoringInfo)
	})
}

// putLead saves the lead whole and answers its id, a bare integer.
func (s *Server) putLead(w http.ResponseWriter, r *http.Request) {
	p, err := auth.Authorize(r.Context(), domain.RoleEmployee, domain.RolePartner)
	var lead leads.Lead
	if err == nil {
		err = decodeJSON(r, &lead)
	}
	var saved leads.LeadRecord
	if err == nil {
		saved, err = s.App.Leads.PutLead(r.Context(), p, chi.URLParam(r, "id"), lead)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, saved.ID)
}

// createClientFromLead attaches the lead to its customer and answers the customer's id, a bare
// integer.
func (s *Server) createClientFromLead(w http.ResponseWriter, r *http.Request) {
	p, err := auth.Authorize(r.Context(), domain.RoleEmployee, domain.RolePartner)
	var lead leads.LeadRecord
	if err == nil {
		lead, err = s.App.Leads.CreateCustomerFromLead(r.Context(), p, chi.URLParam(r, "id"))
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, *lead.ClientID)
}

// leadEnvelope is the answer of the bs-core routes that have one (seed 002).
type leadEnvelope struct {
	Status    string `json:"status"`
	Timestamp int64  `json:"timestamp"` // epoch milliseconds
	Data      any    `json:"data"`
}

// leadScoringInfo answers the lead with its newest scoring, in the seed's envelope.
func (s *Server) leadScoringInfo(w http.ResponseWriter, r *http.Request) {
	p, err := auth.Authorize(r.Context(), domain.RoleEmployee, domain.RolePartner)
	var info leads.LeadScoringInfo
	if err == nil {
		info, err = s.App.Leads.LeadScoringInfo(r.Context(), p, chi.URLParam(r, "id"))
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, leadEnvelope{Status: "ok", Timestamp: s.App.Leads.Now().UnixMilli(), Data: info})
}
