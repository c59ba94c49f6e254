package workflows_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"caseflow"
	"caseflow/policy"
	"caseflow/workflows"
)

// The SLA clocks (SPEC step 3) and follow-ups (step 7), as a support lead
// reads them on the timeline and in the outbox.

func TestFirstResponseClockWarnsThenBreachesThenEscalates(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(101)
	h.look(h.until(nyTime(1, 12, 59)), "before warning")
	h.look(h.until(nyTime(1, 13, 1)), "warned")
	h.look(h.until(nyTime(1, 14, 1)), "breached")
	h.at(h.until(nyTime(1, 14, 30)), "ack", caseflow.UpdateAcknowledgeEscalation, caseflow.Acknowledge{Note: "on it", By: tom})
	h.resolveAt(h.until(nyTime(1, 15, 0)))
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	if c := h.view("before warning"); c.Clocks.FirstResponse.Warned || c.Clocks.FirstResponse.State != caseflow.ClockRunning {
		t.Errorf("before 13:00: first response %+v", c.Clocks.FirstResponse)
	}
	if c := h.view("warned"); !c.Clocks.FirstResponse.Warned || c.Clocks.FirstResponse.State != caseflow.ClockRunning || c.Tier != caseflow.TierAgent {
		t.Errorf("after the warning: tier %s first response %+v", c.Tier, c.Clocks.FirstResponse)
	}
	c := h.view("breached")
	if c.Clocks.FirstResponse.State != caseflow.ClockBreached || c.Tier != caseflow.TierTeamLead || c.Status != caseflow.StatusEscalated {
		t.Errorf("after the breach: status %s tier %s first response %s", c.Status, c.Tier, c.Clocks.FirstResponse.State)
	}
	if c.Clocks.FirstResponse.BreachedAt == nil {
		t.Error("breached clock has no breached_at")
	} else {
		mustAt(t, "breached_at", *c.Clocks.FirstResponse.BreachedAt, nyTime(1, 14, 0))
	}
	if c.AwaitingAck == nil || c.AwaitingAck.Tier != caseflow.TierTeamLead {
		t.Errorf("awaiting ack: %+v", c.AwaitingAck)
	} else {
		mustAt(t, "team lead must acknowledge by", c.AwaitingAck.Due, nyTime(1, 15, 0))
	}

	ev := h.events(n, caseflow.EventSLAWarning, caseflow.EventSLABreached, caseflow.EventEscalated)
	if got := types(ev); !slices.Equal(got, []caseflow.EventType{caseflow.EventSLAWarning, caseflow.EventSLABreached, caseflow.EventEscalated}) {
		t.Fatalf("warning, breach, escalation: %v", got)
	}
	warn, breach, esc := ev[0], ev[1], ev[2]
	// 75 % of 4 business hours from 10:00 is 13:00; due at 14:00.
	mustAt(t, "warning", warn.At, nyTime(1, 13, 0))
	dataIs(t, warn, "clock", "first_response", "remaining_seconds", 3600)
	mustAt(t, "warning's due", dataTime(t, warn, "due"), nyTime(1, 14, 0))
	mustAt(t, "breach", breach.At, nyTime(1, 14, 0))
	dataIs(t, breach, "clock", "first_response")
	mustAt(t, "escalation", esc.At, nyTime(1, 14, 0))
	dataIs(t, esc, "from", "agent", "to", "team_lead", "trigger", "sla_breach")
	mustAt(t, "acknowledge_by", dataTime(t, esc, "acknowledge_by"), nyTime(1, 15, 0))
	for _, e := range ev {
		if e.Actor != caseflow.ActorSystem {
			t.Errorf("%s by %q, want the system", e.Type, e.Actor)
		}
	}

	emails := h.emails(n)
	// The warning goes to the agent tier (nobody is assigned), the breach to
	// the team lead, and the customer hears of the escalation.
	if w := only(t, emails, "staff_alert", alice.Email); !strings.Contains(w.Subject, "SLA warning") {
		t.Errorf("warning alert subject %q", w.Subject)
	}
	if a := only(t, emails, "staff_alert", tom.Email); !strings.Contains(a.Subject, "Escalated to you") || !strings.Contains(a.Text, "first response target breached") {
		t.Errorf("team lead's alert: %q\n%s", a.Subject, a.Text)
	}
	notice := only(t, emails, "escalation_notice", carla)
	if !strings.Contains(notice.Text, "team leads") || !strings.Contains(notice.Text, "Thursday, December 3, 2026 at 10:00 AM EST") {
		t.Errorf("escalation notice names the tier and the resolution time still promised:\n%s", notice.Text)
	}
	for _, u := range []string{sue.Email, max.Email} {
		if got := sent(emails, "staff_alert", u); got != 0 {
			t.Errorf("%s got %d alerts; the breach climbs one tier only", u, got)
		}
	}
	if got := templates(emails, carla); !slices.Equal(got, []string{"acknowledgement", "escalation_notice", "resolution", "survey", "survey_reminder"}) {
		t.Errorf("customer emails %v", got)
	}
}

