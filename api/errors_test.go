package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"caseflow"
	"caseflow/policy"
)

func TestHTTPStatusOfEachCode(t *testing.T) {
	for code, want := range map[string]int{
		caseflow.EINVALID:      400,
		caseflow.EUNAUTHORIZED: 401,
		caseflow.EFORBIDDEN:    403,
		caseflow.ENOTFOUND:     404,
		caseflow.ECONFLICT:     409,
		caseflow.ETOOLARGE:     413,
		caseflow.ERATELIMIT:    429,
		caseflow.EUNAVAILABLE:  503,
		caseflow.EINTERNAL:     500,
		"something_new":        500,
	} {
		if got := httpStatus(code); got != want {
			t.Errorf("httpStatus(%q) = %d, want %d", code, got, want)
		}
	}
}

func TestWhatErrorsMeanToTheCaller(t *testing.T) {
	s := New(Config{Policy: policy.Default(), Logger: slog.New(slog.DiscardHandler)})
	c := s.echo.NewContext(httptest.NewRequest(http.MethodPost, "/api/v1/cases/CS-2026-000001/close", nil), httptest.NewRecorder())
	for _, tc := range []struct {
		name    string
		err     error
		code    string
		message string // "" when any message will do
	}{
		{"application error", caseflow.Errorf(caseflow.ECONFLICT, "taken"), caseflow.ECONFLICT, "taken"},
		{"wrapped application error", fmt.Errorf("store: %w", caseflow.Errorf(caseflow.ENOTFOUND, "case CS-2026-000001 not found")), caseflow.ENOTFOUND, "case CS-2026-000001 not found"},
		{"update rejected: conflict", temporal.NewApplicationError("the case is resolved: reopen it to escalate it", caseflow.ECONFLICT), caseflow.ECONFLICT, "the case is resolved: reopen it to escalate it"},
		{"update rejected: forbidden", temporal.NewApplicationError("this escalation is for the manager tier", caseflow.EFORBIDDEN), caseflow.EFORBIDDEN, "this escalation is for the manager tier"},
		{"update rejected: invalid", fmt.Errorf("update: %w", temporal.NewApplicationError("a priority change needs a reason", caseflow.EINVALID)), caseflow.EINVALID, "a priority change needs a reason"},
		{"workflow failure of another type", temporal.NewApplicationError("bad input", "invalid_input"), caseflow.EINTERNAL, ""},
		{"workflow not found", serviceerror.NewNotFound("workflow not found"), caseflow.ENOTFOUND, ""},
		{"Temporal unavailable", fmt.Errorf("failed reaching server: %w", serviceerror.NewUnavailable("connection refused")), caseflow.EUNAVAILABLE, ""},
		{"Temporal deadline", serviceerror.NewDeadlineExceeded("deadline"), caseflow.EUNAVAILABLE, ""},
		{"update timed out", client.NewWorkflowUpdateServiceTimeoutOrCanceledError(errors.New("timeout")), caseflow.EUNAVAILABLE, ""},
		{"context deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), caseflow.EUNAVAILABLE, ""},
		{"Temporal busy", serviceerror.NewResourceExhausted(0, "busy"), caseflow.ERATELIMIT, ""},
		{"echo 404", echo.ErrNotFound, caseflow.ENOTFOUND, ""},
		{"echo 405", echo.ErrMethodNotAllowed, eMethodNotAllowed, ""},
		{"echo 413", echo.ErrStatusRequestEntityTooLarge, caseflow.ETOOLARGE, ""},
		{"anything else", errors.New("pq: secret detail"), caseflow.EINTERNAL, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := s.appError(c, tc.err)
			if got.Code != tc.code || tc.message != "" && got.Message != tc.message {
				t.Errorf("appError = %q %q, want %q %q", got.Code, got.Message, tc.code, tc.message)
			}
			if tc.code == caseflow.EINTERNAL && got.Message == tc.err.Error() {
				t.Errorf("a 500 passes the internal error through: %q", got.Message)
			}
		})
	}
}
