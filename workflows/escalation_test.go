package workflows_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"caseflow"
	"caseflow/policy"
	"caseflow/workflows"
)

// Escalation (SPEC step 4): triggers, start tiers, acknowledgement and the
// climb, the top of the chain, and who hears about it.

func escalate(reason string) caseflow.Escalate { return caseflow.Escalate{Reason: reason, By: alice} }

func TestCriticalStartsAtManagerWithUrgentAlert(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	in := emailIntake(number(201))
	in.Flags = []caseflow.Flag{caseflow.FlagSafety}
	in.Subject = "The charger caught fire"
	n := in.Number
	h.look(time.Minute, "opened")
	h.at(10*time.Minute, "ack", caseflow.UpdateAcknowledgeEscalation, caseflow.Acknowledge{Note: "calling the customer now", By: max})
	h.resolveAt(20 * time.Minute)
	h.run(workflows.Input{Intake: &in})

	c := h.view("opened")
	if c.Priority != caseflow.PriorityCritical || c.Tier != caseflow.TierManager || c.Status != caseflow.StatusEscalated {
		t.Fatalf("opened: priority %s tier %s status %s", c.Priority, c.Tier, c.Status)
	}
	if c.AwaitingAck == nil || c.AwaitingAck.Tier != caseflow.TierManager {
		t.Fatalf("awaiting ack %+v", c.AwaitingAck)
	}
	mustAt(t, "manager acknowledges by", c.AwaitingAck.Due, tuesday10.Add(30*time.Minute))
	mustAt(t, "critical resolution due", c.Clocks.Resolution.Due, nyTime(1, 14, 0)) // 4 business hours

	routed := one(t, "routed_to_tier", h.events(n, caseflow.EventRouted))
	mustAt(t, "routed", routed.At, tuesday10)
	dataIs(t, routed, "tier", "manager", "reason", "critical priority starts at manager")
	if routed.Actor != caseflow.ActorSystem {
		t.Errorf("routed by %q", routed.Actor)
	}
	if ev := h.escalations(n); len(ev) != 0 {
		t.Errorf("a critical case starts at manager, it does not escalate: %v", ev)
	}
	if a := h.ok("ack"); a.Assignee != max.Email || a.AwaitingAck != nil {
		t.Errorf("after the manager's acknowledgement: assignee %q awaiting %+v", a.Assignee, a.AwaitingAck)
	}

	emails := h.emails(n)
	alert := only(t, emails, "staff_alert", max.Email)
	if !strings.Contains(alert.Subject, "URGENT") || !strings.Contains(alert.Subject, "critical") {
		t.Errorf("manager's alert subject %q", alert.Subject)
	}
	if got := templates(emails, carla); !slices.Equal(got, []string{"acknowledgement", "resolution", "survey", "survey_reminder"}) {
		t.Errorf("customer emails %v: no escalation notice at intake", got)
	}
	for _, u := range []string{alice.Email, tom.Email, sue.Email} {
		if got := sent(emails, "staff_alert", u); got != 0 {
			t.Errorf("%s got %d alerts", u, got)
		}
	}
}

