package test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The srctl binary, built once per test run next to the registry binary.
var (
	srctlOnce  sync.Once
	srctlPath  string
	srctlBuild error
)

func srctlBinary(t *testing.T) string {
	t.Helper()
	srctlOnce.Do(func() {
		srctlPath = filepath.Join(filepath.Dir(registryBinary), "srctl")
		args := []string{"build", "-o", srctlPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		out, err := exec.Command("go", append(args, "github.com/goschemaregistry/registry/cmd/srctl")...).CombinedOutput()
		if err != nil {
			srctlBuild = fmt.Errorf("building srctl: %v\n%s", err, out)
		}
	})
	if srctlBuild != nil {
		t.Fatal(srctlBuild)
	}
	return srctlPath
}

// srctlResult is how one srctl run ended.
type srctlResult struct {
	code           int
	stdout, stderr string
}

func (r srctlResult) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// srctl runs srctl against url (set through SCHEMA_REGISTRY_URL, which
// exercises the environment) in dir, with args.
func srctl(t *testing.T, dir, url string, args ...string) srctlResult {
	t.Helper()
	cmd := exec.Command(srctlBinary(t), args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SCHEMA_REGISTRY_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "SCHEMA_REGISTRY_URL="+url)
	if raceEnabled {
		cmd.Env = append(cmd.Env, "GORACE=atexit_sleep_ms=0")
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := srctlResult{stdout: stdout.String(), stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		res.code = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("running srctl %v: %v", args, err)
	}
	if strings.Contains(res.stderr, "WARNING: DATA RACE") {
		t.Errorf("srctl %v had a data race:\n%s", args, res.stderr)
	}
	return res
}

// mustSrctl runs srctl and fails the test unless it exits with want.
func mustSrctl(t *testing.T, want int, dir, url string, args ...string) srctlResult {
	t.Helper()
	res := srctl(t, dir, url, args...)
	if res.code != want {
		t.Fatalf("srctl %s: want exit %d, got %s", strings.Join(args, " "), want, res)
	}
	return res
}

// writeFiles writes name -> content files into dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Schemas of the srctl tests: a referenced schema, a first version, a
// compatible next version and a breaking one, in each format.
var srctlSchemas = map[string]string{
	"avro/common.avsc": `{"type":"record","name":"Common","namespace":"acme","fields":[{"name":"a","type":"string"}]}`,
	"avro/v1.avsc":     `{"type":"record","name":"Order","namespace":"acme","fields":[{"name":"id","type":"long"},{"name":"c","type":"acme.Common"}]}`,
	"avro/v2.avsc":     `{"type":"record","name":"Order","namespace":"acme","fields":[{"name":"id","type":"long"},{"name":"c","type":"acme.Common"},{"name":"note","type":"string","default":""}]}`,
	"avro/bad.avsc":    `{"type":"record","name":"Order","namespace":"acme","fields":[{"name":"id","type":"long"},{"name":"c","type":"acme.Common"},{"name":"qty","type":"int"}]}`,

	"proto/common.proto": "syntax = \"proto3\";\npackage acme;\n\nmessage Common {\n  string a = 1;\n}\n",
	"proto/v1.proto":     "syntax = \"proto3\";\npackage acme;\nimport \"common.proto\";\n\nmessage Order {\n  int64 id = 1;\n  int32 qty = 2;\n  acme.Common c = 3;\n}\n",
	"proto/v2.proto":     "syntax = \"proto3\";\npackage acme;\nimport \"common.proto\";\n\nmessage Order {\n  int64 id = 1;\n  int32 qty = 2;\n  acme.Common c = 3;\n  string note = 4;\n}\n",
	"proto/bad.proto":    "syntax = \"proto3\";\npackage acme;\nimport \"common.proto\";\n\nmessage Order {\n  int64 id = 1;\n  string qty = 2;\n  acme.Common c = 3;\n}\n",

	"json/common.json": `{"$id":"https://acme.example/common.json","type":"object","properties":{"a":{"type":"string"}}}`,
	"json/v1.json":     `{"type":"object","properties":{"id":{"type":"integer"},"c":{"$ref":"https://acme.example/common.json"}},"additionalProperties":false}`,
	"json/v2.json":     `{"type":"object","properties":{"id":{"type":"integer"},"c":{"$ref":"https://acme.example/common.json"},"note":{"type":"string"}},"additionalProperties":false}`,
	"json/bad.json":    `{"type":"object","properties":{"id":{"type":"string"},"c":{"$ref":"https://acme.example/common.json"}},"additionalProperties":false}`,

	// References of the Protobuf and JSON files, through references files.
	"proto/refs.yaml": "v1.proto: [{name: common.proto, subject: protobuf-common, version: latest}]\n" +
		"v2.proto: [{name: common.proto, subject: protobuf-common, version: 1}]\n" +
		"bad.proto: [{name: common.proto, subject: protobuf-common, version: 1}]\n",
	"json/refs.json": `{"v1.json":[{"name":"https://acme.example/common.json","subject":"json-common","version":"1"}],` +
		`"v2.json":[{"name":"https://acme.example/common.json","subject":"json-common","version":"1"}],` +
		`"bad.json":[{"name":"https://acme.example/common.json","subject":"json-common","version":"1"}]}`,
	"notes.txt": "not a schema",
}

// srctlFormat is how the tests use one format's files.
type srctlFormat struct {
	name    string
	dir     string   // directory of its files
	ext     string   // extension of its files
	refArgs []string // flags giving the references of v1, v2 and bad
	// breakage is a piece of the reason the breaking change is refused
	// with, location included.
	breakage string
}

var srctlFormats = []srctlFormat{
	{"avro", "avro", ".avsc", []string{"--ref", "acme.Common=avro-common:1"},
		"The field 'qty' at path '/fields/2' in the new schema has no default value"},
	{"protobuf", "proto", ".proto", []string{"--references", "proto/refs.yaml"},
		"The kind of a SCALAR field at path '#/Order/2' in the new schema does not match"},
	{"json", "json", ".json", []string{"--references", "json/refs.json"},
		"A type at path '#/properties/id' is different between the new schema and the old schema"},
}

// setUpSrctlRegistry starts a registry holding, for each format, the
// subject <format>-common and the subject <format> with v1 referencing it,
// registered through srctl; it returns the registry and the directory of
// the schema files.
func setUpSrctlRegistry(t *testing.T) (*registryProcess, string) {
	t.Helper()
	r := startRegistry(t)
	dir := t.TempDir()
	writeFiles(t, dir, srctlSchemas)
	for _, f := range srctlFormats {
		mustSrctl(t, 0, dir, r.URL, "register", f.name+"-common", f.dir+"/common"+f.ext)
		mustSrctl(t, 0, dir, r.URL, append([]string{"register", f.name, f.dir + "/v1" + f.ext}, f.refArgs...)...)
	}
	return r, dir
}

// TestSrctlCheckExitCodes checks the exit codes and reasons of check in
// every format: through the registry at the subject's level, locally with
// --level, and on errors.
func TestSrctlCheckExitCodes(t *testing.T) {
	t.Parallel()
	r, dir := setUpSrctlRegistry(t)
	for _, f := range srctlFormats {
		tests := []struct {
			name   string
			args   []string
			code   int
			output []string // pieces of stdout
		}{
			{"compatible", []string{"check", f.name, f.dir + "/v2" + f.ext}, 0,
				[]string{"compatible with subject " + f.name + " (BACKWARD)"}},
			{"breaking", []string{"check", f.name, f.dir + "/bad" + f.ext}, 1,
				[]string{"NOT compatible with subject " + f.name + " (BACKWARD)", f.breakage, "{oldSchemaVersion: 1}"}},
			{"one breaking file of two", []string{"check", f.name, f.dir + "/v2" + f.ext, f.dir + "/bad" + f.ext}, 1,
				[]string{"v2" + f.ext + ": compatible", "bad" + f.ext + ": NOT compatible"}},
			{"breaking allowed by --level NONE", []string{"check", f.name, f.dir + "/bad" + f.ext, "--level", "none"}, 0,
				[]string{"compatible with subject " + f.name + " (NONE)"}},
			{"breaking found locally", []string{"check", f.name, f.dir + "/bad" + f.ext, "--level", "BACKWARD_TRANSITIVE"}, 1,
				[]string{"(BACKWARD_TRANSITIVE)", f.breakage}},
			{"compatible locally", []string{"check", f.name, f.dir + "/v2" + f.ext, "--level", "BACKWARD"}, 0,
				[]string{"compatible with subject " + f.name + " (BACKWARD)"}},
			{"new subject", []string{"check", f.name + "-new", f.dir + "/bad" + f.ext}, 0,
				[]string{"subject " + f.name + "-new has no versions yet"}},
			{"type from --type", []string{"check", f.name, "notes.txt", "--type", f.name}, 1,
				[]string{"notes.txt: NOT compatible"}},
			{"missing file", []string{"check", f.name, f.dir + "/missing" + f.ext}, 2, nil},
		}
		for _, tc := range tests {
			t.Run(f.name+"/"+tc.name, func(t *testing.T) {
				args := append(tc.args, f.refArgs...)
				res := mustSrctl(t, tc.code, dir, r.URL, args...)
				for _, want := range tc.output {
					if !strings.Contains(res.stdout, want) {
						t.Errorf("stdout lacks %q:\n%s", want, res)
					}
				}
			})
		}
	}

	t.Run("json output", func(t *testing.T) {
		res := mustSrctl(t, 1, dir, r.URL, "check", "avro", "avro/v2.avsc", "avro/bad.avsc", "--ref", "acme.Common=avro-common:1", "-o", "json")
		var results []struct {
			File       string   `json:"file"`
			Level      string   `json:"level"`
			Compatible bool     `json:"compatible"`
			Messages   []string `json:"messages"`
		}
		if err := json.Unmarshal([]byte(res.stdout), &results); err != nil {
			t.Fatalf("decoding %s: %v", res.stdout, err)
		}
		if len(results) != 2 || !results[0].Compatible || results[1].Compatible || results[1].Level != "BACKWARD" ||
			len(results[1].Messages) == 0 || !strings.Contains(results[1].Messages[0], "qty") {
			t.Errorf("unexpected results %+v", results)
		}
	})

	errorCases := []struct {
		name   string
		url    string
		args   []string
		stderr string
	}{
		{"unknown extension", r.URL, []string{"check", "avro", "notes.txt"}, "cannot tell the schema type from the extension"},
		{"unknown level", r.URL, []string{"check", "avro", "avro/v2.avsc", "--level", "SIDEWAYS"}, `unknown compatibility level "SIDEWAYS"`},
		{"one argument", r.URL, []string{"check", "avro"}, "usage: srctl check SUBJECT FILE..."},
		{"unreachable registry", "http://127.0.0.1:1", []string{"check", "avro", "avro/v2.avsc"}, "cannot reach the registry at http://127.0.0.1:1"},
		{"bad reference", r.URL, []string{"check", "avro", "avro/v2.avsc", "--ref", "acme.Common"}, "want NAME=SUBJECT:VERSION"},
	}
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			res := mustSrctl(t, 2, dir, tc.url, tc.args...)
			if !strings.HasPrefix(res.stderr, "srctl: ") || !strings.Contains(res.stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, res)
			}
		})
	}
}

