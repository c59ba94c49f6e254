package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"caseflow"
	"caseflow/postgres"
)

// Service recovery, SOP exceptions and their approvals (SPEC steps 5 and 6).
// The case workflow decides whether a request is within the requester's
// authority; the approval workflow's validator decides who may approve.

// approvalStore is what the approvals endpoints read.
type approvalStore interface {
	GetApproval(ctx context.Context, id string) (caseflow.Approval, error)
	ListApprovals(ctx context.Context, f postgres.ApprovalFilter) ([]caseflow.Approval, error)
}

// recoveryRequest is the body of POST /cases/{number}/recovery-actions.
type recoveryRequest struct {
	Action        caseflow.RecoveryKind `json:"action"`
	Percent       float64               `json:"percent"`
	Value         float64               `json:"value"`
	Details       string                `json:"details"`
	Justification string                `json:"justification"`
}

func (r *recoveryRequest) action() caseflow.RecoveryAction {
	return caseflow.RecoveryAction{Kind: r.Action, Percent: r.Percent, Value: r.Value, Details: r.Details}
}

func (r *recoveryRequest) check(f caseflow.Fields) {
	r.action().Check(f)
	text(f, "details", r.Details, false, maxText)
	text(f, "justification", r.Justification, true, maxText)
}

func (r *recoveryRequest) payload(by caseflow.User) any {
	return caseflow.RecoveryRequest{Action: r.action(), Justification: r.Justification, By: by}
}

// exceptionRequest is the body of POST /cases/{number}/exceptions. Kind is
// an optional short label ("refund without receipt") by which repeats are
// counted; without it the deviation is the label.
type exceptionRequest struct {
	Deviation     string `json:"deviation"`
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

func (r *exceptionRequest) check(f caseflow.Fields) {
	text(f, "deviation", r.Deviation, true, maxText)
	text(f, "kind", r.Kind, false, maxName)
	text(f, "justification", r.Justification, true, maxText)
}

func (r *exceptionRequest) payload(by caseflow.User) any {
	return caseflow.ExceptionRequest{Deviation: r.Deviation, Kind: r.Kind, Justification: r.Justification, By: by}
}

// exceptionFormRequest is the body of POST /cases/{number}/exceptions/{id}/form.
type exceptionFormRequest struct {
	WhatWasDone string `json:"what_was_done"`
	Why         string `json:"why"`
}

func (r *exceptionFormRequest) check(f caseflow.Fields) {
	text(f, "what_was_done", r.WhatWasDone, true, maxText)
	text(f, "why", r.Why, true, maxText)
}

// decisionRequest is the body of POST /cases/{number}/approvals/{id}/decision.
type decisionRequest struct {
	Decision caseflow.DecisionKind `json:"decision"`
	Note     string                `json:"note"`
}

func (r *decisionRequest) check(f caseflow.Fields) {
	enum(f, "decision", r.Decision, caseflow.DecisionKinds, true)
	// The requester must learn why they were turned down.
	text(f, "note", r.Note, r.Decision == caseflow.DecisionReject, maxText)
}

// requestAnswerJSON answers a recovery action or exception request: status
// granted, or pending with approval_id; and the case.
type requestAnswerJSON struct {
	caseflow.RequestAnswer
	Case caseJSON `json:"case"`
}

// ask handles a request that may need approval (a recovery action, an SOP
// exception), whose body is a T, sent to the case as the named update.
func ask[T any, C interface {
	*T
	command
}](s *Server, update string) echo.HandlerFunc {
	return onCommand[T, C](func(c echo.Context, number, key string, payload any) error {
		ctx := c.Request().Context()
		ans, err := sendUpdate[caseflow.RequestAnswer](ctx, s, caseflow.WorkflowID(number), update, key, payload)
		if isNotFound(err) {
			return s.gone(ctx, number)
		}
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, requestAnswerJSON{RequestAnswer: ans, Case: s.caseJSON(ans.Case)})
	})
}

