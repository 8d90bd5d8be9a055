// Package protobuf parses Protobuf schemas the way Confluent Schema
// Registry does: .proto text as Square Wire's parser reads it (proto2 and
// proto3; Wire refuses editions, so Confluent and this package refuse
// edition text), or a base64-encoded FileDescriptorProto as JavaScript
// clients register it (editions accepted there). The canonical text, the
// normalized form and the ignore_extensions and serialized formats are
// Confluent's (ProtobufSchema, ProtobufSchemaUtils), written from the same
// parts of the file. Each schema is also compiled with protocompile,
// together with its references, into a protoreflect.FileDescriptor for
// the compatibility rules.
//
// Imports resolve through the schema's references, whose names are import
// paths, and, without references, to the files Confluent bundles: the
// well-known types (google/protobuf/*.proto), confluent/meta.proto,
// confluent/type/decimal.proto, confluent/type/variant.proto and Google's
// common types (google/type/*.proto).
//
// New schemas are held to protoc's rules where Confluent, unless
// configured to validate fields, is more lenient: a file protocompile
// refuses (duplicate field numbers, a proto3 enum not starting at zero,
// an unresolved import) is invalid, except that custom options are not
// compiled, as Confluent does not compile them.
package protobuf

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/goschemaregistry/registry/formats"
)

// Defaults of Limits.
const (
	DefaultMaxSchemaBytes  = 4 << 20
	DefaultMaxDepth        = 100
	DefaultMaxDeclarations = 100_000
)

// Limits bound the work one Parse call may do, so that hostile schemas are
// refused quickly with an error. A zero field takes its default.
type Limits struct {
	// MaxSchemaBytes is the longest schema text accepted; each referenced
	// schema is measured on its own. Default DefaultMaxSchemaBytes (4 MiB).
	MaxSchemaBytes int
	// MaxDepth is the deepest nesting of messages, groups, oneofs and
	// option values accepted. Default DefaultMaxDepth (100); protoc
	// itself refuses messages nested 32 deep, so new schemas stop there.
	MaxDepth int
	// MaxDeclarations is the most declarations (fields, enum values,
	// options, messages, ...) one file may have. Default
	// DefaultMaxDeclarations (100,000).
	MaxDeclarations int
}

