package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"caseflow"
	"caseflow/policy"
	"caseflow/postgres"
	"caseflow/sla"
	"caseflow/workflows"
)

// caseJSON is a case as the API shows it: the case, and where to watch its
// workflow in the Temporal Web UI.
type caseJSON struct {
	caseflow.Case
	WorkflowURL string `json:"workflow_url,omitempty"`
}

func (s *Server) caseJSON(c caseflow.Case) caseJSON {
	return caseJSON{Case: c, WorkflowURL: s.workflowURL(c.Number)}
}

// workflowURL is the case's workflow in the Temporal Web UI; "" without one.
func (s *Server) workflowURL(number string) string {
	if s.uiURL == "" {
		return ""
	}
	return s.uiURL + "/namespaces/" + url.PathEscape(s.namespace) +
		"/workflows/" + url.PathEscape(caseflow.WorkflowID(number))
}

// intakeRequest is the body of POST /cases.
type intakeRequest struct {
	Channel        caseflow.Channel  `json:"channel"`
	Category       caseflow.Category `json:"category"`
	Customer       customerRequest   `json:"customer"`
	Subject        string            `json:"subject"`
	Description    string            `json:"description"`
	Amount         *float64          `json:"amount"`
	Flags          []caseflow.Flag   `json:"flags"`
	Assignee       string            `json:"assignee"`
	Priority       caseflow.Priority `json:"priority"`
	PriorityReason string            `json:"priority_reason"`
	Contacts       int               `json:"contacts"`
}

type customerRequest struct {
	Name       string `json:"name"`
	Email      string `json:"email"`
	Phone      string `json:"phone"`
	ExternalID string `json:"external_id"`
	VIP        bool   `json:"vip"`
}

func (r *intakeRequest) check(f caseflow.Fields) {
	enum(f, "channel", r.Channel, caseflow.Channels, true)
	enum(f, "category", r.Category, caseflow.Categories, true)
	text(f, "customer.name", r.Customer.Name, true, maxName)
	email(f, "customer.email", r.Customer.Email, true)
	text(f, "customer.phone", r.Customer.Phone, false, maxPhone)
	text(f, "customer.external_id", r.Customer.ExternalID, false, maxName)
	text(f, "subject", r.Subject, true, maxSubject)
	text(f, "description", r.Description, false, maxText)
	f.Check(r.Amount == nil || *r.Amount >= 0, "amount", "must be a number of at least 0")
	for _, flag := range r.Flags {
		enum(f, "flags", flag, caseflow.Flags, true)
	}
	email(f, "assignee", r.Assignee, false)
	enum(f, "priority", r.Priority, caseflow.Priorities, false)
	// Overriding the policy's rules is a decision someone must account for.
	text(f, "priority_reason", r.PriorityReason, r.Priority != "", maxText)
	f.Check(r.Contacts >= 0, "contacts", "must be at least 0")
}

func (r *intakeRequest) intake() caseflow.Intake {
	c := r.Customer
	return caseflow.Intake{
		Channel: r.Channel, Category: r.Category,
		Customer: caseflow.Customer{Name: c.Name, Email: c.Email, Phone: c.Phone, ExternalID: c.ExternalID, VIP: c.VIP},
		Subject:  r.Subject, Description: r.Description, Amount: r.Amount, Flags: r.Flags,
		Assignee: r.Assignee, Priority: r.Priority, PriorityReason: r.PriorityReason, Contacts: r.Contacts,
	}
}

// Search attributes set at start, so the case is findable from its first moment.
var (
	searchNumber  = temporal.NewSearchAttributeKeyKeyword(caseflow.SearchNumber)
	searchChannel = temporal.NewSearchAttributeKeyKeyword(caseflow.SearchChannel)
)

// openCase is POST /cases: reserve the case number for the Idempotency-Key,
// then start the case workflow and wait for its intake in one call.
func (s *Server) openCase(c echo.Context) error {
	f := caseflow.Fields{}
	key := idempotencyKey(c, f)
	var req intakeRequest
	if err := decode(c, f, &req); err != nil {
		return err
	}
	if err := f.Err(); err != nil {
		return err
	}
	cs, existing, err := s.open(c.Request().Context(), key, req, user(c))
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if existing {
		status = http.StatusOK
	}
	return c.JSON(status, s.caseJSON(cs))
}

