-- +goose Up

-- Servicing state of a loan: accruals stopped for fraud, the customer's acknowledgement claim.
ALTER TABLE loans
    ADD COLUMN accruals_stopped   boolean NOT NULL DEFAULT false,
    ADD COLUMN acknowledge_status text CHECK (acknowledge_status IN ('NO_LOAN_TAKEN', 'UNADMITTED_NO_LOAN_TAKEN', 'REMOVE_LOAN')),
    ADD COLUMN closed_at          timestamptz;
ALTER TABLE loans ADD CONSTRAINT loans_status_check
    CHECK (status IN ('NEW', 'PENDING', 'OPENED', 'ERROR', 'PROLONGATION', 'CANCELLED', 'CLOSED'));

-- The history of a loan's updates: every status change and servicing action, append-only.
CREATE TABLE loan_updates (
    id         bigserial PRIMARY KEY,
    loan_id    bigint      NOT NULL REFERENCES loans (id),
    event      text        NOT NULL,
    status     text        NOT NULL,
    reason     text        NOT NULL DEFAULT '',
    actor      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX loan_updates_loan_idx ON loan_updates (loan_id, id);

-- the history of loans issued before it was kept starts with their current status
INSERT INTO loan_updates (loan_id, event, status, actor, created_at)
SELECT id, 'STATUS', status, 'system:migration', updated_at FROM loans;

-- +goose Down
DROP TABLE loan_updates;
ALTER TABLE loans DROP CONSTRAINT loans_status_check;
ALTER TABLE loans DROP COLUMN accruals_stopped, DROP COLUMN acknowledge_status, DROP COLUMN closed_at;
