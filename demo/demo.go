// Package demo loads the demo data that `make run`, the README's walk-through and the tests rely
// on. Loading is idempotent: what exists is left as it is.
package demo

import (
	"context"
	"fmt"

	"lendgraph/lending"
	"lendgraph/store"
)

// The demo accounts.
const (
	PartnerClientID     = "demo"
	PartnerClientSecret = "demo-secret"
	PartnerName         = "demo"
	EmployeeUsername    = "demo@example.com"
	EmployeePassword    = "demo-password"
	// OTPCode is the fixed code of the test phones 79010000001 … 79010000009, as on the platform.
	OTPCode = "1111"
)

// TestPhone returns test phone n (1…9).
func TestPhone(n int) string { return fmt.Sprintf("7901000000%d", n) }

// demoCustomers are the named customers behind the first test phones.
var demoCustomers = []struct{ phone, first, last, middle string }{
	{TestPhone(1), "Иван", "Иванов", "Иванович"},
	{TestPhone(2), "Мария", "Петрова", "Сергеевна"},
	{TestPhone(3), "Алексей", "Смирнов", "Павлович"},
}

// Load adds the demo partner, employee, test phones and customers that are missing.
func Load(ctx context.Context, st *store.Store) error {
	return st.Tx(ctx, func(q store.Queries) error {
		if _, err := q.PartnerByClientID(ctx, PartnerClientID); err == store.ErrNotFound {
			hash, err := lending.HashSecret(PartnerClientSecret)
			if err != nil {
				return err
			}
			if _, err := q.AddPartner(ctx, store.Partner{Name: PartnerName, ClientID: PartnerClientID, SecretHash: hash}); err != nil {
				return fmt.Errorf("demo partner: %w", err)
			}
		} else if err != nil {
			return err
		}
		if _, err := q.EmployeeByUsername(ctx, EmployeeUsername); err == store.ErrNotFound {
			hash, err := lending.HashSecret(EmployeePassword)
			if err != nil {
				return err
			}
			if _, err := q.AddEmployee(ctx, store.Employee{Username: EmployeeUsername, PasswordHash: hash, FullName: "Demo Employee"}); err != nil {
				return fmt.Errorf("demo employee: %w", err)
			}
		} else if err != nil {
			return err
		}
		for n := 1; n <= 9; n++ {
			if _, err := q.AddOTPException(ctx, TestPhone(n), OTPCode); err != nil {
				return fmt.Errorf("demo test phone: %w", err)
			}
		}
		for _, c := range demoCustomers {
			if _, err := q.EnsureCustomer(ctx, c.phone, &c.first, &c.last, &c.middle); err != nil {
				return fmt.Errorf("demo customer: %w", err)
			}
		}
		return nil
	})
}
