// Package activities is everything the case workflow does outside itself:
// writing the timeline and read model, and sending email through the outbox.
// Each activity is idempotent, so a retry or a replay never writes an event
// twice or mails anyone twice.
package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"caseflow"
	"caseflow/mail"
	"caseflow/policy"
	"caseflow/token"
)

// Store is what the activities need from the database.
type Store interface {
	ApplyEvents(ctx context.Context, c caseflow.Case, events []caseflow.Event) error
	EnqueueEmail(ctx context.Context, e caseflow.Email) (caseflow.Email, bool, error)
	TransitionEmail(ctx context.Context, key string, from []caseflow.EmailState, to caseflow.EmailState, providerID, errText string) (bool, error)
	EmailByKey(ctx context.Context, key string) (caseflow.Email, error)
	UsersByRole(ctx context.Context, roles ...caseflow.Role) ([]caseflow.User, error)
	PutApproval(ctx context.Context, a caseflow.Approval) error
}

// Activities holds the dependencies of every activity.
type Activities struct {
	Store Store
	// Sender delivers email; nil keeps every message in the outbox as not sent.
	Sender mail.Sender
	// Policy is the policy new cases pin.
	Policy *policy.Policy
	// PublicURL is where customers and staff reach caseflow (links in emails).
	PublicURL string
	// ReplyTo is the address customer replies go to (inbound parse).
	ReplyTo string
	// LinkSecret signs customer links; LinkTTL is how long they last.
	LinkSecret []byte
	LinkTTL    time.Duration
}

// CurrentPolicy returns the policy a new case pins for its whole life.
func (a *Activities) CurrentPolicy(ctx context.Context) (*policy.Policy, error) {
	return a.Policy, nil
}

// Record is a batch of timeline events and the case as it stood after them.
type Record struct {
	Case   caseflow.Case    `json:"case"`
	Events []caseflow.Event `json:"events"`
}

// RecordEvents writes events and the read model. Events are keyed by case
// number and sequence, so a retry writes nothing twice.
func (a *Activities) RecordEvents(ctx context.Context, r Record) error {
	defer keepAlive(ctx)()
	return a.Store.ApplyEvents(ctx, r.Case, r.Events)
}

// keepAlive heartbeats every second until the returned stop is called.
func keepAlive(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	activity.RecordHeartbeat(ctx)
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				activity.RecordHeartbeat(ctx)
			}
		}
	}()
	return cancel
}

// EmailRequest is an email to one customer.
type EmailRequest struct {
	Key      string    `json:"key"`
	Number   string    `json:"number"`
	Template string    `json:"template"`
	To       string    `json:"to"`
	ToName   string    `json:"to_name"`
	SurveyID string    `json:"survey_id,omitempty"`
	Data     mail.Data `json:"data"`
}

// SendResult is how an email ended up.
type SendResult struct {
	State caseflow.EmailState `json:"state"`
	Error string              `json:"error,omitempty"`
}

// SendEmail records the email in the outbox under its key and sends it at
// most once. Provider throttling and outages are returned as errors for the
// retry policy; a permanent refusal is a result, recorded as failed.
func (a *Activities) SendEmail(ctx context.Context, r EmailRequest) (SendResult, error) {
	defer keepAlive(ctx)()
	r.Data.StatusURL = a.link("c", "/c/", r.Number)
	if r.SurveyID != "" {
		r.Data.SurveyURL = a.link("s", "/s/", r.SurveyID)
	}
	return a.send(ctx, r)
}

// StaffAlert is an email to the staff of some roles, or to one assignee.
type StaffAlert struct {
	Key      string          `json:"key"`
	Number   string          `json:"number"`
	Template string          `json:"template"`
	Roles    []caseflow.Role `json:"roles"`
	Assignee string          `json:"assignee,omitempty"`
	Data     mail.Data       `json:"data"`
}

// NotifyStaff emails each user of the alert's roles (or its assignee). Each
// recipient has their own outbox key, so a retry only sends what is missing.
func (a *Activities) NotifyStaff(ctx context.Context, s StaffAlert) (int, error) {
	defer keepAlive(ctx)()
	var to []caseflow.User
	if s.Assignee != "" {
		to = []caseflow.User{{Email: s.Assignee}}
	} else {
		users, err := a.Store.UsersByRole(ctx, s.Roles...)
		if err != nil {
			return 0, err
		}
		to = users
	}
	if len(to) == 0 {
		activity.GetLogger(ctx).Warn("no staff to alert", "number", s.Number, "roles", s.Roles)
	}
	s.Data.CaseURL = strings.TrimRight(a.PublicURL, "/") + "/ui/cases/" + s.Number
	var errs []error
	for _, u := range to {
		_, err := a.send(ctx, EmailRequest{Key: s.Key + "/" + strings.ToLower(u.Email), Number: s.Number, Template: s.Template, To: u.Email, ToName: u.Name, Data: s.Data})
		errs = append(errs, err)
	}
	return len(to), errors.Join(errs...)
}

// Resend is a copy, under its own Key, of the email stored under Of.
type Resend struct {
	Key string `json:"key"`
	Of  string `json:"of"`
}

