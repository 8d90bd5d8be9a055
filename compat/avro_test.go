package compat

import (
	"slices"
	"strings"
	"testing"

	"github.com/goschemaregistry/registry/bench/schemagen"
)

// Sources the reasons cite.
const (
	specResolution = "Avro spec, Schema Resolution: "
	javaRules      = "Java SchemaCompatibility (what Confluent runs): "
)

// TestAvroRules checks one rule of Avro schema resolution per row, in every
// direction, through Check: BACKWARD means the new schema reads data written
// with the old one, FORWARD the reverse, FULL both.
func TestAvroRules(t *testing.T) {
	tests := []struct {
		name                    string
		old, new                string
		backward, forward, full bool
		reason                  string
	}{
		{
			name: "same primitive", old: `"int"`, new: `"int"`,
			backward: true, forward: true, full: true,
			reason: specResolution + "both schemas are the same primitive",
		},
		{
			name: "int to long", old: `"int"`, new: `"long"`,
			backward: true,
			reason:   specResolution + "int is promoted to long, float, or double",
		},
		{
			name: "int to float", old: `"int"`, new: `"float"`,
			backward: true,
			reason:   specResolution + "int is promoted to long, float, or double",
		},
		{
			name: "int to double", old: `"int"`, new: `"double"`,
			backward: true,
			reason:   specResolution + "int is promoted to long, float, or double",
		},
		{
			name: "long to float", old: `"long"`, new: `"float"`,
			backward: true,
			reason:   specResolution + "long is promoted to float or double",
		},
		{
			name: "long to double", old: `"long"`, new: `"double"`,
			backward: true,
			reason:   specResolution + "long is promoted to float or double",
		},
		{
			name: "float to double", old: `"float"`, new: `"double"`,
			backward: true,
			reason:   specResolution + "float is promoted to double",
		},
		{
			name: "string to bytes", old: `"string"`, new: `"bytes"`,
			backward: true, forward: true, full: true,
			reason: specResolution + "string is promoted to bytes and bytes to string",
		},
		{
			name: "no demotion", old: `"double"`, new: `"float"`,
			forward: true,
			reason:  specResolution + "no promotion narrows a type",
		},
		{
			name: "unrelated primitives", old: `"int"`, new: `"string"`,
			reason: specResolution + "types that neither match nor promote do not match",
		},
		{
			name: "boolean is not a number", old: `"boolean"`, new: `"int"`,
			reason: specResolution + "types that neither match nor promote do not match",
		},
		{
			name: "null only reads null", old: `"null"`, new: `"int"`,
			reason: specResolution + "types that neither match nor promote do not match",
		},
		{
			name: "array items promote", old: `{"type":"array","items":"int"}`, new: `{"type":"array","items":"long"}`,
			backward: true,
			reason:   specResolution + "arrays match when their item types match",
		},
		{
			name: "map values promote", old: `{"type":"map","values":"int"}`, new: `{"type":"map","values":"long"}`,
			backward: true,
			reason:   specResolution + "maps match when their value types match",
		},
		{
			name: "array is not a map", old: `{"type":"array","items":"int"}`, new: `{"type":"map","values":"int"}`,
			reason: specResolution + "types that neither match nor promote do not match",
		},
		{
			name:     "field added with default",
			old:      `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`,
			new:      `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string","default":""}]}`,
			backward: true, forward: true, full: true,
			reason: specResolution + "a reader field missing in the writer takes its default; writer fields the reader lacks are ignored",
		},
		{
			name:    "field added without default",
			old:     `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`,
			new:     `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}`,
			forward: true,
			reason:  specResolution + "a reader field missing in the writer without a default is an error",
		},
		{
			name:     "field with null default added",
			old:      `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`,
			new:      `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":["null","string"],"default":null}]}`,
			backward: true, forward: true, full: true,
			reason: specResolution + "a null default is a default",
		},
		{
			name:     "field removed without default",
			old:      `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}`,
			new:      `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`,
			backward: true,
			reason:   specResolution + "writer fields the reader lacks are ignored; the old reader has no default for the removed field",
		},
		{
			name:     "field removed with default",
			old:      `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":1}]}`,
			new:      `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`,
			backward: true, forward: true, full: true,
			reason: specResolution + "writer fields the reader lacks are ignored; the old reader has a default",
		},
		{
			name:     "fields reordered",
			old:      `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}`,
			new:      `{"type":"record","name":"R","fields":[{"name":"b","type":"string"},{"name":"a","type":"int"}]}`,
			backward: true, forward: true, full: true,
			reason: specResolution + "the ordering of fields may be different: fields are matched by name",
		},
		{
			name:     "field type promoted",
			old:      `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`,
			new:      `{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}`,
			backward: true,
			reason:   specResolution + "the types of fields with the same name are resolved recursively",
		},
		{
			name:     "field renamed with alias",
			old:      `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`,
			new:      `{"type":"record","name":"R","fields":[{"name":"b","type":"int","aliases":["a"]}]}`,
			backward: true,
			reason:   specResolution + "aliases of a reader field match writer fields; the old reader has no alias",
		},
		{
			name:     "record renamed with alias",
			old:      `{"type":"record","name":"R1","fields":[{"name":"a","type":"int"}]}`,
			new:      `{"type":"record","name":"R2","aliases":["R1"],"fields":[{"name":"a","type":"int"}]}`,
			backward: true,
			reason:   specResolution + "the reader's aliases match the writer's full name; the old reader has no alias",
		},
		{
			name:   "record renamed",
			old:    `{"type":"record","name":"R1","fields":[]}`,
			new:    `{"type":"record","name":"R2","fields":[]}`,
			reason: specResolution + "both schemas are records with the same (unqualified) name",
		},
		{
			name:     "record namespace changed",
			old:      `{"type":"record","name":"R","namespace":"a","fields":[{"name":"f","type":"int"}]}`,
			new:      `{"type":"record","name":"R","namespace":"b","fields":[{"name":"f","type":"int"}]}`,
			backward: true, forward: true, full: true,
			reason: javaRules + "schemaNameEquals compares unqualified names only",
		},
		{
			name:     "alias in another namespace",
			old:      `{"type":"record","name":"R","namespace":"a","fields":[]}`,
			new:      `{"type":"record","name":"S","namespace":"b","aliases":["a.R"],"fields":[]}`,
			backward: true,
			reason:   specResolution + "aliases are matched against the writer's full name",
		},
		{
			name:     "enum symbol added",
			old:      `{"type":"enum","name":"E","symbols":["A","B"]}`,
			new:      `{"type":"enum","name":"E","symbols":["A","B","C"]}`,
			backward: true,
			reason:   specResolution + "a writer symbol the reader lacks is an error unless the reader has a default",
		},
		{
			name:     "enum symbol added, old reader has a default",
			old:      `{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}`,
			new:      `{"type":"enum","name":"E","symbols":["A","B","C"],"default":"A"}`,
			backward: true, forward: true, full: true,
			reason: specResolution + "an unknown writer symbol reads as the reader's default symbol",
		},
		{
			name:    "enum symbol removed",
			old:     `{"type":"enum","name":"E","symbols":["A","B","C"]}`,
			new:     `{"type":"enum","name":"E","symbols":["A","B"]}`,
			forward: true,
			reason:  specResolution + "a writer symbol the reader lacks is an error unless the reader has a default",
		},
		{
			name:   "enum renamed",
			old:    `{"type":"enum","name":"E","symbols":["A"]}`,
			new:    `{"type":"enum","name":"F","symbols":["A"]}`,
			reason: specResolution + "both schemas are enums with the same (unqualified) name",
		},
		{
			name:    "enum field added with enum default only",
			old:     `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`,
			new:     `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"e","type":{"type":"enum","name":"E","symbols":["X","Y"],"default":"X"}}]}`,
			forward: true,
			reason:  javaRules + "a missing reader field of an enum type with a default is compared with the writer record, a type mismatch",
		},
		{
			name:   "fixed size changed",
			old:    `{"type":"fixed","name":"F","size":4}`,
			new:    `{"type":"fixed","name":"F","size":8}`,
			reason: specResolution + "both schemas are fixed with the same size",
		},
		{
			name:   "fixed renamed",
			old:    `{"type":"fixed","name":"F","size":4}`,
			new:    `{"type":"fixed","name":"G","size":4}`,
			reason: specResolution + "both schemas are fixed with the same (unqualified) name",
		},
		{
			name:     "fixed renamed with alias",
			old:      `{"type":"fixed","name":"F","size":4}`,
			new:      `{"type":"fixed","name":"G","aliases":["F"],"size":4}`,
			backward: true,
			reason:   specResolution + "the reader's aliases match the writer's full name",
		},
		{
			name:     "union branch added",
			old:      `["null","string"]`,
			new:      `["null","string","int"]`,
			backward: true,
			reason:   specResolution + "every branch of a writer union must match some branch of the reader union",
		},
		{
			name:     "union branches reordered",
			old:      `["null","string","int"]`,
			new:      `["int","null","string"]`,
			backward: true, forward: true, full: true,
			reason: specResolution + "union branches are matched by type, not position",
		},
		{
			name:     "type widened to union",
			old:      `"string"`,
			new:      `["null","string"]`,
			backward: true,
			reason:   specResolution + "a reader union reads a writer that matches one of its branches; a non-union reader must read every writer branch",
		},
		{
			name:    "union narrowed to type",
			old:     `["null","string"]`,
			new:     `"string"`,
			forward: true,
			reason:  specResolution + "a non-union reader must read every branch of a writer union",
		},
		{
			name: "union read through promotion", old: `["int","long"]`, new: `"double"`,
			backward: true,
			reason:   specResolution + "a non-union reader reads every writer branch it can promote",
		},
		{
			name: "singleton union", old: `["int"]`, new: `"int"`,
			backward: true, forward: true, full: true,
			reason: javaRules + "a union of one type reads and is read as that type",
		},
		{
			name:     "union branch promoted",
			old:      `["null","int"]`,
			new:      `["null","long"]`,
			backward: true,
			reason:   specResolution + "the first reader branch that matches a writer branch reads it, promotions included",
		},
		{
			name:    "nested record field added without default",
			old:     `{"type":"record","name":"R","fields":[{"name":"n","type":{"type":"record","name":"N","fields":[{"name":"x","type":"int"}]}}]}`,
			new:     `{"type":"record","name":"R","fields":[{"name":"n","type":{"type":"record","name":"N","fields":[{"name":"x","type":"int"},{"name":"y","type":"int"}]}}]}`,
			forward: true,
			reason:  specResolution + "nested records are resolved recursively",
		},
		{
			name:     "recursive type gains a field with default",
			old:      `{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}`,
			new:      `{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]},{"name":"w","type":"int","default":0}]}`,
			backward: true, forward: true, full: true,
			reason: javaRules + "a pair of types already being compared is compatible unless proven otherwise, which ends the recursion",
		},
		{
			name:   "recursive type changes a field type",
			old:    `{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}`,
			new:    `{"type":"record","name":"Node","fields":[{"name":"v","type":"string"},{"name":"next","type":["null","Node"]}]}`,
			reason: javaRules + "recursion ends, and the mismatch is still found",
		},
		{
			name: "logical type added", old: `"int"`, new: `{"type":"int","logicalType":"date"}`,
			backward: true, forward: true, full: true,
			reason: javaRules + "logical types are ignored, only the underlying types count",
		},
		{
			name:     "decimal precision changed",
			old:      `{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}`,
			new:      `{"type":"bytes","logicalType":"decimal","precision":6,"scale":3}`,
			backward: true, forward: true, full: true,
			reason: javaRules + "logical types are ignored, only the underlying types count",
		},
		{
			name:     "timestamp unit changed",
			old:      `{"type":"long","logicalType":"timestamp-millis"}`,
			new:      `{"type":"long","logicalType":"timestamp-micros"}`,
			backward: true, forward: true, full: true,
			reason: javaRules + "logical types are ignored, only the underlying types count",
		},
		{
			name: "logical type over another type", old: `{"type":"int","logicalType":"date"}`, new: `"string"`,
			reason: javaRules + "the underlying types int and string do not match",
		},
		{
			name:   "field alias matching a second writer field",
			old:    `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}`,
			new:    `{"type":"record","name":"R","fields":[{"name":"b","type":"int","aliases":["a"]}]}`,
			reason: javaRules + "a reader field matching several writer fields fails the check",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, new := parseAvro(t, tt.old), parseAvro(t, tt.new)
			previous := []Previous{{Version: 1, Schema: old}}
			for _, c := range []struct {
				level Level
				want  bool
			}{{Backward, tt.backward}, {Forward, tt.forward}, {Full, tt.full}} {
				messages := Check(c.level, new, previous)
				if got := messages == nil; got != c.want {
					t.Errorf("%s: compatible = %v, want %v (%s)\nmessages: %q", c.level, got, c.want, tt.reason, messages)
				}
			}
		})
	}
}

