package applications

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"lendgraph/billing"
	"lendgraph/domain"
	"lendgraph/schedule"
	"lendgraph/scoring"
	"lendgraph/store"
)

// maxJobAttempts bounds the retries of a failing job; the application is then declined as a
// technical fault rather than left waiting forever.
const maxJobAttempts = 5

// RunWorker runs due jobs until ctx ends, up to concurrency at once: those queued by any instance at
// once (woken by this instance or by a notification), those due later within pollEvery. Each job
// runs in the transaction that claims it (skipping those others hold), so it survives a crash and
// never runs twice, whatever the number of runners and instances.
//
// With dailyAccrual it makes sure yesterday's accrual is queued; each accrual queues the next day's.
func (s *Service) RunWorker(ctx context.Context, pollEvery time.Duration, concurrency int, dailyAccrual bool) {
	if dailyAccrual {
		if err := s.Loans.QueueDailyAccrual(ctx); err != nil {
			s.Log.ErrorContext(ctx, "cannot queue the daily accrual", "err", err)
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() { s.listenForJobs(ctx) })
	for range max(concurrency, 1) {
		wg.Go(func() { s.runJobs(ctx, pollEvery) })
	}
	wg.Wait()
}

// listenForJobs wakes the worker when another instance queues a job, so that the job need not wait
// for the next poll; this instance's own jobs wake it directly (wakeWorker). The poll stays, for
// jobs that come due later and for while the listening connection is down.
func (s *Service) listenForJobs(ctx context.Context) {
	l, err := s.Store.Listen(store.JobsChannel, nil)
	if err != nil {
		s.Log.WarnContext(ctx, "jobs queued by other instances wait for the poll", "err", err)
		return
	}
	defer l.Close()
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-l.Notify:
			if n == nil || n.Extra != s.Store.Instance { // nil: reconnected, a notification may be lost
				s.wakeWorker()
			}
		}
	}
}

// runJobs is one runner: it runs due jobs while there are some, and while more are due it wakes
// another runner to share them.
func (s *Service) runJobs(ctx context.Context, pollEvery time.Duration) {
	ticker := time.NewTicker(pollEvery)
	defer ticker.Stop()
	for {
		for {
			more, err := s.runNextJob(ctx)
			if err != nil && ctx.Err() == nil {
				s.Log.ErrorContext(ctx, "job failed", "err", err)
			}
			if !more {
				break
			}
			s.wakeWorker()
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-s.wake:
		}
	}
}

// RunNextJob runs one due job, if there is one, and tells whether it found one.
func (s *Service) RunNextJob(ctx context.Context) (bool, error) {
	job, _, err := s.runJobDue(ctx)
	return job != nil, err
}

// runNextJob runs one due job, if there is one, and tells whether more may be due: other jobs were
// when it was claimed, the job goes on in another transaction, or it failed.
func (s *Service) runNextJob(ctx context.Context) (bool, error) {
	job, done, err := s.runJobDue(ctx)
	return job != nil && (job.More || !done || err != nil), err
}

