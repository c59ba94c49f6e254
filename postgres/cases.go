package postgres

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"caseflow"

	"github.com/jackc/pgx/v5"
)

// ApplyEvents records events on the timeline and c as the case's current
// view, in one transaction. Both halves are idempotent: an event already
// recorded (same number and seq) is skipped, and c replaces the stored view
// only if its Version is not older, so retried or reordered writes are safe.
func (db *DB) ApplyEvents(ctx context.Context, c caseflow.Case, events []caseflow.Event) error {
	view, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("postgres: apply events to %s: %w", c.Number, err)
	}
	batch := &pgx.Batch{}
	for _, e := range events {
		if e.Number == "" {
			e.Number = c.Number
		}
		if e.Number != c.Number {
			return fmt.Errorf("postgres: apply events to %s: event %d belongs to %s", c.Number, e.Seq, e.Number)
		}
		batch.Queue(`INSERT INTO events (number, seq, type, at, actor, data) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (number, seq) DO NOTHING`,
			e.Number, e.Seq, e.Type, e.At, e.Actor, e.Data)
	}
	batch.Queue(`INSERT INTO cases (number, status, priority, tier, assignee, channel, category,
			customer_name, customer_email, subject, created_at, updated_at,
			first_response_due, resolution_due, breached, version, view)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
		ON CONFLICT (number) DO UPDATE SET
			status = EXCLUDED.status, priority = EXCLUDED.priority, tier = EXCLUDED.tier,
			assignee = EXCLUDED.assignee, channel = EXCLUDED.channel, category = EXCLUDED.category,
			customer_name = EXCLUDED.customer_name, customer_email = EXCLUDED.customer_email,
			subject = EXCLUDED.subject, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
			first_response_due = EXCLUDED.first_response_due, resolution_due = EXCLUDED.resolution_due,
			breached = EXCLUDED.breached, version = EXCLUDED.version, view = EXCLUDED.view
		WHERE cases.version <= EXCLUDED.version`,
		c.Number, c.Status, c.Priority, c.Tier, c.Assignee, c.Channel, c.Category,
		c.Customer.Name, c.Customer.Email, c.Subject, c.CreatedAt, c.UpdatedAt,
		nullTime(c.Clocks.FirstResponse.Due), nullTime(c.Clocks.Resolution.Due), c.Breached(), c.Version, view)
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		return tx.SendBatch(ctx, batch).Close()
	})
	if err != nil {
		return fmt.Errorf("postgres: apply events to %s: %w", c.Number, err)
	}
	return nil
}

// nullTime maps the zero time (a clock that was never set) to NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// GetCase returns the stored view of a case.
func (db *DB) GetCase(ctx context.Context, number string) (caseflow.Case, error) {
	var c caseflow.Case
	err := db.pool.QueryRow(ctx, `SELECT view FROM cases WHERE number = $1`, number).Scan(&c)
	if errors.Is(err, pgx.ErrNoRows) {
		return caseflow.Case{}, caseflow.Errorf(caseflow.ENOTFOUND, "case %s not found", number)
	}
	if err != nil {
		return caseflow.Case{}, fmt.Errorf("postgres: get case %s: %w", number, err)
	}
	return c, nil
}

