// Package groups is the work behind the routes of the contract groups of scenarios 14–19
// (`cache`, `auth`, `aggregate`, `search`, `flow`), framework-neutral like dbapi: parameters
// parsed by the contract's rules, bodies (bound and validated by the framework) turned into
// calls, results into response bodies (src/data/http/{cache,auth,aggregate,search,flow}-routes.ts).
// Gin and Fiber put the session check where their idiom wants it (middleware) and call these.
package groups

import (
	"context"
	"regexp"
	"slices"
	"strconv"

	"github.com/redis/go-redis/v9"

	"backendlab/goshared/apperr"
	"backendlab/goshared/auth"
	"backendlab/goshared/cache"
	"backendlab/goshared/contract"
	"backendlab/goshared/store"
)

// API serves the groups. Cache and Sessions are nil without REDIS_URL: their routes are then
// not served (404).
type API struct {
	Accounts *store.Accounts
	Reports  *store.Reports
	JWT      *auth.Verifier
	AuthTTL  int
	Cache    *cache.UserCache
	Sessions *auth.Sessions
}

// New wires the groups over pool-backed stores, and over rdb when there is one.
func New(users *store.Users, accounts *store.Accounts, reports *store.Reports, jwt *auth.Verifier,
	rdb *redis.Client, authTTL, cacheTTL, poolSize int) *API {
	a := &API{Accounts: accounts, Reports: reports, JWT: jwt, AuthTTL: authTTL}
	if rdb != nil {
		a.Cache = cache.NewUserCache(rdb, users, cacheTTL, poolSize)
		a.Sessions = auth.NewSessions(rdb, authTTL)
	}
	return a
}

// Items is the body of the list endpoints.
type Items[T any] struct {
	Items []T `json:"items"`
}

// Ranges of the groups' parameters (docs/contract.md).
var (
	TopAuthorsSize = contract.Range{Min: 1, Max: 100, Default: def(10)}
	PostID         = contract.Range{Min: 1, Max: 2_147_483_647}
)

func def(v int64) *int64 { return &v }

// --- cache (14–15) ---

// Warmed is the body of POST /cache/users/warm.
type Warmed struct {
	Warmed int `json:"warmed"`
}

// Deleted is the body of POST /cache/users/flush.
type Deleted struct {
	Deleted int64 `json:"deleted"`
}

// CacheRead is GET /cache/users/{id}?strategy: the user's JSON.
func (a *API) CacheRead(ctx context.Context, rawID string, q contract.Query) ([]byte, error) {
	id, err := contract.PathInt("id", rawID, contract.UserID)
	if err != nil {
		return nil, err
	}
	strategy, err := contract.OneOf(q, "strategy", cache.Strategies)
	if err != nil {
		return nil, err
	}
	return a.Cache.Read(ctx, id, strategy)
}

// CacheRename is PATCH /cache/users/{id}.
func (a *API) CacheRename(ctx context.Context, rawID string, body contract.UserRename) (store.User, error) {
	id, err := contract.PathInt("id", rawID, contract.UserID)
	if err != nil {
		return store.User{}, err
	}
	return a.Cache.Rename(ctx, id, body.Name)
}

// CacheWarm is POST /cache/users/warm.
func (a *API) CacheWarm(ctx context.Context, body contract.CacheWarm) (Warmed, error) {
	n, err := a.Cache.Warm(ctx, int64(*body.From), int64(*body.Count))
	return Warmed{Warmed: n}, err
}

// CacheFlush is POST /cache/users/flush.
func (a *API) CacheFlush(ctx context.Context) (Deleted, error) {
	n, err := a.Cache.Flush(ctx)
	return Deleted{Deleted: n}, err
}

// --- auth (16) ---

// LoggedOut is the body of POST /auth/session/logout.
type LoggedOut struct {
	LoggedOut bool `json:"loggedOut"`
}

// JWTLogin is POST /auth/jwt/login.
func (a *API) JWTLogin(ctx context.Context, body contract.Login) (auth.Token, error) {
	p, err := auth.CheckCredentials(ctx, a.Accounts, body.Email, body.Password)
	if err != nil {
		return auth.Token{}, err
	}
	token, err := a.JWT.Issue(p, a.AuthTTL)
	return auth.Token{Token: token, ExpiresIn: a.AuthTTL}, err
}

// SessionLogin is POST /auth/session/login.
func (a *API) SessionLogin(ctx context.Context, body contract.Login) (auth.Token, error) {
	p, err := auth.CheckCredentials(ctx, a.Accounts, body.Email, body.Password)
	if err != nil {
		return auth.Token{}, err
	}
	token, err := a.Sessions.Create(ctx, p)
	return auth.Token{Token: token, ExpiresIn: a.AuthTTL}, err
}

// --- aggregate (17) ---

// Count is the body of GET /db/aggregate/count.
type Count struct {
	Count int64 `json:"count"`
}

func aggregateStrategy(q contract.Query) (string, error) {
	strategy, err := contract.OneOf(q, "strategy", store.AggregateStrategies)
	if err != nil {
		return "", err
	}
	return strategy, store.CheckAggregateStrategy(strategy)
}

