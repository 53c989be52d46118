-- +goose Up

-- Leads (seeds 002 and 003): would-be borrowers as a lead generator or a partner sends them, under
-- the sender's own id. The fields searched and shown in lists are columns; the structured parts
-- (passport, addresses, relatives, goods, income and debts, masked card data, the rest) are jsonb as
-- validated. A lead belongs to the partner that first sent it (none when an employee did).
CREATE TABLE leads (
    id           bigint PRIMARY KEY CHECK (id > 0),
    partner_id   bigint REFERENCES partners (id),
    client_id    bigint REFERENCES customers (id),
    channel      text           NOT NULL CHECK (channel IN ('ECOMM', 'GENERATOR', 'LOAN_APPLICATION', 'PRESCORE', 'SITE', 'UNO_MOMENTO')),
    first_name   text           NOT NULL,
    last_name    text           NOT NULL,
    patronymic   text           NOT NULL,
    mobile_phone text           NOT NULL CHECK (mobile_phone ~ '^7[0-9]{10}$'),
    email        text,
    manager_id   bigint,
    amount       numeric(14, 2) NOT NULL CHECK (amount >= 0),
    passport     jsonb          NOT NULL,
    addresses    jsonb          NOT NULL,
    relatives    jsonb          NOT NULL,
    goods        jsonb          NOT NULL,
    finances     jsonb          NOT NULL,
    card         jsonb          NOT NULL,
    details      jsonb          NOT NULL,
    created_at   timestamptz    NOT NULL DEFAULT now(),
    updated_at   timestamptz    NOT NULL DEFAULT now()
);
CREATE INDEX leads_partner_idx ON leads (partner_id, id);
CREATE INDEX leads_last_name_idx ON leads (lower(last_name));
CREATE INDEX leads_mobile_phone_idx ON leads (mobile_phone);

-- A run of the scoring rules on a lead; the newest decides the lead's status.
CREATE TABLE lead_scoring_tasks (
    id                   bigserial PRIMARY KEY,
    lead_id              bigint      NOT NULL REFERENCES leads (id),
    final_recommendation text        NOT NULL,
    denial_reason        text        NOT NULL DEFAULT '',
    started_at           timestamptz NOT NULL,
    ended_at             timestamptz NOT NULL
);
CREATE INDEX lead_scoring_tasks_lead_idx ON lead_scoring_tasks (lead_id, id);

-- Ids of the rule step fields a rule task records (its expression and its description).
CREATE SEQUENCE lead_rule_field_ids;

-- A rule step as it ran in a scoring: the rule as it was then (rules change), and what it gave.
CREATE TABLE lead_rule_tasks (
    id                   bigserial PRIMARY KEY,
    scoring_task_id      bigint      NOT NULL REFERENCES lead_scoring_tasks (id),
    rule_id              bigint      NOT NULL REFERENCES scoring_rules (id),
    order_no             int         NOT NULL,
    blocking             boolean     NOT NULL,
    allowing             boolean     NOT NULL,
    denial_reason        text        NOT NULL DEFAULT '',
    expression           text        NOT NULL,
    expression_field_id  bigint      NOT NULL DEFAULT nextval('lead_rule_field_ids'),
    description          text        NOT NULL DEFAULT '',
    description_field_id bigint      NOT NULL DEFAULT nextval('lead_rule_field_ids'),
    recommendation       text        NOT NULL,
    error                text        NOT NULL DEFAULT '',
    started_at           timestamptz NOT NULL,
    ended_at             timestamptz NOT NULL
);
CREATE INDEX lead_rule_tasks_task_idx ON lead_rule_tasks (scoring_task_id, id);

-- +goose Down
DROP TABLE lead_rule_tasks, lead_scoring_tasks, leads;
DROP SEQUENCE lead_rule_field_ids;
