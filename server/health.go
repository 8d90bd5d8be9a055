package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/labstack/echo/v4"

	"github.com/goschemaregistry/registry/storage"
)

// healthContentType is the media type of health answers, which are not
// Confluent API answers.
const healthContentType = "application/json"

// healthAnswer is the body of a health answer.
type healthAnswer struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// writeHealth answers 200 {"status":"UP"} when downReason is empty, else
// 503 {"status":"DOWN","reason":downReason}.
func writeHealth(w http.ResponseWriter, downReason string) {
	status, answer := http.StatusOK, healthAnswer{Status: "UP"}
	if downReason != "" {
		status, answer = http.StatusServiceUnavailable, healthAnswer{Status: "DOWN", Reason: downReason}
	}
	// A struct of strings always encodes.
	body, _ := json.Marshal(answer)
	w.Header().Set(echo.HeaderContentType, healthContentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// live answers that the process serves requests.
func (s *Server) live(c echo.Context) error {
	writeHealth(c.Response(), "")
	return nil
}

// ready answers whether the server should be sent traffic: its view has
// caught up with the log and, in a cluster, a leader is known to take
// writes.
func (s *Server) ready(c echo.Context) error {
	writeHealth(c.Response(), s.notReadyReason(requestContext(c)))
	return nil
}

// notReadyReason returns why the server is not ready, or "".
func (s *Server) notReadyReason(ctx context.Context) string {
	if reason := s.startup.notCaughtUpReason(ctx, s.config.Log, s.config.View); reason != "" {
		return reason
	}
	if s.config.Leadership != nil {
		if _, _, known := s.config.Leadership.Leader(); !known {
			return "no leader is known"
		}
	}
	return ""
}

// startup tracks whether the view has applied every record the log held
// when readiness was first asked. Once it has, it stays caught up: a
// view trailing a busy log by a few records is still ready.
type startup struct {
	caughtUp atomic.Bool
	mu       sync.Mutex
	// target is the log's end offset to reach, once targetKnown.
	target      int64
	targetKnown bool
}

// notCaughtUpReason returns "" once view has caught up, else why not.
func (st *startup) notCaughtUpReason(ctx context.Context, log storage.Log, view *storage.View) string {
	if st.caughtUp.Load() {
		return ""
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.targetKnown {
		ctx, cancel := context.WithTimeout(ctx, endOffsetTimeout)
		defer cancel()
		end, err := log.EndOffset(ctx)
		if err != nil {
			return fmt.Sprintf("the end of the log is unknown: %v", err)
		}
		st.target, st.targetKnown = end, true
	}
	if applied := view.Applied(); applied < st.target {
		return fmt.Sprintf("replaying the log: at offset %d of %d", applied, st.target)
	}
	st.caughtUp.Store(true)
	return ""
}

// startingAnswer is the answer to API requests while the log is replayed,
// in Confluent's error shape. Confluent opens its port only once caught up,
// so it has no such answer; like its answers without a code of their own,
// this one carries the HTTP status as its error code.
const startingAnswer = `{"error_code":503,"message":"The registry is starting: the log is being replayed"}`

// Starting returns the handler to serve while the log is still being
// replayed, before the Server exists: GET /health/live answers UP,
// GET /health/ready answers 503 DOWN, and every other request 503 with
// error code 503.
func Starting() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			switch r.URL.Path {
			case "/health/live":
				writeHealth(w, "")
				return
			case "/health/ready":
				writeHealth(w, "replaying the log")
				return
			}
		}
		w.Header().Set(echo.HeaderContentType, contentType)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(startingAnswer))
	})
}
