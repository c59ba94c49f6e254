package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"caseflow"
)

// eMethodNotAllowed is the code of echo's 405, which has no application code.
const eMethodNotAllowed = "method_not_allowed"

// statusOf is the one mapping from error codes to HTTP statuses.
var statusOf = map[string]int{
	caseflow.EINVALID:      http.StatusBadRequest,
	caseflow.EUNAUTHORIZED: http.StatusUnauthorized,
	caseflow.EFORBIDDEN:    http.StatusForbidden,
	caseflow.ENOTFOUND:     http.StatusNotFound,
	eMethodNotAllowed:      http.StatusMethodNotAllowed,
	caseflow.ECONFLICT:     http.StatusConflict,
	caseflow.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	caseflow.ERATELIMIT:    http.StatusTooManyRequests,
	caseflow.EUNAVAILABLE:  http.StatusServiceUnavailable,
}

// httpStatus is the HTTP status of an error code; 500 for any other code.
func httpStatus(code string) int {
	if status, ok := statusOf[code]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// errorJSON is the body of every error response. Details is always present
// ({} when no field is at fault) so clients need not test for it.
type errorJSON struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Details map[string]string `json:"details"`
	} `json:"error"`
}

// handleError renders every error, echo's own included, as errorJSON.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	e := s.appError(c, err)
	status := httpStatus(e.Code)
	if status == http.StatusUnauthorized {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="caseflow"`)
	}
	var body errorJSON
	body.Error.Code, body.Error.Message, body.Error.Details = e.Code, e.Message, e.Details
	if body.Error.Details == nil {
		body.Error.Details = map[string]string{}
	}
	if c.Request().Method == http.MethodHead {
		err = c.NoContent(status)
	} else {
		err = c.JSON(status, body)
	}
	if err != nil {
		s.log.ErrorContext(c.Request().Context(), "error response not written", "error", err)
	}
}

// appError says what err means to the caller. Anything not recognised is a
// bug: it is logged and answered with a generic 500.
func (s *Server) appError(c echo.Context, err error) *caseflow.Error {
	var (
		appErr      *caseflow.Error
		httpErr     *echo.HTTPError
		rejected    *temporal.ApplicationError
		notFound    *serviceerror.NotFound
		exhausted   *serviceerror.ResourceExhausted
		unavailable *serviceerror.Unavailable
		deadline    *serviceerror.DeadlineExceeded
		timedOut    *client.WorkflowUpdateServiceTimeoutOrCanceledError
	)
	switch {
	case errors.As(err, &appErr):
		return appErr
	case errors.As(err, &httpErr):
		return echoError(c, httpErr)
	case errors.As(err, &rejected) && isRejection(rejected.Type()):
		// An update's validator said no; its type is the code, its message the reason.
		return &caseflow.Error{Code: rejected.Type(), Message: rejected.Message()}
	case errors.As(err, &notFound):
		return caseflow.Errorf(caseflow.ENOTFOUND, "not found")
	case errors.As(err, &exhausted):
		return caseflow.Errorf(caseflow.ERATELIMIT, "the workflow service is busy; try again shortly")
	case errors.As(err, &unavailable):
		return caseflow.Errorf(caseflow.EUNAVAILABLE, "the workflow service (Temporal) is unavailable; try again shortly")
	case errors.As(err, &deadline), errors.As(err, &timedOut), errors.Is(err, context.DeadlineExceeded):
		return caseflow.Errorf(caseflow.EUNAVAILABLE,
			"the case workflow did not answer in time (is a worker running?); try again with the same Idempotency-Key")
	}
	s.log.ErrorContext(c.Request().Context(), "internal error", "error", err,
		"method", c.Request().Method, "path", c.Path(), "request_id", requestID(c))
	return caseflow.Errorf(caseflow.EINTERNAL, "internal error (request %s)", requestID(c))
}

// isRejection reports whether an application error's type is one of the
// codes the workflow's update validators use.
func isRejection(typ string) bool {
	return typ == caseflow.ECONFLICT || typ == caseflow.EFORBIDDEN || typ == caseflow.EINVALID
}

// echoError translates echo's own errors (no route, wrong method, body too large).
func echoError(c echo.Context, he *echo.HTTPError) *caseflow.Error {
	code := caseflow.EINTERNAL
	for k, status := range statusOf {
		if status == he.Code {
			code = k
		}
	}
	switch he.Code {
	case http.StatusNotFound:
		return caseflow.Errorf(code, "no such endpoint: %s %s", c.Request().Method, c.Request().URL.Path)
	case http.StatusMethodNotAllowed:
		return caseflow.Errorf(code, "%s is not allowed on %s", c.Request().Method, c.Request().URL.Path)
	case http.StatusRequestEntityTooLarge:
		return caseflow.Errorf(code, "the request body is larger than %s", maxBody)
	}
	return caseflow.Errorf(code, "%v", he.Message)
}

// logPanic logs a handler's panic with its stack; the caller gets a 500.
func (s *Server) logPanic(c echo.Context, err error, stack []byte) error {
	s.log.ErrorContext(c.Request().Context(), "panic", "error", err, "stack", string(stack),
		"method", c.Request().Method, "path", c.Path(), "request_id", requestID(c))
	return caseflow.Errorf(caseflow.EINTERNAL, "internal error (request %s)", requestID(c))
}

func requestID(c echo.Context) string { return c.Response().Header().Get(echo.HeaderXRequestID) }
