package otp

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"
	"net/netip"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"lendgraph/domain"
	"lendgraph/store"
)

// PurposeAuth is the OTP purpose of a customer's sign-in.
const PurposeAuth = "AUTH"

// Issued tells the caller what was sent, never the code itself.
type Issued struct {
	Phone        string
	ExpiresAt    time.Time
	CodeLength   int
	AttemptsLeft int
}

type clientIPKey struct{}

// WithClientIP records the caller's network address, which OTP rules with an IP mask count by.
func WithClientIP(ctx context.Context, ip netip.Addr) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

// ClientIP returns the caller's network address, or the zero Addr when it is not known.
func ClientIP(ctx context.Context) netip.Addr {
	ip, _ := ctx.Value(clientIPKey{}).(netip.Addr)
	return ip
}

// Request sends a sign-in code to a phone through the SMS outbox.
func (s *Service) Request(ctx context.Context, rawPhone, deviceID string) (Issued, error) {
	phone, err := domain.NormalizePhone(rawPhone)
	if err != nil {
		return Issued{}, err
	}
	if len(deviceID) > 200 || !printable(deviceID) {
		return Issued{}, domain.Invalid([]domain.FieldError{{Field: "deviceId", Message: "must be at most 200 printable characters"}})
	}
	var issued Issued
	err = s.Store.Tx(ctx, func(q store.Queries) error {
		issued, err = s.Issue(ctx, q, PurposeAuth, phone, "", deviceID)
		return err
	})
	return issued, err
}

// phoneLockKey is the advisory lock every issue and check of a purpose's codes for a phone takes
// first: they run one at a time per phone across instances.
func phoneLockKey(purpose, phone string) string { return "otp:" + purpose + ":phone:" + phone }

// Issue sends a code of a purpose to a phone (for ref, when a code belongs to something such as
// an application) inside q's transaction. The code is random, or the fixed code of an exempt (test)
// phone; only its salted hash is stored. A new code retires the earlier ones. It is refused while
// the phone is locked for too many wrong codes (OTP_LOCKED), and, unless the phone is an
// exception, sooner than the purpose's resend interval after the previous one or beyond any of the
// purpose's rules (TOO_MANY_REQUESTS). Each refusal says when to retry.
//
// Requests that count against the same limits are serialized by transaction-level advisory locks
// (store.LockOTPKeys): the count and the new code are one step on every instance.
func (s *Service) Issue(ctx context.Context, q store.Queries, purpose, phone, ref, deviceID string) (Issued, error) {
	settings, fixed, err := q.OTPSettingsForPhone(ctx, purpose, phone)
	if err != nil {
		return Issued{}, fmt.Errorf("otp settings of %s: %w", purpose, err)
	}
	if !settings.Enabled {
		return Issued{}, domain.Errorf(domain.CodeOTPDisabled, "codes for %s are switched off", strings.ToLower(settings.Purpose))
	}
	exempt := fixed != nil
	ip := ClientIP(ctx)
	var counts []ruleCount
	keys := []string{phoneLockKey(purpose, phone)}
	if !exempt {
		rules, err := q.OTPRules(ctx, purpose, true)
		if err != nil {
			return Issued{}, err
		}
		for _, r := range rules {
			if c, ok := countFor(r, phone, deviceID, ip); ok {
				counts = append(counts, c)
				keys = append(keys, c.lockKey())
			}
		}
	}
	if err := q.LockOTPKeys(ctx, keys); err != nil {
		return Issued{}, err
	}
	budget, err := s.failureBudget(ctx, q, settings, phone)
	if err != nil {
		return Issued{}, err
	}
	if budget.left == 0 {
		return Issued{}, budget.locked(settings, "no new code is sent")
	}
	if !exempt {
		if err := s.withinLimits(ctx, q, settings, phone, ref, counts); err != nil {
			return Issued{}, err
		}
	}
	code := domain.Deref(fixed)
	if !exempt {
		if code, err = randomDigits(settings.Length); err != nil {
			return Issued{}, err
		}
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return Issued{}, err
	}
	c := store.OTPCode{
		Purpose:      purpose,
		Phone:        phone,
		Ref:          ref,
		DeviceID:     deviceID,
		Salt:         salt,
		CodeHash:     hashOTP(salt, code),
		AttemptsLeft: settings.MaxAttempts,
		ExpiresAt:    s.Now().Add(time.Duration(settings.TTLSeconds) * time.Second),
		Exempt:       exempt,
	}
	if ip.IsValid() {
		c.IP = ip.String()
	}
	if c, err = q.IssueOTPCode(ctx, c, strings.ReplaceAll(settings.SMSTemplate, "{code}", code)); err != nil {
		return Issued{}, err
	}
	s.Log.InfoContext(ctx, "otp issued", "phone", domain.MaskPhone(phone), "purpose", purpose)
	return Issued{Phone: phone, ExpiresAt: c.ExpiresAt, CodeLength: len(code), AttemptsLeft: min(c.AttemptsLeft, budget.left)}, nil
}

