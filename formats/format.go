// Package formats defines what the registry needs from a schema format:
// parsing a schema text together with the schemas it references, and the
// canonical and normalized forms used to store, compare and look it up.
// Each format lives in its own subpackage.
package formats

import "errors"

// Schema types as they appear in the API's schemaType field.
const (
	TypeAvro     = "AVRO"
	TypeProtobuf = "PROTOBUF"
	TypeJSON     = "JSON"
)

// Reference names another registered schema that a schema uses, as in
// Confluent's API: Name is how the schema refers to it (an Avro full name,
// a Protobuf import path, a JSON Schema $ref URL), Subject and Version say
// where it is registered.
type Reference struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// Dependency is a referenced schema resolved to its text. Dependencies are
// handed to Parse in dependency order: every schema comes after the schemas
// it references itself, and the direct references of the parsed schema come
// last, in the order they were declared.
type Dependency struct {
	Name   string
	Schema string
}

// Schema is a parsed, valid schema.
type Schema interface {
	// Type is the schema type: TypeAvro, TypeProtobuf or TypeJSON.
	Type() string
	// Canonical is the text the registry stores and returns for the schema,
	// the form Confluent Schema Registry keeps (for Avro, Java's
	// Schema.toString()). Two spellings of the same schema that differ only
	// in white space have the same canonical text.
	Canonical() string
	// Normalize returns the schema in normalized form, so that equivalent
	// schemas written differently compare equal (normalize=true).
	Normalize() Schema
	// Formatted returns the schema text in a named output format, as asked
	// for with the API's format query parameter; "" is the canonical text.
	// An unknown format is an error.
	Formatted(format string) (string, error)
}

// Format parses the schemas of one schema type.
type Format interface {
	// Type is the schema type this format parses.
	Type() string
	// Parse parses text, resolving the names it uses from deps. The error of
	// an invalid schema says what is wrong and is shown to the client as is.
	Parse(text string, deps []Dependency) (Schema, error)
	// ParseStored parses a schema that is already registered, as leniently
	// as Confluent reads back what it stored: rules that only newer
	// versions enforce on new registrations are not applied, so schemas
	// registered long ago keep replaying and comparing.
	ParseStored(text string, deps []Dependency) (Schema, error)
}

// ErrUnknownFormat is returned by Schema.Formatted for a format name the
// schema type does not know.
var ErrUnknownFormat = errors.New("unknown format")
