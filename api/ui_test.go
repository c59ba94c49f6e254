package api

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"caseflow"
	"caseflow/policy"
	"caseflow/postgres"
)

// uiSession is a signed-in browser: its session cookie and CSRF token.
type uiSession struct {
	cookie *http.Cookie
	csrf   string
}

// signIn starts a session for the user of role without a password round trip.
func (a *testAPI) signIn(role caseflow.Role) uiSession {
	a.t.Helper()
	u, err := a.db.UserByEmail(a.t.Context(), string(role)+"@example.com")
	if err != nil {
		a.t.Fatal(err)
	}
	id, csrf := randomToken(), randomToken()
	if err := a.db.CreateSession(a.t.Context(), HashToken(id), u.ID, csrf, time.Now().Add(time.Hour)); err != nil {
		a.t.Fatal(err)
	}
	return uiSession{cookie: &http.Cookie{Name: "caseflow_session", Value: id}, csrf: csrf}
}

// page requests a UI path as a browser would, with the session if any.
func (a *testAPI) page(s *uiSession, method, path string, form url.Values) *httptest.ResponseRecorder {
	a.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequestWithContext(a.t.Context(), method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequestWithContext(a.t.Context(), method, path, nil)
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if s != nil {
		req.AddCookie(s.cookie)
	}
	rec := httptest.NewRecorder()
	a.server.Handler().ServeHTTP(rec, req)
	return rec
}

func wantStatus(t *testing.T, rec *httptest.ResponseRecorder, status int) string {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body:\n%s", rec.Code, status, rec.Body)
	}
	return rec.Body.String()
}

func TestSignInSignOut(t *testing.T) {
	a := newTestAPI(t)
	hash, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.db.SetPassword(t.Context(), "agent@example.com", hash); err != nil {
		t.Fatal(err)
	}
	if _, err := HashPassword("short"); caseflow.ErrorCode(err) != caseflow.EINVALID {
		t.Errorf("a short password: %v", err)
	}

	// Signed out, every page leads to the sign-in page and back.
	rec := a.page(nil, "GET", "/ui/cases/new", nil)
	wantStatus(t, rec, http.StatusSeeOther)
	if got := rec.Header().Get("Location"); got != "/ui/login?next=%2Fui%2Fcases%2Fnew" {
		t.Errorf("redirect to %q", got)
	}
	body := wantStatus(t, a.page(nil, "GET", "/ui/login?next=/ui/cases/new", nil), http.StatusOK)
	if !strings.Contains(body, `name="password"`) {
		t.Fatalf("sign-in page:\n%s", body)
	}

	for name, pw := range map[string]string{"wrong password": "incorrect horse", "unknown user": ""} {
		form := url.Values{"email": {"agent@example.com"}, "password": {pw}}
		if name == "unknown user" {
			form = url.Values{"email": {"nobody@example.com"}, "password": {"correct horse battery"}}
		}
		rec := a.page(nil, "POST", "/ui/login", form)
		if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "do not match") || rec.Header().Get("Set-Cookie") != "" {
			t.Errorf("%s: status %d, cookie %q", name, rec.Code, rec.Header().Get("Set-Cookie"))
		}
	}

	rec = a.page(nil, "POST", "/ui/login", url.Values{
		"email": {"AGENT@example.com"}, "password": {"correct horse battery"}, "next": {"/ui/cases/new"},
	})
	wantStatus(t, rec, http.StatusSeeOther)
	if got := rec.Header().Get("Location"); got != "/ui/cases/new" {
		t.Errorf("after sign-in: to %q", got)
	}
	ck := rec.Result().Cookies()[0]
	if ck.Name != "caseflow_session" || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.Path != "/" {
		t.Errorf("session cookie %+v", ck)
	}
	s := uiSession{cookie: &http.Cookie{Name: ck.Name, Value: ck.Value}}
	body = wantStatus(t, a.page(&s, "GET", "/ui/", nil), http.StatusOK)
	s.csrf = regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)[1]

	// Signing out needs the CSRF token, and ends the session for good.
	wantStatus(t, a.page(&s, "POST", "/ui/logout", url.Values{}), http.StatusForbidden)
	wantStatus(t, a.page(&s, "POST", "/ui/logout", url.Values{"csrf": {s.csrf}}), http.StatusSeeOther)
	wantStatus(t, a.page(&s, "GET", "/ui/", nil), http.StatusSeeOther)
}

