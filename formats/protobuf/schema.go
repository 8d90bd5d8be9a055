package protobuf

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/goschemaregistry/registry/formats"
)

// Schema is a parsed Protobuf schema. It is immutable and safe for
// concurrent use.
type Schema struct {
	format *Format
	file   *fileElement
	// refNames are the names (import paths) of the referenced schemas, and
	// depFiles their element trees, in the same order.
	refNames   []string
	depFiles   []*fileElement
	index      *typeIndex
	descriptor protoreflect.FileDescriptor
	canonical  string
	// normalized is the normalized schema when already built (itself for a
	// normalized schema).
	normalized *Schema
}

// Type returns formats.TypeProtobuf.
func (s *Schema) Type() string { return formats.TypeProtobuf }

// Canonical returns the text Confluent stores for the schema
// (ProtobufSchema.canonicalString()): the declarations as written, without
// comments, in Confluent's layout: syntax, package, imports, options, then
// messages before enums, extensions and services, two spaces an
// indentation.
func (s *Schema) Canonical() string { return s.canonical }

// Descriptor returns the schema compiled by protocompile with its imports
// resolved, for the compatibility rules: field types, map entries, oneofs
// (proto3 optional fields in synthetic ones) and enums as protoc builds
// them, the imported files reachable through Imports(). When protoc
// refuses only the schema's custom options (a list as an option value,
// say, which Confluent accepts), the descriptor is compiled without
// custom options. It is nil only for a schema parsed by ParseStored that
// does not compile.
func (s *Schema) Descriptor() protoreflect.FileDescriptor { return s.descriptor }

// Normalize returns the schema in Confluent's normalized form
// (ProtobufSchema.normalize()): type names fully qualified with a leading
// dot, imports, options, fields (by number), oneofs, reserved and
// extension ranges and enum values sorted, custom option names resolved
// and repeated settings of one custom option merged, numbers in options
// written as Java writes them, map entry messages written as map fields,
// and no proto2 syntax line. Its canonical text is the normalized text,
// and its descriptor is this schema's. Where Confluent's normalization
// throws (a type name it cannot resolve, possible only for stored
// schemas), the schema is returned as it is.
func (s *Schema) Normalize() formats.Schema {
	n := s.normalized
	if n == nil {
		var err error
		if n, err = s.normalize(); err != nil {
			return s
		}
	}
	return n
}

// normalize builds the normalized schema, or fails as Confluent's
// normalize() throws.
func (s *Schema) normalize() (*Schema, error) {
	text, err := printFile(s.file, printMode{normalize: true}, s.index)
	if err != nil {
		return nil, err
	}
	file, err := parseProto(text, s.format.limits)
	if err != nil {
		return nil, fmt.Errorf("Could not parse Protobuf - %w", err)
	}
	n := &Schema{
		format:     s.format,
		file:       file,
		refNames:   s.refNames,
		depFiles:   s.depFiles,
		descriptor: s.descriptor,
		canonical:  text,
	}
	if n.index, err = n.typeIndex(file); err != nil {
		return nil, err
	}
	n.normalized = n
	return n, nil
}

// Formatted returns the schema in one of Confluent's Protobuf output
// formats (ProtobufSchema.formattedString), the name's case aside: "",
// blank and "default" give the canonical text; "ignore_extensions" the
// canonical text without custom options (those not named confluent.*),
// extension ranges and extend blocks; "serialized" the base64-encoded
// FileDescriptorProto Confluent builds from the file, named "default". Any
// other format is formats.ErrUnknownFormat (for which Confluent, for the
// sake of forward compatibility, answers with the canonical text).
// "serialized" fails for option values Confluent cannot convert either,
// such as an unknown enum name for a standard option.
func (s *Schema) Formatted(format string) (string, error) {
	if strings.TrimSpace(format) == "" {
		return s.canonical, nil
	}
	switch strings.ToLower(format) {
	case "default":
		return s.canonical, nil
	case "ignore_extensions":
		return printFile(s.file, printMode{ignoreExtensions: true}, nil)
	case "serialized":
		fd, err := serialize(s.file, s.index, s.resolvable)
		if err != nil {
			return "", err
		}
		return serializedText(fd)
	}
	return "", fmt.Errorf("%w %q for Protobuf schemas", formats.ErrUnknownFormat, format)
}

// resolvable tells whether an import path names a referenced schema or a
// bundled file.
func (s *Schema) resolvable(path string) bool {
	if s.isReferenced(path) {
		return true
	}
	files, err := known()
	if err != nil {
		return false
	}
	_, ok := files[path]
	return ok
}

// typeIndex collects the types main may use, as Confluent does: the
// bundled files no reference replaces, the referenced schemas, then main.
func (s *Schema) typeIndex(main *fileElement) (*typeIndex, error) {
	files, err := known()
	if err != nil {
		return nil, fmt.Errorf("bundled files: %w", err)
	}
	var index *typeIndex
	if s.replacesKnownFile(files) {
		index = newTypeIndex(nil)
		for path, f := range files {
			if !s.isReferenced(path) {
				index.add(f.elem)
			}
		}
	} else {
		index = newTypeIndex(knownIndex())
	}
	for _, f := range s.depFiles {
		index.add(f)
	}
	index.add(main)
	return index, nil
}

// knownIndex holds the types of all bundled files, shared by the schemas
// that replace none of them.
var knownIndex = sync.OnceValue(func() *typeIndex {
	index := newTypeIndex(nil)
	files, _ := known()
	for _, f := range files {
		index.add(f.elem)
	}
	return index
})

func (s *Schema) replacesKnownFile(files map[string]*knownFile) bool {
	for _, name := range s.refNames {
		if _, ok := files[name]; ok {
			return true
		}
	}
	return false
}

func (s *Schema) isReferenced(path string) bool {
	return slices.Contains(s.refNames, path)
}
