package jsonschema

import (
	"fmt"
	"strings"
	"testing"
)

// TestInvalid checks that what Confluent refuses is refused, with the
// parser's or the validating library's message.
func TestInvalid(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		want   string
		// notJSONSchema is set for texts that are not a JSON object or
		// boolean, which ParseStored refuses too.
		notJSONSchema bool
	}{
		{"not JSON", `{"type":}`, "Invalid JSON at line 1, column 9: unexpected character '}'", true},
		{"unterminated", `{"type":"string"`, "Invalid JSON at line 1, column 17: unexpected end of input", true},
		{"comments are not JSON", `{/* c */"type":"string"}`, "expected a member name in double quotes", true},
		{"single quotes", `{'type':'string'}`, "expected a member name in double quotes", true},
		{"leading zero", `{"maxLength":01}`, "leading zeroes are not allowed", true},
		{"leading plus", `{"maxLength":+1}`, "unexpected character '+'", true},
		{"bare decimal point", `{"maximum":1.}`, "decimal point not followed by a digit", true},
		{"raw control character", "{\"title\":\"a\tb\"}", "control character U+0009 in a string must be escaped", true},
		{"empty text", "  ", "Invalid JSON schema: expected an object or boolean at the root, found MISSING", true},
		{"array root", `[{"type":"string"}]`, "expected an object or boolean at the root, found ARRAY", true},
		{"string root", `"string"`, "found STRING", true},
		{"null root", `null`, "found NULL", true},
		{"unknown type", `{"type":"strin"}`, "at '/type'", false},
		{"negative maxLength", `{"maxLength":-1}`, "at '/maxLength'", false},
		{"required not an array", `{"required":"a"}`, "at '/required'", false},
		{"zero multipleOf", `{"multipleOf":0}`, "at '/multipleOf'", false},
		{"invalid pattern", `{"pattern":"(a"}`, "missing closing )", false},
		{"invalid pattern property", `{"patternProperties":{"[a":{}}}`, "missing closing ]", false},
		{"draft 7 exclusiveMaximum is a number", `{"exclusiveMaximum":true}`, "at '/exclusiveMaximum'", false},
		{"2020-12 items is a schema", `{"$schema":"https://json-schema.org/draft/2020-12/schema","items":[{}]}`, "at '/items'", false},
		{"unresolved local reference", `{"$ref":"#/definitions/missing"}`, "definitions/missing", false},
		{"unknown anchor", `{"$ref":"#nowhere"}`, "nowhere", false},
	}
	f := New(Limits{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Parse(tc.schema, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse error = %v, want one containing %q", err, tc.want)
			}
			// Stored schemas are not validated, but must still be a JSON
			// object or boolean.
			if _, err := f.ParseStored(tc.schema, nil); (err != nil) != tc.notJSONSchema {
				t.Errorf("ParseStored error = %v", err)
			}
		})
	}
}

// TestValid checks schemas Confluent accepts, some of which a strict reading
// of the metaschemas would refuse.
func TestValid(t *testing.T) {
	tests := []struct {
		name   string
		schema string
	}{
		{"lookahead, which only Java compiles", `{"pattern":"^(?!foo)[a-z]+$"}`},
		{"back reference", `{"patternProperties":{"^(a)\\1$":{}}}`},
		{"possessive quantifier", `{"pattern":"a*+b"}`},
		{"Java character class", `{"pattern":"\\p{javaLowerCase}+"}`},
		{"catastrophic backtracking pattern, harmless in RE2", `{"pattern":"^(a+)+$"}`},
		{"draft 4 with an empty required list", `{"$schema":"http://json-schema.org/draft-04/schema#","type":"object","required":[]}`},
		{"draft 4 boolean exclusiveMaximum", `{"$schema":"http://json-schema.org/draft-04/schema#","maximum":3,"exclusiveMaximum":true}`},
		{"unknown keywords", `{"type":"string","x-extension":{"any":"thing"},"connect.type":"bytes"}`},
		{"unknown $schema is read as draft 7", `{"$schema":"http://example.com/my-meta","type":"string"}`},
		{"$ref to a bundled metaschema", `{"properties":{"s":{"$ref":"http://json-schema.org/draft-07/schema#"}}}`},
		{"$ref cycle", `{"$ref":"#/definitions/a","definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}}}`},
		{"self reference", `{"type":"object","properties":{"next":{"$ref":"#"}}}`},
		{"$defs reference into definitions, as Confluent bridges them", `{"$ref":"#/$defs/a","definitions":{"a":{"type":"string"}}}`},
		{"anchor", `{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"#name","$defs":{"a":{"$anchor":"name","type":"string"}}}`},
		{"draft 7 plain-name $id", `{"$ref":"#name","definitions":{"a":{"$id":"#name","type":"string"}}}`},
		{"2019-09 tuple", `{"$schema":"https://json-schema.org/draft/2019-09/schema","items":[{"type":"string"}],"additionalItems":false}`},
		{"true", `true`},
		{"false", `false`},
	}
	f := New(Limits{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := f.Parse(tc.schema, nil); err != nil {
				t.Fatalf("Parse: %v", err)
			}
		})
	}
}

