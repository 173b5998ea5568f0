package main

import (
	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"backendlab/goshared/target"
)

// server's methods are the handlers.
type server struct {
	*target.Deps
	validate *validator.Validate
}

// routes registers the contract. Fiber answers HEAD on every GET route and 405 with Allow for
// a method a known path lacks (both through errorHandler's shape).
func (s *server) routes(app *fiber.App) {
	app.Use(recover.New())
	app.Get("/health", s.health)
	app.Get("/meta", s.getMeta)
	app.Post("/echo", jsonBody, s.echo)
	app.Get("/users", s.listUsers)
	app.Get("/users/:id", s.getUser)
	app.Post("/users", jsonBody, s.createUser)
	app.Get("/external", s.external)
	app.Get("/protected", s.requestLog(s.Log), bearerAuth(s.Auth), s.protected)
	app.Post("/upload", s.upload)

	app.Get("/db/users/offset", s.dbOffset)
	app.Get("/db/users/keyset", s.dbKeyset)
	app.Get("/db/users/cursor", s.dbCursor)
	app.Get("/db/columns/:shape", s.dbColumns)
	app.Get("/db/types/:type", s.dbTypes)
	app.Get("/db/authors", s.dbAuthors)
	app.Post("/db/bulk/insert", jsonBody, s.dbBulkInsert)
	app.Post("/db/bulk/update", jsonBody, s.dbBulkUpdate)
	app.Post("/db/products/:id/decrement", jsonBody, s.dbDecrement)

	// Scenarios 14–19: the contract groups; the Redis-backed routes only with REDIS_URL.
	app.Get("/auth/public", s.authPublic)
	app.Post("/auth/jwt/login", jsonBody, s.jwtLogin)
	app.Get("/auth/jwt/me", s.jwtMe)
	app.Get("/db/aggregate/count", s.aggregateCount)
	app.Get("/db/aggregate/orders-by/:dimension", s.ordersBy)
	app.Get("/db/aggregate/top-authors", s.topAuthors)
	app.Get("/db/search", s.search)
	if s.Served.Redis {
		// Literal paths first: Fiber matches routes in order.
		app.Post("/cache/users/warm", jsonBody, s.cacheWarm)
		app.Post("/cache/users/flush", s.cacheFlush)
		app.Get("/cache/info", s.cacheInfo)
		// literalWins keeps `GET /cache/users/warm` a 405, as the contract routes it.
		app.Get("/cache/users/:id", s.literalWins, s.cacheRead)
		app.Patch("/cache/users/:id", s.literalWins, jsonBody, s.cacheRename)
		// The session is checked before parameters and body are validated.
		session := sessionAuth(s.Groups.Sessions)
		app.Post("/auth/session/login", jsonBody, s.sessionLogin)
		app.Get("/auth/session/me", session, s.sessionMe)
		app.Post("/auth/session/logout", s.sessionLogout)
		app.Get("/flow/posts", session, s.flowList)
		app.Get("/flow/posts/:id", session, s.flowRead)
		app.Patch("/flow/posts/:id", session, jsonBody, s.flowRetitle)
	}
}
