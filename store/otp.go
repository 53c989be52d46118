package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"
)

// OTPSettings are the rules for codes of one purpose (the OTP service's project).
type OTPSettings struct {
	Purpose     string `db:"purpose"`
	Title       string `db:"title"`
	Enabled     bool   `db:"enabled"`
	Length      int    `db:"otp_length"`
	TTLSeconds  int    `db:"ttl_seconds"`
	MaxAttempts int    `db:"max_attempts"` // wrong codes allowed per code
	SMSTemplate string `db:"sms_template"`
	// ResendSeconds is how long a phone waits before another code of the purpose.
	ResendSeconds int `db:"resend_seconds"`
	// FailureLimit wrong codes within FailureWindowSeconds lock the phone for the purpose, whatever
	// new codes it asks for.
	FailureLimit         int `db:"failure_limit"`
	FailureWindowSeconds int `db:"failure_window_seconds"`
}

const otpSettingsColumns = `purpose, title, enabled, otp_length, ttl_seconds, max_attempts, sms_template, resend_seconds, failure_limit, failure_window_seconds`

// OTPRule limits how many codes of a purpose are issued within an interval to requests sharing
// the keys it turns on.
type OTPRule struct {
	ID              int64     `db:"id"`
	Purpose         string    `db:"purpose"`
	ByPhone         bool      `db:"by_phone"`
	ByDevice        bool      `db:"by_device"`
	IPMask          string    `db:"ip_mask"`
	MaxRequests     int       `db:"max_requests"`
	IntervalSeconds int       `db:"interval_seconds"`
	Enabled         bool      `db:"enabled"`
	CreatedAt       time.Time `db:"created_at"`
	UpdatedAt       time.Time `db:"updated_at"`
}

const otpRuleColumns = `id, purpose, by_phone, by_device, ip_mask, max_requests, interval_seconds, enabled, created_at, updated_at`

// OTPException is a phone with a fixed code, exempt from the request rules.
type OTPException struct {
	Phone string `db:"phone"`
	Code  string `db:"code"`
}

// OTPCount selects the earlier codes a rule counts: those of Purpose issued within the interval
// (exempt phones' codes never), and of the phone, the device and inside the network when given.
type OTPCount struct {
	Purpose  string
	Phone    string
	DeviceID string
	Network  string // CIDR
	Interval time.Duration
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
	IP           string     `db:"-"` // the caller's address, when known (written, not read back)
	Exempt       bool       `db:"-"` // the phone is an exception: the code counts against no rule
}

const otpCodeColumns = `id, purpose, phone, ref, device_id, salt, code_hash, attempts_left, expires_at, consumed_at, created_at`

// OTPSettingsFor returns the settings of a purpose.
func (q Queries) OTPSettingsFor(ctx context.Context, purpose string) (OTPSettings, error) {
	var s OTPSettings
	err := q.get(ctx, &s, `SELECT `+otpSettingsColumns+` FROM otp_settings WHERE purpose = $1`, purpose)
	return s, err
}

// OTPSettingsForPhone returns the settings of a purpose and, when the phone is exempt, its fixed
// code (nil otherwise).
func (q Queries) OTPSettingsForPhone(ctx context.Context, purpose, phone string) (OTPSettings, *string, error) {
	var out struct {
		OTPSettings
		Fixed *string `db:"fixed"`
	}
	err := q.get(ctx, &out, `SELECT `+otpSettingsColumns+`, (SELECT code FROM otp_exceptions WHERE phone = $2) AS fixed
		FROM otp_settings WHERE purpose = $1`, purpose, phone)
	return out.OTPSettings, out.Fixed, err
}

// OTPPurposes lists every purpose by name.
func (q Queries) OTPPurposes(ctx context.Context) ([]OTPSettings, error) {
	var out []OTPSettings
	err := q.sel(ctx, &out, `SELECT `+otpSettingsColumns+` FROM otp_settings ORDER BY purpose`)
	return out, err
}

