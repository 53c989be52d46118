package applications

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"lendgraph/domain"
	"lendgraph/loans"
	"lendgraph/payments"
	"lendgraph/store"
)

// PurposeSign is the OTP purpose of signing a loan contract.
const PurposeSign = "SIGN"

// SelectOffer accepts one of an approved application's offers; offerID 0 takes the first, the one
// matching what was asked for (the partner API names no offer).
func (s *Service) SelectOffer(ctx context.Context, caller domain.Principal, guid string, offerID int64) (store.Application, error) {
	return s.act(ctx, caller, guid, ActionSelectOffer, func(q store.Queries, app *store.OwnedApplication) error {
		offers, err := q.Offers(ctx, []int64{app.ID})
		if err != nil {
			return err
		}
		for _, o := range offers {
			if offerID == 0 || o.ID == offerID {
				app.SelectedOfferID = &o.ID
				return tell(app, map[string]any{"confirmedProduct": confirmedProduct(*app, o)})
			}
		}
		return domain.Errorf(domain.CodeNotFound, "offer %d is not an offer of application %s", offerID, guid)
	})
}

// SendOTP sends the customer the code that signs the contract; calling it again resends a new code,
// no sooner than the resend interval.
func (s *Service) SendOTP(ctx context.Context, caller domain.Principal, guid string) (store.Application, error) {
	return s.act(ctx, caller, guid, ActionSendOTP, func(q store.Queries, app *store.OwnedApplication) error {
		_, err := s.OTP.Issue(ctx, q, PurposeSign, app.Phone, app.GUID, "")
		return err
	})
}

// Sign checks the code the customer received. A wrong code uses up an attempt (INVALID with the
// attempts left); the right one creates the loan, its contract and the payout order to the partner.
func (s *Service) Sign(ctx context.Context, caller domain.Principal, guid, code string) (store.Application, error) {
	if strings.TrimSpace(code) == "" {
		return store.Application{}, domain.Invalid(domain.FieldErrors{{Field: "code", Message: "is required"}})
	}
	return s.act(ctx, caller, guid, ActionSign, func(q store.Queries, app *store.OwnedApplication) error {
		verdict, err := s.OTP.Check(ctx, q, PurposeSign, app.Phone, app.GUID, code)
		if err != nil {
			return err
		}
		if verdict != nil {
			return keep{verdict} // a wrong code stays counted
		}
		return s.issueLoan(ctx, q, app)
	})
}

// issueLoan creates the signed application's loan on its selected offer and orders its payout.
func (s *Service) issueLoan(ctx context.Context, q store.Queries, app *store.OwnedApplication) error {
	offer, err := s.selectedOffer(ctx, q, app.Application)
	if err != nil {
		return err
	}
	loan, pdf, err := s.Loans.Issue(ctx, q, *app, offer)
	if err != nil {
		return err
	}
	if err := tell(app, contractTerms(loan.ContractNumber, pdf)); err != nil {
		return err
	}
	return s.Payments.OrderPayout(ctx, q, *app, loan)
}

// Confirm records that the partner handed over the goods: the loan opens on confirmDate with its
// payment schedule, and the application is complete. The date is a day from the one the contract
// was signed to today (the service's clock), both as the date's own offset tells days; any other
// is INVALID naming confirm_date.
func (s *Service) Confirm(ctx context.Context, caller domain.Principal, guid string, confirmDate time.Time) (store.Application, error) {
	if confirmDate.IsZero() {
		return store.Application{}, domain.Invalid(domain.FieldErrors{{Field: "confirm_date", Message: "is required"}})
	}
	return s.act(ctx, caller, guid, ActionConfirm, func(q store.Queries, app *store.OwnedApplication) error {
		loan, err := q.LoanByApplication(ctx, app.ID)
		if err != nil {
			return err
		}
		if err := confirmDateProblem(confirmDate, loan.CreatedAt, s.Now()); err != nil {
			return err
		}
		opened := time.Date(confirmDate.Year(), confirmDate.Month(), confirmDate.Day(), 0, 0, 0, 0, time.UTC)
		if err := loans.SetLoanStatus(ctx, q, loan, loans.LoanOpened, &opened, "", domain.ActorOf(caller)); err != nil {
			return err
		}
		loan.Status = loans.LoanOpened
		if err := s.Loans.OpenSchedule(ctx, q, loan, opened); err != nil {
			return err
		}
		return s.Payments.SettlePayout(ctx, q, loan, payments.OrderCompleted)
	})
}

