package workflows_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"caseflow"
	"caseflow/policy"
	"caseflow/workflows"
)

func TestIntakeAcknowledgesWithNumberAndExpectedTimes(t *testing.T) {
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(1)
	h.look(time.Minute, "opened")
	h.resolveAt(time.Hour)
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	c := h.view("opened")
	if c.Number != n || c.Status != caseflow.StatusAcknowledged || c.Priority != caseflow.PriorityNormal || c.Tier != caseflow.TierAgent {
		t.Fatalf("opened case: %+v", c)
	}
	// Email: first response within 4 business hours, resolution within 2 business days.
	mustAt(t, "first response due", c.Clocks.FirstResponse.Due, nyTime(1, 14, 0))
	mustAt(t, "resolution due", c.Clocks.Resolution.Due, nyTime(3, 10, 0))
	if c.PolicyVersion != h.policy.Version {
		t.Errorf("case pins policy %q, want %q", c.PolicyVersion, h.policy.Version)
	}

	got := types(h.timeline(n))
	want := []caseflow.EventType{caseflow.EventOpened, caseflow.EventPrioritySet, caseflow.EventAcknowledged, caseflow.EventResolved,
		caseflow.EventSurveySent, caseflow.EventSurveyReminded, caseflow.EventClosed, caseflow.EventSurveyExpired}
	if !slices.Equal(got, want) {
		t.Errorf("timeline %v, want %v", got, want)
	}
	emails := h.emails(n)
	if got := templates(emails, ""); !slices.Equal(got, []string{"acknowledgement", "resolution", "survey", "survey_reminder"}) {
		t.Fatalf("emails %v", got)
	}
	ack := emails[0]
	if ack.To != "carla@example.net" || !strings.Contains(ack.Subject, n) || ack.State != caseflow.EmailNoProvider {
		t.Errorf("acknowledgement: to %s subject %q state %s", ack.To, ack.Subject, ack.State)
	}
	for _, s := range []string{n, "Tuesday, December 1, 2026 at 2:00 PM EST", "Thursday, December 3, 2026 at 10:00 AM EST", "http://caseflow.test/c/"} {
		if !strings.Contains(ack.Text, s) {
			t.Errorf("acknowledgement text lacks %q:\n%s", s, ack.Text)
		}
	}
}

func TestLiveChannelMeetsFirstResponseAtIntake(t *testing.T) {
	h := newHarness(t, policy.Default(), tuesday10)
	in := emailIntake(number(2))
	in.Channel = caseflow.ChannelPhone
	h.look(time.Minute, "opened")
	h.resolveAt(time.Hour)
	h.run(workflows.Input{Intake: &in})
	if s := h.view("opened").Clocks.FirstResponse.State; s != caseflow.ClockMet {
		t.Errorf("phone first response clock is %s, want met at intake", s)
	}
	if ev := h.events(in.Number, caseflow.EventFirstResponseMet); len(ev) != 1 || ev[0].Data["at_intake"] != true {
		t.Errorf("first_response_met at intake: %v", ev)
	}
}

func TestFirstReplyMeetsFirstResponseAndEmailsTheCustomer(t *testing.T) {
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(3)
	h.at(30*time.Minute, "reply", caseflow.UpdateInteraction, caseflow.Interaction{Kind: caseflow.InteractionReply, Body: "We are on it.", HandleSeconds: 240, By: alice})
	h.at(40*time.Minute, "note", caseflow.UpdateInteraction, caseflow.Interaction{Kind: caseflow.InteractionNote, Body: "Checked the carrier.", HandleSeconds: 60, By: alice})
	h.resolveAt(time.Hour)
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	c := h.ok("reply")
	if c.Status != caseflow.StatusInProgress || c.Clocks.FirstResponse.State != caseflow.ClockMet {
		t.Errorf("after the reply: status %s, first response %s", c.Status, c.Clocks.FirstResponse.State)
	}
	mustAt(t, "first response met", *c.Clocks.FirstResponse.MetAt, nyTime(1, 10, 30))
	if c := h.ok("note"); c.Interactions != 2 || c.HandleSeconds != 300 {
		t.Errorf("interactions %d handle %d, want 2 and 300", c.Interactions, c.HandleSeconds)
	}
	if got := templates(h.emails(n), ""); !slices.Equal(got, []string{"acknowledgement", "reply", "resolution", "survey", "survey_reminder"}) {
		t.Errorf("emails %v: a note never emails the customer", got)
	}
}

