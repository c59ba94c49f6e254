package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"caseflow"
	"caseflow/policy"
	"caseflow/postgres"
)

// The queue, the new-case form and the case workspace.

// queuePageSize is how many cases a queue page lists.
const queuePageSize = 50

type queuePage struct {
	page
	Filter   url.Values // the filters as given, to fill the form back in
	Query    string     // the same, encoded
	RowsURL  string     // where the rows refresh from
	Rows     []queueRow
	Next     string // the next page's URL; "" on the last
	Problems []string
	Mine     string // the query showing the user's own cases
	Updated  string
	Options  options
}

type queueRow struct {
	Case caseflow.Case
	SLA  clockView
}

// options are the choices of the filter and new-case forms.
type options struct {
	Statuses, Priorities, Tiers, Channels, Categories, Flags []string
}

func names[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

var formOptions = options{
	Statuses:   names(caseflow.Statuses),
	Priorities: names(caseflow.Priorities),
	Tiers:      names(caseflow.Tiers),
	Channels:   names(caseflow.Channels),
	Categories: names(caseflow.Categories),
	Flags:      names(caseflow.Flags),
}

// queue is GET /ui/: open cases, what is due first on top.
func (u *ui) queue(c echo.Context) error {
	p, status, err := u.queueData(c)
	if err != nil {
		return err
	}
	return u.render(c, status, "queue", p)
}

// queueRows is GET /ui/queue/rows: the rows alone, which the queue polls.
func (u *ui) queueRows(c echo.Context) error {
	p, status, err := u.queueData(c)
	if err != nil {
		return err
	}
	return u.fragment(c, status, "queue", "rows", p)
}

// dropEmptyParams forgets the query parameters a form sent empty ("any"),
// so they neither filter nor count as bad values.
func dropEmptyParams(c echo.Context) url.Values {
	qp := c.QueryParams() // echo's own copy, which the readers below use
	for k, vs := range qp {
		vs = slices.DeleteFunc(vs, func(v string) bool { return strings.TrimSpace(v) == "" })
		if len(vs) == 0 {
			delete(qp, k)
		} else {
			qp[k] = vs
		}
	}
	return qp
}

func (u *ui) queueData(c echo.Context) (queuePage, int, error) {
	p := queuePage{Filter: dropEmptyParams(c), Options: formOptions}
	p.page = u.newPage(c, "Queue")
	p.Mine = uiPrefix + "/?" + url.Values{"assignee": {p.User.Email}}.Encode()
	q := newQuery(c, "status", "priority", "tier", "channel", "assignee", "breached", "q", "cursor")
	filter := postgres.CaseFilter{
		Statuses: queryEnums(q, "status", caseflow.Statuses),
		Priority: queryEnum(q, "priority", caseflow.Priorities),
		Tier:     queryEnum(q, "tier", caseflow.Tiers),
		Channel:  queryEnum(q, "channel", caseflow.Channels),
		Assignee: q.text("assignee", maxEmail),
		Breached: q.boolean("breached"),
		Text:     q.text("q", maxName),
		Cursor:   q.get("cursor"),
		Sort:     "due",
		Limit:    queuePageSize,
	}
	if len(filter.Statuses) == 0 {
		filter.Open = new(true) // the queue is the work still owed
	}
	filterValues := url.Values{}
	for k, vs := range p.Filter {
		if k != "cursor" {
			filterValues[k] = vs
		}
	}
	p.Query = filterValues.Encode()
	p.RowsURL = uiPrefix + "/queue/rows?" + c.QueryParams().Encode()
	if err := q.bad.Err(); err != nil {
		for field, msg := range q.bad {
			p.Problems = append(p.Problems, label(field)+" "+msg)
		}
		return p, http.StatusBadRequest, nil
	}
	ctx := c.Request().Context()
	page, err := u.store.ListCases(ctx, filter)
	if caseflow.ErrorCode(err) == caseflow.EINVALID {
		p.Problems = append(p.Problems, "That page of the queue is no longer available; start from the first page.")
		return p, http.StatusBadRequest, nil
	}
	if err != nil {
		return p, 0, err
	}
	for _, cs := range page.Cases {
		p.Rows = append(p.Rows, queueRow{Case: cs, SLA: u.slaBadge(ctx, cs)})
	}
	if page.NextCursor != "" {
		next := url.Values{}
		for k, vs := range filterValues {
			next[k] = vs
		}
		next.Set("cursor", page.NextCursor)
		p.Next = uiPrefix + "/?" + next.Encode()
	}
	p.Updated = u.now().In(u.policy.Location()).Format("15:04:05")
	return p, http.StatusOK, nil
}

// formState is a form as posted, shown again with the server's reason when
// the action was refused. Key is the idempotency key of the next submission.
type formState struct {
	Key    string
	Values url.Values
	Err    *caseflow.Error
}

func newForm() *formState { return &formState{Key: randomToken(), Values: url.Values{}} }

// Get is the value posted for a field.
func (f *formState) Get(name string) string { return f.Values.Get(name) }

// Has reports whether a checkbox or multi-select posted value.
func (f *formState) Has(name, value string) bool {
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// FieldError is the server's complaint about one field ("" for none).
func (f *formState) FieldError(name string) string {
	if f.Err == nil {
		return ""
	}
	return f.Err.Details[name]
}

type newCasePage struct {
	page
	Form    *formState
	Options options
}

// newCaseForm is GET /ui/cases/new.
func (u *ui) newCaseForm(c echo.Context) error {
	p := newCasePage{Form: newForm(), Options: formOptions}
	p.page = u.newPage(c, "New case")
	p.Form.Values.Set("assignee", p.User.Email)
	return u.render(c, http.StatusOK, "new_case", p)
}

// newCase is POST /ui/cases/new: the API's intake, from a form.
func (u *ui) newCase(c echo.Context) error {
	v, err := c.FormParams()
	if err != nil {
		return err
	}
	f := caseflow.Fields{}
	req := intakeRequest{
		Channel:  caseflow.Channel(v.Get("channel")),
		Category: caseflow.Category(v.Get("category")),
		Customer: customerRequest{
			Name: strings.TrimSpace(v.Get("customer.name")), Email: strings.TrimSpace(v.Get("customer.email")),
			Phone: strings.TrimSpace(v.Get("customer.phone")), ExternalID: strings.TrimSpace(v.Get("customer.external_id")),
			VIP: v.Get("customer.vip") == "on",
		},
		Subject:        strings.TrimSpace(v.Get("subject")),
		Description:    v.Get("description"),
		Assignee:       strings.TrimSpace(v.Get("assignee")),
		Priority:       caseflow.Priority(v.Get("priority")),
		PriorityReason: v.Get("priority_reason"),
	}
	for _, flag := range v["flags"] {
		req.Flags = append(req.Flags, caseflow.Flag(flag))
	}
	if s := strings.TrimSpace(v.Get("amount")); s != "" {
		a, err := strconv.ParseFloat(strings.TrimPrefix(s, "$"), 64)
		f.Check(err == nil, "amount", "must be a number such as 120.50")
		req.Amount = &a
	}
	if s := strings.TrimSpace(v.Get("contacts")); s != "" {
		n, err := strconv.Atoi(s)
		f.Check(err == nil, "contacts", "must be a whole number")
		req.Contacts = n
	}
	req.check(f)
	key := formKey(v)
	if err = f.Err(); err == nil {
		var cs caseflow.Case
		cs, _, err = u.open(c.Request().Context(), key, req, user(c))
		if err == nil {
			return c.Redirect(http.StatusSeeOther, uiPrefix+"/cases/"+cs.Number+"?done=opened")
		}
	}
	e := u.appError(c, err)
	p := newCasePage{Form: &formState{Key: key, Values: v, Err: e}, Options: formOptions}
	if e.Code != caseflow.EUNAVAILABLE {
		p.Form.Key = randomToken() // nothing was opened: a corrected form is a new request
	}
	p.page = u.newPage(c, "New case")
	return u.render(c, httpStatus(e.Code), "new_case", p)
}

// formKey is the idempotency key a form carries, or a fresh one.
func formKey(v url.Values) string {
	key := v.Get("key")
	if key == "" || len(key) > maxKey || strings.ContainsFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		return randomToken()
	}
	return key
}

// caseAction is something a user may do on a case from the workspace: a form
// read into the API's request type, checked by its check, sent as its update.
type caseAction struct {
	Name  string // the form's path: POST /ui/cases/{number}/{name}
	Title string
	// api is the API route of the same action: its roles are the action's.
	api    string
	update string
	// form reads the posted form; f collects what cannot even be read.
	form func(v url.Values, f caseflow.Fields) command
	// offered reports whether the action makes sense in the case's state.
	offered func(a actionContext) bool
	// done is what the page says once the action went through.
	done string
	// more puts the action among the less frequent ones.
	more bool
	// answers is set for requests whose update answers a RequestAnswer
	// (granted or pending) rather than the case.
	answers bool
	// inline actions are offered where their subject is shown (an
	// exception's form by its exception), not in the panel.
	inline bool
}

// actionContext is what decides whether an action is offered now.
type actionContext struct {
	user   caseflow.User
	cs     caseflow.Case
	policy *policy.Policy
	now    time.Time
}

func (a actionContext) open() bool { return a.cs.Status.Open() }

func (a actionContext) inReopenWindow() bool {
	return a.cs.ReopenUntil != nil && a.now.Before(*a.cs.ReopenUntil)
}

// caseActions is every workspace action, in the order the panel shows them.
var caseActions = []caseAction{
	{
		Name: "acknowledge-escalation", Title: "Acknowledge the escalation", api: "/cases/:number/acknowledge-escalation",
		update: caseflow.UpdateAcknowledgeEscalation, done: "You took the escalated case.",
		form: func(v url.Values, _ caseflow.Fields) command { return &acknowledgeRequest{Note: v.Get("note")} },
		offered: func(a actionContext) bool {
			t, ok := a.user.Role.Tier()
			return a.cs.AwaitingAck != nil && ok && t.Rank() >= a.cs.AwaitingAck.Tier.Rank()
		},
	},
	{
		Name: "reply", Title: "Reply to the customer", api: "/cases/:number/interactions",
		update: caseflow.UpdateInteraction, done: "Your reply is on its way to the customer.",
		form: interactionForm(caseflow.InteractionReply), offered: actionContext.open,
	},
	{
		Name: "note", Title: "Add an internal note", api: "/cases/:number/interactions",
		update: caseflow.UpdateInteraction, done: "Note added.",
		form:    interactionForm(caseflow.InteractionNote),
		offered: func(a actionContext) bool { return a.cs.Status != caseflow.StatusClosed },
	},
	{
		Name: "call", Title: "Log a call", api: "/cases/:number/interactions",
		update: caseflow.UpdateInteraction, done: "Call logged.",
		form: interactionForm(caseflow.InteractionCall), offered: actionContext.open,
	},
	{
		Name: "customer-reply", Title: "Log the customer's reply", api: "/cases/:number/customer-reply",
		update: caseflow.UpdateCustomerReply, done: "The customer's reply is on the case.",
		form:    func(v url.Values, _ caseflow.Fields) command { return &customerReplyRequest{Body: v.Get("body")} },
		offered: func(a actionContext) bool { return a.open() || a.inReopenWindow() },
	},
	{
		Name: "wait", Title: "Wait on the customer", api: "/cases/:number/wait",
		update: caseflow.UpdateWait, done: "The case waits on the customer; its clocks are paused.",
		form: func(v url.Values, _ caseflow.Fields) command { return &waitRequest{Reason: v.Get("reason")} },
		offered: func(a actionContext) bool {
			return a.open() && a.cs.Status != caseflow.StatusWaitingOnCustomer
		},
	},
	{
		Name: "escalate", Title: "Escalate", api: "/cases/:number/escalate",
		update: caseflow.UpdateEscalate, done: "Escalated.",
		form: func(v url.Values, _ caseflow.Fields) command { return &escalateRequest{Reason: v.Get("reason")} },
		offered: func(a actionContext) bool {
			_, ok := a.policy.NextTier(a.cs.Tier)
			return a.open() && ok
		},
	},
	{
		Name: "recovery", Title: "Offer a recovery action", api: "/cases/:number/recovery-actions",
		update: caseflow.UpdateRecovery, answers: true, done: "Recovery action requested.",
		form:    recoveryForm,
		offered: actionContext.open,
	},
	{
		Name: "exception", Title: "Ask for an SOP exception", api: "/cases/:number/exceptions",
		update: caseflow.UpdateException, answers: true, done: "SOP exception requested.",
		form: func(v url.Values, _ caseflow.Fields) command {
			return &exceptionRequest{Deviation: v.Get("deviation"), Kind: strings.TrimSpace(v.Get("kind")), Justification: v.Get("justification")}
		},
		offered: actionContext.open,
	},
	{
		Name: "exception-form", Title: "Complete the exception form", api: "/cases/:number/exceptions/:id/form",
		update: caseflow.UpdateExceptionForm, inline: true, done: "Exception form completed.",
		form: func(v url.Values, _ caseflow.Fields) command {
			return &exceptionFormCommand{id: v.Get("approval_id"),
				exceptionFormRequest: exceptionFormRequest{WhatWasDone: v.Get("what_was_done"), Why: v.Get("why")}}
		},
		offered: func(a actionContext) bool {
			for _, ap := range a.cs.Approvals {
				if ap.Kind == caseflow.ApprovalException && ap.FormDue != nil && ap.Form == nil {
					return true
				}
			}
			return false
		},
	},
	{
		Name: "resolve", Title: "Resolve", api: "/cases/:number/resolve",
		update: caseflow.UpdateResolve, done: "Resolved. The customer has the confirmation and can reopen within the window.",
		form: func(v url.Values, _ caseflow.Fields) command {
			return &resolveRequest{Resolution: v.Get("resolution"), RootCause: v.Get("root_cause")}
		},
		offered: actionContext.open,
	},
	{
		Name: "reopen", Title: "Reopen", api: "/cases/:number/reopen",
		update: caseflow.UpdateReopen, done: "Reopened.",
		form:    func(v url.Values, _ caseflow.Fields) command { return &reopenRequest{Reason: v.Get("reason")} },
		offered: func(a actionContext) bool { return !a.open() && a.inReopenWindow() },
	},
	{
		Name: "close", Title: "Close", api: "/cases/:number/close",
		update: caseflow.UpdateClose, done: "Closed.",
		form:    func(v url.Values, _ caseflow.Fields) command { return &closeRequest{Reason: v.Get("reason")} },
		offered: func(a actionContext) bool { return a.cs.Status == caseflow.StatusResolved },
	},
	{
		Name: "assign", Title: "Assign", api: "/cases/:number/assign", more: true,
		update: caseflow.UpdateAssign, done: "Assigned.",
		form: func(v url.Values, _ caseflow.Fields) command {
			return &assignRequest{Assignee: strings.TrimSpace(v.Get("assignee"))}
		},
		offered: func(a actionContext) bool { return a.cs.Status != caseflow.StatusClosed },
	},
	{
		Name: "priority", Title: "Change the priority", api: "/cases/:number/priority", more: true,
		update: caseflow.UpdatePriority, done: "Priority changed; the resolution clock follows it.",
		form: func(v url.Values, _ caseflow.Fields) command {
			return &priorityRequest{Priority: caseflow.Priority(v.Get("priority")), Reason: v.Get("reason")}
		},
		offered: actionContext.open,
	},
	{
		Name: "flags", Title: "Raise a flag", api: "/cases/:number/flags", more: true,
		update: caseflow.UpdateFlags, done: "Flag raised.",
		form: func(v url.Values, _ caseflow.Fields) command {
			r := &flagsRequest{Reason: v.Get("reason")}
			for _, f := range v["flags"] {
				r.Flags = append(r.Flags, caseflow.Flag(f))
			}
			return r
		},
		offered: actionContext.open,
	},
}

// interactionForm reads a reply, note or call; handle time is in minutes.
func interactionForm(kind caseflow.InteractionKind) func(v url.Values, f caseflow.Fields) command {
	return func(v url.Values, f caseflow.Fields) command {
		r := &interactionRequest{Kind: kind, Body: v.Get("body")}
		if s := strings.TrimSpace(v.Get("handle_minutes")); s != "" {
			m, err := strconv.ParseFloat(s, 64)
			if err != nil || m < 0 || m > 1440 {
				f.Add("handle_seconds", "must be a number of minutes from 0 to 1440")
			} else {
				r.HandleSeconds = int64(m*60 + 0.5)
			}
		}
		return r
	}
}

// recoveryForm reads a recovery action: its kind, and the size the kind has.
func recoveryForm(v url.Values, f caseflow.Fields) command {
	r := &recoveryRequest{Action: caseflow.RecoveryKind(v.Get("action")), Details: strings.TrimSpace(v.Get("details")),
		Justification: v.Get("justification")}
	number := func(field string) float64 {
		s := strings.TrimSpace(strings.TrimPrefix(strings.TrimSuffix(v.Get(field), "%"), "$"))
		if s == "" {
			return 0
		}
		n, err := strconv.ParseFloat(s, 64)
		f.Check(err == nil, field, "must be a number")
		return n
	}
	// Only the size that goes with the kind counts: a percent left in the
	// form after switching to a refund is not an error.
	switch r.Action {
	case caseflow.RecoveryDiscount:
		r.Percent = number("percent")
	case caseflow.RecoveryComplimentary:
		r.Value = number("value")
	}
	return r
}

// exceptionFormCommand is the API's exception form with the exception it is for.
type exceptionFormCommand struct {
	exceptionFormRequest
	id string
}

func (r *exceptionFormCommand) check(f caseflow.Fields) {
	r.exceptionFormRequest.check(f)
	f.Check(caseflow.ApprovalOf(r.id) != "", "approval_id", "must be one of the case's exceptions")
}

func (r *exceptionFormCommand) payload(by caseflow.User) any {
	return caseflow.ExceptionForm{ApprovalID: r.id, WhatWasDone: r.WhatWasDone, Why: r.Why, By: by}
}

func findAction(name string) (caseAction, bool) {
	for _, a := range caseActions {
		if a.Name == name {
			return a, true
		}
	}
	return caseAction{}, false
}

// actionView is one action as the panel shows it.
type actionView struct {
	Name, Title string
	More        bool
	Inline      bool // shown by its subject, not in the panel
	Open        bool // the form starts unfolded
	Form        *formState
}

type workspacePage struct {
	page
	Case        caseflow.Case
	Clocks      []clockView
	Events      []eventView
	Actions     []actionView
	More        bool // some actions are among the less frequent ones
	Signature   string
	Poll        string
	WorkflowURL string
	Done        string
	Replies     []cannedReply
	Options     options
	Staff       bool // the user may act on cases at all
	Stale       bool // the workflow did not answer: the case as last recorded
	Approvals   []approvalView
	Recovery    []string // the recovery actions to choose from
}

// workspace is GET /ui/cases/{number}.
func (u *ui) workspace(c echo.Context) error {
	p, err := u.workspaceData(c, nil)
	if err != nil {
		return err
	}
	done := c.QueryParam("done")
	switch {
	case done == "opened":
		p.Done = "Case opened. The customer has the acknowledgement with the case number."
	case strings.HasSuffix(done, "-"+string(caseflow.ApprovalGranted)):
		p.Done = "Granted at once: it is within your authority. It is on the timeline."
	case strings.HasSuffix(done, "-"+string(caseflow.ApprovalPending)):
		p.Done = "Sent for approval. The decision will show on this case."
	case done == "decided-"+string(caseflow.DecisionApprove):
		p.Done = "Approved."
	case done == "decided-"+string(caseflow.DecisionReject):
		p.Done = "Rejected. The requester sees your note."
	default:
		if a, ok := findAction(done); ok {
			p.Done = a.done
		}
	}
	return u.render(c, http.StatusOK, "case", p)
}

// failedForm is a form the server refused, to show again by its action.
type failedForm struct {
	action string
	form   *formState
}

// workspaceData loads the case as it stands, its timeline, and the actions
// the user may take now; failed is a refused form to show again.
func (u *ui) workspaceData(c echo.Context, failed *failedForm) (workspacePage, error) {
	f := caseflow.Fields{}
	number := caseNumber(c, f)
	if err := f.Err(); err != nil {
		return workspacePage{}, err
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), temporalTimeout)
	defer cancel()
	cs, err := u.liveCase(ctx, number)
	stale := false
	if err != nil && u.appError(c, err).Code == caseflow.EUNAVAILABLE {
		// Temporal is away: show the case as last recorded rather than nothing.
		cs, err = u.store.GetCase(ctx, number)
		stale = true
	}
	if err != nil {
		return workspacePage{}, err
	}
	events, err := u.store.Timeline(ctx, number)
	if err != nil {
		return workspacePage{}, err
	}
	p := workspacePage{
		Case: cs, Clocks: u.clockViews(ctx, cs), Events: u.eventViews(events),
		WorkflowURL: u.workflowURL(number), Options: formOptions, Stale: stale,
	}
	p.page = u.newPage(c, cs.Number+" · "+cs.Subject)
	p.Staff = p.User.Role.CanWorkCases()
	failedName := ""
	if failed != nil {
		failedName = failed.action
	}
	p.Actions, p.Signature = u.actionViews(ctx, p.User, cs, failedName)
	for i := range p.Actions {
		a := &p.Actions[i]
		a.Open = a.Name == "acknowledge-escalation" || a.Name == "reply"
		if failed != nil && failed.action == a.Name {
			a.Form, a.Open = failed.form, true
		}
		p.More = p.More || a.More
		if a.Name == "reply" {
			p.Replies = cannedReplies
		}
		if a.Name == "assign" && a.Form.Get("assignee") == "" {
			a.Form.Values.Set("assignee", p.User.Email)
		}
	}
	formOffered := false
	for _, a := range p.Actions {
		formOffered = formOffered || a.Name == "exception-form"
	}
	p.Approvals = u.approvalViews(p.User, cs.Approvals, failed, formOffered)
	p.Recovery = names(caseflow.RecoveryKinds)
	p.Poll = uiPrefix + "/cases/" + number + "/live?" + url.Values{
		"v": {strconv.FormatInt(cs.Version, 10)}, "a": {p.Signature},
	}.Encode()
	return p, nil
}

