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

func ActorOf(p Principal) string {
	return fmt.Sprintf("%s:%s", p.Role, p.Subject)
}
