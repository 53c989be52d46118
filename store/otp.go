package store

import (
	"context"
	"database/sql"
	"time"
)

// OTPSettings are the rules for codes of one purpose.
type OTPSettings struct {
	Purpose     string `db:"purpose"`
	Length      int    `db:"otp_length"`
	TTLSeconds  int    `db:"ttl_seconds"`
	MaxAttempts int    `db:"max_attempts"`
	SMSTemplate string `db:"sms_template"`
	// ResendSeconds is how long a phone waits before another code of the purpose.
	ResendSeconds int `db:"resend_seconds"`
}

// OTPCode is an issued code; only its salted hash is kept.
type OTPCode struct {
	ID           int64      `db:"id"`
	Purpose      string     `db:"purpose"`
	Phone        string     `db:"phone"`
	Ref          string     `db:"ref"` // what the code is for beyond the phone, e.g. an application guid
	DeviceID     string     `db:"device_id"`
	Salt         []byte     `db:"salt"`
	CodeHash     []byte     `db:"code_hash"`
	AttemptsLeft int        `db:"attempts_left"`
	ExpiresAt    time.Time  `db:"expires_at"`
	ConsumedAt   *time.Time `db:"consumed_at"`
	CreatedAt    time.Time  `db:"created_at"`
}

const otpCodeColumns = `id, purpose, phone, ref, device_id, salt, code_hash, attempts_left, expires_at, consumed_at, created_at`

// OTPSettingsFor returns the settings of a purpose.
func (q Queries) OTPSettingsFor(ctx context.Context, purpose string) (OTPSettings, error) {
	var s OTPSettings
	err := q.get(ctx, &s, `SELECT purpose, otp_length, ttl_seconds, max_attempts, sms_template, resend_seconds FROM otp_settings WHERE purpose = $1`, purpose)
	return s, err
}

// OTPException returns the fixed code of an exempt phone, or ErrNotFound.
func (q Queries) OTPException(ctx context.Context, phone string) (string, error) {
	var code string
	err := q.get(ctx, &code, `SELECT code FROM otp_exceptions WHERE phone = $1`, phone)
	return code, err
}

// AddOTPException exempts a phone, giving it a fixed code; an existing exemption stays as it is.
func (q Queries) AddOTPException(ctx context.Context, phone, code string) (bool, error) {
	res, err := q.exec(ctx, `INSERT INTO otp_exceptions (phone, code) VALUES ($1, $2) ON CONFLICT DO NOTHING`, phone, code)
	return inserted(res, err)
}

// IssueOTPCode stores a new code and retires the earlier live codes of the same purpose, phone and ref.
func (q Queries) IssueOTPCode(ctx context.Context, c OTPCode) (OTPCode, error) {
	if _, err := q.exec(ctx, `
		UPDATE otp_codes SET attempts_left = 0
		WHERE purpose = $1 AND phone = $2 AND ref = $3 AND consumed_at IS NULL AND attempts_left > 0`,
		c.Purpose, c.Phone, c.Ref); err != nil {
		return OTPCode{}, err
	}
	var out OTPCode
	err := q.get(ctx, &out, `
		INSERT INTO otp_codes (purpose, phone, ref, device_id, salt, code_hash, attempts_left, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		RETURNING `+otpCodeColumns, c.Purpose, c.Phone, c.Ref, c.DeviceID, c.Salt, c.CodeHash, c.AttemptsLeft, c.ExpiresAt)
	return out, err
}

// LatestOTPCodeForUpdate locks and returns the newest unconsumed code of a purpose, phone and ref.
func (q Queries) LatestOTPCodeForUpdate(ctx context.Context, purpose, phone, ref string) (OTPCode, error) {
	var c OTPCode
	err := q.get(ctx, &c, `
		SELECT `+otpCodeColumns+` FROM otp_codes
		WHERE purpose = $1 AND phone = $2 AND ref = $3 AND consumed_at IS NULL
		ORDER BY id DESC LIMIT 1 FOR UPDATE`, purpose, phone, ref)
	return c, err
}

// LatestOTPIssuedAt returns when the newest code of a purpose, phone and ref was issued, or ErrNotFound.
func (q Queries) LatestOTPIssuedAt(ctx context.Context, purpose, phone, ref string) (time.Time, error) {
	var at time.Time
	err := q.get(ctx, &at, `
		SELECT created_at FROM otp_codes WHERE purpose = $1 AND phone = $2 AND ref = $3
		ORDER BY id DESC LIMIT 1`, purpose, phone, ref)
	return at, err
}

// SpendOTPAttempt records a wrong code and returns the attempts left.
func (q Queries) SpendOTPAttempt(ctx context.Context, id int64) (int, error) {
	var left int
	err := q.get(ctx, &left, `
		UPDATE otp_codes SET attempts_left = greatest(attempts_left - 1, 0) WHERE id = $1 RETURNING attempts_left`, id)
	return left, err
}

// ConsumeOTPCode marks a code used, so it never verifies again.
func (q Queries) ConsumeOTPCode(ctx context.Context, id int64) error {
	_, err := q.exec(ctx, `UPDATE otp_codes SET consumed_at = now() WHERE id = $1`, id)
	return err
}

// EnqueueSMS adds a message to the outbox.
func (q Queries) EnqueueSMS(ctx context.Context, phone, body string) error {
	_, err := q.exec(ctx, `INSERT INTO sms_outbox (phone, body) VALUES ($1, $2)`, phone, body)
	return err
}

// SMS is a message in the outbox.
type SMS struct {
	ID        int64      `db:"id"`
	Phone     string     `db:"phone"`
	Body      string     `db:"body"`
	CreatedAt time.Time  `db:"created_at"`
	SentAt    *time.Time `db:"sent_at"`
}

// LatestSMS returns the newest message queued for a phone.
func (q Queries) LatestSMS(ctx context.Context, phone string) (SMS, error) {
	var m SMS
	err := q.get(ctx, &m, `SELECT id, phone, body, created_at, sent_at FROM sms_outbox WHERE phone = $1 ORDER BY id DESC LIMIT 1`, phone)
	return m, err
}

func inserted(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