// withinLimits refuses a code sooner than the resend interval after the previous one of the same
// phone and ref, or one that any rule's count has reached; the wait is the longest of them.
func (s *Service) withinLimits(ctx context.Context, q store.Queries, settings store.OTPSettings, phone, ref string, counts []ruleCount) error {
	var wait time.Duration
	if last, err := q.LatestOTPIssuedAt(ctx, settings.Purpose, phone, ref); err == nil {
		wait = last.Add(time.Duration(settings.ResendSeconds) * time.Second).Sub(s.Now())
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	resend := wait > 0
	for _, c := range counts {
		at, err := q.NthRecentOTPCode(ctx, c.OTPCount, c.rule.MaxRequests)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		wait = max(wait, at.Add(c.Interval).Sub(s.Now()), time.Second)
		resend = false
	}
	switch {
	case wait <= 0:
		return nil
	case resend:
		return domain.Throttled(domain.CodeTooManyRequests, wait, "a code was just sent: retry in %d s", ceilSeconds(wait))
	}
	s.Log.InfoContext(ctx, "otp refused by a rule", "phone", domain.MaskPhone(phone), "purpose", settings.Purpose)
	return domain.Throttled(domain.CodeTooManyRequests, wait, "too many codes requested: retry in %d s", ceilSeconds(wait))
}

// failures is where a phone stands against its budget of wrong codes for a purpose.
type failures struct {
	left  int           // wrong codes it may still enter within the window
	until time.Duration // when left is 0: how long until the oldest counted one ages out
}

func (s *Service) failureBudget(ctx context.Context, q store.Queries, settings store.OTPSettings, phone string) (failures, error) {
	window := time.Duration(settings.FailureWindowSeconds) * time.Second
	n, nth, err := q.OTPFailures(ctx, settings.Purpose, phone, window, settings.FailureLimit)
	if err != nil {
		return failures{}, err
	}
	f := failures{left: max(settings.FailureLimit-n, 0)}
	if f.left == 0 {
		f.until = max(nth.Add(window).Sub(s.Now()), time.Second)
	}
	return f, nil
}

func (f failures) locked(settings store.OTPSettings, what string) error {
	return domain.Throttled(domain.CodeOTPLocked, f.until, "%d wrong codes within %s: %s for this phone; retry in %d s",
		settings.FailureLimit, window(settings.FailureWindowSeconds), what, ceilSeconds(f.until))
}

// Check verifies code against the phone's live code inside q's transaction. A wrong code uses up
// an attempt of the code and one of the phone's budget for the purpose, which new codes do not
// restore; with the budget spent the phone is locked (OTP_LOCKED, even for the right code) until
// the oldest wrong code counted leaves the window. The right code is consumed. The verdict is the
// client-facing outcome (nil: accepted); err is a failure of the store. The caller commits in both
// verdicts so a spent attempt stays spent.
func (s *Service) Check(ctx context.Context, q store.Queries, purpose, phone, ref, code string) (verdict, err error) {
	settings, err := q.OTPSettingsFor(ctx, purpose)
	if err != nil {
		return nil, fmt.Errorf("otp settings of %s: %w", purpose, err)
	}
	if err := q.LockOTPKeys(ctx, []string{phoneLockKey(purpose, phone)}); err != nil {
		return nil, err
	}
	budget, err := s.failureBudget(ctx, q, settings, phone)
	if err != nil {
		return nil, err
	}
	if budget.left == 0 {
		return budget.locked(settings, "no code is accepted"), nil
	}
	c, err := q.LatestOTPCodeForUpdate(ctx, purpose, phone, ref)
	if errors.Is(err, store.ErrNotFound) {
		return domain.Errorf(domain.CodeOTPNotRequested, "no live code: request one first"), nil
	}
	if err != nil {
		return nil, err
	}
	now := s.Now()
	switch {
	case c.AttemptsLeft <= 0:
		return domain.Errorf(domain.CodeOTPAttemptsExceeded, "no attempts left: request a new code"), nil
	case !now.Before(c.ExpiresAt):
		return domain.Errorf(domain.CodeOTPExpired, "the code has expired: request a new code"), nil
	case subtle.ConstantTimeCompare(hashOTP(c.Salt, code), c.CodeHash) != 1:
		left, err := q.SpendOTPAttempt(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		if err := q.RecordOTPFailure(ctx, purpose, phone); err != nil {
			return nil, err
		}
		if budget.left--; budget.left == 0 {
			budget.until = time.Duration(settings.FailureWindowSeconds) * time.Second
			s.Log.WarnContext(ctx, "otp locked", "phone", domain.MaskPhone(phone), "purpose", purpose)
			return budget.locked(settings, "wrong code, and no more codes are accepted"), nil
		}
		if left = min(left, budget.left); left == 0 {
			return domain.Errorf(domain.CodeOTPAttemptsExceeded, "wrong code and no attempts left: request a new code"), nil
		}
		return domain.Errorf(domain.CodeOTPInvalid, "wrong code: %d attempts left", left), nil
	}
	return nil, q.ConsumeOTPCode(ctx, c.ID)
}

// ruleCount is a rule applied to one request: which earlier codes it counts.
type ruleCount struct {
	store.OTPCount
	rule store.OTPRule
}

func (c ruleCount) lockKey() string {
	return fmt.Sprintf("otp:%s:count:%s|%s|%s", c.Purpose, c.Phone, c.DeviceID, c.Network)
}

// countFor applies a rule to a request: the phone, device and network it counts by. A rule keyed
// by device applies only to requests naming a device, one with an IP mask only to requests whose
// address is known (and, for a network mask, inside the network).
func countFor(r store.OTPRule, phone, deviceID string, ip netip.Addr) (ruleCount, bool) {
	c := ruleCount{rule: r, OTPCount: store.OTPCount{Purpose: r.Purpose, Interval: time.Duration(r.IntervalSeconds) * time.Second}}
	if r.ByPhone {
		c.Phone = phone
	}
	if r.ByDevice {
		if deviceID == "" {
			return c, false
		}
		c.DeviceID = deviceID
	}
	if r.IPMask != "" {
		mask, err := ParseIPMask(r.IPMask)
		if err != nil || !ip.IsValid() {
			return c, false
		}
		network, ok := mask.Network(ip)
		if !ok {
			return c, false
		}
		c.Network = network.String()
	}
	return c, true
}

// IPMask is a rule's IP key. A CIDR network ("192.22.22.0/24", also "192.22.22.0/255.255.255.0"),
// or a single address ("192.22.22.12"), covers the requests from inside it and counts them
// together. A netmask alone ("255.255.255.255", "255.255.255.0") covers every request and counts
// each caller's masked network on its own: per address, per /24. An IPv6 caller under a netmask of
// n bits is counted by its /2n network (/64 for 255.255.255.255), since one IPv6 subscriber holds a
// whole /64.
type IPMask struct {
	network   netip.Prefix // the network covered, when not per caller
	perCaller int          // the netmask's bits, when counting per caller; -1 otherwise
}

// ParseIPMask reads a rule's ip mask (not empty).
func ParseIPMask(s string) (IPMask, error) {
	bad := domain.Errorf(domain.CodeInvalid, "ip mask %q is neither a CIDR network, an address nor a netmask", s)
	if addr, bits, ok := strings.Cut(s, "/"); ok {
		a, err := netip.ParseAddr(addr)
		if err != nil || a.Zone() != "" {
			return IPMask{}, bad
		}
		a = a.Unmap()
		n, ok := prefixLength(bits, a)
		if !ok {
			return IPMask{}, bad
		}
		return IPMask{network: netip.PrefixFrom(a, n).Masked(), perCaller: -1}, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return IPMask{}, bad
	}
	a = a.Unmap()
	if n, ok := netmaskBits(a); ok {
		return IPMask{perCaller: n}, nil
	}
	return IPMask{network: netip.PrefixFrom(a, a.BitLen()), perCaller: -1}, nil
}

// Network returns the network whose requests the rule counts together for a caller at ip, and
// false when the rule does not cover ip.
func (m IPMask) Network(ip netip.Addr) (netip.Prefix, bool) {
	ip = ip.Unmap().WithZone("")
	if m.perCaller < 0 {
		return m.network, m.network.Contains(ip)
	}
	bits := m.perCaller
	if ip.Is6() {
		bits = min(2*bits, 128)
	}
	p, err := ip.Prefix(bits)
	return p, err == nil
}

func prefixLength(s string, a netip.Addr) (int, bool) {
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err == nil && fmt.Sprint(n) == s {
		return n, n >= 0 && n <= a.BitLen()
	}
	m, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return 0, false
	}
	return netmaskBits(m)
}

// netmaskBits tells whether an IPv4 address is a netmask (ones, then zeros) and its ones.
func netmaskBits(a netip.Addr) (int, bool) {
	if !a.Is4() {
		return 0, false
	}
	b := a.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	ones := 0
	for v&(1<<31) != 0 {
		v <<= 1
		ones++
	}
	return ones, v == 0
}

// printable tells whether s is UTF-8 without control characters (NUL cannot be stored at all).
func printable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}

func ceilSeconds(d time.Duration) int { return int((d + time.Second - 1) / time.Second) }

// window names a number of seconds the way people say it.
func window(seconds int) string {
	d := time.Duration(seconds) * time.Second
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%d h", int(d/time.Hour))
	case d%time.Minute == 0:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return fmt.Sprintf("%d s", seconds)
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
