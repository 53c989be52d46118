package applications

import (
	"context"
	"encoding/json"
	"errors"

	"lendgraph/domain"
	"lendgraph/store"
)

// Status is where an application stands in its lifecycle (DESIGN.md).
type Status string

// The application statuses.
const (
	StatusProcessing    Status = "PROCESSING"
	StatusApproved      Status = "APPROVED"
	StatusOfferSelected Status = "OFFER_SELECTED"
	StatusOTPSent       Status = "OTP_SENT"
	StatusSigned        Status = "SIGNED"
	StatusCompleted     Status = "COMPLETED"
	StatusDeclined      Status = "DECLINED"
	StatusCancelled     Status = "CANCELLED"
)

// Action is what moves an application from one status to the next.
type Action string

// The actions: the partner's (named as the partner API names them) and the system's.
const (
	ActionApprove     Action = "approve"
	ActionDecline     Action = "decline"
	ActionSelectOffer Action = "select_offer"
	ActionSendOTP     Action = "send_otp"
	ActionSign        Action = "sign"
	ActionConfirm     Action = "confirm"
	ActionCancel      Action = "cancel"
)

// transitions is the whole state machine: from a status, the actions allowed and where they lead.
// Cancel is allowed from every status that is not terminal.
var transitions = map[Status]map[Action]Status{
	StatusProcessing:    {ActionApprove: StatusApproved, ActionDecline: StatusDeclined, ActionCancel: StatusCancelled},
	StatusApproved:      {ActionSelectOffer: StatusOfferSelected, ActionCancel: StatusCancelled},
	StatusOfferSelected: {ActionSendOTP: StatusOTPSent, ActionCancel: StatusCancelled},
	StatusOTPSent:       {ActionSendOTP: StatusOTPSent, ActionSign: StatusSigned, ActionCancel: StatusCancelled},
	StatusSigned:        {ActionConfirm: StatusCompleted, ActionCancel: StatusCancelled},
}

// nextAction is what the caller is expected to do in a status, as the partner API tells it.
var nextAction = map[Status]string{
	StatusProcessing:    "wait for the decision",
	StatusApproved:      string(ActionSelectOffer),
	StatusOfferSelected: string(ActionSendOTP),
	StatusOTPSent:       string(ActionSign),
	StatusSigned:        string(ActionConfirm),
	StatusCompleted:     "none",
	StatusDeclined:      "none",
	StatusCancelled:     "none",
}

// NextAction is what the caller is expected to do next in a status.
func NextAction(s Status) string { return nextAction[s] }

// Terminal tells whether no action can move an application out of the status.
func (s Status) Terminal() bool { return len(transitions[s]) == 0 }

// next returns the status action leads to from s, or INVALID_STATUS naming the current status and
// the expected action.
func (s Status) next(a Action) (Status, error) {
	if to, ok := transitions[s][a]; ok {
		return to, nil
	}
	return "", domain.Errorf(domain.CodeInvalidStatus, "cannot %s: the application is %s, expected action: %s", a, s, nextAction[s])
}

// PartnerStatus is the status, message and next action the partner API shows for a status.
func PartnerStatus(s Status, reason string) (status, message string) {
	switch s {
	case StatusOfferSelected:
		return "CONFIRMATION", "Request OTP code"
	case StatusOTPSent:
		return "CONFIRMATION", "Enter OTP code"
	case StatusSigned:
		return "CONFIRMATION", "Contract is signed. Transfer of product"
	case StatusDeclined, StatusCancelled:
		return string(s), reason
	}
	return string(s), ""
}

// transition moves a locked application by action inside q's transaction: it writes the new status
// with its event (notified to subscribers on commit) and the partner's notification.
func (s *Service) transition(ctx context.Context, q store.Queries, app *store.OwnedApplication, action Action, actor string) error {
	to, err := Status(app.Status).next(action)
	if err != nil {
		return err
	}
	app.Status = string(to)
	return s.record(ctx, q, app, actor)
}

// record writes the application's state and the event of its current status (notified to
// subscribers on commit) and, for a partner's application, what the partner is told.
func (s *Service) record(ctx context.Context, q store.Queries, app *store.OwnedApplication, actor string) error {
	_, message := PartnerStatus(Status(app.Status), app.Reason)
	var told json.RawMessage
	if app.PartnerID != nil {
		status, err := s.partnerStatus(ctx, q, *app)
		if err != nil {
			return err
		}
		if told, err = json.Marshal(status); err != nil {
			return err
		}
	}
	_, err := q.RecordStatus(ctx, app.Application, message, actor, told)
	return err
}

// act runs one action on the application guid: lock it, check that caller may see it and take the
// action now, let do prepare what the action needs, and transition. When do refuses with keep, its
// writes are committed all the same (a spent code attempt) and the application stays where it is.
func (s *Service) act(ctx context.Context, caller domain.Principal, guid string, action Action, do func(q store.Queries, app *store.OwnedApplication) error) (store.Application, error) {
	var app store.OwnedApplication
	var refusal keep
	err := s.Store.Tx(ctx, func(q store.Queries) error {
		var err error
		if app, err = s.lockVisible(ctx, q, caller, guid); err != nil {
			return err
		}
		if err := mayAct(caller, app.Application, action); err != nil {
			return err
		}
		if _, err := Status(app.Status).next(action); err != nil {
			return err
		}
		if do != nil {
			if err := do(q, &app); errors.As(err, &refusal) {
				return nil
			} else if err != nil {
				return err
			}
		}
		return s.transition(ctx, q, &app, action, domain.ActorOf(caller))
	})
	if err == nil && refusal.error != nil {
		err = refusal.error
	}
	return app.Application, err
}

// keep is a refusal whose writes must stay: see act.
type keep struct{ error }
