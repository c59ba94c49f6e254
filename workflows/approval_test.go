package workflows_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"caseflow"
	"caseflow/policy"
	"caseflow/postgres"
	"caseflow/workflows"
)

// Service recovery and SOP exceptions (SPEC steps 5 and 6): the authority
// matrix, approvals that climb and expire, decisions, the exception form,
// and what the customer hears.

// reply is the answer to an update whose result is not the case.
type reply struct {
	v   any
	err error
}

var (
	repliesMu sync.Mutex
	replies   = map[*harness]map[string]reply{}
)

func (h *harness) keep(label string, r reply) {
	repliesMu.Lock()
	defer repliesMu.Unlock()
	m, ok := replies[h]
	if !ok {
		m = map[string]reply{}
		replies[h] = m
		h.t.Cleanup(func() {
			repliesMu.Lock()
			defer repliesMu.Unlock()
			delete(replies, h)
		})
	}
	m[label] = r
}

func (h *harness) got(label string) reply {
	h.t.Helper()
	repliesMu.Lock()
	r, ok := replies[h][label]
	repliesMu.Unlock()
	if !ok {
		h.t.Fatalf("%q never answered", label)
	}
	return r
}

func (h *harness) callbacks(label string) *testsuite.TestUpdateCallback {
	return &testsuite.TestUpdateCallback{
		OnAccept:   func() {},
		OnReject:   func(err error) { h.keep(label, reply{err: err}) },
		OnComplete: func(v any, err error) { h.keep(label, reply{v: v, err: err}) },
	}
}

// ask sends the case a recovery or exception request after d.
func (h *harness) ask(d time.Duration, label, name string, arg any) {
	h.env.RegisterDelayedCallback(func() { h.env.UpdateWorkflow(name, label, h.callbacks(label), arg) }, d)
}

// decide sends approval id a decision after d.
func (h *harness) decide(d time.Duration, label, id string, decision caseflow.Decision) {
	h.env.RegisterDelayedCallback(func() {
		if err := h.env.UpdateWorkflowByID(caseflow.ApprovalWorkflowID(id), caseflow.UpdateDecide, label, h.callbacks(label), decision); err != nil {
			h.keep(label, reply{err: err})
		}
	}, d)
}

// answered is the answer to a request that must have succeeded.
func (h *harness) answered(label string) caseflow.RequestAnswer {
	h.t.Helper()
	r := h.got(label)
	a, ok := r.v.(caseflow.RequestAnswer)
	if r.err != nil || !ok {
		h.t.Fatalf("%s: %v (answer %T)", label, r.err, r.v)
	}
	return a
}

// decided is the approval a decision that must have succeeded answered with.
func (h *harness) decided(label string) caseflow.Approval {
	h.t.Helper()
	r := h.got(label)
	a, ok := r.v.(caseflow.Approval)
	if r.err != nil || !ok {
		h.t.Fatalf("%s: %v (answer %T)", label, r.err, r.v)
	}
	return a
}

// refused checks that label was refused with code, and returns the reason.
func (h *harness) refused(label, code string) string {
	h.t.Helper()
	var ae *temporal.ApplicationError
	if err := h.got(label).err; !errors.As(err, &ae) || ae.Type() != code {
		h.t.Fatalf("%s: want refusal %q, got %v", label, code, err)
	}
	return ae.Message()
}

// inbox reads a tier's pending approvals from the read model after d.
func (h *harness) inbox(d time.Duration, label string, tier caseflow.Tier) {
	h.env.RegisterDelayedCallback(func() {
		got, err := h.db.ListApprovals(context.Background(), postgres.ApprovalFilter{Tier: tier, Statuses: []caseflow.ApprovalStatus{caseflow.ApprovalPending}})
		h.keep(label, reply{v: got, err: err})
	}, d)
}

func (h *harness) inboxIDs(label string) []string {
	h.t.Helper()
	r := h.got(label)
	if r.err != nil {
		h.t.Fatal(r.err)
	}
	var ids []string
	for _, a := range r.v.([]caseflow.Approval) {
		ids = append(ids, a.ID)
	}
	return ids
}

