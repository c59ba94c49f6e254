package caseflow

import (
	"errors"
	"fmt"
)

// Application error codes. The API maps each to one HTTP status in one place.
const (
	EINVALID      = "invalid"      // 400: the request is malformed; Details names each bad field
	EUNAUTHORIZED = "unauthorized" // 401: no or unknown credentials
	EFORBIDDEN    = "forbidden"    // 403: the caller's role may not do this
	ENOTFOUND     = "not_found"    // 404
	ECONFLICT     = "conflict"     // 409: not allowed in the case's current state
	ETOOLARGE     = "too_large"    // 413
	ERATELIMIT    = "rate_limited" // 429
	EUNAVAILABLE  = "unavailable"  // 503: a dependency is down; retry later
	EINTERNAL     = "internal"     // 500: a bug, never bad input
)

// Error is an error a caller can act on: a code, a human message, and for
// validation failures the message for each bad field.
type Error struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Details map[string]string `json:"details,omitempty"`
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf builds an application error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error in err's chain, or
// EINTERNAL for anything else.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// Fields collects validation failures, one message per field, and becomes a
// single EINVALID error naming them all.
type Fields map[string]string

// Add records a problem with a field; the first message for a field wins.
func (f Fields) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Check records msg for field unless ok holds.
func (f Fields) Check(ok bool, field, msg string) {
	if !ok {
		f.Add(field, msg)
	}
}

// Err is nil when no field failed, otherwise an EINVALID error.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "the request has invalid fields", Details: map[string]string(f)}
}