func TestResolutionClockWarnsThenBreachesThenEscalates(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	in := emailIntake(number(102))
	in.Channel = caseflow.ChannelChat // first response at intake; resolution within 1 business day
	n := in.Number
	h.look(time.Minute, "opened")
	h.look(h.until(nyTime(2, 10, 1)), "breached")
	h.resolveAt(h.until(nyTime(2, 10, 30)))
	h.run(workflows.Input{Intake: &in})

	c := h.view("opened")
	if c.Clocks.FirstResponse.State != caseflow.ClockMet {
		t.Fatalf("chat first response %s, want met at intake", c.Clocks.FirstResponse.State)
	}
	mustAt(t, "resolution due", c.Clocks.Resolution.Due, nyTime(2, 10, 0))
	mustAt(t, "resolution warn at", c.Clocks.Resolution.WarnAt, nyTime(1, 16, 0))
	if c := h.view("breached"); c.Clocks.Resolution.State != caseflow.ClockBreached || c.Tier != caseflow.TierTeamLead || c.Clocks.Resolution.RemainingSeconds >= 0 {
		t.Errorf("after the breach: tier %s resolution %+v", c.Tier, c.Clocks.Resolution)
	}

	ev := h.events(n, caseflow.EventSLAWarning, caseflow.EventSLABreached, caseflow.EventEscalated)
	if got := types(ev); !slices.Equal(got, []caseflow.EventType{caseflow.EventSLAWarning, caseflow.EventSLABreached, caseflow.EventEscalated}) {
		t.Fatalf("warning, breach, escalation: %v", got)
	}
	// 8 business hours from Tue 10:00; 75 % of them is 6 hours: Tue 16:00.
	mustAt(t, "warning", ev[0].At, nyTime(1, 16, 0))
	dataIs(t, ev[0], "clock", "resolution", "remaining_seconds", 2*3600)
	mustAt(t, "breach", ev[1].At, nyTime(2, 10, 0))
	dataIs(t, ev[1], "clock", "resolution")
	mustAt(t, "escalation", ev[2].At, nyTime(2, 10, 0))
	dataIs(t, ev[2], "from", "agent", "to", "team_lead", "trigger", "sla_breach")

	emails := h.emails(n)
	only(t, emails, "staff_alert", alice.Email)
	if a := only(t, emails, "staff_alert", tom.Email); !strings.Contains(a.Text, "resolution target breached") {
		t.Errorf("team lead's alert:\n%s", a.Text)
	}
	// The old promise has passed: the notice promises the priority's target
	// (normal: 5 business days) from the breach.
	if notice := only(t, emails, "escalation_notice", carla); !strings.Contains(notice.Text, "Wednesday, December 9, 2026 at 10:00 AM EST") {
		t.Errorf("escalation notice after a resolution breach:\n%s", notice.Text)
	}
}

