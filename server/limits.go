package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// queueWait is how long a request waits for one of the requests in flight
// to finish before it is turned away.
const queueWait = time.Second

// errTooManyRequests is Confluent's (Jetty's) answer when a request is
// turned away for load.
func errTooManyRequests() *Error {
	return newError(http.StatusTooManyRequests, http.StatusTooManyRequests, "Too Many Requests")
}

// newInFlight returns the semaphore capping requests in flight at limit,
// or nil for no cap when limit is not positive.
func newInFlight(limit int) chan struct{} {
	if limit <= 0 {
		return nil
	}
	return make(chan struct{}, limit)
}

// limitConcurrency caps the requests served at once at
// Config.MaxConcurrentRequests, so that slow or numerous clients cannot
// take all of the server's memory and CPU. A request over the cap waits up
// to queueWait for a slot, or until its client goes away, then gets 429.
// Health probes are never held back, so that a busy instance is not taken
// for a dead one.
func (s *Server) limitConcurrency(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.inFlight == nil || isHealthProbe(c) {
			return next(c)
		}
		select {
		case s.inFlight <- struct{}{}:
		default:
			wait := time.NewTimer(queueWait)
			defer wait.Stop()
			select {
			case s.inFlight <- struct{}{}:
			case <-wait.C:
				return errTooManyRequests()
			case <-c.Request().Context().Done():
				return errTooManyRequests()
			}
		}
		defer func() { <-s.inFlight }()
		return next(c)
	}
}