func recovery(by caseflow.User, kind caseflow.RecoveryKind, size float64) caseflow.RecoveryRequest {
	a := caseflow.RecoveryAction{Kind: kind}
	switch kind {
	case caseflow.RecoveryDiscount:
		a.Percent = size
	case caseflow.RecoveryComplimentary:
		a.Value = size
	}
	return caseflow.RecoveryRequest{Action: a, Justification: "the parcel was lost twice", By: by}
}

func approve(by caseflow.User, note string) caseflow.Decision {
	return caseflow.Decision{Decision: caseflow.DecisionApprove, Note: note, By: by}
}

func reject(by caseflow.User, note string) caseflow.Decision {
	return caseflow.Decision{Decision: caseflow.DecisionReject, Note: note, By: by}
}

// Each cell of the authority matrix (SPEC step 5): a request within the
// requester's authority is granted at once and recorded; any other goes to
// the lowest tier with the authority, due in decide_within (4 business
// hours), and that tier is alerted.
func TestAuthorityMatrixGrantsOrAsksTheLowestTierWithAuthority(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		name    string
		request caseflow.RecoveryRequest
		tier    caseflow.Tier // "" when granted at once
		alerted caseflow.User
		emailed bool // the customer hears what was granted
	}{
		{"an agent's 10% discount goes to a team lead", recovery(alice, caseflow.RecoveryDiscount, 10), caseflow.TierTeamLead, tom, false},
		{"an agent's 20% discount goes to a supervisor", recovery(alice, caseflow.RecoveryDiscount, 20), caseflow.TierSupervisor, sue, false},
		{"an agent's full refund goes to a supervisor", recovery(alice, caseflow.RecoveryRefund, 0), caseflow.TierSupervisor, sue, false},
		{"an agent's $150 complimentary goes to a supervisor", recovery(alice, caseflow.RecoveryComplimentary, 150), caseflow.TierSupervisor, sue, false},
		{"a team lead's $30 complimentary is granted at once", recovery(tom, caseflow.RecoveryComplimentary, 30), "", caseflow.User{}, true},
		{"an agent's apology is granted at once", recovery(alice, caseflow.RecoveryApology, 0), "", caseflow.User{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, policy.Default(), tuesday10)
			n := number(600 + i)
			h.ask(5*time.Minute, "request", caseflow.UpdateRecovery, tc.request)
			h.inbox(6*time.Minute, "inbox", tc.tier)
			h.resolveAt(time.Hour)
			h.run(workflows.Input{Intake: ptr(emailIntake(n))})

			ans := h.answered("request")
			requested := one(t, "recovery_requested", h.events(n, caseflow.EventRecoveryRequested))
			dataIs(t, requested, "action", tc.request.Action.Kind, "justification", "the parcel was lost twice")
			if requested.Actor != tc.request.By.Email {
				t.Errorf("requested by %q", requested.Actor)
			}
			emails := h.emails(n)
			if tc.tier == "" {
				if ans.Status != caseflow.ApprovalGranted || ans.ApprovalID != "" {
					t.Fatalf("answer %+v, want granted at once", ans)
				}
				requesterTier, _ := tc.request.By.Role.Tier()
				dataIs(t, requested, "status", "granted", "within_authority_of", requesterTier)
				granted := one(t, "recovery_granted", h.events(n, caseflow.EventRecoveryGranted))
				dataIs(t, granted, "summary", tc.request.Action.Summary())
				mustAt(t, "granted", granted.At, tuesday10.Add(5*time.Minute))
				if got := sent(emails, "recovery_granted", carla); got != map[bool]int{true: 1, false: 0}[tc.emailed] {
					t.Errorf("%d recovery emails to the customer, want emailed=%t", got, tc.emailed)
				}
				if len(ans.Case.Approvals) != 0 || len(h.events(n, caseflow.EventApprovalWithdrawn)) != 0 {
					t.Errorf("a granted action needs no approval: %+v", ans.Case.Approvals)
				}
				return
			}
			id := n + "-1"
			if ans.Status != caseflow.ApprovalPending || ans.ApprovalID != id || ans.Approval == nil {
				t.Fatalf("answer %+v, want pending as %s", ans, id)
			}
			a := ans.Approval
			if a.Tier != tc.tier || a.Approvers[0] != tc.tier {
				t.Errorf("pending at %s (approvers %v), want %s", a.Tier, a.Approvers, tc.tier)
			}
			mustAt(t, "decide by", *a.Due, nyTime(1, 14, 5)) // decide_within: 4 business hours
			dataIs(t, requested, "status", "pending", "approval_id", id, "tier", tc.tier)
			if got := ans.Case.Approvals; len(got) != 1 || got[0].ID != id || got[0].Status != caseflow.ApprovalPending {
				t.Errorf("the case shows approvals %+v", got)
			}
			if got := h.inboxIDs("inbox"); !slices.Equal(got, []string{id}) {
				t.Errorf("%s's inbox %v, want %s", tc.tier, got, id)
			}
			alert := only(t, emails, "staff_alert", tc.alerted.Email)
			if !strings.Contains(alert.Subject, "Approval needed") || !strings.Contains(alert.Text, "the parcel was lost twice") {
				t.Errorf("alert to %s: %s\n%s", tc.alerted.Email, alert.Subject, alert.Text)
			}
			if sent(emails, "recovery_granted", carla) != 0 || len(h.events(n, caseflow.EventRecoveryGranted)) != 0 {
				t.Error("granted before anyone approved")
			}
			// Resolving withdrew it.
			dataIs(t, one(t, "approval_withdrawn", h.events(n, caseflow.EventApprovalWithdrawn)), "approval_id", id)
		})
	}
}