// runJobDue runs one due job, if there is one, in the transaction that claims it; done tells
// whether its work is all done. A store failure reports no job, so the worker waits for its next tick.
func (s *Service) runJobDue(ctx context.Context) (*store.Job, bool, error) {
	var job store.Job
	var done bool
	var failure error
	err := s.Store.Tx(ctx, func(q store.Queries) error {
		var err error
		job, err = q.ClaimJob(ctx, s.Now())
		if err != nil {
			return err
		}
		if done, failure = s.runJob(ctx, q, job); failure != nil {
			// the job's work rolls back; its failure is recorded after, outside this transaction
			return failure
		}
		if !done { // the rest of its work goes on in another transaction
			return q.RequeueJob(ctx, job.ID, s.Now())
		}
		return nil
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, false, nil
	case failure != nil:
		return &job, false, s.jobFailed(ctx, job, failure)
	case err != nil:
		return nil, false, err
	}
	return &job, done, nil
}

// runJob does a job's work, or a part of it: done tells whether it is all done.
func (s *Service) runJob(ctx context.Context, q store.Queries, job store.Job) (done bool, err error) {
	if job.Kind == jobAccrue {
		return s.Loans.AccrueDay(ctx, q, *job.Day)
	}
	app, err := q.LockApplicationByID(ctx, *job.ApplicationID)
	if err != nil {
		return false, err
	}
	switch job.Kind {
	case jobProcess:
		return true, s.process(ctx, q, &app)
	case jobTimeout:
		return true, s.expire(ctx, q, &app)
	}
	return false, fmt.Errorf("unknown job kind %q", job.Kind)
}

// jobFailed schedules a retry with growing delay, or after the last attempt declines the
// application as a technical fault.
func (s *Service) jobFailed(ctx context.Context, job store.Job, failure error) error {
	s.Log.WarnContext(ctx, "job attempt failed", "job", job.ID, "kind", job.Kind, "attempt", job.Attempts+1, "err", failure)
	return s.Store.Tx(ctx, func(q store.Queries) error {
		if job.Attempts+1 < maxJobAttempts {
			delay := time.Duration(1<<job.Attempts) * time.Second
			return q.RetryJob(ctx, job.ID, failure.Error(), s.Now().Add(delay))
		}
		if err := q.FinishJob(ctx, job.ID); err != nil {
			return err
		}
		if job.Day != nil { // a day's job gives up; the next day's catches its loans up
			return s.Loans.QueueNextAccrual(ctx, q, *job.Day)
		}
		app, err := q.LockApplicationByID(ctx, *job.ApplicationID)
		if err != nil {
			return err
		}
		if _, err := Status(app.Status).next(ActionDecline); err != nil {
			return nil // moved on meanwhile
		}
		app.Reason = "technical fault: processing failed"
		return s.transition(ctx, q, &app, ActionDecline, "system:worker")
	})
}

// process finds or creates the customer, stores the questionnaire, scores the application and
// either approves it with offers or declines it.
func (s *Service) process(ctx context.Context, q store.Queries, app *store.OwnedApplication) error {
	if Status(app.Status) != StatusProcessing {
		return nil // cancelled meanwhile
	}
	// a mobile application's request has no questionnaire: its fields stay zero
	var req CreateApplication
	if err := json.Unmarshal(app.Request, &req); err != nil {
		return err
	}
	customer, err := s.applicant(ctx, q, &app.Application, req)
	if domain.ErrorCode(err) == domain.CodeIdentityMismatch { // the registry changed since create
		app.Reason = "identity mismatch: the phone belongs to another person"
		return s.transition(ctx, q, app, ActionDecline, "system:identity")
	}
	if err != nil {
		return err
	}
	app.CustomerID = &customer.ID
	rules, err := q.ActiveScoringRules(ctx)
	if err != nil {
		return err
	}
	product, err := q.LoanProduct(ctx, app.ProductCode)
	if err != nil {
		return err
	}
	result := scoring.Evaluate(ScoringRulesOf(rules), s.ScoringEnv(&app.Application, customer, req), s.Now)
	switch result.FinalRecommendation {
	case scoring.Approve:
		offers, err := s.makeOffers(ctx, q, &app.Application, product)
		if err != nil {
			return err
		}
		if err := tell(app, map[string]any{"confirmedProduct": confirmedProduct(*app, offers[0])}); err != nil {
			return err
		}
		return s.transition(ctx, q, app, ActionApprove, "system:scoring")
	case scoring.Deny:
		app.Reason = result.DenialReason
		return s.transition(ctx, q, app, ActionDecline, "system:scoring")
	}
	var fault string
	for _, t := range result.Tasks {
		fault = t.Error
	}
	return fmt.Errorf("scoring %s: %s%s", result.FinalRecommendation, result.DenialReason, fault)
}

// applicant returns the application's customer: the mobile applicant, or for a partner's
// application the customer the identity rule (identity.go) finds, or a new one made of the
// questionnaire; the questionnaire is stored with the application.
func (s *Service) applicant(ctx context.Context, q store.Queries, app *store.Application, req CreateApplication) (store.Customer, error) {
	if app.CustomerID != nil {
		return q.CustomerByID(ctx, *app.CustomerID)
	}
	a := req.Customer
	c, err := s.partnerApplicant(ctx, q, app.Phone, a, req.CustomerDocuments)
	if err != nil {
		return store.Customer{}, err
	}
	x := store.Questionnaire{ApplicationID: app.ID, CustomerID: c.ID}
	addresses := map[string]any{
		"actual": a.ActualAddress, "registration": a.RegistrationAddress, "registration_date": a.RegistrationDate,
		"property_type": a.PropertyType, "another_property": a.AnotherProperty,
	}
	for dst, v := range map[*json.RawMessage]any{
		&x.Documents: req.CustomerDocuments, &x.Employment: req.CustomerEmployment, &x.Contacts: req.CustomerContacts,
		&x.Addresses: addresses, &x.Device: req.CustomerDevice, &x.Additional: req.AdditionalData,
	} {
		if *dst, err = json.Marshal(v); err != nil {
			return store.Customer{}, err
		}
	}
	if err := q.PutQuestionnaire(ctx, x); err != nil {
		return store.Customer{}, err
	}
	return c, nil
}

// partnerApplicant is the customer a partner's questionnaire is about, registering a new one with
// the questionnaire's personal data when the registry does not know them.
func (s *Service) partnerApplicant(ctx context.Context, q store.Queries, phone string, a Applicant, docs []Document) (store.Customer, error) {
	known, err := s.applicantCustomer(ctx, q, phone, a, docs)
	if err != nil || known != nil {
		return domain.Deref(known), err
	}
	var birth *time.Time
	if d, err := time.Parse(time.DateOnly, a.BirthDate); err == nil {
		birth = &d
	}
	c, ok, err := q.InsertCustomer(ctx, store.Customer{
		Phone: phone, FirstName: domain.NonEmpty(a.FirstName), LastName: domain.NonEmpty(a.LastName), MiddleName: domain.NonEmpty(a.MiddleName),
		BirthDate: birth, Email: domain.NonEmpty(a.Email), Gender: domain.NonEmpty(a.Gender), AdditionalData: json.RawMessage(`{}`),
	})
	if err != nil || ok {
		return c, err
	}
	// the phone became someone's login meanwhile: they must be the same person
	known, err = s.applicantCustomer(ctx, q, phone, a, docs)
	return domain.Deref(known), err
}

// ScoringEnv is what rules see: the application and the customer, with the questionnaire's
// figures when the application brought one. Numbers are float64 and int, as expressions compare them.
func (s *Service) ScoringEnv(app *store.Application, c store.Customer, req CreateApplication) map[string]any {
	cartTotal := sumLines(req.Cart.Items, func(it CartItem) (decimal.Decimal, int) { return it.Price, it.Quantity })
	// the application's own questionnaire speaks for the applicant; the registry fills in
	age := -1
	if birth, err := time.Parse(time.DateOnly, req.Customer.BirthDate); err == nil {
		age = yearsBetween(birth, s.Now())
	} else if c.BirthDate != nil {
		age = yearsBetween(*c.BirthDate, s.Now())
	}
	hasPassport := false
	for _, d := range req.CustomerDocuments {
		hasPassport = hasPassport || d.Type == "passport"
	}
	expenses := 0.0
	if req.Customer.MonthlyExpenses != nil {
		expenses = req.Customer.MonthlyExpenses.InexactFloat64()
	}
	children := 0
	if req.Customer.ChildrenNumber != nil {
		children = *req.Customer.ChildrenNumber
	}
	return map[string]any{
		"application": map[string]any{
			"channel": app.Channel, "mode": app.Mode, "productCode": app.ProductCode,
			"loanAmount": app.LoanAmount.InexactFloat64(), "loanTerm": app.LoanTerm,
			"downPayment": app.DownPayment.InexactFloat64(), "cartTotal": cartTotal.InexactFloat64(),
		},
		"customer": map[string]any{
			"age": age, "phone": c.Phone, "hasPassport": hasPassport,
			"salary": req.CustomerEmployment.Salary.InexactFloat64(), "monthlyExpenses": expenses, "childrenNumber": children,
		},
	}
}

func ScoringRulesOf(rs []store.ScoringRule) []scoring.Rule {
	out := make([]scoring.Rule, len(rs))
	for i, r := range rs {
		out[i] = scoring.Rule{
			ID: r.ID, OrderNo: r.OrderNo, Expression: r.Expression, Description: r.Description,
			Blocking: r.Blocking, Allowing: r.Allowing, DenialReason: r.DenialReason, Recommendation: r.Recommendation,
		}
	}
	return out
}

// makeOffers stores the offers of an approved application and returns them: the amount and term
// asked for, and the same amount over a shorter and a longer term where the product allows them.
func (s *Service) makeOffers(ctx context.Context, q store.Queries, app *store.Application, p store.LoanProduct) ([]store.Offer, error) {
	terms := []int{app.LoanTerm}
	for _, t := range []int{app.LoanTerm - 3, app.LoanTerm + 3} {
		if t >= p.MinTerm && t <= p.MaxTerm {
			terms = append(terms, t)
		}
	}
	offers := make([]store.Offer, len(terms))
	for i, term := range terms {
		rate := billing.Discounted(p.AnnualRate, p.DiscountValue.Decimal)
		plan, err := schedule.Annuity(schedule.Terms{Principal: app.LoanAmount, AnnualRate: rate, Months: term, Start: s.Now()})
		if err != nil {
			return nil, err
		}
		offers[i] = store.Offer{
			ApplicationID: app.ID, ProductCode: p.Code, Amount: app.LoanAmount, Term: term, AnnualRate: p.AnnualRate,
			MonthlyPayment: plan.MonthlyPayment, TotalInterest: plan.TotalInterest, TotalAmount: plan.TotalAmount,
		}
	}
	return offers, q.InsertOffers(ctx, offers)
}

// expire cancels an application still unsigned when its time is up.
func (s *Service) expire(ctx context.Context, q store.Queries, app *store.OwnedApplication) error {
	switch Status(app.Status) {
	case StatusProcessing, StatusApproved, StatusOfferSelected, StatusOTPSent:
		app.Reason = "timeout: not signed in time"
		return s.transition(ctx, q, app, ActionCancel, "system:timeout")
	}
	return nil
}

func yearsBetween(birth, now time.Time) int {
	years := now.Year() - birth.Year()
	if now.Month() < birth.Month() || (now.Month() == birth.Month() && now.Day() < birth.Day()) {
		years--
	}
	return years
}
