package avro

import (
	"errors"
	"testing"

	"github.com/goschemaregistry/registry/formats"
)

// canonicalCases give the text Confluent stores, the "resolved" format and
// the normalized form of schemas of many shapes. The expected texts were
// produced by Java Avro 1.12 (Schema.Parser as Confluent configures it for
// new schemas, and Confluent's normalization) on Jackson 2.18.
var canonicalCases = []struct {
	name       string
	deps       []string
	schema     string
	canonical  string
	resolved   string
	normalized string
}{
	{
		name:       "primitive",
		deps:       nil,
		schema:     `"string"`,
		canonical:  `"string"`,
		resolved:   `"string"`,
		normalized: `"string"`,
	},
	{
		name:       "primitive object",
		deps:       nil,
		schema:     `{"type":"int"}`,
		canonical:  `"int"`,
		resolved:   `"int"`,
		normalized: `"int"`,
	},
	{
		name:       "primitive with props",
		deps:       nil,
		schema:     `{"type":"string","avro.java.string":"String","x":[1,{"b":2,"a":3}]}`,
		canonical:  `{"type":"string","avro.java.string":"String","x":[1,{"b":2,"a":3}]}`,
		resolved:   `{"type":"string","avro.java.string":"String","x":[1,{"b":2,"a":3}]}`,
		normalized: `{"type":"string","avro.java.string":"String","x":[1,{"a":3,"b":2}]}`,
	},
	{
		name:       "reserved keys dropped from primitive",
		deps:       nil,
		schema:     `{"type":"long","name":"n","namespace":"x","doc":"d","aliases":["a"]}`,
		canonical:  `"long"`,
		resolved:   `"long"`,
		normalized: `"long"`,
	},
	{
		name:       "logical type",
		deps:       nil,
		schema:     `{"type":"int","logicalType":"date"}`,
		canonical:  `{"type":"int","logicalType":"date"}`,
		resolved:   `{"type":"int","logicalType":"date"}`,
		normalized: `{"type":"int","logicalType":"date"}`,
	},
	{
		name:       "decimal",
		deps:       nil,
		schema:     `{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}`,
		canonical:  `{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}`,
		resolved:   `{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}`,
		normalized: `{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}`,
	},
	{
		name:       "unknown logical type kept",
		deps:       nil,
		schema:     `{"type":"string","logicalType":"ipv4","version":4}`,
		canonical:  `{"type":"string","logicalType":"ipv4","version":4}`,
		resolved:   `{"type":"string","logicalType":"ipv4","version":4}`,
		normalized: `{"type":"string","logicalType":"ipv4","version":4}`,
	},
	{
		name:       "invalid logical type kept",
		deps:       nil,
		schema:     `{"type":"string","logicalType":"date"}`,
		canonical:  `{"type":"string","logicalType":"date"}`,
		resolved:   `{"type":"string","logicalType":"date"}`,
		normalized: `{"type":"string","logicalType":"date"}`,
	},
	{
		name:       "record with doc defaults aliases order",
		deps:       nil,
		schema:     `{"namespace":"com.acme","type":"record","name":"User","doc":"A user","aliases":["Person","old.Member"],"fields":[{"name":"id","type":"long","doc":"key","order":"descending"},{"name":"name","type":"string","default":"anonymous","aliases":["nick"]},{"name":"age","type":["null","int"],"default":null,"order":"IGNORE"},{"name":"score","type":"double","default":1}],"owner":"team"}`,
		canonical:  `{"type":"record","name":"User","namespace":"com.acme","doc":"A user","fields":[{"name":"id","type":"long","doc":"key","order":"descending"},{"name":"name","type":"string","default":"anonymous","aliases":["nick"]},{"name":"age","type":["null","int"],"default":null,"order":"ignore"},{"name":"score","type":"double","default":1}],"owner":"team","aliases":["Person","old.Member"]}`,
		resolved:   `{"type":"record","name":"User","namespace":"com.acme","doc":"A user","fields":[{"name":"id","type":"long","doc":"key","order":"descending"},{"name":"name","type":"string","default":"anonymous","aliases":["nick"]},{"name":"age","type":["null","int"],"default":null,"order":"ignore"},{"name":"score","type":"double","default":1}],"owner":"team","aliases":["Person","old.Member"]}`,
		normalized: `{"type":"record","name":"User","namespace":"com.acme","doc":"A user","fields":[{"name":"id","type":"long","doc":"key","order":"descending"},{"name":"name","type":"string","default":"anonymous","aliases":["nick"]},{"name":"age","type":["null","int"],"default":null,"order":"ignore"},{"name":"score","type":"double","default":1.0}],"owner":"team","aliases":["Person","old.Member"]}`,
	},
	{
		name:       "error record",
		deps:       nil,
		schema:     `{"type":"error","name":"Failure","fields":[{"name":"message","type":"string"}]}`,
		canonical:  `{"type":"error","name":"Failure","fields":[{"name":"message","type":"string"}]}`,
		resolved:   `{"type":"error","name":"Failure","fields":[{"name":"message","type":"string"}]}`,
		normalized: `{"type":"record","name":"Failure","fields":[{"name":"message","type":"string"}]}`,
	},
	{
		name:       "nested namespaces",
		deps:       nil,
		schema:     `{"type":"record","name":"Outer","namespace":"a","fields":[{"name":"inner","type":{"type":"record","name":"Inner","namespace":"b","fields":[{"name":"back","type":["null","a.Outer"]},{"name":"same","type":{"type":"fixed","name":"Hash","size":16}}]}},{"name":"hash","type":"b.Hash"},{"name":"plain","type":{"type":"enum","name":"Plain","namespace":"","symbols":["X"]}},{"name":"again","type":"Plain"}]}`,
		canonical:  `{"type":"record","name":"Outer","namespace":"a","fields":[{"name":"inner","type":{"type":"record","name":"Inner","namespace":"b","fields":[{"name":"back","type":["null","a.Outer"]},{"name":"same","type":{"type":"fixed","name":"Hash","size":16}}]}},{"name":"hash","type":"b.Hash"},{"name":"plain","type":{"type":"enum","name":"Plain","namespace":"","symbols":["X"]}},{"name":"again","type":"Plain"}]}`,
		resolved:   `{"type":"record","name":"Outer","namespace":"a","fields":[{"name":"inner","type":{"type":"record","name":"Inner","namespace":"b","fields":[{"name":"back","type":["null","a.Outer"]},{"name":"same","type":{"type":"fixed","name":"Hash","size":16}}]}},{"name":"hash","type":"b.Hash"},{"name":"plain","type":{"type":"enum","name":"Plain","namespace":"","symbols":["X"]}},{"name":"again","type":"Plain"}]}`,
		normalized: `{"type":"record","name":"Outer","namespace":"a","fields":[{"name":"inner","type":{"type":"record","name":"Inner","namespace":"b","fields":[{"name":"back","type":["null","a.Outer"]},{"name":"same","type":{"type":"fixed","name":"Hash","size":16}}]}},{"name":"hash","type":"b.Hash"},{"name":"plain","type":{"type":"enum","name":"Plain","symbols":["X"]}},{"name":"again","type":"Plain"}]}`,
	},
	{
		name:       "dotted name overrides namespace",
		deps:       nil,
		schema:     `{"type":"record","name":"x.y.R","namespace":"ignored","fields":[{"name":"f","type":{"type":"fixed","name":"F","size":1}}]}`,
		canonical:  `{"type":"record","name":"R","namespace":"x.y","fields":[{"name":"f","type":{"type":"fixed","name":"F","size":1}}]}`,
		resolved:   `{"type":"record","name":"R","namespace":"x.y","fields":[{"name":"f","type":{"type":"fixed","name":"F","size":1}}]}`,
		normalized: `{"type":"record","name":"R","namespace":"x.y","fields":[{"name":"f","type":{"type":"fixed","name":"F","size":1}}]}`,
	},
	{
		name:       "enum with default",
		deps:       nil,
		schema:     `{"type":"enum","name":"Suit","symbols":["SPADES","HEARTS"],"default":"HEARTS","doc":"cards","aliases":["Color"],"tag":1}`,
		canonical:  `{"type":"enum","name":"Suit","doc":"cards","symbols":["SPADES","HEARTS"],"default":"HEARTS","tag":1,"aliases":["Color"]}`,
		resolved:   `{"type":"enum","name":"Suit","doc":"cards","symbols":["SPADES","HEARTS"],"default":"HEARTS","tag":1,"aliases":["Color"]}`,
		normalized: `{"type":"enum","name":"Suit","doc":"cards","symbols":["SPADES","HEARTS"],"default":"HEARTS","tag":1,"aliases":["Color"]}`,
	},
	{
		name:       "fixed",
		deps:       nil,
		schema:     `{"type":"fixed","name":"md5","namespace":"h","size":16,"doc":"digest"}`,
		canonical:  `{"type":"fixed","name":"md5","namespace":"h","doc":"digest","size":16}`,
		resolved:   `{"type":"fixed","name":"md5","namespace":"h","doc":"digest","size":16}`,
		normalized: `{"type":"fixed","name":"md5","namespace":"h","doc":"digest","size":16}`,
	},
	{
		name:       "fixed decimal",
		deps:       nil,
		schema:     `{"type":"fixed","name":"Money","size":8,"logicalType":"decimal","precision":18,"scale":4}`,
		canonical:  `{"type":"fixed","name":"Money","size":8,"logicalType":"decimal","precision":18,"scale":4}`,
		resolved:   `{"type":"fixed","name":"Money","size":8,"logicalType":"decimal","precision":18,"scale":4}`,
		normalized: `{"type":"fixed","name":"Money","size":8,"logicalType":"decimal","precision":18,"scale":4}`,
	},
	{
		name:       "array and map",
		deps:       nil,
		schema:     `{"type":"record","name":"R","fields":[{"name":"tags","type":{"type":"array","items":"string","x":true},"default":["a"]},{"name":"counts","type":{"type":"map","values":"long"},"default":{"b":2,"a":1}}]}`,
		canonical:  `{"type":"record","name":"R","fields":[{"name":"tags","type":{"type":"array","items":"string","x":true},"default":["a"]},{"name":"counts","type":{"type":"map","values":"long"},"default":{"b":2,"a":1}}]}`,
		resolved:   `{"type":"record","name":"R","fields":[{"name":"tags","type":{"type":"array","items":"string","x":true},"default":["a"]},{"name":"counts","type":{"type":"map","values":"long"},"default":{"b":2,"a":1}}]}`,
		normalized: `{"type":"record","name":"R","fields":[{"name":"tags","type":{"type":"array","items":"string","x":true},"default":["a"]},{"name":"counts","type":{"type":"map","values":"long"},"default":{"a":1,"b":2}}]}`,
	},
	{
		name:       "union",
		deps:       nil,
		schema:     `["null","string",{"type":"array","items":"int"},{"type":"map","values":{"type":"record","name":"R","fields":[]}},"R"]`,
		canonical:  `["null","string",{"type":"array","items":"int"},{"type":"map","values":{"type":"record","name":"R","fields":[]}},"R"]`,
		resolved:   `["null","string",{"type":"array","items":"int"},{"type":"map","values":{"type":"record","name":"R","fields":[]}},"R"]`,
		normalized: `["null","string",{"type":"array","items":"int"},{"type":"map","values":{"type":"record","name":"R","fields":[]}},"R"]`,
	},
	{
		name:       "forward reference",
		deps:       nil,
		schema:     `{"type":"record","name":"R","fields":[{"name":"first","type":"Later"},{"name":"second","type":{"type":"record","name":"Later","fields":[]}}]}`,
		canonical:  `{"type":"record","name":"R","fields":[{"name":"first","type":{"type":"record","name":"Later","fields":[]}},{"name":"second","type":"Later"}]}`,
		resolved:   `{"type":"record","name":"R","fields":[{"name":"first","type":{"type":"record","name":"Later","fields":[]}},{"name":"second","type":"Later"}]}`,
		normalized: `{"type":"record","name":"R","fields":[{"name":"first","type":{"type":"record","name":"Later","fields":[]}},{"name":"second","type":"Later"}]}`,
	},
	{
		name:       "recursive record",
		deps:       nil,
		schema:     `{"type":"record","name":"Node","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Node"],"default":null}]}`,
		canonical:  `{"type":"record","name":"Node","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Node"],"default":null}]}`,
		resolved:   `{"type":"record","name":"Node","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Node"],"default":null}]}`,
		normalized: `{"type":"record","name":"Node","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Node"],"default":null}]}`,
	},
	{
		name:       "custom props kept in order",
		deps:       nil,
		schema:     `{"type":"record","name":"R","z":1,"fields":[{"name":"f","type":"int","zeta":true,"alpha":false}],"a":{"y":1,"x":2}}`,
		canonical:  `{"type":"record","name":"R","fields":[{"name":"f","type":"int","zeta":true,"alpha":false}],"z":1,"a":{"y":1,"x":2}}`,
		resolved:   `{"type":"record","name":"R","fields":[{"name":"f","type":"int","zeta":true,"alpha":false}],"z":1,"a":{"y":1,"x":2}}`,
		normalized: `{"type":"record","name":"R","fields":[{"name":"f","type":"int","alpha":false,"zeta":true}],"a":{"x":2,"y":1},"z":1}`,
	},
	{
		name:       "numbers as Jackson writes them",
		deps:       nil,
		schema:     `{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":1e10},{"name":"b","type":"double","default":0.00001},{"name":"c","type":"float","default":"NaN"},{"name":"d","type":"long","default":9007199254740993},{"name":"e","type":"double","default":-0.0}],"f":1.50}`,
		canonical:  `{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":1.0E10},{"name":"b","type":"double","default":1.0E-5},{"name":"c","type":"float","default":"NaN"},{"name":"d","type":"long","default":9007199254740993},{"name":"e","type":"double","default":-0.0}],"f":1.5}`,
		resolved:   `{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":1.0E10},{"name":"b","type":"double","default":1.0E-5},{"name":"c","type":"float","default":"NaN"},{"name":"d","type":"long","default":9007199254740993},{"name":"e","type":"double","default":-0.0}],"f":1.5}`,
		normalized: `{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":1.0E10},{"name":"b","type":"double","default":1.0E-5},{"name":"c","type":"float","default":"NaN"},{"name":"d","type":"long","default":9007199254740993},{"name":"e","type":"double","default":-0.0}],"f":1.5}`,
	},
	{
		name:       "big integer property",
		deps:       nil,
		schema:     `{"type":"string","big":123456789012345678901234567890}`,
		canonical:  `{"type":"string","big":123456789012345678901234567890}`,
		resolved:   `{"type":"string","big":123456789012345678901234567890}`,
		normalized: `{"type":"string","big":123456789012345678901234567890}`, // Confluent's normalization fails: the schema stays as it is
	},
	{
		name:       "string escapes",
		deps:       nil,
		schema:     `{"type":"record","name":"R","doc":"tab\t quote\" slash/ <b>&amp; \u00e9 \u0001 \ud83d\ude00","fields":[]}`,
		canonical:  `{"type":"record","name":"R","doc":"tab\t quote\" slash/ <b>&amp; é \u0001 😀","fields":[]}`,
		resolved:   `{"type":"record","name":"R","doc":"tab\t quote\" slash/ <b>&amp; é \u0001 😀","fields":[]}`,
		normalized: `{"type":"record","name":"R","doc":"tab\t quote\" slash/ <b>&amp; é \u0001 😀","fields":[]}`,
	},
	{
		name:       "duplicate keys: last value, first place",
		deps:       nil,
		schema:     `{"type":"record","name":"R","fields":[],"p":1,"q":2,"p":3}`,
		canonical:  `{"type":"record","name":"R","fields":[],"p":3,"q":2}`,
		resolved:   `{"type":"record","name":"R","fields":[],"p":3,"q":2}`,
		normalized: `{"type":"record","name":"R","fields":[],"p":3,"q":2}`,
	},
	{
		name: "comments",
		deps: nil,
		schema: `/* c */ {"type": "record", // c
 "name": "R", "fields": []}`,
		canonical:  `{"type":"record","name":"R","fields":[]}`,
		resolved:   `{"type":"record","name":"R","fields":[]}`,
		normalized: `{"type":"record","name":"R","fields":[]}`,
	},
	{
		name:       "equal redefinition",
		deps:       nil,
		schema:     `{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"F","size":2,"doc":"one"}},{"name":"b","type":{"type":"fixed","name":"F","size":2,"doc":"two"}}]}`,
		canonical:  `{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"F","doc":"one","size":2}},{"name":"b","type":"F"}]}`,
		resolved:   `{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"F","doc":"one","size":2}},{"name":"b","type":"F"}]}`,
		normalized: `{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"F","doc":"one","size":2}},{"name":"b","type":"F"}]}`,
	},
	{
		name:       "alias without namespace",
		deps:       nil,
		schema:     `{"type":"record","name":"R","namespace":"n","aliases":[".Top","n.Same","other.Far"],"fields":[]}`,
		canonical:  `{"type":"record","name":"R","namespace":"n","fields":[],"aliases":["Top","Same","other.Far"]}`,
		resolved:   `{"type":"record","name":"R","namespace":"n","fields":[],"aliases":["Top","Same","other.Far"]}`,
		normalized: `{"type":"record","name":"R","namespace":"n","fields":[],"aliases":["Top","Same","other.Far"]}`,
	},
	{
		name:       "union default of a later branch",
		deps:       nil,
		schema:     `{"type":"record","name":"R","fields":[{"name":"a","type":["null","string"],"default":"x"}]}`,
		canonical:  `{"type":"record","name":"R","fields":[{"name":"a","type":["null","string"],"default":"x"}]}`,
		resolved:   `{"type":"record","name":"R","fields":[{"name":"a","type":["null","string"],"default":"x"}]}`,
		normalized: `{"type":"record","name":"R","fields":[{"name":"a","type":["null","string"],"default":"x"}]}`,
	},
	{
		name:       "map logical type moves first",
		deps:       nil,
		schema:     `{"type":"array","x":1,"logicalType":"map","items":{"type":"record","name":"KV","fields":[{"name":"key","type":"string"},{"name":"value","type":"int"}]}}`,
		canonical:  `{"type":"array","items":{"type":"record","name":"KV","fields":[{"name":"key","type":"string"},{"name":"value","type":"int"}]},"logicalType":"map","x":1}`,
		resolved:   `{"type":"array","items":{"type":"record","name":"KV","fields":[{"name":"key","type":"string"},{"name":"value","type":"int"}]},"logicalType":"map","x":1}`,
		normalized: `{"type":"array","items":{"type":"record","name":"KV","fields":[{"name":"key","type":"string"},{"name":"value","type":"int"}]},"logicalType":"map","x":1}`,
	},
	{
		name:       "reference by name",
		deps:       []string{`{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"zip","type":{"type":"fixed","name":"Zip","size":5}}]}`},
		schema:     `{"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"home","type":"Address"},{"name":"work","type":"com.acme.Address"}]}`,
		canonical:  `{"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"home","type":"Address"},{"name":"work","type":"Address"}]}`,
		resolved:   `{"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"home","type":{"type":"record","name":"Address","fields":[{"name":"zip","type":{"type":"fixed","name":"Zip","size":5}}]}},{"name":"work","type":"Address"}]}`,
		normalized: `{"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"home","type":"Address"},{"name":"work","type":"Address"}]}`,
	},
	{
		name:       "referenced nested type is inlined",
		deps:       []string{`{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"zip","type":{"type":"fixed","name":"Zip","size":5}}]}`},
		schema:     `{"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"zip","type":"Zip"},{"name":"home","type":"Address"},{"name":"zip2","type":"Zip"}]}`,
		canonical:  `{"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"zip","type":{"type":"fixed","name":"Zip","size":5}},{"name":"home","type":"Address"},{"name":"zip2","type":"Zip"}]}`,
		resolved:   `{"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"zip","type":{"type":"fixed","name":"Zip","size":5}},{"name":"home","type":{"type":"record","name":"Address","fields":[{"name":"zip","type":"Zip"}]}},{"name":"zip2","type":"Zip"}]}`,
		normalized: `{"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"zip","type":{"type":"fixed","name":"Zip","size":5}},{"name":"home","type":"Address"},{"name":"zip2","type":"Zip"}]}`,
	},
	{
		name:       "transitive references",
		deps:       []string{`{"type":"enum","name":"Kind","namespace":"t","symbols":["A"]}`, `{"type":"record","name":"Item","namespace":"t","fields":[{"name":"kind","type":"Kind"}]}`},
		schema:     `{"type":"record","name":"Order","fields":[{"name":"item","type":"t.Item"},{"name":"kind","type":"t.Kind"}]}`,
		canonical:  `{"type":"record","name":"Order","fields":[{"name":"item","type":"t.Item"},{"name":"kind","type":"t.Kind"}]}`,
		resolved:   `{"type":"record","name":"Order","fields":[{"name":"item","type":{"type":"record","name":"Item","namespace":"t","fields":[{"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A"]}}]}},{"name":"kind","type":"t.Kind"}]}`,
		normalized: `{"type":"record","name":"Order","fields":[{"name":"item","type":"t.Item"},{"name":"kind","type":"t.Kind"}]}`,
	},
	{
		name:       "schema equal to its reference",
		deps:       []string{`{"type":"record","name":"R","namespace":"n","fields":[]}`},
		schema:     `{"type":"record","name":"R","namespace":"n","fields":[]}`,
		canonical:  `"n.R"`,
		resolved:   `{"type":"record","name":"R","namespace":"n","fields":[]}`,
		normalized: `"n.R"`,
	},
}

