// Package avro parses Avro schemas the way Confluent Schema Registry does
// with Java Avro 1.12: the same schemas are accepted, with the same
// canonical text (Java's Schema.toString()), the same normalized form and
// the same references semantics. The parsed schema also comes as a
// hamba/avro tree for the compatibility rules.
//
// Parsing uses a parser of its own rather than hamba's: Confluent's stored
// text depends on member order, number spelling and Java's name rules,
// which a Go map or hamba's canonical form lose.
package avro

import (
	"fmt"

	"github.com/goschemaregistry/registry/formats"
)

// Defaults of Limits.
const (
	DefaultMaxSchemaBytes = 4 << 20
	DefaultMaxDepth       = 1000
	DefaultMaxNames       = 200_000
)

// Limits bound the work one Parse call may do, so that hostile schemas are
// refused with an error instead of exhausting memory or time. A zero field
// takes its default.
type Limits struct {
	// MaxSchemaBytes is the longest schema text accepted; each referenced
	// schema is measured on its own. Default DefaultMaxSchemaBytes (4 MiB).
	MaxSchemaBytes int
	// MaxDepth is the deepest nesting of JSON arrays and objects accepted.
	// Default DefaultMaxDepth (1000), Jackson's own limit.
	MaxDepth int
	// MaxNames is the most named types, fields and enum symbols a schema and
	// the schemas it references may define together. Default
	// DefaultMaxNames (200,000).
	MaxNames int
}

// withDefaults returns l with zero fields set to their defaults.
func (l Limits) withDefaults() Limits {
	if l.MaxSchemaBytes <= 0 {
		l.MaxSchemaBytes = DefaultMaxSchemaBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxNames <= 0 {
		l.MaxNames = DefaultMaxNames
	}
	return l
}

// Format parses Avro schemas. It keeps no state between calls and is safe
// for concurrent use.
type Format struct {
	limits Limits
}

// New returns the Avro format with the given limits.
func New(limits Limits) *Format {
	return &Format{limits: limits.withDefaults()}
}

// Type returns formats.TypeAvro.
func (f *Format) Type() string { return formats.TypeAvro }

// Parse parses a schema being registered, as Confluent parses new schemas
// (validateAsNew): names must pass Java's strict validator and default
// values must suit their fields. deps are the referenced schemas in
// dependency order; the named types they define may be used by name, the
// way Java Avro's Schema.Parser resolves them. The error of an invalid
// schema tells what is wrong, in the words of the exception Java Avro
// throws where that is informative; it is the detail Confluent puts after
// "details: " in its 42201 answer.
func (f *Format) Parse(text string, deps []formats.Dependency) (formats.Schema, error) {
	return f.parse(text, deps, true)
}

// ParseStored parses a schema that is already registered, as Confluent
// parses the schemas it reads back: names are checked with Java's Unicode
// validator and only in the schema itself, namespaces not at all, and
// default values are not checked. A registry must use it for schemas it
// replays or compares against, since older versions of Avro accepted
// schemas that new registrations may no longer use.
func (f *Format) ParseStored(text string, deps []formats.Dependency) (formats.Schema, error) {
	return f.parse(text, deps, false)
}

func (f *Format) parse(text string, deps []formats.Dependency, strict bool) (*Schema, error) {
	p := newParser(f.limits, strict)
	known := make([]string, len(deps))
	for i, dep := range deps {
		root, err := p.parseText(dep.Schema)
		if err != nil {
			return nil, fmt.Errorf("Referenced schema %s: %w", dep.Name, err)
		}
		known[i] = root.fullName()
	}
	root, err := p.parseText(text)
	if err != nil {
		return nil, err
	}
	if !strict {
		if err := validateStoredNames(root, make(map[*node]bool)); err != nil {
			return nil, err
		}
	}
	tree, err := toHamba(root, p.values)
	if err != nil {
		return nil, err
	}
	return &Schema{
		format:    f,
		strict:    strict,
		root:      root,
		deps:      deps,
		known:     known,
		canonical: printSchema(root, known),
		tree:      tree,
	}, nil
}
