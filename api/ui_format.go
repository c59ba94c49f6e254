package api

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strings"
	"time"

	"caseflow"
	"caseflow/policy"
)

// How the UI words and colours things: labels, times, durations, SLA badges,
// timeline entries.

func (u *ui) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": func(name string) string { return u.assets[name] },
		"label": func(v any) string { return label(fmt.Sprint(v)) },
		"when":  u.when,
		"dur":   func(seconds int64) string { return duration(time.Duration(seconds) * time.Second) },
		"money": func(v *float64) string {
			if v == nil {
				return ""
			}
			return fmt.Sprintf("$%.2f", *v)
		},
		// sentence capitalises the first letter: "a 20% discount" heads a line.
		"sentence": func(s string) string {
			if s == "" {
				return s
			}
			r := []rune(s)
			return strings.ToUpper(string(r[:1])) + string(r[1:])
		},
		"lower": func(v any) string { return strings.ToLower(label(fmt.Sprint(v))) },
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return fmt.Sprintf("%d %s", n, one)
			}
			return fmt.Sprintf("%d %s", n, many)
		},
		"actionArgs": func(page any, a actionView) actionArgs { return actionArgs{page, a} },
		// dict passes several values to a template: "name", value, ...
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"fieldArgs": fieldArguments,
		"barArgs": func(title string, rows []barRow) struct {
			Title string
			Rows  []barRow
		} {
			return struct {
				Title string
				Rows  []barRow
			}{title, rows}
		},
		"inputArgs": func(f *formState, field, label, typ, autocomplete string) fieldArgs {
			return fieldArgs{ID: strings.ReplaceAll(field, ".", "-"), Field: field, Label: label, Type: typ, Autocomplete: autocomplete,
				Value: f.Get(field), Error: f.FieldError(field), Required: !strings.Contains(label, "optional")}
		},
	}
}

// actionArgs is what the action template needs: the page and one action.
type actionArgs struct {
	Page   any
	Action actionView
}

// fieldArgs is one field of an action's form.
type fieldArgs struct {
	Action, Field, Label, Hint, Value, Error string
	ID, Type, Autocomplete                   string
	Required                                 bool
}

// fieldArguments reads (action, form, field, label, hint) for a text field,
// or (action, form) for the handle time, whose minutes the API counts in
// seconds.
func fieldArguments(action string, f *formState, rest ...string) fieldArgs {
	if len(rest) == 0 {
		return fieldArgs{Action: action, Field: "handle_minutes", Value: f.Get("handle_minutes"), Error: f.FieldError("handle_seconds")}
	}
	a := fieldArgs{Action: action, Field: rest[0], Value: f.Get(rest[0]), Error: f.FieldError(rest[0])}
	if len(rest) > 1 {
		a.Label = rest[1]
	}
	if len(rest) > 2 {
		a.Hint = rest[2]
	}
	a.Required = !strings.Contains(a.Label, "optional")
	return a
}

// labels holds the words that humanising an identifier gets wrong.
var labels = map[string]string{
	"in_person": "In person", "web_form": "Web form", "pr_risk": "PR risk", "vip": "VIP",
	"sla_warning": "SLA warning", "sla_breached": "SLA breached", "not_sent": "Not sent",
	"routed_to_tier": "Routed to tier", "history_compacted": "History compacted",
	"case_opened": "Case opened", "fcr": "FCR", "csat": "CSAT", "nps": "NPS", "aht": "AHT",
	"handle_seconds": "Handle time", "approval_id": "Approval",
}

// hiddenDetails are event data the timeline leaves out: internal bookkeeping
// that says nothing to a person.
var hiddenDetails = map[string]bool{"rule": true}

// label turns an identifier (waiting_on_customer) into words (Waiting on customer).
func label(s string) string {
	if l, ok := labels[s]; ok {
		return l
	}
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return "there"
}

