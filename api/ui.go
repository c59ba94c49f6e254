package api

// The agent web UI: server-rendered pages under /ui with a little htmx, its
// templates and assets embedded in the binary. Pages act through the same
// helpers as the JSON API (Server.update, Server.open, the request types and
// their checks) and ask the API's route table who may do what, so the UI
// cannot drift from the API's rules.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"caseflow"
	"caseflow/postgres"
)

//go:embed ui/templates/*.html ui/static/*
var uiFiles embed.FS

// uiStore is what the web UI keeps in Postgres beyond what the API reads:
// passwords and sessions, and single outbox messages to display.
type uiStore interface {
	UserPassword(ctx context.Context, email string) (caseflow.User, []byte, error)
	CreateSession(ctx context.Context, idHash []byte, userID int64, csrf string, expires time.Time) error
	SessionByHash(ctx context.Context, idHash []byte) (postgres.Session, error)
	DeleteSession(ctx context.Context, idHash []byte) error
	EmailByKey(ctx context.Context, key string) (caseflow.Email, error)
}

// uiPrefix is where the UI lives; / redirects there.
const uiPrefix = "/ui"

// contentSecurityPolicy lets a page load only what the binary serves: no
// inline script or style, no other origin, no framing by anyone else.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'"

// ui serves the web UI for a Server.
type ui struct {
	*Server
	pages   map[string]*template.Template
	assets  map[string]string // file name → its URL, versioned by content hash
	secure  bool              // cookies carry Secure: the public URL is https
	logins  *loginLimiter
	apiRole map[string][]caseflow.Role // "POST /cases/:number/wait" → who may call it
}

// uiRoute is one page or form target under /ui and the roles that may use it.
type uiRoute struct {
	method, path string
	roles        []caseflow.Role
	handle       echo.HandlerFunc
}

// mountUI adds the web UI to e.
func (s *Server) mountUI(e *echo.Echo, publicURL string) {
	u := &ui{
		Server:  s,
		assets:  map[string]string{},
		logins:  newLoginLimiter(),
		apiRole: map[string][]caseflow.Role{},
	}
	if pu, err := url.Parse(publicURL); err == nil && pu.Scheme == "https" {
		u.secure = true
	}
	for _, r := range s.routes() {
		u.apiRole[r.method+" "+r.path] = r.roles
	}
	u.loadAssets()
	u.pages = u.parsePages()

	e.GET("/", func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, uiPrefix+"/") })
	e.GET(uiPrefix, func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, uiPrefix+"/") })
	g := e.Group(uiPrefix, u.headers, u.htmlErrors)
	g.GET("/static/*", u.static)
	g.GET("/login", u.loginPage)
	g.POST("/login", u.login)
	for _, r := range u.routes() {
		g.Add(r.method, r.path, r.handle, u.signedIn(r.roles))
	}
}

// routes is the UI and who may use each page, in one place. Actions on a
// case are checked against the API's table by the action itself.
func (u *ui) routes() []uiRoute {
	const get, post = http.MethodGet, http.MethodPost
	return []uiRoute{
		{post, "/logout", readers, u.logout},
		{get, "/", readers, u.queue},
		{get, "/queue/rows", readers, u.queueRows},
		{get, "/cases/new", caseWorkers, u.newCaseForm},
		{post, "/cases/new", caseWorkers, u.newCase},
		{get, "/cases/:number", readers, u.workspace},
		{get, "/cases/:number/live", readers, u.live},
		{get, "/cases/:number/reply-template", caseWorkers, u.replyTemplate},
		{post, "/cases/:number/:action", caseWorkers, u.act},
		{get, "/approvals", u.apiRole["GET /approvals"], u.approvals},
		{post, "/approvals/:id", u.apiRole["POST /cases/:number/approvals/:id/decision"], u.decide},
		{get, "/dashboard", u.apiRole["GET /metrics/service"], u.dashboard},
		{get, "/outbox", admins, u.outbox},
		{get, "/outbox/html", admins, u.emailHTML},
	}
}

// allowed reports whether role may use the UI route method path.
func (u *ui) allowed(role caseflow.Role, method, path string) bool {
	for _, r := range u.routes() {
		if r.method == method && r.path == path {
			return slices.Contains(r.roles, role)
		}
	}
	return false
}

