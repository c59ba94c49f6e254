package mail

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"caseflow"

	"github.com/sendgrid/rest"
	"github.com/sendgrid/sendgrid-go"
	sgmail "github.com/sendgrid/sendgrid-go/helpers/mail"
)

// Sender hands one outbox email to a provider and returns the provider's
// message ID. Failures are *SendError.
type Sender interface {
	Send(ctx context.Context, e caseflow.Email) (providerID string, err error)
}

// DefaultBaseURL is SendGrid's public API host.
const DefaultBaseURL = "https://api.sendgrid.com"

// defaultClient bounds a send when the caller gave no client:
// rest.DefaultClient has no timeout at all.
var defaultClient = &http.Client{Timeout: 30 * time.Second}

// SendGrid sends through SendGrid's v3 Mail Send API. It is safe for
// concurrent use: each Send builds its own request.
type SendGrid struct {
	APIKey   string
	BaseURL  string // DefaultBaseURL when empty; a test server otherwise
	From     string
	FromName string
	Client   *http.Client // defaultClient (30s timeout) when nil
}

var _ Sender = (*SendGrid)(nil)

// SendError is a failed send, classified so the outbox knows what to do.
type SendError struct {
	Status    int  // HTTP status; 0 when no response came back
	Retryable bool // worth another try later: 429, 5xx, network trouble
	// Unsent means SendGrid certainly did not take the message (nothing was
	// sent, or it answered non-2xx), so a retry cannot deliver it twice.
	// False after a timeout or a cut connection: the outcome is unknown.
	Unsent bool
	Msg    string
}

func (e *SendError) Error() string {
	if e.Status == 0 {
		return "sendgrid: " + e.Msg
	}
	return fmt.Sprintf("sendgrid: status %d: %s", e.Status, e.Msg)
}

// Send sends e with ctx bounding the whole request. It never retries: the
// API has no idempotency key, so that is the outbox's decision.
func (s *SendGrid) Send(ctx context.Context, e caseflow.Email) (string, error) {
	base := strings.TrimRight(cmp.Or(s.BaseURL, DefaultBaseURL), "/")
	if err := s.check(base, e); err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", &SendError{Retryable: true, Unsent: true, Msg: err.Error()}
	}

	req := sendgrid.GetRequest(s.APIKey, "/v3/mail/send", base)
	req.Method = rest.Post
	req.Body = sgmail.GetRequestBody(s.message(e))
	client := &rest.Client{HTTPClient: cmp.Or(s.Client, defaultClient)}
	resp, err := client.SendWithContext(ctx, req)
	if resp == nil {
		return "", transportError(err, e.To)
	}
	// A status line came back, so the status decides, even if reading the
	// body failed afterwards.
	code := resp.StatusCode
	if code >= 200 && code < 300 {
		return http.Header(resp.Headers).Get("X-Message-Id"), nil
	}
	return "", &SendError{
		Status:    code,
		Retryable: code == http.StatusTooManyRequests || code >= 500,
		Unsent:    true,
		Msg:       clean(cmp.Or(describe(resp.Body), http.StatusText(code)), e.To),
	}
}

// check rejects what no retry can fix before anything goes on the wire.
func (s *SendGrid) check(base string, e caseflow.Email) error {
	var problem string
	switch u, err := url.Parse(base); {
	case s.APIKey == "":
		problem = "no API key configured"
	case s.From == "":
		problem = "no sender address configured"
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		problem = "base URL must be an absolute http(s) URL"
	case e.To == "":
		problem = "the email has no recipient"
	default:
		return nil
	}
	return &SendError{Unsent: true, Msg: problem}
}

func (s *SendGrid) message(e caseflow.Email) *sgmail.SGMailV3 {
	p := sgmail.NewPersonalization()
	p.AddTos(sgmail.NewEmail(e.ToName, e.To))
	// SendGrid echoes custom_args in every delivery event. The API has no
	// idempotency key, so these are how events find their outbox row.
	p.SetCustomArg("outbox_id", strconv.FormatInt(e.ID, 10))
	p.SetCustomArg("case_number", e.Number)
	p.SetCustomArg("email_key", e.Key)

	m := sgmail.NewV3Mail()
	m.SetFrom(sgmail.NewEmail(s.FromName, s.From))
	m.Subject = e.Subject
	m.AddPersonalizations(p)
	if e.ReplyTo != "" {
		m.SetReplyTo(sgmail.NewEmail("", e.ReplyTo))
	}
	// SendGrid wants text/plain before text/html and rejects empty values.
	if e.Text != "" {
		m.AddContent(sgmail.NewContent("text/plain", e.Text))
	}
	if e.HTML != "" {
		m.AddContent(sgmail.NewContent("text/html", e.HTML))
	}
	m.AddCategories("caseflow")
	if e.Template != "" {
		m.AddCategories(e.Template)
	}
	return m
}

// transportError classifies a send that got no response. Only a failed dial
// (DNS, refused, unreachable) proves no byte of the request left us; after
// that, a timeout or a reset may come after SendGrid took the message.
func transportError(err error, to string) *SendError {
	var op *net.OpError
	unsent := errors.As(err, &op) && op.Op == "dial"
	return &SendError{Retryable: true, Unsent: unsent, Msg: clean(err.Error(), to)}
}

// describe turns SendGrid's error body ({"errors":[{"message","field"}]})
// into one line; any other body is kept as it is.
func describe(body string) string {
	var r struct {
		Errors []struct{ Message, Field string }
	}
	if json.Unmarshal([]byte(body), &r) != nil || len(r.Errors) == 0 {
		return strings.TrimSpace(body)
	}
	msgs := make([]string, len(r.Errors))
	for i, e := range r.Errors {
		msgs[i] = e.Message
		if e.Field != "" {
			msgs[i] = e.Field + ": " + e.Message
		}
	}
	return strings.Join(msgs, "; ")
}

const maxMsg = 300

// clean keeps error text fit for logs and the outbox row: the recipient's
// address removed, at most maxMsg bytes.
func clean(msg, to string) string {
	if to != "" {
		msg = regexp.MustCompile(`(?i)`+regexp.QuoteMeta(to)).ReplaceAllString(msg, "[recipient]")
	}
	if len(msg) <= maxMsg {
		return msg
	}
	n := maxMsg
	for n > 0 && !utf8.RuneStart(msg[n]) {
		n--
	}
	return msg[:n] + "…"
}