func TestSessionCookieIsSecureBehindHTTPS(t *testing.T) {
	a := newTestAPI(t)
	srv := New(Config{Temporal: a.server.temporal, Namespace: "default", Store: a.db, Policy: policy.Default(),
		Logger: a.server.log, PublicURL: "https://cases.example.com"})
	hash, _ := HashPassword("correct horse battery")
	if err := a.db.SetPassword(t.Context(), "agent@example.com", hash); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/ui/login", strings.NewReader("email=agent@example.com&password=correct+horse+battery"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	ck := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(ck) != 1 || !ck[0].Secure || ck[0].Name != "__Host-caseflow_session" {
		t.Fatalf("status %d, cookies %+v", rec.Code, ck)
	}
	if rec.Header().Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS behind https")
	}
}

func TestForgedFormsAreRefused(t *testing.T) {
	a := newTestAPI(t)
	s := a.signIn(caseflow.RoleAgent)
	for name, form := range map[string]url.Values{
		"no token":    {"body": {"x"}},
		"wrong token": {"body": {"x"}, "csrf": {"not-the-token"}},
	} {
		rec := a.page(&s, "POST", "/ui/cases/CS-2026-000001/note", form)
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "reload the page") {
			t.Errorf("%s: status %d", name, rec.Code)
		}
	}
	// The right token from another site is refused too.
	req := httptest.NewRequest("POST", "/ui/logout", strings.NewReader("csrf="+s.csrf))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.AddCookie(s.cookie)
	rec := httptest.NewRecorder()
	a.server.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("cross-site post: status %d", rec.Code)
	}
}

func TestLoginGuessingIsSlowedDown(t *testing.T) {
	a := newTestAPI(t)
	for range maxLoginFailures {
		a.page(nil, "POST", "/ui/login", url.Values{"email": {"agent@example.com"}, "password": {"guess"}})
	}
	rec := a.page(nil, "POST", "/ui/login", url.Values{"email": {"agent@example.com"}, "password": {"guess"}})
	wantStatus(t, rec, http.StatusTooManyRequests)
}

func TestPagesShowWhatTheRoleMay(t *testing.T) {
	a := newTestAPI(t)
	agent, admin, qa := a.signIn(caseflow.RoleAgent), a.signIn(caseflow.RoleAdmin), a.signIn(caseflow.RoleQA)

	body := wantStatus(t, a.page(&agent, "GET", "/ui/", nil), http.StatusOK)
	for _, want := range []string{`href="/ui/cases/new"`, `href="/ui/dashboard"`} {
		if !strings.Contains(body, want) {
			t.Errorf("agent's nav lacks %s", want)
		}
	}
	for _, hidden := range []string{`href="/ui/outbox"`, `href="/ui/approvals"`} {
		if strings.Contains(body, hidden) {
			t.Errorf("agent's nav shows %s", hidden)
		}
	}
	wantStatus(t, a.page(&agent, "GET", "/ui/outbox", nil), http.StatusForbidden)
	wantStatus(t, a.page(&admin, "GET", "/ui/outbox", nil), http.StatusOK)
	body = wantStatus(t, a.page(&qa, "GET", "/ui/", nil), http.StatusOK)
	if strings.Contains(body, `href="/ui/cases/new"`) {
		t.Error("QA is offered a new case")
	}
	wantStatus(t, a.page(&qa, "GET", "/ui/cases/new", nil), http.StatusForbidden)
	wantStatus(t, a.page(&qa, "POST", "/ui/cases/CS-2026-000001/note", url.Values{"csrf": {qa.csrf}, "body": {"x"}}), http.StatusForbidden)
	wantStatus(t, a.page(&agent, "GET", "/ui/dashboard", nil), http.StatusOK)
}

