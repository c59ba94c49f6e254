package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"caseflow"
)

// command is the body of an action on a case (POST /cases/{number}/...): it
// names its bad fields and becomes the payload of the workflow update.
type command interface {
	checker
	payload(by caseflow.User) any
}

// act handles an action whose body is a T, sent as the named update.
func act[T any, C interface {
	*T
	command
}](s *Server, update string) echo.HandlerFunc {
	return func(c echo.Context) error {
		f := caseflow.Fields{}
		number := caseNumber(c, f)
		key := idempotencyKey(c, f)
		body := C(new(T))
		if err := decode(c, f, body); err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		return s.runUpdate(c, number, key, update, body.payload(user(c)))
	}
}

// runUpdate sends an update to the case's workflow, waits until it has been
// applied and recorded, and answers with the case it returns. The workflow
// decides: a rejection comes back as 400, 403 or 409 with its reason.
func (s *Server) runUpdate(c echo.Context, number, key, update string, arg any) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), temporalTimeout)
	defer cancel()
	opts := client.UpdateWorkflowOptions{
		WorkflowID:   caseflow.WorkflowID(number),
		UpdateName:   update,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	}
	if key != "" {
		// A retried request then gets the first attempt's answer instead of
		// acting twice; the update's name keeps one key from covering two actions.
		opts.UpdateID = update + ":" + key
	}
	h, err := s.temporal.UpdateWorkflow(ctx, opts)
	var cs caseflow.Case
	if err == nil {
		err = h.Get(ctx, &cs)
	}
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return s.gone(ctx, number)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.caseJSON(cs))
}

// gone explains why a case has no running workflow: it never existed, or it
// closed and its reopen window ended, after which nothing can change it.
func (s *Server) gone(ctx context.Context, number string) error {
	if _, err := s.store.GetCase(ctx, number); err != nil {
		return err
	}
	return caseflow.Errorf(caseflow.ECONFLICT, "case %s is closed and its reopen window has ended; open a new case", number)
}

type interactionRequest struct {
	Kind          caseflow.InteractionKind `json:"kind"`
	Body          string                   `json:"body"`
	HandleSeconds int64                    `json:"handle_seconds"`
}

func (r *interactionRequest) check(f caseflow.Fields) {
	enum(f, "kind", r.Kind, caseflow.InteractionKinds, true)
	text(f, "body", r.Body, true, maxText)
	f.Check(r.HandleSeconds >= 0 && r.HandleSeconds <= 86400, "handle_seconds", "must be from 0 to 86400")
}

func (r *interactionRequest) payload(by caseflow.User) any {
	return caseflow.Interaction{Kind: r.Kind, Body: r.Body, HandleSeconds: r.HandleSeconds, By: by}
}

type assignRequest struct {
	Assignee string `json:"assignee"`
}

func (r *assignRequest) check(f caseflow.Fields) { email(f, "assignee", r.Assignee, true) }

func (r *assignRequest) payload(by caseflow.User) any {
	return caseflow.Assign{Assignee: r.Assignee, By: by}
}

type priorityRequest struct {
	Priority caseflow.Priority `json:"priority"`
	Reason   string            `json:"reason"`
}

func (r *priorityRequest) check(f caseflow.Fields) {
	enum(f, "priority", r.Priority, caseflow.Priorities, true)
	text(f, "reason", r.Reason, true, maxText)
}

func (r *priorityRequest) payload(by caseflow.User) any {
	return caseflow.PriorityChange{Priority: r.Priority, Reason: r.Reason, By: by}
}

type flagsRequest struct {
	Flags  []caseflow.Flag `json:"flags"`
	Reason string          `json:"reason"`
}

func (r *flagsRequest) check(f caseflow.Fields) {
	f.Check(len(r.Flags) > 0, "flags", "must name at least one flag")
	for _, flag := range r.Flags {
		enum(f, "flags", flag, caseflow.Flags, true)
	}
	text(f, "reason", r.Reason, false, maxText)
}

func (r *flagsRequest) payload(by caseflow.User) any {
	return caseflow.RaiseFlags{Flags: r.Flags, Reason: r.Reason, By: by}
}

type waitRequest struct {
	Reason string `json:"reason"`
}

func (r *waitRequest) check(f caseflow.Fields) { text(f, "reason", r.Reason, true, maxText) }

func (r *waitRequest) payload(by caseflow.User) any { return caseflow.Wait{Reason: r.Reason, By: by} }

type customerReplyRequest struct {
	Body string `json:"body"`
}

func (r *customerReplyRequest) check(f caseflow.Fields) { text(f, "body", r.Body, true, maxText) }

func (r *customerReplyRequest) payload(by caseflow.User) any {
	return caseflow.CustomerReply{Body: r.Body, Via: "api", By: by}
}

type escalateRequest struct {
	Reason string `json:"reason"`
}

func (r *escalateRequest) check(f caseflow.Fields) { text(f, "reason", r.Reason, true, maxText) }

func (r *escalateRequest) payload(by caseflow.User) any {
	return caseflow.Escalate{Reason: r.Reason, By: by}
}

type acknowledgeRequest struct {
	Note string `json:"note"`
}

func (r *acknowledgeRequest) check(f caseflow.Fields) { text(f, "note", r.Note, false, maxText) }

func (r *acknowledgeRequest) payload(by caseflow.User) any {
	return caseflow.Acknowledge{Note: r.Note, By: by}
}

type resolveRequest struct {
	Resolution string `json:"resolution"`
	RootCause  string `json:"root_cause"`
}

func (r *resolveRequest) check(f caseflow.Fields) {
	text(f, "resolution", r.Resolution, true, maxText)
	text(f, "root_cause", r.RootCause, true, maxText)
}

func (r *resolveRequest) payload(by caseflow.User) any {
	return caseflow.Resolve{Resolution: r.Resolution, RootCause: r.RootCause, By: by}
}

type reopenRequest struct {
	Reason string `json:"reason"`
}

func (r *reopenRequest) check(f caseflow.Fields) { text(f, "reason", r.Reason, true, maxText) }

func (r *reopenRequest) payload(by caseflow.User) any {
	return caseflow.Reopen{Reason: r.Reason, By: by}
}

type closeRequest struct {
	Reason string `json:"reason"`
}

func (r *closeRequest) check(f caseflow.Fields) { text(f, "reason", r.Reason, false, maxText) }

func (r *closeRequest) payload(by caseflow.User) any { return caseflow.Close{Reason: r.Reason, By: by} }
