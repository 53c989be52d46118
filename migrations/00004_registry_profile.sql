-- +goose Up

-- Addresses: the primary one is the registration address; data holds the address fields.
CREATE TABLE addresses (
    id          bigserial PRIMARY KEY,
    guid        uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    customer_id bigint      NOT NULL REFERENCES customers (id),
    is_primary  boolean     NOT NULL,
    data        jsonb       NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX addresses_customer_idx ON addresses (customer_id, id);

CREATE TABLE contacts (
    id              bigserial PRIMARY KEY,
    guid            uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    customer_id     bigint      NOT NULL REFERENCES customers (id),
    type            text        NOT NULL CHECK (type IN ('PHONE', 'EMAIL')),
    owner           text        NOT NULL,
    contact         text        NOT NULL,
    is_active       boolean     NOT NULL DEFAULT true,
    is_primary      boolean     NOT NULL DEFAULT false,
    additional_data jsonb       NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_customer_idx ON contacts (customer_id, id);
CREATE INDEX contacts_value_idx ON contacts (type, lower(contact));

-- Bank cards: masked data only; a full card number never enters the database.
CREATE TABLE cards (
    id               bigserial PRIMARY KEY,
    guid             uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    customer_id      bigint      NOT NULL REFERENCES customers (id),
    name_on_card     text,
    bin              text CHECK (bin ~ '^[0-9]{6,8}$'),
    last_four_digits text CHECK (last_four_digits ~ '^[0-9]{4}$'),
    type             text,
    bank_name        text,
    expiration_month text CHECK (expiration_month ~ '^([1-9]|0[1-9]|1[0-2])$'),
    expiration_year  text CHECK (expiration_year ~ '^[0-9]{4}$'),
    is_active        boolean     NOT NULL DEFAULT true,
    is_migrated      boolean     NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cards_customer_idx ON cards (customer_id, id);

CREATE TABLE card_integrations (
    id                      bigserial PRIMARY KEY,
    card_id                 bigint      NOT NULL REFERENCES cards (id),
    integration_code        text        NOT NULL,
    external_card_unique_id text        NOT NULL,
    is_active               boolean     NOT NULL DEFAULT true,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    UNIQUE (card_id, integration_code)
);

-- Work and income; one per customer. Amounts in roubles.
CREATE TABLE employments (
    id                        bigserial PRIMARY KEY,
    guid                      uuid           NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    customer_id               bigint         NOT NULL UNIQUE REFERENCES customers (id),
    position                  text,
    position_type             text           NOT NULL,
    company_name              text,
    company_scope             text           NOT NULL,
    salary                    numeric(14, 2) NOT NULL CHECK (salary >= 0),
    salary_currency           text           NOT NULL,
    extra_salary              numeric(14, 2) CHECK (extra_salary >= 0),
    extra_salary_currency     text,
    current_position_duration text,
    additional_data           jsonb          NOT NULL DEFAULT '{}',
    source_id                 text,
    source_name               text,
    created_at                timestamptz    NOT NULL DEFAULT now(),
    updated_at                timestamptz    NOT NULL DEFAULT now()
);

-- Files of documents; their bytes live behind the file storage (file_blobs by default).
CREATE TABLE file_blobs (
    guid       uuid        NOT NULL,
    version    bigint      NOT NULL,
    content    bytea       NOT NULL,
    media_type text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (guid, version)
);

CREATE TABLE document_files (
    id                bigserial PRIMARY KEY,
    guid              uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    document_id       bigint      NOT NULL REFERENCES customer_documents (id),
    file_guid         uuid        NOT NULL,
    file_version      bigint      NOT NULL,
    source_name       text        NOT NULL,
    source_id         text,
    invalidity_reason text,
    is_deleted        boolean     NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (file_guid, file_version)
);
CREATE INDEX document_files_document_idx ON document_files (document_id, id);

-- Searches by name and birth date.
CREATE INDEX customers_name_idx ON customers (lower(last_name), lower(first_name), birth_date);

-- +goose Down
DROP INDEX customers_name_idx;
DROP TABLE document_files, file_blobs, employments, card_integrations, cards, contacts, addresses;
