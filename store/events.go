package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/lib/pq"
)

// Event is one status change of an application. PartnerID and CustomerID are the application's
// when the event happened: a partner's application has its customer from its decision on.
type Event struct {
	ID              int64     `db:"id"`
	ApplicationID   int64     `db:"application_id"`
	ApplicationGUID string    `db:"application_guid"`
	PartnerID       *int64    `db:"partner_id"`
	CustomerID      *int64    `db:"customer_id"`
	Status          string    `db:"status"`
	Message         string    `db:"message"`
	Actor           string    `db:"actor"`
	CreatedAt       time.Time `db:"created_at"`
}

// EventsChannel is the PostgreSQL channel notified when events commit; the payload is the new
// event's id, though readers only take it as a signal to read.
const EventsChannel = "application_events"

const (
	eventColumns = `e.id, e.application_id, a.guid AS application_guid, e.partner_id, e.customer_id, e.status, e.message, e.actor, e.created_at`
	eventFrom    = ` FROM application_events e JOIN applications a ON a.id = e.application_id`
)

// RecordStatus writes an application's state (status, customer, selected offer, reason) and the
// event of its status, with what its partner is told (told; nil for none), in one statement, and
// notifies listeners when the transaction commits. It returns the event's id.
//
// Readers deliver events in id order and must know when a missing id will never appear (see
// Horizon), so the statement updates (locks) the application's row before the event takes an id:
// one application's event ids then rise in the order their transactions commit, and the
// transaction has its own id before the event takes one, as Horizon's rule needs.
func (q Queries) RecordStatus(ctx context.Context, a Application, message, actor string, told json.RawMessage) (int64, error) {
	var notification any // NULL, not an empty payload, when there is none
	if told != nil {
		notification = []byte(told)
	}
	var id int64
	err := q.get(ctx, &id, `
		WITH app AS (
			UPDATE applications SET status = $2, customer_id = $3, selected_offer_id = $4, reason = $5, updated_at = now()
			WHERE id = $1 RETURNING id, partner_id, customer_id
		), event AS (
			INSERT INTO application_events (application_id, partner_id, customer_id, status, message, actor)
			SELECT id, partner_id, customer_id, $2, $6, $7 FROM app RETURNING id, application_id
		), notification AS (
			INSERT INTO partner_notifications (application_id, payload)
			SELECT application_id, $8 FROM event WHERE $8::jsonb IS NOT NULL
		)
		SELECT id FROM event, pg_notify($9, id::text)`,
		a.ID, a.Status, a.CustomerID, a.SelectedOfferID, a.Reason, message, actor, notification, EventsChannel)
	return id, err
}

// Horizon tells which transactions a read of events may still be waiting for. Next is a
// transaction id the read takes for itself, above that of every transaction begun before it; Xmin
// is the oldest transaction still running when the read began. An event id missing from a read
// belongs to a transaction begun before it (one that is still running or has rolled back): once a
// later read's Xmin is above the earlier one's Next, that transaction has ended, and an id still
// missing then will never appear.
//
// (A snapshot's own xmax cannot serve as Next: it is one past the newest transaction to have
// ended, and transactions begun before the snapshot may have higher ids.)
type Horizon struct {
	Xmin int64 `db:"xmin"`
	Next int64 `db:"next"`
}

const horizonColumns = `pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin, pg_current_xact_id()::text::bigint AS next`

// CurrentHorizon returns the horizon of now, with the newest event id stored.
func (q Queries) CurrentHorizon(ctx context.Context) (Horizon, int64, error) {
	var row struct {
		Horizon
		Newest int64 `db:"newest"`
	}
	err := q.get(ctx, &row, `SELECT `+horizonColumns+`, (SELECT coalesce(max(id), 0) FROM application_events) AS newest`)
	return row.Horizon, row.Newest, err
}

// NewEvents returns, in one statement, the events with ids above after or among missing (ids
// not visible at an earlier read), oldest first, at most limit of them, and the horizon of the
// snapshot they were read in: a horizon taken by another statement could see a transaction end
// that this read did not see commit.
func (q Queries) NewEvents(ctx context.Context, after int64, missing []int64, limit int) ([]Event, Horizon, error) {
	var rows []struct {
		Event
		Horizon
	}
	// the horizon is a row of its own, joined with the events: it comes even when none do
	err := q.sel(ctx, &rows, `
		SELECT h.xmin, h.next, coalesce(e.id, 0) AS id, coalesce(e.application_id, 0) AS application_id,
			coalesce(e.application_guid::text, '') AS application_guid, e.partner_id, e.customer_id,
			coalesce(e.status, '') AS status, coalesce(e.message, '') AS message, coalesce(e.actor, '') AS actor,
			coalesce(e.created_at, 'epoch') AS created_at
		FROM (SELECT `+horizonColumns+`) h LEFT JOIN LATERAL (SELECT `+eventColumns+eventFrom+`
			WHERE e.id > $1 OR e.id = ANY($2) ORDER BY e.id LIMIT $3) e ON true
		ORDER BY e.id`, after, pq.Array(missing), limit)
	if err != nil {
		return nil, Horizon{}, err
	}
	var evs []Event
	for _, r := range rows {
		if r.ID != 0 {
			evs = append(evs, r.Event)
		}
	}
	return evs, rows[0].Horizon, nil
}

// EventSelector narrows a read of events: to some applications when ApplicationIDs is not empty,
// to a partner's or a customer's applications when PartnerID or CustomerID is set.
type EventSelector struct {
	ApplicationIDs []int64
	PartnerID      *int64
	CustomerID     *int64
}

// EventsByApplication lists applications' events in the order they happened.
var EventsByApplication = Listing[Event]{`SELECT ` + eventColumns + eventFrom + ` WHERE e.application_id = ANY($1) ORDER BY e.id`}

// Events returns the selected events with ids above after and up to upTo, oldest first; at most
// limit of them.

func (q Queries) Events(ctx context.Context, sel EventSelector, after, upTo int64, limit int) ([]Event, error) {
	var es []Event
	err := q.sel(ctx, &es, `SELECT `+eventColumns+eventFrom+`
		WHERE e.id > $1 AND e.id <= $2 AND (cardinality($3::bigint[]) = 0 OR e.application_id = ANY($3))
			AND ($4::bigint IS NULL OR e.partner_id = $4) AND ($5::bigint IS NULL OR e.customer_id = $5)
		ORDER BY e.id LIMIT $6`, after, upTo, pq.Array(sel.ApplicationIDs), sel.PartnerID, sel.CustomerID, limit)
	return es, err
}
