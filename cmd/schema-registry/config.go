package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/goschemaregistry/registry/compat"
	"github.com/goschemaregistry/registry/storage"
)

// config is every setting of the server. loadConfig fills it from, in
// increasing precedence, the defaults, the YAML file, the environment and the
// command line; the table in settings says where each field comes from.
type config struct {
	// File is the YAML file the configuration was read from, if any.
	File string

	Listen          string
	DataDir         string
	Compatibility   string
	ShutdownTimeout time.Duration
	Log             struct{ Level, Format string }
	Kafka           kafkaConfig
	Cluster         struct {
		AdvertisedURL     string
		LeaderEligibility bool
	}
	TLS    listenerTLSConfig
	Auth   struct{ UsersFile string }
	Limits struct {
		MaxBodyBytes          int64
		MaxHeaderBytes        int
		ReadHeaderTimeout     time.Duration
		ReadTimeout           time.Duration
		WriteTimeout          time.Duration
		IdleTimeout           time.Duration
		MaxConcurrentRequests int
		MaxConnections        int
		MaxSubjectLength      int
	}
}

// kafkaConfig is the Kafka backend of the log and of leader election.
type kafkaConfig struct {
	Brokers           []string
	Topic             string
	ReplicationFactor int
	GroupID           string
	Timeout           time.Duration
	SessionTimeout    time.Duration
	HeartbeatInterval time.Duration
	TLS               struct {
		Enabled                   bool
		CAFile, CertFile, KeyFile string
		InsecureSkipVerify        bool
	}
	SASL struct{ Mechanism, Username, Password string }
}

// listenerTLSConfig is TLS for the HTTP API, and the trust used when
// forwarding writes to the leader over it.
type listenerTLSConfig struct {
	CertFile, KeyFile, ClientCAFile, ClientAuth, CAFile string
}

// The accepted values of the enumerated settings.
var (
	logFormats     = []string{"text", "json"}
	clientAuths    = []string{"none", "request", "require"}
	saslMechanisms = []string{"", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}
)

// envPrefix starts the name of every setting's environment variable.
const envPrefix = "SCHEMA_REGISTRY_"

// configFileEnv names the YAML file when --config is not given.
const configFileEnv = envPrefix + "CONFIG"

// setting is one row of the configuration table.
type setting struct {
	// path is the key in the YAML file, dotted through nested mappings.
	path string
	// flag is the command-line flag, without its dashes. The environment
	// variable is derived from it (see env).
	flag string
	// def is the default, written as on the command line.
	def  string
	help string
	// secret settings are shown as "[redacted]" wherever the
	// configuration is logged.
	secret bool
	// value parses a setting into its field of the config.
	value settingValue
}

// settingValue is the parser of one kind of setting.
type settingValue interface {
	flag.Value
	// kind names the syntax of the value in --help, as "duration".
	kind() string
}

// env is the environment variable of the setting: the flag name in upper
// snake case, prefixed with SCHEMA_REGISTRY_.
func (s setting) env() string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(s.flag, "-", "_"))
}

