package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// env returns a lookupEnv over the given variables.
func env(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

func runInProcess(args []string, vars map[string]string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, env(vars), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRunUsageAndEnvironment(t *testing.T) {
	secret := map[string]string{"SCHEMA_REGISTRY_PASSWORD": "hunter2", "SCHEMA_REGISTRY_URL": "http://registry.example:1"}
	tests := []struct {
		name   string
		args   []string
		vars   map[string]string
		code   int
		stdout string // a piece of stdout
		stderr string // a piece of stderr
	}{
		{"help", []string{"--help"}, secret, 0, "Exit codes: 0 success", ""},
		{"unknown command", []string{"frobnicate"}, nil, 2, "", `srctl: unknown command "frobnicate"`},
		{"unknown flag", []string{"subjects", "--nope"}, nil, 2, "", "unknown flag: --nope (see srctl subjects --help)"},
		{"too few arguments", []string{"versions"}, nil, 2, "", "usage: srctl versions SUBJECT"},
		{"get --id with a subject", []string{"get", "s", "--id", "3"}, nil, 2, "", "usage: srctl get --id ID"},
		{"bad URL", []string{"subjects", "--url", "localhost:8081"}, nil, 2, "", `the registry URL "localhost:8081" is not an http:// or https:// URL`},
		{"bad timeout from the environment", []string{"subjects"}, map[string]string{"SCHEMA_REGISTRY_TIMEOUT": "soon"}, 2, "",
			"SCHEMA_REGISTRY_TIMEOUT: not a valid value for --timeout"},
		{"the flag wins over the environment", []string{"subjects", "--url", "http://127.0.0.1:1", "--timeout", "2s"}, secret, 2, "",
			"cannot reach the registry at http://127.0.0.1:1"},
		{"URL from the environment", []string{"subjects", "--timeout", "1ns"}, secret, 2, "", "registry.example:1"},
		{"diff of files needs no registry", []string{"diff", "a.avsc", "b.avsc", "--url", "http://127.0.0.1:1"}, nil, 0, "FULL      breaking", ""},
	}
	dir := t.TempDir()
	for name, text := range map[string]string{
		"a.avsc": `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`,
		"b.avsc": `{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runInProcess(tc.args, tc.vars)
			if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			if strings.Contains(stdout+stderr, "hunter2") {
				t.Errorf("the password was printed:\n%s%s", stdout, stderr)
			}
		})
	}
}

func TestParseReferenceFlag(t *testing.T) {
	tests := []struct {
		in   string
		want referenceSpec
		ok   bool
	}{
		{"acme.Common=common-value:3", referenceSpec{"acme.Common", "common-value", "3"}, true},
		{"https://x/a.json=s:latest", referenceSpec{"https://x/a.json", "s", "latest"}, true},
		{"a=b=c:ctx:1", referenceSpec{"a=b", "c:ctx", "1"}, true},
		{"acme.Common", referenceSpec{}, false},
		{"=s:1", referenceSpec{}, false},
		{"n=:1", referenceSpec{}, false},
		{"n=s:", referenceSpec{}, false},
		{"n=s", referenceSpec{}, false},
	}
	for _, tc := range tests {
		got, err := parseReferenceFlag(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("%q: got %+v, %v", tc.in, got, err)
		}
	}
}

func TestReferencesOf(t *testing.T) {
	dir := t.TempDir()
	refsFile := filepath.Join(dir, "schemas", "refs.yaml")
	if err := os.MkdirAll(filepath.Dir(refsFile), 0o755); err != nil {
		t.Fatal(err)
	}
	refs := "orders.proto: [{name: common.proto, subject: common, version: 2}]\n" +
		"./sub/../nested/x.proto:\n  - name: a.proto\n    subject: a\n    version: latest\n"
	if err := os.WriteFile(refsFile, []byte(refs), 0o644); err != nil {
		t.Fatal(err)
	}
	flags := schemaFileFlags{refs: []string{"g=global:1"}, refsFile: refsFile}
	tests := []struct {
		path string
		want []referenceSpec
	}{
		{filepath.Join(dir, "schemas", "orders.proto"), []referenceSpec{{"g", "global", "1"}, {"common.proto", "common", "2"}}},
		{filepath.Join(dir, "schemas", "nested", "x.proto"), []referenceSpec{{"g", "global", "1"}, {"a.proto", "a", "latest"}}},
		{filepath.Join(dir, "schemas", "other.proto"), []referenceSpec{{"g", "global", "1"}}},
	}
	for _, tc := range tests {
		got, err := flags.referencesOf(tc.path)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v, %v", tc.path, got, err)
		}
	}
	if err := os.WriteFile(refsFile, []byte("x.proto: [{name: a, subjct: b}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := flags.referencesOf("x.proto"); err == nil || !strings.Contains(err.Error(), "subjct") {
		t.Errorf("a misspelt field: %v", err)
	}
}

func TestTypeOf(t *testing.T) {
	tests := []struct {
		flag, path, want string
	}{
		{"", "a/b.avsc", "AVRO"},
		{"", "b.PROTO", "PROTOBUF"},
		{"", "c.json", "JSON"},
		{"json", "c.txt", "JSON"},
		{"Protobuf", "c.avsc", "PROTOBUF"},
		{"", "c.txt", ""},
		{"xml", "c.json", ""},
	}
	for _, tc := range tests {
		f := schemaFileFlags{schemaType: tc.flag}
		got, err := f.typeOf(tc.path)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("--type %q %s: got %q, %v", tc.flag, tc.path, got, err)
		}
	}
}

func TestChangeReasons(t *testing.T) {
	got := changeReasons([]string{
		"{errorType:'TYPE_MISMATCH', description:'x', additionalInfo:'y'}",
		"{oldSchemaVersion: 2}",
		"{oldSchema: '{}'}",
		"{oldSchema: <truncated> '{...'}",
		"{validateFields: 'false', compatibility: 'FULL'}",
	})
	if len(got) != 1 || !strings.HasPrefix(got[0], "{errorType:'TYPE_MISMATCH'") {
		t.Errorf("got %q", got)
	}
}

func TestToYAML(t *testing.T) {
	v := struct {
		Text   string   `json:"text"`
		Number string   `json:"number"`
		Items  []int    `json:"items"`
		Empty  []string `json:"empty"`
	}{"line 1\nline 2\n", "123", []int{1, 2}, []string{}}
	got, err := toYAML(v)
	if err != nil {
		t.Fatal(err)
	}
	want := "text: |\n  line 1\n  line 2\nnumber: \"123\"\nitems:\n  - 1\n  - 2\nempty: []\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
