package sendgridtest

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// recorder captures the failures the server reports instead of failing.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

const good = `{"personalizations":[{"to":[{"email":"a@example.com"}],"custom_args":{"outbox_id":"1","email_key":"k"}}],
"from":{"email":"s@acme.test"},"subject":"[CS-2026-000001] Hi",
"content":[{"type":"text/plain","value":"hi"},{"type":"text/html","value":"<p>hi</p>"}]}`

func post(t *testing.T, url, key, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/v3/mail/send", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestServerRejectsBadRequests(t *testing.T) {
	for name, tc := range map[string]struct{ key, body string }{
		"wrong key":      {"other", good},
		"not JSON":       {"k", "{"},
		"no html":        {"k", strings.Replace(good, `,{"type":"text/html","value":"<p>hi</p>"}`, "", 1)},
		"no email_key":   {"k", strings.Replace(good, `,"email_key":"k"`, "", 1)},
		"no recipient":   {"k", strings.Replace(good, `"a@example.com"`, `""`, 1)},
		"no subject":     {"k", strings.Replace(good, `"[CS-2026-000001] Hi"`, `""`, 1)},
		"html then text": {"k", strings.Replace(strings.Replace(good, "text/plain", "x", 1), "text/html", "text/plain", 1)},
	} {
		rec := &recorder{TB: t}
		s := NewServer(rec, "k")
		if resp := post(t, s.URL(), tc.key, tc.body); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", name, resp.StatusCode)
		}
		if len(rec.errs) != 1 || len(s.Messages()) != 0 {
			t.Errorf("%s: %d test failures recorded, %d messages kept", name, len(rec.errs), len(s.Messages()))
		}
	}
}

func TestServerFailNext(t *testing.T) {
	s := NewServer(t, "k")
	s.FailNext(http.StatusTooManyRequests, 2)
	for _, want := range []int{429, 429, 202} {
		if resp := post(t, s.URL(), "k", good); resp.StatusCode != want {
			t.Errorf("status %d, want %d", resp.StatusCode, want)
		} else if want == 202 && resp.Header.Get("X-Message-Id") == "" {
			t.Error("no X-Message-Id")
		}
	}
	if n := s.Count("k"); n != 1 {
		t.Errorf("Count = %d, want 1", n)
	}
}
