package workflows

import (
	"time"

	"caseflow"
	"caseflow/sla"
)

// Clock is one SLA promise as the workflow keeps it. All arithmetic is in
// business time when Business is set, elapsed time otherwise.
type Clock struct {
	Start    time.Time           `json:"start"`
	Due      time.Time           `json:"due"`
	WarnAt   time.Time           `json:"warn_at"`
	Business bool                `json:"business"`
	Total    time.Duration       `json:"total"` // the target, start to due, before any pause
	State    caseflow.ClockState `json:"state"`
	Warned   bool                `json:"warned"`
	// Left is the time that remained when the clock paused; PausedAt is when.
	Left     time.Duration `json:"left"`
	PausedAt time.Time     `json:"paused_at"`
	// Paused is the total time spent paused, so a recomputed due keeps it.
	Paused     time.Duration `json:"paused"`
	MetAt      *time.Time    `json:"met_at,omitempty"`
	BreachedAt *time.Time    `json:"breached_at,omitempty"`
}

// newClock starts a clock at start that falls due at due; a due at or before
// start is met at once (live channels answer at intake).
func newClock(cal *sla.Calendar, start, due time.Time, business bool, warnAt float64) Clock {
	c := Clock{Start: start, Due: due, Business: business, State: caseflow.ClockRunning}
	if !due.After(start) {
		c.State = caseflow.ClockMet
		c.MetAt = &start
		return c
	}
	c.Total = c.between(cal, start, due)
	c.WarnAt = c.add(cal, start, time.Duration(float64(c.Total)*warnAt))
	return c
}

func (c *Clock) between(cal *sla.Calendar, a, b time.Time) time.Duration {
	if c.Business {
		return cal.Between(a, b)
	}
	return b.Sub(a)
}

func (c *Clock) add(cal *sla.Calendar, t time.Time, d time.Duration) time.Time {
	if c.Business {
		return cal.Add(t, d)
	}
	return t.Add(d)
}

// Running reports whether the clock is counting down.
func (c *Clock) Running() bool { return c.State == caseflow.ClockRunning }

// Open reports whether the promise is still owed (running, paused or breached
// but not yet kept).
func (c *Clock) Open() bool { return c.MetAt == nil && c.State != caseflow.ClockMet }

// Remaining is the time left at now (frozen while paused).
func (c *Clock) Remaining(cal *sla.Calendar, now time.Time) time.Duration {
	switch c.State {
	case caseflow.ClockPaused:
		return c.Left
	case caseflow.ClockMet:
		return 0
	}
	return c.between(cal, now, c.Due)
}

// Pause freezes a running (or breached) clock at now.
func (c *Clock) Pause(cal *sla.Calendar, now time.Time) bool {
	if c.State != caseflow.ClockRunning {
		return false
	}
	c.Left = c.between(cal, now, c.Due)
	c.PausedAt = now
	c.State = caseflow.ClockPaused
	return true
}

// Resume restarts a paused clock with the time it had left.
func (c *Clock) Resume(cal *sla.Calendar, now time.Time, warnAt float64) bool {
	if c.State != caseflow.ClockPaused {
		return false
	}
	c.Paused += c.between(cal, c.PausedAt, now)
	c.Due = c.add(cal, now, c.Left)
	if !c.Warned {
		// The warning keeps its place in the target: it fires when the same
		// share of the target is left as before the pause.
		untilWarn := c.Left - time.Duration(float64(c.Total)*(1-warnAt))
		c.WarnAt = c.add(cal, now, max(untilWarn, 0))
	}
	c.State = caseflow.ClockRunning
	c.Left = 0
	return true
}

// Retarget moves the due time (a priority change), keeping time spent paused.
func (c *Clock) Retarget(cal *sla.Calendar, now, due time.Time, warnAt float64) {
	paused := c.State == caseflow.ClockPaused
	due = c.add(cal, due, c.Paused)
	c.Total = c.between(cal, c.Start, due) - c.Paused
	c.Warned = false
	c.Due = due
	c.WarnAt = c.add(cal, c.Start, time.Duration(float64(c.Total)*warnAt)+c.Paused)
	if paused {
		c.Left = c.between(cal, c.PausedAt, due) // the warning is placed again on resume
		return
	}
	if c.State == caseflow.ClockBreached && due.After(now) {
		c.State, c.BreachedAt = caseflow.ClockRunning, nil
	}
	if !c.WarnAt.After(now) {
		c.WarnAt = now
	}
}

// Meet keeps the promise at now; a breached promise stays breached but
// records when it was finally kept.
func (c *Clock) Meet(now time.Time) bool {
	if !c.Open() {
		return false
	}
	c.MetAt = &now
	if c.State != caseflow.ClockBreached {
		c.State = caseflow.ClockMet
	}
	c.Left = 0
	return true
}

// View is the clock as the API shows it at now.
func (c *Clock) View(cal *sla.Calendar, now time.Time) caseflow.Clock {
	return caseflow.Clock{
		Due:              c.Due,
		RemainingSeconds: int64(c.Remaining(cal, now) / time.Second),
		Paused:           c.State == caseflow.ClockPaused,
		State:            c.State,
		WarnAt:           c.WarnAt,
		Warned:           c.Warned,
		MetAt:            c.MetAt,
		BreachedAt:       c.BreachedAt,
		Business:         c.Business,
	}
}
