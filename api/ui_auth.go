package api

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"caseflow"
	"caseflow/postgres"
)

// Passwords and sessions of the web UI. A session id is 32 random bytes in
// an HttpOnly, SameSite=Lax cookie; Postgres keeps only its hash and the
// session's CSRF token, which every form posted in the session must carry.

const (
	// sessionTTL is how long a sign-in lasts: a working day and a bit.
	sessionTTL = 12 * time.Hour
	// MinPasswordLength is the shortest password `caseflow users passwd` accepts.
	MinPasswordLength = 10
	// bcrypt reads at most 72 bytes; a longer password would be cut silently.
	maxPasswordBytes = 72
	passwordCost     = 12
	sessionKey       = "caseflow.session"
)

// HashPassword is the bcrypt hash of a UI password, as stored in users.password_hash.
func HashPassword(password string) ([]byte, error) {
	switch {
	case len([]rune(password)) < MinPasswordLength:
		return nil, caseflow.Errorf(caseflow.EINVALID, "the password must be at least %d characters", MinPasswordLength)
	case len(password) > maxPasswordBytes:
		return nil, caseflow.Errorf(caseflow.EINVALID, "the password must be at most %d bytes", maxPasswordBytes)
	}
	return bcrypt.GenerateFromPassword([]byte(password), passwordCost)
}

// dummyHash is compared against when the email is unknown, so a wrong email
// takes as long to refuse as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("no user has this password"), passwordCost)

func (u *ui) cookieName() string {
	if u.secure {
		return "__Host-caseflow_session" // the prefix makes the browser insist on Secure, Path=/ and no Domain
	}
	return "caseflow_session"
}

func (u *ui) sessionCookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: u.cookieName(), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: u.secure, SameSite: http.SameSiteLaxMode,
	}
}

type loginPage struct {
	page
	Email, Next, Error string
}

// loginPage is GET /ui/login.
func (u *ui) loginPage(c echo.Context) error {
	if _, ok := u.session(c); ok {
		return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
	}
	p := loginPage{Next: c.QueryParam("next")}
	p.page = u.newPage(c, "Sign in")
	return u.render(c, http.StatusOK, "login", p)
}

