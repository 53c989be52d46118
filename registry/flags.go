package registry

import (
	"context"
	"errors"

	"lendgraph/domain"
	"lendgraph/store"
)

// FlagTypeInput is a flag type as an employee creates or changes it.
type FlagTypeInput struct {
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Scope       string  `json:"scope"`
	Restricts   bool    `json:"restricts"`
	Status      *string `json:"status,omitempty"`
}

func (in FlagTypeInput) toStore(t store.FlagType) (store.FlagType, error) {
	var errs domain.FieldErrors
	if errs.Required("name", in.Name) {
		errs.LatinName("name", in.Name)
	}
	if in.Scope != "INTERNAL" && in.Scope != "EXTERNAL" {
		errs.Add("scope", "must be INTERNAL or EXTERNAL")
	}
	if in.Status != nil && *in.Status != "ACTIVE" && *in.Status != "INACTIVE" {
		errs.Add("status", "must be ACTIVE or INACTIVE")
	}
	if len(errs) > 0 {
		return t, domain.Invalid(errs)
	}
	t.Name, t.Description, t.Scope, t.Restricts = in.Name, in.Description, in.Scope, in.Restricts
	if in.Status != nil {
		t.Status = *in.Status
	}
	return t, nil
}

// CreateFlagType adds a flag type.
func (s *Service) CreateFlagType(ctx context.Context, caller domain.Principal, in FlagTypeInput) (store.FlagType, error) {
	t, err := in.toStore(store.FlagType{Status: "ACTIVE"})
	if err != nil {
		return t, err
	}
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.FlagType, error) {
		out, ok, err := q.InsertFlagType(ctx, t)
		if err == nil && !ok {
			err = domain.Errorf(CodeFlagTypeDuplicatedName, "flag type %s exists", in.Name)
		}
		if err == nil {
			err = domain.Audit(ctx, q, caller, "createFlagType", "flag_type", out.GUID, in)
		}
		return out, err
	})
}

// UpdateFlagType changes a flag type.
func (s *Service) UpdateFlagType(ctx context.Context, caller domain.Principal, guid string, in FlagTypeInput) (store.FlagType, error) {
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.FlagType, error) {
		current, err := flagTypeByGUID(ctx, q, guid)
		if err != nil {
			return current, err
		}
		t, err := in.toStore(current)
		if err != nil {
			return t, err
		}
		out, ok, err := q.UpdateFlagType(ctx, t)
		if err == nil && !ok {
			err = domain.Errorf(CodeFlagTypeDuplicatedName, "flag type %s exists", in.Name)
		}
		if err == nil {
			err = domain.Audit(ctx, q, caller, "updateFlagType", "flag_type", out.GUID, in)
		}
		return out, err
	})
}

// FlagReasonInput is a flag reason as an employee creates or changes it.
type FlagReasonInput struct {
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Status      *string `json:"status,omitempty"`
}

func (in FlagReasonInput) toStore(r store.FlagReason) (store.FlagReason, error) {
	var errs domain.FieldErrors
	if errs.Required("name", in.Name) {
		errs.LatinName("name", in.Name)
	}
	if in.Status != nil && *in.Status != "ACTIVE" && *in.Status != "INACTIVE" {
		errs.Add("status", "must be ACTIVE or INACTIVE")
	}
	if len(errs) > 0 {
		return r, domain.Invalid(errs)
	}
	r.Name, r.Description = in.Name, in.Description
	if in.Status != nil {
		r.Status = *in.Status
	}
	return r, nil
}

// CreateFlagReason adds a reason under the flag type typeGUID.
func (s *Service) CreateFlagReason(ctx context.Context, caller domain.Principal, typeGUID string, in FlagReasonInput) (store.FlagReason, error) {
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.FlagReason, error) {
		t, err := flagTypeByGUID(ctx, q, typeGUID)
		if err != nil {
			return store.FlagReason{}, err
		}
		r, err := in.toStore(store.FlagReason{FlagTypeID: t.ID, Status: "ACTIVE"})
		if err != nil {
			return r, err
		}
		out, ok, err := q.InsertFlagReason(ctx, r)
		if err == nil && !ok {
			err = domain.Errorf(CodeFlagReasonDuplicatedName, "flag type %s already has reason %s", t.Name, in.Name)
		}
		if err == nil {
			err = domain.Audit(ctx, q, caller, "createFlagReason", "flag_reason", out.GUID, in)
		}
		return out, err
	})
}

// UpdateFlagReason changes a flag reason.
func (s *Service) UpdateFlagReason(ctx context.Context, caller domain.Principal, guid string, in FlagReasonInput) (store.FlagReason, error) {
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.FlagReason, error) {
		current, err := domain.ByGUID(ctx, guid, CodeFlagReasonNotFound, "flag reason", q.FlagReasonByGUID)
		if err != nil {
			return current, err
		}
		r, err := in.toStore(current)
		if err != nil {
			return r, err
		}
		out, ok, err := q.UpdateFlagReason(ctx, r)
		if err == nil && !ok {
			err = domain.Errorf(CodeFlagReasonDuplicatedName, "the flag type already has reason %s", in.Name)
		}
		if err == nil {
			err = domain.Audit(ctx, q, caller, "updateFlagReason", "flag_reason", out.GUID, in)
		}
		return out, err
	})
}

