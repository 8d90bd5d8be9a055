package compat

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/goschemaregistry/registry/formats"
	"github.com/goschemaregistry/registry/formats/jsonschema"
)

// jsonSchemaFormat parses the JSON schemas of the tests.
var jsonSchemaFormat = jsonschema.New(jsonschema.Limits{})

func parseJSONSchema(t testing.TB, text string, deps ...formats.Dependency) formats.Schema {
	t.Helper()
	s, err := jsonSchemaFormat.Parse(text, deps)
	if err != nil {
		t.Fatalf("parse %s: %v", text, err)
	}
	return s
}

// The source the reasons cite: Confluent's json/diff rules, by the
// Difference.Type they find (writer's schema as the original, reader's as
// the update) and whether their strict policy lets it pass.
const confluentDiff = "Confluent json/diff: "

// TestJSONSchemaRules checks one rule of Confluent's JSON Schema
// compatibility per row, in every direction, through Check: BACKWARD
// compares the old schema (original) with the new one (update), FORWARD the
// reverse, FULL both.
func TestJSONSchemaRules(t *testing.T) {
	const (
		str    = `{"type":"string"}`
		object = `{"type":"object","properties":{"a":{"type":"string"}}}`
		closed = `{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}`
	)
	tests := []struct {
		name                    string
		old, new                string
		backward, forward, full bool
		reason                  string
	}{
		{
			name: "same schema", old: object, new: object,
			backward: true, forward: true, full: true,
			reason: confluentDiff + "no difference",
		},
		{
			name: "type changed", old: str, new: `{"type":"integer"}`,
			reason: confluentDiff + "TYPE_CHANGED both ways",
		},
		{
			name: "integer widened to number", old: `{"type":"integer"}`, new: `{"type":"number"}`,
			backward: true,
			reason:   confluentDiff + "TYPE_EXTENDED passes; the other way TYPE_NARROWED does not",
		},
		{
			name: "type extended with a list of types", old: str, new: `{"type":["string","null"]}`,
			backward: true,
			reason:   confluentDiff + "SUM_TYPE_EXTENDED passes; the other way the anyOf is a TYPE_CHANGED",
		},
		{
			name: "anything to the empty schema", old: str, new: `{}`,
			backward: true,
			reason:   confluentDiff + "an empty update reads anything; the other way TYPE_CHANGED",
		},
		{
			name: "from the false schema", old: `false`, new: str,
			backward: true,
			reason:   confluentDiff + "a false original accepts any update; the other way TYPE_CHANGED",
		},
		{
			name: "maxLength added", old: str, new: `{"type":"string","maxLength":10}`,
			forward: true,
			reason:  confluentDiff + "MAX_LENGTH_ADDED fails; MAX_LENGTH_REMOVED passes",
		},
		{
			name: "maxLength increased", old: `{"type":"string","maxLength":10}`, new: `{"type":"string","maxLength":20}`,
			backward: true,
			reason:   confluentDiff + "MAX_LENGTH_INCREASED passes; MAX_LENGTH_DECREASED fails",
		},
		{
			name: "minLength increased", old: `{"type":"string","minLength":1}`, new: `{"type":"string","minLength":5}`,
			forward: true,
			reason:  confluentDiff + "MIN_LENGTH_INCREASED fails; MIN_LENGTH_DECREASED passes",
		},
		{
			name: "pattern added", old: str, new: `{"type":"string","pattern":"^a"}`,
			forward: true,
			reason:  confluentDiff + "PATTERN_ADDED fails; PATTERN_REMOVED passes",
		},
		{
			name: "pattern changed", old: `{"type":"string","pattern":"^a"}`, new: `{"type":"string","pattern":"^b"}`,
			reason: confluentDiff + "PATTERN_CHANGED both ways",
		},
		{
			name: "maximum added", old: `{"type":"number"}`, new: `{"type":"number","maximum":10}`,
			forward: true,
			reason:  confluentDiff + "MAXIMUM_ADDED fails; MAXIMUM_REMOVED passes",
		},
		{
			name: "minimum increased", old: `{"type":"number","minimum":1}`, new: `{"type":"number","minimum":2.5}`,
			forward: true,
			reason:  confluentDiff + "MINIMUM_INCREASED fails; MINIMUM_DECREASED passes",
		},
		{
			name: "minimum respelled", old: `{"type":"number","minimum":1}`, new: `{"type":"number","minimum":1.00}`,
			backward: true, forward: true, full: true,
			reason: confluentDiff + "limits of equal value are neither increased nor decreased",
		},
		{
			name: "exclusiveMinimum added", old: `{"type":"number"}`, new: `{"type":"number","exclusiveMinimum":0}`,
			forward: true,
			reason:  confluentDiff + "EXCLUSIVE_MINIMUM_ADDED fails; EXCLUSIVE_MINIMUM_REMOVED passes",
		},
		{
			name: "exclusiveMaximum increased", old: `{"type":"number","exclusiveMaximum":5,"maximum":20}`,
			new:      `{"type":"number","exclusiveMaximum":10,"maximum":20}`,
			backward: true, forward: true, full: true,
			reason: confluentDiff + "EXCLUSIVE_MAXIMUM_INCREASED passes; lowered, it is compared with the update's maximum " +
				"(20), which it does not exceed, so nothing is found",
		},
		{
			name: "draft 4 boolean exclusiveMaximum", old: `{"$schema":"http://json-schema.org/draft-04/schema#","type":"number","maximum":5}`,
			new:      `{"$schema":"http://json-schema.org/draft-04/schema#","type":"number","maximum":5,"exclusiveMaximum":true}`,
			backward: true, forward: true, full: true,
			reason: confluentDiff + "Everit keeps draft 4's boolean apart from the limits it compares",
		},
		{
			name: "multipleOf multiplied", old: `{"type":"number","multipleOf":2}`, new: `{"type":"number","multipleOf":4}`,
			forward: true,
			reason:  confluentDiff + "MULTIPLE_OF_EXPANDED fails; MULTIPLE_OF_REDUCED passes",
		},
		{
			name: "multipleOf to a non-multiple", old: `{"type":"number","multipleOf":2}`, new: `{"type":"number","multipleOf":3}`,
			reason: confluentDiff + "MULTIPLE_OF_CHANGED both ways",
		},
		{
			name: "multipleOf respelled", old: `{"type":"number","multipleOf":0.5}`, new: `{"type":"number","multipleOf":0.50}`,
			backward: true, forward: true, full: true,
			reason: confluentDiff + "multipleOf compares as BigDecimals of equal value",
		},
		{
			name: "enum extended", old: `{"enum":["a","b"]}`, new: `{"enum":["a","b","c"]}`,
			backward: true,
			reason:   confluentDiff + "ENUM_ARRAY_EXTENDED passes; ENUM_ARRAY_NARROWED fails",
		},
		{
			name: "enum changed", old: `{"enum":["a"]}`, new: `{"enum":["b"]}`,
			reason: confluentDiff + "ENUM_ARRAY_CHANGED both ways",
		},
		{
			name: "const changed", old: `{"const":1}`, new: `{"const":2}`,
			reason: confluentDiff + "ENUM_ARRAY_CHANGED at const both ways",
		},
		{
			name: "title and description changed", old: `{"type":"string","title":"a","description":"x"}`,
			new:      `{"type":"string","title":"b","description":"y"}`,
			backward: true, forward: true, full: true,
			reason: confluentDiff + "TITLE_CHANGED and DESCRIPTION_CHANGED pass",
		},
		{
			name: "optional property added to an open object", old: object,
			new:     `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}`,
			forward: true,
			reason:  confluentDiff + "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL fails (strict); PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL passes",
		},
		{
			name: "property with an empty schema added to an open object", old: object,
			new:      `{"type":"object","properties":{"a":{"type":"string"},"b":{}}}`,
			backward: true, forward: true, full: true,
			reason: confluentDiff + "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL passes; PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL passes",
		},
		{
			name: "required property added to an open object", old: object,
			new:     `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["b"]}`,
			forward: true,
			reason:  confluentDiff + "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL fails; PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL passes",
		},
		{
			name: "optional property added to a closed object", old: closed,
			new:      `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":false}`,
			backward: true,
			reason:   confluentDiff + "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL passes; PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL fails",
		},
		{
			name: "required property added to a closed object", old: closed,
			new:    `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["b"],"additionalProperties":false}`,
			reason: confluentDiff + "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL fails; PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL fails",
		},
		{
			name: "required property with a default added to a closed object", old: closed,
			new:      `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string","default":""}},"required":["b"],"additionalProperties":false}`,
			backward: true,
			reason:   confluentDiff + "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL passes",
		},
		{
			name: "false property removed from a closed object",
			old:  `{"type":"object","properties":{"a":{"type":"string"},"b":false},"additionalProperties":false}`,
			new:  closed, backward: true, forward: true, full: true,
			reason: confluentDiff + "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL passes; OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL passes",
		},
		{
			name:     "property added, covered by additionalProperties",
			old:      `{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}}`,
			new:      `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":{"type":"string"}}`,
			backward: true, forward: true, full: true,
			reason: confluentDiff + "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL and PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL pass",
		},
		{
			name:   "property added, not covered by additionalProperties",
			old:    `{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}}`,
			new:    `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"additionalProperties":{"type":"string"}}`,
			reason: confluentDiff + "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL and PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL fail",
		},
		{
			name:     "property added, covered by patternProperties",
			old:      `{"type":"object","properties":{"a":{"type":"string"}},"patternProperties":{"^s_":{"type":"string"}},"additionalProperties":false}`,
			new:      `{"type":"object","properties":{"a":{"type":"string"},"s_b":{"type":"string"}},"patternProperties":{"^s_":{"type":"string"}},"additionalProperties":false}`,
			backward: true, forward: true, full: true,
			reason: confluentDiff + "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL by the first matching pattern",
		},
		{
			name: "property becomes required", old: object,
			new:     `{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}`,
			forward: true,
			reason:  confluentDiff + "REQUIRED_ATTRIBUTE_ADDED fails; REQUIRED_ATTRIBUTE_REMOVED passes",
		},
		{
			name: "property with a default becomes required", old: `{"type":"object","properties":{"a":{"type":"string","default":""}}}`,
			new:      `{"type":"object","properties":{"a":{"type":"string","default":""}},"required":["a"]}`,
			backward: true, forward: true, full: true,
			reason: confluentDiff + "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED passes",
		},
		{
			name: "object closed", old: `{"type":"object"}`, new: `{"type":"object","additionalProperties":false}`,
			forward: true,
			reason:  confluentDiff + "ADDITIONAL_PROPERTIES_REMOVED fails; ADDITIONAL_PROPERTIES_ADDED passes",
		},
		{
			name: "additionalProperties narrowed to a schema", old: `{"type":"object"}`,
			new:     `{"type":"object","additionalProperties":{"type":"string"}}`,
			forward: true,
			reason:  confluentDiff + "ADDITIONAL_PROPERTIES_NARROWED fails; ADDITIONAL_PROPERTIES_EXTENDED passes",
		},
		{
			name: "dependency array extended", old: `{"dependencies":{"a":["b"]}}`, new: `{"dependencies":{"a":["b","c"]}}`,
			forward: true,
			reason:  confluentDiff + "DEPENDENCY_ARRAY_EXTENDED fails; DEPENDENCY_ARRAY_NARROWED passes",
		},
		{
			name: "dependency schema added", old: `{"type":"object"}`, new: `{"type":"object","dependencies":{"a":{"required":["b"]}}}`,
			forward: true,
			reason:  confluentDiff + "DEPENDENCY_SCHEMA_ADDED fails; DEPENDENCY_SCHEMA_REMOVED passes",
		},
		{
			name: "maxProperties decreased", old: `{"type":"object","maxProperties":5}`, new: `{"type":"object","maxProperties":3}`,
			forward: true,
			reason:  confluentDiff + "MAX_PROPERTIES_DECREASED fails; MAX_PROPERTIES_INCREASED passes",
		},
		{
			name: "minProperties added", old: `{"type":"object"}`, new: `{"type":"object","minProperties":1}`,
			forward: true,
			reason:  confluentDiff + "MIN_PROPERTIES_ADDED fails; MIN_PROPERTIES_REMOVED passes",
		},
		{
			name: "items type changed", old: `{"type":"array","items":{"type":"string"}}`, new: `{"type":"array","items":{"type":"integer"}}`,
			reason: confluentDiff + "TYPE_CHANGED at #/items both ways",
		},
		{
			name: "items schema added", old: `{"type":"array"}`, new: `{"type":"array","items":{"type":"string"}}`,
			forward: true,
			reason:  confluentDiff + "SCHEMA_ADDED fails; SCHEMA_REMOVED passes",
		},
		{
			name: "maxItems added", old: `{"type":"array"}`, new: `{"type":"array","maxItems":3}`,
			forward: true,
			reason:  confluentDiff + "MAX_ITEMS_ADDED fails; MAX_ITEMS_REMOVED passes",
		},
		{
			name: "minItems decreased", old: `{"type":"array","minItems":3}`, new: `{"type":"array","minItems":1}`,
			backward: true,
			reason:   confluentDiff + "MIN_ITEMS_DECREASED passes; MIN_ITEMS_INCREASED fails",
		},
		{
			name: "uniqueItems added", old: `{"type":"array"}`, new: `{"type":"array","uniqueItems":true}`,
			forward: true,
			reason:  confluentDiff + "UNIQUE_ITEMS_ADDED fails; UNIQUE_ITEMS_REMOVED passes",
		},
		{
			name: "tuple item added to an open array", old: `{"items":[{"type":"string"}]}`, new: `{"items":[{"type":"string"},{"type":"integer"}]}`,
			forward: true,
			reason:  confluentDiff + "ITEM_ADDED_TO_OPEN_CONTENT_MODEL fails; ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL passes",
		},
		{
			name: "tuple item added to a closed array", old: `{"items":[{"type":"string"}],"additionalItems":false}`,
			new:      `{"items":[{"type":"string"},{"type":"integer"}],"additionalItems":false}`,
			backward: true,
			reason:   confluentDiff + "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL passes; ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL fails",
		},
		{
			name: "tuple item added, covered by additionalItems", old: `{"items":[{"type":"string"}],"additionalItems":{"type":"integer"}}`,
			new:      `{"items":[{"type":"string"},{"type":"integer"}],"additionalItems":{"type":"integer"}}`,
			backward: true, forward: true, full: true,
			reason: confluentDiff + "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL and ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL pass",
		},
		{
			name: "array closed", old: `{"items":[{"type":"string"}]}`, new: `{"items":[{"type":"string"}],"additionalItems":false}`,
			forward: true,
			reason:  confluentDiff + "ADDITIONAL_ITEMS_REMOVED fails; ADDITIONAL_ITEMS_ADDED passes",
		},
		{
			name: "oneOf branch added", old: `{"oneOf":[{"type":"string"},{"type":"integer"}]}`,
			new:      `{"oneOf":[{"type":"string"},{"type":"integer"},{"type":"null"}]}`,
			backward: true,
			reason:   confluentDiff + "SUM_TYPE_EXTENDED passes; SUM_TYPE_NARROWED fails",
		},
		{
			name: "oneOf branch changed", old: `{"oneOf":[{"type":"string"},{"type":"integer"}]}`,
			new:    `{"oneOf":[{"type":"string"},{"type":"boolean"}]}`,
			reason: confluentDiff + "COMBINED_TYPE_SUBSCHEMAS_CHANGED both ways: no matching covers the branches",
		},
		{
			name: "allOf subschema added", old: `{"allOf":[{"type":"string"}]}`, new: `{"allOf":[{"type":"string"},{"maxLength":3}]}`,
			forward: true,
			reason:  confluentDiff + "PRODUCT_TYPE_EXTENDED fails; PRODUCT_TYPE_NARROWED passes",
		},
		{
			name: "anyOf to oneOf", old: `{"anyOf":[{"type":"string"},{"type":"integer"}]}`, new: `{"oneOf":[{"type":"string"},{"type":"integer"}]}`,
			forward: true,
			reason:  confluentDiff + "COMBINED_TYPE_CHANGED fails; to anyOf COMBINED_TYPE_EXTENDED passes",
		},
		{
			name: "not extended", old: `{"not":{"type":"string"}}`, new: `{"not":{"type":["string","integer"]}}`,
			forward: true,
			reason:  confluentDiff + "NOT_TYPE_EXTENDED fails; NOT_TYPE_NARROWED passes",
		},
		{
			name:   "$ref followed into definitions",
			old:    `{"properties":{"a":{"$ref":"#/definitions/A"}},"definitions":{"A":{"type":"string"}}}`,
			new:    `{"properties":{"a":{"$ref":"#/definitions/A"}},"definitions":{"A":{"type":"integer"}}}`,
			reason: confluentDiff + "TYPE_CHANGED at #/properties/a both ways",
		},
		{
			name: "Connect bytes", old: `{"type":"string","connect.type":"bytes"}`, new: `{"type":"number","connect.type":"bytes"}`,
			backward: true, forward: true, full: true,
			reason: confluentDiff + "two schemas of connect.type bytes may change type",
		},
		{
			name: "2020-12 unevaluatedProperties false added", old: `{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object"}`,
			new:     `{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","unevaluatedProperties":false}`,
			forward: true,
			reason:  confluentDiff + "UNEVALUATED_PROPERTIES_REMOVED fails; UNEVALUATED_PROPERTIES_ADDED passes",
		},
		{
			name: "2020-12 maxContains decreased", old: `{"$schema":"https://json-schema.org/draft/2020-12/schema","contains":{"type":"string"},"maxContains":3}`,
			new:     `{"$schema":"https://json-schema.org/draft/2020-12/schema","contains":{"type":"string"},"maxContains":2}`,
			forward: true,
			reason:  confluentDiff + "MAX_CONTAINS_DECREASED fails; MAX_CONTAINS_INCREASED passes",
		},
		{
			name: "2020-12 prefix item added to a closed tuple", old: `{"$schema":"https://json-schema.org/draft/2020-12/schema","prefixItems":[{"type":"string"}],"items":false}`,
			new:      `{"$schema":"https://json-schema.org/draft/2020-12/schema","prefixItems":[{"type":"string"},{"type":"null"}],"items":false}`,
			backward: true,
			reason:   confluentDiff + "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL passes; ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL fails",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.reason == "" {
				t.Fatal("row without a reason")
			}
			previous := []Previous{{Version: 1, Schema: parseJSONSchema(t, tc.old)}}
			current := parseJSONSchema(t, tc.new)
			for _, check := range []struct {
				level Level
				want  bool
			}{{Backward, tc.backward}, {Forward, tc.forward}, {Full, tc.full}} {
				messages := Check(check.level, current, previous)
				if got := len(messages) == 0; got != check.want {
					t.Errorf("%s: compatible = %t, want %t (%s)\n%s", check.level, got, check.want, tc.reason,
						strings.Join(messages, "\n"))
				}
			}
		})
	}
}

