package store

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"backendlab/goshared/apperr"
)

// Reports is scenarios 17 and 18 on raw SQL (src/data/pg/aggregate.ts, search.ts). pgx has no
// query builder, so `builder` is refused with 400 naming the layer; `reduce` loads only the
// columns an aggregate needs and aggregates in integer cents.
type Reports struct{ pool *pgxpool.Pool }

// NewReports reads orders, authors and documents through pool.
func NewReports(pool *pgxpool.Pool) *Reports { return &Reports{pool: pool} }

// GroupStats is one group of GET /db/aggregate/orders-by/{dimension}.
type GroupStats struct {
	Key       string `json:"key"`
	Orders    int64  `json:"orders"`
	Quantity  int64  `json:"quantity"`
	Revenue   string `json:"revenue"`
	AvgAmount string `json:"avgAmount"`
}

// AuthorRevenue is one author of GET /db/aggregate/top-authors.
type AuthorRevenue struct {
	AuthorID  int64  `json:"authorId"`
	Name      string `json:"name"`
	Orders    int64  `json:"orders"`
	Revenue   string `json:"revenue"`
	AvgAmount string `json:"avgAmount"`
}

// SearchHit is one document of GET /db/search.
type SearchHit struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	CreatedAt string `json:"createdAt"`
}

// The strategies of scenarios 17–18, and the dimensions (spliced into SQL: only these two).
var (
	AggregateStrategies = []string{"raw", "builder", "reduce"}
	OrdersDimensions    = []string{"country", "status"}
	SearchStrategies    = []string{"ilike", "trigram", "fts"}
	// pgxAggregates are the aggregate strategies this layer has: no query builder.
	pgxAggregates = []string{"raw", "reduce"}
)

// CheckAggregateStrategy refuses a strategy the pgx layer lacks, naming the layer.
func CheckAggregateStrategy(strategy string) error {
	if !slices.Contains(pgxAggregates, strategy) {
		return apperr.New(apperr.ValidationFailed,
			"aggregate strategy %s is not implemented by the pgx data layer (it has no query builder; it has: raw, reduce)", strategy)
	}
	return nil
}

// The reference SQL of the contract (AGGREGATE_SQL of src/data/pg/aggregate.ts). Keys are
// ordered with COLLATE "C" (byte order), like sort.Strings in the reduce.
const (
	countSQL      = "SELECT count(*) AS count FROM orders"
	topAuthorsSQL = `SELECT o.author_id, a.name, count(*) AS orders, sum(o.amount) AS revenue,
       round(avg(o.amount), 2) AS avg_amount
  FROM orders AS o JOIN authors AS a ON a.id = o.author_id
 GROUP BY o.author_id, a.name
 ORDER BY revenue DESC, o.author_id
 LIMIT $1`
)

func ordersBySQL(dimension string) string {
	return "SELECT " + dimension + " AS key, count(*) AS orders, sum(quantity) AS quantity, " +
		"sum(amount) AS revenue, round(avg(amount), 2) AS avg_amount FROM orders GROUP BY " +
		dimension + ` ORDER BY ` + dimension + ` COLLATE "C"`
}

// CountOrders is the rows of orders: count(*) (raw), or every id loaded and counted (reduce).
func (r *Reports) CountOrders(ctx context.Context, strategy string) (int64, error) {
	if strategy == "raw" {
		var count int64
		err := r.pool.QueryRow(ctx, countSQL).Scan(&count)
		return count, err
	}
	rows, err := r.pool.Query(ctx, "SELECT id FROM orders")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var count int64
	for rows.Next() {
		count++
	}
	return count, rows.Err()
}

