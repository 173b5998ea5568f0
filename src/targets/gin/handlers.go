package main

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"backendlab/goshared/contract"
	"backendlab/goshared/upload"
)

func (s *server) health(c *gin.Context) { c.JSON(http.StatusOK, contract.Health{Status: "ok"}) }

func (s *server) getMeta(c *gin.Context) { c.JSON(http.StatusOK, s.Meta) }

// echo answers any JSON object unchanged (keys such as __proto__ included: a Go map has no
// prototype); numbers keep their text.
func (s *server) echo(c *gin.Context) {
	data, err := contract.ReadBody(c.Request.Body)
	if err != nil {
		fail(c, err)
		return
	}
	body, err := contract.DecodeObject(data)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, body)
}

func (s *server) listUsers(c *gin.Context) {
	limit, err := contract.QueryInt(c.GetQuery, "limit", contract.Limit)
	if err != nil {
		fail(c, err)
		return
	}
	offset, err := contract.QueryInt(c.GetQuery, "offset", contract.Offset)
	if err != nil {
		fail(c, err)
		return
	}
	page, err := s.Users.List(c.Request.Context(), limit, offset)
	respond(c, http.StatusOK, page, err)
}

func (s *server) getUser(c *gin.Context) {
	id, err := contract.PathInt("id", c.Param("id"), contract.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	user, err := s.Users.Get(c.Request.Context(), id)
	respond(c, http.StatusOK, user, err)
}

func (s *server) createUser(c *gin.Context) {
	var body contract.NewUser
	if err := c.ShouldBindWith(&body, strictJSON{}); err != nil {
		fail(c, err)
		return
	}
	user, err := s.Users.Create(c.Request.Context(), body.Name, body.Email)
	respond(c, http.StatusCreated, user, err)
}

func (s *server) external(c *gin.Context) {
	data, err := s.Upstream.Data(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", data)
}

func (s *server) protected(c *gin.Context) {
	c.JSON(http.StatusOK, contract.Protected{Subject: c.GetString(subjectKey), Logged: s.Log.Size()})
}

// upload hashes the file part while net/http reads the body; the body is capped at the limit
// plus room for the multipart framing.
func (s *server) upload(c *gin.Context) {
	boundary, err := contract.MultipartBoundary(c.GetHeader("Content-Type"))
	if err != nil {
		fail(c, err)
		return
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, s.UploadLimit+upload.Slack)
	result, err := upload.Digest(body, boundary, s.UploadLimit)
	respond(c, http.StatusOK, result, err)
}

// respond answers body with status, or the error.
func respond(c *gin.Context, status int, body any, err error) {
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(status, body)
}
