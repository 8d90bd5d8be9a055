package avro

import (
	"testing"

	"github.com/goschemaregistry/registry/formats"
)

// FuzzParse checks that no input makes Parse panic, that what Parse
// accepts ParseStored accepts too, and that the canonical and normalized
// texts are stable: parsed again they give themselves back.
func FuzzParse(f *testing.F) {
	for _, tc := range canonicalCases {
		dep := ""
		if len(tc.deps) > 0 {
			dep = tc.deps[len(tc.deps)-1]
		}
		f.Add(dep, tc.schema)
	}
	f.Add("", `{"type":"record","name":"R","fields":[{"name":"a","type":"E","default":"A"},{"name":"b","type":{"type":"enum","name":"E","symbols":["A"]}}]}`)
	f.Add("", `{"type":"array","items":{"type":"array","items":{"type":"map","values":["null",{"type":"fixed","name":"F","size":2}]}}}`)
	f.Add(`{"type":"fixed","name":"F","namespace":"n","size":4}`, `{"type":"record","name":"R","namespace":"n","fields":[{"name":"f","type":"F","default":"abcd"}]}`)
	format := New(Limits{MaxSchemaBytes: 1 << 16, MaxNames: 10_000})
	f.Fuzz(func(t *testing.T, dep, text string) {
		var deps []formats.Dependency
		if dep != "" {
			deps = []formats.Dependency{{Name: "dep", Schema: dep}}
		}
		s, err := format.Parse(text, deps)
		stored, storedErr := format.ParseStored(text, deps)
		if err != nil {
			return
		}
		if storedErr != nil {
			t.Fatalf("Parse accepts, ParseStored refuses: %v", storedErr)
		}
		if stored.Canonical() != s.Canonical() {
			t.Fatalf("ParseStored gives %s, Parse %s", stored.Canonical(), s.Canonical())
		}
		if s.(*Schema).Avro() == nil {
			t.Fatal("no hamba tree")
		}
		stable(t, format, s.Canonical(), deps)
		normalized := s.Normalize()
		stable(t, format, normalized.Canonical(), deps)
		if again := normalized.Normalize().Canonical(); again != normalized.Canonical() {
			t.Fatalf("normalizing twice:\n%s\n%s", normalized.Canonical(), again)
		}
		resolved, err := s.Formatted("resolved")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := format.Parse(resolved, nil); err != nil && dep == "" {
			t.Fatalf("resolved text %s does not parse: %v", resolved, err)
		}
	})
}

// stable checks that canonical parses again into itself.
func stable(t *testing.T, format *Format, canonical string, deps []formats.Dependency) {
	t.Helper()
	again, err := format.Parse(canonical, deps)
	if err != nil {
		t.Fatalf("canonical text %s does not parse: %v", canonical, err)
	}
	if again.Canonical() != canonical {
		t.Fatalf("canonical text is not stable:\n%s\n%s", canonical, again.Canonical())
	}
}
