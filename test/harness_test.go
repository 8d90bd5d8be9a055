// Package test holds the end-to-end tests: the schema-registry binary runs
// as a child process on its own data directory, and real third-party clients
// (franz-go, confluent-kafka-go, hamba/avro) and raw HTTP talk to it.
package test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// registryBinary is the schema-registry command TestMain builds once.
var registryBinary string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "registry-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	registryBinary = filepath.Join(dir, "schema-registry")
	args := []string{"build", "-o", registryBinary}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "github.com/goschemaregistry/registry/cmd/schema-registry")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building the schema-registry binary:", err)
		return 1
	}
	return m.Run()
}

// registryProcess is one schema-registry child process.
type registryProcess struct {
	t       testing.TB
	dataDir string
	// URL is the base URL of the API, e.g. http://127.0.0.1:40123: the
	// validating proxy in front of the process (openapi_validate_test.go),
	// which checks every exchange against the OpenAPI document. It is also
	// the URL the process advertises to the other instances of a cluster,
	// so that forwarded writes are checked too and the leader, elected by
	// lowest advertised URL, is the instance with the lowest URL.
	URL string
	// directURL is the process's own address, which the proxy forwards to.
	directURL string
	// proxy is the validating proxy, which also tells what the test
	// exercised.
	proxy *validatingProxy

	cmd    *exec.Cmd
	exited chan struct{} // closed once the process has been waited for
	err    error         // the process's exit error, set before exited closes
	logs   *logBuffer
}

// logBuffer keeps a child's stderr for diagnostics; safe for concurrent use.
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

// startRegistry starts a registry on a fresh data directory; it is stopped
// when the test ends.
func startRegistry(t testing.TB) *registryProcess {
	t.Helper()
	return startRegistryIn(t, t.TempDir())
}

// listenAddress finds the address the server logs once it accepts
// connections: level=INFO msg="serving the schema registry API" address=...
var listenAddress = regexp.MustCompile(`msg="serving the schema registry API".* address=(\S+)`)

// startRegistryIn starts a registry on dataDir (with extraArgs added to its
// command line), listening on a port the kernel picks behind a validating
// proxy, and waits until GET / answers. The process is stopped (or killed,
// if it does not stop) when the test ends, and dies with the test binary if
// that is killed first; then the proxy reports the exchanges that
// disagreed with the OpenAPI document.
func startRegistryIn(t testing.TB, dataDir string, extraArgs ...string) *registryProcess {
	t.Helper()
	r := &registryProcess{t: t, dataDir: dataDir, exited: make(chan struct{}), logs: &logBuffer{}}
	// Started first, so that its cleanup runs after the process stopped.
	r.proxy = startValidatingProxy(t)
	args := append([]string{"--listen", "127.0.0.1:0", "--data-dir", dataDir, "--log-level", "info",
		"--advertised-url", r.proxy.URL()}, extraArgs...)
	r.cmd = exec.Command(registryBinary, args...)
	if raceEnabled {
		// The race runtime otherwise sleeps a second at exit.
		r.cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0")
	}
	// The child must not outlive the test binary, even when that is
	// killed by a test timeout before any cleanup runs.
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stderr, err := r.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	r.cmd.Stdout = r.logs
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("starting the registry: %v", err)
	}
	t.Cleanup(r.stopAtCleanup)

	address := make(chan string, 1)
	go func() {
		// Read stderr to its end, so the child never blocks on a full
		// pipe, then reap the process.
		lines := bufio.NewScanner(stderr)
		lines.Buffer(make([]byte, 64<<10), 1<<20)
		for lines.Scan() {
			line := lines.Text()
			fmt.Fprintln(r.logs, line)
			if m := listenAddress.FindStringSubmatch(line); m != nil {
				select {
				case address <- m[1]:
				default:
				}
			}
		}
		_, _ = io.Copy(r.logs, stderr)
		r.err = r.cmd.Wait()
		close(r.exited)
	}()

	select {
	case addr := <-address:
		r.directURL = "http://" + addr
		r.proxy.forwardTo(r.directURL)
		r.URL = r.proxy.URL()
	case <-r.exited:
		t.Fatalf("the registry exited before serving (%v); its log:\n%s", r.err, r.logs)
	case <-time.After(20 * time.Second):
		t.Fatalf("the registry did not report its address within 20s; its log:\n%s", r.logs)
	}
	r.waitReady()
	return r
}