// approvalParam is the {id} of the path: an approval of case number.
func approvalParam(c echo.Context, f caseflow.Fields, number string) string {
	id := c.Param("id")
	f.Check(caseflow.ApprovalOf(id) == number && number != "", "id", "must be an approval of case "+number+", such as "+caseflow.ApprovalID(number, 1))
	return id
}

// exceptionForm is POST /cases/{number}/exceptions/{id}/form: what was done
// under an approved exception, and why.
func (s *Server) exceptionForm(c echo.Context) error {
	f := caseflow.Fields{}
	number := caseNumber(c, f)
	id := approvalParam(c, f, number)
	key := idempotencyKey(c, f)
	var body exceptionFormRequest
	if err := decode(c, f, &body); err != nil {
		return err
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.runUpdate(c, number, key, caseflow.UpdateExceptionForm,
		caseflow.ExceptionForm{ApprovalID: id, WhatWasDone: body.WhatWasDone, Why: body.Why, By: user(c)})
}

// decide is POST /cases/{number}/approvals/{id}/decision: an update on the
// approval's own workflow, whose validator says who may decide. It answers
// with the approval once the decision is on the case's timeline.
func (s *Server) decide(c echo.Context) error {
	f := caseflow.Fields{}
	number := caseNumber(c, f)
	id := approvalParam(c, f, number)
	key := idempotencyKey(c, f)
	var body decisionRequest
	if err := decode(c, f, &body); err != nil {
		return err
	}
	if err := f.Err(); err != nil {
		return err
	}
	a, err := s.sendDecision(c.Request().Context(), id, key, caseflow.Decision{Decision: body.Decision, Note: body.Note, By: user(c)})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

// sendDecision sends a decision to the approval's workflow and answers with
// the approval decided. A workflow that has ended was decided, expired or
// withdrawn: its last recorded state says why, as its validator would have.
func (s *Server) sendDecision(ctx context.Context, id, key string, d caseflow.Decision) (caseflow.Approval, error) {
	a, err := sendUpdate[caseflow.Approval](ctx, s, caseflow.ApprovalWorkflowID(id), caseflow.UpdateDecide, key, d)
	if !isNotFound(err) {
		return a, err
	}
	if a, err = s.store.GetApproval(ctx, id); err != nil {
		return caseflow.Approval{}, err
	}
	if e := a.CheckDecider(d.By); e != nil {
		return caseflow.Approval{}, e
	}
	return caseflow.Approval{}, caseflow.Errorf(caseflow.ECONFLICT, "approval %s is no longer running", id)
}

// approvalsJSON is GET /approvals.
type approvalsJSON struct {
	Approvals []caseflow.Approval `json:"approvals"`
}

// inbox is GET /approvals: what the caller's tier may decide, pending ones
// by the oldest deadline first; ?status= for the decided (approved,
// rejected), expired or withdrawn; ?number= for one case.
func (s *Server) inbox(c echo.Context) error {
	q := newQuery(c, "status", "number", "limit")
	statuses := queryEnums(q, "status", caseflow.ApprovalStatuses)
	number := q.get("number")
	q.bad.Check(number == "" || caseflow.ValidNumber(number), "number", "must be a case number such as CS-2026-000123")
	n := q.limit()
	if err := q.bad.Err(); err != nil {
		return err
	}
	if len(statuses) == 0 {
		statuses = []caseflow.ApprovalStatus{caseflow.ApprovalPending}
	}
	tier, _ := user(c).Role.Tier()
	approvals, err := s.store.ListApprovals(c.Request().Context(), postgres.ApprovalFilter{Tier: tier, Statuses: statuses, Number: number, Limit: n})
	if err != nil {
		return err
	}
	if approvals == nil {
		approvals = []caseflow.Approval{}
	}
	return c.JSON(http.StatusOK, approvalsJSON{approvals})
}
