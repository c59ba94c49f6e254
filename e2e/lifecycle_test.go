package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"caseflow"
)

func TestCaseLifecycleOverHTTP(t *testing.T) {
	s := start(t)

	// Intake is idempotent: the same key twice gives one case and one acknowledgement.
	opened := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases", newCase(caseflow.ChannelPhone), "Idempotency-Key", "call-42"), 201).caseBody(t)
	n := opened.Number
	if !caseflow.ValidNumber(n) || opened.Status != caseflow.StatusAcknowledged || opened.Clocks.FirstResponse.State != caseflow.ClockMet {
		t.Fatalf("opened: %+v", opened)
	}
	again := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases", newCase(caseflow.ChannelPhone), "Idempotency-Key", "call-42"), 200).caseBody(t)
	if again.Number != n {
		t.Fatalf("a repeated intake opened %s, want the same case %s", again.Number, n)
	}
	different := newCase(caseflow.ChannelPhone)
	different["subject"] = "Something else"
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases", different, "Idempotency-Key", "call-42"), 409)

	eventually(t, 10*time.Second, "the acknowledgement email", func() bool { return s.sent(n, "acknowledgement") == 1 })
	ack := s.sendgrid.Messages()[0]
	if ack.To != "carla@example.net" || ack.ReplyTo != "replies+"+n+"@acme.test" || !strings.Contains(ack.Subject, n) ||
		!strings.Contains(ack.Text, "https://cases.acme.test/c/") || ack.CustomArgs["outbox_id"] == "" {
		t.Errorf("acknowledgement as sent: %+v", ack)
	}

	// The agent replies: the customer gets the words, the timeline the handle time.
	reply := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/interactions",
		map[string]any{"kind": "reply", "body": "A replacement ships today.", "handle_seconds": 300}), 200).caseBody(t)
	if reply.Status != caseflow.StatusInProgress || reply.HandleSeconds != 300 {
		t.Errorf("after reply: %s, handle %d", reply.Status, reply.HandleSeconds)
	}
	eventually(t, 10*time.Second, "the reply email", func() bool { return s.sent(n, "reply") == 1 })

	// Roles: QA reads but does not act; only admins read the outbox.
	must(t, s.call(caseflow.RoleQA, "GET", "/api/v1/cases/"+n, nil), 200)
	must(t, s.call(caseflow.RoleQA, "POST", "/api/v1/cases/"+n+"/interactions", map[string]any{"kind": "note", "body": "x"}), 403)
	must(t, s.call(caseflow.RoleAgent, "GET", "/api/v1/outbox", nil), 403)
	must(t, s.call("", "GET", "/api/v1/cases/"+n, nil), 401)

	// Wait and answer: the clocks pause and resume.
	waiting := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/wait", map[string]any{"reason": "Which address should we ship to?"}), 200).caseBody(t)
	if waiting.Status != caseflow.StatusWaitingOnCustomer || !waiting.Clocks.Resolution.Paused {
		t.Errorf("waiting: %s, resolution paused %t", waiting.Status, waiting.Clocks.Resolution.Paused)
	}
	answered := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/customer-reply", map[string]any{"body": "The office address, please."}), 200).caseBody(t)
	if answered.Status != caseflow.StatusInProgress || answered.Clocks.Resolution.Paused {
		t.Errorf("answered: %s, resolution paused %t", answered.Status, answered.Clocks.Resolution.Paused)
	}

	resolved := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/resolve",
		map[string]any{"resolution": "Shipped a replacement to the office", "root_cause": "parcel lost by the carrier"}), 200).caseBody(t)
	if resolved.Status != caseflow.StatusResolved || resolved.ReopenUntil == nil {
		t.Fatalf("resolved: %+v", resolved)
	}

	// A wrong action in the wrong state is a 409 that changes nothing.
	before := s.timeline(n)
	conflict := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/resolve", map[string]any{"resolution": "again", "root_cause": "again"}), 409)
	var eb errorBody
	conflict.json(t, &eb)
	if eb.Error.Code != "conflict" || !strings.Contains(eb.Error.Message, "resolved") {
		t.Errorf("409 body: %+v", eb)
	}
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/wait", map[string]any{"reason": "x"}), 409)
	if after := s.timeline(n); len(after) != len(before) {
		t.Errorf("a refused action changed the timeline: %d events, then %d", len(before), len(after))
	}

	// The reopen window (3 s in this policy) ends and the case closes itself.
	var events []caseflow.Event
	eventually(t, 15*time.Second, "the case to close on its timeline", func() bool {
		events = s.timeline(n)
		return countType(events, caseflow.EventClosed) == 1
	})
	got := eventTypes(events)
	want := []caseflow.EventType{
		caseflow.EventOpened, caseflow.EventPrioritySet, caseflow.EventFirstResponseMet, caseflow.EventAcknowledged,
		caseflow.EventInteraction, caseflow.EventWaitingOnCustomer, caseflow.EventClocksPaused, caseflow.EventCustomerReplied, caseflow.EventClocksResumed,
		caseflow.EventResolved, caseflow.EventClosed,
	}
	if !slices.Equal(got, want) {
		t.Errorf("timeline:\n got %v\nwant %v", got, want)
	}
	// Acting on a finished case is a conflict, not a 500 or a 404.
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/reopen", map[string]any{"reason": "too late"}), 409)

	var outbox struct {
		Emails []caseflow.Email `json:"emails"`
	}
	must(t, s.call(caseflow.RoleAdmin, "GET", "/api/v1/outbox?number="+n, nil), 200).json(t, &outbox)
	var templates []string
	for _, e := range outbox.Emails {
		templates = append(templates, e.Template)
		if e.State != caseflow.EmailSent || e.ProviderID == "" {
			t.Errorf("outbox %s: state %s provider id %q", e.Template, e.State, e.ProviderID)
		}
	}
	slices.Sort(templates)
	if !slices.Equal(templates, []string{"acknowledgement", "reply", "resolution"}) {
		t.Errorf("outbox templates %v", templates)
	}

	// Operators find the case in Temporal by its search attributes.
	eventually(t, 10*time.Second, "the case in Temporal's visibility", func() bool {
		res, err := s.temporal.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("CaseNumber = '%s' AND CaseStatus = 'closed' AND CaseChannel = 'phone' AND CaseTier = 'agent'", n),
		})
		return err == nil && len(res.Executions) == 1
	})
}