func TestBillingDisputeStartsAtTheTierOfItsAmount(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		amount float64
		tier   caseflow.Tier
		user   caseflow.User
	}{
		{50, caseflow.TierAgent, alice},
		{100, caseflow.TierTeamLead, tom},
		{700, caseflow.TierSupervisor, sue},
		{1500, caseflow.TierManager, max},
	} {
		t.Run(fmt.Sprintf("%.0f", tc.amount), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, policy.Default(), tuesday10)
			in := emailIntake(number(210 + i))
			in.Category = caseflow.CategoryBilling
			in.Amount = ptr(tc.amount)
			n := in.Number
			h.look(time.Minute, "opened")
			h.resolveAt(20 * time.Minute)
			h.run(workflows.Input{Intake: &in})

			c := h.view("opened")
			if c.Tier != tc.tier {
				t.Errorf("starts at %s, want %s", c.Tier, tc.tier)
			}
			routed := h.events(n, caseflow.EventRouted)
			emails := h.emails(n)
			if tc.tier == caseflow.TierAgent {
				if len(routed) != 0 || c.AwaitingAck != nil || c.Status != caseflow.StatusAcknowledged {
					t.Errorf("a small dispute stays with the agent: routed %v awaiting %+v status %s", routed, c.AwaitingAck, c.Status)
				}
				if got := templates(emails, ""); !slices.Equal(got, []string{"acknowledgement", "resolution", "survey", "survey_reminder"}) {
					t.Errorf("emails %v", got)
				}
				return
			}
			r := one(t, "routed_to_tier", routed)
			dataIs(t, r, "tier", tc.tier, "reason", fmt.Sprintf("billing dispute of %.2f starts at %s", tc.amount, tc.tier))
			if c.Status != caseflow.StatusEscalated || c.AwaitingAck == nil || c.AwaitingAck.Tier != tc.tier {
				t.Errorf("status %s awaiting %+v", c.Status, c.AwaitingAck)
			}
			if a := only(t, emails, "staff_alert", tc.user.Email); !strings.Contains(a.Text, "billing dispute") {
				t.Errorf("alert to %s:\n%s", tc.user.Email, a.Text)
			}
			if got := len(templates(emails, "")) - len(templates(emails, carla)); got != 1 {
				t.Errorf("%d staff emails, want only the %s's alert: %s", got, tc.tier, outboxText(emails))
			}
			if len(h.escalations(n)) != 0 || sent(emails, "escalation_notice", carla) != 0 {
				t.Errorf("a start tier is not an escalation the customer is told about")
			}
		})
	}
}

func TestFlagRaisedLaterEscalatesWhenThePolicySaysSo(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		flag      caseflow.Flag
		escalates bool
		priority  caseflow.Priority // after the flag
	}{
		{caseflow.FlagSupervisorRequested, true, caseflow.PriorityNormal},
		{caseflow.FlagLegalThreat, true, caseflow.PriorityHigh},
		{caseflow.FlagHarassment, true, caseflow.PriorityHigh},
		{caseflow.FlagPRRisk, true, caseflow.PriorityHigh},
		{caseflow.FlagVIP, false, caseflow.PriorityNormal},
	} {
		t.Run(string(tc.flag), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, policy.Default(), tuesday10)
			n := number(220 + i)
			h.at(30*time.Minute, "flag", caseflow.UpdateFlags, caseflow.RaiseFlags{Flags: []caseflow.Flag{tc.flag}, Reason: "said on the phone", By: alice})
			h.resolveAt(time.Hour)
			h.run(workflows.Input{Intake: ptr(emailIntake(n))})

			c := h.ok("flag")
			if !c.HasFlag(tc.flag) || c.Priority != tc.priority {
				t.Errorf("flags %v priority %s, want %s", c.Flags, c.Priority, tc.priority)
			}
			raised := one(t, "flags_raised", h.events(n, caseflow.EventFlagsRaised))
			dataIs(t, raised, "flags", []string{string(tc.flag)}, "reason", "said on the phone")
			emails := h.emails(n)
			esc := h.escalations(n)
			if !tc.escalates {
				if len(esc) != 0 || c.Tier != caseflow.TierAgent {
					t.Errorf("%s does not escalate: tier %s escalations %v", tc.flag, c.Tier, esc)
				}
				if got := templates(emails, ""); !slices.Equal(got, []string{"acknowledgement", "resolution", "survey", "survey_reminder"}) {
					t.Errorf("emails %v", got)
				}
				return
			}
			e := one(t, "escalated", esc)
			mustAt(t, "escalated", e.At, tuesday10.Add(30*time.Minute))
			dataIs(t, e, "from", "agent", "to", "team_lead", "trigger", "flag")
			if e.Actor != alice.Email || !strings.Contains(fmt.Sprint(e.Data["reason"]), string(tc.flag)) {
				t.Errorf("escalated by %q because %v", e.Actor, e.Data["reason"])
			}
			if c.Tier != caseflow.TierTeamLead || c.Status != caseflow.StatusEscalated {
				t.Errorf("tier %s status %s", c.Tier, c.Status)
			}
			only(t, emails, "staff_alert", tom.Email)
			only(t, emails, "escalation_notice", carla)
		})
	}
}

