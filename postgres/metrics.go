package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"caseflow"

	"github.com/jackc/pgx/v5"
)

// Service metrics, as SPEC.md defines them, computed in SQL from the read
// model (each case's view) and the timeline. Every metric is a sum of
// observations, each dated by the moment that decides it, so the same query
// answers overall, by channel, by priority and by period:
//
//   - FCR: cases resolved in the period (by resolved_at) with at most one
//     agent interaction with the customer (reply, call or chat: internal
//     notes are not interactions), never reopened and not auto-resolved,
//     ÷ cases resolved in the period.
//   - CSAT: survey answers of 4 or 5 ÷ answers (by answered_at).
//   - NPS: % promoters (9–10) − % detractors (0–6) of answers (by answered_at).
//   - AHT: mean handle_seconds of agent interactions with the customer (by
//     the interaction's time).
//   - First-response time: mean business seconds from intake to the first
//     response, under the calendar of the policy the case pinned (by when
//     the first response was made; live channels answer at intake: 0).
//   - SLA attainment per target: clocks met on time ÷ clocks decided (met
//     or breached), dated by when they were met or breached.
//   - Escalation rate: cases opened in the period that were escalated at
//     least once ÷ cases opened (a start above the agent tier at intake is
//     routing, not an escalation).
//   - Reopen rate: resolutions in the period later reopened ÷ resolutions.
//   - Survey response rate: surveys sent in the period (and not withdrawn by
//     a reopen) that were answered ÷ surveys sent.
//   - Backlog: open cases now, by status and by tier (not by period).
//
// A case is counted under its current channel and priority.

// MetricsQuery selects the period of ServiceMetrics.
type MetricsQuery struct {
	From, To time.Time // [From, To)
	// Group is the period of ByPeriod: "day" or "week" (weeks start on Monday).
	Group string
	// Zone is where days and weeks begin: the policy's time zone.
	Zone *time.Location
}

// Rate is a share: Count of Of, and Rate = Count ÷ Of (null when Of is 0).
type Rate struct {
	Count int64    `json:"count"`
	Of    int64    `json:"of"`
	Rate  *float64 `json:"rate"`
}

// Mean is an average in seconds over Count observations (null when none).
type Mean struct {
	Seconds *float64 `json:"seconds"`
	Count   int64    `json:"count"`
}

// NPS is a Net Promoter Score from -100 to 100 (null without answers).
type NPS struct {
	Score      *float64 `json:"score"`
	Promoters  int64    `json:"promoters"`
	Passives   int64    `json:"passives"`
	Detractors int64    `json:"detractors"`
	Answers    int64    `json:"answers"`
}

// SLAAttainment is the share of each promise met on time.
type SLAAttainment struct {
	FirstResponse Rate `json:"first_response"`
	Resolution    Rate `json:"resolution"`
}

// Backlog counts open cases.
type Backlog struct {
	Total    int64                     `json:"total"`
	ByStatus map[caseflow.Status]int64 `json:"by_status"`
	ByTier   map[caseflow.Tier]int64   `json:"by_tier"`
}

// Metrics is one set of service metrics.
type Metrics struct {
	CasesOpened        int64         `json:"cases_opened"`
	CasesResolved      int64         `json:"cases_resolved"`
	FCR                Rate          `json:"fcr"`
	CSAT               Rate          `json:"csat"`
	NPS                NPS           `json:"nps"`
	AHT                Mean          `json:"aht"`
	FirstResponseTime  Mean          `json:"first_response_time"`
	SLA                SLAAttainment `json:"sla_attainment"`
	EscalationRate     Rate          `json:"escalation_rate"`
	ReopenRate         Rate          `json:"reopen_rate"`
	SurveyResponseRate Rate          `json:"survey_response_rate"`
	// Backlog is the open cases now; absent from periods.
	Backlog *Backlog `json:"backlog,omitempty"`
}

// PeriodMetrics is the metrics of one day or week.
type PeriodMetrics struct {
	Start time.Time `json:"start"`
	Metrics
}

// ServiceReport is every metric overall and broken down.
type ServiceReport struct {
	From       time.Time                      `json:"from"`
	To         time.Time                      `json:"to"`
	Group      string                         `json:"group"`
	Timezone   string                         `json:"timezone"`
	Overall    Metrics                        `json:"overall"`
	ByChannel  map[caseflow.Channel]*Metrics  `json:"by_channel"`
	ByPriority map[caseflow.Priority]*Metrics `json:"by_priority"`
	ByPeriod   []*PeriodMetrics               `json:"by_period"`
	// SOPExceptions counts the exceptions asked for in the period by kind,
	// most frequent first: a kind that keeps coming back signals a
	// procedure that needs revising.
	SOPExceptions []ExceptionCount `json:"sop_exceptions"`
}

