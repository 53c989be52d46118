package lending

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"lendgraph/contract"
	"lendgraph/domain"
	"lendgraph/schedule"
	"lendgraph/store"
)

// PurposeSign is the OTP purpose of signing a loan contract.
const PurposeSign = "SIGN"

// SelectOffer accepts one of an approved application's offers; offerID 0 takes the first, the one
// matching what was asked for (the partner API names no offer).
func (s *Service) SelectOffer(ctx context.Context, caller domain.Principal, guid string, offerID int64) (store.Application, error) {
	return s.act(ctx, caller, guid, ActionSelectOffer, func(q store.Queries, app *store.Application) error {
		offers, err := q.Offers(ctx, app.ID)
		if err != nil {
			return err
		}
		for _, o := range offers {
			if offerID == 0 || o.ID == offerID {
				app.SelectedOfferID = &o.ID
				return nil
			}
		}
		return domain.Errorf(domain.CodeNotFound, "offer %d is not an offer of application %s", offerID, guid)
	})
}

// SendOTP sends the customer the code that signs the contract; calling it again resends a new code,
// no sooner than the resend interval.
func (s *Service) SendOTP(ctx context.Context, caller domain.Principal, guid string) (store.Application, error) {
	return s.act(ctx, caller, guid, ActionSendOTP, func(q store.Queries, app *store.Application) error {
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
	return s.act(ctx, caller, guid, ActionSign, func(q store.Queries, app *store.Application) error {
		verdict, err := s.OTP.Check(ctx, q, PurposeSign, app.Phone, app.GUID, code)
		if err != nil {
			return err
		}
		if verdict != nil {
			return keep{verdict} // a wrong code stays counted
		}
		return s.IssueLoan(ctx, q, app)
	})
}

// IssueLoan creates the loan (status NEW) of a signed application with its numbers, its contract
// and the order to pay the partner.
func (s *Service) IssueLoan(ctx context.Context, q store.Queries, app *store.Application) error {
	offer, err := s.selectedOffer(ctx, q, *app)
	if err != nil {
		return err
	}
	customer, err := q.CustomerByID(ctx, *app.CustomerID)
	if err != nil {
		return err
	}
	number, err := q.NextLoanNumber(ctx)
	if err != nil {
		return err
	}
	product, err := q.LoanProduct(ctx, offer.ProductCode)
	if err != nil {
		return err
	}
	now := s.Now()
	loan := store.Loan{
		Number: number, ContractNumber: fmt.Sprintf("LG%s/%02d", number, now.Year()%100), ApplicationID: app.ID,
		CustomerID: customer.ID, ProductCode: offer.ProductCode, Amount: offer.Amount, Term: offer.Term,
		AnnualRate: offer.AnnualRate, Status: LoanNew, PenaltyRate: product.PenaltyRate, DiscountValue: product.DiscountValue,
	}
	if product.DiscountValue.Valid {
		loan.DiscountType = &discountFull
	}
	plan, err := schedule.Annuity(schedule.Terms{Principal: offer.Amount, AnnualRate: loanRate(loan), Months: offer.Term, Start: now})
	if err != nil {
		return err
	}
	pdf, err := s.contract(ctx, q, *app, loan, customer, plan, now)
	if err != nil {
		return err
	}
	created, err := q.InsertLoan(ctx, loan, pdf)
	if err != nil {
		return err
	}
	if err := q.AppendLoanUpdate(ctx, store.LoanUpdate{LoanID: created.ID, Event: "STATUS", Status: created.Status, Actor: "system:signing"}); err != nil {
		return err
	}
	return s.OrderPayout(ctx, q, *app, created)
}

// contract renders the contract the customer signs.
func (s *Service) contract(ctx context.Context, q store.Queries, app store.Application, loan store.Loan, c store.Customer, plan schedule.Schedule, now time.Time) ([]byte, error) {
	d := contract.Data{
		Number: loan.ContractNumber, LoanNumber: loan.Number, Date: now, Lender: s.Lender,
		CustomerName: strings.Join(nonEmptyOf(c.LastName, c.FirstName, c.MiddleName), " "), CustomerPhone: c.Phone,
		Amount: loan.Amount, AnnualRate: loan.AnnualRate, Months: loan.Term, MonthlyPayment: plan.MonthlyPayment,
		TotalInterest: plan.TotalInterest, TotalAmount: plan.TotalAmount, Partner: "—",
	}
	if app.PartnerID != nil {
		p, err := q.PartnerByID(ctx, *app.PartnerID)
		if err != nil {
			return nil, err
		}
		d.Partner = p.Name
	}
	items, err := q.CartItems(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		d.Goods = append(d.Goods, fmt.Sprintf("%s ×%d — %s ₽", it.Name, it.Quantity, it.Price.StringFixed(2)))
	}
	for _, p := range plan.Payments {
		d.Schedule = append(d.Schedule, contract.Row{N: p.N, Date: p.Date, Amount: p.Amount, Principal: p.Principal, Interest: p.Interest, Remaining: p.Remaining})
	}
	return contract.Render(d)
}

// Confirm records that the partner handed over the goods: the loan opens on confirmDate with its
// payment schedule, and the application is complete. The date is a day from the one the contract
// was signed to today (the service's clock), both as the date's own offset tells days; any other
// is INVALID naming confirm_date.
func (s *Service) Confirm(ctx context.Context, caller domain.Principal, guid string, confirmDate time.Time) (store.Application, error) {
	if confirmDate.IsZero() {
		return store.Application{}, domain.Invalid(domain.FieldErrors{{Field: "confirm_date", Message: "is required"}})
	}
	return s.act(ctx, caller, guid, ActionConfirm, func(q store.Queries, app *store.Application) error {
		loan, err := q.LoanByApplication(ctx, app.ID)
		if err != nil {
			return err
		}
		if err := confirmDateProblem(confirmDate, loan.CreatedAt, s.Now()); err != nil {
			return err
		}
		opened := time.Date(confirmDate.Year(), confirmDate.Month(), confirmDate.Day(), 0, 0, 0, 0, time.UTC)
		if err := SetLoanStatus(ctx, q, loan, LoanOpened, &opened, "", domain.ActorOf(caller)); err != nil {
			return err
		}
		loan.Status = LoanOpened
		if err := s.OpenSchedule(ctx, q, loan, opened); err != nil {
			return err
		}
		return s.SettlePayout(ctx, q, loan, OrderCompleted)
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
	return s.act(ctx, caller, guid, ActionCancel, func(q store.Queries, app *store.Application) error {
		app.Reason = reason
		loan, err := q.LoanByApplication(ctx, app.ID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := SetLoanStatus(ctx, q, loan, LoanCancelled, nil, reason, domain.ActorOf(caller)); err != nil {
			return err
		}
		return s.SettlePayout(ctx, q, loan, OrderCancelled)
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
	offers, err := q.Offers(ctx, app.ID)
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

func nonEmptyOf(ss ...*string) []string {
	var out []string
	for _, s := range ss {
		if s != nil && *s != "" {
			out = append(out, *s)
		}
	}
	return out
}
