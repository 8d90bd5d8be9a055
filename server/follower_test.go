package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/goschemaregistry/registry/formats"
	"github.com/goschemaregistry/registry/formats/avro"
	"github.com/goschemaregistry/registry/server"
	"github.com/goschemaregistry/registry/storage"
)

// TestFollowerAnswersReRegistrations: as in Confluent, an instance answers
// the registration of a schema the subject already holds from its own view,
// even when it knows no leader, and refuses only new schemas with 50004.
func TestFollowerAnswersReRegistrations(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	shared := storage.NewMemoryLog()
	serve := func(l server.Leadership) (*storage.View, string) {
		view, _, err := storage.StartView(ctx, shared, nil)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := server.New(server.Config{Log: shared, View: view, Formats: []formats.Format{avro.New(avro.Limits{})}, Leadership: l})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		t.Cleanup(ts.Close)
		return view, ts.URL
	}
	_, leaderURL := serve(fixedLeadership{url: "http://leader", self: true, known: true})
	followerView, followerURL := serve(fixedLeadership{})

	register := func(base, subject, schema string) string {
		t.Helper()
		resp, err := http.Post(base+"/subjects/"+subject+"/versions", "application/json",
			strings.NewReader(`{"schema":`+strconv.Quote(schema)+`}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return strconv.Itoa(resp.StatusCode) + " " + string(body)
	}
	if got := register(leaderURL, "orders", `"string"`); got != `200 {"id":1}` {
		t.Fatalf("leader: %s", got)
	}
	if err := followerView.WaitApplied(ctx, 0); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ subject, schema, want string }{
		{"orders", `"string"`, `200 {"id":1}`},
		{"orders", `{"type":"string"}`, `200 {"id":1}`}, // the same schema, written otherwise
		{"orders", `"long"`, `500 {"error_code":50004,"message":"Request failed since leader is unknown"}`},
		{"payments", `"string"`, `500 {"error_code":50004,"message":"Request failed since leader is unknown"}`},
	} {
		if got := register(followerURL, tc.subject, tc.schema); got != tc.want {
			t.Errorf("follower without a leader, %s %s: %s, want %s", tc.subject, tc.schema, got, tc.want)
		}
	}
}
