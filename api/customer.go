package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"caseflow"
	"caseflow/mail"
	"caseflow/token"
)

// The customer's pages, behind the signed links in every email: the case
// status page (/c/<token>, with reopen and escalate) and the survey
// (/s/<token>). The token is the capability: it names one case (or one
// survey), expires, and cannot be forged without the link secret. Pages are
// small server-rendered HTML with no script and no outside asset.

//go:embed pages/*.html pages/style.css
var pageFiles embed.FS

var (
	pageCSS = func() template.CSS {
		b, err := pageFiles.ReadFile("pages/style.css")
		if err != nil {
			panic(err)
		}
		return template.CSS(b)
	}()
	// pagePolicy allows the one inline stylesheet (by its hash) and nothing
	// else: no script, no outside source, forms post only here, no framing.
	pagePolicy = func() string {
		sum := sha256.Sum256([]byte(pageCSS))
		return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
			"img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	}()
	pageTemplates = func() map[string]*template.Template {
		m := map[string]*template.Template{}
		for _, name := range []string{"case", "survey", "message"} {
			m[name] = template.Must(template.New(name).ParseFS(pageFiles, "pages/layout.html", "pages/"+name+".html"))
		}
		return m
	}()
)

// Token purposes, as activities sign them.
const (
	purposeCase   = "c"
	purposeSurvey = "s"
)

// maxComment bounds a survey comment.
const maxComment = 5000

// customerRoutes adds the customer's pages to e.
func (s *Server) customerRoutes(e *echo.Echo) {
	// Route middleware, not a group's: a group's would answer every unknown
	// path of the server with its own 404.
	e.GET("/c/:token", s.page(s.casePage), pageHeaders)
	e.POST("/c/:token/reopen", s.page(s.caseAction(caseflow.UpdateReopen)), pageHeaders)
	e.POST("/c/:token/escalate", s.page(s.caseAction(caseflow.UpdateCustomerEscalate)), pageHeaders)
	e.GET("/s/:token", s.page(s.surveyPage), pageHeaders)
	e.POST("/s/:token", s.page(s.answerSurvey), pageHeaders)
}

// pageHeaders keeps the pages private and unframeable: the URL is a secret,
// so it must not leak through Referer, caches or another site's frame.
func pageHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", pagePolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		return next(c)
	}
}

// pageData is what every page template reads.
type pageData struct {
	Title   string
	Company string
	CSS     template.CSS
	Notice  string   // a success, announced politely
	Problem string   // something went wrong, announced at once
	Message []string // the paragraphs of a message page
	Case    *casePageData
	Survey  *surveyPageData
}

// render writes a page; a template failure is a bug, answered as a 500 page.
func (s *Server) render(c echo.Context, status int, name string, d pageData) error {
	d.Company = s.policy.Company
	if d.Company == "" {
		d.Company = "Customer Support"
	}
	d.CSS = pageCSS
	var buf bytes.Buffer
	if err := pageTemplates[name].ExecuteTemplate(&buf, "layout", d); err != nil {
		s.log.ErrorContext(c.Request().Context(), "page not rendered", "page", name, "error", err, "request_id", requestID(c))
		return c.HTML(http.StatusInternalServerError, "<!DOCTYPE html><html lang=\"en\"><title>Sorry</title><p>Sorry, something went wrong on our side. Please try again later.</p></html>")
	}
	return c.HTMLBlob(status, buf.Bytes())
}

func (s *Server) message(c echo.Context, status int, title string, paragraphs ...string) error {
	return s.render(c, status, "message", pageData{Title: title, Message: paragraphs})
}

// page turns any error a page handler returns into a kind page: customers
// never see a JSON error or a stack trace.
func (s *Server) page(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := h(c)
		if err == nil {
			return nil
		}
		e := s.appError(c, err)
		switch e.Code {
		case caseflow.ENOTFOUND:
			return s.message(c, http.StatusNotFound, "We couldn't find this case",
				"The link may be incomplete. Please open it again from the email we sent you.")
		case caseflow.ETOOLARGE:
			return s.message(c, http.StatusRequestEntityTooLarge, "That was too long for us",
				"Please shorten your message and try again.")
		case caseflow.EUNAVAILABLE, caseflow.ERATELIMIT:
			return s.message(c, http.StatusServiceUnavailable, "Please try again in a few minutes",
				"We couldn't reach our case system just now. Nothing was lost: please try again shortly.")
		}
		return s.message(c, http.StatusInternalServerError, "Sorry, something went wrong",
			"Something went wrong on our side. Please try again later, or reply to any email we sent you.")
	}
}