// settings is the configuration table, bound to the fields of c.
func settings(c *config) []setting {
	return []setting{
		{path: "listen", flag: "listen", def: ":8081",
			help: "address to serve the API on", value: &textValue{p: &c.Listen}},
		{path: "data_dir", flag: "data-dir", def: "./data",
			help: "directory of the embedded log", value: &textValue{p: &c.DataDir}},
		{path: "compatibility", flag: "compatibility", def: "BACKWARD",
			help: "compatibility level used when none is configured", value: &textValue{p: &c.Compatibility, normalize: compatibilityLevel}},
		{path: "shutdown_timeout", flag: "shutdown-timeout", def: "10s",
			help: "how long requests in flight may take to finish at shutdown", value: duration(&c.ShutdownTimeout, time.Millisecond)},

		{path: "log.level", flag: "log-level", def: "info",
			help: "debug, info, warn or error", value: &textValue{p: &c.Log.Level, normalize: logLevel}},
		{path: "log.format", flag: "log-format", def: "text",
			help: "text or json", value: &textValue{p: &c.Log.Format, normalize: oneOf(logFormats)}},

		{path: "kafka.brokers", flag: "kafka-brokers", def: "",
			help: "Kafka bootstrap brokers, comma-separated; when set the log is a Kafka topic instead of the embedded file", value: &listValue{p: &c.Kafka.Brokers}},
		{path: "kafka.topic", flag: "kafka-topic", def: storage.DefaultKafkaTopic,
			help: "Kafka topic of the log", value: &textValue{p: &c.Kafka.Topic}},
		{path: "kafka.replication_factor", flag: "kafka-replication-factor", def: "3",
			help: "replication factor of the topic when it is created; lowered to the number of brokers, with a warning, on smaller clusters", value: integer(&c.Kafka.ReplicationFactor, 1)},
		{path: "kafka.group_id", flag: "group-id", def: "schema-registry",
			help: "Kafka group the instances elect their leader in", value: &textValue{p: &c.Kafka.GroupID}},
		{path: "kafka.timeout", flag: "kafka-timeout", def: "60s",
			help: "bound on opening the topic and on delivering each write", value: duration(&c.Kafka.Timeout, time.Millisecond)},
		{path: "kafka.session_timeout", flag: "kafka-session-timeout", def: "10s",
			help: "time without heartbeat after which the group drops an instance", value: duration(&c.Kafka.SessionTimeout, time.Millisecond)},
		{path: "kafka.heartbeat_interval", flag: "kafka-heartbeat-interval", def: "3s",
			help: "how often an instance heartbeats to the group", value: duration(&c.Kafka.HeartbeatInterval, time.Millisecond)},
		{path: "kafka.tls.enabled", flag: "kafka-tls-enabled", def: "false",
			help: "connect to the brokers over TLS", value: &boolValue{p: &c.Kafka.TLS.Enabled}},
		{path: "kafka.tls.ca_file", flag: "kafka-tls-ca-file", def: "",
			help: "PEM CA certificates trusted for the brokers; default the system roots", value: &textValue{p: &c.Kafka.TLS.CAFile}},
		{path: "kafka.tls.cert_file", flag: "kafka-tls-cert-file", def: "",
			help: "PEM client certificate presented to the brokers", value: &textValue{p: &c.Kafka.TLS.CertFile}},
		{path: "kafka.tls.key_file", flag: "kafka-tls-key-file", def: "",
			help: "PEM key of kafka.tls.cert_file", value: &textValue{p: &c.Kafka.TLS.KeyFile}},
		{path: "kafka.tls.insecure_skip_verify", flag: "kafka-tls-insecure-skip-verify", def: "false",
			help: "accept any broker certificate (testing only)", value: &boolValue{p: &c.Kafka.TLS.InsecureSkipVerify}},
		{path: "kafka.sasl.mechanism", flag: "kafka-sasl-mechanism", def: "",
			help: "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; empty for no SASL", value: &textValue{p: &c.Kafka.SASL.Mechanism, normalize: oneOf(saslMechanisms)}},
		{path: "kafka.sasl.username", flag: "kafka-sasl-username", def: "",
			help: "SASL user name", value: &textValue{p: &c.Kafka.SASL.Username}},
		{path: "kafka.sasl.password", flag: "kafka-sasl-password", def: "", secret: true,
			help: "SASL password", value: &textValue{p: &c.Kafka.SASL.Password}},

		{path: "cluster.advertised_url", flag: "advertised-url", def: "",
			help: "URL the other instances forward writes to; default http(s)://<hostname>:<port>", value: &textValue{p: &c.Cluster.AdvertisedURL}},
		{path: "cluster.leader_eligibility", flag: "leader-eligibility", def: "true",
			help: "whether this instance may be elected leader", value: &boolValue{p: &c.Cluster.LeaderEligibility}},

		{path: "tls.cert_file", flag: "tls-cert-file", def: "",
			help: "PEM certificate of the API; when set the API is served over HTTPS", value: &textValue{p: &c.TLS.CertFile}},
		{path: "tls.key_file", flag: "tls-key-file", def: "",
			help: "PEM key of tls.cert_file", value: &textValue{p: &c.TLS.KeyFile}},
		{path: "tls.client_ca_file", flag: "tls-client-ca-file", def: "",
			help: "PEM CA certificates that client certificates are verified against", value: &textValue{p: &c.TLS.ClientCAFile}},
		{path: "tls.client_auth", flag: "tls-client-auth", def: "none",
			help: "client certificates: none, request (verified when given) or require", value: &textValue{p: &c.TLS.ClientAuth, normalize: oneOf(clientAuths)}},
		{path: "tls.ca_file", flag: "tls-ca-file", def: "",
			help: "PEM CA certificates trusted for the leader when forwarding writes; default tls.client_ca_file, else the system roots", value: &textValue{p: &c.TLS.CAFile}},

		{path: "auth.users_file", flag: "auth-users-file", def: "",
			help: "YAML file of the API's users; when set every request needs HTTP Basic credentials", value: &textValue{p: &c.Auth.UsersFile}},

		{path: "limits.max_body_bytes", flag: "max-body-bytes", def: "16777216",
			help: "largest request body accepted", value: integer(&c.Limits.MaxBodyBytes, 1)},
		{path: "limits.max_header_bytes", flag: "limits-max-header-bytes", def: "1048576",
			help: "largest request header accepted", value: integer(&c.Limits.MaxHeaderBytes, 1)},
		{path: "limits.read_header_timeout", flag: "limits-read-header-timeout", def: "10s",
			help: "time allowed to read a request's header; 0 for none", value: duration(&c.Limits.ReadHeaderTimeout, 0)},
		{path: "limits.read_timeout", flag: "limits-read-timeout", def: "60s",
			help: "time allowed to read a whole request; 0 for none", value: duration(&c.Limits.ReadTimeout, 0)},
		{path: "limits.write_timeout", flag: "limits-write-timeout", def: "60s",
			help: "time allowed to answer a request once read; 0 for none", value: duration(&c.Limits.WriteTimeout, 0)},
		{path: "limits.idle_timeout", flag: "limits-idle-timeout", def: "120s",
			help: "time an idle keep-alive connection is kept; 0 for limits.read_timeout", value: duration(&c.Limits.IdleTimeout, 0)},
		{path: "limits.max_concurrent_requests", flag: "limits-max-concurrent-requests", def: "1024",
			help: "requests served at once; one more waits up to a second for a slot, then gets 429; 0 for no cap", value: integer(&c.Limits.MaxConcurrentRequests, 0)},
		{path: "limits.max_connections", flag: "limits-max-connections", def: "10000",
			help: "connections open at once; more wait to be accepted; 0 for no cap", value: integer(&c.Limits.MaxConnections, 0)},
		{path: "limits.max_subject_length", flag: "limits-max-subject-length", def: "1024",
			help: "longest subject name, in bytes", value: integer(&c.Limits.MaxSubjectLength, 1)},
	}
}

