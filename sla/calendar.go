// Package sla is the business calendar: business hours per weekday in one time
// zone, holidays, or "always"; adding business time to an instant, measuring
// business time between instants, the end of a business day. Pure functions of
// their inputs, so the case workflow can call them with workflow time.
package sla

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"
)

// Span is one stretch of open hours in a day, as offsets from local midnight.
type Span struct {
	Open, Close time.Duration
}

// Calendar says when the business is open.
type Calendar struct {
	Location *time.Location
	// Always means open around the clock: business time is elapsed time.
	Always bool
	// Hours holds the open spans of each weekday, indexed by time.Weekday.
	Hours [7][]Span
	// Holidays are closed all day, as "2006-01-02" local dates.
	Holidays map[string]bool
}

// maxClosedDays bounds every walk over the calendar: after this many closed
// days in a row (a long run of holidays) the calendar gives up and falls back
// to elapsed time rather than loop for ever.
const maxClosedDays = 3660

// New is a calendar open during hours (indexed by time.Weekday) in loc, except
// on holidays, given as "2006-01-02" local dates.
func New(loc *time.Location, hours [7][]Span, holidays []string) (*Calendar, error) {
	if loc == nil {
		return nil, errors.New("sla: calendar needs a location")
	}
	c := &Calendar{Location: loc, Holidays: make(map[string]bool, len(holidays))}
	open := false
	for wd, spans := range hours {
		if err := checkSpans(spans); err != nil {
			return nil, fmt.Errorf("sla: %v hours: %w", time.Weekday(wd), err)
		}
		// Cloned so the caller cannot change the calendar behind our back.
		c.Hours[wd] = slices.Clone(spans)
		open = open || len(spans) > 0
	}
	if !open {
		return nil, errors.New("sla: no weekday has business hours (use Always for a round-the-clock calendar)")
	}
	for _, h := range holidays {
		if _, err := time.Parse(time.DateOnly, h); err != nil {
			return nil, fmt.Errorf("sla: holiday %q is not a date like 2026-12-25", h)
		}
		c.Holidays[h] = true
	}
	return c, nil
}

// Always is a calendar open around the clock in loc (UTC if nil): business
// time is elapsed time.
func Always(loc *time.Location) *Calendar {
	if loc == nil {
		loc = time.UTC
	}
	return &Calendar{Location: loc, Always: true}
}

// ParseSpans reads a day's hours: "09:00-17:00", several spans joined by
// commas ("09:00-12:00,13:00-17:00"), or "" or "closed" for none.
func ParseSpans(s string) ([]Span, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "closed") {
		return nil, nil
	}
	var spans []Span
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		op, cl, ok := strings.Cut(part, "-")
		if !ok {
			return nil, fmt.Errorf("sla: span %q is not like 09:00-17:00", part)
		}
		from, err := parseClock(op)
		if err != nil {
			return nil, fmt.Errorf("sla: span %q: %w", part, err)
		}
		to, err := parseClock(cl)
		if err != nil {
			return nil, fmt.Errorf("sla: span %q: %w", part, err)
		}
		spans = append(spans, Span{Open: from, Close: to})
	}
	if err := checkSpans(spans); err != nil {
		return nil, fmt.Errorf("sla: %w", err)
	}
	return spans, nil
}

