package api

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"caseflow/policy"
	"caseflow/postgres"
	"caseflow/postgres/pgtest"
	"caseflow/token"
)

func TestNewTextCutsQuotedHistory(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "Thanks, that works.\n", "Thanks, that works."},
		{"quoted lines", "Yes please.\n\n> Shall we ship it?\n> Acme", "Yes please."},
		{"gmail attribution", "Office address.\n\nOn Tue, Dec 1, 2026 at 9:00 AM Acme Support <support@acme.test> wrote:\n> Which address?", "Office address."},
		{"attribution on two lines", "Office.\r\n\r\nOn Tue, Dec 1, 2026 at 9:00 AM Acme Support <\r\nsupport@acme.test> wrote:\r\n\r\n> Which?", "Office."},
		{"outlook", "Fine.\n\n-----Original Message-----\nFrom: Acme", "Fine."},
		{"outlook line", "Fine.\n________________________________\nFrom: Acme", "Fine."},
		{"a sentence starting with On", "On Monday the parcel came.\nAll good.", "On Monday the parcel came.\nAll good."},
		{"only quotes", "> old text", ""},
	} {
		if got := newText(tc.in); got != tc.want {
			t.Errorf("%s: newText = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestInboundFindsTheCase(t *testing.T) {
	for _, tc := range []struct {
		in   inboundEmail
		want string
	}{
		{inboundEmail{Subject: "Re: [CS-2026-000123] Your order"}, "CS-2026-000123"},
		{inboundEmail{To: "Acme <cases+CS-2026-000042@acme.test>", Subject: "Re: [CS-2026-000123]"}, "CS-2026-000042"},
		{inboundEmail{To: "replies@acme.test", Envelope: `{"to":["cases+cs-2026-000007@acme.test"],"from":"a@b.c"}`}, "CS-2026-000007"},
		{inboundEmail{Subject: "Hello"}, ""},
	} {
		if got := tc.in.number(); got != tc.want {
			t.Errorf("number of %+v = %q, want %q", tc.in, got, tc.want)
		}
	}
	in := inboundEmail{From: `"Carla C." <Carla@Example.net>`}
	if addr, name := in.sender(); addr != "Carla@Example.net" || name != "Carla C." {
		t.Errorf("sender = %q %q", addr, name)
	}
	in = inboundEmail{From: "not an address", Envelope: `{"from":"carla@example.net"}`}
	if addr, _ := in.sender(); addr != "carla@example.net" {
		t.Errorf("sender from the envelope = %q", addr)
	}
	if !(inboundEmail{SPF: "fail", DKIM: "{@evil.test : fail}"}).unverified() || (inboundEmail{SPF: "fail", DKIM: "{@example.net : pass}"}).unverified() ||
		(inboundEmail{SPF: "softfail"}).unverified() {
		t.Error("unverified: only an SPF fail without a passing DKIM signature")
	}
	a := inboundEmail{Headers: "From: a@b.c\nMessage-ID: <x@y>\nSubject: s\n"}
	if a.messageKey() != "message-id:<x@y>" {
		t.Errorf("messageKey = %q", a.messageKey())
	}
	b := inboundEmail{From: "a@b.c", Text: "hi"}
	if k := b.messageKey(); !strings.HasPrefix(k, "sha256:") || k == (inboundEmail{From: "a@b.c", Text: "ho"}).messageKey() {
		t.Errorf("messageKey without a Message-ID = %q", k)
	}
	latin := inboundEmail{Subject: "Caf\xe9", Charsets: `{"subject":"iso-8859-1"}`}
	latin.decode()
	if latin.Subject != "Café" {
		t.Errorf("a Latin-1 subject decodes to %q", latin.Subject)
	}
}

func TestParseWebhookKey(t *testing.T) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString(der)
	pemText := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	for _, s := range []string{b64, " " + b64 + "\n", pemText} {
		got, err := ParseWebhookKey(s)
		if err != nil || !got.Equal(&k.PublicKey) {
			t.Errorf("ParseWebhookKey(%.20q…) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "not base64!", base64.StdEncoding.EncodeToString([]byte("junk"))} {
		if _, err := ParseWebhookKey(s); err == nil {
			t.Errorf("ParseWebhookKey(%q) accepted", s)
		}
	}
}

// hooksAPI is a server with the webhooks and pages configured, on a fresh
// database, whose Temporal client reaches nothing: these tests check what
// is refused before Temporal is asked.
func hooksAPI(t *testing.T, now time.Time, cfg Config) http.Handler {
	t.Helper()
	db, err := postgres.Open(t.Context(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	quiet := slog.New(slog.DiscardHandler)
	tc, err := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1", Logger: tlog.NewStructuredLogger(quiet)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	cfg.Temporal, cfg.Namespace, cfg.Store, cfg.Policy, cfg.Logger = tc, "default", db, policy.Default(), quiet
	cfg.Now = func() time.Time { return now }
	return New(cfg).Handler()
}

func serve(h http.Handler, method, path, body string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestWebhooksOffUntilConfigured(t *testing.T) {
	h := hooksAPI(t, time.Now(), Config{})
	for _, path := range []string{"/webhooks/sendgrid/inbound?key=x", "/webhooks/sendgrid/events"} {
		if rec := serve(h, "POST", path, "[]"); rec.Code != http.StatusNotFound {
			t.Errorf("POST %s without configuration = %d, want 404", path, rec.Code)
		}
	}
	// Without a link secret no link is valid.
	tok := token.Sign([]byte("whatever"), "c", "CS-2026-000001", time.Now().Add(time.Hour))
	if rec := serve(h, "GET", "/c/"+tok, ""); rec.Code != http.StatusBadRequest {
		t.Errorf("a case page without a link secret = %d, want 400", rec.Code)
	}
}

func TestEventWebhookRefusesWhatIsNotSignedNow(t *testing.T) {
	now := time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	h := hooksAPI(t, now, Config{WebhookKey: &key.PublicKey, InboundKey: "0123456789abcdef"})
	sign := func(body string, at time.Time) (string, string) {
		ts := strconv.FormatInt(at.Unix(), 10)
		sum := sha256.Sum256([]byte(ts + body))
		der, err := ecdsa.SignASN1(rand.Reader, key, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(der), ts
	}
	post := func(body, sig, ts string) int {
		return serve(h, "POST", "/webhooks/sendgrid/events", body,
			"X-Twilio-Email-Event-Webhook-Signature", sig, "X-Twilio-Email-Event-Webhook-Timestamp", ts).Code
	}
	body := `[{"event":"open","email":"a@b.c","outbox_id":"1"}]`
	sig, ts := sign(body, now)
	for _, tc := range []struct {
		name      string
		body, sig string
		ts        string
		want      int
	}{
		{"unsigned", body, "", "", 401},
		{"no timestamp", body, sig, "", 401},
		{"tampered", strings.Replace(body, "open", "bounce", 1), sig, ts, 403},
		{"not base64", body, "%%%", ts, 403},
		{"timestamp not a number", body, sig, "yesterday", 403},
		{"another timestamp", body, sig, strconv.FormatInt(now.Unix()-1, 10), 403},
		{"signed", body, sig, ts, 200},
	} {
		if got := post(tc.body, tc.sig, tc.ts); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	oldSig, oldTS := sign(body, now.Add(-maxEventAge-time.Second))
	if got := post(body, oldSig, oldTS); got != 403 {
		t.Errorf("stale: %d, want 403", got)
	}
	aheadSig, aheadTS := sign(body, now.Add(maxEventSkew+time.Second))
	if got := post(body, aheadSig, aheadTS); got != 403 {
		t.Errorf("from the future: %d, want 403", got)
	}
	justSig, justTS := sign(body, now.Add(-maxEventAge+time.Second))
	if got := post(body, justSig, justTS); got != 200 {
		t.Errorf("nine minutes old: %d, want 200", got)
	}
	notJSONSig, notJSONTS := sign("{", now)
	if got := post("{", notJSONSig, notJSONTS); got != 400 {
		t.Errorf("signed but not JSON: %d, want 400", got)
	}

	// The inbound webhook: its key, and a body that is not a form.
	if rec := serve(h, "POST", "/webhooks/sendgrid/inbound", ""); rec.Code != 401 {
		t.Errorf("inbound without a key = %d", rec.Code)
	}
	if rec := serve(h, "POST", "/webhooks/sendgrid/inbound?key=0123456789abcdeX", ""); rec.Code != 403 {
		t.Errorf("inbound with a wrong key = %d", rec.Code)
	}
	if rec := serve(h, "POST", "/webhooks/sendgrid/inbound?key=0123456789abcdef", "{}", "Content-Type", "application/json"); rec.Code != 400 {
		t.Errorf("inbound JSON = %d, want 400", rec.Code)
	}
}

func TestCustomerPagesRefuseBadLinksKindly(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	now := time.Now()
	h := hooksAPI(t, now, Config{LinkSecret: secret})
	for _, tc := range []struct {
		name, method, path string
		status             int
		says               string
	}{
		{"forged", "GET", "/c/" + token.Sign([]byte("another"), "c", "CS-2026-000001", now.Add(time.Hour)), 400, "This link isn&#39;t valid"},
		{"expired", "GET", "/c/" + token.Sign(secret, "c", "CS-2026-000001", now.Add(-time.Second)), 410, "This link has expired"},
		{"survey link on the case page", "GET", "/c/" + token.Sign(secret, "s", "CS-2026-000001/1", now.Add(time.Hour)), 400, "This link isn&#39;t valid"},
		{"case link on the survey page", "POST", "/s/" + token.Sign(secret, "c", "CS-2026-000001", now.Add(time.Hour)), 400, "This link isn&#39;t valid"},
		{"not a case number", "GET", "/c/" + token.Sign(secret, "c", "DROP TABLE", now.Add(time.Hour)), 400, "This link isn&#39;t valid"},
		{"garbage", "POST", "/c/x.y/reopen", 400, "This link isn&#39;t valid"},
		{"expired survey", "GET", "/s/" + token.Sign(secret, "s", "CS-2026-000001/1", now.Add(-time.Second)), 410, "This link has expired"},
	} {
		rec := serve(h, tc.method, tc.path, "")
		body := rec.Body.String()
		if rec.Code != tc.status || !strings.Contains(body, tc.says) || !strings.Contains(body, `<html lang="en">`) {
			t.Errorf("%s: %d\n%s", tc.name, rec.Code, body)
		}
		if rec.Header().Get("X-Frame-Options") != "DENY" || !strings.HasPrefix(rec.Header().Get("Content-Security-Policy"), "default-src 'none'") ||
			rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%s: headers %v", tc.name, rec.Header())
		}
	}
	// The stylesheet is allowed by its hash, and only it.
	if !strings.Contains(pagePolicy, "style-src 'sha256-") || strings.Contains(pagePolicy, "unsafe") {
		t.Errorf("CSP %q", pagePolicy)
	}
}

// An email over the API's 1 MiB limit (a large attachment) is still taken:
// the attachment is counted and dropped, the message kept for review.
func TestInboundTakesLargeEmails(t *testing.T) {
	h := hooksAPI(t, time.Now(), Config{InboundKey: "0123456789abcdef"})
	var buf strings.Builder
	w := multipart.NewWriter(&buf)
	w.WriteField("from", "Someone <someone@example.net>")
	w.WriteField("to", "replies@acme.test")
	w.WriteField("subject", "Photos of the damage")
	w.WriteField("text", "See attached.")
	part, err := w.CreateFormFile("attachment1", "photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	part.Write([]byte(strings.Repeat("x", 3<<20)))
	w.Close()
	rec := serve(h, "POST", "/webhooks/sendgrid/inbound?key=0123456789abcdef", buf.String(), "Content-Type", w.FormDataContentType())
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"status":"unknown_case"`) {
		t.Errorf("a 3 MiB email: %d %s", rec.Code, rec.Body)
	}
}
