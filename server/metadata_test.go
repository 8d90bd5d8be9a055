package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/goschemaregistry/registry/formats"
	"github.com/goschemaregistry/registry/formats/avro"
	"github.com/goschemaregistry/registry/server"
	"github.com/goschemaregistry/registry/storage"
)

// fixedLeadership reports one leader state for ever.
type fixedLeadership struct {
	url         string
	self, known bool
}

func (l fixedLeadership) Leader() (string, bool, bool) { return l.url, l.self, l.known }

// TestClusterMetadata checks /v1/metadata/id: Confluent's ServerClusterId
// (Kafka cluster id, registry group id) plus the leader in a cluster.
func TestClusterMetadata(t *testing.T) {
	for _, tc := range []struct {
		name       string
		leadership server.Leadership
		want       string
	}{
		{"single instance: no leader fields", nil,
			`{"scope":{"path":[],"clusters":{"kafka-cluster":"kc-1","schema-registry-cluster":"sr-group"}}}`},
		{"follower knows the leader", fixedLeadership{url: "http://a:8081", known: true},
			`{"scope":{"path":[],"clusters":{"kafka-cluster":"kc-1","schema-registry-cluster":"sr-group"}},"leader":"http://a:8081","isLeader":false}`},
		{"leader", fixedLeadership{url: "http://b:8081", self: true, known: true},
			`{"scope":{"path":[],"clusters":{"kafka-cluster":"kc-1","schema-registry-cluster":"sr-group"}},"leader":"http://b:8081","isLeader":true}`},
		{"no leader elected yet", fixedLeadership{},
			`{"scope":{"path":[],"clusters":{"kafka-cluster":"kc-1","schema-registry-cluster":"sr-group"}},"isLeader":false}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := storage.NewMemoryLog()
			view := storage.NewView(nil)
			srv, err := server.New(server.Config{Log: log, View: view, Formats: []formats.Format{avro.New(avro.Limits{})},
				ClusterID: "kc-1", GroupID: "sr-group", Leadership: tc.leadership})
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/metadata/id", nil))
			body, _ := io.ReadAll(rec.Body)
			if rec.Code != http.StatusOK || string(body) != tc.want {
				t.Errorf("GET /v1/metadata/id = %d %s\nwant 200 %s", rec.Code, body, tc.want)
			}
		})
	}
}
