// Package sendgridtest is a stand-in for SendGrid's v3 Mail Send endpoint.
// It checks each request the way SendGrid would, fails the test on a bad one,
// and records the good ones for assertions.
package sendgridtest

import (
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
)

// Received is one message the server accepted.
type Received struct {
	To, ToName     string
	From, FromName string
	ReplyTo        string
	Subject        string
	Text, HTML     string
	// CustomArgs merges the message's and the first personalization's
	// custom_args; the personalization wins, as at SendGrid.
	CustomArgs map[string]string
	Categories []string
	MessageID  string // the X-Message-Id it was answered with
}

// Server is an httptest.Server speaking POST /v3/mail/send. It is safe for
// concurrent use.
type Server struct {
	t      testing.TB
	apiKey string
	srv    *httptest.Server

	mu       sync.Mutex
	received []Received
	failCode int
	failLeft int
}

// NewServer starts a server that accepts apiKey; it closes when the test ends.
func NewServer(t testing.TB, apiKey string) *Server {
	t.Helper()
	s := &Server{t: t, apiKey: apiKey}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	t.Cleanup(s.Close)
	return s
}

// URL is the base URL to send to (in place of https://api.sendgrid.com).
func (s *Server) URL() string { return s.srv.URL }

// Close shuts the server down; later sends get connection refused.
func (s *Server) Close() { s.srv.Close() }

// Messages returns the accepted messages in arrival order.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.received)
}

// Count reports how many accepted messages carry email_key in custom_args.
func (s *Server) Count(emailKey string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.received {
		if m.CustomArgs["email_key"] == emailKey {
			n++
		}
	}
	return n
}

// FailNext makes the next n valid requests answer status (429, 500, 400, ...)
// with a SendGrid-style error body; they are not recorded.
func (s *Server) FailNext(status, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failCode, s.failLeft = status, n
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	m, problem := s.parse(r)
	if problem != "" {
		s.t.Errorf("sendgridtest: bad request %s %s: %s", r.Method, r.URL.Path, problem)
		writeError(w, http.StatusBadRequest, problem)
		return
	}

	s.mu.Lock()
	fail := s.failLeft > 0
	if fail {
		s.failLeft--
	} else {
		m.MessageID = fmt.Sprintf("sendgridtest-%d", len(s.received)+1)
		s.received = append(s.received, m)
	}
	code := s.failCode
	s.mu.Unlock()

	if fail {
		writeError(w, code, http.StatusText(code))
		return
	}
	w.Header().Set("X-Message-Id", m.MessageID)
	w.WriteHeader(http.StatusAccepted)
}

type address struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

// payload is the part of SendGrid's mail/send body the server checks.
type payload struct {
	Personalizations []struct {
		To         []address         `json:"to"`
		Subject    string            `json:"subject"`
		CustomArgs map[string]string `json:"custom_args"`
	} `json:"personalizations"`
	From    address `json:"from"`
	ReplyTo address `json:"reply_to"`
	Subject string  `json:"subject"`
	Content []struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	} `json:"content"`
	Categories []string          `json:"categories"`
	CustomArgs map[string]string `json:"custom_args"`
}

// parse checks the request and returns the message, or what is wrong with it.
func (s *Server) parse(r *http.Request) (Received, string) {
	switch mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); {
	case r.Method != http.MethodPost:
		return Received{}, "method must be POST"
	case r.URL.Path != "/v3/mail/send":
		return Received{}, "path must be /v3/mail/send"
	case r.Header.Get("Authorization") != "Bearer "+s.apiKey:
		return Received{}, "Authorization must be Bearer <api key>"
	case mt != "application/json":
		return Received{}, "Content-Type must be application/json"
	}
	var p payload
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
		return Received{}, "body is not valid mail/send JSON: " + err.Error()
	}
	if len(p.Personalizations) == 0 || len(p.Personalizations[0].To) == 0 || p.Personalizations[0].To[0].Email == "" {
		return Received{}, "personalizations[0].to[0].email is required"
	}
	pz := p.Personalizations[0]
	args := map[string]string{}
	maps.Copy(args, p.CustomArgs)
	maps.Copy(args, pz.CustomArgs)
	subject := p.Subject
	if pz.Subject != "" {
		subject = pz.Subject
	}
	switch {
	case p.From.Email == "":
		return Received{}, "from.email is required"
	case subject == "":
		return Received{}, "subject is required"
	case len(p.Content) != 2 || p.Content[0].Type != "text/plain" || p.Content[1].Type != "text/html":
		return Received{}, "content must be text/plain then text/html"
	case p.Content[0].Value == "" || p.Content[1].Value == "":
		return Received{}, "content values must not be empty"
	case args["outbox_id"] == "" || args["email_key"] == "":
		return Received{}, "custom_args must carry outbox_id and email_key"
	}
	return Received{
		To:         pz.To[0].Email,
		ToName:     pz.To[0].Name,
		From:       p.From.Email,
		FromName:   p.From.Name,
		ReplyTo:    p.ReplyTo.Email,
		Subject:    subject,
		Text:       p.Content[0].Value,
		HTML:       p.Content[1].Value,
		CustomArgs: args,
		Categories: p.Categories,
	}, ""
}

// writeError answers the way SendGrid does: {"errors":[{"message",...}]}.
func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": msg, "field": nil, "help": nil}},
	})
}
