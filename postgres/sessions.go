package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"caseflow"

	"github.com/jackc/pgx/v5"
)

// Session is a signed-in web UI session. Its id is known only to the browser
// (in a cookie); the store keeps its hash.
type Session struct {
	User      caseflow.User
	CSRF      string
	ExpiresAt time.Time
}

// SetPassword sets the web UI password hash of the user with email; an empty
// hash removes the password, so the user can no longer sign in to the UI.
func (db *DB) SetPassword(ctx context.Context, email string, hash []byte) error {
	var stored *string
	if len(hash) > 0 {
		s := string(hash)
		stored = &s
	}
	tag, err := db.pool.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE lower(email) = lower($1)`, email, stored)
	if err != nil {
		return fmt.Errorf("postgres: set password: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return caseflow.Errorf(caseflow.ENOTFOUND, "no user has email %s", email)
	}
	// A new password ends every session signed in with the old one.
	if _, err := db.pool.Exec(ctx,
		`DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE lower(email) = lower($1))`, email); err != nil {
		return fmt.Errorf("postgres: set password: %w", err)
	}
	return nil
}

// UserPassword returns the user with email and their password hash (nil when
// they have none).
func (db *DB) UserPassword(ctx context.Context, email string) (caseflow.User, []byte, error) {
	var (
		u    caseflow.User
		hash *string
	)
	err := db.pool.QueryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE lower(email) = lower($1)`, email).
		Scan(&u.ID, &u.Name, &u.Email, &u.Role, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return caseflow.User{}, nil, caseflow.Errorf(caseflow.ENOTFOUND, "no user has email %s", email)
	}
	if err != nil {
		return caseflow.User{}, nil, fmt.Errorf("postgres: user password: %w", err)
	}
	if hash == nil {
		return u, nil, nil
	}
	return u, []byte(*hash), nil
}

// CreateSession records a session for userID until expires. Expired sessions
// are swept at the same time, so the table stays small without a job.
func (db *DB) CreateSession(ctx context.Context, idHash []byte, userID int64, csrf string, expires time.Time) error {
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires_at < now()`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, csrf, expires_at) VALUES ($1, $2, $3, $4)`,
			idHash, userID, csrf, expires)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: create session: %w", err)
	}
	return nil
}

// SessionByHash returns the unexpired session whose id hashes to idHash,
// with its user as they are now (a changed role applies at once).
func (db *DB) SessionByHash(ctx context.Context, idHash []byte) (Session, error) {
	var s Session
	err := db.pool.QueryRow(ctx,
		`SELECT u.id, u.name, u.email, u.role, s.csrf, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id_hash = $1 AND s.expires_at > now()`, idHash).
		Scan(&s.User.ID, &s.User.Name, &s.User.Email, &s.User.Role, &s.CSRF, &s.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		// The message must not echo the hash: it is as good as the session id.
		return Session{}, caseflow.Errorf(caseflow.ENOTFOUND, "no such session")
	}
	if err != nil {
		return Session{}, fmt.Errorf("postgres: session: %w", err)
	}
	return s, nil
}

// DeleteSession ends a session (signing out); ending an unknown one is not an error.
func (db *DB) DeleteSession(ctx context.Context, idHash []byte) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash); err != nil {
		return fmt.Errorf("postgres: delete session: %w", err)
	}
	return nil
}
