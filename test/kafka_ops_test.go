package test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
)

// registryState reads everything a client can see of a registry, soft
// deleted items included, as one comparable text: the subjects, every
// version, every schema by id and every config and mode.
func registryState(t *testing.T, r *registryProcess) string {
	t.Helper()
	var b strings.Builder
	get := func(path string) []byte {
		res, err := r.do(context.Background(), "GET", path, "")
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		fmt.Fprintf(&b, "GET %s -> %d %s\n", path, res.Status, res.Body)
		return res.Body
	}
	var subjects []string
	if err := json.Unmarshal(get("/subjects?deleted=true"), &subjects); err != nil {
		t.Fatal(err)
	}
	ids := map[int]bool{}
	for _, s := range subjects {
		subject := "/subjects/" + url.PathEscape(s)
		var versions []int
		if err := json.Unmarshal(get(subject+"/versions?deleted=true"), &versions); err != nil {
			t.Fatal(err)
		}
		for _, v := range versions {
			var ver struct{ ID int }
			if err := json.Unmarshal(get(fmt.Sprintf("%s/versions/%d?deleted=true", subject, v)), &ver); err != nil {
				t.Fatal(err)
			}
			ids[ver.ID] = true
		}
		get("/config/" + url.PathEscape(s))
		get("/mode/" + url.PathEscape(s))
	}
	for id := range len(ids) + 2 {
		get(fmt.Sprintf("/schemas/ids/%d", id+1))
	}
	get("/config")
	get("/mode")
	return b.String()
}

// changeRegistry registers, updates and deletes enough to leave records of
// every kind, some of them superseded, in the log.
func changeRegistry(t *testing.T, r *registryProcess, prefix string) {
	t.Helper()
	for i := range 6 {
		subject := fmt.Sprintf("/subjects/%s-%d", prefix, i%3)
		schema := fmt.Sprintf(`{"type":"record","name":"%s%d","fields":[{"name":"a","type":"int"}%s]}`,
			strings.ToUpper(prefix[:1]), i%3, strings.Repeat(`,{"name":"b`+fmt.Sprint(i)+`","type":"string","default":""}`, i/3))
		r.mustDo("POST", subject+"/versions", schemaRequestBody(schema), 200, nil)
	}
	r.mustDo("PUT", "/config/"+prefix+"-0", `{"compatibility":"FULL"}`, 200, nil)
	r.mustDo("PUT", "/config/"+prefix+"-0", `{"compatibility":"NONE"}`, 200, nil)
	r.mustDo("PUT", "/config/"+prefix+"-1", `{"compatibility":"FORWARD"}`, 200, nil)
	r.mustDo("DELETE", "/config/"+prefix+"-1", "", 200, nil)
	r.mustDo("PUT", "/mode/"+prefix+"-2", `{"mode":"READONLY"}`, 200, nil)
	r.mustDo("DELETE", "/subjects/"+prefix+"-1/versions/1", "", 200, nil)
	r.mustDo("DELETE", "/subjects/"+prefix+"-1/versions/1?permanent=true", "", 200, nil)
	r.mustDo("DELETE", "/subjects/"+prefix+"-0/versions/2", "", 200, nil)
}

