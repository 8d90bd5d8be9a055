// Package jsonschema parses JSON Schema schemas (schemaType "JSON") the way
// Confluent Schema Registry does: drafts 4, 6, 7, 2019-09 and 2020-12, the
// draft named by $schema and draft 7 otherwise; the canonical text
// Confluent stores (Jackson's compact rendering of the parsed tree, members
// in their order); Confluent's normalized form (members sorted).
//
// Schemas are validated against their draft's metaschema with
// github.com/santhosh-tekuri/jsonschema/v6. A $ref, $schema or $id URL
// resolves only to the registration's references (a reference's name is
// the URL used in $ref, relative to the schema's URL) or to the bundled
// metaschemas; nothing is ever fetched.
//
// A parsed schema also comes as a tree of Nodes, the model Confluent's
// compatibility rules compare (Everit's schema classes), with every $ref
// resolved across the referenced schemas.
package jsonschema

import (
	"errors"
	"fmt"

	"github.com/goschemaregistry/registry/formats"
)

// Defaults of Limits.
const (
	DefaultMaxSchemaBytes = 4 << 20
	DefaultMaxDepth       = 1000
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
}

// withDefaults returns l with zero fields set to their defaults.
func (l Limits) withDefaults() Limits {
	if l.MaxSchemaBytes <= 0 {
		l.MaxSchemaBytes = DefaultMaxSchemaBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	return l
}

// Format parses JSON Schema schemas. It keeps no state between calls and is
// safe for concurrent use.
type Format struct {
	limits Limits
}

// New returns the JSON Schema format with the given limits.
func New(limits Limits) *Format {
	return &Format{limits: limits.withDefaults()}
}

// Type returns formats.TypeJSON.
func (f *Format) Type() string { return formats.TypeJSON }

// Parse parses a schema being registered. deps are the referenced schemas
// in dependency order, each registered under its name resolved against the
// schema's URL; when two share a name the first is used. The schema and
// the referenced schemas it reaches are validated against their
// metaschemas; every $ref must resolve. The error of invalid JSON or of an
// invalid schema is the parser's or the validating library's message.
func (f *Format) Parse(text string, deps []formats.Dependency) (formats.Schema, error) {
	return f.parse(text, deps, true)
}

// ParseStored parses a schema that is already registered. Confluent reads
// stored JSON schemas without checking them, so nothing is validated and a
// $ref that does not resolve is kept without a target (the compatibility
// rules report it); the text must still be JSON with an object or a
// boolean at the root.
func (f *Format) ParseStored(text string, deps []formats.Dependency) (formats.Schema, error) {
	return f.parse(text, deps, false)
}

func (f *Format) parse(text string, deps []formats.Dependency, strict bool) (*Schema, error) {
	root, err := f.parseText(text)
	if err != nil {
		return nil, err
	}
	if root == nil || (root.kind != kindObject && root.kind != kindBool) {
		return nil, fmt.Errorf("Invalid JSON schema: expected an object or boolean at the root, found %s", root.nodeType())
	}
	draft := Draft7
	if root.kind == kindObject {
		draft = rootDraft(root)
	}
	rootDoc := &document{url: rootURL, root: root, draft: draft}
	reg := newRegistry()
	reg.add(rootDoc)
	rootBase := rootURL
	if loc, ok := reg.locations[root]; ok {
		rootBase = loc.base
	}
	docs := []*document{rootDoc}
	named := make(map[string]bool)
	for _, dep := range deps {
		if named[dep.Name] {
			continue
		}
		named[dep.Name] = true
		v, err := f.parseText(dep.Schema)
		if err == nil && v == nil {
			err = errors.New("no JSON value")
		}
		if err != nil {
			return nil, fmt.Errorf("Referenced schema %s: %w", dep.Name, err)
		}
		u, err := resolveURL(rootURL, dep.Name)
		if err != nil {
			return nil, fmt.Errorf("Invalid reference name %q: %v", dep.Name, err)
		}
		doc := &document{name: dep.Name, url: u, root: v, draft: dependencyDraft(v, draft)}
		var aliases []string
		if alias, err := resolveURL(rootBase, dep.Name); err == nil && alias != u {
			aliases = append(aliases, alias)
		}
		reg.add(doc, aliases...)
		docs = append(docs, doc)
	}
	if strict {
		if err := validate(rootDoc); err != nil {
			return nil, err
		}
	}
	b := newBuilder(reg, !strict)
	node, err := b.build(root)
	if err != nil {
		return nil, err
	}
	if strict {
		// Like Confluent, only the referenced schemas the schema reaches
		// are loaded, so only they must be valid.
		for _, doc := range docs[1:] {
			if !b.reached[doc] {
				continue
			}
			if err := validate(doc); err != nil {
				return nil, fmt.Errorf("Referenced schema %s: %w", doc.name, err)
			}
		}
	}
	return &Schema{
		format:    f,
		root:      root,
		deps:      deps,
		draft:     draft,
		canonical: jsonText(root),
		node:      node,
	}, nil
}

// parseText parses one schema text within the limits.
func (f *Format) parseText(text string) (*value, error) {
	if len(text) > f.limits.MaxSchemaBytes {
		return nil, fmt.Errorf("Invalid JSON schema: %d bytes, more than the limit of %d", len(text), f.limits.MaxSchemaBytes)
	}
	return parseJSON(text, f.limits.MaxDepth)
}