// when shows an instant in the policy's time zone, where the team works.
func (u *ui) when(t any) string {
	var tt time.Time
	switch v := t.(type) {
	case time.Time:
		tt = v
	case *time.Time:
		if v == nil {
			return ""
		}
		tt = *v
	default:
		return ""
	}
	if tt.IsZero() {
		return ""
	}
	local := tt.In(u.policy.Location())
	if local.Year() == u.now().In(local.Location()).Year() {
		return local.Format("Mon 2 Jan, 15:04 MST")
	}
	return local.Format("2 Jan 2006, 15:04 MST")
}

// duration is a short reading of d: 45s, 12m, 3h 20m, 2d 4h. Negative
// durations read as their size.
func duration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		h := int(d / time.Hour)
		m := int((d % time.Hour) / time.Minute)
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh %dm", h, m)
	}
	days := int(d / (24 * time.Hour))
	h := int((d % (24 * time.Hour)) / time.Hour)
	if h == 0 {
		return fmt.Sprintf("%dd", days)
	}
	return fmt.Sprintf("%dd %dh", days, h)
}

// Tones of badges; each is a CSS class with contrast checked by axe.
const (
	toneOK      = "ok"
	toneWarn    = "warn"
	toneBreach  = "breach"
	tonePaused  = "paused"
	toneNeutral = "neutral"
)

// clockView is one SLA clock as a badge and its facts.
type clockView struct {
	Name  string // First response, Resolution
	Tone  string
	Text  string // 3h 20m left · Paused · 1h 5m overdue · Met
	Title string // the due time in words, for a tooltip
	Clock caseflow.Clock
}

// clockViews reads a case's clocks as of now, with the calendar of the
// policy the case pinned (as the API does).
func (u *ui) clockViews(ctx context.Context, cs caseflow.Case) []clockView {
	p, err := u.pinnedPolicy(ctx, cs.PolicyVersion)
	if err != nil {
		u.log.WarnContext(ctx, "clocks read with the current policy: pinned policy not loaded",
			"case", cs.Number, "policy_version", cs.PolicyVersion, "error", err)
		p = u.policy
	}
	now := u.now()
	return []clockView{
		u.clockView(p, "First response", cs.Clocks.FirstResponse, now),
		u.clockView(p, "Resolution", cs.Clocks.Resolution, now),
	}
}

func (u *ui) clockView(p *policy.Policy, name string, clk caseflow.Clock, now time.Time) clockView {
	v := clockView{Name: name, Clock: clk}
	if clk.Due.IsZero() {
		v.Tone, v.Text = toneNeutral, "No target"
		return v
	}
	left := time.Duration(remaining(p.Calendar(), clk, now)) * time.Second
	kind := ""
	if clk.Business {
		kind = " (business time)"
	}
	v.Title = name + " due " + u.when(clk.Due)
	switch {
	case clk.State == caseflow.ClockMet:
		v.Tone, v.Text = toneNeutral, "Met"
		if clk.MetAt != nil {
			v.Title = name + " met " + u.when(clk.MetAt)
		}
	case clk.Paused:
		v.Tone, v.Text = tonePaused, "Paused · "+duration(left)+" left"
	case clk.State == caseflow.ClockBreached || left <= 0:
		v.Tone, v.Text = toneBreach, "Breached · "+duration(left)+" over"
	case clk.Warned || (!clk.WarnAt.IsZero() && !now.Before(clk.WarnAt)):
		v.Tone, v.Text = toneWarn, duration(left)+" left"
	default:
		v.Tone, v.Text = toneOK, duration(left)+" left"
	}
	v.Title += kind
	return v
}

// slaBadge is the one badge a queue row shows: the clock that is owed next.
func (u *ui) slaBadge(ctx context.Context, cs caseflow.Case) clockView {
	if !cs.Status.Open() {
		return clockView{Name: "Case", Tone: toneNeutral, Text: label(string(cs.Status))}
	}
	clocks := u.clockViews(ctx, cs)
	if cs.Clocks.FirstResponse.State != caseflow.ClockMet && !cs.Clocks.FirstResponse.Due.IsZero() {
		return clocks[0]
	}
	return clocks[1]
}