// observations are the facts each metric sums, one row per fact: the case's
// channel and priority, when it counts, and its numerator and denominator.
const observations = `
WITH cs AS (
	SELECT number, channel, priority, created_at, view FROM cases
),
customer_interactions AS (
	SELECT number, at, coalesce((data ->> 'handle_seconds')::double precision, 0) AS handle
	FROM events WHERE type = 'interaction' AND data ->> 'kind' IN ('reply', 'call', 'chat')
),
obs (metric, channel, priority, at, num, den) AS (
	SELECT 'opened', channel, priority, created_at, 1, 0 FROM cs
	UNION ALL
	SELECT 'escalation', channel, priority, created_at,
		(EXISTS (SELECT 1 FROM events e WHERE e.number = cs.number AND e.type = 'escalated'))::int, 1
	FROM cs
	UNION ALL
	SELECT 'fcr', channel, priority, (view ->> 'resolved_at')::timestamptz,
		(NOT coalesce((view ->> 'auto_resolved')::boolean, false)
			AND coalesce((view ->> 'reopened')::int, 0) = 0
			AND (SELECT count(*) FROM customer_interactions i WHERE i.number = cs.number) <= 1)::int, 1
	FROM cs WHERE view ->> 'resolved_at' IS NOT NULL AND view ->> 'status' IN ('resolved', 'closed')
	UNION ALL
	SELECT m.metric, channel, priority, (view -> 'survey' ->> 'answered_at')::timestamptz, m.num, 1
	FROM cs, LATERAL (VALUES
		('csat', ((view -> 'survey' ->> 'csat')::int >= 4)::int),
		('nps', CASE WHEN (view -> 'survey' ->> 'nps')::int >= 9 THEN 1 WHEN (view -> 'survey' ->> 'nps')::int <= 6 THEN -1 ELSE 0 END),
		('nps_promoters', ((view -> 'survey' ->> 'nps')::int >= 9)::int),
		('nps_detractors', ((view -> 'survey' ->> 'nps')::int <= 6)::int)
	) AS m (metric, num)
	WHERE view -> 'survey' ->> 'status' = 'answered' AND view -> 'survey' ->> 'csat' IS NOT NULL
		AND view -> 'survey' ->> 'nps' IS NOT NULL
	UNION ALL
	SELECT 'survey_response', channel, priority, (view -> 'survey' ->> 'sent_at')::timestamptz,
		(view -> 'survey' ->> 'status' = 'answered')::int, 1
	FROM cs WHERE view -> 'survey' ->> 'sent_at' IS NOT NULL AND view -> 'survey' ->> 'status' <> 'cancelled'
	UNION ALL
	SELECT 'aht', cs.channel, cs.priority, i.at, i.handle, 1
	FROM customer_interactions i JOIN cs USING (number)
	UNION ALL
	SELECT 'first_response_time', cs.channel, cs.priority, (cs.view -> 'clocks' -> 'first_response' ->> 'met_at')::timestamptz,
		business_seconds(p.body::jsonb, cs.created_at, (cs.view -> 'clocks' -> 'first_response' ->> 'met_at')::timestamptz), 1
	FROM cs LEFT JOIN policies p ON p.version = cs.view ->> 'policy_version'
	WHERE cs.view -> 'clocks' -> 'first_response' ->> 'met_at' IS NOT NULL
	UNION ALL
	SELECT k.metric, channel, priority,
		CASE k.clock ->> 'state' WHEN 'met' THEN (k.clock ->> 'met_at')::timestamptz ELSE (k.clock ->> 'breached_at')::timestamptz END,
		(k.clock ->> 'state' = 'met')::int, 1
	FROM cs, LATERAL (VALUES
		('sla_first_response', view -> 'clocks' -> 'first_response'),
		('sla_resolution', view -> 'clocks' -> 'resolution')
	) AS k (metric, clock)
	WHERE k.clock ->> 'state' IN ('met', 'breached')
	UNION ALL
	SELECT 'reopen', cs.channel, cs.priority, r.at,
		(EXISTS (SELECT 1 FROM events o WHERE o.number = r.number AND o.type = 'reopened' AND o.seq > r.seq))::int, 1
	FROM events r JOIN cs USING (number) WHERE r.type = 'resolved'
)
SELECT metric, channel, priority, period, GROUPING(channel, priority, period),
	sum(num)::double precision, sum(den)::double precision, count(*)
FROM (SELECT *, date_trunc($3, at, $4) AS period FROM obs WHERE at >= $1 AND at < $2) o
GROUP BY GROUPING SETS ((metric), (metric, channel), (metric, priority), (metric, period))`

