package postgres_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"caseflow"
	"caseflow/postgres"
)

// base has nanoseconds on purpose: Postgres keeps microseconds.
var base = time.Date(2025, 3, 3, 9, 0, 0, 123456789, time.UTC)

func newCase(seq int) caseflow.Case {
	return caseflow.Case{
		Number:    caseflow.CaseNumber(2025, seq),
		Status:    caseflow.StatusNew,
		Priority:  caseflow.PriorityNormal,
		Tier:      caseflow.TierAgent,
		Channel:   caseflow.ChannelEmail,
		Category:  caseflow.CategoryGeneral,
		Customer:  caseflow.Customer{Name: "Dana Doe", Email: "dana@example.com"},
		Subject:   "Where is my order",
		Flags:     []caseflow.Flag{},
		CreatedAt: base.Add(time.Duration(seq) * time.Minute),
		UpdatedAt: base.Add(time.Duration(seq) * time.Minute),
		Version:   1,
	}
}

func event(number string, seq int64, typ caseflow.EventType) caseflow.Event {
	return caseflow.Event{
		Number: number, Seq: seq, Type: typ, At: base.Add(time.Duration(seq) * time.Second).Truncate(time.Microsecond),
		Actor: caseflow.ActorSystem, Data: map[string]any{"seq": float64(seq)},
	}
}

