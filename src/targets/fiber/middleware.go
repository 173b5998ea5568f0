package main

import (
	"errors"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"backendlab/goshared/apperr"
	"backendlab/goshared/auth"
	"backendlab/goshared/config"
	"backendlab/goshared/contract"
	"backendlab/goshared/reqlog"
)

// fiberCodes are the contract codes of the errors Fiber and fasthttp raise themselves: no
// route, a method the path lacks, a body above BodyLimit. Their other errors (a malformed
// request, a head above ReadBufferSize, a read timeout) keep their 4xx status and are the
// client's fault: validation_failed.
var fiberCodes = map[int]apperr.Code{
	fiber.StatusNotFound:              apperr.NotFound,
	fiber.StatusMethodNotAllowed:      apperr.MethodNotAllowed,
	fiber.StatusRequestEntityTooLarge: apperr.PayloadTooLarge,
	fiber.StatusUnsupportedMediaType:  apperr.UnsupportedMediaType,
}

// errorHandler answers every error in the contract's shape. Fiber's own 404 and 405 are decided
// again from the contract's table: a literal path wins over a templated one, unserved groups are
// 404, and Allow lists the contract's methods in its order.
func (s *server) errorHandler(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		if fe.Code == fiber.StatusNotFound || fe.Code == fiber.StatusMethodNotAllowed {
			err = s.Served.Unmatched(c.Method(), c.Path())
		} else if code, ok := fiberCodes[fe.Code]; ok {
			err = &apperr.Error{Code: code, Message: fe.Message}
		} else if fe.Code >= 400 && fe.Code < 500 {
			body := apperr.Body{Error: apperr.BodyError{Code: apperr.ValidationFailed, Message: fe.Message}}
			return c.Status(fe.Code).JSON(body)
		}
	}
	e := apperr.From(err)
	if e.Code == apperr.Unauthorized {
		c.Set(fiber.HeaderWWWAuthenticate, apperr.WWWAuthenticate)
	}
	if e.Allow != "" {
		c.Set(fiber.HeaderAllow, e.Allow)
	} else {
		c.Response().Header.Del(fiber.HeaderAllow) // Fiber's own, from its routes
	}
	return c.Status(e.Status()).JSON(e.Body())
}

// jsonBody guards JSON routes: application/json only (415), at most 1 MiB (413).
func jsonBody(c *fiber.Ctx) error {
	if err := contract.CheckJSONRequest(c.Get(fiber.HeaderContentType), c.Get(fiber.HeaderContentEncoding)); err != nil {
		return err
	}
	if len(c.Request().Body()) > config.JSONBodyLimit {
		return &http.MaxBytesError{Limit: config.JSONBodyLimit}
	}
	return c.Next()
}

// bind parses a JSON body (fiber.Config.JSONDecoder is contract.DecodeStrict) and checks the
// contract's `binding` tags.
func (s *server) bind(c *fiber.Ctx, out any) error {
	if err := c.BodyParser(out); err != nil {
		return err
	}
	return s.validate.Struct(out)
}

// requestLog is scenario 06's logging middleware: one ring-buffer entry per request, once the
// rest of the chain has answered. As Fiber's logger middleware does, it has an error answered
// right away, so that the entry holds the final status.
func (s *server) requestLog(log *reqlog.Log) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		if err := c.Next(); err != nil {
			if err := s.errorHandler(c, err); err != nil {
				return err
			}
		}
		// Route().Path is the route template, a string Fiber owns: nothing of the request's
		// reused buffers is kept in the log.
		log.Append(c.Method(), c.Route().Path, c.Response().StatusCode(), time.Since(start))
		return nil
	}
}

const subjectKey = "subject"

// bearerAuth rejects the request with 401 unless it carries a valid token; the handler reads
// the subject from Locals.
func bearerAuth(verifier *auth.Verifier) fiber.Handler {
	return func(c *fiber.Ctx) error {
		subject, err := verifier.Subject(c.Get(fiber.HeaderAuthorization))
		if err != nil {
			return err
		}
		c.Locals(subjectKey, subject)
		return c.Next()
	}
}

// literalWins answers 405 for a request a templated route took although the contract routes
// its path elsewhere (a literal path of another operation: `/cache/users/warm`).
func (s *server) literalWins(c *fiber.Ctx) error {
	if err := s.Served.CheckMethod(c.Method(), c.Path()); err != nil {
		return err
	}
	return c.Next()
}

const principalKey = "principal"

// sessionAuth is the session check of scenario 19's routes (and /auth/session/me): the
// principal of the bearer token's session in Locals, or 401 before anything else is looked at.
func sessionAuth(sessions *auth.Sessions) fiber.Handler {
	return func(c *fiber.Ctx) error {
		principal, err := sessions.Principal(c.UserContext(), c.Get(fiber.HeaderAuthorization))
		if err != nil {
			return err
		}
		c.Locals(principalKey, principal)
		return c.Next()
	}
}

func principalOf(c *fiber.Ctx) auth.Principal {
	principal, _ := c.Locals(principalKey).(auth.Principal)
	return principal
}
