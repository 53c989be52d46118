-- +goose Up

-- A payment sent again under the same key (a retry, a double tap) is one payment.
ALTER TABLE transaction_orders ADD COLUMN idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 100);
CREATE UNIQUE INDEX transaction_orders_idempotency_idx ON transaction_orders (entity_guid, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- +goose Down
DROP INDEX transaction_orders_idempotency_idx;
ALTER TABLE transaction_orders DROP COLUMN idempotency_key;
