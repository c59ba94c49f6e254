package policy

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"caseflow"
)

// The authority matrix of SPEC step 5 (seed 002 §8.1), cell by cell: apology
// and expedited shipping — any tier; discount up to 15 % — team lead;
// 15–25 % — supervisor; above — manager; full refund — supervisor;
// complimentary up to $50 — team lead, up to $200 — supervisor, above —
// manager.
func TestDefaultAuthorityMatrixFollowsTheSOP(t *testing.T) {
	p := Default()
	const (
		A = caseflow.TierAgent
		L = caseflow.TierTeamLead
		S = caseflow.TierSupervisor
		M = caseflow.TierManager
	)
	discount := func(pct float64) caseflow.RecoveryAction {
		return caseflow.RecoveryAction{Kind: caseflow.RecoveryDiscount, Percent: pct}
	}
	comp := func(value float64) caseflow.RecoveryAction {
		return caseflow.RecoveryAction{Kind: caseflow.RecoveryComplimentary, Value: value}
	}
	for _, tc := range []struct {
		action caseflow.RecoveryAction
		lowest caseflow.Tier // the lowest tier that may grant it
	}{
		{caseflow.RecoveryAction{Kind: caseflow.RecoveryApology}, A},
		{caseflow.RecoveryAction{Kind: caseflow.RecoveryExpeditedShipping}, A},
		{discount(5), L},
		{discount(10), L},
		{discount(15), L}, // "up to 15 %" includes 15
		{discount(15.5), S},
		{discount(20), S},
		{discount(25), S},
		{discount(30), M},
		{discount(100), M},
		{caseflow.RecoveryAction{Kind: caseflow.RecoveryRefund}, S},
		{comp(30), L},
		{comp(50), L},
		{comp(50.01), S},
		{comp(150), S},
		{comp(200), S},
		{comp(250), M},
	} {
		t.Run(tc.action.String(), func(t *testing.T) {
			got, ok := p.LowestApprover(tc.action)
			if !ok || got != tc.lowest {
				t.Errorf("lowest approver %q (ok %t), want %s", got, ok, tc.lowest)
			}
			for _, tier := range caseflow.Tiers {
				want := tier.Rank() >= tc.lowest.Rank()
				if p.Authorizes(tier, tc.action) != want {
					t.Errorf("%s may grant it: %t, want %t", tier, !want, want)
				}
			}
			want := caseflow.Tiers[tc.lowest.Rank():]
			if got := p.Approvers(tc.action); !slices.Equal(got, want) {
				t.Errorf("approvers %v, want %v", got, want)
			}
		})
	}
}

func TestAuthorityLimitsAreInheritedUpTheChain(t *testing.T) {
	// A policy that gives the manager no discount limit must not leave
	// managers with less authority than their team leads.
	p := parseWith(t, "discount_percent:    {team_lead: 15, supervisor: 25, manager: 100}", "discount_percent:    {team_lead: 15, supervisor: 25}")
	ten := caseflow.RecoveryAction{Kind: caseflow.RecoveryDiscount, Percent: 10}
	if !p.Authorizes(caseflow.TierManager, ten) {
		t.Error("a manager may not grant what a team lead may")
	}
	forty := caseflow.RecoveryAction{Kind: caseflow.RecoveryDiscount, Percent: 40}
	if _, ok := p.LowestApprover(forty); ok {
		t.Error("a 40% discount above every limit found an approver")
	}
}

func TestAnyTierActionsComeFromThePolicy(t *testing.T) {
	// Take expedited shipping out of any_tier: nobody has it any more.
	p := parseWith(t, "any_tier: [apology, expedited_shipping]", "any_tier: [apology]")
	ship := caseflow.RecoveryAction{Kind: caseflow.RecoveryExpeditedShipping}
	if p.Authorizes(caseflow.TierManager, ship) || len(p.Approvers(ship)) != 0 {
		t.Error("expedited shipping is granted without a rule")
	}
	_, err := Parse([]byte(strings.Replace(string(defaultYAML), "any_tier: [apology, expedited_shipping]", "any_tier: [apology, hug]", 1)))
	if err == nil || !strings.Contains(err.Error(), `authority.any_tier[1]: "hug" is not a recovery action`) {
		t.Errorf("an unknown action in any_tier: %v", err)
	}
}

func TestExceptionsNeedTheApproverOrAbove(t *testing.T) {
	p := Default() // exceptions: {approver: supervisor}
	for _, tier := range caseflow.Tiers {
		want := tier == caseflow.TierSupervisor || tier == caseflow.TierManager
		if got := p.ApprovesExceptions(tier); got != want {
			t.Errorf("%s approves exceptions: %t, want %t", tier, got, want)
		}
	}
	if got := p.ExceptionApprovers(); !slices.Equal(got, []caseflow.Tier{caseflow.TierSupervisor, caseflow.TierManager}) {
		t.Errorf("exception approvers %v", got)
	}
	_, err := Parse([]byte(strings.Replace(string(defaultYAML), "approver: supervisor", "approver: director", 1)))
	if err == nil || !strings.Contains(err.Error(), "exceptions.approver") {
		t.Errorf("an unknown approver tier: %v", err)
	}
}

// parseWith parses the default policy with one line of it replaced.
func parseWith(t *testing.T, old, replacement string) *Policy {
	t.Helper()
	src := string(defaultYAML)
	if !strings.Contains(src, old) {
		t.Fatalf("the default policy has no %q", old)
	}
	p, err := Parse([]byte(strings.Replace(src, old, replacement, 1)))
	if err != nil {
		t.Fatal(fmt.Errorf("policy with %q: %w", replacement, err))
	}
	return p
}
