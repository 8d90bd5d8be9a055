package avro

import (
	"strings"
	"testing"
)

// TestInvalid lists schemas Java Avro refuses when Confluent registers them,
// with what the error says.
func TestInvalid(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		want   string
	}{
		{"empty", ``, "Empty schema"},
		{"not JSON", `{"type":`, "Invalid JSON at line 1, column 9: unexpected end of input"},
		{"trailing text", `"int" x`, "Dangling content after end of schema: x"},
		{"trailing comment", `"int" // c`, "Dangling content after end of schema: // c"},
		{"leading zero", `{"type":"fixed","name":"F","size":01}`, "leading zeroes are not allowed"},
		{"number", `5`, "Not a schema: 5"},
		{"no type", `{"name":"R"}`, `No type: {"name":"R"}`},
		{"type not a string", `{"type":["int"]}`, "No type"},
		{"unknown type", `{"type":"foo"}`, "Undefined schema: foo"},
		{"unknown name", `"com.Foo"`, "Undefined schema: com.Foo"},
		{"record without name", `{"type":"record","fields":[]}`, "No name in schema"},
		{"record without fields", `{"type":"record","name":"R"}`, "Record R has no fields array"},
		{"invalid name", `{"type":"record","name":"1R","fields":[]}`, "Illegal initial character: 1R"},
		{"non-ASCII name", `{"type":"record","name":"Größe","fields":[]}`, "Illegal character in: Größe"},
		{"invalid namespace", `{"type":"record","name":"R","namespace":"my-company","fields":[]}`, `Namespace part "my-company" is invalid: Illegal character in: my-company`},
		{"empty namespace part", `{"type":"record","name":"R","namespace":"a..b","fields":[]}`, `Namespace part "" is invalid: Empty name`},
		{"named after a primitive", `{"type":"fixed","name":"int","size":1}`, "Schemas may not be named after primitives: int"},
		{"invalid alias", `{"type":"record","name":"R","aliases":["1A"],"fields":[]}`, "Illegal initial character: 1A"},
		{"aliases not an array", `{"type":"record","name":"R","aliases":"A","fields":[]}`, "Aliases not an array"},
		{"duplicate field", `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"long"}]}`, "Duplicate field a in record R"},
		{"invalid field name", `{"type":"record","name":"R","fields":[{"name":"a-b","type":"int"}]}`, "Illegal character in: a-b"},
		{"field without type", `{"type":"record","name":"R","fields":[{"name":"a"}]}`, "No type for field a"},
		{"invalid order", `{"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"up"}]}`, `Invalid order "up" for field a`},
		{"duplicate symbol", `{"type":"enum","name":"E","symbols":["A","A"]}`, "Duplicate enum symbol: A"},
		{"invalid symbol", `{"type":"enum","name":"E","symbols":["1A"]}`, "Illegal initial character: 1A"},
		{"enum default not a symbol", `{"type":"enum","name":"E","symbols":["A"],"default":"B"}`, "The default B of enum E is not one of its symbols"},
		{"empty enum (hamba cannot hold it)", `{"type":"enum","name":"E","symbols":[]}`, "Enum E has no symbols"},
		{"fixed size not an int", `{"type":"fixed","name":"F","size":1.0}`, "Fixed F has an invalid or no size"},
		{"negative fixed size", `{"type":"fixed","name":"F","size":-1}`, "Fixed F has a size out of range: -1"},
		{"array without items", `{"type":"array"}`, "Array has no items type"},
		{"map without values", `{"type":"map"}`, "Map has no values type"},
		{"nested union", `["null",["int"]]`, `Nested union: ["null",["int"]]`},
		{"duplicate in union", `["int",{"type":"int","logicalType":"date"}]`, "Duplicate in union: int"},
		{"two arrays in a union", `[{"type":"array","items":"int"},{"type":"array","items":"long"}]`, "Duplicate in union: array"},
		{"redefined name", `{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"F","size":1}},{"name":"b","type":{"type":"fixed","name":"F","size":2}}]}`, "Can't redefine: F"},
		{"int default out of range", `{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":3000000000}]}`, `Invalid default for field a: 3000000000 not a "int"`},
		{"fractional int default", `{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":1.0}]}`, "Invalid default for field a: 1.0"},
		{"null default for a string", `{"type":"record","name":"R","fields":[{"name":"a","type":"string","default":null}]}`, "Invalid default for field a: null"},
		{"default matching no branch", `{"type":"record","name":"R","fields":[{"name":"a","type":["null","int"],"default":"x"}]}`, `Invalid default for field a: "x" not a ["null","int"]`},
		{"record default missing a field", `{"type":"record","name":"R","fields":[{"name":"s","type":{"type":"record","name":"S","fields":[{"name":"x","type":"int"}]},"default":{}}]}`, "Invalid default for field s"},
		{"default for a name defined later", `{"type":"record","name":"R","fields":[{"name":"a","type":"E","default":"A"},{"name":"b","type":{"type":"enum","name":"E","symbols":["A"]}}]}`, `Invalid default for field a: "A" not a "E"`},
		{"not a number", `{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":"abc"}]}`, `Invalid default for field a: "abc" is not a number`},
		{"record defaulting to itself", `{"type":"record","name":"R","fields":[{"name":"r","type":{"type":"record","name":"S","fields":[{"name":"s","type":"S","default":{}}]},"default":{}}]}`, "depends on itself"},
		{"big integer in a record property", `{"type":"record","name":"R","fields":[],"x":123456789012345678901234567890}`, `Property "x" (of record) holds an integer beyond 64 bits`},
	}
	f := New(Limits{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := f.Parse(tc.schema, nil)
			if err == nil {
				t.Fatalf("Parse accepted it: %s", s.Canonical())
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse error = %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestParseStored checks the rules Confluent applies to schemas it reads
// back: some that new registrations may not use are accepted.
func TestParseStored(t *testing.T) {
	tests := []struct {
		name   string
		deps   []string
		schema string
		stored bool // whether ParseStored accepts it; Parse never does
	}{
		{name: "invalid default", schema: `{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}`, stored: true},
		{name: "namespace with a hyphen", schema: `{"type":"record","name":"R","namespace":"my-company","fields":[]}`, stored: true},
		{name: "Unicode names", schema: `{"type":"record","name":"Größe","fields":[{"name":"länge","type":"int"}]}`, stored: true},
		{name: "invalid name in a reference", deps: []string{`{"type":"fixed","name":"1F","size":1}`}, schema: `"1F"`, stored: false},
		{name: "invalid name reached through a reference", deps: []string{`{"type":"record","name":"D","fields":[{"name":"a-b","type":"int"}]}`}, schema: `["null","D"]`, stored: false},
		{name: "invalid name only in a reference", deps: []string{`{"type":"record","name":"D","fields":[{"name":"a-b","type":"int"}]}`}, schema: `"string"`, stored: true},
		{name: "name starting with a digit", schema: `{"type":"record","name":"1R","fields":[]}`, stored: false},
		{name: "field name with a hyphen", schema: `{"type":"record","name":"R","fields":[{"name":"a-b","type":"int"}]}`, stored: false},
	}
	f := New(Limits{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			deps := dependencies(tc.deps)
			if s, err := f.Parse(tc.schema, deps); err == nil {
				t.Errorf("Parse accepted it: %s", s.Canonical())
			}
			s, err := f.ParseStored(tc.schema, deps)
			if (err == nil) != tc.stored {
				t.Fatalf("ParseStored error = %v, want accepted %v", err, tc.stored)
			}
			if err == nil && s.Normalize().Canonical() == "" {
				t.Error("no normalized form")
			}
		})
	}
}