func TestThirdContactWithoutResolutionEscalatesOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(230)
	h.customerReply(10*time.Minute, "second contact")
	h.customerReply(20*time.Minute, "third contact")
	h.customerReply(30*time.Minute, "fourth contact")
	h.resolveAt(40 * time.Minute)
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	if c := h.ok("second contact"); c.Contacts != 2 || c.Tier != caseflow.TierAgent {
		t.Errorf("second contact: contacts %d tier %s", c.Contacts, c.Tier)
	}
	if c := h.ok("third contact"); c.Contacts != 3 || c.Tier != caseflow.TierTeamLead || c.Status != caseflow.StatusEscalated {
		t.Errorf("third contact: contacts %d tier %s status %s", c.Contacts, c.Tier, c.Status)
	}
	if c := h.ok("fourth contact"); c.Contacts != 4 || c.Tier != caseflow.TierTeamLead {
		t.Errorf("fourth contact escalates no further: contacts %d tier %s", c.Contacts, c.Tier)
	}
	e := one(t, "escalated", h.escalations(n))
	mustAt(t, "escalated", e.At, tuesday10.Add(20*time.Minute))
	dataIs(t, e, "from", "agent", "to", "team_lead", "trigger", "repeat_contacts")
	if e.Actor != caseflow.ActorSystem || !strings.Contains(fmt.Sprint(e.Data["reason"]), "3 contacts") {
		t.Errorf("escalated by %q because %v", e.Actor, e.Data["reason"])
	}
	emails := h.emails(n)
	only(t, emails, "staff_alert", tom.Email)
	only(t, emails, "escalation_notice", carla)
}

func TestAgentEscalateNeedsAReasonAndClimbsOneTier(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(240)
	h.at(20*time.Minute, "no reason", caseflow.UpdateEscalate, escalate("  "))
	h.at(30*time.Minute, "escalate", caseflow.UpdateEscalate, escalate("customer wants a callback from a lead"))
	h.resolveAt(time.Hour)
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	h.rejected("no reason", caseflow.EINVALID)
	c := h.ok("escalate")
	if c.Tier != caseflow.TierTeamLead || c.Status != caseflow.StatusEscalated || c.AwaitingAck == nil || c.AwaitingAck.Tier != caseflow.TierTeamLead {
		t.Errorf("after escalate: tier %s status %s awaiting %+v", c.Tier, c.Status, c.AwaitingAck)
	}
	e := one(t, "escalated", h.escalations(n))
	mustAt(t, "escalated", e.At, tuesday10.Add(30*time.Minute))
	dataIs(t, e, "from", "agent", "to", "team_lead", "trigger", "agent", "reason", "customer wants a callback from a lead")
	mustAt(t, "acknowledge_by", dataTime(t, e, "acknowledge_by"), tuesday10.Add(90*time.Minute))
	if e.Actor != alice.Email {
		t.Errorf("escalated by %q", e.Actor)
	}
	emails := h.emails(n)
	if a := only(t, emails, "staff_alert", tom.Email); !strings.Contains(a.Text, "customer wants a callback from a lead") {
		t.Errorf("team lead's alert gives the reason:\n%s", a.Text)
	}
	only(t, emails, "escalation_notice", carla)
}

