package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"caseflow"

	"github.com/jackc/pgx/v5"
)

// PutApproval records a as the current state of its approval. It is
// idempotent and never goes backwards: a write whose Version is not newer
// than the stored one changes nothing, so retried or reordered writes are safe.
func (db *DB) PutApproval(ctx context.Context, a caseflow.Approval) error {
	view, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("postgres: put approval %s: %w", a.ID, err)
	}
	var exceptionKind *string
	if a.Kind == caseflow.ApprovalException {
		exceptionKind = &a.ExceptionKind
	}
	_, err = db.pool.Exec(ctx,
		`INSERT INTO approvals (id, number, kind, status, tier, approvers, due, requested_by, requested_at,
			decided_at, exception_kind, version, view)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (id) DO UPDATE SET
			status = EXCLUDED.status, tier = EXCLUDED.tier, approvers = EXCLUDED.approvers, due = EXCLUDED.due,
			decided_at = EXCLUDED.decided_at, exception_kind = EXCLUDED.exception_kind,
			version = EXCLUDED.version, view = EXCLUDED.view
		WHERE approvals.version < EXCLUDED.version`,
		a.ID, a.Number, a.Kind, a.Status, a.Tier, strs(a.Approvers), a.Due, a.RequestedBy.Actor(), a.RequestedAt,
		a.DecidedAt, exceptionKind, a.Version, view)
	if err != nil {
		return fmt.Errorf("postgres: put approval %s: %w", a.ID, err)
	}
	return nil
}

// GetApproval returns the stored state of an approval.
func (db *DB) GetApproval(ctx context.Context, id string) (caseflow.Approval, error) {
	var a caseflow.Approval
	err := db.pool.QueryRow(ctx, `SELECT view FROM approvals WHERE id = $1`, id).Scan(&a)
	if errors.Is(err, pgx.ErrNoRows) {
		return caseflow.Approval{}, caseflow.Errorf(caseflow.ENOTFOUND, "approval %s not found", id)
	}
	if err != nil {
		return caseflow.Approval{}, fmt.Errorf("postgres: get approval %s: %w", id, err)
	}
	return a, nil
}

// ApprovalFilter selects approvals for ListApprovals. Zero fields do not filter.
type ApprovalFilter struct {
	// Tier keeps the approvals that tier may decide (it is one of their approvers).
	Tier     caseflow.Tier
	Statuses []caseflow.ApprovalStatus
	Number   string
	// Limit is the page size: 50 when unset, at most 200.
	Limit int
}

// ListApprovals returns the approvals f selects: pending ones by the oldest
// deadline first (the most urgent on top), then the others by their last
// decision or request, newest first.
func (db *DB) ListApprovals(ctx context.Context, f ApprovalFilter) ([]caseflow.Approval, error) {
	var q query
	if f.Tier != "" {
		q.and(q.arg(f.Tier) + " = ANY(approvers)")
	}
	if len(f.Statuses) > 0 {
		q.and("status = ANY(" + q.arg(strs(f.Statuses)) + ")")
	}
	if f.Number != "" {
		q.and("number = " + q.arg(f.Number))
	}
	sql := q.sql("SELECT view FROM approvals") + ` ORDER BY status <> 'pending', CASE WHEN status = 'pending' THEN due END ASC NULLS LAST,
		coalesce(decided_at, requested_at) DESC, id LIMIT ` + q.arg(limit(f.Limit))
	rows, _ := db.pool.Query(ctx, sql, q.args...)
	approvals, err := pgx.CollectRows(rows, pgx.RowTo[caseflow.Approval])
	if err != nil {
		return nil, fmt.Errorf("postgres: list approvals: %w", err)
	}
	return approvals, nil
}

// ExceptionCount is how often exceptions of one kind were asked for in a
// period. The SOP warns that repeated exceptions signal a procedure that
// needs revising.
type ExceptionCount struct {
	Kind      string `json:"kind"`
	Count     int    `json:"count"`     // asked for
	Approved  int    `json:"approved"`  // approved, or within the requester's own authority
	Withdrawn int    `json:"withdrawn"` // the case resolved before a decision
	Cases     int    `json:"cases"`     // distinct cases
}

// ExceptionCounts counts the SOP exceptions asked for from from (inclusive)
// to to (exclusive) by kind, the most frequent first.
func (db *DB) ExceptionCounts(ctx context.Context, from, to time.Time) ([]ExceptionCount, error) {
	rows, _ := db.pool.Query(ctx,
		`SELECT exception_kind, count(*),
			count(*) FILTER (WHERE status IN ('approved', 'granted')),
			count(*) FILTER (WHERE status = 'withdrawn'),
			count(DISTINCT number)
		FROM approvals
		WHERE kind = 'exception' AND requested_at >= $1 AND requested_at < $2
		GROUP BY exception_kind
		ORDER BY count(*) DESC, exception_kind`, from, to)
	counts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ExceptionCount, error) {
		var c ExceptionCount
		err := row.Scan(&c.Kind, &c.Count, &c.Approved, &c.Withdrawn, &c.Cases)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: exception counts: %w", err)
	}
	return counts, nil
}
