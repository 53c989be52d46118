-- +goose Up

-- An event belongs to whoever the application belonged to when it happened: its partner and its
-- customer, copied onto the event as it is written. Feeds filtered by partner or customer then
-- give the same answer whenever they read (live or catching up), and read by index.
ALTER TABLE application_events ADD COLUMN partner_id bigint, ADD COLUMN customer_id bigint;
UPDATE application_events e SET partner_id = a.partner_id, customer_id = a.customer_id
FROM applications a WHERE a.id = e.application_id;
CREATE INDEX application_events_partner_idx ON application_events (partner_id, id) WHERE partner_id IS NOT NULL;
CREATE INDEX application_events_customer_idx ON application_events (customer_id, id) WHERE customer_id IS NOT NULL;

-- +goose Down
DROP INDEX application_events_customer_idx;
DROP INDEX application_events_partner_idx;
ALTER TABLE application_events DROP COLUMN customer_id, DROP COLUMN partner_id;
