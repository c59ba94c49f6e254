// Package pgtest gives each test its own PostgreSQL database.
//
// The server is CASEFLOW_TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable); the role needs
// CREATEDB. A migrated template database is built once per schema and each test
// gets a copy of it, which takes milliseconds instead of a migration run.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"caseflow/postgres"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

const defaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// templateLock is the advisory lock key that serialises template builds
// across test processes (go test runs packages in parallel).
const templateLock int64 = 0x63617365666c6f77 // "caseflow"

// server is the connection to the server's maintenance database, shared by
// the tests of this process, and the template built on it.
var server = sync.OnceValues(func() (*state, error) {
	base := os.Getenv("CASEFLOW_TEST_DATABASE_URL")
	if base == "" {
		base = defaultURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, fmt.Errorf("CASEFLOW_TEST_DATABASE_URL must be a postgres:// URL, got %q", base)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pool, err := pgxpool.New(ctx, base)
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot reach PostgreSQL at %s (start it, or point CASEFLOW_TEST_DATABASE_URL at one): %w", u.Host, err)
	}
	s := &state{base: u, admin: pool}
	if s.template, err = s.buildTemplate(ctx); err != nil {
		return nil, fmt.Errorf("build template database: %w", err)
	}
	return s, nil
})

type state struct {
	base     *url.URL
	admin    *pgxpool.Pool
	template string
}

// url is the URL of database name on the server.
func (s *state) url(name string) string {
	u := *s.base
	u.Path = "/" + name
	return u.String()
}

// buildTemplate creates the migrated template database for the current
// migrations unless it exists, and returns its name.
func (s *state) buildTemplate(ctx context.Context) (string, error) {
	hash, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "caseflow_template_" + hash
	conn, err := s.admin.Acquire(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", templateLock); err != nil {
		return "", err
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", templateLock)

	var exists bool
	err = conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	if err != nil || exists {
		return name, err
	}
	// Build under another name and rename at the end, so that a build that
	// died half way is never taken for a template.
	building := name + "_building"
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(building)+" WITH (FORCE)"); err != nil {
		return "", err
	}
	db, err := postgres.Open(ctx, s.url(building))
	if err != nil {
		return "", err
	}
	err = db.Migrate(ctx)
	db.Close()
	if err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+ident(building)+" RENAME TO "+ident(name)); err != nil {
		return "", err
	}
	// Copying fails while anyone is connected to the template; forbid it.
	_, err = conn.Exec(ctx, "ALTER DATABASE "+ident(name)+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false")
	return name, err
}

// migrationsHash names the schema: a changed migration gets a new template.
func migrationsHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(postgres.Migrations(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(postgres.Migrations(), path)
		fmt.Fprintf(h, "%s\x00%d\x00%s", path, len(b), b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:16], err
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

// URL returns the URL of a new, migrated, empty database for t, dropped when
// t ends. It fails t if the server cannot be reached.
func URL(t testing.TB) string {
	t.Helper()
	s, name := newName(t)
	if _, err := s.admin.Exec(t.Context(), "CREATE DATABASE "+ident(name)+" TEMPLATE "+ident(s.template)); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	return s.url(name)
}

// NewDatabaseURL returns the URL of a database that does not exist yet, for
// tests of creating and migrating one. It is dropped when t ends if it was
// created.
func NewDatabaseURL(t testing.TB) string {
	t.Helper()
	s, name := newName(t)
	return s.url(name)
}

// newName picks a database name for t and drops that database when t ends.
func newName(t testing.TB) (*state, string) {
	t.Helper()
	s, err := server()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	name := "caseflow_test_" + strings.ToLower(rand.Text()[:12])
	t.Cleanup(func() {
		// t.Context is already cancelled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return s, name
}
