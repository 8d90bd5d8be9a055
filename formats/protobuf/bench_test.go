package protobuf

import (
	"testing"

	"github.com/goschemaregistry/registry/bench/schemagen"
)

func twoHundredMessages() string { return schemagen.ProtoMessages(200) }

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
