package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"caseflow/postgres"
)

// metricsStore is what the service metrics need from Postgres.
type metricsStore interface {
	ServiceMetrics(ctx context.Context, q postgres.MetricsQuery) (postgres.ServiceReport, error)
}

const (
	// defaultMetricsRange is the period when from is not given.
	defaultMetricsRange = 30 * 24 * time.Hour
	// maxPeriods bounds how many days or weeks one report breaks into.
	maxPeriods = 400
)

// serviceMetrics is GET /metrics/service?from=&to=&group=day|week: the SPEC's
// service metrics for [from, to) (the last 30 days by default), overall, by
// channel, by priority and by day or week in the policy's time zone. The
// definitions are in package postgres, where they are computed.
func (s *Server) serviceMetrics(c echo.Context) error {
	q := newQuery(c, "from", "to", "group")
	to := queryTime(q, "to", s.now())
	from := queryTime(q, "from", to.Add(-defaultMetricsRange))
	group := queryEnum(q, "group", []string{"day", "week"})
	if group == "" {
		group = "day"
	}
	q.bad.Check(from.Before(to), "from", "must be before to")
	step := 24 * time.Hour
	if group == "week" {
		step *= 7
	}
	if to.Sub(from)/step > maxPeriods {
		q.bad.Add("group", "makes too many periods for this range: use week, or a shorter range")
	}
	if err := q.bad.Err(); err != nil {
		return err
	}
	report, err := s.store.ServiceMetrics(c.Request().Context(), postgres.MetricsQuery{
		From: from, To: to, Group: group, Zone: s.policy.Location(),
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, report)
}

// queryTime is an RFC 3339 parameter, def when absent.
func queryTime(q *query, name string, def time.Time) time.Time {
	v := q.get(name)
	if v == "" {
		return def
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		q.bad.Add(name, "must be an RFC 3339 time such as 2026-11-02T00:00:00-05:00")
		return def
	}
	return t
}

// inboundJSONPage is a page of GET /inbound.
type inboundJSONPage struct {
	Messages   []postgres.InboundMessage `json:"messages"`
	NextCursor string                    `json:"next_cursor"`
}

// listInbound is GET /inbound: emails from the inbound webhook, newest
// first; by default those waiting for review (unknown case or sender,
// unverified, or not handled yet). ?status= names others, comma-separated.
func (s *Server) listInbound(c echo.Context) error {
	q := newQuery(c, "status", "limit", "cursor")
	f := postgres.InboundFilter{
		Statuses: queryEnums(q, "status", postgres.InboundStatuses),
		Limit:    q.limit(),
		Cursor:   q.get("cursor"),
	}
	if err := q.bad.Err(); err != nil {
		return err
	}
	if len(f.Statuses) == 0 {
		f.Statuses = postgres.InboundReview
	}
	page, err := s.store.ListInbound(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := inboundJSONPage{Messages: page.Messages, NextCursor: page.NextCursor}
	if out.Messages == nil {
		out.Messages = []postgres.InboundMessage{}
	}
	return c.JSON(http.StatusOK, out)
}
