package protobuf

import (
	"testing"

	"github.com/goschemaregistry/registry/formats"
)

// FuzzParse checks that no input makes parsing panic, that what Parse
// accepts ParseStored accepts too with the same canonical text, and that
// for schemas Parse accepts the canonical and normalized texts are stable
// (parsed again they give themselves back). The canonical text of a
// stored schema need not parse again: Confluent writes some values it
// accepted in forms its parser refuses (an empty default unquoted, say).
func FuzzParse(f *testing.F) {
	for _, tc := range canonicalCases {
		f.Add("", tc.schema)
	}
	f.Add(`syntax = "proto3"; package dep; message D { int32 x = 1; }`, `syntax = "proto3"; import "dep.proto"; message A { dep.D d = 1; map<string, dep.D> m = 2; }`)
	f.Add("", descriptorText(f, orderDescriptor()))
	f.Add("", `syntax = "proto3"; option (a).b.(c).d = {e: [1, -2.5e3, "x" 'y'], f {g: true}};`)
	format := New(Limits{MaxSchemaBytes: 1 << 16, MaxDeclarations: 5_000})
	f.Fuzz(func(t *testing.T, dep, text string) {
		var deps []formats.Dependency
		if dep != "" {
			deps = []formats.Dependency{{Name: "dep.proto", Schema: dep}}
		}
		stored, storedErr := format.ParseStored(text, deps)
		if storedErr == nil {
			for _, name := range []string{"ignore_extensions", "serialized"} {
				_, _ = stored.Formatted(name)
			}
			stored.Normalize()
		}
		s, err := format.Parse(text, deps)
		if err != nil {
			return
		}
		if storedErr != nil {
			t.Fatalf("Parse accepts, ParseStored refuses: %v", storedErr)
		}
		if stored.Canonical() != s.Canonical() {
			t.Fatalf("ParseStored gives %s, Parse %s", stored.Canonical(), s.Canonical())
		}
		if s.(*Schema).Descriptor() == nil {
			t.Fatal("no descriptor")
		}
		stable(t, format, s.Canonical(), deps)
		normalized := s.Normalize().(*Schema)
		stable(t, format, normalized.Canonical(), deps)
		again, err := normalized.normalize()
		if err != nil {
			t.Fatalf("normalizing the normalized schema: %v", err)
		}
		if again.Canonical() != normalized.Canonical() {
			t.Fatalf("normalizing twice:\n%s\n%s", normalized.Canonical(), again.Canonical())
		}
	})
}

// stable checks that canonical parses again into itself.
func stable(t *testing.T, format *Format, canonical string, deps []formats.Dependency) {
	t.Helper()
	again, err := format.ParseStored(canonical, deps)
	if err != nil {
		t.Fatalf("canonical text %q does not parse: %v", canonical, err)
	}
	if again.Canonical() != canonical {
		t.Fatalf("canonical text is not stable:\n%q\n%q", canonical, again.Canonical())
	}
}
