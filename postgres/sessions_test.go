package postgres_test

import (
	"bytes"
	"testing"
	"time"

	"caseflow"
)

func TestSessionsLiveUntilTheyExpireOrEnd(t *testing.T) {
	t.Parallel()
	db := open(t)
	ctx := t.Context()
	u, err := db.CreateUser(ctx, "Ada Agent", "Ada@example.com", caseflow.RoleAgent, nil)
	if err != nil {
		t.Fatal(err)
	}

	// No password yet: the user exists but cannot sign in.
	if _, hash, err := db.UserPassword(ctx, "ada@example.com"); err != nil || hash != nil {
		t.Fatalf("before a password: hash %q, err %v", hash, err)
	}
	if err := db.SetPassword(ctx, "ADA@example.com", []byte("$2a$10$hash")); err != nil {
		t.Fatal(err)
	}
	got, hash, err := db.UserPassword(ctx, "ada@example.com")
	if err != nil || got.ID != u.ID || !bytes.Equal(hash, []byte("$2a$10$hash")) {
		t.Fatalf("user password: %+v %q %v", got, hash, err)
	}
	wantCode(t, db.SetPassword(ctx, "nobody@example.com", []byte("x")), caseflow.ENOTFOUND)
	_, _, err = db.UserPassword(ctx, "nobody@example.com")
	wantCode(t, err, caseflow.ENOTFOUND)

	live, expired := []byte("live-session-hash"), []byte("expired-session-hash")
	if err := db.CreateSession(ctx, live, u.ID, "csrf-token", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSession(ctx, expired, u.ID, "csrf-2", time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	s, err := db.SessionByHash(ctx, live)
	if err != nil || s.User.Email != "Ada@example.com" || s.User.Role != caseflow.RoleAgent || s.CSRF != "csrf-token" {
		t.Fatalf("session: %+v, %v", s, err)
	}
	_, err = db.SessionByHash(ctx, expired)
	wantCode(t, err, caseflow.ENOTFOUND)

	// Signing out ends the session; a new password ends all of them.
	if err := db.DeleteSession(ctx, live); err != nil {
		t.Fatal(err)
	}
	_, err = db.SessionByHash(ctx, live)
	wantCode(t, err, caseflow.ENOTFOUND)
	if err := db.CreateSession(ctx, live, u.ID, "csrf-3", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPassword(ctx, "ada@example.com", []byte("$2a$10$other")); err != nil {
		t.Fatal(err)
	}
	_, err = db.SessionByHash(ctx, live)
	wantCode(t, err, caseflow.ENOTFOUND)
}
