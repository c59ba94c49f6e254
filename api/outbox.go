package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"caseflow"
	"caseflow/postgres"
)

// emailStates are the outbox states GET /outbox filters by.
var emailStates = []caseflow.EmailState{
	caseflow.EmailQueued, caseflow.EmailSending, caseflow.EmailSent, caseflow.EmailNoProvider,
	caseflow.EmailFailed, caseflow.EmailUnknown, caseflow.EmailDelivered, caseflow.EmailBounced,
	caseflow.EmailDropped, caseflow.EmailDeferred,
}

// outboxJSON is a page of GET /outbox.
type outboxJSON struct {
	Emails     []caseflow.Email `json:"emails"`
	NextCursor string           `json:"next_cursor"`
}

// listOutbox is GET /outbox: emails sent or queued, newest first.
func (s *Server) listOutbox(c echo.Context) error {
	q := newQuery(c, "number", "state", "limit", "cursor")
	filter := postgres.OutboxFilter{
		Number: q.get("number"),
		State:  queryEnum(q, "state", emailStates),
		Limit:  q.limit(),
		Cursor: q.get("cursor"),
	}
	q.bad.Check(filter.Number == "" || caseflow.ValidNumber(filter.Number), "number", "must be a case number such as CS-2026-000123")
	if err := q.bad.Err(); err != nil {
		return err
	}
	page, err := s.store.ListOutbox(c.Request().Context(), filter)
	if err != nil {
		return err
	}
	out := outboxJSON{Emails: page.Emails, NextCursor: page.NextCursor}
	if out.Emails == nil {
		out.Emails = []caseflow.Email{}
	}
	return c.JSON(http.StatusOK, out)
}
