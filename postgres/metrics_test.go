package postgres_test

import (
	"math"
	"testing"
	"time"

	"caseflow"
	"caseflow/policy"
	"caseflow/postgres"
)

var nyc, _ = time.LoadLocation("America/New_York")

// ny is a wall-clock time in New York in November 2026.
func ny(day, hour, minute int) time.Time { return time.Date(2026, 11, day, hour, minute, 0, 0, nyc) }

func ptr[T any](v T) *T { return &v }

// fixture builds one case of the metrics fixture and its timeline.
type fixture struct {
	c      caseflow.Case
	events []caseflow.Event
}

func newFixture(seq int, ch caseflow.Channel, pr caseflow.Priority, created time.Time, version string) *fixture {
	c := caseflow.Case{
		Number: caseflow.CaseNumber(2026, seq), Status: caseflow.StatusInProgress, Priority: pr, Tier: caseflow.TierAgent,
		Channel: ch, Category: caseflow.CategoryGeneral, Customer: caseflow.Customer{Name: "C", Email: "c@example.net"},
		Subject: "s", Flags: []caseflow.Flag{}, CreatedAt: created, UpdatedAt: created, PolicyVersion: version,
	}
	f := &fixture{c: c}
	f.event(created, caseflow.EventOpened, nil)
	return f
}

func (f *fixture) event(at time.Time, typ caseflow.EventType, data map[string]any) {
	seq := int64(len(f.events) + 1)
	f.events = append(f.events, caseflow.Event{Number: f.c.Number, Seq: seq, Type: typ, At: at, Actor: "x@staff.test", Data: data})
	f.c.Version = seq
}

func (f *fixture) interaction(at time.Time, kind caseflow.InteractionKind, handle int) {
	f.event(at, caseflow.EventInteraction, map[string]any{"kind": kind, "body": "b", "handle_seconds": handle})
	f.c.Interactions++
	f.c.HandleSeconds += int64(handle)
}

func (f *fixture) firstResponse(met time.Time, breachedAt *time.Time) {
	clk := &f.c.Clocks.FirstResponse
	clk.MetAt, clk.State, clk.BreachedAt = &met, caseflow.ClockMet, breachedAt
	if breachedAt != nil {
		clk.State = caseflow.ClockBreached
	}
}

func (f *fixture) resolve(at time.Time) {
	f.event(at, caseflow.EventResolved, map[string]any{"resolution": "done"})
	f.c.Status, f.c.ResolvedAt = caseflow.StatusResolved, &at
	clk := &f.c.Clocks.Resolution
	if clk.State != caseflow.ClockBreached {
		clk.State = caseflow.ClockMet
	}
	clk.MetAt = &at
}

func (f *fixture) survey(status caseflow.SurveyStatus, sent time.Time, answered *time.Time, csat, nps int) {
	s := &caseflow.Survey{ID: f.c.Number + "/1", Status: status, SendAt: sent, SentAt: &sent, AnsweredAt: answered}
	if status == caseflow.SurveyAnswered {
		s.CSAT, s.NPS = &csat, &nps
	}
	f.c.Survey = s
}