func TestPagesLoadNothingFromOutside(t *testing.T) {
	a := newTestAPI(t)
	s := a.signIn(caseflow.RoleAdmin)
	a.putCase(t, testCase("CS-2026-000001", caseflow.StatusInProgress))
	// What a page loads or posts to (links to the Temporal Web UI are only links).
	attr := regexp.MustCompile(`(?:src|action|hx-get|<link[^>]*href)="([^"]*)"`)
	for _, path := range []string{"/ui/login", "/ui/", "/ui/cases/new", "/ui/cases/CS-2026-000001", "/ui/dashboard", "/ui/outbox"} {
		sess := &s
		if path == "/ui/login" {
			sess = nil
		}
		rec := a.page(sess, "GET", path, nil)
		body := wantStatus(t, rec, http.StatusOK)
		csp := rec.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", path, rec.Header())
		}
		for _, m := range attr.FindAllStringSubmatch(body, -1) {
			if u := m[1]; !strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "#") || strings.HasPrefix(u, "//") {
				t.Errorf("%s refers to %q", path, u)
			}
		}
		if strings.Contains(body, "style=") || strings.Contains(body, "<script>") {
			t.Errorf("%s has inline style or script", path)
		}
	}
	rec := a.page(nil, "GET", "/ui/static/app.css", nil)
	if wantStatus(t, rec, http.StatusOK); !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") {
		t.Errorf("app.css served as %q", rec.Header().Get("Content-Type"))
	}
	wantStatus(t, a.page(nil, "GET", "/ui/static/../ui.go", nil), http.StatusNotFound)
}

