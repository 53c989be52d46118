-- +goose Up

-- What the questionnaire tells about a customer; the registry (documents, contacts, …) grows later.
ALTER TABLE customers
    ADD COLUMN birth_date date,
    ADD COLUMN email      text,
    ADD COLUMN gender     text;

-- Credit products partners sell; offers are computed from them. Rates are percent per year,
-- terms are months, amounts roubles.
CREATE TABLE loan_products (
    code        text PRIMARY KEY,
    name        text          NOT NULL,
    annual_rate numeric(7, 3) NOT NULL CHECK (annual_rate >= 0),
    min_amount  numeric(14, 2) NOT NULL CHECK (min_amount > 0),
    max_amount  numeric(14, 2) NOT NULL CHECK (max_amount >= min_amount),
    min_term    int           NOT NULL CHECK (min_term >= 1),
    max_term    int           NOT NULL CHECK (max_term >= min_term),
    active      boolean       NOT NULL DEFAULT true
);

-- Ordered scoring steps: a boolean expression over the application and the customer.
CREATE TABLE scoring_rules (
    id             bigserial PRIMARY KEY,
    order_no       int     NOT NULL,
    expression     text    NOT NULL,
    description    text    NOT NULL DEFAULT '',
    blocking       boolean NOT NULL DEFAULT false,
    allowing       boolean NOT NULL DEFAULT false,
    denial_reason  text    NOT NULL DEFAULT '',
    recommendation text    NOT NULL DEFAULT '',
    active         boolean NOT NULL DEFAULT true,
    CHECK (NOT (blocking AND allowing))
);

CREATE TABLE applications (
    id                     bigserial PRIMARY KEY,
    guid                   uuid           NOT NULL UNIQUE,
    channel                text           NOT NULL CHECK (channel IN ('PARTNER', 'MOBILE')),
    partner_id             bigint REFERENCES partners (id),
    partner_application_id text,
    customer_id            bigint REFERENCES customers (id),
    phone                  text           NOT NULL,
    status                 text           NOT NULL,
    product_code           text           NOT NULL REFERENCES loan_products (code),
    mode                   text           NOT NULL DEFAULT '',
    loan_amount            numeric(14, 2) NOT NULL CHECK (loan_amount > 0),
    down_payment           numeric(14, 2) NOT NULL DEFAULT 0 CHECK (down_payment >= 0),
    loan_term              int            NOT NULL CHECK (loan_term > 0),
    branch_guid            uuid,
    employee_id            text,
    request                jsonb          NOT NULL,
    request_hash           bytea          NOT NULL,
    selected_offer_id      bigint,
    reason                 text           NOT NULL DEFAULT '',
    created_at             timestamptz    NOT NULL DEFAULT now(),
    updated_at             timestamptz    NOT NULL DEFAULT now(),
    CHECK ((channel = 'PARTNER') = (partner_id IS NOT NULL)),
    UNIQUE (partner_id, partner_application_id)
);
CREATE INDEX applications_customer_idx ON applications (customer_id, id);
CREATE INDEX applications_status_idx ON applications (status, id);

-- The questionnaire as the application brought it.
CREATE TABLE application_questionnaires (
    application_id bigint PRIMARY KEY REFERENCES applications (id),
    customer_id    bigint NOT NULL REFERENCES customers (id),
    documents      jsonb  NOT NULL DEFAULT '[]',
    employment     jsonb  NOT NULL DEFAULT '{}',
    contacts       jsonb  NOT NULL DEFAULT '[]',
    addresses      jsonb  NOT NULL DEFAULT '{}',
    device         jsonb  NOT NULL DEFAULT '{}',
    additional     jsonb  NOT NULL DEFAULT '{}'
);

CREATE TABLE application_cart_items (
    application_id bigint         NOT NULL REFERENCES applications (id),
    line_no        int            NOT NULL,
    name           text           NOT NULL,
    quantity       int            NOT NULL CHECK (quantity > 0),
    price          numeric(14, 2) NOT NULL CHECK (price >= 0),
    goods_type     text           NOT NULL,
    created_at     timestamptz    NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, line_no)
);

CREATE TABLE application_offers (
    id              bigserial PRIMARY KEY,
    application_id  bigint         NOT NULL REFERENCES applications (id),
    product_code    text           NOT NULL REFERENCES loan_products (code),
    amount          numeric(14, 2) NOT NULL,
    term            int            NOT NULL,
    annual_rate     numeric(7, 3)  NOT NULL,
    monthly_payment numeric(14, 2) NOT NULL,
    total_interest  numeric(14, 2) NOT NULL,
    total_amount    numeric(14, 2) NOT NULL
);
CREATE INDEX application_offers_application_idx ON application_offers (application_id, id);
ALTER TABLE applications ADD FOREIGN KEY (selected_offer_id) REFERENCES application_offers (id);

