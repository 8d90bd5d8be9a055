package storage_test

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"testing"

	"github.com/goschemaregistry/registry/bench/schemagen"
	"github.com/goschemaregistry/registry/storage"
)

// These benchmarks measure the start-up path of a registry holding many
// ~800-byte Avro schemas (bench/schemagen): the time and the memory each
// stored schema costs. bench/startup measures the same with the binary.

const benchSchemas = 20_000

var quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// liveHeap returns the bytes of heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkViewApply replays the SCHEMA records of benchSchemas schemas into
// a fresh view. live-B/schema is the heap the view keeps per schema.
func BenchmarkViewApply(b *testing.B) {
	recs, err := schemagen.Records(0, benchSchemas)
	if err != nil {
		b.Fatal(err)
	}
	for i := range recs {
		recs[i].Offset = int64(i)
	}
	var view *storage.View
	before := liveHeap()
	for b.Loop() {
		view = storage.NewView(quietLogger)
		for _, rec := range recs {
			view.Apply(rec)
		}
	}
	after := liveHeap()
	if view.MaxID() != benchSchemas {
		b.Fatalf("view holds ids up to %d, want %d", view.MaxID(), benchSchemas)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchSchemas), "ns/schema")
	b.ReportMetric(float64(int64(after)-int64(before))/benchSchemas, "live-B/schema")
	runtime.KeepAlive(view)
	runtime.KeepAlive(recs) // counted in before, so it must be in after too
}

// BenchmarkStartView opens an embedded log of benchSchemas schemas and
// replays it into a view, as the registry does at start-up. live-B/schema
// is the heap the open log's index and the view keep per schema.
func BenchmarkStartView(b *testing.B) {
	dir := b.TempDir()
	log, err := storage.OpenFileLog(dir, storage.FileLogOptions{})
	if err != nil {
		b.Fatal(err)
	}
	_, err = schemagen.Fill(context.Background(), log, 0, benchSchemas)
	if err := log.Close(); err != nil {
		b.Fatal(err)
	}
	if err != nil {
		b.Fatal(err)
	}
	var live uint64
	for b.Loop() {
		before := liveHeap()
		log, view, stop := startView(b, dir)
		live = liveHeap() - before
		if view.MaxID() != benchSchemas {
			b.Fatalf("view holds ids up to %d, want %d", view.MaxID(), benchSchemas)
		}
		runtime.KeepAlive(log)
		stop()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchSchemas), "ns/schema")
	b.ReportMetric(float64(live)/benchSchemas, "live-B/schema")
}

func startView(b *testing.B, dir string) (*storage.FileLog, *storage.View, func()) {
	log, err := storage.OpenFileLog(dir, storage.FileLogOptions{Logger: quietLogger})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	view, _, err := storage.StartView(ctx, log, quietLogger)
	if err != nil {
		b.Fatal(err)
	}
	return log, view, func() {
		cancel()
		if err := log.Close(); err != nil {
			b.Error(err)
		}
	}
}