// open opens the case a checked intake request describes, once per key (a
// new key when empty); existing is set when the key had opened it already.
// The JSON API and the web UI's new-case form both open cases through it.
func (s *Server) open(ctx context.Context, key string, req intakeRequest, by caseflow.User) (cs caseflow.Case, existing bool, err error) {
	return s.openIntake(ctx, key, req.intake(), by)
}

// openIntake opens the case in describes, once per key, on behalf of by (the
// zero User for the customer: the inbound email webhook opens cases too).
func (s *Server) openIntake(ctx context.Context, key string, in caseflow.Intake, by caseflow.User) (cs caseflow.Case, existing bool, err error) {
	if key == "" {
		key = rand.Text()
	}
	// The hash of the request, before the number and caller are added, tells a
	// retry (same request) from a key reused for another request.
	canonical, err := json.Marshal(in)
	if err != nil {
		return caseflow.Case{}, false, err
	}
	hash := sha256.Sum256(canonical)

	number, existing, err := s.store.ReserveCase(ctx, key, hex.EncodeToString(hash[:]), s.now().UTC().Year())
	if err != nil {
		return caseflow.Case{}, false, err
	}
	in.Number, in.By = number, by
	cs, err = s.startCase(ctx, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if existing && errors.As(err, &started) {
		// A retry after the case ran its whole course: the read model has it.
		cs, err = s.store.GetCase(ctx, number)
	}
	return cs, existing, err
}

// startCase starts the case's workflow (or joins it) and returns the case
// its intake update answers with.
func (s *Server) startCase(ctx context.Context, in caseflow.Intake) (caseflow.Case, error) {
	ctx, cancel := context.WithTimeout(ctx, temporalTimeout)
	defer cancel()
	start := s.temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:        caseflow.WorkflowID(in.Number),
		TaskQueue: caseflow.TaskQueue,
		// A case number belongs to one case forever: never start a second workflow under it.
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		// A retried request joins the case its first attempt started.
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			searchNumber.ValueSet(in.Number), searchChannel.ValueSet(string(in.Channel))),
	}, caseflow.CaseWorkflowName, workflows.Input{Intake: &in, Policy: s.policy})
	h, err := s.temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{
			// One intake per run: a retry is answered with the first one's result.
			UpdateID:     "intake",
			UpdateName:   caseflow.UpdateIntake,
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	var cs caseflow.Case
	if err == nil {
		err = h.Get(ctx, &cs)
	}
	return cs, err
}

// casesJSON is a page of GET /cases.
type casesJSON struct {
	Cases      []caseJSON `json:"cases"`
	NextCursor string     `json:"next_cursor"`
}

// listCases is GET /cases, from the read model.
func (s *Server) listCases(c echo.Context) error {
	q := newQuery(c, "status", "priority", "tier", "assignee", "channel", "breached", "open", "q", "sort", "limit", "cursor")
	filter := postgres.CaseFilter{
		Statuses: queryEnums(q, "status", caseflow.Statuses),
		Priority: queryEnum(q, "priority", caseflow.Priorities),
		Tier:     queryEnum(q, "tier", caseflow.Tiers),
		Assignee: q.text("assignee", maxEmail),
		Channel:  queryEnum(q, "channel", caseflow.Channels),
		Breached: q.boolean("breached"),
		Open:     q.boolean("open"),
		Text:     q.text("q", maxName),
		Limit:    q.limit(),
		Cursor:   q.get("cursor"),
	}
	// The store knows newest first as "" and soonest due as "due".
	if sort := queryEnum(q, "sort", []string{"created", "due"}); sort == "due" {
		filter.Sort = sort
	}
	if err := q.bad.Err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	page, err := s.store.ListCases(ctx, filter)
	if err != nil {
		return err
	}
	out := casesJSON{Cases: make([]caseJSON, len(page.Cases)), NextCursor: page.NextCursor}
	for i, cs := range page.Cases {
		s.refreshClocks(ctx, &cs)
		out.Cases[i] = s.caseJSON(cs)
	}
	return c.JSON(http.StatusOK, out)
}

