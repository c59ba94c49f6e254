package e2e

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"caseflow"
	"caseflow/mail/sendgridtest"
	"caseflow/token"
)

// What the whole system is configured with for the customer's side: the
// secret that signs links (the worker's CASEFLOW_SECRET), the inbound
// webhook's key, and the key pair SendGrid would sign delivery events with.
const (
	linkSecret  = "0123456789abcdef0123456789abcdef"
	inboundKey  = "inbound-key-0123456789"
	surveyFirst = "testdata/survey-policy.yaml"
)

var webhookKey = func() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}()

// raw sends a request with no API token; redirects are not followed.
func (s *system) raw(method, path, contentType string, body []byte, header ...string) (response, http.Header) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.api.URL+path, bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: b}, res.Header
}

// form posts an HTML form the way a browser does.
func (s *system) form(path string, fields map[string]string) (response, http.Header) {
	s.t.Helper()
	var b strings.Builder
	for k, v := range fields {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k + "=" + strings.ReplaceAll(v, " ", "+"))
	}
	return s.raw("POST", path, "application/x-www-form-urlencoded", []byte(b.String()))
}

// inboundParse builds a post as SendGrid's Inbound Parse sends it: a
// multipart form with the parsed fields, the raw headers, the envelope, the
// charsets, SPF and DKIM results, and the attachments as file parts.
func inboundParse(t *testing.T, from, to, subject, text, messageID string) (body []byte, contentType string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.SetBoundary("xYzZY"); err != nil {
		t.Fatal(err)
	}
	field := func(name, value string) {
		if err := w.WriteField(name, value); err != nil {
			t.Fatal(err)
		}
	}
	field("headers", strings.Join([]string{
		"Received: by mx0047p1mdw1.sendgrid.net with SMTP id 6WCVv7KAWn Wed, 02 Dec 2026 15:04:05 +0000 (UTC)",
		"MIME-Version: 1.0",
		"From: " + from,
		"Date: Wed, 2 Dec 2026 10:04:05 -0500",
		"Message-ID: " + messageID,
		"Subject: " + subject,
		"To: " + to,
		"Content-Type: multipart/mixed; boundary=\"000000000000a1b2c3\"",
	}, "\n")+"\n")
	field("dkim", "{@example.net : pass}")
	field("content-ids", "{}")
	field("to", to)
	field("html", "<div dir=\"ltr\">"+strings.ReplaceAll(text, "\n", "<br>")+"</div>")
	field("from", from)
	field("text", text)
	field("sender_ip", "209.85.220.41")
	field("spam_report", "Spam detection software, running on the system \"mx0047p1mdw1.sendgrid.net\" ...")
	field("envelope", `{"to":["replies@acme.test"],"from":"carla@example.net"}`)
	field("attachments", "1")
	field("subject", subject)
	field("spam_score", "0.1")
	field("attachment-info", `{"attachment1":{"filename":"receipt.pdf","name":"receipt.pdf","type":"application/pdf"}}`)
	field("charsets", `{"to":"UTF-8","html":"UTF-8","subject":"UTF-8","from":"UTF-8","text":"UTF-8"}`)
	field("SPF", "pass")
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="attachment1"; filename="receipt.pdf"`)
	h.Set("Content-Type", "application/pdf")
	part, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(bytes.Repeat([]byte("%PDF-1.4 not really "), 1000))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w.FormDataContentType()
}

type inboundAnswer struct {
	Status    string `json:"status"`
	Number    string `json:"number"`
	NewNumber string `json:"new_number"`
	Duplicate bool   `json:"duplicate"`
}

func (s *system) inbound(body []byte, contentType string) inboundAnswer {
	s.t.Helper()
	r, _ := s.raw("POST", "/webhooks/sendgrid/inbound?key="+inboundKey, contentType, body)
	var a inboundAnswer
	must(s.t, r, 200).json(s.t, &a)
	return a
}

// signedEvents signs a batch as SendGrid does: ECDSA P-256 over
// SHA-256(timestamp + body), base64 ASN.1.
func signedEvents(t *testing.T, body []byte, at time.Time) (signature, timestamp string) {
	t.Helper()
	timestamp = strconv.FormatInt(at.Unix(), 10)
	sum := sha256.Sum256(append([]byte(timestamp), body...))
	der, err := ecdsa.SignASN1(rand.Reader, webhookKey, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(der), timestamp
}

func (s *system) events(body []byte, signature, timestamp string) response {
	s.t.Helper()
	var h []string
	if signature != "" {
		h = append(h, "X-Twilio-Email-Event-Webhook-Signature", signature)
	}
	if timestamp != "" {
		h = append(h, "X-Twilio-Email-Event-Webhook-Timestamp", timestamp)
	}
	r, _ := s.raw("POST", "/webhooks/sendgrid/events", "application/json", body, h...)
	return r
}

// message waits for the email of a case and template at the SendGrid stand-in.
func (s *system) message(number, template string) sendgridtest.Received {
	s.t.Helper()
	var got sendgridtest.Received
	eventually(s.t, 15*time.Second, "the "+template+" email of "+number, func() bool {
		for _, m := range s.sendgrid.Messages() {
			if m.CustomArgs["case_number"] == number && contains(m.Categories, template) {
				got = m
				return true
			}
		}
		return false
	})
	return got
}

func (s *system) outbox(number string) map[string]caseflow.Email {
	s.t.Helper()
	var page struct {
		Emails []caseflow.Email `json:"emails"`
	}
	must(s.t, s.call(caseflow.RoleAdmin, "GET", "/api/v1/outbox?number="+number, nil), 200).json(s.t, &page)
	out := map[string]caseflow.Email{}
	for _, e := range page.Emails {
		out[e.Template] = e
	}
	return out
}

func findEvent(events []caseflow.Event, typ caseflow.EventType) (caseflow.Event, bool) {
	for _, e := range events {
		if e.Type == typ {
			return e, true
		}
	}
	return caseflow.Event{}, false
}

// A customer's emailed reply reaches the case's timeline (quoted history
// trimmed), a repeat post is recognised, strangers wait for review, delivery
// events update the outbox and put a bounce on the timeline, and a reply
// after the case has closed for good opens a new case that links back.
func TestCustomerEmailAndDeliveryEvents(t *testing.T) {
	s := start(t)
	n := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases", newCase(caseflow.ChannelEmail)), 201).caseBody(t).Number
	ack := s.message(n, "acknowledgement")
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/interactions",
		map[string]any{"kind": "reply", "body": "Which address should we ship the replacement to?", "handle_seconds": 120}), 200)
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/wait", map[string]any{"reason": "Asked for the address"}), 200)
	reply := s.message(n, "reply")

	t.Run("the webhook needs its key", func(t *testing.T) {
		body, ct := inboundParse(t, "carla@example.net", "replies@acme.test", "Re: ["+n+"]", "hi", "<nokey@mail.example.net>")
		r, _ := s.raw("POST", "/webhooks/sendgrid/inbound", ct, body)
		must(t, r, 401)
		r, _ = s.raw("POST", "/webhooks/sendgrid/inbound?key=wrong", ct, body)
		must(t, r, 403)
		if len(s.timeline(n)) == 0 || countType(s.timeline(n), caseflow.EventCustomerReplied) != 0 {
			t.Error("a refused post reached the case")
		}
	})

	t.Run("the customer's reply resumes the case", func(t *testing.T) {
		text := "Please send it to the office: 1 Main St, Springfield.\n\nThanks,\nCarla\n\n" +
			"On Tue, Dec 1, 2026 at 9:00 AM Acme Support <support@acme.test>\nwrote:\n\n> Which address should we ship the replacement to?\n> Kind regards"
		body, ct := inboundParse(t, "Carla Customer <Carla@Example.NET>", "Acme Support <replies@acme.test>",
			"Re: ["+n+"] Re: My order has not arrived", text, "<CAF=reply-1@mail.example.net>")
		a := s.inbound(body, ct)
		if a.Status != "replied" || a.Number != n {
			t.Fatalf("inbound answer %+v, want replied to %s", a, n)
		}
		var got caseflow.Event
		eventually(t, 10*time.Second, "the reply on the timeline", func() bool {
			var ok bool
			got, ok = findEvent(s.timeline(n), caseflow.EventCustomerReplied)
			return ok
		})
		want := "Please send it to the office: 1 Main St, Springfield.\n\nThanks,\nCarla\n\n[1 attachment(s) with this email were not imported.]"
		if got.Data["body"] != want || got.Data["via"] != "email" || got.Actor != caseflow.ActorCustomer {
			t.Errorf("customer_replied = %+v\nwant body %q", got, want)
		}
		if c := must(t, s.call(caseflow.RoleAgent, "GET", "/api/v1/cases/"+n, nil), 200).caseBody(t); c.Status != caseflow.StatusInProgress {
			t.Errorf("after the reply the case is %s, want in_progress", c.Status)
		}
		// SendGrid retries a post it thinks failed: the same message is not signalled twice.
		if a := s.inbound(body, ct); !a.Duplicate || a.Status != "replied" {
			t.Errorf("a repeated post: %+v", a)
		}
		time.Sleep(500 * time.Millisecond)
		if k := countType(s.timeline(n), caseflow.EventCustomerReplied); k != 1 {
			t.Errorf("%d customer replies on the timeline after a repeated post, want 1", k)
		}
	})

	t.Run("strangers and unknown numbers wait for review", func(t *testing.T) {
		body, ct := inboundParse(t, "mallory@evil.test", "replies@acme.test", "Re: ["+n+"]", "Refund me to this account", "<m-1@evil.test>")
		if a := s.inbound(body, ct); a.Status != "unknown_sender" {
			t.Errorf("a stranger's email: %+v", a)
		}
		body, ct = inboundParse(t, "carla@example.net", "replies@acme.test", "A new question", "Do you ship to Canada?", "<q-1@mail.example.net>")
		if a := s.inbound(body, ct); a.Status != "unknown_case" {
			t.Errorf("an email without a case number: %+v", a)
		}
		body, ct = inboundParse(t, "carla@example.net", "replies@acme.test", "Re: [CS-2026-999999]", "Hello?", "<q-2@mail.example.net>")
		if a := s.inbound(body, ct); a.Status != "unknown_case" {
			t.Errorf("an email for a case that does not exist: %+v", a)
		}
		var page struct {
			Messages []struct {
				ID      int64  `json:"id"`
				Status  string `json:"status"`
				From    string `json:"from"`
				Subject string `json:"subject"`
				Text    string `json:"text"`
			} `json:"messages"`
		}
		must(t, s.call(caseflow.RoleTeamLead, "GET", "/api/v1/inbound", nil), 200).json(t, &page)
		if len(page.Messages) != 3 || page.Messages[2].From != "mallory@evil.test" || page.Messages[2].Text != "Refund me to this account" {
			t.Errorf("review queue = %+v, want the three unmatched emails, newest first", page.Messages)
		}
		must(t, s.call(caseflow.RoleAgent, "GET", "/api/v1/inbound", nil), 403)
		must(t, s.call(caseflow.RoleAdmin, "GET", "/api/v1/inbound?status=replied", nil), 200).json(t, &page)
		if len(page.Messages) != 1 {
			t.Errorf("replied messages = %+v, want the customer's one", page.Messages)
		}
		if k := countType(s.timeline(n), caseflow.EventCustomerReplied); k != 1 {
			t.Errorf("%d customer replies on the timeline, want 1: strangers never reach it", k)
		}

		// A team lead settles the queue: Carla's question goes to her case, the
		// stranger's email is dismissed, each once.
		must(t, s.call(caseflow.RoleTeamLead, "GET", "/api/v1/inbound", nil), 200).json(t, &page)
		unknownNumber, question, stranger := page.Messages[0].ID, page.Messages[1].ID, page.Messages[2].ID
		review := func(role caseflow.Role, id int64, body map[string]any) response {
			return s.call(role, "POST", fmt.Sprintf("/api/v1/inbound/%d", id), body)
		}
		must(t, review(caseflow.RoleAgent, question, map[string]any{"action": "attach", "number": n}), 403)
		var eb errorBody
		must(t, review(caseflow.RoleTeamLead, question, map[string]any{"action": "attach", "number": "CS-1"}), 400).json(t, &eb)
		if _, ok := eb.Error.Details["number"]; !ok {
			t.Errorf("a bad number is named: %+v", eb)
		}
		must(t, review(caseflow.RoleTeamLead, question, map[string]any{"action": "attach", "number": n}), 200)
		must(t, review(caseflow.RoleTeamLead, question, map[string]any{"action": "attach", "number": n}), 409)
		must(t, review(caseflow.RoleTeamLead, stranger, map[string]any{"action": "dismiss"}), 400)
		must(t, review(caseflow.RoleTeamLead, stranger, map[string]any{"action": "dismiss", "note": "phishing"}), 200)
		must(t, review(caseflow.RoleTeamLead, unknownNumber, map[string]any{"action": "attach", "number": "CS-2026-999999"}), 404)
		var last caseflow.Event
		for _, e := range s.timeline(n) {
			if e.Type == caseflow.EventCustomerReplied {
				last = e
			}
		}
		if last.Data["body"] != "Do you ship to Canada?" || last.Actor != caseflow.ActorCustomer {
			t.Errorf("the attached email is the customer's reply on the timeline: %+v", last)
		}
		must(t, s.call(caseflow.RoleTeamLead, "GET", "/api/v1/inbound", nil), 200).json(t, &page)
		if len(page.Messages) != 1 || page.Messages[0].ID != unknownNumber {
			t.Errorf("review queue after settling two = %+v, want the one left", page.Messages)
		}
	})

	t.Run("signed delivery events update the outbox and show a bounce", func(t *testing.T) {
		now := time.Now()
		batch, _ := json.Marshal([]map[string]any{
			{"email": "carla@example.net", "timestamp": now.Unix(), "event": "processed", "sg_message_id": ack.MessageID + ".filter0001.1.0",
				"outbox_id": ack.CustomArgs["outbox_id"], "email_key": ack.CustomArgs["email_key"], "case_number": n},
			{"email": "carla@example.net", "timestamp": now.Unix(), "event": "delivered", "sg_message_id": ack.MessageID + ".filter0001.1.0",
				"response": "250 OK", "outbox_id": ack.CustomArgs["outbox_id"], "email_key": ack.CustomArgs["email_key"], "case_number": n},
			{"email": "carla@example.net", "timestamp": now.Unix(), "event": "bounce", "type": "bounce", "sg_message_id": reply.MessageID + ".filter0002.2.0",
				"reason": "550 5.1.1 The email account that you tried to reach does not exist", "status": "5.1.1",
				"outbox_id": reply.CustomArgs["outbox_id"], "email_key": reply.CustomArgs["email_key"], "case_number": n},
		})
		sig, ts := signedEvents(t, batch, now)

		// Refused: unsigned, tampered, stale, from the future.
		must(t, s.events(batch, "", ""), 401)
		must(t, s.events(batch, "", ts), 401)
		tampered := bytes.Replace(batch, []byte(`"bounce"`), []byte(`"delivered"`), 1)
		must(t, s.events(tampered, sig, ts), 403)
		otherSig, _ := signedEvents(t, []byte("[]"), now)
		must(t, s.events(batch, otherSig, ts), 403)
		staleSig, staleTS := signedEvents(t, batch, now.Add(-11*time.Minute))
		must(t, s.events(batch, staleSig, staleTS), 403)
		futureSig, futureTS := signedEvents(t, batch, now.Add(6*time.Minute))
		must(t, s.events(batch, futureSig, futureTS), 403)
		if out := s.outbox(n); out["acknowledgement"].State != caseflow.EmailSent || out["reply"].State != caseflow.EmailSent {
			t.Fatalf("a refused batch changed the outbox: %s, %s", out["acknowledgement"].State, out["reply"].State)
		}

		var counts struct{ Applied, Ignored int }
		must(t, s.events(batch, sig, ts), 200).json(t, &counts)
		if counts.Applied != 2 || counts.Ignored != 1 {
			t.Errorf("applied %d, ignored %d; want 2 and 1 (processed is not a delivery state)", counts.Applied, counts.Ignored)
		}
		out := s.outbox(n)
		if out["acknowledgement"].State != caseflow.EmailDelivered || out["reply"].State != caseflow.EmailBounced {
			t.Errorf("outbox after the batch: acknowledgement %s, reply %s", out["acknowledgement"].State, out["reply"].State)
		}
		var bounce caseflow.Event
		eventually(t, 10*time.Second, "the bounce on the timeline", func() bool {
			var ok bool
			bounce, ok = findEvent(s.timeline(n), caseflow.EventEmailBounced)
			return ok
		})
		if bounce.Data["template"] != "reply" || bounce.Data["email"] != "carla@example.net" ||
			!strings.Contains(fmt.Sprint(bounce.Data["reason"]), "does not exist") || bounce.Data["state"] != "bounced" {
			t.Errorf("email_bounced = %+v", bounce.Data)
		}
		// SendGrid retries a batch: nothing moves twice.
		must(t, s.events(batch, sig, ts), 200)
		time.Sleep(500 * time.Millisecond)
		if k := countType(s.timeline(n), caseflow.EventEmailBounced); k != 1 {
			t.Errorf("%d bounces on the timeline after a repeated batch, want 1", k)
		}
	})

	t.Run("a reply after the case closed for good opens a new case", func(t *testing.T) {
		must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/resolve",
			map[string]any{"resolution": "Shipped to the office", "root_cause": "lost parcel"}), 200)
		// The reopen window of this policy is 3 s.
		eventually(t, 15*time.Second, "the case to close", func() bool {
			c := s.call(caseflow.RoleAgent, "GET", "/api/v1/cases/"+n, nil).caseBody(t)
			return c.Status == caseflow.StatusClosed && c.ReopenUntil != nil && time.Now().After(*c.ReopenUntil)
		})
		body, ct := inboundParse(t, "carla@example.net", "replies@acme.test", "Re: ["+n+"] It broke again",
			"The replacement stopped working.\n\n> Shipped to the office", "<late-1@mail.example.net>")
		a := s.inbound(body, ct)
		if a.Status != "opened_case" || a.NewNumber == "" || a.NewNumber == n {
			t.Fatalf("a late reply: %+v", a)
		}
		c := must(t, s.call(caseflow.RoleAgent, "GET", "/api/v1/cases/"+a.NewNumber, nil), 200).caseBody(t)
		if c.RelatedTo != n || c.Channel != caseflow.ChannelEmail || c.Category != caseflow.CategoryGeneral ||
			c.Customer.Email != "carla@example.net" || c.Subject != "Re: ["+n+"] It broke again" ||
			!strings.HasPrefix(c.Description, "The replacement stopped working.") {
			t.Errorf("the new case: %+v", c)
		}
		opened, _ := findEvent(s.timeline(a.NewNumber), caseflow.EventOpened)
		if opened.Data["related_to"] != n || opened.Actor != caseflow.ActorCustomer {
			t.Errorf("case_opened = %+v", opened)
		}
		s.message(a.NewNumber, "acknowledgement")
		// Posted again, it opens nothing more.
		if again := s.inbound(body, ct); again.NewNumber != a.NewNumber {
			t.Errorf("a repeated late reply: %+v", again)
		}
	})
}

var linkRE = regexp.MustCompile(`https://cases\.acme\.test(/[cs]/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)`)

// link is the path of the customer link in an email.
func link(t *testing.T, m sendgridtest.Received) string {
	t.Helper()
	match := linkRE.FindStringSubmatch(m.Text)
	if match == nil {
		t.Fatalf("no customer link in %q", m.Text)
	}
	return match[1]
}

func wantPage(t *testing.T, r response, h http.Header, status int, has ...string) string {
	t.Helper()
	must(t, r, status)
	page := string(r.body)
	if !strings.HasPrefix(h.Get("Content-Type"), "text/html") || h.Get("X-Frame-Options") != "DENY" ||
		!strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") || h.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("page headers: %v", h)
	}
	for _, s := range append(has, `<html lang="en">`, `name="viewport"`) {
		if !strings.Contains(page, s) {
			t.Errorf("the page lacks %q:\n%s", s, page)
		}
	}
	return page
}

