package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goschemaregistry/registry/internal/testpki"
	"github.com/goschemaregistry/registry/storage"
)

// testConfig is the default configuration with the API on a free loopback
// port and a fresh data directory, then args.
func testConfig(t *testing.T, args ...string) config {
	t.Helper()
	base := []string{"--listen", "127.0.0.1:0", "--data-dir", t.TempDir(), "--log-level", "debug"}
	cfg, err := loadConfig(append(base, args...), envOf(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// logBuffer collects a run's logs; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// running is run() serving in the background until the test ends.
type running struct {
	addr string
	logs *logBuffer
	done chan error
}

// startRun starts run(cfg) and waits until it listens. onListening, if
// set, is called with the address before the log is replayed.
func startRun(t *testing.T, cfg config, onListening func(addr string)) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{logs: &logBuffer{}, done: make(chan error, 1)}
	listening := make(chan string, 1)
	go func() {
		r.done <- run(ctx, cfg, newLogger(cfg, r.logs), func(addr net.Addr) {
			if onListening != nil {
				onListening(addr.String())
			}
			listening <- addr.String()
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-r.done:
			if err != nil {
				t.Errorf("run: %v; logs:\n%s", err, r.logs)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("run did not stop; logs:\n%s", r.logs)
		}
	})
	select {
	case r.addr = <-listening:
	case err := <-r.done:
		r.done <- err // for the cleanup
		t.Fatalf("run ended before listening: %v; logs:\n%s", err, r.logs)
	case <-time.After(10 * time.Second):
		t.Fatalf("run did not listen; logs:\n%s", r.logs)
	}
	return r
}

// waitServing waits for the line the end-to-end tests wait for.
func (r *running) waitServing(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(r.logs.String(), `msg="serving the schema registry API"`) {
		if time.Now().After(deadline) {
			t.Fatalf("not serving after 20s; logs:\n%s", r.logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// get answers a GET's status and body, or the error.
func get(client *http.Client, url string) (int, string, error) {
	resp, err := client.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// TestServeTLS serves the API over TLS with each client_auth mode and
// connects with and without client certificates.
func TestServeTLS(t *testing.T) {
	ca := testpki.New(t, "registry")
	_, certFile, keyFile := ca.Issue("server")
	clientCert, _, _ := ca.Issue("client")
	stranger := testpki.New(t, "stranger")
	strangerCert, _, _ := stranger.Issue("stranger")

	type attempt struct {
		name   string
		cert   *tls.Certificate
		wantOK bool
	}
	modes := []struct {
		clientAuth string
		attempts   []attempt
	}{
		{"none", []attempt{{"no certificate", nil, true}}},
		{"request", []attempt{
			{"no certificate", nil, true},
			{"certificate of the CA", &clientCert, true},
			{"certificate of another CA", &strangerCert, false},
		}},
		{"require", []attempt{
			{"no certificate", nil, false},
			{"certificate of the CA", &clientCert, true},
			{"certificate of another CA", &strangerCert, false},
		}},
	}
	for _, mode := range modes {
		t.Run(mode.clientAuth, func(t *testing.T) {
			r := startRun(t, testConfig(t, "--tls-cert-file", certFile, "--tls-key-file", keyFile,
				"--tls-client-ca-file", ca.CAFile, "--tls-client-auth", mode.clientAuth), nil)
			r.waitServing(t)
			for _, a := range mode.attempts {
				tlsConfig := &tls.Config{RootCAs: ca.Pool}
				if a.cert != nil {
					// Sent even when the server does not name its
					// CA as acceptable, as a client set on it would.
					cert := a.cert
					tlsConfig.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return cert, nil }
				}
				client := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConfig}, Timeout: 5 * time.Second}
				status, body, err := get(client, "https://"+r.addr+"/subjects")
				client.CloseIdleConnections()
				switch {
				case a.wantOK && (err != nil || status != http.StatusOK || body != "[]"):
					t.Errorf("%s: got %d %q, %v; want 200 []", a.name, status, body, err)
				case !a.wantOK && err == nil:
					t.Errorf("%s: got %d %q, want the handshake refused", a.name, status, body)
				}
			}
			// A client that does not trust the CA refuses the server.
			if _, _, err := get(&http.Client{Timeout: 5 * time.Second}, "https://"+r.addr+"/"); err == nil {
				t.Error("a client without the CA accepted the server's certificate")
			}
			// Plain HTTP is not served on the TLS port.
			if status, _, err := get(http.DefaultClient, "http://"+r.addr+"/"); err == nil && status == http.StatusOK {
				t.Error("plain HTTP was served on the TLS listener")
			}
		})
	}
}

// writeSchemaLog fills dir with an embedded log of n SCHEMA records.
func writeSchemaLog(t *testing.T, dir string, n int) {
	t.Helper()
	log, err := storage.OpenFileLog(dir, storage.FileLogOptions{CompactMinBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	const perBatch = 5000
	batch := make([]storage.Record, 0, perBatch)
	for id := 1; id <= n; id++ {
		subject := fmt.Sprintf("subject-%d", id%100)
		value, err := storage.EncodeValue(&storage.SchemaValue{
			Subject: subject, Version: id/100 + 1, ID: id,
			Schema: fmt.Sprintf(`{"type":"fixed","name":"f%d","size":1}`, id),
		})
		if err != nil {
			t.Fatal(err)
		}
		key := storage.Key{Type: storage.KeySchema, Subject: subject, Version: id/100 + 1}.Bytes()
		batch = append(batch, storage.Record{Key: key, Value: value})
		if len(batch) == perBatch || id == n {
			if _, err := log.Append(context.Background(), batch...); err != nil {
				t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
}

// TestReadinessDuringReplay polls the health endpoints from the moment the
// API listens: ready must answer 503 while the log is replayed, then 200 and
// never 503 again, and live 200 throughout.
func TestReadinessDuringReplay(t *testing.T) {
	// A log replayed too fast to be seen replaying proves nothing: grow it.
	for records := 30_000; ; records *= 2 {
		dir := t.TempDir()
		writeSchemaLog(t, dir, records)
		if sawReplaying := checkReadiness(t, dir); sawReplaying || t.Failed() {
			return
		}
		if records > 500_000 {
			t.Fatal("the replay of 500k records was never seen by /health/ready")
		}
		t.Logf("replaying %d records was not seen; growing the log", records)
	}
}

// checkReadiness starts run on dir and reports whether /health/ready was
// seen answering 503 before 200.
func checkReadiness(t *testing.T, dir string) (sawReplaying bool) {
	var statuses []int
	polled := make(chan struct{})
	client := &http.Client{Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	startRun(t, testConfig(t, "--data-dir", dir), func(addr string) {
		go func() {
			defer close(polled)
			deadline := time.Now().Add(20 * time.Second)
			for time.Now().Before(deadline) {
				if status, body, err := get(client, "http://"+addr+"/health/live"); err != nil || status != http.StatusOK {
					t.Errorf("/health/live: %d %s %v", status, body, err)
					return
				}
				status, _, err := get(client, "http://"+addr+"/health/ready")
				if err != nil {
					t.Errorf("/health/ready: %v", err)
					return
				}
				statuses = append(statuses, status)
				if status == http.StatusOK && len(statuses) > 1 && statuses[len(statuses)-2] == http.StatusOK {
					return
				}
			}
		}()
	})
	<-polled
	if len(statuses) < 2 || statuses[len(statuses)-1] != http.StatusOK {
		t.Fatalf("/health/ready did not answer 200 twice: %v", statuses)
	}
	// 503 while replaying, then 200 for good.
	replaying := 0
	for replaying < len(statuses) && statuses[replaying] == http.StatusServiceUnavailable {
		replaying++
	}
	for _, status := range statuses[replaying:] {
		if status != http.StatusOK {
			t.Fatalf("/health/ready answered %v", statuses)
		}
	}
	return replaying > 0
}

// TestStopDuringReplay cancels run while the log is replayed: it must stop
// promptly and without error.
func TestStopDuringReplay(t *testing.T) {
	dir := t.TempDir()
	writeSchemaLog(t, dir, 30_000)
	cfg := testConfig(t, "--data-dir", dir)
	ctx, cancel := context.WithCancel(context.Background())
	logs := &logBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg, newLogger(cfg, logs), func(net.Addr) { cancel() }) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v; logs:\n%s", err, logs)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("run did not stop; logs:\n%s", logs)
	}
	if strings.Contains(logs.String(), "serving the schema registry API") {
		t.Errorf("served after being stopped during start-up; logs:\n%s", logs)
	}
}

// TestConnectionCap holds the only connection limits.max_connections
// allows: another client is not served until it closes.
func TestConnectionCap(t *testing.T) {
	r := startRun(t, testConfig(t, "--limits-max-connections", "1"), nil)
	r.waitServing(t)
	held, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	// An answered request proves the held connection was accepted.
	fmt.Fprintf(held, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, err := held.Read(make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	waiting := &http.Client{Timeout: 300 * time.Millisecond}
	if status, _, err := get(waiting, "http://"+r.addr+"/health/live"); err == nil {
		t.Fatalf("a second connection was served (%d) while the only one allowed was open", status)
	}
	held.Close()
	served := &http.Client{Timeout: 10 * time.Second}
	if status, _, err := get(served, "http://"+r.addr+"/health/live"); err != nil || status != http.StatusOK {
		t.Errorf("after the held connection closed: %d, %v", status, err)
	}
}