// The service metrics follow SPEC.md's definitions, checked on eight cases
// whose numbers were worked out by hand (see the comments).
func TestServiceMetricsOnKnownCases(t *testing.T) {
	t.Parallel()
	db, ctx := open(t), t.Context()
	pol := policy.Default() // New York, Monday to Friday 09:00-17:00
	if err := db.SavePolicy(ctx, pol.Version, pol.JSON()); err != nil {
		t.Fatal(err)
	}
	v := pol.Version
	var cases []*fixture

	// C1 email: first response after 1 business hour, one reply, resolved,
	// survey 5 / 10. First-contact resolution.
	c1 := newFixture(1, caseflow.ChannelEmail, caseflow.PriorityNormal, ny(2, 10, 0), v)
	c1.interaction(ny(2, 11, 0), caseflow.InteractionReply, 300)
	c1.firstResponse(ny(2, 11, 0), nil)
	c1.resolve(ny(3, 10, 0))
	c1.survey(caseflow.SurveyAnswered, ny(3, 11, 0), ptr(ny(4, 9, 0)), 5, 10)
	cases = append(cases, c1)

	// C2 phone: answered at intake; a call and an internal note (not an
	// interaction with the customer): still first-contact. Survey 3 / 7.
	c2 := newFixture(2, caseflow.ChannelPhone, caseflow.PriorityHigh, ny(3, 9, 30), v)
	c2.firstResponse(ny(3, 9, 30), nil)
	c2.interaction(ny(3, 9, 40), caseflow.InteractionCall, 600)
	c2.interaction(ny(3, 9, 50), caseflow.InteractionNote, 100)
	c2.resolve(ny(3, 12, 0))
	c2.survey(caseflow.SurveyAnswered, ny(3, 13, 0), ptr(ny(5, 9, 0)), 3, 7)
	cases = append(cases, c2)

	// C3 email: opened Friday 16:00, first reply Monday 10:00 = 2 business
	// hours; two replies; resolved, reopened, resolved again; survey expired.
	c3 := newFixture(3, caseflow.ChannelEmail, caseflow.PriorityNormal, ny(6, 16, 0), v)
	c3.interaction(ny(9, 10, 0), caseflow.InteractionReply, 200)
	c3.firstResponse(ny(9, 10, 0), nil)
	c3.interaction(ny(9, 14, 0), caseflow.InteractionReply, 400)
	c3.resolve(ny(9, 15, 0))
	c3.event(ny(9, 17, 0), caseflow.EventReopened, map[string]any{"reason": "not fixed"})
	c3.c.Reopened = 1
	c3.resolve(ny(10, 10, 0))
	c3.survey(caseflow.SurveyExpired, ny(10, 11, 0), nil, 0, 0)
	cases = append(cases, c3)

	// C4 chat: answered at intake, escalated, resolution breached, open.
	c4 := newFixture(4, caseflow.ChannelChat, caseflow.PriorityMedium, ny(11, 10, 0), v)
	c4.firstResponse(ny(11, 10, 0), nil)
	c4.event(ny(11, 12, 0), caseflow.EventEscalated, map[string]any{"from": "agent", "to": "team_lead"})
	c4.c.Status, c4.c.Tier = caseflow.StatusEscalated, caseflow.TierTeamLead
	c4.c.Clocks.Resolution.State, c4.c.Clocks.Resolution.BreachedAt = caseflow.ClockBreached, ptr(ny(12, 10, 0))
	cases = append(cases, c4)

	// C5 email, critical: routed to a manager at intake (not an escalation);
	// first response breached at 13:00, made at 14:00 = 5 business hours.
	c5 := newFixture(5, caseflow.ChannelEmail, caseflow.PriorityCritical, ny(12, 9, 0), v)
	c5.event(ny(12, 9, 0), caseflow.EventRouted, map[string]any{"tier": "manager"})
	c5.c.Tier = caseflow.TierManager
	c5.interaction(ny(12, 14, 0), caseflow.InteractionReply, 500)
	c5.firstResponse(ny(12, 14, 0), ptr(ny(12, 13, 0)))
	c5.c.Clocks.Resolution.State = caseflow.ClockRunning
	cases = append(cases, c5)

	// C6 email: one reply after 1 business hour, then auto-resolved: not
	// first-contact resolution, not surveyed.
	c6 := newFixture(6, caseflow.ChannelEmail, caseflow.PriorityNormal, ny(2, 13, 0), v)
	c6.interaction(ny(2, 14, 0), caseflow.InteractionReply, 100)
	c6.firstResponse(ny(2, 14, 0), nil)
	c6.resolve(ny(13, 9, 0))
	c6.c.AutoResolved = true
	cases = append(cases, c6)

	// C7 web form: opened (and answered) before the period, resolved in it
	// with no interaction: first-contact resolution.
	c7 := newFixture(7, caseflow.ChannelWebForm, caseflow.PriorityNormal, time.Date(2026, 10, 30, 10, 0, 0, 0, nyc), v)
	c7.firstResponse(time.Date(2026, 10, 30, 11, 0, 0, 0, nyc), nil)
	c7.resolve(ny(3, 14, 0))
	c7.c.Status = caseflow.StatusClosed
	cases = append(cases, c7)

	// C8 email: opened after the period; only the backlog counts it.
	c8 := newFixture(8, caseflow.ChannelEmail, caseflow.PriorityNormal, ny(20, 10, 0), v)
	c8.c.Status = caseflow.StatusAcknowledged
	cases = append(cases, c8)

	for _, f := range cases {
		if err := db.ApplyEvents(ctx, f.c, f.events); err != nil {
			t.Fatal(err)
		}
	}

	r, err := db.ServiceMetrics(ctx, postgres.MetricsQuery{From: ny(2, 0, 0), To: ny(16, 0, 0), Group: "week", Zone: nyc})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("overall", func(t *testing.T) {
		m := r.Overall
		wantInt(t, "cases opened (C1-C6)", m.CasesOpened, 6)
		wantInt(t, "cases resolved (C1 C2 C3 C6 C7)", m.CasesResolved, 5)
		wantRate(t, "FCR: C1 C2 C7 of C1 C2 C3 C6 C7", m.FCR, 3, 5)
		wantRate(t, "CSAT: C1 of C1 C2", m.CSAT, 1, 2)
		wantFloat(t, "NPS: one promoter, one passive", m.NPS.Score, 50)
		wantInt(t, "NPS promoters", m.NPS.Promoters, 1)
		wantInt(t, "NPS passives", m.NPS.Passives, 1)
		wantInt(t, "NPS detractors", m.NPS.Detractors, 0)
		wantRate(t, "survey response: C1 C2 of C1 C2 C3", m.SurveyResponseRate, 2, 3)
		wantMean(t, "AHT: (300+600+200+400+500+100)/6, the note left out", m.AHT, 350, 6)
		wantMean(t, "first response: (3600+0+7200+0+18000+3600)/6 business seconds", m.FirstResponseTime, 5400, 6)
		wantRate(t, "SLA first response: C5 breached", m.SLA.FirstResponse, 5, 6)
		wantRate(t, "SLA resolution: C4 breached", m.SLA.Resolution, 5, 6)
		wantRate(t, "escalation: C4 of C1-C6", m.EscalationRate, 1, 6)
		wantRate(t, "reopen: C3's first resolution of six", m.ReopenRate, 1, 6)
		b := m.Backlog
		if b == nil || b.Total != 3 || b.ByStatus[caseflow.StatusEscalated] != 1 || b.ByStatus[caseflow.StatusInProgress] != 1 ||
			b.ByStatus[caseflow.StatusAcknowledged] != 1 || b.ByTier[caseflow.TierAgent] != 1 || b.ByTier[caseflow.TierTeamLead] != 1 ||
			b.ByTier[caseflow.TierManager] != 1 {
			t.Errorf("backlog = %+v, want C4 escalated/team_lead, C5 in_progress/manager, C8 acknowledged/agent", b)
		}
	})

	t.Run("by period", func(t *testing.T) {
		if len(r.ByPeriod) != 2 || !r.ByPeriod[0].Start.Equal(ny(2, 0, 0)) || !r.ByPeriod[1].Start.Equal(ny(9, 0, 0)) {
			t.Fatalf("periods = %+v, want the weeks of 2 and 9 November", r.ByPeriod)
		}
		w1, w2 := r.ByPeriod[0].Metrics, r.ByPeriod[1].Metrics
		wantInt(t, "week 1 opened", w1.CasesOpened, 4)
		wantRate(t, "week 1 FCR: C1 C2 C7", w1.FCR, 3, 3)
		wantRate(t, "week 1 CSAT", w1.CSAT, 1, 2)
		wantMean(t, "week 1 AHT (300+600+100)/3", w1.AHT, 1000.0/3, 3)
		wantMean(t, "week 1 first response (3600+0+3600)/3", w1.FirstResponseTime, 2400, 3)
		wantRate(t, "week 1 reopen", w1.ReopenRate, 0, 3)
		wantRate(t, "week 1 escalation", w1.EscalationRate, 0, 4)
		wantInt(t, "week 2 opened", w2.CasesOpened, 2)
		wantRate(t, "week 2 FCR: C3 reopened, C6 auto-resolved", w2.FCR, 0, 2)
		if w2.CSAT.Rate != nil || w2.NPS.Score != nil {
			t.Errorf("week 2 has no answers: CSAT %+v NPS %+v", w2.CSAT, w2.NPS)
		}
		wantRate(t, "week 2 survey response: C3 expired", w2.SurveyResponseRate, 0, 1)
		wantMean(t, "week 2 AHT (200+400+500)/3", w2.AHT, 1100.0/3, 3)
		wantMean(t, "week 2 first response (7200+0+18000)/3", w2.FirstResponseTime, 8400, 3)
		wantRate(t, "week 2 SLA first response", w2.SLA.FirstResponse, 2, 3)
		wantRate(t, "week 2 SLA resolution", w2.SLA.Resolution, 2, 3)
		wantRate(t, "week 2 escalation", w2.EscalationRate, 1, 2)
		wantRate(t, "week 2 reopen", w2.ReopenRate, 1, 3)
		if w1.Backlog != nil {
			t.Errorf("a period has a backlog: %+v", w1.Backlog)
		}
	})

	t.Run("by channel and priority", func(t *testing.T) {
		e := r.ByChannel[caseflow.ChannelEmail]
		wantInt(t, "email opened", e.CasesOpened, 4)
		wantRate(t, "email FCR: C1 of C1 C3 C6", e.FCR, 1, 3)
		wantRate(t, "email CSAT", e.CSAT, 1, 1)
		wantMean(t, "email AHT (300+200+400+500+100)/5", e.AHT, 300, 5)
		wantMean(t, "email first response (3600+7200+18000+3600)/4", e.FirstResponseTime, 8100, 4)
		wantRate(t, "email SLA first response", e.SLA.FirstResponse, 3, 4)
		if e.Backlog == nil || e.Backlog.Total != 2 {
			t.Errorf("email backlog = %+v, want C5 and C8", e.Backlog)
		}
		wantRate(t, "phone FCR", r.ByChannel[caseflow.ChannelPhone].FCR, 1, 1)
		wantInt(t, "social opened", r.ByChannel[caseflow.ChannelSocial].CasesOpened, 0)
		n := r.ByPriority[caseflow.PriorityNormal]
		wantRate(t, "normal FCR: C1 C7 of C1 C3 C6 C7", n.FCR, 2, 4)
		wantRate(t, "critical SLA first response", r.ByPriority[caseflow.PriorityCritical].SLA.FirstResponse, 0, 1)
		wantRate(t, "medium escalation", r.ByPriority[caseflow.PriorityMedium].EscalationRate, 1, 1)
	})

	t.Run("bad query", func(t *testing.T) {
		_, err := db.ServiceMetrics(ctx, postgres.MetricsQuery{From: ny(16, 0, 0), To: ny(2, 0, 0), Group: "month"})
		e := wantCode(t, err, caseflow.EINVALID)
		if e.Details["group"] == "" || e.Details["from"] == "" {
			t.Errorf("details %v should name group and from", e.Details)
		}
	})
}

