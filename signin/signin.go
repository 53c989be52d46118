// Package signin turns credentials into a caller: a customer's phone and code, an employee's
// password, a partner's client secret. It also answers who a signed-in employee or partner is.
package signin

import (
	"context"
	"errors"
	"log/slog"
	"strconv"

	"golang.org/x/crypto/bcrypt"

	"lendgraph/domain"
	"lendgraph/otp"
	"lendgraph/store"
)

// Service signs callers in.
type Service struct {
	Store *store.Store
	Log   *slog.Logger
	OTP   *otp.Service
}

// SignInCustomer checks the OTP a phone received and returns the customer as a principal,
// registering the phone as a new customer when it is unknown.
func (s *Service) SignInCustomer(ctx context.Context, rawPhone, code, deviceID string) (domain.Principal, error) {
	phone, err := domain.NormalizePhone(rawPhone)
	if err != nil {
		return domain.Principal{}, err
	}
	if deviceID == "" {
		return domain.Principal{}, domain.Errorf(domain.CodeInvalid, "X-Device-Id header is required")
	}
	var verdict error
	var customer store.Customer
	err = s.Store.Tx(ctx, func(q store.Queries) error {
		var err error
		verdict, err = s.OTP.Check(ctx, q, otp.PurposeAuth, phone, "", code)
		if err != nil || verdict != nil {
			return err
		}
		customer, err = q.EnsureCustomer(ctx, phone, nil, nil, nil)
		return err
	})
	if err != nil {
		return domain.Principal{}, err
	}
	if verdict != nil {
		s.Log.InfoContext(ctx, "customer sign-in refused", "phone", domain.MaskPhone(phone), "code", domain.ErrorCode(verdict))
		return domain.Principal{}, verdict
	}
	return domain.Principal{Role: domain.RoleCustomer, Subject: customer.GUID, DeviceID: deviceID}, nil
}

// SignInEmployee checks an employee's username and password.
func (s *Service) SignInEmployee(ctx context.Context, username, password string) (domain.Principal, error) {
	e, err := s.Store.EmployeeByUsername(ctx, username)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return domain.Principal{}, err
	}
	if !secretMatches(e.PasswordHash, password) || !e.Active {
		return domain.Principal{}, domain.Errorf(domain.CodeUnauthenticated, "invalid username or password")
	}
	return domain.Principal{Role: domain.RoleEmployee, Subject: strconv.FormatInt(e.ID, 10)}, nil
}

// SignInPartner checks a partner's client credentials.
func (s *Service) SignInPartner(ctx context.Context, clientID, secret string) (domain.Principal, error) {
	p, err := s.Store.PartnerByClientID(ctx, clientID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return domain.Principal{}, err
	}
	if !secretMatches(p.SecretHash, secret) || !p.Active {
		return domain.Principal{}, domain.Errorf(domain.CodeUnauthenticated, "invalid client credentials")
	}
	return domain.Principal{Role: domain.RolePartner, Subject: p.Name, Partner: p.Name}, nil
}

// HashSecret returns the slow hash stored for a password or client secret.
func HashSecret(secret string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(secret), bcrypt.DefaultCost)
	return string(h), err
}

// unknownAccountHash is compared against when the account does not exist, so that an unknown
// name costs as long as a wrong secret and timing tells nothing.
var unknownAccountHash, _ = HashSecret("no account has this secret")

func secretMatches(hash, secret string) bool {
	if hash == "" {
		hash = unknownAccountHash
		secret += "\x00"
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(secret)) == nil
}

// Employee returns the employee with the given id.
func (s *Service) Employee(ctx context.Context, id string) (store.Employee, error) {
	return domain.ByID(ctx, id, domain.CodeNotFound, "employee", s.Store.EmployeeByID)
}

// Partner returns the partner with the given name.
func (s *Service) Partner(ctx context.Context, name string) (store.Partner, error) {
	p, err := s.Store.PartnerByName(ctx, name)
	return p, domain.NotFound(err, "partner %q not found", name)
}
