package main

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"backendlab/goshared/contract"
	"backendlab/goshared/upload"
)

// query reads query parameters for the contract's parsers. fasthttp reuses the request's
// buffers after the handler: string() copies what is read.
func query(c *fiber.Ctx) contract.Query {
	args := c.Context().QueryArgs()
	return func(name string) (string, bool) {
		if !args.Has(name) {
			return "", false
		}
		return string(args.Peek(name)), true
	}
}

func (s *server) health(c *fiber.Ctx) error { return c.JSON(contract.Health{Status: "ok"}) }

func (s *server) getMeta(c *fiber.Ctx) error { return c.JSON(s.Meta) }

// echo answers any JSON object unchanged (keys such as __proto__ included: a Go map has no
// prototype); numbers keep their text. Decoding copies every string out of fasthttp's buffer.
func (s *server) echo(c *fiber.Ctx) error {
	body, err := contract.DecodeObject(c.Body())
	if err != nil {
		return err
	}
	return c.JSON(body)
}

func (s *server) listUsers(c *fiber.Ctx) error {
	q := query(c)
	limit, err := contract.QueryInt(q, "limit", contract.Limit)
	if err != nil {
		return err
	}
	offset, err := contract.QueryInt(q, "offset", contract.Offset)
	if err != nil {
		return err
	}
	page, err := s.Users.List(c.UserContext(), limit, offset)
	return respond(c, fiber.StatusOK, page, err)
}

func (s *server) getUser(c *fiber.Ctx) error {
	id, err := contract.PathInt("id", c.Params("id"), contract.UserID)
	if err != nil {
		return err
	}
	user, err := s.Users.Get(c.UserContext(), id)
	return respond(c, fiber.StatusOK, user, err)
}

func (s *server) createUser(c *fiber.Ctx) error {
	var body contract.NewUser
	if err := s.bind(c, &body); err != nil {
		return err
	}
	user, err := s.Users.Create(c.UserContext(), body.Name, body.Email)
	return respond(c, fiber.StatusCreated, user, err)
}

func (s *server) external(c *fiber.Ctx) error {
	data, err := s.Upstream.Data(c.UserContext())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(data)
}

func (s *server) protected(c *fiber.Ctx) error {
	subject, _ := c.Locals(subjectKey).(string)
	return c.JSON(contract.Protected{Subject: subject, Logged: s.Log.Size()})
}

// upload hashes the file part of the body fasthttp has read (at most the upload limit plus
// multipart framing: BodyLimit).
func (s *server) upload(c *fiber.Ctx) error {
	boundary, err := contract.MultipartBoundary(c.Get(fiber.HeaderContentType))
	if err != nil {
		return err
	}
	result, err := upload.Digest(bytes.NewReader(c.Request().Body()), boundary, s.UploadLimit)
	return respond(c, fiber.StatusOK, result, err)
}

// respond answers body with status, or returns the error for errorHandler.
func respond(c *fiber.Ctx, status int, body any, err error) error {
	if err != nil {
		return err
	}
	return c.Status(status).JSON(body)
}
