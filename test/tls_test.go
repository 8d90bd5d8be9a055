package test

import (
	"bufio"
	"context"
	"crypto/tls"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/goschemaregistry/registry/internal/testpki"
)

// startTLSRegistry runs the registry binary serving HTTPS that requires
// client certificates signed by ca, and returns its https URL. It bypasses
// the harness's validating proxy, which speaks plain HTTP.
func startTLSRegistry(t *testing.T, ca *testpki.CA) string {
	t.Helper()
	_, certFile, keyFile := ca.Issue("registry")
	cmd := exec.Command(registryBinary, "--listen", "127.0.0.1:0", "--data-dir", t.TempDir(),
		"--tls-cert-file", certFile, "--tls-key-file", keyFile,
		"--tls-client-ca-file", ca.CAFile, "--tls-client-auth", "require")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Env = append(cmd.Environ(), "GORACE=atexit_sleep_ms=0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	address := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stderr)
		for lines.Scan() {
			if m := listenAddress.FindStringSubmatch(lines.Text()); m != nil {
				address <- m[1]
			}
		}
		close(address)
	}()
	select {
	case addr, ok := <-address:
		if !ok {
			t.Fatal("the registry exited before serving")
		}
		return "https://" + addr
	case <-time.After(20 * time.Second):
		t.Fatal("the registry did not serve within 20s")
	}
	return ""
}

// TestClientsOverMutualTLS connects franz-go, confluent-kafka-go and srctl
// to a registry that requires client certificates, with each client's own
// TLS settings; a client without a certificate is refused.
func TestClientsOverMutualTLS(t *testing.T) {
	ca := testpki.New(t, "e2e")
	url := startTLSRegistry(t, ca)
	clientCert, certFile, keyFile := ca.Issue("client")
	ctx := context.Background()

	franz, err := sr.NewClient(sr.URLs(url), sr.HTTPClient(&http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: ca.Pool, Certificates: []tls.Certificate{clientCert}},
	}}))
	if err != nil {
		t.Fatal(err)
	}
	registered, err := franz.CreateSchema(ctx, "tls-value", sr.Schema{Schema: `"string"`})
	if err != nil {
		t.Fatalf("franz-go over mTLS: %v", err)
	}

	conf := schemaregistry.NewConfig(url)
	conf.SslCaLocation, conf.SslCertificateLocation, conf.SslKeyLocation = ca.CAFile, certFile, keyFile
	confluent, err := schemaregistry.NewClient(conf)
	if err != nil {
		t.Fatal(err)
	}
	meta, err := confluent.GetLatestSchemaMetadata("tls-value")
	if err != nil || meta.ID != registered.ID {
		t.Errorf("confluent-kafka-go over mTLS: %+v, %v; registered id %d", meta, err, registered.ID)
	}

	dir := t.TempDir()
	listed := mustSrctl(t, 0, dir, url, "--ca-file", ca.CAFile, "--cert-file", certFile, "--key-file", keyFile, "subjects")
	if !strings.Contains(listed.stdout, "tls-value") {
		t.Errorf("srctl over mTLS: %s", listed)
	}
	refused := mustSrctl(t, 2, dir, url, "--ca-file", ca.CAFile, "subjects")
	if refused.stdout != "" {
		t.Errorf("srctl without a client certificate got an answer: %s", refused)
	}

	noCert, err := sr.NewClient(sr.URLs(url), sr.HTTPClient(&http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: ca.Pool},
	}}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := noCert.Subjects(ctx); err == nil {
		t.Error("a client without a certificate was served")
	}
}
