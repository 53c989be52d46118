-- +goose Up

ALTER TABLE customers
    ADD COLUMN additional_data jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN version         int   NOT NULL DEFAULT 1;

-- The document types dictionary and the attributes (with their rules) of each type.
CREATE TABLE document_types (
    id                bigserial PRIMARY KEY,
    guid              uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    name              text        NOT NULL UNIQUE,
    category          text        NOT NULL,
    validation_method text,
    is_active         boolean     NOT NULL DEFAULT true,
    status            text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE')),
    additional_data   jsonb       NOT NULL DEFAULT '{}',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz
);

CREATE TABLE document_attributes (
    id                bigserial PRIMARY KEY,
    guid              uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    document_type_id  bigint      NOT NULL REFERENCES document_types (id),
    name              text        NOT NULL,
    description       text        NOT NULL,
    is_required       boolean     NOT NULL,
    type              text        NOT NULL CHECK (type IN ('text', 'int', 'double', 'date', 'bool')),
    min               text,
    max               text,
    range             text[],
    is_inverted_range boolean     NOT NULL DEFAULT false,
    regex             text,
    status            text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE')),
    position          int         NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz,
    UNIQUE (document_type_id, name)
);

-- A customer's document and its data records (a document may have several, from several sources).
CREATE TABLE customer_documents (
    id               bigserial PRIMARY KEY,
    guid             uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    customer_id      bigint      NOT NULL REFERENCES customers (id),
    document_type_id bigint      NOT NULL REFERENCES document_types (id),
    status           text        NOT NULL CHECK (status IN ('VALID', 'NOT_VALID', 'NOT_CHECKED', 'NOT_FOUND')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_documents_customer_idx ON customer_documents (customer_id, id);

CREATE TABLE document_infos (
    id              bigserial PRIMARY KEY,
    guid            uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    document_id     bigint      NOT NULL REFERENCES customer_documents (id),
    series          text,
    number          text,
    issuer          text,
    issue_date      date,
    expiration_date date,
    additional_data jsonb       NOT NULL DEFAULT '{}',
    source_name     text,
    source_id       text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_infos_document_idx ON document_infos (document_id, id);
-- document searches go by series and number
CREATE INDEX document_infos_number_idx ON document_infos (number, series);

-- Flag types, their reasons, and the flags set on customers. A restricting type makes a customer
-- restricted while one of its flags is active.
CREATE TABLE flag_types (
    id          bigserial PRIMARY KEY,
    guid        uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    name        text        NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z][A-Za-z0-9_-]*$'),
    description text        NOT NULL DEFAULT '',
    scope       text        NOT NULL CHECK (scope IN ('INTERNAL', 'EXTERNAL')),
    restricts   boolean     NOT NULL DEFAULT false,
    status      text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz
);

CREATE TABLE flag_reasons (
    id           bigserial PRIMARY KEY,
    guid         uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    flag_type_id bigint      NOT NULL REFERENCES flag_types (id),
    name         text        NOT NULL CHECK (name ~ '^[A-Za-z][A-Za-z0-9_-]*$'),
    description  text        NOT NULL DEFAULT '',
    status       text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz,
    UNIQUE (flag_type_id, name)
);

CREATE TABLE customer_flags (
    id             bigserial PRIMARY KEY,
    guid           uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    customer_id    bigint      NOT NULL REFERENCES customers (id),
    flag_type_id   bigint      NOT NULL REFERENCES flag_types (id),
    flag_reason_id bigint      NOT NULL REFERENCES flag_reasons (id),
    is_active      boolean     NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_flags_customer_idx ON customer_flags (customer_id, id);

-- Who changed what, when: one row per registry mutation.
CREATE TABLE audit_log (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    actor     text        NOT NULL,
    action    text        NOT NULL,
    entity    text        NOT NULL,
    entity_id text        NOT NULL,
    changes   jsonb       NOT NULL DEFAULT '{}',
    trace_id  text        NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, id);

-- +goose Down
DROP TABLE audit_log, customer_flags, flag_reasons, flag_types, document_infos, customer_documents,
    document_attributes, document_types;
ALTER TABLE customers DROP COLUMN additional_data, DROP COLUMN version;
