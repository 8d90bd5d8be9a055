package jsonschema

import (
	"testing"

	"github.com/goschemaregistry/registry/formats"
)

// FuzzParse checks that no input makes parsing panic, that what Parse
// accepts ParseStored accepts too with the same canonical text, and that
// the canonical and normalized texts are stable: parsed again they give
// themselves back.
func FuzzParse(f *testing.F) {
	for _, tc := range canonicalCases {
		f.Add("", tc.schema)
	}
	f.Add(`{"definitions":{"a":{"type":"string"}}}`, `{"properties":{"a":{"$ref":"dep.json#/definitions/a"}}}`)
	f.Add(`{"type":"integer"}`, `{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"dep.json","type":"object","unevaluatedProperties":false}`)
	f.Add("", `{"$schema":"http://json-schema.org/draft-04/schema#","id":"x","items":[{"enum":[1,"a",null]}],"exclusiveMinimum":true,"minimum":1}`)
	f.Add("", `{"anyOf":[{"type":["string","null"],"maxLength":2},{"not":{"const":1}}],"dependencies":{"a":["b"],"c":true}}`)
	format := New(Limits{MaxSchemaBytes: 1 << 16})
	f.Fuzz(func(t *testing.T, dep, text string) {
		var deps []formats.Dependency
		if dep != "" {
			deps = []formats.Dependency{{Name: "dep.json", Schema: dep}}
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
		if s.(*Schema).Root() == nil {
			t.Fatal("no model")
		}
		again, err := format.Parse(s.Canonical(), deps)
		if err != nil {
			t.Fatalf("canonical text %s does not parse: %v", s.Canonical(), err)
		}
		if again.Canonical() != s.Canonical() {
			t.Fatalf("canonical text is not stable:\n%s\n%s", s.Canonical(), again.Canonical())
		}
		normalized := s.Normalize()
		if twice := normalized.Normalize().Canonical(); twice != normalized.Canonical() {
			t.Fatalf("normalizing twice:\n%s\n%s", normalized.Canonical(), twice)
		}
		if _, err := format.Parse(normalized.Canonical(), deps); err != nil {
			t.Fatalf("normalized text %s does not parse: %v", normalized.Canonical(), err)
		}
	})
}
