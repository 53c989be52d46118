-- +goose Up
-- Queuing a job notifies the job workers of every instance when the transaction commits, with the
-- queuing session's application_name (its instance): the others run it at once instead of at their
-- next poll. One notification a statement, however many jobs it queues.
-- +goose StatementBegin
CREATE FUNCTION notify_jobs_queued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('lendgraph_jobs', current_setting('application_name'));
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER jobs_queued AFTER INSERT ON jobs FOR EACH STATEMENT EXECUTE FUNCTION notify_jobs_queued();

-- +goose Down
DROP TRIGGER jobs_queued ON jobs;
DROP FUNCTION notify_jobs_queued();
