-- +goose Up

-- Billing: what each loan owes and has paid, day by day.

-- Penalty on overdue amounts, prolongation terms and an optional interest discount, per product.
ALTER TABLE loan_products
    ADD COLUMN penalty_rate      numeric(7, 3) NOT NULL DEFAULT 20 CHECK (penalty_rate >= 0),
    ADD COLUMN prolongation_days int           NOT NULL DEFAULT 30 CHECK (prolongation_days > 0),
    ADD COLUMN max_prolongations int           NOT NULL DEFAULT 1 CHECK (max_prolongations >= 0),
    ADD COLUMN discount_value    numeric(3, 2) CHECK (discount_value > 0 AND discount_value <= 1);

ALTER TABLE loans
    -- money received and not yet applied to the schedule
    ADD COLUMN balance         numeric(14, 2) NOT NULL DEFAULT 0 CHECK (balance >= 0),
    -- the last day whose interest and penalty are accrued
    ADD COLUMN accrued_through date,
    -- the regular payment of the current schedule
    ADD COLUMN payment         numeric(14, 2),
    ADD COLUMN penalty_rate    numeric(7, 3)  NOT NULL DEFAULT 20,
    -- an interest discount (type FULL: the share of interest forgiven), cancelled by a prolongation
    ADD COLUMN discount_type   text CHECK (discount_type IN ('FULL')),
    ADD COLUMN discount_value  numeric(3, 2) CHECK (discount_value > 0 AND discount_value <= 1);

-- A schedule row is a period ending on due_date: REGULAR payments, and the early repayments and
-- prolongation fees that cut a period short. Planned parts, what accrued and what was paid.
ALTER TABLE loan_schedule
    ADD COLUMN kind             text           NOT NULL DEFAULT 'REGULAR' CHECK (kind IN ('REGULAR', 'PREPAYMENT', 'PROLONGATION')),
    ADD COLUMN interest_accrued numeric(14, 2) NOT NULL DEFAULT 0,
    ADD COLUMN fine_accrued     numeric(14, 2) NOT NULL DEFAULT 0,
    ADD COLUMN principal_paid   numeric(14, 2) NOT NULL DEFAULT 0,
    ADD COLUMN interest_paid    numeric(14, 2) NOT NULL DEFAULT 0,
    ADD COLUMN fine_paid        numeric(14, 2) NOT NULL DEFAULT 0,
    ADD COLUMN paid_at          timestamptz,
    ADD CONSTRAINT loan_schedule_paid_check CHECK (principal_paid <= principal AND interest_paid <= interest_accrued
        AND fine_paid <= fine_accrued AND principal_paid >= 0 AND interest_paid >= 0 AND fine_paid >= 0);

UPDATE loans l SET payment = s.amount, accrued_through = l.opened_on - 1
FROM loan_schedule s WHERE s.loan_id = l.id AND s.n = 1;

-- One row per loan and day accrued: running a day twice finds it and changes nothing.
CREATE TABLE loan_accruals (
    loan_id  bigint         NOT NULL REFERENCES loans (id),
    day      date           NOT NULL,
    interest numeric(14, 2) NOT NULL,
    fine     numeric(14, 2) NOT NULL,
    PRIMARY KEY (loan_id, day)
);

-- Money applied to a loan: scheduled and overdue payments, early repayments, prolongation fees.
CREATE TABLE loan_operations (
    id         bigserial PRIMARY KEY,
    loan_id    bigint         NOT NULL REFERENCES loans (id),
    kind       text           NOT NULL CHECK (kind IN ('SCHEDULED_PAYMENT', 'OVERDUE_REPAYMENT', 'PARTIAL_PREPAYMENT', 'FULL_REPAYMENT', 'PROLONGATION_FEE')),
    amount     numeric(14, 2) NOT NULL CHECK (amount > 0),
    principal  numeric(14, 2) NOT NULL,
    interest   numeric(14, 2) NOT NULL,
    fine       numeric(14, 2) NOT NULL,
    event_time timestamptz    NOT NULL DEFAULT now()
);
CREATE INDEX loan_operations_loan_idx ON loan_operations (loan_id, id);

-- Early repayment requests: executed on their activation day when the loan's balance covers them.
CREATE TABLE prepayments (
    id              bigserial PRIMARY KEY,
    guid            uuid           NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    loan_id         bigint         NOT NULL REFERENCES loans (id),
    type            text           NOT NULL CHECK (type IN ('PAYMENT_DECREASE', 'TERM_DECREASE')),
    amount          numeric(14, 2) NOT NULL CHECK (amount > 0),
    activation_date date           NOT NULL,
    state           text           NOT NULL DEFAULT 'NEW' CHECK (state IN ('NEW', 'EXECUTED', 'FAILED', 'CANCELLED')),
    failure         text           NOT NULL DEFAULT '',
    created_at      timestamptz    NOT NULL DEFAULT now(),
    updated_at      timestamptz    NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX prepayments_one_new_idx ON prepayments (loan_id) WHERE state = 'NEW';

CREATE TABLE prolongations (
    id                  bigserial PRIMARY KEY,
    guid                uuid           NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    loan_id             bigint         NOT NULL REFERENCES loans (id),
    status              text           NOT NULL CHECK (status IN ('NEW', 'PENDING', 'FAILED', 'SUCCESS', 'CANCELLED')),
    error_code          text           NOT NULL DEFAULT '',
    price               numeric(14, 2) NOT NULL,
    days                int            NOT NULL,
    current_return_date date           NOT NULL,
    new_return_date     date           NOT NULL,
    created_at          timestamptz    NOT NULL DEFAULT now(),
    updated_at          timestamptz    NOT NULL DEFAULT now()
);
CREATE INDEX prolongations_loan_idx ON prolongations (loan_id, id);

-- Jobs about a day rather than an application: one accrual job per day, whatever the instances.
ALTER TABLE jobs ALTER COLUMN application_id DROP NOT NULL, ADD COLUMN day date;
CREATE UNIQUE INDEX jobs_accrual_day_idx ON jobs (day) WHERE kind = 'ACCRUE';

-- +goose Down
DROP INDEX jobs_accrual_day_idx;
DELETE FROM jobs WHERE application_id IS NULL;
ALTER TABLE jobs DROP COLUMN day, ALTER COLUMN application_id SET NOT NULL;
DROP TABLE prolongations, prepayments, loan_operations, loan_accruals;
ALTER TABLE loan_schedule DROP CONSTRAINT loan_schedule_paid_check, DROP COLUMN kind, DROP COLUMN interest_accrued,
    DROP COLUMN fine_accrued, DROP COLUMN principal_paid, DROP COLUMN interest_paid, DROP COLUMN fine_paid, DROP COLUMN paid_at;
ALTER TABLE loans DROP COLUMN balance, DROP COLUMN accrued_through, DROP COLUMN payment, DROP COLUMN penalty_rate,
    DROP COLUMN discount_type, DROP COLUMN discount_value;
ALTER TABLE loan_products DROP COLUMN penalty_rate, DROP COLUMN prolongation_days, DROP COLUMN max_prolongations,
    DROP COLUMN discount_value;
