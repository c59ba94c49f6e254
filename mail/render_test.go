package mail_test

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // zones must not depend on the machine

	"caseflow/mail"
)

func sample() mail.Data {
	return mail.Data{
		Company:         "Acme",
		Number:          "CS-2026-000123",
		CustomerName:    "Dana",
		Subject:         "Refund not received",
		Body:            "Could you send us your order number?\nIt starts with AC-.",
		AgentName:       "Sam Lee",
		FirstResponseBy: "Tuesday, December 1, 2026 at 1:00 PM EST",
		ResolveBy:       "Thursday, December 3, 2026 at 5:00 PM EST",
		ReopenUntil:     "Thursday, December 17, 2026 at 5:00 PM EST",
		Resolution:      "We refunded $25.00 to your card.\nIt can take 3-5 days to appear.",
		StatusURL:       "https://help.acme.test/cases/CS-2026-000123?t=abc",
		SurveyURL:       "https://help.acme.test/survey/xyz",
		CaseURL:         "https://desk.acme.test/cases/CS-2026-000123",
		TierLabel:       "senior support team",
		Headline:        "SLA breached",
		Reason:          "The resolution target passed.",
		DueBy:           "Thursday, December 3, 2026 at 5:00 PM EST",
		Priority:        "high",
	}
}

// TestRenderAll renders every message with full data, with the flags set, and
// with only the required fields, so every template branch runs.
func TestRenderAll(t *testing.T) {
	full, flagged := sample(), sample()
	flagged.FirstResponseDone, flagged.Final = true, true
	variants := map[string]mail.Data{
		"full":    full,
		"flagged": flagged,
		"minimal": {Company: "Acme", Number: "CS-2026-000123", Body: "Hi.", SurveyURL: "https://help.acme.test/s"},
	}
	for _, name := range mail.Templates {
		for variant, d := range variants {
			t.Run(name+"/"+variant, func(t *testing.T) {
				subject, text, html, err := mail.Render(name, d)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(subject, "[CS-2026-000123] ") {
					t.Errorf("subject %q does not start with the bracketed number", subject)
				}
				if !strings.Contains(text, "CS-2026-000123") || !strings.Contains(html, "CS-2026-000123") {
					t.Error("body lacks the case number")
				}
				for _, s := range []string{text, html} {
					if strings.Contains(s, "<no value>") || strings.Contains(s, "ZgotmplZ") {
						t.Errorf("unfilled or unsafe value in:\n%s", s)
					}
				}
				for _, want := range []string{`<html lang="en">`, "<title>" + strings.ReplaceAll(subject, "'", "&#39;") + "</title>", "<h1 "} {
					if !strings.Contains(html, want) {
						t.Errorf("html lacks %q", want)
					}
				}
				if strings.Contains(html, "<img") || strings.Contains(html, "<link") || strings.Contains(html, "@import") {
					t.Error("html loads external resources")
				}
				if strings.Contains(text, "\n\n\n") {
					t.Errorf("text has a gap:\n%s", text)
				}
			})
		}
	}
}

func TestRenderBody(t *testing.T) {
	d := sample()
	d.Subject = "Help\r\nBcc: evil@example.com"
	d.Body = "<script>alert(1)</script> & more\nsecond line\n\nnew paragraph"
	subject, text, html, err := mail.Render(mail.Reply, d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(subject, "\r\n") {
		t.Errorf("subject spans lines: %q", subject)
	}
	if !strings.Contains(text, "<script>alert(1)</script> & more\nsecond line\n\nnew paragraph") {
		t.Errorf("text does not keep the body as written:\n%s", text)
	}
	if strings.Contains(html, "<script>") {
		t.Error("html does not escape the body")
	}
	if !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more<br>second line</p>") {
		t.Errorf("html does not keep the line break:\n%s", html)
	}
	if !strings.Contains(html, "new paragraph</p>") {
		t.Error("html lacks the second paragraph")
	}
	if !strings.Contains(text, "Sam Lee\nAcme Customer Support") {
		t.Errorf("reply lacks the agent's signature:\n%s", text)
	}
}