// TestKafkaCompactedTopicRestart compacts the topic under a running
// registry and starts a fresh one on it: the compacted log rebuilds the
// same state, superseded configs and permanently deleted versions included.
func TestKafkaCompactedTopicRestart(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	brokers := "--kafka-brokers=" + strings.Join(cluster.ListenAddrs(), ",")

	r := startRegistryIn(t, t.TempDir(), brokers)
	waitForLeader(t, r)
	changeRegistry(t, r, "c")
	before := registryState(t, r)
	r.Stop()

	recordsBefore := countTopicRecords(t, cluster.ListenAddrs())
	cluster.Compact()
	recordsAfter := countTopicRecords(t, cluster.ListenAddrs())
	if recordsAfter >= recordsBefore {
		t.Fatalf("compaction kept %d of %d records: the test needs superseded records", recordsAfter, recordsBefore)
	}

	r = startRegistryIn(t, t.TempDir(), brokers)
	waitForLeader(t, r)
	if after := registryState(t, r); after != before {
		t.Errorf("state rebuilt from the compacted topic differs.\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// countTopicRecords reads the schemas topic from its start to its end.
func countTopicRecords(t *testing.T, brokers []string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ends, err := kadm.NewClient(admin).ListEndOffsets(ctx, "_schemas")
	if err != nil {
		t.Fatal(err)
	}
	end, _ := ends.Lookup("_schemas", 0)
	consumer, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics("_schemas"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer consumer.Close()
	count := 0
	for {
		fetches := consumer.PollFetches(ctx)
		if err := fetches.Err0(); err != nil {
			t.Fatalf("reading _schemas: %v", err)
		}
		done := false
		fetches.EachRecord(func(rec *kgo.Record) {
			count++
			done = done || rec.Offset >= end.Offset-1
		})
		if done {
			return count
		}
	}
}

// freePort returns a loopback port nothing listens on.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestKafkaBrokerRestart stops the only broker under a running registry
// and starts it again on its data directory: reads are served throughout,
// writes resume, and nothing written before or after is lost.
func TestKafkaBrokerRestart(t *testing.T) {
	dataDir, port := t.TempDir(), freePort(t)
	startBroker := func() *kfake.Cluster {
		c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(port), kfake.DataDir(dataDir), kfake.SyncWrites())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	cluster := startBroker()
	brokers := "--kafka-brokers=" + strings.Join(cluster.ListenAddrs(), ",")
	r := startRegistryIn(t, t.TempDir(), brokers)
	waitForLeader(t, r)
	changeRegistry(t, r, "b")
	before := registryState(t, r)

	cluster.Close()
	if during := registryState(t, r); during != before {
		t.Errorf("reads changed while the broker was down.\nbefore:\n%s\nduring:\n%s", before, during)
	}
	cluster = startBroker()
	defer cluster.Close()

	// The registry reconnects by itself; the first writes may fail while
	// it does, but none may be acknowledged and then lost.
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := r.do(context.Background(), "POST", "/subjects/after-restart/versions", schemaRequestBody(`"string"`))
		if err == nil && res.Status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no write accepted within 30 s of the broker's restart: %v %s", err, res.Body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	changeRegistry(t, r, "a")
	want := registryState(t, r)
	for _, line := range strings.Split(before, "\n") {
		if strings.Contains(line, "/b-") && !strings.Contains(want, line) {
			t.Errorf("written before the broker's restart, now different or gone: %s", line)
		}
	}
	r.Stop()

	// A fresh instance reads the same state from the restarted broker.
	fresh := startRegistryIn(t, t.TempDir(), brokers)
	waitForLeader(t, fresh)
	if got := registryState(t, fresh); got != want {
		t.Errorf("a fresh instance rebuilt another state.\nwant:\n%s\ngot:\n%s", want, got)
	}
}

// TestStandaloneBrokerProcess runs the registry the way a user would: a
// Kafka broker in a process of its own, the registry pointed at it, and a
// client registering and reading schemas, across a restart of the registry.
func TestStandaloneBrokerProcess(t *testing.T) {
	brokerBinary := filepath.Join(t.TempDir(), "kfakebroker")
	build := exec.Command("go", "build", "-o", brokerBinary, "github.com/goschemaregistry/registry/test/kfakebroker")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the broker: %v\n%s", err, out)
	}
	broker := exec.Command(brokerBinary)
	broker.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := broker.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := broker.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = broker.Process.Signal(syscall.SIGTERM)
		_ = broker.Wait()
	})
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		t.Fatalf("the broker printed no address: %v", lines.Err())
	}
	brokers := "--kafka-brokers=" + strings.TrimSpace(lines.Text())

	r := startRegistryIn(t, t.TempDir(), brokers)
	waitForLeader(t, r)
	client, err := sr.NewClient(sr.URLs(r.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	registered, err := client.CreateSchema(ctx, "standalone-value", sr.Schema{
		Type:   sr.TypeProtobuf,
		Schema: `syntax = "proto3"; message Order { string id = 1; int64 cents = 2; }`,
	})
	if err != nil {
		t.Fatal(err)
	}
	r.Stop()

	r = startRegistryIn(t, t.TempDir(), brokers)
	client, err = sr.NewClient(sr.URLs(r.URL))
	if err != nil {
		t.Fatal(err)
	}
	got, err := client.SchemaByID(ctx, registered.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Type != sr.TypeProtobuf || !strings.Contains(got.Schema, "message Order") {
		t.Errorf("schema %d after the registry's restart: %+v", registered.ID, got)
	}
	latest, err := client.SchemaByVersion(ctx, "standalone-value", -1)
	if err != nil || latest.ID != registered.ID || latest.Version != 1 {
		t.Errorf("latest version after restart: %+v, %v; registered %+v", latest, err, registered)
	}
}
