// Command schema-registry runs the registry: Confluent Schema Registry's REST
// API over a durable log kept in an embedded file under --data-dir.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/goschemaregistry/registry/compat"
	"github.com/goschemaregistry/registry/formats"
	"github.com/goschemaregistry/registry/formats/avro"
	"github.com/goschemaregistry/registry/formats/jsonschema"
	"github.com/goschemaregistry/registry/formats/protobuf"
	"github.com/goschemaregistry/registry/server"
	"github.com/goschemaregistry/registry/storage"
)

// config is every setting of the server, filled from flags and their
// environment variables in one place.
type config struct {
	listen         string
	dataDir        string
	compatibility  string
	maxBodyBytes   int64
	logLevel       string
	kafkaBrokers   string
	kafkaTopic     string
	groupID        string
	advertisedURL  string
	leaderEligible bool
}

// envOr returns the environment variable's value, or def when unset.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func parseConfig(args []string) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("schema-registry", flag.ContinueOnError)
	fs.StringVar(&cfg.listen, "listen", envOr("SCHEMA_REGISTRY_LISTEN", ":8081"),
		"address to serve the API on (env SCHEMA_REGISTRY_LISTEN)")
	fs.StringVar(&cfg.dataDir, "data-dir", envOr("SCHEMA_REGISTRY_DATA_DIR", "./data"),
		"directory of the embedded log (env SCHEMA_REGISTRY_DATA_DIR)")
	fs.StringVar(&cfg.compatibility, "compatibility", envOr("SCHEMA_REGISTRY_COMPATIBILITY", "BACKWARD"),
		"compatibility level used when none is configured (env SCHEMA_REGISTRY_COMPATIBILITY)")
	maxBody, err := strconv.ParseInt(envOr("SCHEMA_REGISTRY_MAX_BODY_BYTES", "16777216"), 10, 64)
	if err != nil {
		return cfg, fmt.Errorf("SCHEMA_REGISTRY_MAX_BODY_BYTES: %w", err)
	}
	fs.Int64Var(&cfg.maxBodyBytes, "max-body-bytes", maxBody,
		"largest request body accepted (env SCHEMA_REGISTRY_MAX_BODY_BYTES)")
	fs.StringVar(&cfg.logLevel, "log-level", envOr("SCHEMA_REGISTRY_LOG_LEVEL", "info"),
		"debug, info, warn or error (env SCHEMA_REGISTRY_LOG_LEVEL)")
	fs.StringVar(&cfg.kafkaBrokers, "kafka-brokers", envOr("SCHEMA_REGISTRY_KAFKA_BROKERS", ""),
		"comma-separated Kafka bootstrap brokers; when set the log is a Kafka topic instead of the embedded file (env SCHEMA_REGISTRY_KAFKA_BROKERS)")
	fs.StringVar(&cfg.kafkaTopic, "kafka-topic", envOr("SCHEMA_REGISTRY_KAFKA_TOPIC", storage.DefaultKafkaTopic),
		"Kafka topic of the log (env SCHEMA_REGISTRY_KAFKA_TOPIC)")
	fs.StringVar(&cfg.groupID, "group-id", envOr("SCHEMA_REGISTRY_GROUP_ID", "schema-registry"),
		"Kafka group the instances elect their leader in (env SCHEMA_REGISTRY_GROUP_ID)")
	fs.StringVar(&cfg.advertisedURL, "advertised-url", envOr("SCHEMA_REGISTRY_ADVERTISED_URL", ""),
		"URL the other instances forward writes to; default http://<hostname>:<port> (env SCHEMA_REGISTRY_ADVERTISED_URL)")
	eligible, err := strconv.ParseBool(envOr("SCHEMA_REGISTRY_LEADER_ELIGIBILITY", "true"))
	if err != nil {
		return cfg, fmt.Errorf("SCHEMA_REGISTRY_LEADER_ELIGIBILITY: %w", err)
	}
	fs.BoolVar(&cfg.leaderEligible, "leader-eligibility", eligible,
		"whether this instance may be elected leader (env SCHEMA_REGISTRY_LEADER_ELIGIBILITY)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if _, ok := compat.ParseLevel(cfg.compatibility); !ok {
		return cfg, fmt.Errorf("unknown compatibility level %q", cfg.compatibility)
	}
	return cfg, nil
}

