package workflows_test

import (
	"testing"
	"time"

	"caseflow"
	"caseflow/policy"
	"caseflow/workflows"
)

// A customer email the provider bounced goes on the timeline, so the agent
// reaches the customer another way; a case that follows up a closed one
// says which.
func TestBouncedCustomerEmailIsOnTheTimeline(t *testing.T) {
	h := newHarness(t, policy.Default(), tuesday10)
	n := number(1)
	in := emailIntake(n)
	in.RelatedTo = "CS-2025-000009"
	h.env.RegisterDelayedCallback(func() {
		h.env.SignalWorkflow(caseflow.SignalEmailBounced, caseflow.EmailBounce{
			Email: "carla@example.net", Reason: "550 5.1.1 no such user", Template: "acknowledgement", State: caseflow.EmailBounced,
		})
	}, 10*time.Minute)
	h.look(20*time.Minute, "after the bounce")
	h.resolveAt(time.Hour)
	h.run(workflows.Input{Intake: &in})

	bounces := h.events(n, caseflow.EventEmailBounced)
	if len(bounces) != 1 {
		t.Fatalf("%d bounces on the timeline, want 1", len(bounces))
	}
	b := bounces[0]
	if b.Actor != caseflow.ActorSystem || b.Data["email"] != "carla@example.net" || b.Data["template"] != "acknowledgement" ||
		b.Data["reason"] != "550 5.1.1 no such user" || b.Data["state"] != "bounced" || !b.At.Equal(tuesday10.Add(10*time.Minute)) {
		t.Errorf("email_bounced = %+v", b)
	}
	if c := h.view("after the bounce"); c.RelatedTo != "CS-2025-000009" || c.Status != caseflow.StatusAcknowledged {
		t.Errorf("case after the bounce: related_to %q, status %s", c.RelatedTo, c.Status)
	}
	if opened := h.events(n, caseflow.EventOpened); len(opened) != 1 || opened[0].Data["related_to"] != "CS-2025-000009" {
		t.Errorf("case_opened = %+v", opened)
	}
}
