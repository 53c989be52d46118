package applications

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
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
	app, err := s.Application(ctx, caller, guid)
	if err != nil {
		return PartnerStatusView{}, err
	}
	n, err := s.Store.LatestPartnerNotification(ctx, app.ID)
	if errors.Is(err, store.ErrNotFound) {
		return s.partnerStatus(ctx, s.Store.Queries, app)
	}
	if err != nil {
		return PartnerStatusView{}, err
	}
	var v PartnerStatusView
	return v, json.Unmarshal(n.Payload, &v)
}

// partnerStatus is what the partner is told of the application's current state: the status and
// message of the lifecycle table, the confirmed product once an offer is known, and the contract
// once signed.
func (s *Service) partnerStatus(ctx context.Context, q store.Queries, app store.Application) (PartnerStatusView, error) {
	status, message := PartnerStatus(Status(app.Status), app.Reason)
	v := PartnerStatusView{Status: status, Message: message, Payload: map[string]any{}}
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
	offer := terms.Offer
	// what the customer pays for the cart outside the loan, the down payment included
	outOfCredit := decimal.Max(terms.CartTotal.Sub(offer.Amount), decimal.Zero)
	v.Payload["confirmedProduct"] = ConfirmedProduct{
		PartnerProductCode: offer.ProductCode, Payment: offer.MonthlyPayment, InterestRate: offer.AnnualRate,
		CreditInfo: CreditInfo{
			Cost: offer.TotalInterest, FirstPay: app.DownPayment, Period: offer.Term,
			TotalSumInCredit: offer.Amount, TotalSumOutOfCredit: outOfCredit,
		},
	}
	if terms.ContractNumber != nil {
		v.Payload["contractNumber"] = *terms.ContractNumber
		v.Payload["contract_pdf"] = base64.StdEncoding.EncodeToString(terms.ContractPDF)
	}
	return v, nil
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
