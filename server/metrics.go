package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/goschemaregistry/registry/storage"
)

// metricPrefix starts the name of every metric the server defines.
const metricPrefix = "schema_registry_"

// unmatchedRoute is the route label of requests no route matched, so that
// arbitrary paths never become label values.
const unmatchedRoute = "unmatched"

// otherMethod is the method label of requests with a method outside
// knownMethods, for the same reason.
const otherMethod = "OTHER"

// knownMethods are the methods kept as they are in the method label.
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodConnect: true,
	http.MethodOptions: true, http.MethodTrace: true,
}

// latencyBuckets, in seconds, span a cached read (well under a millisecond)
// to a write waiting on a slow log.
var latencyBuckets = []float64{
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
	0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
}

// endOffsetTimeout bounds the log end offset lookup of a scrape, so that an
// unreachable log costs a scrape its offset metrics rather than the scrape.
const endOffsetTimeout = 2 * time.Second

// metrics are the server's Prometheus metrics, in a registry of their own
// so that servers in one process never share them.
type metrics struct {
	registry        *prometheus.Registry
	handler         echo.HandlerFunc
	requests        *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec
	// series caches each requestKey's requestSeries: resolving labels
	// through the vectors costs more than serving a cached read.
	seriesMu sync.RWMutex
	series   map[requestKey]*requestSeries
}

// newMetrics creates the server's metrics and starts feeding the
// compatibility check durations into them.
func newMetrics(s *Server) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		series:   map[requestKey]*requestSeries{},
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricPrefix + "http_requests_total",
			Help: "HTTP requests served, by method, route template and status.",
		}, []string{"method", "route", "status"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    metricPrefix + "http_request_duration_seconds",
			Help:    "Time taken to serve HTTP requests, by method and route template.",
			Buckets: latencyBuckets,
		}, []string{"method", "route"}),
	}
	checks := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    metricPrefix + "compatibility_check_duration_seconds",
		Help:    "Time taken by compatibility checks, by schema format.",
		Buckets: latencyBuckets,
	}, []string{"format"})
	// One observer per served format, resolved once: a check then costs
	// a map lookup, and every format shows in the first scrape.
	observers := map[string]prometheus.Observer{}
	for schemaType := range s.registry.formats {
		observers[schemaType] = checks.WithLabelValues(schemaType)
	}
	s.registry.checked = func(schemaType string, took time.Duration) {
		if o, ok := observers[schemaType]; ok {
			o.Observe(took.Seconds())
		}
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.requestDuration, checks,
		&stateCollector{log: s.config.Log, view: s.config.View, leadership: s.config.Leadership},
	)
	m.handler = echo.WrapHandler(promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{
		ErrorLog:      promErrorLog{s.config.Logger},
		ErrorHandling: promhttp.ContinueOnError,
	}))
	return m
}

// routeLabel returns the route label of a request: its route template, or
// unmatchedRoute when the router found none.
func routeLabel(c echo.Context) string {
	if path := c.Path(); path != "" {
		return path
	}
	return unmatchedRoute
}

// requestKey is the labels of a request's series.
type requestKey struct {
	method, route string
	status        int
}

// requestSeries are the series a request is counted and timed in.
type requestSeries struct {
	count    prometheus.Counter
	duration prometheus.Observer
}

func (m *metrics) requestSeries(key requestKey) *requestSeries {
	m.seriesMu.RLock()
	series := m.series[key]
	m.seriesMu.RUnlock()
	if series != nil {
		return series
	}
	m.seriesMu.Lock()
	defer m.seriesMu.Unlock()
	if series = m.series[key]; series == nil {
		series = &requestSeries{
			count:    m.requests.WithLabelValues(key.method, key.route, strconv.Itoa(key.status)),
			duration: m.requestDuration.WithLabelValues(key.method, key.route),
		}
		m.series[key] = series
	}
	return series
}

