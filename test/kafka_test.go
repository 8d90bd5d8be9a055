package test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// TestKafkaBackend runs the registry on a Kafka topic of an in-process
// kfake cluster, speaking the real Kafka protocol: registrations survive a
// restart of the registry, which rebuilds its state from the topic alone.
func TestKafkaBackend(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.ClusterID("e2e-kafka"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	brokers := "--kafka-brokers=" + strings.Join(cluster.ListenAddrs(), ",")

	r := startRegistryIn(t, t.TempDir(), brokers)
	waitForLeader(t, r)
	metadata := r.mustDo("GET", "/v1/metadata/id", "", 200, nil)
	if want := `{"scope":{"path":[],"clusters":{"kafka-cluster":"e2e-kafka","schema-registry-cluster":"schema-registry"}},"leader":"http://127.0.0.1:`; !strings.HasPrefix(string(metadata.Body), want) ||
		!strings.HasSuffix(string(metadata.Body), `"isLeader":true}`) {
		t.Errorf("GET /v1/metadata/id = %s, want the Kafka cluster id and this instance as leader", metadata.Body)
	}
	var reg struct{ ID int }
	r.mustDo("POST", "/subjects/k-value/versions", schemaRequestBody(`{"type":"record","name":"K","fields":[{"name":"a","type":"int"}]}`), 200, &reg)
	r.mustDo("PUT", "/config/k-value", `{"compatibility":"FULL"}`, 200, nil)
	r.Stop()

	// A new instance with an empty data directory: the topic is all it has.
	r = startRegistryIn(t, t.TempDir(), brokers)
	waitForLeader(t, r)
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

// waitForLeader waits until the instance knows a leader: until then writes
// are refused with 50004, as in Confluent.
func waitForLeader(t *testing.T, r *registryProcess) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		res, err := r.do(context.Background(), "PUT", "/config/leader-probe", `{"compatibility":"NONE"}`)
		if err == nil && res.Status == 200 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no leader after 15 s: %v %s", err, res.Body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestKafkaCluster runs three registries on one kfake cluster: they elect
// one leader, followers forward writes to it, every instance answers reads
// alike, and when the leader stops another takes over without losing any
// acknowledged registration.
func TestKafkaCluster(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	brokers := "--kafka-brokers=" + strings.Join(cluster.ListenAddrs(), ",")
	instances := make([]*registryProcess, 3)
	for i := range instances {
		instances[i] = startRegistryIn(t, t.TempDir(), brokers)
	}
	for _, r := range instances {
		waitForLeader(t, r)
	}

	// Concurrent registrations through every instance.
	type registration struct {
		subject string
		schema  int // the index in the record name R<i>
		id      int
	}
	var (
		mu    sync.Mutex
		acked []registration
		wg    sync.WaitGroup
	)
	register := func(r *registryProcess, n int) {
		defer wg.Done()
		for i := range n {
			subject := fmt.Sprintf("%s-%d", strings.TrimPrefix(r.URL, "http://"), i)
			schema := fmt.Sprintf(`{"type":"record","name":"R%d","fields":[{"name":"f","type":"string"}]}`, i)
			res, err := r.do(context.Background(), "POST", "/subjects/"+url.PathEscape(subject)+"/versions", schemaRequestBody(schema))
			if err != nil || res.Status != 200 {
				continue // a write during the leader change may fail; it was not acknowledged
			}
			var body struct{ ID int }
			if json.Unmarshal(res.Body, &body) == nil {
				mu.Lock()
				acked = append(acked, registration{subject, i, body.ID})
				mu.Unlock()
			}
		}
	}
	for _, r := range instances {
		wg.Add(1)
		go register(r, 10)
	}
	wg.Wait()
	if len(acked) != 30 {
		t.Fatalf("%d of 30 registrations acknowledged", len(acked))
	}
	checkEveryInstance := func(live []*registryProcess) {
		t.Helper()
		for _, reg := range acked {
			var first string
			for _, r := range live {
				res := r.mustDo("GET", "/subjects/"+url.PathEscape(reg.subject)+"/versions/1", "", 200, nil)
				if first == "" {
					first = string(res.Body)
				} else if string(res.Body) != first {
					t.Errorf("%s answers %s, another instance %s", r.URL, res.Body, first)
				}
				if !strings.Contains(string(res.Body), fmt.Sprintf(`"id":%d,`, reg.id)) {
					t.Errorf("%s: %s lost its id %d: %s", r.URL, reg.subject, reg.id, res.Body)
				}
			}
		}
	}
	checkEveryInstance(instances)

	// Stop the leader: all instances are eligible, so it has the lowest URL.
	slices.SortFunc(instances, func(a, b *registryProcess) int { return strings.Compare(a.URL, b.URL) })
	instances[0].Stop()
	survivors := instances[1:]
	for _, r := range survivors {
		waitForLeader(t, r)
	}
	wg.Add(2)
	go register(survivors[0], 5)
	go register(survivors[1], 5)
	wg.Wait()
	if len(acked) != 40 {
		t.Fatalf("%d of 40 registrations acknowledged after the failover", len(acked))
	}
	checkEveryInstance(survivors)
	// The same schema has one id whichever instance registered it, and
	// different schemas never share one.
	idOf, schemaOf := map[int]int{}, map[int]int{}
	for _, reg := range acked {
		if id, seen := idOf[reg.schema]; seen && id != reg.id {
			t.Errorf("schema R%d has ids %d and %d", reg.schema, id, reg.id)
		}
		if schema, seen := schemaOf[reg.id]; seen && schema != reg.schema {
			t.Errorf("id %d names R%d and R%d", reg.id, schema, reg.schema)
		}
		idOf[reg.schema], schemaOf[reg.id] = reg.id, reg.schema
	}
}