func main() {
	cfg, err := parseConfig(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "schema-registry:", err)
		os.Exit(2)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.logLevel)); err != nil {
		fmt.Fprintln(os.Stderr, "schema-registry: --log-level:", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, logger); err != nil {
		logger.Error("schema registry stopped", "error", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg config, logger *slog.Logger) error {
	started := time.Now()
	// The view is only known once the log is open, but compaction asks it
	// which record holds the highest id, so the pin reads it late.
	var replayed atomic.Pointer[storage.View]
	log, kafka, err := openLog(ctx, cfg, logger, func(rec storage.Record) bool {
		v := replayed.Load()
		return v != nil && storage.HoldsMaxID(rec, v.MaxID())
	})
	if err != nil {
		return err
	}
	defer log.Close()

	followCtx, stopFollowing := context.WithCancel(context.Background())
	defer stopFollowing()
	view, stopped, err := storage.StartView(followCtx, log, logger)
	if err != nil {
		return fmt.Errorf("replaying the log: %w", err)
	}
	replayed.Store(view)
	// Replaying leaves garbage several times the size of the view; hand
	// it back now rather than carry it as resident memory.
	debug.FreeOSMemory()
	backend := "embedded"
	var lead *leadership
	if kafka != nil {
		backend, lead = "kafka", &leadership{}
	}
	logger.Info("storage ready", "backend", backend, "data_dir", cfg.dataDir, "kafka_topic", cfg.kafkaTopic,
		"applied_offset", view.Applied(), "replay", time.Since(started).Round(time.Millisecond))

	level, _ := compat.ParseLevel(cfg.compatibility)
	srv, err := server.New(server.Config{
		Log: log, View: view, Logger: logger,
		Formats:              []formats.Format{avro.New(avro.Limits{}), protobuf.New(protobuf.Limits{}), jsonschema.New(jsonschema.Limits{})},
		DefaultCompatibility: level,
		MaxBodyBytes:         cfg.maxBodyBytes,
		Leadership:           leadershipOrNil(lead),
	})
	if err != nil {
		return err
	}
	listener, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return err
	}
	httpServer := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
	}
	if kafka != nil {
		elector, err := startElection(ctx, cfg, kafka, view, listener, lead, logger)
		if err != nil {
			listener.Close()
			return err
		}
		defer elector.Close()
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpServer.Serve(listener) }()
	logger.Info("serving the schema registry API", "address", listener.Addr().String())

	select {
	case err := <-serveErr:
		return err
	case err := <-stopped:
		return fmt.Errorf("following the log: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return httpServer.Shutdown(shutdownCtx)
}

// openLog opens the log the configuration names: a Kafka topic when brokers
// are given (returned a second time as such), the embedded file otherwise.
func openLog(ctx context.Context, cfg config, logger *slog.Logger, pin func(storage.Record) bool) (storage.Log, *storage.KafkaLog, error) {
	if cfg.kafkaBrokers == "" {
		log, err := storage.OpenFileLog(cfg.dataDir, storage.FileLogOptions{Logger: logger, Pin: pin})
		if err != nil {
			return nil, nil, err
		}
		return log, nil, nil
	}
	log, err := storage.OpenKafkaLog(ctx, storage.KafkaLogOptions{
		Brokers: strings.Split(cfg.kafkaBrokers, ","),
		Topic:   cfg.kafkaTopic,
		Logger:  logger,
	})
	if err != nil {
		return nil, nil, err
	}
	// As Confluent does, mark the end of the log with a NOOP record, so
	// that replaying up to it reads every record written before start.
	if _, err := log.Barrier(ctx); err != nil {
		log.Close()
		return nil, nil, fmt.Errorf("writing the start-up barrier to Kafka: %w", err)
	}
	return log, log, nil
}

// leadershipOrNil keeps a nil *leadership from becoming a non-nil
// interface: a single instance has no leadership at all.
func leadershipOrNil(l *leadership) server.Leadership {
	if l == nil {
		return nil
	}
	return l
}