// Which grouping set a row belongs to: GROUPING's bits are set for the
// columns left out, channel highest.
const (
	grpOverall  = 0b111
	grpChannel  = 0b011
	grpPriority = 0b101
	grpPeriod   = 0b110
)

// ServiceMetrics computes the service metrics of q's period.
func (db *DB) ServiceMetrics(ctx context.Context, q MetricsQuery) (ServiceReport, error) {
	if q.Zone == nil {
		q.Zone = time.UTC
	}
	f := caseflow.Fields{}
	f.Check(q.Group == "day" || q.Group == "week", "group", "must be day or week")
	f.Check(q.From.Before(q.To), "from", "must be before to")
	if err := f.Err(); err != nil {
		return ServiceReport{}, err
	}
	r := ServiceReport{
		From: q.From, To: q.To, Group: q.Group, Timezone: q.Zone.String(),
		ByChannel: map[caseflow.Channel]*Metrics{}, ByPriority: map[caseflow.Priority]*Metrics{},
	}
	for _, ch := range caseflow.Channels {
		r.ByChannel[ch] = &Metrics{}
	}
	for _, p := range caseflow.Priorities {
		r.ByPriority[p] = &Metrics{}
	}
	periods := map[int64]*PeriodMetrics{}
	for start := periodStart(q.From, q.Group, q.Zone); start.Before(q.To); start = nextPeriod(start, q.Group) {
		p := &PeriodMetrics{Start: start}
		r.ByPeriod = append(r.ByPeriod, p)
		periods[start.Unix()] = p
	}

	rows, err := db.pool.Query(ctx, observations, q.From, q.To, q.Group, q.Zone.String())
	if err != nil {
		return ServiceReport{}, fmt.Errorf("postgres: service metrics: %w", err)
	}
	type row struct {
		metric, channel, priority *string
		period                    *time.Time
		grp                       int
		num, den                  float64
		n                         int64
	}
	found, err := pgx.CollectRows(rows, func(rw pgx.CollectableRow) (row, error) {
		var x row
		err := rw.Scan(&x.metric, &x.channel, &x.priority, &x.period, &x.grp, &x.num, &x.den, &x.n)
		return x, err
	})
	if err != nil {
		return ServiceReport{}, fmt.Errorf("postgres: service metrics: %w", err)
	}
	for _, x := range found {
		var m *Metrics
		switch {
		case x.grp == grpOverall:
			m = &r.Overall
		case x.grp == grpChannel && x.channel != nil:
			ch := caseflow.Channel(*x.channel)
			if r.ByChannel[ch] == nil {
				r.ByChannel[ch] = &Metrics{}
			}
			m = r.ByChannel[ch]
		case x.grp == grpPriority && x.priority != nil:
			pr := caseflow.Priority(*x.priority)
			if r.ByPriority[pr] == nil {
				r.ByPriority[pr] = &Metrics{}
			}
			m = r.ByPriority[pr]
		case x.grp == grpPeriod && x.period != nil:
			p := periods[x.period.Unix()]
			if p == nil { // cannot happen: periods cover [From, To)
				continue
			}
			m = &p.Metrics
		default:
			continue
		}
		m.add(*x.metric, x.num, x.den, x.n)
	}
	for _, m := range r.all() {
		m.finish()
	}

	if err := db.backlog(ctx, &r); err != nil {
		return ServiceReport{}, err
	}
	if r.SOPExceptions, err = db.ExceptionCounts(ctx, q.From, q.To); err != nil {
		return ServiceReport{}, err
	}
	if r.SOPExceptions == nil {
		r.SOPExceptions = []ExceptionCount{}
	}
	return r, nil
}

// add folds one metric's sums into m.
func (m *Metrics) add(metric string, num, den float64, n int64) {
	rate := func(r *Rate) { r.Count, r.Of = int64(num), int64(den) }
	mean := func(x *Mean) {
		x.Count = int64(den)
		if den > 0 {
			x.Seconds = new(num / den)
		}
	}
	switch metric {
	case "opened":
		m.CasesOpened = n
	case "escalation":
		rate(&m.EscalationRate)
	case "fcr":
		rate(&m.FCR)
		m.CasesResolved = int64(den)
	case "csat":
		rate(&m.CSAT)
	case "nps":
		m.NPS.Answers = int64(den)
	case "nps_promoters":
		m.NPS.Promoters = int64(num)
	case "nps_detractors":
		m.NPS.Detractors = int64(num)
	case "survey_response":
		rate(&m.SurveyResponseRate)
	case "aht":
		mean(&m.AHT)
	case "first_response_time":
		mean(&m.FirstResponseTime)
	case "sla_first_response":
		rate(&m.SLA.FirstResponse)
	case "sla_resolution":
		rate(&m.SLA.Resolution)
	case "reopen":
		rate(&m.ReopenRate)
	}
}

