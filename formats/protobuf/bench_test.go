package protobuf

import (
	"fmt"
	"strings"
	"testing"
)

// twoHundredMessages is a proto3 file of 200 messages of the usual kinds
// of fields: scalars, a nested enum, references to the previous message,
// repeated and map fields, a well-known type, a oneof.
func twoHundredMessages() string {
	var b strings.Builder
	b.WriteString("syntax = \"proto3\";\npackage com.acme.bench.v1;\n\nimport \"google/protobuf/timestamp.proto\";\n\noption java_multiple_files = true;\n\n")
	for i := range 200 {
		fmt.Fprintf(&b, "// Message number %d.\nmessage M%d {\n", i, i)
		b.WriteString("  string id = 1;\n  int64 created_ms = 2 [deprecated = true];\n  repeated string tags = 3;\n  map<string, int32> counts = 4;\n")
		b.WriteString("  google.protobuf.Timestamp at = 5;\n  Kind kind = 6;\n")
		if i > 0 {
			fmt.Fprintf(&b, "  M%d previous = 7;\n", i-1)
		}
		b.WriteString("  oneof value {\n    string text = 8;\n    double number = 9;\n  }\n")
		b.WriteString("  enum Kind {\n    KIND_UNSPECIFIED = 0;\n    KIND_A = 1;\n  }\n}\n")
	}
	return b.String()
}

func BenchmarkParse200Messages(b *testing.B) {
	text := twoHundredMessages()
	f := New(Limits{})
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		s, err := f.Parse(text, nil)
		if err != nil {
			b.Fatal(err)
		}
		if s.Canonical() == "" {
			b.Fatal("no canonical text")
		}
	}
}

func BenchmarkParseStored200Messages(b *testing.B) {
	text := twoHundredMessages()
	f := New(Limits{})
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.ParseStored(text, nil); err != nil {
			b.Fatal(err)
		}
	}
}
