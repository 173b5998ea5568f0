// Package store is the database side of the Go targets: the pgx pool, the users of scenarios
// 03–04, and the data layer of scenarios 09–13 (the operations of src/data/types.ts, returning
// the values src/data/pg/layer.ts returns, so every target answers the same bytes' worth).
package store

import (
	"context"
	"time"
)

// PageUser is a row of `users` as the pagination operations return it.
type PageUser struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	CreatedAt string `json:"createdAt"`
}

// CursorPage is one page of GET /db/users/cursor.
type CursorPage struct {
	Items []PageUser `json:"items"`
	// Next is the cursor of the following page, nil (JSON null) on the last one.
	Next *string `json:"next"`
}

// Post is a post of an author (scenario 11).
type Post struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	ViewCount int32  `json:"viewCount"`
}

// AuthorWithPosts is an author with every post, ordered by id.
type AuthorWithPosts struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Posts []Post `json:"posts"`
}

// NewBulkItem is a row for bulk_items.
type NewBulkItem struct {
	Sku      string
	Name     string
	Quantity int32
	// Price is a decimal string such as "12.50" (numeric(10,2)).
	Price string
}

// BulkUpdate sets the quantity of one sku.
type BulkUpdate struct {
	Sku      string
	Quantity int32
}

// Outcome of a stock decrement.
type Outcome struct {
	// OK: the decrement was applied (enough stock, the transaction committed).
	OK bool
	// Retries after optimistic version conflicts or serialization failures.
	Retries int
}

// The strategies of scenarios 11–13 (docs/contract.md).
var (
	LoadStrategies       = []string{"lazy", "eager", "select-in"}
	BulkInsertStrategies = []string{"individual", "orm-batch", "multi-values", "unnest", "copy"}
	BulkUpdateStrategies = []string{"individual", "bulk"}
	LockStrategies       = []string{"none", "pessimistic", "optimistic", "serializable"}
	ColumnShapes         = []string{"narrow", "wide", "extra_wide", "wide_projected"}
	ColumnTypes          = []string{"int", "varchar", "text", "jsonb", "timestamp", "uuid"}
)

// MaxRetries bounds optimistic and serializable decrements, as in the Node layers.
const MaxRetries = 10

// Layer is one data layer behind the /db routes; inputs arrive validated (contract package).
type Layer interface {
	// Name is what GET /meta reports as dataLayer.
	Name() string
	// InsertStrategies are the bulk insert strategies this layer implements.
	InsertStrategies() []string

	OffsetPage(ctx context.Context, skip, size int64) ([]PageUser, error)
	KeysetPage(ctx context.Context, after, size int64) ([]PageUser, error)
	// CursorPage answers apperr invalid_cursor for a cursor it did not produce.
	CursorPage(ctx context.Context, cursor *string, size int64) (CursorPage, error)
	ReadColumns(ctx context.Context, shape string, skip, size int64) ([]Row, error)
	ReadType(ctx context.Context, typ string, skip, size int64) ([]Row, error)
	AuthorsWithPosts(ctx context.Context, strategy string, skip, size int64) ([]AuthorWithPosts, error)
	BulkInsert(ctx context.Context, strategy string, items []NewBulkItem) (int64, error)
	BulkUpdate(ctx context.Context, strategy string, updates []BulkUpdate) (int64, error)
	// DecrementStock answers apperr not_found for an unknown product.
	DecrementStock(ctx context.Context, strategy string, productID int64, quantity int32) (Outcome, error)
	Close()
}

// ISOTime is JavaScript's Date#toISOString: UTC, milliseconds (truncated), 'Z'.
func ISOTime(t time.Time) string { return t.UTC().Format(isoLayout) }

const isoLayout = "2006-01-02T15:04:05.000Z"
