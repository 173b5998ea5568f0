package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"backendlab/goshared/apperr"
)

// User is the contract's User (the same fields as PageUser).
type User = PageUser

// UsersPage is the body of GET /users.
type UsersPage struct {
	Items  []User `json:"items"`
	Limit  int64  `json:"limit"`
	Offset int64  `json:"offset"`
}

// Users is the raw SQL repository of scenarios 03 and 04 (src/data/pg/users.ts).
type Users struct{ pool *pgxpool.Pool }

// NewUsers reads and writes users through pool.
func NewUsers(pool *pgxpool.Pool) *Users { return &Users{pool: pool} }

const userColumns = "id, name, email, created_at"

func scanUser(row pgx.Row) (User, error) {
	var u User
	var createdAt time.Time
	err := row.Scan(&u.ID, &u.Name, &u.Email, &createdAt)
	u.CreatedAt = ISOTime(createdAt)
	return u, err
}

func collectUsers(rows pgx.Rows, capacity int64) ([]User, error) {
	defer rows.Close()
	users := make([]User, 0, capacity)
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

// List is one page ordered by id.
func (r *Users) List(ctx context.Context, limit, offset int64) (UsersPage, error) {
	rows, err := r.pool.Query(ctx, "SELECT "+userColumns+" FROM users ORDER BY id LIMIT $1 OFFSET $2", limit, offset)
	if err != nil {
		return UsersPage{}, err
	}
	items, err := collectUsers(rows, limit)
	return UsersPage{Items: items, Limit: limit, Offset: offset}, err
}

// Get is one user; 404 when there is none.
func (r *Users) Get(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(r.pool.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = $1", id))
	if errors.Is(err, pgx.ErrNoRows) {
		return u, apperr.New(apperr.NotFound, "user %d not found", id)
	}
	return u, err
}

// Create inserts a user with the contract's fixed values; 409 when the email exists.
func (r *Users) Create(ctx context.Context, name, email string) (User, error) {
	u, err := scanUser(r.pool.QueryRow(ctx,
		`INSERT INTO users (name, email, country, status, age, created_at)
		 VALUES ($1, $2, 'US', 'active', 30, now()) RETURNING `+userColumns, name, email))
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == uniqueViolation {
		return u, apperr.New(apperr.Conflict, "a user with email %s already exists", email)
	}
	return u, err
}
