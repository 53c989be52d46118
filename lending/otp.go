package lending

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"lendgraph/store"
)

// PurposeAuth is the OTP purpose of a customer's sign-in.
const PurposeAuth = "AUTH"

// OTPIssued tells the caller what was sent, never the code itself.
type OTPIssued struct {
	Phone        string
	ExpiresAt    time.Time
	CodeLength   int
	AttemptsLeft int
}

// RequestOTP sends a sign-in code to a phone through the SMS outbox.
func (s *Service) RequestOTP(ctx context.Context, rawPhone, deviceID string) (OTPIssued, error) {
	phone, err := NormalizePhone(rawPhone)
	if err != nil {
		return OTPIssued{}, err
	}
	var issued OTPIssued
	err = s.Store.Tx(ctx, func(q store.Queries) error {
		issued, err = s.issueOTP(ctx, q, PurposeAuth, phone, "", deviceID)
		return err
	})
	return issued, err
}

// issueOTP sends a code of a purpose to a phone (for ref, when a code belongs to something such as
// an application) inside q's transaction. The code is random, or the fixed code of an exempt (test)
// phone; only its salted hash is stored. A new code retires the earlier ones, and may not follow
// the previous one sooner than the purpose's resend interval.
func (s *Service) issueOTP(ctx context.Context, q store.Queries, purpose, phone, ref, deviceID string) (OTPIssued, error) {
	settings, err := q.OTPSettingsFor(ctx, purpose)
	if err != nil {
		return OTPIssued{}, fmt.Errorf("otp settings: %w", err)
	}
	if last, err := q.LatestOTPIssuedAt(ctx, purpose, phone, ref); err == nil {
		if wait := last.Add(time.Duration(settings.ResendSeconds) * time.Second).Sub(s.Now()); wait > 0 {
			return OTPIssued{}, Errorf(CodeTooManyRequests, "a code was just sent: retry in %d s", int(wait.Seconds())+1)
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return OTPIssued{}, err
	}
	code, err := q.OTPException(ctx, phone)
	if errors.Is(err, store.ErrNotFound) {
		code, err = randomDigits(settings.Length)
	}
	if err != nil {
		return OTPIssued{}, err
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return OTPIssued{}, err
	}
	c, err := q.IssueOTPCode(ctx, store.OTPCode{
		Purpose:      purpose,
		Phone:        phone,
		Ref:          ref,
		DeviceID:     deviceID,
		Salt:         salt,
		CodeHash:     hashOTP(salt, code),
		AttemptsLeft: settings.MaxAttempts,
		ExpiresAt:    s.Now().Add(time.Duration(settings.TTLSeconds) * time.Second),
	})
	if err != nil {
		return OTPIssued{}, err
	}
	if err := q.EnqueueSMS(ctx, phone, strings.ReplaceAll(settings.SMSTemplate, "{code}", code)); err != nil {
		return OTPIssued{}, err
	}
	s.Log.InfoContext(ctx, "otp issued", "phone", MaskPhone(phone), "purpose", purpose)
	return OTPIssued{Phone: phone, ExpiresAt: c.ExpiresAt, CodeLength: len(code), AttemptsLeft: c.AttemptsLeft}, nil
}

// checkOTP verifies code against the phone's live code inside q's transaction. A wrong code uses up
// an attempt; the right one is consumed. The verdict is the client-facing outcome (nil: accepted);
// err is a failure of the store. The caller commits in both verdicts so a spent attempt stays spent.
func checkOTP(ctx context.Context, q store.Queries, purpose, phone, ref, code string, now time.Time) (verdict, err error) {
	c, err := q.LatestOTPCodeForUpdate(ctx, purpose, phone, ref)
	if errors.Is(err, store.ErrNotFound) {
		return Errorf(CodeOTPNotRequested, "no live code: request one first"), nil
	}
	if err != nil {
		return nil, err
	}
	switch {
	case c.AttemptsLeft <= 0:
		return Errorf(CodeOTPAttemptsExceeded, "no attempts left: request a new code"), nil
	case !now.Before(c.ExpiresAt):
		return Errorf(CodeOTPExpired, "the code has expired: request a new code"), nil
	case subtle.ConstantTimeCompare(hashOTP(c.Salt, code), c.CodeHash) != 1:
		left, err := q.SpendOTPAttempt(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		if left == 0 {
			return Errorf(CodeOTPAttemptsExceeded, "wrong code and no attempts left: request a new code"), nil
		}
		return Errorf(CodeOTPInvalid, "wrong code: %d attempts left", left), nil
	}
	return nil, q.ConsumeOTPCode(ctx, c.ID)
}

func hashOTP(salt []byte, code string) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(code))
	return h.Sum(nil)
}

func randomDigits(n int) (string, error) {
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
	v, err := rand.Int(rand.Reader, limit)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%0*d", n, v), nil
}
