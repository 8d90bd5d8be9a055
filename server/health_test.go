package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/goschemaregistry/registry/storage"
)

// expectHealth fails unless rec is a health answer with the given status
// and, when DOWN, a reason containing reason.
func expectHealth(t *testing.T, rec *httptest.ResponseRecorder, wantCode int, wantReason string) {
	t.Helper()
	var answer healthAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
		t.Fatalf("health answer %q: %v", rec.Body, err)
	}
	wantStatus := "UP"
	if wantCode != http.StatusOK {
		wantStatus = "DOWN"
	}
	if rec.Code != wantCode || answer.Status != wantStatus || !strings.Contains(answer.Reason, wantReason) ||
		(wantStatus == "UP") != (answer.Reason == "") {
		t.Errorf("got %d %s, want %d %s with reason %q", rec.Code, rec.Body, wantCode, wantStatus, wantReason)
	}
	if ct := rec.Header().Get(echo.HeaderContentType); ct != "application/json" {
		t.Errorf("content type %q", ct)
	}
}

func TestReadyOnceReplayed(t *testing.T) {
	// The log holds three records the view has not applied yet.
	log := storage.NewMemoryLog()
	for i, subject := range []string{"a", "b", "c"} {
		value, err := storage.EncodeValue(&storage.SchemaValue{Subject: subject, Version: 1, ID: i + 1, Schema: `"string"`})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := log.Append(context.Background(), storage.Record{
			Key: storage.Key{Type: storage.KeySchema, Subject: subject, Version: 1}.Bytes(), Value: value,
		}); err != nil {
			t.Fatal(err)
		}
	}
	view := storage.NewView(slog.New(slog.DiscardHandler))
	o := newObservedServer(t, Config{Log: log, View: view}, slog.LevelInfo)
	expectHealth(t, o.do(http.MethodGet, "/health/ready", ""), http.StatusServiceUnavailable, "replaying the log: at offset -1 of 2")
	expectHealth(t, o.do(http.MethodGet, "/health/live", ""), http.StatusOK, "")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = log.Follow(ctx, 0, view.ApplyFunc) }()
	if err := view.WaitApplied(ctx, 2); err != nil {
		t.Fatal(err)
	}
	expectHealth(t, o.do(http.MethodGet, "/health/ready", ""), http.StatusOK, "")
	// Caught up once is enough: a log growing faster than the view is
	// replayed does not make the server unready.
	if _, err := log.Append(context.Background(), storage.Record{Key: storage.Key{Type: storage.KeyNoop}.Bytes()}); err != nil {
		t.Fatal(err)
	}
	expectHealth(t, o.do(http.MethodGet, "/health/ready", ""), http.StatusOK, "")
}

func TestReadyNeedsTheLogEnd(t *testing.T) {
	log, view := followedLog(t)
	o := newObservedServer(t, Config{Log: endOffsetLog{Log: log, err: errors.New("broker down")}, View: view}, slog.LevelInfo)
	expectHealth(t, o.do(http.MethodGet, "/health/ready", ""), http.StatusServiceUnavailable, "the end of the log is unknown: broker down")
}

func TestReadyNeedsAKnownLeader(t *testing.T) {
	leadership := &switchableLeadership{}
	o := newObservedServer(t, Config{Leadership: leadership}, slog.LevelInfo)
	expectHealth(t, o.do(http.MethodGet, "/health/ready", ""), http.StatusServiceUnavailable, "no leader is known")
	expectHealth(t, o.do(http.MethodGet, "/health/live", ""), http.StatusOK, "")
	leadership.set(false, true)
	expectHealth(t, o.do(http.MethodGet, "/health/ready", ""), http.StatusOK, "")
	leadership.set(false, false)
	expectHealth(t, o.do(http.MethodGet, "/health/ready", ""), http.StatusServiceUnavailable, "no leader is known")
}

func TestStarting(t *testing.T) {
	const refused = `{"error_code":503,"message":"The registry is starting: the log is being replayed"}`
	for _, tt := range []struct {
		method, target string
		wantCode       int
		wantReason     string // for health answers
		wantBody       string // for the others
	}{
		{method: http.MethodGet, target: "/health/live", wantCode: http.StatusOK},
		{method: http.MethodGet, target: "/health/ready", wantCode: http.StatusServiceUnavailable, wantReason: "replaying the log"},
		{method: http.MethodGet, target: "/subjects", wantCode: http.StatusServiceUnavailable, wantBody: refused},
		{method: http.MethodPost, target: "/subjects/s/versions", wantCode: http.StatusServiceUnavailable, wantBody: refused},
		{method: http.MethodDelete, target: "/health/live", wantCode: http.StatusServiceUnavailable, wantBody: refused},
	} {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			rec := httptest.NewRecorder()
			Starting().ServeHTTP(rec, httptest.NewRequest(tt.method, tt.target, nil))
			if tt.wantBody == "" {
				expectHealth(t, rec, tt.wantCode, tt.wantReason)
				return
			}
			if rec.Code != tt.wantCode || rec.Body.String() != tt.wantBody || rec.Header().Get(echo.HeaderContentType) != contentType {
				t.Errorf("got %d %s (%s), want %d %s", rec.Code, rec.Body, rec.Header().Get(echo.HeaderContentType), tt.wantCode, tt.wantBody)
			}
		})
	}
}