// verify checks a link's token; on a bad or expired one it has already
// answered with a kind page and ok is false.
func (s *Server) verify(c echo.Context, purpose string) (subject string, ok bool, err error) {
	subject, verr := token.Verify(s.linkSecret, purpose, c.Param("token"), s.now())
	if len(s.linkSecret) == 0 {
		verr = token.ErrInvalid
	}
	switch {
	case errors.Is(verr, token.ErrExpired):
		return "", false, s.message(c, http.StatusGone, "This link has expired",
			"For your security, the links in our emails only work for a while.",
			"To ask about your case, simply reply to any email we sent you and we'll pick it up from there.")
	case verr != nil:
		return "", false, s.message(c, http.StatusBadRequest, "This link isn't valid",
			"It may have been cut short when it was copied. Please open it again from the email we sent you, or reply to that email and we'll help.")
	}
	return subject, true, nil
}

// --- The case status page ---

// casePageData is the case as its customer may see it: nothing internal
// (notes, internal reasons, staff addresses) ever gets here.
type casePageData struct {
	Number, Subject, Status string
	ExpectedBy, Opened      string
	ReopenUntil             string
	Timeline                []publicEvent
	CanReopen, CanEscalate  bool
	AtTop                   bool
	ReopenURL, EscalateURL  string
	MaxText                 int
	// What the customer typed, kept when a form comes back with a problem.
	ReopenReason, ReopenError     string
	EscalateReason, EscalateError string
}

// publicEvent is one line of the customer's timeline.
type publicEvent struct {
	ISO, When string
	What      string
	Said      string // words the customer or our team wrote, shown as they were
}

// statusLabels says each status in the customer's words.
var statusLabels = map[caseflow.Status]string{
	caseflow.StatusNew:               "Received",
	caseflow.StatusAcknowledged:      "Received – we're on it",
	caseflow.StatusInProgress:        "In progress",
	caseflow.StatusWaitingOnCustomer: "Waiting for your reply",
	caseflow.StatusEscalated:         "With our senior team",
	caseflow.StatusResolved:          "Resolved",
	caseflow.StatusReopened:          "Reopened – we're on it",
	caseflow.StatusClosed:            "Closed",
}

// teamLabels names the tiers for customers.
var teamLabels = map[string]string{
	string(caseflow.TierAgent):      "support team",
	string(caseflow.TierTeamLead):   "team leads",
	string(caseflow.TierSupervisor): "supervisors",
	string(caseflow.TierManager):    "customer service managers",
}

// publicEvents keeps the events a customer may see, each in their words.
// It is a list of what to show, never of what to hide: a new event type
// stays private until someone decides otherwise here.
func publicEvents(events []caseflow.Event, loc *time.Location) []publicEvent {
	var out []publicEvent
	for _, e := range events {
		str := func(key string) string { s, _ := e.Data[key].(string); return s }
		var p publicEvent
		switch e.Type {
		case caseflow.EventOpened:
			p.What = "We received your request."
			if rel := str("related_to"); rel != "" {
				p.What = "We received your message about case " + rel + ", which had already closed, and opened this new case for it."
			}
		case caseflow.EventAcknowledged:
			p.What = "We confirmed your request by email."
		case caseflow.EventInteraction:
			switch caseflow.InteractionKind(str("kind")) {
			case caseflow.InteractionReply:
				p.What, p.Said = "Our team replied:", str("body")
			case caseflow.InteractionCall:
				p.What = "We spoke with you by phone."
			case caseflow.InteractionChat:
				p.What = "We chatted with you."
			}
		case caseflow.EventCustomerReplied:
			p.What, p.Said = "You wrote:", str("body")
		case caseflow.EventEscalated, caseflow.EventRouted:
			to := str("to")
			if e.Type == caseflow.EventRouted {
				to = str("tier")
			}
			if team := teamLabels[to]; team != "" {
				p.What = "Your case was passed to our " + team + " for a closer look."
			}
		case caseflow.EventResolved:
			p.What, p.Said = "We resolved your case:", str("resolution")
		case caseflow.EventReopened:
			p.What = "Your case was reopened."
		case caseflow.EventClosed:
			p.What = "Your case was closed."
		}
		if p.What == "" {
			continue
		}
		p.ISO, p.When = e.At.UTC().Format(time.RFC3339), mail.FormatTime(e.At, loc)
		out = append(out, p)
	}
	return out
}

