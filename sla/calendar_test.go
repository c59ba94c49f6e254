package sla

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the host's zoneinfo
)

const nine, noon, one, five = 9 * time.Hour, 12 * time.Hour, 13 * time.Hour, 17 * time.Hour

var nyLoc = mustLoad("America/New_York")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// weekdays is the same spans Monday to Friday.
func weekdays(spans ...Span) [7][]Span {
	var h [7][]Span
	for wd := time.Monday; wd <= time.Friday; wd++ {
		h[wd] = spans
	}
	return h
}

func mustNew(t testing.TB, loc *time.Location, hours [7][]Span, holidays ...string) *Calendar {
	t.Helper()
	c, err := New(loc, hours, holidays)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// nyCal is the New York office: Mon–Fri 09:00-17:00, closed Christmas and New Year's Day.
func nyCal(t testing.TB) *Calendar {
	return mustNew(t, nyLoc, weekdays(Span{nine, five}), "2026-12-25", "2027-01-01")
}

// lunchCal is New York with a lunch break.
func lunchCal(t testing.TB) *Calendar {
	return mustNew(t, nyLoc, weekdays(Span{nine, noon}, Span{one, five}))
}

// ny is a New York wall-clock time.
func ny(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, nyLoc)
}

// sameInstant fails unless got is want's instant, in the calendar's location.
func sameInstant(t *testing.T, c *Calendar, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got.Location() != c.Location {
		t.Errorf("got location %v, want %v", got.Location(), c.Location)
	}
}

func TestAdd(t *testing.T) {
	c, lunch := nyCal(t), lunchCal(t)
	tests := []struct {
		name  string
		cal   *Calendar
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"within one span", c, ny(2026, 12, 7, 10, 0), 2 * time.Hour, ny(2026, 12, 7, 12, 0)},
		{"Christmas Friday is a holiday and the weekend is skipped", c, ny(2026, 12, 24, 15, 0), 8 * time.Hour, ny(2026, 12, 28, 15, 0)},
		{"New Year's Day is a holiday", c, ny(2026, 12, 31, 16, 0), 2 * time.Hour, ny(2027, 1, 4, 10, 0)},
		{"opened Saturday counts from Monday 09:00", c, ny(2026, 12, 5, 10, 0), time.Hour, ny(2026, 12, 7, 10, 0)},
		{"Friday afternoon carries over to Monday", c, ny(2026, 12, 4, 16, 0), 2 * time.Hour, ny(2026, 12, 7, 10, 0)},
		{"running out exactly at Close returns the Close", c, ny(2026, 12, 7, 9, 0), 8 * time.Hour, ny(2026, 12, 7, 17, 0)},
		{"running out at Close from out of hours returns the Close", c, ny(2026, 12, 5, 10, 0), 8 * time.Hour, ny(2026, 12, 7, 17, 0)},
		{"before opening counts from the opening", c, ny(2026, 12, 7, 7, 0), time.Hour, ny(2026, 12, 7, 10, 0)},
		{"after close counts from the next opening", c, ny(2026, 12, 7, 18, 0), time.Hour, ny(2026, 12, 8, 10, 0)},
		{"at Close counts from the next opening", c, ny(2026, 12, 7, 17, 0), time.Hour, ny(2026, 12, 8, 10, 0)},
		{"a business week is 40 hours", c, ny(2026, 12, 7, 9, 0), 40 * time.Hour, ny(2026, 12, 11, 17, 0)},
		{"zero returns the start even out of hours", c, ny(2026, 12, 5, 10, 0), 0, ny(2026, 12, 5, 10, 0)},
		{"negative counts as zero", c, ny(2026, 12, 5, 10, 0), -time.Hour, ny(2026, 12, 5, 10, 0)},
		{"a start in another location is the same instant", c, time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC), time.Hour, ny(2026, 12, 7, 11, 0)},
		{"DST end: Friday 16:00 plus 2bh is Monday 10:00 EST", c, ny(2026, 10, 30, 16, 0), 2 * time.Hour, ny(2026, 11, 2, 10, 0)},
		{"DST start: Friday 16:00 plus 2bh is Monday 10:00 EDT", c, ny(2027, 3, 12, 16, 0), 2 * time.Hour, ny(2027, 3, 15, 10, 0)},
		{"lunch gap is skipped", lunch, ny(2026, 12, 7, 11, 0), 2 * time.Hour, ny(2026, 12, 7, 14, 0)},
		{"running out at the lunch Close returns it", lunch, ny(2026, 12, 7, 11, 0), time.Hour, ny(2026, 12, 7, 12, 0)},
		{"during lunch counts from the afternoon opening", lunch, ny(2026, 12, 7, 12, 30), time.Hour, ny(2026, 12, 7, 14, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sameInstant(t, tt.cal, tt.cal.Add(tt.start, tt.d), tt.want)
		})
	}
}