// InsertOTPPurpose adds a purpose; false when its name is taken.
func (q Queries) InsertOTPPurpose(ctx context.Context, s OTPSettings) (bool, error) {
	res, err := q.exec(ctx, `
		INSERT INTO otp_settings (`+otpSettingsColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT DO NOTHING`, s.Purpose, s.Title, s.Enabled, s.Length, s.TTLSeconds, s.MaxAttempts, s.SMSTemplate,
		s.ResendSeconds, s.FailureLimit, s.FailureWindowSeconds)
	return inserted(res, err)
}

// UpdateOTPPurpose replaces a purpose's settings; ErrNotFound when there is none of the name.
func (q Queries) UpdateOTPPurpose(ctx context.Context, s OTPSettings) error {
	res, err := q.exec(ctx, `
		UPDATE otp_settings SET title = $2, enabled = $3, otp_length = $4, ttl_seconds = $5, max_attempts = $6,
			sms_template = $7, resend_seconds = $8, failure_limit = $9, failure_window_seconds = $10
		WHERE purpose = $1`, s.Purpose, s.Title, s.Enabled, s.Length, s.TTLSeconds, s.MaxAttempts, s.SMSTemplate,
		s.ResendSeconds, s.FailureLimit, s.FailureWindowSeconds)
	return found(res, err)
}

// OTPPurposeForUpdate locks and returns a purpose's settings.
func (q Queries) OTPPurposeForUpdate(ctx context.Context, purpose string) (OTPSettings, error) {
	var s OTPSettings
	err := q.get(ctx, &s, `SELECT `+otpSettingsColumns+` FROM otp_settings WHERE purpose = $1 FOR UPDATE`, purpose)
	return s, err
}

// OTPRules lists a purpose's rules, oldest first; enabledOnly leaves out those switched off.
func (q Queries) OTPRules(ctx context.Context, purpose string, enabledOnly bool) ([]OTPRule, error) {
	var out []OTPRule
	err := q.sel(ctx, &out, `SELECT `+otpRuleColumns+` FROM otp_rules WHERE purpose = $1 AND (enabled OR NOT $2) ORDER BY id`,
		purpose, enabledOnly)
	return out, err
}

// OTPRuleForUpdate locks and returns a rule.
func (q Queries) OTPRuleForUpdate(ctx context.Context, id int64) (OTPRule, error) {
	var r OTPRule
	err := q.get(ctx, &r, `SELECT `+otpRuleColumns+` FROM otp_rules WHERE id = $1 FOR UPDATE`, id)
	return r, err
}

// InsertOTPRule adds a rule.
func (q Queries) InsertOTPRule(ctx context.Context, r OTPRule) (OTPRule, error) {
	var out OTPRule
	err := q.get(ctx, &out, `
		INSERT INTO otp_rules (purpose, by_phone, by_device, ip_mask, max_requests, interval_seconds, enabled)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+otpRuleColumns,
		r.Purpose, r.ByPhone, r.ByDevice, r.IPMask, r.MaxRequests, r.IntervalSeconds, r.Enabled)
	return out, err
}

// UpdateOTPRule replaces a rule's keys and limits (not its purpose).
func (q Queries) UpdateOTPRule(ctx context.Context, r OTPRule) (OTPRule, error) {
	var out OTPRule
	err := q.get(ctx, &out, `
		UPDATE otp_rules SET by_phone = $2, by_device = $3, ip_mask = $4, max_requests = $5, interval_seconds = $6,
			enabled = $7, updated_at = now()
		WHERE id = $1 RETURNING `+otpRuleColumns,
		r.ID, r.ByPhone, r.ByDevice, r.IPMask, r.MaxRequests, r.IntervalSeconds, r.Enabled)
	return out, err
}

// DeleteOTPRule removes a rule; ErrNotFound when there is none.
func (q Queries) DeleteOTPRule(ctx context.Context, id int64) error {
	return found(q.exec(ctx, `DELETE FROM otp_rules WHERE id = $1`, id))
}

// OTPExceptions lists the exempt phones.
func (q Queries) OTPExceptions(ctx context.Context) ([]OTPException, error) {
	var out []OTPException
	err := q.sel(ctx, &out, `SELECT phone, code FROM otp_exceptions ORDER BY phone`)
	return out, err
}

// PutOTPException exempts a phone with a fixed code, replacing the code it had.
func (q Queries) PutOTPException(ctx context.Context, e OTPException) error {
	_, err := q.exec(ctx, `INSERT INTO otp_exceptions (phone, code) VALUES ($1, $2)
		ON CONFLICT (phone) DO UPDATE SET code = excluded.code`, e.Phone, e.Code)
	return err
}

// RemoveOTPException ends a phone's exemption; ErrNotFound when it had none.
func (q Queries) RemoveOTPException(ctx context.Context, phone string) error {
	return found(q.exec(ctx, `DELETE FROM otp_exceptions WHERE phone = $1`, phone))
}

