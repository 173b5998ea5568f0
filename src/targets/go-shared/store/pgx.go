package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"backendlab/goshared/apperr"
)

// PgxLayer is the raw SQL data layer on pgx: the SQL of src/data/pg/layer.ts, statement for
// statement, so statement counts match (lazy 1 + N, eager 1, select-in 2, unnest 1, copy 1, …).
type PgxLayer struct{ pool *pgxpool.Pool }

// NewPgxLayer serves the /db routes from pool.
func NewPgxLayer(pool *pgxpool.Pool) *PgxLayer { return &PgxLayer{pool: pool} }

const (
	uniqueViolation       = "23505"
	serializationFailure  = "40001"
	postgresMaxParameters = 65_535
	bulkColumns           = 4
	// multiValuesChunkRows is as many rows as fit under the parameter limit (16,383).
	multiValuesChunkRows = postgresMaxParameters / bulkColumns
)

// Name implements Layer.
func (*PgxLayer) Name() string { return "pgx" }

// InsertStrategies implements Layer: all five, COPY through pgx's CopyFrom.
func (*PgxLayer) InsertStrategies() []string { return BulkInsertStrategies }

// Close implements Layer; the pool belongs to the caller.
func (*PgxLayer) Close() {}

// ---- 09 pagination ----

// OffsetPage implements Layer.
func (l *PgxLayer) OffsetPage(ctx context.Context, skip, size int64) ([]PageUser, error) {
	rows, err := l.pool.Query(ctx, "SELECT "+userColumns+" FROM users ORDER BY id LIMIT $1 OFFSET $2", size, skip)
	if err != nil {
		return nil, err
	}
	return collectUsers(rows, size)
}

// KeysetPage implements Layer.
func (l *PgxLayer) KeysetPage(ctx context.Context, after, size int64) ([]PageUser, error) {
	rows, err := l.pool.Query(ctx, "SELECT "+userColumns+" FROM users WHERE id > $1 ORDER BY id LIMIT $2", after, size)
	if err != nil {
		return nil, err
	}
	return collectUsers(rows, size)
}

// CursorPage implements Layer. One row more than the page is read, so that Next is nil
// exactly on the last page (also when that page is full).
func (l *PgxLayer) CursorPage(ctx context.Context, cursor *string, size int64) (CursorPage, error) {
	var rows pgx.Rows
	var err error
	if cursor == nil {
		rows, err = l.pool.Query(ctx, "SELECT "+userColumns+" FROM users ORDER BY created_at, id LIMIT $1", size+1)
	} else {
		createdAt, id, invalid := DecodeCursor(*cursor)
		if invalid != nil {
			return CursorPage{}, invalid
		}
		rows, err = l.pool.Query(ctx, "SELECT "+userColumns+` FROM users WHERE (created_at, id) > ($1, $2)
			ORDER BY created_at, id LIMIT $3`, createdAt, id, size+1)
	}
	if err != nil {
		return CursorPage{}, err
	}
	users, err := collectUsers(rows, size+1)
	if err != nil {
		return CursorPage{}, err
	}
	return pageWithNext(users, size), nil
}

func pageWithNext(users []PageUser, size int64) CursorPage {
	if int64(len(users)) <= size {
		return CursorPage{Items: users}
	}
	items := users[:size]
	last := items[len(items)-1]
	next := EncodeCursor(last.CreatedAt, last.ID)
	return CursorPage{Items: items, Next: &next}
}

// ---- 10 column overhead ----

// columnShapeSQL: fixed SQL per shape; wide_projected reads 5 of users_wide's 20 columns.
var columnShapeSQL = map[string]string{
	"narrow":         "SELECT * FROM users_narrow ORDER BY id LIMIT $1 OFFSET $2",
	"wide":           "SELECT * FROM users_wide ORDER BY id LIMIT $1 OFFSET $2",
	"extra_wide":     "SELECT * FROM users_extra_wide ORDER BY id LIMIT $1 OFFSET $2",
	"wide_projected": "SELECT id, name, email, age, created_at FROM users_wide ORDER BY id LIMIT $1 OFFSET $2",
}

var columnTypeSQL = func() map[string]string {
	sql := make(map[string]string, len(ColumnTypes))
	for _, typ := range ColumnTypes {
		sql[typ] = "SELECT * FROM users_type_" + typ + " ORDER BY id LIMIT $1 OFFSET $2"
	}
	return sql
}()

// ReadColumns implements Layer.
func (l *PgxLayer) ReadColumns(ctx context.Context, shape string, skip, size int64) ([]Row, error) {
	return l.readRows(ctx, columnShapeSQL, "column shape", shape, skip, size)
}

// ReadType implements Layer.
func (l *PgxLayer) ReadType(ctx context.Context, typ string, skip, size int64) ([]Row, error) {
	return l.readRows(ctx, columnTypeSQL, "column type", typ, skip, size)
}