// confirmDateProblem refuses a confirm date before the day the contract was signed or after
// today, each day read in the date's own time zone (UTC for a plain date).
func confirmDateProblem(confirmDate, signedAt, now time.Time) error {
	loc := confirmDate.Location()
	day := dayOf(confirmDate, loc)
	signed, today := dayOf(signedAt, loc), dayOf(now, loc)
	switch {
	case day.Before(signed):
		return domain.Invalid(domain.FieldErrors{{Field: "confirm_date", Message: "must not be before the day the contract was signed, " + signed.Format(time.DateOnly)}})
	case day.After(today):
		return domain.Invalid(domain.FieldErrors{{Field: "confirm_date", Message: "must not be after today, " + today.Format(time.DateOnly)}})
	}
	return nil
}

// dayOf is the calendar day of t in loc, as a UTC midnight.
func dayOf(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Cancel ends an unfinished application with a reason; a loan already signed is cancelled with its
// payout order.
func (s *Service) Cancel(ctx context.Context, caller domain.Principal, guid, reason string) (store.Application, error) {
	if strings.TrimSpace(reason) == "" {
		return store.Application{}, domain.Invalid(domain.FieldErrors{{Field: "reason", Message: "is required"}})
	}
	return s.act(ctx, caller, guid, ActionCancel, func(q store.Queries, app *store.OwnedApplication) error {
		app.Reason = reason
		loan, err := q.LoanByApplication(ctx, app.ID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := loans.SetLoanStatus(ctx, q, loan, loans.LoanCancelled, nil, reason, domain.ActorOf(caller)); err != nil {
			return err
		}
		return s.Payments.SettlePayout(ctx, q, loan, payments.OrderCancelled)
	})
}

// UploadFile attaches a file (base64 content) to an application that is not finished.
func (s *Service) UploadFile(ctx context.Context, caller domain.Principal, guid, fileType, format string, content []byte) (store.ApplicationFile, error) {
	var errs domain.FieldErrors
	errs.Required("file_type", fileType)
	errs.Required("format", format)
	if len(content) == 0 {
		errs.Add("content", "is required")
	}
	if len(errs) > 0 {
		return store.ApplicationFile{}, domain.Invalid(errs)
	}
	var f store.ApplicationFile
	err := s.Store.Tx(ctx, func(q store.Queries) error {
		app, err := s.lockVisible(ctx, q, caller, guid)
		if err != nil {
			return err
		}
		if app.Channel != "PARTNER" || caller.Role != domain.RolePartner {
			return domain.Errorf(domain.CodeForbidden, "only the partner attaches files to its application")
		}
		if Status(app.Status).Terminal() {
			return domain.Errorf(domain.CodeInvalidStatus, "cannot upload_file: the application is %s, expected action: none", app.Status)
		}
		f, err = q.AddApplicationFile(ctx, app.ID, fileType, format, content)
		return err
	})
	return f, err
}

// DecodeBase64 reads file content as the partner API sends it.
func DecodeBase64(field, s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, domain.Invalid(domain.FieldErrors{{Field: field, Message: "must be base64"}})
	}
	return b, nil
}

func (s *Service) selectedOffer(ctx context.Context, q store.Queries, app store.Application) (store.Offer, error) {
	offers, err := q.Offers(ctx, []int64{app.ID})
	if err != nil {
		return store.Offer{}, err
	}
	for _, o := range offers {
		if app.SelectedOfferID != nil && o.ID == *app.SelectedOfferID {
			return o, nil
		}
	}
	return store.Offer{}, fmt.Errorf("application %s has no selected offer", app.GUID)
}