// waitReady polls GET / until the API answers it: 200, or 401 when the
// registry requires credentials (the start-up handler would answer 503).
func (r *registryProcess) waitReady() {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var status int
	for {
		resp, err := http.Get(r.URL + "/")
		if err == nil {
			resp.Body.Close()
			status = resp.StatusCode
			if status == http.StatusOK || status == http.StatusUnauthorized {
				return
			}
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("GET / did not answer 200 or 401 within 10s (last status %d, error %v); log:\n%s", status, err, r.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop asks the registry to shut down with SIGTERM and waits for it; it
// fails the test unless the process exits cleanly within 15 s.
func (r *registryProcess) Stop() {
	r.t.Helper()
	if err := r.signalAndWait(syscall.SIGTERM, 15*time.Second); err != nil {
		r.t.Errorf("stopping the registry: %v; its log:\n%s", err, r.logs)
	}
}

// Kill ends the registry with SIGKILL, as a crash would, and waits for it.
// It fails the test if the process had already exited on its own.
func (r *registryProcess) Kill() {
	r.t.Helper()
	select {
	case <-r.exited:
		r.t.Fatalf("the registry exited on its own (%v) before it was killed; its log:\n%s", r.err, r.logs)
	default:
	}
	err := r.signalAndWait(syscall.SIGKILL, 10*time.Second)
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		r.t.Fatalf("killing the registry: %v", err)
	}
}

// signalAndWait sends sig unless the process already exited, waits up to
// timeout, and returns the process's exit error. A process that does not
// exit in time is killed.
func (r *registryProcess) signalAndWait(sig syscall.Signal, timeout time.Duration) error {
	select {
	case <-r.exited:
		return r.err
	default:
	}
	if err := r.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-r.exited:
		return r.err
	case <-time.After(timeout):
		_ = r.cmd.Process.Kill()
		<-r.exited
		return fmt.Errorf("did not exit within %v after %v", timeout, sig)
	}
}

// stopAtCleanup stops the process unless it already exited, and fails the
// test if the race detector reported a race in it.
func (r *registryProcess) stopAtCleanup() {
	select {
	case <-r.exited:
	default:
		r.Stop()
	}
	if log := r.logs.String(); strings.Contains(log, "WARNING: DATA RACE") {
		r.t.Errorf("the registry had a data race; its log:\n%s", log)
	}
}

// httpResult is an answer to a raw request.
type httpResult struct {
	Status      int
	ContentType string
	Body        []byte
}

// errorBody is Confluent's error shape.
type errorBody struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

// do sends a request with a JSON body (nil for none) and reads the answer.
func (r *registryProcess) do(ctx context.Context, method, path, body string) (httpResult, error) {
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.URL+path, reader)
	if err != nil {
		return httpResult{}, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return httpResult{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return httpResult{}, err
	}
	return httpResult{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: data}, nil
}

// mustDo is do that fails the test on transport errors or an unexpected
// status, and decodes a JSON answer into into (when not nil).
func (r *registryProcess) mustDo(method, path, body string, wantStatus int, into any) httpResult {
	r.t.Helper()
	res, err := r.do(context.Background(), method, path, body)
	if err != nil {
		r.t.Fatalf("%s %s: %v", method, path, err)
	}
	if res.Status != wantStatus {
		r.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, res.Status, wantStatus, res.Body)
	}
	if into != nil {
		if err := json.Unmarshal(res.Body, into); err != nil {
			r.t.Fatalf("%s %s: decoding %s: %v", method, path, res.Body, err)
		}
	}
	return res
}

// schemaRequestBody is the JSON body registering or looking up schema.
func schemaRequestBody(schema string) string {
	b, _ := json.Marshal(map[string]string{"schema": schema})
	return string(b)
}
