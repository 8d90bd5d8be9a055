package storage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// KafkaLog is a Log kept in a Kafka topic with one partition and compaction,
// laid out as Confluent Schema Registry's _schemas topic, so that our
// instances and Confluent's (or Karapace's) can share or take over a topic.
//
// Appends go through one idempotent producer with acks=all: records reach the
// partition in the order Append received them, and the records of one Append
// stay contiguous. Every Follow runs its own consumer of the partition.
type KafkaLog struct {
	topic     string
	clusterID string
	timeout   time.Duration
	logger    *slog.Logger
	// consumerOpts are the client options a Follow starts from.
	consumerOpts []kgo.Opt
	producer     *kgo.Client
	admin        *kadm.Client

	// enqueueMu keeps the records of one Append contiguous in the
	// partition: the producer keeps the order in which records are handed
	// to it, so handing them over under one lock is enough.
	enqueueMu sync.Mutex

	mu      sync.Mutex
	closing chan struct{} // closed by Close
}

var _ Log = (*KafkaLog)(nil)

// KafkaLogOptions configures OpenKafkaLog. Only Brokers is required.
type KafkaLogOptions struct {
	// Brokers are the seed brokers, as host:port. Required.
	Brokers []string
	// Topic is the log's topic. Empty means DefaultKafkaTopic.
	Topic string
	// ReplicationFactor is the replication factor of the topic when
	// OpenKafkaLog creates it. Zero means 3. A cluster with fewer brokers
	// gets a topic with one replica per broker, and a warning.
	ReplicationFactor int
	// ClientOptions are added to the options of every Kafka client the log
	// creates: TLS (kgo.DialTLSConfig), SASL (kgo.SASL), client id and the
	// like.
	ClientOptions []kgo.Opt
	// Timeout bounds opening (checking or creating the topic), each
	// EndOffset call and the delivery of every appended record. Zero means
	// DefaultKafkaTimeout.
	Timeout time.Duration
	// Logger receives warnings. Nil means slog.Default().
	Logger *slog.Logger
}

// Defaults of KafkaLogOptions.
const (
	DefaultKafkaTopic             = "_schemas"
	DefaultKafkaReplicationFactor = 3
	DefaultKafkaTimeout           = 60 * time.Second
)

// kafkaPartition is the only partition of the log's topic.
const kafkaPartition = 0

// OpenKafkaLog connects to the cluster and makes sure the topic is fit to be
// the log: it creates it, with one partition and cleanup.policy=compact, when
// it does not exist, and refuses an existing topic with more than one
// partition or another cleanup policy, since either would lose or reorder
// records.
func OpenKafkaLog(ctx context.Context, opts KafkaLogOptions) (*KafkaLog, error) {
	if len(opts.Brokers) == 0 {
		return nil, errors.New("storage: KafkaLogOptions.Brokers is required")
	}
	if opts.ReplicationFactor < 0 || opts.ReplicationFactor > 32767 {
		return nil, fmt.Errorf("storage: invalid Kafka replication factor %d", opts.ReplicationFactor)
	}
	l := &KafkaLog{
		topic:   cmp.Or(opts.Topic, DefaultKafkaTopic),
		timeout: cmp.Or(opts.Timeout, DefaultKafkaTimeout),
		logger:  cmp.Or(opts.Logger, slog.Default()),
		closing: make(chan struct{}),
	}
	l.consumerOpts = slices.Concat([]kgo.Opt{kgo.SeedBrokers(opts.Brokers...)}, opts.ClientOptions)
	// The topic is set up with a client of its own: clients cache
	// metadata, and the producer's would otherwise keep the topic unknown
	// for a while after creating it.
	setup, err := kgo.NewClient(l.consumerOpts...)
	if err != nil {
		return nil, fmt.Errorf("storage: Kafka client: %w", err)
	}
	defer setup.Close()
	ctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	setupAdmin := kadm.NewClient(setup)
	if err := l.prepareTopic(ctx, setupAdmin, cmp.Or(opts.ReplicationFactor, DefaultKafkaReplicationFactor)); err != nil {
		return nil, err
	}
	meta, err := setupAdmin.BrokerMetadata(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: reading Kafka cluster metadata: %w", err)
	}
	l.clusterID = meta.Cluster

	l.producer, err = kgo.NewClient(slices.Concat(l.consumerOpts, []kgo.Opt{
		kgo.DefaultProduceTopic(l.topic),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.RecordDeliveryTimeout(l.timeout),
		// A registry write waits for its record: do not hold it back
		// to fill a batch. Records still batch while a request is out.
		kgo.ProducerLinger(0),
	})...)
	if err != nil {
		return nil, fmt.Errorf("storage: Kafka client: %w", err)
	}
	l.admin = kadm.NewClient(l.producer)
	return l, nil
}

