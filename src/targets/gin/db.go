package main

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"backendlab/goshared/contract"
)

// The /db routes of scenarios 09–13: parameters through dbapi's parsers (c.GetQuery is its
// Query), bodies through Gin's binding with the contract's tags.

func (s *server) dbOffset(c *gin.Context) {
	body, err := s.DB.Offset(c.Request.Context(), c.GetQuery)
	respond(c, http.StatusOK, body, err)
}

func (s *server) dbKeyset(c *gin.Context) {
	body, err := s.DB.Keyset(c.Request.Context(), c.GetQuery)
	respond(c, http.StatusOK, body, err)
}

func (s *server) dbCursor(c *gin.Context) {
	body, err := s.DB.Cursor(c.Request.Context(), c.GetQuery)
	respond(c, http.StatusOK, body, err)
}

func (s *server) dbColumns(c *gin.Context) {
	body, err := s.DB.Columns(c.Request.Context(), c.Param("shape"), c.GetQuery)
	respond(c, http.StatusOK, body, err)
}

func (s *server) dbTypes(c *gin.Context) {
	body, err := s.DB.Types(c.Request.Context(), c.Param("type"), c.GetQuery)
	respond(c, http.StatusOK, body, err)
}

func (s *server) dbAuthors(c *gin.Context) {
	body, err := s.DB.Authors(c.Request.Context(), c.GetQuery)
	respond(c, http.StatusOK, body, err)
}

func (s *server) dbBulkInsert(c *gin.Context) {
	var input contract.BulkInsertBody
	if err := c.ShouldBindWith(&input, strictJSON{}); err != nil {
		fail(c, err)
		return
	}
	body, err := s.DB.BulkInsert(c.Request.Context(), c.GetQuery, input)
	respond(c, http.StatusCreated, body, err)
}

func (s *server) dbBulkUpdate(c *gin.Context) {
	var input contract.BulkUpdateBody
	if err := c.ShouldBindWith(&input, strictJSON{}); err != nil {
		fail(c, err)
		return
	}
	body, err := s.DB.BulkUpdate(c.Request.Context(), c.GetQuery, input)
	respond(c, http.StatusOK, body, err)
}

func (s *server) dbDecrement(c *gin.Context) {
	var input contract.DecrementBody
	if err := c.ShouldBindWith(&input, strictJSON{}); err != nil {
		fail(c, err)
		return
	}
	body, err := s.DB.Decrement(c.Request.Context(), c.Param("id"), c.GetQuery, input)
	respond(c, http.StatusOK, body, err)
}
