package policy

import (
	"fmt"
	"slices"
	"time"

	"caseflow"
	"caseflow/sla"
)

// Facts are what the priority rules and start tiers look at.
type Facts struct {
	Category caseflow.Category
	Channel  caseflow.Channel
	Flags    []caseflow.Flag
	Amount   *float64
	VIP      bool
	Contacts int
}

// Priority applies the priority rules, first match wins; rule is the index of
// the matching rule, or -1 when none matched and the case is normal.
func (p *Policy) Priority(f Facts) (priority caseflow.Priority, rule int) {
	for i, r := range p.PriorityRules {
		if r.When.matches(f) {
			return r.Priority, i
		}
	}
	return caseflow.PriorityNormal, -1
}

func (c Condition) matches(f Facts) bool {
	if len(c.FlagsAny) > 0 && !slices.ContainsFunc(c.FlagsAny, func(x caseflow.Flag) bool { return slices.Contains(f.Flags, x) }) {
		return false
	}
	if c.Category != "" && c.Category != f.Category {
		return false
	}
	if c.Channel != "" && c.Channel != f.Channel {
		return false
	}
	if c.AmountOver != nil && (f.Amount == nil || *f.Amount <= *c.AmountOver) {
		return false
	}
	if c.VIP != nil && *c.VIP != f.VIP {
		return false
	}
	if c.ContactsOver != nil && f.Contacts <= *c.ContactsOver {
		return false
	}
	return true
}

// Describe says in words what a rule matched, for the timeline.
func (r Rule) Describe() string {
	w := r.When
	s := ""
	add := func(format string, args ...any) {
		if s != "" {
			s += " and "
		}
		s += fmt.Sprintf(format, args...)
	}
	if len(w.FlagsAny) > 0 {
		add("flags any of %v", w.FlagsAny)
	}
	if w.Category != "" {
		add("category %s", w.Category)
	}
	if w.Channel != "" {
		add("channel %s", w.Channel)
	}
	if w.AmountOver != nil {
		add("amount over %.2f", *w.AmountOver)
	}
	if w.VIP != nil {
		add("vip %t", *w.VIP)
	}
	if w.ContactsOver != nil {
		add("more than %d contacts", *w.ContactsOver)
	}
	if s == "" {
		s = "any case"
	}
	return s + " → " + string(r.Priority)
}

// StartTier is the tier a new case starts at and why: the priority's start
// tier (critical → manager), or for billing disputes the band of the amount,
// whichever is higher.
func (p *Policy) StartTier(priority caseflow.Priority, category caseflow.Category, amount *float64) (caseflow.Tier, string) {
	tier, why := caseflow.TierAgent, ""
	if t := p.Targets.Priorities[priority].StartTier; t != "" {
		tier, why = t, fmt.Sprintf("%s priority starts at %s", priority, t)
	}
	if category == caseflow.CategoryBilling && amount != nil {
		for _, band := range p.Escalation.BillingStartTier {
			if band.Below == nil || *amount < *band.Below {
				if band.Tier.Rank() > tier.Rank() {
					tier, why = band.Tier, fmt.Sprintf("billing dispute of %.2f starts at %s", *amount, band.Tier)
				}
				break
			}
		}
	}
	return tier, why
}

// NextTier is the tier above t in the chain; ok is false at the top.
func (p *Policy) NextTier(t caseflow.Tier) (caseflow.Tier, bool) {
	for _, c := range p.Escalation.Chain {
		if c.Rank() > t.Rank() {
			return c, true
		}
	}
	return t, false
}

// TopTier is the last tier of the chain.
func (p *Policy) TopTier() caseflow.Tier { return p.Escalation.Chain[len(p.Escalation.Chain)-1] }

// FirstResponseTarget is the channel's first-response promise; live channels
// answer at intake.
func (p *Policy) FirstResponseTarget(ch caseflow.Channel) sla.Duration {
	return p.Targets.Channels[ch].FirstResponse
}

// ResolutionDue is the earlier of the channel's and the priority's
// resolution deadlines from start, and whether it is measured in business time.
func (p *Policy) ResolutionDue(start time.Time, ch caseflow.Channel, pr caseflow.Priority) (time.Time, bool) {
	cal := p.Calendar()
	c, q := p.Targets.Channels[ch].Resolution, p.Targets.Priorities[pr].Resolution
	cd, qd := c.From(cal, start), q.From(cal, start)
	if qd.Before(cd) {
		return qd, q.Business()
	}
	return cd, c.Business()
}

// EscalatesOn reports whether raising f escalates the case.
func (p *Policy) EscalatesOn(f caseflow.Flag) bool {
	return slices.Contains(p.Escalation.EscalateOnFlags, f)
}