// ResendEmail sends again, as a new message, an email that failed, bounced
// or whose send was cut off; staff decide, the outbox keeps both.
func (a *Activities) ResendEmail(ctx context.Context, r Resend) (SendResult, error) {
	defer keepAlive(ctx)()
	orig, err := a.Store.EmailByKey(ctx, r.Of)
	if err != nil {
		if caseflow.ErrorCode(err) == caseflow.ENOTFOUND {
			return SendResult{}, temporal.NewNonRetryableApplicationError("no email to resend", "not_found", err)
		}
		return SendResult{}, err
	}
	orig.Key = r.Key
	return a.deliver(ctx, orig)
}

func (a *Activities) send(ctx context.Context, r EmailRequest) (SendResult, error) {
	subject, text, html, err := mail.Render(r.Template, r.Data)
	if err != nil {
		return SendResult{}, temporal.NewNonRetryableApplicationError("rendering "+r.Template, "template", err)
	}
	return a.deliver(ctx, caseflow.Email{
		Key: r.Key, Number: r.Number, Template: r.Template, To: r.To, ToName: r.ToName,
		ReplyTo: replyTo(a.ReplyTo, r.Number), Subject: subject, Text: text, HTML: html,
	})
}

// deliver records the email in the outbox under its key and hands it to the
// provider at most once.
func (a *Activities) deliver(ctx context.Context, m caseflow.Email) (SendResult, error) {
	e, _, err := a.Store.EnqueueEmail(ctx, caseflow.Email{
		Key: m.Key, Number: m.Number, Template: m.Template, To: m.To, ToName: m.ToName,
		ReplyTo: m.ReplyTo, Subject: m.Subject, Text: m.Text, HTML: m.HTML,
	})
	if err != nil {
		return SendResult{}, err
	}
	switch e.State {
	case caseflow.EmailQueued:
	case caseflow.EmailSending:
		// An earlier attempt died between handing the message over and
		// recording the answer. It may have gone out; sending again could
		// mail the customer twice, so it is marked unknown and left alone.
		if _, err := a.Store.TransitionEmail(ctx, m.Key, []caseflow.EmailState{caseflow.EmailSending}, caseflow.EmailUnknown, "", "the send was interrupted; not retried to avoid a duplicate"); err != nil {
			return SendResult{}, err
		}
		return SendResult{State: caseflow.EmailUnknown}, nil
	default:
		return SendResult{State: e.State, Error: e.Error}, nil // already handled
	}
	if a.Sender == nil {
		_, err := a.Store.TransitionEmail(ctx, m.Key, []caseflow.EmailState{caseflow.EmailQueued}, caseflow.EmailNoProvider, "", "no email provider is configured")
		return SendResult{State: caseflow.EmailNoProvider}, err
	}
	if ok, err := a.Store.TransitionEmail(ctx, m.Key, []caseflow.EmailState{caseflow.EmailQueued}, caseflow.EmailSending, "", ""); err != nil || !ok {
		return SendResult{State: caseflow.EmailSending}, err
	}
	id, err := a.Sender.Send(ctx, e)
	var se *mail.SendError
	switch {
	case err == nil:
		_, err := a.Store.TransitionEmail(ctx, m.Key, []caseflow.EmailState{caseflow.EmailSending}, caseflow.EmailSent, id, "")
		return SendResult{State: caseflow.EmailSent}, err
	case errors.As(err, &se) && se.Unsent && se.Retryable:
		// Nothing reached the provider: put it back in the queue and retry.
		if _, terr := a.Store.TransitionEmail(ctx, m.Key, []caseflow.EmailState{caseflow.EmailSending}, caseflow.EmailQueued, "", se.Error()); terr != nil {
			return SendResult{}, terr
		}
		return SendResult{}, fmt.Errorf("email %s: %w", m.Key, err)
	case errors.As(err, &se) && !se.Retryable:
		_, terr := a.Store.TransitionEmail(ctx, m.Key, []caseflow.EmailState{caseflow.EmailSending}, caseflow.EmailFailed, "", se.Error())
		return SendResult{State: caseflow.EmailFailed, Error: se.Error()}, terr
	default:
		// The provider may or may not have it (a timeout after the request
		// went out): never risk a second copy.
		_, terr := a.Store.TransitionEmail(ctx, m.Key, []caseflow.EmailState{caseflow.EmailSending}, caseflow.EmailUnknown, "", err.Error())
		return SendResult{State: caseflow.EmailUnknown, Error: err.Error()}, terr
	}
}

// replyTo plus-addresses the reply address with the case number
// (cases+CS-2026-000001@example.com), so a reply finds its case even when the
// customer rewrites the subject.
func replyTo(addr, number string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || number == "" {
		return addr
	}
	return local + "+" + number + "@" + domain
}

// link signs a customer link for the case; empty without a secret.
func (a *Activities) link(purpose, path, number string) string {
	if len(a.LinkSecret) == 0 || number == "" {
		return ""
	}
	ttl := a.LinkTTL
	if ttl == 0 {
		ttl = 90 * 24 * time.Hour
	}
	// Links are built once per email; the wall clock here only sets expiry.
	tok := token.Sign(a.LinkSecret, purpose, number, time.Now().Add(ttl))
	return strings.TrimRight(a.PublicURL, "/") + path + tok
}
