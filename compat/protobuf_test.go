package compat

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/goschemaregistry/registry/formats"
)

// testProtobuf is a parsed Protobuf schema as formats/protobuf provides it:
// the text it was compiled from stands for its canonical form.
type testProtobuf struct {
	text string
	file protoreflect.FileDescriptor
}

func (s testProtobuf) Type() string                            { return formats.TypeProtobuf }
func (s testProtobuf) Canonical() string                       { return s.text }
func (s testProtobuf) Normalize() formats.Schema               { return s }
func (s testProtobuf) Formatted(string) (string, error)        { return s.text, nil }
func (s testProtobuf) Descriptor() protoreflect.FileDescriptor { return s.file }

// testProtobufPath is the path of the compiled schema among its imports.
const testProtobufPath = "schema-under-test.proto"

// compileProtobuf compiles text, which may import the files of deps by name
// and Google's well-known types.
func compileProtobuf(t testing.TB, text string, deps map[string]string) testProtobuf {
	t.Helper()
	sources := map[string]string{testProtobufPath: text}
	for name, dep := range deps {
		sources[name] = dep
	}
	compiler := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: protocompile.SourceAccessorFromMap(sources),
		}),
	}
	files, err := compiler.Compile(context.Background(), testProtobufPath)
	if err != nil {
		t.Fatalf("compile %s: %v", text, err)
	}
	return testProtobuf{text: text, file: files[0]}
}

// proto3 prefixes a schema body with proto3's syntax line.
func proto3(body string) string { return "syntax = \"proto3\";\n" + body }

// proto2 prefixes a schema body with proto2's syntax line.
func proto2(body string) string { return "syntax = \"proto2\";\n" + body }

// Schemas imported by the tests of referenced types.
const (
	depV1 = `syntax = "proto3";
package shared;
message Address { string street = 1; int32 number = 2; }`
	depV2Compatible = `syntax = "proto3";
package shared;
message Address { string street = 1; int32 number = 2; string city = 3; }`
	depV2Incompatible = `syntax = "proto3";
package shared;
message Address { string street = 1; string number = 2; }`
	depMoved = `syntax = "proto3";
package moved;
message Address { string street = 1; int32 number = 2; }`
	usesDep = `syntax = "proto3";
import "address.proto";
message Customer { shared.Address address = 1; }`
	usesMovedDep = `syntax = "proto3";
import "address.proto";
message Customer { moved.Address address = 1; }`
	recursiveDepV1 = `syntax = "proto3";
package tree;
message Node { repeated Node children = 1; int32 value = 2; Leaf leaf = 3; message Leaf { Node parent = 1; } }`
	recursiveDepV2 = `syntax = "proto3";
package tree;
message Node { repeated Node children = 1; sint32 value = 2; Leaf leaf = 3; message Leaf { Node parent = 1; } }`
	usesRecursiveDep = `syntax = "proto3";
import "tree.proto";
message Forest { repeated tree.Node trees = 1; }`
	innerV1 = `syntax = "proto3";
package inner;
message Point { int64 x = 1; }`
	innerV2 = `syntax = "proto3";
package inner;
message Point { double x = 1; }`
	outerDep = `syntax = "proto3";
package outer;
import "inner.proto";
message Shape { inner.Point origin = 1; }`
	usesOuterDep = `syntax = "proto3";
import "outer.proto";
message Drawing { outer.Shape shape = 1; }`
)

