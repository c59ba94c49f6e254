package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"caseflow"
	"caseflow/api"
)

// The web UI in Debian's headless Chromium, against the whole system: the
// story of issue 6 (an agent replies and asks for a 20% discount, a
// supervisor approves it from the inbox, the agent resolves, the dashboard
// counts it), with axe-core's accessibility check and a keyboard walk on
// every page.
//
// Screenshots go to a temporary directory, or to CASEFLOW_SCREENSHOTS when
// set (`make screenshots` sets it to docs/screenshots for the README).

const (
	uiPassword = "correct horse battery staple"
	// axeScript is axe-core, vendored (see testdata/axe-core/README.md).
	axeScript = "testdata/axe-core/axe.min.js"
)

// chromium finds Debian's Chromium: CHROMIUM_BIN, /usr/bin/chromium, or on PATH.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM_BIN"), "/usr/bin/chromium"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("the browser tests need Chromium: apt-get install chromium (.ci/run does), or set CHROMIUM_BIN")
	return ""
}

// browser is one headless Chromium with a fresh profile, and the system it
// drives.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	axe   string
	shots string

	mu       sync.Mutex
	problems []string // errors the pages wrote to the console: CSP refusals, exceptions
}

func newBrowser(t *testing.T, s *system) *browser {
	t.Helper()
	axe, err := os.ReadFile(axeScript)
	if err != nil {
		t.Fatal(err)
	}
	shots := os.Getenv("CASEFLOW_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if !filepath.IsAbs(shots) {
		shots = filepath.Join("..", shots) // relative to the module root, as make passes it
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 960),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	b := &browser{t: t, ctx: ctx, base: s.api.URL, axe: string(axe), shots: shots}
	console := chromedp.Console(ctx)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				b.mu.Lock()
				b.problems = append(b.problems, fmt.Sprintf("%s %s: %s", m.Type, m.URL, m.Text))
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// consoleProblems are the errors the pages wrote to the console so far.
func (b *browser) consoleProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...)
}

// run runs browser actions with a deadline, failing the test on error.
func (b *browser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fail(what, err)
	}
}

// value runs one browser action that answers with a value.
func value[T any](b *browser, what string, action chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		b.fail(what, err)
	}
	return v
}

func (b *browser) fail(what string, err error) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("main")))
	where, _ := chromedp.Run(ctx, chromedp.Location())
	b.t.Fatalf("%s: %v\nat %s, whose main is:\n%s", what, err, where, html)
}

// js evaluates a script for its effect.
func js(script string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](script)
}

