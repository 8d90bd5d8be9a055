package jsonschema

import (
	"errors"
	"testing"

	"github.com/goschemaregistry/registry/formats"
)

// canonicalCases pair a schema text with the canonical text Confluent stores
// for it (Jackson's writeValueAsString of the tree its mapper reads) and the
// normalized text (the same tree read into sorted maps).
var canonicalCases = []struct {
	name       string
	schema     string
	canonical  string
	normalized string
}{
	{
		name:       "white space goes, member order stays",
		schema:     "{ \"type\" : \"object\",\n  \"properties\": {\"b\": {\"type\": \"string\"}, \"a\": {\"type\": \"integer\"}} }",
		canonical:  `{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"integer"}}}`,
		normalized: `{"properties":{"a":{"type":"integer"},"b":{"type":"string"}},"type":"object"}`,
	},
	{
		name:       "a duplicate member keeps its first place and its last value",
		schema:     `{"type":"string","title":"x","type":"integer"}`,
		canonical:  `{"type":"integer","title":"x"}`,
		normalized: `{"title":"x","type":"integer"}`,
	},
	{
		name:      "decimals are written as Java's BigDecimal.toString",
		schema:    `{"examples":[1.0,1.50,1e2,1.5e3,0.000001,0.0000001,-0.0,1E400,25e-1,100.0e-2]}`,
		canonical: `{"examples":[1.0,1.50,1E+2,1.5E+3,0.000001,1E-7,0.0,1E+400,2.5,1.000]}`,
	},
	{
		name:      "integers keep their digits, -0 is 0",
		schema:    `{"examples":[0,-0,-12,123456789012345678901234567890]}`,
		canonical: `{"examples":[0,0,-12,123456789012345678901234567890]}`,
	},
	{
		name:      "non-numeric numbers become strings, as Jackson writes them",
		schema:    `{"examples":[NaN,Infinity,-Infinity,+Infinity,-INF]}`,
		canonical: `{"examples":["NaN","Infinity","-Infinity","Infinity","-Infinity"]}`,
	},
	{
		name:      "strings are escaped as Jackson escapes them",
		schema:    `{"description":"a\/b \"q\" \\ \u0001\t\n <>& é \u2028 😀 \ud83d\ude00"}`,
		canonical: "{\"description\":\"a/b \\\"q\\\" \\\\ \\u0001\\t\\n <>& é \u2028 😀 😀\"}",
	},
	{
		name:      "whatever follows the first value is ignored, as Jackson's readTree does",
		schema:    `{"type":"string"} {"type":"integer"}]`,
		canonical: `{"type":"string"}`,
	},
	{
		name:      "a boolean schema",
		schema:    ` true `,
		canonical: `true`,
	},
	{
		name:       "members sort by UTF-16 code units, so a character beyond U+FFFF comes before U+E000",
		schema:     `{"properties":{"\ue000":{},"😀":{},"z":{}}}`,
		canonical:  `{"properties":{"` + "\ue000" + `":{},"😀":{},"z":{}}}`,
		normalized: `{"properties":{"z":{},"😀":{},"` + "\ue000" + `":{}}}`,
	},
	{
		name:       "arrays keep their order when normalized",
		schema:     `{"required":["b","a"],"enum":[{"y":1,"x":2}]}`,
		canonical:  `{"required":["b","a"],"enum":[{"y":1,"x":2}]}`,
		normalized: `{"enum":[{"x":2,"y":1}],"required":["b","a"]}`,
	},
}

func TestCanonical(t *testing.T) {
	f := New(Limits{})
	for _, tc := range canonicalCases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := f.Parse(tc.schema, nil)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := s.Canonical(); got != tc.canonical {
				t.Errorf("Canonical:\n got  %s\n want %s", got, tc.canonical)
			}
			normalized := tc.normalized
			if normalized == "" {
				normalized = tc.canonical
			}
			if got := s.Normalize().Canonical(); got != normalized {
				t.Errorf("Normalize:\n got  %s\n want %s", got, normalized)
			}
			if got, err := s.Formatted(""); err != nil || got != tc.canonical {
				t.Errorf(`Formatted("") = %q, %v`, got, err)
			}
		})
	}
}

func TestFormatted(t *testing.T) {
	s, err := New(Limits{}).Parse(`{"type":"string"}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Formatted("  "); err != nil || got != `{"type":"string"}` {
		t.Errorf("blank format: %q, %v", got, err)
	}
	for _, format := range []string{"resolved", "default", "serialized"} {
		if _, err := s.Formatted(format); !errors.Is(err, formats.ErrUnknownFormat) {
			t.Errorf("Formatted(%q) error = %v, want ErrUnknownFormat", format, err)
		}
	}
	if s.Type() != formats.TypeJSON || New(Limits{}).Type() != formats.TypeJSON {
		t.Error("type is not JSON")
	}
}