// eventView is one timeline entry as the workspace shows it.
type eventView struct {
	At      string
	Actor   string
	Title   string
	Tone    string // a colour for the marker
	Body    string // an interaction's words, kept as written
	Details []detail
}

type detail struct{ Name, Value string }

// eventTitles words each event; unknown types fall back to their label.
var eventTitles = map[caseflow.EventType]string{
	caseflow.EventOpened:            "Case opened",
	caseflow.EventPrioritySet:       "Priority set",
	caseflow.EventAcknowledged:      "Acknowledgement sent",
	caseflow.EventEmailQueued:       "Email queued",
	caseflow.EventFirstResponseMet:  "First response met",
	caseflow.EventWaitingOnCustomer: "Waiting on the customer",
	caseflow.EventCustomerReplied:   "Customer replied",
	caseflow.EventEscalationAcked:   "Escalation acknowledged",
	caseflow.EventFollowUpSent:      "Follow-up sent",
}

var interactionTitles = map[string]string{
	"reply": "Reply to the customer", "note": "Internal note", "call": "Call logged", "chat": "Chat logged",
}

func eventTone(t caseflow.EventType) string {
	switch t {
	case caseflow.EventSLABreached, caseflow.EventEmailFailed, caseflow.EventEmailBounced, caseflow.EventExceptionFormOverdue:
		return toneBreach
	case caseflow.EventSLAWarning, caseflow.EventEscalated, caseflow.EventRouted, caseflow.EventEscalationReminder:
		return toneWarn
	case caseflow.EventClocksPaused, caseflow.EventWaitingOnCustomer:
		return tonePaused
	case caseflow.EventResolved, caseflow.EventClosed, caseflow.EventFirstResponseMet, caseflow.EventApprovalDecided:
		return toneOK
	}
	return toneNeutral
}

func (u *ui) eventViews(events []caseflow.Event) []eventView {
	out := make([]eventView, 0, len(events))
	for _, e := range events {
		v := eventView{At: u.when(e.At), Actor: e.Actor, Title: eventTitles[e.Type], Tone: eventTone(e.Type)}
		if v.Title == "" {
			v.Title = label(string(e.Type))
		}
		data := maps.Clone(e.Data)
		if e.Type == caseflow.EventInteraction {
			if kind, _ := data["kind"].(string); interactionTitles[kind] != "" {
				v.Title = interactionTitles[kind]
			}
			v.Body, _ = data["body"].(string)
			delete(data, "kind")
			delete(data, "body")
		}
		if e.Type == caseflow.EventCustomerReplied {
			v.Body, _ = data["body"].(string)
			delete(data, "body")
		}
		for _, k := range slices.Sorted(maps.Keys(data)) {
			if hiddenDetails[k] {
				continue
			}
			if val := u.detailValue(k, data[k]); val != "" {
				v.Details = append(v.Details, detail{label(k), val})
			}
		}
		out = append(out, v)
	}
	return out
}

// detailValue words one value of an event's data: times in the team's zone,
// seconds as durations, lists joined.
func (u *ui) detailValue(key string, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return u.when(t)
		}
		if strings.HasSuffix(key, "tier") || key == "from" || key == "to" || key == "status" || key == "kind" {
			return label(x)
		}
		return x
	case float64:
		if key == "handle_seconds" && x == 0 {
			return "" // a note that took no time
		}
		if strings.HasSuffix(key, "_seconds") {
			return duration(time.Duration(x) * time.Second)
		}
		return fmt.Sprint(x)
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case []any:
		parts := make([]string, 0, len(x))
		for _, p := range x {
			if s := u.detailValue(key, p); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ", ")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