func dependencies(texts []string) []formats.Dependency {
	deps := make([]formats.Dependency, len(texts))
	for i, text := range texts {
		deps[i] = formats.Dependency{Name: "ref" + string(rune('a'+i)), Schema: text}
	}
	return deps
}

func TestCanonical(t *testing.T) {
	f := New(Limits{})
	for _, tc := range canonicalCases {
		t.Run(tc.name, func(t *testing.T) {
			deps := dependencies(tc.deps)
			s, err := f.Parse(tc.schema, deps)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := s.Canonical(); got != tc.canonical {
				t.Errorf("Canonical()\n got %s\nwant %s", got, tc.canonical)
			}
			resolved, err := s.Formatted("resolved")
			if err != nil || resolved != tc.resolved {
				t.Errorf("Formatted(resolved) = %v\n got %s\nwant %s", err, resolved, tc.resolved)
			}
			if got := s.Normalize().Canonical(); got != tc.normalized {
				t.Errorf("Normalize().Canonical()\n got %s\nwant %s", got, tc.normalized)
			}
			again, err := f.Parse(s.Canonical(), deps)
			if err != nil {
				t.Fatalf("canonical text does not parse again: %v", err)
			}
			if again.Canonical() != s.Canonical() {
				t.Errorf("canonical text is not stable:\n%s\n%s", s.Canonical(), again.Canonical())
			}
		})
	}
}

