package client

import (
	"errors"
	"fmt"
	"net"
	"time"
)

// Confluent's error codes that callers act on.
const (
	CodeSubjectNotFound            = 40401
	CodeVersionNotFound            = 40402
	CodeSchemaNotFound             = 40403
	CodeSubjectCompatNotConfigured = 40408
	CodeSubjectModeNotConfigured   = 40409
	CodeIncompatibleSchema         = 409
	CodeOperationNotPermitted      = 42205
)

// Error is an error answer of the registry: the HTTP status and, when the
// registry sent Confluent's error shape, its error code and message.
type Error struct {
	Status int
	// Code is Confluent's error_code; 0 when the answer did not carry one
	// (a proxy's error page, for example).
	Code    int
	Message string
}

func (e *Error) Error() string {
	if e.Code == 0 {
		return e.Message
	}
	return fmt.Sprintf("%s (error code %d)", e.Message, e.Code)
}

// HasCode reports whether err is a registry error with one of codes.
func HasCode(err error, codes ...int) bool {
	var apiErr *Error
	if !errors.As(err, &apiErr) {
		return false
	}
	for _, code := range codes {
		if apiErr.Code == code {
			return true
		}
	}
	return false
}

// IsNotFound reports whether err is a registry answer with HTTP status 404,
// whatever its code: registries differ in the codes of "not configured".
func IsNotFound(err error) bool {
	var apiErr *Error
	return errors.As(err, &apiErr) && apiErr.Status == 404
}

// ConnectionError is a request that got no answer from the registry.
type ConnectionError struct {
	URL     string
	Timeout time.Duration
	Err     error
}

func (e *ConnectionError) Error() string {
	var netErr net.Error
	if errors.As(e.Err, &netErr) && netErr.Timeout() {
		return fmt.Sprintf("no answer from the registry at %s within %v (see --timeout)", e.URL, e.Timeout)
	}
	return fmt.Sprintf("cannot reach the registry at %s: %v", e.URL, e.Err)
}

func (e *ConnectionError) Unwrap() error { return e.Err }
