package mail_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"caseflow"
	"caseflow/mail"
	"caseflow/mail/sendgridtest"
)

const apiKey = "SG.test-key"

func outboxEmail(t *testing.T) caseflow.Email {
	t.Helper()
	subject, text, html, err := mail.Render(mail.Acknowledgement, sample())
	if err != nil {
		t.Fatal(err)
	}
	return caseflow.Email{
		ID:       42,
		Key:      "CS-2026-000123/acknowledgement",
		Number:   "CS-2026-000123",
		Template: mail.Acknowledgement,
		To:       "dana@example.com",
		ToName:   "Dana Smith",
		ReplyTo:  "support+CS-2026-000123@acme.test",
		Subject:  subject,
		Text:     text,
		HTML:     html,
	}
}

func sender(baseURL string) *mail.SendGrid {
	return &mail.SendGrid{APIKey: apiKey, BaseURL: baseURL, From: "support@acme.test", FromName: "Acme Support"}
}

// sendErr sends and returns the *SendError, failing if there is none.
func sendErr(t *testing.T, ctx context.Context, s *mail.SendGrid, e caseflow.Email) *mail.SendError {
	t.Helper()
	id, err := s.Send(ctx, e)
	var se *mail.SendError
	if !errors.As(err, &se) {
		t.Fatalf("Send = %q, %v; want a *SendError", id, err)
	}
	if e.To != "" && strings.Contains(se.Error(), e.To) {
		t.Errorf("error names the recipient: %v", se)
	}
	return se
}