// LockOTPKeys takes a transaction-level advisory lock on each key, in sorted order so that two
// transactions wanting overlapping keys never wait on each other in a cycle. Requests for codes
// that count against the same limits thus run one at a time, on every instance.
func (q Queries) LockOTPKeys(ctx context.Context, keys []string) error {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	_, err := q.exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k`, pq.Array(slices.Compact(keys)))
	return err
}

// NthRecentOTPCode returns when the n-th newest code that c selects was issued, or ErrNotFound when
// there are fewer than n: a rule allowing n codes per interval refuses the next one until then
// plus the interval.
func (q Queries) NthRecentOTPCode(ctx context.Context, c OTPCount, n int) (time.Time, error) {
	where := []string{`purpose = $1`, `NOT exempt`, `created_at > now() - make_interval(secs => $2)`}
	args := []any{c.Purpose, c.Interval.Seconds()}
	if c.Phone != "" {
		args = append(args, c.Phone)
		where = append(where, fmt.Sprintf(`phone = $%d`, len(args)))
	}
	if c.DeviceID != "" {
		args = append(args, c.DeviceID)
		where = append(where, fmt.Sprintf(`device_id = $%d`, len(args)))
	}
	if c.Network != "" {
		args = append(args, c.Network)
		where = append(where, fmt.Sprintf(`ip <<= $%d::cidr`, len(args)))
	}
	args = append(args, n-1)
	var at time.Time
	err := q.get(ctx, &at, `SELECT created_at FROM otp_codes WHERE `+strings.Join(where, ` AND `)+
		fmt.Sprintf(` ORDER BY created_at DESC OFFSET $%d LIMIT 1`, len(args)), args...)
	return at, err
}

// RecordOTPFailure counts a wrong code against a phone's budget for a purpose.
func (q Queries) RecordOTPFailure(ctx context.Context, purpose, phone string) error {
	_, err := q.exec(ctx, `INSERT INTO otp_failures (purpose, phone) VALUES ($1, $2)`, purpose, phone)
	return err
}

// OTPFailures returns how many wrong codes a phone entered for a purpose within window, and when
// the n-th newest of them was entered (zero when there are fewer than n).
func (q Queries) OTPFailures(ctx context.Context, purpose, phone string, window time.Duration, n int) (int, time.Time, error) {
	var out struct {
		Count int        `db:"count"`
		Nth   *time.Time `db:"nth"`
	}
	err := q.get(ctx, &out, `
		WITH recent AS (
			SELECT created_at FROM otp_failures
			WHERE purpose = $1 AND phone = $2 AND created_at > now() - make_interval(secs => $3))
		SELECT (SELECT count(*) FROM recent) AS count,
			(SELECT created_at FROM recent ORDER BY created_at DESC OFFSET $4 LIMIT 1) AS nth`,
		purpose, phone, window.Seconds(), n-1)
	if err != nil || out.Nth == nil {
		return out.Count, time.Time{}, err
	}
	return out.Count, *out.Nth, nil
}

// AddOTPException exempts a phone, giving it a fixed code; an existing exemption stays as it is.
func (q Queries) AddOTPException(ctx context.Context, phone, code string) (bool, error) {
	res, err := q.exec(ctx, `INSERT INTO otp_exceptions (phone, code) VALUES ($1, $2) ON CONFLICT DO NOTHING`, phone, code)
	return inserted(res, err)
}

// IssueOTPCode stores a new code, retires the earlier live codes of the same purpose, phone and
// ref, and queues sms, the message that carries the code.
func (q Queries) IssueOTPCode(ctx context.Context, c OTPCode, sms string) (OTPCode, error) {
	var out OTPCode
	err := q.get(ctx, &out, `
		WITH retired AS (
			UPDATE otp_codes SET attempts_left = 0
			WHERE purpose = $1 AND phone = $2 AND ref = $3 AND consumed_at IS NULL AND attempts_left > 0
		), sms AS (
			`+insertSMS+` VALUES ($2, $11)
		)
		INSERT INTO otp_codes (purpose, phone, ref, device_id, salt, code_hash, attempts_left, expires_at, ip, exempt)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::inet, $10)
		RETURNING `+otpCodeColumns, c.Purpose, c.Phone, c.Ref, c.DeviceID, c.Salt, c.CodeHash, c.AttemptsLeft, c.ExpiresAt,
		nullString(c.IP), c.Exempt, sms)
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
	_, err := q.exec(ctx, insertSMS+` VALUES ($1, $2)`, phone, body)
	return err
}

// insertSMS begins every statement that queues a message.
const insertSMS = `INSERT INTO sms_outbox (phone, body)`

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

// found turns "no row changed" into ErrNotFound.
func found(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			err = ErrNotFound
		}
		return err
	}
	return nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func inserted(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
