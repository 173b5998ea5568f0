package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
)

// The reads behind the cache of scenarios 14–15 (src/data/pg/user-reads.ts): the primary-key
// read is Get; the rename that invalidates an entry and the range read of the warm-up follow.

// Rename sets a user's name, one UPDATE … RETURNING; found is false for an unknown id.
func (r *Users) Rename(ctx context.Context, id int64, name string) (u User, found bool, err error) {
	u, err = scanUser(r.pool.QueryRow(ctx,
		"UPDATE users SET name = $2 WHERE id = $1 RETURNING "+userColumns, id, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return u, false, nil
	}
	return u, err == nil, err
}

// InRange is the users with from ≤ id < from + count, ordered by id, in one statement.
func (r *Users) InRange(ctx context.Context, from, count int64) ([]User, error) {
	rows, err := r.pool.Query(ctx,
		"SELECT "+userColumns+" FROM users WHERE id >= $1 AND id < $1 + $2 ORDER BY id", from, count)
	if err != nil {
		return nil, err
	}
	return collectUsers(rows, min(count, 1024))
}
