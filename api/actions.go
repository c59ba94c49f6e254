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
	return onCommand[T, C](func(c echo.Context, number, key string, payload any) error {
		return s.runUpdate(c, number, key, update, payload)
	})
}

// onCommand reads an action on a case whose body is a T (the case number,
// the Idempotency-Key, the body, naming every bad field) and hands the
// update's payload to send.
func onCommand[T any, C interface {
	*T
	command
}](send func(c echo.Context, number, key string, payload any) error) echo.HandlerFunc {
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
		return send(c, number, key, body.payload(user(c)))
	}
}

// runUpdate sends an update to the case's workflow and answers with the case
// it returns. The workflow decides: a rejection comes back as 400, 403 or 409
// with its reason.
func (s *Server) runUpdate(c echo.Context, number, key, update string, arg any) error {
	cs, err := s.update(c.Request().Context(), number, key, update, arg)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.caseJSON(cs))
}

// update sends an update to the case's workflow and waits until it has been
// applied and recorded; the JSON API and the web UI both act through it.
func (s *Server) update(ctx context.Context, number, key, name string, arg any) (caseflow.Case, error) {
	cs, err := sendUpdate[caseflow.Case](ctx, s, caseflow.WorkflowID(number), name, key, arg)
	if isNotFound(err) {
		return caseflow.Case{}, s.gone(ctx, number)
	}
	return cs, err
}

// sendUpdate sends an update to a workflow (a case's, or an approval's) and
// waits for its answer.
func sendUpdate[R any](ctx context.Context, s *Server, workflowID, name, key string, arg any) (R, error) {
	ctx, cancel := context.WithTimeout(ctx, temporalTimeout)
	defer cancel()
	opts := client.UpdateWorkflowOptions{
		WorkflowID:   workflowID,
		UpdateName:   name,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	}
	if key != "" {
		// A retried request then gets the first attempt's answer instead of
		// acting twice; the update's name keeps one key from covering two actions.
		opts.UpdateID = name + ":" + key
	}
	var out R
	h, err := s.temporal.UpdateWorkflow(ctx, opts)
	if err == nil {
		err = h.Get(ctx, &out)
	}
	return out, err
}

func isNotFound(err error) bool {
	var notFound *serviceerror.NotFound
	return errors.As(err, &notFound)
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