// Past its deadline an approval moves to the next tier with the authority,
// which gets the request, and the first tier is reminded; past the top
// tier's deadline it expires and the requester is told.
func TestUndecidedApprovalClimbsATierAndRemindsTheFirst(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(610)
	id := n + "-1"
	h.ask(0, "request", caseflow.UpdateRecovery, recovery(alice, caseflow.RecoveryDiscount, 10))
	h.reply(time.Minute, "first response") // keeps the case's own SLA escalations out of it
	h.inbox(h.until(nyTime(1, 14, 1)), "team lead after the climb", caseflow.TierTeamLead)
	h.look(h.until(nyTime(2, 11, 0)), "at manager")
	h.resolveAt(h.until(nyTime(2, 15, 0)))
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	if a := h.answered("request").Approval; a.Tier != caseflow.TierTeamLead {
		t.Fatalf("asked %s first", a.Tier)
	}
	// Team lead until Tue 14:00, supervisor until Wed 10:00 (3 business
	// hours Tuesday, 1 Wednesday), manager until Wed 14:00, then expired.
	climbs := h.events(n, caseflow.EventApprovalEscalated)
	if len(climbs) != 2 {
		t.Fatalf("climbs %v", climbs)
	}
	mustAt(t, "to supervisor", climbs[0].At, nyTime(1, 14, 0))
	dataIs(t, climbs[0], "approval_id", id, "from", "team_lead", "to", "supervisor")
	mustAt(t, "supervisor decides by", dataTime(t, climbs[0], "decide_by"), nyTime(2, 10, 0))
	mustAt(t, "to manager", climbs[1].At, nyTime(2, 10, 0))
	dataIs(t, climbs[1], "from", "supervisor", "to", "manager")
	expired := one(t, "approval_expired", h.events(n, caseflow.EventApprovalExpired))
	mustAt(t, "expired", expired.At, nyTime(2, 14, 0))
	dataIs(t, expired, "approval_id", id, "tier", "manager")

	if a := h.view("at manager").Approvals[0]; a.Tier != caseflow.TierManager || a.Climbs != 2 || a.Status != caseflow.ApprovalPending {
		t.Errorf("at the manager: %+v", a)
	}
	// A team lead may still decide after the climb: it stays in their inbox.
	if got := h.inboxIDs("team lead after the climb"); !slices.Equal(got, []string{id}) {
		t.Errorf("team lead's inbox after the climb: %v", got)
	}
	emails := h.emails(n)
	approvalMail := func(to string) []caseflow.Email {
		var out []caseflow.Email
		for _, e := range emails {
			if e.To == to && strings.Contains(strings.ToLower(e.Subject), "approval") {
				out = append(out, e)
			}
		}
		return out
	}
	if got := approvalMail(tom.Email); len(got) != 2 || !strings.Contains(got[0].Subject, "Approval needed") || !strings.Contains(got[1].Subject, "Reminder: approval still waiting") {
		t.Errorf("the team lead got %s, want the request then a reminder", outboxText(got))
	}
	if got := approvalMail(sue.Email); len(got) != 2 || !strings.Contains(got[0].Text, "team leads did not decide in time") || !strings.Contains(got[1].Subject, "Reminder") {
		t.Errorf("the supervisor got %s, want the request then a reminder", outboxText(got))
	}
	if got := approvalMail(max.Email); len(got) != 1 || !strings.Contains(got[0].Text, "supervisors did not decide in time") {
		t.Errorf("the manager got %s, want the request", outboxText(got))
	}
	if got := approvalMail(alice.Email); len(got) != 1 || !strings.Contains(got[0].Subject, "Approval expired") {
		t.Errorf("the requester got %s, want the expiry", outboxText(got))
	}
	if len(h.events(n, caseflow.EventApprovalWithdrawn)) != 0 {
		t.Error("an expired approval was withdrawn")
	}
	stored, err := h.db.GetApproval(context.Background(), id)
	if err != nil || stored.Status != caseflow.ApprovalExpired || stored.Climbs != 2 {
		t.Errorf("read model: %+v, %v", stored, err)
	}
}

