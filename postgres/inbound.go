package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"caseflow"

	"github.com/jackc/pgx/v5"
)

// InboundStatus is what became of an email that reached the inbound webhook.
type InboundStatus string

const (
	InboundReceived      InboundStatus = "received"       // stored, not handled yet (or handling failed: it is retried)
	InboundReplied       InboundStatus = "replied"        // signalled to its case as the customer's reply
	InboundOpenedCase    InboundStatus = "opened_case"    // its case had closed for good: a new case was opened
	InboundUnknownCase   InboundStatus = "unknown_case"   // no case number, or one no case has
	InboundUnknownSender InboundStatus = "unknown_sender" // not from the case's customer
	InboundUnverified    InboundStatus = "unverified"     // the sender's domain failed SPF and had no passing DKIM
	InboundDismissed     InboundStatus = "dismissed"      // a reviewer closed it without a case (spam, say)
)

// InboundStatuses lists every status; InboundReview those a person must look at.
var (
	InboundStatuses = []InboundStatus{InboundReceived, InboundReplied, InboundOpenedCase, InboundUnknownCase, InboundUnknownSender, InboundUnverified, InboundDismissed}
	InboundReview   = []InboundStatus{InboundReceived, InboundUnknownCase, InboundUnknownSender, InboundUnverified}
)

// InboundMessage is one email from the inbound webhook.
type InboundMessage struct {
	ID          int64         `json:"id"`
	Key         string        `json:"message_key"`
	Status      InboundStatus `json:"status"`
	From        string        `json:"from"`
	FromName    string        `json:"from_name,omitempty"`
	To          string        `json:"to"`
	Subject     string        `json:"subject"`
	Text        string        `json:"text"`
	HTML        string        `json:"html,omitempty"`
	Number      string        `json:"number,omitempty"`
	NewNumber   string        `json:"new_number,omitempty"`
	SPF         string        `json:"spf,omitempty"`
	DKIM        string        `json:"dkim,omitempty"`
	Attachments int           `json:"attachments"`
	Note        string        `json:"note,omitempty"`
	ReceivedAt  time.Time     `json:"received_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
}

const inboundColumns = `id, message_key, status, from_addr, from_name, to_addr, subject, text_body, html_body,
	number, new_number, spf, dkim, attachments, note, received_at, updated_at`

func scanInbound(row pgx.Row) (InboundMessage, error) {
	var m InboundMessage
	err := row.Scan(&m.ID, &m.Key, &m.Status, &m.From, &m.FromName, &m.To, &m.Subject, &m.Text, &m.HTML,
		&m.Number, &m.NewNumber, &m.SPF, &m.DKIM, &m.Attachments, &m.Note, &m.ReceivedAt, &m.UpdatedAt)
	m.ReceivedAt, m.UpdatedAt = m.ReceivedAt.UTC(), m.UpdatedAt.UTC()
	return m, err
}

// SaveInbound stores m as received unless a message with m.Key is already
// stored. It returns the stored message and whether it was inserted now; a
// retried webhook post gets the first one back, with its status.
func (db *DB) SaveInbound(ctx context.Context, m InboundMessage) (InboundMessage, bool, error) {
	if strings.TrimSpace(m.Key) == "" {
		return InboundMessage{}, false, caseflow.Fields{"message_key": "is required"}.Err()
	}
	stored, err := scanInbound(db.pool.QueryRow(ctx,
		`INSERT INTO inbound_messages (message_key, status, from_addr, from_name, to_addr, subject, text_body, html_body,
			number, spf, dkim, attachments)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (message_key) DO NOTHING
		RETURNING `+inboundColumns,
		m.Key, InboundReceived, m.From, m.FromName, m.To, m.Subject, m.Text, m.HTML, m.Number, m.SPF, m.DKIM, m.Attachments))
	if err == nil {
		return stored, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return InboundMessage{}, false, fmt.Errorf("postgres: save inbound message: %w", err)
	}
	stored, err = scanInbound(db.pool.QueryRow(ctx, `SELECT `+inboundColumns+` FROM inbound_messages WHERE message_key = $1`, m.Key))
	if err != nil {
		return InboundMessage{}, false, fmt.Errorf("postgres: save inbound message: %w", err)
	}
	return stored, false, nil
}

// Inbound returns the message with id.
func (db *DB) Inbound(ctx context.Context, id int64) (InboundMessage, error) {
	m, err := scanInbound(db.pool.QueryRow(ctx, `SELECT `+inboundColumns+` FROM inbound_messages WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return InboundMessage{}, caseflow.Errorf(caseflow.ENOTFOUND, "inbound message %d not found", id)
	}
	if err != nil {
		return InboundMessage{}, fmt.Errorf("postgres: inbound message: %w", err)
	}
	return m, nil
}

// SetInboundStatus records what became of the message with id: its status,
// the case it named and the case it opened (kept when empty), and a note.
func (db *DB) SetInboundStatus(ctx context.Context, id int64, status InboundStatus, number, newNumber, note string) error {
	tag, err := db.pool.Exec(ctx,
		`UPDATE inbound_messages SET status = $2,
			number = CASE WHEN $3 = '' THEN number ELSE $3 END,
			new_number = CASE WHEN $4 = '' THEN new_number ELSE $4 END,
			note = $5, updated_at = now()
		WHERE id = $1`, id, status, number, newNumber, note)
	if err != nil {
		return fmt.Errorf("postgres: set inbound status: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return caseflow.Errorf(caseflow.ENOTFOUND, "inbound message %d not found", id)
	}
	return nil
}

// InboundFilter selects messages for ListInbound.
type InboundFilter struct {
	// Statuses keeps messages in any of them; none keeps every message.
	Statuses []InboundStatus
	// Limit is the page size: 50 when unset, at most 200.
	Limit int
	// Cursor is the NextCursor of the previous page.
	Cursor string
}

// InboundPage is one page of ListInbound; NextCursor is empty on the last page.
type InboundPage struct {
	Messages   []InboundMessage `json:"messages"`
	NextCursor string           `json:"next_cursor,omitempty"`
}

// ListInbound returns one page of the messages f selects, newest first.
func (db *DB) ListInbound(ctx context.Context, f InboundFilter) (InboundPage, error) {
	var q query
	if len(f.Statuses) > 0 {
		q.and("status = ANY(" + q.arg(strs(f.Statuses)) + ")")
	}
	msgs, next, err := pageByID(ctx, db, &q, "SELECT "+inboundColumns+" FROM inbound_messages", f.Cursor, f.Limit,
		func(row pgx.CollectableRow) (InboundMessage, error) { return scanInbound(row) },
		func(m InboundMessage) int64 { return m.ID })
	if err != nil {
		return InboundPage{}, fmt.Errorf("postgres: list inbound messages: %w", err)
	}
	return InboundPage{Messages: msgs, NextCursor: next}, nil
}