func (l Limits) withDefaults() Limits {
	if l.MaxSchemaBytes <= 0 {
		l.MaxSchemaBytes = DefaultMaxSchemaBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxDeclarations <= 0 {
		l.MaxDeclarations = DefaultMaxDeclarations
	}
	return l
}

// Format parses Protobuf schemas. It keeps no state between calls and is
// safe for concurrent use.
type Format struct {
	limits Limits
}

// New returns the Protobuf format with the given limits.
func New(limits Limits) *Format {
	return &Format{limits: limits.withDefaults()}
}

// Type returns formats.TypeProtobuf.
func (f *Format) Type() string { return formats.TypeProtobuf }

// Parse parses a schema being registered. The text must be a .proto file
// Wire's parser accepts, or else a base64-encoded FileDescriptorProto;
// deps are the referenced schemas (in either form) in dependency order,
// each named by the import path that reaches it. The file must compile:
// an unresolved import, an unknown type or any other error protoc would
// report is refused with protocompile's message, which starts with the
// line and column (":12:3: ..."). A text neither form accepts is refused
// with Wire's message, as Confluent words it ("Could not parse Protobuf -
// Syntax error in :1:9: ..."). Like Confluent, Parse also refuses a file
// whose normalized form it cannot write ("Could not resolve type: ...").
func (f *Format) Parse(text string, deps []formats.Dependency) (formats.Schema, error) {
	return f.parse(text, deps, true)
}

// ParseStored parses a schema that is already registered. Confluent only
// parses stored schemas (it compiles them lazily, when a client needs
// them), so ParseStored accepts every text Wire's parser or the
// descriptor reader accepts: an import that resolves nowhere is compiled
// as an empty file, and a file that still does not compile is kept
// without a descriptor (Descriptor returns nil).
func (f *Format) ParseStored(text string, deps []formats.Dependency) (formats.Schema, error) {
	return f.parse(text, deps, false)
}

func (f *Format) parse(text string, deps []formats.Dependency, strict bool) (*Schema, error) {
	refNames := make([]string, len(deps))
	depFiles := make([]*fileElement, len(deps))
	depSources := make(map[string]source, len(deps))
	for i, dep := range deps {
		elem, src, err := f.read(dep.Schema)
		if err != nil {
			return nil, fmt.Errorf("Referenced schema %s: %w", dep.Name, err)
		}
		if src.proto != nil {
			src.proto.Name = proto.String(dep.Name)
		}
		refNames[i] = dep.Name
		depFiles[i] = elem
		depSources[dep.Name] = src
	}
	elem, src, err := f.read(text)
	if err != nil {
		return nil, err
	}
	if src.proto != nil {
		src.proto.Name = proto.String(mainFile)
	}
	desc, err := compile(src, depSources, !strict)
	if err != nil {
		// Confluent does not compile custom options, and accepts some
		// protoc refuses (a list as an option value, say): compile the
		// files again without them, keeping the first error if that fails
		// too.
		if plainDesc, plainErr := compile(withoutCustomOptions(elem, src), withoutCustomOptionsAll(depFiles, refNames, depSources), !strict); plainErr == nil {
			desc, err = plainDesc, nil
		}
	}
	if err != nil && strict {
		return nil, err
	}
	s := &Schema{format: f, file: elem, refNames: refNames, depFiles: depFiles, descriptor: desc}
	if s.index, err = s.typeIndex(elem); err != nil {
		return nil, err
	}
	if s.canonical, err = printFile(elem, printMode{}, nil); err != nil {
		return nil, err
	}
	if strict {
		// Confluent validates a new schema by normalizing it, which
		// includes parsing the normalized text again.
		if s.normalized, err = s.normalize(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// withoutCustomOptions returns the text of a file without its custom
// options; a file read from a descriptor is kept as it is.
func withoutCustomOptions(elem *fileElement, src source) source {
	if src.proto != nil {
		return src
	}
	text, _ := printFile(elem, printMode{withoutCustomOptions: true}, nil)
	return source{text: text}
}

func withoutCustomOptionsAll(files []*fileElement, names []string, sources map[string]source) map[string]source {
	plain := make(map[string]source, len(sources))
	for i, name := range names {
		plain[name] = withoutCustomOptions(files[i], sources[name])
	}
	return plain
}

// read parses a schema text as Confluent's ProtobufSchema.toProtoFile:
// as .proto text or, failing that, as a base64-encoded FileDescriptorProto.
func (f *Format) read(text string) (*fileElement, source, error) {
	if len(text) > f.limits.MaxSchemaBytes {
		return nil, source{}, fmt.Errorf("Schema is %d bytes long, more than the limit of %d", len(text), f.limits.MaxSchemaBytes)
	}
	elem, textErr := parseProto(text, f.limits)
	if textErr == nil {
		return elem, source{text: text}, nil
	}
	if errors.Is(textErr, errLimit) {
		return nil, source{}, textErr
	}
	fd, err := decodeDescriptor(text, f.limits)
	if err != nil {
		if errors.Is(err, errLimit) {
			return nil, source{}, err
		}
		return nil, source{}, fmt.Errorf("Could not parse Protobuf - %w", textErr)
	}
	elem, err = fileFromDescriptor(fd)
	if err != nil {
		return nil, source{}, fmt.Errorf("Could not parse Protobuf - %w", err)
	}
	return elem, source{proto: fd}, nil
}

// base64Std is Java's basic Base64 alphabet, with padding.
var base64Std = base64.StdEncoding

// decodeDescriptor reads a base64-encoded FileDescriptorProto as Java's
// Base64.getDecoder() and FileDescriptorProto.parseFrom do: padding is
// optional, line breaks are not allowed.
func decodeDescriptor(text string, limits Limits) (*descriptorpb.FileDescriptorProto, error) {
	if strings.ContainsAny(text, "\r\n") {
		return nil, errors.New("illegal base64 character")
	}
	enc := base64.RawStdEncoding
	if strings.HasSuffix(text, "=") {
		enc = base64.StdEncoding
	}
	b, err := enc.DecodeString(text)
	if err != nil {
		return nil, err
	}
	fd := &descriptorpb.FileDescriptorProto{}
	if err := proto.Unmarshal(b, fd); err != nil {
		return nil, err
	}
	if err := checkDescriptorSize(fd, limits); err != nil {
		return nil, err
	}
	return fd, nil
}

// checkDescriptorSize applies the depth and declaration limits to a
// decoded descriptor.
func checkDescriptorSize(fd *descriptorpb.FileDescriptorProto, limits Limits) error {
	count := len(fd.GetEnumType()) + len(fd.GetService()) + len(fd.GetExtension())
	for _, e := range fd.GetEnumType() {
		count += len(e.GetValue())
	}
	for _, s := range fd.GetService() {
		count += len(s.GetMethod())
	}
	var walk func(messages []*descriptorpb.DescriptorProto, depth int) error
	walk = func(messages []*descriptorpb.DescriptorProto, depth int) error {
		if len(messages) > 0 && depth > limits.MaxDepth {
			return fmt.Errorf("%w: messages nested deeper than %d levels", errLimit, limits.MaxDepth)
		}
		for _, m := range messages {
			count += 1 + len(m.GetField()) + len(m.GetOneofDecl()) + len(m.GetExtension()) + len(m.GetEnumType())
			for _, e := range m.GetEnumType() {
				count += len(e.GetValue())
			}
			if err := walk(m.GetNestedType(), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(fd.GetMessageType(), 1); err != nil {
		return err
	}
	if count > limits.MaxDeclarations {
		return fmt.Errorf("%w: more than %d declarations", errLimit, limits.MaxDeclarations)
	}
	return nil
}