// Timeline returns the events of a case, oldest first.
func (db *DB) Timeline(ctx context.Context, number string) ([]caseflow.Event, error) {
	rows, _ := db.pool.Query(ctx,
		`SELECT number, seq, type, at, actor, data FROM events WHERE number = $1 ORDER BY seq`, number)
	events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (caseflow.Event, error) {
		var e caseflow.Event
		err := row.Scan(&e.Number, &e.Seq, &e.Type, &e.At, &e.Actor, &e.Data)
		e.At = e.At.UTC()
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: timeline of %s: %w", number, err)
	}
	if len(events) == 0 {
		var exists bool
		err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cases WHERE number = $1)`, number).Scan(&exists)
		if err != nil {
			return nil, fmt.Errorf("postgres: timeline of %s: %w", number, err)
		}
		if !exists {
			return nil, caseflow.Errorf(caseflow.ENOTFOUND, "case %s not found", number)
		}
	}
	return events, nil
}

// CaseFilter selects cases for ListCases. Zero fields do not filter.
type CaseFilter struct {
	Statuses []caseflow.Status
	Priority caseflow.Priority
	Tier     caseflow.Tier
	Assignee string
	Channel  caseflow.Channel
	Breached *bool
	// Text matches part of the number, subject, description or the
	// customer's name or email, ignoring case.
	Text string
	// Open keeps open cases when true, resolved and closed ones when false.
	Open *bool
	// Limit is the page size: 50 when unset, at most 200.
	Limit int
	// Cursor is the NextCursor of the previous page.
	Cursor string
	// Sort is "" for newest first, or "due" for the soonest resolution due
	// first (cases without one last).
	Sort string
}

// CasePage is one page of ListCases; NextCursor is empty on the last page.
type CasePage struct {
	Cases      []caseflow.Case `json:"cases"`
	NextCursor string          `json:"next_cursor,omitempty"`
}

// caseCursor is the sort key of the last case of a page: created_at for the
// default sort, resolution_due (nil for NULL) for "due"; the number breaks ties.
type caseCursor struct {
	Sort   string     `json:"s"`
	At     *time.Time `json:"t,omitempty"`
	Number string     `json:"n"`
}

// ListCases returns one page of the cases f selects.
func (db *DB) ListCases(ctx context.Context, f CaseFilter) (CasePage, error) {
	if f.Sort != "" && f.Sort != "due" {
		return CasePage{}, caseflow.Fields{"sort": `must be "due" or empty`}.Err()
	}
	var q query
	arg := q.arg
	if len(f.Statuses) > 0 {
		q.and("status = ANY(" + arg(strs(f.Statuses)) + ")")
	}
	if f.Open != nil {
		var statuses []caseflow.Status
		for _, s := range caseflow.Statuses {
			if s.Open() == *f.Open {
				statuses = append(statuses, s)
			}
		}
		q.and("status = ANY(" + arg(strs(statuses)) + ")")
	}
	for _, eq := range []struct{ column, value string }{
		{"priority", string(f.Priority)},
		{"tier", string(f.Tier)},
		{"channel", string(f.Channel)},
	} {
		if eq.value != "" {
			q.and(eq.column + " = " + arg(eq.value))
		}
	}
	if f.Assignee != "" {
		// Emails identify users whatever their capitals.
		q.and("lower(assignee) = lower(" + arg(f.Assignee) + ")")
	}
	if f.Breached != nil {
		q.and("breached = " + arg(*f.Breached))
	}
	if f.Text != "" {
		q.and("search ILIKE " + arg("%"+escapeLike(f.Text)+"%"))
	}
	order := "created_at DESC, number DESC"
	if f.Sort == "due" {
		order = "resolution_due ASC NULLS LAST, number ASC"
	}
	if f.Cursor != "" {
		var cur caseCursor
		if err := decodeCursor(f.Cursor, &cur); err != nil || cur.Sort != f.Sort || cur.Number == "" ||
			(f.Sort == "" && cur.At == nil) {
			return CasePage{}, errCursor()
		}
		n := arg(cur.Number)
		switch {
		case f.Sort == "":
			q.and("(created_at, number) < (" + arg(*cur.At) + ", " + n + ")")
		case cur.At == nil: // already among the cases without a due time, which come last
			q.and("resolution_due IS NULL AND number > " + n)
		default:
			q.and("((resolution_due, number) > (" + arg(*cur.At) + ", " + n + ") OR resolution_due IS NULL)")
		}
	}
	n := limit(f.Limit)
	// One more row than asked tells whether a next page exists.
	sql := q.sql("SELECT created_at, resolution_due, view FROM cases") + " ORDER BY " + order + " LIMIT " + arg(n+1)

	type row struct {
		created time.Time
		due     *time.Time
		c       caseflow.Case
	}
	rows, _ := db.pool.Query(ctx, sql, q.args...)
	found, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		err := r.Scan(&x.created, &x.due, &x.c)
		return x, err
	})
	if err != nil {
		return CasePage{}, fmt.Errorf("postgres: list cases: %w", err)
	}
	page := CasePage{Cases: make([]caseflow.Case, 0, min(len(found), n))}
	for _, x := range found[:min(len(found), n)] {
		page.Cases = append(page.Cases, x.c)
	}
	if len(found) > n {
		// The cursor holds the stored sort key, not the view's: the view keeps
		// nanoseconds that the column rounded away.
		last := found[n-1]
		cur := caseCursor{Sort: f.Sort, At: &last.created, Number: last.c.Number}
		if f.Sort == "due" {
			cur.At = last.due
		}
		page.NextCursor = encodeCursor(cur)
	}
	return page, nil
}

// strs converts a slice of string-kinded values for an ANY($n) parameter.
func strs[S ~string](values []S) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// escapeLike makes s match literally inside a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func encodeCursor(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // cursors are plain structs
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
