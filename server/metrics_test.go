package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/goschemaregistry/registry/formats"
	"github.com/goschemaregistry/registry/formats/avro"
	"github.com/goschemaregistry/registry/storage"
)

// observedServer is a server whose logs are kept, called without a
// network.
type observedServer struct {
	t    *testing.T
	srv  *Server
	logs *lockedBuffer
}

// lockedBuffer is a buffer written by the server's goroutines and read by
// the test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// followedLog returns an in-memory log with a view following it.
func followedLog(t testing.TB) (storage.Log, *storage.View) {
	t.Helper()
	log := storage.NewMemoryLog()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	view, _, err := storage.StartView(ctx, log, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return log, view
}

// newObservedServer returns a server for cfg, serving Avro and logging at
// level into a buffer. A cfg without a log gets a followed in-memory one.
func newObservedServer(t *testing.T, cfg Config, level slog.Level) *observedServer {
	t.Helper()
	if cfg.Log == nil {
		cfg.Log, cfg.View = followedLog(t)
	}
	logs := &lockedBuffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: level}))
	cfg.Formats = []formats.Format{avro.New(avro.Limits{})}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &observedServer{t: t, srv: srv, logs: logs}
}

// do sends a request and returns the answer. header holds name, value
// pairs.
func (o *observedServer) do(method, target, body string, header ...string) *httptest.ResponseRecorder {
	o.t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set(echo.HeaderContentType, contentType)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	o.srv.ServeHTTP(rec, req)
	return rec
}

// register registers schema under subject and fails unless it is
// accepted.
func (o *observedServer) register(subject, schema string) {
	o.t.Helper()
	body, err := json.Marshal(map[string]string{"schema": schema})
	if err != nil {
		o.t.Fatal(err)
	}
	if rec := o.do(http.MethodPost, "/subjects/"+subject+"/versions", string(body)); rec.Code != http.StatusOK {
		o.t.Fatalf("register %s: %d %s", subject, rec.Code, rec.Body)
	}
}

// scrape fetches /metrics and returns each series, written as in the
// text format (name{label="value",...}, labels sorted), with its value.
func (o *observedServer) scrape() map[string]float64 {
	o.t.Helper()
	rec := o.do(http.MethodGet, "/metrics", "")
	if rec.Code != http.StatusOK {
		o.t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	series := map[string]float64{}
	for line := range strings.Lines(rec.Body.String()) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cut := strings.LastIndexByte(line, ' ')
		value, err := strconv.ParseFloat(line[cut+1:], 64)
		if cut < 0 || err != nil {
			o.t.Fatalf("unreadable metrics line %q", line)
		}
		series[line[:cut]] = value
	}
	return series
}

const (
	registerSeries = `schema_registry_http_requests_total{method="POST",route="/subjects/:subject/versions",status="200"}`
	avroChecks     = `schema_registry_compatibility_check_duration_seconds_count{format="AVRO"}`
	userSchemaV1   = `{"type":"record","name":"User","fields":[{"name":"name","type":"string"}]}`
	userSchemaV2   = `{"type":"record","name":"User","fields":[{"name":"name","type":"string"},{"name":"age","type":"int","default":0}]}`
)

// expectSeries fails for each series of want whose value differs, or
// which is missing when want holds it with a value.
func expectSeries(t *testing.T, got map[string]float64, want map[string]float64) {
	t.Helper()
	for name, value := range want {
		if v, ok := got[name]; !ok || v != value {
			t.Errorf("%s = %v (present %v), want %v", name, v, ok, value)
		}
	}
}