// open loads a UI path and waits for its main landmark.
func (b *browser) open(path string) {
	b.t.Helper()
	b.run("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("main")))
}

// leave marks the page as left, so waitPath waits for the next one.
var leave = js(`window.__left = true`)

// waitPath waits until the browser has loaded a path starting with prefix
// (a page other than the one left). It asks again and again: a question
// asked mid-navigation gets an error.
func (b *browser) waitPath(prefix string) {
	b.t.Helper()
	deadline := time.Now().Add(25 * time.Second)
	check := fmt.Sprintf(`!window.__left && location.pathname.startsWith(%q) && document.readyState === "complete"`, prefix)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](check))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = fmt.Errorf("still not there")
			}
			b.fail("wait for "+prefix, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// text is the rendered text of the first element sel finds, once there is one.
func (b *browser) text(sel string) string {
	b.t.Helper()
	return value(b, "read "+sel, chromedp.Poll[string](fmt.Sprintf(`document.querySelector(%q)?.innerText`, sel),
		chromedp.WithPollingTimeout(10*time.Second)))
}

// set fills in form fields as a user would leave them: selector, value, ...
// (by script, so a part htmx swaps in meanwhile is no stale node).
func set(pairs ...string) chromedp.Action[chromedp.Void] {
	script := ""
	for i := 0; i+1 < len(pairs); i += 2 {
		script += fmt.Sprintf(`{ const e = document.querySelector(%q); e.value = %q; e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})); }
`, pairs[i], pairs[i+1])
	}
	return js(script)
}

func (b *browser) signIn(role caseflow.Role) {
	b.t.Helper()
	b.open("/ui/login")
	b.run("sign in as "+string(role),
		set("#email", string(role)+"@staff.test", "#password", uiPassword),
		leave,
		chromedp.Click(chromedp.CSS(`form[action="/ui/login"] button[type=submit]`)),
	)
	b.waitPath("/ui/")
	b.run("the queue", chromedp.WaitVisible(chromedp.CSS("#queue-table")))
}

func (b *browser) signOut() {
	b.t.Helper()
	b.run("sign out", leave, chromedp.Click(chromedp.CSS(`form[action="/ui/logout"] button`)))
	b.waitPath("/ui/login")
}

// submit fills an action's form on the workspace and sends it; fields are
// element ids and values.
func (b *browser) submit(action string, fields ...string) {
	b.t.Helper()
	form := "#act-" + action
	for i := 0; i+1 < len(fields); i += 2 {
		fields[i] = "#" + fields[i]
	}
	b.run("submit "+action, js(fmt.Sprintf(`document.querySelector(%q).open = true`, form)), set(fields...),
		leave, chromedp.Click(chromedp.CSS(form+" button[type=submit]")))
}

// axeViolation is one failed axe rule.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// check runs axe-core on the page (WCAG 2.1 A and AA, and best practices)
// and fails on serious or critical violations, then walks the page with the
// Tab key and fails if some visible control cannot be reached.
func (b *browser) check(page string) {
	b.t.Helper()
	b.run("load axe", js(b.axe))
	raw := value(b, "axe on "+page, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
		.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map(n => n.target.join(" ") + " — " + n.failureSummary)}))))`, chromedp.EvalAwaitPromise))
	var violations []axeViolation
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		b.t.Fatalf("axe on %s: %v: %s", page, err, raw)
	}
	for _, v := range violations {
		msg := fmt.Sprintf("axe on %s: %s (%s): %s\n  %s", page, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
		if v.Impact == "serious" || v.Impact == "critical" {
			b.t.Error(msg)
		} else {
			b.t.Log(msg)
		}
	}
	b.keyboard(page)
}

// keyboard presses Tab through the page and reports visible controls that
// never got the focus. Controls are known by what they are, not by node, so
// a part the page refreshes meanwhile still counts.
func (b *browser) keyboard(page string) {
	b.t.Helper()
	const key = `e => [e.tagName, e.id, e.name || "", e.getAttribute("href") || "", (e.textContent || "").trim().slice(0, 40)].join("|")`
	n := value(b, "list the controls of "+page, chromedp.Evaluate[int](`(() => {
		const key = `+key+`;
		const all = [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary, iframe, [tabindex]")]
			.filter(e => e.getClientRects().length > 0 && !e.disabled && e.tabIndex >= 0 &&
				!e.closest("details:not([open]) > :not(summary)"));
		window.__want = new Set(all.map(key));
		window.__seen = new Set();
		document.addEventListener("focusin", ev => window.__seen.add(key(ev.target)));
		document.activeElement && document.activeElement.blur();
		window.scrollTo(0, 0);
		return all.length;
	})()`))
	for range n + 3 {
		b.run("tab", chromedp.KeyEvent(kb.Tab))
	}
	missing := value(b, "compare", chromedp.Evaluate[[]string](`[...window.__want].filter(k => !window.__seen.has(k))`))
	if len(missing) > 0 {
		b.t.Errorf("keyboard on %s: %d controls never took the focus from Tab:\n  %s", page, len(missing), strings.Join(missing, "\n  "))
	}
}

// shot writes a full-page PNG for the README.
func (b *browser) shot(name string) {
	b.t.Helper()
	b.run("top of "+name, js(`window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()`))
	png := value(b, "screenshot "+name, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// setPasswords gives the staff of roles a web UI password.
func (s *system) setPasswords(roles ...caseflow.Role) {
	s.t.Helper()
	hash, err := api.HashPassword(uiPassword)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, r := range roles {
		if err := s.db.SetPassword(context.Background(), s.users[r].Email, hash); err != nil {
			s.t.Fatal(err)
		}
	}
}

// openCase opens a case through the API and returns its number.
func (s *system) openCase(role caseflow.Role, body map[string]any) string {
	s.t.Helper()
	return must(s.t, s.call(role, "POST", "/api/v1/cases", body), 201).caseBody(s.t).Number
}

func intake(channel caseflow.Channel, category caseflow.Category, name, email, subject, description string) map[string]any {
	return map[string]any{
		"channel": channel, "category": category,
		"customer": map[string]any{"name": name, "email": email},
		"subject":  subject, "description": description,
	}
}

func TestWebUI(t *testing.T) {
	s := start(t)
	s.setPasswords(caseflow.RoleAgent, caseflow.RoleSupervisor, caseflow.RoleAdmin)
	agentEmail := s.users[caseflow.RoleAgent].Email

	// A queue with some life in it: an email nobody answered in time (its
	// first-response clock is 4 s here), a case waiting on its customer, and
	// a billing question on the phone.
	late := s.openCase(caseflow.RoleAgent, intake(caseflow.ChannelEmail, caseflow.CategoryShipping,
		"Omar Haddad", "omar@example.net", "Tracking number shows no movement", "Order 88123 has not moved in six days."))
	waiting := s.openCase(caseflow.RoleAgent, intake(caseflow.ChannelChat, caseflow.CategoryTechnical,
		"Lena Fischer", "lena@example.net", "App logs me out every few minutes", "Since the last update, on Android."))
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+waiting+"/interactions",
		map[string]any{"kind": "reply", "body": "Which version of the app do you have?", "handle_seconds": 240}), 200)
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+waiting+"/wait", map[string]any{"reason": "App version"}), 200)
	billing := intake(caseflow.ChannelPhone, caseflow.CategoryBilling, "Priya Raman", "priya@example.net",
		"Charged twice for one order", "Two identical charges of $42.10 on 3 Nov.")
	billing["amount"] = 42.10
	billing["assignee"] = agentEmail
	twice := s.openCase(caseflow.RoleAgent, billing)
	eventually(t, 20*time.Second, "the unanswered email to breach", func() bool {
		c := s.call(caseflow.RoleAgent, "GET", "/api/v1/cases/"+late, nil).caseBody(t)
		return c.Breached()
	})

	b := newBrowser(t, s)
	b.open("/ui/login")
	b.check("sign-in")

	// The agent signs in to the queue: what is due first on top, each with its SLA badge.
	b.signIn(caseflow.RoleAgent)
	if row := b.text(`#queue-table tbody tr:first-child`); !strings.Contains(row, late) || !strings.Contains(row, "Breached") {
		t.Errorf("the breached case is not first in the queue: %q", row)
	}
	if row := b.text(`#queue-table tbody`); !strings.Contains(row, "Paused") || !strings.Contains(row, twice) {
		t.Errorf("queue rows: %q", row)
	}
	b.check("queue")
	b.run("filter to the breached", set("#f-breached", "true"), leave,
		chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)))
	b.waitPath("/ui/")
	if rows := b.text("#queue-table tbody"); !strings.Contains(rows, late) || strings.Contains(rows, waiting) {
		t.Errorf("breached only: %q", rows)
	}

	// They open a new case from the form: a customer on the phone.
	b.open("/ui/cases/new")
	b.check("new case")
	b.run("fill the new case",
		set("#customer-name", "Dana Whitfield", "#customer-email", "dana@example.net", "#channel", "phone", "#category", "shipping",
			"#subject", "Replacement blender arrived damaged",
			"#description", "The replacement for order 77310 arrived with a cracked jug. Second time this has happened."),
		leave,
		chromedp.Click(chromedp.CSS(`form.new-case button[type=submit]`)),
	)
	b.waitPath("/ui/cases/CS-")
	number := value(b, "the case number", chromedp.Evaluate[string](`location.pathname.split("/").pop()`))
	if !caseflow.ValidNumber(number) || !strings.Contains(b.text(".flash"), "Case opened") {
		t.Fatalf("after the new case form: %q", number)
	}

	// A reply from a canned template, edited, with its handle time.
	b.run("pick a template",
		set("#reply-template", "investigating"),
		chromedp.Poll[chromedp.Void](`document.querySelector("#reply-body").value.includes("Hello Dana")`, chromedp.WithPollingTimeout(10*time.Second)),
	)
	draft := value(b, "read the draft", chromedp.Evaluate[string](`document.querySelector("#reply-body").value`))
	if !strings.Contains(draft, number) || !strings.Contains(draft, "Test agent") {
		t.Errorf("the template was not filled in for the case: %q", draft)
	}
	draft = strings.Replace(draft, "I will write to you again", "A new jug ships today by express; I will write to you again", 1)
	b.submit("reply", "reply-body", draft, "reply-handle", "6")
	b.waitPath("/ui/cases/" + number)
	if !strings.Contains(b.text(".flash"), "on its way") {
		t.Errorf("no confirmation after the reply")
	}
	eventually(t, 10*time.Second, "the reply email", func() bool { return s.sent(number, "reply") == 1 })

	// The page follows the case by itself: a note added elsewhere appears
	// without a reload.
	b.run("stay on the page", js(`window.__stayed = true`))
	must(t, s.call(caseflow.RoleAgent, "POST", "/api/v1/cases/"+number+"/interactions",
		map[string]any{"kind": "note", "body": "Carrier confirmed the pickup of the damaged jug."}), 200)
	b.run("the note appears", chromedp.Poll[chromedp.Void](
		`window.__stayed && document.querySelector("#case-timeline").innerText.includes("Carrier confirmed")`,
		chromedp.WithPollingTimeout(15*time.Second)))

	// The 20% discount is beyond an agent's authority: it goes to a supervisor.
	b.submit("recovery", "recovery-action", "discount", "recovery-percent", "20",
		"recovery-justification", "Second damaged delivery in a row; the customer is a regular.")
	b.waitPath("/ui/cases/" + number)
	if txt := b.text("#case-approvals"); !strings.Contains(txt, "20% discount") || !strings.Contains(txt, "Pending") {
		t.Errorf("the pending discount is not on the case: %q", txt)
	}
	b.check("case workspace")
	b.shot("workspace")

	// A stale form is refused with the server's reason next to it: someone
	// else resolved the billing case while the agent had it open.
	b.open("/ui/cases/" + twice)
	must(t, s.call(caseflow.RoleTeamLead, "POST", "/api/v1/cases/"+twice+"/resolve",
		map[string]any{"resolution": "Refunded the duplicate charge", "root_cause": "payment retried by the gateway"}), 200)
	b.submit("wait", "wait-reason", "Bank statement")
	b.waitPath("/ui/cases/" + twice)
	if msg := b.text("#act-wait .form-error"); !strings.Contains(msg, "resolved") {
		t.Errorf("the refusal is not shown by the form: %q", msg)
	}

	b.open("/ui/")
	b.shot("queue")
	b.signOut()

	// A supervisor approves the discount from the inbox.
	b.signIn(caseflow.RoleSupervisor)
	b.open("/ui/approvals")
	if row := b.text("#approvals"); !strings.Contains(row, number) || !strings.Contains(row, "20% discount") {
		t.Fatalf("the inbox does not show the request: %q", row)
	}
	b.check("approvals inbox")
	b.shot("inbox")
	b.run("approve",
		set(`#approvals form[data-case="`+number+`"] textarea[name=note]`, "Approved: two failed deliveries."),
		leave,
		chromedp.Click(chromedp.CSS(`#approvals form[data-case="`+number+`"] button[value=approve]`)),
	)
	b.waitPath("/ui/approvals")
	if !strings.Contains(b.text(".flash"), "Approved") {
		t.Error("no confirmation after approving")
	}
	eventually(t, 15*time.Second, "the approval on the case", func() bool {
		return countType(s.timeline(number), caseflow.EventApprovalDecided) == 1
	})
	b.signOut()

	// The agent resolves the case.
	b.signIn(caseflow.RoleAgent)
	b.open("/ui/cases/" + number)
	if txt := b.text("#case-approvals"); !strings.Contains(txt, "Approved") {
		t.Errorf("the case does not show the approval: %q", txt)
	}
	b.submit("resolve", "resolve-resolution", "Sent a new jug by express with a 20% discount on the order.",
		"resolve-root_cause", "Packaging too thin for glass jugs")
	b.waitPath("/ui/cases/" + number)
	if status := b.text("#case-head .chips"); !strings.Contains(status, "Resolved") {
		t.Errorf("after resolving, the head says %q", status)
	}
	b.signOut()

	// The dashboard counts it.
	b.signIn(caseflow.RoleSupervisor)
	b.open("/ui/dashboard")
	if head := b.text(".page-head p"); !strings.Contains(head, "2 resolved") {
		t.Errorf("dashboard summary: %q", head)
	}
	b.check("dashboard")
	b.shot("dashboard")
	b.signOut()

	// The admin reads the outbox.
	b.signIn(caseflow.RoleAdmin)
	b.open("/ui/outbox?number=" + number)
	if rows := b.text("table.outbox tbody"); !strings.Contains(rows, "Resolution") || !strings.Contains(rows, "Sent") {
		t.Errorf("outbox rows: %q", rows)
	}
	b.check("outbox")
	// An email's HTML shows in a sandboxed frame.
	b.run("open the resolution email", js(`document.querySelector("table.outbox details").open = true`),
		chromedp.WaitVisible(chromedp.CSS("table.outbox details iframe[sandbox]")), chromedp.Sleep(500*time.Millisecond))
	b.shot("outbox")

	// Nothing was refused by the Content-Security-Policy, and no script
	// failed. The one refusal the story provoked answered 409, as it should.
	refused := "/ui/cases/" + twice + "/wait: Failed to load resource: the server responded with a status of 409"
	for _, p := range b.consoleProblems() {
		if !strings.Contains(p, refused) {
			t.Errorf("console: %s", p)
		}
	}
}