// actionViews lists the actions user may take on cs now, each with a fresh
// form, and a signature that changes when the list does. The action named
// failed stays listed even when the case moved on, so its refusal shows by it.
func (u *ui) actionViews(ctx context.Context, usr caseflow.User, cs caseflow.Case, failed string) ([]actionView, string) {
	p, err := u.pinnedPolicy(ctx, cs.PolicyVersion)
	if err != nil {
		p = u.policy
	}
	ac := actionContext{user: usr, cs: cs, policy: p, now: u.now()}
	var (
		out   []actionView
		names []string
	)
	for _, a := range caseActions {
		if !u.mayCallAPI(usr.Role, http.MethodPost, a.api) {
			continue
		}
		if offered := a.offered(ac); offered || a.Name == failed {
			out = append(out, actionView{Name: a.Name, Title: a.Title, More: a.more, Inline: a.inline, Form: newForm()})
			if offered {
				names = append(names, a.Name)
			}
		}
	}
	sum := sha256.Sum256([]byte(strings.Join(names, ",")))
	return out, hex.EncodeToString(sum[:6])
}

// act is POST /ui/cases/{number}/{action}: the form becomes the API's request
// body, checked the API's way, and goes to the workflow as the API's update.
// Success goes back to the workspace; a refusal shows the reason by the form.
func (u *ui) act(c echo.Context) error {
	f := caseflow.Fields{}
	number := caseNumber(c, f)
	if err := f.Err(); err != nil {
		return err
	}
	a, ok := findAction(c.Param("action"))
	if !ok {
		return caseflow.Errorf(caseflow.ENOTFOUND, "there is no action %q on a case", c.Param("action"))
	}
	usr := user(c)
	if !u.mayCallAPI(usr.Role, http.MethodPost, a.api) {
		return caseflow.Errorf(caseflow.EFORBIDDEN, "your role (%s) may not %s", label(string(usr.Role)), strings.ToLower(a.Title))
	}
	v, err := c.FormParams()
	if err != nil {
		return err
	}
	key := formKey(v)
	body := a.form(v, f)
	body.check(f)
	done := a.Name
	if err = f.Err(); err == nil {
		ctx := c.Request().Context()
		if !a.answers {
			_, err = u.update(ctx, number, key, a.update, body.payload(usr))
		} else {
			var ans caseflow.RequestAnswer
			ans, err = sendUpdate[caseflow.RequestAnswer](ctx, u.Server, caseflow.WorkflowID(number), a.update, key, body.payload(usr))
			if isNotFound(err) {
				err = u.gone(ctx, number)
			}
			done += "-" + string(ans.Status)
		}
	}
	if err == nil {
		return c.Redirect(http.StatusSeeOther, uiPrefix+"/cases/"+number+"?done="+done)
	}
	e := u.appError(c, err)
	if e.Code == caseflow.ENOTFOUND {
		return e
	}
	form := &formState{Key: key, Values: v, Err: e}
	if e.Code != caseflow.EUNAVAILABLE {
		// Refused, so nothing happened: sending it again is a new request. A
		// timeout keeps its key, so a retry cannot act twice.
		form.Key = randomToken()
	}
	failed := &failedForm{a.Name, form}
	if a.inline {
		failed.action += ":" + v.Get("approval_id")
	}
	p, err := u.workspaceData(c, failed)
	if err != nil {
		return err
	}
	return u.render(c, httpStatus(e.Code), "case", p)
}

// live is GET /ui/cases/{number}/live?v=version&a=signature, which the
// workspace polls: the clocks every time; the case, its timeline and (if the
// choice changed) its actions when the case has moved on since version.
func (u *ui) live(c echo.Context) error {
	f := caseflow.Fields{}
	number := caseNumber(c, f)
	if err := f.Err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	stored, err := u.store.GetCase(ctx, number)
	if err != nil {
		return err
	}
	since, _ := strconv.ParseInt(c.QueryParam("v"), 10, 64)
	if stored.Version == since {
		p := workspacePage{Case: stored, Clocks: u.clockViews(ctx, stored)}
		p.page = u.newPage(c, "")
		p.Poll = uiPrefix + "/cases/" + number + "/live?" + c.QueryParams().Encode()
		return u.fragment(c, http.StatusOK, "case", "clocks-only", p)
	}
	p, err := u.workspaceData(c, nil)
	if err != nil {
		return err
	}
	return u.fragment(c, http.StatusOK, "case", "live", struct {
		workspacePage
		ActionsChanged bool
	}{p, p.Signature != c.QueryParam("a")})
}
