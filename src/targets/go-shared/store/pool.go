package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// OpenPool makes the process's pgx pool: MaxConns = LAB_DB_POOL, like every target's pool.
// Connections open lazily. pgx's default QueryExecModeCacheStatement prepares each SQL text
// once per connection, the equivalent of node-postgres' named prepared statements.
func OpenPool(ctx context.Context, databaseURL string, size int) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	cfg.MaxConns = int32(size)
	return pgxpool.NewWithConfig(ctx, cfg)
}
