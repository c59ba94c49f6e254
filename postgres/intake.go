package postgres

import (
	"context"
	"errors"
	"fmt"

	"caseflow"

	"github.com/jackc/pgx/v5"
)

// errKeyTaken reports that a concurrent request reserved the same key first.
var errKeyTaken = errors.New("idempotency key taken concurrently")

// ReserveCase returns the case number for an intake request. The first request
// with key allocates the next number of year; a retry (same key, same
// requestHash) gets the same number back with existing set. Reusing a key for
// a different request is an ECONFLICT.
func (db *DB) ReserveCase(ctx context.Context, key, requestHash string, year int) (number string, existing bool, err error) {
	// A second attempt always sees the winner's key: the loser only retries
	// once the winner has committed.
	for range 2 {
		number, existing, err = db.reserveCase(ctx, key, requestHash, year)
		if !errors.Is(err, errKeyTaken) {
			return number, existing, err
		}
	}
	return "", false, fmt.Errorf("postgres: reserve case: %w", err)
}

func (db *DB) reserveCase(ctx context.Context, key, requestHash string, year int) (number string, existing bool, err error) {
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var storedHash string
		err := tx.QueryRow(ctx, `SELECT request_hash, number FROM intake_keys WHERE key = $1`, key).Scan(&storedHash, &number)
		if err == nil {
			if storedHash != requestHash {
				return caseflow.Errorf(caseflow.ECONFLICT, "Idempotency-Key was already used for a different request")
			}
			existing = true
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		// The row lock on the year's counter serialises allocations until
		// commit, and a rollback returns the number: numbers have no gaps.
		var n int
		err = tx.QueryRow(ctx,
			`INSERT INTO case_numbers (year, last) VALUES ($1, 1)
			 ON CONFLICT (year) DO UPDATE SET last = case_numbers.last + 1
			 RETURNING last`, year).Scan(&n)
		if err != nil {
			return err
		}
		number = caseflow.CaseNumber(year, n)
		tag, err := tx.Exec(ctx,
			`INSERT INTO intake_keys (key, request_hash, number) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`,
			key, requestHash, number)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return errKeyTaken // roll back, giving the number back, and read the winner's row
		}
		return nil
	})
	if err != nil {
		var appErr *caseflow.Error
		if errors.As(err, &appErr) || errors.Is(err, errKeyTaken) {
			return "", false, err
		}
		return "", false, fmt.Errorf("postgres: reserve case: %w", err)
	}
	return number, existing, nil
}