// Only a tier with the authority may decide: a team lead's approval of a
// 20% discount is refused (403, naming the tier it needs) and changes
// nothing; the supervisor's then stands.
func TestTeamLeadCannotApproveA20PercentDiscount(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(611)
	id := n + "-1"
	h.ask(0, "request", caseflow.UpdateRecovery, recovery(alice, caseflow.RecoveryDiscount, 20))
	h.decide(10*time.Minute, "team lead", id, approve(tom, "fine by me"))
	h.look(11*time.Minute, "after the team lead")
	h.decide(20*time.Minute, "supervisor", id, approve(sue, "a fair gesture"))
	h.resolveAt(time.Hour)
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	why := h.refused("team lead", caseflow.EFORBIDDEN)
	if !strings.Contains(why, "needs a supervisor or above") || !strings.Contains(why, "team_lead") {
		t.Errorf("403 reason %q", why)
	}
	if a := h.view("after the team lead").Approvals[0]; a.Status != caseflow.ApprovalPending || a.DecidedBy != nil {
		t.Errorf("the refused decision changed the request: %+v", a)
	}
	a := h.decided("supervisor")
	if a.Status != caseflow.ApprovalApproved || a.DecidedBy.Email != sue.Email || a.Note != "a fair gesture" {
		t.Errorf("decided: %+v", a)
	}
	decided := one(t, "approval_decided", h.events(n, caseflow.EventApprovalDecided))
	if decided.Actor != sue.Email {
		t.Errorf("decided by %q", decided.Actor)
	}
	mustAt(t, "decided", decided.At, tuesday10.Add(20*time.Minute))
	dataIs(t, decided, "approval_id", id, "decision", "approved", "note", "a fair gesture")
	granted := one(t, "recovery_granted", h.events(n, caseflow.EventRecoveryGranted))
	dataIs(t, granted, "approval_id", id, "summary", "a 20% discount")
	if e := only(t, h.emails(n), "recovery_granted", carla); !strings.Contains(e.Text, "We have given you a 20% discount.") {
		t.Errorf("customer email:\n%s", e.Text)
	}
	if a := only(t, h.emails(n), "staff_alert", alice.Email); !strings.Contains(a.Subject, "Approval approved") {
		t.Errorf("requester told %q", a.Subject)
	}
}

// Two decisions on one request: the first stands, the second is refused
// (409) naming it, and the timeline holds one decision.
func TestSecondDecisionConflictsNamingTheFirst(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(612)
	id := n + "-1"
	h.ask(0, "request", caseflow.UpdateRecovery, recovery(alice, caseflow.RecoveryRefund, 0))
	h.decide(30*time.Minute, "first", id, reject(sue, "the order was delivered"))
	h.decide(30*time.Minute, "second", id, approve(max, "refund it"))
	h.resolveAt(time.Hour)
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	if a := h.decided("first"); a.Status != caseflow.ApprovalRejected {
		t.Fatalf("first decision: %+v", a)
	}
	if why := h.refused("second", caseflow.ECONFLICT); !strings.Contains(why, "already rejected by "+sue.Email) {
		t.Errorf("409 reason %q does not name the first decision", why)
	}
	decided := one(t, "approval_decided", h.events(n, caseflow.EventApprovalDecided))
	dataIs(t, decided, "decision", "rejected", "note", "the order was delivered")
	if a := stored(t, h, id); a.Status != caseflow.ApprovalRejected || a.DecidedBy.Email != sue.Email {
		t.Errorf("read model: %+v", a)
	}
}

