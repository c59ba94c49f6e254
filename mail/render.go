// Package mail renders the emails a case sends, to customers and to staff, and
// hands them to a provider (SendGrid). Templates are embedded: a text version
// (text/template) and an HTML version (html/template) of each message.
package mail

import (
	"embed"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"time"
)

// Message names, one per template pair.
const (
	Acknowledgement  = "acknowledgement"
	Reply            = "reply"
	Resolution       = "resolution"
	EscalationNotice = "escalation_notice"
	StaffAlert       = "staff_alert"
	FollowUp         = "follow_up"
	Survey           = "survey"
	SurveyReminder   = "survey_reminder"
	RecoveryGranted  = "recovery_granted"
	Reopened         = "reopened"
)

// Templates lists every message Render knows.
var Templates = []string{
	Acknowledgement, Reply, Resolution, EscalationNotice, StaffAlert,
	FollowUp, Survey, SurveyReminder, RecoveryGranted, Reopened,
}

// Data is what the templates read. Times are already formatted in the
// reader's zone (see FormatTime); an empty optional field leaves its sentence
// out.
type Data struct {
	Company      string // signs every message, e.g. "Acme"
	Number       string // the case number, e.g. "CS-2026-000123"
	CustomerName string // for the greeting; empty gives "Hello,"
	Subject      string // what the customer asked about
	// Body is plain text: the agent's message (reply), what we asked
	// (follow_up), what we did for them (recovery_granted).
	Body      string
	AgentName string

	FirstResponseBy string
	ResolveBy       string
	ReopenUntil     string
	Resolution      string // what was done (resolution), plain text

	StatusURL string // the customer's case status page
	SurveyURL string
	CaseURL   string // the case in the agent UI (staff_alert)

	// TierLabel names the team an escalation went to, read after "our":
	// "senior support team".
	TierLabel string

	// Staff alerts.
	Headline string // "SLA breached", "Escalated to you", ...
	Reason   string // plain text
	DueBy    string
	Priority string

	FirstResponseDone bool // acknowledgement: an agent already answered on a live channel
	Final             bool // follow_up: the last reminder before the case closes
}

//go:embed templates/*
var files embed.FS

type message struct {
	text *template.Template     // defines "subject" and "text"
	html *htmltemplate.Template // defines "page" (the layout) and "content"
}

var messages = parse()

// parse loads every message with its shared parts; a broken template stops
// the program at start, not at the first send.
func parse() map[string]message {
	funcs := htmltemplate.FuncMap{"paragraphs": paragraphs}
	m := make(map[string]message, len(Templates))
	for _, name := range Templates {
		m[name] = message{
			text: template.Must(template.ParseFS(files, "templates/common.txt", "templates/"+name+".txt")),
			html: htmltemplate.Must(htmltemplate.New(name).Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/"+name+".html")),
		}
	}
	return m
}

// page is what the HTML layout reads: the data plus the subject as title.
type page struct {
	Data
	Title string
}

// Render renders the named message; it fails for an unknown name or a missing
// required field (Number and Company always). The subject always starts with the case
// number in brackets, so replies thread back to the case.
func Render(name string, d Data) (subject, text, html string, err error) {
	m, ok := messages[name]
	if !ok {
		return "", "", "", fmt.Errorf("mail: unknown template %q", name)
	}
	if m := missing(name, d); len(m) > 0 {
		return "", "", "", fmt.Errorf("mail: %s: missing %s", name, strings.Join(m, ", "))
	}
	var b strings.Builder
	if err := m.text.ExecuteTemplate(&b, "subject", d); err != nil {
		return "", "", "", fmt.Errorf("mail: %s subject: %w", name, err)
	}
	// One line whatever the customer typed: a newline would end the header.
	subject = strings.Join(strings.Fields(b.String()), " ")

	b.Reset()
	if err := m.text.ExecuteTemplate(&b, "text", d); err != nil {
		return "", "", "", fmt.Errorf("mail: %s text: %w", name, err)
	}
	text = tidy(b.String())

	b.Reset()
	if err := m.html.ExecuteTemplate(&b, "page", page{Data: d, Title: subject}); err != nil {
		return "", "", "", fmt.Errorf("mail: %s html: %w", name, err)
	}
	return subject, text, b.String(), nil
}

// missing lists the fields the message makes no sense without. Optional
// fields are left to the templates, which drop their sentence when empty.
func missing(name string, d Data) []string {
	need := map[string]string{"Number": d.Number, "Company": d.Company}
	switch name {
	case Reply, RecoveryGranted:
		need["Body"] = d.Body
	case Survey, SurveyReminder:
		need["SurveyURL"] = d.SurveyURL
	}
	var out []string
	for field, v := range need {
		if strings.TrimSpace(v) == "" {
			out = append(out, field)
		}
	}
	slices.Sort(out)
	return out
}

var (
	extraBlankLines = regexp.MustCompile(`\n{3,}`)
	blankLine       = regexp.MustCompile(`\n[ \t]*\n`)
)

// tidy lets templates leave a sentence out without leaving a gap: runs of
// blank lines become one.
func tidy(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimSpace(extraBlankLines.ReplaceAllString(s, "\n\n")) + "\n"
}

// paragraphs splits plain text into paragraphs of lines, so HTML can keep the
// writer's line breaks while html/template escapes every line.
func paragraphs(s string) [][]string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return nil
	}
	var ps [][]string
	for _, p := range blankLine.Split(s, -1) {
		if p = strings.TrimSpace(p); p != "" {
			ps = append(ps, strings.Split(p, "\n"))
		}
	}
	return ps
}

// FormatTime renders t in loc (UTC when nil) the way a customer reads it:
// "Tuesday, December 1, 2026 at 1:00 PM EST". The zero time gives "", so a
// template leaves the sentence out.
func FormatTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	return t.Format("Monday, January 2, 2006 at 3:04 PM") + " " + zoneName(t)
}

// zoneName is the zone's abbreviation. Many zones have none and the tz
// database writes their offset ("+04"); those read as "UTC+4" or "UTC+5:30".
func zoneName(t time.Time) string {
	name, offset := t.Zone()
	if name != "" && name[0] != '+' && name[0] != '-' {
		return name
	}
	sign := "+"
	if offset < 0 {
		sign, offset = "-", -offset
	}
	if m := offset % 3600 / 60; m != 0 {
		return fmt.Sprintf("UTC%s%d:%02d", sign, offset/3600, m)
	}
	return fmt.Sprintf("UTC%s%d", sign, offset/3600)
}
