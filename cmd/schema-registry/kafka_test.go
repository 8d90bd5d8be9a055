package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/goschemaregistry/registry/internal/testpki"
)

// TestKafkaSASLOverTLS runs the registry on a Kafka cluster that takes only
// TLS connections authenticated with SCRAM-SHA-512.
func TestKafkaSASLOverTLS(t *testing.T) {
	const user, password = "registry", "correct-horse-battery"
	ca := testpki.New(t, "kafka")
	brokerCert, _, _ := ca.Issue("broker")
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1),
		kfake.TLS(&tls.Config{Certificates: []tls.Certificate{brokerCert}}),
		kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", user, password))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	kafkaArgs := func(password string) []string {
		return []string{
			"--kafka-brokers", strings.Join(cluster.ListenAddrs(), ","),
			"--kafka-tls-enabled", "--kafka-tls-ca-file", ca.CAFile,
			"--kafka-sasl-mechanism", "scram-sha-512", "--kafka-sasl-username", user, "--kafka-sasl-password", password,
			"--kafka-timeout", "10s", "--kafka-session-timeout", "6s", "--kafka-heartbeat-interval", "200ms",
		}
	}

	t.Run("right password", func(t *testing.T) {
		r := startRun(t, testConfig(t, kafkaArgs(password)...), nil)
		r.waitServing(t)
		client := &http.Client{Timeout: 10 * time.Second}
		defer client.CloseIdleConnections()
		registerFirstSchema(t, client, "http://"+r.addr, r)
		if strings.Contains(r.logs.String(), password) {
			t.Errorf("the SASL password is in the logs:\n%s", r.logs)
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		cfg := testConfig(t, kafkaArgs("wrong-password")...)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		logs := &logBuffer{}
		err := run(ctx, cfg, newLogger(cfg, logs), nil)
		// kfake drops the connection where Kafka would answer
		// SASL_AUTHENTICATION_FAILED, so the error names what was tried.
		want := `(TLS, SASL SCRAM-SHA-512 as user "registry")`
		if err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "wrong-password") {
			t.Fatalf("got %v, want start-up to fail naming %s; logs:\n%s", err, want, logs)
		}
	})
}

// TestForwardingOverMutualTLS runs a leader and a follower that both require
// client certificates: a write sent to the follower reaches the leader only
// if the follower presents its own certificate and trusts the leader's.
func TestForwardingOverMutualTLS(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	ca := testpki.New(t, "registry")
	clientCert, _, _ := ca.Issue("client")
	instance := func(name string, eligible bool) *running {
		_, certFile, keyFile := ca.Issue(name)
		r := startRun(t, testConfig(t, "--kafka-brokers", strings.Join(cluster.ListenAddrs(), ","),
			"--kafka-session-timeout", "6s", "--kafka-heartbeat-interval", "200ms",
			"--tls-cert-file", certFile, "--tls-key-file", keyFile,
			"--tls-client-ca-file", ca.CAFile, "--tls-client-auth", "require",
			fmt.Sprintf("--leader-eligibility=%t", eligible)), nil)
		r.waitServing(t)
		return r
	}
	instance("leader", true)
	follower := instance("follower", false)

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs: ca.Pool, Certificates: []tls.Certificate{clientCert},
	}}}
	defer client.CloseIdleConnections()
	registerFirstSchema(t, client, "https://"+follower.addr, follower)
}

// registerFirstSchema waits until the instance at base is ready (in a
// cluster: knows a leader, so that it takes writes) and registers the
// first schema of an empty registry through it.
func registerFirstSchema(t *testing.T, client *http.Client, base string, r *running) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if status, _, _ := get(client, base+"/health/ready"); status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after 20s; logs:\n%s", base, r.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	resp, err := client.Post(base+"/subjects/orders-value/versions", "application/vnd.schemaregistry.v1+json",
		strings.NewReader(`{"schema":"\"string\""}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != `{"id":1}` {
		t.Fatalf("register through %s: %d %s; logs:\n%s", base, resp.StatusCode, body, r.logs)
	}
}