func TestPauseKeepsTheRemainingBusinessTime(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(103)
	cal := h.policy.Calendar()
	pausedAt, resumedAt := nyTime(1, 11, 0), nyTime(2, 10, 0)
	h.at(h.until(pausedAt), "wait", caseflow.UpdateWait, caseflow.Wait{Reason: "Which address should we ship to?", By: alice})
	h.look(h.until(nyTime(1, 15, 0)), "waiting")
	h.look(h.until(nyTime(2, 9, 30)), "still waiting")
	h.customerReply(h.until(resumedAt), "customer reply")
	h.look(h.until(nyTime(2, 11, 0)), "resumed")
	h.reply(h.until(nyTime(2, 12, 30)), "reply")
	h.resolveAt(h.until(nyTime(2, 13, 0)))
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	for _, label := range []string{"waiting", "still waiting"} {
		c := h.view(label)
		fr, res := c.Clocks.FirstResponse, c.Clocks.Resolution
		if c.Status != caseflow.StatusWaitingOnCustomer || !fr.Paused || fr.State != caseflow.ClockPaused || !res.Paused || res.State != caseflow.ClockPaused {
			t.Errorf("%s: status %s first response %+v resolution %+v", label, c.Status, fr, res)
		}
		// Frozen at the pause: 3 of the 4 business hours, 15 of the 16.
		if fr.RemainingSeconds != 3*3600 || res.RemainingSeconds != 15*3600 {
			t.Errorf("%s: remaining %d / %d seconds, want frozen at %d / %d", label, fr.RemainingSeconds, res.RemainingSeconds, 3*3600, 15*3600)
		}
		mustAt(t, label+": first response due as it stood", fr.Due, nyTime(1, 14, 0))
	}

	paused := cal.Between(pausedAt, resumedAt) // Tue 11-17 and Wed 9-10: 7 business hours
	if paused != 7*time.Hour {
		t.Fatalf("business time paused %s", paused)
	}
	c := h.ok("customer reply")
	if c.Status != caseflow.StatusInProgress || c.Clocks.FirstResponse.State != caseflow.ClockRunning {
		t.Errorf("after the reply: status %s first response %s", c.Status, c.Clocks.FirstResponse.State)
	}
	fr, res := c.Clocks.FirstResponse, c.Clocks.Resolution
	mustAt(t, "first response due after the pause", fr.Due, nyTime(2, 13, 0))
	mustAt(t, "resolution due after the pause", res.Due, nyTime(3, 17, 0))
	if moved := cal.Between(nyTime(1, 14, 0), fr.Due); moved != paused {
		t.Errorf("first response due moved by %s of business time, want exactly the %s paused", moved, paused)
	}
	if moved := cal.Between(nyTime(3, 10, 0), res.Due); moved != paused {
		t.Errorf("resolution due moved by %s of business time, want exactly the %s paused", moved, paused)
	}
	if fr.RemainingSeconds != 3*3600 {
		t.Errorf("first response remaining on resume: %d, want the 3 hours left at the pause", fr.RemainingSeconds)
	}
	if c := h.view("resumed"); c.Clocks.FirstResponse.RemainingSeconds != 2*3600 {
		t.Errorf("an hour after resuming: %d seconds left, want 2 hours", c.Clocks.FirstResponse.RemainingSeconds)
	}

	wait := one(t, "waiting_on_customer", h.events(n, caseflow.EventWaitingOnCustomer))
	mustAt(t, "waiting since", wait.At, pausedAt)
	if wait.Actor != alice.Email {
		t.Errorf("wait by %q", wait.Actor)
	}
	resumed := one(t, "clocks_resumed", h.events(n, caseflow.EventClocksResumed))
	mustAt(t, "clocks resumed", resumed.At, resumedAt)
	mustAt(t, "resumed first_response_due", dataTime(t, resumed, "first_response_due"), nyTime(2, 13, 0))
	mustAt(t, "resumed resolution_due", dataTime(t, resumed, "resolution_due"), nyTime(3, 17, 0))
	// The warning keeps its share of the target: with 1 of 4 hours left, at 12:00.
	warn := one(t, "sla_warning", h.events(n, caseflow.EventSLAWarning))
	mustAt(t, "warning after the pause", warn.At, nyTime(2, 12, 0))
	dataIs(t, warn, "clock", "first_response", "remaining_seconds", 3600)
	if ev := h.events(n, caseflow.EventSLABreached, caseflow.EventEscalated); len(ev) != 0 {
		t.Errorf("the paused clock breached: %v", types(ev))
	}
	if met := one(t, "first_response_met", h.events(n, caseflow.EventFirstResponseMet)); met.Data["late"] != false {
		t.Errorf("first response met late: %v", met.Data)
	}
}

func TestCaseOpenedOutOfHoursCountsFromTheNextOpening(t *testing.T) {
	t.Parallel()
	saturday := time.Date(2026, 12, 5, 11, 0, 0, 0, ny)
	monday9 := nyTime(7, 9, 0)
	h := newHarness(t, policy.Default(), saturday)
	n := number(104)
	h.look(time.Minute, "saturday")
	h.look(h.until(nyTime(7, 11, 0)), "monday")
	h.resolveAt(h.until(nyTime(7, 12, 30)))
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	c := h.view("saturday")
	fr, res := c.Clocks.FirstResponse, c.Clocks.Resolution
	mustAt(t, "first response due", fr.Due, monday9.Add(4*time.Hour))
	mustAt(t, "first response warning", fr.WarnAt, monday9.Add(3*time.Hour))
	mustAt(t, "resolution due", res.Due, nyTime(9, 9, 0)) // 2 business days from Monday 09:00
	if fr.State != caseflow.ClockRunning || fr.RemainingSeconds != 4*3600 {
		t.Errorf("on Saturday the whole target is left: %+v", fr)
	}
	if c := h.view("monday"); c.Clocks.FirstResponse.RemainingSeconds != 2*3600 {
		t.Errorf("Monday 11:00: %d seconds left, want 2 hours", c.Clocks.FirstResponse.RemainingSeconds)
	}
	ack := one(t, "acknowledged", h.events(n, caseflow.EventAcknowledged))
	mustAt(t, "acknowledged at once", ack.At, saturday)
	mustAt(t, "promised first response", dataTime(t, ack, "first_response_due"), monday9.Add(4*time.Hour))
	warn := one(t, "sla_warning", h.events(n, caseflow.EventSLAWarning))
	mustAt(t, "warning", warn.At, monday9.Add(3*time.Hour))
	if !strings.Contains(only(t, h.emails(n), "acknowledgement", carla).Text, "Monday, December 7, 2026 at 1:00 PM EST") {
		t.Error("the acknowledgement promises the first response for Monday 1 PM")
	}
}

