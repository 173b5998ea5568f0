package main

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
	"github.com/go-playground/validator/v10"

	"backendlab/goshared/apperr"
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
	r.NoRoute(func(c *gin.Context) {
		fail(c, apperr.New(apperr.NotFound, "no route for %s %s", c.Request.Method, c.Request.URL.Path))
	})
	r.NoMethod(func(c *gin.Context) {
		fail(c, apperr.New(apperr.MethodNotAllowed, "%s is not allowed on %s (allowed: %s)",
			c.Request.Method, c.Request.URL.Path, c.Writer.Header().Get("Allow")))
	})

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
	return r
}
