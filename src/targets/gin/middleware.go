package main

import (
	"errors"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"

	"backendlab/goshared/apperr"
	"backendlab/goshared/auth"
	"backendlab/goshared/config"
	"backendlab/goshared/contract"
	"backendlab/goshared/reqlog"
)

// literalWins answers 405 for a request a templated route took although the contract routes
// its path elsewhere (a literal path of another operation: `/cache/users/warm`).
func literalWins(served contract.Served) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := served.CheckMethod(c.Request.Method, c.Request.URL.Path); err != nil {
			fail(c, err)
			return
		}
		c.Next()
	}
}

const principalKey = "principal"

// sessionAuth is the session check of scenario 19's routes (and /auth/session/me): the
// principal of the bearer token's session, or 401 before anything else is looked at.
func sessionAuth(sessions *auth.Sessions) gin.HandlerFunc {
	return func(c *gin.Context) {
		principal, err := sessions.Principal(c.Request.Context(), c.GetHeader("Authorization"))
		if err != nil {
			fail(c, err)
			return
		}
		c.Set(principalKey, principal)
		c.Next()
	}
}

func principalOf(c *gin.Context) auth.Principal {
	p, _ := c.Get(principalKey)
	principal, _ := p.(auth.Principal)
	return principal
}

// fail answers err in the contract's error shape and stops the chain. Responding right here,
// not from an outer error middleware, lets requestLog see the final status.
func fail(c *gin.Context, err error) {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		// The body did not arrive within LAB_REQUEST_TIMEOUT_MS (the server's ReadTimeout):
		// the server's answer, not the application's, so no contract body; the connection ends.
		c.Header("Connection", "close")
		c.AbortWithStatus(http.StatusRequestTimeout)
		return
	}
	e := apperr.From(err)
	if e.Code == apperr.Unauthorized {
		c.Header("WWW-Authenticate", apperr.WWWAuthenticate)
	}
	if e.Allow != "" {
		c.Header("Allow", e.Allow)
	}
	c.AbortWithStatusJSON(e.Status(), e.Body())
}

// jsonBody guards JSON routes: application/json only (415), at most 1 MiB (413).
func jsonBody(c *gin.Context) {
	if err := contract.CheckJSONRequest(c.GetHeader("Content-Type"), c.GetHeader("Content-Encoding")); err != nil {
		fail(c, err)
		return
	}
	// The body is read up to the limit before a 413, not refused by its Content-Length alone:
	// a client still sending a body nobody reads gets EPIPE instead of the answer. Past the
	// limit net/http half-closes and lingers, so the 413 reaches the client.
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, config.JSONBodyLimit)
	c.Next()
}

// strictJSON is Gin's JSON binding made strict like the contract: one JSON value and nothing
// after it, no unknown properties, exact numbers, then Gin's validator on the `binding` tags.
type strictJSON struct{}

func (strictJSON) Name() string { return "json" }

func (b strictJSON) Bind(req *http.Request, obj any) error {
	data, err := contract.ReadBody(req.Body)
	if err != nil {
		return err
	}
	return b.BindBody(data, obj)
}

func (strictJSON) BindBody(data []byte, obj any) error {
	if err := contract.DecodeStrict(data, obj); err != nil {
		return err
	}
	return binding.Validator.ValidateStruct(obj)
}

// requestLog is scenario 06's logging middleware: one ring-buffer entry per request, once the
// rest of the chain has answered.
func requestLog(log *reqlog.Log) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		log.Append(c.Request.Method, c.FullPath(), c.Writer.Status(), time.Since(start))
	}
}

const subjectKey = "subject"

// bearerAuth rejects the request with 401 unless it carries a valid token; the handler reads
// the subject from the context.
func bearerAuth(verifier *auth.Verifier) gin.HandlerFunc {
	return func(c *gin.Context) {
		subject, err := verifier.Subject(c.GetHeader("Authorization"))
		if err != nil {
			fail(c, err)
			return
		}
		c.Set(subjectKey, subject)
		c.Next()
	}
}
