package store

import (
	"context"
	"time"
)

// JobsChannel is the PostgreSQL channel notified when jobs are queued (by a trigger on jobs); the
// payload is the queuing session's application_name, its instance (Store.Instance).
const JobsChannel = "lendgraph_jobs"

// Job is a piece of durable work about an application or a day.
type Job struct {
	ID            int64      `db:"id"`
	Kind          string     `db:"kind"`
	ApplicationID *int64     `db:"application_id"`
	Day           *time.Time `db:"day"`
	Attempts      int        `db:"attempts"`
	// More tells whether other jobs were due when this one was claimed (some may be running).
	More bool `db:"more"`
}

// ClaimJob locks the next job due at now (the business clock's time) for the transaction,
// skipping jobs other instances hold, and marks it done with one more attempt: the transaction's
// rollback undoes that, RequeueJob too. It returns ErrNotFound when no job is due.
func (q Queries) ClaimJob(ctx context.Context, now time.Time) (Job, error) {
	var j Job
	err := q.get(ctx, &j, `
		UPDATE jobs SET done_at = now(), attempts = attempts + 1
		WHERE id = (SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= $1 ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
		RETURNING id, kind, application_id, day, attempts - 1 AS attempts,
			EXISTS (SELECT FROM jobs o WHERE o.done_at IS NULL AND o.run_at <= $1 AND o.id <> jobs.id) AS more`, now)
	return j, err
}

// FinishJob marks a job done.
func (q Queries) FinishJob(ctx context.Context, id int64) error {
	_, err := q.exec(ctx, `UPDATE jobs SET done_at = now(), attempts = attempts + 1 WHERE id = $1`, id)
	return err
}

// RequeueJob leaves a claimed job due at now, for another transaction to go on with it: not done,
// and its claim not counted as an attempt.
func (q Queries) RequeueJob(ctx context.Context, id int64, now time.Time) error {
	_, err := q.exec(ctx, `UPDATE jobs SET run_at = $2, done_at = NULL, attempts = attempts - 1 WHERE id = $1`, id, now)
	return err
}

// RetryJob records a failed attempt and when to try again.
func (q Queries) RetryJob(ctx context.Context, id int64, failure string, runAt time.Time) error {
	_, err := q.exec(ctx, `UPDATE jobs SET attempts = attempts + 1, last_error = $2, run_at = $3 WHERE id = $1`, id, failure, runAt)
	return err
}