func TestMetricsFollowRequestsAndState(t *testing.T) {
	o := newObservedServer(t, Config{}, slog.LevelInfo)
	expectSeries(t, o.scrape(), map[string]float64{
		"schema_registry_schemas":            0,
		"schema_registry_subjects":           0,
		"schema_registry_versions":           0,
		"schema_registry_log_applied_offset": -1,
		"schema_registry_log_end_offset":     -1,
		"schema_registry_log_replay_lag":     0,
		"schema_registry_leader":             1,
		"schema_registry_leader_known":       1,
		avroChecks:                           0,
	})

	o.register("a", userSchemaV1)
	o.register("b", userSchemaV1)
	o.register("a", userSchemaV2)
	o.do(http.MethodGet, "/subjects/nope/versions", "")
	o.do(http.MethodGet, "/no/such/route?token=x", "")
	o.do(http.MethodGet, "/subjects/a/no/such/route", "")
	o.do(http.MethodPatch, "/subjects", "")
	o.do("BREW", "/subjects", "")
	got := o.scrape()
	expectSeries(t, got, map[string]float64{
		registerSeries: 3,
		`schema_registry_http_request_duration_seconds_count{method="POST",route="/subjects/:subject/versions"}`: 3,
		`schema_registry_http_requests_total{method="GET",route="/metrics",status="200"}`:                        1,
		`schema_registry_http_requests_total{method="GET",route="/subjects/:subject/versions",status="404"}`:     1,
		`schema_registry_http_requests_total{method="GET",route="unmatched",status="404"}`:                       2,
		`schema_registry_http_requests_total{method="PATCH",route="/subjects",status="405"}`:                     1,
		`schema_registry_http_requests_total{method="OTHER",route="/subjects",status="405"}`:                     1,
		"schema_registry_schemas":  2,
		"schema_registry_subjects": 2,
		"schema_registry_versions": 3,
	})
	if got[avroChecks] < 1 {
		t.Errorf("%s = %v after registering a second version", avroChecks, got[avroChecks])
	}
	applied, end := got["schema_registry_log_applied_offset"], got["schema_registry_log_end_offset"]
	if applied < 2 || applied != end || got["schema_registry_log_replay_lag"] != 0 {
		t.Errorf("applied %v, end %v, lag %v after three writes", applied, end, got["schema_registry_log_replay_lag"])
	}
	for name := range got {
		if strings.Contains(name, "token") || strings.Contains(name, "/no/such") {
			t.Errorf("a raw path became a label: %s", name)
		}
	}
	if !strings.Contains(strings.Join(keys(got), "\n"), "go_goroutines") {
		t.Error("no Go runtime metrics")
	}
}

func keys(m map[string]float64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// endOffsetLog is a log whose end offset is given, or fails with err.
type endOffsetLog struct {
	storage.Log
	end int64
	err error
}

func (l endOffsetLog) EndOffset(context.Context) (int64, error) { return l.end, l.err }

func TestMetricsReplayLag(t *testing.T) {
	log, view := followedLog(t)
	o := newObservedServer(t, Config{Log: endOffsetLog{Log: log, end: 41}, View: view}, slog.LevelInfo)
	o.register("a", userSchemaV1)
	expectSeries(t, o.scrape(), map[string]float64{
		"schema_registry_log_applied_offset": 0,
		"schema_registry_log_end_offset":     41,
		"schema_registry_log_replay_lag":     41,
	})

	failing := newObservedServer(t, Config{Log: endOffsetLog{Log: log, err: errors.New("broker down")}, View: view}, slog.LevelInfo)
	got := failing.scrape()
	for _, name := range []string{"schema_registry_log_end_offset", "schema_registry_log_replay_lag"} {
		if _, ok := got[name]; ok {
			t.Errorf("%s reported while the end offset cannot be read", name)
		}
	}
	expectSeries(t, got, map[string]float64{"schema_registry_log_applied_offset": 0, "schema_registry_versions": 1})
}

// switchableLeadership is a Leadership the test changes.
type switchableLeadership struct {
	mu          sync.Mutex
	self, known bool
}

func (l *switchableLeadership) Leader() (string, bool, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return "http://leader.invalid", l.self, l.known
}

func (l *switchableLeadership) set(self, known bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.self, l.known = self, known
}

func TestLeaderMetrics(t *testing.T) {
	leadership := &switchableLeadership{}
	o := newObservedServer(t, Config{Leadership: leadership}, slog.LevelInfo)
	for _, tt := range []struct {
		self, known           bool
		wantLeader, wantKnown float64
	}{
		{self: false, known: false, wantLeader: 0, wantKnown: 0},
		{self: false, known: true, wantLeader: 0, wantKnown: 1},
		{self: true, known: true, wantLeader: 1, wantKnown: 1},
	} {
		leadership.set(tt.self, tt.known)
		t.Run(fmt.Sprintf("self=%v,known=%v", tt.self, tt.known), func(t *testing.T) {
			expectSeries(t, o.scrape(), map[string]float64{
				"schema_registry_leader":       tt.wantLeader,
				"schema_registry_leader_known": tt.wantKnown,
			})
		})
	}
}

func TestResponseStatus(t *testing.T) {
	apiErr := newError(http.StatusConflict, 409, "incompatible")
	for _, tt := range []struct {
		name           string
		err            error
		committed      int
		wantStatus     int
		wantUnexpected bool
	}{
		{name: "answered", committed: http.StatusCreated, wantStatus: http.StatusCreated},
		{name: "API error", err: apiErr, wantStatus: http.StatusConflict},
		{name: "wrapped API error", err: fmt.Errorf("register: %w", apiErr), wantStatus: http.StatusConflict},
		{name: "echo error", err: echo.ErrMethodNotAllowed, wantStatus: http.StatusMethodNotAllowed},
		{name: "other error", err: io.ErrUnexpectedEOF, wantStatus: http.StatusInternalServerError, wantUnexpected: true},
		{name: "error after answering", err: apiErr, committed: http.StatusOK, wantStatus: http.StatusOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/", nil), httptest.NewRecorder())
			if tt.committed != 0 {
				c.Response().WriteHeader(tt.committed)
			}
			status, unexpected := responseStatus(c, tt.err)
			if status != tt.wantStatus || unexpected != tt.wantUnexpected {
				t.Errorf("got %d, %v; want %d, %v", status, unexpected, tt.wantStatus, tt.wantUnexpected)
			}
		})
	}
}

