package protobuf

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/goschemaregistry/registry/formats"
)

func TestInvalidSchemas(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		want   string
	}{
		{"missing semicolon", `syntax = "proto3"; message A { string a = 1 }`,
			"Could not parse Protobuf - Syntax error in :1:46: expected ';' but was '}'"},
		{"required in proto3", "syntax = \"proto3\";\nmessage A {\n  required string a = 1;\n}",
			"Could not parse Protobuf - Syntax error in :3:3: 'required' label forbidden in proto3 field declarations"},
		{"editions", "edition = \"2023\";\nmessage A {}",
			"Could not parse Protobuf - Syntax error in :1:8: edition is not currently supported"},
		{"proto2 field without label", "message A { int32 a = 1; }",
			"Could not parse Protobuf - Syntax error in :1:13: unexpected label: int32"},
		{"unknown syntax", `syntax = "proto4";`,
			"Could not parse Protobuf - Syntax error in :1:1: unexpected syntax: proto4"},
		{"not a schema", "not a schema",
			"Could not parse Protobuf - Syntax error in :1:1: unexpected label: not"},
		{"duplicate top-level name", "message A {}\nenum A { X = 0; }",
			"Could not parse Protobuf - A (:2:1) is already defined at :1:1"},
		{"syntax after trailing comment", "syntax = \"proto3\";\nmessage A {\n  int32 a = 1; /* c */ int32 b = 2;\n}",
			"Could not parse Protobuf - Syntax error in :3:25: no syntax may follow trailing comment"},
		{"range end not a number", "syntax = \"proto3\";\nmessage A {\n  reserved 1 to x;\n}",
			`Could not parse Protobuf - For input string: "x"`},
		{"map with label", "syntax = \"proto3\";\nmessage A {\n  repeated map<string, int32> n = 2;\n}",
			"Could not parse Protobuf - Syntax error in :3:3: 'map' type cannot have label"},
		{"unterminated comment", `syntax = "proto3"; message A { /* open`,
			"Could not parse Protobuf - Syntax error in :1:38: unterminated comment"},
		{"unterminated string", `syntax = "proto3"; message A { string s = 1 [default = "x]; }`,
			"Could not parse Protobuf - Syntax error in :1:62: unterminated string"},
		{"unknown type", "syntax = \"proto3\";\nmessage A {\n  B b = 1;\n}",
			":3:3: field A.b: unknown type B"},
		{"unresolved import", "syntax = \"proto3\";\nimport \"missing.proto\";\nmessage A {}",
			`:2:8: import "missing.proto" not found`},
		{"duplicate field number", "syntax = \"proto3\";\nmessage A {\n  string a = 1;\n  string b = 1;\n}",
			":4:14: message A: fields a and b both have the same tag 1"},
		{"base64 of no descriptor", base64.StdEncoding.EncodeToString([]byte{0x00, 0x01, 0x02}),
			"Could not parse Protobuf - Syntax error in :1:1: unexpected label: AAEC"},
		{"descriptor with unknown type", descriptorText(t, &descriptorpb.FileDescriptorProto{
			Name: proto.String("x.proto"), Syntax: proto.String("proto3"),
			MessageType: []*descriptorpb.DescriptorProto{{Name: proto.String("A"), Field: []*descriptorpb.FieldDescriptorProto{{
				Name: proto.String("b"), Number: proto.Int32(1), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
				Type: descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(), TypeName: proto.String(".B"),
			}}}},
		}), "unknown type .B"},
	}
	f := New(Limits{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Parse(tc.schema, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want %q", err, tc.want)
			}
		})
	}
}

