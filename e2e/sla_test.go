package e2e

import (
	"math"
	"testing"
	"time"

	"caseflow"
)

// With every second a business second, an email case's 4 s first-response
// clock warns at 2 s, breaches at 4 s and escalates to the team lead, who
// acknowledges it.
func TestFirstResponseBreachEscalatesAndIsAcknowledged(t *testing.T) {
	s := start(t)
	opened := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases", newCase(caseflow.ChannelEmail)), 201).caseBody(t)
	n, t0 := opened.Number, opened.CreatedAt

	var events []caseflow.Event
	eventually(t, 15*time.Second, "the escalation", func() bool {
		events = s.timeline(n)
		return countType(events, caseflow.EventEscalated) == 1
	})
	at := func(typ caseflow.EventType) time.Time {
		for _, e := range events {
			if e.Type == typ {
				return e.At
			}
		}
		t.Fatalf("no %s event: %v", typ, eventTypes(events))
		return time.Time{}
	}
	for _, tc := range []struct {
		typ   caseflow.EventType
		after time.Duration
	}{{caseflow.EventSLAWarning, 2 * time.Second}, {caseflow.EventSLABreached, 4 * time.Second}, {caseflow.EventEscalated, 4 * time.Second}} {
		if off := at(tc.typ).Sub(t0) - tc.after; math.Abs(off.Seconds()) > 1 {
			t.Errorf("%s at +%s, want +%s (within a second)", tc.typ, at(tc.typ).Sub(t0), tc.after)
		}
	}

	c := must(t, s.call(caseflow.RoleAgent, "GET", "/api/v1/cases/"+n, nil), 200).caseBody(t)
	if c.Tier != caseflow.TierTeamLead || c.Status != caseflow.StatusEscalated || c.Clocks.FirstResponse.State != caseflow.ClockBreached || c.AwaitingAck == nil {
		t.Fatalf("after the breach: tier %s status %s clock %s awaiting %v", c.Tier, c.Status, c.Clocks.FirstResponse.State, c.AwaitingAck)
	}
	var page struct {
		Cases []caseflow.Case `json:"cases"`
	}
	must(t, s.call(caseflow.RoleAgent, "GET", "/api/v1/cases?breached=true&tier=team_lead", nil), 200).json(t, &page)
	if len(page.Cases) != 1 || page.Cases[0].Number != n {
		t.Errorf("breached cases at team_lead: %v", page.Cases)
	}

	// The team lead hears by email, the customer gets one notice with the new time.
	eventually(t, 10*time.Second, "the escalation emails", func() bool {
		return s.sent(n, "escalation_notice") == 1 && s.sent(n, "staff_alert") >= 2
	})
	var toLead bool
	for _, m := range s.sendgrid.Messages() {
		if m.CustomArgs["case_number"] == n && contains(m.Categories, "staff_alert") && m.To == s.users[caseflow.RoleTeamLead].Email {
			toLead = true
		}
	}
	if !toLead {
		t.Error("the team lead was not emailed about the escalation")
	}

	// An agent cannot take the escalation; the team lead can.
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/acknowledge-escalation", map[string]any{"note": "mine"}), 403)
	acked := must(t, s.call(caseflow.RoleTeamLead, "POST", "/api/v1/cases/"+n+"/acknowledge-escalation", map[string]any{"note": "Taking it"}), 200).caseBody(t)
	if acked.Assignee != s.users[caseflow.RoleTeamLead].Email || acked.Status != caseflow.StatusInProgress || acked.AwaitingAck != nil {
		t.Errorf("acknowledged: assignee %q status %s awaiting %v", acked.Assignee, acked.Status, acked.AwaitingAck)
	}
	if last := s.timeline(n); last[len(last)-1].Type != caseflow.EventEscalationAcked || last[len(last)-1].Actor != s.users[caseflow.RoleTeamLead].Email {
		t.Errorf("last event %+v", last[len(last)-1])
	}
}
