package e2e

import (
	"testing"
	"time"

	"caseflow"
)

// A worker killed in the middle of a case loses nothing and mails nobody
// twice: the next worker carries the case to its end.
func TestWorkerCrashMidCaseLosesNothing(t *testing.T) {
	s := start(t)

	// Kill the worker the moment intake answers: the acknowledgement may be
	// mid-send, the timeline mid-write.
	n := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases", newCase(caseflow.ChannelPhone), "Idempotency-Key", "crash-1"), 201).caseBody(t).Number
	s.killWorker()
	s.startWorker()

	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/interactions", map[string]any{"kind": "reply", "body": "On it.", "handle_seconds": 60}), 200)
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/resolve", map[string]any{"resolution": "Replaced", "root_cause": "damaged in transit"}), 200)
	// And again while the resolution email goes out and the reopen timer runs.
	s.killWorker()
	time.Sleep(time.Second)
	s.startWorker()

	// A call cut off by the crash is retried once its heartbeat stops (5 s).
	var events []caseflow.Event
	eventually(t, 40*time.Second, "the closed case on the timeline after the crashes", func() bool {
		events = s.timeline(n)
		return countType(events, caseflow.EventClosed) > 0 && s.sent(n, "resolution") > 0
	})
	for i, e := range events {
		if e.Seq != int64(i+1) {
			t.Fatalf("timeline has a gap or a duplicate at %d: %v", i, eventTypes(events))
		}
	}
	for _, typ := range []caseflow.EventType{caseflow.EventOpened, caseflow.EventAcknowledged, caseflow.EventInteraction, caseflow.EventResolved, caseflow.EventClosed} {
		if got := countType(events, typ); got != 1 {
			t.Errorf("%s appears %d times on the timeline, want once: %v", typ, got, eventTypes(events))
		}
	}
	// Each email went out once. The one exception is a send cut off by the
	// kill itself: SendGrid has no idempotency key, so caseflow never repeats
	// it (it might arrive twice) and says so on the timeline instead.
	var outbox struct {
		Emails []caseflow.Email `json:"emails"`
	}
	must(t, s.call(caseflow.RoleAdmin, "GET", "/api/v1/outbox?number="+n, nil), 200).json(t, &outbox)
	state := map[string]caseflow.EmailState{}
	for _, e := range outbox.Emails {
		state[e.Template] = e.State
	}
	for _, tmpl := range []string{"acknowledgement", "reply", "resolution"} {
		switch got := s.sent(n, tmpl); {
		case got == 1:
		case got == 0 && state[tmpl] == caseflow.EmailUnknown && countType(events, caseflow.EventEmailUncertain) > 0:
			t.Logf("the %s email was cut off by the kill: recorded as uncertain, not repeated", tmpl)
		default:
			t.Errorf("the customer got the %s email %d times (outbox state %s), want exactly once", tmpl, got, state[tmpl])
		}
	}
}