// AggregateCount is GET /db/aggregate/count?strategy.
func (a *API) AggregateCount(ctx context.Context, q contract.Query) (Count, error) {
	strategy, err := aggregateStrategy(q)
	if err != nil {
		return Count{}, err
	}
	n, err := a.Reports.CountOrders(ctx, strategy)
	return Count{Count: n}, err
}

// OrdersBy is GET /db/aggregate/orders-by/{dimension}?strategy; an unknown dimension is 404.
func (a *API) OrdersBy(ctx context.Context, dimension string, q contract.Query) (Items[store.GroupStats], error) {
	if !slices.Contains(store.OrdersDimensions, dimension) {
		return Items[store.GroupStats]{}, apperr.New(apperr.NotFound, "unknown orders dimension %q", dimension)
	}
	strategy, err := aggregateStrategy(q)
	if err != nil {
		return Items[store.GroupStats]{}, err
	}
	items, err := a.Reports.OrdersBy(ctx, dimension, strategy)
	return Items[store.GroupStats]{Items: items}, err
}

// TopAuthors is GET /db/aggregate/top-authors?strategy&size.
func (a *API) TopAuthors(ctx context.Context, q contract.Query) (Items[store.AuthorRevenue], error) {
	strategy, err := aggregateStrategy(q)
	if err != nil {
		return Items[store.AuthorRevenue]{}, err
	}
	size, err := contract.QueryInt(q, "size", TopAuthorsSize)
	if err != nil {
		return Items[store.AuthorRevenue]{}, err
	}
	items, err := a.Reports.TopAuthors(ctx, strategy, size)
	return Items[store.AuthorRevenue]{Items: items}, err
}

// --- search (18) ---

// searchTerm is the contract's `q`: 3–64 ASCII letters and digits in words separated by single
// spaces, so no LIKE wildcard or escape character ever reaches SQL.
var searchTerm = regexp.MustCompile(`^[A-Za-z0-9]+( [A-Za-z0-9]+)*$`)

// Search is GET /db/search?q&strategy&size.
func (a *API) Search(ctx context.Context, q contract.Query) (Items[store.SearchHit], error) {
	term, _ := q("q")
	if len(term) < 3 || len(term) > 64 || !searchTerm.MatchString(term) {
		return Items[store.SearchHit]{}, apperr.New(apperr.ValidationFailed,
			"q must be 3–64 ASCII letters and digits, words separated by single spaces")
	}
	strategy, err := contract.OneOf(q, "strategy", store.SearchStrategies)
	if err != nil {
		return Items[store.SearchHit]{}, err
	}
	size, err := contract.QueryInt(q, "size", contract.Size)
	if err != nil {
		return Items[store.SearchHit]{}, err
	}
	hits, err := a.Reports.Search(ctx, strategy, term, size)
	return Items[store.SearchHit]{Items: hits}, err
}

// --- flow (19): every call after the framework's session check, with its principal ---

// authorOf is the session's author id (sessions hold the id as a string).
func authorOf(p auth.Principal) (int64, error) {
	id, err := strconv.ParseInt(p.Subject, 10, 64)
	if err != nil {
		return 0, apperr.New(apperr.Unauthorized, "the session has no author")
	}
	return id, nil
}

// FlowList is GET /flow/posts?skip&size: the author's posts.
func (a *API) FlowList(ctx context.Context, p auth.Principal, q contract.Query) (Items[store.Post], error) {
	skip, err := contract.QueryInt(q, "skip", contract.Skip)
	if err != nil {
		return Items[store.Post]{}, err
	}
	size, err := contract.QueryInt(q, "size", contract.Size)
	if err != nil {
		return Items[store.Post]{}, err
	}
	author, err := authorOf(p)
	if err != nil {
		return Items[store.Post]{}, err
	}
	posts, err := a.Accounts.PostsOf(ctx, author, skip, size)
	return Items[store.Post]{Items: posts}, err
}

func postFound(post store.AuthorPost, found bool, err error, id int64) (store.AuthorPost, error) {
	if err == nil && !found {
		err = apperr.New(apperr.NotFound, "post %d not found", id)
	}
	return post, err
}

// FlowRead is GET /flow/posts/{id}: one post of the author, 404 for anyone else's.
func (a *API) FlowRead(ctx context.Context, p auth.Principal, rawID string) (store.AuthorPost, error) {
	id, err := contract.PathInt("id", rawID, PostID)
	if err != nil {
		return store.AuthorPost{}, err
	}
	author, err := authorOf(p)
	if err != nil {
		return store.AuthorPost{}, err
	}
	post, found, err := a.Accounts.PostOf(ctx, author, id)
	return postFound(post, found, err, id)
}

// FlowRetitle is PATCH /flow/posts/{id}: the post as stored.
func (a *API) FlowRetitle(ctx context.Context, p auth.Principal, rawID string, body contract.PostRetitle) (store.AuthorPost, error) {
	id, err := contract.PathInt("id", rawID, PostID)
	if err != nil {
		return store.AuthorPost{}, err
	}
	author, err := authorOf(p)
	if err != nil {
		return store.AuthorPost{}, err
	}
	post, found, err := a.Accounts.Retitle(ctx, author, id, body.Title)
	return postFound(post, found, err, id)
}
