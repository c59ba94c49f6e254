// Package policy is the SOP as configuration: one YAML file, strictly parsed
// and validated with line numbers, versioned, with built-in defaults that
// reproduce the seed SOP. A case pins the policy it started with, so a Policy
// is also plain data that travels in workflow state.
package policy

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	// Time zones come from the binary, so every worker computes the same
	// business calendar whatever the host's zoneinfo says.
	_ "time/tzdata"

	"github.com/goccy/go-yaml"

	"caseflow"
	"caseflow/sla"
)

var quoted = regexp.MustCompile(`"([^"]+)"`)

//go:embed default.yaml
var defaultYAML []byte

// Policy is the whole SOP configuration.
type Policy struct {
	Version       string        `yaml:"version" json:"version"`
	Company       string        `yaml:"company" json:"company"`
	Timezone      string        `yaml:"timezone" json:"timezone"`
	BusinessHours BusinessHours `yaml:"business_hours" json:"business_hours"`
	Holidays      []string      `yaml:"holidays" json:"holidays"`
	Targets       Targets       `yaml:"targets" json:"targets"`
	PriorityRules []Rule        `yaml:"priority_rules" json:"priority_rules"`
	Escalation    Escalation    `yaml:"escalation" json:"escalation"`
	Authority     Authority     `yaml:"authority" json:"authority"`
	Exceptions    Exceptions    `yaml:"exceptions" json:"exceptions"`
	FollowUp      FollowUp      `yaml:"follow_up" json:"follow_up"`
	ReopenWindow  sla.Duration  `yaml:"reopen_window" json:"reopen_window"`
	Survey        Survey        `yaml:"survey" json:"survey"`

	cal *sla.Calendar
}

// BusinessHours is either "always" or the open hours of each weekday
// ("mon": "09:00-17:00"; several spans joined by commas). Days left out are closed.
type BusinessHours struct {
	Always bool
	Days   map[string]string
}

var weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

func (b *BusinessHours) UnmarshalYAML(unmarshal func(any) error) error {
	var word string
	if err := unmarshal(&word); err == nil {
		if word != "always" {
			return fmt.Errorf("business_hours must be the word always or a map of weekdays, not %q", word)
		}
		*b = BusinessHours{Always: true}
		return nil
	}
	days := map[string]string{}
	if err := unmarshal(&days); err != nil {
		return errors.New("business_hours must be the word always or a map of weekdays (mon: \"09:00-17:00\")")
	}
	*b = BusinessHours{Days: days}
	return nil
}

func (b BusinessHours) MarshalYAML() (any, error) {
	if b.Always {
		return "always", nil
	}
	return b.Days, nil
}

func (b BusinessHours) MarshalJSON() ([]byte, error) {
	if b.Always {
		return json.Marshal("always")
	}
	return json.Marshal(b.Days)
}

func (b *BusinessHours) UnmarshalJSON(data []byte) error {
	if string(data) == `"always"` {
		*b = BusinessHours{Always: true}
		return nil
	}
	b.Always = false
	return json.Unmarshal(data, &b.Days)
}

// Targets are the SLA promises.
type Targets struct {
	WarnAt     float64                              `yaml:"warn_at" json:"warn_at"`
	Channels   map[caseflow.Channel]ChannelTarget   `yaml:"channels" json:"channels"`
	Priorities map[caseflow.Priority]PriorityTarget `yaml:"priorities" json:"priorities"`
}

// ChannelTarget is the promise each channel makes.
type ChannelTarget struct {
	FirstResponse sla.Duration `yaml:"first_response" json:"first_response"`
	Resolution    sla.Duration `yaml:"resolution" json:"resolution"`
}

// PriorityTarget is the promise each priority makes, and where it starts.
type PriorityTarget struct {
	Resolution sla.Duration  `yaml:"resolution" json:"resolution"`
	StartTier  caseflow.Tier `yaml:"start_tier,omitempty" json:"start_tier,omitempty"`
}

// Rule sets the priority of a case that matches every condition of When.
type Rule struct {
	When     Condition         `yaml:"when" json:"when"`
	Priority caseflow.Priority `yaml:"priority" json:"priority"`
}

// Condition is a conjunction; an empty field matches anything.
type Condition struct {
	FlagsAny     []caseflow.Flag   `yaml:"flags_any,omitempty" json:"flags_any,omitempty"`
	Category     caseflow.Category `yaml:"category,omitempty" json:"category,omitempty"`
	Channel      caseflow.Channel  `yaml:"channel,omitempty" json:"channel,omitempty"`
	AmountOver   *float64          `yaml:"amount_over,omitempty" json:"amount_over,omitempty"`
	VIP          *bool             `yaml:"vip,omitempty" json:"vip,omitempty"`
	ContactsOver *int              `yaml:"contacts_over,omitempty" json:"contacts_over,omitempty"`
}