// TestProtobufRules checks one of Confluent's Protobuf rules per row, in
// every direction, through Check: BACKWARD means the new schema reads data
// written with the old one, FORWARD the reverse, FULL both. rule is the
// Difference.Type Confluent reports; when a direction fails, its messages
// must name it.
func TestProtobufRules(t *testing.T) {
	tests := []struct {
		name                    string
		old, new                string
		oldDeps, newDeps        map[string]string
		backward, forward, full bool
		rule                    string
		reason                  string
	}{
		{
			name: "unchanged", old: proto3(`message M { int32 a = 1; }`), new: proto3(`message M { int32 a = 1; }`),
			backward: true, forward: true, full: true,
			reason: "no difference",
		},
		// Packages and syntax.
		{
			name: "package changed", old: proto3(`package a; message M { int32 a = 1; }`), new: proto3(`package b; message M { int32 a = 1; }`),
			rule:   "PACKAGE_CHANGED",
			reason: "the package names every type in the data's schema",
		},
		{
			name: "package added", old: proto3(`message M { int32 a = 1; }`), new: proto3(`package b; message M { int32 a = 1; }`),
			rule:   "PACKAGE_CHANGED",
			reason: "no package and a package differ",
		},
		{
			name: "proto2 to proto3", old: proto2(`message M { optional int32 a = 1; }`), new: proto3(`message M { int32 a = 1; }`),
			backward: true, forward: true, full: true,
			reason: "the syntax is not compared, and a label compares only with another written label",
		},
		// Messages.
		{
			name: "message removed", old: proto3(`message M { int32 a = 1; } message N { int32 a = 1; }`), new: proto3(`message M { int32 a = 1; }`),
			forward: true,
			rule:    "MESSAGE_REMOVED", reason: "the reader must know every message the writer has; MESSAGE_ADDED is compatible",
		},
		{
			name: "message added", old: proto3(`message M { int32 a = 1; }`), new: proto3(`message M { int32 a = 1; } message N { int32 a = 1; }`),
			backward: true,
			rule:     "MESSAGE_REMOVED", reason: "the old reader lacks the new message",
		},
		{
			name: "nested message removed", old: proto3(`message M { message Inner { int32 a = 1; } }`), new: proto3(`message M { }`),
			forward: true,
			rule:    "MESSAGE_REMOVED", reason: "nested types are compared level by level",
		},
		{
			name: "messages reordered", old: proto3(`message M { int32 a = 1; } message N { int32 a = 1; }`), new: proto3(`message N { int32 a = 1; } message M { int32 a = 1; }`),
			backward: true, forward: true, full: true,
			reason: "MESSAGE_MOVED is compatible: message indexes refer to the writer's schema",
		},
		{
			name: "map field added", old: proto3(`message M { int32 a = 1; }`), new: proto3(`message M { int32 a = 1; map<string, int32> m = 2; }`),
			backward: true, forward: true, full: true,
			reason: "FIELD_ADDED is compatible; a map's entry is no message in the schema text",
		},
		// Fields.
		{
			name: "field added", old: proto3(`message M { int32 a = 1; }`), new: proto3(`message M { int32 a = 1; string b = 2; }`),
			backward: true, forward: true, full: true,
			reason: "FIELD_ADDED and FIELD_REMOVED are compatible",
		},
		{
			name: "field renamed", old: proto3(`message M { int32 a = 1; }`), new: proto3(`message M { int32 b = 1; }`),
			backward: true, forward: true, full: true,
			reason: "FIELD_NAME_CHANGED is compatible: fields are paired by number",
		},
		{
			name: "field renumbered", old: proto3(`message M { int32 a = 1; }`), new: proto3(`message M { int32 a = 2; }`),
			backward: true, forward: true, full: true,
			reason: "a new number is FIELD_REMOVED and FIELD_ADDED, both compatible",
		},
		{
			name: "required field added", old: proto2(`message M { optional int32 a = 1; }`), new: proto2(`message M { optional int32 a = 1; required int32 b = 2; }`),
			rule:   "REQUIRED_FIELD_ADDED",
			reason: "a required field must be in the data; FORWARD fails as REQUIRED_FIELD_REMOVED",
		},
		{
			name: "required field removed", old: proto2(`message M { optional int32 a = 1; required int32 b = 2; }`), new: proto2(`message M { optional int32 a = 1; }`),
			rule:   "REQUIRED_FIELD_REMOVED",
			reason: "old readers require the field; BACKWARD fails as REQUIRED_FIELD_ADDED",
		},
		// Scalar kinds.
		{
			name: "int32 to int64", old: proto3(`message M { int32 a = 1; }`), new: proto3(`message M { int64 a = 1; }`),
			backward: true, forward: true, full: true,
			reason: "int32, int64, uint32, uint64 and bool are one scalar kind (GENERAL_NUMBER)",
		},
		{
			name: "uint64 to bool", old: proto3(`message M { uint64 a = 1; }`), new: proto3(`message M { bool a = 1; }`),
			backward: true, forward: true, full: true,
			reason: "int32, int64, uint32, uint64 and bool are one scalar kind (GENERAL_NUMBER)",
		},
		{
			name: "enum to int32", old: proto3(`message M { E a = 1; } enum E { Z = 0; }`), new: proto3(`message M { int32 a = 1; } enum E { Z = 0; }`),
			backward: true, forward: true, full: true,
			reason: "enums are scalars of kind GENERAL_NUMBER",
		},
		{
			name: "enum to another enum", old: proto3(`message M { E a = 1; } enum E { Z = 0; } enum F { Y = 0; }`), new: proto3(`message M { F a = 1; } enum E { Z = 0; } enum F { Y = 0; }`),
			backward: true, forward: true, full: true,
			reason: "enums are scalars of kind GENERAL_NUMBER, whatever their names",
		},
		{
			name: "sint32 to sint64", old: proto3(`message M { sint32 a = 1; }`), new: proto3(`message M { sint64 a = 1; }`),
			backward: true, forward: true, full: true,
			reason: "sint32 and sint64 are one scalar kind (SIGNED_NUMBER)",
		},
		{
			name: "fixed32 to sfixed32", old: proto3(`message M { fixed32 a = 1; }`), new: proto3(`message M { sfixed32 a = 1; }`),
			backward: true, forward: true, full: true,
			reason: "fixed32 and sfixed32 are one scalar kind (FIXED32)",
		},
		{
			name: "fixed64 to sfixed64", old: proto3(`message M { fixed64 a = 1; }`), new: proto3(`message M { sfixed64 a = 1; }`),
			backward: true, forward: true, full: true,
			reason: "fixed64 and sfixed64 are one scalar kind (FIXED64)",
		},
		{
			name: "string to bytes", old: proto3(`message M { string a = 1; }`), new: proto3(`message M { bytes a = 1; }`),
			backward: true, forward: true, full: true,
			reason: "string and bytes are one scalar kind (STRING_OR_BYTES)",
		},
		{
			name: "int32 to sint32", old: proto3(`message M { int32 a = 1; }`), new: proto3(`message M { sint32 a = 1; }`),
			rule:   "FIELD_SCALAR_KIND_CHANGED",
			reason: "zigzag and plain varints are different scalar kinds",
		},
		{
			name: "fixed32 to fixed64", old: proto3(`message M { fixed32 a = 1; }`), new: proto3(`message M { fixed64 a = 1; }`),
			rule:   "FIELD_SCALAR_KIND_CHANGED",
			reason: "FIXED32 and FIXED64 are different scalar kinds",
		},
		{
			name: "float to double", old: proto3(`message M { float a = 1; }`), new: proto3(`message M { double a = 1; }`),
			rule:   "FIELD_SCALAR_KIND_CHANGED",
			reason: "FLOAT and DOUBLE are kinds of their own",
		},
		{
			name: "enum to string", old: proto3(`message M { E a = 1; } enum E { Z = 0; }`), new: proto3(`message M { string a = 1; } enum E { Z = 0; }`),
			rule:   "FIELD_SCALAR_KIND_CHANGED",
			reason: "an enum is a GENERAL_NUMBER, not STRING_OR_BYTES",
		},
		// Kinds and message types.
		{
			name: "message to bytes", old: proto3(`message M { N a = 1; } message N { int32 a = 1; }`), new: proto3(`message M { bytes a = 1; } message N { int32 a = 1; }`),
			rule:   "FIELD_KIND_CHANGED",
			reason: "Confluent keeps messages and scalars apart, although bytes can carry a message",
		},
		{
			name: "message to enum", old: proto3(`message M { N a = 1; } message N { int32 a = 1; } enum E { Z = 0; }`), new: proto3(`message M { E a = 1; } message N { int32 a = 1; } enum E { Z = 0; }`),
			rule:   "FIELD_KIND_CHANGED",
			reason: "an enum is a scalar, not a message",
		},
		{
			name: "map to repeated message", old: proto3(`message M { map<string, int32> a = 1; } message E { string key = 1; int32 value = 2; }`),
			new:  proto3(`message M { repeated E a = 1; } message E { string key = 1; int32 value = 2; }`),
			rule: "FIELD_KIND_CHANGED", reason: "a map is a kind of its own, whatever its encoding",
		},
		{
			name: "message type replaced", old: proto3(`message M { A a = 1; } message A { int32 a = 1; } message B { int32 a = 1; }`),
			new:  proto3(`message M { B a = 1; } message A { int32 a = 1; } message B { int32 a = 1; }`),
			rule: "FIELD_NAMED_TYPE_CHANGED", reason: "message types are compared by name",
		},
		{
			name: "message type qualified", old: proto3(`package p; message M { Inner a = 1; message Inner { int32 a = 1; } }`),
			new:      proto3(`package p; message M { .p.M.Inner a = 1; message Inner { int32 a = 1; } }`),
			backward: true, forward: true, full: true,
			reason: "type names are compared resolved",
		},
		{
			name: "map value kind changed", old: proto3(`message M { map<string, int32> a = 1; }`), new: proto3(`message M { map<string, string> a = 1; }`),
			rule:   "FIELD_SCALAR_KIND_CHANGED",
			reason: "the keys and values of maps are compared as fields",
		},
		{
			name: "map value widened", old: proto3(`message M { map<string, int32> a = 1; }`), new: proto3(`message M { map<string, int64> a = 1; }`),
			backward: true, forward: true, full: true,
			reason: "the keys and values of maps are compared as fields",
		},
		{
			name: "map key kind changed", old: proto3(`message M { map<string, int32> a = 1; }`), new: proto3(`message M { map<int32, int32> a = 1; }`),
			rule:   "FIELD_SCALAR_KIND_CHANGED",
			reason: "the keys and values of maps are compared as fields",
		},
		{
			name: "map value message replaced", old: proto3(`message M { map<string, A> a = 1; } message A { } message B { }`),
			new:  proto3(`message M { map<string, B> a = 1; } message A { } message B { }`),
			rule: "FIELD_NAMED_TYPE_CHANGED", reason: "the keys and values of maps are compared as fields",
		},
		// Labels.
		{
			name: "optional number to repeated", old: proto3(`message M { optional int32 a = 1; }`), new: proto3(`message M { repeated int32 a = 1; }`),
			rule:   "FIELD_NUMERIC_LABEL_CHANGED",
			reason: "numbers may be packed when repeated",
		},
		{
			name: "optional enum to repeated", old: proto3(`message M { optional E a = 1; } enum E { Z = 0; }`), new: proto3(`message M { repeated E a = 1; } enum E { Z = 0; }`),
			rule:   "FIELD_NUMERIC_LABEL_CHANGED",
			reason: "enums are numbers",
		},
		{
			name: "proto2 optional number to required", old: proto2(`message M { optional int32 a = 1; }`), new: proto2(`message M { required int32 a = 1; }`),
			rule:   "FIELD_NUMERIC_LABEL_CHANGED",
			reason: "every written label change of a number counts",
		},
		{
			name: "unlabeled number to repeated", old: proto3(`message M { int32 a = 1; }`), new: proto3(`message M { repeated int32 a = 1; }`),
			backward: true, forward: true, full: true,
			reason: "Confluent compares labels only when both are written in the text",
		},
		{
			name: "optional string to repeated", old: proto3(`message M { optional string a = 1; }`), new: proto3(`message M { repeated string a = 1; }`),
			backward: true, forward: true, full: true,
			reason: "FIELD_STRING_OR_BYTES_LABEL_CHANGED is compatible",
		},
		{
			name: "proto2 optional string to required", old: proto2(`message M { optional string a = 1; }`), new: proto2(`message M { required string a = 1; }`),
			backward: true, forward: true, full: true,
			reason: "FIELD_STRING_OR_BYTES_LABEL_CHANGED is compatible, even to required",
		},
		{
			name: "optional message to repeated", old: proto3(`message M { optional N a = 1; } message N { }`), new: proto3(`message M { repeated N a = 1; } message N { }`),
			backward: true, forward: true, full: true,
			reason: "the labels of message fields are not compared",
		},
		// Oneofs.
		{
			name: "fields moved into a new oneof", old: proto3(`message M { int32 a = 1; int32 b = 2; }`), new: proto3(`message M { oneof o { int32 a = 1; int32 b = 2; } }`),
			forward: true,
			rule:    "MULTIPLE_FIELDS_MOVED_TO_ONEOF", reason: "fields set together become exclusive; moving out is ONEOF_FIELD_MOVED_TO_TOP_LEVEL, compatible",
		},
		{
			name: "one field moved into a new oneof", old: proto3(`message M { int32 a = 1; int32 b = 2; }`), new: proto3(`message M { int32 a = 1; oneof o { int32 b = 2; } }`),
			backward: true, forward: true, full: true,
			reason: "ONEOF_ADDED is compatible: a single field excludes nothing",
		},
		{
			name: "field moved into an existing oneof", old: proto3(`message M { int32 a = 1; oneof o { int32 b = 2; } }`), new: proto3(`message M { oneof o { int32 a = 1; int32 b = 2; } }`),
			forward: true,
			rule:    "FIELD_MOVED_TO_EXISTING_ONEOF", reason: "the moved field becomes exclusive with the oneof's fields",
		},
		{
			name: "field moved out of a oneof", old: proto3(`message M { oneof o { int32 a = 1; int32 b = 2; } }`), new: proto3(`message M { int32 a = 1; oneof o { int32 b = 2; } }`),
			backward: true,
			rule:     "FIELD_MOVED_TO_EXISTING_ONEOF", reason: "ONEOF_FIELD_MOVED_TO_TOP_LEVEL is compatible; the old reader has the field in the oneof",
		},
		{
			name: "oneofs merged", old: proto3(`message M { oneof a { int32 x = 1; } oneof b { int32 y = 2; } }`), new: proto3(`message M { oneof c { int32 x = 1; int32 y = 2; } }`),
			forward: true,
			rule:    "FIELD_MOVED_TO_EXISTING_ONEOF", reason: "fields of different oneofs become exclusive",
		},
		{
			name: "field removed from a oneof", old: proto3(`message M { oneof o { int32 a = 1; int32 b = 2; } }`), new: proto3(`message M { oneof o { int32 a = 1; } }`),
			forward: true,
			rule:    "ONEOF_FIELD_REMOVED", reason: "the reader could not tell which case was set; ONEOF_FIELD_ADDED is compatible",
		},
		{
			name: "field added to a oneof", old: proto3(`message M { oneof o { int32 a = 1; } }`), new: proto3(`message M { oneof o { int32 a = 1; int32 b = 2; } }`),
			backward: true,
			rule:     "ONEOF_FIELD_REMOVED", reason: "the old reader lacks the new case",
		},
		{
			name: "oneof removed with its fields", old: proto3(`message M { int32 c = 3; oneof o { int32 a = 1; int32 b = 2; } }`), new: proto3(`message M { int32 c = 3; }`),
			backward: true, forward: true, full: true,
			reason: "ONEOF_REMOVED is compatible when none of its fields is left",
		},
		{
			name: "oneof renamed", old: proto3(`message M { oneof o { int32 a = 1; int32 b = 2; } }`), new: proto3(`message M { oneof p { int32 a = 1; int32 b = 2; } }`),
			backward: true, forward: true, full: true,
			reason: "ONEOF_REMOVED and ONEOF_ADDED are compatible; the fields keep their exclusivity",
		},
		{
			name: "field kind changed in a renamed oneof", old: proto3(`message M { oneof o { int32 a = 1; float b = 2; } }`), new: proto3(`message M { oneof p { string a = 1; float b = 2; } }`),
			rule:   "FIELD_SCALAR_KIND_CHANGED",
			reason: "fields are compared by number whichever oneof they are in",
		},
		// Enums.
		{
			name: "enum constant added", old: proto3(`enum E { A = 0; }`), new: proto3(`enum E { A = 0; B = 1; }`),
			backward: true, forward: true, full: true,
			reason: "ENUM_CONST_ADDED and ENUM_CONST_REMOVED are compatible",
		},
		{
			name: "enum constant renamed", old: proto3(`enum E { A = 0; B = 1; }`), new: proto3(`enum E { A = 0; C = 1; }`),
			backward: true, forward: true, full: true,
			reason: "ENUM_CONST_CHANGED is compatible",
		},
		{
			name: "enum removed", old: proto3(`message M { int32 a = 1; } enum E { A = 0; }`), new: proto3(`message M { int32 a = 1; }`),
			backward: true, forward: true, full: true,
			reason: "ENUM_REMOVED and ENUM_ADDED are compatible",
		},
		// Nested and recursive types.
		{
			name: "nested field kind changed", old: proto3(`message M { message Inner { int32 a = 1; } Inner i = 1; }`), new: proto3(`message M { message Inner { double a = 1; } Inner i = 1; }`),
			rule:   "FIELD_SCALAR_KIND_CHANGED",
			reason: "nested types are compared level by level",
		},
		{
			name: "recursive type changed", old: proto3(`message Node { repeated Node children = 1; int32 v = 2; }`), new: proto3(`message Node { repeated Node children = 1; sint32 v = 2; }`),
			rule:   "FIELD_SCALAR_KIND_CHANGED",
			reason: "a type declared in the schema is compared once, with its siblings",
		},
		{
			name: "proto2 group changed", old: proto2(`message M { optional group G = 1 { optional int32 a = 2; } }`), new: proto2(`message M { optional group G = 1 { optional string a = 2; } }`),
			backward: true, forward: true, full: true,
			reason: "Confluent's parser keeps groups apart from fields and types, and Confluent does not compare them",
		},
		// Imported types.
		{
			name: "imported type changed compatibly",
			old:  usesDep, oldDeps: map[string]string{"address.proto": depV1},
			new: usesDep, newDeps: map[string]string{"address.proto": depV2Compatible},
			backward: true, forward: true, full: true,
			reason: "an imported type is compared field by field",
		},
		{
			name: "imported type changed incompatibly",
			old:  usesDep, oldDeps: map[string]string{"address.proto": depV1},
			new: usesDep, newDeps: map[string]string{"address.proto": depV2Incompatible},
			rule:   "FIELD_NAMED_TYPE_CHANGED",
			reason: "an incompatible imported type makes the field's type incompatible",
		},
		{
			name: "imported type in another package",
			old:  usesDep, oldDeps: map[string]string{"address.proto": depV1},
			new: usesMovedDep, newDeps: map[string]string{"address.proto": depMoved},
			backward: true, forward: true, full: true,
			reason: "message types are compared by their names within their packages",
		},
		{
			name: "type moved into an import",
			old:  proto3(`message Customer { Address address = 1; } message Address { string street = 1; int32 number = 2; }`),
			new:  usesMovedDep, newDeps: map[string]string{"address.proto": depMoved},
			forward: true,
			rule:    "MESSAGE_REMOVED",
			reason:  "the schema itself no longer declares the type; the field still reads it",
		},
		{
			name: "imported recursive type changed",
			old:  usesRecursiveDep, oldDeps: map[string]string{"tree.proto": recursiveDepV1},
			new: usesRecursiveDep, newDeps: map[string]string{"tree.proto": recursiveDepV2},
			rule:   "FIELD_NAMED_TYPE_CHANGED",
			reason: "a recursive imported type is compared once per path",
		},
		{
			name: "type imported through an import changed",
			old:  usesOuterDep, oldDeps: map[string]string{"outer.proto": outerDep, "inner.proto": innerV1},
			new: usesOuterDep, newDeps: map[string]string{"outer.proto": outerDep, "inner.proto": innerV2},
			rule:   "FIELD_SCALAR_KIND_CHANGED",
			reason: "imported types are compared down to the changed one",
		},
		{
			name: "well-known types unchanged",
			old: proto3(`import "google/protobuf/struct.proto"; import "google/protobuf/descriptor.proto";
message M { google.protobuf.Struct s = 1; google.protobuf.FileDescriptorSet f = 2; }`),
			new: proto3(`import "google/protobuf/struct.proto"; import "google/protobuf/descriptor.proto";
message M { google.protobuf.Struct s = 1; google.protobuf.FileDescriptorSet f = 2; }`),
			backward: true, forward: true, full: true,
			reason: "Confluent compares the well-known types too, and finds them equal",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldSchema := compileProtobuf(t, tt.old, tt.oldDeps)
			newSchema := compileProtobuf(t, tt.new, tt.newDeps)
			ruleSeen := tt.rule == ""
			for _, check := range []struct {
				level Level
				want  bool
			}{{Backward, tt.backward}, {Forward, tt.forward}, {Full, tt.full}} {
				got := Check(check.level, newSchema, []Previous{{Version: 1, Schema: oldSchema}})
				if (got == nil) != check.want {
					t.Errorf("%s: compatible %v, want %v (%s)\n%s", check.level, got == nil, check.want, tt.reason, strings.Join(got, "\n"))
				}
				for _, message := range got {
					ruleSeen = ruleSeen || strings.HasPrefix(message, `{errorType:"`+tt.rule+`"`)
				}
			}
			if !ruleSeen {
				t.Errorf("no message reports %s (%s)", tt.rule, tt.reason)
			}
		})
	}
}

