package jsonschema

import (
	"fmt"
	"strings"

	"github.com/goschemaregistry/registry/formats"
)

// Schema is a parsed JSON Schema schema. It is immutable and safe for
// concurrent use.
type Schema struct {
	format    *Format
	root      *value
	deps      []formats.Dependency
	draft     Draft
	canonical string
	node      *Node
}

// Type returns formats.TypeJSON.
func (s *Schema) Type() string { return formats.TypeJSON }

// Canonical returns the text Confluent stores for the schema
// (JsonSchema.canonicalString): the JSON compact, members in their order, a
// duplicate member once with its last value, decimals as Java's BigDecimal
// writes them (1.0, 1.5E+3), NaN and the infinities as strings, whatever
// follows the first JSON value dropped.
func (s *Schema) Canonical() string { return s.canonical }

// Normalize returns the schema in Confluent's normalized form
// (JsonSchema.normalize()): the canonical text with the members of every
// object sorted by name.
func (s *Schema) Normalize() formats.Schema {
	var b strings.Builder
	writeJSON(&b, s.root, true)
	normalized, err := s.format.parse(b.String(), s.deps, false)
	if err != nil {
		return s
	}
	return normalized
}

// Formatted returns the canonical text for "" or a blank format. Confluent
// knows no other format for JSON schemas (it answers them with the
// canonical text); here they are formats.ErrUnknownFormat.
func (s *Schema) Formatted(format string) (string, error) {
	if strings.TrimSpace(format) == "" {
		return s.canonical, nil
	}
	return "", fmt.Errorf("%w %q for JSON schemas", formats.ErrUnknownFormat, format)
}

// Draft returns the draft the schema is read with.
func (s *Schema) Draft() Draft { return s.draft }

// Root returns the schema as the tree of Nodes Confluent's compatibility
// rules compare, every $ref resolved.
func (s *Schema) Root() *Node { return s.node }
