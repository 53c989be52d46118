-- +goose Up

-- The loan term dictionary (the seed's dictionary codes): a code per number of months.
CREATE TABLE loan_term_codes (
    code   text PRIMARY KEY,
    months int  NOT NULL UNIQUE CHECK (months > 0)
);
INSERT INTO loan_term_codes (code, months) VALUES
    ('THREE_MONTHS', 3), ('SIX_MONTHS', 6), ('NINE_MONTHS', 9), ('ONE_YEAR', 12),
    ('EIGHTEEN_MONTHS', 18), ('TWO_YEAR', 24), ('THREE_YEAR', 36);

-- The processes a customer's application may follow: the display name and the task it starts with.
CREATE TABLE customer_offer_processes (
    code      text PRIMARY KEY,
    name      text    NOT NULL,
    next_task text    NOT NULL,
    active    boolean NOT NULL DEFAULT true
);
INSERT INTO customer_offer_processes (code, name, next_task) VALUES ('MICRO_LOAN', 'Micro Loan Process', 'application');

-- Personal-data (PDPA) consent templates. A template's text never changes: a new wording is a new
-- version, and the old one is made inactive.
CREATE TABLE pdpa_templates (
    id         bigserial PRIMARY KEY,
    name       text        NOT NULL,
    version    int         NOT NULL CHECK (version > 0),
    text       text        NOT NULL,
    active     boolean     NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (name, version)
);

-- A customer's loan application recorded by an employee, with the customer's signed consent. The
-- product's amount and term bounds are kept as they were offered; the signature is a PNG among the
-- stored files (version 1 of signature_file_guid).
CREATE TABLE customer_offers (
    id                    bigserial PRIMARY KEY,
    customer_id           bigint         NOT NULL REFERENCES customers (id),
    process_code          text           NOT NULL REFERENCES customer_offer_processes (code),
    employee_id           bigint         NOT NULL REFERENCES employees (id),
    next_task             text           NOT NULL,
    product_code          text           NOT NULL REFERENCES loan_products (code),
    min_amount            numeric(14, 2) NOT NULL,
    max_amount            numeric(14, 2) NOT NULL,
    min_term_code         text           NOT NULL REFERENCES loan_term_codes (code),
    max_term_code         text           NOT NULL REFERENCES loan_term_codes (code),
    pdpa_template_id      bigint         NOT NULL REFERENCES pdpa_templates (id),
    pdpa_template_version int            NOT NULL,
    pdpa_text_sha256      text           NOT NULL,
    pdpa_signed_at        timestamptz    NOT NULL,
    signature_file_guid   uuid           NOT NULL UNIQUE,
    created_at            timestamptz    NOT NULL DEFAULT now()
);
CREATE INDEX customer_offers_customer_idx ON customer_offers (customer_id, id);

-- +goose Down
DELETE FROM file_blobs WHERE guid IN (SELECT signature_file_guid FROM customer_offers);
DROP TABLE customer_offers, pdpa_templates, customer_offer_processes, loan_term_codes;
