-- +goose Up
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- Customers sign in by phone; guid is the identifier every other system and token uses.
CREATE TABLE customers (
    id          bigserial PRIMARY KEY,
    guid        uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    phone       text        NOT NULL UNIQUE CHECK (phone ~ '^7[0-9]{10}$'),
    first_name  text,
    last_name   text,
    middle_name text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Back-office accounts. password_hash is bcrypt.
CREATE TABLE employees (
    id            bigserial PRIMARY KEY,
    username      text        NOT NULL,
    password_hash text        NOT NULL,
    full_name     text        NOT NULL DEFAULT '',
    active        boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX employees_username_key ON employees (lower(username));

-- Merchants filing loans for their buyers. name is the token's azp; secret_hash is bcrypt.
CREATE TABLE partners (
    id          bigserial PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    client_id   text        NOT NULL UNIQUE,
    secret_hash text        NOT NULL,
    active      boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Settings per OTP purpose (the OTP service's project settings).
CREATE TABLE otp_settings (
    purpose      text PRIMARY KEY,
    otp_length   int  NOT NULL CHECK (otp_length BETWEEN 4 AND 8),
    ttl_seconds  int  NOT NULL CHECK (ttl_seconds > 0),
    max_attempts int  NOT NULL CHECK (max_attempts > 0),
    sms_template text NOT NULL CHECK (sms_template LIKE '%{code}%')
);
INSERT INTO otp_settings (purpose, otp_length, ttl_seconds, max_attempts, sms_template)
VALUES ('AUTH', 4, 300, 3, 'Lendgraph sign-in code: {code}');

-- Phones exempt from random codes: they always receive this fixed code (test and demo numbers).
CREATE TABLE otp_exceptions (
    phone text PRIMARY KEY CHECK (phone ~ '^7[0-9]{10}$'),
    code  text NOT NULL CHECK (code ~ '^[0-9]{4,8}$')
);

-- Issued codes; only a salted SHA-256 of the code is kept.
CREATE TABLE otp_codes (
    id            bigserial PRIMARY KEY,
    purpose       text        NOT NULL REFERENCES otp_settings (purpose),
    phone         text        NOT NULL,
    device_id     text        NOT NULL DEFAULT '',
    salt          bytea       NOT NULL,
    code_hash     bytea       NOT NULL,
    attempts_left int         NOT NULL,
    expires_at    timestamptz NOT NULL,
    consumed_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX otp_codes_phone_idx ON otp_codes (purpose, phone, id DESC);

-- Outgoing SMS, written in the transaction that decides to send; a sender drains it.
CREATE TABLE sms_outbox (
    id         bigserial PRIMARY KEY,
    phone      text        NOT NULL,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz
);
CREATE INDEX sms_outbox_unsent_idx ON sms_outbox (id) WHERE sent_at IS NULL;

-- +goose Down
DROP TABLE sms_outbox, otp_codes, otp_exceptions, otp_settings, partners, employees, customers;
