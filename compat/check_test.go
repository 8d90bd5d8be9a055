package compat

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Schemas of a subject's history, oldest first, for the transitivity tests.
const (
	historyV1 = `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`
	historyV2 = `{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":"string","default":"x"}]}`
	historyV3 = `{"type":"record","name":"R","fields":[{"name":"b","type":"string","default":"x"}]}`
)

// TestCheckLevels checks which earlier versions each level compares with,
// over a history of three versions.
func TestCheckLevels(t *testing.T) {
	history := []Previous{
		{Version: 1, Schema: parseAvro(t, historyV1)},
		{Version: 2, Schema: parseAvro(t, historyV2)},
		{Version: 3, Schema: parseAvro(t, historyV3)},
	}
	tests := []struct {
		name string
		// new follows history; it is compatible with some versions only.
		new   string
		level Level
		// failsAt is the version reported incompatible, 0 for none.
		failsAt int
		reason  string
	}{
		{
			name: "backward checks only the latest",
			// Reads v3 and v2 (b is there), not v1 (no b, no default).
			new:   `{"type":"record","name":"R","fields":[{"name":"b","type":"string"}]}`,
			level: Backward, failsAt: 0,
			reason: "Confluent CompatibilityChecker: non-transitive levels validate the latest version only",
		},
		{
			name:  "backward transitive checks every version",
			new:   `{"type":"record","name":"R","fields":[{"name":"b","type":"string"}]}`,
			level: BackwardTransitive, failsAt: 1,
			reason: "Confluent CompatibilityChecker: transitive levels validate all versions",
		},
		{
			name: "forward checks only the latest",
			// v3 and v2 read it; v1 cannot (a missing, no default).
			new:   `{"type":"record","name":"R","fields":[{"name":"b","type":"string"}]}`,
			level: Forward, failsAt: 0,
			reason: "Confluent CompatibilityChecker: non-transitive levels validate the latest version only",
		},
		{
			name:  "forward transitive checks every version",
			new:   `{"type":"record","name":"R","fields":[{"name":"b","type":"string"}]}`,
			level: ForwardTransitive, failsAt: 1,
			reason: "Confluent CompatibilityChecker: transitive levels validate all versions",
		},
		{
			name:  "full checks only the latest",
			new:   `{"type":"record","name":"R","fields":[{"name":"b","type":"string"}]}`,
			level: Full, failsAt: 0,
			reason: "Confluent CompatibilityChecker: non-transitive levels validate the latest version only",
		},
		{
			name:  "full transitive checks every version",
			new:   `{"type":"record","name":"R","fields":[{"name":"b","type":"string"}]}`,
			level: FullTransitive, failsAt: 1,
			reason: "Confluent CompatibilityChecker: transitive levels validate all versions",
		},
		{
			name: "transitive reports the newest failing version only",
			// Compatible with v3, not with v2 nor v1: a became a string.
			new:   `{"type":"record","name":"R","fields":[{"name":"a","type":"string","default":""}]}`,
			level: FullTransitive, failsAt: 2,
			reason: "Confluent SchemaValidatorBuilder.validateAll: newest first, stops at the first failure",
		},
		{
			name:  "none checks nothing",
			new:   `"string"`,
			level: None, failsAt: 0,
			reason: "Confluent CompatibilityChecker.NO_OP_CHECKER",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			messages := Check(tt.level, parseAvro(t, tt.new), history)
			failedAt := 0
			for _, message := range messages {
				for version := 1; version <= len(history); version++ {
					if message == fmt.Sprintf("{oldSchemaVersion: %d}", version) {
						if failedAt != 0 {
							t.Errorf("more than one version reported: %q", messages)
						}
						failedAt = version
					}
				}
			}
			if failedAt != tt.failsAt {
				t.Errorf("failed at version %d, want %d (%s)\nmessages: %q", failedAt, tt.failsAt, tt.reason, messages)
			}
			if (messages == nil) != (tt.failsAt == 0) {
				t.Errorf("messages %q, want them only when incompatible", messages)
			}
		})
	}
}

