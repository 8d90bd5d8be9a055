package avro

import (
	"fmt"
	"strings"
	"testing"
)

// fiftyFields is a record of 50 fields of the usual kinds: primitives,
// optional fields, a nested record, an enum, arrays, maps, logical types.
func fiftyFields() string {
	kinds := []string{
		`"string"`, `"long"`, `["null","string"]`, `{"type":"int","logicalType":"date"}`,
		`{"type":"array","items":"string"}`, `{"type":"map","values":"double"}`, `"boolean"`,
		`{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}`, `["null","long"]`, `"double"`,
	}
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"Order","namespace":"com.acme.sales","doc":"An order","fields":[`)
	for i := range 48 {
		fmt.Fprintf(&b, `{"name":"field%d","type":%s,"doc":"field number %d"},`, i, kinds[i%len(kinds)], i)
	}
	b.WriteString(`{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED"],"default":"NEW"},"default":"NEW"},`)
	b.WriteString(`{"name":"customer","type":["null",{"type":"record","name":"Customer","fields":[{"name":"id","type":"long"},{"name":"email","type":["null","string"],"default":null}]}],"default":null}`)
	b.WriteString(`]}`)
	return b.String()
}

func BenchmarkParseCanonical(b *testing.B) {
	text := fiftyFields()
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

func BenchmarkNormalize(b *testing.B) {
	s, err := New(Limits{}).Parse(fiftyFields(), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Normalize()
	}
}
