-- +goose Up

-- OTP purposes (the OTP service's projects) get a title, an on/off switch and a budget of wrong
-- codes per phone that a new code does not reset: after failure_limit wrong codes within
-- failure_window_seconds the phone is locked for the purpose until the oldest of them ages out.
ALTER TABLE otp_settings
    ADD COLUMN title                  text    NOT NULL DEFAULT '' CHECK (length(title) <= 200),
    ADD COLUMN enabled                boolean NOT NULL DEFAULT true,
    ADD COLUMN failure_limit          int     NOT NULL DEFAULT 10 CHECK (failure_limit BETWEEN 1 AND 1000),
    ADD COLUMN failure_window_seconds int     NOT NULL DEFAULT 86400 CHECK (failure_window_seconds BETWEEN 60 AND 31536000),
    ADD CONSTRAINT otp_settings_purpose_check CHECK (purpose ~ '^[A-Z][A-Z0-9_]{0,31}$');

-- Sign-in codes: 6 digits, a new code at most once a minute; 10 wrong codes a day per phone.
-- At that rate a guesser needs 10^6 / 2 / 10 = 50,000 days (137 years) on average.
UPDATE otp_settings SET otp_length = 6, resend_seconds = 60, title = 'Customer sign-in' WHERE purpose = 'AUTH';
UPDATE otp_settings SET title = 'Loan contract signing' WHERE purpose = 'SIGN';

-- Request-limiting rules of a purpose: an issued code is refused when, within interval_seconds,
-- max_requests codes of the purpose were issued sharing the keys the rule turns on: the phone
-- (by_phone), the device id (by_device) and the caller's network (ip_mask: a CIDR network the rule
-- covers as one, or a netmask such as 255.255.255.255 counting each caller's masked address on its
-- own; empty: no IP key).
CREATE TABLE otp_rules (
    id               bigserial PRIMARY KEY,
    purpose          text        NOT NULL REFERENCES otp_settings (purpose),
    by_phone         boolean     NOT NULL DEFAULT false,
    by_device        boolean     NOT NULL DEFAULT false,
    ip_mask          text        NOT NULL DEFAULT '' CHECK (length(ip_mask) <= 64),
    max_requests     int         NOT NULL CHECK (max_requests BETWEEN 1 AND 1000000),
    interval_seconds int         NOT NULL CHECK (interval_seconds BETWEEN 1 AND 2592000),
    enabled          boolean     NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX otp_rules_purpose_idx ON otp_rules (purpose, id);

INSERT INTO otp_rules (purpose, by_phone, by_device, ip_mask, max_requests, interval_seconds) VALUES
    ('AUTH', true,  false, '',                5,    3600),  -- 5 sign-in SMS per phone an hour
    ('AUTH', true,  false, '',                10,   86400), -- and 10 a day
    ('AUTH', false, true,  '',                10,   3600),  -- 10 per device id an hour (many phones from one device)
    ('AUTH', false, false, '255.255.255.255', 30,   600),   -- 30 per IP address in 10 minutes
    ('AUTH', false, false, '255.255.255.0',   300,  3600),  -- 300 per /24 network an hour
    ('SIGN', true,  false, '',                10,   3600);  -- 10 signing SMS per phone an hour

-- Every issued code records who asked, so that rules can count: the caller's address, and whether
-- the phone was exempt (an exception's code counts against no rule).
ALTER TABLE otp_codes
    ADD COLUMN ip     inet,
    ADD COLUMN exempt boolean NOT NULL DEFAULT false;
CREATE INDEX otp_codes_phone_time_idx ON otp_codes (purpose, phone, created_at);
CREATE INDEX otp_codes_device_time_idx ON otp_codes (purpose, device_id, created_at) WHERE device_id <> '';
CREATE INDEX otp_codes_ip_time_idx ON otp_codes (purpose, ip, created_at) WHERE ip IS NOT NULL;
CREATE INDEX otp_codes_time_idx ON otp_codes (purpose, created_at);

-- Wrong codes entered, per phone and purpose: the budget a new code does not reset.
CREATE TABLE otp_failures (
    id         bigserial PRIMARY KEY,
    purpose    text        NOT NULL REFERENCES otp_settings (purpose),
    phone      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX otp_failures_phone_idx ON otp_failures (purpose, phone, created_at);

-- +goose Down
DROP TABLE otp_failures;
DROP INDEX otp_codes_time_idx;
DROP INDEX otp_codes_ip_time_idx;
DROP INDEX otp_codes_device_time_idx;
DROP INDEX otp_codes_phone_time_idx;
ALTER TABLE otp_codes DROP COLUMN exempt, DROP COLUMN ip;
DROP TABLE otp_rules;
DELETE FROM otp_codes WHERE purpose NOT IN ('AUTH', 'SIGN');
DELETE FROM otp_settings WHERE purpose NOT IN ('AUTH', 'SIGN');
UPDATE otp_settings SET otp_length = 4, resend_seconds = 0 WHERE purpose = 'AUTH';
ALTER TABLE otp_settings
    DROP CONSTRAINT otp_settings_purpose_check,
    DROP COLUMN failure_window_seconds,
    DROP COLUMN failure_limit,
    DROP COLUMN enabled,
    DROP COLUMN title;