// casePage is GET /c/<token>.
func (s *Server) casePage(c echo.Context) error {
	number, ok, err := s.verifyCase(c)
	if !ok {
		return err
	}
	d := pageData{}
	switch c.QueryParam("done") {
	case "reopened":
		d.Notice = "Your case is open again. We'll be in touch by email."
	case "escalated":
		d.Notice = "Thank you. We've passed your request to a supervisor, who will be in touch."
	}
	return s.showCase(c, http.StatusOK, number, d)
}

func (s *Server) verifyCase(c echo.Context) (string, bool, error) {
	number, ok, err := s.verify(c, purposeCase)
	if ok && !caseflow.ValidNumber(number) {
		return "", false, s.message(c, http.StatusBadRequest, "This link isn't valid", "Please open it again from the email we sent you.")
	}
	return number, ok, err
}

// showCase renders the case page with d's notice, problem and form state.
func (s *Server) showCase(c echo.Context, status int, number string, d pageData) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), temporalTimeout)
	defer cancel()
	cs, err := s.liveCase(ctx, number)
	if err != nil {
		return err
	}
	events, err := s.store.Timeline(ctx, number)
	if err != nil {
		return err
	}
	p, err := s.pinnedPolicy(ctx, cs.PolicyVersion)
	if err != nil {
		p = s.policy
	}
	loc, now := p.Location(), s.now()
	base := "/c/" + url.PathEscape(c.Param("token"))
	v := d.Case
	if v == nil {
		v = &casePageData{}
	}
	v.Number, v.Subject, v.Status = cs.Number, cs.Subject, statusLabels[cs.Status]
	v.Opened = mail.FormatTime(cs.CreatedAt, loc)
	v.Timeline = publicEvents(events, loc)
	v.ReopenURL, v.EscalateURL, v.MaxText = base+"/reopen", base+"/escalate", maxText
	if cs.Status.Open() && cs.ExpectedBy != nil {
		v.ExpectedBy = mail.FormatTime(*cs.ExpectedBy, loc)
	}
	if !cs.Status.Open() && cs.ReopenUntil != nil && now.Before(*cs.ReopenUntil) {
		v.CanReopen = true
		v.ReopenUntil = mail.FormatTime(*cs.ReopenUntil, loc)
	}
	v.AtTop = cs.Tier == p.TopTier()
	v.CanEscalate = cs.Status.Open() && !v.AtTop
	d.Title, d.Case = "Case "+cs.Number, v
	return s.render(c, status, "case", d)
}

// caseAction handles the reopen and escalate forms: a reason is required;
// the workflow decides, and a refusal is said kindly on the page.
func (s *Server) caseAction(update string) echo.HandlerFunc {
	return func(c echo.Context) error {
		number, ok, err := s.verifyCase(c)
		if !ok {
			return err
		}
		reason := strings.TrimSpace(c.FormValue("reason"))
		v := &casePageData{}
		field, msg := &v.ReopenError, "Please tell us what is still wrong."
		v.ReopenReason = reason
		var arg any = caseflow.Reopen{Reason: reason} // the zero User: the customer
		done := "reopened"
		if update == caseflow.UpdateCustomerEscalate {
			field, msg = &v.EscalateError, "Please tell us why you would like a supervisor."
			v.ReopenReason, v.EscalateReason = "", reason
			arg, done = caseflow.CustomerEscalate{Reason: reason}, "escalated"
		}
		switch {
		case reason == "":
			*field = msg
		case utf8.RuneCountInString(reason) > maxText:
			*field = fmt.Sprintf("Please keep it under %d characters.", maxText)
		}
		if *field != "" {
			return s.showCase(c, http.StatusBadRequest, number, pageData{Case: v, Problem: "Please check the form below."})
		}
		err = s.customerUpdate(c, number, update, arg)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/c/"+url.PathEscape(c.Param("token"))+"?done="+done)
		}
		var e *caseflow.Error
		if !errors.As(err, &e) || (e.Code != caseflow.ECONFLICT && e.Code != caseflow.EINVALID && e.Code != caseflow.EFORBIDDEN) {
			return err
		}
		status := http.StatusConflict
		if e.Code == caseflow.EINVALID {
			status = http.StatusBadRequest
		}
		return s.showCase(c, status, number, pageData{Case: v, Problem: s.kindRefusal(c, number, update)})
	}
}