func TestReopenInsideTheWindowReopensTheSameCase(t *testing.T) {
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(4)
	h.resolveAt(time.Hour)
	h.at(3*24*time.Hour, "reopen", caseflow.UpdateReopen, caseflow.Reopen{Reason: "the replacement is broken too", By: alice})
	h.at(4*24*time.Hour, "resolve again", caseflow.UpdateResolve, caseflow.Resolve{Resolution: "Refunded", RootCause: "faulty batch", By: alice})
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	c := h.ok("reopen")
	if c.Status != caseflow.StatusReopened || c.Reopened != 1 {
		t.Fatalf("reopened case: status %s reopened %d", c.Status, c.Reopened)
	}
	// A fresh resolution clock: 2 business days from Friday 4 Dec 10:00.
	mustAt(t, "fresh resolution due", c.Clocks.Resolution.Due, nyTime(8, 10, 0))
	closed := h.events(n, caseflow.EventClosed)
	if len(closed) != 1 {
		t.Fatalf("closed events: %v", closed)
	}
	// Closed automatically 7 days after the second resolution.
	mustAt(t, "closed", closed[0].At, tuesday10.Add(11*24*time.Hour))
	if got := templates(h.emails(n), ""); !slices.Equal(got, []string{"acknowledgement", "resolution", "survey", "reopened", "resolution", "survey", "survey_reminder"}) {
		t.Errorf("emails %v", got)
	}
}

func TestClosedByHandStillReopensInsideTheWindowButNotAfter(t *testing.T) {
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(5)
	h.resolveAt(time.Hour)
	h.at(2*time.Hour, "close", caseflow.UpdateClose, caseflow.Close{Reason: "customer confirmed", By: alice})
	h.at(3*time.Hour, "close twice", caseflow.UpdateClose, caseflow.Close{By: alice})
	h.at(24*time.Hour, "reopen", caseflow.UpdateReopen, caseflow.Reopen{Reason: "it broke again", By: alice})
	h.at(25*time.Hour, "resolve again", caseflow.UpdateResolve, caseflow.Resolve{Resolution: "Fixed", RootCause: "loose cable", By: alice})
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	if c := h.ok("close"); c.Status != caseflow.StatusClosed {
		t.Errorf("closed by hand: %s", c.Status)
	}
	h.rejected("close twice", caseflow.ECONFLICT)
	if c := h.ok("reopen"); c.Status != caseflow.StatusReopened {
		t.Errorf("a hand-closed case reopens inside the window: %s", c.Status)
	}
	// The workflow ends when the window after the last resolution ends: no reopen after it.
	end := h.events(n, caseflow.EventClosed)
	mustAt(t, "auto close", end[len(end)-1].At, tuesday10.Add(25*time.Hour+7*24*time.Hour))
}

func TestReopenAfterTheWindowIsRefused(t *testing.T) {
	p := policy.Default()
	p.ReopenWindow = mustDuration(t, "2d")
	h := newHarness(t, p, tuesday10)
	n := number(6)
	h.resolveAt(time.Hour)
	// The workflow has ended at the window's end; a late reopen never reaches a case.
	h.look(2*24*time.Hour, "just before")
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})
	if h.view("just before").Status != caseflow.StatusResolved {
		t.Errorf("inside the window the case is still resolved")
	}
	if closed := h.events(n, caseflow.EventClosed); len(closed) != 1 || closed[0].Data["reason"] != "the reopen window ended" {
		t.Errorf("closed: %v", closed)
	}
}

func TestActionInTheWrongStateIsRefusedAndChangesNothing(t *testing.T) {
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(7)
	h.resolveAt(time.Hour)
	h.at(2*time.Hour, "resolve twice", caseflow.UpdateResolve, caseflow.Resolve{Resolution: "again", RootCause: "again", By: alice})
	h.at(2*time.Hour+time.Minute, "reply when resolved", caseflow.UpdateInteraction, caseflow.Interaction{Kind: caseflow.InteractionReply, Body: "hi", By: alice})
	h.at(2*time.Hour+2*time.Minute, "wait when resolved", caseflow.UpdateWait, caseflow.Wait{Reason: "?", By: alice})
	h.at(2*time.Hour+3*time.Minute, "same priority", caseflow.UpdatePriority, caseflow.PriorityChange{Priority: caseflow.PriorityHigh, Reason: "x", By: alice})
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	for _, label := range []string{"resolve twice", "reply when resolved", "wait when resolved", "same priority"} {
		h.rejected(label, caseflow.ECONFLICT)
	}
	if got := len(h.events(n, caseflow.EventResolved)); got != 1 {
		t.Errorf("resolved events: %d, want 1", got)
	}
	if got := templates(h.emails(n), ""); !slices.Equal(got, []string{"acknowledgement", "resolution", "survey", "survey_reminder"}) {
		t.Errorf("refused actions sent email: %v", got)
	}
}

