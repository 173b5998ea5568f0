package main

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
	"github.com/go-playground/validator/v10"

	"backendlab/goshared/contract"
	"backendlab/goshared/target"
)

// server's methods are the handlers.
type server struct{ *target.Deps }

func (s *server) router() *gin.Engine {
	// The contract's rules (price pattern, JSON field names in messages) on Gin's own validator.
	if v, ok := binding.Validator.Engine().(*validator.Validate); ok {
		contract.Register(v)
	}
	r := gin.New()                  // no Logger: nothing per request on stdout
	r.HandleMethodNotAllowed = true // 405 with Allow for a known path
	// An API answers 404 for /health/ rather than redirecting.
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.Use(gin.CustomRecovery(func(c *gin.Context, recovered any) {
		fail(c, fmt.Errorf("panic: %v", recovered))
	}))
	// 404 vs 405 and Allow from the contract's table rather than Gin's trees: a literal path
	// wins over a templated one (`PUT /cache/users/warm` allows POST only, while Gin's GET tree
	// would match it as an id), and unserved groups are 404.
	unmatched := func(c *gin.Context) { fail(c, s.Served.Unmatched(c.Request.Method, c.Request.URL.Path)) }
	r.NoRoute(unmatched)
	r.NoMethod(unmatched)

	// GET routes answer HEAD too (net/http drops the body), and so list it in Allow.
	get := func(path string, handlers ...gin.HandlerFunc) {
		r.Match([]string{http.MethodGet, http.MethodHead}, path, handlers...)
	}
	get("/health", s.health)
	get("/meta", s.getMeta)
	r.POST("/echo", jsonBody, s.echo)
	get("/users", s.listUsers)
	get("/users/:id", s.getUser)
	r.POST("/users", jsonBody, s.createUser)
	get("/external", s.external)
	get("/protected", requestLog(s.Log), bearerAuth(s.Auth), s.protected)
	r.POST("/upload", s.upload)

	get("/db/users/offset", s.dbOffset)
	get("/db/users/keyset", s.dbKeyset)
	get("/db/users/cursor", s.dbCursor)
	get("/db/columns/:shape", s.dbColumns)
	get("/db/types/:type", s.dbTypes)
	get("/db/authors", s.dbAuthors)
	r.POST("/db/bulk/insert", jsonBody, s.dbBulkInsert)
	r.POST("/db/bulk/update", jsonBody, s.dbBulkUpdate)
	r.POST("/db/products/:id/decrement", jsonBody, s.dbDecrement)

	// Scenarios 14–19: the contract groups; the Redis-backed routes only with REDIS_URL.
	get("/auth/public", s.authPublic)
	r.POST("/auth/jwt/login", jsonBody, s.jwtLogin)
	get("/auth/jwt/me", s.jwtMe)
	get("/db/aggregate/count", s.aggregateCount)
	get("/db/aggregate/orders-by/:dimension", s.ordersBy)
	get("/db/aggregate/top-authors", s.topAuthors)
	get("/db/search", s.search)
	if s.Served.Redis {
		// The literal paths share Gin's trees with /cache/users/:id: literalWins keeps
		// `GET /cache/users/warm` a 405, as the contract routes it.
		literal := literalWins(s.Served)
		get("/cache/users/:id", literal, s.cacheRead)
		r.PATCH("/cache/users/:id", literal, jsonBody, s.cacheRename)
		r.POST("/cache/users/warm", jsonBody, s.cacheWarm)
		r.POST("/cache/users/flush", s.cacheFlush)
		get("/cache/info", s.cacheInfo)
		// The session is checked before parameters and body are validated.
		session := sessionAuth(s.Groups.Sessions)
		r.POST("/auth/session/login", jsonBody, s.sessionLogin)
		get("/auth/session/me", session, s.sessionMe)
		r.POST("/auth/session/logout", s.sessionLogout)
		get("/flow/posts", session, s.flowList)
		get("/flow/posts/:id", session, s.flowRead)
		r.PATCH("/flow/posts/:id", session, jsonBody, s.flowRetitle)
	}
	return r
}