// The customer hears once about a refund that was approved, and nothing
// about one that was rejected.
func TestCustomerGetsOneEmailForAGrantedRefundAndNoneForARejection(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		decision caseflow.Decision
		emails   int
	}{
		{approve(sue, "lost twice: refund"), 1},
		{reject(sue, "the carrier found it"), 0},
	} {
		t.Run(string(tc.decision.Decision), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, policy.Default(), tuesday10)
			n := number(620 + i)
			h.ask(0, "request", caseflow.UpdateRecovery, recovery(alice, caseflow.RecoveryRefund, 0))
			h.decide(30*time.Minute, "decision", n+"-1", tc.decision)
			h.decide(40*time.Minute, "retry", n+"-1", tc.decision) // a retried click
			h.resolveAt(time.Hour)
			h.run(workflows.Input{Intake: ptr(emailIntake(n))})

			h.decided("decision")
			if h.got("retry").err == nil {
				t.Error("the retried decision was taken twice")
			}
			emails := h.emails(n)
			if got := sent(emails, "recovery_granted", carla); got != tc.emails {
				t.Fatalf("%d recovery emails to the customer, want %d (outbox %s)", got, tc.emails, outboxText(emails))
			}
			if tc.emails == 1 {
				e := only(t, emails, "recovery_granted", carla)
				if !strings.Contains(e.Text, "We have refunded your order in full.") || !strings.Contains(e.Subject, n) {
					t.Errorf("refund email: %s\n%s", e.Subject, e.Text)
				}
				mustAt(t, "granted", one(t, "recovery_granted", h.events(n, caseflow.EventRecoveryGranted)).At, tuesday10.Add(30*time.Minute))
			} else if len(h.events(n, caseflow.EventRecoveryGranted)) != 0 {
				t.Error("a rejected refund was granted")
			}
		})
	}
}

// A case resolved with approvals pending withdraws them: they leave every
// inbox, and a decision after that is refused.
func TestResolvedCaseWithdrawsItsPendingApprovals(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(613)
	h.ask(0, "discount", caseflow.UpdateRecovery, recovery(alice, caseflow.RecoveryDiscount, 10))
	h.ask(time.Minute, "exception", caseflow.UpdateException, caseflow.ExceptionRequest{Deviation: "Ship a replacement before the return arrives", Justification: "VIP, third failure", By: alice})
	h.look(2*time.Minute, "both pending")
	h.inbox(2*time.Minute, "supervisor before", caseflow.TierSupervisor)
	h.resolveAt(time.Hour)
	h.inbox(time.Hour+time.Minute, "supervisor after", caseflow.TierSupervisor)
	h.decide(time.Hour+2*time.Minute, "too late", n+"-2", approve(sue, "go ahead"))
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	if h.answered("exception").Approval.Tier != caseflow.TierSupervisor {
		t.Errorf("exception asked %s", h.answered("exception").Approval.Tier)
	}
	pending := h.view("both pending").Approvals
	if len(pending) != 2 || pending[0].Status != caseflow.ApprovalPending || pending[1].Status != caseflow.ApprovalPending {
		t.Fatalf("several approvals pending at once: %+v", pending)
	}
	if got := h.inboxIDs("supervisor before"); !slices.Equal(got, []string{n + "-1", n + "-2"}) {
		t.Errorf("supervisor's inbox before: %v", got)
	}
	if got := h.inboxIDs("supervisor after"); len(got) != 0 {
		t.Errorf("supervisor's inbox after the resolution: %v", got)
	}
	got := types(h.events(n, caseflow.EventResolved, caseflow.EventApprovalWithdrawn))
	if !slices.Equal(got, []caseflow.EventType{caseflow.EventResolved, caseflow.EventApprovalWithdrawn, caseflow.EventApprovalWithdrawn}) {
		t.Errorf("resolution then withdrawals: %v", got)
	}
	for _, id := range []string{n + "-1", n + "-2"} {
		if a := stored(t, h, id); a.Status != caseflow.ApprovalWithdrawn || a.Note != "the case was resolved" {
			t.Errorf("read model of %s: %+v", id, a)
		}
	}
	// The approval workflow has ended; the API answers from the read model.
	if h.got("too late").err == nil {
		t.Error("a decision after the withdrawal was taken")
	}
	if e := stored(t, h, n+"-2").NotPending(); e == nil || e.Code != caseflow.ECONFLICT || !strings.Contains(e.Message, "withdrawn (the case was resolved)") {
		t.Errorf("a decision on a withdrawn approval is told %v", e)
	}
	if len(h.events(n, caseflow.EventApprovalDecided)) != 0 {
		t.Error("a withdrawn approval was decided")
	}
}

