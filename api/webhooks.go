package api

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/sendgrid/sendgrid-go/helpers/eventwebhook"
	"go.temporal.io/api/serviceerror"

	"caseflow"
	"caseflow/postgres"
)

// SendGrid's two webhooks: Inbound Parse posts the emails customers send to
// the reply-to address; the Event Webhook reports what became of the emails
// we sent. Neither carries a user's token: the inbound one is authenticated
// by a shared key in its URL, the event one by SendGrid's ECDSA signature.

// webhookStore is what the webhooks need from Postgres.
type webhookStore interface {
	SaveInbound(ctx context.Context, m postgres.InboundMessage) (postgres.InboundMessage, bool, error)
	SetInboundStatus(ctx context.Context, id int64, status postgres.InboundStatus, number, newNumber, note string) error
	ListInbound(ctx context.Context, f postgres.InboundFilter) (postgres.InboundPage, error)
	Inbound(ctx context.Context, id int64) (postgres.InboundMessage, error)
	EmailByKey(ctx context.Context, key string) (caseflow.Email, error)
	SetDeliveryState(ctx context.Context, providerID string, outboxID int64, state caseflow.EmailState) error
}

const (
	inboundPath = "/webhooks/sendgrid/inbound"
	eventsPath  = "/webhooks/sendgrid/events"

	// maxInbound bounds an Inbound Parse post: SendGrid takes messages of up
	// to 30 MB, attachments included. Attachments are counted, not kept.
	maxInbound = 32 << 20
	// maxInboundField bounds each text field kept (text, html, headers).
	maxInboundField = 1 << 20

	// Event Webhook posts older than maxEventAge (or dated further than
	// maxEventSkew ahead) are refused: a captured post cannot be replayed.
	maxEventAge  = 10 * time.Minute
	maxEventSkew = 5 * time.Minute
)

// webhookRoutes adds the webhooks to e. Each answers 404 until configured.
func (s *Server) webhookRoutes(e *echo.Echo) {
	e.POST(inboundPath, s.receiveInbound)
	e.POST(eventsPath, s.deliveryEvents)
}

// skipBodyLimit lets the inbound webhook past the API's 1 MiB body limit:
// it sets its own, sized for emails.
func skipBodyLimit(c echo.Context) bool { return c.Path() == inboundPath }

// ParseWebhookKey reads SendGrid's Event Webhook verification key as the
// dashboard shows it (base64 of the DER public key) or as PEM.
func ParseWebhookKey(s string) (*ecdsa.PublicKey, error) {
	s = strings.TrimSpace(s)
	var der []byte
	if block, _ := pem.Decode([]byte(s)); block != nil {
		der = block.Bytes
	} else {
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
		if err != nil {
			return nil, errors.New("not PEM and not base64")
		}
		der = b
	}
	key, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("not a public key: %w", err)
	}
	ec, ok := key.(*ecdsa.PublicKey)
	if !ok {
		return nil, errors.New("not an ECDSA public key")
	}
	return ec, nil
}

// --- Inbound Parse ---

// inboundEmail is the part of an Inbound Parse post caseflow reads.
type inboundEmail struct {
	From, To, Cc, Subject, Text, HTML string
	Headers, Envelope, Charsets       string
	SPF, DKIM                         string
	Attachments                       int
}

// readInbound streams the multipart form: text fields are kept (each up to
// maxInboundField), files are counted and thrown away, so a large attachment
// never sits in memory or on disk.
func readInbound(r *http.Request) (inboundEmail, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return inboundEmail{}, err
	}
	var in inboundEmail
	fields := map[string]*string{
		"from": &in.From, "to": &in.To, "cc": &in.Cc, "subject": &in.Subject, "text": &in.Text, "html": &in.HTML,
		"headers": &in.Headers, "envelope": &in.Envelope, "charsets": &in.Charsets, "SPF": &in.SPF, "dkim": &in.DKIM,
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return inboundEmail{}, err
		}
		dst, known := fields[part.FormName()]
		switch {
		case part.FileName() != "":
			in.Attachments++
			_, err = io.Copy(io.Discard, part)
		case known:
			*dst, err = readField(part)
		default:
			_, err = io.Copy(io.Discard, part)
		}
		part.Close()
		if err != nil {
			return inboundEmail{}, err
		}
	}
	in.decode()
	return in, nil
}

func readField(p *multipart.Part) (string, error) {
	b, err := io.ReadAll(io.LimitReader(p, maxInboundField))
	if err != nil {
		return "", err
	}
	_, err = io.Copy(io.Discard, p) // the rest of an oversized field
	return string(b), err
}