// loadConfig reads the configuration: the defaults, then the YAML file named
// by --config (or SCHEMA_REGISTRY_CONFIG), then the environment, read through
// lookupEnv, then the flags in args. Help and flag errors are written to
// usage; --help gives flag.ErrHelp.
func loadConfig(args []string, lookupEnv func(string) (string, bool), usage io.Writer) (config, error) {
	// A first pass over the flags finds --config and reports bad flags
	// and --help before anything else is read; the second, after the
	// file and the environment, lets the flags override both.
	var scratch config
	scratchTable := settings(&scratch)
	if err := applyDefaults(scratchTable); err != nil {
		return config{}, err
	}
	var file string
	fs := newFlagSet(scratchTable, &file, usage)
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if file == "" {
		file, _ = lookupEnv(configFileEnv)
	}

	cfg := config{File: file}
	table := settings(&cfg)
	if err := applyDefaults(table); err != nil {
		return config{}, err
	}
	if file != "" {
		if err := applyFile(table, file); err != nil {
			return config{}, err
		}
	}
	for _, s := range table {
		if v, ok := lookupEnv(s.env()); ok {
			if err := s.value.Set(v); err != nil {
				return config{}, fmt.Errorf("environment variable %s: %w", s.env(), err)
			}
		}
	}
	if err := newFlagSet(table, new(string), io.Discard).Parse(args); err != nil {
		return config{}, err
	}
	return cfg, cfg.validate()
}

func applyDefaults(table []setting) error {
	for _, s := range table {
		if err := s.value.Set(s.def); err != nil {
			return fmt.Errorf("default of %s: %w", s.path, err)
		}
	}
	return nil
}

// newFlagSet declares a flag for every setting, and --config.
func newFlagSet(table []setting, file *string, usage io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("schema-registry", flag.ContinueOnError)
	fs.SetOutput(usage)
	fs.Usage = func() {
		fmt.Fprintf(usage, "Usage: schema-registry [flags]\n\n"+
			"Every setting is read, in increasing precedence, from its default, the YAML\n"+
			"file given by --config, its environment variable and its flag.\n\n"+
			"  --config file\n\tYAML configuration file\n\tenv %s\n", configFileEnv)
		for _, s := range table {
			fmt.Fprintf(usage, "  --%s %s\n\t%s", s.flag, s.value.kind(), s.help)
			if s.def != "" {
				fmt.Fprintf(usage, " (default %s)", s.def)
			}
			fmt.Fprintf(usage, "\n\tyaml %s, env %s\n", s.path, s.env())
		}
	}
	fs.StringVar(file, "config", "", "")
	for _, s := range table {
		fs.Var(s.value, s.flag, s.help)
	}
	return fs
}