func stored(t *testing.T, h *harness, id string) *caseflow.Approval {
	t.Helper()
	a, err := h.db.GetApproval(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return &a
}

func exception(by caseflow.User) caseflow.ExceptionRequest {
	return caseflow.ExceptionRequest{
		Deviation: "Refund without a receipt", Justification: "the store lost the receipt, not the customer", By: by,
	}
}

func form(id string, by caseflow.User) caseflow.ExceptionForm {
	return caseflow.ExceptionForm{ApprovalID: id, WhatWasDone: "refunded $80 without a receipt", Why: "store error", By: by}
}

// An SOP exception needs a supervisor's approval (SPEC step 6); once
// approved its form is due within form_within (24 hours): the requester is
// reminded at warn_at (75 %, 18 hours in), and once it is late the case
// records exception_form_overdue and carries the flag until the form comes.
func TestExceptionFormReminderThenOverdueUntilTheFormArrives(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(630)
	id := n + "-1"
	h.ask(0, "request", caseflow.UpdateException, exception(alice))
	h.reply(time.Minute, "first response")
	h.at(10*time.Minute, "form too early", caseflow.UpdateExceptionForm, form(id, alice))
	h.decide(30*time.Minute, "team lead", id, approve(tom, "ok"))
	h.decide(30*time.Minute, "supervisor", id, approve(sue, "go ahead, once"))
	h.look(h.until(nyTime(2, 11, 0)), "overdue")
	h.at(h.until(nyTime(2, 12, 0)), "form", caseflow.UpdateExceptionForm, form(id, alice))
	h.at(h.until(nyTime(2, 12, 30)), "form again", caseflow.UpdateExceptionForm, form(id, alice))
	h.resolveAt(h.until(nyTime(2, 13, 0)))
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	ans := h.answered("request")
	if ans.Status != caseflow.ApprovalPending || ans.Approval.Tier != caseflow.TierSupervisor || ans.Approval.ExceptionKind != "refund_without_a_receipt" {
		t.Fatalf("exception request: %+v", ans.Approval)
	}
	requested := one(t, "exception_requested", h.events(n, caseflow.EventExceptionRequested))
	dataIs(t, requested, "deviation", "Refund without a receipt", "justification", "the store lost the receipt, not the customer", "tier", "supervisor")
	h.rejected("form too early", caseflow.ECONFLICT)
	h.refused("team lead", caseflow.EFORBIDDEN)
	decided := one(t, "approval_decided", h.events(n, caseflow.EventApprovalDecided))
	dataIs(t, decided, "approval_id", id, "decision", "approved", "kind", "exception")
	if decided.Actor != sue.Email {
		t.Errorf("approved by %q", decided.Actor)
	}
	mustAt(t, "form due", dataTime(t, decided, "form_due"), nyTime(2, 10, 30))
	if a := h.decided("supervisor"); a.FormDue == nil || !a.FormDue.Equal(nyTime(2, 10, 30)) {
		t.Errorf("the approver is answered without the form deadline: %+v", a)
	}

	mustAt(t, "reminder", one(t, "exception_form_reminder", h.events(n, caseflow.EventExceptionFormReminder)).At, nyTime(2, 4, 30))
	overdue := one(t, "exception_form_overdue", h.events(n, caseflow.EventExceptionFormOverdue))
	mustAt(t, "overdue", overdue.At, nyTime(2, 10, 30))
	dataIs(t, overdue, "approval_id", id)
	if c := h.view("overdue"); !c.HasFlag(caseflow.FlagExceptionFormOverdue) || !c.Approvals[0].FormOverdue {
		t.Errorf("overdue: flags %v, approval %+v", c.Flags, c.Approvals[0])
	}
	c := h.ok("form")
	if c.HasFlag(caseflow.FlagExceptionFormOverdue) || c.Approvals[0].Form == nil {
		t.Errorf("after the form: flags %v, form %+v", c.Flags, c.Approvals[0].Form)
	}
	dataIs(t, one(t, "exception_form_completed", h.events(n, caseflow.EventExceptionFormCompleted)), "approval_id", id, "late", true, "what_was_done", "refunded $80 without a receipt")
	h.rejected("form again", caseflow.ECONFLICT)

	emails := h.emails(n)
	var toAlice []string
	for _, e := range emails {
		if e.To == alice.Email && strings.Contains(e.Subject, "xception form") {
			toAlice = append(toAlice, e.Subject)
		}
	}
	if len(toAlice) != 2 || !strings.Contains(toAlice[0], "Reminder: exception form due") || !strings.Contains(toAlice[1], "Exception form overdue") {
		t.Errorf("the requester got %q, want a reminder then the overdue notice", toAlice)
	}
	var toSue []string
	for _, e := range emails {
		if e.To == sue.Email {
			toSue = append(toSue, e.Subject)
		}
	}
	if len(toSue) != 2 || !strings.Contains(toSue[0], "Approval needed") || !strings.Contains(toSue[1], "Exception form overdue") {
		t.Errorf("the approver got %q, want the request, then the overdue notice", toSue)
	}
	if sent(emails, "recovery_granted", carla) != 0 {
		t.Error("an exception is not a recovery: the customer hears nothing")
	}
}

// A supervisor's own exception is granted at once, with them as approver,
// and its form deadline is counted in business time when the policy says
// so: 2bd from Friday 15:00 is Tuesday 15:00, with the reminder at 75 % of
// those 16 business hours, Tuesday 11:00. A form on time is never overdue.
func TestExceptionFormDeadlineInBusinessTime(t *testing.T) {
	t.Parallel()
	p := policy.Default()
	p.Exceptions.FormWithin = mustDuration(t, "2bd")
	friday15 := time.Date(2026, 12, 4, 15, 0, 0, 0, ny)
	h := newHarness(t, p, friday15)
	n := number(631)
	id := n + "-1"
	h.ask(0, "request", caseflow.UpdateException, exception(sue))
	h.reply(time.Minute, "first response")
	h.at(h.until(nyTime(8, 12, 0)), "form", caseflow.UpdateExceptionForm, form(id, sue))
	h.resolveAt(h.until(nyTime(8, 13, 0)))
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	ans := h.answered("request")
	a := ans.Approval
	if ans.Status != caseflow.ApprovalGranted || ans.ApprovalID != id || a.DecidedBy == nil || a.DecidedBy.Email != sue.Email {
		t.Fatalf("a supervisor's exception: %+v", ans)
	}
	mustAt(t, "form due", *a.FormDue, nyTime(8, 15, 0))
	dataIs(t, one(t, "exception_requested", h.events(n, caseflow.EventExceptionRequested)), "status", "granted", "within_authority_of", "supervisor")
	mustAt(t, "reminder", one(t, "exception_form_reminder", h.events(n, caseflow.EventExceptionFormReminder)).At, nyTime(8, 11, 0))
	if ev := h.events(n, caseflow.EventExceptionFormOverdue); len(ev) != 0 {
		t.Errorf("a form on time was flagged overdue: %v", ev)
	}
	dataIs(t, one(t, "exception_form_completed", h.events(n, caseflow.EventExceptionFormCompleted)), "late", false)
	if len(h.events(n, caseflow.EventApprovalDecided)) != 0 {
		t.Error("nobody else had to decide")
	}
	if stored(t, h, id).Status != caseflow.ApprovalGranted {
		t.Error("the granted exception is not in the read model, where repeats are counted")
	}
}