func TestFormatted(t *testing.T) {
	s, err := New(Limits{}).Parse(`{"type":"record","name":"U","fields":[{"name":"a","type":"t.Kind"}]}`, dependencies([]string{kindDep}))
	if err != nil {
		t.Fatal(err)
	}
	canonical := `{"type":"record","name":"U","fields":[{"name":"a","type":"t.Kind"}]}`
	resolved := `{"type":"record","name":"U","fields":[{"name":"a","type":{"type":"enum","name":"Kind","namespace":"t","symbols":["A","B"]}}]}`
	tests := []struct {
		format string
		want   string
	}{
		{"", canonical},
		{"  ", canonical},
		{"default", canonical},
		{"DEFAULT", canonical},
		{"resolved", resolved},
		{"Resolved", resolved},
	}
	for _, tc := range tests {
		if got, err := s.Formatted(tc.format); err != nil || got != tc.want {
			t.Errorf("Formatted(%q) = %s, %v; want %s", tc.format, got, err, tc.want)
		}
	}
	for _, format := range []string{"serialized", " resolved", "ignore_extensions"} {
		if _, err := s.Formatted(format); !errors.Is(err, formats.ErrUnknownFormat) {
			t.Errorf("Formatted(%q) error = %v, want ErrUnknownFormat", format, err)
		}
	}
}
