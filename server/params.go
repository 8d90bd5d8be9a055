package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

func isValidUTF8(s string) bool { return utf8.ValidString(s) }

// subjectParam returns the subject named in the path, decoded, refusing
// names that are not UTF-8 or too long.
func (s *Server) subjectParam(c echo.Context) (string, *Error) {
	subject := c.Param("subject")
	// Echo routes on the raw path when the request escapes characters
	// (a subject with '/' arrives as %2F), and then leaves them escaped.
	if c.Request().URL.RawPath != "" {
		decoded, err := url.PathUnescape(subject)
		if err != nil {
			return "", errInvalidSubject(subject)
		}
		subject = decoded
	}
	if apiErr := s.checkSubject(subject); apiErr != nil {
		return "", apiErr
	}
	return subject, nil
}

// checkNamedSubject refuses, as Confluent's QualifiedSubject.isValidSubject
// does for the subjects it writes, names with Java's ISO control characters
// and the reserved names __GLOBAL and __EMPTY.
func checkNamedSubject(subject string) *Error {
	control := strings.IndexFunc(subject, func(r rune) bool { return r < 0x20 || (r >= 0x7f && r <= 0x9f) }) >= 0
	if control || subject == "__GLOBAL" || subject == "__EMPTY" {
		return errInvalidSubject(subject)
	}
	return nil
}

// boolQuery reads a boolean query parameter as JAX-RS does: "true" in any
// case is true, anything else false.
func boolQuery(c echo.Context, name string) bool {
	return strings.EqualFold(c.QueryParam(name), "true")
}

// notFound is what JAX-RS answers when a path or query parameter cannot be
// converted to its type.
func notFound() *Error {
	return newError(http.StatusNotFound, http.StatusNotFound, "HTTP 404 Not Found")
}

// intQuery reads an integer query parameter, def when absent.
func intQuery(c echo.Context, name string, def int) (int, *Error) {
	v := c.QueryParam(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, notFound()
	}
	return n, nil
}

// idParam reads the schema id in the path.
func idParam(c echo.Context) (int, *Error) {
	n, err := strconv.ParseInt(c.Param("id"), 10, 32)
	if err != nil {
		return 0, notFound()
	}
	return int(n), nil
}

// versionParam reads a version id as Confluent's VersionId does: "latest"
// or -1 for the latest version, otherwise a positive 32-bit integer.
func versionParam(c echo.Context) (int, *Error) {
	raw := c.Param("version")
	if unescaped, err := url.PathUnescape(raw); err == nil && c.Request().URL.RawPath != "" {
		raw = unescaped
	}
	v := strings.TrimSpace(raw)
	if strings.EqualFold(v, "latest") {
		return -1, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || (n <= 0 && n != -1) {
		return 0, errInvalidVersion(raw)
	}
	return int(n), nil
}