// applyFile sets the settings the YAML file at path holds; see applyYAML.
func applyFile(table []setting, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	return applyYAML(table, path, data)
}

// applyYAML sets the settings the YAML text data, read from the file at
// path, holds. A key that names no setting, a repeated key and a value of
// the wrong shape are errors naming the key and its line.
func applyYAML(table []setting, path string, data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	if len(doc.Content) == 0 {
		return nil // an empty file
	}
	byPath := map[string]setting{}
	groups := map[string]bool{}
	for _, s := range table {
		byPath[s.path] = s
		for i, c := range s.path {
			if c == '.' {
				groups[s.path[:i]] = true
			}
		}
	}
	fail := func(n *yaml.Node, format string, args ...any) error {
		return fmt.Errorf("config file %s, line %d: %s", path, n.Line, fmt.Sprintf(format, args...))
	}
	var walk func(n *yaml.Node, prefix string) error
	walk = func(n *yaml.Node, prefix string) error {
		n = dealias(n)
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return nil // a group left empty
		}
		if n.Kind != yaml.MappingNode {
			if prefix == "" {
				return fail(n, "want a mapping of settings")
			}
			return fail(n, "%s: want a mapping of settings", prefix)
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			keyNode, valueNode := n.Content[i], n.Content[i+1]
			key := keyNode.Value
			if prefix != "" {
				key = prefix + "." + key
			}
			if seen[key] {
				return fail(keyNode, "%s is given twice", key)
			}
			seen[key] = true
			s, isSetting := byPath[key]
			switch {
			case isSetting:
				text, err := scalarText(valueNode, s.value)
				if err == nil {
					err = s.value.Set(text)
				}
				if err != nil {
					return fail(valueNode, "%s: %v", key, err)
				}
			case groups[key]:
				if err := walk(valueNode, key); err != nil {
					return err
				}
			default:
				return fail(keyNode, "unknown key %q", key)
			}
		}
		return nil
	}
	return walk(doc.Content[0], "")
}

// scalarText is the text a YAML value gives its setting: the scalar, or for a
// list setting the items of a sequence joined by commas.
func scalarText(n *yaml.Node, value flag.Value) (string, error) {
	n = dealias(n)
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "", nil
		}
		return n.Value, nil
	case yaml.SequenceNode:
		if _, isList := value.(*listValue); isList {
			items := make([]string, len(n.Content))
			for i, item := range n.Content {
				if item = dealias(item); item.Kind != yaml.ScalarNode {
					return "", errors.New("want a list of single values")
				}
				items[i] = item.Value
			}
			return strings.Join(items, ","), nil
		}
	}
	return "", errors.New("want a single value")
}

func dealias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// validate checks what no single setting can: settings that need each other.
func (c *config) validate() error {
	if (c.TLS.CertFile == "") != (c.TLS.KeyFile == "") {
		return errors.New("tls.cert_file and tls.key_file must be set together")
	}
	if (c.Kafka.TLS.CertFile == "") != (c.Kafka.TLS.KeyFile == "") {
		return errors.New("kafka.tls.cert_file and kafka.tls.key_file must be set together")
	}
	if c.TLS.ClientAuth != "none" && (c.TLS.CertFile == "" || c.TLS.ClientCAFile == "") {
		return fmt.Errorf("tls.client_auth %s needs tls.cert_file and tls.client_ca_file", c.TLS.ClientAuth)
	}
	if !c.Kafka.TLS.Enabled && (c.Kafka.TLS.CAFile != "" || c.Kafka.TLS.CertFile != "" || c.Kafka.TLS.InsecureSkipVerify) {
		return errors.New("kafka.tls settings are given but kafka.tls.enabled is false")
	}
	sasl := c.Kafka.SASL
	if sasl.Mechanism == "" && (sasl.Username != "" || sasl.Password != "") {
		return errors.New("kafka.sasl.username or password is given but kafka.sasl.mechanism is not")
	}
	if sasl.Mechanism != "" && sasl.Username == "" {
		return fmt.Errorf("kafka.sasl.mechanism %s needs kafka.sasl.username", sasl.Mechanism)
	}
	if c.Kafka.HeartbeatInterval >= c.Kafka.SessionTimeout {
		return fmt.Errorf("kafka.heartbeat_interval (%v) must be shorter than kafka.session_timeout (%v)",
			c.Kafka.HeartbeatInterval, c.Kafka.SessionTimeout)
	}
	return nil
}