// TestSrctlCommands runs every other command against a registry and checks
// what it prints and changes.
func TestSrctlCommands(t *testing.T) {
	t.Parallel()
	r, dir := setUpSrctlRegistry(t)
	run := func(code int, args ...string) srctlResult {
		t.Helper()
		return mustSrctl(t, code, dir, r.URL, args...)
	}
	jsonOf := func(res srctlResult, into any) {
		t.Helper()
		if err := json.Unmarshal([]byte(res.stdout), into); err != nil {
			t.Fatalf("decoding %s: %v", res.stdout, err)
		}
	}
	contains := func(res srctlResult, pieces ...string) {
		t.Helper()
		for _, p := range pieces {
			if !strings.Contains(res.stdout, p) {
				t.Errorf("stdout lacks %q:\n%s", p, res)
			}
		}
	}

	// register and get
	var reg struct {
		Subject string `json:"subject"`
		ID      int    `json:"id"`
	}
	jsonOf(run(0, "register", "avro", "avro/v2.avsc", "--ref", "acme.Common=avro-common:latest", "-o", "json"), &reg)
	var byAPI struct {
		ID         int    `json:"id"`
		Version    int    `json:"version"`
		References []any  `json:"references"`
		Schema     string `json:"schema"`
	}
	r.mustDo("GET", "/subjects/avro/versions/latest", "", 200, &byAPI)
	if reg.Subject != "avro" || reg.ID != byAPI.ID || byAPI.Version != 2 || len(byAPI.References) != 1 {
		t.Fatalf("register answered %+v; the registry holds %+v", reg, byAPI)
	}
	contains(run(0, "get", "avro"), "SUBJECT     avro", "VERSION     2", fmt.Sprintf("ID          %d", reg.ID),
		"REFERENCES  acme.Common -> avro-common v1", `"name": "note",`)
	var got struct {
		Subject string `json:"subject"`
		Version int    `json:"version"`
		Schema  string `json:"schema"`
	}
	jsonOf(run(0, "get", "avro", "1", "-o", "json"), &got)
	if got.Subject != "avro" || got.Version != 1 || !strings.Contains(got.Schema, `"name":"Order"`) {
		t.Errorf("get avro 1: %+v", got)
	}
	var yamlGot map[string]any
	if err := yaml.Unmarshal([]byte(run(0, "get", "protobuf", "-o", "yaml").stdout), &yamlGot); err != nil ||
		yamlGot["schemaType"] != "PROTOBUF" || !strings.Contains(fmt.Sprint(yamlGot["schema"]), "message Order") {
		t.Errorf("get -o yaml: %v %v", yamlGot, err)
	}
	var byID struct {
		ID     int `json:"id"`
		UsedBy []struct {
			Subject string `json:"subject"`
			Version int    `json:"version"`
		} `json:"usedBy"`
	}
	jsonOf(run(0, "get", "--id", fmt.Sprint(reg.ID), "-o", "json"), &byID)
	if byID.ID != reg.ID || len(byID.UsedBy) != 1 || byID.UsedBy[0].Subject != "avro" || byID.UsedBy[0].Version != 2 {
		t.Errorf("get --id: %+v", byID)
	}
	contains(run(0, "get", "--id", fmt.Sprint(reg.ID)), "USED BY     avro v2")

	// subjects and versions
	var subjects []string
	jsonOf(run(0, "subjects", "-o", "json"), &subjects)
	if strings.Join(subjects, ",") != "avro,avro-common,json,json-common,protobuf,protobuf-common" {
		t.Errorf("subjects: %v", subjects)
	}
	contains(run(0, "subjects", "--prefix", "json"), "SUBJECT\njson\njson-common\n")
	var versions []int
	jsonOf(run(0, "versions", "avro", "-o", "json"), &versions)
	if fmt.Sprint(versions) != "[1 2]" {
		t.Errorf("versions: %v", versions)
	}

	// diff between versions, and between a version and a file
	diff := run(0, "diff", "avro", "1", "2")
	contains(diff, "--- avro v1\n+++ avro v2\n", `+      "name": "note",`,
		"BACKWARD  compatible", "FORWARD   compatible", "FULL      compatible")
	var d struct {
		Diff   string `json:"diff"`
		Levels []struct {
			Level      string   `json:"level"`
			Compatible bool     `json:"compatible"`
			Reasons    []string `json:"reasons"`
		} `json:"levels"`
	}
	jsonOf(run(0, "diff", "protobuf", "latest", "proto/bad.proto", "--references", "proto/refs.yaml", "-o", "json"), &d)
	if !strings.Contains(d.Diff, "-  int32 qty = 2;\n+  string qty = 2;\n") || len(d.Levels) != 3 {
		t.Errorf("diff of a version and a file: %+v", d)
	}
	for _, l := range d.Levels {
		if l.Compatible || len(l.Reasons) == 0 {
			t.Errorf("level %s: %+v", l.Level, l)
		}
		for _, reason := range l.Reasons {
			if !strings.Contains(reason, "FIELD_SCALAR_KIND_CHANGED") || !strings.Contains(reason, "'#/Order/2'") {
				t.Errorf("level %s: unexpected reason %s", l.Level, reason)
			}
		}
	}
	contains(run(0, "diff", "json/v1.json", "json/v2.json", "--references", "json/refs.json"),
		`+    "note": {`, "BACKWARD  compatible", "FORWARD   breaking    ", "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL")

	// config
	contains(run(0, "config", "get"), "(global)  BACKWARD       global")
	contains(run(0, "config", "get", "avro"), "avro     BACKWARD       global")
	run(0, "config", "set", "avro", "full_transitive")
	var cfg struct {
		CompatibilityLevel string `json:"compatibilityLevel"`
	}
	r.mustDo("GET", "/config/avro", "", 200, &cfg)
	if cfg.CompatibilityLevel != "FULL_TRANSITIVE" {
		t.Errorf("config set avro: the registry holds %+v", cfg)
	}
	contains(run(0, "config", "get", "avro"), "avro     FULL_TRANSITIVE  subject")
	run(0, "config", "set", "FORWARD")
	contains(run(0, "config", "get", "json"), "json     FORWARD        global")
	if res := run(2, "config", "set", "avro", "SIDEWAYS"); !strings.Contains(res.stderr, "(error code 42203)") {
		t.Errorf("an invalid level: %s", res)
	}

	// mode
	contains(run(0, "mode", "get"), "(global)  READWRITE  global")
	run(0, "mode", "set", "json", "READONLY")
	contains(run(0, "mode", "get", "json", "-o", "yaml"), "subject: json\nfromGlobal: false\nmode: READONLY\n")
	res := run(2, "register", "json", "json/v2.json", "--references", "json/refs.json")
	if !strings.Contains(res.stderr, "srctl: registering json/v2.json under json: ") || !strings.Contains(res.stderr, "(error code 42205)") {
		t.Errorf("registering into a read-only subject: %s", res)
	}
	run(0, "mode", "set", "json", "READWRITE")
	if res := run(2, "mode", "set", "IMPORT"); !strings.Contains(res.stderr, "(error code 42205)") {
		t.Errorf("entering IMPORT mode with schemas: %s", res)
	}

	// delete, softly then permanently
	contains(run(0, "delete", "avro", "2"), "avro     2        soft")
	jsonOf(run(0, "versions", "avro", "--deleted", "-o", "json"), &versions)
	if fmt.Sprint(versions) != "[1 2]" {
		t.Errorf("versions --deleted after deleting v2: %v", versions)
	}
	run(0, "delete", "avro", "2", "--permanent")
	run(0, "delete", "avro")
	contains(run(0, "delete", "avro", "--permanent"), "avro     1        permanently")
	jsonOf(run(0, "subjects", "--deleted", "-o", "json"), &subjects)
	if strings.Contains(strings.Join(subjects, ","), "avro,") {
		t.Errorf("subjects after deleting avro for good: %v", subjects)
	}

	// registry errors
	res = run(2, "get", "nope")
	if res.stderr != "srctl: getting nope version latest: Subject 'nope' not found. (error code 40401)\n" {
		t.Errorf("a missing subject: %s", res)
	}
	if res := run(2, "get", "avro", "1", "2"); !strings.Contains(res.stderr, "usage: srctl get SUBJECT [VERSION]") {
		t.Errorf("too many arguments: %s", res)
	}
	if res := run(2, "subjects", "-o", "xml"); !strings.Contains(res.stderr, `unknown output format "xml"`) {
		t.Errorf("an unknown output format: %s", res)
	}
}