func TestSendGridSend(t *testing.T) {
	srv := sendgridtest.NewServer(t, apiKey)
	e := outboxEmail(t)
	id, err := sender(srv.URL()).Send(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if id == "" || id != got.MessageID {
		t.Errorf("provider id = %q, want the X-Message-Id %q", id, got.MessageID)
	}
	want := sendgridtest.Received{
		To: e.To, ToName: e.ToName, From: "support@acme.test", FromName: "Acme Support", ReplyTo: e.ReplyTo,
		Subject: e.Subject, Text: e.Text, HTML: e.HTML,
		CustomArgs: map[string]string{"outbox_id": "42", "case_number": e.Number, "email_key": e.Key},
		Categories: []string{"caseflow", mail.Acknowledgement},
		MessageID:  got.MessageID,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("server saw\n%+v\nwant\n%+v", got, want)
	}
	if n := srv.Count(e.Key); n != 1 {
		t.Errorf("Count = %d, want 1", n)
	}
}

func TestSendGridConcurrent(t *testing.T) {
	srv := sendgridtest.NewServer(t, apiKey)
	s := sender(srv.URL() + "/") // a trailing slash must not break the path
	var wg sync.WaitGroup
	ids := make([]string, 20)
	for i := range ids {
		wg.Go(func() {
			e := outboxEmail(t)
			e.ID, e.Key = int64(i), fmt.Sprintf("key-%d", i)
			var err error
			if ids[i], err = s.Send(context.Background(), e); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i := range ids {
		if n := srv.Count(fmt.Sprintf("key-%d", i)); n != 1 {
			t.Errorf("key-%d sent %d times", i, n)
		}
	}
	slices.Sort(ids)
	if len(slices.Compact(ids)) != len(ids) {
		t.Error("provider ids repeat")
	}
}

func TestSendGridStatus(t *testing.T) {
	for _, tc := range []struct {
		status    int
		retryable bool
	}{
		{http.StatusTooManyRequests, true},
		{http.StatusInternalServerError, true},
		{http.StatusServiceUnavailable, true},
		{http.StatusBadRequest, false},
		{http.StatusUnauthorized, false},
		{http.StatusForbidden, false},
		{http.StatusRequestEntityTooLarge, false},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			srv := sendgridtest.NewServer(t, apiKey)
			srv.FailNext(tc.status, 1)
			e := outboxEmail(t)
			se := sendErr(t, context.Background(), sender(srv.URL()), e)
			if se.Status != tc.status || se.Retryable != tc.retryable || !se.Unsent {
				t.Errorf("got %+v, want status %d retryable %v unsent", se, tc.status, tc.retryable)
			}
			if !strings.Contains(se.Msg, http.StatusText(tc.status)) {
				t.Errorf("Msg %q lacks SendGrid's message", se.Msg)
			}
			// The failure is used up: the retry goes through, once.
			if _, err := sender(srv.URL()).Send(context.Background(), e); err != nil {
				t.Fatal(err)
			}
			if n := srv.Count(e.Key); n != 1 {
				t.Errorf("Count = %d, want 1", n)
			}
		})
	}
}

func TestSendGridErrorBody(t *testing.T) {
	e := outboxEmail(t)
	long := strings.Repeat("é", 400)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"errors":[{"message":"%s is not a valid address","field":"personalizations.0.to.0.email"},{"message":"%s"}]}`, strings.ToUpper(e.To), long)
	}))
	defer srv.Close()
	se := sendErr(t, context.Background(), sender(srv.URL), e)
	if strings.Contains(strings.ToLower(se.Msg), e.To) {
		t.Errorf("Msg names the recipient: %q", se.Msg)
	}
	if !strings.HasPrefix(se.Msg, "personalizations.0.to.0.email: [recipient] is not a valid address; ") {
		t.Errorf("Msg = %q", se.Msg)
	}
	if len(se.Msg) > 310 || !strings.HasSuffix(se.Msg, "é…") {
		t.Errorf("Msg not trimmed on a character boundary: %d bytes, %q", len(se.Msg), se.Msg[len(se.Msg)-8:])
	}
}

func TestSendGridConnectionRefused(t *testing.T) {
	srv := sendgridtest.NewServer(t, apiKey)
	srv.Close()
	se := sendErr(t, context.Background(), sender(srv.URL()), outboxEmail(t))
	if se.Status != 0 || !se.Retryable || !se.Unsent {
		t.Errorf("got %+v, want retryable and unsent", se)
	}
}

func TestSendGridTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release // sits on the request past the client's deadline
	}))
	defer srv.Close()
	defer close(release) // before Close, which waits for the handler
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	se := sendErr(t, ctx, sender(srv.URL), outboxEmail(t))
	if se.Status != 0 || !se.Retryable || se.Unsent {
		t.Errorf("got %+v, want retryable with an unknown outcome", se)
	}
}

func TestSendGridCanceledBeforeSend(t *testing.T) {
	srv := sendgridtest.NewServer(t, apiKey)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	se := sendErr(t, ctx, sender(srv.URL()), outboxEmail(t))
	if !se.Retryable || !se.Unsent || len(srv.Messages()) != 0 {
		t.Errorf("got %+v, want retryable and unsent", se)
	}
}

func TestSendGridConfig(t *testing.T) {
	srv := sendgridtest.NewServer(t, apiKey)
	for name, tc := range map[string]struct {
		s    *mail.SendGrid
		edit func(*caseflow.Email)
	}{
		"no key":       {&mail.SendGrid{BaseURL: srv.URL(), From: "support@acme.test"}, nil},
		"no from":      {&mail.SendGrid{APIKey: apiKey, BaseURL: srv.URL()}, nil},
		"bad base URL": {sender("api.sendgrid.com"), nil},
		"no recipient": {sender(srv.URL()), func(e *caseflow.Email) { e.To = "" }},
	} {
		e := outboxEmail(t)
		if tc.edit != nil {
			tc.edit(&e)
		}
		se := sendErr(t, context.Background(), tc.s, e)
		if se.Retryable || !se.Unsent {
			t.Errorf("%s: got %+v, want permanent and unsent", name, se)
		}
	}
	if len(srv.Messages()) != 0 {
		t.Error("a misconfigured send reached the server")
	}
}