// business_seconds in SQL agrees with the calendar the workflow uses, across
// a weekend, a holiday, out-of-hours starts and both DST changes.
func TestBusinessSecondsMatchesCalendar(t *testing.T) {
	t.Parallel()
	db, ctx := open(t), t.Context()
	pol := policy.Default()
	if err := db.SavePolicy(ctx, pol.Version, pol.JSON()); err != nil {
		t.Fatal(err)
	}
	cal := pol.Calendar()
	d := func(y int, m time.Month, day, h, min int) time.Time { return time.Date(y, m, day, h, min, 0, 0, nyc) }
	for _, tc := range []struct {
		name string
		a, b time.Time
	}{
		{"same hour", d(2026, 11, 2, 10, 0), d(2026, 11, 2, 10, 30)},
		{"over a weekend", d(2026, 11, 6, 16, 0), d(2026, 11, 9, 10, 0)},
		{"opened at night", d(2026, 11, 3, 22, 0), d(2026, 11, 4, 9, 30)},
		{"Christmas", d(2026, 12, 24, 15, 0), d(2026, 12, 28, 11, 0)},
		{"spring forward", d(2026, 3, 6, 12, 0), d(2026, 3, 9, 12, 0)},
		{"fall back", d(2026, 10, 30, 12, 0), d(2026, 11, 2, 12, 0)},
		{"a month", d(2026, 11, 1, 0, 0), d(2026, 12, 1, 0, 0)},
		{"backwards", d(2026, 11, 2, 12, 0), d(2026, 11, 2, 10, 0)},
	} {
		got, err := db.BusinessSeconds(ctx, pol.Version, tc.a, tc.b)
		if err != nil {
			t.Fatal(err)
		}
		want := max(cal.Between(tc.a, tc.b), 0).Seconds()
		if got != want {
			t.Errorf("%s: SQL %v s, calendar %v s", tc.name, got, want)
		}
	}
	// An unknown version counts elapsed time.
	if got, err := db.BusinessSeconds(ctx, "no-such-version", d(2026, 11, 7, 10, 0), d(2026, 11, 7, 11, 0)); err != nil || got != 3600 {
		t.Errorf("unknown version: %v, %v; want 3600 elapsed seconds", got, err)
	}
}