func (l *PgxLayer) readRows(ctx context.Context, sql map[string]string, what, key string, skip, size int64) ([]Row, error) {
	text, ok := sql[key]
	if !ok {
		return nil, apperr.New(apperr.NotFound, "unknown %s %q", what, key)
	}
	rows, err := l.pool.Query(ctx, text, size, skip)
	if err != nil {
		return nil, err
	}
	return CollectRows(rows)
}

// ---- 11 N+1 ----

const (
	authorsPageSQL   = "SELECT id, name FROM authors ORDER BY id LIMIT $1 OFFSET $2"
	postsOfAuthorSQL = "SELECT id, author_id, title, view_count FROM posts WHERE author_id = $1 ORDER BY id"
	// The page of authors LEFT JOIN their posts; author columns repeat on every post row.
	authorsJoinPostsSQL = `SELECT a.id, a.name, p.id AS post_id, p.title, p.view_count
		FROM (SELECT id, name FROM authors ORDER BY id LIMIT $1 OFFSET $2) AS a
		LEFT JOIN posts AS p ON p.author_id = a.id
		ORDER BY a.id, p.id`
	postsOfAuthorsSQL = `SELECT id, author_id, title, view_count FROM posts
		WHERE author_id = ANY($1::bigint[]) ORDER BY author_id, id`
)

// AuthorsWithPosts implements Layer.
func (l *PgxLayer) AuthorsWithPosts(ctx context.Context, strategy string, skip, size int64) ([]AuthorWithPosts, error) {
	switch strategy {
	case "lazy":
		// 1 + N: each author's posts are fetched when that author is visited, one round trip
		// after another, as lazy loading does.
		authors, err := l.authorsPage(ctx, skip, size)
		if err != nil {
			return nil, err
		}
		for i := range authors {
			rows, err := l.pool.Query(ctx, postsOfAuthorSQL, authors[i].ID)
			if err != nil {
				return nil, err
			}
			err = forEachPost(rows, func(_ int64, post Post) { authors[i].Posts = append(authors[i].Posts, post) })
			if err != nil {
				return nil, err
			}
		}
		return authors, nil
	case "eager":
		rows, err := l.pool.Query(ctx, authorsJoinPostsSQL, size, skip)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		authors := make([]AuthorWithPosts, 0, size)
		for rows.Next() {
			var id int64
			var name string
			var postID *int64
			var title *string
			var viewCount *int32
			if err := rows.Scan(&id, &name, &postID, &title, &viewCount); err != nil {
				return nil, err
			}
			if len(authors) == 0 || authors[len(authors)-1].ID != id {
				authors = append(authors, AuthorWithPosts{ID: id, Name: name, Posts: []Post{}})
			}
			if postID != nil {
				current := &authors[len(authors)-1]
				current.Posts = append(current.Posts, Post{ID: *postID, Title: *title, ViewCount: *viewCount})
			}
		}
		return authors, rows.Err()
	case "select-in":
		// 2: the authors, then all their posts in one `= ANY($1)` batch.
		authors, err := l.authorsPage(ctx, skip, size)
		if err != nil || len(authors) == 0 {
			return authors, err
		}
		ids := make([]int64, len(authors))
		index := make(map[int64]int, len(authors))
		for i, author := range authors {
			ids[i] = author.ID
			index[author.ID] = i
		}
		rows, err := l.pool.Query(ctx, postsOfAuthorsSQL, ids)
		if err != nil {
			return nil, err
		}
		err = forEachPost(rows, func(authorID int64, post Post) {
			author := &authors[index[authorID]]
			author.Posts = append(author.Posts, post)
		})
		return authors, err
	}
	return nil, apperr.New(apperr.ValidationFailed, "unknown load strategy %q", strategy)
}

func (l *PgxLayer) authorsPage(ctx context.Context, skip, size int64) ([]AuthorWithPosts, error) {
	rows, err := l.pool.Query(ctx, authorsPageSQL, size, skip)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	authors := make([]AuthorWithPosts, 0, size)
	for rows.Next() {
		author := AuthorWithPosts{Posts: []Post{}}
		if err := rows.Scan(&author.ID, &author.Name); err != nil {
			return nil, err
		}
		authors = append(authors, author)
	}
	return authors, rows.Err()
}

func forEachPost(rows pgx.Rows, each func(authorID int64, post Post)) error {
	defer rows.Close()
	for rows.Next() {
		var post Post
		var authorID int64
		if err := rows.Scan(&post.ID, &authorID, &post.Title, &post.ViewCount); err != nil {
			return err
		}
		each(authorID, post)
	}
	return rows.Err()
}

// ---- 12 bulk ----

