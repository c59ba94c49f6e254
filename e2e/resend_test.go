package e2e

import (
	"testing"
	"time"

	"caseflow"
)

// SendGrid refuses the acknowledgement for good: the timeline says so, and an
// agent sends it again as a new message once the problem is fixed.
func TestRefusedEmailIsSentAgainByStaff(t *testing.T) {
	s := start(t)
	s.sendgrid.FailNext(400, 1)
	n := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases", newCase(caseflow.ChannelEmail)), 201).caseBody(t).Number

	var failed caseflow.Event
	eventually(t, 10*time.Second, "the refused acknowledgement on the timeline", func() bool {
		f, ok := findEvent(s.timeline(n), caseflow.EventEmailFailed)
		failed = f
		return ok
	})
	key, _ := failed.Data["key"].(string)
	if s.sent(n, "acknowledgement") != 0 || key == "" {
		t.Fatalf("the refused email: sent %d, event %+v", s.sent(n, "acknowledgement"), failed)
	}

	must(t, s.call(caseflow.RoleQA, "POST", "/api/v1/cases/"+n+"/resend-email", map[string]any{"key": key}), 403)
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/resend-email", map[string]any{}), 400)
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/resend-email", map[string]any{"key": "CS-2026-999999/3/acknowledgement"}), 404)
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/resend-email", map[string]any{"key": key}), 200)
	eventually(t, 10*time.Second, "the acknowledgement sent again", func() bool { return s.sent(n, "acknowledgement") == 1 })

	resent, ok := findEvent(s.timeline(n), caseflow.EventEmailResent)
	if !ok || resent.Actor != s.users[caseflow.RoleAgent].Email || resent.Data["of"] != key {
		t.Errorf("email_resent: %+v", resent)
	}
	var outbox struct {
		Emails []caseflow.Email `json:"emails"`
	}
	must(t, s.call(caseflow.RoleAdmin, "GET", "/api/v1/outbox?number="+n, nil), 200).json(t, &outbox)
	states := map[string]caseflow.EmailState{}
	for _, e := range outbox.Emails {
		states[e.Key] = e.State
	}
	if states[key] != caseflow.EmailFailed || len(states) != 2 {
		t.Errorf("the outbox keeps the refused email and its new copy: %v", states)
	}
	// A delivered email is not sent twice.
	var sentKey string
	for k, st := range states {
		if st == caseflow.EmailSent {
			sentKey = k
		}
	}
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/resend-email", map[string]any{"key": sentKey}), 409)
}
