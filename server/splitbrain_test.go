package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goschemaregistry/registry/formats"
	"github.com/goschemaregistry/registry/formats/avro"
	"github.com/goschemaregistry/registry/server"
	"github.com/goschemaregistry/registry/storage"
)

// laggingLog is a shared log whose reader starts only once released: the
// view of an instance that has not yet read what another leader wrote.
type laggingLog struct {
	*storage.MemoryLog
	released chan struct{}
}

func (l laggingLog) Follow(ctx context.Context, from int64, apply func(storage.Record) error) error {
	select {
	case <-l.released:
	case <-ctx.Done():
		return ctx.Err()
	}
	return l.MemoryLog.Follow(ctx, from, apply)
}

// TestDeposedLeaderCannotCorruptTheLog runs two instances that both
// believe they lead, on one log. The deposed one, which has not read the
// other's write, gives the same id to another schema: its record is refused
// by every view alike, and its client gets an error, not a success.
func TestDeposedLeaderCannotCorruptTheLog(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	shared := storage.NewMemoryLog()
	lagging := laggingLog{shared, make(chan struct{})}
	leader := fixedLeadership{url: "http://self", self: true, known: true}
	start := func(log storage.Log) (*storage.View, *httptest.Server) {
		view, _, err := storage.StartView(ctx, log, nil)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := server.New(server.Config{Log: log, View: view, Formats: []formats.Format{avro.New(avro.Limits{})},
			Leadership: leader, WriteTimeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		t.Cleanup(ts.Close)
		return view, ts
	}
	// The lagging instance starts first: the log is still empty.
	deposedView, deposed := start(lagging)
	currentView, current := start(shared)

	register := func(ts *httptest.Server, subject, schema string) (int, string) {
		resp, err := http.Post(ts.URL+"/subjects/"+subject+"/versions", "application/json",
			strings.NewReader(`{"schema":`+strconv.Quote(schema)+`}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(body)
	}
	if status, body := register(current, "orders", `"string"`); status != 200 || body != `{"id":1}` {
		t.Fatalf("the current leader's registration: %d %s", status, body)
	}
	// The deposed leader's write only completes once its reader catches
	// up, so release the reader while the request waits.
	time.AfterFunc(100*time.Millisecond, func() { close(lagging.released) })
	status, body := register(deposed, "payments", `"long"`)
	if status == 200 {
		t.Fatalf("the deposed leader acknowledged a record the log refused: %s", body)
	}
	if !strings.Contains(body, `"error_code":50001`) {
		t.Errorf("deposed leader's answer: %d %s, want Confluent's store error 50001", status, body)
	}

	for name, view := range map[string]*storage.View{"current": currentView, "deposed": deposedView} {
		if err := view.WaitApplied(ctx, 1); err != nil {
			t.Fatal(err)
		}
		content, ok := view.SchemaByID(1)
		if !ok || content.Schema != `"string"` {
			t.Errorf("%s view: id 1 holds %+v, want the first registration of \"string\"", name, content)
		}
		if _, ok := view.LatestVersion("payments"); ok {
			t.Errorf("%s view holds the refused registration of payments", name)
		}
	}
}