// finish computes the ratios from the counts.
func (m *Metrics) finish() {
	for _, r := range []*Rate{&m.FCR, &m.CSAT, &m.EscalationRate, &m.ReopenRate, &m.SurveyResponseRate, &m.SLA.FirstResponse, &m.SLA.Resolution} {
		if r.Of > 0 {
			r.Rate = new(float64(r.Count) / float64(r.Of))
		}
	}
	n := &m.NPS
	n.Passives = n.Answers - n.Promoters - n.Detractors
	if n.Answers > 0 {
		n.Score = new(100 * float64(n.Promoters-n.Detractors) / float64(n.Answers))
	}
}

func (r *ServiceReport) all() []*Metrics {
	out := []*Metrics{&r.Overall}
	for _, ch := range caseflow.Channels {
		out = append(out, r.ByChannel[ch])
	}
	for _, p := range caseflow.Priorities {
		out = append(out, r.ByPriority[p])
	}
	for _, p := range r.ByPeriod {
		out = append(out, &p.Metrics)
	}
	return slices.DeleteFunc(out, func(m *Metrics) bool { return m == nil })
}

// backlog counts the open cases now, overall, by channel and by priority.
func (db *DB) backlog(ctx context.Context, r *ServiceReport) error {
	closed := strs([]caseflow.Status{caseflow.StatusResolved, caseflow.StatusClosed})
	rows, _ := db.pool.Query(ctx, `SELECT channel, priority, status, tier, count(*) FROM cases
		WHERE status <> ALL($1) GROUP BY channel, priority, status, tier`, closed)
	type row struct {
		channel, priority, status, tier string
		n                               int64
	}
	found, err := pgx.CollectRows(rows, func(rw pgx.CollectableRow) (row, error) {
		var x row
		err := rw.Scan(&x.channel, &x.priority, &x.status, &x.tier, &x.n)
		return x, err
	})
	if err != nil {
		return fmt.Errorf("postgres: backlog: %w", err)
	}
	newBacklog := func() *Backlog {
		b := &Backlog{ByStatus: map[caseflow.Status]int64{}, ByTier: map[caseflow.Tier]int64{}}
		for _, s := range caseflow.Statuses {
			if s.Open() {
				b.ByStatus[s] = 0
			}
		}
		for _, t := range caseflow.Tiers {
			b.ByTier[t] = 0
		}
		return b
	}
	r.Overall.Backlog = newBacklog()
	for _, m := range r.ByChannel {
		m.Backlog = newBacklog()
	}
	for _, m := range r.ByPriority {
		m.Backlog = newBacklog()
	}
	for _, x := range found {
		for _, m := range []*Metrics{&r.Overall, r.ByChannel[caseflow.Channel(x.channel)], r.ByPriority[caseflow.Priority(x.priority)]} {
			if m == nil {
				continue // a channel or priority this version does not know
			}
			m.Backlog.Total += x.n
			m.Backlog.ByStatus[caseflow.Status(x.status)] += x.n
			m.Backlog.ByTier[caseflow.Tier(x.tier)] += x.n
		}
	}
	return nil
}

// periodStart is the start of the day or week (Monday) holding t, in zone.
func periodStart(t time.Time, group string, zone *time.Location) time.Time {
	t = t.In(zone)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, zone)
	if group == "week" {
		day = time.Date(t.Year(), t.Month(), t.Day()-(int(t.Weekday())+6)%7, 0, 0, 0, 0, zone)
	}
	return day
}

func nextPeriod(start time.Time, group string) time.Time {
	if group == "week" {
		return start.AddDate(0, 0, 7)
	}
	return start.AddDate(0, 0, 1)
}

// BusinessSeconds is the business time from a to b under the calendar of the
// registered policy version, measured in SQL as ServiceMetrics measures
// first responses (elapsed time for a version that is not registered).
func (db *DB) BusinessSeconds(ctx context.Context, version string, a, b time.Time) (float64, error) {
	var s float64
	err := db.pool.QueryRow(ctx,
		`SELECT business_seconds((SELECT body::jsonb FROM policies WHERE version = $1), $2, $3)`, version, a, b).Scan(&s)
	if err != nil {
		return 0, fmt.Errorf("postgres: business seconds: %w", err)
	}
	return s, nil
}
