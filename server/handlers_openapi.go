package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) openAPIDocument(c echo.Context) error { return c.NoContent(http.StatusOK) }
