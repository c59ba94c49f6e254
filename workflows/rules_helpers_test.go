package workflows_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"caseflow"
	"caseflow/postgres"
)

// Helpers for the SLA and escalation rule tests.

// carla is the customer of emailIntake.
const carla = "carla@example.net"

// outboxAt reads the case's outbox after d of workflow time and keeps it
// under label: which emails existed at that moment of the case's life
// (created_at is wall-clock time, meaningless in the time-skipping env).
func (h *harness) outboxAt(d time.Duration, number, label string) {
	h.env.RegisterDelayedCallback(func() {
		page, err := h.db.ListOutbox(context.Background(), postgres.OutboxFilter{Number: number, Limit: 200})
		if err != nil {
			h.t.Errorf("outbox at %s: %v", label, err)
			return
		}
		snapshotsMu.Lock()
		defer snapshotsMu.Unlock()
		h.outboxes()[label] = page.Emails
	}, d)
}

// snapshots holds each harness's outbox snapshots (the harness struct has
// no room for them); tests run in parallel, hence the lock.
var (
	snapshotsMu sync.Mutex
	snapshots   = map[*harness]map[string][]caseflow.Email{}
)

// outboxes is h's snapshots; the caller holds snapshotsMu.
func (h *harness) outboxes() map[string][]caseflow.Email {
	m, ok := snapshots[h]
	if !ok {
		m = map[string][]caseflow.Email{}
		snapshots[h] = m
		h.t.Cleanup(func() {
			snapshotsMu.Lock()
			defer snapshotsMu.Unlock()
			delete(snapshots, h)
		})
	}
	return m
}

func (h *harness) outbox(label string) []caseflow.Email {
	h.t.Helper()
	snapshotsMu.Lock()
	m, ok := h.outboxes()[label]
	snapshotsMu.Unlock()
	if !ok {
		h.t.Fatalf("no outbox snapshot %q", label)
	}
	return m
}

// sent counts the emails of template addressed to to.
func sent(emails []caseflow.Email, template, to string) int {
	n := 0
	for _, e := range emails {
		if e.Template == template && strings.EqualFold(e.To, to) {
			n++
		}
	}
	return n
}

// only fails unless exactly one email of template went to to, and returns it.
func only(t *testing.T, emails []caseflow.Email, template, to string) caseflow.Email {
	t.Helper()
	var found []caseflow.Email
	for _, e := range emails {
		if e.Template == template && strings.EqualFold(e.To, to) {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %s email to %s, got %d (outbox: %s)", template, to, len(found), outboxText(emails))
	}
	return found[0]
}

func outboxText(emails []caseflow.Email) string {
	parts := make([]string, len(emails))
	for i, e := range emails {
		parts[i] = e.Template + "→" + e.To
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// one fails unless events holds exactly one event, and returns it.
func one(t *testing.T, what string, events []caseflow.Event) caseflow.Event {
	t.Helper()
	if len(events) != 1 {
		t.Fatalf("want one %s event, got %d: %+v", what, len(events), events)
	}
	return events[0]
}

// dataTime reads an RFC 3339 time from an event's data.
func dataTime(t *testing.T, e caseflow.Event, key string) time.Time {
	t.Helper()
	s, ok := e.Data[key].(string)
	if !ok {
		t.Fatalf("%s event: data[%q] is %T %v, want a time", e.Type, key, e.Data[key], e.Data[key])
	}
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("%s event: data[%q]: %v", e.Type, key, err)
	}
	return at
}

// dataIs checks event data fields (compared as printed, so JSON numbers and
// typed strings compare with Go values).
func dataIs(t *testing.T, e caseflow.Event, kv ...any) {
	t.Helper()
	for i := 0; i+1 < len(kv); i += 2 {
		key := kv[i].(string)
		if got, want := fmt.Sprint(e.Data[key]), fmt.Sprint(kv[i+1]); got != want {
			t.Errorf("%s event at %s: data[%q] = %s, want %s", e.Type, e.At.In(ny).Format("Mon 15:04"), key, got, want)
		}
	}
}

// escalations is the case's escalated events.
func (h *harness) escalations(number string) []caseflow.Event {
	return h.events(number, caseflow.EventEscalated)
}

func (h *harness) reply(d time.Duration, label string) {
	h.at(d, label, caseflow.UpdateInteraction, caseflow.Interaction{Kind: caseflow.InteractionReply, Body: "We are looking into it.", HandleSeconds: 120, By: alice})
}

func (h *harness) customerReply(d time.Duration, label string) {
	h.at(d, label, caseflow.UpdateCustomerReply, caseflow.CustomerReply{Body: "Any news?", Via: "api", By: alice})
}

// until is the workflow time from the harness's start to t.
func (h *harness) until(t time.Time) time.Duration { return t.Sub(h.start) }
