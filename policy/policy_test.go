package policy

import (
	"strings"
	"testing"
	"time"

	"caseflow"
)

func TestDefaultPolicyReproducesTheSeeds(t *testing.T) {
	p := Default()
	if p.Version == "" || p.Location().String() != "America/New_York" {
		t.Fatalf("default policy: version %q zone %s", p.Version, p.Location())
	}
	want := map[caseflow.Channel][2]string{ // seed 004 §5, seed 003 §4
		caseflow.ChannelPhone: {"0s", "1bd"}, caseflow.ChannelEmail: {"4bh", "2bd"},
		caseflow.ChannelChat: {"1m", "1bd"}, caseflow.ChannelSocial: {"2bh", "1bd"},
		caseflow.ChannelWebForm: {"1d", "2d"}, caseflow.ChannelInPerson: {"0s", "1bd"},
	}
	for ch, w := range want {
		got := p.Targets.Channels[ch]
		if got.FirstResponse.String() != w[0] || got.Resolution.String() != w[1] {
			t.Errorf("%s: got %s/%s, want %s/%s", ch, got.FirstResponse, got.Resolution, w[0], w[1])
		}
	}
	// Thursday 3 Dec 2026 10:00 New York: 5bd normal vs email 2bd -> email wins.
	start := time.Date(2026, 12, 3, 10, 0, 0, 0, p.Location())
	due, business := p.ResolutionDue(start, caseflow.ChannelEmail, caseflow.PriorityNormal)
	if !business || !due.Equal(time.Date(2026, 12, 7, 10, 0, 0, 0, p.Location())) {
		t.Errorf("email/normal resolution due %s (business %t), want Monday 7 Dec 10:00", due, business)
	}
	due, _ = p.ResolutionDue(start, caseflow.ChannelEmail, caseflow.PriorityHigh)
	if !due.Equal(time.Date(2026, 12, 3, 17, 0, 0, 0, p.Location())) {
		t.Errorf("high priority resolves by the end of the business day, got %s", due)
	}
}

func TestPriorityRulesFirstMatchWins(t *testing.T) {
	p := Default()
	amt := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		name string
		f    Facts
		want caseflow.Priority
		rule int
	}{
		{"safety is critical", Facts{Category: caseflow.CategoryBilling, Flags: []caseflow.Flag{caseflow.FlagSafety, caseflow.FlagLegalThreat}}, caseflow.PriorityCritical, 0},
		{"legal threat is high", Facts{Category: caseflow.CategoryGeneral, Flags: []caseflow.Flag{caseflow.FlagLegalThreat}}, caseflow.PriorityHigh, 1},
		{"billing over 500 is high", Facts{Category: caseflow.CategoryBilling, Amount: amt(500.01)}, caseflow.PriorityHigh, 2},
		{"billing of exactly 500 is normal", Facts{Category: caseflow.CategoryBilling, Amount: amt(500)}, caseflow.PriorityNormal, -1},
		{"vip service complaint is high", Facts{Category: caseflow.CategoryServiceComplain, VIP: true}, caseflow.PriorityHigh, 3},
		{"technical is medium", Facts{Category: caseflow.CategoryTechnical}, caseflow.PriorityMedium, 4},
		{"anything else is normal", Facts{Category: caseflow.CategoryGeneral}, caseflow.PriorityNormal, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, rule := p.Priority(tc.f)
			if got != tc.want || rule != tc.rule {
				t.Errorf("got %s (rule %d), want %s (rule %d)", got, rule, tc.want, tc.rule)
			}
		})
	}
}

func TestStartTier(t *testing.T) {
	p := Default()
	amt := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		name     string
		priority caseflow.Priority
		category caseflow.Category
		amount   *float64
		want     caseflow.Tier
	}{
		{"critical starts at manager", caseflow.PriorityCritical, caseflow.CategoryGeneral, nil, caseflow.TierManager},
		{"billing under 100 starts at agent", caseflow.PriorityNormal, caseflow.CategoryBilling, amt(99.99), caseflow.TierAgent},
		{"billing 100 starts at team lead", caseflow.PriorityNormal, caseflow.CategoryBilling, amt(100), caseflow.TierTeamLead},
		{"billing 499 starts at team lead", caseflow.PriorityNormal, caseflow.CategoryBilling, amt(499), caseflow.TierTeamLead},
		{"billing 500 starts at supervisor", caseflow.PriorityNormal, caseflow.CategoryBilling, amt(500), caseflow.TierSupervisor},
		{"billing 1000 starts at manager", caseflow.PriorityHigh, caseflow.CategoryBilling, amt(1000), caseflow.TierManager},
		{"billing over 1000 starts at manager", caseflow.PriorityHigh, caseflow.CategoryBilling, amt(1500), caseflow.TierManager},
		{"other categories ignore the amount", caseflow.PriorityNormal, caseflow.CategoryShipping, amt(5000), caseflow.TierAgent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, _ := p.StartTier(tc.priority, tc.category, tc.amount); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestPolicyErrorsNameTheLine(t *testing.T) {
	base := string(defaultYAML)
	for _, tc := range []struct {
		name, from, to, want string
	}{
		{"unknown key", "reopen_window: 7d", "reopen_window: 7d\nreopen_windw: 3d", "line 52: unknown field"},
		{"bad duration", "reopen_window: 7d", "reopen_window: 7 days", "line 51: sla: bad duration"},
		{"bad time zone", "timezone: America/New_York", "timezone: Mars/Olympus", "timezone"},
		{"bad warning fraction", "warn_at: 0.75", "warn_at: 1.5", "line 14: targets.warn_at"},
		{"unknown tier in chain", "chain: [agent, team_lead, supervisor, manager]", "chain: [agent, team_lead, director]", "\"director\" is not a tier"},
		{"bad priority in a rule", "priority: medium}", "priority: urgent}", "priority_rules[4].priority"},
		{"bad business hours", `mon: "09:00-17:00"`, `mon: "17:00-09:00"`, "business_hours"},
		{"unknown weekday", `mon: "09:00-17:00"`, `mon: "09:00-17:00"` + "\n  mnd: \"09:00-17:00\"", "mnd"},
		{"missing version", `version: "2026-11-22.1"`, `version: ""`, "version: is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(base, tc.from, tc.to, 1)
			if src == base {
				t.Fatalf("test does not change the policy")
			}
			_, err := Parse([]byte(src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestPolicyTravelsAsJSON(t *testing.T) {
	p := Default()
	q, err := FromJSON(p.JSON())
	if err != nil {
		t.Fatal(err)
	}
	if string(q.JSON()) != string(p.JSON()) {
		t.Errorf("policy does not round-trip through JSON:\n%s\n%s", p.JSON(), q.JSON())
	}
	always, err := Parse([]byte(strings.Replace(string(defaultYAML), "business_hours:", "business_hours: always\nunused_hours:", 1)))
	if err == nil {
		t.Fatalf("expected the leftover weekday map to be rejected, got %v", always)
	}
}