// getCase is GET /cases/{number}: the live state from the workflow, or the
// read model once the workflow is gone.
func (s *Server) getCase(c echo.Context) error {
	f := caseflow.Fields{}
	number := caseNumber(c, f)
	if err := f.Err(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), temporalTimeout)
	defer cancel()
	cs, err := s.liveCase(ctx, number)
	if err != nil {
		return err
	}
	s.refreshClocks(ctx, &cs)
	return c.JSON(http.StatusOK, s.caseJSON(cs))
}

func (s *Server) liveCase(ctx context.Context, number string) (caseflow.Case, error) {
	resp, err := s.temporal.QueryWorkflowWithOptions(ctx, &client.QueryWorkflowWithOptionsRequest{
		WorkflowID: caseflow.WorkflowID(number),
		QueryType:  caseflow.QueryCase,
		// A finished workflow would be replayed on a worker just to answer;
		// the read model already holds its final state.
		QueryRejectCondition: enumspb.QUERY_REJECT_CONDITION_NOT_OPEN,
	})
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &notFound):
	case err != nil:
		return caseflow.Case{}, err
	case resp.QueryRejected == nil:
		var cs caseflow.Case
		if err := resp.QueryResult.Get(&cs); err != nil {
			return caseflow.Case{}, err
		}
		if cs.Number != "" { // empty only while intake is still running
			return cs, nil
		}
	}
	return s.store.GetCase(ctx, number)
}

// refreshClocks recomputes the time left on each clock as of now, with the
// calendar of the policy the case pinned: read-model snapshots age.
func (s *Server) refreshClocks(ctx context.Context, cs *caseflow.Case) {
	p, err := s.pinnedPolicy(ctx, cs.PolicyVersion)
	if err != nil {
		s.log.WarnContext(ctx, "clocks shown as last recorded: pinned policy not loaded",
			"case", cs.Number, "policy_version", cs.PolicyVersion, "error", err)
		return
	}
	now := s.now()
	for _, clk := range []*caseflow.Clock{&cs.Clocks.FirstResponse, &cs.Clocks.Resolution} {
		clk.RemainingSeconds = remaining(p.Calendar(), *clk, now)
	}
}

// remaining is the time left on a clock at now, in seconds: business time
// for business targets, negative once breached; frozen while paused.
func remaining(cal *sla.Calendar, clk caseflow.Clock, now time.Time) int64 {
	left := clk.Due.Sub(now)
	switch {
	case clk.State == caseflow.ClockMet:
		return 0
	case clk.Paused:
		return clk.RemainingSeconds
	case clk.Business:
		left = cal.Between(now, clk.Due)
	}
	return int64(left / time.Second)
}

// pinnedPolicy is the policy version a case started under. Versions never
// change once registered, so each is loaded once.
func (s *Server) pinnedPolicy(ctx context.Context, version string) (*policy.Policy, error) {
	if version == s.policy.Version {
		return s.policy, nil
	}
	s.mu.Lock()
	p, ok := s.policies[version]
	s.mu.Unlock()
	if ok {
		return p, nil
	}
	body, err := s.store.PolicyBody(ctx, version)
	if err != nil {
		return nil, err
	}
	if p, err = policy.FromJSON(body); err != nil {
		return nil, err
	}
	p.Calendar() // built before the policy is shared
	s.mu.Lock()
	s.policies[version] = p
	s.mu.Unlock()
	return p, nil
}

// timeline is GET /cases/{number}/timeline, oldest first.
func (s *Server) timeline(c echo.Context) error {
	f := caseflow.Fields{}
	number := caseNumber(c, f)
	if err := f.Err(); err != nil {
		return err
	}
	events, err := s.store.Timeline(c.Request().Context(), number)
	if err != nil {
		return err
	}
	if events == nil {
		events = []caseflow.Event{}
	}
	return c.JSON(http.StatusOK, struct {
		Events []caseflow.Event `json:"events"`
	}{events})
}
