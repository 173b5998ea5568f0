package main

import (
	"github.com/gofiber/fiber/v2"

	"backendlab/goshared/auth"
	"backendlab/goshared/contract"
	"backendlab/goshared/groups"
)

// The routes of scenarios 14–19: parameters through the groups package's parsers, bodies
// through BodyParser and the contract's validator, sessions by middleware.

// jsonBytes answers JSON that is already encoded (a cache hit is the stored entry as it is).
func jsonBytes(c *fiber.Ctx, data []byte, err error) error {
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(data)
}

func (s *server) cacheRead(c *fiber.Ctx) error {
	data, err := s.Groups.CacheRead(c.UserContext(), c.Params("id"), query(c))
	return jsonBytes(c, data, err)
}

func (s *server) cacheRename(c *fiber.Ctx) error {
	var input contract.UserRename
	if err := s.bind(c, &input); err != nil {
		return err
	}
	user, err := s.Groups.CacheRename(c.UserContext(), c.Params("id"), input)
	return respond(c, fiber.StatusOK, user, err)
}

func (s *server) cacheWarm(c *fiber.Ctx) error {
	var input contract.CacheWarm
	if err := s.bind(c, &input); err != nil {
		return err
	}
	body, err := s.Groups.CacheWarm(c.UserContext(), input)
	return respond(c, fiber.StatusOK, body, err)
}

// cacheFlush ignores a request body.
func (s *server) cacheFlush(c *fiber.Ctx) error {
	body, err := s.Groups.CacheFlush(c.UserContext())
	return respond(c, fiber.StatusOK, body, err)
}

func (s *server) cacheInfo(c *fiber.Ctx) error { return c.JSON(s.Groups.Cache.Info()) }

func (s *server) authPublic(c *fiber.Ctx) error { return c.JSON(auth.Anonymous{}) }

func (s *server) jwtLogin(c *fiber.Ctx) error {
	var input contract.Login
	if err := s.bind(c, &input); err != nil {
		return err
	}
	body, err := s.Groups.JWTLogin(c.UserContext(), input)
	return respond(c, fiber.StatusOK, body, err)
}

func (s *server) jwtMe(c *fiber.Ctx) error {
	principal, err := s.Auth.Principal(c.Get(fiber.HeaderAuthorization))
	return respond(c, fiber.StatusOK, principal, err)
}

func (s *server) sessionLogin(c *fiber.Ctx) error {
	var input contract.Login
	if err := s.bind(c, &input); err != nil {
		return err
	}
	body, err := s.Groups.SessionLogin(c.UserContext(), input)
	return respond(c, fiber.StatusOK, body, err)
}

func (s *server) sessionMe(c *fiber.Ctx) error { return c.JSON(principalOf(c)) }

// sessionLogout is one DEL, which also says whether there was a session; a body is ignored.
func (s *server) sessionLogout(c *fiber.Ctx) error {
	err := s.Groups.Sessions.End(c.UserContext(), c.Get(fiber.HeaderAuthorization))
	return respond(c, fiber.StatusOK, groups.LoggedOut{LoggedOut: true}, err)
}

func (s *server) aggregateCount(c *fiber.Ctx) error {
	body, err := s.Groups.AggregateCount(c.UserContext(), query(c))
	return respond(c, fiber.StatusOK, body, err)
}

func (s *server) ordersBy(c *fiber.Ctx) error {
	body, err := s.Groups.OrdersBy(c.UserContext(), c.Params("dimension"), query(c))
	return respond(c, fiber.StatusOK, body, err)
}

func (s *server) topAuthors(c *fiber.Ctx) error {
	body, err := s.Groups.TopAuthors(c.UserContext(), query(c))
	return respond(c, fiber.StatusOK, body, err)
}

func (s *server) search(c *fiber.Ctx) error {
	body, err := s.Groups.Search(c.UserContext(), query(c))
	return respond(c, fiber.StatusOK, body, err)
}

func (s *server) flowList(c *fiber.Ctx) error {
	body, err := s.Groups.FlowList(c.UserContext(), principalOf(c), query(c))
	return respond(c, fiber.StatusOK, body, err)
}

func (s *server) flowRead(c *fiber.Ctx) error {
	body, err := s.Groups.FlowRead(c.UserContext(), principalOf(c), c.Params("id"))
	return respond(c, fiber.StatusOK, body, err)
}

func (s *server) flowRetitle(c *fiber.Ctx) error {
	var input contract.PostRetitle
	if err := s.bind(c, &input); err != nil {
		return err
	}
	body, err := s.Groups.FlowRetitle(c.UserContext(), principalOf(c), c.Params("id"), input)
	return respond(c, fiber.StatusOK, body, err)
}