// logAttr is the effective configuration as one log attribute, secrets
// redacted, settings in the table's order.
func (c *config) logAttr() slog.Attr {
	table := settings(c)
	attrs := make([]any, 0, len(table)+1)
	attrs = append(attrs, slog.String("file", c.File))
	for _, s := range table {
		shown := s.value.String()
		if s.secret && shown != "" {
			shown = "[redacted]"
		}
		attrs = append(attrs, slog.String(s.path, shown))
	}
	return slog.Group("config", attrs...)
}

// The value types of the table. Each implements flag.Value, so one parser
// serves the file, the environment and the flags.

// textValue is a string setting, optionally checked and put in canonical
// form by normalize.
type textValue struct {
	p         *string
	normalize func(string) (string, error)
}

func (v *textValue) Set(s string) error {
	if v.normalize != nil {
		var err error
		if s, err = v.normalize(s); err != nil {
			return err
		}
	}
	*v.p = s
	return nil
}

func (v *textValue) kind() string { return "string" }

func (v *textValue) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

// oneOf accepts the given values, in any case, and gives their spelling.
func oneOf(choices []string) func(string) (string, error) {
	return func(s string) (string, error) {
		for _, c := range choices {
			if strings.EqualFold(s, c) {
				return c, nil
			}
		}
		return "", fmt.Errorf("%q is not one of %s", s, strings.Join(choices, ", "))
	}
}

func compatibilityLevel(s string) (string, error) {
	level, ok := compat.ParseLevel(s)
	if !ok {
		return "", fmt.Errorf("unknown compatibility level %q", s)
	}
	return string(level), nil
}

func logLevel(s string) (string, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(s)); err != nil {
		return "", fmt.Errorf("unknown log level %q; want debug, info, warn or error", s)
	}
	return strings.ToLower(level.String()), nil
}

// boolValue is a boolean setting; as a flag it may be given without a value.
type boolValue struct{ p *bool }

func (v *boolValue) Set(s string) error {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("%q is not a boolean; want true or false", s)
	}
	*v.p = b
	return nil
}

func (v *boolValue) String() string { return fmt.Sprint(v.p != nil && *v.p) }

func (v *boolValue) kind() string { return "bool" }

// IsBoolFlag lets the flag be given as --name, meaning true.
func (v *boolValue) IsBoolFlag() bool { return true }

// numberValue is an integer or duration setting with a lower bound.
type numberValue[T int | int64 | time.Duration] struct {
	p     *T
	min   T
	parse func(string) (T, error)
}

func integer[T int | int64](p *T, min T) *numberValue[T] {
	return &numberValue[T]{p: p, min: min, parse: func(s string) (T, error) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || int64(T(n)) != n {
			return 0, fmt.Errorf("%q is not an integer", s)
		}
		return T(n), nil
	}}
}

func duration(p *time.Duration, min time.Duration) *numberValue[time.Duration] {
	return &numberValue[time.Duration]{p: p, min: min, parse: func(s string) (time.Duration, error) {
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration such as 30s or 1m", s)
		}
		return d, nil
	}}
}

func (v *numberValue[T]) Set(s string) error {
	n, err := v.parse(strings.TrimSpace(s))
	if err != nil {
		return err
	}
	if n < v.min {
		return fmt.Errorf("%v is less than %v", n, v.min)
	}
	*v.p = n
	return nil
}

func (v *numberValue[T]) kind() string {
	if _, isDuration := any(v.min).(time.Duration); isDuration {
		return "duration"
	}
	return "integer"
}

func (v *numberValue[T]) String() string {
	if v.p == nil {
		return ""
	}
	return fmt.Sprint(*v.p)
}

// listValue is a list setting: comma-separated on the command line and in
// the environment, a YAML sequence or such a string in the file.
type listValue struct{ p *[]string }

func (v *listValue) Set(s string) error {
	var items []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	*v.p = items
	return nil
}

func (v *listValue) kind() string { return "list" }

func (v *listValue) String() string {
	if v.p == nil {
		return ""
	}
	return strings.Join(*v.p, ",")
}