func TestUnacknowledgedEscalationClimbs(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(250)
	h.reply(5*time.Minute, "reply")
	h.at(30*time.Minute, "escalate", caseflow.UpdateEscalate, escalate("needs a refund decision"))
	h.look(h.until(nyTime(1, 11, 29)), "before the limit")
	h.look(h.until(nyTime(1, 11, 31)), "after the limit")
	h.at(h.until(nyTime(1, 12, 0)), "ack", caseflow.UpdateAcknowledgeEscalation, caseflow.Acknowledge{By: sue})
	h.resolveAt(h.until(nyTime(1, 12, 10)))
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	if c := h.view("before the limit"); c.Tier != caseflow.TierTeamLead {
		t.Errorf("before the team lead's hour is up: tier %s", c.Tier)
	}
	c := h.view("after the limit")
	if c.Tier != caseflow.TierSupervisor || c.AwaitingAck == nil || c.AwaitingAck.Tier != caseflow.TierSupervisor {
		t.Fatalf("after 1 business hour unacknowledged: tier %s awaiting %+v", c.Tier, c.AwaitingAck)
	}
	mustAt(t, "supervisor acknowledges by", c.AwaitingAck.Due, nyTime(1, 12, 30))

	esc := h.escalations(n)
	if len(esc) != 2 {
		t.Fatalf("escalations %v", esc)
	}
	climb := esc[1]
	mustAt(t, "climbed", climb.At, nyTime(1, 11, 30))
	dataIs(t, climb, "from", "team_lead", "to", "supervisor", "trigger", "not_acknowledged")
	if climb.Actor != caseflow.ActorSystem || !strings.Contains(fmt.Sprint(climb.Data["reason"]), "team_lead") {
		t.Errorf("climb by %q because %v", climb.Actor, climb.Data["reason"])
	}
	emails := h.emails(n)
	only(t, emails, "staff_alert", tom.Email)
	only(t, emails, "staff_alert", sue.Email)
	if got := sent(emails, "escalation_notice", carla); got != 2 {
		t.Errorf("customer notices %d, want one per escalation (2)", got)
	}
	if a := h.ok("ack"); a.Tier != caseflow.TierSupervisor || a.Assignee != sue.Email {
		t.Errorf("acknowledged: tier %s assignee %q", a.Tier, a.Assignee)
	}
}

func TestAcknowledgeByTheRightTierStopsTheClimb(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(260)
	h.reply(5*time.Minute, "reply")
	h.at(30*time.Minute, "escalate", caseflow.UpdateEscalate, escalate("angry customer"))
	h.at(40*time.Minute, "ack by agent", caseflow.UpdateAcknowledgeEscalation, caseflow.Acknowledge{By: alice})
	h.at(45*time.Minute, "ack", caseflow.UpdateAcknowledgeEscalation, caseflow.Acknowledge{Note: "I'll call her", By: tom})
	h.at(50*time.Minute, "ack again", caseflow.UpdateAcknowledgeEscalation, caseflow.Acknowledge{By: tom})
	// Past the hour the team lead had: nothing climbs.
	h.look(h.until(nyTime(1, 12, 0)), "later")
	h.resolveAt(h.until(nyTime(1, 12, 30)))
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	h.rejected("ack by agent", caseflow.EFORBIDDEN)
	h.rejected("ack again", caseflow.ECONFLICT)
	c := h.ok("ack")
	if c.Assignee != tom.Email || c.Status != caseflow.StatusInProgress || c.AwaitingAck != nil || c.Tier != caseflow.TierTeamLead {
		t.Errorf("acknowledged: assignee %q status %s awaiting %+v tier %s", c.Assignee, c.Status, c.AwaitingAck, c.Tier)
	}
	if later := h.view("later"); later.Tier != caseflow.TierTeamLead || later.Assignee != tom.Email {
		t.Errorf("after the acknowledgement limit: tier %s assignee %q", later.Tier, later.Assignee)
	}
	acked := one(t, "escalation_acknowledged", h.events(n, caseflow.EventEscalationAcked))
	mustAt(t, "acknowledged", acked.At, tuesday10.Add(45*time.Minute))
	dataIs(t, acked, "tier", "team_lead", "assignee", tom.Email, "note", "I'll call her")
	if acked.Actor != tom.Email {
		t.Errorf("acknowledged by %q", acked.Actor)
	}
	one(t, "escalated", h.escalations(n))
	if got := sent(h.emails(n), "staff_alert", sue.Email); got != 0 {
		t.Errorf("the supervisor was alerted %d times after the team lead took the case", got)
	}
}

