package sla

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Kind says how a Duration is measured.
type Kind int

const (
	Elapsed       Kind = iota // wall-clock time, whatever the calendar says
	BusinessHours             // open time on the calendar
	BusinessDays              // business days, keeping the time of day
	EndOfDay                  // the close of the business day
)

// Duration is a policy's allowance, such as "4bh" or "2bd". The zero value is
// zero elapsed time.
type Duration struct {
	Kind Kind
	D    time.Duration // Elapsed, BusinessHours
	N    int           // BusinessDays
}

const durationForms = `"30s", "15m", "4h", "7d", "4bh", "1.5bh", "2bd", "eod" or "0s"`

var (
	durationUnits = map[string]struct {
		kind  Kind
		size  time.Duration
		whole bool
	}{
		"s":  {Elapsed, time.Second, false},
		"m":  {Elapsed, time.Minute, false},
		"h":  {Elapsed, time.Hour, false},
		"d":  {Elapsed, 24 * time.Hour, true},
		"bh": {BusinessHours, time.Hour, false},
		// Sized as a day so that business days, like days, stay within what
		// AddDays can fall back to as elapsed time.
		"bd": {BusinessDays, 24 * time.Hour, true},
	}
	durationNumber = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
)

// ParseDuration reads a policy duration: "30s", "15m", "4h", "7d" elapsed
// time; "4bh" business hours; "2bd" business days; "eod" the end of the
// business day. Seconds, minutes, hours and business hours may be decimal;
// days and business days are whole.
func ParseDuration(s string) (Duration, error) {
	if s == "eod" {
		return Duration{Kind: EndOfDay}, nil
	}
	i := strings.LastIndexAny(s, "0123456789.") + 1
	num, unit := s[:i], s[i:]
	u, ok := durationUnits[unit]
	if !ok || !durationNumber.MatchString(num) {
		return Duration{}, fmt.Errorf("sla: bad duration %q, want a number and a unit, as in %s", s, durationForms)
	}
	if u.whole && strings.Contains(num, ".") {
		return Duration{}, fmt.Errorf("sla: bad duration %q: days and business days must be whole numbers", s)
	}
	// Exact decimal arithmetic, rounded to the nanosecond, so String's
	// output always reads back as the same Duration.
	r, _ := new(big.Rat).SetString(num)
	ns, err := strconv.ParseInt(r.Mul(r, big.NewRat(int64(u.size), 1)).FloatString(0), 10, 64)
	if err != nil {
		return Duration{}, fmt.Errorf("sla: duration %q is too long", s)
	}
	if u.kind == BusinessDays {
		return Duration{Kind: BusinessDays, N: int(time.Duration(ns) / u.size)}, nil
	}
	return Duration{Kind: u.kind, D: time.Duration(ns)}, nil
}

// String is the duration as ParseDuration reads it. Elapsed time takes the
// largest unit that divides it exactly, else decimal seconds.
func (d Duration) String() string {
	switch d.Kind {
	case EndOfDay:
		return "eod"
	case BusinessDays:
		return strconv.Itoa(d.N) + "bd"
	case BusinessHours:
		return decimal(d.D, time.Hour) + "bh"
	}
	for _, u := range []struct {
		name string
		size time.Duration
	}{{"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}} {
		if d.D != 0 && d.D%u.size == 0 {
			return decimal(d.D, u.size) + u.name
		}
	}
	return decimal(d.D, time.Second) + "s"
}

// decimal is d in units of size, to 13 places: enough for hours to come
// within a nanosecond, so ParseDuration rounds it back to d.
func decimal(d, size time.Duration) string {
	s := big.NewRat(int64(d), int64(size)).FloatString(13)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// MarshalText writes the duration as String does.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads the duration as ParseDuration does.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// IsZero reports whether the duration adds nothing: a deadline from t is t.
func (d Duration) IsZero() bool {
	switch d.Kind {
	case EndOfDay:
		return false
	case BusinessDays:
		return d.N == 0
	}
	return d.D == 0
}

// Business reports whether the duration is measured in business time, so
// clocks running against it pause when the business is closed.
func (d Duration) Business() bool { return d.Kind != Elapsed }

// From is the deadline d after t on calendar c (which elapsed time ignores).
func (d Duration) From(c *Calendar, t time.Time) time.Time {
	if d.IsZero() {
		return t
	}
	switch d.Kind {
	case BusinessHours:
		return c.Add(t, d.D)
	case BusinessDays:
		return c.AddDays(t, d.N)
	case EndOfDay:
		return c.EndOfDay(t)
	}
	return t.Add(d.D)
}
