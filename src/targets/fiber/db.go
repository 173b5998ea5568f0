package main

import (
	"github.com/gofiber/fiber/v2"

	"backendlab/goshared/contract"
)

// The /db routes of scenarios 09–13: parameters through dbapi's parsers, bodies through
// BodyParser and the contract's validator.

func (s *server) dbOffset(c *fiber.Ctx) error {
	body, err := s.DB.Offset(c.UserContext(), query(c))
	return respond(c, fiber.StatusOK, body, err)
}

func (s *server) dbKeyset(c *fiber.Ctx) error {
	body, err := s.DB.Keyset(c.UserContext(), query(c))
	return respond(c, fiber.StatusOK, body, err)
}

func (s *server) dbCursor(c *fiber.Ctx) error {
	body, err := s.DB.Cursor(c.UserContext(), query(c))
	return respond(c, fiber.StatusOK, body, err)
}

func (s *server) dbColumns(c *fiber.Ctx) error {
	body, err := s.DB.Columns(c.UserContext(), c.Params("shape"), query(c))
	return respond(c, fiber.StatusOK, body, err)
}

func (s *server) dbTypes(c *fiber.Ctx) error {
	body, err := s.DB.Types(c.UserContext(), c.Params("type"), query(c))
	return respond(c, fiber.StatusOK, body, err)
}

func (s *server) dbAuthors(c *fiber.Ctx) error {
	body, err := s.DB.Authors(c.UserContext(), query(c))
	return respond(c, fiber.StatusOK, body, err)
}

func (s *server) dbBulkInsert(c *fiber.Ctx) error {
	var input contract.BulkInsertBody
	if err := s.bind(c, &input); err != nil {
		return err
	}
	body, err := s.DB.BulkInsert(c.UserContext(), query(c), input)
	return respond(c, fiber.StatusCreated, body, err)
}

func (s *server) dbBulkUpdate(c *fiber.Ctx) error {
	var input contract.BulkUpdateBody
	if err := s.bind(c, &input); err != nil {
		return err
	}
	body, err := s.DB.BulkUpdate(c.UserContext(), query(c), input)
	return respond(c, fiber.StatusOK, body, err)
}

func (s *server) dbDecrement(c *fiber.Ctx) error {
	var input contract.DecrementBody
	if err := s.bind(c, &input); err != nil {
		return err
	}
	body, err := s.DB.Decrement(c.UserContext(), c.Params("id"), query(c), input)
	return respond(c, fiber.StatusOK, body, err)
}
