package postgres_test

import (
	"errors"
	"sync"
	"testing"

	"caseflow"
	"caseflow/postgres"
	"caseflow/postgres/pgtest"
)

// open returns a DB on a fresh, migrated database.
func open(t *testing.T) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(t.Context(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// wantCode fails t unless err is an application error with code.
func wantCode(t *testing.T, err error, code string) *caseflow.Error {
	t.Helper()
	var appErr *caseflow.Error
	if !errors.As(err, &appErr) || appErr.Code != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
	return appErr
}

// Replicas starting together all create and migrate the same new database.
func TestOpenMigrateConcurrently(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabaseURL(t)
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			db, err := postgres.Open(t.Context(), url)
			if err != nil {
				t.Error(err)
				return
			}
			defer db.Close()
			if err := db.Migrate(t.Context()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	db, err := postgres.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("migrating a migrated database: %v", err)
	}
	if err := db.SavePolicy(t.Context(), "v1", []byte("rules")); err != nil {
		t.Fatalf("schema not usable: %v", err)
	}
}

func TestUsers(t *testing.T) {
	t.Parallel()
	db, ctx := open(t), t.Context()
	ann, err := db.CreateUser(ctx, "Ann", "Ann@Example.com", caseflow.RoleAgent, []byte("hash-ann"))
	if err != nil {
		t.Fatal(err)
	}
	if ann.ID == 0 || ann.Email != "Ann@Example.com" || ann.Role != caseflow.RoleAgent {
		t.Fatalf("created %+v", ann)
	}
	bob, err := db.CreateUser(ctx, "Bob", "bob@example.com", caseflow.RoleSupervisor, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, "Cy", "cy@example.com", caseflow.RoleQA, nil); err != nil {
		t.Fatalf("second user without a token: %v", err)
	}

	_, err = db.CreateUser(ctx, "Ann again", "ann@EXAMPLE.com", caseflow.RoleAdmin, nil)
	if e := wantCode(t, err, caseflow.ECONFLICT); e.Message != "a user with email ann@EXAMPLE.com already exists" {
		t.Errorf("message = %q", e.Message)
	}
	_, err = db.CreateUser(ctx, "", "x", "boss", nil)
	if e := wantCode(t, err, caseflow.EINVALID); len(e.Details) != 3 {
		t.Errorf("details = %v, want name, email and role", e.Details)
	}

	if u, err := db.UserByTokenHash(ctx, []byte("hash-ann")); err != nil || u != ann {
		t.Errorf("UserByTokenHash = %+v, %v", u, err)
	}
	_, err = db.UserByTokenHash(ctx, []byte("nope"))
	wantCode(t, err, caseflow.ENOTFOUND)
	_, err = db.UserByTokenHash(ctx, nil)
	wantCode(t, err, caseflow.ENOTFOUND)

	if u, err := db.UserByEmail(ctx, "BOB@example.com"); err != nil || u != bob {
		t.Errorf("UserByEmail = %+v, %v", u, err)
	}
	_, err = db.UserByEmail(ctx, "zed@example.com")
	wantCode(t, err, caseflow.ENOTFOUND)

	staff, err := db.UsersByRole(ctx, caseflow.RoleAgent, caseflow.RoleSupervisor)
	if err != nil || len(staff) != 2 || staff[0] != ann || staff[1] != bob {
		t.Errorf("UsersByRole(agent, supervisor) = %+v, %v", staff, err)
	}
	if all, err := db.UsersByRole(ctx); err != nil || len(all) != 3 {
		t.Errorf("UsersByRole() = %+v, %v", all, err)
	}
	if none, err := db.UsersByRole(ctx, caseflow.RoleManager); err != nil || none == nil || len(none) != 0 {
		t.Errorf("UsersByRole(manager) = %#v, %v; want an empty slice", none, err)
	}
}

func TestPolicies(t *testing.T) {
	t.Parallel()
	db, ctx := open(t), t.Context()
	if err := db.SavePolicy(ctx, "2025.1", []byte("a: 1\n")); err != nil {
		t.Fatal(err)
	}
	if err := db.SavePolicy(ctx, "2025.1", []byte("a: 1\n")); err != nil {
		t.Fatalf("saving the same policy again: %v", err)
	}
	err := db.SavePolicy(ctx, "2025.1", []byte("a: 2\n"))
	if e := wantCode(t, err, caseflow.ECONFLICT); e.Message !=
		"policy version 2025.1 is already registered with different content; give the changed policy a new version" {
		t.Errorf("message = %q", e.Message)
	}
	if body, err := db.PolicyBody(ctx, "2025.1"); err != nil || string(body) != "a: 1\n" {
		t.Errorf("PolicyBody = %q, %v", body, err)
	}
	_, err = db.PolicyBody(ctx, "2024.9")
	wantCode(t, err, caseflow.ENOTFOUND)
}
