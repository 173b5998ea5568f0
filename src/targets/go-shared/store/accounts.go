package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Accounts is scenarios 16 and 19 on raw SQL (src/data/pg/accounts.ts): the authors as accounts
// (login by email) and an author's own posts. "Own" is part of every WHERE: another author's
// post is simply not found.
type Accounts struct{ pool *pgxpool.Pool }

// NewAccounts reads authors and posts through pool.
func NewAccounts(pool *pgxpool.Pool) *Accounts { return &Accounts{pool: pool} }

// Account is an author as a login sees it.
type Account struct {
	ID           int64
	Email        string
	PasswordHash string
}

// AuthorPost is a post of the session's author (scenario 19's Post).
type AuthorPost struct {
	ID        int64  `json:"id"`
	AuthorID  int64  `json:"authorId"`
	Title     string `json:"title"`
	Body      string `json:"body"`
	ViewCount int32  `json:"viewCount"`
}

const postColumns = "id, author_id, title, body, view_count"

// ByEmail is the account with this email (one statement); found is false when there is none.
func (a *Accounts) ByEmail(ctx context.Context, email string) (acc Account, found bool, err error) {
	err = a.pool.QueryRow(ctx, "SELECT id, email, password_hash FROM authors WHERE email = $1", email).
		Scan(&acc.ID, &acc.Email, &acc.PasswordHash)
	if errors.Is(err, pgx.ErrNoRows) {
		return acc, false, nil
	}
	return acc, err == nil, err
}

// PostsOf is one page of an author's posts ordered by id.
func (a *Accounts) PostsOf(ctx context.Context, authorID, skip, size int64) ([]Post, error) {
	rows, err := a.pool.Query(ctx,
		"SELECT id, title, view_count FROM posts WHERE author_id = $1 ORDER BY id LIMIT $2 OFFSET $3",
		authorID, size, skip)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	posts := make([]Post, 0, size)
	for rows.Next() {
		var p Post
		if err := rows.Scan(&p.ID, &p.Title, &p.ViewCount); err != nil {
			return nil, err
		}
		posts = append(posts, p)
	}
	return posts, rows.Err()
}

func scanPost(row pgx.Row) (p AuthorPost, found bool, err error) {
	err = row.Scan(&p.ID, &p.AuthorID, &p.Title, &p.Body, &p.ViewCount)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, false, nil
	}
	return p, err == nil, err
}

// PostOf is one post of the author; found is false for another author's or an unknown one.
func (a *Accounts) PostOf(ctx context.Context, authorID, postID int64) (AuthorPost, bool, error) {
	return scanPost(a.pool.QueryRow(ctx,
		"SELECT "+postColumns+" FROM posts WHERE id = $1 AND author_id = $2", postID, authorID))
}

// Retitle sets the title of one post of the author and returns it as stored (one statement).
func (a *Accounts) Retitle(ctx context.Context, authorID, postID int64, title string) (AuthorPost, bool, error) {
	return scanPost(a.pool.QueryRow(ctx,
		"UPDATE posts SET title = $3 WHERE id = $1 AND author_id = $2 RETURNING "+postColumns,
		postID, authorID, title))
}
