package postgres_test

import (
	"sync"
	"testing"

	"caseflow"
)

func TestReserveCase(t *testing.T) {
	t.Parallel()
	db, ctx := open(t), t.Context()
	reserve := func(key, hash string, year int) (string, bool) {
		t.Helper()
		number, existing, err := db.ReserveCase(ctx, key, hash, year)
		if err != nil {
			t.Fatalf("ReserveCase(%s): %v", key, err)
		}
		return number, existing
	}
	for _, want := range []struct {
		key      string
		year     int
		number   string
		existing bool
	}{
		{"k1", 2025, "CS-2025-000001", false},
		{"k2", 2025, "CS-2025-000002", false},
		{"k3", 2026, "CS-2026-000001", false}, // each year counts from one
		{"k1", 2025, "CS-2025-000001", true},  // a retry gets its number back
		{"k4", 2025, "CS-2025-000003", false},
	} {
		if number, existing := reserve(want.key, "h-"+want.key, want.year); number != want.number || existing != want.existing {
			t.Errorf("ReserveCase(%s) = %s, %t; want %s, %t", want.key, number, existing, want.number, want.existing)
		}
	}

	_, _, err := db.ReserveCase(ctx, "k1", "another request", 2025)
	if e := wantCode(t, err, caseflow.ECONFLICT); e.Message != "Idempotency-Key was already used for a different request" {
		t.Errorf("message = %q", e.Message)
	}
}

// Concurrent retries of one request end with one case number, and the
// losers' allocations are given back.
func TestReserveCaseConcurrent(t *testing.T) {
	t.Parallel()
	db, ctx := open(t), t.Context()
	type result struct {
		number   string
		existing bool
	}
	results := make([]result, 20)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			number, existing, err := db.ReserveCase(ctx, "same", "hash", 2025)
			if err != nil {
				t.Error(err)
			}
			results[i] = result{number, existing}
		})
	}
	wg.Wait()
	created := 0
	for _, r := range results {
		if r.number != "CS-2025-000001" {
			t.Errorf("number = %q, want CS-2025-000001", r.number)
		}
		if !r.existing {
			created++
		}
	}
	if created != 1 {
		t.Errorf("%d calls report a new reservation, want 1", created)
	}
	if number, _, err := db.ReserveCase(ctx, "next", "hash", 2025); err != nil || number != "CS-2025-000002" {
		t.Errorf("next reservation = %s, %v; want CS-2025-000002 (no gap)", number, err)
	}
}