func descriptorText(t testing.TB, fd *descriptorpb.FileDescriptorProto) string {
	t.Helper()
	b, err := proto.Marshal(fd)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func TestReferences(t *testing.T) {
	money := `syntax = "proto3";
package shared;
message Money { string currency = 1; int64 units = 2; }
`
	rates := `syntax = "proto3";
package shared.rates;
import public "shared/money.proto";
message Rate { shared.Money per_unit = 1; }
`
	main := `syntax = "proto3";
package shop;
import "shared/rates.proto";
import "google/type/date.proto";
import "confluent/type/decimal.proto";
import "google/protobuf/any.proto";
message Price {
  shared.Money amount = 1;
  shared.rates.Rate rate = 2;
  google.type.Date valid_until = 3;
  confluent.type.Decimal exact = 4;
  google.protobuf.Any extra = 5;
}
`
	deps := []formats.Dependency{
		{Name: "shared/money.proto", Schema: money},
		{Name: "shared/rates.proto", Schema: rates},
	}
	f := New(Limits{})
	s, err := f.Parse(main, deps)
	if err != nil {
		t.Fatal(err)
	}
	wantNormalized := `syntax = "proto3";
package shop;

import "confluent/type/decimal.proto";
import "google/protobuf/any.proto";
import "google/type/date.proto";
import "shared/rates.proto";

message Price {
  .shared.Money amount = 1;
  .shared.rates.Rate rate = 2;
  .google.type.Date valid_until = 3;
  .confluent.type.Decimal exact = 4;
  .google.protobuf.Any extra = 5;
}
`
	if got := s.Normalize().Canonical(); got != wantNormalized {
		t.Errorf("normalized:\n%s\nwant:\n%s", got, wantNormalized)
	}
	d := s.(*Schema).Descriptor()
	fields := d.Messages().ByName("Price").Fields()
	for field, want := range map[string]string{
		"amount":      "shared.Money",
		"rate":        "shared.rates.Rate",
		"valid_until": "google.type.Date",
		"exact":       "confluent.type.Decimal",
		"extra":       "google.protobuf.Any",
	} {
		if got := string(fields.ByName(protoName(field)).Message().FullName()); got != want {
			t.Errorf("field %s has type %s, want %s", field, got, want)
		}
	}
	if got := d.Imports().Get(0).Path(); got != "shared/rates.proto" {
		t.Errorf("first import %s", got)
	}

	// The same dependency as a base64 descriptor.
	moneyFile, err := f.Parse(money, nil)
	if err != nil {
		t.Fatal(err)
	}
	moneyProto := protodesc.ToFileDescriptorProto(moneyFile.(*Schema).Descriptor())
	deps[0].Schema = descriptorText(t, moneyProto)
	if s2, err := f.Parse(main, deps); err != nil {
		t.Errorf("with a descriptor dependency: %v", err)
	} else if s2.Canonical() != s.Canonical() {
		t.Errorf("with a descriptor dependency:\n%s", s2.Canonical())
	}

	// A reference replaces a bundled file of the same path.
	date := `syntax = "proto3";
package google.type;
message Date { string iso = 1; }
`
	own, err := f.Parse(main, append(deps[:2:2], formats.Dependency{Name: "google/type/date.proto", Schema: date}))
	if err != nil {
		t.Fatal(err)
	}
	dateFields := own.(*Schema).Descriptor().Messages().ByName("Price").Fields().ByName("valid_until").Message().Fields()
	if dateFields.Len() != 1 || dateFields.Get(0).Name() != "iso" {
		t.Errorf("the referenced google/type/date.proto is not used")
	}

	// An invalid dependency is named.
	_, err = f.Parse(main, []formats.Dependency{{Name: "shared/money.proto", Schema: "message {"}})
	if err == nil || !strings.HasPrefix(err.Error(), "Referenced schema shared/money.proto: Could not parse Protobuf - ") {
		t.Errorf("invalid dependency gives %v", err)
	}
}

func TestParseStoredIsLenient(t *testing.T) {
	tests := []struct {
		name           string
		schema         string
		wantDescriptor bool
	}{
		{"unresolved import", "syntax = \"proto3\";\nimport \"gone.proto\";\nmessage A { string a = 1; }", true},
		{"unknown type", "syntax = \"proto3\";\nmessage A { B b = 1; }", false},
		{"proto3 enum starting at 1", "syntax = \"proto3\";\nenum E { ONE = 1; }", false},
	}
	f := New(Limits{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := f.Parse(tc.schema, nil); err == nil {
				t.Error("Parse accepts it")
			}
			s, err := f.ParseStored(tc.schema, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.(*Schema).Descriptor() != nil; got != tc.wantDescriptor {
				t.Errorf("has a descriptor: %t", got)
			}
		})
	}
	// Confluent cannot normalize a type it cannot resolve: the schema stays
	// as it is.
	s, err := f.ParseStored("syntax = \"proto3\";\nmessage A { B b = 1; }", nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Normalize() != s {
		t.Error("normalizing an unresolvable type gives a new schema")
	}
}

// TestCustomOptionsProtocRefuses checks that options Confluent accepts
// and protoc does not (a list as a value, an extension the file does not
// import) do not make a schema invalid: Confluent does not compile custom
// options.
func TestCustomOptionsProtocRefuses(t *testing.T) {
	schema := `syntax = "proto3";
package tags;
import "confluent/meta.proto";
option (confluent.file_meta).tags = ["PII", "PRIVATE"];
message A {
  string a = 1 [(confluent.field_meta).tags = ["PII"], (unknown.option) = 3];
}
`
	s, err := New(Limits{}).Parse(schema, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `syntax = "proto3";
package tags;

import "confluent/meta.proto";

option (confluent.file_meta).tags = [
  "PII",
  "PRIVATE"
];

message A {
  string a = 1 [
    (confluent.field_meta).tags = ["PII"],
    (unknown.option) = 3
  ];
}
`
	if s.Canonical() != want {
		t.Errorf("canonical:\n%s\nwant:\n%s", s.Canonical(), want)
	}
	if s.(*Schema).Descriptor().Messages().ByName("A") == nil {
		t.Error("no descriptor")
	}
}

// orderDescriptor is a file as protoc describes it and JavaScript clients
// register it: json_name set, full type names, a map entry message and a
// synthetic oneof for a proto3 optional field.
func orderDescriptor() *descriptorpb.FileDescriptorProto {
	field := func(name string, number int32, label descriptorpb.FieldDescriptorProto_Label, typ descriptorpb.FieldDescriptorProto_Type, typeName string) *descriptorpb.FieldDescriptorProto {
		f := &descriptorpb.FieldDescriptorProto{
			Name: proto.String(name), Number: proto.Int32(number), Label: label.Enum(), Type: typ.Enum(),
			JsonName: proto.String(name),
		}
		if typeName != "" {
			f.TypeName = proto.String(typeName)
		}
		return f
	}
	optional, repeated := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL, descriptorpb.FieldDescriptorProto_LABEL_REPEATED
	note := field("note", 4, optional, descriptorpb.FieldDescriptorProto_TYPE_STRING, "")
	note.Proto3Optional, note.OneofIndex = proto.Bool(true), proto.Int32(0)
	return &descriptorpb.FileDescriptorProto{
		Name:       proto.String("shop/order.proto"),
		Package:    proto.String("shop"),
		Dependency: []string{"google/protobuf/timestamp.proto"},
		Syntax:     proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("Order"),
			Field: []*descriptorpb.FieldDescriptorProto{
				field("id", 1, optional, descriptorpb.FieldDescriptorProto_TYPE_STRING, ""),
				field("at", 2, optional, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, ".google.protobuf.Timestamp"),
				field("lines", 3, repeated, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, ".shop.Order.LinesEntry"),
				note,
			},
			NestedType: []*descriptorpb.DescriptorProto{{
				Name: proto.String("LinesEntry"),
				Field: []*descriptorpb.FieldDescriptorProto{
					field("key", 1, optional, descriptorpb.FieldDescriptorProto_TYPE_STRING, ""),
					field("value", 2, optional, descriptorpb.FieldDescriptorProto_TYPE_INT32, ""),
				},
				Options: &descriptorpb.MessageOptions{MapEntry: proto.Bool(true)},
			}},
			OneofDecl: []*descriptorpb.OneofDescriptorProto{{Name: proto.String("_note")}},
		}},
		EnumType: []*descriptorpb.EnumDescriptorProto{{
			Name: proto.String("Status"),
			Value: []*descriptorpb.EnumValueDescriptorProto{
				{Name: proto.String("UNKNOWN"), Number: proto.Int32(0)},
				{Name: proto.String("DONE"), Number: proto.Int32(1), Options: &descriptorpb.EnumValueOptions{Deprecated: proto.Bool(true)}},
			},
		}},
		Options: &descriptorpb.FileOptions{JavaMultipleFiles: proto.Bool(true), GoPackage: proto.String("example.com/shop")},
	}
}

func TestDescriptorInput(t *testing.T) {
	text := descriptorText(t, orderDescriptor())
	f := New(Limits{})
	wantCanonical := `syntax = "proto3";
package shop;

import "google/protobuf/timestamp.proto";

option java_multiple_files = true;
option go_package = "example.com/shop";

message Order {
  string id = 1 [json_name = "id"];
  .google.protobuf.Timestamp at = 2 [json_name = "at"];
  repeated .shop.Order.LinesEntry lines = 3 [json_name = "lines"];
  optional string note = 4 [json_name = "note"];

  message LinesEntry {
    option map_entry = true;
  
    string key = 1 [json_name = "key"];
    int32 value = 2 [json_name = "value"];
  }
}
enum Status {
  UNKNOWN = 0;
  DONE = 1 [deprecated = true];
}
`
	wantNormalized := `syntax = "proto3";
package shop;

import "google/protobuf/timestamp.proto";

option go_package = "example.com/shop";
option java_multiple_files = true;

message Order {
  string id = 1 [json_name = "id"];
  .google.protobuf.Timestamp at = 2 [json_name = "at"];
  map<string, int32> lines = 3 [json_name = "lines"];
  optional string note = 4 [json_name = "note"];
}
enum Status {
  UNKNOWN = 0;
  DONE = 1 [deprecated = true];
}
`
	for _, padding := range []bool{true, false} {
		input := text
		if !padding {
			input = strings.TrimRight(text, "=")
		}
		s, err := f.Parse(input, nil)
		if err != nil {
			t.Fatal(err)
		}
		if s.Canonical() != wantCanonical {
			t.Errorf("canonical:\n%s\nwant:\n%s", s.Canonical(), wantCanonical)
		}
		if got := s.Normalize().Canonical(); got != wantNormalized {
			t.Errorf("normalized:\n%s\nwant:\n%s", got, wantNormalized)
		}
		if !s.(*Schema).Descriptor().Messages().ByName("Order").Fields().ByName("lines").IsMap() {
			t.Error("lines is not a map in the descriptor")
		}
	}
	if _, err := f.Parse(text[:10]+"\n"+text[10:], nil); err == nil {
		t.Error("a line break in base64 is accepted")
	}
}

func TestSerialized(t *testing.T) {
	schema := `syntax = "proto3";
package shop;
import "confluent/meta.proto";
import "google/protobuf/descriptor.proto";
option java_package = "com.shop";
option (custom) = 1;
extend google.protobuf.FileOptions { int32 custom = 50000; }
message A {
  oneof choice { string x = 2; }
  map<string, A> by_name = 1 [(confluent.field_meta).tags = "PII"];
  optional int32 n = 3;
  reserved 7 to 9;
}
service S { rpc Get (A) returns (stream A); }
`
	s, err := New(Limits{}).Parse(schema, nil)
	if err != nil {
		t.Fatal(err)
	}
	text, err := s.Formatted("SERIALIZED")
	if err != nil {
		t.Fatal(err)
	}
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		t.Fatal(err)
	}
	got := &descriptorpb.FileDescriptorProto{}
	if err := proto.Unmarshal(b, got); err != nil {
		t.Fatal(err)
	}
	optional, repeated := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), descriptorpb.FieldDescriptorProto_LABEL_REPEATED.Enum()
	typeString, typeMessage := descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(), descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum()
	// Confluent's field_meta, encoded after the regular options.
	fieldMeta := []byte{0x82, 0x44, 0x05, 0x1a, 0x03, 'P', 'I', 'I'}
	byNameOptions := &descriptorpb.FieldOptions{}
	byNameOptions.ProtoReflect().SetUnknown(fieldMeta)
	want := &descriptorpb.FileDescriptorProto{
		Name:       proto.String("default"),
		Package:    proto.String("shop"),
		Dependency: []string{"confluent/meta.proto", "google/protobuf/descriptor.proto"},
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("A"),
			Field: []*descriptorpb.FieldDescriptorProto{
				{Name: proto.String("x"), Number: proto.Int32(2), Label: optional, Type: typeString, OneofIndex: proto.Int32(0)},
				{Name: proto.String("by_name"), Number: proto.Int32(1), Label: repeated, TypeName: proto.String("ByNameEntry"), Options: byNameOptions},
				{Name: proto.String("n"), Number: proto.Int32(3), Label: optional, Type: descriptorpb.FieldDescriptorProto_TYPE_INT32.Enum(), OneofIndex: proto.Int32(1), Proto3Optional: proto.Bool(true)},
			},
			NestedType: []*descriptorpb.DescriptorProto{{
				Name: proto.String("ByNameEntry"),
				Field: []*descriptorpb.FieldDescriptorProto{
					{Name: proto.String("key"), Number: proto.Int32(1), Type: typeString},
					{Name: proto.String("value"), Number: proto.Int32(2), Type: typeMessage, TypeName: proto.String("A")},
				},
				Options: &descriptorpb.MessageOptions{MapEntry: proto.Bool(true)},
			}},
			OneofDecl: []*descriptorpb.OneofDescriptorProto{
				{Name: proto.String("choice"), Options: &descriptorpb.OneofOptions{}},
				{Name: proto.String("_n"), Options: &descriptorpb.OneofOptions{}},
			},
			ReservedRange: []*descriptorpb.DescriptorProto_ReservedRange{{Start: proto.Int32(7), End: proto.Int32(10)}},
		}},
		Service: []*descriptorpb.ServiceDescriptorProto{{
			Name: proto.String("S"),
			Method: []*descriptorpb.MethodDescriptorProto{{
				Name: proto.String("Get"), InputType: proto.String("A"), OutputType: proto.String("A"),
				ClientStreaming: proto.Bool(false), ServerStreaming: proto.Bool(true),
			}},
		}},
		Extension: []*descriptorpb.FieldDescriptorProto{{
			Name: proto.String("custom"), Number: proto.Int32(50000), Type: descriptorpb.FieldDescriptorProto_TYPE_INT32.Enum(),
			Extendee: proto.String("google.protobuf.FileOptions"),
		}},
		Options: &descriptorpb.FileOptions{JavaPackage: proto.String("com.shop")},
		Syntax:  proto.String("proto3"),
	}
	if !proto.Equal(got, want) {
		t.Errorf("serialized:\n%v\nwant:\n%v", got, want)
	}

	// A serialized schema parses back to the same canonical text as the
	// schema read from its descriptor.
	if _, err := New(Limits{}).ParseStored(text, nil); err != nil {
		t.Errorf("serialized text does not parse: %v", err)
	}
	if _, err := s.Formatted("json"); !errors.Is(err, formats.ErrUnknownFormat) {
		t.Errorf("unknown format gives %v", err)
	}
}

