package jsonschema

import (
	"fmt"
	"strings"
	"testing"
)

const draft2020 = `"$schema":"https://json-schema.org/draft/2020-12/schema",`

// describe renders the shape of a node for comparison: its kind and the
// fields that are set, subschemas in brackets.
func describe(n *Node) string {
	if n == nil {
		return "nil"
	}
	var parts []string
	add := func(format string, args ...any) { parts = append(parts, fmt.Sprintf(format, args...)) }
	if n.ID != nil {
		add("id=%s", *n.ID)
	}
	if n.Title != nil {
		add("title=%s", *n.Title)
	}
	if n.Default != nil {
		add("default=%s", n.Default.Key)
	}
	if n.MaxLength != nil {
		add("maxLength=%d", *n.MaxLength)
	}
	if n.Minimum != nil {
		add("minimum=%s", n.Minimum.Text)
	}
	if n.ExclusiveMaximum != nil {
		add("exclusiveMaximum=%s", n.ExclusiveMaximum.Text)
	}
	if n.Integer {
		add("integer")
	}
	for _, p := range n.Properties {
		add("%s:%s", p.Name, describe(p.Schema))
	}
	if len(n.Required) > 0 {
		add("required=%s", strings.Join(n.Required, ","))
	}
	if n.NoAdditionalProperties {
		add("closed")
	}
	for _, d := range n.PropertyDependencies {
		add("%s->%s", d.Property, strings.Join(d.Requires, ","))
	}
	for _, d := range n.SchemaDependencies {
		add("%s->%s", d.Property, describe(d.Schema))
	}
	if n.UnevaluatedProperties != nil {
		add("unevaluatedProperties=%s", describe(n.UnevaluatedProperties))
	}
	if n.Items != nil {
		add("items=%s", describe(n.Items))
	}
	for _, item := range n.PrefixItems {
		add("prefix=%s", describe(item))
	}
	if n.NoAdditionalItems {
		add("noAdditionalItems")
	}
	if n.AdditionalItems != nil {
		add("additionalItems=%s", describe(n.AdditionalItems))
	}
	if n.MinContains != nil {
		add("minContains=%s", n.MinContains.Text)
	}
	for _, e := range n.Enum {
		add("enum=%s", e.Key)
	}
	if n.Kind == ConstNode {
		add("const=%s", n.Const.Key)
	}
	if n.Kind == CombinedNode {
		subs := make([]string, len(n.Subschemas))
		for i, s := range n.Subschemas {
			subs[i] = describe(s)
		}
		add("%s[%s]", n.Criterion, strings.Join(subs, " "))
	}
	if n.Kind == ReferenceNode {
		add("-> %s", describe(n.Target))
	}
	kinds := []string{"empty", "true", "false", "boolean", "null", "string", "number", "object", "array", "enum",
		"const", "combined", "not", "ref", "conditional"}
	if len(parts) == 0 {
		return kinds[n.Kind]
	}
	return kinds[n.Kind] + "(" + strings.Join(parts, " ") + ")"
}