func TestTopTierIsNeverPassed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(270)
	h.reply(5*time.Minute, "reply")
	h.at(10*time.Minute, "escalate", caseflow.UpdateEscalate, escalate("refund over the limit"))
	// Unacknowledged: supervisor at 11:10, manager at 12:10, then reminders.
	h.at(h.until(nyTime(1, 12, 20)), "escalate at the top", caseflow.UpdateEscalate, escalate("still no answer"))
	h.look(h.until(nyTime(1, 13, 45)), "at the top")
	h.resolveAt(h.until(nyTime(1, 13, 50)))
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	h.rejected("escalate at the top", caseflow.ECONFLICT)
	c := h.view("at the top")
	if c.Tier != caseflow.TierManager || c.AwaitingAck == nil || c.AwaitingAck.Tier != caseflow.TierManager {
		t.Fatalf("at the top: tier %s awaiting %+v", c.Tier, c.AwaitingAck)
	}
	mustAt(t, "next reminder", c.AwaitingAck.Due, nyTime(1, 14, 10))

	esc := h.escalations(n)
	var path []string
	for _, e := range esc {
		path = append(path, fmt.Sprint(e.Data["to"]))
	}
	if !slices.Equal(path, []string{"team_lead", "supervisor", "manager"}) {
		t.Fatalf("climbed %v", path)
	}
	mustAt(t, "to manager", esc[2].At, nyTime(1, 12, 10))
	rem := h.events(n, caseflow.EventEscalationReminder)
	if len(rem) != 3 {
		t.Fatalf("reminders to the manager: %d, want 3 (12:40, 13:10, 13:40)", len(rem))
	}
	for i, r := range rem {
		mustAt(t, fmt.Sprintf("reminder %d", i+1), r.At, nyTime(1, 12, 40).Add(time.Duration(i)*30*time.Minute))
		dataIs(t, r, "tier", "manager", "trigger", "not_acknowledged")
	}
	emails := h.emails(n)
	if got := sent(emails, "staff_alert", max.Email); got != 4 {
		t.Errorf("manager alerts %d, want the escalation and 3 reminders", got)
	}
	if got := sent(emails, "escalation_notice", carla); got != 3 {
		t.Errorf("customer notices %d, want 3: reminders are not escalations", got)
	}
}

func TestCustomerGetsOneNoticePerEscalation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(280)
	// Escalations of three kinds: two escalating flags raised at once (one
	// escalation), the first-response breach at 14:00, the supervisor's
	// missed acknowledgement at 15:00; then a reminder to the manager at
	// 15:30, which is not an escalation.
	h.at(10*time.Minute, "flag", caseflow.UpdateFlags, caseflow.RaiseFlags{Flags: []caseflow.Flag{caseflow.FlagSupervisorRequested, caseflow.FlagPRRisk}, Reason: "tweeting about us", By: alice})
	h.at(20*time.Minute, "ack", caseflow.UpdateAcknowledgeEscalation, caseflow.Acknowledge{By: tom})
	h.at(h.until(nyTime(1, 15, 40)), "ack manager", caseflow.UpdateAcknowledgeEscalation, caseflow.Acknowledge{By: max})
	h.resolveAt(h.until(nyTime(1, 16, 0)))
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	esc := h.escalations(n)
	var triggers []string
	for _, e := range esc {
		triggers = append(triggers, fmt.Sprint(e.Data["trigger"]))
	}
	if !slices.Equal(triggers, []string{"flag", "sla_breach", "not_acknowledged"}) {
		t.Errorf("escalation triggers %v", triggers)
	}
	emails := h.emails(n)
	var notices []caseflow.Email
	for _, e := range emails {
		if e.Template == "escalation_notice" {
			notices = append(notices, e)
			if e.To != carla {
				t.Errorf("escalation notice to %s", e.To)
			}
		}
	}
	if len(notices) != len(esc) {
		t.Fatalf("%d escalations, %d notices", len(esc), len(notices))
	}
	for i, e := range esc {
		if want := fmt.Sprintf("%s/%d/escalation_notice", n, e.Seq); notices[i].Key != want {
			t.Errorf("notice %d key %s, want %s", i, notices[i].Key, want)
		}
	}
	if got := len(h.events(n, caseflow.EventEscalationReminder)); got != 1 {
		t.Errorf("reminders to the manager: %d, want 1", got)
	}
}

