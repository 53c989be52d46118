package resolvers

import (
	"context"
	"encoding/base64"
	"io"
	"lendgraph/applications"
	"lendgraph/auth"
	"lendgraph/domain"
	"lendgraph/graph"
	"lendgraph/graph/model"
	"lendgraph/loaders"
	"lendgraph/loans"
	"lendgraph/store"
	"strconv"
)

func (r *applicationResolver) Status(ctx context.Context, obj *store.Application) (applications.Status, error) {
	return applications.Status(obj.Status), nil
}

func (r *applicationResolver) PartnerStatus(ctx context.Context, obj *store.Application) (string, error) {
	status, _ := applications.PartnerStatus(applications.Status(obj.Status), obj.Reason)
	return status, nil
}

func (r *applicationResolver) Message(ctx context.Context, obj *store.Application) (string, error) {
	_, message := applications.PartnerStatus(applications.Status(obj.Status), obj.Reason)
	return message, nil
}

func (r *applicationResolver) NextAction(ctx context.Context, obj *store.Application) (string, error) {
	return applications.NextAction(applications.Status(obj.Status)), nil
}

func (r *applicationResolver) Channel(ctx context.Context, obj *store.Application) (model.ApplicationChannel, error) {
	return model.ApplicationChannel(obj.Channel), nil
}

func (r *applicationResolver) Partner(ctx context.Context, obj *store.Application) (*store.Partner, error) {
	if obj.PartnerID == nil {
		return nil, nil
	}
	return one(loaders.For(ctx).Partners.Load(ctx, *obj.PartnerID))
}

func (r *applicationResolver) Customer(ctx context.Context, obj *store.Application) (*store.Customer, error) {
	if obj.CustomerID == nil {
		return nil, nil
	}
	return one(loaders.For(ctx).Customers.Load(ctx, *obj.CustomerID))
}

func (r *applicationResolver) Reason(ctx context.Context, obj *store.Application) (*string, error) {
	if obj.Reason == "" {
		return nil, nil
	}
	return &obj.Reason, nil
}

func (r *applicationResolver) Cart(ctx context.Context, obj *store.Application) ([]*store.CartItem, error) {
	return pointers(loaders.For(ctx).Cart.Load(ctx, obj.ID))
}

func (r *applicationResolver) Offers(ctx context.Context, obj *store.Application) ([]*store.Offer, error) {
	return pointers(loaders.For(ctx).Offers.Load(ctx, obj.ID))
}

func (r *applicationResolver) SelectedOffer(ctx context.Context, obj *store.Application) (*store.Offer, error) {
	offers, err := r.Offers(ctx, obj)
	for _, o := range offers {
		if obj.SelectedOfferID != nil && o.ID == *obj.SelectedOfferID {
			return o, err
		}
	}
	return nil, err
}

func (r *applicationResolver) Loan(ctx context.Context, obj *store.Application) (*store.Loan, error) {
	return one(loaders.For(ctx).Loans.Load(ctx, obj.ID))
}

func (r *applicationResolver) Files(ctx context.Context, obj *store.Application) ([]*store.ApplicationFile, error) {
	return pointers(loaders.For(ctx).Files.Load(ctx, obj.ID))
}

func (r *applicationResolver) Events(ctx context.Context, obj *store.Application) ([]*store.Event, error) {
	return pointers(loaders.For(ctx).Events.Load(ctx, obj.ID))
}

func (r *applicationEventResolver) Cursor(ctx context.Context, obj *store.Event) (string, error) {
	return strconv.FormatInt(obj.ID, 10), nil
}

func (r *applicationEventResolver) Status(ctx context.Context, obj *store.Event) (applications.Status, error) {
	return applications.Status(obj.Status), nil
}

func (r *applicationEventResolver) PartnerStatus(ctx context.Context, obj *store.Event) (string, error) {
	status, _ := applications.PartnerStatus(applications.Status(obj.Status), obj.Message)
	return status, nil
}

func (r *loanResolver) Schedule(ctx context.Context, obj *store.Loan) ([]*loans.ScheduleLine, error) {
	rows, err := loaders.For(ctx).Schedules.Load(ctx, obj.ID)
	return pointers(r.App.Loans.ScheduleLines(rows), err)
}

func (r *loanResolver) ContractPDF(ctx context.Context, obj *store.Loan) (string, error) {
	pdf, err := r.App.Store.ContractPDF(ctx, obj.ID)
	return base64.StdEncoding.EncodeToString(pdf), err
}

func (r *mutationResolver) CreateApplication(ctx context.Context, input applications.CreateApplication) (*model.ApplicationPayload, error) {
	return payload(r.App.Applications.CreatePartnerApplication(ctx, auth.Caller(ctx), input))
}

func (r *mutationResolver) ApplyForLoan(ctx context.Context, input model.ApplyForLoanInput) (*model.ApplicationPayload, error) {
	return payload(r.App.Applications.ApplyForLoan(ctx, auth.Caller(ctx), input.Amount, input.Term, input.ProductCode))
}