// Escalation is the chain, how fast each tier must take an escalation, and
// what triggers one.
type Escalation struct {
	Chain             []caseflow.Tier                `yaml:"chain" json:"chain"`
	AcknowledgeWithin map[caseflow.Tier]sla.Duration `yaml:"acknowledge_within" json:"acknowledge_within"`
	RepeatContacts    int                            `yaml:"repeat_contacts" json:"repeat_contacts"`
	EscalateOnFlags   []caseflow.Flag                `yaml:"escalate_on_flags" json:"escalate_on_flags"`
	BillingStartTier  []AmountTier                   `yaml:"billing_start_tier" json:"billing_start_tier"`
}

// AmountTier: amounts below Below start at Tier; the last band has no bound.
type AmountTier struct {
	Below *float64      `yaml:"below,omitempty" json:"below,omitempty"`
	Tier  caseflow.Tier `yaml:"tier" json:"tier"`
}

// Authority is the service-recovery authority matrix.
type Authority struct {
	AnyTier            []string                  `yaml:"any_tier" json:"any_tier"`
	DiscountPercent    map[caseflow.Tier]float64 `yaml:"discount_percent" json:"discount_percent"`
	ComplimentaryValue map[caseflow.Tier]float64 `yaml:"complimentary_value" json:"complimentary_value"`
	Refund             caseflow.Tier             `yaml:"refund" json:"refund"`
	DecideWithin       sla.Duration              `yaml:"decide_within" json:"decide_within"`
}

// Exceptions governs SOP deviations.
type Exceptions struct {
	Approver   caseflow.Tier `yaml:"approver" json:"approver"`
	FormWithin sla.Duration  `yaml:"form_within" json:"form_within"`
}

// FollowUp is the reminder cadence while waiting on the customer: each
// reminder's delay counts from the start of the wait.
type FollowUp struct {
	Reminders        []sla.Duration `yaml:"reminders" json:"reminders"`
	AutoResolveAfter sla.Duration   `yaml:"auto_resolve_after" json:"auto_resolve_after"`
}

// Survey governs the satisfaction survey after resolution.
type Survey struct {
	SendAfter   sla.Duration `yaml:"send_after" json:"send_after"`
	RemindAfter sla.Duration `yaml:"remind_after" json:"remind_after"`
	ExpireAfter sla.Duration `yaml:"expire_after" json:"expire_after"`
	LowCSAT     int          `yaml:"low_csat" json:"low_csat"`
	LowNPS      int          `yaml:"low_nps" json:"low_nps"`
}

// Default returns the built-in policy that reproduces the seed SOP.
func Default() *Policy {
	p, err := Parse(defaultYAML)
	if err != nil {
		panic("built-in policy: " + err.Error())
	}
	return p
}

// Load reads a policy file; an empty path means the built-in default.
func Load(path string) (*Policy, error) {
	if path == "" {
		return Default(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	p, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", path, err)
	}
	return p, nil
}

// Parse decodes and validates a policy. Unknown keys are errors; every error
// names its line.
func Parse(data []byte) (*Policy, error) {
	var p Policy
	if err := yaml.UnmarshalWithOptions(data, &p, yaml.Strict()); err != nil {
		var ye yaml.Error
		if errors.As(err, &ye) && ye.GetToken() != nil {
			return nil, fmt.Errorf("line %d: %s", ye.GetToken().Position.Line, ye.GetMessage())
		}
		// A value's own parser (a duration, say) does not know its line:
		// find the line holding the value it quotes.
		if m := quoted.FindStringSubmatch(err.Error()); m != nil {
			for i, line := range strings.Split(string(data), "\n") {
				if strings.Contains(line, m[1]) {
					return nil, fmt.Errorf("line %d: %w", i+1, err)
				}
			}
		}
		return nil, err
	}
	if problems := p.validate(); len(problems) > 0 {
		msgs := make([]string, len(problems))
		for i, pr := range problems {
			msgs[i] = fmt.Sprintf("line %d: %s: %s", lineOf(data, pr.path), strings.TrimPrefix(pr.path, "$."), pr.msg)
		}
		return nil, errors.New(strings.Join(msgs, "\n"))
	}
	return &p, nil
}

// FromJSON rebuilds a policy carried in workflow state or stored by version.
func FromJSON(data []byte) (*Policy, error) {
	var p Policy
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, err
	}
	if problems := p.validate(); len(problems) > 0 {
		return nil, fmt.Errorf("%s: %s", problems[0].path, problems[0].msg)
	}
	return &p, nil
}