// ClusterID returns the Kafka cluster's id, as its brokers report it.
func (l *KafkaLog) ClusterID() string { return l.clusterID }

// prepareTopic creates the topic or checks the existing one.
func (l *KafkaLog) prepareTopic(ctx context.Context, admin *kadm.Client, replicationFactor int) error {
	topics, err := admin.ListTopics(ctx, l.topic)
	if err != nil {
		return fmt.Errorf("storage: listing Kafka topic %s: %w", l.topic, err)
	}
	if detail, ok := topics[l.topic]; ok && detail.Err == nil {
		return l.verifyTopic(ctx, admin, detail, replicationFactor)
	} else if ok && !errors.Is(detail.Err, kerr.UnknownTopicOrPartition) {
		return fmt.Errorf("storage: describing Kafka topic %s: %w", l.topic, detail.Err)
	}
	return l.createTopic(ctx, admin, replicationFactor)
}

func (l *KafkaLog) createTopic(ctx context.Context, admin *kadm.Client, replicationFactor int) error {
	brokers, err := admin.ListBrokers(ctx)
	if err != nil {
		return fmt.Errorf("storage: listing Kafka brokers: %w", err)
	}
	if len(brokers) == 0 {
		return errors.New("storage: no live Kafka brokers")
	}
	if len(brokers) < replicationFactor {
		l.logger.Warn("creating the schemas topic with fewer replicas than desired; in production, add brokers and raise the topic's replication factor",
			"topic", l.topic, "replication_factor", len(brokers), "desired", replicationFactor)
		replicationFactor = len(brokers)
	}
	compact := "compact"
	_, err = admin.CreateTopic(ctx, 1, int16(replicationFactor), map[string]*string{"cleanup.policy": &compact}, l.topic)
	if errors.Is(err, kerr.TopicAlreadyExists) {
		// Another instance created it meanwhile: check it as any
		// existing topic.
		topics, err := admin.ListTopics(ctx, l.topic)
		if err != nil {
			return fmt.Errorf("storage: listing Kafka topic %s: %w", l.topic, err)
		}
		return l.verifyTopic(ctx, admin, topics[l.topic], replicationFactor)
	}
	if err != nil {
		return fmt.Errorf("storage: creating Kafka topic %s: %w", l.topic, err)
	}
	l.logger.Info("created the schemas topic", "topic", l.topic, "replication_factor", replicationFactor)
	return nil
}

// verifyTopic refuses a topic that cannot hold the log, with the same
// reasons as Confluent's KafkaStore.
func (l *KafkaLog) verifyTopic(ctx context.Context, admin *kadm.Client, detail kadm.TopicDetail, replicationFactor int) error {
	if detail.Err != nil {
		return fmt.Errorf("storage: describing Kafka topic %s: %w", l.topic, detail.Err)
	}
	if n := len(detail.Partitions); n != 1 {
		return fmt.Errorf("storage: the schema topic %s should have only 1 partition but has %d", l.topic, n)
	}
	if replicas := len(detail.Partitions[kafkaPartition].Replicas); replicas < replicationFactor {
		l.logger.Warn("the schemas topic has fewer replicas than desired; in production, add brokers and raise the topic's replication factor",
			"topic", l.topic, "replication_factor", replicas, "desired", replicationFactor)
	}
	configs, err := admin.DescribeTopicConfigs(ctx, l.topic)
	if err != nil {
		return fmt.Errorf("storage: reading the configuration of Kafka topic %s: %w", l.topic, err)
	}
	config, err := configs.On(l.topic, nil)
	if err == nil {
		err = config.Err
	}
	if err != nil {
		return fmt.Errorf("storage: reading the configuration of Kafka topic %s: %w", l.topic, err)
	}
	policy := "<unset>"
	for _, c := range config.Configs {
		if c.Key == "cleanup.policy" && c.Value != nil {
			policy = *c.Value
		}
	}
	if policy != "compact" {
		return fmt.Errorf("storage: the cleanup policy of the schema topic %s is incorrect: expected cleanup.policy to be 'compact' (otherwise Kafka deletes schemas after the retention time) but it is %s", l.topic, policy)
	}
	return nil
}

