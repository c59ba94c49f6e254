package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"caseflow"
)

// Limits on what a request may carry.
const (
	maxSubject = 200   // characters
	maxText    = 20000 // characters of a description, body, reason or note
	maxName    = 200   // characters of a name, id or search text
	maxPhone   = 40    // characters of a phone number
	maxKey     = 200   // characters of an Idempotency-Key
	maxEmail   = 254   // the longest address SMTP carries
	maxLimit   = 200   // a page of a list
)

// checker is a request body that names its own bad fields.
type checker interface {
	check(f caseflow.Fields)
}

// decode reads the JSON body into v (an empty body is {}) and records what
// is wrong with it in f: malformed JSON, an unknown field, a value of the
// wrong type, then whatever v.check finds. The json package reports only the
// first unknown or mistyped field; check names every other bad one. Only a
// body over the size limit is an error of its own (413).
func decode(c echo.Context, f caseflow.Fields, v checker) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, err = dec.Token(); err == io.EOF {
			err = nil
		} else if err == nil {
			err = errors.New("more than one JSON value")
		}
	}
	var (
		tooLarge *echo.HTTPError
		typeErr  *json.UnmarshalTypeError
	)
	switch {
	case err == nil, errors.Is(err, io.EOF):
	case errors.As(err, &tooLarge) && tooLarge.Code == http.StatusRequestEntityTooLarge:
		return err
	case errors.As(err, &typeErr) && typeErr.Field == "":
		f.Add("body", "must be a JSON object")
		return nil
	case errors.As(err, &typeErr):
		f.Add(typeErr.Field, "must be "+jsonKind(typeErr.Type))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		f.Add(name, "is not a known field")
	default:
		// Half-decoded values would only add noise: report the syntax alone.
		f.Add("body", "is not valid JSON: "+err.Error())
		return nil
	}
	v.check(f)
	return nil
}

// jsonKind names the JSON value a Go type decodes from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// text checks a free-text field: not blank when required, at most max characters.
func text(f caseflow.Fields, field, s string, required bool, max int) {
	switch {
	case required && strings.TrimSpace(s) == "":
		f.Add(field, "is required")
	case utf8.RuneCountInString(s) > max:
		f.Add(field, fmt.Sprintf("must be at most %d characters", max))
	}
}

// email checks an address: a bare address (no display name, no brackets).
func email(f caseflow.Fields, field, s string, required bool) {
	if s == "" {
		f.Check(!required, field, "is required")
		return
	}
	a, err := mail.ParseAddress(s)
	f.Check(err == nil && a.Name == "" && a.Address == s && len(s) <= maxEmail,
		field, "must be an email address such as name@example.com")
}

// enum checks that v is one of valid; an empty v passes unless required.
func enum[T ~string](f caseflow.Fields, field string, v T, valid []T, required bool) {
	if v == "" && !required {
		return
	}
	f.Check(slices.Contains(valid, v), field, "must be one of "+list(valid))
}

func list[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// caseNumber is the {number} of the path, checked.
func caseNumber(c echo.Context, f caseflow.Fields) string {
	n := c.Param("number")
	f.Check(caseflow.ValidNumber(n), "number", "must be a case number such as CS-2026-000123")
	return n
}

// idempotencyKey is the request's Idempotency-Key header, checked; "" when absent.
func idempotencyKey(c echo.Context, f caseflow.Fields) string {
	key := c.Request().Header.Get("Idempotency-Key")
	printable := !strings.ContainsFunc(key, func(r rune) bool { return r < 0x20 || r > 0x7e })
	f.Check(len(key) <= maxKey && printable, "Idempotency-Key",
		fmt.Sprintf("must be at most %d printable ASCII characters", maxKey))
	return key
}

// query reads URL parameters and names each bad one.
type query struct {
	values url.Values
	bad    caseflow.Fields
}

// newQuery reads the request's parameters; any not in known is bad.
func newQuery(c echo.Context, known ...string) *query {
	q := &query{values: c.QueryParams(), bad: caseflow.Fields{}}
	for name := range q.values {
		q.bad.Check(slices.Contains(known, name), name, "is not a known parameter")
	}
	return q
}

// get returns a parameter given at most once ("" when absent).
func (q *query) get(name string) string {
	vs := q.values[name]
	q.bad.Check(len(vs) <= 1, name, "must be given once")
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

func (q *query) text(name string, max int) string {
	s := q.get(name)
	text(q.bad, name, s, false, max)
	return s
}

// boolean is nil when the parameter is absent.
func (q *query) boolean(name string) *bool {
	switch q.get(name) {
	case "":
		return nil
	case "true":
		return new(true)
	case "false":
		return new(false)
	}
	q.bad.Add(name, "must be true or false")
	return nil
}

// limit is 0 (the store's default page) when absent.
func (q *query) limit() int {
	s := q.get("limit")
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	q.bad.Check(err == nil && n >= 1 && n <= maxLimit, "limit", fmt.Sprintf("must be a whole number from 1 to %d", maxLimit))
	return n
}

// queryEnum is a parameter that must be one of valid.
func queryEnum[T ~string](q *query, name string, valid []T) T {
	v := T(q.get(name))
	enum(q.bad, name, v, valid, false)
	return v
}

// queryEnums is a parameter that may list several of valid, comma-separated
// or repeated.
func queryEnums[T ~string](q *query, name string, valid []T) []T {
	var out []T
	for _, v := range q.values[name] {
		for part := range strings.SplitSeq(v, ",") {
			x := T(strings.TrimSpace(part))
			enum(q.bad, name, x, valid, true)
			out = append(out, x)
		}
	}
	return out
}
