package sla

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want Duration
		err  string // "" for success
	}{
		{"30s", Duration{Kind: Elapsed, D: 30 * time.Second}, ""},
		{"15m", Duration{Kind: Elapsed, D: 15 * time.Minute}, ""},
		{"4h", Duration{Kind: Elapsed, D: 4 * time.Hour}, ""},
		{"7d", Duration{Kind: Elapsed, D: 7 * 24 * time.Hour}, ""},
		{"1.5h", Duration{Kind: Elapsed, D: 90 * time.Minute}, ""},
		{"0.25s", Duration{Kind: Elapsed, D: 250 * time.Millisecond}, ""},
		{"0s", Duration{}, ""},
		{"4bh", Duration{Kind: BusinessHours, D: 4 * time.Hour}, ""},
		{"1.5bh", Duration{Kind: BusinessHours, D: 90 * time.Minute}, ""},
		{"0.0002777777778bh", Duration{Kind: BusinessHours, D: time.Second}, ""},
		{"2bd", Duration{Kind: BusinessDays, N: 2}, ""},
		{"eod", Duration{Kind: EndOfDay}, ""},
		{"", Duration{}, `bad duration "", want a number and a unit, as in "30s", "15m", "4h", "7d", "4bh", "1.5bh", "2bd", "eod" or "0s"`},
		{"4", Duration{}, `bad duration "4", want a number and a unit`},
		{"bh", Duration{}, `bad duration "bh"`},
		{"4x", Duration{}, `bad duration "4x"`},
		{"4H", Duration{}, `bad duration "4H"`},
		{"4 h", Duration{}, `bad duration "4 h"`},
		{"-4h", Duration{}, `bad duration "-4h"`},
		{"+4h", Duration{}, `bad duration "+4h"`},
		{".5h", Duration{}, `bad duration ".5h"`},
		{"5.h", Duration{}, `bad duration "5.h"`},
		{"1e3s", Duration{}, `bad duration "1e3s"`},
		{"4h30m", Duration{}, `bad duration "4h30m"`},
		{"EOD", Duration{}, `bad duration "EOD"`},
		{"eod1", Duration{}, `bad duration "eod1"`},
		{"1.5bd", Duration{}, `bad duration "1.5bd": days and business days must be whole numbers`},
		{"1.5d", Duration{}, `bad duration "1.5d": days and business days must be whole numbers`},
		{"3000000h", Duration{}, `duration "3000000h" is too long`},
		{"200000bd", Duration{}, `duration "200000bd" is too long`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			checkErr(t, err, tt.err)
			if got != tt.want {
				t.Errorf("ParseDuration(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestDurationString(t *testing.T) {
	tests := []struct {
		name string
		d    Duration
		want string
	}{
		{"zero is 0s", Duration{}, "0s"},
		{"seconds that are not whole minutes", Duration{D: 90 * time.Second}, "90s"},
		{"whole minutes", Duration{D: 15 * time.Minute}, "15m"},
		{"whole hours", Duration{D: 4 * time.Hour}, "4h"},
		{"hours that are not whole days", Duration{D: 36 * time.Hour}, "36h"},
		{"whole days", Duration{D: 7 * 24 * time.Hour}, "7d"},
		{"sub-second elapsed is decimal seconds", Duration{D: 1500 * time.Millisecond}, "1.5s"},
		{"business hours", Duration{Kind: BusinessHours, D: 4 * time.Hour}, "4bh"},
		{"fractional business hours are decimal", Duration{Kind: BusinessHours, D: 90 * time.Minute}, "1.5bh"},
		{"zero business hours", Duration{Kind: BusinessHours}, "0bh"},
		{"inexact business hours come within a nanosecond", Duration{Kind: BusinessHours, D: time.Second}, "0.0002777777778bh"},
		{"business days", Duration{Kind: BusinessDays, N: 2}, "2bd"},
		{"end of day", Duration{Kind: EndOfDay}, "eod"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			back, err := ParseDuration(tt.d.String())
			if err != nil || back != tt.d {
				t.Errorf("ParseDuration(%q) = %+v, %v; want %+v", tt.d.String(), back, err, tt.d)
			}
		})
	}
}

// Any business-hours or elapsed duration reads back from its String exactly.
func TestDurationStringRoundTripsEveryNanosecond(t *testing.T) {
	for _, ns := range []time.Duration{1, 7, 9, 123456789, time.Hour + 1, 1<<62 + 12345, 1<<63 - 1} {
		for _, d := range []Duration{{Kind: Elapsed, D: ns}, {Kind: BusinessHours, D: ns}} {
			back, err := ParseDuration(d.String())
			if err != nil || back != d {
				t.Errorf("ParseDuration(%q) = %+v, %v; want %+v", d.String(), back, err, d)
			}
		}
	}
}

func TestDurationParseThenString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"60m", "1h"},
		{"120s", "2m"},
		{"24h", "1d"},
		{"1.50bh", "1.5bh"},
		{"007bd", "7bd"},
		{"0bd", "0bd"},
	}
	for _, tt := range tests {
		t.Run(tt.in+" is written "+tt.want, func(t *testing.T) {
			d, err := ParseDuration(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDurationText(t *testing.T) {
	type policy struct{ Resolution, Reply Duration }
	in := policy{Duration{Kind: BusinessDays, N: 2}, Duration{Kind: BusinessHours, D: 90 * time.Minute}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Resolution":"2bd","Reply":"1.5bh"}`; string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	var out policy
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Errorf("Unmarshal = %+v, %v; want %+v", out, err, in)
	}
	if err := json.Unmarshal([]byte(`{"Reply":"4 hours"}`), &out); err == nil {
		t.Error("UnmarshalText accepted a bad duration")
	}
}

func TestDurationIsZeroAndBusiness(t *testing.T) {
	tests := []struct {
		name           string
		d              Duration
		zero, business bool
	}{
		{"zero value is zero elapsed", Duration{}, true, false},
		{"elapsed time is not business", Duration{D: time.Hour}, false, false},
		{"business hours are business", Duration{Kind: BusinessHours, D: time.Hour}, false, true},
		{"zero business hours are zero", Duration{Kind: BusinessHours}, true, true},
		{"business days are business", Duration{Kind: BusinessDays, N: 1}, false, true},
		{"zero business days are zero", Duration{Kind: BusinessDays}, true, true},
		{"end of day is business and never zero", Duration{Kind: EndOfDay}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.IsZero(); got != tt.zero {
				t.Errorf("IsZero() = %v, want %v", got, tt.zero)
			}
			if got := tt.d.Business(); got != tt.business {
				t.Errorf("Business() = %v, want %v", got, tt.business)
			}
		})
	}
}

func TestDurationFrom(t *testing.T) {
	c := nyCal(t)
	fri := ny(2026, 12, 4, 16, 0)
	tests := []struct {
		name string
		d    string
		want time.Time
	}{
		{"elapsed ignores the calendar", "4h", fri.Add(4 * time.Hour)},
		{"elapsed days are 24h each", "2d", fri.Add(48 * time.Hour)},
		{"business hours skip the weekend", "2bh", ny(2026, 12, 7, 10, 0)},
		{"business days keep the time of day", "1bd", ny(2026, 12, 7, 16, 0)},
		{"end of day is today's Close", "eod", ny(2026, 12, 4, 17, 0)},
		{"zero is the start", "0s", fri},
		{"zero business hours is the start", "0bh", fri},
		{"zero business days is the start", "0bd", fri},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDuration(tt.d)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.From(c, fri); !got.Equal(tt.want) {
				t.Errorf("%s from %v = %v, want %v", tt.d, fri, got, tt.want)
			}
		})
	}
	sat := ny(2026, 12, 5, 10, 0)
	if got, want := (Duration{Kind: EndOfDay}).From(c, sat), ny(2026, 12, 7, 17, 0); !got.Equal(want) {
		t.Errorf("eod from Saturday = %v, want Monday's Close %v", got, want)
	}
}