func TestApplyEvents(t *testing.T) {
	t.Parallel()
	db, ctx := open(t), t.Context()
	c := newCase(1)
	amount := 12.5
	c.Amount = &amount
	c.Clocks.Resolution.Due = base.Add(48 * time.Hour)
	opened := []caseflow.Event{event(c.Number, 1, caseflow.EventOpened), event(c.Number, 2, caseflow.EventPrioritySet)}
	opened[1].Data = nil
	c.Version = 2
	// A retried activity applies the same events twice.
	for range 2 {
		if err := db.ApplyEvents(ctx, c, opened); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := db.GetCase(ctx, c.Number); err != nil || !reflect.DeepEqual(got, c) {
		t.Fatalf("GetCase = %+v, %v\nwant %+v", got, err, c)
	}

	newer := c
	newer.Status, newer.Version = caseflow.StatusAcknowledged, 3
	if err := db.ApplyEvents(ctx, newer, []caseflow.Event{event(c.Number, 3, caseflow.EventAcknowledged)}); err != nil {
		t.Fatal(err)
	}
	// A late write of an older version adds nothing and changes nothing.
	if err := db.ApplyEvents(ctx, c, opened); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.GetCase(ctx, c.Number); got.Version != 3 || got.Status != caseflow.StatusAcknowledged {
		t.Errorf("after an older write: version %d, status %s; want 3, acknowledged", got.Version, got.Status)
	}

	timeline, err := db.Timeline(ctx, c.Number)
	if err != nil {
		t.Fatal(err)
	}
	want := append(opened, event(c.Number, 3, caseflow.EventAcknowledged))
	if !reflect.DeepEqual(timeline, want) {
		t.Errorf("Timeline =\n%+v\nwant\n%+v", timeline, want)
	}

	_, err = db.GetCase(ctx, "CS-2025-999999")
	wantCode(t, err, caseflow.ENOTFOUND)
	_, err = db.Timeline(ctx, "CS-2025-999999")
	wantCode(t, err, caseflow.ENOTFOUND)
	// A case whose events have not arrived has an empty timeline.
	if err := db.ApplyEvents(ctx, newCase(2), nil); err != nil {
		t.Fatal(err)
	}
	if events, err := db.Timeline(ctx, caseflow.CaseNumber(2025, 2)); err != nil || events == nil || len(events) != 0 {
		t.Errorf("Timeline of a case without events = %#v, %v", events, err)
	}
}

func TestListCases(t *testing.T) {
	t.Parallel()
	db, ctx := open(t), t.Context()
	// Seven cases, CS-2025-000001 oldest; every other has a resolution due,
	// the later the case the sooner it is due.
	for seq := 1; seq <= 7; seq++ {
		c := newCase(seq)
		switch seq {
		case 2:
			c.Status, c.Priority, c.Tier = caseflow.StatusEscalated, caseflow.PriorityCritical, caseflow.TierSupervisor
		case 3:
			c.Status, c.Assignee, c.Channel = caseflow.StatusInProgress, "ann@example.com", caseflow.ChannelPhone
		case 4:
			c.Status = caseflow.StatusResolved
			c.Clocks.Resolution.State = caseflow.ClockBreached
		case 5:
			c.Status = caseflow.StatusClosed
			c.Customer = caseflow.Customer{Name: "Erin 50%_Off", Email: "erin@shop.example"}
		case 6:
			c.Description = "The parcel arrived crushed"
		}
		if seq%2 == 1 {
			c.Clocks.Resolution.Due = base.Add(time.Duration(100-seq) * time.Hour)
		}
		if err := db.ApplyEvents(ctx, c, nil); err != nil {
			t.Fatal(err)
		}
	}
	yes, no := true, false
	for _, tc := range []struct {
		name   string
		filter postgres.CaseFilter
		want   []int // case seqs, in order
	}{
		{"all newest first", postgres.CaseFilter{}, []int{7, 6, 5, 4, 3, 2, 1}},
		{"statuses", postgres.CaseFilter{Statuses: []caseflow.Status{caseflow.StatusEscalated, caseflow.StatusInProgress}}, []int{3, 2}},
		{"priority", postgres.CaseFilter{Priority: caseflow.PriorityCritical}, []int{2}},
		{"tier", postgres.CaseFilter{Tier: caseflow.TierSupervisor}, []int{2}},
		{"assignee", postgres.CaseFilter{Assignee: "ann@example.com"}, []int{3}},
		{"assignee in other capitals", postgres.CaseFilter{Assignee: "Ann@Example.COM"}, []int{3}},
		{"channel", postgres.CaseFilter{Channel: caseflow.ChannelPhone}, []int{3}},
		{"breached", postgres.CaseFilter{Breached: &yes}, []int{4}},
		{"not breached", postgres.CaseFilter{Breached: &no}, []int{7, 6, 5, 3, 2, 1}},
		{"open", postgres.CaseFilter{Open: &yes}, []int{7, 6, 3, 2, 1}},
		{"not open", postgres.CaseFilter{Open: &no}, []int{5, 4}},
		{"text in description", postgres.CaseFilter{Text: "CRUSHED"}, []int{6}},
		{"text in email", postgres.CaseFilter{Text: "shop.example"}, []int{5}},
		{"text in number", postgres.CaseFilter{Text: "2025-000003"}, []int{3}},
		{"text wildcards are literal", postgres.CaseFilter{Text: "0%"}, []int{5}}, // not every number with a 0
		{"combined", postgres.CaseFilter{Open: &yes, Text: "order", Channel: caseflow.ChannelEmail}, []int{7, 6, 2, 1}},
		{"due soonest first, none last", postgres.CaseFilter{Sort: "due"}, []int{7, 5, 3, 1, 2, 4, 6}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page, err := db.ListCases(ctx, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := seqs(page.Cases); !slices.Equal(got, tc.want) || page.NextCursor != "" {
				t.Errorf("got %v, cursor %q; want %v and no cursor", got, page.NextCursor, tc.want)
			}
		})
	}

	for _, sort := range []string{"", "due"} {
		var got [][]int
		f := postgres.CaseFilter{Limit: 3, Sort: sort}
		for {
			page, err := db.ListCases(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, seqs(page.Cases))
			if page.NextCursor == "" {
				break
			}
			f.Cursor = page.NextCursor
		}
		want := [][]int{{7, 6, 5}, {4, 3, 2}, {1}}
		if sort == "due" {
			want = [][]int{{7, 5, 3}, {1, 2, 4}, {6}} // the second page crosses into cases without a due time
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("pages sorted by %q = %v, want %v", sort, got, want)
		}
	}

	first, err := db.ListCases(ctx, postgres.CaseFilter{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []postgres.CaseFilter{
		{Cursor: "not a cursor!"},
		{Cursor: "e30"}, // base64 of {}
		{Cursor: first.NextCursor, Sort: "due"},
	} {
		_, err := db.ListCases(ctx, f)
		if e := wantCode(t, err, caseflow.EINVALID); e.Details["cursor"] == "" {
			t.Errorf("cursor %q: details %v do not name the cursor", f.Cursor, e.Details)
		}
	}
	_, err = db.ListCases(ctx, postgres.CaseFilter{Sort: "priority"})
	if e := wantCode(t, err, caseflow.EINVALID); e.Details["sort"] == "" {
		t.Errorf("details %v do not name the sort", e.Details)
	}
}

// seqs are the numbers of cases as their sequence within 2025.
func seqs(cases []caseflow.Case) []int {
	var out []int
	for _, c := range cases {
		var year, seq int
		if _, err := fmt.Sscanf(c.Number, "CS-%d-%d", &year, &seq); err != nil {
			panic(err)
		}
		out = append(out, seq)
	}
	return out
}
