package demo

import (
	"context"
	"encoding/json"
	"fmt"

	"lendgraph/payments"
	"lendgraph/store"
)

// The demo payment providers: the platform's internal one, which the payments migration adds with
// the operations, rules and transaction types the code asks for, and a bank that serves nothing.
const (
	InternalProvider = "INTERNAL_DOP0"
	BankProvider     = "DEMO_BANK"
)

// loadPayments adds the demo bank and gives each named demo customer who has no financial source a
// COMPLETED card bound to the internal provider.
func loadPayments(ctx context.Context, st *store.Store) error {
	return st.Tx(ctx, func(q store.Queries) error {
		if _, _, err := q.InsertEntry(ctx, store.PaymentProviders, BankProvider); err != nil {
			return fmt.Errorf("demo payment provider: %w", err)
		}
		internal, err := q.EntryByKey(ctx, store.PaymentProviders, InternalProvider)
		if err != nil {
			return fmt.Errorf("payment provider %s: %w", InternalProvider, err)
		}
		for i, dc := range Customers {
			c, err := q.EnsureCustomer(ctx, dc.Phone, &dc.First, &dc.Last, &dc.Middle)
			if err != nil {
				return fmt.Errorf("demo customer: %w", err)
			}
			sources, err := q.FinancialSources(ctx, c.GUID, store.SourceFilter{})
			if err != nil {
				return err
			}
			if len(sources) > 0 {
				continue // theirs already: leave them
			}
			card, err := q.InsertFinancialSource(ctx, store.FinancialSource{
				CustomerID: c.ID, Type: payments.SourceCard, Status: payments.SourceCompleted, AdditionalData: json.RawMessage(`{}`),
				SourceCard: store.SourceCard{BIN: ptr("220220"), PaymentSystemType: ptr("MIR"), BankName: ptr("Демо-банк"),
					LastFourDigits: ptr(fmt.Sprintf("%04d", i+1)), CurrencyCode: ptr(payments.RUB), ExpirationMonth: ptr("12"), ExpirationYear: ptr("2030")},
			})
			if err != nil {
				return fmt.Errorf("demo card: %w", err)
			}
			if _, err := q.InsertProviderSource(ctx, card.ID, internal.ID, "demo-card-"+c.GUID); err != nil {
				return fmt.Errorf("demo card binding: %w", err)
			}
		}
		return nil
	})
}