func wantInt(t *testing.T, what string, got, want int64) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %d, want %d", what, got, want)
	}
}

func wantRate(t *testing.T, what string, got postgres.Rate, count, of int64) {
	t.Helper()
	if got.Count != count || got.Of != of || (of > 0 && (got.Rate == nil || math.Abs(*got.Rate-float64(count)/float64(of)) > 1e-9)) || (of == 0 && got.Rate != nil) {
		t.Errorf("%s = %d of %d (rate %v), want %d of %d", what, got.Count, got.Of, deref(got.Rate), count, of)
	}
}

func wantMean(t *testing.T, what string, got postgres.Mean, seconds float64, count int64) {
	t.Helper()
	if got.Count != count || got.Seconds == nil || math.Abs(*got.Seconds-seconds) > 1e-6 {
		t.Errorf("%s = %v s over %d, want %v s over %d", what, deref(got.Seconds), got.Count, seconds, count)
	}
}

func wantFloat(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if got == nil || math.Abs(*got-want) > 1e-9 {
		t.Errorf("%s = %v, want %v", what, deref(got), want)
	}
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func TestServiceMetricsOfNothing(t *testing.T) {
	t.Parallel()
	db, ctx := open(t), t.Context()
	r, err := db.ServiceMetrics(ctx, postgres.MetricsQuery{From: ny(2, 0, 0), To: ny(4, 0, 0), Group: "day", Zone: nyc})
	if err != nil {
		t.Fatal(err)
	}
	if r.Overall.FCR.Rate != nil || r.Overall.NPS.Score != nil || r.Overall.AHT.Seconds != nil || r.Overall.Backlog == nil ||
		r.Overall.Backlog.Total != 0 || len(r.ByPeriod) != 2 || len(r.ByChannel) != len(caseflow.Channels) ||
		r.SOPExceptions == nil || len(r.SOPExceptions) != 0 {
		t.Errorf("metrics of an empty database: %+v", r)
	}
}