// kindRefusal says why the case could not do what the customer asked, from
// the case as it stands (the workflow's own reason is written for staff).
func (s *Server) kindRefusal(c echo.Context, number, update string) string {
	ctx, cancel := context.WithTimeout(c.Request().Context(), temporalTimeout)
	defer cancel()
	cs, err := s.liveCase(ctx, number)
	open := err == nil && cs.Status.Open()
	switch {
	case update == caseflow.UpdateReopen && open:
		return "Your case is already open, so there's no need to reopen it. We'll be in touch."
	case update == caseflow.UpdateReopen:
		return "The time to reopen this case has passed. Just reply to any email we sent you and we'll open a new case for you."
	case !open:
		return "This case is resolved, so we can't pass it to a supervisor. If you need more help, reopen it below or reply to any email we sent you."
	}
	return "We couldn't pass your case on just now. Please reply to any email we sent you and we'll make sure the right person sees it."
}

// customerUpdate sends an update on the customer's behalf; the error, if
// any, is an application error (a refusal, a case that has run its course,
// an unavailable Temporal).
func (s *Server) customerUpdate(c echo.Context, number, update string, arg any) error {
	if _, err := s.update(c.Request().Context(), number, "", update, arg); err != nil {
		return s.appError(c, err)
	}
	return nil
}

// --- The survey ---

// surveyPageData is the survey form.
type surveyPageData struct {
	Number, Subject, URL              string
	CSATScale, NPSScale               []choice
	Comment                           string
	MaxComment                        int
	CSATError, NPSError, CommentError string
}

type choice struct {
	Value   int
	Label   string
	Checked bool
}

// verifySurvey checks a survey link and finds its survey on the case.
func (s *Server) verifySurvey(c echo.Context) (id string, cs caseflow.Case, ok bool, err error) {
	id, ok, err = s.verify(c, purposeSurvey)
	if !ok {
		return "", cs, false, err
	}
	number, _, _ := strings.Cut(id, "/")
	if !caseflow.ValidNumber(number) {
		return "", cs, false, s.message(c, http.StatusBadRequest, "This link isn't valid", "Please open it again from the email we sent you.")
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), temporalTimeout)
	defer cancel()
	if cs, err = s.liveCase(ctx, number); err != nil {
		return "", cs, false, err
	}
	return id, cs, true, nil
}

// surveyClosed answers for a survey that takes no answer (ok false), or
// lets the form through.
// answered is the title, and answeredStatus the status, for a survey
// already answered (a second submit is a conflict, a visit is not).
func (s *Server) surveyClosed(c echo.Context, id string, cs caseflow.Case, answered string, answeredStatus int) (bool, error) {
	sv := cs.Survey
	switch {
	case sv == nil || sv.ID != id || sv.Status == caseflow.SurveyScheduled:
		return true, s.message(c, http.StatusGone, "This survey is no longer open",
			"Thank you for wanting to tell us how we did. This survey has been replaced or closed.")
	case sv.Status == caseflow.SurveyAnswered:
		return true, s.message(c, answeredStatus, answered,
			"We read every answer. If there's anything else, just reply to any email we sent you.")
	case sv.Status == caseflow.SurveyCancelled:
		return true, s.message(c, http.StatusGone, "This survey was withdrawn",
			"Your case was reopened, so we're still working on it. We'll ask for your feedback again once it's resolved.")
	case sv.Status == caseflow.SurveyExpired || (sv.ExpiresAt != nil && !s.now().Before(*sv.ExpiresAt)):
		return true, s.message(c, http.StatusGone, "This survey has closed",
			"Thank you for thinking of us. The survey for this case is no longer open, but you can always reply to any email we sent you.")
	}
	return false, nil
}

