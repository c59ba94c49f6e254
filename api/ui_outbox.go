package api

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"caseflow"
	"caseflow/postgres"
)

// The outbox page (admins): every email with its delivery state. Bodies are
// shown safely: the text as escaped text, the HTML only inside a sandboxed
// frame whose own policy forbids scripts and anything from outside.

type outboxPage struct {
	page
	Emails   []emailView
	Filter   url.Values
	States   []string
	Next     string
	Problems []string
}

type emailView struct {
	caseflow.Email
	Tone    string
	HTMLURL string
}

// emailTone colours a delivery state.
func emailTone(s caseflow.EmailState) string {
	switch s {
	case caseflow.EmailSent, caseflow.EmailDelivered:
		return toneOK
	case caseflow.EmailFailed, caseflow.EmailBounced, caseflow.EmailDropped:
		return toneBreach
	case caseflow.EmailUnknown, caseflow.EmailDeferred:
		return toneWarn
	}
	return tonePaused
}

// outbox is GET /ui/outbox.
func (u *ui) outbox(c echo.Context) error {
	p := outboxPage{Filter: dropEmptyParams(c), States: names(emailStates)}
	p.page = u.newPage(c, "Outbox")
	q := newQuery(c, "number", "state", "cursor")
	filter := postgres.OutboxFilter{
		Number: q.get("number"),
		State:  queryEnum(q, "state", emailStates),
		Cursor: q.get("cursor"),
		Limit:  50,
	}
	q.bad.Check(filter.Number == "" || caseflow.ValidNumber(filter.Number), "number", "must be a case number such as CS-2026-000123")
	if q.bad.Err() != nil {
		for field, msg := range q.bad {
			p.Problems = append(p.Problems, label(field)+" "+msg)
		}
		return u.render(c, http.StatusBadRequest, "outbox", p)
	}
	page, err := u.store.ListOutbox(c.Request().Context(), filter)
	if err != nil {
		return err
	}
	for _, e := range page.Emails {
		p.Emails = append(p.Emails, emailView{Email: e, Tone: emailTone(e.State),
			HTMLURL: uiPrefix + "/outbox/html?" + url.Values{"key": {e.Key}}.Encode()})
	}
	if page.NextCursor != "" {
		next := url.Values{}
		for _, k := range []string{"number", "state"} {
			if v := c.QueryParam(k); v != "" {
				next.Set(k, v)
			}
		}
		next.Set("cursor", page.NextCursor)
		p.Next = uiPrefix + "/outbox?" + next.Encode()
	}
	return u.render(c, http.StatusOK, "outbox", p)
}

// emailSandbox is the policy of an email's HTML: its inline styles and
// embedded images show; scripts, forms, fonts, remote images and trackers do
// not, and the sandbox gives it no origin to act from.
const emailSandbox = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'"

// emailHTML is GET /ui/outbox/html?key=...: one email's HTML body, for the
// outbox page's sandboxed frame.
func (u *ui) emailHTML(c echo.Context) error {
	e, err := u.store.EmailByKey(c.Request().Context(), c.QueryParam("key"))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", emailSandbox)
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Cache-Control", "no-store")
	return c.HTMLBlob(http.StatusOK, []byte(e.HTML))
}