// The case status page shows the customer what they may see and nothing
// internal; reopen and escalate work from it with a reason; bad and
// expired links get a kind page.
func TestCustomerCasePage(t *testing.T) {
	s := start(t)
	n := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases", newCase(caseflow.ChannelEmail)), 201).caseBody(t).Number
	path := link(t, s.message(n, "acknowledgement"))
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/interactions",
		map[string]any{"kind": "note", "body": "INTERNAL: customer threatened a chargeback", "handle_seconds": 30}), 200)
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/interactions",
		map[string]any{"kind": "reply", "body": "We have found your parcel & will send it on.", "handle_seconds": 60}), 200)
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/escalate", map[string]any{"reason": "SECRET: carrier dispute pending"}), 200)

	r, h := s.raw("GET", path, "", nil)
	page := wantPage(t, r, h, 200, n, "My order has not arrived", "With our senior team", "Expected resolution",
		"We received your request.", "Our team replied:", "We have found your parcel &amp; will send it on.",
		"passed to our team leads", `action="`+path+`/escalate"`)
	for _, secret := range []string{"INTERNAL", "chargeback", "SECRET", "carrier dispute", "@staff.test", "agent@", "handle"} {
		if strings.Contains(page, secret) {
			t.Errorf("the customer's page shows %q", secret)
		}
	}
	if strings.Contains(page, "/reopen") {
		t.Error("an open case offers to reopen")
	}

	t.Run("escalate", func(t *testing.T) {
		r, h := s.form(path+"/escalate", map[string]string{"reason": " "})
		wantPage(t, r, h, 400, "Please tell us why you would like a supervisor.", `aria-invalid="true"`)
		r, h = s.form(path+"/escalate", map[string]string{"reason": "Nobody calls me back"})
		must(t, r, 303)
		r, h = s.raw("GET", h.Get("Location"), "", nil)
		wantPage(t, r, h, 200, "passed your request to a supervisor", "passed to our supervisors")
		events := s.timeline(n)
		raised, ok := findEvent(events, caseflow.EventFlagsRaised)
		if !ok || raised.Actor != caseflow.ActorCustomer || raised.Data["reason"] != "Nobody calls me back" {
			t.Errorf("flags_raised = %+v", raised)
		}
		if k := countType(events, caseflow.EventEscalated); k != 2 {
			t.Errorf("%d escalations, want the agent's and the customer's", k)
		}
	})

	t.Run("reopen", func(t *testing.T) {
		r, h := s.form(path+"/reopen", map[string]string{"reason": "x"})
		wantPage(t, r, h, 409, "already open")
		must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/resolve",
			map[string]any{"resolution": "Parcel delivered", "root_cause": "carrier delay"}), 200)
		// The reopen window of this policy is 3 s: act at once.
		r, h = s.raw("GET", path, "", nil)
		wantPage(t, r, h, 200, "Resolved", "Parcel delivered", `action="`+path+`/reopen"`, "You can reopen it until")
		r, h = s.form(path+"/reopen", map[string]string{"reason": ""})
		wantPage(t, r, h, 400, "Please tell us what is still wrong.")
		r, h = s.form(path+"/reopen", map[string]string{"reason": "It arrived broken"})
		must(t, r, 303)
		r, h = s.raw("GET", h.Get("Location"), "", nil)
		wantPage(t, r, h, 200, "Your case is open again", "Your case was reopened.")
		reopened, ok := findEvent(s.timeline(n), caseflow.EventReopened)
		if !ok || reopened.Actor != caseflow.ActorCustomer || reopened.Data["reason"] != "It arrived broken" {
			t.Errorf("reopened = %+v", reopened)
		}

		must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/resolve",
			map[string]any{"resolution": "Sent a new one", "root_cause": "damaged"}), 200)
		eventually(t, 15*time.Second, "the reopen window to end", func() bool {
			c := s.call(caseflow.RoleAgent, "GET", "/api/v1/cases/"+n, nil).caseBody(t)
			// The live case may show the close before the timeline has it.
			return c.Status == caseflow.StatusClosed && time.Now().After(*c.ReopenUntil) &&
				countType(s.timeline(n), caseflow.EventClosed) > 0
		})
		r, h = s.form(path+"/reopen", map[string]string{"reason": "Too late?"})
		wantPage(t, r, h, 409, "The time to reopen this case has passed")
		r, h = s.raw("GET", path, "", nil)
		if page := wantPage(t, r, h, 200, "Closed", "Your case was closed."); strings.Contains(page, "/reopen") {
			t.Error("a case past its window offers to reopen")
		}
	})

	t.Run("bad links", func(t *testing.T) {
		expired := token.Sign([]byte(linkSecret), "c", n, time.Now().Add(-time.Minute))
		r, h := s.raw("GET", "/c/"+expired, "", nil)
		wantPage(t, r, h, 410, "This link has expired")
		forged := token.Sign([]byte("another secret, another secret!!"), "c", n, time.Now().Add(time.Hour))
		r, h = s.raw("GET", "/c/"+forged, "", nil)
		wantPage(t, r, h, 400, "This link isn&#39;t valid")
		r, h = s.form("/c/"+forged+"/reopen", map[string]string{"reason": "let me in"})
		wantPage(t, r, h, 400, "This link isn&#39;t valid")
		survey := token.Sign([]byte(linkSecret), "s", n+"/1", time.Now().Add(time.Hour))
		r, h = s.raw("GET", "/c/"+survey, "", nil) // a survey link is not a case link
		wantPage(t, r, h, 400, "This link isn&#39;t valid")
		r, h = s.raw("GET", "/c/garbage", "", nil)
		wantPage(t, r, h, 400, "This link isn&#39;t valid")
		unknown := token.Sign([]byte(linkSecret), "c", "CS-2026-999999", time.Now().Add(time.Hour))
		r, h = s.raw("GET", "/c/"+unknown, "", nil)
		wantPage(t, r, h, 404, "We couldn&#39;t find this case")
		r, h = s.raw("GET", "/s/"+survey, "", nil) // no survey was ever sent
		wantPage(t, r, h, 410, "This survey is no longer open")
		for _, p := range []string{"/c/" + expired, "/c/" + forged, "/c/garbage"} {
			if r, _ := s.raw("GET", p, "", nil); strings.Contains(string(r.body), n) && p != "/c/"+expired {
				t.Errorf("%s shows the case number", p)
			}
		}
	})
}