// TestModel checks the nodes built for schemas: Everit's model for drafts 4
// to 7, Confluent's translation of json-sKema's for 2019-09 and 2020-12.
func TestModel(t *testing.T) {
	tests := []struct {
		name, schema, want string
	}{
		{"typed string", `{"type":"string","maxLength":3}`, "string(maxLength=3)"},
		{"integer", `{"type":"integer","minimum":1.0}`, "number(minimum=1.0 integer)"},
		{"list of types", `{"type":["string","null"],"maxLength":2}`, "combined(anyOf[string(maxLength=2) null])"},
		{"keywords of an undeclared type", `{"type":"object","maxLength":2}`, "combined(allOf[object string(maxLength=2)])"},
		{"keywords alone", `{"properties":{}}`, "object"},
		{"enum beside a type", `{"type":"string","enum":["a",1,2.50,{"b":[]}]}`,
			`combined(allOf[enum(enum="a" enum=i1 enum=d2.50 enum={"b":[]}) string])`},
		{"a $ref ignores its siblings", `{"$ref":"#/definitions/a","type":"integer","definitions":{"a":{"type":"string"}}}`,
			"ref(-> string)"},
		{"closed object", `{"required":["a"],"additionalProperties":false,"properties":{"a":true}}`,
			"object(a:true required=a closed)"},
		{"tuple", `{"items":[{"type":"string"}],"additionalItems":{"type":"integer"}}`,
			"array(prefix=string additionalItems=number(integer))"},
		{"dependencies", `{"dependencies":{"a":["b"],"c":{"required":["d"]}}}`, "object(a->b c->object(required=d))"},
		{"a null default is a default", `{"default":null,"title":"t"}`, "empty(title=t default=null)"},
		{"draft 4 id and boolean exclusiveMaximum", `{"$schema":"http://json-schema.org/draft-04/schema#","id":"x","maximum":3,"exclusiveMaximum":true}`,
			"number(id=x)"},
		{"draft 4 has no const", `{"$schema":"http://json-schema.org/draft-04/schema#","const":1}`, "empty"},
		{"draft 7 exclusiveMaximum", `{"exclusiveMaximum":3}`, "number(exclusiveMaximum=3)"},
		{"contains bounds are unprocessed properties", `{"type":"array","minContains":2}`, "array(minContains=2)"},
		{"const", `{"const":{"b":1,"a":2}}`, `const(const={"a":i2,"b":i1})`},
		{"conditional", `{"if":{"type":"string"},"then":{}}`, "conditional"},

		{"2020-12: a $ref joins its siblings", `{` + draft2020 + `"$ref":"#/$defs/a","type":"integer","$defs":{"a":{"type":"string"}}}`,
			"combined(allOf[ref(-> string) number(integer)])"},
		{"2020-12: list of types", `{` + draft2020 + `"type":["string","null"],"maxLength":2}`,
			"combined(anyOf[string(maxLength=2) null])"},
		{"2020-12: keywords merge into one object", `{` + draft2020 + `"type":"object","properties":{"a":{}},"required":["a"],"unevaluatedProperties":false}`,
			"object(a:empty required=a unevaluatedProperties=false)"},
		{"2020-12: $defs drops unevaluatedProperties", `{` + draft2020 + `"type":"object","unevaluatedProperties":false,"$defs":{"x":{}}}`,
			"object"},
		{"2020-12: an unknown keyword drops unevaluatedProperties", `{` + draft2020 + `"unevaluatedProperties":false,"x-y":1}`,
			"object"},
		{"2020-12: made-up allOfs are unwrapped into a combinator", `{` + draft2020 + `"anyOf":[{"type":"object","minLength":1},{"type":"null"}]}`,
			"combined(anyOf[object string null])"},
		{"2020-12: contains", `{` + draft2020 + `"contains":{"type":"string"}}`, "array(minContains=1)"},
		{"2020-12: items false closes a tuple", `{` + draft2020 + `"prefixItems":[{}],"items":false}`,
			"array(prefix=empty noAdditionalItems)"},
		{"2020-12: items after prefixItems", `{` + draft2020 + `"prefixItems":[{}],"items":{"type":"string"}}`,
			"array(prefix=empty additionalItems=string)"},
		{"2020-12: items", `{` + draft2020 + `"items":{"type":"string"}}`, "array(items=string)"},
		{"2020-12: no $id, no null default", `{` + draft2020 + `"$id":"https://example.com/x","title":"t","default":null}`,
			"empty(title=t)"},
		{"2020-12: dependent keywords", `{` + draft2020 + `"dependentRequired":{"a":["b"]},"dependentSchemas":{"c":{}}}`,
			"object(a->b c->empty)"},
		{"2020-12: empty properties contribute nothing", `{` + draft2020 + `"properties":{}}`, "empty"},
	}
	f := New(Limits{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := f.Parse(tc.schema, nil)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := describe(s.(*Schema).Root())
			if got != tc.want {
				t.Errorf("model:\n got  %s\n want %s", got, tc.want)
			}
		})
	}
}

// TestRecursiveModel checks that references make cycles of nodes, each
// schema object one node.
func TestRecursiveModel(t *testing.T) {
	f := New(Limits{})
	s, err := f.Parse(`{"$ref":"#"}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if root := s.(*Schema).Root(); root.Kind != ReferenceNode || root.Target != root {
		t.Errorf("self reference: %+v", root)
	}
	s, err = f.Parse(`{"type":"object","properties":{"next":{"$ref":"#"},"again":{"$ref":"#/properties/next"}}}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	root := s.(*Schema).Root()
	next, again := root.Properties[0].Schema, root.Properties[1].Schema
	if next.Target != root || again.Target != next {
		t.Errorf("references do not lead to their schemas: %p %p %p %p", next.Target, root, again.Target, next)
	}
}
