package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"caseflow"
	"caseflow/policy"
	"caseflow/postgres"
	"caseflow/postgres/pgtest"
)

// testAPI is a server on a fresh database, with one user (and token) per
// role, and a Temporal client pointed at a port nothing listens on: these
// tests check what the API decides before (or instead of) asking Temporal.
type testAPI struct {
	t      *testing.T
	server *Server
	db     *postgres.DB
	tokens map[caseflow.Role]string
}

func newTestAPI(t *testing.T) *testAPI {
	t.Helper()
	db, err := postgres.Open(t.Context(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	tokens := map[caseflow.Role]string{}
	for _, role := range caseflow.Roles {
		tok, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateUser(t.Context(), string(role)+" user", string(role)+"@example.com", role, HashToken(tok)); err != nil {
			t.Fatal(err)
		}
		tokens[role] = tok
	}
	quiet := slog.New(slog.DiscardHandler)
	tc, err := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1", Logger: tlog.NewStructuredLogger(quiet)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	s := New(Config{
		Temporal: tc, Namespace: "default", Store: db, Policy: policy.Default(),
		Logger: quiet, TemporalUIURL: "http://127.0.0.1:8233",
	})
	return &testAPI{t: t, server: s, db: db, tokens: tokens}
}

// do sends a request as role ("" for no Authorization header).
func (a *testAPI) do(role caseflow.Role, method, path, body string, header ...string) *httptest.ResponseRecorder {
	a.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequestWithContext(a.t.Context(), method, path, r)
	req.Header.Set("Content-Type", "application/json")
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+a.tokens[role])
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	a.server.Handler().ServeHTTP(rec, req)
	return rec
}

// apiError decodes an error response, checking its shape and status.
func apiError(t *testing.T, rec *httptest.ResponseRecorder, status int) errorJSON {
	t.Helper()
	var body errorJSON
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("status %d, body %q: not JSON: %v", rec.Code, rec.Body, err)
	}
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if body.Error.Code == "" || body.Error.Message == "" || body.Error.Details == nil {
		t.Fatalf("error body lacks code, message or details: %s", rec.Body)
	}
	if got := httpStatus(body.Error.Code); got != status {
		t.Fatalf("code %q maps to %d but was sent with %d", body.Error.Code, got, status)
	}
	return body
}

func TestEveryAPIRouteNeedsAToken(t *testing.T) {
	a := newTestAPI(t)
	for _, r := range a.server.routes() {
		path := "/api/v1" + strings.ReplaceAll(r.path, ":number", "CS-2026-000001")
		rec := a.do("", r.method, path, "{}")
		apiError(t, rec, http.StatusUnauthorized)
		if got := rec.Header().Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
			t.Errorf("%s %s: WWW-Authenticate = %q", r.method, path, got)
		}
	}
}

func TestAuthentication(t *testing.T) {
	a := newTestAPI(t)
	for name, header := range map[string]string{
		"unknown token":  "Bearer not-a-token",
		"empty bearer":   "Bearer ",
		"basic auth":     "Basic YWxpY2U6c2VjcmV0",
		"token, no kind": a.tokens[caseflow.RoleAgent],
	} {
		t.Run(name, func(t *testing.T) {
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/api/v1/cases", nil)
			req.Header.Set("Authorization", header)
			rec := httptest.NewRecorder()
			a.server.Handler().ServeHTTP(rec, req)
			apiError(t, rec, http.StatusUnauthorized)
			if rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("no WWW-Authenticate header")
			}
		})
	}
}

func TestRoles(t *testing.T) {
	a := newTestAPI(t)
	intake := `{"channel":"email","category":"billing","customer":{"name":"Ann","email":"ann@example.com"},"subject":"Refund"}`
	for _, tc := range []struct {
		name         string
		role         caseflow.Role
		method, path string
		body         string
		status       int
		mention      string // the 403 names the roles needed
	}{
		{"qa reads cases", caseflow.RoleQA, http.MethodGet, "/api/v1/cases", "", http.StatusOK, ""},
		{"qa may not open a case", caseflow.RoleQA, http.MethodPost, "/api/v1/cases", intake, http.StatusForbidden, "agent"},
		{"qa may not reply", caseflow.RoleQA, http.MethodPost, "/api/v1/cases/CS-2026-000001/interactions", `{"kind":"note","body":"x"}`, http.StatusForbidden, "agent"},
		{"agent may not read the outbox", caseflow.RoleAgent, http.MethodGet, "/api/v1/outbox", "", http.StatusForbidden, "admin"},
		{"manager may not read the outbox", caseflow.RoleManager, http.MethodGet, "/api/v1/outbox", "", http.StatusForbidden, "admin"},
		{"admin reads the outbox", caseflow.RoleAdmin, http.MethodGet, "/api/v1/outbox", "", http.StatusOK, ""},
		{"agent may not acknowledge an escalation", caseflow.RoleAgent, http.MethodPost, "/api/v1/cases/CS-2026-000001/acknowledge-escalation", `{}`, http.StatusForbidden, "team_lead"},
		{"qa may not acknowledge an escalation", caseflow.RoleQA, http.MethodPost, "/api/v1/cases/CS-2026-000001/acknowledge-escalation", `{}`, http.StatusForbidden, "team_lead"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := a.do(tc.role, tc.method, tc.path, tc.body)
			if tc.status == http.StatusOK {
				if rec.Code != http.StatusOK {
					t.Fatalf("status = %d; body %s", rec.Code, rec.Body)
				}
				return
			}
			body := apiError(t, rec, tc.status)
			if !strings.Contains(body.Error.Message, tc.mention) {
				t.Errorf("message %q does not name %s", body.Error.Message, tc.mention)
			}
		})
	}
}