// login is POST /ui/login: check the password, start a session.
func (u *ui) login(c echo.Context) error {
	if !sameOrigin(c.Request()) {
		return caseflow.Errorf(caseflow.EFORBIDDEN, "sign in from caseflow's own sign-in page")
	}
	email := strings.TrimSpace(c.FormValue("email"))
	password := c.FormValue("password")
	p := loginPage{Email: email, Next: c.FormValue("next")}
	p.page = u.newPage(c, "Sign in")
	fail := func(status int, msg string) error {
		p.Error = msg
		return u.render(c, status, "login", p)
	}
	if email == "" || password == "" {
		return fail(http.StatusBadRequest, "Enter your email address and your password.")
	}
	key := strings.ToLower(email) + "|" + c.RealIP()
	if !u.logins.allow(key, u.now()) {
		return fail(http.StatusTooManyRequests, "Too many failed attempts. Wait a few minutes, then try again.")
	}
	ctx := c.Request().Context()
	usr, hash, err := u.store.UserPassword(ctx, email)
	if err != nil && caseflow.ErrorCode(err) != caseflow.ENOTFOUND {
		return err
	}
	if hash == nil {
		hash = dummyHash
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || err != nil {
		u.logins.fail(key, u.now())
		return fail(http.StatusUnauthorized, "That email address and password do not match.")
	}
	u.logins.reset(key)

	id, csrf := randomToken(), randomToken()
	if err := u.store.CreateSession(ctx, HashToken(id), usr.ID, csrf, u.now().Add(sessionTTL)); err != nil {
		return err
	}
	c.SetCookie(u.sessionCookie(id, int(sessionTTL/time.Second)))
	return c.Redirect(http.StatusSeeOther, safeNext(p.Next))
}

// logout is POST /ui/logout.
func (u *ui) logout(c echo.Context) error {
	if ck, err := c.Cookie(u.cookieName()); err == nil {
		if err := u.store.DeleteSession(c.Request().Context(), HashToken(ck.Value)); err != nil {
			return err
		}
	}
	c.SetCookie(u.sessionCookie("", -1))
	return c.Redirect(http.StatusSeeOther, uiPrefix+"/login")
}

// session is the request's signed-in session, if any.
func (u *ui) session(c echo.Context) (postgres.Session, bool) {
	ck, err := c.Cookie(u.cookieName())
	if err != nil || ck.Value == "" {
		return postgres.Session{}, false
	}
	sess, err := u.store.SessionByHash(c.Request().Context(), HashToken(ck.Value))
	if err != nil {
		if caseflow.ErrorCode(err) != caseflow.ENOTFOUND {
			u.log.WarnContext(c.Request().Context(), "session lookup failed", "error", err)
		}
		return postgres.Session{}, false
	}
	return sess, true
}

// signedIn lets through only a signed-in user of one of roles; a form posted
// must carry the session's CSRF token and come from this site.
func (u *ui) signedIn(roles []caseflow.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			sess, ok := u.session(c)
			if !ok {
				login := uiPrefix + "/login"
				if c.Request().Method == http.MethodGet {
					login += "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
				}
				if c.Request().Header.Get("HX-Request") == "true" {
					// htmx follows this header with a full page load.
					c.Response().Header().Set("HX-Redirect", login)
					return c.NoContent(http.StatusUnauthorized)
				}
				return c.Redirect(http.StatusSeeOther, login)
			}
			c.Set(sessionKey, sess)
			c.Set(userKey, sess.User)
			if c.Request().Method != http.MethodGet && c.Request().Method != http.MethodHead {
				token := c.Request().Header.Get("X-CSRF-Token")
				if token == "" {
					token = c.FormValue("csrf")
				}
				if !sameOrigin(c.Request()) || subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRF)) != 1 {
					return caseflow.Errorf(caseflow.EFORBIDDEN, "this form has expired or did not come from caseflow; reload the page and try again")
				}
			}
			if !slices.Contains(roles, sess.User.Role) {
				return caseflow.Errorf(caseflow.EFORBIDDEN, "your role (%s) may not open this page", label(string(sess.User.Role)))
			}
			return next(c)
		}
	}
}

// sameOrigin reports whether a browser says the request comes from this
// site. Requests from outside a browser carry neither header and pass: the
// CSRF token is what stops forged forms; this is the second lock.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		o, err := url.Parse(origin)
		return err == nil && o.Host == r.Host
	}
	return true
}

// safeNext is where to go after signing in: a path inside the UI, never
// another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, uiPrefix+"/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return uiPrefix + "/"
	}
	return next
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// loginLimiter slows password guessing: after maxLoginFailures failures for
// one email from one address within loginWindow, further tries wait.
type loginLimiter struct {
	mu    sync.Mutex
	fails map[string][]time.Time
}

const (
	maxLoginFailures = 10
	loginWindow      = 15 * time.Minute
)

func newLoginLimiter() *loginLimiter { return &loginLimiter{fails: map[string][]time.Time{}} }

func (l *loginLimiter) recent(key string, now time.Time) []time.Time {
	kept := slices.DeleteFunc(l.fails[key], func(t time.Time) bool { return now.Sub(t) > loginWindow })
	if len(kept) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = kept
	return kept
}

func (l *loginLimiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(key, now)) < maxLoginFailures
}

func (l *loginLimiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fails[key] = append(l.recent(key, now), now)
	// Keep the map bounded whatever a flood of made-up emails does.
	if len(l.fails) > 10000 {
		for k := range l.fails {
			l.recent(k, now)
		}
		if len(l.fails) > 10000 {
			clear(l.fails)
		}
	}
}

func (l *loginLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}