// mayCallAPI reports whether role may call the API route method path.
func (u *ui) mayCallAPI(role caseflow.Role, method, path string) bool {
	return slices.Contains(u.apiRole[method+" "+path], role)
}

// headers sets the security headers of every UI response.
func (u *ui) headers(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if u.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

// htmlErrors renders the errors of UI handlers (and echo's own 404 and 405
// under /ui) as pages, not as the API's JSON.
func (u *ui) htmlErrors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err == nil || c.Response().Committed {
			return err
		}
		e := u.appError(c, err)
		status := httpStatus(e.Code)
		if c.Request().Header.Get("HX-Request") == "true" {
			// A fragment request: htmx leaves the page as it is on an error.
			return c.String(status, e.Message)
		}
		p := errorPage{Status: status, Message: e.Message}
		p.page = u.newPage(c, http.StatusText(status))
		return u.render(c, status, "error", p)
	}
}

type errorPage struct {
	page
	Status  int
	Message string
}

// page is what every page's layout needs.
type page struct {
	Title   string
	Company string
	User    caseflow.User
	CSRF    string
	Nav     nav
	Path    string
}

// nav says which sections the signed-in user may open.
type nav struct {
	Queue, NewCase, Approvals, Dashboard, Outbox bool
}

// newPage is the layout data for the request's user (none on the sign-in page).
func (u *ui) newPage(c echo.Context, title string) page {
	p := page{Title: title, Company: u.policy.Company, Path: c.Request().URL.Path}
	sess, ok := c.Get(sessionKey).(postgres.Session)
	if !ok {
		return p
	}
	p.User, p.CSRF = sess.User, sess.CSRF
	role := sess.User.Role
	p.Nav = nav{
		Queue:     u.allowed(role, http.MethodGet, "/"),
		NewCase:   u.allowed(role, http.MethodGet, "/cases/new"),
		Approvals: u.allowed(role, http.MethodGet, "/approvals"),
		Dashboard: u.allowed(role, http.MethodGet, "/dashboard"),
		Outbox:    u.allowed(role, http.MethodGet, "/outbox"),
	}
	return p
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 rather than half a page.
func (u *ui) render(c echo.Context, status int, name string, data any) error {
	return u.execute(c, status, name, "layout", data)
}

// fragment renders one named template of a page, for htmx to swap in.
func (u *ui) fragment(c echo.Context, status int, name, block string, data any) error {
	return u.execute(c, status, name, block, data)
}

func (u *ui) execute(c echo.Context, status int, name, block string, data any) error {
	t, ok := u.pages[name]
	if !ok {
		return fmt.Errorf("ui: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, data); err != nil {
		return fmt.Errorf("ui: render %s/%s: %w", name, block, err)
	}
	// Pages hold customer data: no shared cache may keep them.
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// parsePages parses each page with the layout and the shared partials.
func (u *ui) parsePages() map[string]*template.Template {
	names, err := fs.Glob(uiFiles, "ui/templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, file := range names {
		name := strings.TrimSuffix(path.Base(file), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		pages[name] = template.Must(template.New(name).Funcs(u.funcs()).
			ParseFS(uiFiles, "ui/templates/layout.html", "ui/templates/partials.html", file))
	}
	return pages
}

// loadAssets gives each static file a URL that changes with its content, so
// browsers may cache them for good.
func (u *ui) loadAssets() {
	names, err := fs.Glob(uiFiles, "ui/static/*")
	if err != nil {
		panic(err)
	}
	for _, file := range names {
		b, err := uiFiles.ReadFile(file)
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		u.assets[path.Base(file)] = uiPrefix + "/static/" + path.Base(file) + "?v=" + hex.EncodeToString(sum[:6])
	}
}

// static serves the embedded assets.
func (u *ui) static(c echo.Context) error {
	name := path.Base(c.Param("*"))
	b, err := uiFiles.ReadFile("ui/static/" + name)
	if err != nil {
		return caseflow.Errorf(caseflow.ENOTFOUND, "no such file")
	}
	typ := mime.TypeByExtension(path.Ext(name))
	if typ == "" {
		typ = "application/octet-stream"
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, typ, b)
}