// parseClock reads a wall-clock time "H:MM" or "HH:MM" from 00:00 to 24:00.
func parseClock(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "24:00" {
		return 24 * time.Hour, nil
	}
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("bad time %q, want HH:MM from 00:00 to 24:00", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// checkSpans reports spans a day cannot have: outside the day, empty, or not
// in order without overlap.
func checkSpans(spans []Span) error {
	for i, s := range spans {
		switch {
		case s.Open < 0 || s.Close > 24*time.Hour:
			return fmt.Errorf("span %s is outside 00:00-24:00", spanText(s))
		case s.Close <= s.Open:
			return fmt.Errorf("span %s: close is not after open", spanText(s))
		case i > 0 && s.Open < spans[i-1].Close:
			return fmt.Errorf("spans %s and %s overlap or are out of order", spanText(spans[i-1]), spanText(s))
		}
	}
	return nil
}

func spanText(s Span) string { return clockText(s.Open) + "-" + clockText(s.Close) }

// clockText writes an offset as HH:MM, or as a Go duration when a Span built
// in code holds something no HH:MM can say.
func clockText(d time.Duration) string {
	if d < 0 || d%time.Minute != 0 {
		return d.String()
	}
	return fmt.Sprintf("%02d:%02d", d/time.Hour, d%time.Hour/time.Minute)
}

// IsOpen reports whether t falls inside an open span (Open inclusive, Close
// exclusive) of a business day.
func (c *Calendar) IsOpen(t time.Time) bool {
	if c.Always {
		return true
	}
	iv, ok := c.next(t)
	return ok && !iv.open.After(t)
}

// NextOpen is t if the calendar is open at t, else the start of the next open
// span.
func (c *Calendar) NextOpen(t time.Time) time.Time {
	t = t.In(c.Location)
	if c.Always {
		return t
	}
	if iv, ok := c.next(t); ok {
		return later(iv.open, t)
	}
	return t
}

// Add is t plus d of business time, counted from NextOpen(t). Time that runs
// out exactly at a Close gives that Close, so a deadline falls on the day its
// time was used up. d <= 0 gives t.
func (c *Calendar) Add(t time.Time, d time.Duration) time.Time {
	t = t.In(c.Location)
	if d <= 0 {
		return t
	}
	if c.Always {
		return t.Add(d)
	}
	cur, rest := t, d
	for iv := range c.intervals(t) {
		open := later(iv.open, cur)
		avail := iv.close.Sub(open)
		if rest <= avail {
			return open.Add(rest)
		}
		rest -= avail
		cur = iv.close
	}
	return cur.Add(rest)
}

// AddDays is n business days after NextOpen(t), at the same wall-clock time
// of day, moved into that day's hours if it falls outside them: before the
// first Open to the first Open, into a gap to the next Open, after the last
// Close to the last Close. n <= 0 gives t.
func (c *Calendar) AddDays(t time.Time, n int) time.Time {
	t = t.In(c.Location)
	if n <= 0 {
		return t
	}
	elapsed := t.Add(time.Duration(n) * 24 * time.Hour)
	if c.Always {
		return elapsed
	}
	iv, ok := c.next(t)
	if !ok {
		return elapsed
	}
	s := later(iv.open, t)
	h, m, sec := s.Clock()
	tod := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(sec)*time.Second + time.Duration(s.Nanosecond())
	day := iv.day
	for closed := 0; n > 0; {
		day = day.AddDate(0, 0, 1)
		if len(c.hoursOn(day)) == 0 {
			if closed++; closed >= maxClosedDays {
				return elapsed
			}
			continue
		}
		closed = 0
		n--
	}
	spans := c.hoursOn(day)
	for _, sp := range spans {
		if tod < sp.Open {
			return at(day, sp.Open, c.Location)
		}
		if tod < sp.Close {
			return at(day, tod, c.Location)
		}
	}
	return at(day, spans[len(spans)-1].Close, c.Location)
}

// EndOfDay is the Close of the last span of the business day that contains
// NextOpen(t): out of hours, the end of the next business day. On an Always
// calendar it is the next local midnight.
func (c *Calendar) EndOfDay(t time.Time) time.Time {
	t = t.In(c.Location)
	if !c.Always {
		if iv, ok := c.next(t); ok {
			spans := c.hoursOn(iv.day)
			return at(iv.day, spans[len(spans)-1].Close, c.Location)
		}
	}
	return at(dateOf(t).AddDate(0, 0, 1), 0, c.Location)
}

// Between is the business time from a to b, negative if b is before a. It is
// real time, so an open hour lost or repeated to a DST change counts as such.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if c.Always {
		return b.Sub(a)
	}
	if b.Before(a) {
		return -c.Between(b, a)
	}
	var sum time.Duration
	for iv := range c.intervals(a) {
		if !iv.open.Before(b) {
			break
		}
		sum += earlier(iv.close, b).Sub(later(iv.open, a))
	}
	return sum
}

// interval is one open span of one business day, as instants.
type interval struct {
	day         time.Time // the local date, as from dateOf
	open, close time.Time
}

// intervals yields, in order, the open intervals that end after t. It stops
// after maxClosedDays days in a row without one.
func (c *Calendar) intervals(t time.Time) iter.Seq[interval] {
	return func(yield func(interval) bool) {
		// Start a day early: around a DST change at midnight, the previous
		// day's last span can end after t's local midnight.
		day := dateOf(t.In(c.Location)).AddDate(0, 0, -1)
		for closed := 0; closed < maxClosedDays; day = day.AddDate(0, 0, 1) {
			closed++
			for _, s := range c.hoursOn(day) {
				iv := interval{day, at(day, s.Open, c.Location), at(day, s.Close, c.Location)}
				// A span inside a DST gap has no instants: skip it.
				if iv.close.After(t) && iv.close.After(iv.open) {
					closed = 0
					if !yield(iv) {
						return
					}
				}
			}
		}
	}
}

// next is the first open interval that ends after t.
func (c *Calendar) next(t time.Time) (first interval, ok bool) {
	c.intervals(t)(func(iv interval) bool {
		first, ok = iv, true
		return false
	})
	return first, ok
}

// hoursOn is the open spans of the local date day: none on a holiday.
func (c *Calendar) hoursOn(day time.Time) []Span {
	spans := c.Hours[day.Weekday()]
	if len(spans) == 0 || len(c.Holidays) == 0 {
		return spans
	}
	var buf [len(time.DateOnly)]byte
	if c.Holidays[string(day.AppendFormat(buf[:0], time.DateOnly))] {
		return nil
	}
	return spans
}

// dateOf is t's local date as midnight UTC, so that walking dates is free of
// the calendar's DST changes.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// at is the instant in loc at wall-clock offset off from the midnight starting
// day (a dateOf date). A wall time that a DST change skips maps to the end of
// the gap: time.Date alone may move it an hour back, so that later wall times
// could give earlier instants.
func at(day time.Time, off time.Duration, loc *time.Location) time.Time {
	want := day.Add(off)
	t := time.Date(want.Year(), want.Month(), want.Day(), want.Hour(), want.Minute(), want.Second(), want.Nanosecond(), loc)
	_, offset := t.Zone()
	switch got := t.UTC().Add(time.Duration(offset) * time.Second); {
	case got.Before(want):
		_, end := t.ZoneBounds()
		return end
	case got.After(want):
		start, _ := t.ZoneBounds()
		return start
	}
	return t
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