// surveyPage is GET /s/<token>.
func (s *Server) surveyPage(c echo.Context) error {
	id, cs, ok, err := s.verifySurvey(c)
	if !ok {
		return err
	}
	title := "You already answered – thank you"
	if c.QueryParam("done") == "1" {
		title = "Thank you for your answers"
	}
	if closed, err := s.surveyClosed(c, id, cs, title, http.StatusOK); closed {
		return err
	}
	return s.showSurvey(c, http.StatusOK, cs, &surveyPageData{}, "")
}

func (s *Server) showSurvey(c echo.Context, status int, cs caseflow.Case, v *surveyPageData, problem string) error {
	csat, _ := strconv.Atoi(c.FormValue("csat"))
	nps, npsErr := strconv.Atoi(c.FormValue("nps"))
	v.Number, v.Subject, v.MaxComment = cs.Number, cs.Subject, maxComment
	v.URL = "/s/" + url.PathEscape(c.Param("token"))
	csatLabels := []string{"", "1 – Very dissatisfied", "2 – Dissatisfied", "3 – Neutral", "4 – Satisfied", "5 – Very satisfied"}
	v.CSATScale, v.NPSScale = nil, nil
	for i := 1; i <= 5; i++ {
		v.CSATScale = append(v.CSATScale, choice{Value: i, Label: csatLabels[i], Checked: c.Request().Method == http.MethodPost && i == csat})
	}
	for i := 0; i <= 10; i++ {
		v.NPSScale = append(v.NPSScale, choice{Value: i, Label: strconv.Itoa(i), Checked: c.Request().Method == http.MethodPost && npsErr == nil && i == nps})
	}
	return s.render(c, status, "survey", pageData{Title: "How did we do?", Survey: v, Problem: problem})
}

// answerSurvey is POST /s/<token>: the answer goes to the case once; a
// second one is refused kindly.
func (s *Server) answerSurvey(c echo.Context) error {
	id, cs, ok, err := s.verifySurvey(c)
	if !ok {
		return err
	}
	if closed, err := s.surveyClosed(c, id, cs, "You already answered – thank you", http.StatusConflict); closed {
		return err
	}
	v := &surveyPageData{Comment: strings.TrimSpace(c.FormValue("comment"))}
	csat, err1 := strconv.Atoi(c.FormValue("csat"))
	nps, err2 := strconv.Atoi(c.FormValue("nps"))
	if err1 != nil || csat < 1 || csat > 5 {
		v.CSATError = "Please choose a score from 1 to 5."
	}
	if err2 != nil || nps < 0 || nps > 10 {
		v.NPSError = "Please choose a score from 0 to 10."
	}
	if utf8.RuneCountInString(v.Comment) > maxComment {
		v.CommentError = fmt.Sprintf("Please keep your comment under %d characters.", maxComment)
	}
	if v.CSATError != "" || v.NPSError != "" || v.CommentError != "" {
		return s.showSurvey(c, http.StatusBadRequest, cs, v, "Please check your answers below.")
	}
	err = s.customerUpdate(c, cs.Number, caseflow.UpdateSurveyAnswer,
		caseflow.SurveyAnswer{SurveyID: id, CSAT: csat, NPS: nps, Comment: v.Comment})
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/s/"+url.PathEscape(c.Param("token"))+"?done=1")
	}
	var e *caseflow.Error
	if !errors.As(err, &e) || (e.Code != caseflow.ECONFLICT && e.Code != caseflow.EINVALID) {
		return err
	}
	// Refused: most likely answered a moment ago in another tab. Say what
	// the survey's state is now.
	ctx, cancel := context.WithTimeout(c.Request().Context(), temporalTimeout)
	defer cancel()
	if now, lerr := s.liveCase(ctx, cs.Number); lerr == nil {
		cs = now
	}
	if closed, err := s.surveyClosed(c, id, cs, "You already answered – thank you", http.StatusConflict); closed {
		return err
	}
	return s.showSurvey(c, http.StatusBadRequest, cs, v, "We couldn't record your answer. Please check it and try again.")
}