// TestProtobufMessages checks the exact messages of Confluent's verbose
// answer: its descriptions, paths and order.
func TestProtobufMessages(t *testing.T) {
	const (
		packageA = `syntax = "proto3"; package a; message M { int32 x = 1; }`
		packageB = `syntax = "proto3"; package b; message M { int32 x = 1; }`
		optional = `syntax = "proto2"; message M { optional int32 a = 1; }`
		required = `syntax = "proto2"; message M { optional int32 a = 1; required int32 b = 2; }`
		oneM     = `syntax = "proto3"; message M { int32 a = 1; }`
		twoM     = `syntax = "proto3"; message M { int32 a = 1; } message N { int32 a = 1; }`
		flat     = `syntax = "proto3"; message M { int32 a = 1; int32 b = 2; }`
		choice   = `syntax = "proto3"; message M { oneof choice { int32 a = 1; int32 b = 2; } }`
		// Confluent walks these names in the order Order, Payment, Address,
		// Customer (Java's HashSet order).
		fourNarrow = `syntax = "proto3"; message Customer { int32 a = 1; } message Order { int32 a = 1; }
message Address { int32 a = 1; } message Payment { int32 a = 1; }`
		fourWide = `syntax = "proto3"; message Customer { string a = 1; } message Order { string a = 1; }
message Address { string a = 1; } message Payment { string a = 1; }`
	)
	address := map[string]string{"address.proto": depV1}
	tests := []struct {
		name             string
		level            Level
		old, new         string
		oldDeps, newDeps map[string]string
		want             []string
	}{
		{
			name: "package changed", level: Backward, old: packageA, new: packageB,
			want: []string{
				`{errorType:"PACKAGE_CHANGED", description:"The package at '#/' in the new schema does not match the package in the old schema"}`,
				"{oldSchemaVersion: 3}",
				"{oldSchema: '" + packageA + "'}",
				"{validateFields: 'false', compatibility: 'BACKWARD'}",
			},
		},
		{
			name: "message added, forward", level: Forward, old: oneM, new: twoM,
			want: []string{
				`{errorType:"MESSAGE_REMOVED", description:"The old schema is missing a MESSAGE type at path '#/N' in the new schema"}`,
				"{oldSchemaVersion: 3}",
				"{oldSchema: '" + oneM + "'}",
				"{validateFields: 'false', compatibility: 'FORWARD'}",
			},
		},
		{
			name: "required field added, full", level: Full, old: optional, new: required,
			want: []string{
				`{errorType:"REQUIRED_FIELD_REMOVED", description:"The old schema is missing a required field at path: '#/M/2' in the new schema"}`,
				`{errorType:"REQUIRED_FIELD_ADDED", description:"A required field  at path '#/M/2' in the new schema is missing in the old schema"}`,
				"{oldSchemaVersion: 3}",
				"{oldSchema: '" + optional + "'}",
				"{validateFields: 'false', compatibility: 'FULL'}",
			},
		},
		{
			name: "fields moved into a oneof", level: Backward, old: flat, new: choice,
			want: []string{
				`{errorType:"MULTIPLE_FIELDS_MOVED_TO_ONEOF", description:"Multiple fields in the oneof at path '#/M/choice' in the new schema are outside a oneof in the old schema"}`,
				"{oldSchemaVersion: 3}",
				"{oldSchema: '" + flat + "'}",
				"{validateFields: 'false', compatibility: 'BACKWARD'}",
			},
		},
		{
			name: "fields moved into a oneof, forward", level: Forward, old: flat, new: choice,
			want: nil,
		},
		{
			name: "imported type changed", level: Backward,
			old: usesDep, oldDeps: address, new: usesDep, newDeps: map[string]string{"address.proto": depV2Incompatible},
			want: []string{
				`{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at path '#/Address/2' in the new schema does not match its kind in the old schema"}`,
				`{errorType:"FIELD_NAMED_TYPE_CHANGED", description:"The type of a MESSAGE field at path '#/Customer/1' in the new schema does not match its type in the old schema"}`,
				"{oldSchemaVersion: 3}",
				"{oldSchema: '" + usesDep + "'}",
				"{validateFields: 'false', compatibility: 'BACKWARD'}",
			},
		},
		{
			name: "imported type replaced by a local one", level: Backward,
			old: usesDep, oldDeps: address, new: `syntax = "proto3"; message Customer { Address address = 1; } message Address { int32 street = 1; }`,
			want: []string{
				`{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at path '#/Address/1' in the new schema does not match its kind in the old schema"}`,
				`{errorType:"FIELD_NAMED_TYPE_CHANGED", description:"The type of a MESSAGE field at path '#/Customer/1' in the new schema does not match its type in the old schema"}`,
				"{oldSchemaVersion: 3}",
				"{oldSchema: '" + usesDep + "'}",
				"{validateFields: 'false', compatibility: 'BACKWARD'}",
			},
		},
		{
			name: "messages in Java's order", level: Backward, old: fourNarrow, new: fourWide,
			want: []string{
				`{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at path '#/Order/1' in the new schema does not match its kind in the old schema"}`,
				`{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at path '#/Payment/1' in the new schema does not match its kind in the old schema"}`,
				`{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at path '#/Address/1' in the new schema does not match its kind in the old schema"}`,
				`{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at path '#/Customer/1' in the new schema does not match its kind in the old schema"}`,
				"{oldSchemaVersion: 3}",
				"{oldSchema: '" + fourNarrow + "'}",
				"{validateFields: 'false', compatibility: 'BACKWARD'}",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldSchema := compileProtobuf(t, tt.old, tt.oldDeps)
			newSchema := compileProtobuf(t, tt.new, tt.newDeps)
			got := Check(tt.level, newSchema, []Previous{{Version: 3, Schema: oldSchema}})
			if !slices.Equal(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestProtobufTransitive checks that a transitive level compares the new
// schema with every version: a label left out in between hides a change of
// written labels from the non-transitive check.
func TestProtobufTransitive(t *testing.T) {
	v1 := compileProtobuf(t, proto3(`message M { optional int32 a = 1; }`), nil)
	v2 := compileProtobuf(t, proto3(`message M { int32 a = 1; }`), nil)
	v3 := compileProtobuf(t, proto3(`message M { repeated int32 a = 1; }`), nil)
	previous := []Previous{{Version: 1, Schema: v1}, {Version: 2, Schema: v2}}
	if got := Check(Backward, v3, previous); got != nil {
		t.Errorf("BACKWARD: got %q, want compatible", got)
	}
	want := []string{
		`{errorType:"FIELD_NUMERIC_LABEL_CHANGED", description:"The label for a NUMERIC field at path '#/M/1' in the new schema does not match its label in the old schema"}`,
		"{oldSchemaVersion: 1}",
		"{oldSchema: '" + v1.text + "'}",
		"{validateFields: 'false', compatibility: 'BACKWARD_TRANSITIVE'}",
	}
	if got := Check(BackwardTransitive, v3, previous); !slices.Equal(got, want) {
		t.Errorf("BACKWARD_TRANSITIVE: got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestProtobufUnparsed reports, rather than panics on, a Protobuf schema
// without its descriptor.
func TestProtobufUnparsed(t *testing.T) {
	schema := compileProtobuf(t, proto3(`message M { }`), nil)
	got := Check(Backward, testProtobuf{text: schema.text}, []Previous{{Version: 1, Schema: schema}})
	want := "Unexpected exception during compatibility check: Protobuf schema without a descriptor"
	if len(got) != 4 || got[0] != want {
		t.Errorf("got %q, want %q first", got, want)
	}
}

// TestJavaHashSetOrder checks the order against what Java 17's HashSet
// yields for the same names, added as Confluent adds them.
func TestJavaHashSetOrder(t *testing.T) {
	versions := make([]string, 13)
	for i := range versions {
		versions[i] = "Version" + strconv.Itoa(i)
	}
	events := make([]string, 30)
	for i := range events {
		events[i] = "Event" + strconv.Itoa(i)
	}
	tests := []struct {
		name          string
		first, second []string
		want          []string
	}{
		{
			name:  "no names",
			first: nil, second: nil,
			want: []string{},
		},
		{
			name:  "same names",
			first: []string{"Customer", "Order", "Address", "Payment"}, second: []string{"Customer", "Order", "Address", "Payment"},
			want: []string{"Order", "Payment", "Address", "Customer"},
		},
		{
			name:  "a name replaced",
			first: []string{"TestMessage", "TestMessage2"}, second: []string{"TestMessage", "TestMessage3"},
			want: []string{"TestMessage2", "TestMessage3", "TestMessage"},
		},
		{
			// "Aa" and "BB" have the same hash: a bucket keeps the order
			// the names were added in.
			name:  "colliding hashes",
			first: []string{"Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa"}, second: []string{"C", "BBBB", "Ab"},
			want: []string{"Aa", "BB", "Ab", "C", "AaAa", "BBBB", "AaBB", "BBAa"},
		},
		{
			name:  "tables resized",
			first: versions, second: events,
			want: []string{
				"Version10", "Version8", "Version9", "Version12", "Version11", "Event17", "Event18", "Event19",
				"Event6", "Event24", "Event7", "Event25", "Event8", "Event26", "Event9", "Event27", "Event2",
				"Event20", "Event3", "Event21", "Event4", "Event22", "Event5", "Event23", "Event0", "Event1",
				"Event28", "Event29", "Version0", "Event13", "Version1", "Event14", "Version2", "Event15",
				"Version3", "Event16", "Version4", "Version5", "Event10", "Version6", "Event11", "Version7", "Event12",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := javaHashSetOrder(tt.first, tt.second); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestProtobufPlaceholders compares message types that a lenient parse left
// unresolved by their names, rather than failing on them.
func TestProtobufPlaceholders(t *testing.T) {
	schema := func(typeName string) testProtobuf {
		t.Helper()
		proto := &descriptorpb.FileDescriptorProto{
			Name:   new("placeholders.proto"),
			Syntax: new("proto3"),
			MessageType: []*descriptorpb.DescriptorProto{{
				Name: new("M"),
				Field: []*descriptorpb.FieldDescriptorProto{{
					Name:     new("a"),
					Number:   new(int32(1)),
					Label:    descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
					Type:     descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(),
					TypeName: new(typeName),
				}},
			}},
		}
		file, err := protodesc.FileOptions{AllowUnresolvable: true}.New(proto, &protoregistry.Files{})
		if err != nil {
			t.Fatal(err)
		}
		return testProtobuf{text: typeName, file: file}
	}
	if got := Check(Full, schema(".x.Missing"), []Previous{{Schema: schema(".x.Missing")}}); got != nil {
		t.Errorf("same unresolved type: got %q, want compatible", got)
	}
	got := Check(Backward, schema(".x.Missing"), []Previous{{Schema: schema(".y.Missing")}})
	if len(got) == 0 || !strings.HasPrefix(got[0], `{errorType:"FIELD_NAMED_TYPE_CHANGED"`) {
		t.Errorf("other unresolved type: got %q, want FIELD_NAMED_TYPE_CHANGED", got)
	}
}
