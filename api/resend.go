package api

import (
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

func (r *resendRequest) payload(by caseflow.User) any {
	return caseflow.ResendEmail{Key: r.Key, By: by}
}

// resendEmail is POST /cases/{number}/resend-email: send again, as a new
// message, one of the case's emails that may not have arrived. The case
// records who did it; the outbox keeps both messages.
func (s *Server) resendEmail(c echo.Context, number, key string, payload any) error {
	in := payload.(caseflow.ResendEmail)
	e, err := s.store.EmailByKey(c.Request().Context(), in.Key)
	if err != nil {
		return err
	}
	if e.Number != number {
		return caseflow.Errorf(caseflow.ENOTFOUND, "case %s has no email %s", number, in.Key)
	}
	if !slices.Contains(resendable, e.State) {
		return caseflow.Errorf(caseflow.ECONFLICT, "that email is %s: only a failed, bounced, dropped or interrupted email is sent again", e.State)
	}
	return s.runUpdate(c, number, key, caseflow.UpdateResendEmail, in)
}
