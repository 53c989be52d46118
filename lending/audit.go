package lending

import (
	"context"

	"lendgraph/domain"
	"lendgraph/store"
)

// AuditTrail lists recorded changes, newest first, for employees.
func (s *Service) AuditTrail(ctx context.Context, caller domain.Principal, entity, entityID string, beforeID int64, limit int) ([]store.AuditEntry, error) {
	if caller.Role != domain.RoleEmployee {
		return nil, domain.Errorf(domain.CodeForbidden, "only employees read the audit trail")
	}
	if err := domain.PageSize(limit); err != nil {
		return nil, err
	}
	return s.Store.AuditTrail(ctx, entity, entityID, beforeID, limit)
}
