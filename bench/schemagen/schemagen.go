// Package schemagen generates the Avro schemas the benchmarks register and
// look up (distinct, realistic records of about 800 bytes whose successive
// versions within a subject stay backward compatible) and the log records
// that store them, so that large data sets are written without going
// through the API.
package schemagen

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/goschemaregistry/registry/formats/avro"
	"github.com/goschemaregistry/registry/storage"
)

// VersionsPerSubject is the number of versions a subject gets in the
// stored data sets: schema i is version i%VersionsPerSubject+1 of Subject(i).
const VersionsPerSubject = 5

// Subject returns the subject holding schema i.
func Subject(i int) string {
	return fmt.Sprintf("bench.orders-%d-value", i/VersionsPerSubject)
}

// Version returns the version number schema i has in its subject.
func Version(i int) int { return i%VersionsPerSubject + 1 }

// Schema returns schema i: an order event of about 800 bytes, in a
// namespace of its own subject. Later versions of a subject add optional
// fields, so each version can read the data written with the one before.
func Schema(i int) string {
	return Record(fmt.Sprintf("com.example.bench.s%d", i/VersionsPerSubject),
		extraFields(i%VersionsPerSubject, "x"))
}

// Record returns the order event record in namespace with the given
// additional fields, which must each be a complete JSON field object.
func Record(namespace string, extra []string) string {
	fields := []string{
		`{"name":"orderId","type":"string"}`,
		`{"name":"createdAt","type":{"type":"long","logicalType":"timestamp-millis"}}`,
		`{"name":"amount","type":"double"}`,
		`{"name":"currency","type":{"type":"enum","name":"Currency","symbols":["EUR","USD","GBP"]}}`,
		`{"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[` +
			`{"name":"sku","type":"string"},{"name":"quantity","type":"int"}]}}}`,
		`{"name":"shippingAddress","type":["null",{"type":"record","name":"Address","fields":[` +
			`{"name":"street","type":"string"},{"name":"city","type":"string"}]}],"default":null}`,
		`{"name":"note","type":["null","string"],"default":null}`,
	}
	fields = append(fields, extra...)
	return `{"type":"record","name":"OrderEvent","namespace":"` + namespace +
		`","fields":[` + strings.Join(fields, ",") + `]}`
}

// OptionalField returns a JSON field object of an optional string named
// name, which a reader may add or drop without breaking compatibility.
func OptionalField(name string) string {
	return `{"name":"` + name + `","type":["null","string"],"default":null}`
}

func extraFields(n int, prefix string) []string {
	out := make([]string, n)
	for j := range out {
		out[j] = OptionalField(fmt.Sprintf("%s%d", prefix, j))
	}
	return out
}

// Body returns the JSON request body registering or looking up schema.
func Body(schema string) string {
	// Encoding a struct of one string cannot fail.
	b, _ := json.Marshal(struct {
		Schema string `json:"schema"`
	}{schema})
	return string(b)
}

// WideRecord returns a record of n fields of assorted types, for the
// compatibility benchmark. The fields from optionalFrom on are optional, so
// that consecutive widths are compatible both ways.
func WideRecord(n, optionalFrom int) string {
	var text strings.Builder
	text.WriteString(`{"type":"record","name":"Wide","namespace":"com.example.bench","fields":[`)
	for i := range n {
		if i > 0 {
			text.WriteString(",")
		}
		var typ string
		switch {
		case i >= optionalFrom:
			typ = `["null","string"],"default":null`
		case i%4 == 0:
			typ = `"long"`
		case i%4 == 1:
			typ = fmt.Sprintf(`{"type":"enum","name":"E%d","symbols":["A","B","C"],"default":"A"}`, i)
		case i%4 == 2:
			typ = fmt.Sprintf(`{"type":"record","name":"N%d","fields":[{"name":"x","type":["null","int"]},{"name":"y","type":{"type":"array","items":"double"}}]}`, i)
		default:
			typ = `{"type":"map","values":"bytes"}`
		}
		fmt.Fprintf(&text, `{"name":"f%d","type":%s}`, i, typ)
	}
	text.WriteString("]}")
	return text.String()
}

// Records returns the SCHEMA records storing schemas from, from+1, ...,
// from+n-1, in Subject(i) at Version(i) with id i+1, each schema in the
// canonical form the registry stores, as the registry would have written
// them. It fails only if a generated schema does not parse.
func Records(from, n int) ([]storage.Record, error) {
	format := avro.New(avro.Limits{})
	recs := make([]storage.Record, 0, n)
	for i := from; i < from+n; i++ {
		parsed, err := format.Parse(Schema(i), nil)
		if err != nil {
			return nil, fmt.Errorf("schema %d: %w", i, err)
		}
		key := storage.Key{Type: storage.KeySchema, Subject: Subject(i), Version: Version(i)}
		value, err := storage.EncodeValue(&storage.SchemaValue{
			Subject: key.Subject, Version: key.Version, ID: i + 1, Schema: parsed.Canonical(),
		})
		if err != nil {
			return nil, fmt.Errorf("schema %d: %w", i, err)
		}
		recs = append(recs, storage.Record{Key: key.Bytes(), Value: value})
	}
	return recs, nil
}

// Fill appends n schemas to log, starting at schema from, in batches, and
// returns the offset of the last record.
func Fill(ctx context.Context, log storage.Log, from, n int) (int64, error) {
	const batch = 1000
	last := int64(-1)
	for start := from; start < from+n; start += batch {
		recs, err := Records(start, min(batch, from+n-start))
		if err != nil {
			return last, err
		}
		if last, err = log.Append(ctx, recs...); err != nil {
			return last, err
		}
	}
	return last, nil
}

// ProtoMessages returns a proto3 file of n messages of the usual kinds of
// fields: scalars, a nested enum, a reference to the previous message,
// repeated and map fields, a well-known type, a oneof.
func ProtoMessages(n int) string {
	var b strings.Builder
	b.WriteString("syntax = \"proto3\";\npackage com.acme.bench.v1;\n\nimport \"google/protobuf/timestamp.proto\";\n\noption java_multiple_files = true;\n\n")
	for i := range n {
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