func TestEscalationOutOfHoursHoldsTheStaffAlertButTellsTheCustomerAtOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(290)
	h.reply(5*time.Minute, "reply")
	h.at(h.until(nyTime(1, 18, 0)), "escalate", caseflow.UpdateEscalate, escalate("customer called after hours, very upset"))
	h.outboxAt(h.until(nyTime(1, 18, 30)), n, "evening")
	h.outboxAt(h.until(nyTime(2, 8, 59)), n, "before opening")
	h.outboxAt(h.until(nyTime(2, 9, 1)), n, "after opening")
	h.at(h.until(nyTime(2, 9, 30)), "ack", caseflow.UpdateAcknowledgeEscalation, caseflow.Acknowledge{By: tom})
	h.resolveAt(h.until(nyTime(2, 9, 45)))
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	e := one(t, "escalated", h.escalations(n))
	mustAt(t, "escalated", e.At, nyTime(1, 18, 0))
	// The team lead's hour counts from the opening: Wed 10:00.
	mustAt(t, "acknowledge_by", dataTime(t, e, "acknowledge_by"), nyTime(2, 10, 0))
	for _, label := range []string{"evening", "before opening"} {
		box := h.outbox(label)
		if sent(box, "escalation_notice", carla) != 1 {
			t.Errorf("%s: the customer's notice is not in the outbox: %s", label, outboxText(box))
		}
		if sent(box, "staff_alert", tom.Email) != 0 {
			t.Errorf("%s: the team lead was alerted out of hours: %s", label, outboxText(box))
		}
	}
	box := h.outbox("after opening")
	alert := only(t, box, "staff_alert", tom.Email)
	if want := fmt.Sprintf("%s/%d/staff/%s", n, e.Seq, tom.Email); alert.Key != want {
		t.Errorf("held alert key %s, want %s", alert.Key, want)
	}
	if !strings.Contains(alert.Text, "Wednesday, December 2, 2026 at 10:00 AM EST") {
		t.Errorf("held alert gives the acknowledgement deadline:\n%s", alert.Text)
	}
	if got := sent(h.emails(n), "staff_alert", tom.Email); got != 1 {
		t.Errorf("team lead alerts %d, want 1", got)
	}
}

