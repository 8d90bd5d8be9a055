package jsonschema

import (
	"strings"
	"testing"

	"github.com/goschemaregistry/registry/formats"
)

func dep(name, schema string) formats.Dependency {
	return formats.Dependency{Name: name, Schema: schema}
}

// follow returns the node at the end of a path of property names from n,
// through references.
func follow(t *testing.T, n *Node, names ...string) *Node {
	t.Helper()
	for n.Kind == ReferenceNode && n.Target != nil {
		n = n.Target
	}
	for _, name := range names {
		var next *Node
		for _, p := range n.Properties {
			if p.Name == name {
				next = p.Schema
			}
		}
		if next == nil {
			t.Fatalf("no property %q", name)
		}
		n = next
		for n.Kind == ReferenceNode && n.Target != nil {
			n = n.Target
		}
	}
	return n
}

// TestReferences checks that $ref resolves through the registration's
// references, whose names are URLs relative to the schema's own.
func TestReferences(t *testing.T) {
	money := `{"definitions":{"Money":{"type":"number","multipleOf":0.01}},"type":"object"}`
	tests := []struct {
		name   string
		schema string
		deps   []formats.Dependency
		path   []string
		want   NodeKind
	}{
		{
			name:   "a referenced schema",
			schema: `{"type":"object","properties":{"address":{"$ref":"address.json"}}}`,
			deps:   []formats.Dependency{dep("address.json", `{"type":"object","properties":{"street":{"type":"string"}}}`)},
			path:   []string{"address", "street"},
			want:   StringNode,
		},
		{
			name:   "a definition of a referenced schema",
			schema: `{"type":"object","properties":{"price":{"$ref":"common.json#/definitions/Money"}}}`,
			deps:   []formats.Dependency{dep("common.json", money)},
			path:   []string{"price"},
			want:   NumberNode,
		},
		{
			name:   "$defs of a referenced schema that has definitions, as Confluent bridges them",
			schema: `{"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"price":{"$ref":"common.json#/$defs/Money"}}}`,
			deps:   []formats.Dependency{dep("common.json", money)},
			path:   []string{"price"},
			want:   NumberNode,
		},
		{
			name:   "references of a referenced schema, relative to its URL, in dependency order",
			schema: `{"properties":{"order":{"$ref":"sales/order.json"}}}`,
			deps: []formats.Dependency{
				dep("sales/line.json", `{"type":"object","properties":{"sku":{"type":"string"}}}`),
				dep("sales/order.json", `{"type":"object","properties":{"line":{"$ref":"line.json"}}}`),
			},
			path: []string{"order", "line", "sku"},
			want: StringNode,
		},
		{
			name:   "names resolved against the schema's $id",
			schema: `{"$id":"https://example.com/schemas/customer.json","properties":{"address":{"$ref":"address.json"}}}`,
			deps:   []formats.Dependency{dep("address.json", `{"type":"string"}`)},
			path:   []string{"address"},
			want:   StringNode,
		},
		{
			name:   "an absolute name",
			schema: `{"properties":{"address":{"$ref":"https://example.com/address.json#/definitions/a"}}}`,
			deps:   []formats.Dependency{dep("https://example.com/address.json", `{"definitions":{"a":{"type":"integer"}}}`)},
			path:   []string{"address"},
			want:   NumberNode,
		},
		{
			name:   "the first of two references with one name",
			schema: `{"properties":{"a":{"$ref":"a.json"}}}`,
			deps:   []formats.Dependency{dep("a.json", `{"type":"boolean"}`), dep("a.json", `{"type":"null"}`)},
			path:   []string{"a"},
			want:   BooleanNode,
		},
	}
	f := New(Limits{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, parse := range []func(string, []formats.Dependency) (formats.Schema, error){f.Parse, f.ParseStored} {
				s, err := parse(tc.schema, tc.deps)
				if err != nil {
					t.Fatalf("parse: %v", err)
				}
				if got := follow(t, s.(*Schema).Root(), tc.path...).Kind; got != tc.want {
					t.Errorf("kind = %v, want %v", got, tc.want)
				}
				if s.Canonical() != tc.schema {
					t.Errorf("canonical text %s", s.Canonical())
				}
			}
		})
	}
}

func TestInvalidReferences(t *testing.T) {
	f := New(Limits{})
	tests := []struct {
		name   string
		schema string
		deps   []formats.Dependency
		want   string
	}{
		{"referenced schema not JSON", `{"$ref":"a.json"}`, []formats.Dependency{dep("a.json", `{"type"`)},
			"Referenced schema a.json: Invalid JSON"},
		{"referenced schema empty", `{"$ref":"a.json"}`, []formats.Dependency{dep("a.json", ``)},
			"Referenced schema a.json: no JSON value"},
		{"referenced schema invalid", `{"$ref":"a.json"}`, []formats.Dependency{dep("a.json", `{"type":"strin"}`)},
			"at '/type'"},
		{"missing definition", `{"$ref":"a.json#/definitions/b"}`, []formats.Dependency{dep("a.json", `{"definitions":{}}`)},
			"definitions/b"},
		{"reference not given", `{"$ref":"b.json"}`, []formats.Dependency{dep("a.json", `{}`)},
			"mem://input/b.json is not a registered reference"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Parse(tc.schema, tc.deps)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse error = %v, want one containing %q", err, tc.want)
			}
		})
	}
	// Stored schemas keep a reference that does not resolve, without target.
	s, err := f.ParseStored(`{"properties":{"a":{"$ref":"b.json"}}}`, nil)
	if err != nil {
		t.Fatalf("ParseStored: %v", err)
	}
	if a := s.(*Schema).Root().Properties[0].Schema; a.Kind != ReferenceNode || a.Target != nil || a.Ref != "b.json" {
		t.Errorf("unresolved reference = %+v", a)
	}
}
