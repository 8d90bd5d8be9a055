package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/goschemaregistry/registry/bench/schemagen"
	"github.com/goschemaregistry/registry/formats"
	"github.com/goschemaregistry/registry/formats/avro"
	"github.com/goschemaregistry/registry/server"
	"github.com/goschemaregistry/registry/storage"
)

// These benchmarks serve requests straight through the handler, without a
// network, so that a regression of the API's hot paths shows in go test
// -bench. BenchmarkConstantBody is their reference: an echo handler that
// answers a constant body of the size GET /schemas/ids/{id} answers.
// bench/load.sh measures the same paths over loopback.

// benchServer returns a server over an embedded log holding schemas
// 0..stored-1 of bench/schemagen.
func benchServer(b *testing.B, stored int) *server.Server {
	b.Helper()
	log, err := storage.OpenFileLog(b.TempDir(), storage.FileLogOptions{})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(func() {
		cancel()
		log.Close()
	})
	if _, err := schemagen.Fill(ctx, log, 0, stored); err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	view, _, err := storage.StartView(ctx, log, quiet)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(server.Config{Log: log, View: view, Logger: quiet,
		Formats: []formats.Format{avro.New(avro.Limits{})}})
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

// discardWriter is a ResponseWriter that keeps only the status, so that
// recording the answer costs the benchmark nothing.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }

func (w *discardWriter) reset() {
	clear(w.header)
	w.status = http.StatusOK
}

// serve sends req, with body when not nil, and fails unless the answer has
// status 200.
func serve(b *testing.B, h http.Handler, w *discardWriter, req *http.Request, body []byte) {
	w.reset()
	if body != nil {
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	h.ServeHTTP(w, req)
	if w.status != http.StatusOK {
		b.Fatalf("%s %s: status %d", req.Method, req.URL.Path, w.status)
	}
}

// schemaRequests returns a request looking up (path suffix "") or
// registering again (suffix "/versions") each of schemas 0..n-1, with its
// body.
func schemaRequests(b *testing.B, n int, suffix string) ([]*http.Request, [][]byte) {
	reqs := make([]*http.Request, n)
	bodies := make([][]byte, n)
	for i := range n {
		req, err := http.NewRequest(http.MethodPost, "/subjects/"+schemagen.Subject(i)+suffix, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		reqs[i] = req
		bodies[i] = []byte(schemagen.Body(schemagen.Schema(i)))
	}
	return reqs, bodies
}

// byIDRequest is the request of the read benchmarks: schema 123, whose
// answer is about 950 bytes.
func byIDRequest(b *testing.B) *http.Request {
	req, err := http.NewRequest(http.MethodGet, "/schemas/ids/123", nil)
	if err != nil {
		b.Fatal(err)
	}
	return req
}

func BenchmarkConstantBody(b *testing.B) {
	srv := benchServer(b, 2000)
	w := &discardWriter{header: http.Header{}}
	rec := &bytes.Buffer{}
	recorder := &recordingWriter{discardWriter: w, body: rec}
	srv.ServeHTTP(recorder, byIDRequest(b))
	body := bytes.Clone(rec.Bytes())

	e := echo.New()
	e.GET("/schemas/ids/:id", func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/vnd.schemaregistry.v1+json", body)
	})
	req := byIDRequest(b)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		serve(b, e, w, req, nil)
	}
}

// recordingWriter is a discardWriter that keeps the body.
type recordingWriter struct {
	*discardWriter
	body *bytes.Buffer
}

func (w *recordingWriter) Write(p []byte) (int, error) { return w.body.Write(p) }

func BenchmarkSchemaByID(b *testing.B) {
	srv := benchServer(b, 2000)
	w := &discardWriter{header: http.Header{}}
	req := byIDRequest(b)
	for b.Loop() {
		serve(b, srv, w, req, nil)
	}
}

// BenchmarkLookup and BenchmarkReregister cycle over every stored schema;
// a figure that falls as the store grows points at a cost per stored
// schema.
func BenchmarkLookup(b *testing.B) { benchmarkCycle(b, "") }

func BenchmarkReregister(b *testing.B) { benchmarkCycle(b, "/versions") }

func benchmarkCycle(b *testing.B, suffix string) {
	for _, stored := range []int{500, 20_000} {
		b.Run("schemas="+strconv.Itoa(stored), func(b *testing.B) {
			srv := benchServer(b, stored)
			reqs, bodies := schemaRequests(b, stored, suffix)
			w := &discardWriter{header: http.Header{}}
			// One pass first, as a long-running registry has seen
			// every schema its producers use.
			for i := range reqs {
				serve(b, srv, w, reqs[i], bodies[i])
			}
			i := 0
			for b.Loop() {
				serve(b, srv, w, reqs[i], bodies[i])
				i = (i + 1) % stored
			}
		})
	}
}

// BenchmarkRegisterNew registers a new schema with every operation, from
// 16 concurrent clients, to a log that fsyncs, holding 20,000 schemas to
// start with. The clients share the given number of subjects: writes to one
// subject are serialized, writes to different subjects share fsyncs. Each
// subject grows by b.N/subjects versions during the run, so a cost per
// version already in the subject shows as a figure that falls as
// -benchtime grows.
func BenchmarkRegisterNew(b *testing.B) {
	for _, subjects := range []int{16, 4, 1} {
		b.Run("subjects="+strconv.Itoa(subjects), func(b *testing.B) {
			srv := benchServer(b, 20_000)
			var clients atomic.Int64
			// 16 goroutines in all, whatever GOMAXPROCS is.
			b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				client := clients.Add(1)
				path := fmt.Sprintf("/subjects/bench.fresh-%d-value/versions", client%int64(subjects))
				req, err := http.NewRequest(http.MethodPost, path, nil)
				if err != nil {
					b.Error(err)
					return
				}
				req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
				w := &discardWriter{header: http.Header{}}
				for n := 0; pb.Next(); n++ {
					schema := schemagen.Record("com.example.bench.fresh",
						[]string{schemagen.OptionalField(fmt.Sprintf("n%d_%d", client, n))})
					w.reset()
					req.Body = io.NopCloser(bytes.NewReader([]byte(schemagen.Body(schema))))
					srv.ServeHTTP(w, req)
					if w.status != http.StatusOK {
						b.Errorf("registration: status %d", w.status)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "registrations/s")
		})
	}
}

// BenchmarkCompatibilityFullTransitive checks a 500-field record against
// the 50 versions of a FULL_TRANSITIVE subject through the API.
func BenchmarkCompatibilityFullTransitive(b *testing.B) {
	const fields, versions = 500, 50
	srv := benchServer(b, 0)
	w := &discardWriter{header: http.Header{}}
	send := func(method, path, body string) {
		req, err := http.NewRequest(method, path, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		serve(b, srv, w, req, []byte(body))
	}
	send(http.MethodPut, "/config/wide", `{"compatibility":"FULL_TRANSITIVE"}`)
	for v := range versions {
		send(http.MethodPost, "/subjects/wide/versions",
			schemagen.Body(schemagen.WideRecord(fields-versions+v, fields-versions)))
	}
	req, err := http.NewRequest(http.MethodPost, "/compatibility/subjects/wide/versions", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	body := []byte(schemagen.Body(schemagen.WideRecord(fields, fields-versions)))
	for b.Loop() {
		serve(b, srv, w, req, body)
	}
}
