package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Error is an API error: the HTTP status, Confluent's error code and the
// message, written as {"error_code":N,"message":"..."}. Every handler returns
// it and errorHandler writes it.
type Error struct {
	Status  int    `json:"-"`
	Code    int    `json:"error_code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Message) }

func newError(status, code int, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Confluent's error codes.
const (
	codeSubjectNotFound             = 40401
	codeVersionNotFound             = 40402
	codeSchemaNotFound              = 40403
	codeSubjectSoftDeleted          = 40404
	codeSubjectNotSoftDeleted       = 40405
	codeVersionSoftDeleted          = 40406
	codeVersionNotSoftDeleted       = 40407
	codeSubjectCompatNotConfigured  = 40408
	codeSubjectModeNotConfigured    = 40409
	codeIncompatibleSchema          = 409
	codeInvalidSchema               = 42201
	codeInvalidVersion              = 42202
	codeInvalidCompatibilityLevel   = 42203
	codeInvalidMode                 = 42204
	codeOperationNotPermitted       = 42205
	codeReferenceExists             = 42206
	codeIDDoesNotMatch              = 42207
	codeInvalidSubject              = 42208
	codeSchemaTooLarge              = 42209
	codeStoreError                  = 50001
	codeOperationTimeout            = 50002
	codeRequestForwardingFailed     = 50003
	statusUnprocessable             = http.StatusUnprocessableEntity
	invalidCompatibilityLevelDetail = "Invalid compatibility level. Valid values are none, backward, forward, full, " +
		"backward_transitive, forward_transitive, and full_transitive"
)

func errSubjectNotFound(subject string) *Error {
	return newError(http.StatusNotFound, codeSubjectNotFound, "Subject '%s' not found.", subject)
}

func errVersionNotFound(version int) *Error {
	return newError(http.StatusNotFound, codeVersionNotFound, "Version %d not found.", version)
}

func errSchemaNotFound() *Error {
	return newError(http.StatusNotFound, codeSchemaNotFound, "Schema not found")
}

func errSchemaIDNotFound(id int) *Error {
	return newError(http.StatusNotFound, codeSchemaNotFound, "Schema %d not found", id)
}

func errSubjectSoftDeleted(subject string) *Error {
	return newError(http.StatusNotFound, codeSubjectSoftDeleted,
		"Subject '%s' was soft deleted.Set permanent=true to delete permanently", subject)
}

func errSubjectNotSoftDeleted(subject string) *Error {
	return newError(http.StatusNotFound, codeSubjectNotSoftDeleted,
		"Subject '%s' was not deleted first before being permanently deleted", subject)
}

// errVersionSoftDeleted names the version as the client wrote it ("latest"
// stays "latest"), as Confluent does.
func errVersionSoftDeleted(subject, version string) *Error {
	return newError(http.StatusNotFound, codeVersionSoftDeleted,
		"Subject '%s' Version %s was soft deleted.Set permanent=true to delete permanently", subject, version)
}

func errVersionNotSoftDeleted(subject string, version int) *Error {
	return newError(http.StatusNotFound, codeVersionNotSoftDeleted,
		"Subject '%s' Version %d was not deleted first before being permanently deleted", subject, version)
}

func errSubjectCompatNotConfigured(subject string) *Error {
	return newError(http.StatusNotFound, codeSubjectCompatNotConfigured,
		"Subject '%s' does not have subject-level compatibility configured", subject)
}

func errSubjectModeNotConfigured(subject string) *Error {
	return newError(http.StatusNotFound, codeSubjectModeNotConfigured,
		"Subject '%s' does not have subject-level mode configured", subject)
}

func errIncompatible(subject string, messages []string) *Error {
	return newError(http.StatusConflict, codeIncompatibleSchema,
		"Schema being registered is incompatible with an earlier schema for subject \"%s\", details: %s",
		subject, formatList(messages))
}

func errInvalidSchema(message string) *Error {
	return newError(statusUnprocessable, codeInvalidSchema, "%s", message)
}

func errInvalidVersion(version string) *Error {
	return newError(statusUnprocessable, codeInvalidVersion,
		"The specified version '%s' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"",
		version)
}

func errInvalidCompatibilityLevel() *Error {
	return newError(statusUnprocessable, codeInvalidCompatibilityLevel, invalidCompatibilityLevelDetail)
}

func errInvalidMode() *Error {
	return newError(statusUnprocessable, codeInvalidMode,
		"Invalid mode. Valid values are READWRITE, READONLY, and IMPORT.")
}

func errOperationNotPermitted(format string, args ...any) *Error {
	return newError(statusUnprocessable, codeOperationNotPermitted, format, args...)
}

func errReferenceExists(subject string, version int) *Error {
	return newError(statusUnprocessable, codeReferenceExists,
		"One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=%s,version=%d}.", subject, version)
}

func errInvalidSubject(subject string) *Error {
	return newError(statusUnprocessable, codeInvalidSubject, "The specified subject '%s' is not a valid.", subject)
}

func errStore(format string, args ...any) *Error {
	return newError(http.StatusInternalServerError, codeStoreError, format, args...)
}

func errTimeout(format string, args ...any) *Error {
	return newError(http.StatusInternalServerError, codeOperationTimeout, format, args...)
}

// formatList writes messages as Java's List.toString() does, the way
// Confluent embeds compatibility messages in its error text.
func formatList(messages []string) string {
	out := "["
	for i, m := range messages {
		if i > 0 {
			out += ", "
		}
		out += m
	}
	return out + "]"
}

// errorHandler writes every error a handler or echo returns in Confluent's
// error shape.
func errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var apiErr *Error
	var httpErr *echo.HTTPError
	switch {
	case errors.As(err, &apiErr):
	case errors.As(err, &httpErr):
		apiErr = &Error{Status: httpErr.Code, Code: httpErr.Code,
			Message: fmt.Sprintf("HTTP %d %s", httpErr.Code, http.StatusText(httpErr.Code))}
		if msg, ok := httpErr.Message.(string); ok && httpErr.Code != http.StatusNotFound && httpErr.Code != http.StatusMethodNotAllowed {
			apiErr.Message = msg
		}
	default:
		apiErr = &Error{Status: http.StatusInternalServerError, Code: http.StatusInternalServerError,
			Message: "Internal Server Error"}
		c.Logger().Error(err)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(apiErr.Status)
		return
	}
	_ = writeJSON(c, apiErr.Status, apiErr)
}