func TestBetween(t *testing.T) {
	c, lunch := nyCal(t), lunchCal(t)
	tests := []struct {
		name string
		cal  *Calendar
		a, b time.Time
		want time.Duration
	}{
		{"within one span", c, ny(2026, 12, 7, 10, 0), ny(2026, 12, 7, 12, 30), 150 * time.Minute},
		{"weekend counts nothing", c, ny(2026, 12, 4, 16, 0), ny(2026, 12, 7, 10, 0), 2 * time.Hour},
		{"b before a is negative", c, ny(2026, 12, 7, 10, 0), ny(2026, 12, 4, 16, 0), -2 * time.Hour},
		{"same instant is zero", c, ny(2026, 12, 7, 10, 0), ny(2026, 12, 7, 10, 0), 0},
		{"both in one night is zero", c, ny(2026, 12, 7, 18, 0), ny(2026, 12, 8, 8, 0), 0},
		{"holiday counts nothing", c, ny(2026, 12, 24, 9, 0), ny(2026, 12, 28, 9, 0), 8 * time.Hour},
		{"a week is 40 hours", c, ny(2026, 12, 7, 9, 0), ny(2026, 12, 14, 9, 0), 40 * time.Hour},
		{"ends out of hours count to the Close", c, ny(2026, 12, 7, 7, 0), ny(2026, 12, 7, 20, 0), 8 * time.Hour},
		{"across DST end", c, ny(2026, 10, 30, 16, 0), ny(2026, 11, 2, 10, 0), 2 * time.Hour},
		{"across DST start", c, ny(2027, 3, 12, 16, 0), ny(2027, 3, 15, 10, 0), 2 * time.Hour},
		{"lunch gap counts nothing", lunch, ny(2026, 12, 7, 9, 0), ny(2026, 12, 7, 17, 0), 7 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.Between(tt.a, tt.b); got != tt.want {
				t.Errorf("Between(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestIsOpenNextOpen(t *testing.T) {
	c, lunch := nyCal(t), lunchCal(t)
	tests := []struct {
		name string
		cal  *Calendar
		t    time.Time
		open bool
		next time.Time
	}{
		{"Open is inclusive", c, ny(2026, 12, 7, 9, 0), true, ny(2026, 12, 7, 9, 0)},
		{"within hours is open", c, ny(2026, 12, 7, 12, 0), true, ny(2026, 12, 7, 12, 0)},
		{"Close is exclusive", c, ny(2026, 12, 7, 17, 0), false, ny(2026, 12, 8, 9, 0)},
		{"before opening waits for it", c, ny(2026, 12, 7, 8, 59), false, ny(2026, 12, 7, 9, 0)},
		{"Friday evening waits for Monday", c, ny(2026, 12, 4, 18, 0), false, ny(2026, 12, 7, 9, 0)},
		{"Sunday waits for Monday", c, ny(2026, 12, 6, 12, 0), false, ny(2026, 12, 7, 9, 0)},
		{"a holiday is closed", c, ny(2026, 12, 25, 12, 0), false, ny(2026, 12, 28, 9, 0)},
		{"lunch is closed", lunch, ny(2026, 12, 7, 12, 30), false, ny(2026, 12, 7, 13, 0)},
		{"Sunday of DST end waits for Monday EST", c, ny(2026, 11, 1, 1, 30), false, ny(2026, 11, 2, 9, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.IsOpen(tt.t); got != tt.open {
				t.Errorf("IsOpen(%v) = %v, want %v", tt.t, got, tt.open)
			}
			sameInstant(t, tt.cal, tt.cal.NextOpen(tt.t), tt.next)
		})
	}
}

func TestEndOfDay(t *testing.T) {
	c, lunch := nyCal(t), lunchCal(t)
	tests := []struct {
		name string
		cal  *Calendar
		t    time.Time
		want time.Time
	}{
		{"in hours is today's Close", c, ny(2026, 12, 7, 10, 0), ny(2026, 12, 7, 17, 0)},
		{"before opening is today's Close", c, ny(2026, 12, 7, 7, 0), ny(2026, 12, 7, 17, 0)},
		{"after close is the next business day's Close", c, ny(2026, 12, 7, 18, 0), ny(2026, 12, 8, 17, 0)},
		{"at Close is the next business day's Close", c, ny(2026, 12, 7, 17, 0), ny(2026, 12, 8, 17, 0)},
		{"Saturday is Monday's Close", c, ny(2026, 12, 5, 12, 0), ny(2026, 12, 7, 17, 0)},
		{"Christmas Eve evening skips the holiday and weekend", c, ny(2026, 12, 24, 18, 0), ny(2026, 12, 28, 17, 0)},
		{"lunch is the afternoon's Close", lunch, ny(2026, 12, 7, 12, 30), ny(2026, 12, 7, 17, 0)},
		{"morning is the last span's Close", lunch, ny(2026, 12, 7, 10, 0), ny(2026, 12, 7, 17, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sameInstant(t, tt.cal, tt.cal.EndOfDay(tt.t), tt.want)
		})
	}
}

func TestAddDays(t *testing.T) {
	c := nyCal(t)
	// mixed has a split Tuesday and a short Wednesday, to clamp into.
	mixed := mustNew(t, nyLoc, [7][]Span{
		time.Monday:    {{nine, five}},
		time.Tuesday:   {{nine, noon}, {one, five}},
		time.Wednesday: {{10 * time.Hour, 15 * time.Hour}},
		time.Thursday:  {{nine, five}},
		time.Friday:    {{nine, five}},
	})
	tests := []struct {
		name  string
		cal   *Calendar
		start time.Time
		n     int
		want  time.Time
	}{
		{"from mid-day keeps the time of day", c, ny(2026, 12, 7, 11, 30), 2, ny(2026, 12, 9, 11, 30)},
		{"five business days is a week", c, ny(2026, 12, 7, 10, 0), 5, ny(2026, 12, 14, 10, 0)},
		{"Friday plus one is Monday", c, ny(2026, 12, 4, 15, 0), 1, ny(2026, 12, 7, 15, 0)},
		{"from Saturday counts from Monday's opening", c, ny(2026, 12, 5, 12, 0), 1, ny(2026, 12, 8, 9, 0)},
		{"before opening counts from the opening", c, ny(2026, 12, 7, 7, 0), 1, ny(2026, 12, 8, 9, 0)},
		{"after close counts from the next opening", c, ny(2026, 12, 7, 18, 0), 1, ny(2026, 12, 9, 9, 0)},
		{"across a holiday and weekend", c, ny(2026, 12, 24, 10, 0), 1, ny(2026, 12, 28, 10, 0)},
		{"zero returns the start", c, ny(2026, 12, 5, 12, 0), 0, ny(2026, 12, 5, 12, 0)},
		{"negative returns the start", c, ny(2026, 12, 5, 12, 0), -1, ny(2026, 12, 5, 12, 0)},
		{"across DST end keeps wall-clock time", c, ny(2026, 10, 30, 10, 0), 1, ny(2026, 11, 2, 10, 0)},
		{"across DST start keeps wall-clock time", c, ny(2027, 3, 12, 10, 0), 1, ny(2027, 3, 15, 10, 0)},
		{"in a gap clamps to the next span's Open", mixed, ny(2026, 12, 7, 12, 30), 1, ny(2026, 12, 8, 13, 0)},
		{"before a shorter day's Open clamps to it", mixed, ny(2026, 12, 8, 9, 30), 1, ny(2026, 12, 9, 10, 0)},
		{"after a shorter day's Close clamps to it", mixed, ny(2026, 12, 8, 16, 0), 1, ny(2026, 12, 9, 15, 0)},
		{"clamping is only on the last day", mixed, ny(2026, 12, 8, 16, 0), 2, ny(2026, 12, 10, 16, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sameInstant(t, tt.cal, tt.cal.AddDays(tt.start, tt.n), tt.want)
		})
	}
}

func TestAlways(t *testing.T) {
	c := Always(nyLoc)
	sat := ny(2026, 10, 31, 12, 0) // the day before DST ends
	tests := []struct {
		name      string
		got, want time.Time
	}{
		{"Add is elapsed time across DST end", c.Add(sat, 24*time.Hour), ny(2026, 11, 1, 11, 0)},
		{"AddDays is n times 24h", c.AddDays(sat, 2), sat.Add(48 * time.Hour)},
		{"EndOfDay is the next local midnight", c.EndOfDay(sat), ny(2026, 11, 1, 0, 0)},
		{"EndOfDay on a 25-hour day is the next local midnight", c.EndOfDay(ny(2026, 11, 1, 12, 0)), ny(2026, 11, 2, 0, 0)},
		{"NextOpen is t", c.NextOpen(sat), sat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { sameInstant(t, c, tt.got, tt.want) })
	}
	if !c.IsOpen(sat) {
		t.Error("an Always calendar is open")
	}
	if got := c.Between(sat, ny(2026, 11, 2, 12, 0)); got != 49*time.Hour {
		t.Errorf("Between across DST end = %v, want the elapsed 49h", got)
	}
	if Always(nil).Location != time.UTC {
		t.Error("Always(nil) is not in UTC")
	}
}

// A 24-hour business day on a DST change counts real time: 25 hours in
// November, 23 in March.
func TestRoundTheClockHoursAcrossDST(t *testing.T) {
	var h [7][]Span
	for wd := range h {
		h[wd] = []Span{{0, 24 * time.Hour}}
	}
	c := mustNew(t, nyLoc, h)
	if got := c.Between(ny(2026, 11, 1, 0, 0), ny(2026, 11, 2, 0, 0)); got != 25*time.Hour {
		t.Errorf("Between over the DST end day = %v, want 25h", got)
	}
	if got := c.Between(ny(2027, 3, 14, 0, 0), ny(2027, 3, 15, 0, 0)); got != 23*time.Hour {
		t.Errorf("Between over the DST start day = %v, want 23h", got)
	}
	sameInstant(t, c, c.Add(ny(2026, 10, 31, 12, 0), 24*time.Hour), ny(2026, 11, 1, 11, 0))
}

// Span ends that a DST change skips map to the end of the gap, whichever way
// time.Date normalises them for the zone.
func TestSpanInDSTGap(t *testing.T) {
	tests := []struct {
		name string
		loc  *time.Location
		day  time.Time
		want time.Time
	}{
		{"New York 02:30 is 03:00 EDT", nyLoc, time.Date(2027, 3, 14, 0, 0, 0, 0, time.UTC), time.Date(2027, 3, 14, 7, 0, 0, 0, time.UTC)},
		{"Berlin 02:30 is 03:00 CEST", mustLoad("Europe/Berlin"), time.Date(2027, 3, 28, 0, 0, 0, 0, time.UTC), time.Date(2027, 3, 28, 1, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := at(tt.day, 150*time.Minute, tt.loc); !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	// Sunday 01:00-05:00 on the DST start day is three real hours.
	c := mustNew(t, nyLoc, [7][]Span{time.Sunday: {{time.Hour, 5 * time.Hour}}})
	if got := c.Between(ny(2027, 3, 14, 0, 0), ny(2027, 3, 14, 6, 0)); got != 3*time.Hour {
		t.Errorf("Between = %v, want 3h", got)
	}
	// A span wholly inside the gap has no time at all.
	c = mustNew(t, nyLoc, [7][]Span{time.Sunday: {{2 * time.Hour, 150 * time.Minute}}})
	if c.IsOpen(time.Date(2027, 3, 14, 7, 0, 0, 0, time.UTC)) {
		t.Error("open in a span the DST gap swallowed")
	}
	sameInstant(t, c, c.NextOpen(ny(2027, 3, 14, 0, 0)), ny(2027, 3, 21, 2, 0))
}

// A calendar closed for longer than maxClosedDays falls back to elapsed time
// instead of looping.
func TestLongClosureFallsBackToElapsed(t *testing.T) {
	var holidays []string
	for d := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2037; d = d.AddDate(0, 0, 1) {
		holidays = append(holidays, d.Format(time.DateOnly))
	}
	c := mustNew(t, nyLoc, weekdays(Span{nine, five}), holidays...)
	start := ny(2026, 6, 1, 10, 0)
	sameInstant(t, c, c.Add(start, time.Hour), start.Add(time.Hour))
	sameInstant(t, c, c.AddDays(start, 2), start.Add(48*time.Hour))
	sameInstant(t, c, c.NextOpen(start), start)
	if c.IsOpen(start) {
		t.Error("open on a holiday")
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name     string
		loc      *time.Location
		hours    [7][]Span
		holidays []string
		err      string // "" for success
	}{
		{"weekday hours and holidays are accepted", nyLoc, weekdays(Span{nine, five}), []string{"2026-12-25"}, ""},
		{"a location is required", nil, weekdays(Span{nine, five}), nil, "location"},
		{"some weekday must have hours", nyLoc, [7][]Span{}, nil, "no weekday"},
		{"holidays must be dates", nyLoc, weekdays(Span{nine, five}), []string{"25/12/2026"}, `holiday "25/12/2026"`},
		{"holidays must be real dates", nyLoc, weekdays(Span{nine, five}), []string{"2026-02-30"}, `holiday "2026-02-30"`},
		{"spans must close after they open", nyLoc, weekdays(Span{five, nine}), nil, "Monday hours: span 17:00-09:00: close is not after open"},
		{"spans must lie within the day", nyLoc, weekdays(Span{nine, 25 * time.Hour}), nil, "outside 00:00-24:00"},
		{"spans must not overlap", nyLoc, weekdays(Span{nine, one}, Span{noon, five}), nil, "overlap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.loc, tt.hours, tt.holidays)
			checkErr(t, err, tt.err)
		})
	}
}

func TestNewCopiesHours(t *testing.T) {
	hours := weekdays(Span{nine, five})
	c := mustNew(t, nyLoc, hours)
	hours[time.Monday][0] = Span{0, time.Hour}
	if !c.IsOpen(ny(2026, 12, 7, 10, 0)) {
		t.Error("changing the caller's hours changed the calendar")
	}
}

func TestParseSpans(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Span
		err  string // "" for success
	}{
		{"one span", "09:00-17:00", []Span{{nine, five}}, ""},
		{"spans joined by commas", "09:00-12:00,13:00-17:00", []Span{{nine, noon}, {one, five}}, ""},
		{"spaces are ignored", " 9:00 - 12:00 , 13:00-17:00 ", []Span{{nine, noon}, {one, five}}, ""},
		{"touching spans are allowed", "09:00-12:00,12:00-17:00", []Span{{nine, noon}, {noon, five}}, ""},
		{"24:00 is allowed as a close", "00:00-24:00", []Span{{0, 24 * time.Hour}}, ""},
		{"empty is closed", "", nil, ""},
		{"closed is closed", "closed", nil, ""},
		{"a span needs a dash", "09:00", nil, `span "09:00" is not like 09:00-17:00`},
		{"times need minutes", "9-17", nil, `bad time "9"`},
		{"hours stop at 24", "25:00-26:00", nil, `bad time "25:00"`},
		{"minutes stop at 59", "09:60-10:00", nil, `bad time "09:60"`},
		{"24:00 is the last time", "23:00-24:30", nil, `bad time "24:30"`},
		{"close must be after open", "17:00-09:00", nil, "span 17:00-09:00: close is not after open"},
		{"empty spans are rejected", "09:00-09:00", nil, "close is not after open"},
		{"24:00 cannot open", "24:00-24:00", nil, "close is not after open"},
		{"overlapping spans are rejected", "09:00-13:00,12:00-17:00", nil, "spans 09:00-13:00 and 12:00-17:00 overlap or are out of order"},
		{"unordered spans are rejected", "13:00-17:00,09:00-12:00", nil, "overlap or are out of order"},
		{"an empty span in a list is rejected", "09:00-12:00,", nil, `span "" is not like`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSpans(tt.in)
			checkErr(t, err, tt.err)
			if !slices.Equal(got, tt.want) {
				t.Errorf("ParseSpans(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// checkErr fails unless err is nil when want is "", or contains want.
func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Fatalf("no error, want one containing %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Fatalf("error %q does not contain %q", err, want)
	}
}

// FuzzAdd checks on the New York calendar, for a start t and a duration d,
// that Add uses exactly d of business time counted from NextOpen(t), and that
// Add grows with d. The seeds cover 2026–2028, with their holidays and DST
// changes.
func FuzzAdd(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		f.Add(r.Int64N(3*366*24*60), r.Int64N(200*60), r.Int64N(10*60))
	}
	c := nyCal(f)
	base := ny(2026, 1, 1, 0, 0)
	f.Fuzz(func(t *testing.T, startMin, dMin, moreMin int64) {
		// d == 0 is excluded: it leaves t as is, even out of hours.
		if startMin < 0 || dMin <= 0 || moreMin < 0 || startMin > 100*366*24*60 || dMin > 1000*60 {
			t.Skip()
		}
		start := base.Add(time.Duration(startMin) * time.Minute)
		d, more := time.Duration(dMin)*time.Minute, time.Duration(moreMin)*time.Second
		end := c.Add(start, d)
		if got := c.Between(c.NextOpen(start), end); got != d {
			t.Fatalf("Between(NextOpen(%v), Add(%v, %v) = %v) = %v", start, start, d, end, got)
		}
		if later := c.Add(start, d+more); later.Before(end) {
			t.Fatalf("Add(%v, %v) = %v is before Add(%v, %v) = %v", start, d+more, later, start, d, end)
		}
	})
}

func BenchmarkAdd(b *testing.B) {
	c := nyCal(b)
	start := ny(2026, 12, 2, 11, 0)
	for b.Loop() {
		c.Add(start, 40*time.Hour) // five business days, over a weekend
	}
}

func BenchmarkBetween(b *testing.B) {
	c := nyCal(b)
	a, z := ny(2026, 12, 2, 11, 0), ny(2026, 12, 9, 11, 0)
	for b.Loop() {
		c.Between(a, z)
	}
}