// TestNoNetwork checks that a URL outside the registration's references
// and the bundled metaschemas is an error, never a fetch.
func TestNoNetwork(t *testing.T) {
	f := New(Limits{})
	for _, schema := range []string{
		`{"$ref":"https://example.com/schemas/address.json"}`,
		`{"properties":{"a":{"$ref":"http://127.0.0.1:1/x.json#/definitions/a"}}}`,
		`{"$ref":"file:///etc/passwd"}`,
		`{"$ref":"other.json"}`,
		`{"$id":"https://example.com/root.json","$ref":"other.json"}`,
		`{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"https://example.com/x"}`,
	} {
		_, err := f.Parse(schema, nil)
		if err == nil || !strings.Contains(err.Error(), "is not a registered reference") {
			t.Errorf("Parse(%s) error = %v, want a refused reference", schema, err)
		}
	}
}

func TestDraft(t *testing.T) {
	tests := []struct {
		schema string
		want   Draft
	}{
		{`{}`, Draft7},
		{`true`, Draft7},
		{`{"$schema":"http://json-schema.org/draft-04/schema#"}`, Draft4},
		{`{"$schema":"https://json-schema.org/schema"}`, Draft4},
		{`{"$schema":"http://json-schema.org/draft-06/schema"}`, Draft6},
		{`{"$schema":"http://json-schema.org/draft-07/schema#"}`, Draft7},
		{`{"$schema":"https://json-schema.org/draft/2019-09/schema"}`, Draft2019},
		{`{"$schema":"https://json-schema.org/draft/2020-12/schema#"}`, Draft2020},
		// Everit takes the first metaschema URL $schema starts with.
		{`{"$schema":"http://json-schema.org/draft-04/schema#/definitions"}`, Draft4},
		{`{"$schema":"http://example.com/custom"}`, Draft7},
	}
	f := New(Limits{})
	for _, tc := range tests {
		s, err := f.Parse(tc.schema, nil)
		if err != nil {
			t.Errorf("Parse(%s): %v", tc.schema, err)
			continue
		}
		if got := s.(*Schema).Draft(); got != tc.want {
			t.Errorf("Draft(%s) = %v, want %v", tc.schema, got, tc.want)
		}
	}
}

// TestConcurrentUse parses and normalizes schemas from several goroutines
// at once, which -race checks: the format and its schemas share state
// (the compiled metaschemas, the parsed trees) but never modify it.
func TestConcurrentUse(t *testing.T) {
	f := New(Limits{})
	shared, err := f.Parse(`{"type":"object","properties":{"b":{"$ref":"#/definitions/x"},"a":{}},"definitions":{"x":{"type":"string"}}}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := shared.Normalize().Canonical()
	schemas := []string{
		`{"$schema":"http://json-schema.org/draft-04/schema#","type":"string"}`,
		`{"$schema":"https://json-schema.org/draft/2020-12/schema","prefixItems":[{}],"items":false}`,
		`{"$schema":"https://json-schema.org/draft/2019-09/schema","type":"integer"}`,
		`{"anyOf":[{"type":"string"},{"pattern":"(?=x)"}]}`,
	}
	errs := make(chan error, 4*len(schemas))
	for range 4 {
		for _, schema := range schemas {
			go func() {
				if _, err := f.Parse(schema, nil); err != nil {
					errs <- err
					return
				}
				if got := shared.Normalize().Canonical(); got != want {
					errs <- fmt.Errorf("normalized %s, want %s", got, want)
					return
				}
				errs <- nil
			}()
		}
	}
	for range 4 * len(schemas) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