// TestAvroIncompatibilities checks the reasons found, their order and
// locations against the cases of Java's TestSchemaCompatibility* suites and
// against what Java's algorithm yields for memoized pairs.
func TestAvroIncompatibilities(t *testing.T) {
	const (
		enumAB  = `{"type":"enum","name":"Enum1","symbols":["A","B"]}`
		enumABC = `{"type":"enum","name":"Enum1","symbols":["A","B","C"]}`
	)
	tests := []struct {
		name           string
		reader, writer string
		want           []string // kind, location and info of each reason
	}{
		{
			name:   "type mismatch at the root",
			reader: `"null"`, writer: `"int"`,
			want: []string{"TYPE_MISMATCH / reader type: NULL not compatible with writer type: INT"},
		},
		{
			name:   "array items",
			reader: `{"type":"array","items":"int"}`, writer: `{"type":"array","items":"long"}`,
			want: []string{"TYPE_MISMATCH /items reader type: INT not compatible with writer type: LONG"},
		},
		{
			name:   "map values",
			reader: `{"type":"map","values":"int"}`, writer: `{"type":"map","values":"long"}`,
			want: []string{"TYPE_MISMATCH /values reader type: INT not compatible with writer type: LONG"},
		},
		{
			name:   "writer union branch by index",
			reader: `"float"`, writer: `["int","long","float","double"]`,
			want: []string{"TYPE_MISMATCH /3 reader type: FLOAT not compatible with writer type: DOUBLE"},
		},
		{
			name:   "optional writer field",
			reader: `{"type":"record","name":"Account","fields":[{"name":"age","type":"int"}]}`,
			writer: `{"type":"record","name":"Account","fields":[{"name":"age","type":["null","int"],"default":null}]}`,
			want:   []string{"TYPE_MISMATCH /fields/0/type/0 reader type: INT not compatible with writer type: NULL"},
		},
		{
			name:   "reader union lacks branches",
			reader: `["int"]`, writer: `["int","long","float","double"]`,
			want: []string{
				"MISSING_UNION_BRANCH /1 reader union lacking writer type: LONG",
				"MISSING_UNION_BRANCH /2 reader union lacking writer type: FLOAT",
				"MISSING_UNION_BRANCH /3 reader union lacking writer type: DOUBLE",
			},
		},
		{
			name:   "reader union lacks a record",
			reader: `["int",{"type":"record","name":"Record1","fields":[{"name":"field1","type":"int"}]}]`,
			writer: `["int",{"type":"record","name":"Record2","fields":[{"name":"field1","type":"int"}]}]`,
			want:   []string{"MISSING_UNION_BRANCH /1 reader union lacking writer type: RECORD"},
		},
		{
			name:   "reader union against a plain writer",
			reader: `["boolean"]`, writer: `"long"`,
			want: []string{"MISSING_UNION_BRANCH / reader union lacking writer type: LONG"},
		},
		{
			name:   "enum symbols",
			reader: `{"type":"record","name":"Record1","fields":[{"name":"field1","type":` + enumAB + `}]}`,
			writer: `{"type":"record","name":"Record1","fields":[{"name":"field1","type":` + enumABC + `}]}`,
			want:   []string{"MISSING_ENUM_SYMBOLS /fields/0/type/symbols [C]"},
		},
		{
			name:   "fixed name",
			reader: `{"type":"fixed","name":"F","size":4}`, writer: `{"type":"fixed","name":"n.AnotherName","size":4}`,
			want: []string{"NAME_MISMATCH /name expected: n.AnotherName"},
		},
		{
			name:   "fixed size",
			reader: `{"type":"fixed","name":"F","size":8}`, writer: `{"type":"fixed","name":"F","size":4}`,
			want: []string{"FIXED_SIZE_MISMATCH /size expected: 4, found: 8"},
		},
		{
			name:   "missing default",
			reader: `{"type":"record","name":"Record1","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":0}]}`,
			writer: `{"type":"record","name":"Record1","fields":[]}`,
			want:   []string{"READER_FIELD_MISSING_DEFAULT_VALUE /fields/0 a"},
		},
		{
			name:   "enum default of a missing field",
			reader: `{"type":"record","name":"R","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["X"],"default":"X"}}]}`,
			writer: `{"type":"record","name":"R","fields":[]}`,
			want:   []string{"TYPE_MISMATCH /fields/0/type reader type: ENUM not compatible with writer type: RECORD"},
		},
		{
			// Java's TestSchemaCompatibilityMultiple.
			name: "many reasons in order",
			reader: `{"type":"record","name":"base","fields":[
				{"name":"check_enum_symbols_field","type":{"type":"enum","name":"check_enum_symbols_type","symbols":["A","C"]}},
				{"name":"check_enum_name_field","type":{"type":"enum","name":"check_enum_name_type","symbols":["A","B","C","D"]}},
				{"name":"type_mismatch_field","type":"string"},
				{"name":"sub_record","type":{"type":"record","name":"sub_record_type","fields":[
					{"name":"identical_1_field","type":"long","default":42},
					{"name":"extra_no_default_field","type":"long"},
					{"name":"fixed_length_mismatch_field","type":{"type":"fixed","name":"fixed_length_mismatch_type","size":4}},
					{"name":"union_missing_branches_field","type":["boolean"]},
					{"name":"reader_union_does_not_support_type_field","type":["boolean"]},
					{"name":"record_fqn_mismatch_field","type":{"type":"record","name":"recordA","namespace":"not_nsA","fields":[
						{"name":"A_field_0","type":"boolean","default":true},
						{"name":"array_type_mismatch_field","type":{"type":"array","items":"string"}}]}}]}}]}`,
			writer: `{"type":"record","name":"base","fields":[
				{"name":"check_enum_symbols_field","type":{"type":"enum","name":"check_enum_symbols_type","symbols":["A","B","C","D"]}},
				{"name":"check_enum_name_field","type":{"type":"enum","name":"check_enum_name_type_ERR","symbols":["A","B","C","D"]}},
				{"name":"type_mismatch_field","type":"long"},
				{"name":"sub_record","type":{"type":"record","name":"sub_record_type","fields":[
					{"name":"identical_1_field","type":"long","default":42},
					{"name":"fixed_length_mismatch_field","type":{"type":"fixed","name":"fixed_length_mismatch_type","size":8}},
					{"name":"union_missing_branches_field","type":["boolean","double","string"]},
					{"name":"reader_union_does_not_support_type_field","type":"long"},
					{"name":"record_fqn_mismatch_field","type":{"type":"record","name":"recordA","namespace":"nsA","fields":[
						{"name":"A_field_0","type":"boolean","default":true},
						{"name":"array_type_mismatch_field","type":{"type":"array","items":"boolean"}}]}}]}}]}`,
			want: []string{
				"MISSING_ENUM_SYMBOLS /fields/0/type/symbols [B, D]",
				"NAME_MISMATCH /fields/1/type/name expected: check_enum_name_type_ERR",
				"TYPE_MISMATCH /fields/2/type reader type: STRING not compatible with writer type: LONG",
				"READER_FIELD_MISSING_DEFAULT_VALUE /fields/3/type/fields/1 extra_no_default_field",
				"FIXED_SIZE_MISMATCH /fields/3/type/fields/2/type/size expected: 8, found: 4",
				"MISSING_UNION_BRANCH /fields/3/type/fields/3/type/1 reader union lacking writer type: DOUBLE",
				"MISSING_UNION_BRANCH /fields/3/type/fields/3/type/2 reader union lacking writer type: STRING",
				"MISSING_UNION_BRANCH /fields/3/type/fields/4/type reader union lacking writer type: LONG",
				"TYPE_MISMATCH /fields/3/type/fields/5/type/fields/1/type/items reader type: STRING not compatible with writer type: BOOLEAN",
			},
		},
		{
			// Java compares the pair of named types once and reports the
			// same reasons, at the first location, for the second use.
			name: "named type used twice",
			reader: `{"type":"record","name":"R","fields":[
				{"name":"f1","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}},
				{"name":"f2","type":"Inner"}]}`,
			writer: `{"type":"record","name":"R","fields":[
				{"name":"f1","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"string"}]}},
				{"name":"f2","type":"Inner"}]}`,
			want: []string{
				"TYPE_MISMATCH /fields/0/type/fields/0/type reader type: INT not compatible with writer type: STRING",
				"TYPE_MISMATCH /fields/0/type/fields/0/type reader type: INT not compatible with writer type: STRING",
			},
		},
		{
			// Union branches are compared from a new root; Java remembers
			// those results with their root-relative locations.
			name: "named type first met inside a union",
			reader: `{"type":"record","name":"R","fields":[
				{"name":"f1","type":["null",{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}]},
				{"name":"f2","type":"Inner"}]}`,
			writer: `{"type":"record","name":"R","fields":[
				{"name":"f1","type":["null",{"type":"record","name":"Inner","fields":[{"name":"x","type":"string"}]}]},
				{"name":"f2","type":"Inner"}]}`,
			want: []string{
				"MISSING_UNION_BRANCH /fields/0/type/1 reader union lacking writer type: RECORD",
				"TYPE_MISMATCH /fields/0/type reader type: INT not compatible with writer type: STRING",
			},
		},
		{
			// The same from a union read by a plain writer.
			name: "named type first met by a reader union",
			reader: `{"type":"record","name":"R","fields":[
				{"name":"f1","type":["null",{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}]},
				{"name":"f2","type":"Inner"}]}`,
			writer: `{"type":"record","name":"R","fields":[
				{"name":"f1","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"string"}]}},
				{"name":"f2","type":"Inner"}]}`,
			want: []string{
				"MISSING_UNION_BRANCH /fields/0/type reader union lacking writer type: RECORD",
				"TYPE_MISMATCH /fields/0/type reader type: INT not compatible with writer type: STRING",
			},
		},
		{
			name:   "recursive type",
			reader: `{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}`,
			writer: `{"type":"record","name":"Node","fields":[{"name":"v","type":"string"},{"name":"next","type":["null","Node"]}]}`,
			want:   []string{"TYPE_MISMATCH /fields/0/type reader type: INT not compatible with writer type: STRING"},
		},
		{
			name:   "field alias matching a second writer field",
			reader: `{"type":"record","name":"R","fields":[{"name":"b","type":"int","aliases":["a"]}]}`,
			writer: `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}`,
			want: []string{`unexpected Unexpected exception during compatibility check: Reader record field b type:INT pos:0 ` +
				`matches multiple fields in writer record schema {"name":"R","type":"record","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found := avroChecker{}.Incompatibilities(parseAvro(t, tt.reader), parseAvro(t, tt.writer))
			got := make([]string, len(found))
			for i, reason := range found {
				switch reason := reason.(type) {
				case avroIncompatibility:
					got[i] = strings.Join([]string{reason.kind, reason.location, reason.info}, " ")
				default:
					got[i] = "unexpected " + reason.Message(roleNew, roleOld)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestAvroMessages checks the wording of each kind of reason against
// Confluent's avro.Difference.
func TestAvroMessages(t *testing.T) {
	tests := []struct {
		reason avroIncompatibility
		want   string
	}{
		{
			avroIncompatibility{avroNameMismatch, "/name", "expected: a.B"},
			`{errorType:'NAME_MISMATCH', description:'The name of the schema has changed (path '/name')', additionalInfo:'expected: a.B'}`,
		},
		{
			avroIncompatibility{avroFixedSizeMismatch, "/size", "expected: 4, found: 8"},
			`{errorType:'FIXED_SIZE_MISMATCH', description:'The size of FIXED type field at path '/size' in the new schema does not match with the old schema', additionalInfo:'expected: 4, found: 8'}`,
		},
		{
			avroIncompatibility{avroMissingEnumSymbols, "/symbols", "[C]"},
			`{errorType:'MISSING_ENUM_SYMBOLS', description:'The new schema is missing enum symbols '[C]' at path '/symbols' in the old schema', additionalInfo:'[C]'}`,
		},
		{
			avroIncompatibility{avroMissingDefault, "/fields/1", "b"},
			`{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'b'}`,
		},
		{
			avroIncompatibility{avroTypeMismatch, "/fields/0/type", "reader type: INT not compatible with writer type: STRING"},
			`{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: INT not compatible with writer type: STRING'}`,
		},
		{
			avroIncompatibility{avroMissingUnionBranch, "/1", "reader union lacking writer type: INT"},
			`{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type inside a union field at path '/1' in the old schema', additionalInfo:'reader union lacking writer type: INT'}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.reason.kind, func(t *testing.T) {
			if got := tt.reason.Message(roleNew, roleOld); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// BenchmarkFullTransitive checks a 500-field record against 50 earlier
// versions, each with one field less, all compatible so that every version is
// checked in both directions.
func BenchmarkFullTransitive(b *testing.B) {
	const fields, versions = 500, 50
	newSchema := benchmarkRecord(b, fields, fields-versions)
	previous := make([]Previous, versions)
	for v := range previous {
		previous[v] = Previous{Version: v + 1, Schema: benchmarkRecord(b, fields-versions+v, fields-versions)}
	}
	if messages := Check(FullTransitive, newSchema, previous); messages != nil {
		b.Fatalf("benchmark schemas are incompatible: %q", messages)
	}
	b.ResetTimer()
	for b.Loop() {
		Check(FullTransitive, newSchema, previous)
	}
}

// benchmarkRecord returns the benchmarks' record of n fields of assorted
// types; the fields from optionalFrom on are optional, so that they may come
// and go.
func benchmarkRecord(b *testing.B, n, optionalFrom int) testAvro {
	return parseAvro(b, schemagen.WideRecord(n, optionalFrom))
}