// JSON is the canonical form stored under the policy's version.
func (p *Policy) JSON() []byte {
	b, err := json.Marshal(p)
	if err != nil {
		panic(err) // every field is plain data
	}
	return b
}

// lineOf finds the line of a YAML path, falling back to its nearest parent
// that exists (a missing key is reported where its section starts).
func lineOf(data []byte, path string) int {
	for path != "" && path != "$" {
		if yp, err := yaml.PathString(path); err == nil {
			if n, err := yp.ReadNode(bytes.NewReader(data)); err == nil && n != nil && n.GetToken() != nil {
				return n.GetToken().Position.Line
			}
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 1
}

type problem struct{ path, msg string }

func (p *Policy) validate() []problem {
	var ps []problem
	bad := func(path, format string, args ...any) {
		ps = append(ps, problem{"$." + path, fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(p.Version) == "" {
		bad("version", "is required (a policy is versioned; cases pin the version they started with)")
	}
	loc, err := time.LoadLocation(p.Timezone)
	if p.Timezone == "" || err != nil {
		bad("timezone", "%q is not a known time zone (use an IANA name such as America/New_York)", p.Timezone)
		loc = time.UTC
	}
	for _, day := range sortedKeys(p.BusinessHours.Days) {
		if !slices.Contains(weekdays, day) {
			bad("business_hours."+day, "%q is not a weekday (use %s)", day, strings.Join(weekdays, ", "))
		}
	}
	if cal, err := p.buildCalendar(loc); err != nil {
		bad("business_hours", "%v", err)
	} else {
		p.cal = cal
	}

	t := p.Targets
	if !(t.WarnAt > 0 && t.WarnAt < 1) {
		bad("targets.warn_at", "must be a fraction between 0 and 1, such as 0.75")
	}
	for _, ch := range caseflow.Channels {
		if _, ok := t.Channels[ch]; !ok {
			bad("targets.channels", "has no target for channel %s", ch)
		}
	}
	for _, ch := range sortedKeys(t.Channels) {
		if !ch.Valid() {
			bad("targets.channels."+string(ch), "is not a channel (one of %s)", list(caseflow.Channels))
		} else if t.Channels[ch].Resolution.IsZero() {
			bad("targets.channels."+string(ch)+".resolution", "must be more than zero")
		}
	}
	for _, pr := range caseflow.Priorities {
		if _, ok := t.Priorities[pr]; !ok {
			bad("targets.priorities", "has no target for priority %s", pr)
		}
	}
	for _, pr := range sortedKeys(t.Priorities) {
		pt := t.Priorities[pr]
		switch {
		case !pr.Valid():
			bad("targets.priorities."+string(pr), "is not a priority (one of %s)", list(caseflow.Priorities))
		case pt.Resolution.IsZero():
			bad("targets.priorities."+string(pr)+".resolution", "must be more than zero")
		case pt.StartTier != "" && !pt.StartTier.Valid():
			bad("targets.priorities."+string(pr)+".start_tier", "%q is not a tier (one of %s)", pt.StartTier, list(caseflow.Tiers))
		}
	}

	for i, r := range p.PriorityRules {
		at := fmt.Sprintf("priority_rules[%d]", i)
		if !r.Priority.Valid() {
			bad(at+".priority", "%q is not a priority (one of %s)", r.Priority, list(caseflow.Priorities))
		}
		for _, f := range r.When.FlagsAny {
			if !f.Valid() {
				bad(at+".when.flags_any", "%q is not a flag (one of %s)", f, list(caseflow.Flags))
			}
		}
		if r.When.Category != "" && !r.When.Category.Valid() {
			bad(at+".when.category", "%q is not a category (one of %s)", r.When.Category, list(caseflow.Categories))
		}
		if r.When.Channel != "" && !r.When.Channel.Valid() {
			bad(at+".when.channel", "%q is not a channel (one of %s)", r.When.Channel, list(caseflow.Channels))
		}
	}

	e := p.Escalation
	if len(e.Chain) == 0 || e.Chain[0] != caseflow.TierAgent {
		bad("escalation.chain", "must start with agent")
	}
	for i, tier := range e.Chain {
		if !tier.Valid() {
			bad(fmt.Sprintf("escalation.chain[%d]", i), "%q is not a tier (one of %s)", tier, list(caseflow.Tiers))
		} else if i > 0 && tier.Rank() <= e.Chain[i-1].Rank() {
			bad(fmt.Sprintf("escalation.chain[%d]", i), "tiers must climb: %s cannot follow %s", tier, e.Chain[i-1])
		} else if i > 0 && e.AcknowledgeWithin[tier].IsZero() {
			bad("escalation.acknowledge_within", "needs a limit for %s", tier)
		}
	}
	for _, tier := range sortedKeys(e.AcknowledgeWithin) {
		if !slices.Contains(e.Chain, tier) {
			bad("escalation.acknowledge_within."+string(tier), "%q is not in the escalation chain", tier)
		}
	}
	if e.RepeatContacts < 1 {
		bad("escalation.repeat_contacts", "must be at least 1")
	}
	for _, f := range e.EscalateOnFlags {
		if !f.Valid() {
			bad("escalation.escalate_on_flags", "%q is not a flag (one of %s)", f, list(caseflow.Flags))
		}
	}
	for i, b := range e.BillingStartTier {
		at := fmt.Sprintf("escalation.billing_start_tier[%d]", i)
		last := i == len(e.BillingStartTier)-1
		switch {
		case !b.Tier.Valid():
			bad(at+".tier", "%q is not a tier (one of %s)", b.Tier, list(caseflow.Tiers))
		case last && b.Below != nil:
			bad(at, "the last band must have no bound (it takes every larger amount)")
		case !last && b.Below == nil:
			bad(at+".below", "is required on every band but the last")
		case i > 0 && !last && *b.Below <= *e.BillingStartTier[i-1].Below:
			bad(at+".below", "bands must be listed lowest bound first")
		}
	}

	a := p.Authority
	for i, kind := range a.AnyTier {
		if !caseflow.RecoveryKind(kind).Valid() {
			bad(fmt.Sprintf("authority.any_tier[%d]", i), "%q is not a recovery action (one of %s)", kind, list(caseflow.RecoveryKinds))
		}
	}
	for _, tier := range sortedKeys(a.DiscountPercent) {
		if !tier.Valid() {
			bad("authority.discount_percent."+string(tier), "is not a tier")
		}
	}
	for _, tier := range sortedKeys(a.ComplimentaryValue) {
		if !tier.Valid() {
			bad("authority.complimentary_value."+string(tier), "is not a tier")
		}
	}
	if !a.Refund.Valid() {
		bad("authority.refund", "%q is not a tier (one of %s)", a.Refund, list(caseflow.Tiers))
	}
	if a.DecideWithin.IsZero() {
		bad("authority.decide_within", "must be more than zero")
	}
	if !p.Exceptions.Approver.Valid() {
		bad("exceptions.approver", "%q is not a tier (one of %s)", p.Exceptions.Approver, list(caseflow.Tiers))
	} else if !slices.Contains(e.Chain, p.Exceptions.Approver) {
		bad("exceptions.approver", "%q is not in the escalation chain", p.Exceptions.Approver)
	}
	if p.Exceptions.FormWithin.IsZero() {
		bad("exceptions.form_within", "must be more than zero")
	}
	if len(p.FollowUp.Reminders) == 0 {
		bad("follow_up.reminders", "needs at least one reminder")
	}
	if p.FollowUp.AutoResolveAfter.IsZero() {
		bad("follow_up.auto_resolve_after", "must be more than zero")
	}
	if p.ReopenWindow.IsZero() {
		bad("reopen_window", "must be more than zero")
	}
	s := p.Survey
	if s.ExpireAfter.IsZero() {
		bad("survey.expire_after", "must be more than zero")
	}
	if s.LowCSAT < 1 || s.LowCSAT > 5 {
		bad("survey.low_csat", "must be a CSAT score from 1 to 5")
	}
	if s.LowNPS < 0 || s.LowNPS > 10 {
		bad("survey.low_nps", "must be an NPS score from 0 to 10")
	}
	return ps
}

func (p *Policy) buildCalendar(loc *time.Location) (*sla.Calendar, error) {
	if p.BusinessHours.Always {
		return sla.Always(loc), nil
	}
	// Walk the weekdays, not the map: the workflow builds calendars too.
	var hours [7][]sla.Span
	for i, day := range weekdays {
		spans, err := sla.ParseSpans(p.BusinessHours.Days[day])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", day, err)
		}
		hours[i] = spans
	}
	return sla.New(loc, hours, p.Holidays)
}

// Calendar is the business calendar the policy describes.
func (p *Policy) Calendar() *sla.Calendar {
	if p.cal == nil {
		loc, err := time.LoadLocation(p.Timezone)
		if err != nil {
			loc = time.UTC
		}
		if p.cal, err = p.buildCalendar(loc); err != nil {
			p.cal = sla.Always(loc)
		}
	}
	return p.cal
}

// Location is the policy's time zone.
func (p *Policy) Location() *time.Location { return p.Calendar().Location }

func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

func list[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}
