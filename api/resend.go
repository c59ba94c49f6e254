package api

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"caseflow"
)

// resendable are the outbox states in which an email may not have reached
// the customer: refused, bounced, dropped, or cut off mid-send.
var resendable = []caseflow.EmailState{caseflow.EmailFailed, caseflow.EmailUnknown, caseflow.EmailBounced, caseflow.EmailDropped}

type resendRequest struct {
	Key string `json:"key"`
}

func (r *resendRequest) check(f caseflow.Fields) { text(f, "key", r.Key, true, 500) }

// resendEmail is POST /cases/{number}/resend-email: send again, as a new
// message, one of the case's emails that may not have arrived. The case
// records who did it; the outbox keeps both messages.
func (s *Server) resendEmail(c echo.Context) error {
	f := caseflow.Fields{}
	number := caseNumber(c, f)
	key := idempotencyKey(c, f)
	var body resendRequest
	if err := decode(c, f, &body); err != nil {
		return err
	}
	if err := f.Err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	e, err := s.store.EmailByKey(ctx, body.Key)
	if err != nil {
		return err
	}
	if e.Number != number {
		return caseflow.Errorf(caseflow.ENOTFOUND, "case %s has no email %s", number, body.Key)
	}
	if !slices.Contains(resendable, e.State) {
		return caseflow.Errorf(caseflow.ECONFLICT, "that email is %s: only a failed, bounced, dropped or interrupted email is sent again", e.State)
	}
	cs, err := s.update(ctx, number, key, caseflow.UpdateResendEmail, caseflow.ResendEmail{Key: body.Key, By: user(c)})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.caseJSON(cs))
}
