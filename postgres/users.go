package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"caseflow"

	"github.com/jackc/pgx/v5"
)

const userColumns = "id, name, email, role"

func scanUser(row pgx.Row) (caseflow.User, error) {
	var u caseflow.User
	err := row.Scan(&u.ID, &u.Name, &u.Email, &u.Role)
	return u, err
}

// CreateUser adds a member of staff. tokenHash is the hash of their API
// token, or nil for a user without one.
func (db *DB) CreateUser(ctx context.Context, name, email string, role caseflow.Role, tokenHash []byte) (caseflow.User, error) {
	f := caseflow.Fields{}
	f.Check(strings.TrimSpace(name) != "", "name", "is required")
	f.Check(strings.Contains(email, "@"), "email", "must be an email address")
	f.Check(role.Valid(), "role", "must be one of agent, team_lead, supervisor, manager, qa, admin")
	if err := f.Err(); err != nil {
		return caseflow.User{}, err
	}
	if len(tokenHash) == 0 {
		tokenHash = nil // NULL, which the unique constraint lets many users share
	}
	u, err := scanUser(db.pool.QueryRow(ctx,
		`INSERT INTO users (name, email, role, token_hash) VALUES ($1, $2, $3, $4) RETURNING `+userColumns,
		name, email, role, tokenHash))
	if uniqueViolation(err, "users_email_key") {
		return caseflow.User{}, caseflow.Errorf(caseflow.ECONFLICT, "a user with email %s already exists", email)
	}
	if err != nil {
		return caseflow.User{}, fmt.Errorf("postgres: create user: %w", err)
	}
	return u, nil
}

// UserByTokenHash finds the user whose API token hashes to hash.
func (db *DB) UserByTokenHash(ctx context.Context, hash []byte) (caseflow.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE token_hash = $1`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		// The message must not echo the hash: it is as good as the token.
		return caseflow.User{}, caseflow.Errorf(caseflow.ENOTFOUND, "no user has this token")
	}
	if err != nil {
		return caseflow.User{}, fmt.Errorf("postgres: user by token: %w", err)
	}
	return u, nil
}

// UserByEmail finds a user by email address, ignoring case.
func (db *DB) UserByEmail(ctx context.Context, email string) (caseflow.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE lower(email) = lower($1)`, email))
	if errors.Is(err, pgx.ErrNoRows) {
		return caseflow.User{}, caseflow.Errorf(caseflow.ENOTFOUND, "no user has email %s", email)
	}
	if err != nil {
		return caseflow.User{}, fmt.Errorf("postgres: user by email: %w", err)
	}
	return u, nil
}

// UsersByRole lists the users holding any of roles, oldest first; every user
// when no role is given.
func (db *DB) UsersByRole(ctx context.Context, roles ...caseflow.Role) ([]caseflow.User, error) {
	query := `SELECT ` + userColumns + ` FROM users ORDER BY id`
	var args []any
	if len(roles) > 0 {
		names := make([]string, len(roles))
		for i, r := range roles {
			names[i] = string(r)
		}
		query = `SELECT ` + userColumns + ` FROM users WHERE role = ANY($1) ORDER BY id`
		args = append(args, names)
	}
	rows, _ := db.pool.Query(ctx, query, args...)
	users, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (caseflow.User, error) { return scanUser(row) })
	if err != nil {
		return nil, fmt.Errorf("postgres: users by role: %w", err)
	}
	return users, nil
}
