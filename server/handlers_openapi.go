package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/goschemaregistry/registry/openapi"
)

// openAPIDocument serves the OpenAPI 3 document of the API.
func (s *Server) openAPIDocument(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/yaml", openapi.Document())
}
