package store

import (
	"context"
	"encoding/json"
	"time"
)

// FlagType is an entry of the flag types dictionary.
type FlagType struct {
	ID          int64      `db:"id"`
	GUID        string     `db:"guid"`
	Name        string     `db:"name"`
	Description string     `db:"description"`
	Scope       string     `db:"scope"`
	Restricts   bool       `db:"restricts"`
	Status      string     `db:"status"`
	CreatedAt   time.Time  `db:"created_at"`
	UpdatedAt   *time.Time `db:"updated_at"`
}

const flagTypeColumns = `id, guid, name, description, scope, restricts, status, created_at, updated_at`

// InsertFlagType stores a new type unless the name is taken; ok tells which.
func (q Queries) InsertFlagType(ctx context.Context, t FlagType) (out FlagType, ok bool, err error) {
	err = q.get(ctx, &out, `INSERT INTO flag_types (name, description, scope, restricts) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO NOTHING RETURNING `+flagTypeColumns, t.Name, t.Description, t.Scope, t.Restricts)
	return conflictless(out, err)
}

// UpdateFlagType writes a type's fields; ok is false when its new name is taken.
func (q Queries) UpdateFlagType(ctx context.Context, t FlagType) (out FlagType, ok bool, err error) {
	err = q.get(ctx, &out, `
		UPDATE flag_types SET name = $2, description = $3, scope = $4, restricts = $5, status = $6, updated_at = now()
		WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM flag_types WHERE name = $2 AND id <> $1)
		RETURNING `+flagTypeColumns, t.ID, t.Name, t.Description, t.Scope, t.Restricts, t.Status)
	return conflictless(out, err)
}

// FlagTypeByGUID returns a flag type.
func (q Queries) FlagTypeByGUID(ctx context.Context, guid string) (FlagType, error) {
	var t FlagType
	err := q.get(ctx, &t, `SELECT `+flagTypeColumns+` FROM flag_types WHERE guid = $1`, guid)
	return t, err
}

// FlagTypeByName returns a flag type.
func (q Queries) FlagTypeByName(ctx context.Context, name string) (FlagType, error) {
	var t FlagType
	err := q.get(ctx, &t, `SELECT `+flagTypeColumns+` FROM flag_types WHERE name = $1`, name)
	return t, err
}

// FlagTypes lists flag types by name.
func (q Queries) FlagTypes(ctx context.Context) ([]FlagType, error) {
	var ts []FlagType
	err := q.sel(ctx, &ts, `SELECT `+flagTypeColumns+` FROM flag_types ORDER BY name`)
	return ts, err
}

// FlagReason is a reason a flag of its type is set.
type FlagReason struct {
	ID          int64      `db:"id"`
	GUID        string     `db:"guid"`
	FlagTypeID  int64      `db:"flag_type_id"`
	Name        string     `db:"name"`
	Description string     `db:"description"`
	Status      string     `db:"status"`
	CreatedAt   time.Time  `db:"created_at"`
	UpdatedAt   *time.Time `db:"updated_at"`
}

const flagReasonColumns = `id, guid, flag_type_id, name, description, status, created_at, updated_at`

// InsertFlagReason stores a new reason unless its type has one of that name; ok tells which.
func (q Queries) InsertFlagReason(ctx context.Context, r FlagReason) (out FlagReason, ok bool, err error) {
	err = q.get(ctx, &out, `INSERT INTO flag_reasons (flag_type_id, name, description) VALUES ($1, $2, $3)
		ON CONFLICT (flag_type_id, name) DO NOTHING RETURNING `+flagReasonColumns, r.FlagTypeID, r.Name, r.Description)
	return conflictless(out, err)
}

// UpdateFlagReason writes a reason's fields; ok is false when its new name is taken in its type.
func (q Queries) UpdateFlagReason(ctx context.Context, r FlagReason) (out FlagReason, ok bool, err error) {
	err = q.get(ctx, &out, `
		UPDATE flag_reasons SET name = $2, description = $3, status = $4, updated_at = now()
		WHERE id = $1 AND NOT EXISTS (
			SELECT 1 FROM flag_reasons o WHERE o.flag_type_id = flag_reasons.flag_type_id AND o.name = $2 AND o.id <> $1)
		RETURNING `+flagReasonColumns, r.ID, r.Name, r.Description, r.Status)
	return conflictless(out, err)
}

// FlagReasonByGUID returns a flag reason.
func (q Queries) FlagReasonByGUID(ctx context.Context, guid string) (FlagReason, error) {
	var r FlagReason
	err := q.get(ctx, &r, `SELECT `+flagReasonColumns+` FROM flag_reasons WHERE guid = $1`, guid)
	return r, err
}

// FlagReasonsByName returns the reasons of a name, in any type (the caller checks the pair).
func (q Queries) FlagReasonsByName(ctx context.Context, name string) ([]FlagReason, error) {
	var rs []FlagReason
	err := q.sel(ctx, &rs, `SELECT `+flagReasonColumns+` FROM flag_reasons WHERE name = $1 ORDER BY id`, name)
	return rs, err
}

