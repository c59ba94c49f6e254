// Package postgres stores what the product keeps outside the workflows: users,
// intake idempotency keys and case numbers, the case read model and timeline,
// the email outbox, and the policy versions cases were opened under.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"caseflow"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the schema migrations (goose SQL files), for tools and
// tests that need to know the schema without applying it.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}

// DB is a pool of connections to the caseflow database.
type DB struct {
	pool *pgxpool.Pool
}

// Open connects to the database at url, creating the database first if it
// does not exist. It does not migrate; call Migrate.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse url: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open pool: %w", err)
	}
	err = pool.Ping(ctx)
	if pgCode(err) == "3D000" { // invalid_catalog_name: the database does not exist
		if err = createDatabase(ctx, cfg.ConnConfig); err == nil {
			err = pool.Ping(ctx)
		}
	}
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect to %s: %w", cfg.ConnConfig.Database, err)
	}
	return &DB{pool: pool}, nil
}

// createDatabase creates the database cfg names, through the server's
// maintenance database.
func createDatabase(ctx context.Context, cfg *pgx.ConnConfig) error {
	admin := cfg.Copy()
	admin.Database = "postgres"
	conn, err := pgx.ConnectConfig(ctx, admin)
	if err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{cfg.Database}.Sanitize())
	// Replicas starting together race to create it, and losing is fine. The
	// loser sees duplicate_database, or a unique violation on the catalog
	// when both passed the server's existence check at once.
	if pgCode(err) == "42P04" || uniqueViolation(err, "pg_database_datname_index") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	return nil
}

// Migrate applies the embedded migrations that are not applied yet. A Postgres
// session lock serialises replicas that migrate at the same time.
func (db *DB) Migrate(ctx context.Context) error {
	// Poll every second for up to five minutes: the default 5 s period would
	// delay every replica that loses the race by that much.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	sqlDB := stdlib.OpenDBFromPool(db.pool)
	defer sqlDB.Close()
	provider, err := goose.NewProvider(goose.DialectPostgres, sqlDB, Migrations(),
		goose.WithSessionLocker(locker),
		goose.WithDisableGlobalRegistry(true),
	)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	// Checking without the lock lets replicas of an up-to-date schema start
	// at once instead of queueing for the lock one poll period each.
	pending, err := provider.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	if !pending {
		return nil
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.pool.Ping(ctx) }

// Close closes every connection.
func (db *DB) Close() { db.pool.Close() }

// pgCode is the SQLSTATE of a server error in err's chain, or "".
func pgCode(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// uniqueViolation reports whether err is a unique violation of constraint.
func uniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == constraint
}

// limit clamps a page size: 50 when unset, at most 200.
func limit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 200:
		return 200
	}
	return n
}

// errCursor is the error for a cursor this package did not hand out.
func errCursor() error {
	return caseflow.Fields{"cursor": "is not a next_cursor from a previous page"}.Err()
}