// decode turns every field into UTF-8. SendGrid names each field's charset
// in "charsets"; Latin-1 (and its Windows superset, near enough) is mapped
// byte for byte, anything else invalid becomes U+FFFD.
func (in *inboundEmail) decode() {
	var charsets map[string]string
	_ = json.Unmarshal([]byte(in.Charsets), &charsets) // absent or odd: assume UTF-8
	for name, f := range map[string]*string{"from": &in.From, "to": &in.To, "cc": &in.Cc, "subject": &in.Subject, "text": &in.Text, "html": &in.HTML} {
		if utf8.ValidString(*f) {
			continue
		}
		switch strings.ToLower(charsets[name]) {
		case "iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252":
			r := make([]rune, 0, len(*f))
			for _, b := range []byte(*f) {
				r = append(r, rune(b))
			}
			*f = string(r)
		default:
			*f = strings.ToValidUTF8(*f, "\uFFFD")
		}
	}
}

// sender is the From address (the envelope's sender when From is unreadable).
func (in inboundEmail) sender() (addr, name string) {
	if a, err := mail.ParseAddress(in.From); err == nil {
		return a.Address, a.Name
	}
	var env struct {
		From string `json:"from"`
	}
	if json.Unmarshal([]byte(in.Envelope), &env) == nil && env.From != "" {
		return env.From, ""
	}
	return strings.TrimSpace(in.From), ""
}

var plusNumber = regexp.MustCompile(`(?i)\+(CS-\d{4}-\d{6})@`)

// number is the case the email is about: the one in a plus-addressed
// recipient (cases+CS-2026-000001@..., which our reply-to carries and a
// customer rarely edits), else the one in the subject.
func (in inboundEmail) number() string {
	var env struct {
		To []string `json:"to"`
	}
	_ = json.Unmarshal([]byte(in.Envelope), &env)
	for _, to := range append([]string{in.To, in.Cc}, env.To...) {
		if m := plusNumber.FindStringSubmatch(to); m != nil {
			return strings.ToUpper(m[1])
		}
	}
	return caseflow.FindNumber(in.Subject)
}

// unverified reports a sender whose domain failed SPF outright with no
// passing DKIM signature: a forged From must not write on a customer's case.
func (in inboundEmail) unverified() bool {
	return strings.EqualFold(strings.TrimSpace(in.SPF), "fail") && !strings.Contains(strings.ToLower(in.DKIM), "pass")
}

// messageKey identifies the email across retried posts: its Message-ID, or
// a hash of what it says when it has none.
func (in inboundEmail) messageKey() string {
	if h, err := mail.ReadMessage(strings.NewReader(strings.ReplaceAll(in.Headers, "\r\n", "\n") + "\n\n")); err == nil {
		if id := strings.TrimSpace(h.Header.Get("Message-Id")); id != "" && len(id) <= 500 {
			return "message-id:" + id
		}
	}
	sum := sha256.Sum256([]byte(in.From + "\x00" + in.To + "\x00" + in.Subject + "\x00" + in.Text + "\x00" + in.HTML))
	return "sha256:" + hex.EncodeToString(sum[:])
}

var (
	// "On Mon, 30 Nov 2026 at 10:00, Acme <support@acme.test> wrote:", which
	// some clients wrap onto a second line.
	attribution = regexp.MustCompile(`(?is)^On\s.{0,300}?\swrote:\s*$`)
	htmlTag     = regexp.MustCompile(`(?s)<[^>]*>`)
	htmlDrop    = regexp.MustCompile(`(?is)<(style|script|head)[^>]*>.*?</(style|script|head)>`)
	htmlBreak   = regexp.MustCompile(`(?i)<(br|/p|/div|/li|/tr|/h[1-6])[^>]*>`)
)

