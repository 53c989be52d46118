package applications

import (
	"context"
	"errors"
	"strings"
	"time"

	"lendgraph/domain"
	"lendgraph/store"
)

// The identity rule of a partner's application. The platform wants the phone of a new customer; a
// known phone is accepted only when the questionnaire describes the same person:
//   - the phone is nobody's login: the questionnaire's personal data makes a new customer;
//   - the phone is a customer's login: the application is theirs when every identity field the
//     registry holds (first, middle and last name, birth date, passport series and number) agrees
//     with the questionnaire; otherwise create is refused with CUSTOMER_IDENTITY_MISMATCH and nothing
//     is stored. A blank registry field is not compared, and never filled in: a partner's
//     questionnaire never changes the registry, so a partner reads back only what it filed;
//   - the phone is only some customer's own contact: the application is theirs when their names are
//     held and the identity agrees, else the applicant is a new customer.
//
// The rule runs at create and again when the application is processed, since the registry may
// change in between (the application is then declined).

// applicantCustomer returns the registry's customer a partner's questionnaire is about, or nil when
// it is about a person the registry does not know.
func (s *Service) applicantCustomer(ctx context.Context, q store.Queries, phone string, a Applicant, docs []Document) (*store.Customer, error) {
	owner, err := q.CustomerByPhone(ctx, phone)
	if err == nil {
		bad, err := identityDisagreements(ctx, q, owner, a, docs)
		if err != nil {
			return nil, err
		}
		if len(bad) > 0 {
			s.Log.InfoContext(ctx, "questionnaire contradicts the phone's customer", "customer", owner.GUID, "fields", bad)
			return nil, domain.Errorf(domain.CodeIdentityMismatch, "the phone belongs to a customer whose identity does not match the questionnaire")
		}
		return &owner, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	// matching by names as well: only customers who hold names equal to the questionnaire's
	found, err := s.Registry.MatchCustomers(ctx, q, store.CustomerMatch{Phone: phone, FirstName: a.FirstName, LastName: a.LastName}, 0, 10)
	if err != nil {
		return nil, err
	}
	for _, c := range found {
		bad, err := identityDisagreements(ctx, q, c, a, docs)
		if err != nil {
			return nil, err
		}
		if len(bad) == 0 {
			return &c, nil
		}
	}
	return nil, nil
}

// identityDisagreements names the identity fields c holds that the questionnaire contradicts.
func identityDisagreements(ctx context.Context, q store.Queries, c store.Customer, a Applicant, docs []Document) ([]string, error) {
	var bad []string
	for _, f := range []struct {
		name     string
		held     *string
		declared string
	}{
		{"first_name", c.FirstName, a.FirstName},
		{"middle_name", c.MiddleName, a.MiddleName},
		{"last_name", c.LastName, a.LastName},
	} {
		if held := strings.TrimSpace(domain.Deref(f.held)); held != "" && !strings.EqualFold(held, strings.TrimSpace(f.declared)) {
			bad = append(bad, f.name)
		}
	}
	if c.BirthDate != nil {
		if c.BirthDate.Format(time.DateOnly) != strings.TrimSpace(a.BirthDate) {
			bad = append(bad, "birth_date")
		}
	}
	held, err := q.Passports(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if len(held) > 0 && !anyPassportHeld(held, docs) {
		bad = append(bad, "passport")
	}
	return bad, nil
}

func anyPassportHeld(held []store.PassportNumber, docs []Document) bool {
	for _, d := range docs {
		if d.Type != "passport" {
			continue
		}
		for _, h := range held {
			if strings.TrimSpace(h.Series) == strings.TrimSpace(d.Series) && strings.TrimSpace(h.Number) == strings.TrimSpace(d.Number) {
				return true
			}
		}
	}
	return false
}
