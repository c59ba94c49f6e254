package token

import (
	"errors"
	"testing"
	"time"
)

func TestSignedLinks(t *testing.T) {
	secret := []byte("s3cret")
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	tok := Sign(secret, "c", "CS-2026-000001", now.Add(time.Hour))

	if got, err := Verify(secret, "c", tok, now); err != nil || got != "CS-2026-000001" {
		t.Fatalf("a fresh token verifies to its case: got %q, %v", got, err)
	}
	if _, err := Verify(secret, "c", tok, now.Add(time.Hour)); !errors.Is(err, ErrExpired) {
		t.Errorf("an expired token is refused as expired, got %v", err)
	}
	if _, err := Verify(secret, "s", tok, now); !errors.Is(err, ErrInvalid) {
		t.Errorf("a case-page token is not a survey token, got %v", err)
	}
	if _, err := Verify([]byte("other"), "c", tok, now); !errors.Is(err, ErrInvalid) {
		t.Errorf("a token signed with another secret is refused, got %v", err)
	}
	forged := Sign([]byte("other"), "c", "CS-2026-000002", now.Add(time.Hour))
	body := tok[:len(tok)-len(tok[indexDot(tok):])]
	if _, err := Verify(secret, "c", body+forged[indexDot(forged):], now); !errors.Is(err, ErrInvalid) {
		t.Errorf("a token with a foreign signature is refused, got %v", err)
	}
	for _, bad := range []string{"", "no-dot", "!!!.!!!", "YQ.YQ"} {
		if _, err := Verify(secret, "c", bad, now); !errors.Is(err, ErrInvalid) {
			t.Errorf("malformed token %q is refused, got %v", bad, err)
		}
	}
}

func indexDot(s string) int {
	for i := range s {
		if s[i] == '.' {
			return i
		}
	}
	return len(s)
}
