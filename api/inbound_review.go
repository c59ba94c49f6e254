package api

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"caseflow"
	"caseflow/postgres"
)

// reviewRequest settles an inbound email kept for review: "attach" hands it
// to a case as the customer's reply (a customer who wrote from another
// address, say); "dismiss" closes it without a case (spam), with a note.
type reviewRequest struct {
	Action string `json:"action"`
	Number string `json:"number"`
	Note   string `json:"note"`
}

func (r *reviewRequest) check(f caseflow.Fields) {
	enum(f, "action", r.Action, []string{"attach", "dismiss"}, true)
	if r.Action == "attach" {
		f.Check(caseflow.ValidNumber(r.Number), "number", "must be the case number to attach the email to, such as CS-2026-000123")
	}
	text(f, "note", r.Note, r.Action == "dismiss", maxText)
}

// reviewInbound is POST /inbound/{id}.
func (s *Server) reviewInbound(c echo.Context) error {
	f := caseflow.Fields{}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	f.Check(err == nil && id > 0, "id", "must be the id of an inbound email")
	var body reviewRequest
	if err := decode(c, f, &body); err != nil {
		return err
	}
	if err := f.Err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	m, err := s.store.Inbound(ctx, id)
	if err != nil {
		return err
	}
	if !slices.Contains(postgres.InboundReview, m.Status) {
		return caseflow.Errorf(caseflow.ECONFLICT, "inbound email %d was already handled: %s", id, m.Status)
	}
	by := user(c)
	if body.Action == "dismiss" {
		if err := s.store.SetInboundStatus(ctx, id, postgres.InboundDismissed, "", "", "dismissed by "+by.Email+": "+body.Note); err != nil {
			return err
		}
	} else {
		// As an update, not a signal: a case closed for good refuses it with a
		// 409 instead of swallowing it, and the timeline has it on return.
		reply := caseflow.CustomerReply{Body: m.Text, Via: "email, attached by " + by.Email}
		if _, err := s.update(ctx, body.Number, "inbound-"+strconv.FormatInt(id, 10), caseflow.UpdateCustomerReply, reply); err != nil {
			return err
		}
		if err := s.store.SetInboundStatus(ctx, id, postgres.InboundReplied, body.Number, "", "attached by "+by.Email); err != nil {
			return err
		}
	}
	m, err = s.store.Inbound(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}
