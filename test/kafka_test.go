package test

import (
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// TestKafkaBackend runs the registry on a Kafka topic of an in-process
// kfake cluster, speaking the real Kafka protocol: registrations survive a
// restart of the registry, which rebuilds its state from the topic alone.
func TestKafkaBackend(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	brokers := "--kafka-brokers=" + strings.Join(cluster.ListenAddrs(), ",")

	r := startRegistryIn(t, t.TempDir(), brokers)
	var reg struct{ ID int }
	r.mustDo("POST", "/subjects/k-value/versions", schemaRequestBody(`{"type":"record","name":"K","fields":[{"name":"a","type":"int"}]}`), 200, &reg)
	r.mustDo("PUT", "/config/k-value", `{"compatibility":"FULL"}`, 200, nil)
	r.Stop()

	// A new instance with an empty data directory: the topic is all it has.
	r = startRegistryIn(t, t.TempDir(), brokers)
	var got struct {
		ID     int    `json:"id"`
		Schema string `json:"schema"`
	}
	r.mustDo("GET", "/subjects/k-value/versions/latest", "", 200, &got)
	if got.ID != reg.ID || !strings.Contains(got.Schema, `"name":"K"`) {
		t.Errorf("after restart: %+v, registered id %d", got, reg.ID)
	}
	var cfg struct{ CompatibilityLevel string }
	r.mustDo("GET", "/config/k-value", "", 200, &cfg)
	if cfg.CompatibilityLevel != "FULL" {
		t.Errorf("config after restart: %+v", cfg)
	}
	var next struct{ ID int }
	r.mustDo("POST", "/subjects/other/versions", schemaRequestBody(`"string"`), 200, &next)
	if next.ID <= reg.ID {
		t.Errorf("new id %d not above %d", next.ID, reg.ID)
	}
}