func protoName(s string) protoreflect.Name { return protoreflect.Name(s) }

// TestImportPaths checks that import paths are written as Wire keeps
// them (okio's Path: separators collapsed, "." dropped, backslashes made
// slashes) and that weak imports are left out of the text, as Confluent's
// printer leaves them.
func TestImportPaths(t *testing.T) {
	for in, want := range map[string]string{
		"a/b.proto":      "a/b.proto",
		"./a//b.proto":   "a/b.proto",
		`a\b.proto`:      "a/b.proto",
		"/a/../b.proto":  "/a/../b.proto",
		"/../b.proto":    "/b.proto",
		"a/./b/":         "a/b",
		"":               ".",
		`C:\dir\x.proto`: "C:/dir/x.proto",
	} {
		if got := importPaths([]string{in})[0]; got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
	schema := "syntax = \"proto3\";\nimport weak \"google/protobuf/empty.proto\";\nimport public \"google/protobuf/any.proto\";\nimport \"./google//protobuf/duration.proto\";\nmessage A {}\n"
	s, err := New(Limits{}).ParseStored(schema, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "syntax = \"proto3\";\n\nimport \"google/protobuf/duration.proto\";\nimport public \"google/protobuf/any.proto\";\n\nmessage A {}\n"
	if s.Canonical() != want {
		t.Errorf("canonical:\n%s\nwant:\n%s", s.Canonical(), want)
	}
}

// TestConcurrentUse parses and uses schemas from several goroutines; run
// with -race it checks that the shared bundled files and parsed schemas
// are only read.
func TestConcurrentUse(t *testing.T) {
	f := New(Limits{})
	shared, err := f.Parse(canonicalCases[len(canonicalCases)-1].schema, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	for range 4 {
		go func() {
			s, err := f.Parse(canonicalCases[2].schema, nil)
			if err == nil {
				_, err = shared.Formatted("serialized")
			}
			if err == nil && s.Normalize().Canonical() != canonicalCases[2].normalized {
				err = errors.New("wrong normalized text")
			}
			shared.Normalize()
			done <- err
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