func TestRequestLog(t *testing.T) {
	const secret = "hunter2"
	basic := "Basic dXNlcjpodW50ZXIy" // user:hunter2
	send := func(o *observedServer) {
		o.do(http.MethodGet, "/subjects/s/versions?password="+secret, "", echo.HeaderAuthorization, basic)
	}

	debug := newObservedServer(t, Config{}, slog.LevelDebug)
	send(debug)
	var line string
	for l := range strings.Lines(debug.logs.String()) {
		if strings.Contains(l, "msg=request") {
			line = l
		}
	}
	for _, want := range []string{"level=DEBUG", "method=GET", "route=/subjects/:subject/versions",
		"path=/subjects/s/versions ", "status=404", "duration=", "remote=192.0.2.1:1234", `user=""`} {
		if !strings.Contains(line, want) {
			t.Errorf("request log line lacks %q: %q", want, line)
		}
	}
	for _, secretPart := range []string{secret, "password", basic} {
		if strings.Contains(debug.logs.String(), secretPart) {
			t.Errorf("logs hold %q: %s", secretPart, debug.logs)
		}
	}

	info := newObservedServer(t, Config{}, slog.LevelInfo)
	send(info)
	if strings.Contains(info.logs.String(), "msg=request") {
		t.Errorf("request logged above debug level: %s", info.logs)
	}
}

func TestUnexpectedErrorLogged(t *testing.T) {
	o := newObservedServer(t, Config{}, slog.LevelInfo)
	// A handler failing with an error of no known kind, which the error
	// handler answers as a bare 500.
	e := echo.New()
	e.Use(o.srv.observe)
	e.GET("/schemas/ids/:id", func(echo.Context) error { return io.ErrUnexpectedEOF })
	e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/schemas/ids/1", nil))
	want := `level=ERROR msg="request failed" method=GET route=/schemas/ids/:id error="unexpected EOF"`
	if !strings.Contains(o.logs.String(), want) {
		t.Errorf("logs lack %s: %s", want, o.logs)
	}
	expectSeries(t, o.scrape(), map[string]float64{
		`schema_registry_http_requests_total{method="GET",route="/schemas/ids/:id",status="500"}`: 1,
	})
}

// BenchmarkObserve serves a constant answer through echo with and without
// the observe middleware, to show what counting and timing a request
// costs.
func BenchmarkObserve(b *testing.B) {
	log, view := followedLog(b)
	srv, err := New(Config{Log: log, View: view, Logger: slog.New(slog.DiscardHandler),
		Formats: []formats.Format{avro.New(avro.Limits{})}})
	if err != nil {
		b.Fatal(err)
	}
	answer := []byte(`{"schema":"\"string\""}`)
	for _, observed := range []bool{false, true} {
		b.Run(fmt.Sprintf("observed=%v", observed), func(b *testing.B) {
			e := echo.New()
			if observed {
				e.Use(srv.observe)
			}
			e.GET("/schemas/ids/:id", func(c echo.Context) error { return c.Blob(http.StatusOK, contentType, answer) })
			req := httptest.NewRequest(http.MethodGet, "/schemas/ids/1", nil)
			rec := httptest.NewRecorder()
			for b.Loop() {
				rec.Body.Reset()
				e.ServeHTTP(rec, req)
			}
		})
	}
}

// BenchmarkScrape scrapes a registry holding 100,000 versions of 50,000
// subjects.
func BenchmarkScrape(b *testing.B) {
	log := storage.NewMemoryLog()
	const subjects = 50_000
	recs := make([]storage.Record, 0, 2*subjects)
	for i := range subjects {
		subject := fmt.Sprintf("subject-%d", i)
		for version := 1; version <= 2; version++ {
			id := 2*i + version
			value, err := storage.EncodeValue(&storage.SchemaValue{Subject: subject, Version: version, ID: id,
				Schema: fmt.Sprintf(`{"type":"fixed","name":"f%d","size":1}`, id)})
			if err != nil {
				b.Fatal(err)
			}
			recs = append(recs, storage.Record{
				Key:   storage.Key{Type: storage.KeySchema, Subject: subject, Version: version}.Bytes(),
				Value: value,
			})
		}
	}
	if _, err := log.Append(context.Background(), recs...); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	view, _, err := storage.StartView(ctx, log, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{Log: log, View: view, Logger: slog.New(slog.DiscardHandler),
		Formats: []formats.Format{avro.New(avro.Limits{})}})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	for b.Loop() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "schema_registry_versions 100000") {
			b.Fatalf("scrape: %d", rec.Code)
		}
	}
}
