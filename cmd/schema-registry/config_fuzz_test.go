package main

import (
	"io"
	"reflect"
	"strings"
	"testing"
)

// FuzzConfigFile feeds arbitrary config files to the file parser: it fails
// with an error naming the file, or sets values that the same settings given
// as flags reproduce exactly, valid or invalid alike.
func FuzzConfigFile(f *testing.F) {
	for _, seed := range []string{
		`# registry.yaml
listen: ":8081"
compatibility: BACKWARD
log:
  level: info
  format: json
kafka:
  brokers: [kafka-1:9093, kafka-2:9093, kafka-3:9093]
  replication_factor: 3
  tls:
    enabled: true
    ca_file: /etc/registry/kafka-ca.pem
  sasl:
    mechanism: SCRAM-SHA-512
    username: schema-registry
cluster:
  advertised_url: https://registry-1.example.com:8081
tls:
  cert_file: /etc/registry/tls.pem
  key_file: /etc/registry/tls-key.pem
  client_ca_file: /etc/registry/clients-ca.pem
  client_auth: require
auth:
  users_file: /etc/registry/users.yaml
limits:
  max_concurrent_requests: 1024
`,
		"data_dir: /var/lib/registry\nshutdown_timeout: 1m30s\ncompatibility: full_transitive\n" +
			"kafka:\n  brokers: \"a:1, b:2\"\n  timeout: 250ms\n  session_timeout: 45s\n  heartbeat_interval: 15s\n  group_id: sr\n  topic: _schemas\n" +
			"limits:\n  max_body_bytes: 1048576\n  max_header_bytes: 65536\n  read_header_timeout: 0\n  idle_timeout: 2m\n  max_connections: 0\n  max_subject_length: 255\n" +
			"cluster:\n  leader_eligibility: false\n",
		`{"listen": ":9000", "log": {"level": "DEBUG", "format": "TEXT"}, "kafka": {"brokers": ["x:1"], "sasl": {"mechanism": "plain", "username": "u", "password": "p"}}}`,
		"kafka:\n  tls:\ntls:\n  cert_file: &cert /etc/cert.pem\n  key_file: *cert\nlog: {level: WARN}\n",
		"kafka:\n  tls: &t\n    enabled: true\n  heartbeat_interval: 20s\n",
		"log:\n  level: info+2\n",
		"",
		"# only a comment\n",
		"listen: :1\nlisten_addr: :2\n",
		"kafka:\n  tls:\n    enabled: maybe\n",
		"kafka:\n  topic: a\n  topic: b\n",
		"kafka: localhost:9092\n",
		"listen: [a, b]\n",
		"kafka:\n  brokers: [[a], {b: c}]\n",
		"limits:\n  max_body_bytes: 99999999999999999999\n",
		"kafka:\n  replication_factor: 0\n",
		"- listen\n",
		"listen: [\n",
		"--- \nlisten: :1\n---\nlisten: :2\n",
		"<<: {listen: :1}\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var fromFile config
		table := settings(&fromFile)
		if err := applyDefaults(table); err != nil {
			t.Fatal(err)
		}
		if err := applyYAML(table, "fuzz.yaml", data); err != nil {
			if !strings.HasPrefix(err.Error(), "config file fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		args := make([]string, len(table))
		for i, s := range table {
			args[i] = "--" + s.flag + "=" + s.value.String()
		}
		fromFlags, err := loadConfig(args, envOf(nil), io.Discard)
		if !reflect.DeepEqual(fromFlags, fromFile) {
			t.Fatalf("the file gave\n%+v\nand the same values as flags\n%+v", fromFile, fromFlags)
		}
		if fileErr := fromFile.validate(); (fileErr == nil) != (err == nil) {
			t.Fatalf("from the file validation says %v; from flags %v", fileErr, err)
		}
	})
}
