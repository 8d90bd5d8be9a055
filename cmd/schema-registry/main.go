// Command schema-registry runs the registry: Confluent Schema Registry's REST
// API over a durable log, kept in an embedded file under data_dir or in a
// Kafka topic. Its settings are listed by --help and in README.md.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"golang.org/x/net/netutil"

	"github.com/goschemaregistry/registry/compat"
	"github.com/goschemaregistry/registry/formats"
	"github.com/goschemaregistry/registry/formats/avro"
	"github.com/goschemaregistry/registry/formats/jsonschema"
	"github.com/goschemaregistry/registry/formats/protobuf"
	"github.com/goschemaregistry/registry/server"
	"github.com/goschemaregistry/registry/storage"
)

func main() {
	cfg, err := loadConfig(os.Args[1:], os.LookupEnv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "schema-registry:", err)
		os.Exit(2)
	}
	logger := newLogger(cfg, os.Stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, logger, nil); err != nil {
		logger.Error("schema registry stopped", "error", err)
		os.Exit(1)
	}
}

// newLogger returns the logger log.level and log.format ask for, writing to w.
func newLogger(cfg config, w io.Writer) *slog.Logger {
	var level slog.Level
	// loadConfig has checked the level.
	_ = level.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// run serves the registry until ctx is done. The API listens at once, and
// answers as server.Starting (live, not ready) until the log is replayed;
// listening, when set, is then called with its address.
func run(ctx context.Context, cfg config, logger *slog.Logger, listening func(net.Addr)) error {
	logger.Info("configuration", cfg.logAttr())
	started := time.Now()
	// Everything read from files is read first, so that a bad file stops
	// the start before anything listens.
	serverTLS, err := listenerTLS(cfg.TLS)
	if err != nil {
		return err
	}
	var users *server.Users
	if cfg.Auth.UsersFile != "" {
		if users, err = server.LoadUsers(cfg.Auth.UsersFile); err != nil {
			return err
		}
	}
	kafkaOpts, err := kafkaClientOptions(cfg.Kafka)
	if err != nil {
		return err
	}

	listener, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	if cfg.Limits.MaxConnections > 0 {
		// Idle keep-alive connections cost memory too: a flood of them
		// waits in the kernel's accept queue instead.
		listener = netutil.LimitListener(listener, cfg.Limits.MaxConnections)
	}
	var handler atomic.Pointer[http.Handler]
	starting := server.Starting()
	handler.Store(&starting)
	httpServer := &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*handler.Load()).ServeHTTP(w, r) }),
		TLSConfig:         serverTLS,
		MaxHeaderBytes:    cfg.Limits.MaxHeaderBytes,
		ReadHeaderTimeout: cfg.Limits.ReadHeaderTimeout,
		ReadTimeout:       cfg.Limits.ReadTimeout,
		WriteTimeout:      cfg.Limits.WriteTimeout,
		IdleTimeout:       cfg.Limits.IdleTimeout,
		// Failed TLS handshakes and the like, which net/http would
		// otherwise print unstructured.
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	// Runs last: after a graceful shutdown it has nothing left to close.
	defer httpServer.Close()
	serveErr := make(chan error, 1)
	go func() {
		if serverTLS != nil {
			serveErr <- httpServer.ServeTLS(listener, "", "")
		} else {
			serveErr <- httpServer.Serve(listener)
		}
	}()
	scheme := "http"
	if serverTLS != nil {
		scheme = "https"
	}
	logger.Info("accepting connections; not ready until the log is replayed", "address", listener.Addr().String(), "scheme", scheme)
	if listening != nil {
		listening(listener.Addr())
	}

	// The view follows the log until run returns, not only until ctx is
	// done, so that requests in flight at shutdown still see their writes
	// applied; only a start-up still under way stops with ctx.
	followCtx, stopFollowing := context.WithCancel(context.Background())
	defer stopFollowing()
	abortStart := context.AfterFunc(ctx, stopFollowing)
	srv, log, stopped, closeCluster, err := startRegistry(followCtx, cfg, kafkaOpts, listener.Addr(), scheme, serverTLS, users, logger)
	if aborted := !abortStart(); aborted {
		if err == nil {
			closeCluster()
			log.Close()
		}
		logger.Info("stopped during start-up")
		return nil
	}
	if err != nil {
		return err
	}
	defer log.Close()
	defer closeCluster()

	var api http.Handler = srv
	handler.Store(&api)
	logger.Info("serving the schema registry API", "address", listener.Addr().String(),
		"start", time.Since(started).Round(time.Millisecond))

	select {
	case err = <-serveErr:
	case err = <-stopped:
		err = fmt.Errorf("following the log: %w", err)
	case <-ctx.Done():
		logger.Info("shutting down")
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	return errors.Join(err, httpServer.Shutdown(shutdownCtx))
}

