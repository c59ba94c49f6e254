package api

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"caseflow"
	"caseflow/policy"
)

// validIntake is a body POST /cases accepts; each test breaks one part.
func validIntake() map[string]any {
	return map[string]any{
		"channel":  "email",
		"category": "billing",
		"customer": map[string]any{"name": "Ann Lee", "email": "ann@example.com", "phone": "+1 555 0100", "external_id": "C-1", "vip": false},
		"subject":  "Charged twice",
		"amount":   120.5,
		"flags":    []string{"legal_threat"},
	}
}

// namesFields checks that a 400 names exactly fields in its details.
func namesFields(t *testing.T, body errorJSON, fields ...string) {
	t.Helper()
	got := slices.Sorted(maps.Keys(body.Error.Details))
	if want := slices.Sorted(slices.Values(fields)); !slices.Equal(got, want) {
		t.Errorf("details name %v, want %v: %v", got, want, body.Error.Details)
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestOpenCaseNamesEveryBadField(t *testing.T) {
	a := newTestAPI(t)
	with := func(change func(m map[string]any)) func(t *testing.T) string {
		return func(t *testing.T) string {
			m := validIntake()
			change(m)
			return jsonOf(t, m)
		}
	}
	customer := func(key string, v any) func(t *testing.T) string {
		return with(func(m map[string]any) { m["customer"].(map[string]any)[key] = v })
	}
	set := func(key string, v any) func(t *testing.T) string {
		return with(func(m map[string]any) { m[key] = v })
	}
	raw := func(s string) func(t *testing.T) string { return func(*testing.T) string { return s } }

	for _, tc := range []struct {
		name   string
		body   func(t *testing.T) string
		header []string
		fields []string
	}{
		{"empty object", raw(`{}`), nil, []string{"channel", "category", "customer.name", "customer.email", "subject"}},
		{"empty body", raw(``), nil, []string{"channel", "category", "customer.name", "customer.email", "subject"}},
		{"unknown channel", set("channel", "fax"), nil, []string{"channel"}},
		{"unknown category", set("category", "misc"), nil, []string{"category"}},
		{"no customer", with(func(m map[string]any) { delete(m, "customer") }), nil, []string{"customer.name", "customer.email"}},
		{"blank customer name", customer("name", "   "), nil, []string{"customer.name"}},
		{"email not an address", customer("email", "ann at example"), nil, []string{"customer.email"}},
		{"email with display name", customer("email", "Ann <ann@example.com>"), nil, []string{"customer.email"}},
		{"email in brackets", customer("email", "<ann@example.com>"), nil, []string{"customer.email"}},
		{"vip not a bool", customer("vip", "yes"), nil, []string{"customer.vip"}},
		{"unknown customer field", customer("age", 40), nil, []string{"age"}},
		{"blank subject", set("subject", " "), nil, []string{"subject"}},
		{"subject too long", set("subject", strings.Repeat("é", 201)), nil, []string{"subject"}},
		{"description too long", set("description", strings.Repeat("x", 20001)), nil, []string{"description"}},
		{"negative amount", set("amount", -1), nil, []string{"amount"}},
		{"amount as a string", set("amount", "120.50"), nil, []string{"amount"}},
		{"unknown flag", set("flags", []string{"vip", "angry"}), nil, []string{"flags"}},
		{"flags not an array", set("flags", "vip"), nil, []string{"flags"}},
		{"assignee not an email", set("assignee", "bob"), nil, []string{"assignee"}},
		{"unknown priority", with(func(m map[string]any) { m["priority"], m["priority_reason"] = "urgent", "CEO" }), nil, []string{"priority"}},
		{"priority override without a reason", set("priority", "high"), nil, []string{"priority_reason"}},
		{"negative contacts", set("contacts", -2), nil, []string{"contacts"}},
		{"fractional contacts", set("contacts", 1.5), nil, []string{"contacts"}},
		{"unknown field", set("urgency", "high"), nil, []string{"urgency"}},
		{"malformed JSON", raw(`{"channel": "email",`), nil, []string{"body"}},
		{"not an object", raw(`["email"]`), nil, []string{"body"}},
		{"two objects", raw(`{} {}`), nil, []string{"body"}},
		{"Idempotency-Key too long", raw(jsonOf(t, validIntake())), []string{"Idempotency-Key", strings.Repeat("k", 201)}, []string{"Idempotency-Key"}},
		{"Idempotency-Key not printable", raw(jsonOf(t, validIntake())), []string{"Idempotency-Key", "key\u00e9"}, []string{"Idempotency-Key"}},
		{"many at once", raw(`{"channel":"fax","category":"billing","customer":{"name":"","email":"x"},"subject":"","amount":-5,"flags":["nope"],"priority":"high"}`),
			nil, []string{"channel", "customer.name", "customer.email", "subject", "amount", "flags", "priority_reason"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := apiError(t, a.do(caseflow.RoleAgent, http.MethodPost, "/api/v1/cases", tc.body(t), tc.header...), http.StatusBadRequest)
			namesFields(t, body, tc.fields...)
		})
	}
}

func TestBodiesOverOneMiBAre413(t *testing.T) {
	a := newTestAPI(t)
	// bodyOf is an intake whose JSON is exactly size bytes.
	bodyOf := func(size int) string {
		m := validIntake()
		m["description"] = ""
		n := len(jsonOf(t, m))
		m["description"] = strings.Repeat("x", size-n)
		return jsonOf(t, m)
	}
	// At the limit the body is read, and its description is too long to keep.
	body := apiError(t, a.do(caseflow.RoleAgent, http.MethodPost, "/api/v1/cases", bodyOf(1<<20)), http.StatusBadRequest)
	namesFields(t, body, "description")
	apiError(t, a.do(caseflow.RoleAgent, http.MethodPost, "/api/v1/cases", bodyOf(1<<20+1)), http.StatusRequestEntityTooLarge)

	// Without a Content-Length the limit is met while reading.
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/api/v1/cases/CS-2026-000001/interactions",
		io.MultiReader(strings.NewReader(`{"kind":"note","body":"`), strings.NewReader(strings.Repeat("x", 1<<20)), strings.NewReader(`"}`)))
	req.Header.Set("Authorization", "Bearer "+a.tokens[caseflow.RoleAgent])
	rec := httptest.NewRecorder()
	a.server.Handler().ServeHTTP(rec, req)
	apiError(t, rec, http.StatusRequestEntityTooLarge)
}

// Without Temporal the case cannot start (503), but its number is reserved
// under the key: the same key with another request is a conflict.
func TestOpenCaseIdempotencyKeyBelongsToOneRequest(t *testing.T) {
	a := newTestAPI(t)
	key := []string{"Idempotency-Key", "intake-42"}
	first := jsonOf(t, validIntake())
	body := apiError(t, a.do(caseflow.RoleAgent, http.MethodPost, "/api/v1/cases", first, key...), http.StatusServiceUnavailable)
	if !strings.Contains(body.Error.Message, "Temporal") {
		t.Errorf("503 message %q does not say what is down", body.Error.Message)
	}
	other := validIntake()
	other["subject"] = "Something else"
	apiError(t, a.do(caseflow.RoleAgent, http.MethodPost, "/api/v1/cases", jsonOf(t, other), key...), http.StatusConflict)
	// The same request again is a retry, not a conflict: it still waits on Temporal.
	apiError(t, a.do(caseflow.RoleAgent, http.MethodPost, "/api/v1/cases", first, key...), http.StatusServiceUnavailable)
}

func TestListCasesNamesEveryBadParameter(t *testing.T) {
	a := newTestAPI(t)
	for query, fields := range map[string][]string{
		"status=new,lost":               {"status"},
		"status=open":                   {"status"},
		"priority=urgent":               {"priority"},
		"tier=director":                 {"tier"},
		"channel=fax":                   {"channel"},
		"breached=yes":                  {"breached"},
		"open=1":                        {"open"},
		"sort=priority":                 {"sort"},
		"limit=0":                       {"limit"},
		"limit=201":                     {"limit"},
		"limit=ten":                     {"limit"},
		"priority=high&priority=normal": {"priority"},
		"colour=red":                    {"colour"},
		"cursor=not-a-cursor":           {"cursor"},
		"q=" + strings.Repeat("x", 201): {"q"},
		"tier=x&breached=x&limit=x":     {"tier", "breached", "limit"},
	} {
		t.Run(query, func(t *testing.T) {
			body := apiError(t, a.do(caseflow.RoleQA, http.MethodGet, "/api/v1/cases?"+query, ""), http.StatusBadRequest)
			namesFields(t, body, fields...)
		})
	}
	ok := "status=new,escalated&status=reopened&priority=high&tier=agent&assignee=bob@example.com&channel=chat&breached=false&open=true&q=refund&sort=due&limit=10"
	if rec := a.do(caseflow.RoleQA, http.MethodGet, "/api/v1/cases?"+ok, ""); rec.Code != http.StatusOK {
		t.Errorf("good query: %d %s", rec.Code, rec.Body)
	}
}

func TestOutboxNamesEveryBadParameter(t *testing.T) {
	a := newTestAPI(t)
	body := apiError(t, a.do(caseflow.RoleAdmin, http.MethodGet, "/api/v1/outbox?number=42&state=lost&limit=-1&cursor=zz", ""), http.StatusBadRequest)
	namesFields(t, body, "number", "state", "limit") // the store checks the cursor once the rest is good
	body = apiError(t, a.do(caseflow.RoleAdmin, http.MethodGet, "/api/v1/outbox?cursor=zz", ""), http.StatusBadRequest)
	namesFields(t, body, "cursor")
}

func TestBadCaseNumber(t *testing.T) {
	a := newTestAPI(t)
	for _, tc := range []struct{ method, path, body string }{
		{http.MethodGet, "/api/v1/cases/123", ""},
		{http.MethodGet, "/api/v1/cases/cs-2026-000001", ""},
		{http.MethodGet, "/api/v1/cases/CS-2026-1/timeline", ""},
		{http.MethodPost, "/api/v1/cases/CS-26-000001/resolve", `{"resolution":"refunded","root_cause":"double charge"}`},
	} {
		namesFields(t, apiError(t, a.do(caseflow.RoleAgent, tc.method, tc.path, tc.body), http.StatusBadRequest), "number")
	}
}

func TestUnknownCaseTimelineIs404(t *testing.T) {
	a := newTestAPI(t)
	apiError(t, a.do(caseflow.RoleQA, http.MethodGet, "/api/v1/cases/CS-2026-000001/timeline", ""), http.StatusNotFound)
}

func TestActionBodiesNameEveryBadField(t *testing.T) {
	a := newTestAPI(t)
	const number = "/api/v1/cases/CS-2026-000001/"
	for _, tc := range []struct {
		action, body string
		fields       []string
	}{
		{"interactions", `{}`, []string{"kind", "body"}},
		{"interactions", `{"kind":"email","body":"hi","handle_seconds":-1}`, []string{"kind", "handle_seconds"}},
		{"interactions", `{"kind":"note","body":"hi","handle_seconds":86401}`, []string{"handle_seconds"}},
		{"interactions", `{"kind":"note","body":"hi","by":"someone@else"}`, []string{"by"}},
		{"assign", `{"assignee":"Bob"}`, []string{"assignee"}},
		{"priority", `{"priority":"urgent"}`, []string{"priority", "reason"}},
		{"flags", `{"flags":[]}`, []string{"flags"}},
		{"flags", `{"flags":["vip","loud"]}`, []string{"flags"}},
		{"wait", `{"reason":""}`, []string{"reason"}},
		{"customer-reply", `{}`, []string{"body"}},
		{"escalate", `{"reason":"  "}`, []string{"reason"}},
		{"resolve", `{"resolution":"done"}`, []string{"root_cause"}},
		{"reopen", `{}`, []string{"reason"}},
		{"close", `{"reason":1}`, []string{"reason"}},
		{"acknowledge-escalation", `{"note":"` + strings.Repeat("n", 20001) + `"}`, []string{"note"}},
	} {
		t.Run(tc.action+" "+tc.body[:min(len(tc.body), 40)], func(t *testing.T) {
			body := apiError(t, a.do(caseflow.RoleManager, http.MethodPost, number+tc.action, tc.body), http.StatusBadRequest)
			namesFields(t, body, tc.fields...)
		})
	}
}

func TestActionWithoutTemporalIs503(t *testing.T) {
	a := newTestAPI(t)
	apiError(t, a.do(caseflow.RoleAgent, http.MethodPost, "/api/v1/cases/CS-2026-000001/escalate", `{"reason":"angry"}`), http.StatusServiceUnavailable)
	apiError(t, a.do(caseflow.RoleAgent, http.MethodGet, "/api/v1/cases/CS-2026-000001", ""), http.StatusServiceUnavailable)
}

func TestRemainingIsRecomputedAtRequestTime(t *testing.T) {
	cal := policy.Default().Calendar() // New York, 09:00-17:00 on weekdays
	ny := func(day, hour int) time.Time { return time.Date(2026, time.November, day, hour, 0, 0, 0, cal.Location) }
	monday10 := ny(23, 10)
	for _, tc := range []struct {
		name  string
		clock caseflow.Clock
		want  int64
	}{
		{"business clock counts open hours only", caseflow.Clock{Due: ny(24, 10), State: caseflow.ClockRunning, Business: true}, 8 * 3600},
		{"elapsed clock counts every hour", caseflow.Clock{Due: ny(24, 10), State: caseflow.ClockRunning}, 24 * 3600},
		{"breached clock goes negative", caseflow.Clock{Due: ny(23, 9), State: caseflow.ClockBreached, Business: true}, -3600},
		{"paused clock stays frozen", caseflow.Clock{Due: ny(24, 10), State: caseflow.ClockPaused, Paused: true, RemainingSeconds: 1234, Business: true}, 1234},
		{"met clock has nothing left", caseflow.Clock{Due: ny(24, 10), State: caseflow.ClockMet, RemainingSeconds: 99}, 0},
	} {
		if got := remaining(cal, tc.clock, monday10); got != tc.want {
			t.Errorf("%s: remaining = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestCaseJSONLinksTheWorkflow(t *testing.T) {
	a := newTestAPI(t)
	b, err := json.Marshal(a.server.caseJSON(caseflow.Case{Number: "CS-2026-000007", Flags: []caseflow.Flag{}}))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got["number"] != "CS-2026-000007" || got["workflow_url"] != "http://127.0.0.1:8233/namespaces/default/workflows/case-CS-2026-000007" {
		t.Errorf("case JSON: %s", b)
	}
}