func TestRenderContent(t *testing.T) {
	ack := sample()
	ack.FirstResponseDone = true
	final := sample()
	final.Final = true
	for _, tc := range []struct {
		name    string
		d       mail.Data
		want    []string
		notWant []string
	}{
		{mail.Acknowledgement, sample(), []string{"will reply by Tuesday, December 1, 2026 at 1:00 PM EST", "resolve your request by Thursday", "reply to this email", "https://help.acme.test/cases/CS-2026-000123?t=abc"}, nil},
		{mail.Acknowledgement, ack, []string{"already spoken with Sam Lee"}, []string{"will reply by"}},
		{mail.Resolution, sample(), []string{"We refunded $25.00", "reopen the case until Thursday, December 17"}, nil},
		{mail.EscalationNotice, sample(), []string{"our senior support team", "resolve it by Thursday, December 3"}, nil},
		{mail.FollowUp, sample(), []string{"Could you send us your order number?", "reply to this email"}, []string{"close the case as resolved"}},
		{mail.FollowUp, final, []string{"last reminder", "by Thursday, December 3, 2026 at 5:00 PM EST, we'll close the case as resolved"}, nil},
		{mail.StaffAlert, sample(), []string{"SLA breached", "Priority: high", "Due by:   Thursday", "The resolution target passed.", "https://desk.acme.test/cases/CS-2026-000123"}, []string{"Hi Dana"}},
		{mail.Survey, sample(), []string{"https://help.acme.test/survey/xyz"}, nil},
		{mail.Reopened, sample(), []string{"reopened case CS-2026-000123", "resolve it by Thursday"}, nil},
	} {
		_, text, _, err := mail.Render(tc.name, tc.d)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: text lacks %q:\n%s", tc.name, w, text)
			}
		}
		for _, w := range tc.notWant {
			if strings.Contains(text, w) {
				t.Errorf("%s: text has %q:\n%s", tc.name, w, text)
			}
		}
	}
}

func TestStaffAlertHTMLLinksToCase(t *testing.T) {
	subject, _, html, err := mail.Render(mail.StaffAlert, sample())
	if err != nil {
		t.Fatal(err)
	}
	if want := "[CS-2026-000123] SLA breached (high priority): Refund not received"; subject != want {
		t.Errorf("subject = %q, want %q", subject, want)
	}
	if !strings.Contains(html, `href="https://desk.acme.test/cases/CS-2026-000123"`) || !strings.Contains(html, "Open case CS-2026-000123</a>") {
		t.Errorf("html lacks a descriptive link to the case:\n%s", html)
	}
}

func TestRenderErrors(t *testing.T) {
	if _, _, _, err := mail.Render("nope", sample()); err == nil {
		t.Error("unknown template: no error")
	}
	d := sample()
	d.Number = ""
	if _, _, _, err := mail.Render(mail.Reply, d); err == nil {
		t.Error("missing number: no error")
	}
	d = sample()
	d.SurveyURL = ""
	if _, _, _, err := mail.Render(mail.Survey, d); err == nil || !strings.Contains(err.Error(), "SurveyURL") {
		t.Errorf("missing survey link: err = %v", err)
	}
}

func TestFormatTime(t *testing.T) {
	at := time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)
	summer := time.Date(2026, 7, 1, 18, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		t    time.Time
		zone string
		want string
	}{
		{at, "America/New_York", "Tuesday, December 1, 2026 at 1:00 PM EST"},
		{summer, "America/New_York", "Wednesday, July 1, 2026 at 2:00 PM EDT"},
		{at, "Europe/London", "Tuesday, December 1, 2026 at 6:00 PM GMT"},
		{summer, "Europe/London", "Wednesday, July 1, 2026 at 7:00 PM BST"},
		{at, "Asia/Tokyo", "Wednesday, December 2, 2026 at 3:00 AM JST"},
		{at, "Asia/Kolkata", "Tuesday, December 1, 2026 at 11:30 PM IST"},
		{at, "Asia/Dubai", "Tuesday, December 1, 2026 at 10:00 PM UTC+4"},
		{at, "America/St_Johns", "Tuesday, December 1, 2026 at 2:30 PM NST"},
		{at, "America/Sao_Paulo", "Tuesday, December 1, 2026 at 3:00 PM UTC-3"},
		{at, "UTC", "Tuesday, December 1, 2026 at 6:00 PM UTC"},
	} {
		loc, err := time.LoadLocation(tc.zone)
		if err != nil {
			t.Fatal(err)
		}
		if got := mail.FormatTime(tc.t, loc); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.zone, got, tc.want)
		}
	}
	if got := mail.FormatTime(at, time.FixedZone("", 5*3600+45*60)); got != "Tuesday, December 1, 2026 at 11:45 PM UTC+5:45" {
		t.Errorf("fixed zone: got %q", got)
	}
	if got := mail.FormatTime(at, nil); got != "Tuesday, December 1, 2026 at 6:00 PM UTC" {
		t.Errorf("nil location: got %q", got)
	}
	if got := mail.FormatTime(time.Time{}, time.UTC); got != "" {
		t.Errorf("zero time: got %q", got)
	}
}