// FlagReasons returns the reasons of a flag type, by name.
func (q Queries) FlagReasons(ctx context.Context, typeID int64) ([]FlagReason, error) {
	var rs []FlagReason
	err := q.sel(ctx, &rs, `SELECT `+flagReasonColumns+` FROM flag_reasons WHERE flag_type_id = $1 ORDER BY name`, typeID)
	return rs, err
}

// CustomerFlag is a flag set on a customer.
type CustomerFlag struct {
	ID           int64     `db:"id"`
	GUID         string    `db:"guid"`
	CustomerID   int64     `db:"customer_id"`
	FlagTypeID   int64     `db:"flag_type_id"`
	FlagReasonID int64     `db:"flag_reason_id"`
	IsActive     bool      `db:"is_active"`
	CreatedAt    time.Time `db:"created_at"`
	UpdatedAt    time.Time `db:"updated_at"`
}

const customerFlagColumns = `id, guid, customer_id, flag_type_id, flag_reason_id, is_active, created_at, updated_at`

// InsertCustomerFlag sets a flag.
func (q Queries) InsertCustomerFlag(ctx context.Context, f CustomerFlag) (CustomerFlag, error) {
	var out CustomerFlag
	err := q.get(ctx, &out, `INSERT INTO customer_flags (customer_id, flag_type_id, flag_reason_id) VALUES ($1, $2, $3)
		RETURNING `+customerFlagColumns, f.CustomerID, f.FlagTypeID, f.FlagReasonID)
	return out, err
}

// LockCustomerFlag returns a flag locked until the transaction ends.
func (q Queries) LockCustomerFlag(ctx context.Context, guid string) (CustomerFlag, error) {
	var f CustomerFlag
	err := q.get(ctx, &f, `SELECT `+customerFlagColumns+` FROM customer_flags WHERE guid = $1 FOR UPDATE`, guid)
	return f, err
}

// DeactivateCustomerFlag removes a flag, keeping its record.
func (q Queries) DeactivateCustomerFlag(ctx context.Context, id int64) (CustomerFlag, error) {
	var f CustomerFlag
	err := q.get(ctx, &f, `UPDATE customer_flags SET is_active = false, updated_at = now() WHERE id = $1
		RETURNING `+customerFlagColumns, id)
	return f, err
}

// FlagView is a customer's flag with its type and reason.
type FlagView struct {
	CustomerFlag
	Type   FlagType   `db:"type"`
	Reason FlagReason `db:"reason"`
}

// flagViews selects flags with their type and reason (oldest first).
const flagViews = `SELECT ` + customerFlagColumns + `,
		(SELECT to_jsonb(t) FROM (SELECT ` + flagTypeColumns + ` FROM flag_types WHERE id = f.flag_type_id) t) AS type,
		(SELECT to_jsonb(r) FROM (SELECT ` + flagReasonColumns + ` FROM flag_reasons WHERE id = f.flag_reason_id) r) AS reason
	FROM customer_flags f`

var (
	// FlagViewsByCustomer lists customers' flags, oldest first.
	FlagViewsByCustomer = Listing[FlagView]{flagViews + ` WHERE customer_id = ANY($1) ORDER BY customer_id, id`}
	// FlagViewsByID lists flags by their ids.
	FlagViewsByID = Listing[FlagView]{flagViews + ` WHERE id = ANY($1)`}
)

// AuditEntry is a recorded change.
type AuditEntry struct {
	ID       int64           `db:"id"`
	At       time.Time       `db:"at"`
	Actor    string          `db:"actor"`
	Action   string          `db:"action"`
	Entity   string          `db:"entity"`
	EntityID string          `db:"entity_id"`
	Changes  json.RawMessage `db:"changes"`
	TraceID  string          `db:"trace_id"`
}

// AppendAudit records a change.
func (q Queries) AppendAudit(ctx context.Context, e AuditEntry) error {
	_, err := q.exec(ctx, `INSERT INTO audit_log (actor, action, entity, entity_id, changes, trace_id) VALUES ($1, $2, $3, $4, $5, $6)`,
		e.Actor, e.Action, e.Entity, e.EntityID, e.Changes, e.TraceID)
	return err
}

// AuditTrail lists changes newest first, of one entity when entity and entityID are given, below
// the keyset cursor beforeID (0: from the newest), at most limit.
func (q Queries) AuditTrail(ctx context.Context, entity, entityID string, beforeID int64, limit int) ([]AuditEntry, error) {
	var es []AuditEntry
	err := q.sel(ctx, &es, `SELECT id, at, actor, action, entity, entity_id, changes, trace_id FROM audit_log
		WHERE ($1 = '' OR entity = $1) AND ($2 = '' OR entity_id = $2) AND ($3::bigint = 0 OR id < $3)
		ORDER BY id DESC LIMIT $4`, entity, entityID, beforeID, limit)
	return es, err
}