// The survey behind its emailed link: the form, a refused bad answer, one
// answer recorded, a second refused kindly.
func TestCustomerSurveyPage(t *testing.T) {
	s := startWith(t, surveyFirst) // sends the survey a second after resolution

	n := must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases", newCase(caseflow.ChannelEmail)), 201).caseBody(t).Number
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/interactions",
		map[string]any{"kind": "reply", "body": "Sent today.", "handle_seconds": 60}), 200)
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+n+"/resolve",
		map[string]any{"resolution": "Replacement sent", "root_cause": "lost parcel"}), 200)
	path := link(t, s.message(n, "survey"))
	if !strings.HasPrefix(path, "/s/") {
		t.Fatalf("survey link %s", path)
	}

	r, h := s.raw("GET", path, "", nil)
	wantPage(t, r, h, 200, "How did we do?", n, `name="csat" value="5"`, `name="nps" value="0"`, `name="nps" value="10"`,
		"<legend>How satisfied are you", `<label for="comment">`)
	r, h = s.form(path, map[string]string{"nps": "11", "comment": "fine"})
	wantPage(t, r, h, 400, "Please choose a score from 1 to 5.", "Please choose a score from 0 to 10.")
	r, h = s.form(path, map[string]string{"csat": "2", "nps": "5", "comment": "Took too long"})
	must(t, r, 303)
	r, h = s.raw("GET", h.Get("Location"), "", nil)
	wantPage(t, r, h, 200, "Thank you for your answers")
	r, h = s.form(path, map[string]string{"csat": "5", "nps": "10", "comment": "second thoughts"})
	wantPage(t, r, h, 409, "You already answered – thank you")
	r, h = s.raw("GET", path, "", nil)
	wantPage(t, r, h, 200, "You already answered – thank you")

	events := s.timeline(n)
	answered, ok := findEvent(events, caseflow.EventSurveyAnswered)
	if !ok || answered.Data["csat"] != float64(2) || answered.Data["nps"] != float64(5) || answered.Data["comment"] != "Took too long" {
		t.Errorf("survey_answered = %+v", answered)
	}
	if k := countType(events, caseflow.EventSurveyAnswered); k != 1 {
		t.Errorf("%d answers recorded, want 1", k)
	}
	c := must(t, s.call(caseflow.RoleAgent, "GET", "/api/v1/cases/"+n, nil), 200).caseBody(t)
	if c.Survey == nil || c.Survey.CSAT == nil || *c.Survey.CSAT != 2 {
		t.Errorf("the case's survey: %+v", c.Survey)
	}
	expired := token.Sign([]byte(linkSecret), "s", c.Survey.ID, time.Now().Add(-time.Second))
	r, h = s.raw("GET", "/s/"+expired, "", nil)
	wantPage(t, r, h, 410, "This link has expired")
}