// TestJSONSchemaMessages checks the exact messages of several reasons, as
// Confluent words them in its 409 answer and its verbose compatibility
// answer.
func TestJSONSchemaMessages(t *testing.T) {
	tests := []struct {
		name     string
		level    Level
		old, new string
		want     []string
	}{
		{
			name: "type changed", level: Backward,
			old: `{"type":"object","properties":{"a":{"type":"string"}}}`,
			new: `{"type":"object","properties":{"a":{"type":"integer"}}}`,
			want: []string{
				`{errorType:"TYPE_CHANGED", description:"A type at path '#/properties/a' is different between the new schema and the old schema'}`,
				`{oldSchemaVersion: 1}`,
				`{oldSchema: '{"type":"object","properties":{"a":{"type":"string"}}}'}`,
				`{validateFields: 'false', compatibility: 'BACKWARD'}`,
			},
		},
		{
			name: "value decreased, read forward", level: Forward,
			old: `{"type":"string","maxLength":5}`,
			new: `{"type":"string","maxLength":10}`,
			want: []string{
				`{errorType:"MAX_LENGTH_DECREASED", description:"The value at path '#/maxLength' in the old schema is less than its value in the new schema'}`,
				`{oldSchemaVersion: 1}`,
				`{oldSchema: '{"type":"string","maxLength":5}'}`,
				`{validateFields: 'false', compatibility: 'FORWARD'}`,
			},
		},
		{
			name: "property added to an open content model", level: BackwardTransitive,
			old: `{"properties":{"a":{}}}`,
			new: `{"properties":{"a":{},"b":{"type":"string"}}}`,
			want: []string{
				`{errorType:"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", description:"The new schema has an open content model and has a property or item at path '#/properties/b' which is missing in the old schema'}`,
				`{oldSchemaVersion: 1}`,
				`{oldSchema: '{"properties":{"a":{}}}'}`,
				`{validateFields: 'false', compatibility: 'BACKWARD_TRANSITIVE'}`,
			},
		},
		{
			name: "property removed from a closed content model, in Java's order", level: Full,
			old: `{"properties":{"q":{},"b":{},"a":{},"z":{}},"additionalProperties":false}`,
			new: `{"properties":{"z":{}},"additionalProperties":false}`,
			want: []string{
				`{errorType:"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", description:"The new has a closed content model and is missing a property or item present at path '#/properties/q' in the old schema'}`,
				`{errorType:"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", description:"The new has a closed content model and is missing a property or item present at path '#/properties/a' in the old schema'}`,
				`{errorType:"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", description:"The new has a closed content model and is missing a property or item present at path '#/properties/b' in the old schema'}`,
				`{oldSchemaVersion: 1}`,
				`{oldSchema: '{"properties":{"q":{},"b":{},"a":{},"z":{}},"additionalProperties":false}'}`,
				`{validateFields: 'false', compatibility: 'FULL'}`,
			},
		},
		{
			name: "a difference without description", level: Backward,
			old: `{"type":"array"}`,
			new: `{"type":"array","items":{"type":"string"}}`,
			want: []string{
				`{errorType:"SCHEMA_ADDED", description:"'}`,
				`{oldSchemaVersion: 1}`,
				`{oldSchema: '{"type":"array"}'}`,
				`{validateFields: 'false', compatibility: 'BACKWARD'}`,
			},
		},
		{
			name: "a lowered exclusiveMaximum without maximum fails Confluent's check", level: Backward,
			old: `{"exclusiveMaximum":10}`,
			new: `{"exclusiveMaximum":5}`,
			want: []string{
				`Unexpected exception during compatibility check: Cannot invoke "java.lang.Number.doubleValue()" because the return value of "org.everit.json.schema.NumberSchema.getMaximum()" is null`,
				`{oldSchemaVersion: 1}`,
				`{oldSchema: '{"exclusiveMaximum":10}'}`,
				`{validateFields: 'false', compatibility: 'BACKWARD'}`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Check(tc.level, parseJSONSchema(t, tc.new), []Previous{{Version: 1, Schema: parseJSONSchema(t, tc.old)}})
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("messages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestJSONSchemaUnresolvedReference checks that a stored schema whose $ref
// no longer resolves fails the check, as Confluent's does.
func TestJSONSchemaUnresolvedReference(t *testing.T) {
	old, err := jsonSchemaFormat.ParseStored(`{"properties":{"a":{"$ref":"gone.json"}}}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := Check(Backward, parseJSONSchema(t, `{"properties":{"a":{}}}`), []Previous{{Schema: old}})
	if len(got) == 0 || got[0] != "Unexpected exception during compatibility check: Unresolved $ref 'gone.json'" {
		t.Errorf("messages: %q", got)
	}
}

// TestJSONSchemaReferences checks that the rules follow $ref into the
// referenced schemas of each version.
func TestJSONSchemaReferences(t *testing.T) {
	address := func(zip string) formats.Dependency {
		return formats.Dependency{Name: "address.json", Schema: `{"type":"object","properties":{"zip":{"type":"` + zip + `"}}}`}
	}
	money := func(multiple string) formats.Dependency {
		return formats.Dependency{Name: "common.json", Schema: `{"definitions":{"Money":{"type":"number","multipleOf":` + multiple + `}}}`}
	}
	const customer = `{"type":"object","properties":{"address":{"$ref":"address.json"},"balance":{"$ref":"common.json#/definitions/Money"}}}`
	old := parseJSONSchema(t, customer, address("string"), money("0.01"))
	tests := []struct {
		name string
		deps []formats.Dependency
		want []string
	}{
		{"same references", []formats.Dependency{address("string"), money("0.01")}, nil},
		{"referenced schema changed", []formats.Dependency{address("integer"), money("0.01")}, []string{
			`{errorType:"TYPE_CHANGED", description:"A type at path '#/properties/address/properties/zip' is different between the new schema and the old schema'}`,
		}},
		{"referenced definition changed", []formats.Dependency{address("string"), money("0.1")}, []string{
			`{errorType:"MULTIPLE_OF_EXPANDED", description:"The value at path '#/properties/balance/multipleOf' in the new schema is more than its value in the old schema'}`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Check(Backward, parseJSONSchema(t, customer, tc.deps...), []Previous{{Schema: old}})
			if len(tc.want) == 0 {
				if len(got) != 0 {
					t.Errorf("incompatible: %q", got)
				}
				return
			}
			if len(got) < len(tc.want) || strings.Join(got[:len(tc.want)], "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("messages:\n%s\nwant first:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// tradeSchema is a recursive schema whose twelve products each refer to
// all the others twice through inline oneOfs, which a comparison without
// memory of the pairs it compared would explore exponentially.
func tradeSchema(idType string) string {
	types := []string{"Asset", "Basket", "Swap", "Bond", "Option", "Future", "Forward", "Loan", "Repo", "Equity", "Index", "Leg"}
	refs := make([]string, len(types))
	for i, name := range types {
		refs[i] = `{"$ref":"#/definitions/` + name + `"}`
	}
	union := `{"oneOf":[` + strings.Join(refs, ",") + `]}`
	defs := make([]string, len(types))
	for i, name := range types {
		id := "string"
		if name == "Leg" {
			id = idType
		}
		defs[i] = fmt.Sprintf(`"%s":{"type":"object","properties":{"id":{"type":"%s"},"underlying":%s,"reference":%s}}`,
			name, id, union, union)
	}
	return `{"type":"object","definitions":{` + strings.Join(defs, ",") + `},"properties":{"product":` + union + `}}`
}

// linkedSchema is a recursive oneOf in which T0 refers to T2 and T2 back
// to T0, behind the root's oneOf[T0, T1]: the changes to T0 and T1 are only
// found if the pairs assumed compatible while their comparison was under
// way are compared again.
func linkedSchema(t0, t1 string) string {
	object := func(id, next string) string {
		return fmt.Sprintf(`{"type":"object","properties":{"id":{"type":"%s"},"ref":{"oneOf":[{"$ref":"#/definitions/%s"}]}}}`, id, next)
	}
	return `{"definitions":{"T0":` + object(t0, "T2") + `,"T1":` + object(t1, "T2") + `,"T2":` + object("integer", "T0") +
		`},"type":"object","properties":{"root":{"oneOf":[{"$ref":"#/definitions/T0"},{"$ref":"#/definitions/T1"}]}}}`
}

func TestJSONSchemaRecursion(t *testing.T) {
	tests := []struct {
		name       string
		old, new   string
		compatible bool
	}{
		{"recursive unions, unchanged", tradeSchema("string"), tradeSchema("string"), true},
		{"recursive unions, deep change", tradeSchema("string"), tradeSchema("number"), false},
		{"a change behind a cycle assumed compatible", linkedSchema("integer", "boolean"), linkedSchema("boolean", "number"), false},
		{"a linked list", `{"type":"object","properties":{"next":{"$ref":"#"},"v":{"type":"string"}}}`,
			`{"type":"object","properties":{"next":{"$ref":"#"},"v":{"type":"integer"}}}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			got := Check(Backward, parseJSONSchema(t, tc.new), []Previous{{Schema: parseJSONSchema(t, tc.old)}})
			if elapsed := time.Since(start); elapsed > 2*time.Second {
				t.Errorf("took %v", elapsed)
			}
			if (len(got) == 0) != tc.compatible {
				t.Errorf("compatible = %t, want %t: %q", len(got) == 0, tc.compatible, got)
			}
		})
	}
}

// chainSchema defines n object schemas, each with a property v of the
// type vType and a property next referring to the next schema.
func chainSchema(n int, vType string) string {
	defs := make([]string, n)
	for i := range defs {
		next := fmt.Sprintf(`{"$ref":"#/definitions/d%d"}`, i+1)
		if i == n-1 {
			next = `{"type":"null"}`
		}
		defs[i] = fmt.Sprintf(`"d%d":{"type":"object","properties":{"v":{"type":"%s"},"next":%s}}`, i, vType, next)
	}
	return `{"$ref":"#/definitions/d0","definitions":{` + strings.Join(defs, ",") + `}}`
}

// TestJSONSchemaTooComplex checks that comparisons beyond the bounds end
// quickly with a reason rather than running on.
func TestJSONSchemaTooComplex(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
	}{
		{"references nested too deep", chainSchema(jsonMaxNesting+10, "string"), chainSchema(jsonMaxNesting+10, "string")},
		{"a difference at every level of a long chain", chainSchema(3_000, "string"), chainSchema(3_000, "integer")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			old, current := parseJSONSchema(t, tc.old), parseJSONSchema(t, tc.new)
			start := time.Now()
			got := Check(Backward, current, []Previous{{Schema: old}})
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Errorf("took %v", elapsed)
			}
			if len(got) == 0 || got[0] != "Unexpected exception during compatibility check: "+errTooComplex.Error() {
				t.Errorf("messages: %q", got[:min(len(got), 1)])
			}
		})
	}
}

func TestJavaEmulation(t *testing.T) {
	for s, want := range map[string]int32{"": 0, "a": 97, "hello": 99162322, "Aa": 2112, "BB": 2112, "😀": 1772899} {
		if got := javaStringHash(s); got != want {
			t.Errorf("javaStringHash(%q) = %d, want %d", s, got, want)
		}
	}
	// "a" and "q" share bucket 1 of 16, "b" is in bucket 2.
	if got := javaHashMapOrder([]string{"q", "b", "a"}); strings.Join(got, ",") != "q,a,b" {
		t.Errorf("javaHashMapOrder = %q", got)
	}
	for format, want := range map[string]string{
		"in the %s schema and the %s schema": "in the new schema and the old schema",
		"100%% at '#/p%q' in the %s":         "100% at '#/p%q' in the new",
		"%s %s %s":                           "new old %s",
	} {
		if got := javaFormat(format, "new", "old"); got != want {
			t.Errorf("javaFormat(%q) = %q, want %q", format, got, want)
		}
	}
	for _, tc := range []struct {
		d, o     string
		multiple bool
	}{
		{"10", "0.5", true}, {"0.5", "10", false}, {"1.5E+3", "0.25", true}, {"1E-5", "1E-6", true},
		{"1E-6", "1E-5", false}, {"1E+999999999", "3", false}, {"1E+999999999", "2", true}, {"0", "7", true},
		{"12", "1E-999999999", true}, {"1E-999999999", "3", false},
	} {
		d, err1 := parseDecimal(tc.d)
		o, err2 := parseDecimal(tc.o)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if got := d.isMultipleOf(o); got != tc.multiple {
			t.Errorf("%s multiple of %s = %t", tc.d, tc.o, got)
		}
	}
	if matching := maximumMatching([][]int{{0, 1}, {0}, {2}}, 3); fmt.Sprint(matching) != "[1 0 2]" {
		t.Errorf("matching = %v", matching)
	}
}

// property300 is the schema of the i-th of 300 properties.
func property300(i int, changed bool) string {
	kinds := []string{
		`{"type":"string","maxLength":%d}`, `{"type":"integer","minimum":%d}`, `{"type":["string","null"],"pattern":"^x%d"}`,
		`{"type":"array","items":{"type":"number","multipleOf":%d}}`, `{"enum":["a","b","c%d"]}`,
		`{"type":"object","properties":{"n%d":{"type":"boolean"}},"additionalProperties":false}`,
		`{"$ref":"#/definitions/d%d"}`,
	}
	n := i + 1
	if changed && i%50 == 0 {
		n += 1000
	}
	return fmt.Sprintf(kinds[i%len(kinds)], n%7+1)
}

func schema300(changed bool) string {
	props := make([]string, 300)
	for i := range props {
		props[i] = fmt.Sprintf(`"field%d":%s`, i, property300(i, changed))
	}
	defs := make([]string, 7)
	for i := range defs {
		defs[i] = fmt.Sprintf(`"d%d":{"type":"object","properties":{"x":{"type":"string"}}}`, i+1)
	}
	return `{"type":"object","title":"Order","definitions":{` + strings.Join(defs, ",") + `},"properties":{` +
		strings.Join(props, ",") + `},"required":["field0","field1"]}`
}

// BenchmarkCompat300Properties checks a schema of 300 properties of the
// usual kinds against a previous version that differs in a few of them.
func BenchmarkCompat300Properties(b *testing.B) {
	old := parseJSONSchema(b, schema300(false))
	current := parseJSONSchema(b, schema300(true))
	previous := []Previous{{Version: 1, Schema: old}}
	if len(Check(Backward, current, previous)) == 0 {
		b.Fatal("the changed schema is compatible")
	}
	b.ReportAllocs()
	for b.Loop() {
		Check(Full, current, previous)
	}
}

// TestJSONSchemaConcurrentChecks checks shared schemas from several
// goroutines at once, which -race checks: the rules only read the nodes.
func TestJSONSchemaConcurrentChecks(t *testing.T) {
	old := []Previous{{Schema: parseJSONSchema(t, tradeSchema("string"))}}
	current := parseJSONSchema(t, tradeSchema("number"))
	want := strings.Join(Check(Full, current, old), "\n")
	results := make(chan string, 8)
	for range cap(results) {
		go func() { results <- strings.Join(Check(Full, current, old), "\n") }()
	}
	for range cap(results) {
		if got := <-results; got != want {
			t.Errorf("messages differ between checks:\n%s\n%s", got, want)
		}
	}
}
