package compat

import (
	"testing"

	havro "github.com/hamba/avro/v2"

	"github.com/goschemaregistry/registry/formats"
)

// testAvro is a parsed Avro schema as formats/avro provides it: the text it
// was parsed from stands for its canonical form.
type testAvro struct {
	text string
	tree havro.Schema
}

func (s testAvro) Type() string                     { return formats.TypeAvro }
func (s testAvro) Canonical() string                { return s.text }
func (s testAvro) Normalize() formats.Schema        { return s }
func (s testAvro) Formatted(string) (string, error) { return s.text, nil }
func (s testAvro) Avro() havro.Schema               { return s.tree }

// parseAvro parses text with a cache of its own, so that tests may reuse
// names.
func parseAvro(t testing.TB, text string) testAvro {
	t.Helper()
	tree, err := havro.ParseWithCache(text, "", &havro.SchemaCache{})
	if err != nil {
		t.Fatalf("parse %s: %v", text, err)
	}
	return testAvro{text: text, tree: tree}
}

// testOther is a schema of a type without Avro rules.
type testOther struct{ typ string }

func (s testOther) Type() string                     { return s.typ }
func (s testOther) Canonical() string                { return "syntax = \"proto3\";" }
func (s testOther) Normalize() formats.Schema        { return s }
func (s testOther) Formatted(string) (string, error) { return s.Canonical(), nil }
