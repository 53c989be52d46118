-- +goose Up

-- The corporate expense system's dictionaries that its pre-consumption requests (POST /preconsume/submit,
-- seed 004) name by code. Demo data fills them.
CREATE TABLE expense_currencies (
    code text PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$')
);

-- The expense system's employees, by employee number.
CREATE TABLE expense_employees (
    code text PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE expense_departments (
    biz_code text PRIMARY KEY,
    name     text NOT NULL
);

-- Business entities (subsidiaries): a request's amounts are in the base currency, FORM loans in the
-- reimbursement currency.
CREATE TABLE expense_entities (
    biz_code               text PRIMARY KEY,
    name                   text NOT NULL,
    base_currency          text NOT NULL REFERENCES expense_currencies (code),
    reimbursement_currency text NOT NULL REFERENCES expense_currencies (code)
);

CREATE TABLE expense_fee_types (
    biz_code text PRIMARY KEY,
    name     text NOT NULL
);

-- Types of employees' private loans and how they are managed; a disabled type still takes loans (seed 004).
CREATE TABLE expense_loan_types (
    biz_code text PRIMARY KEY,
    name     text    NOT NULL,
    mode     text    NOT NULL CHECK (mode IN ('POOL', 'FORM')),
    enabled  boolean NOT NULL DEFAULT true
);

-- The options of each cost tracking (auxiliary accounting dimension).
CREATE TABLE expense_cost_tracking_items (
    tracking_name text NOT NULL,
    biz_code      text NOT NULL,
    name          text NOT NULL,
    PRIMARY KEY (tracking_name, biz_code)
);

-- Form subtypes and their switches: keep the handlers, allow a request currency, require expenses.
CREATE TABLE expense_form_subtypes (
    biz_code           text PRIMARY KEY,
    name               text    NOT NULL,
    handlers_enabled   boolean NOT NULL DEFAULT false,
    accept_ccy_enabled boolean NOT NULL DEFAULT false,
    expenses_required  boolean NOT NULL DEFAULT false
);

-- Accompanying-person configurations: an internal one's person is one of the employees.
CREATE TABLE expense_associate_rules (
    name     text PRIMARY KEY,
    internal boolean NOT NULL
);

-- A pre-consumption (expense pre-approval) request, by its document number. A resubmitted
-- business_code replaces the request and its parts and counts in revision.
CREATE TABLE pre_consumptions (
    id                     bigserial PRIMARY KEY,
    business_code          text           NOT NULL UNIQUE,
    name                   text           NOT NULL,
    user_employee_id       text           NOT NULL REFERENCES expense_employees (code),
    department_biz_code    text           NOT NULL REFERENCES expense_departments (biz_code),
    subsidiary_biz_code    text           NOT NULL REFERENCES expense_entities (biz_code),
    amount                 numeric(14, 2) NOT NULL CHECK (amount >= 0),
    approved_amount        numeric(14, 2) NOT NULL CHECK (approved_amount >= 0),
    currency               text           NOT NULL REFERENCES expense_currencies (code),
    accept_ccy             text REFERENCES expense_currencies (code),
    submitted_at           timestamptz,
    sent_at                timestamptz,
    correlation_pattern    text CHECK (correlation_pattern IN ('FEE_TO_PRE_CONSUME', 'FEE_TO_PRE_CONSUME_FEE')),
    form_sub_type_biz_code text REFERENCES expense_form_subtypes (biz_code),
    comments               text,
    handle_list            text[]         NOT NULL DEFAULT '{}',
    revision               int            NOT NULL DEFAULT 1,
    created_at             timestamptz    NOT NULL DEFAULT now(),
    updated_at             timestamptz    NOT NULL DEFAULT now()
);

-- The parts of a request, each kept in the order sent (by id).
CREATE TABLE pre_consumption_cost_trackings (
    id                          bigserial PRIMARY KEY,
    pre_consumption_id          bigint NOT NULL REFERENCES pre_consumptions (id),
    cost_tracking_name          text   NOT NULL,
    cost_tracking_item_biz_code text   NOT NULL,
    FOREIGN KEY (cost_tracking_name, cost_tracking_item_biz_code) REFERENCES expense_cost_tracking_items (tracking_name, biz_code)
);
CREATE INDEX pre_consumption_cost_trackings_idx ON pre_consumption_cost_trackings (pre_consumption_id, id);

CREATE TABLE pre_consumption_expenses (
    id                 bigserial PRIMARY KEY,
    pre_consumption_id bigint         NOT NULL REFERENCES pre_consumptions (id),
    fee_type_biz_code  text           NOT NULL REFERENCES expense_fee_types (biz_code),
    amount             numeric(14, 2) NOT NULL CHECK (amount >= 0),
    approved_amount    numeric(14, 2) NOT NULL CHECK (approved_amount >= 0),
    currency           text           NOT NULL REFERENCES expense_currencies (code),
    consume_time       timestamptz    NOT NULL
);
CREATE INDEX pre_consumption_expenses_idx ON pre_consumption_expenses (pre_consumption_id, id);

CREATE TABLE pre_consumption_loans (
    id                  bigserial PRIMARY KEY,
    pre_consumption_id  bigint         NOT NULL REFERENCES pre_consumptions (id),
    loan_type_biz_code  text           NOT NULL REFERENCES expense_loan_types (biz_code),
    loan_amount         numeric(14, 2) NOT NULL CHECK (loan_amount >= 0),
    loan_type_mode      text           NOT NULL CHECK (loan_type_mode IN ('POOL', 'FORM')),
    currency            text           NOT NULL REFERENCES expense_currencies (code),
    loan_repayment_date timestamptz,
    -- a FORM loan has an expected repayment date, a POOL loan none
    CHECK ((loan_type_mode = 'FORM') = (loan_repayment_date IS NOT NULL))
);
CREATE INDEX pre_consumption_loans_idx ON pre_consumption_loans (pre_consumption_id, id);

CREATE TABLE pre_consumption_form_values (
    id                  bigserial PRIMARY KEY,
    pre_consumption_id  bigint NOT NULL REFERENCES pre_consumptions (id),
    identifier          text   NOT NULL,
    value               text,
    detail_field_values jsonb  NOT NULL DEFAULT '[]'
);
CREATE INDEX pre_consumption_form_values_idx ON pre_consumption_form_values (pre_consumption_id, id);

-- Accompanying persons; employee_id names one of the employees when the rule is internal.
CREATE TABLE pre_consumption_companions (
    id                  bigserial PRIMARY KEY,
    pre_consumption_id  bigint NOT NULL REFERENCES pre_consumptions (id),
    employee_id         text,
    associate_rule_name text   NOT NULL REFERENCES expense_associate_rules (name),
    name                text,
    rank                text,
    department          text,
    company             text,
    identity_no         text,
    first_name          text,
    middle_name         text,
    last_name           text
);
CREATE INDEX pre_consumption_companions_idx ON pre_consumption_companions (pre_consumption_id, id);

-- +goose Down
DROP TABLE pre_consumption_companions, pre_consumption_form_values, pre_consumption_loans, pre_consumption_expenses,
    pre_consumption_cost_trackings, pre_consumptions, expense_associate_rules, expense_form_subtypes,
    expense_cost_tracking_items, expense_loan_types, expense_fee_types, expense_entities, expense_departments,
    expense_employees, expense_currencies;
