package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"caseflow"
	"caseflow/postgres"
)

// The approvals inbox (team leads and up) and the approvals on a case:
// recovery actions and SOP exceptions that wait for someone with the
// authority, decided through the approval workflow's own update, whose
// validator says who may decide.

// approvalView is one approval as a page shows it, with its decision form
// when the user may decide it now and its exception form when one is due.
type approvalView struct {
	caseflow.Approval
	Tone      string
	Left      string // the deadline as time left or overdue
	CanDecide bool
	Decide    *formState
	FormDue   bool // an exception form the user may complete now
	ExcForm   *formState
}

func (u *ui) approvalViews(usr caseflow.User, approvals []caseflow.Approval, failed *failedForm, formOffered bool) []approvalView {
	now := u.now()
	out := make([]approvalView, 0, len(approvals))
	for _, a := range approvals {
		v := approvalView{Approval: a, Tone: approvalTone(a.Status), Decide: newForm(), ExcForm: newForm()}
		if a.Status == caseflow.ApprovalPending && a.Due != nil {
			left := a.Due.Sub(now)
			switch {
			case left <= 0:
				v.Tone, v.Left = toneBreach, "overdue by "+duration(left)
			case left < time.Hour:
				v.Tone, v.Left = toneWarn, duration(left)+" left"
			default:
				v.Left = duration(left) + " left"
			}
		}
		v.CanDecide = a.CheckDecider(usr) == nil &&
			u.mayCallAPI(usr.Role, http.MethodPost, "/cases/:number/approvals/:id/decision")
		v.FormDue = formOffered && a.Kind == caseflow.ApprovalException && a.FormDue != nil && a.Form == nil
		if failed != nil {
			switch failed.action {
			case "decide:" + a.ID:
				v.Decide = failed.form
			case "exception-form:" + a.ID:
				v.ExcForm = failed.form
			}
		}
		out = append(out, v)
	}
	return out
}

func approvalTone(s caseflow.ApprovalStatus) string {
	switch s {
	case caseflow.ApprovalApproved, caseflow.ApprovalGranted:
		return toneOK
	case caseflow.ApprovalRejected, caseflow.ApprovalExpired:
		return toneBreach
	case caseflow.ApprovalWithdrawn:
		return tonePaused
	}
	return toneWarn
}

type inboxPage struct {
	page
	Pending []approvalView
	Decided []approvalView
	Done    string
}

// approvals is GET /ui/approvals: what the user's tier may decide, the most
// urgent first, and the latest decisions.
func (u *ui) approvals(c echo.Context) error {
	p, err := u.inboxData(c, nil)
	if err != nil {
		return err
	}
	switch c.QueryParam("done") {
	case string(caseflow.DecisionApprove):
		p.Done = "Approved. The case has the decision and goes on."
	case string(caseflow.DecisionReject):
		p.Done = "Rejected. The requester sees your note on the case."
	}
	return u.render(c, http.StatusOK, "approvals", p)
}

func (u *ui) inboxData(c echo.Context, failed *failedForm) (inboxPage, error) {
	p := inboxPage{}
	p.page = u.newPage(c, "Approvals")
	tier, _ := p.User.Role.Tier()
	ctx := c.Request().Context()
	pending, err := u.store.ListApprovals(ctx, postgres.ApprovalFilter{Tier: tier, Statuses: []caseflow.ApprovalStatus{caseflow.ApprovalPending}, Limit: 200})
	if err != nil {
		return p, err
	}
	decided, err := u.store.ListApprovals(ctx, postgres.ApprovalFilter{Tier: tier, Limit: 20, Statuses: []caseflow.ApprovalStatus{
		caseflow.ApprovalApproved, caseflow.ApprovalRejected, caseflow.ApprovalExpired, caseflow.ApprovalWithdrawn}})
	if err != nil {
		return p, err
	}
	p.Pending = u.approvalViews(p.User, pending, failed, false)
	p.Decided = u.approvalViews(p.User, decided, nil, false)
	return p, nil
}

// decide is POST /ui/approvals/{id}: approve or reject, with a note, from the
// inbox or from the case (from=case).
func (u *ui) decide(c echo.Context) error {
	id := c.Param("id")
	number := caseflow.ApprovalOf(id)
	if number == "" {
		return caseflow.Errorf(caseflow.ENOTFOUND, "there is no approval %q", id)
	}
	v, err := c.FormParams()
	if err != nil {
		return err
	}
	key := formKey(v)
	body := decisionRequest{Decision: caseflow.DecisionKind(v.Get("decision")), Note: strings.TrimSpace(v.Get("note"))}
	f := caseflow.Fields{}
	body.check(f)
	if err = f.Err(); err == nil {
		_, err = u.sendDecision(c.Request().Context(), id, key, caseflow.Decision{Decision: body.Decision, Note: body.Note, By: user(c)})
	}
	fromCase := v.Get("from") == "case"
	if err == nil {
		if fromCase {
			return c.Redirect(http.StatusSeeOther, uiPrefix+"/cases/"+number+"?done=decided-"+string(body.Decision))
		}
		return c.Redirect(http.StatusSeeOther, uiPrefix+"/approvals?done="+string(body.Decision))
	}
	e := u.appError(c, err)
	form := &formState{Key: key, Values: v, Err: e}
	if e.Code != caseflow.EUNAVAILABLE {
		form.Key = randomToken()
	}
	failed := &failedForm{"decide:" + id, form}
	if fromCase {
		c.SetParamNames("number")
		c.SetParamValues(number)
		p, err := u.workspaceData(c, failed)
		if err != nil {
			return err
		}
		return u.render(c, httpStatus(e.Code), "case", p)
	}
	p, err := u.inboxData(c, failed)
	if err != nil {
		return err
	}
	if !slicesContainsApproval(p.Pending, id) {
		// Decided by someone else meanwhile: say so above the list.
		p.Done = ""
		p.Pending = append([]approvalView{{Approval: caseflow.Approval{ID: id, Number: number, Summary: "this request"},
			Decide: form, Tone: toneBreach}}, p.Pending...)
	}
	return u.render(c, httpStatus(e.Code), "approvals", p)
}

func slicesContainsApproval(vs []approvalView, id string) bool {
	for _, v := range vs {
		if v.ID == id {
			return true
		}
	}
	return false
}