// OrdersBy groups orders by dimension (country or status, checked by the caller).
func (r *Reports) OrdersBy(ctx context.Context, dimension, strategy string) ([]GroupStats, error) {
	if strategy == "raw" {
		rows, err := r.pool.Query(ctx, ordersBySQL(dimension))
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		items := make([]GroupStats, 0, 8)
		for rows.Next() {
			var g GroupStats
			var revenue, avg pgtype.Numeric
			if err := rows.Scan(&g.Key, &g.Orders, &g.Quantity, &revenue, &avg); err != nil {
				return nil, err
			}
			if g.Revenue, g.AvgAmount, err = formatPair(revenue, avg); err != nil {
				return nil, err
			}
			items = append(items, g)
		}
		return items, rows.Err()
	}
	rows, err := r.pool.Query(ctx, "SELECT "+dimension+" AS key, quantity, amount FROM orders")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	groups := map[string]*tally{}
	var key string
	var quantity int64
	var amount pgtype.Numeric
	for rows.Next() {
		if err := rows.Scan(&key, &quantity, &amount); err != nil {
			return nil, err
		}
		cents, err := Cents(amount)
		if err != nil {
			return nil, err
		}
		t := groups[key]
		if t == nil {
			t = &tally{}
			groups[key] = t
		}
		t.orders++
		t.quantity += quantity
		t.cents += cents
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return groupStats(groups), nil
}

// TopAuthors is the size authors with the most revenue: one JOIN (raw), or the orders' author
// and amount summed here and then the names of the top ones (reduce: 2 statements).
func (r *Reports) TopAuthors(ctx context.Context, strategy string, size int64) ([]AuthorRevenue, error) {
	if strategy == "raw" {
		rows, err := r.pool.Query(ctx, topAuthorsSQL, size)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		items := make([]AuthorRevenue, 0, size)
		for rows.Next() {
			var a AuthorRevenue
			var revenue, avg pgtype.Numeric
			if err := rows.Scan(&a.AuthorID, &a.Name, &a.Orders, &revenue, &avg); err != nil {
				return nil, err
			}
			if a.Revenue, a.AvgAmount, err = formatPair(revenue, avg); err != nil {
				return nil, err
			}
			items = append(items, a)
		}
		return items, rows.Err()
	}
	byAuthor, err := r.authorTallies(ctx)
	if err != nil {
		return nil, err
	}
	top := topTallies(byAuthor, size)
	ids := make([]int64, len(top))
	for i, t := range top {
		ids[i] = t.authorID
	}
	rows, err := r.pool.Query(ctx, "SELECT id, name FROM authors WHERE id = ANY($1::bigint[])", ids)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(ids))
	var id int64
	var name string
	_, err = pgx.ForEachRow(rows, []any{&id, &name}, func() error {
		names[id] = name
		return nil
	})
	if err != nil {
		return nil, err
	}
	items := make([]AuthorRevenue, 0, len(top))
	for _, t := range top {
		name, ok := names[t.authorID]
		if !ok { // an inner join: an author without a row is dropped
			continue
		}
		items = append(items, AuthorRevenue{
			AuthorID: t.authorID, Name: name, Orders: t.orders,
			Revenue: FormatCents(t.cents), AvgAmount: FormatCents(AverageCents(t.cents, t.orders)),
		})
	}
	return items, nil
}

func (r *Reports) authorTallies(ctx context.Context) (map[int64]*tally, error) {
	rows, err := r.pool.Query(ctx, "SELECT author_id, amount FROM orders")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byAuthor := map[int64]*tally{}
	var authorID int64
	var amount pgtype.Numeric
	for rows.Next() {
		if err := rows.Scan(&authorID, &amount); err != nil {
			return nil, err
		}
		cents, err := Cents(amount)
		if err != nil {
			return nil, err
		}
		t := byAuthor[authorID]
		if t == nil {
			t = &tally{}
			byAuthor[authorID] = t
		}
		t.orders++
		t.cents += cents
	}
	return byAuthor, rows.Err()
}

func formatPair(revenue, avg pgtype.Numeric) (string, string, error) {
	sum, err := Cents(revenue)
	if err != nil {
		return "", "", err
	}
	mean, err := Cents(avg)
	return FormatCents(sum), FormatCents(mean), err
}

// searchSQL is the reference SQL of scenario 18 (SEARCH_SQL of src/data/pg/search.ts):
// $1 = the term, $2 = size, newest matches first.
var searchSQL = map[string]string{
	"ilike":   searchSelect + ` WHERE body ILIKE '%' || $1 || '%' ` + searchNewest,
	"trigram": searchSelect + ` WHERE lower(body) LIKE '%' || lower($1) || '%' ` + searchNewest,
	"fts":     searchSelect + ` WHERE search_vector @@ plainto_tsquery('english', $1) ` + searchNewest,
}

const (
	searchSelect = "SELECT id, title, created_at FROM documents"
	searchNewest = "ORDER BY created_at DESC, id DESC LIMIT $2"
)

// Search is the size newest documents matching term (checked by the caller) by strategy. Sent
// as an unnamed statement (QueryExecModeExec), not through pgx's statement cache: a cached
// prepared statement may switch to a generic plan after five runs, which cannot tell a
// selective term from a common one; a plan per term chooses between the index and a scan.
func (r *Reports) Search(ctx context.Context, strategy, term string, size int64) ([]SearchHit, error) {
	rows, err := r.pool.Query(ctx, searchSQL[strategy], pgx.QueryExecModeExec, term, size)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	hits := make([]SearchHit, 0, size)
	for rows.Next() {
		var h SearchHit
		var createdAt pgtype.Timestamptz
		if err := rows.Scan(&h.ID, &h.Title, &createdAt); err != nil {
			return nil, err
		}
		h.CreatedAt = ISOTime(createdAt.Time)
		hits = append(hits, h)
	}
	return hits, rows.Err()
}