// startRegistry opens and replays the log, joins the leader election when
// the log is in Kafka, and builds the API server. The log stays followed
// until ctx is done; closeCluster leaves the election (a no-op for the
// embedded log).
func startRegistry(ctx context.Context, cfg config, kafkaOpts []kgo.Opt, addr net.Addr, scheme string,
	serverTLS *tls.Config, users *server.Users, logger *slog.Logger,
) (srv *server.Server, log storage.Log, stopped <-chan error, closeCluster func(), err error) {
	started := time.Now()
	// The view is only known once the log is open, but compaction asks it
	// which record holds the highest id, so the pin reads it late.
	var replayed atomic.Pointer[storage.View]
	log, kafka, err := openLog(ctx, cfg, kafkaOpts, logger, func(rec storage.Record) bool {
		v := replayed.Load()
		return v != nil && storage.HoldsMaxID(rec, v.MaxID())
	})
	if err != nil {
		return nil, nil, nil, nil, err
	}
	fail := func(err error) (*server.Server, storage.Log, <-chan error, func(), error) {
		log.Close()
		return nil, nil, nil, nil, err
	}
	view, stopped, err := storage.StartView(ctx, log, logger)
	if err != nil {
		return fail(fmt.Errorf("replaying the log: %w", err))
	}
	replayed.Store(view)
	// Replaying leaves garbage several times the size of the view; hand
	// it back now rather than carry it as resident memory.
	debug.FreeOSMemory()
	backend := "embedded"
	if kafka != nil {
		backend = "kafka"
	}
	logger.Info("storage ready", "backend", backend, "data_dir", cfg.DataDir, "kafka_topic", cfg.Kafka.Topic,
		"applied_offset", view.Applied(), "replay", time.Since(started).Round(time.Millisecond))

	level, _ := compat.ParseLevel(cfg.Compatibility)
	serverCfg := server.Config{
		Log: log, View: view, Logger: logger,
		Formats:               []formats.Format{avro.New(avro.Limits{}), protobuf.New(protobuf.Limits{}), jsonschema.New(jsonschema.Limits{})},
		DefaultCompatibility:  level,
		MaxBodyBytes:          cfg.Limits.MaxBodyBytes,
		MaxSubjectLength:      cfg.Limits.MaxSubjectLength,
		MaxConcurrentRequests: cfg.Limits.MaxConcurrentRequests,
		Users:                 users,
		GroupID:               cfg.Kafka.GroupID,
	}
	if serverTLS != nil {
		if serverCfg.ForwardTLS, err = forwardTLS(cfg.TLS, serverTLS); err != nil {
			return fail(err)
		}
	}
	closeCluster = func() {}
	if kafka != nil {
		lead := &leadership{}
		serverCfg.Leadership = lead
		serverCfg.ClusterID = kafka.ClusterID()
		elector, err := startElection(ctx, cfg, kafkaOpts, kafka, view, addr, scheme, lead, logger)
		if err != nil {
			return fail(err)
		}
		closeCluster = func() { elector.Close() }
	}
	if srv, err = server.New(serverCfg); err != nil {
		closeCluster()
		return fail(err)
	}
	return srv, log, stopped, closeCluster, nil
}

// openLog opens the log the configuration names: a Kafka topic when brokers
// are given (returned a second time as such), the embedded file otherwise.
func openLog(ctx context.Context, cfg config, kafkaOpts []kgo.Opt, logger *slog.Logger, pin func(storage.Record) bool) (storage.Log, *storage.KafkaLog, error) {
	if len(cfg.Kafka.Brokers) == 0 {
		log, err := storage.OpenFileLog(cfg.DataDir, storage.FileLogOptions{Logger: logger, Pin: pin})
		if err != nil {
			return nil, nil, err
		}
		return log, nil, nil
	}
	log, err := storage.OpenKafkaLog(ctx, storage.KafkaLogOptions{
		Brokers:           cfg.Kafka.Brokers,
		Topic:             cfg.Kafka.Topic,
		ReplicationFactor: cfg.Kafka.ReplicationFactor,
		ClientOptions:     kafkaOpts,
		Timeout:           cfg.Kafka.Timeout,
		Logger:            logger,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("opening the log on %s: %w", describeKafka(cfg.Kafka), err)
	}
	// As Confluent does, mark the end of the log with a NOOP record, so
	// that replaying up to it reads every record written before start.
	if _, err := log.Barrier(ctx); err != nil {
		log.Close()
		return nil, nil, fmt.Errorf("writing the start-up barrier to Kafka: %w", err)
	}
	return log, log, nil
}

// describeKafka names the cluster and how the registry connects to it, so
// that a failed connection says what was tried. It never shows the password.
func describeKafka(c kafkaConfig) string {
	how := []string{"plaintext"}
	if c.TLS.Enabled {
		how[0] = "TLS"
	}
	if c.SASL.Mechanism != "" {
		how = append(how, fmt.Sprintf("SASL %s as user %q", c.SASL.Mechanism, c.SASL.Username))
	}
	return fmt.Sprintf("Kafka %s (%s)", strings.Join(c.Brokers, ","), strings.Join(how, ", "))
}
