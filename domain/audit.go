package domain

import (
	"context"
	"encoding/json"
	"fmt"

	"lendgraph/logging"
	"lendgraph/store"
)

// Audit records, in the transaction of the change, who changed which entity and how.
func Audit(ctx context.Context, q store.Queries, caller Principal, action, entity, entityID string, changes any) error {
	body, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	return q.AppendAudit(ctx, store.AuditEntry{
		Actor: ActorOf(caller), Action: action, Entity: entity, EntityID: entityID, Changes: body, TraceID: logging.TraceID(ctx),
	})
}

// AuditTrail lists recorded changes, newest first, for employees.
func AuditTrail(ctx context.Context, st *store.Store, caller Principal, entity, entityID string, beforeID int64, limit int) ([]store.AuditEntry, error) {
	if caller.Role != RoleEmployee {
		return nil, Errorf(CodeForbidden, "only employees read the audit trail")
	}
	if err := PageSize(limit); err != nil {
		return nil, err
	}
	return st.AuditTrail(ctx, entity, entityID, beforeID, limit)
}

// ActorOf is how the audit trail and loan histories name a caller: role:subject.
func ActorOf(p Principal) string {
	return fmt.Sprintf("%s:%s", p.Role, p.Subject)
}
