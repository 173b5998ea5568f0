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
	app.Get("/protected", requestLog(s.Log), bearerAuth(s.Auth), s.protected)
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
}
