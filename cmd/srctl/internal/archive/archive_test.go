package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/goschemaregistry/registry/formats"
)

func TestSubjectDirs(t *testing.T) {
	long := strings.Repeat("x", 300)
	dirs := SubjectDirs([]string{"orders-value", "a/b c", ".hidden", "..", ":.ctx:orders", "Orders-Value", long, "ünï", ""})
	tests := []struct{ subject, want string }{
		{"orders-value", "orders-value"},
		{"a/b c", "a%2Fb%20c"},
		{".hidden", "%2Ehidden"},
		{"..", "%2E."},
		{":.ctx:orders", "%3A.ctx%3Aorders"},
		{"ünï", "%C3%BCn%C3%AF"},
	}
	for _, tc := range tests {
		if got := dirs[tc.subject]; got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.subject, got, tc.want)
		}
	}
	// Names that one directory would hold on a case-insensitive file
	// system, long names and the empty name are made unique with a hash.
	for _, s := range []string{"Orders-Value", long, ""} {
		got := dirs[s]
		if len(got) > maxDirName || !strings.HasSuffix(got, hashSuffix(s)) {
			t.Errorf("%.20q: got %q", s, got)
		}
	}
	if dirs["Orders-Value"] != "Orders-Value"+hashSuffix("Orders-Value") {
		t.Errorf("a case twin: got %q", dirs["Orders-Value"])
	}
	// Cutting never splits an escape: the cut would fall inside one here.
	slashes := "a" + strings.Repeat("/", 100)
	escaped := SubjectDirs([]string{slashes})[slashes]
	if name := strings.TrimSuffix(escaped, hashSuffix(slashes)); len(name) != 181 || !strings.HasSuffix(name, "%2F") {
		t.Errorf("cut escape: %q", escaped)
	}
	if got := SchemaFile("orders", 3, formats.TypeProtobuf); got != "subjects/orders/v3.proto" {
		t.Errorf("SchemaFile: %q", got)
	}
}

func sampleManifest() *Manifest {
	return &Manifest{
		FormatVersion: FormatVersion,
		Config:        map[string]any{"compatibilityLevel": "FULL", "normalize": true},
		Mode:          "READWRITE",
		Subjects: []Subject{
			{Name: "common", Versions: []Version{{Number: 1, ID: 1, SchemaType: "AVRO", File: "subjects/common/v1.avsc"}}},
			{
				Name: "orders", Config: map[string]any{"compatibilityLevel": "NONE"}, Mode: "READONLY",
				Versions: []Version{{
					Number: 2, ID: 5, SchemaType: "AVRO", File: "subjects/orders/v2.avsc",
					References: []formats.Reference{{Name: "acme.Common", Subject: "common", Version: 1}},
					Metadata:   `{"properties":{"b":"1","a":"<&>"}}`, Deleted: true,
				}},
			},
		},
	}
}

func TestManifestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	want := sampleManifest()
	if err := Write(dir, want); err != nil {
		t.Fatal(err)
	}
	got, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, want)
	}
	if err := WriteSchema(dir, "subjects/orders/v2.avsc", `"string"`); err != nil {
		t.Fatal(err)
	}
	if text, err := ReadSchema(dir, "subjects/orders/v2.avsc"); err != nil || text != `"string"` {
		t.Errorf("ReadSchema: %q, %v", text, err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *Manifest)
		want   string
	}{
		{"valid", func(*Manifest) {}, ""},
		{"other layout", func(m *Manifest) { m.FormatVersion = 2 }, "formatVersion is 2"},
		{"subject twice", func(m *Manifest) { m.Subjects = append(m.Subjects, m.Subjects[0]) }, `subject "common" is listed twice`},
		{"version twice", func(m *Manifest) { m.Subjects[0].Versions = append(m.Subjects[0].Versions, m.Subjects[0].Versions[0]) }, "is listed twice"},
		{"version zero", func(m *Manifest) { m.Subjects[0].Versions[0].Number = 0 }, "not a positive number"},
		{"no id", func(m *Manifest) { m.Subjects[0].Versions[0].ID = 0 }, "id 0 is not a positive number"},
		{"no type", func(m *Manifest) { m.Subjects[0].Versions[0].SchemaType = "" }, "schemaType is missing"},
		{"file outside", func(m *Manifest) { m.Subjects[0].Versions[0].File = "../x.avsc" }, "not a relative path inside"},
		{"absolute file", func(m *Manifest) { m.Subjects[0].Versions[0].File = "/etc/passwd" }, "not a relative path inside"},
		{"unclean file", func(m *Manifest) { m.Subjects[0].Versions[0].File = "subjects/../../x" }, "not a relative path inside"},
		{"no file", func(m *Manifest) { m.Subjects[0].Versions[0].File = "" }, "not a relative path inside"},
		{"metadata not JSON", func(m *Manifest) { m.Subjects[1].Versions[0].Metadata = "{" }, "metadata is not JSON"},
		{"rule set not JSON", func(m *Manifest) { m.Subjects[1].Versions[0].RuleSet = "x" }, "ruleSet is not JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := sampleManifest()
			tc.change(m)
			err := m.Validate()
			if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestReadRefuses(t *testing.T) {
	tests := []struct{ name, manifest, want string }{
		{"unknown field", "formatVersion: 1\nsubjects: []\nsurprise: 1\n", "field surprise not found"},
		{"not YAML", "formatVersion: [\n", "manifest.yaml"},
		{"no layout version", "subjects: []\n", "formatVersion is 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, ManifestFile), []byte(tc.manifest), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := Read(dir); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := Read(t.TempDir()); err == nil {
		t.Error("a directory without a manifest was read")
	}
	if _, err := ReadSchema(t.TempDir(), "../secret"); err == nil {
		t.Error("a schema outside the export was read")
	}
	if err := WriteSchema(t.TempDir(), "/tmp/x", ""); err == nil {
		t.Error("a schema was written outside the export")
	}
}

func TestPrepareDir(t *testing.T) {
	parent := t.TempDir()
	fresh := filepath.Join(parent, "new", "export")
	if err := PrepareDir(fresh); err != nil {
		t.Fatalf("a missing directory: %v", err)
	}
	if err := PrepareDir(fresh); err != nil {
		t.Fatalf("an empty directory: %v", err)
	}
	if err := PrepareDir(parent); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("a directory with files: %v", err)
	}
}

func TestImportOrder(t *testing.T) {
	ref := func(subject string, version int) []formats.Reference {
		return []formats.Reference{{Name: subject, Subject: subject, Version: version}}
	}
	v := func(number, id int, refs []formats.Reference) Version {
		return Version{Number: number, ID: id, SchemaType: "AVRO", File: "f", References: refs}
	}
	tests := []struct {
		name     string
		subjects []Subject
		want     string
	}{
		{
			"by id",
			[]Subject{{Name: "b", Versions: []Version{v(1, 3, nil), v(2, 1, nil)}}, {Name: "a", Versions: []Version{v(1, 2, nil)}}},
			"b/2 a/1 b/1",
		},
		{
			"references first, even with higher ids",
			[]Subject{
				{Name: "app", Versions: []Version{v(1, 1, ref("lib", 2))}},
				{Name: "lib", Versions: []Version{v(1, 2, nil), v(2, 3, ref("base", 1))}},
				{Name: "base", Versions: []Version{v(1, 9, nil)}},
			},
			"base/1 lib/2 app/1 lib/1",
		},
		{
			"latest means the highest version",
			[]Subject{{Name: "app", Versions: []Version{v(1, 1, ref("lib", -1))}}, {Name: "lib", Versions: []Version{v(1, 2, nil), v(4, 3, nil)}}},
			"lib/4 app/1 lib/1",
		},
		{
			"references outside the export are left to the registry",
			[]Subject{{Name: "app", Versions: []Version{v(1, 1, ref("elsewhere", 1))}}},
			"app/1",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			order, err := (&Manifest{Subjects: tc.subjects}).ImportOrder()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range order {
				got = append(got, fmt.Sprintf("%s/%d", e.Subject, e.Number))
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("got %v, want %s", got, tc.want)
			}
		})
	}
	cycle := &Manifest{Subjects: []Subject{
		{Name: "a", Versions: []Version{v(1, 1, ref("b", 1))}},
		{Name: "b", Versions: []Version{v(1, 2, ref("a", 1))}},
	}}
	if _, err := cycle.ImportOrder(); err == nil || !strings.Contains(err.Error(), "references itself") {
		t.Errorf("a cycle: %v", err)
	}
}