// TestSrctlExportImport fills a registry with every format, references,
// shared and soft-deleted schemas, an id gap, configs and modes, exports it,
// imports the export into an empty registry, and compares the two byte for
// byte through the API.
func TestSrctlExportImport(t *testing.T) {
	t.Parallel()
	a, dir := setUpSrctlRegistry(t)
	run := func(r *registryProcess, args ...string) srctlResult {
		t.Helper()
		return mustSrctl(t, 0, dir, r.URL, args...)
	}
	run(a, "register", "avro", "avro/v2.avsc", "--ref", "acme.Common=avro-common:1")
	run(a, "register", "protobuf", "proto/v2.proto", "--references", "proto/refs.yaml")
	// The same schema in another subject shares its id.
	run(a, "register", "avro-copy", "avro/v1.avsc", "--ref", "acme.Common=avro-common:1")
	// A schema deleted for good leaves a gap in the ids.
	a.mustDo("POST", "/subjects/gone/versions", `{"schema":"\"long\""}`, 200, nil)
	run(a, "delete", "gone")
	run(a, "delete", "gone", "--permanent")
	// Soft-deleted: one version, and a whole subject.
	run(a, "register", "json", "json/v2.json", "--references", "json/refs.json")
	run(a, "delete", "json", "1")
	run(a, "register", "hidden", "avro/common.avsc")
	run(a, "delete", "hidden")
	// Metadata travels too.
	a.mustDo("POST", "/subjects/meta/versions",
		`{"schema":"\"string\"","metadata":{"properties":{"owner":"team-a","<tag>":"x&y"}}}`, 200, nil)
	// Settings.
	run(a, "config", "set", "FULL")
	run(a, "config", "set", "protobuf", "NONE")
	run(a, "mode", "set", "avro-copy", "READONLY")

	exportDir := filepath.Join(t.TempDir(), "export")
	res := run(a, "export", exportDir)
	if !strings.Contains(res.stdout, "exported 12 versions of 9 subjects") || !strings.Contains(res.stderr, "exported versions: 12/12") ||
		!strings.Contains(res.stderr, "listed subjects: 9/9") {
		t.Errorf("export: %s", res)
	}
	if res := srctl(t, dir, a.URL, "export", exportDir); res.code != 2 || !strings.Contains(res.stderr, "not empty") {
		t.Errorf("exporting into a non-empty directory: %s", res)
	}
	manifest, err := os.ReadFile(filepath.Join(exportDir, "manifest.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"file: subjects/protobuf/v2.proto", "deleted: true", "mode: READONLY", "compatibilityLevel: NONE"} {
		if !bytes.Contains(manifest, []byte(want)) {
			t.Errorf("the manifest lacks %q:\n%s", want, manifest)
		}
	}

	b := startRegistry(t)
	res = run(b, "import", exportDir, "--quiet")
	if !strings.Contains(res.stdout, "imported 12 versions of 9 subjects") || res.stderr != "" {
		t.Errorf("import: %s", res)
	}

	// Every answer that describes the registry is the same, byte for byte.
	paths := []string{"/subjects?deleted=true", "/subjects", "/config", "/mode"}
	var subjects []string
	a.mustDo("GET", "/subjects?deleted=true", "", 200, &subjects)
	maxID := 0
	for _, s := range subjects {
		paths = append(paths, "/subjects/"+s+"/versions?deleted=true", "/config/"+s, "/mode/"+s)
		var versions []int
		a.mustDo("GET", "/subjects/"+s+"/versions?deleted=true", "", 200, &versions)
		for _, v := range versions {
			var ver struct {
				ID int `json:"id"`
			}
			p := fmt.Sprintf("/subjects/%s/versions/%d?deleted=true", s, v)
			a.mustDo("GET", p, "", 200, &ver)
			maxID = max(maxID, ver.ID)
			paths = append(paths, p, fmt.Sprintf("/subjects/%s/versions/%d", s, v))
		}
	}
	for id := 1; id <= maxID+1; id++ {
		paths = append(paths, fmt.Sprintf("/schemas/ids/%d", id), fmt.Sprintf("/schemas/ids/%d/versions?deleted=true", id))
	}
	for _, p := range paths {
		want, err := a.do(t.Context(), "GET", p, "")
		if err != nil {
			t.Fatal(err)
		}
		got, err := b.do(t.Context(), "GET", p, "")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != want.Status || !bytes.Equal(got.Body, want.Body) {
			t.Errorf("GET %s: the import answers %d %s, the original %d %s", p, got.Status, got.Body, want.Status, want.Body)
		}
	}

	// The next schema gets the same id in both.
	var idA, idB struct {
		ID int `json:"id"`
	}
	a.mustDo("POST", "/subjects/next/versions", `{"schema":"\"int\""}`, 200, &idA)
	b.mustDo("POST", "/subjects/next/versions", `{"schema":"\"int\""}`, 200, &idB)
	if idA.ID != idB.ID {
		t.Errorf("the next id is %d in the original, %d in the import", idA.ID, idB.ID)
	}

	// A registry that holds schemas is not imported into without --force.
	if res := srctl(t, dir, b.URL, "import", exportDir); res.code != 2 || !strings.Contains(res.stderr, "pass --force") {
		t.Errorf("importing into a registry with schemas: %s", res)
	}
	var mode struct {
		Mode string `json:"mode"`
	}
	b.mustDo("GET", "/mode", "", 200, &mode)
	if mode.Mode != "READWRITE" {
		t.Errorf("after a refused import the mode is %s", mode.Mode)
	}
}