func TestAfterSignInStaysInTheUI(t *testing.T) {
	for next, want := range map[string]string{
		"/ui/cases/CS-2026-000001": "/ui/cases/CS-2026-000001",
		"https://evil.example":     "/ui/",
		"//evil.example/ui/":       "/ui/",
		"/ui/\\evil":               "/ui/",
		"":                         "/ui/",
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

// testCase is a case as the read model would hold it.
func testCase(number string, status caseflow.Status) caseflow.Case {
	now := time.Now().UTC()
	return caseflow.Case{
		Number: number, Status: status, Priority: caseflow.PriorityNormal, Tier: caseflow.TierAgent,
		Channel: caseflow.ChannelEmail, Category: caseflow.CategoryShipping,
		Customer: caseflow.Customer{Name: "Carla Customer", Email: "carla@example.net"},
		Subject:  "Parcel <b>late</b>", CreatedAt: now, UpdatedAt: now, Version: 1,
		PolicyVersion: policy.Default().Version,
		Clocks: caseflow.Clocks{
			FirstResponse: caseflow.Clock{Due: now.Add(-time.Hour), State: caseflow.ClockMet, MetAt: &now},
			Resolution:    caseflow.Clock{Due: now.Add(30 * 24 * time.Hour), WarnAt: now.Add(20 * 24 * time.Hour), State: caseflow.ClockRunning},
		},
	}
}

func (a *testAPI) putCase(t *testing.T, c caseflow.Case) {
	t.Helper()
	ev := caseflow.Event{Number: c.Number, Seq: c.Version, Type: caseflow.EventOpened, At: c.CreatedAt, Actor: "agent@example.com",
		Data: map[string]any{"channel": string(c.Channel)}}
	if err := a.db.ApplyEvents(t.Context(), c, []caseflow.Event{ev}); err != nil {
		t.Fatal(err)
	}
}

func TestQueueBadges(t *testing.T) {
	a := newTestAPI(t)
	s := a.signIn(caseflow.RoleAgent)
	ok := testCase("CS-2026-000001", caseflow.StatusInProgress)
	warn := testCase("CS-2026-000002", caseflow.StatusInProgress)
	warn.Clocks.Resolution.Warned = true
	breached := testCase("CS-2026-000003", caseflow.StatusEscalated)
	breached.Clocks.Resolution.State = caseflow.ClockBreached
	breached.Clocks.Resolution.Due = time.Now().Add(-time.Hour)
	paused := testCase("CS-2026-000004", caseflow.StatusWaitingOnCustomer)
	paused.Clocks.Resolution.Paused, paused.Clocks.Resolution.State = true, caseflow.ClockPaused
	paused.Clocks.Resolution.RemainingSeconds = 5400
	resolved := testCase("CS-2026-000005", caseflow.StatusResolved)
	for _, c := range []caseflow.Case{ok, warn, breached, paused, resolved} {
		a.putCase(t, c)
	}

	body := wantStatus(t, a.page(&s, "GET", "/ui/", nil), http.StatusOK)
	if strings.Contains(body, "CS-2026-000005") {
		t.Error("the queue lists a resolved case")
	}
	if strings.Contains(body, "<b>late</b>") || !strings.Contains(body, "Parcel &lt;b&gt;late&lt;/b&gt;") {
		t.Error("the subject is not escaped")
	}
	for number, tone := range map[string]string{
		"CS-2026-000001": `badge ok`, "CS-2026-000002": `badge warn`, "CS-2026-000003": `badge breach`, "CS-2026-000004": `badge paused`,
	} {
		row := regexp.MustCompile(`(?s)` + number + `.*?</tr>`).FindString(body)
		if !strings.Contains(row, tone) {
			t.Errorf("%s: want %s in row\n%s", number, tone, row)
		}
	}
	if !strings.Contains(body, "Paused · 1h 30m left") {
		t.Error("a paused clock does not show its frozen time left")
	}
	// Breached first: the queue is sorted by what is due first.
	if strings.Index(body, "CS-2026-000003") > strings.Index(body, "CS-2026-000001") {
		t.Error("the breached case is not on top")
	}

	// Filters, and the rows alone for the polling.
	body = wantStatus(t, a.page(&s, "GET", "/ui/queue/rows?breached=true", nil), http.StatusOK)
	if !strings.Contains(body, "CS-2026-000003") || strings.Contains(body, "CS-2026-000001") || strings.Contains(body, "<html") {
		t.Errorf("breached rows:\n%s", body)
	}
	// The filter form as sent with every field left at "any".
	body = wantStatus(t, a.page(&s, "GET", "/ui/?q=&status=&priority=&tier=&channel=&assignee=&breached=", nil), http.StatusOK)
	if !strings.Contains(body, "CS-2026-000004") {
		t.Error("an empty filter form filters")
	}
	body = wantStatus(t, a.page(&s, "GET", "/ui/?q=parcel&status=escalated", nil), http.StatusOK)
	if !strings.Contains(body, "CS-2026-000003") || strings.Contains(body, "CS-2026-000004") || !strings.Contains(body, `value="parcel"`) {
		t.Errorf("filtered by status and text:\n%s", body)
	}
	body = wantStatus(t, a.page(&s, "GET", "/ui/?status=lost", nil), http.StatusBadRequest)
	if !strings.Contains(body, "Status must be one of") {
		t.Errorf("a bad filter is not explained:\n%s", body)
	}
}

func TestRefusedActionShowsTheReasonByItsForm(t *testing.T) {
	a := newTestAPI(t) // its Temporal client reaches nothing
	s := a.signIn(caseflow.RoleAgent)
	a.putCase(t, testCase("CS-2026-000001", caseflow.StatusInProgress))

	// The API's own check: the form comes back with the field named.
	rec := a.page(&s, "POST", "/ui/cases/CS-2026-000001/resolve", url.Values{"csrf": {s.csrf}, "resolution": {"Sent a new one"}})
	body := wantStatus(t, rec, http.StatusBadRequest)
	form := regexp.MustCompile(`(?s)<details class="action" id="act-resolve" open>.*?</details>`).FindString(body)
	if !strings.Contains(form, "Sent a new one") || !strings.Contains(form, `id="resolve-root_cause-err">is required`) {
		t.Errorf("resolve form as shown again:\n%s", form)
	}

	// The workflow cannot be reached: the reason, not an error page; the
	// page shows the case as last recorded.
	rec = a.page(&s, "POST", "/ui/cases/CS-2026-000001/note", url.Values{"csrf": {s.csrf}, "body": {"Called the carrier"}, "key": {"k-1"}})
	body = wantStatus(t, rec, http.StatusServiceUnavailable)
	form = regexp.MustCompile(`(?s)<details class="action" id="act-note" open>.*?</details>`).FindString(body)
	if !strings.Contains(form, "did not answer in time") && !strings.Contains(form, "unavailable") {
		t.Errorf("note form:\n%s", form)
	}
	if !strings.Contains(form, `name="key" value="k-1"`) {
		t.Error("a timed-out form must keep its idempotency key, so a retry cannot act twice")
	}
	if !strings.Contains(body, "as last recorded") {
		t.Error("the page does not say the case is shown as last recorded")
	}
}

func TestEmailHTMLIsSandboxed(t *testing.T) {
	a := newTestAPI(t)
	s := a.signIn(caseflow.RoleAdmin)
	if _, _, err := a.db.EnqueueEmail(t.Context(), caseflow.Email{Key: "k1", Template: "reply", To: "c@example.net",
		Subject: "Hi", Text: "Hi", HTML: `<p>Hi</p><script>alert(1)</script><img src="https://tracker.example/p.gif">`}); err != nil {
		t.Fatal(err)
	}
	body := wantStatus(t, a.page(&s, "GET", "/ui/outbox", nil), http.StatusOK)
	if !strings.Contains(body, `<iframe sandbox src="/ui/outbox/html?key=k1"`) || strings.Contains(body, "<script>alert") {
		t.Errorf("outbox page:\n%s", body)
	}
	rec := a.page(&s, "GET", "/ui/outbox/html?key=k1", nil)
	wantStatus(t, rec, http.StatusOK)
	if csp := rec.Header().Get("Content-Security-Policy"); csp != emailSandbox {
		t.Errorf("email body CSP %q", csp)
	}
}

func TestApprovalsInboxIsForThoseWhoMayDecide(t *testing.T) {
	a := newTestAPI(t)
	agent, lead, supervisor := a.signIn(caseflow.RoleAgent), a.signIn(caseflow.RoleTeamLead), a.signIn(caseflow.RoleSupervisor)
	a.putCase(t, testCase("CS-2026-000001", caseflow.StatusInProgress))
	due := time.Now().Add(3 * time.Hour)
	if err := a.db.PutApproval(t.Context(), caseflow.Approval{
		ID: "CS-2026-000001-1", Number: "CS-2026-000001", Kind: caseflow.ApprovalRecovery,
		Action:  &caseflow.RecoveryAction{Kind: caseflow.RecoveryDiscount, Percent: 20},
		Summary: "a 20% discount", Justification: "Second damaged delivery",
		RequestedBy: caseflow.User{Email: "agent@example.com", Role: caseflow.RoleAgent}, RequestedAt: time.Now(),
		Status: caseflow.ApprovalPending, Approvers: []caseflow.Tier{caseflow.TierSupervisor, caseflow.TierManager},
		Tier: caseflow.TierSupervisor, Due: &due, Version: 1,
	}); err != nil {
		t.Fatal(err)
	}

	wantStatus(t, a.page(&agent, "GET", "/ui/approvals", nil), http.StatusForbidden)
	body := wantStatus(t, a.page(&lead, "GET", "/ui/approvals", nil), http.StatusOK)
	if strings.Contains(body, "CS-2026-000001-1") {
		t.Error("a team lead is shown a discount only a supervisor may approve")
	}
	body = wantStatus(t, a.page(&supervisor, "GET", "/ui/approvals", nil), http.StatusOK)
	if !strings.Contains(body, "A 20% discount") || !strings.Contains(body, `action="/ui/approvals/CS-2026-000001-1"`) ||
		!strings.Contains(body, "2h 59m left") {
		t.Errorf("the supervisor's inbox:\n%s", body)
	}

	// Rejecting needs a note: the form says so, before anything is sent.
	rec := a.page(&supervisor, "POST", "/ui/approvals/CS-2026-000001-1", url.Values{"csrf": {supervisor.csrf}, "decision": {"reject"}})
	body = wantStatus(t, rec, http.StatusBadRequest)
	if !strings.Contains(body, "Note is required") {
		t.Errorf("a rejection without a note:\n%s", body)
	}
	wantStatus(t, a.page(&supervisor, "POST", "/ui/approvals/not-an-approval", url.Values{"csrf": {supervisor.csrf}}), http.StatusNotFound)
}

func TestKPIsAgainstTheSOPTargets(t *testing.T) {
	rate := func(n, of int64) postgres.Rate {
		r := postgres.Rate{Count: n, Of: of}
		if of > 0 {
			r.Rate = new(float64(n) / float64(of))
		}
		return r
	}
	for _, tc := range []struct {
		name string
		k    kpi
		tone string
	}{
		{"FCR 90% beats 85%", rateKPI("FCR", rate(9, 10), targetFCR, true, "resolved"), toneOK},
		{"FCR 80% misses 85%", rateKPI("FCR", rate(8, 10), targetFCR, true, "resolved"), toneBreach},
		{"no answers yet", rateKPI("CSAT", rate(0, 0), targetCSAT, true, "answers"), toneNeutral},
		{"AHT 7 min beats 8", meanKPI("AHT", postgres.Mean{Seconds: new(420.0), Count: 3}, targetAHT, "interactions"), toneOK},
		{"AHT 9 min misses 8", meanKPI("AHT", postgres.Mean{Seconds: new(540.0), Count: 3}, targetAHT, "interactions"), toneBreach},
		{"NPS 40 misses 50", npsKPI(postgres.NPS{Score: new(40.0), Answers: 10}), toneBreach},
		{"NPS 60 beats 50", npsKPI(postgres.NPS{Score: new(60.0), Answers: 10}), toneOK},
	} {
		if tc.k.Tone != tc.tone {
			t.Errorf("%s: tone %s (%+v)", tc.name, tc.k.Tone, tc.k)
		}
	}
}

func TestChartsBreakWhereDataIsMissing(t *testing.T) {
	day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	periods := []time.Time{day, day.AddDate(0, 0, 1), day.AddDate(0, 0, 2), day.AddDate(0, 0, 3)}
	c := lineChart("x", "FCR", periods, []series{{"FCR", "a", []*float64{new(90.0), nil, new(80.0), new(70.0)}}},
		100, func(v float64) string { return "" }, new(85.0), "target")
	if len(c.Lines) != 2 || len(c.Dots) != 3 || c.Target == nil {
		t.Fatalf("lines %d, dots %d, target %v", len(c.Lines), len(c.Dots), c.Target)
	}
	if c.Dots[0].Y >= c.Dots[2].Y {
		t.Error("90% is drawn below 80%")
	}
	b := barChart("v", "Volume", periods, []series{{"Opened", "a", []*float64{new(3.0), new(0.0), nil, new(1.0)}}},
		func(v float64) string { return "" })
	if len(b.Bars) != 2 || b.Bars[0].H <= b.Bars[1].H {
		t.Errorf("bars %+v", b.Bars)
	}
}
