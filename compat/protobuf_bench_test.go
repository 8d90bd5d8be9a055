package compat_test

import (
	"strings"
	"testing"

	"github.com/goschemaregistry/registry/bench/schemagen"
	"github.com/goschemaregistry/registry/compat"
	"github.com/goschemaregistry/registry/formats/protobuf"
)

// BenchmarkProtobufParseAndCheck200Messages parses a new version of a
// 200-message file and checks it against the previous one at FULL, as a
// registration does.
func BenchmarkProtobufParseAndCheck200Messages(b *testing.B) {
	format := protobuf.New(protobuf.Limits{})
	oldText := schemagen.ProtoMessages(200)
	old, err := format.Parse(oldText, nil)
	if err != nil {
		b.Fatal(err)
	}
	// The new version adds a field to every message: compatible.
	newText := strings.ReplaceAll(oldText, "  oneof value {", "  string added = 10;\n  oneof value {")
	previous := []compat.Previous{{Version: 1, Schema: old}}
	b.ReportAllocs()
	for b.Loop() {
		s, err := format.Parse(newText, nil)
		if err != nil {
			b.Fatal(err)
		}
		if msgs := compat.Check(compat.Full, s, previous); msgs != nil {
			b.Fatalf("incompatible: %q", msgs)
		}
	}
}
