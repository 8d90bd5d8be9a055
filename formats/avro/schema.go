package avro

import (
	"fmt"
	"strings"

	havro "github.com/hamba/avro/v2"

	"github.com/goschemaregistry/registry/formats"
)

// Schema is a parsed Avro schema. It is immutable and safe for concurrent
// use.
type Schema struct {
	format *Format
	strict bool
	root   *node
	deps   []formats.Dependency
	// known are the full names of the referenced schemas, which the
	// canonical text refers to by name.
	known     []string
	canonical string
	tree      havro.Schema
}

// Type returns formats.TypeAvro.
func (s *Schema) Type() string { return formats.TypeAvro }

// Canonical returns the text Confluent stores for the schema: Java Avro's
// Schema.toString() of it, the named types of the referenced schemas
// written by name.
func (s *Schema) Canonical() string { return s.canonical }

// Avro returns the schema as a hamba/avro tree with every reference
// resolved: a named type is given in full where first met and as a
// *havro.RefSchema afterwards. Names Java accepts but hamba does not (in
// stored schemas, and in aliases) have their offending characters written
// as _XX_ in hexadecimal; a default value hamba cannot hold (Java accepts,
// for instance, a union default that suits any branch) is replaced by a
// stand-in of the field's type, so that the field still has a default.
func (s *Schema) Avro() havro.Schema { return s.tree }

// Normalize returns the schema in Confluent's normalized form
// (AvroSchema.normalize()): the text Confluent's AvroSchemaUtils writes
// (full names, properties and aliases sorted, defaults converted to their
// field's type), parsed again. Where Confluent's normalization throws,
// which takes integers beyond 64 bits in properties or defaults that do not
// match their type's structure, the schema is returned as it is.
func (s *Schema) Normalize() formats.Schema {
	text, err := normalizedText(s.root, s.known)
	if err != nil {
		return s
	}
	normalized, err := s.format.parse(text, s.deps, s.strict)
	if err != nil {
		return s
	}
	return normalized
}

// Formatted returns the schema in one of Confluent's Avro output formats
// (AvroSchema.formattedString): "", blank and "default" give the canonical
// text, "resolved" the text with the referenced types written in full; the
// name's case does not matter. Any other format is formats.ErrUnknownFormat
// (for which Confluent, for the sake of forward compatibility, answers with
// the canonical text).
func (s *Schema) Formatted(format string) (string, error) {
	if strings.TrimSpace(format) == "" {
		return s.canonical, nil
	}
	switch strings.ToLower(format) {
	case "default":
		return s.canonical, nil
	case "resolved":
		return printResolved(s.root), nil
	}
	return "", fmt.Errorf("%w %q for Avro schemas", formats.ErrUnknownFormat, format)
}
