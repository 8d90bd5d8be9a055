package test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// confluentTopic is a _schemas topic as a Confluent Schema Registry left
// it, record for record in the bytes Confluent writes: NOOP markers, a
// global config with the pre-6.2 null subject, subject config and mode,
// soft and hard deletes, a Protobuf schema with a reference.
var confluentTopic = []struct{ key, value string }{
	{`{"keytype":"NOOP","magic":0}`, ""},
	{`{"keytype":"CONFIG","subject":null,"magic":0}`, `{"compatibilityLevel":"FULL"}`},
	{`{"keytype":"SCHEMA","subject":"orders-value","version":1,"magic":1}`,
		`{"subject":"orders-value","version":1,"id":1,"schema":"{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}","deleted":false}`},
	{`{"keytype":"SCHEMA","subject":"orders-value","version":2,"magic":1}`,
		`{"subject":"orders-value","version":2,"id":2,"schema":"{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"cents\",\"type\":\"long\",\"default\":0}]}","deleted":false}`},
	{`{"keytype":"SCHEMA","subject":"money.proto","version":1,"magic":1}`,
		`{"subject":"money.proto","version":1,"id":3,"schemaType":"PROTOBUF","schema":"syntax = \"proto3\";\n\nmessage Money {\n  int64 cents = 1;\n}\n","deleted":false}`},
	{`{"keytype":"SCHEMA","subject":"payments-value","version":1,"magic":1}`,
		`{"subject":"payments-value","version":1,"id":4,"schemaType":"PROTOBUF","references":[{"name":"money.proto","subject":"money.proto","version":1}],"schema":"syntax = \"proto3\";\n\nimport \"money.proto\";\n\nmessage Payment {\n  Money amount = 1;\n}\n","deleted":false}`},
	{`{"keytype":"CONFIG","subject":"payments-value","magic":0}`, `{"compatibilityLevel":"NONE"}`},
	{`{"keytype":"MODE","subject":"orders-value","magic":0}`, `{"mode":"READWRITE"}`},
	{`{"keytype":"SCHEMA","subject":"gone-value","version":1,"magic":1}`,
		`{"subject":"gone-value","version":1,"id":5,"schema":"\"string\"","deleted":false}`},
	{`{"keytype":"DELETE_SUBJECT","subject":"gone-value","magic":0}`, `{"subject":"gone-value","version":1}`},
	{`{"keytype":"SCHEMA","subject":"gone-value","version":1,"magic":1}`,
		`{"subject":"gone-value","version":1,"id":5,"schema":"\"string\"","deleted":true}`},
	{`{"keytype":"SCHEMA","subject":"purged-value","version":1,"magic":1}`,
		`{"subject":"purged-value","version":1,"id":6,"schema":"\"bytes\"","deleted":true}`},
	{`{"keytype":"SCHEMA","subject":"purged-value","version":1,"magic":1}`, ""},
	{`{"keytype":"NOOP","magic":0}`, ""},
}

// TestTakeOverConfluentTopic starts the registry on a _schemas topic a
// Confluent registry wrote: every record is read as Confluent reads it, the
// next id follows the highest in the topic, and what the registry writes is
// in Confluent's own bytes, so that Confluent could take the topic back.
func TestTakeOverConfluentTopic(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "_schemas"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	client, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...), kgo.DefaultProduceTopic("_schemas"))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	compact := "compact"
	if _, err := kadm.NewClient(client).AlterTopicConfigs(ctx, []kadm.AlterConfig{{Name: "cleanup.policy", Value: &compact}}, "_schemas"); err != nil {
		t.Fatal(err)
	}
	for _, rec := range confluentTopic {
		r := &kgo.Record{Key: []byte(rec.key)}
		if rec.value != "" {
			r.Value = []byte(rec.value)
		}
		if err := client.ProduceSync(ctx, r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}

	r := startRegistryIn(t, t.TempDir(), "--kafka-brokers="+strings.Join(cluster.ListenAddrs(), ","))
	waitForLeader(t, r)
	for _, tc := range []struct{ path, want string }{
		{"/config", `{"compatibilityLevel":"FULL"}`},
		{"/config/payments-value", `{"compatibilityLevel":"NONE"}`},
		{"/mode/orders-value", `{"mode":"READWRITE"}`},
		{"/subjects/orders-value/versions", `[1,2]`},
		{"/subjects/gone-value/versions?deleted=true", `[1]`},
		{"/schemas/ids/4/versions", `[{"subject":"payments-value","version":1}]`},
		{"/subjects/payments-value/versions/1/referencedby", `[]`},
		{"/subjects/money.proto/versions/1/referencedby", `[4]`},
		{"/schemas/ids/3", `{"schemaType":"PROTOBUF","schema":"syntax = \"proto3\";\n\nmessage Money {\n  int64 cents = 1;\n}\n"}`},
	} {
		if got := string(r.mustDo("GET", tc.path, "", 200, nil).Body); got != tc.want {
			t.Errorf("GET %s = %s, want %s", tc.path, got, tc.want)
		}
	}
	for _, path := range []string{"/subjects/gone-value/versions", "/subjects/purged-value/versions?deleted=true"} {
		r.mustDo("GET", path, "", 404, nil)
	}

	// A new schema gets the id after the highest in the topic, the
	// purged one included, and is written as Confluent writes it.
	var reg struct{ ID int }
	r.mustDo("POST", "/subjects/new-value/versions", schemaRequestBody(`"int"`), 200, &reg)
	if reg.ID != 7 {
		t.Errorf("new schema got id %d, want 7 (the topic's highest, 6, plus one)", reg.ID)
	}
	r.mustDo("PUT", "/config/new-value", `{"compatibility":"FORWARD"}`, 200, nil)
	written := readTopicFrom(t, client, len(confluentTopic))
	for _, want := range []string{
		`{"keytype":"SCHEMA","subject":"new-value","version":1,"magic":1} {"subject":"new-value","version":1,"id":7,"schema":"\"int\"","deleted":false}`,
		`{"keytype":"CONFIG","subject":"new-value","magic":0} {"subject":"new-value","compatibilityLevel":"FORWARD"}`,
	} {
		if !strings.Contains(written, want+"\n") {
			t.Errorf("the registry's records lack\n%s\nthey are:\n%s", want, written)
		}
	}
}

// readTopicFrom returns the records of _schemas from offset on, until the
// topic's end, one "key value" line each.
func readTopicFrom(t *testing.T, admin *kgo.Client, offset int) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ends, err := kadm.NewClient(admin).ListEndOffsets(ctx, "_schemas")
	if err != nil {
		t.Fatal(err)
	}
	end, _ := ends.Lookup("_schemas", 0)
	consumer, err := kgo.NewClient(kgo.SeedBrokers(admin.OptValue(kgo.SeedBrokers).([]string)...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{"_schemas": {0: kgo.NewOffset().At(int64(offset))}}))
	if err != nil {
		t.Fatal(err)
	}
	defer consumer.Close()
	var b strings.Builder
	for next := int64(offset); next < end.Offset; {
		fetches := consumer.PollFetches(ctx)
		if err := fetches.Err0(); err != nil {
			t.Fatalf("reading _schemas: %v", err)
		}
		fetches.EachRecord(func(rec *kgo.Record) {
			b.WriteString(string(rec.Key) + " " + string(rec.Value) + "\n")
			next = rec.Offset + 1
		})
	}
	return b.String()
}