const insertItemSQL = "INSERT INTO bulk_items (sku, name, quantity, price) VALUES ($1, $2, $3, $4)"

// numeric parses a validated decimal string for a numeric parameter.
func numeric(price string) (pgtype.Numeric, error) {
	var n pgtype.Numeric
	err := n.Scan(price)
	return n, err
}

// BulkInsert implements Layer.
func (l *PgxLayer) BulkInsert(ctx context.Context, strategy string, items []NewBulkItem) (int64, error) {
	prices := make([]pgtype.Numeric, len(items))
	for i, item := range items {
		var err error
		if prices[i], err = numeric(item.Price); err != nil {
			return 0, apperr.New(apperr.ValidationFailed, "items[%d].price: %v", i, err)
		}
	}
	switch strategy {
	case "individual":
		// One INSERT per row, each its own (autocommit) transaction.
		var written int64
		for i, item := range items {
			tag, err := l.pool.Exec(ctx, insertItemSQL, item.Sku, item.Name, item.Quantity, prices[i])
			if err != nil {
				return written, err
			}
			written += tag.RowsAffected()
		}
		return written, nil
	case "orm-batch":
		// What pgx batches: one INSERT per row, queued in a pgx.Batch and sent in one round trip
		// inside one transaction (N statements, 1 round trip).
		var written int64
		err := pgx.BeginFunc(ctx, l.pool, func(tx pgx.Tx) error {
			batch := &pgx.Batch{}
			for i, item := range items {
				batch.Queue(insertItemSQL, item.Sku, item.Name, item.Quantity, prices[i])
			}
			results := tx.SendBatch(ctx, batch)
			for range items {
				tag, err := results.Exec()
				if err != nil {
					results.Close()
					return err
				}
				written += tag.RowsAffected()
			}
			return results.Close()
		})
		return written, err
	case "multi-values":
		// One INSERT … VALUES (…), (…) per 16,383 rows; several chunks share a transaction.
		if len(items) <= multiValuesChunkRows {
			return insertValues(ctx, l.pool, items, prices)
		}
		var written int64
		err := pgx.BeginFunc(ctx, l.pool, func(tx pgx.Tx) error {
			for start := 0; start < len(items); start += multiValuesChunkRows {
				end := min(start+multiValuesChunkRows, len(items))
				n, err := insertValues(ctx, tx, items[start:end], prices[start:end])
				if err != nil {
					return err
				}
				written += n
			}
			return nil
		})
		return written, err
	case "unnest":
		// One INSERT of four array parameters, whatever the row count.
		skus := make([]string, len(items))
		names := make([]string, len(items))
		quantities := make([]int32, len(items))
		for i, item := range items {
			skus[i], names[i], quantities[i] = item.Sku, item.Name, item.Quantity
		}
		tag, err := l.pool.Exec(ctx, `INSERT INTO bulk_items (sku, name, quantity, price)
			SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::int[], $4::numeric[])`,
			skus, names, quantities, prices)
		return tag.RowsAffected(), err
	case "copy":
		// COPY … FROM STDIN, binary format, through pgx's CopyFrom.
		return l.pool.CopyFrom(ctx, pgx.Identifier{"bulk_items"}, []string{"sku", "name", "quantity", "price"},
			pgx.CopyFromSlice(len(items), func(i int) ([]any, error) {
				return []any{items[i].Sku, items[i].Name, items[i].Quantity, prices[i]}, nil
			}))
	}
	return 0, apperr.New(apperr.ValidationFailed, "unknown bulk insert strategy %q", strategy)
}

// execer is a pool or a transaction.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// insertValues is one multi-row INSERT; its text depends on the row count.
func insertValues(ctx context.Context, db execer, items []NewBulkItem, prices []pgtype.Numeric) (int64, error) {
	var sql strings.Builder
	sql.WriteString("INSERT INTO bulk_items (sku, name, quantity, price) VALUES ")
	args := make([]any, 0, len(items)*bulkColumns)
	for i, item := range items {
		if i > 0 {
			sql.WriteString(", ")
		}
		base := i * bulkColumns
		fmt.Fprintf(&sql, "($%d, $%d, $%d, $%d)", base+1, base+2, base+3, base+4)
		args = append(args, item.Sku, item.Name, item.Quantity, prices[i])
	}
	// Exec mode without caching: a statement of this row count is unlikely to come back.
	tag, err := db.Exec(ctx, sql.String(), append([]any{pgx.QueryExecModeDescribeExec}, args...)...)
	return tag.RowsAffected(), err
}

