package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) live(c echo.Context) error { return c.NoContent(http.StatusOK) }

func (s *Server) ready(c echo.Context) error { return c.NoContent(http.StatusOK) }