func (r *mutationResolver) UploadApplicationFile(ctx context.Context, input model.UploadApplicationFileInput) (*store.ApplicationFile, error) {
	content, err := io.ReadAll(input.File.File)
	if err != nil {
		return nil, domain.Errorf(domain.CodeInvalid, "file could not be read")
	}
	f, err := r.App.Applications.UploadFile(ctx, auth.Caller(ctx), input.ApplicationID, input.FileType, input.Format, content)
	return &f, err
}

func (r *mutationResolver) SelectOffer(ctx context.Context, input model.SelectOfferInput) (*model.ApplicationPayload, error) {
	var offerID int64
	if input.OfferID != nil {
		id, err := strconv.ParseInt(*input.OfferID, 10, 64)
		if err != nil {
			return nil, domain.Errorf(domain.CodeNotFound, "offer %q not found", *input.OfferID)
		}
		offerID = id
	}
	return payload(r.App.Applications.SelectOffer(ctx, auth.Caller(ctx), input.ApplicationID, offerID))
}

func (r *mutationResolver) SendOtp(ctx context.Context, input model.ApplicationActionInput) (*model.ApplicationPayload, error) {
	return payload(r.App.Applications.SendOTP(ctx, auth.Caller(ctx), input.ApplicationID))
}

func (r *mutationResolver) SignApplication(ctx context.Context, input model.SignApplicationInput) (*model.ApplicationPayload, error) {
	return payload(r.App.Applications.Sign(ctx, auth.Caller(ctx), input.ApplicationID, input.Code))
}

func (r *mutationResolver) ConfirmApplication(ctx context.Context, input model.ConfirmApplicationInput) (*model.ApplicationPayload, error) {
	app, err := r.App.Applications.Confirm(ctx, auth.Caller(ctx), input.ApplicationID, input.ConfirmDate)
	return payload(app, domain.RenameField(err, "confirm_date", "confirmDate"))
}

func (r *mutationResolver) CancelApplication(ctx context.Context, input model.CancelApplicationInput) (*model.ApplicationPayload, error) {
	return payload(r.App.Applications.Cancel(ctx, auth.Caller(ctx), input.ApplicationID, input.Reason))
}

func (r *queryResolver) Application(ctx context.Context, id string) (*store.Application, error) {
	return orNil(r.App.Applications.Application(ctx, auth.Caller(ctx), id))
}

func (r *queryResolver) Applications(ctx context.Context, first *int, after *string, filter *model.ApplicationFilter) (*model.ApplicationConnection, error) {
	var f store.ApplicationFilter
	var err error
	if f.Limit, f.AfterID, err = pageArgs(first, after); err != nil {
		return nil, err
	}
	partner := ""
	if filter != nil {
		for _, s := range filter.Status {
			f.Statuses = append(f.Statuses, string(s))
		}
		f.CreatedFrom, f.CreatedBefore = filter.CreatedFrom, filter.CreatedBefore
		partner = deref(filter.Partner)
	}
	page, err := r.App.Applications.Applications(ctx, auth.Caller(ctx), f, partner)
	if err != nil {
		return nil, err
	}
	loaders.For(ctx).ExpectApplications(page.Items, asked(ctx, "edges", "node"))
	edges, info := edgesOf(page.Items, page.HasNext, func(a *store.Application) int64 { return a.ID },
		func(cursor string, a *store.Application) *model.ApplicationEdge {
			return &model.ApplicationEdge{Cursor: cursor, Node: a}
		})
	return &model.ApplicationConnection{Edges: edges, PageInfo: info}, nil
}

func (r *subscriptionResolver) ApplicationEvents(ctx context.Context, applicationID *string, after *string) (<-chan *store.Event, error) {
	filter, err := r.App.Applications.EventFilter(ctx, auth.Caller(ctx), deref(applicationID))
	if err != nil {
		return nil, err
	}
	// without a cursor one application's history replays whole; a feed of many starts now
	afterID := int64(0)
	if applicationID == nil {
		afterID = -1
	}
	if after != nil {
		if afterID, err = strconv.ParseInt(*after, 10, 64); err != nil || afterID < 0 {
			return nil, domain.Errorf(domain.CodeInvalid, "after: not an event cursor")
		}
	}
	return r.Events.Subscribe(ctx, filter, afterID)
}

func (r *Resolver) Application() graph.ApplicationResolver { return &applicationResolver{r} }

func (r *Resolver) ApplicationEvent() graph.ApplicationEventResolver {
	return &applicationEventResolver{r}
}

func (r *Resolver) Loan() graph.LoanResolver { return &loanResolver{r} }

func (r *Resolver) Subscription() graph.SubscriptionResolver { return &subscriptionResolver{r} }

type (
	applicationResolver      struct{ *Resolver }
	applicationEventResolver struct{ *Resolver }
	loanResolver             struct{ *Resolver }
	subscriptionResolver     struct{ *Resolver }
)
