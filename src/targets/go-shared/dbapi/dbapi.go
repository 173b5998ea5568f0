// Package dbapi is the work behind the /db routes of scenarios 09–13, framework-neutral, as
// src/data/http/db-routes.ts: query and path parameters parsed by the contract's rules, bodies
// (already bound and validated by the framework) turned into layer calls, results into response
// bodies. Gin and Fiber handlers are thin adapters around it.
package dbapi

import (
	"context"
	"slices"
	"strings"

	"backendlab/goshared/apperr"
	"backendlab/goshared/contract"
	"backendlab/goshared/store"
)

// API serves the /db routes from one data layer.
type API struct{ Layer store.Layer }

// Items is the body of the read endpoints.
type Items[T any] struct {
	Items []T `json:"items"`
}

// Written is the body of POST /db/bulk/insert.
type Written struct {
	Written int64 `json:"written"`
}

// Updated is the body of POST /db/bulk/update.
type Updated struct {
	Updated int64 `json:"updated"`
}

// Decremented is the body of an applied decrement.
type Decremented struct {
	OK      bool `json:"ok"`
	Retries int  `json:"retries"`
}

func page(q contract.Query, first string) (int64, int64, error) {
	skip, err := contract.QueryInt(q, first, contract.Skip)
	if err != nil {
		return 0, 0, err
	}
	size, err := contract.QueryInt(q, "size", contract.Size)
	return skip, size, err
}

// Offset is GET /db/users/offset?skip&size.
func (a API) Offset(ctx context.Context, q contract.Query) (Items[store.PageUser], error) {
	skip, size, err := page(q, "skip")
	if err != nil {
		return Items[store.PageUser]{}, err
	}
	users, err := a.Layer.OffsetPage(ctx, skip, size)
	return Items[store.PageUser]{Items: users}, err
}

// Keyset is GET /db/users/keyset?after&size.
func (a API) Keyset(ctx context.Context, q contract.Query) (Items[store.PageUser], error) {
	after, size, err := page(q, "after")
	if err != nil {
		return Items[store.PageUser]{}, err
	}
	users, err := a.Layer.KeysetPage(ctx, after, size)
	return Items[store.PageUser]{Items: users}, err
}

// Cursor is GET /db/users/cursor?size[&cursor]; a present cursor, even empty, must have the
// contract's shape (else 400 validation_failed) and be one this endpoint produced (else the
// layer's 400 invalid_cursor).
func (a API) Cursor(ctx context.Context, q contract.Query) (store.CursorPage, error) {
	size, err := contract.QueryInt(q, "size", contract.Size)
	if err != nil {
		return store.CursorPage{}, err
	}
	var cursor *string
	if raw, present := q("cursor"); present {
		if err := contract.CheckCursor(raw); err != nil {
			return store.CursorPage{}, err
		}
		cursor = &raw
	}
	return a.Layer.CursorPage(ctx, cursor, size)
}

// Columns is GET /db/columns/{shape}; an unknown shape is 404.
func (a API) Columns(ctx context.Context, shape string, q contract.Query) (Items[store.Row], error) {
	return a.rows(ctx, "column shape", shape, store.ColumnShapes, q, a.Layer.ReadColumns)
}

// Types is GET /db/types/{type}; an unknown type is 404.
func (a API) Types(ctx context.Context, typ string, q contract.Query) (Items[store.Row], error) {
	return a.rows(ctx, "column type", typ, store.ColumnTypes, q, a.Layer.ReadType)
}

type readRows func(ctx context.Context, name string, skip, size int64) ([]store.Row, error)

func (a API) rows(ctx context.Context, what, name string, valid []string, q contract.Query, read readRows) (Items[store.Row], error) {
	if !slices.Contains(valid, name) {
		return Items[store.Row]{}, apperr.New(apperr.NotFound, "unknown %s %q", what, name)
	}
	skip, size, err := page(q, "skip")
	if err != nil {
		return Items[store.Row]{}, err
	}
	rows, err := read(ctx, name, skip, size)
	return Items[store.Row]{Items: rows}, err
}

// Authors is GET /db/authors?strategy&skip&size.
func (a API) Authors(ctx context.Context, q contract.Query) (Items[store.AuthorWithPosts], error) {
	strategy, err := contract.OneOf(q, "strategy", store.LoadStrategies)
	if err != nil {
		return Items[store.AuthorWithPosts]{}, err
	}
	skip, size, err := page(q, "skip")
	if err != nil {
		return Items[store.AuthorWithPosts]{}, err
	}
	authors, err := a.Layer.AuthorsWithPosts(ctx, strategy, skip, size)
	return Items[store.AuthorWithPosts]{Items: authors}, err
}

// BulkInsert is POST /db/bulk/insert?strategy (answered 201). A strategy this layer lacks is
// 400 naming the layer.
func (a API) BulkInsert(ctx context.Context, q contract.Query, body contract.BulkInsertBody) (Written, error) {
	strategy, err := contract.OneOf(q, "strategy", store.BulkInsertStrategies)
	if err != nil {
		return Written{}, err
	}
	if has := a.Layer.InsertStrategies(); !slices.Contains(has, strategy) {
		return Written{}, apperr.New(apperr.ValidationFailed,
			"bulk insert strategy %s is not implemented by the %s data layer (it has: %s)",
			strategy, a.Layer.Name(), strings.Join(has, ", "))
	}
	items := make([]store.NewBulkItem, len(body.Items))
	for i, item := range body.Items {
		items[i] = store.NewBulkItem{Sku: item.Sku, Name: item.Name, Quantity: int32(*item.Quantity), Price: item.Price}
	}
	written, err := a.Layer.BulkInsert(ctx, strategy, items)
	return Written{Written: written}, err
}

// BulkUpdate is POST /db/bulk/update?strategy.
func (a API) BulkUpdate(ctx context.Context, q contract.Query, body contract.BulkUpdateBody) (Updated, error) {
	strategy, err := contract.OneOf(q, "strategy", store.BulkUpdateStrategies)
	if err != nil {
		return Updated{}, err
	}
	updates := make([]store.BulkUpdate, len(body.Updates))
	for i, update := range body.Updates {
		updates[i] = store.BulkUpdate{Sku: update.Sku, Quantity: int32(*update.Quantity)}
	}
	updated, err := a.Layer.BulkUpdate(ctx, strategy, updates)
	return Updated{Updated: updated}, err
}

// Decrement is POST /db/products/{id}/decrement?strategy: 409 when it was not applied.
func (a API) Decrement(ctx context.Context, rawID string, q contract.Query, body contract.DecrementBody) (Decremented, error) {
	id, err := contract.PathInt("id", rawID, contract.ProductID)
	if err != nil {
		return Decremented{}, err
	}
	strategy, err := contract.OneOf(q, "strategy", store.LockStrategies)
	if err != nil {
		return Decremented{}, err
	}
	outcome, err := a.Layer.DecrementStock(ctx, strategy, id, int32(*body.Quantity))
	if err != nil {
		return Decremented{}, err
	}
	if !outcome.OK {
		return Decremented{}, apperr.New(apperr.Conflict,
			"product %d: decrement by %d not applied (insufficient stock or too many conflicts; %d retries)",
			id, *body.Quantity, outcome.Retries)
	}
	return Decremented{OK: true, Retries: outcome.Retries}, nil
}
