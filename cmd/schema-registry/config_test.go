package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// envOf returns a lookupEnv reading from vars.
func envOf(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

// writeFile writes content to a new file in the test's temp dir.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// yamlFor writes a dotted setting path as nested YAML mappings.
func yamlFor(path, value string) string {
	var b strings.Builder
	keys := strings.Split(path, ".")
	for i, key := range keys {
		b.WriteString(strings.Repeat("  ", i) + key + ":")
		if i == len(keys)-1 {
			b.WriteString(" " + value)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(nil, envOf(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"listen", cfg.Listen, ":8081"},
		{"data_dir", cfg.DataDir, "./data"},
		{"compatibility", cfg.Compatibility, "BACKWARD"},
		{"log.format", cfg.Log.Format, "text"},
		{"kafka.brokers", cfg.Kafka.Brokers, []string(nil)},
		{"kafka.topic", cfg.Kafka.Topic, "_schemas"},
		{"kafka.replication_factor", cfg.Kafka.ReplicationFactor, 3},
		{"kafka.group_id", cfg.Kafka.GroupID, "schema-registry"},
		{"kafka.timeout", cfg.Kafka.Timeout, time.Minute},
		{"cluster.leader_eligibility", cfg.Cluster.LeaderEligibility, true},
		{"tls.client_auth", cfg.TLS.ClientAuth, "none"},
		{"limits.max_body_bytes", cfg.Limits.MaxBodyBytes, int64(16 << 20)},
		{"limits.max_header_bytes", cfg.Limits.MaxHeaderBytes, 1 << 20},
		{"limits.max_concurrent_requests", cfg.Limits.MaxConcurrentRequests, 1024},
		{"limits.max_connections", cfg.Limits.MaxConnections, 10000},
		{"limits.read_header_timeout", cfg.Limits.ReadHeaderTimeout, 10 * time.Second},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

// TestConfigPrecedence sets one setting of each kind in the file, the
// environment and on the command line, and checks that the flag beats the
// environment, which beats the file.
func TestConfigPrecedence(t *testing.T) {
	probes := []struct {
		path, flag              string
		file, env, flagValue    string
		needs                   []string // flags of settings this one needs
		get                     func(config) any
		wantFile, wantEnv, want any
	}{
		{path: "listen", flag: "listen", file: "file:1", env: "env:2", flagValue: "flag:3",
			get: func(c config) any { return c.Listen }, wantFile: "file:1", wantEnv: "env:2", want: "flag:3"},
		{path: "cluster.leader_eligibility", flag: "leader-eligibility", file: "false", env: "true", flagValue: "false",
			get: func(c config) any { return c.Cluster.LeaderEligibility }, wantFile: false, wantEnv: true, want: false},
		{path: "kafka.replication_factor", flag: "kafka-replication-factor", file: "1", env: "2", flagValue: "5",
			get: func(c config) any { return c.Kafka.ReplicationFactor }, wantFile: 1, wantEnv: 2, want: 5},
		{path: "limits.max_body_bytes", flag: "max-body-bytes", file: "100", env: "200", flagValue: "300",
			get: func(c config) any { return c.Limits.MaxBodyBytes }, wantFile: int64(100), wantEnv: int64(200), want: int64(300)},
		{path: "kafka.timeout", flag: "kafka-timeout", file: "5s", env: "1m", flagValue: "250ms",
			get: func(c config) any { return c.Kafka.Timeout }, wantFile: 5 * time.Second, wantEnv: time.Minute, want: 250 * time.Millisecond},
		{path: "kafka.brokers", flag: "kafka-brokers", file: "[a:1, b:2]", env: "c:3", flagValue: "d:4, e:5",
			get: func(c config) any { return c.Kafka.Brokers }, wantFile: []string{"a:1", "b:2"}, wantEnv: []string{"c:3"}, want: []string{"d:4", "e:5"}},
		{path: "log.format", flag: "log-format", file: "json", env: "TEXT", flagValue: "Json",
			get: func(c config) any { return c.Log.Format }, wantFile: "json", wantEnv: "text", want: "json"},
		{path: "kafka.sasl.password", flag: "kafka-sasl-password", file: "from-file", env: "from-env", flagValue: "from-flag",
			needs: []string{"--kafka-sasl-mechanism=PLAIN", "--kafka-sasl-username=u"},
			get:   func(c config) any { return c.Kafka.SASL.Password }, wantFile: "from-file", wantEnv: "from-env", want: "from-flag"},
	}
	for _, p := range probes {
		t.Run(p.path, func(t *testing.T) {
			file := writeFile(t, "config.yaml", yamlFor(p.path, p.file))
			env := map[string]string{}
			layers := []struct {
				name string
				args []string
				want any
			}{
				{"file", []string{"--config", file}, p.wantFile},
				{"env over file", []string{"--config", file}, p.wantEnv},
				{"flag over env and file", []string{"--config", file, "--" + p.flag + "=" + p.flagValue}, p.want},
			}
			for i, layer := range layers {
				if i == 1 {
					env[envPrefix+strings.ToUpper(strings.ReplaceAll(p.flag, "-", "_"))] = p.env
				}
				cfg, err := loadConfig(append(layer.args, p.needs...), envOf(env), io.Discard)
				if err != nil {
					t.Fatalf("%s: %v", layer.name, err)
				}
				if got := p.get(cfg); !reflect.DeepEqual(got, layer.want) {
					t.Errorf("%s: got %#v, want %#v", layer.name, got, layer.want)
				}
			}
		})
	}
}

func TestConfigFileFromEnvironment(t *testing.T) {
	fromEnv := writeFile(t, "env.yaml", "listen: env-file:1\n")
	fromFlag := writeFile(t, "flag.yaml", "listen: flag-file:1\n")
	env := envOf(map[string]string{configFileEnv: fromEnv})
	cfg, err := loadConfig(nil, env, io.Discard)
	if err != nil || cfg.Listen != "env-file:1" || cfg.File != fromEnv {
		t.Errorf("file from %s: listen %q, file %q, err %v", configFileEnv, cfg.Listen, cfg.File, err)
	}
	cfg, err = loadConfig([]string{"--config", fromFlag}, env, io.Discard)
	if err != nil || cfg.Listen != "flag-file:1" {
		t.Errorf("--config over %s: listen %q, err %v", configFileEnv, cfg.Listen, err)
	}
}

// TestConfigLegacyNames keeps the flags and environment variables of the
// first releases working.
func TestConfigLegacyNames(t *testing.T) {
	names := []struct {
		flag, env, value string
		get              func(config) string
	}{
		{"listen", "SCHEMA_REGISTRY_LISTEN", ":9", func(c config) string { return c.Listen }},
		{"data-dir", "SCHEMA_REGISTRY_DATA_DIR", "/d", func(c config) string { return c.DataDir }},
		{"compatibility", "SCHEMA_REGISTRY_COMPATIBILITY", "FULL", func(c config) string { return c.Compatibility }},
		{"max-body-bytes", "SCHEMA_REGISTRY_MAX_BODY_BYTES", "7", func(c config) string { return fmt.Sprint(c.Limits.MaxBodyBytes) }},
		{"log-level", "SCHEMA_REGISTRY_LOG_LEVEL", "debug", func(c config) string { return c.Log.Level }},
		{"kafka-brokers", "SCHEMA_REGISTRY_KAFKA_BROKERS", "k:1,k:2", func(c config) string { return strings.Join(c.Kafka.Brokers, ",") }},
		{"kafka-topic", "SCHEMA_REGISTRY_KAFKA_TOPIC", "t", func(c config) string { return c.Kafka.Topic }},
		{"group-id", "SCHEMA_REGISTRY_GROUP_ID", "g", func(c config) string { return c.Kafka.GroupID }},
		{"advertised-url", "SCHEMA_REGISTRY_ADVERTISED_URL", "http://h:1", func(c config) string { return c.Cluster.AdvertisedURL }},
		{"leader-eligibility", "SCHEMA_REGISTRY_LEADER_ELIGIBILITY", "false", func(c config) string { return fmt.Sprint(c.Cluster.LeaderEligibility) }},
	}
	for _, n := range names {
		fromEnv, err := loadConfig(nil, envOf(map[string]string{n.env: n.value}), io.Discard)
		if err != nil || n.get(fromEnv) != n.value {
			t.Errorf("%s=%s: got %q, err %v", n.env, n.value, n.get(fromEnv), err)
		}
		fromFlag, err := loadConfig([]string{"--" + n.flag, n.value}, envOf(nil), io.Discard)
		if n.flag == "leader-eligibility" {
			// A boolean flag takes its value after "=".
			fromFlag, err = loadConfig([]string{"--" + n.flag + "=" + n.value}, envOf(nil), io.Discard)
		}
		if err != nil || n.get(fromFlag) != n.value {
			t.Errorf("--%s %s: got %q, err %v", n.flag, n.value, n.get(fromFlag), err)
		}
	}
}

func TestConfigTableIsConsistent(t *testing.T) {
	var cfg config
	flags, envs, paths := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, s := range settings(&cfg) {
		if flags[s.flag] || envs[s.env()] || paths[s.path] {
			t.Errorf("setting %s repeats a flag, environment variable or key", s.path)
		}
		flags[s.flag], envs[s.env()], paths[s.path] = true, true, true
		if s.help == "" {
			t.Errorf("setting %s has no help", s.path)
		}
		// A key may not be both a setting and a group of settings.
		for other := range paths {
			if strings.HasPrefix(s.path, other+".") || strings.HasPrefix(other, s.path+".") {
				t.Errorf("%s and %s overlap", s.path, other)
			}
		}
	}
}

func TestConfigFileErrors(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"unknown top-level key", "listen: :1\nlisten_addr: :2\n", `line 2: unknown key "listen_addr"`},
		{"unknown nested key", "kafka:\n  tls:\n    enabled: true\n    enabld: true\n", `line 4: unknown key "kafka.tls.enabld"`},
		{"unknown group", "kafak:\n  brokers: [a:1]\n", `line 1: unknown key "kafak"`},
		{"setting given a mapping", "listen:\n  host: x\n", `line 2: listen: want a single value`},
		{"scalar setting given a list", "listen: [a, b]\n", `line 1: listen: want a single value`},
		{"group given a value", "kafka: localhost:9092\n", `line 1: kafka: want a mapping of settings`},
		{"key given twice", "kafka:\n  topic: a\n  topic: b\n", `line 3: kafka.topic is given twice`},
		{"bad duration", "kafka:\n  timeout: 30\n", `line 2: kafka.timeout: "30" is not a duration`},
		{"bad integer", "limits:\n  max_body_bytes: 1MB\n", `line 2: limits.max_body_bytes: "1MB" is not an integer`},
		{"below minimum", "kafka:\n  replication_factor: 0\n", `line 2: kafka.replication_factor: 0 is less than 1`},
		{"bad boolean", "kafka:\n  tls:\n    enabled: maybe\n", `line 3: kafka.tls.enabled: "maybe" is not a boolean`},
		{"bad choice", "log:\n  format: xml\n", `line 2: log.format: "xml" is not one of text, json`},
		{"not a mapping", "- listen\n", "want a mapping of settings"},
		{"not YAML", "listen: [\n", "config file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := writeFile(t, "config.yaml", c.yaml)
			_, err := loadConfig([]string{"--config", file}, envOf(nil), io.Discard)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
	if _, err := loadConfig([]string{"--config", filepath.Join(t.TempDir(), "missing.yaml")}, envOf(nil), io.Discard); err == nil {
		t.Error("a missing config file was accepted")
	}
}

func TestConfigFileShapes(t *testing.T) {
	file := writeFile(t, "config.yaml", `
# comments, anchors, an empty group and a list given as a string
kafka:
  brokers: "a:1, b:2"
  tls:
tls:
  cert_file: &cert /etc/cert.pem
  key_file: *cert
log: {level: WARN}
`)
	cfg, err := loadConfig([]string{"--config", file}, envOf(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg.Kafka.Brokers, []string{"a:1", "b:2"}) || cfg.TLS.KeyFile != "/etc/cert.pem" || cfg.Log.Level != "warn" {
		t.Errorf("got brokers %q, key file %q, log level %q", cfg.Kafka.Brokers, cfg.TLS.KeyFile, cfg.Log.Level)
	}
	empty := writeFile(t, "empty.yaml", "")
	if _, err := loadConfig([]string{"--config", empty}, envOf(nil), io.Discard); err != nil {
		t.Errorf("empty file: %v", err)
	}
}

func TestConfigBadValues(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"env integer", map[string]string{"SCHEMA_REGISTRY_KAFKA_REPLICATION_FACTOR": "three"}, nil,
			`environment variable SCHEMA_REGISTRY_KAFKA_REPLICATION_FACTOR: "three" is not an integer`},
		{"env boolean", map[string]string{"SCHEMA_REGISTRY_LEADER_ELIGIBILITY": ""}, nil,
			`environment variable SCHEMA_REGISTRY_LEADER_ELIGIBILITY: "" is not a boolean`},
		{"env duration", map[string]string{"SCHEMA_REGISTRY_LIMITS_READ_TIMEOUT": "-1s"}, nil,
			`environment variable SCHEMA_REGISTRY_LIMITS_READ_TIMEOUT: -1s is less than 0s`},
		{"flag compatibility", nil, []string{"--compatibility", "SIDEWAYS"},
			`flag -compatibility: unknown compatibility level "SIDEWAYS"`},
		{"flag log level", nil, []string{"--log-level", "loud"}, `flag -log-level: unknown log level "loud"`},
		{"flag sasl mechanism", nil, []string{"--kafka-sasl-mechanism", "GSSAPI"}, `flag -kafka-sasl-mechanism: "GSSAPI" is not one of`},
		{"flag client auth", nil, []string{"--tls-client-auth", "maybe"}, `flag -tls-client-auth: "maybe" is not one of none, request, require`},
		{"flag concurrency", nil, []string{"--limits-max-concurrent-requests", "-1"}, "flag -limits-max-concurrent-requests: -1 is less than 0"},
		{"flag positive duration", nil, []string{"--shutdown-timeout", "0s"}, "flag -shutdown-timeout: 0s is less than 1ms"},
		{"unknown flag", nil, []string{"--kafka-brokerz", "x"}, "flag provided but not defined: -kafka-brokerz"},
		{"argument", nil, []string{"serve"}, `unexpected argument "serve"`},
		{"cert without key", nil, []string{"--tls-cert-file", "c.pem"}, "tls.cert_file and tls.key_file must be set together"},
		{"kafka key without cert", nil, []string{"--kafka-tls-enabled", "--kafka-tls-key-file", "k.pem"}, "kafka.tls.cert_file and kafka.tls.key_file must be set together"},
		{"client auth without CA", nil, []string{"--tls-cert-file", "c", "--tls-key-file", "k", "--tls-client-auth", "require"},
			"tls.client_auth require needs tls.cert_file and tls.client_ca_file"},
		{"kafka TLS not enabled", nil, []string{"--kafka-tls-ca-file", "ca.pem"}, "kafka.tls.enabled is false"},
		{"SASL user without mechanism", nil, []string{"--kafka-sasl-username", "u"}, "kafka.sasl.mechanism is not"},
		{"SASL mechanism without user", nil, []string{"--kafka-sasl-mechanism", "PLAIN"}, "needs kafka.sasl.username"},
		{"heartbeat too slow", nil, []string{"--kafka-heartbeat-interval", "10s"}, "must be shorter than kafka.session_timeout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadConfig(c.args, envOf(c.env), io.Discard)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func TestConfigHelp(t *testing.T) {
	var usage bytes.Buffer
	_, err := loadConfig([]string{"--help"}, envOf(nil), &usage)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("--help: %v", err)
	}
	var cfg config
	for _, s := range settings(&cfg) {
		for _, want := range []string{"--" + s.flag + " ", s.env(), "yaml " + s.path + ","} {
			if !strings.Contains(usage.String(), want) {
				t.Errorf("--help does not mention %q", want)
			}
		}
	}
}

// TestConfigSecretsRedacted logs the configuration with the password given
// by each source, in both log formats, and looks for it in the output.
func TestConfigSecretsRedacted(t *testing.T) {
	const password = "s3cret-Pa55"
	sasl := []string{"--kafka-sasl-mechanism=SCRAM-SHA-512", "--kafka-sasl-username=registry"}
	file := writeFile(t, "config.yaml", "kafka:\n  sasl:\n    password: "+password+"\n")
	sources := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"file", append([]string{"--config", file}, sasl...), nil},
		{"env", sasl, map[string]string{"SCHEMA_REGISTRY_KAFKA_SASL_PASSWORD": password}},
		{"flag", append([]string{"--kafka-sasl-password", password}, sasl...), nil},
	}
	for _, source := range sources {
		for _, format := range logFormats {
			args := append([]string{"--log-format", format}, source.args...)
			cfg, err := loadConfig(args, envOf(source.env), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Kafka.SASL.Password != password {
				t.Fatalf("%s: the password was not read", source.name)
			}
			var logs bytes.Buffer
			newLogger(cfg, &logs).Info("configuration", cfg.logAttr())
			out := logs.String()
			if strings.Contains(out, password) || !strings.Contains(out, "[redacted]") || !strings.Contains(out, "registry") {
				t.Errorf("%s, %s logs: password not redacted:\n%s", source.name, format, out)
			}
		}
	}
	// An unset secret is shown as unset, not as redacted.
	cfg, err := loadConfig(nil, envOf(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	newLogger(cfg, &logs).Info("configuration", cfg.logAttr())
	if strings.Contains(logs.String(), "[redacted]") {
		t.Errorf("an empty password is shown as redacted: %s", logs.String())
	}
}

// TestREADMEListsEverySetting keeps the configuration reference of README.md
// in step with the table.
func TestREADMEListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var cfg config
	for _, s := range settings(&cfg) {
		row := fmt.Sprintf("| `%s` | `--%s` | `%s` |", s.path, s.flag, s.env())
		if !bytes.Contains(readme, []byte(row)) {
			t.Errorf("README.md has no row %s", row)
		}
	}
}