func TestBadInputNamesTheField(t *testing.T) {
	s := start(t)
	for _, tc := range []struct {
		name   string
		body   any
		fields []string
	}{
		{"missing everything", map[string]any{}, []string{"channel", "category", "customer.name", "customer.email", "subject"}},
		{"unknown channel and category", map[string]any{"channel": "fax", "category": "misc", "customer": map[string]any{"name": "A", "email": "a@example.net"}, "subject": "s"}, []string{"channel", "category"}},
		{"bad email", map[string]any{"channel": "email", "category": "general", "customer": map[string]any{"name": "A", "email": "not-an-email"}, "subject": "s"}, []string{"customer.email"}},
		{"negative amount and unknown flag", map[string]any{"channel": "email", "category": "billing", "amount": -5, "flags": []string{"angry"}, "customer": map[string]any{"name": "A", "email": "a@example.net"}, "subject": "s"}, []string{"amount", "flags"}},
		{"priority override without a reason", map[string]any{"channel": "email", "category": "general", "priority": "high", "customer": map[string]any{"name": "A", "email": "a@example.net"}, "subject": "s"}, []string{"priority_reason"}},
		{"unknown field", map[string]any{"channel": "email", "category": "general", "customer": map[string]any{"name": "A", "email": "a@example.net"}, "subject": "s", "status": "closed"}, []string{"status"}},
		{"malformed JSON", `{"channel": "email",`, []string{"body"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var eb errorBody
			must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases", tc.body), 400).json(t, &eb)
			for _, f := range tc.fields {
				if _, ok := eb.Error.Details[f]; !ok {
					t.Errorf("details %v do not name %q", eb.Error.Details, f)
				}
			}
		})
	}
	// Nothing half-written: no case exists after all that.
	var page struct {
		Cases []caseflow.Case `json:"cases"`
	}
	must(t, s.call(caseflow.RoleAgent, "GET", "/api/v1/cases", nil), 200).json(t, &page)
	if len(page.Cases) != 0 {
		t.Errorf("bad input left %d cases behind", len(page.Cases))
	}

	n := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases", newCase(caseflow.ChannelEmail)), 201).caseBody(t).Number
	for _, tc := range []struct{ path, body, field string }{
		{"/interactions", `{"kind":"shout","body":"x"}`, "kind"},
		{"/interactions", `{"kind":"reply","body":""}`, "body"},
		{"/interactions", `{"kind":"call","body":"x","handle_seconds":-1}`, "handle_seconds"},
		{"/priority", `{"priority":"urgent","reason":"x"}`, "priority"},
		{"/priority", `{"priority":"high"}`, "reason"},
		{"/resolve", `{"resolution":"done"}`, "root_cause"},
		{"/assign", `{"assignee":"nobody"}`, "assignee"},
	} {
		var eb errorBody
		must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+tc.path, tc.body), 400).json(t, &eb)
		if _, ok := eb.Error.Details[tc.field]; !ok {
			t.Errorf("%s %s: details %v do not name %q", tc.path, tc.body, eb.Error.Details, tc.field)
		}
	}
	must(t, s.call(caseflow.RoleAgent, "GET", "/api/v1/cases/not-a-number", nil), 400)
	must(t, s.call(caseflow.RoleAgent, "GET", "/api/v1/cases/CS-2026-999999", nil), 404)
	must(t, s.call(caseflow.RoleAgent, "GET", "/api/v1/cases?status=lost", nil), 400)
}