// newText is what the customer wrote this time: the text cut at the quoted
// history (the first line starting with ">", an "On ... wrote:" line, or an
// Outlook "Original Message" separator).
func newText(text string) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, line := range lines {
		t := strings.TrimSpace(line)
		next := ""
		if i+1 < len(lines) {
			next = strings.TrimSpace(lines[i+1])
		}
		if strings.HasPrefix(t, ">") || attribution.MatchString(t) ||
			(strings.HasPrefix(t, "On ") && attribution.MatchString(t+" "+next)) ||
			strings.Contains(t, "-----Original Message-----") || t == "________________________________" {
			lines = lines[:i]
			break
		}
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// htmlText is a plain-text rendering of an HTML body, for emails sent
// without a text part.
func htmlText(html string) string {
	s := htmlDrop.ReplaceAllString(html, "")
	s = htmlBreak.ReplaceAllString(s, "\n")
	s = htmlTag.ReplaceAllString(s, "")
	for _, r := range [][2]string{{"&nbsp;", " "}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", `"`}, {"&#39;", "'"}, {"&amp;", "&"}} {
		s = strings.ReplaceAll(s, r[0], r[1])
	}
	return s
}

// replyBody is the customer's reply as the timeline shows it.
func (in inboundEmail) replyBody() string {
	text := in.Text
	if strings.TrimSpace(text) == "" {
		text = htmlText(in.HTML)
	}
	body := newText(text)
	if body == "" {
		body = "(The email had no new text.)"
	}
	if in.Attachments > 0 {
		body += fmt.Sprintf("\n\n[%d attachment(s) with this email were not imported.]", in.Attachments)
	}
	if r := []rune(body); len(r) > maxText {
		body = string(r[:maxText-1]) + "…"
	}
	return body
}

// inboundJSON is the webhook's answer (SendGrid only reads the status).
type inboundJSON struct {
	ID        int64                  `json:"id"`
	Status    postgres.InboundStatus `json:"status"`
	Number    string                 `json:"number,omitempty"`
	NewNumber string                 `json:"new_number,omitempty"`
	Duplicate bool                   `json:"duplicate,omitempty"`
}

// receiveInbound is POST /webhooks/sendgrid/inbound. Every email is stored
// first; one from a case's customer is signalled to the case (or opens a new
// case when the old one closed for good); anything else waits for review.
// Only a failing dependency answers 5xx, so SendGrid retries just those.
func (s *Server) receiveInbound(c echo.Context) error {
	if s.inboundKey == "" {
		return caseflow.Errorf(caseflow.ENOTFOUND, "inbound email is not configured (CASEFLOW_INBOUND_KEY)")
	}
	key := c.QueryParam("key")
	if key == "" {
		return caseflow.Errorf(caseflow.EUNAUTHORIZED, "add ?key=<CASEFLOW_INBOUND_KEY> to the Inbound Parse URL")
	}
	if !sameSecret(key, s.inboundKey) {
		return caseflow.Errorf(caseflow.EFORBIDDEN, "the inbound key is wrong")
	}
	req := c.Request()
	req.Body = http.MaxBytesReader(c.Response(), req.Body, maxInbound)
	in, err := readInbound(req)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return caseflow.Errorf(caseflow.ETOOLARGE, "the email is larger than %d MiB", maxInbound>>20)
	case err != nil:
		return caseflow.Fields{"body": "must be an Inbound Parse post (multipart/form-data): " + err.Error()}.Err()
	}

	ctx := req.Context()
	from, fromName := in.sender()
	stored, fresh, err := s.store.SaveInbound(ctx, postgres.InboundMessage{
		Key: in.messageKey(), From: from, FromName: fromName, To: in.To, Subject: in.Subject, Text: in.Text, HTML: in.HTML,
		Number: in.number(), SPF: in.SPF, DKIM: in.DKIM, Attachments: in.Attachments,
	})
	if err != nil {
		return s.unavailable(c, "inbound email not stored", err)
	}
	if !fresh && stored.Status != postgres.InboundReceived {
		// SendGrid retried a post we already handled.
		return c.JSON(http.StatusOK, inboundJSON{ID: stored.ID, Status: stored.Status, Number: stored.Number, NewNumber: stored.NewNumber, Duplicate: true})
	}
	out, err := s.routeInbound(ctx, stored, in)
	if err != nil {
		// Kept as received: SendGrid's retry (or a person) finishes the job.
		return s.unavailable(c, "inbound email not delivered to its case", err)
	}
	if err := s.store.SetInboundStatus(ctx, stored.ID, out.Status, out.Number, out.NewNumber, out.note); err != nil {
		return s.unavailable(c, "inbound email status not recorded", err)
	}
	s.log.InfoContext(ctx, "inbound email", "id", stored.ID, "status", out.Status, "number", out.Number, "new_number", out.NewNumber)
	out.ID = stored.ID
	return c.JSON(http.StatusOK, out.inboundJSON)
}

type inboundOutcome struct {
	inboundJSON
	note string
}

// routeInbound decides what an email is and acts on it.
func (s *Server) routeInbound(ctx context.Context, m postgres.InboundMessage, in inboundEmail) (inboundOutcome, error) {
	out := inboundOutcome{inboundJSON: inboundJSON{Number: m.Number}}
	if m.Number == "" {
		out.Status, out.note = postgres.InboundUnknownCase, "no case number in the subject or the address"
		return out, nil
	}
	// The live case, not the read model, which may not show a close yet.
	lctx, cancel := context.WithTimeout(ctx, temporalTimeout)
	cs, err := s.liveCase(lctx, m.Number)
	cancel()
	if caseflow.ErrorCode(err) == caseflow.ENOTFOUND {
		out.Status, out.note = postgres.InboundUnknownCase, "no case has this number"
		return out, nil
	}
	if err != nil {
		return out, err
	}
	if in.unverified() {
		out.Status, out.note = postgres.InboundUnverified, "the sender's domain failed SPF and no DKIM signature passed"
		return out, nil
	}
	if !strings.EqualFold(m.From, cs.Customer.Email) {
		out.Status, out.note = postgres.InboundUnknownSender, "the sender is not the case's customer"
		return out, nil
	}
	body := in.replyBody()
	if !closedForGood(cs, s.now()) {
		tctx, cancel := context.WithTimeout(ctx, temporalTimeout)
		err := s.temporal.SignalWorkflow(tctx, caseflow.WorkflowID(cs.Number), "", caseflow.SignalCustomerReply,
			caseflow.CustomerReply{Body: body, Via: "email"})
		cancel()
		var gone *serviceerror.NotFound
		if err == nil {
			out.Status, out.note = postgres.InboundReplied, "signalled to the case"
			return out, nil
		}
		if !errors.As(err, &gone) {
			return out, err
		}
	}
	// The case closed and its reopen window ended: nothing can change it, so
	// the customer's new message becomes a new case that points back to it.
	subject := strings.Join(strings.Fields(in.Subject), " ")
	if subject == "" {
		subject = "Follow-up to case " + cs.Number
	}
	if r := []rune(subject); len(r) > maxSubject {
		subject = string(r[:maxSubject-1]) + "…"
	}
	intake := caseflow.Intake{
		Channel: caseflow.ChannelEmail, Category: caseflow.CategoryGeneral, Customer: cs.Customer,
		Subject: subject, Description: body, RelatedTo: cs.Number,
	}
	created, _, err := s.openIntake(ctx, "inbound:"+m.Key, intake, caseflow.User{})
	if err != nil {
		return out, err
	}
	out.Status, out.NewNumber, out.note = postgres.InboundOpenedCase, created.Number, "the case had closed for good; opened "+created.Number
	return out, nil
}

// closedForGood reports a case past its reopen window: resolved or closed,
// nothing the customer writes can reopen it (the workflow may not have
// closed it yet when the window has just ended).
func closedForGood(cs caseflow.Case, now time.Time) bool {
	return !cs.Status.Open() && (cs.ReopenUntil == nil || !now.Before(*cs.ReopenUntil))
}

// sameSecret compares secrets in constant time whatever their lengths.
func sameSecret(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

// unavailable logs err and answers 503, so the webhook's sender retries.
func (s *Server) unavailable(c echo.Context, what string, err error) error {
	s.log.ErrorContext(c.Request().Context(), what, "error", err, "request_id", requestID(c))
	if e := s.appError(c, err); e.Code == caseflow.EUNAVAILABLE || e.Code == caseflow.ERATELIMIT {
		return e
	}
	return caseflow.Errorf(caseflow.EUNAVAILABLE, "%s; try again later (request %s)", what, requestID(c))
}

// --- Event Webhook ---

// deliveryEvent is one event of an Event Webhook batch. Custom args (set on
// every send) come at the top level.
type deliveryEvent struct {
	Event       string `json:"event"`
	Email       string `json:"email"`
	Reason      string `json:"reason"`
	Response    string `json:"response"`
	Type        string `json:"type"` // a bounce's kind: bounce or blocked
	SGMessageID string `json:"sg_message_id"`
	OutboxID    any    `json:"outbox_id"`
	EmailKey    string `json:"email_key"`
}

// deliveryStates maps SendGrid's events to outbox states; others are ignored.
var deliveryStates = map[string]caseflow.EmailState{
	"delivered": caseflow.EmailDelivered,
	"bounce":    caseflow.EmailBounced,
	"dropped":   caseflow.EmailDropped,
	"deferred":  caseflow.EmailDeferred,
}

// eventsJSON is the Event Webhook's answer.
type eventsJSON struct {
	Applied int `json:"applied"`
	Ignored int `json:"ignored"`
}

// deliveryEvents is POST /webhooks/sendgrid/events: verify the batch's
// signature and age, then record each message's delivery state. A bounce or
// drop of a customer's email also goes on the case's timeline.
func (s *Server) deliveryEvents(c echo.Context) error {
	if s.webhookKey == nil {
		return caseflow.Errorf(caseflow.ENOTFOUND, "the event webhook is not configured (SENDGRID_WEBHOOK_PUBLIC_KEY)")
	}
	req := c.Request()
	sig, ts := req.Header.Get(eventwebhook.VerificationHTTPHeader), req.Header.Get(eventwebhook.TimestampHTTPHeader)
	if sig == "" || ts == "" {
		return caseflow.Errorf(caseflow.EUNAUTHORIZED, "the post is not signed: enable the Event Webhook's signature verification")
	}
	// The signature covers the exact bytes sent: read them before any parsing.
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return err // over the body limit: 413
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return caseflow.Errorf(caseflow.EFORBIDDEN, "the signature timestamp is not a Unix time")
	}
	if age := s.now().Sub(time.Unix(sec, 0)); age > maxEventAge || age < -maxEventSkew {
		return caseflow.Errorf(caseflow.EFORBIDDEN, "the signature timestamp is stale: posts older than %s are refused", maxEventAge)
	}
	if ok, err := eventwebhook.VerifySignature(s.webhookKey, body, sig, ts); err != nil || !ok {
		return caseflow.Errorf(caseflow.EFORBIDDEN, "the signature does not match the body")
	}
	var events []deliveryEvent
	if err := json.Unmarshal(body, &events); err != nil {
		return caseflow.Fields{"body": "must be a JSON array of events"}.Err()
	}
	ctx := req.Context()
	var out eventsJSON
	var failed error
	for _, ev := range events {
		applied, err := s.applyDeliveryEvent(ctx, ev)
		switch {
		case err != nil:
			failed = err
		case applied:
			out.Applied++
		default:
			out.Ignored++
		}
	}
	if failed != nil {
		// Every update is idempotent: SendGrid's retry of the batch is safe.
		return s.unavailable(c, "delivery events not all recorded", failed)
	}
	return c.JSON(http.StatusOK, out)
}

// applyDeliveryEvent records one event; it reports false for events that
// are not about delivery or name no message of ours.
func (s *Server) applyDeliveryEvent(ctx context.Context, ev deliveryEvent) (bool, error) {
	state, ok := deliveryStates[ev.Event]
	if !ok {
		return false, nil
	}
	var outboxID int64
	switch v := ev.OutboxID.(type) {
	case string:
		outboxID, _ = strconv.ParseInt(v, 10, 64)
	case float64:
		outboxID = int64(v)
	}
	// sg_message_id is the X-Message-Id of the send, then ".filter...".
	providerID, _, _ := strings.Cut(ev.SGMessageID, ".")
	if outboxID <= 0 && providerID == "" {
		return false, nil
	}
	if state == caseflow.EmailBounced || state == caseflow.EmailDropped {
		// The timeline first: if the signal fails, the state is not moved
		// either, and SendGrid's retry does both.
		if err := s.signalBounce(ctx, ev, outboxID, state); err != nil {
			return false, err
		}
	}
	err := s.store.SetDeliveryState(ctx, providerID, outboxID, state)
	if caseflow.ErrorCode(err) == caseflow.ENOTFOUND {
		s.log.WarnContext(ctx, "delivery event for no outbox message", "outbox_id", outboxID, "provider_id", providerID, "event", ev.Event)
		return false, nil
	}
	return err == nil, err
}

// signalBounce tells the case that an email to its customer bounced or was
// dropped, once: a message already in that state was reported before.
func (s *Server) signalBounce(ctx context.Context, ev deliveryEvent, outboxID int64, state caseflow.EmailState) error {
	if ev.EmailKey == "" {
		return nil
	}
	e, err := s.store.EmailByKey(ctx, ev.EmailKey)
	if caseflow.ErrorCode(err) == caseflow.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if e.Number == "" || e.State == state || (outboxID > 0 && e.ID != outboxID) {
		return nil
	}
	cs, err := s.store.GetCase(ctx, e.Number)
	if caseflow.ErrorCode(err) == caseflow.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if !strings.EqualFold(e.To, cs.Customer.Email) {
		return nil // a staff alert: the outbox shows it, the case need not
	}
	reason := ev.Reason
	if ev.Type == "blocked" {
		reason = "blocked: " + reason
	}
	tctx, cancel := context.WithTimeout(ctx, temporalTimeout)
	defer cancel()
	err = s.temporal.SignalWorkflow(tctx, caseflow.WorkflowID(cs.Number), "", caseflow.SignalEmailBounced,
		caseflow.EmailBounce{Email: e.To, Reason: reason, Template: e.Template, State: state})
	var gone *serviceerror.NotFound
	if errors.As(err, &gone) {
		return nil // the case has run its course; the outbox keeps the state
	}
	return err
}
