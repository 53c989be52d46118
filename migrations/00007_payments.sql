-- +goose Up

-- The payments dictionaries: providers that move money, the business operations that need one,
-- and the kinds of transaction orders. Each entry has a unique key and a status.
CREATE TABLE payment_providers (
    id         bigserial PRIMARY KEY,
    guid       uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    code       text        NOT NULL UNIQUE,
    status     text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE payment_operations (
    id         bigserial PRIMARY KEY,
    guid       uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    code       text        NOT NULL UNIQUE,
    status     text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE transaction_types (
    id         bigserial PRIMARY KEY,
    guid       uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    name       text        NOT NULL UNIQUE,
    status     text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Which provider serves an operation: at most one rule of an operation is ACTIVE.
CREATE TABLE payment_provider_rules (
    id           bigserial PRIMARY KEY,
    guid         uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    provider_id  bigint      NOT NULL REFERENCES payment_providers (id),
    operation_id bigint      NOT NULL REFERENCES payment_operations (id),
    status       text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX payment_provider_rules_active_idx ON payment_provider_rules (operation_id) WHERE status = 'ACTIVE';

-- A customer's card or account. Cards keep masked data only, as the registry's cards do.
CREATE TABLE financial_sources (
    id                       bigserial PRIMARY KEY,
    guid                     uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    customer_id              bigint      NOT NULL REFERENCES customers (id),
    type                     text        NOT NULL CHECK (type IN ('CARD', 'ACCOUNT')),
    status                   text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('DEACTIVATED', 'COMPLETED', 'PENDING', 'FAILED')),
    status_reason            text,
    comment                  text,
    additional_data          jsonb       NOT NULL DEFAULT '{}',
    version                  int         NOT NULL DEFAULT 1,
    card_holder              text,
    card_bin                 text CHECK (card_bin ~ '^[0-9]{6,8}$'),
    card_payment_system_type text,
    card_bank_name           text,
    card_last_four_digits    text CHECK (card_last_four_digits ~ '^[0-9]{4}$'),
    card_currency_code       text,
    card_expiration_month    text CHECK (card_expiration_month ~ '^([1-9]|0[1-9]|1[0-2])$'),
    card_expiration_year     text CHECK (card_expiration_year ~ '^[0-9]{4}$'),
    account_number           text,
    account_type             text,
    account_bank_name        text,
    account_currency_code    text,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    -- exactly one instrument: the fields of the other kind stay empty
    CHECK (CASE type
        WHEN 'CARD' THEN num_nonnulls(account_number, account_type, account_bank_name, account_currency_code) = 0
        ELSE account_number IS NOT NULL AND account_type IS NOT NULL AND num_nonnulls(card_holder, card_bin,
            card_payment_system_type, card_bank_name, card_last_four_digits, card_currency_code, card_expiration_month,
            card_expiration_year) = 0
    END)
);
CREATE INDEX financial_sources_customer_idx ON financial_sources (customer_id, id);

-- A provider's own id of a financial source.
CREATE TABLE provider_financial_sources (
    id                        bigserial PRIMARY KEY,
    financial_source_id       bigint      NOT NULL REFERENCES financial_sources (id),
    provider_id               bigint      NOT NULL REFERENCES payment_providers (id),
    external_financial_source text        NOT NULL,
    created_at                timestamptz NOT NULL DEFAULT now(),
    UNIQUE (financial_source_id, provider_id)
);

-- Orders to move money through a provider for a business entity (a loan). Amounts in roubles.
CREATE TABLE transaction_orders (
    id                        bigserial PRIMARY KEY,
    guid                      uuid           NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    customer_id               bigint         NOT NULL REFERENCES customers (id),
    process                   text           NOT NULL,
    type_id                   bigint         NOT NULL REFERENCES transaction_types (id),
    from_financial_source_id  bigint REFERENCES financial_sources (id),
    to_financial_source_id    bigint REFERENCES financial_sources (id),
    external_financial_source text,
    entity_type               text           NOT NULL,
    entity_guid               uuid           NOT NULL,
    amount                    numeric(14, 2) NOT NULL CHECK (amount > 0),
    currency                  text           NOT NULL,
    status                    text           NOT NULL CHECK (status IN ('NEW', 'COMPLETED', 'CANCELLED', 'FAILED')),
    additional_data           jsonb          NOT NULL DEFAULT '{}',
    provider_id               bigint         NOT NULL REFERENCES payment_providers (id),
    created_at                timestamptz    NOT NULL DEFAULT now(),
    updated_at                timestamptz    NOT NULL DEFAULT now(),
    completed_at              timestamptz,
    CHECK ((status = 'COMPLETED') = (completed_at IS NOT NULL))
);
CREATE INDEX transaction_orders_entity_idx ON transaction_orders (entity_type, entity_guid, id);
CREATE INDEX transaction_orders_customer_idx ON transaction_orders (customer_id, id);

-- What the code asks for by name (lending/payments.go): the operations and transaction types, and
-- the platform's internal provider serving every operation, so that loans keep being issued.
INSERT INTO payment_providers (code) VALUES ('INTERNAL_DOP0');
INSERT INTO payment_operations (code) VALUES ('LOAN_PAYOUT'), ('LOAN_REPAYMENT'), ('MANUAL_PAYMENT');
INSERT INTO payment_provider_rules (provider_id, operation_id) SELECT p.id, o.id FROM payment_providers p, payment_operations o;
INSERT INTO transaction_types (name) VALUES ('LOAN_PAYOUT'), ('LOAN_REPAYMENT'), ('MANUAL_PAYMENT'), ('CARD_REGISTRATION');

-- Payout orders become transaction orders of their loans; the partner paid is named in additional_data.
INSERT INTO transaction_orders (guid, customer_id, process, type_id, entity_type, entity_guid, amount, currency, status,
    additional_data, provider_id, created_at, updated_at)
SELECT po.guid, l.customer_id, 'SIGN', t.id, 'LOAN', l.guid, po.amount, po.currency, po.status,
    CASE WHEN pa.name IS NULL THEN '{}' ELSE jsonb_build_object('partner', pa.name) END, p.id, po.created_at, po.created_at
FROM payout_orders po
JOIN loans l ON l.id = po.loan_id
LEFT JOIN partners pa ON pa.id = po.partner_id
JOIN transaction_types t ON t.name = 'LOAN_PAYOUT'
JOIN payment_providers p ON p.code = 'INTERNAL_DOP0'
ORDER BY po.id;
DROP TABLE payout_orders;

-- +goose Down
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
INSERT INTO payout_orders (guid, loan_id, partner_id, amount, currency, status, created_at)
SELECT o.guid, l.id, pa.id, o.amount, o.currency, o.status, o.created_at
FROM transaction_orders o
JOIN transaction_types t ON t.id = o.type_id AND t.name = 'LOAN_PAYOUT'
JOIN loans l ON o.entity_type = 'LOAN' AND l.guid = o.entity_guid
LEFT JOIN partners pa ON pa.name = o.additional_data ->> 'partner'
ORDER BY o.id;
DROP TABLE transaction_orders, provider_financial_sources, financial_sources, payment_provider_rules, transaction_types,
    payment_operations, payment_providers;
