package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// startKafka runs an in-process Kafka cluster of one broker on loopback.
func startKafka(t *testing.T) []string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

func kafkaAdmin(t *testing.T, brokers []string) *kadm.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return kadm.NewClient(cl)
}

func openTestKafkaLog(t *testing.T, brokers []string, topic string) *KafkaLog {
	t.Helper()
	l, err := OpenKafkaLog(context.Background(), KafkaLogOptions{
		Brokers: brokers,
		Topic:   topic,
		Timeout: 10 * time.Second,
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatalf("OpenKafkaLog: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// followUntil follows l from from until it has applied offset end.
func followUntil(t *testing.T, l Log, from, end int64) []Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got []Record
	err := l.Follow(ctx, from, func(r Record) error {
		got = append(got, r)
		if r.Offset >= end {
			return errFollowCaughtUp
		}
		return nil
	})
	if !errors.Is(err, errFollowCaughtUp) {
		t.Fatalf("Follow: %v after %s", err, formatLogRecords(got))
	}
	return got
}

func TestKafkaLogRoundTrip(t *testing.T) {
	brokers := startKafka(t)
	l := openTestKafkaLog(t, brokers, "")
	ctx := context.Background()

	topics, err := kafkaAdmin(t, brokers).ListTopics(ctx, DefaultKafkaTopic)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(topics[DefaultKafkaTopic].Partitions); n != 1 {
		t.Fatalf("created topic has %d partitions", n)
	}
	configs, err := kafkaAdmin(t, brokers).DescribeTopicConfigs(ctx, DefaultKafkaTopic)
	if err != nil {
		t.Fatal(err)
	}
	policy := ""
	for _, c := range configs[0].Configs {
		if c.Key == "cleanup.policy" && c.Value != nil {
			policy = *c.Value
		}
	}
	if policy != "compact" {
		t.Fatalf("created topic has cleanup.policy %q", policy)
	}

	if end, err := l.EndOffset(ctx); err != nil || end != -1 {
		t.Fatalf("empty log: EndOffset = %d, %v", end, err)
	}
	first := []Record{logRec("a", "1"), logTombstone("b"), {Key: []byte("c"), Value: []byte{}}}
	if off := mustAppendKafka(t, l, first...); off != 2 {
		t.Fatalf("first append ends at %d", off)
	}
	if off := mustAppendKafka(t, l, logRec("a", "2")); off != 3 {
		t.Fatalf("second append ends at %d", off)
	}
	barrier, err := l.Barrier(ctx)
	if err != nil || barrier != 4 {
		t.Fatalf("Barrier = %d, %v", barrier, err)
	}
	if end, err := l.EndOffset(ctx); err != nil || end != 4 {
		t.Fatalf("EndOffset = %d, %v", end, err)
	}
	noop := Record{Key: []byte(`{"keytype":"NOOP","magic":0}`)}
	want := numbered(0, append(first, logRec("a", "2"), noop)...)
	checkLogRecords(t, followUntil(t, l, 0, 4), want)
	checkLogRecords(t, followUntil(t, l, 3, 4), want[3:])
	if got := followUntil(t, l, 0, 4); got[1].Value != nil || got[2].Value == nil {
		t.Fatalf("tombstone and empty value not told apart: %s", formatLogRecords(got))
	}

	// Reopening checks the existing topic and sees the same records.
	again := openTestKafkaLog(t, brokers, "")
	checkLogRecords(t, followUntil(t, again, 0, 4), want)

	// Following waits for records appended later.
	followed := make(chan []Record, 1)
	go func() { followed <- followUntil(t, again, 5, 5) }()
	time.Sleep(50 * time.Millisecond)
	if off := mustAppendKafka(t, l, logRec("late", "x")); off != 5 {
		t.Fatalf("late append ends at %d", off)
	}
	checkLogRecords(t, <-followed, numbered(5, logRec("late", "x")))

	// A follow ends with ctx's error, or with ErrClosed once closed.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.Follow(cancelled, 0, func(Record) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("follow with a cancelled context: %v", err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- again.Follow(ctx, 0, func(Record) error { return nil }) }()
	time.Sleep(50 * time.Millisecond)
	if err := again.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-stopped; !errors.Is(err, ErrClosed) {
		t.Errorf("follow across Close: %v", err)
	}
	if _, err := again.Append(ctx, logRec("a", "3")); !errors.Is(err, ErrClosed) {
		t.Errorf("append after Close: %v", err)
	}
	if _, err := again.EndOffset(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("EndOffset after Close: %v", err)
	}
	if err := again.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close: %v", err)
	}
}

func TestKafkaLogRefusesUnfitTopic(t *testing.T) {
	brokers := startKafka(t)
	admin := kafkaAdmin(t, brokers)
	compact, deletePolicy := "compact", "delete"
	for _, tc := range []struct {
		topic      string
		partitions int32
		configs    map[string]*string
		wantErr    string
	}{
		{"three-partitions", 3, map[string]*string{"cleanup.policy": &compact}, "should have only 1 partition but has 3"},
		{"delete-policy", 1, map[string]*string{"cleanup.policy": &deletePolicy}, "expected cleanup.policy to be 'compact' (otherwise Kafka deletes schemas after the retention time) but it is delete"},
		{"default-policy", 1, nil, "expected cleanup.policy to be 'compact'"},
	} {
		t.Run(tc.topic, func(t *testing.T) {
			if _, err := admin.CreateTopic(context.Background(), tc.partitions, 1, tc.configs, tc.topic); err != nil {
				t.Fatal(err)
			}
			l, err := OpenKafkaLog(context.Background(), KafkaLogOptions{Brokers: brokers, Topic: tc.topic, Timeout: 10 * time.Second, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err == nil {
				l.Close()
				t.Fatal("unfit topic accepted")
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %q does not say %q", err, tc.wantErr)
			}
		})
	}
	if _, err := OpenKafkaLog(context.Background(), KafkaLogOptions{}); err == nil {
		t.Error("options without brokers accepted")
	}
}

func TestKafkaLogConcurrentAppends(t *testing.T) {
	l := openTestKafkaLog(t, startKafka(t), "")
	const writers, appends = 8, 10
	var wg sync.WaitGroup
	var mu sync.Mutex
	returned := map[int64]string{} // offset returned by Append -> key
	for w := range writers {
		wg.Go(func() {
			for i := range appends {
				key := fmt.Sprintf("%d-%d", w, i)
				off, err := l.Append(context.Background(), logRec(key, "first"), logRec(key, "second"))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				returned[off] = key
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	const total = writers * appends * 2
	got := followUntil(t, l, 0, total-1)
	if len(got) != total {
		t.Fatalf("followed %d records, want %d", len(got), total)
	}
	for i, r := range got {
		if r.Offset != int64(i) {
			t.Fatalf("record %d has offset %d", i, r.Offset)
		}
	}
	if len(returned) != writers*appends {
		t.Fatalf("%d distinct offsets returned for %d appends", len(returned), writers*appends)
	}
	for off, key := range returned {
		// The records of one Append are contiguous and in order.
		if string(got[off].Key) != key || string(got[off].Value) != "second" ||
			string(got[off-1].Key) != key || string(got[off-1].Value) != "first" {
			t.Fatalf("append of %s returned %d: log holds%s", key, off, formatLogRecords(got[off-1:off+1]))
		}
	}
}

// confluentRecords are records as Confluent Schema Registry writes them to
// _schemas, byte for byte, including a global config key in the pre-6.2
// spelling that a later key in the current spelling replaces.
var confluentRecords = []Record{
	{Key: []byte(`{"keytype":"CONFIG","subject":null,"magic":0}`), Value: []byte(`{"compatibilityLevel":"FULL"}`)},
	{Key: []byte(`{"keytype":"NOOP","magic":0}`)},
	{Key: []byte(`{"keytype":"SCHEMA","subject":"orders-value","version":1,"magic":1}`),
		Value: []byte(`{"subject":"orders-value","version":1,"id":1,"schema":"\"string\"","deleted":false}`)},
	{Key: []byte(`{"keytype":"SCHEMA","subject":"orders-value","version":2,"magic":1}`),
		Value: []byte(`{"subject":"orders-value","version":2,"id":2,"schemaType":"JSON","schema":"{\"type\":\"object\"}","deleted":false}`)},
	{Key: []byte(`{"keytype":"SCHEMA","subject":"gone","version":1,"magic":1}`),
		Value: []byte(`{"subject":"gone","version":1,"id":1,"schema":"\"string\"","deleted":false}`)},
	{Key: []byte(`{"keytype":"CONFIG","subject":"orders-value","magic":0}`), Value: []byte(`{"subject":"orders-value","compatibilityLevel":"NONE"}`)},
	{Key: []byte(`{"keytype":"DELETE_SUBJECT","subject":"gone","magic":0}`), Value: []byte(`{"subject":"gone","version":1}`)},
	{Key: []byte(`{"keytype":"SCHEMA","subject":"orders-value","version":1,"magic":1}`)},
	{Key: []byte(`{"keytype":"CONFIG","magic":0}`), Value: []byte(`{"compatibilityLevel":"BACKWARD_TRANSITIVE"}`)},
	{Key: []byte(`{"keytype":"NOOP","magic":0}`)},
}

// viewState describes everything a view answers about its subjects.
func viewState(v *View) string {
	var b strings.Builder
	fmt.Fprintf(&b, "max id %d\n", v.MaxID())
	v.AllVersions("", true, func(ver Version) {
		fmt.Fprintf(&b, "%s v%d deleted=%t id=%d %s %s\n", ver.Subject, ver.Version, ver.Deleted, ver.ID, ver.Type, ver.Schema)
	})
	for _, subject := range []string{"", "orders-value", "gone"} {
		c, ok := v.Config(subject)
		fmt.Fprintf(&b, "config %q %t %s\n", subject, ok, c.CompatibilityLevel)
	}
	return b.String()
}

func TestKafkaLogReplaysConfluentRecords(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))

	kafka := openTestKafkaLog(t, startKafka(t), "")
	mustAppendKafka(t, kafka, confluentRecords...)
	memory := NewMemoryLog()
	if _, err := memory.Append(ctx, confluentRecords...); err != nil {
		t.Fatal(err)
	}
	fromKafka, _, err := StartView(ctx, kafka, logger)
	if err != nil {
		t.Fatalf("StartView over Kafka: %v", err)
	}
	fromMemory, _, err := StartView(ctx, memory, logger)
	if err != nil {
		t.Fatal(err)
	}
	got, want := viewState(fromKafka), viewState(fromMemory)
	if got != want {
		t.Fatalf("view over Kafka:\n%s\nview over memory:\n%s", got, want)
	}
	// Guard against both views being wrong the same way.
	for _, line := range []string{
		"orders-value v2 deleted=false id=2 JSON",
		"gone v1 deleted=true id=1",
		`config "" true BACKWARD_TRANSITIVE`,
		`config "orders-value" true NONE`,
	} {
		if !strings.Contains(got, line) {
			t.Errorf("view state lacks %q:\n%s", line, got)
		}
	}
	if strings.Contains(got, "orders-value v1") {
		t.Errorf("tombstoned version still in view:\n%s", got)
	}
}

func mustAppendKafka(t *testing.T, l *KafkaLog, recs ...Record) int64 {
	t.Helper()
	off, err := l.Append(context.Background(), recs...)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	return off
}

func TestKafkaLogReportsClusterID(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.ClusterID("prod-kafka-7"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	l := openTestKafkaLog(t, c.ListenAddrs(), "")
	if got := l.ClusterID(); got != "prod-kafka-7" {
		t.Errorf("ClusterID() = %q, want the brokers' prod-kafka-7", got)
	}
}
