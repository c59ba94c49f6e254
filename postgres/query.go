package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// query builds a SELECT from conditions with numbered arguments, so filters
// are added one line each and every value travels as a parameter.
type query struct {
	where []string
	args  []any
}

// arg adds a parameter and returns its placeholder.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return fmt.Sprintf("$%d", len(q.args))
}

// and adds a condition.
func (q *query) and(cond string) { q.where = append(q.where, cond) }

// sql is selectFrom with the conditions added.
func (q *query) sql(selectFrom string) string {
	if len(q.where) == 0 {
		return selectFrom
	}
	return selectFrom + " WHERE " + strings.Join(q.where, " AND ")
}

// idCursor pages by a descending identity column.
type idCursor struct {
	ID int64 `json:"id"`
}

// pageByID runs selectFrom with q's conditions, newest id first, one page of
// size limit(n) after cursor; it returns the rows and the next page's cursor.
func pageByID[T any](ctx context.Context, db *DB, q *query, selectFrom, cursor string, n int, scan func(pgx.CollectableRow) (T, error), id func(T) int64) ([]T, string, error) {
	if cursor != "" {
		var cur idCursor
		if err := decodeCursor(cursor, &cur); err != nil || cur.ID <= 0 {
			return nil, "", errCursor()
		}
		q.and("id < " + q.arg(cur.ID))
	}
	n = limit(n)
	// One more row than asked tells whether a next page exists.
	rows, _ := db.pool.Query(ctx, q.sql(selectFrom)+" ORDER BY id DESC LIMIT "+q.arg(n+1), q.args...)
	items, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, "", err
	}
	if len(items) <= n {
		return items, "", nil
	}
	return items[:n], encodeCursor(idCursor{ID: id(items[n-1])}), nil
}