func TestFollowUpsWhileWaitingThenAutoResolve(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(105)
	h.reply(5*time.Minute, "reply")
	h.at(h.until(nyTime(1, 11, 0)), "wait", caseflow.UpdateWait, caseflow.Wait{Reason: "Please send a photo of the label.", By: alice})
	h.look(h.until(nyTime(8, 11, 1)), "auto resolved")
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	if c := h.ok("wait"); c.Status != caseflow.StatusWaitingOnCustomer {
		t.Fatalf("wait: %s", c.Status)
	}
	wait := one(t, "waiting_on_customer", h.events(n, caseflow.EventWaitingOnCustomer))
	mustAt(t, "first reminder announced", dataTime(t, wait, "first_reminder_at"), nyTime(3, 11, 0))

	ev := h.events(n, caseflow.EventFollowUpSent, caseflow.EventResolved)
	if got := types(ev); !slices.Equal(got, []caseflow.EventType{caseflow.EventFollowUpSent, caseflow.EventFollowUpSent, caseflow.EventResolved}) {
		t.Fatalf("follow-ups and resolution: %v", got)
	}
	// 2 and 4 business days after Tue 11:00: Thu 3 and Mon 7 December;
	// 1 business day after the last: Tue 8 December.
	mustAt(t, "first reminder", ev[0].At, nyTime(3, 11, 0))
	dataIs(t, ev[0], "reminder", 1, "final", false)
	mustAt(t, "last reminder", ev[1].At, nyTime(7, 11, 0))
	dataIs(t, ev[1], "reminder", 2, "final", true)
	mustAt(t, "auto resolution", ev[2].At, nyTime(8, 11, 0))
	dataIs(t, ev[2], "auto", true)
	for _, e := range ev {
		if e.Actor != caseflow.ActorSystem {
			t.Errorf("%s by %q, want the system", e.Type, e.Actor)
		}
	}
	c := h.view("auto resolved")
	if c.Status != caseflow.StatusResolved || !c.AutoResolved {
		t.Errorf("after the last follow-up: status %s auto_resolved %t", c.Status, c.AutoResolved)
	}

	emails := h.emails(n)
	if got := templates(emails, carla); !slices.Equal(got, []string{"acknowledgement", "reply", "follow_up", "follow_up", "resolution"}) {
		t.Errorf("customer emails %v", got)
	}
	var followUps []caseflow.Email
	for _, e := range emails {
		if e.Template == "follow_up" {
			followUps = append(followUps, e)
		}
	}
	if len(followUps) == 2 {
		if strings.Contains(followUps[0].Subject, "Final") || !strings.Contains(followUps[1].Subject, "Final") {
			t.Errorf("follow-up subjects %q, %q", followUps[0].Subject, followUps[1].Subject)
		}
		if !strings.Contains(followUps[1].Text, "Tuesday, December 8, 2026 at 11:00 AM EST") || !strings.Contains(followUps[0].Text, "photo of the label") {
			t.Errorf("final reminder names when the case closes:\n%s", followUps[1].Text)
		}
	}
	if got := len(h.events(n, caseflow.EventClosed)); got != 1 {
		t.Errorf("closed events %d", got)
	}
}

func TestCustomerReplyBeforeTheFirstReminderCancelsFollowUps(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(106)
	h.reply(5*time.Minute, "reply")
	h.at(h.until(nyTime(1, 11, 0)), "wait", caseflow.UpdateWait, caseflow.Wait{Reason: "Please send a photo of the label.", By: alice})
	h.customerReply(h.until(nyTime(2, 10, 0)), "customer reply")
	// Past where the first reminder would have gone (Thu 11:00).
	h.look(h.until(nyTime(3, 11, 30)), "after the first reminder time")
	h.resolveAt(h.until(nyTime(3, 12, 0)))
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	if c := h.ok("customer reply"); c.Status != caseflow.StatusInProgress {
		t.Errorf("after the reply: %s", c.Status)
	}
	if c := h.view("after the first reminder time"); c.Status != caseflow.StatusInProgress {
		t.Errorf("after the first reminder time: %s", c.Status)
	}
	if ev := h.events(n, caseflow.EventFollowUpSent); len(ev) != 0 {
		t.Errorf("follow-ups after the customer replied: %v", ev)
	}
	if got := sent(h.emails(n), "follow_up", carla); got != 0 {
		t.Errorf("%d follow-up emails after the customer replied", got)
	}
	if r := one(t, "resolved", h.events(n, caseflow.EventResolved)); r.Data["auto"] != false || r.Actor != alice.Email {
		t.Errorf("resolved: %+v", r)
	}
}