-- Append-only history: one row per status change, written in the transaction that makes it.
CREATE TABLE application_events (
    id             bigserial PRIMARY KEY,
    application_id bigint      NOT NULL REFERENCES applications (id),
    status         text        NOT NULL,
    message        text        NOT NULL DEFAULT '',
    actor          text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX application_events_application_idx ON application_events (application_id, id);

-- What the partner is told of each status, as the status route answers it.
CREATE TABLE partner_notifications (
    id             bigserial PRIMARY KEY,
    guid           uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    application_id bigint      NOT NULL REFERENCES applications (id),
    payload        jsonb       NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX partner_notifications_application_idx ON partner_notifications (application_id, id);

CREATE TABLE application_files (
    id             bigserial PRIMARY KEY,
    guid           uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    application_id bigint      NOT NULL REFERENCES applications (id),
    file_type      text        NOT NULL,
    format         text        NOT NULL,
    content        bytea       NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- Durable work: claimed with FOR UPDATE SKIP LOCKED, done in the claiming transaction.
CREATE TABLE jobs (
    id             bigserial PRIMARY KEY,
    kind           text        NOT NULL,
    application_id bigint      NOT NULL REFERENCES applications (id),
    run_at         timestamptz NOT NULL DEFAULT now(),
    attempts       int         NOT NULL DEFAULT 0,
    last_error     text        NOT NULL DEFAULT '',
    done_at        timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE done_at IS NULL;

CREATE SEQUENCE loan_numbers START 1000001;

CREATE TABLE loans (
    id              bigserial PRIMARY KEY,
    guid            uuid           NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    number          text           NOT NULL UNIQUE,
    contract_number text           NOT NULL UNIQUE,
    application_id  bigint         NOT NULL UNIQUE REFERENCES applications (id),
    customer_id     bigint         NOT NULL REFERENCES customers (id),
    product_code    text           NOT NULL REFERENCES loan_products (code),
    amount          numeric(14, 2) NOT NULL CHECK (amount > 0),
    term            int            NOT NULL CHECK (term > 0),
    annual_rate     numeric(7, 3)  NOT NULL,
    status          text           NOT NULL,
    contract_pdf    bytea          NOT NULL,
    opened_on       date,
    created_at      timestamptz    NOT NULL DEFAULT now(),
    updated_at      timestamptz    NOT NULL DEFAULT now()
);
CREATE INDEX loans_customer_idx ON loans (customer_id, id);

CREATE TABLE loan_schedule (
    loan_id   bigint         NOT NULL REFERENCES loans (id),
    n         int            NOT NULL,
    due_date  date           NOT NULL,
    amount    numeric(14, 2) NOT NULL,
    principal numeric(14, 2) NOT NULL,
    interest  numeric(14, 2) NOT NULL,
    remaining numeric(14, 2) NOT NULL,
    PRIMARY KEY (loan_id, n)
);

-- Orders to pay the loan out to the partner; a payment service executes them.
CREATE TABLE payout_orders (
    id         bigserial PRIMARY KEY,
    guid       uuid           NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    loan_id    bigint         NOT NULL UNIQUE REFERENCES loans (id),
    partner_id bigint REFERENCES partners (id),
    amount     numeric(14, 2) NOT NULL CHECK (amount > 0),
    currency   text           NOT NULL DEFAULT 'RUB',
    status     text           NOT NULL DEFAULT 'NEW',
    created_at timestamptz    NOT NULL DEFAULT now()
);

-- Codes for signing belong to an application, not only to a phone.
ALTER TABLE otp_codes ADD COLUMN ref text NOT NULL DEFAULT '';
DROP INDEX otp_codes_phone_idx;
CREATE INDEX otp_codes_lookup_idx ON otp_codes (purpose, phone, ref, id DESC);
ALTER TABLE otp_settings ADD COLUMN resend_seconds int NOT NULL DEFAULT 0 CHECK (resend_seconds >= 0);
INSERT INTO otp_settings (purpose, otp_length, ttl_seconds, max_attempts, sms_template, resend_seconds)
VALUES ('SIGN', 4, 300, 3, 'Lendgraph: code {code} signs your loan contract', 60);

-- +goose Down
ALTER TABLE otp_settings DROP COLUMN resend_seconds;
DELETE FROM otp_codes WHERE purpose = 'SIGN';
DELETE FROM otp_settings WHERE purpose = 'SIGN';
DROP INDEX otp_codes_lookup_idx;
ALTER TABLE otp_codes DROP COLUMN ref;
CREATE INDEX otp_codes_phone_idx ON otp_codes (purpose, phone, id DESC);
DROP TABLE payout_orders, loan_schedule, loans, jobs, application_files, partner_notifications,
    application_events, application_offers, application_cart_items, application_questionnaires, applications,
    scoring_rules, loan_products;
DROP SEQUENCE loan_numbers;
ALTER TABLE customers DROP COLUMN birth_date, DROP COLUMN email, DROP COLUMN gender;