// TestCheckMessages compares whole answers with those Confluent builds
// (SchemaValidatorBuilder.formatErrorMessages, avro.Difference and
// AbstractSchemaRegistry.isCompatibleWithPrevious).
func TestCheckMessages(t *testing.T) {
	const (
		oldRecord = `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}`
		enumAB    = `{"type":"record","name":"R","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}]}`
		enumABC   = `{"type":"record","name":"R","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C"]}}]}`
	)
	tests := []struct {
		name     string
		level    Level
		old, new string
		version  int
		want     []string
	}{
		{
			name:  "backward, field without default",
			level: Backward, version: 1,
			old: historyV1,
			new: `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}`,
			want: []string{
				"{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'b'}",
				"{oldSchemaVersion: 1}",
				"{oldSchema: '" + historyV1 + "'}",
				"{validateFields: 'false', compatibility: 'BACKWARD'}",
			},
		},
		{
			name:  "forward, enum symbol added",
			level: Forward, version: 7,
			old: enumAB, new: enumABC,
			want: []string{
				"{errorType:'MISSING_ENUM_SYMBOLS', description:'The old schema is missing enum symbols '[C]' at path '/fields/0/type/symbols' in the new schema', additionalInfo:'[C]'}",
				"{oldSchemaVersion: 7}",
				"{oldSchema: '" + enumAB + "'}",
				"{validateFields: 'false', compatibility: 'FORWARD'}",
			},
		},
		{
			name:  "full, both directions fail",
			level: Full, version: 2,
			old: oldRecord,
			new: `{"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"c","type":"int"}]}`,
			want: []string{
				"{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in the old schema does not match with the new schema', additionalInfo:'reader type: INT not compatible with writer type: LONG'}",
				"{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path '/fields/1' in the old schema has no default value and is missing in the new schema', additionalInfo:'b'}",
				"{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'c' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'c'}",
				"{oldSchemaVersion: 2}",
				"{oldSchema: '" + oldRecord + "'}",
				"{validateFields: 'false', compatibility: 'FULL'}",
			},
		},
		{
			// Confluent quotes the old schema only with the reasons of the
			// new schema reading the old one.
			name:  "full, only forward fails",
			level: Full, version: 2,
			old: enumAB, new: enumABC,
			want: []string{
				"{errorType:'MISSING_ENUM_SYMBOLS', description:'The old schema is missing enum symbols '[C]' at path '/fields/0/type/symbols' in the new schema', additionalInfo:'[C]'}",
				"{validateFields: 'false', compatibility: 'FULL'}",
			},
		},
		{
			name:  "backward transitive, union branch of another fixed",
			level: BackwardTransitive, version: 4,
			old: `["null",{"type":"fixed","name":"F","size":4}]`,
			new: `["null",{"type":"fixed","name":"G","size":8}]`,
			want: []string{
				"{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type inside a union field at path '/1' in the old schema', additionalInfo:'reader union lacking writer type: FIXED'}",
				"{oldSchemaVersion: 4}",
				`{oldSchema: '["null",{"type":"fixed","name":"F","size":4}]'}`,
				"{validateFields: 'false', compatibility: 'BACKWARD_TRANSITIVE'}",
			},
		},
		{
			name:  "forward, name and size of a fixed",
			level: Forward, version: 1,
			old: `{"type":"fixed","name":"F","size":4}`,
			new: `{"type":"fixed","name":"a.G","size":8}`,
			want: []string{
				"{errorType:'NAME_MISMATCH', description:'The name of the schema has changed (path '/name')', additionalInfo:'expected: a.G'}",
				"{errorType:'FIXED_SIZE_MISMATCH', description:'The size of FIXED type field at path '/size' in the old schema does not match with the new schema', additionalInfo:'expected: 8, found: 4'}",
				"{oldSchemaVersion: 1}",
				`{oldSchema: '{"type":"fixed","name":"F","size":4}'}`,
				"{validateFields: 'false', compatibility: 'FORWARD'}",
			},
		},
		{
			name:  "no version known",
			level: Backward, version: 0,
			old: `"int"`, new: `"string"`,
			want: []string{
				"{errorType:'TYPE_MISMATCH', description:'The type (path '/') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: STRING not compatible with writer type: INT'}",
				`{oldSchema: '"int"'}`,
				"{validateFields: 'false', compatibility: 'BACKWARD'}",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(tt.level, parseAvro(t, tt.new), []Previous{{Version: tt.version, Schema: parseAvro(t, tt.old)}})
			if !slices.Equal(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestCheckDifferentTypes follows Confluent's SchemaValidatorBuilder: a
// schema of another type is incompatible, without quoting it.
func TestCheckDifferentTypes(t *testing.T) {
	avro := parseAvro(t, `"string"`)
	proto := testOther{typ: "XML"}
	want := []string{
		"Incompatible because of different schema type",
		"{validateFields: 'false', compatibility: 'FULL_TRANSITIVE'}",
	}
	if got := Check(FullTransitive, avro, []Previous{{Version: 1, Schema: proto}}); !slices.Equal(got, want) {
		t.Errorf("avro after protobuf: got %q, want %q", got, want)
	}
	if got := Check(None, avro, []Previous{{Version: 1, Schema: proto}}); got != nil {
		t.Errorf("at NONE: got %q, want nothing", got)
	}
}

// TestCheckWithoutRules fails the schema types that have no rules rather
// than letting them change freely.
func TestCheckWithoutRules(t *testing.T) {
	schema := testOther{typ: "XML"}
	got := Check(Backward, schema, []Previous{{Version: 1, Schema: schema}})
	want := []string{
		"No compatibility rules for schema type XML",
		"{validateFields: 'false', compatibility: 'BACKWARD'}",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestCheckUnparsedAvro reports, rather than panics on, an Avro schema
// without its resolved tree.
func TestCheckUnparsedAvro(t *testing.T) {
	got := Check(Backward, testAvro{text: `"int"`}, []Previous{{Version: 1, Schema: parseAvro(t, `"int"`)}})
	if len(got) != 4 || !strings.HasPrefix(got[0], "Unexpected exception during compatibility check: ") {
		t.Errorf("got %q", got)
	}
}

// TestCheckLongOldSchema follows Confluent's truncation of old schemas over
// 10 KiB, counted in UTF-16 code units as Java does.
func TestCheckLongOldSchema(t *testing.T) {
	// "😀" is two UTF-16 code units, so the doc is over the limit in Java
	// although shorter in characters.
	doc := strings.Repeat("😀", 5200)
	old := `{"type":"record","name":"R","doc":"` + doc + `","fields":[]}`
	got := Check(Backward, parseAvro(t, `"int"`), []Previous{{Version: 1, Schema: parseAvro(t, old)}})
	// The prefix is 10240 UTF-16 units: the 35 bytes before the doc, then
	// 5102 whole emoji (10204 units); the 5103rd would end past the limit.
	wantQuote := "{oldSchema: <truncated> '" + old[:35] + strings.Repeat("😀", 5102) + "...'}"
	if len(got) != 4 || got[2] != wantQuote {
		t.Errorf("quote of the old schema: got %.80q..., want %.80q...", got[2], wantQuote)
	}
}

func TestJavaPrefix(t *testing.T) {
	tests := []struct {
		s          string
		limit      int
		want       string
		wantIsFull bool
	}{
		{"abc", 3, "abc", true},
		{"abcd", 3, "abc", false},
		{"ab😀", 4, "ab😀", true},
		{"ab😀", 3, "ab", false},
		{"é", 1, "é", true},
	}
	for _, tt := range tests {
		got, whole := javaPrefix(tt.s, tt.limit)
		if got != tt.want || whole != tt.wantIsFull {
			t.Errorf("javaPrefix(%q, %d) = %q, %v; want %q, %v", tt.s, tt.limit, got, whole, tt.want, tt.wantIsFull)
		}
	}
}
