package protobuf

import (
	"testing"

	"github.com/goschemaregistry/registry/formats"
)

// TestNormalizeEquivalences checks that spellings of one schema that
// Confluent's normalization treats as the same (order of options, imports,
// fields and enum values, relative or full type names, comments and white
// space, ways of setting a custom option, number spellings) normalize to
// one text, and that a real difference survives.
func TestNormalizeEquivalences(t *testing.T) {
	base := `syntax = "proto3";
package acme.v1;
import "google/protobuf/timestamp.proto";
import "confluent/meta.proto";
option java_package = "com.acme";
option go_package = "acme/v1";
message Event {
  string id = 1;
  google.protobuf.Timestamp at = 2 [(confluent.field_meta).tags = "PII", (confluent.field_meta).doc = "when"];
  Kind kind = 3;
  map<string, Event> children = 4;
  enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; }
}
`
	tests := []struct {
		name   string
		schema string
		same   bool
	}{
		{"comments and white space", `// An event.
syntax = "proto3";

package acme.v1;

import "google/protobuf/timestamp.proto"; // time
import "confluent/meta.proto";

option java_package = "com.acme";
option go_package = "acme/v1";

/* The event. */
message Event {
  string   id = 1;
  google.protobuf.Timestamp at = 2 [
    (confluent.field_meta).tags = "PII",
    (confluent.field_meta).doc = "when"
  ];
  Kind kind = 3;
  map<string, Event> children = 4;
  enum Kind {
    KIND_UNSPECIFIED = 0;
    KIND_A = 1;
  }
}
`, true},
		{"order of imports, options and fields", `syntax = "proto3";
package acme.v1;
import "confluent/meta.proto";
import "google/protobuf/timestamp.proto";
option go_package = "acme/v1";
option java_package = "com.acme";
message Event {
  map<string, Event> children = 4;
  Kind kind = 3;
  google.protobuf.Timestamp at = 2 [(confluent.field_meta).doc = "when", (confluent.field_meta).tags = "PII"];
  string id = 1;
  enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; }
}
`, true},
		{"full type names and an aggregate option", `syntax = "proto3";
package acme.v1;
import "google/protobuf/timestamp.proto";
import "confluent/meta.proto";
option java_package = "com.acme";
option go_package = "acme/v1";
message Event {
  string id = 1;
  .google.protobuf.Timestamp at = 2 [(.confluent.field_meta) = { tags: ["PII"] doc: "when" }];
  .acme.v1.Event.Kind kind = 3;
  map<string, .acme.v1.Event> children = 4;
  enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; }
}
`, true},
		{"a field renamed", `syntax = "proto3";
package acme.v1;
import "google/protobuf/timestamp.proto";
import "confluent/meta.proto";
option java_package = "com.acme";
option go_package = "acme/v1";
message Event {
  string event_id = 1;
  google.protobuf.Timestamp at = 2 [(confluent.field_meta).tags = "PII", (confluent.field_meta).doc = "when"];
  Kind kind = 3;
  map<string, Event> children = 4;
  enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; }
}
`, false},
		{"another tag", `syntax = "proto3";
package acme.v1;
import "google/protobuf/timestamp.proto";
import "confluent/meta.proto";
option java_package = "com.acme";
option go_package = "acme/v1";
message Event {
  string id = 1;
  google.protobuf.Timestamp at = 2 [(confluent.field_meta).tags = "PHI", (confluent.field_meta).doc = "when"];
  Kind kind = 3;
  map<string, Event> children = 4;
  enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; }
}
`, false},
	}
	f := New(Limits{})
	want := normalized(t, f, base, nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := normalized(t, f, tc.schema, nil)
			if (got == want) != tc.same {
				t.Errorf("normalized:\n%s\nbase normalized:\n%s", got, want)
			}
		})
	}
}

func normalized(t *testing.T, f *Format, schema string, deps []formats.Dependency) string {
	t.Helper()
	s, err := f.Parse(schema, deps)
	if err != nil {
		t.Fatal(err)
	}
	n := s.Normalize()
	if n.Normalize().Canonical() != n.Canonical() {
		t.Errorf("normalizing twice changes the text")
	}
	again, err := f.Parse(n.Canonical(), deps)
	if err != nil {
		t.Fatalf("normalized text does not parse: %v", err)
	}
	if again.Normalize().Canonical() != n.Canonical() {
		t.Errorf("the normalized text normalizes to something else:\n%s", again.Normalize().Canonical())
	}
	return n.Canonical()
}

// TestNormalizedNumbers checks how option numbers are written in the
// normalized text: read as commons-lang3's NumberUtils reads them (octal,
// hex, type suffixes, float before double) and written by Java's default
// DecimalFormat (at most three fraction digits, half-even rounding).
func TestNormalizedNumbers(t *testing.T) {
	tests := []struct{ in, want string }{
		{"123", "123"},
		{"0123", "83"},
		{"0x123", "291"},
		{"-0x10", "-16"},
		{"0123.0", "123"},
		{"123.", "123"},
		{"123.00", "123"},
		{"123e1", "1230"},
		{"123E-1", "12.3"},
		{".123E+3", "123"},
		{"123.4567E+2", "12345.67"},
		{"1.23456", "1.235"},
		{"0.0005", "0.001"},
		{"0.125", "0.125"},
		{"0.1255", "0.125"}, // a float: 0.12549999...
		{"0.0625", "0.062"},
		{"0.1875", "0.188"},
		{"2.5f", "2.5"},
		{"10f", "10"},
		{"-2.0", "-2"},
		{"-0.0001", "-0"},
		{"12345678901234567890", "12345678901234567890"},
		{"9223372036854775807L", "9223372036854775807"},
		{"010L", "8"},
		{"1e400", "1" + zeros(400)},
		{"inf", "inf"},
		{"-inf", "-inf"},
		{"nan", "nan"},
		{"0x1p3", "0x1p3"},
		{"1.5e+", "1.5e+"},
	}
	for _, tc := range tests {
		if got := normalizeNumber(tc.in); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.in, got, tc.want)
		}
	}
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}