// BulkUpdate implements Layer.
func (l *PgxLayer) BulkUpdate(ctx context.Context, strategy string, updates []BulkUpdate) (int64, error) {
	switch strategy {
	case "individual":
		// One UPDATE per row, each its own (autocommit) transaction.
		var updated int64
		for _, u := range updates {
			tag, err := l.pool.Exec(ctx, "UPDATE bulk_items SET quantity = $2, updated_at = now() WHERE sku = $1", u.Sku, u.Quantity)
			if err != nil {
				return updated, err
			}
			updated += tag.RowsAffected()
		}
		return updated, nil
	case "bulk":
		skus := make([]string, len(updates))
		quantities := make([]int32, len(updates))
		for i, u := range updates {
			skus[i], quantities[i] = u.Sku, u.Quantity
		}
		tag, err := l.pool.Exec(ctx, `UPDATE bulk_items AS b SET quantity = u.quantity, updated_at = now()
			FROM unnest($1::varchar[], $2::int[]) AS u (sku, quantity)
			WHERE b.sku = u.sku`, skus, quantities)
		return tag.RowsAffected(), err
	}
	return 0, apperr.New(apperr.ValidationFailed, "unknown bulk update strategy %q", strategy)
}

// ---- 13 transactions on hot rows ----

const (
	readStockSQL          = "SELECT stock, version FROM products WHERE id = $1"
	readStockForUpdateSQL = "SELECT stock, version FROM products WHERE id = $1 FOR UPDATE"
	writeStockSQL         = "UPDATE products SET stock = $2, updated_at = now() WHERE id = $1"
	writeVersionedSQL     = `UPDATE products SET stock = $2, version = version + 1, updated_at = now()
		WHERE id = $1 AND version = $3`
)

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

func readStock(ctx context.Context, db querier, sql string, productID int64) (stock, version int32, err error) {
	err = db.QueryRow(ctx, sql, productID).Scan(&stock, &version)
	if errors.Is(err, pgx.ErrNoRows) {
		err = apperr.New(apperr.NotFound, "product %d not found", productID)
	}
	return stock, version, err
}

// readThenWrite is the decrement of none, pessimistic and serializable: read, then write the
// computed stock (false: not enough stock).
func readThenWrite(ctx context.Context, db querier, readSQL string, productID int64, quantity int32) (bool, error) {
	stock, _, err := readStock(ctx, db, readSQL, productID)
	if err != nil || stock < quantity {
		return false, err
	}
	_, err = db.Exec(ctx, writeStockSQL, productID, stock-quantity)
	return err == nil, err
}

// DecrementStock implements Layer; uncontended, every strategy sends 2 statements (read and
// write) besides BEGIN/COMMIT.
func (l *PgxLayer) DecrementStock(ctx context.Context, strategy string, productID int64, quantity int32) (Outcome, error) {
	switch strategy {
	case "none":
		// Read, then write, no lock, no transaction: concurrent decrements lose updates — the
		// anomaly this strategy exists to show.
		ok, err := readThenWrite(ctx, l.pool, readStockSQL, productID, quantity)
		return Outcome{OK: ok}, err
	case "pessimistic":
		// SELECT … FOR UPDATE holds the row lock until COMMIT: decrements queue up, none lost.
		var ok bool
		err := pgx.BeginFunc(ctx, l.pool, func(tx pgx.Tx) (err error) {
			ok, err = readThenWrite(ctx, tx, readStockForUpdateSQL, productID, quantity)
			return err
		})
		return Outcome{OK: ok}, err
	case "optimistic":
		// Write only if the version read is unchanged; 0 rows = a concurrent writer won: retry.
		for retries := 0; ; retries++ {
			stock, version, err := readStock(ctx, l.pool, readStockSQL, productID)
			if err != nil || stock < quantity {
				return Outcome{Retries: retries}, err
			}
			tag, err := l.pool.Exec(ctx, writeVersionedSQL, productID, stock-quantity, version)
			if err != nil {
				return Outcome{Retries: retries}, err
			}
			if tag.RowsAffected() == 1 {
				return Outcome{OK: true, Retries: retries}, nil
			}
			if retries >= MaxRetries {
				return Outcome{Retries: retries}, nil
			}
		}
	case "serializable":
		// The read-then-write of `none` in a SERIALIZABLE transaction: PostgreSQL aborts the
		// losers with SQLSTATE 40001 and the whole transaction is retried.
		for retries := 0; ; retries++ {
			var ok bool
			err := pgx.BeginTxFunc(ctx, l.pool, pgx.TxOptions{IsoLevel: pgx.Serializable}, func(tx pgx.Tx) (err error) {
				ok, err = readThenWrite(ctx, tx, readStockSQL, productID, quantity)
				return err
			})
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != serializationFailure {
				return Outcome{OK: ok, Retries: retries}, err
			}
			if retries >= MaxRetries {
				return Outcome{Retries: retries}, nil
			}
		}
	}
	return Outcome{}, apperr.New(apperr.ValidationFailed, "unknown lock strategy %q", strategy)
}