func TestRaisedFlagUpgradesPriorityUnlessAnAgentSetIt(t *testing.T) {
	t.Parallel()
	t.Run("rules", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, policy.Default(), tuesday10)
		n := number(300)
		h.at(30*time.Minute, "flag", caseflow.UpdateFlags, caseflow.RaiseFlags{Flags: []caseflow.Flag{caseflow.FlagLegalThreat}, Reason: "mentioned a lawyer", By: alice})
		h.resolveAt(time.Hour)
		h.run(workflows.Input{Intake: ptr(emailIntake(n))})

		c := h.ok("flag")
		if c.Priority != caseflow.PriorityHigh {
			t.Fatalf("priority %s, want high", c.Priority)
		}
		// High is the end of the business day the case started: Tue 17:00.
		mustAt(t, "resolution due", c.Clocks.Resolution.Due, nyTime(1, 17, 0))
		ch := one(t, "priority_changed", h.events(n, caseflow.EventPriorityChanged))
		mustAt(t, "priority changed", ch.At, tuesday10.Add(30*time.Minute))
		dataIs(t, ch, "from", "normal", "to", "high")
		if ch.Actor != caseflow.ActorSystem || !strings.Contains(fmt.Sprint(ch.Data["reason"]), "legal_threat") {
			t.Errorf("priority changed by %q because %v", ch.Actor, ch.Data["reason"])
		}
		mustAt(t, "priority_changed resolution_due", dataTime(t, ch, "resolution_due"), nyTime(1, 17, 0))
		if c.ExpectedBy == nil {
			t.Error("no expected_by")
		} else {
			mustAt(t, "promised to the customer", *c.ExpectedBy, nyTime(1, 17, 0))
		}
		if notice := only(t, h.emails(n), "escalation_notice", carla); !strings.Contains(notice.Text, "Tuesday, December 1, 2026 at 5:00 PM EST") {
			t.Errorf("the notice promises the new resolution time:\n%s", notice.Text)
		}
	})
	t.Run("agent override", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, policy.Default(), tuesday10)
		n := number(301)
		h.at(15*time.Minute, "medium", caseflow.UpdatePriority, caseflow.PriorityChange{Priority: caseflow.PriorityMedium, Reason: "agreed with the customer", By: alice})
		h.at(30*time.Minute, "flag", caseflow.UpdateFlags, caseflow.RaiseFlags{Flags: []caseflow.Flag{caseflow.FlagLegalThreat}, Reason: "mentioned a lawyer", By: alice})
		h.resolveAt(time.Hour)
		h.run(workflows.Input{Intake: ptr(emailIntake(n))})

		if c := h.ok("flag"); c.Priority != caseflow.PriorityMedium {
			t.Errorf("priority %s: the agent's choice stands", c.Priority)
		}
		ch := one(t, "priority_changed", h.events(n, caseflow.EventPriorityChanged))
		if ch.Actor != alice.Email {
			t.Errorf("priority changed by %q", ch.Actor)
		}
		// The flag still escalates.
		one(t, "escalated", h.escalations(n))
	})
	t.Run("vip on a service complaint", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, policy.Default(), tuesday10)
		in := emailIntake(number(302))
		in.Category = caseflow.CategoryServiceComplain
		n := in.Number
		h.at(30*time.Minute, "flag", caseflow.UpdateFlags, caseflow.RaiseFlags{Flags: []caseflow.Flag{caseflow.FlagVIP}, Reason: "key account", By: alice})
		h.resolveAt(time.Hour)
		h.run(workflows.Input{Intake: &in})

		c := h.ok("flag")
		if c.Priority != caseflow.PriorityHigh || c.Tier != caseflow.TierAgent {
			t.Fatalf("priority %s tier %s, want high at the agent tier", c.Priority, c.Tier)
		}
		ch := one(t, "priority_changed", h.events(n, caseflow.EventPriorityChanged))
		dataIs(t, ch, "from", "normal", "to", "high")
		if len(h.escalations(n)) != 0 {
			t.Error("vip is not an escalating flag")
		}
	})
}