// AddFlag sets a flag of type typeName for reason reasonName on a customer. The reason must belong
// to the type.
func (s *Service) AddFlag(ctx context.Context, caller domain.Principal, customerGUID, typeName, reasonName string) (store.CustomerFlag, error) {
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.CustomerFlag, error) {
		c, err := FindCustomer(ctx, q, customerGUID)
		if err != nil {
			return store.CustomerFlag{}, err
		}
		t, err := q.FlagTypeByName(ctx, typeName)
		if errors.Is(err, store.ErrNotFound) {
			return store.CustomerFlag{}, domain.Errorf(CodeFlagTypeNotFound, "flag type %s not found", typeName)
		}
		if err != nil {
			return store.CustomerFlag{}, err
		}
		reasons, err := q.FlagReasonsByName(ctx, reasonName)
		if err != nil {
			return store.CustomerFlag{}, err
		}
		if len(reasons) == 0 {
			return store.CustomerFlag{}, domain.Errorf(CodeFlagReasonNotFound, "flag reason %s not found", reasonName)
		}
		i := domain.IndexOf(reasons, func(r store.FlagReason) bool { return r.FlagTypeID == t.ID })
		if i < 0 {
			return store.CustomerFlag{}, domain.Errorf(CodeFlagReasonIncompatibleWithType, "flag reason %s is not a reason of flag type %s", reasonName, typeName)
		}
		if t.Status != "ACTIVE" || reasons[i].Status != "ACTIVE" {
			return store.CustomerFlag{}, domain.Errorf(domain.CodeInvalid, "flag type %s or its reason %s is inactive: no new flags of it", typeName, reasonName)
		}
		f, err := q.InsertCustomerFlag(ctx, store.CustomerFlag{CustomerID: c.ID, FlagTypeID: t.ID, FlagReasonID: reasons[i].ID})
		if err != nil {
			return f, err
		}
		return f, domain.Audit(ctx, q, caller, "addFlag", "customer_flag", f.GUID,
			map[string]string{"customer": customerGUID, "flagType": typeName, "flagReason": reasonName})
	})
}

// RemoveFlag deactivates a customer's flag; removing it twice is INVALID_FLAG_STATE.
func (s *Service) RemoveFlag(ctx context.Context, caller domain.Principal, flagGUID string) (store.CustomerFlag, error) {
	return domain.EmployeeWrite(ctx, s.Store, caller, func(q store.Queries) (store.CustomerFlag, error) {
		f, err := domain.ByGUID(ctx, flagGUID, CodeFlagNotFound, "flag", q.LockCustomerFlag)
		if err != nil {
			return f, err
		}
		if !f.IsActive {
			return f, domain.Errorf(CodeInvalidFlagState, "flag %s is already removed", flagGUID)
		}
		if f, err = q.DeactivateCustomerFlag(ctx, f.ID); err != nil {
			return f, err
		}
		return f, domain.Audit(ctx, q, caller, "removeFlag", "customer_flag", f.GUID, map[string]bool{"isActive": false})
	})
}

// FlagView returns a flag with its type and reason.
func (s *Service) FlagView(ctx context.Context, id int64) (store.FlagView, error) {
	return one(store.FlagViewsByID.Read(ctx, s.Store.Queries, []int64{id}))
}

// Restrictions is what a customer may not do for now: derived from their active flags whose type
// restricts.
type Restrictions struct {
	HasRestrictions bool
	Flags           []store.FlagView
}

// RestrictionsOf derives a customer's restrictions from their flags: the active flags of active
// restricting types.
func RestrictionsOf(flags []store.FlagView) Restrictions {
	var r Restrictions
	for _, f := range flags {
		if f.IsActive && f.Type.Restricts && f.Type.Status == "ACTIVE" {
			r.Flags = append(r.Flags, f)
		}
	}
	r.HasRestrictions = len(r.Flags) > 0
	return r
}

// FlagTypes lists the flag types dictionary.
func (s *Service) FlagTypes(ctx context.Context) ([]store.FlagType, error) {
	return s.Store.FlagTypes(ctx)
}

// FlagReasonsOf returns the reasons of a flag type.
func (s *Service) FlagReasonsOf(ctx context.Context, typeID int64) ([]store.FlagReason, error) {
	return s.Store.FlagReasons(ctx, typeID)
}

func flagTypeByGUID(ctx context.Context, q store.Queries, guid string) (store.FlagType, error) {
	return domain.ByGUID(ctx, guid, CodeFlagTypeNotFound, "flag type", q.FlagTypeByGUID)
}
