package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"caseflow"
	"caseflow/activities"
	"caseflow/policy"
	"caseflow/postgres"
	"caseflow/postgres/pgtest"
	"caseflow/sla"
	"caseflow/worker"
	"caseflow/workflows"
)

// quiet keeps the test environment's debug chatter out of test output.
var quiet = log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))

// ny is the seed policy's zone; tests speak New York wall-clock time.
var ny, _ = time.LoadLocation("America/New_York")

// tuesday10 is Tuesday 1 December 2026, 10:00 in New York: a business day.
var tuesday10 = time.Date(2026, 12, 1, 10, 0, 0, 0, ny)

var (
	alice = caseflow.User{ID: 1, Name: "Alice Agent", Email: "alice@example.com", Role: caseflow.RoleAgent}
	tom   = caseflow.User{ID: 2, Name: "Tom Lead", Email: "tom@example.com", Role: caseflow.RoleTeamLead}
	sue   = caseflow.User{ID: 3, Name: "Sue Visor", Email: "sue@example.com", Role: caseflow.RoleSupervisor}
	max   = caseflow.User{ID: 4, Name: "Max Manager", Email: "max@example.com", Role: caseflow.RoleManager}
)

// harness runs one case workflow in the time-skipping test environment with
// the real activities on a fresh Postgres database (no email provider, so
// mail stays in the outbox where the test reads it).
type harness struct {
	t      *testing.T
	env    *testsuite.TestWorkflowEnvironment
	db     *postgres.DB
	policy *policy.Policy
	start  time.Time
	// results of updates, by label
	results map[string]updateResult
	views   map[string]caseflow.Case
}

type updateResult struct {
	c   caseflow.Case
	err error
}

func newHarness(t *testing.T, p *policy.Policy, start time.Time) *harness {
	t.Helper()
	ctx := context.Background()
	db, err := postgres.Open(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	for _, u := range []caseflow.User{alice, tom, sue, max} {
		if _, err := db.CreateUser(ctx, u.Name, u.Email, u.Role, []byte("hash-"+u.Email)); err != nil {
			t.Fatal(err)
		}
	}
	h := &harness{t: t, db: db, policy: p}
	return h.again(start)
}

// again is a new test environment on the same database, starting at start:
// the next run of a case that continued as new, say.
func (h *harness) again(start time.Time) *harness {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(quiet)
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	worker.Register(env, &activities.Activities{Store: h.db, Policy: h.policy, PublicURL: "http://caseflow.test", LinkSecret: []byte("test")})
	return &harness{t: h.t, env: env, db: h.db, policy: h.policy, start: start, results: map[string]updateResult{}, views: map[string]caseflow.Case{}}
}

func mustDuration(t *testing.T, s string) sla.Duration {
	t.Helper()
	d, err := sla.ParseDuration(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func emailIntake(number string) caseflow.Intake {
	return caseflow.Intake{
		Number: number, Channel: caseflow.ChannelEmail, Category: caseflow.CategoryGeneral,
		Customer: caseflow.Customer{Name: "Carla Customer", Email: "carla@example.net"},
		Subject:  "Where is my order?", Description: "It has not arrived.", By: alice,
	}
}

// at sends an update after d of workflow time and keeps its answer under label.
func (h *harness) at(d time.Duration, label, name string, arg any) {
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(name, label, &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { h.results[label] = updateResult{err: err} },
			OnComplete: func(v any, err error) {
				r := updateResult{err: err}
				if c, ok := v.(caseflow.Case); ok {
					r.c = c
				}
				h.results[label] = r
			},
		}, arg)
	}, d)
}

// look queries the case after d of workflow time and keeps it under label.
func (h *harness) look(d time.Duration, label string) {
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(caseflow.QueryCase)
		if err != nil {
			h.t.Errorf("query at %s: %v", label, err)
			return
		}
		var c caseflow.Case
		if err := v.Get(&c); err != nil {
			h.t.Fatal(err)
		}
		h.views[label] = c
	}, d)
}

// run executes the case to its end and checks it ended cleanly.
func (h *harness) run(in workflows.Input) {
	h.t.Helper()
	h.env.ExecuteWorkflow(workflows.Case, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("the case workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("the case workflow failed: %v", err)
	}
}

func (h *harness) result(label string) updateResult {
	h.t.Helper()
	r, ok := h.results[label]
	if !ok {
		h.t.Fatalf("update %q never answered", label)
	}
	return r
}

func (h *harness) ok(label string) caseflow.Case {
	h.t.Helper()
	r := h.result(label)
	if r.err != nil {
		h.t.Fatalf("update %q failed: %v", label, r.err)
	}
	return r.c
}

// rejected checks that an update was refused with the given error code.
func (h *harness) rejected(label, code string) {
	h.t.Helper()
	r := h.result(label)
	var ae *temporal.ApplicationError
	if !errors.As(r.err, &ae) || ae.Type() != code {
		h.t.Fatalf("update %q: want rejection %q, got %v", label, code, r.err)
	}
}

func (h *harness) view(label string) caseflow.Case {
	h.t.Helper()
	c, ok := h.views[label]
	if !ok {
		h.t.Fatalf("no view %q", label)
	}
	return c
}

func (h *harness) timeline(number string) []caseflow.Event {
	h.t.Helper()
	events, err := h.db.Timeline(context.Background(), number)
	if err != nil {
		h.t.Fatal(err)
	}
	for i, e := range events {
		if e.Seq != int64(i+1) {
			h.t.Fatalf("timeline has a gap or a duplicate at %d: seq %d", i, e.Seq)
		}
	}
	return events
}

// events returns the timeline's events of the given types, in order.
func (h *harness) events(number string, types ...caseflow.EventType) []caseflow.Event {
	var out []caseflow.Event
	for _, e := range h.timeline(number) {
		for _, t := range types {
			if e.Type == t {
				out = append(out, e)
			}
		}
	}
	return out
}

func (h *harness) emails(number string) []caseflow.Email {
	h.t.Helper()
	page, err := h.db.ListOutbox(context.Background(), postgres.OutboxFilter{Number: number, Limit: 200})
	if err != nil {
		h.t.Fatal(err)
	}
	// newest first from the store; tests read them in the order sent
	out := make([]caseflow.Email, len(page.Emails))
	for i, e := range page.Emails {
		out[len(out)-1-i] = e
	}
	return out
}

func templates(emails []caseflow.Email, to string) []string {
	var out []string
	for _, e := range emails {
		if to == "" || e.To == to {
			out = append(out, e.Template)
		}
	}
	return out
}

func types(events []caseflow.Event) []caseflow.EventType {
	out := make([]caseflow.EventType, len(events))
	for i, e := range events {
		out[i] = e.Type
	}
	return out
}

func mustAt(t *testing.T, label string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s: got %s, want %s", label, got.In(ny).Format("Mon 2 Jan 15:04:05 MST"), want.In(ny).Format("Mon 2 Jan 15:04:05 MST"))
	}
}

func nyTime(day, hour, minute int) time.Time {
	return time.Date(2026, 12, day, hour, minute, 0, 0, ny)
}

func number(i int) string { return fmt.Sprintf("CS-2026-%06d", i) }

// resolveAt resolves the case at d so the workflow can end.
func (h *harness) resolveAt(d time.Duration) {
	h.at(d, "resolve", caseflow.UpdateResolve, caseflow.Resolve{Resolution: "Sent a replacement", RootCause: "carrier lost the parcel", By: alice})
}