func TestAssignAndPriorityChangeWithReason(t *testing.T) {
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(8)
	h.at(10*time.Minute, "assign", caseflow.UpdateAssign, caseflow.Assign{Assignee: "bob@example.com", By: alice})
	h.at(20*time.Minute, "assign again", caseflow.UpdateAssign, caseflow.Assign{Assignee: "BOB@example.com", By: alice})
	h.at(30*time.Minute, "high", caseflow.UpdatePriority, caseflow.PriorityChange{Priority: caseflow.PriorityHigh, Reason: "customer is travelling tomorrow", By: alice})
	h.at(40*time.Minute, "no reason", caseflow.UpdatePriority, caseflow.PriorityChange{Priority: caseflow.PriorityMedium, By: alice})
	h.resolveAt(time.Hour)
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	if c := h.ok("assign"); c.Assignee != "bob@example.com" {
		t.Errorf("assignee %q", c.Assignee)
	}
	h.rejected("assign again", caseflow.ECONFLICT)
	c := h.ok("high")
	// Recomputed from the original start (Tuesday 10:00): high = end of that business day.
	mustAt(t, "resolution due after the change", c.Clocks.Resolution.Due, nyTime(1, 17, 0))
	h.rejected("no reason", caseflow.EINVALID)
	ev := h.events(n, caseflow.EventPriorityChanged)
	if len(ev) != 1 || ev[0].Data["reason"] != "customer is travelling tomorrow" || ev[0].Actor != alice.Email {
		t.Errorf("priority_changed: %+v", ev)
	}
}

func TestContinueAsNewKeepsTheCase(t *testing.T) {
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(9)
	for i := range 12 {
		h.at(time.Duration(i+1)*time.Minute, "note", caseflow.UpdateInteraction, caseflow.Interaction{Kind: caseflow.InteractionNote, Body: "checking", HandleSeconds: 10, By: alice})
	}
	h.env.ExecuteWorkflow(workflows.Case, workflows.Input{Intake: ptr(emailIntake(n)), EventsPerRun: 8})
	var can *workflow.ContinueAsNewError
	if err := h.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("want continue-as-new after 8 events, got %v", err)
	}
	var next workflows.Input
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	if next.State == nil || next.Intake != nil || next.State.Case.Number != n {
		t.Fatalf("the new run must carry the state, not the intake: %+v", next)
	}
	carried := next.State.Case.Interactions
	if carried == 0 || next.State.Policy.Version != h.policy.Version || len(next.State.Pending) != 0 {
		t.Fatalf("carried: interactions %d policy %q pending %d", carried, next.State.Policy.Version, len(next.State.Pending))
	}

	// The next run picks up where the last left off, with the same clocks.
	h2 := h.again(h.env.Now())
	h2.at(time.Minute, "reply", caseflow.UpdateInteraction, caseflow.Interaction{Kind: caseflow.InteractionReply, Body: "Found it", By: alice})
	h2.resolveAt(time.Hour)
	h2.run(next)
	c := h2.ok("reply")
	if c.Interactions != carried+1 || !c.Clocks.Resolution.Due.Equal(next.State.Resolution.Due) {
		t.Errorf("after continue-as-new: interactions %d (carried %d), resolution due %s", c.Interactions, carried, c.Clocks.Resolution.Due)
	}
	h2.timeline(n) // no gaps, no duplicates across the two runs
}

func ptr[T any](v T) *T { return &v }

func TestStaffResendAnEmailAsANewMessage(t *testing.T) {
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(10)
	h.at(time.Minute, "resend", caseflow.UpdateResendEmail, caseflow.ResendEmail{Key: n + "/3/acknowledgement", By: alice})
	h.at(2*time.Minute, "other case", caseflow.UpdateResendEmail, caseflow.ResendEmail{Key: number(11) + "/3/acknowledgement", By: alice})
	h.at(3*time.Minute, "gone", caseflow.UpdateResendEmail, caseflow.ResendEmail{Key: n + "/99/acknowledgement", By: alice})
	h.resolveAt(time.Hour)
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	h.ok("resend")
	h.rejected("other case", caseflow.EINVALID)
	resent := h.events(n, caseflow.EventEmailResent)
	if len(resent) != 2 || resent[0].Actor != alice.Email || resent[0].Data["of"] != n+"/3/acknowledgement" {
		t.Fatalf("email_resent events: %+v", resent)
	}
	var acks []caseflow.Email
	for _, e := range h.emails(n) {
		if e.Template == "acknowledgement" {
			acks = append(acks, e)
		}
	}
	if len(acks) != 2 || acks[1].Key == acks[0].Key || acks[1].Subject != acks[0].Subject || acks[1].Text != acks[0].Text {
		t.Errorf("the resend is a new message with the same words: %+v", acks)
	}
	// An email that does not exist cannot be sent again: the case says so and goes on.
	if failed := h.events(n, caseflow.EventEmailFailed); len(failed) != 1 || failed[0].Data["key"] != fmt.Sprintf("%s/%d/resend", n, resent[1].Seq) {
		t.Errorf("email_failed for the missing email: %+v", failed)
	}
}
