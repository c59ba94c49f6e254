package postgres

import (
	"context"
	"errors"
	"fmt"

	"caseflow"

	"github.com/jackc/pgx/v5"
)

const emailColumns = `id, key, number, template, to_addr, to_name, reply_to, subject, text_body, html_body,
	state, provider_id, error, attempts, created_at, updated_at`

func scanEmail(row pgx.Row) (caseflow.Email, error) {
	var e caseflow.Email
	err := row.Scan(&e.ID, &e.Key, &e.Number, &e.Template, &e.To, &e.ToName, &e.ReplyTo, &e.Subject, &e.Text, &e.HTML,
		&e.State, &e.ProviderID, &e.Error, &e.Attempts, &e.CreatedAt, &e.UpdatedAt)
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	return e, err
}

// EnqueueEmail records e in the outbox as queued, unless a message with e.Key
// is already there. It returns the stored message and whether it was inserted
// now; e's ID, State, ProviderID, Error, Attempts and times are ignored.
func (db *DB) EnqueueEmail(ctx context.Context, e caseflow.Email) (caseflow.Email, bool, error) {
	stored, err := scanEmail(db.pool.QueryRow(ctx,
		`INSERT INTO outbox (key, number, template, to_addr, to_name, reply_to, subject, text_body, html_body, state)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (key) DO NOTHING
		RETURNING `+emailColumns,
		e.Key, e.Number, e.Template, e.To, e.ToName, e.ReplyTo, e.Subject, e.Text, e.HTML, caseflow.EmailQueued))
	if err == nil {
		return stored, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return caseflow.Email{}, false, fmt.Errorf("postgres: enqueue email: %w", err)
	}
	// The conflicting row is committed (ON CONFLICT waits for its writer), so
	// this statement sees it.
	stored, err = db.EmailByKey(ctx, e.Key)
	return stored, false, err
}

// EmailByKey returns the outbox message with the idempotency key.
func (db *DB) EmailByKey(ctx context.Context, key string) (caseflow.Email, error) {
	e, err := scanEmail(db.pool.QueryRow(ctx, `SELECT `+emailColumns+` FROM outbox WHERE key = $1`, key))
	if errors.Is(err, pgx.ErrNoRows) {
		return caseflow.Email{}, caseflow.Errorf(caseflow.ENOTFOUND, "email %s not found", key)
	}
	if err != nil {
		return caseflow.Email{}, fmt.Errorf("postgres: email by key: %w", err)
	}
	return e, nil
}

// TransitionEmail moves the message with key to state to, but only from one of
// the states in from; it reports whether it did. This compare-and-set is what
// keeps two senders from sending one message twice. Moving to sending counts
// an attempt; a non-empty providerID is recorded, and errText replaces the
// last error.
func (db *DB) TransitionEmail(ctx context.Context, key string, from []caseflow.EmailState, to caseflow.EmailState, providerID, errText string) (bool, error) {
	tag, err := db.pool.Exec(ctx,
		`UPDATE outbox SET
			state = $3,
			provider_id = CASE WHEN $4 = '' THEN provider_id ELSE $4 END,
			error = $5,
			attempts = attempts + CASE WHEN $3 = 'sending' THEN 1 ELSE 0 END,
			updated_at = now()
		WHERE key = $1 AND state = ANY($2)`,
		key, strs(from), to, providerID, errText)
	if err != nil {
		return false, fmt.Errorf("postgres: transition email %s: %w", key, err)
	}
	if tag.RowsAffected() == 1 {
		return true, nil
	}
	if _, err := db.EmailByKey(ctx, key); err != nil {
		return false, err
	}
	return false, nil
}

// OutboxFilter selects messages for ListOutbox. Zero fields do not filter.
type OutboxFilter struct {
	Number string
	State  caseflow.EmailState
	// Limit is the page size: 50 when unset, at most 200.
	Limit int
	// Cursor is the NextCursor of the previous page.
	Cursor string
}

// OutboxPage is one page of ListOutbox; NextCursor is empty on the last page.
type OutboxPage struct {
	Emails     []caseflow.Email `json:"emails"`
	NextCursor string           `json:"next_cursor,omitempty"`
}

// ListOutbox returns one page of the messages f selects, newest first.
func (db *DB) ListOutbox(ctx context.Context, f OutboxFilter) (OutboxPage, error) {
	var q query
	if f.Number != "" {
		q.and("number = " + q.arg(f.Number))
	}
	if f.State != "" {
		q.and("state = " + q.arg(f.State))
	}
	emails, next, err := pageByID(ctx, db, &q, "SELECT "+emailColumns+" FROM outbox", f.Cursor, f.Limit,
		func(row pgx.CollectableRow) (caseflow.Email, error) { return scanEmail(row) },
		func(e caseflow.Email) int64 { return e.ID })
	if err != nil {
		return OutboxPage{}, fmt.Errorf("postgres: list outbox: %w", err)
	}
	return OutboxPage{Emails: emails, NextCursor: next}, nil
}

// SetDeliveryState records what a provider's delivery webhook reported: one of
// delivered, bounced, dropped or deferred. The message is found by outboxID
// when it is set, otherwise by providerID. Webhooks arrive out of order, so a
// deferral never replaces a final outcome; and a report for a message whose
// send was cut off before its provider id was recorded fills the id in.
func (db *DB) SetDeliveryState(ctx context.Context, providerID string, outboxID int64, state caseflow.EmailState) error {
	f := caseflow.Fields{}
	switch state {
	case caseflow.EmailDelivered, caseflow.EmailBounced, caseflow.EmailDropped, caseflow.EmailDeferred:
	default:
		f.Add("state", "must be one of delivered, bounced, dropped, deferred")
	}
	f.Check(outboxID > 0 || providerID != "", "provider_id", "is required when the outbox id is unknown")
	if err := f.Err(); err != nil {
		return err
	}
	final := strs([]caseflow.EmailState{caseflow.EmailDelivered, caseflow.EmailBounced, caseflow.EmailDropped})
	args := []any{state, final, providerID}
	match := "provider_id = $3"
	if outboxID > 0 {
		match = "id = $4 AND ($3 = '' OR provider_id IN ('', $3))"
		args = append(args, outboxID)
	}
	tag, err := db.pool.Exec(ctx,
		`UPDATE outbox SET
			state = CASE WHEN $1 = 'deferred' AND state = ANY($2) THEN state ELSE $1 END,
			provider_id = CASE WHEN provider_id = '' THEN $3 ELSE provider_id END,
			updated_at = now()
		WHERE `+match, args...)
	if err != nil {
		return fmt.Errorf("postgres: set delivery state: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return caseflow.Errorf(caseflow.ENOTFOUND, "no outbox message matches provider id %q and id %d", providerID, outboxID)
	}
	return nil
}
