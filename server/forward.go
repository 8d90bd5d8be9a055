package server

import (
	"bytes"
	"crypto/tls"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// Leadership tells a server of a cluster which instance may write.
type Leadership interface {
	// Leader returns the leader's base URL, whether that is this instance
	// (and it is ready to write), and whether a leader is known at all.
	Leader() (url string, self, known bool)
}

// forwardHeader marks a request forwarded by another instance, as in
// Confluent; such a request is always handled where it arrives.
const forwardHeader = "X-Forward"

// errUnknownLeader is Confluent's answer to a write when no leader is known.
func errUnknownLeader() *Error {
	return newError(http.StatusInternalServerError, 50004, "Request failed since leader is unknown")
}

func errForwarding(err error) *Error {
	return newError(http.StatusInternalServerError, codeRequestForwardingFailed,
		"Error while forwarding the request to the leader: %v", err)
}

// forwardWrites sends write requests to the leader when this instance is a
// follower, and relays the leader's status and body unchanged.
func (s *Server) forwardWrites(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.config.Leadership == nil || c.Request().Header.Get(forwardHeader) != "" {
			return next(c)
		}
		url, self, known := s.config.Leadership.Leader()
		switch {
		case !known:
			return errUnknownLeader()
		case self:
			return next(c)
		}
		req := c.Request()
		body, err := io.ReadAll(http.MaxBytesReader(c.Response(), req.Body, s.config.MaxBodyBytes))
		if err != nil {
			return newError(http.StatusRequestEntityTooLarge, http.StatusRequestEntityTooLarge,
				"Request body is larger than %d bytes", s.config.MaxBodyBytes)
		}
		out, err := http.NewRequestWithContext(req.Context(), req.Method,
			strings.TrimSuffix(url, "/")+req.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			return errForwarding(err)
		}
		for _, h := range []string{echo.HeaderContentType, echo.HeaderAuthorization, echo.HeaderAccept} {
			if v := req.Header.Get(h); v != "" {
				out.Header.Set(h, v)
			}
		}
		out.Header.Set(forwardHeader, "true")
		resp, err := s.forwarder.Do(out)
		if err != nil {
			return errForwarding(err)
		}
		defer resp.Body.Close()
		answer, err := io.ReadAll(resp.Body)
		if err != nil {
			return errForwarding(err)
		}
		ct := resp.Header.Get(echo.HeaderContentType)
		if ct == "" {
			ct = contentType
		}
		// A leader that does not accept the caller's credentials
		// challenges it, through this instance.
		if challenge := resp.Header.Get(echo.HeaderWWWAuthenticate); challenge != "" {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, challenge)
		}
		return c.Blob(resp.StatusCode, ct, answer)
	}
}

// newForwarder returns the client that forwards writes to the leader,
// trusting an https leader as tlsConfig says (nil: the system's roots).
func newForwarder(timeout time.Duration, tlsConfig *tls.Config) *http.Client {
	client := &http.Client{Timeout: timeout}
	if tlsConfig != nil {
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.TLSClientConfig = tlsConfig
		client.Transport = transport
	}
	return client
}
