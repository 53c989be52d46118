package lending

import (
	"context"
	"encoding/json"

	"lendgraph/logging"
	"lendgraph/store"
)

// audit records, in the transaction of the change, who changed which entity and how.
func (s *Service) audit(ctx context.Context, q store.Queries, caller Principal, action, entity, entityID string, changes any) error {
	body, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	return q.AppendAudit(ctx, store.AuditEntry{
		Actor: actorOf(caller), Action: action, Entity: entity, EntityID: entityID, Changes: body, TraceID: logging.TraceID(ctx),
	})
}

// AuditTrail lists recorded changes, newest first, for employees.
func (s *Service) AuditTrail(ctx context.Context, caller Principal, entity, entityID string, beforeID int64, limit int) ([]store.AuditEntry, error) {
	if caller.Role != RoleEmployee {
		return nil, Errorf(CodeForbidden, "only employees read the audit trail")
	}
	if err := pageSize(limit); err != nil {
		return nil, err
	}
	return s.Store.AuditTrail(ctx, entity, entityID, beforeID, limit)
}