func TestCaseTurningCriticalGoesStraightToManager(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		name   string
		update string
		arg    any
		actor  string
	}{
		{"safety raised", caseflow.UpdateFlags, caseflow.RaiseFlags{Flags: []caseflow.Flag{caseflow.FlagSafety}, Reason: "the charger is smoking", By: alice}, caseflow.ActorSystem},
		{"safety and legal threat raised together", caseflow.UpdateFlags, caseflow.RaiseFlags{Flags: []caseflow.Flag{caseflow.FlagSafety, caseflow.FlagLegalThreat}, Reason: "burned, calling a lawyer", By: alice}, caseflow.ActorSystem},
		{"agent sets critical", caseflow.UpdatePriority, caseflow.PriorityChange{Priority: caseflow.PriorityCritical, Reason: "the charger is smoking", By: alice}, alice.Email},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, policy.Default(), tuesday10)
			n := number(310 + i)
			h.at(30*time.Minute, "critical", tc.update, tc.arg)
			h.at(45*time.Minute, "ack", caseflow.UpdateAcknowledgeEscalation, caseflow.Acknowledge{By: max})
			h.resolveAt(time.Hour)
			h.run(workflows.Input{Intake: ptr(emailIntake(n))})

			c := h.ok("critical")
			if c.Priority != caseflow.PriorityCritical || c.Tier != caseflow.TierManager || c.Status != caseflow.StatusEscalated {
				t.Fatalf("priority %s tier %s status %s", c.Priority, c.Tier, c.Status)
			}
			if c.AwaitingAck == nil || c.AwaitingAck.Tier != caseflow.TierManager {
				t.Fatalf("awaiting %+v", c.AwaitingAck)
			}
			mustAt(t, "manager acknowledges by", c.AwaitingAck.Due, nyTime(1, 11, 0))
			mustAt(t, "critical resolution due from the start", c.Clocks.Resolution.Due, nyTime(1, 14, 0))
			e := one(t, "escalated", h.escalations(n))
			mustAt(t, "escalated", e.At, tuesday10.Add(30*time.Minute))
			dataIs(t, e, "from", "agent", "to", "manager", "trigger", "priority")
			if e.Actor != tc.actor {
				t.Errorf("escalated by %q, want %q", e.Actor, tc.actor)
			}
			if ev := h.events(n, caseflow.EventEscalationReminder); len(ev) != 0 {
				t.Errorf("reminders: %v", ev)
			}
			emails := h.emails(n)
			if a := only(t, emails, "staff_alert", max.Email); !strings.Contains(a.Subject, "URGENT") {
				t.Errorf("manager's alert subject %q", a.Subject)
			}
			for _, u := range []string{tom.Email, sue.Email} {
				if got := sent(emails, "staff_alert", u); got != 0 {
					t.Errorf("%s got %d alerts; a critical case skips the tiers between", u, got)
				}
			}
			if notice := only(t, emails, "escalation_notice", carla); !strings.Contains(notice.Text, "Tuesday, December 1, 2026 at 2:00 PM EST") {
				t.Errorf("notice promises the critical target:\n%s", notice.Text)
			}
		})
	}
}

// While the case waits on the customer its resolution clock is paused, so the
// time promised in an escalation notice counts the time left from now.
func TestEscalationWhileWaitingPromisesTheTimeLeftFromNow(t *testing.T) {
	t.Parallel()
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(260)
	h.at(time.Hour, "wait", caseflow.UpdateWait, caseflow.Wait{Reason: "Which card was charged?", By: alice})
	// Wednesday 10:00: 15 business hours were left at the pause (Tue 11:00 to Thu 10:00).
	h.at(24*time.Hour, "escalate", caseflow.UpdateEscalate, caseflow.Escalate{Reason: "customer upset", By: alice})
	h.at(25*time.Hour, "reply", caseflow.UpdateCustomerReply, caseflow.CustomerReply{Body: "The Visa.", Via: "api"})
	h.resolveAt(26 * time.Hour)
	h.run(workflows.Input{Intake: ptr(emailIntake(n))})

	h.ok("escalate")
	var notice caseflow.Email // the first: later ones follow unacknowledged climbs
	for _, e := range h.emails(n) {
		if e.Template == "escalation_notice" {
			notice = e
			break
		}
	}
	if want := "Thursday, December 3, 2026 at 5:00 PM EST"; !strings.Contains(notice.Text, want) {
		t.Errorf("the notice should promise %s (15 business hours from Wednesday 10:00):\n%s", want, notice.Text)
	}
}
