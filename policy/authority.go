package policy

import (
	"slices"

	"caseflow"
)

// The authority matrix (SPEC step 5, seed 002 §8.1) and who approves SOP
// exceptions (step 6), as pure functions of the policy.

// Authorizes reports whether tier may grant the recovery action on its own
// authority. Actions listed in any_tier are every tier's; a discount or a
// complimentary product is within a tier's authority up to its limit; a
// full refund from the refund tier up. Authority grows up the chain: a tier
// may grant whatever a lower tier may, so a limit left out for a higher tier
// is inherited, never lost.
func (p *Policy) Authorizes(tier caseflow.Tier, a caseflow.RecoveryAction) bool {
	au := p.Authority
	switch {
	case !tier.Valid() || !a.Kind.Valid():
		return false
	case slices.Contains(au.AnyTier, string(a.Kind)):
		return true
	case a.Kind == caseflow.RecoveryDiscount:
		return withinLimit(au.DiscountPercent, tier, a.Percent)
	case a.Kind == caseflow.RecoveryComplimentary:
		return withinLimit(au.ComplimentaryValue, tier, a.Value)
	case a.Kind == caseflow.RecoveryRefund:
		return au.Refund.Valid() && tier.Rank() >= au.Refund.Rank()
	}
	return false // an action no tier was given: nobody may grant it
}

// withinLimit reports whether amount is within the limit of tier or of any
// tier below it.
func withinLimit(limits map[caseflow.Tier]float64, tier caseflow.Tier, amount float64) bool {
	for _, t := range caseflow.Tiers[:tier.Rank()+1] {
		if limit, ok := limits[t]; ok && amount <= limit {
			return true
		}
	}
	return false
}

// Approvers lists the tiers of the escalation chain that may grant the
// action, lowest first: an approval request goes to the first and climbs
// through the others. Empty when no tier has the authority.
func (p *Policy) Approvers(a caseflow.RecoveryAction) []caseflow.Tier {
	var tiers []caseflow.Tier
	for _, t := range p.Escalation.Chain {
		if p.Authorizes(t, a) {
			tiers = append(tiers, t)
		}
	}
	return tiers
}

// LowestApprover is the lowest tier that may grant the action; ok is false
// when none may.
func (p *Policy) LowestApprover(a caseflow.RecoveryAction) (tier caseflow.Tier, ok bool) {
	if tiers := p.Approvers(a); len(tiers) > 0 {
		return tiers[0], true
	}
	return "", false
}

// ApprovesExceptions reports whether tier may approve a deviation from the
// SOP: the policy's exceptions approver or above.
func (p *Policy) ApprovesExceptions(tier caseflow.Tier) bool {
	return tier.Valid() && tier.Rank() >= p.Exceptions.Approver.Rank()
}

// ExceptionApprovers lists the tiers of the chain that may approve an SOP
// exception, lowest first.
func (p *Policy) ExceptionApprovers() []caseflow.Tier {
	var tiers []caseflow.Tier
	for _, t := range p.Escalation.Chain {
		if p.ApprovesExceptions(t) {
			tiers = append(tiers, t)
		}
	}
	return tiers
}
