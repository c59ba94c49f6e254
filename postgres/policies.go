package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"caseflow"

	"github.com/jackc/pgx/v5"
)

// SavePolicy registers the body of a policy version. Saving the same body
// again is a no-op; a different body under a registered version is an
// ECONFLICT, because cases opened under that version must keep its rules.
func (db *DB) SavePolicy(ctx context.Context, version string, body []byte) error {
	tag, err := db.pool.Exec(ctx,
		`INSERT INTO policies (version, body) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING`,
		version, string(body))
	if err != nil {
		return fmt.Errorf("postgres: save policy %s: %w", version, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	stored, err := db.PolicyBody(ctx, version)
	if err != nil {
		return err
	}
	if !bytes.Equal(stored, body) {
		return caseflow.Errorf(caseflow.ECONFLICT,
			"policy version %s is already registered with different content; give the changed policy a new version", version)
	}
	return nil
}

// PolicyBody returns the body registered for a policy version.
func (db *DB) PolicyBody(ctx context.Context, version string) ([]byte, error) {
	var body string
	err := db.pool.QueryRow(ctx, `SELECT body FROM policies WHERE version = $1`, version).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, caseflow.Errorf(caseflow.ENOTFOUND, "policy version %s not found", version)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: policy %s: %w", version, err)
	}
	return []byte(body), nil
}