// Append implements Log. It returns once the brokers acknowledged every
// record (acks=all). It fails with ErrClosed after Close and with ctx's error
// when ctx ends first; the records may then still be written.
func (l *KafkaLog) Append(ctx context.Context, recs ...Record) (int64, error) {
	if len(recs) == 0 {
		return 0, errors.New("storage: Append needs at least one record")
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if l.isClosed() {
		return 0, ErrClosed
	}
	type result struct {
		offset int64
		err    error
	}
	results := make(chan result, len(recs))
	l.enqueueMu.Lock()
	for _, rec := range recs {
		// Kafka writes a null value for a nil slice: the tombstone.
		kr := &kgo.Record{Key: rec.Key, Value: rec.Value, Partition: kafkaPartition}
		l.producer.Produce(ctx, kr, func(r *kgo.Record, err error) {
			results <- result{r.Offset, err}
		})
	}
	l.enqueueMu.Unlock()
	last, errs := int64(-1), []error(nil)
	for range recs {
		res := <-results
		if res.err != nil {
			errs = append(errs, res.err)
		} else {
			last = max(last, res.offset)
		}
	}
	if err := errors.Join(errs...); err != nil {
		if l.isClosed() {
			return 0, ErrClosed
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, fmt.Errorf("storage: writing to Kafka topic %s: %w", l.topic, err)
	}
	return last, nil
}

// Barrier appends a NOOP record, as Confluent does at start-up to learn the
// end of the log, and returns its offset: a reader that has applied it has
// seen every record written before the call. Like Confluent, it writes a
// null value, so compaction removes NOOP records.
func (l *KafkaLog) Barrier(ctx context.Context) (int64, error) {
	return l.Append(ctx, Record{Key: Key{Type: KeyNoop}.Bytes()})
}

// Follow implements Log with a consumer of its own, which fetches the
// partition from offset from. Records below the start of the partition
// (removed by compaction or retention) are skipped. It returns ErrClosed once
// the log is closed.
func (l *KafkaLog) Follow(ctx context.Context, from int64, apply func(Record) error) error {
	if l.isClosed() {
		return ErrClosed
	}
	from = max(from, 0)
	consumer, err := kgo.NewClient(slices.Concat(l.consumerOpts, []kgo.Opt{
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{
			l.topic: {kafkaPartition: kgo.NewOffset().At(from)},
		}),
		// An offset out of range is one compaction removed or one past
		// the end; the first record at or after it is the next one.
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	})...)
	if err != nil {
		return fmt.Errorf("storage: Kafka client: %w", err)
	}
	defer consumer.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-l.closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		fetches := consumer.PollFetches(ctx)
		if ctx.Err() != nil {
			if l.isClosed() {
				return ErrClosed
			}
			return ctx.Err()
		}
		for _, fe := range fetches.Errors() {
			if !kerr.IsRetriable(fe.Err) {
				return fmt.Errorf("storage: reading Kafka topic %s: %w", l.topic, fe.Err)
			}
			l.logger.Debug("retrying to read the schemas topic", "topic", l.topic, "error", fe.Err)
		}
		for iter := fetches.RecordIter(); !iter.Done(); {
			r := iter.Next()
			// A reset to the start may go back below from.
			if r.Offset < from {
				continue
			}
			if err := apply(Record{Offset: r.Offset, Key: r.Key, Value: r.Value}); err != nil {
				return err
			}
		}
	}
}

// EndOffset implements Log: the partition's high watermark minus one.
func (l *KafkaLog) EndOffset(ctx context.Context) (int64, error) {
	if l.isClosed() {
		return 0, ErrClosed
	}
	ctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	offsets, err := l.admin.ListEndOffsets(ctx, l.topic)
	if err != nil {
		return 0, fmt.Errorf("storage: reading the end of Kafka topic %s: %w", l.topic, err)
	}
	end, ok := offsets.Lookup(l.topic, kafkaPartition)
	if !ok {
		return 0, fmt.Errorf("storage: reading the end of Kafka topic %s: partition %d missing from the answer", l.topic, kafkaPartition)
	}
	if end.Err != nil {
		return 0, fmt.Errorf("storage: reading the end of Kafka topic %s: %w", l.topic, end.Err)
	}
	return end.Offset - 1, nil
}

// Close implements Log. Appends waiting for an acknowledgement fail with
// ErrClosed and running Follow calls end with ErrClosed. A second Close
// returns ErrClosed.
func (l *KafkaLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.isClosed() {
		return ErrClosed
	}
	close(l.closing)
	l.producer.Close()
	return nil
}

func (l *KafkaLog) isClosed() bool {
	select {
	case <-l.closing:
		return true
	default:
		return false
	}
}
