package applications

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"time"

	"github.com/shopspring/decimal"

	"lendgraph/domain"
	"lendgraph/store"
)

// PartnerStatusView is the answer of the partner's status route: {status, payload, message}.
type PartnerStatusView struct {
	Status  string         `json:"status"`
	Payload map[string]any `json:"payload"`
	Message string         `json:"message"`
}

// ConfirmedProduct is the product terms the partner is told once an offer is known.
type ConfirmedProduct struct {
	PartnerProductCode string          `json:"partnerProductCode"`
	Payment            decimal.Decimal `json:"payment"`
	InterestRate       decimal.Decimal `json:"interestRate"`
	CreditInfo         CreditInfo      `json:"creditInfo"`
}

// CreditInfo sums up the credit: cost is the total interest, firstPay the down payment, period the
// number of monthly payments, totalSumInCredit the amount lent and totalSumOutOfCredit the part of
// the cart paid outside the loan (the down payment included).
type CreditInfo struct {
	Cost                decimal.Decimal `json:"cost"`
	FirstPay            decimal.Decimal `json:"firstPay"`
	Period              int             `json:"period"`
	TotalSumInCredit    decimal.Decimal `json:"totalSumInCredit"`
	TotalSumOutOfCredit decimal.Decimal `json:"totalSumOutOfCredit"`
}

// PartnerApplicationStatus answers the partner's status route from the latest notification.
func (s *Service) PartnerApplicationStatus(ctx context.Context, caller domain.Principal, guid string) (PartnerStatusView, error) {
	app, err := s.findVisible(ctx, s.Store.Queries, caller, guid, s.Store.OwnedApplicationByGUID)
	if err != nil {
		return PartnerStatusView{}, err
	}
	if app.Told == nil {
		return s.partnerStatus(ctx, s.Store.Queries, app)
	}
	var v PartnerStatusView
	return v, json.Unmarshal(app.Told, &v)
}

// partnerStatus is what the partner is told of the application's current state: the status and
// message of the lifecycle table with the terms last told (see tell), or, when nothing was told
// yet, the terms as stored: the confirmed product once an offer is known, and the contract once
// signed.
func (s *Service) partnerStatus(ctx context.Context, q store.Queries, app store.OwnedApplication) (PartnerStatusView, error) {
	status, message := PartnerStatus(Status(app.Status), app.Reason)
	v := PartnerStatusView{Status: status, Message: message, Payload: map[string]any{}}
	if app.Told != nil {
		payload, err := toldPayload(app)
		for k, x := range payload {
			v.Payload[k] = x
		}
		return v, err
	}
	if Status(app.Status) == StatusProcessing { // offers come with the approval
		return v, nil
	}
	terms, err := q.PartnerTermsOf(ctx, app.ID, app.SelectedOfferID)
	if errors.Is(err, store.ErrNotFound) {
		return v, nil
	}
	if err != nil {
		return v, err
	}
	v.Payload["confirmedProduct"] = confirmedProduct(app, terms.Offer)
	if terms.ContractNumber != nil {
		maps.Copy(v.Payload, contractTerms(*terms.ContractNumber, terms.ContractPDF))
	}
	return v, nil
}

// tell changes the terms the partner is told from the application's next status on: the actions
// that change them (approval, selecting an offer, signing) tell them, the others keep them.
func tell(app *store.OwnedApplication, terms map[string]any) error {
	payload, err := toldPayload(*app)
	if err != nil {
		return err
	}
	v := PartnerStatusView{Payload: map[string]any{}}
	for k, x := range payload {
		v.Payload[k] = x
	}
	maps.Copy(v.Payload, terms)
	app.Told, err = json.Marshal(v)
	return err
}

// toldPayload is the payload the partner was last told, as it was written.
func toldPayload(app store.OwnedApplication) (map[string]json.RawMessage, error) {
	var last struct {
		Payload map[string]json.RawMessage `json:"payload"`
	}
	if app.Told == nil {
		return nil, nil
	}
	return last.Payload, json.Unmarshal(app.Told, &last)
}

// confirmedProduct is the product an offer of the application gives, as the partner is told.
func confirmedProduct(app store.OwnedApplication, offer store.Offer) ConfirmedProduct {
	// what the customer pays for the cart outside the loan, the down payment included
	outOfCredit := decimal.Max(app.CartTotal.Sub(offer.Amount), decimal.Zero)
	return ConfirmedProduct{
		PartnerProductCode: offer.ProductCode, Payment: offer.MonthlyPayment, InterestRate: offer.AnnualRate,
		CreditInfo: CreditInfo{
			Cost: offer.TotalInterest, FirstPay: app.DownPayment, Period: offer.Term,
			TotalSumInCredit: offer.Amount, TotalSumOutOfCredit: outOfCredit,
		},
	}
}

// contractTerms is the signed contract, as the partner is told.
func contractTerms(number string, pdf []byte) map[string]any {
	return map[string]any{"contractNumber": number, "contract_pdf": base64.StdEncoding.EncodeToString(pdf)}
}

// CartView is the answer of the internal cart route.
type CartView struct {
	Type            string      `json:"type"`
	ApplicationGUID string      `json:"application_guid"`
	BranchGUID      string      `json:"branch_guid"`
	Goods           []GoodsView `json:"goods"`
}

// GoodsView is a cart line.
type GoodsView struct {
	Name      string          `json:"name"`
	Quantity  int             `json:"quantity"`
	Price     decimal.Decimal `json:"price"`
	GoodsType string          `json:"goods_type"`
	CreatedAt string          `json:"created_at"`
	UpdatedAt string          `json:"updated_at"`
}

// Cart returns the cart of an application caller may see.
func (s *Service) Cart(ctx context.Context, caller domain.Principal, guid string) (CartView, error) {
	app, err := s.Application(ctx, caller, guid)
	if err != nil {
		return CartView{}, err
	}
	items, err := s.Store.CartItems(ctx, []int64{app.ID})
	if err != nil {
		return CartView{}, err
	}
	v := CartView{Type: app.Mode, ApplicationGUID: app.GUID, Goods: []GoodsView{}}
	if app.BranchGUID != nil {
		v.BranchGUID = *app.BranchGUID
	}
	for _, it := range items {
		at := it.CreatedAt.UTC().Format(time.RFC3339)
		v.Goods = append(v.Goods, GoodsView{Name: it.Name, Quantity: it.Quantity, Price: it.Price, GoodsType: it.GoodsType, CreatedAt: at, UpdatedAt: at})
	}
	return v, nil
}