func TestEmptyListsAreArrays(t *testing.T) {
	a := newTestAPI(t)
	for path, want := range map[string]string{
		"/api/v1/cases":  `{"cases":[],"next_cursor":""}`,
		"/api/v1/outbox": `{"emails":[],"next_cursor":""}`,
	} {
		rec := a.do(caseflow.RoleAdmin, http.MethodGet, path, "")
		if got := strings.TrimSpace(rec.Body.String()); rec.Code != http.StatusOK || got != want {
			t.Errorf("GET %s = %d %s, want %s", path, rec.Code, got, want)
		}
	}
}

func TestEchoErrorsAreJSON(t *testing.T) {
	a := newTestAPI(t)
	apiError(t, a.do(caseflow.RoleAgent, http.MethodGet, "/api/v1/nothing-here", ""), http.StatusNotFound)
	apiError(t, a.do("", http.MethodGet, "/nowhere", ""), http.StatusNotFound)
	rec := a.do(caseflow.RoleAgent, http.MethodDelete, "/api/v1/cases", "")
	apiError(t, rec, http.StatusMethodNotAllowed)
	if rec.Header().Get("Allow") == "" {
		t.Error("405 without an Allow header")
	}
}

func TestPanicIsJSON500(t *testing.T) {
	a := newTestAPI(t)
	a.server.echo.GET("/boom", func(echo.Context) error { panic("boom") })
	body := apiError(t, a.do("", http.MethodGet, "/boom", ""), http.StatusInternalServerError)
	if strings.Contains(body.Error.Message, "boom") {
		t.Errorf("a 500 leaks the panic: %q", body.Error.Message)
	}
}

func TestRequestID(t *testing.T) {
	a := newTestAPI(t)
	rec := a.do("", http.MethodGet, "/healthz", "")
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != `{"status":"ok"}` {
		t.Fatalf("healthz = %d %s", rec.Code, rec.Body)
	}
	if rec.Header().Get("X-Request-ID") == "" {
		t.Error("no X-Request-ID on the response")
	}
	if got := a.do("", http.MethodGet, "/healthz", "", "X-Request-ID", "abc-123").Header().Get("X-Request-ID"); got != "abc-123" {
		t.Errorf("X-Request-ID = %q, want the caller's", got)
	}
}

func TestReadyzNamesWhatIsDown(t *testing.T) {
	a := newTestAPI(t)
	body := apiError(t, a.do("", http.MethodGet, "/readyz", ""), http.StatusServiceUnavailable)
	if _, ok := body.Error.Details["temporal"]; !ok || !strings.Contains(body.Error.Message, "temporal") {
		t.Errorf("readyz does not name temporal: %+v", body.Error)
	}
	if _, ok := body.Error.Details["postgres"]; ok {
		t.Errorf("readyz names postgres, which is up: %+v", body.Error)
	}
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	a := newTestAPI(t)
	a.do(caseflow.RoleAgent, http.MethodGet, "/api/v1/cases/CS-2026-1", "")
	a.do("", http.MethodGet, "/api/v1/cases", "")
	rec := a.do("", http.MethodGet, "/metrics", "")
	for _, want := range []string{
		`caseflow_http_requests_total{method="GET",route="/api/v1/cases/:number",status="400"} 1`,
		`caseflow_http_requests_total{method="GET",route="/api/v1/cases",status="401"} 1`,
		`caseflow_http_request_duration_seconds_bucket{method="GET",route="/api/v1/cases"`,
	} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestTokens(t *testing.T) {
	a, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewToken()
	if len(a) != 43 || a == b || strings.ContainsAny(a, "+/=") {
		t.Errorf("tokens %q, %q: want distinct unpadded base64url of 32 bytes", a, b)
	}
	if h := HashToken(a); len(h) != 32 || string(h) == string(HashToken(b)) {
		t.Errorf("HashToken: %x", h)
	}
}