// observe counts each request by route and status, times it, and logs it
// at debug level.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		started := time.Now()
		err := next(c)
		took := time.Since(started)
		status, unexpected := responseStatus(c, err)
		method := c.Request().Method
		if !knownMethods[method] {
			method = otherMethod
		}
		route := routeLabel(c)
		series := s.metrics.requestSeries(requestKey{method, route, status})
		series.count.Inc()
		series.duration.Observe(took.Seconds())
		logger, ctx := s.config.Logger, c.Request().Context()
		if unexpected {
			// The error handler answers 500 without saying why: the
			// reason is kept here.
			logger.LogAttrs(ctx, slog.LevelError, "request failed", slog.String("method", method),
				slog.String("route", route), slog.String("error", err.Error()))
		}
		if logger.Enabled(ctx, slog.LevelDebug) {
			// Headers, bodies and the query string may carry credentials
			// or schemas: only the path is logged.
			logger.LogAttrs(ctx, slog.LevelDebug, "request",
				slog.String("method", method),
				slog.String("route", route),
				slog.String("path", c.Request().URL.Path),
				slog.Int("status", status),
				slog.Duration("duration", took),
				slog.String("remote", c.Request().RemoteAddr),
				slog.String("user", principal(c)))
		}
		return err
	}
}

// responseStatus returns the status a request is answered with. The error
// handler writes a returned error only after every middleware has
// returned, so its status is taken from the error, as the error handler
// will. unexpected reports an error that is neither an API error nor
// echo's, answered as an internal error.
func responseStatus(c echo.Context, err error) (status int, unexpected bool) {
	if err == nil || c.Response().Committed {
		return c.Response().Status, false
	}
	var apiErr *Error
	var httpErr *echo.HTTPError
	switch {
	case errors.As(err, &apiErr):
		return apiErr.Status, false
	case errors.As(err, &httpErr):
		return httpErr.Code, false
	}
	return http.StatusInternalServerError, true
}

// serveMetrics answers a Prometheus scrape.
func (s *Server) serveMetrics(c echo.Context) error { return s.metrics.handler(c) }

// stateCollector reports the registry's state, read at scrape time: the
// view's counts, how far it has replayed the log, and leadership.
type stateCollector struct {
	log        storage.Log
	view       *storage.View
	leadership Leadership
}

var (
	schemasDesc = prometheus.NewDesc(metricPrefix+"schemas",
		"Distinct schema ids held by a version, soft-deleted or not.", nil, nil)
	subjectsDesc = prometheus.NewDesc(metricPrefix+"subjects",
		"Subjects with a version that is not soft-deleted.", nil, nil)
	versionsDesc = prometheus.NewDesc(metricPrefix+"versions",
		"Subject versions that are not soft-deleted.", nil, nil)
	appliedOffsetDesc = prometheus.NewDesc(metricPrefix+"log_applied_offset",
		"Offset of the last log record applied to the view; -1 before any.", nil, nil)
	endOffsetDesc = prometheus.NewDesc(metricPrefix+"log_end_offset",
		"Offset of the last record in the log; -1 when it is empty.", nil, nil)
	replayLagDesc = prometheus.NewDesc(metricPrefix+"log_replay_lag",
		"Log end offset minus the applied offset: how far the view trails the log.", nil, nil)
	leaderDesc = prometheus.NewDesc(metricPrefix+"leader",
		"1 when this instance writes to the log (the leader, or a single instance), else 0.", nil, nil)
	leaderKnownDesc = prometheus.NewDesc(metricPrefix+"leader_known",
		"1 when a leader is known (always for a single instance), else 0.", nil, nil)
)

// Describe implements prometheus.Collector.
func (sc *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{schemasDesc, subjectsDesc, versionsDesc,
		appliedOffsetDesc, endOffsetDesc, replayLagDesc, leaderDesc, leaderKnownDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. When the log's end offset cannot
// be read, the scrape goes without the end offset and the lag.
func (sc *stateCollector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	stats := sc.view.Stats()
	gauge(schemasDesc, float64(stats.Schemas))
	gauge(subjectsDesc, float64(stats.Subjects))
	gauge(versionsDesc, float64(stats.Versions))

	// The applied offset is read before the end, which then cannot be
	// older than it: the lag is never negative.
	applied := sc.view.Applied()
	gauge(appliedOffsetDesc, float64(applied))
	ctx, cancel := context.WithTimeout(context.Background(), endOffsetTimeout)
	defer cancel()
	if end, err := sc.log.EndOffset(ctx); err == nil {
		gauge(endOffsetDesc, float64(end))
		gauge(replayLagDesc, float64(end-applied))
	}

	leader, known := true, true
	if sc.leadership != nil {
		_, leader, known = sc.leadership.Leader()
	}
	gauge(leaderDesc, boolGauge(leader))
	gauge(leaderKnownDesc, boolGauge(known))
}

func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// promErrorLog passes the errors of a scrape to the server's logger.
type promErrorLog struct{ logger *slog.Logger }

func (l promErrorLog) Println(v ...any) { l.logger.Warn("metrics scrape: " + fmt.Sprint(v...)) }
