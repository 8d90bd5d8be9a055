package protobuf

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
)

func nestedMessages(n int) string {
	return `syntax = "proto3";` + strings.Repeat("message M {", n) + "string s = 1;" + strings.Repeat("}", n)
}

func manyFields(n int) string {
	var b strings.Builder
	b.WriteString("syntax = \"proto3\";\nmessage M {\n")
	for i := range n {
		fmt.Fprintf(&b, "  string f%d = %d;\n", i, i+1)
	}
	b.WriteString("}\n")
	return b.String()
}

func nestedDescriptor(n int) *descriptorpb.FileDescriptorProto {
	inner := &descriptorpb.DescriptorProto{Name: proto.String("M")}
	for range n {
		inner = &descriptorpb.DescriptorProto{Name: proto.String("M"), NestedType: []*descriptorpb.DescriptorProto{inner}}
	}
	return &descriptorpb.FileDescriptorProto{Name: proto.String("x.proto"), MessageType: []*descriptorpb.DescriptorProto{inner}}
}

// TestHostileSchemas checks that schemas built to exhaust the parser are
// either parsed quickly or refused with a clear error.
func TestHostileSchemas(t *testing.T) {
	tests := []struct {
		name   string
		limits Limits
		schema string
		want   string // "" when the schema must parse
	}{
		{"10,000 nested messages", Limits{}, nestedMessages(10_000), "declarations nested deeper than 100 levels"},
		{"31 nested messages", Limits{}, nestedMessages(31), ""},
		{"40 nested messages, more than protoc allows", Limits{}, nestedMessages(40), "message nesting depth must be less than 32"},
		{"10,000 nested message literals", Limits{}, `syntax = "proto3"; option (x) = ` + strings.Repeat("{a:", 10_000) + "1" + strings.Repeat("}", 10_000) + ";",
			"declarations nested deeper than 100 levels"},
		{"10,000 nested lists", Limits{}, `syntax = "proto3"; option (x) = {a:` + strings.Repeat("[", 10_000) + strings.Repeat("]", 10_000) + "};",
			"declarations nested deeper than 100 levels"},
		{"10,000 fields", Limits{}, manyFields(10_000), ""},
		{"10,000 fields over MaxDeclarations", Limits{MaxDeclarations: 5_000}, manyFields(10_000), "more than 5000 declarations"},
		{"over MaxSchemaBytes", Limits{MaxSchemaBytes: 1000}, manyFields(100), "more than the limit of 1000"},
		{"descriptor nested 1,000 levels", Limits{}, descriptorText(t, nestedDescriptor(1000)), "messages nested deeper than 100 levels"},
		{"a million semicolons", Limits{}, `syntax = "proto3";` + strings.Repeat(";", 1_000_000), "more than 100000 declarations"},
		{"a long string of escapes", Limits{}, `syntax = "proto3"; option java_package = "` + strings.Repeat(`\x41\101`, 200_000) + `";`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			s, err := New(tc.limits).Parse(tc.schema, nil)
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Errorf("took %v", elapsed)
			}
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want == "":
				if s.Normalize().Canonical() == "" {
					t.Error("no normalized text")
				}
			case err == nil || !strings.Contains(err.Error(), tc.want):
				t.Fatalf("got error %v, want %q", err, tc.want)
			}
		})
	}
}
