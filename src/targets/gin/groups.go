package main

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"backendlab/goshared/auth"
	"backendlab/goshared/contract"
	"backendlab/goshared/groups"
)

// The routes of scenarios 14–19: parameters through the groups package's parsers (c.GetQuery is
// its Query), bodies through Gin's binding with the contract's tags, sessions by middleware.

// jsonBytes answers JSON that is already encoded (a cache hit is the stored entry as it is).
func jsonBytes(c *gin.Context, data []byte, err error) {
	if err != nil {
		fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", data)
}

func (s *server) cacheRead(c *gin.Context) {
	data, err := s.Groups.CacheRead(c.Request.Context(), c.Param("id"), c.GetQuery)
	jsonBytes(c, data, err)
}

func (s *server) cacheRename(c *gin.Context) {
	var input contract.UserRename
	if err := c.ShouldBindWith(&input, strictJSON{}); err != nil {
		fail(c, err)
		return
	}
	user, err := s.Groups.CacheRename(c.Request.Context(), c.Param("id"), input)
	respond(c, http.StatusOK, user, err)
}

func (s *server) cacheWarm(c *gin.Context) {
	var input contract.CacheWarm
	if err := c.ShouldBindWith(&input, strictJSON{}); err != nil {
		fail(c, err)
		return
	}
	body, err := s.Groups.CacheWarm(c.Request.Context(), input)
	respond(c, http.StatusOK, body, err)
}

// cacheFlush ignores a request body.
func (s *server) cacheFlush(c *gin.Context) {
	body, err := s.Groups.CacheFlush(c.Request.Context())
	respond(c, http.StatusOK, body, err)
}

func (s *server) cacheInfo(c *gin.Context) { c.JSON(http.StatusOK, s.Groups.Cache.Info()) }

func (s *server) authPublic(c *gin.Context) { c.JSON(http.StatusOK, auth.Anonymous{}) }

func (s *server) jwtLogin(c *gin.Context) {
	var input contract.Login
	if err := c.ShouldBindWith(&input, strictJSON{}); err != nil {
		fail(c, err)
		return
	}
	body, err := s.Groups.JWTLogin(c.Request.Context(), input)
	respond(c, http.StatusOK, body, err)
}

func (s *server) jwtMe(c *gin.Context) {
	principal, err := s.Auth.Principal(c.GetHeader("Authorization"))
	respond(c, http.StatusOK, principal, err)
}

func (s *server) sessionLogin(c *gin.Context) {
	var input contract.Login
	if err := c.ShouldBindWith(&input, strictJSON{}); err != nil {
		fail(c, err)
		return
	}
	body, err := s.Groups.SessionLogin(c.Request.Context(), input)
	respond(c, http.StatusOK, body, err)
}

func (s *server) sessionMe(c *gin.Context) { c.JSON(http.StatusOK, principalOf(c)) }

// sessionLogout is one DEL, which also says whether there was a session; a body is ignored.
func (s *server) sessionLogout(c *gin.Context) {
	err := s.Groups.Sessions.End(c.Request.Context(), c.GetHeader("Authorization"))
	respond(c, http.StatusOK, groups.LoggedOut{LoggedOut: true}, err)
}

func (s *server) aggregateCount(c *gin.Context) {
	body, err := s.Groups.AggregateCount(c.Request.Context(), c.GetQuery)
	respond(c, http.StatusOK, body, err)
}

func (s *server) ordersBy(c *gin.Context) {
	body, err := s.Groups.OrdersBy(c.Request.Context(), c.Param("dimension"), c.GetQuery)
	respond(c, http.StatusOK, body, err)
}

func (s *server) topAuthors(c *gin.Context) {
	body, err := s.Groups.TopAuthors(c.Request.Context(), c.GetQuery)
	respond(c, http.StatusOK, body, err)
}

func (s *server) search(c *gin.Context) {
	body, err := s.Groups.Search(c.Request.Context(), c.GetQuery)
	respond(c, http.StatusOK, body, err)
}

func (s *server) flowList(c *gin.Context) {
	body, err := s.Groups.FlowList(c.Request.Context(), principalOf(c), c.GetQuery)
	respond(c, http.StatusOK, body, err)
}

func (s *server) flowRead(c *gin.Context) {
	body, err := s.Groups.FlowRead(c.Request.Context(), principalOf(c), c.Param("id"))
	respond(c, http.StatusOK, body, err)
}

func (s *server) flowRetitle(c *gin.Context) {
	var input contract.PostRetitle
	if err := c.ShouldBindWith(&input, strictJSON{}); err != nil {
		fail(c, err)
		return
	}
	body, err := s.Groups.FlowRetitle(c.Request.Context(), principalOf(c), c.Param("id"), input)
	respond(c, http.StatusOK, body, err)
}
