package protobuf

import (
	"testing"
)

// canonicalCases give, for schemas of many shapes, the canonical text
// Confluent stores, the normalized text and the ignore_extensions format
// ("" when it equals the canonical text). The expected texts follow
// Confluent's ProtobufSchemaUtils printer: syntax and package lines, then
// a blank line before imports, options, types (messages before enums),
// extend blocks and services; inside a message reserved ranges, options,
// fields, oneofs, groups, extension ranges, extend blocks and nested
// types, each section after a blank line; comments dropped; strings
// double-quoted with Java's escapes; a bytes default unquoted.
var canonicalCases = []struct {
	name             string
	schema           string
	canonical        string
	normalized       string
	ignoreExtensions string
}{
	{
		name: "proto3 compact text",
		schema: `// Orders.
syntax="proto3";package shop.v1;message Order{string id=1;int64 total_cents=2;}`,
		canonical: `syntax = "proto3";
package shop.v1;

message Order {
  string id = 1;
  int64 total_cents = 2;
}
`,
		normalized: `syntax = "proto3";
package shop.v1;

message Order {
  string id = 1;
  int64 total_cents = 2;
}
`,
		ignoreExtensions: ``,
	},
	{
		name: "proto2 labels, defaults and comments",
		schema: `package legacy;

/* A person. */
message Person {
  required string name = 1 [default = "it's \"x\"\n"];
  optional int32 age = 2 [default = 0x10];
  repeated string emails = 3; // trailing
  optional bytes blob = 4 [default = "abc"];
  optional Kind kind = 5 [default = FRIEND];
  optional bool active = 6 [default = true];
  optional double ratio = 7 [default = -inf, json_name = "r"];
  enum Kind { FRIEND = 1; FOE = 2; }
}`,
		canonical: `package legacy;

message Person {
  required string name = 1 [default = "it\'s \"x\"\n"];
  optional int32 age = 2 [default = 0x10];
  repeated string emails = 3;
  optional bytes blob = 4 [default = abc];
  optional Kind kind = 5 [default = FRIEND];
  optional bool active = 6 [default = true];
  optional double ratio = 7 [
    default = -inf,
    json_name = "r"
  ];

  enum Kind {
    FRIEND = 1;
    FOE = 2;
  }
}
`,
		normalized: `package legacy;

message Person {
  required string name = 1 [default = "it\'s \"x\"\n"];
  optional int32 age = 2 [default = 16];
  repeated string emails = 3;
  optional bytes blob = 4 [default = abc];
  optional .legacy.Person.Kind kind = 5 [default = FRIEND];
  optional bool active = 6 [default = true];
  optional double ratio = 7 [
    default = -inf,
    json_name = "r"
  ];

  enum Kind {
    FRIEND = 1;
    FOE = 2;
  }
}
`,
		ignoreExtensions: ``,
	},
	{
		name: "nesting, reserved, maps, oneof",
		schema: `syntax = "proto3";
package nest;
enum Top { TOP_UNKNOWN = 0; }
message Outer {
  enum Inner { INNER_UNKNOWN = 0; }
  message Deep {
    reserved 2, 15, 9 to 11, 40 to max;
    reserved "gone", "old";
    Inner inner = 1;
    map<string, Deep> children = 3;
  }
  Deep deep = 2;
  Top top = 1;
  oneof choice {
    string name = 4;
    int32 number = 3;
  }
}`,
		canonical: `syntax = "proto3";
package nest;

message Outer {
  Deep deep = 2;
  Top top = 1;

  oneof choice {
    string name = 4;
    int32 number = 3;
  }

  message Deep {
    reserved 2, 15, 9 to 11, 40 to max;
    reserved "gone", "old";
  
    Inner inner = 1;
    map<string, Deep> children = 3;
  }
  enum Inner {
    INNER_UNKNOWN = 0;
  }
}
enum Top {
  TOP_UNKNOWN = 0;
}
`,
		normalized: `syntax = "proto3";
package nest;

message Outer {
  .nest.Top top = 1;
  .nest.Outer.Deep deep = 2;

  oneof choice {
    int32 number = 3;
    string name = 4;
  }

  message Deep {
    reserved 2;
    reserved 9 to 11;
    reserved 15;
    reserved 40 to max;
    reserved "gone";
    reserved "old";
  
    .nest.Outer.Inner inner = 1;
    map<string, .nest.Outer.Deep> children = 3;
  }
  enum Inner {
    INNER_UNKNOWN = 0;
  }
}
enum Top {
  TOP_UNKNOWN = 0;
}
`,
		ignoreExtensions: ``,
	},
	{
		name: "custom options and message literals",
		schema: `syntax = "proto2";
import "google/protobuf/descriptor.proto";
package opts;
option java_package = 'com.example' "." 'opts';
option optimize_for = SPEED;
option (file_label) = "first";
extend google.protobuf.FileOptions { optional string file_label = 50000; }
extend google.protobuf.MessageOptions { optional Rule rule = 50001; repeated int32 codes = 50002; }
message Rule {
  optional string name = 1;
  repeated Rule children = 2;
  optional int64 limit = 3;
  optional double weight = 4;
}
message Guarded {
  option (rule) = { name: "top" children { name: "a" } children: [{name: "b"}, {name: "c"}] limit: 0x1F weight: 2.50 };
  option (rule).limit = 010;
  option (codes) = 3;
  option (codes) = 1;
  optional string id = 1;
}`,
		canonical: `syntax = "proto2";
package opts;

import "google/protobuf/descriptor.proto";

option java_package = "com.example.opts";
option optimize_for = SPEED;
option (file_label) = "first";

message Rule {
  optional string name = 1;
  repeated Rule children = 2;
  optional int64 limit = 3;
  optional double weight = 4;
}
message Guarded {
  option (rule) = {
    name: "top",
    children: [
      {
        name: "a"
      },
      {
        name: "b"
      },
      {
        name: "c"
      }
    ],
    limit: 0x1F,
    weight: 2.50
  };
  option (rule).limit = 010;
  option (codes) = 3;
  option (codes) = 1;

  optional string id = 1;
}

extend google.protobuf.FileOptions {
  optional string file_label = 50000;
}
extend google.protobuf.MessageOptions {
  optional Rule rule = 50001;
  repeated int32 codes = 50002;
}
`,
		normalized: `package opts;

import "google/protobuf/descriptor.proto";

option java_package = "com.example.opts";
option optimize_for = SPEED;
option (opts.file_label) = "first";

message Rule {
  optional string name = 1;
  repeated .opts.Rule children = 2;
  optional int64 limit = 3;
  optional double weight = 4;
}
message Guarded {
  option (opts.codes) = 3;
  option (opts.codes) = 1;
  option (opts.rule) = {
    children: [
      {
        name: "a"
      },
      {
        name: "b"
      },
      {
        name: "c"
      }
    ],
    limit: 8,
    name: "top",
    weight: 2.5
  };

  optional string id = 1;
}

extend .google.protobuf.FileOptions {
  optional string file_label = 50000;
}
extend .google.protobuf.MessageOptions {
  optional .opts.Rule rule = 50001;
  repeated int32 codes = 50002;
}
`,
		ignoreExtensions: `syntax = "proto2";
package opts;

import "google/protobuf/descriptor.proto";

option java_package = "com.example.opts";
option optimize_for = SPEED;

message Rule {
  optional string name = 1;
  repeated Rule children = 2;
  optional int64 limit = 3;
  optional double weight = 4;
}
message Guarded {
  optional string id = 1;
}
`,
	},
	{
		name: "groups, extensions, services",
		schema: `syntax = "proto2";
package ext;
message Base {
  extensions 100 to 199, 1000 to max;
  optional group Result = 1 { required string url = 2; optional string title = 3; }
  oneof kind { string text = 4; group Blob = 5 { optional bytes data = 6; } }
}
extend Base { optional string note = 100; repeated int32 marks = 101 [packed = true]; }
service Search {
  option deprecated = true;
  rpc Find (Base) returns (Base);
  rpc Watch (stream Base) returns (stream Base) { option idempotency_level = NO_SIDE_EFFECTS; }
}`,
		canonical: `syntax = "proto2";
package ext;

message Base {
  oneof kind {
    string text = 4;
  
    group Blob = 5 {
      optional bytes data = 6;
    }
  }

  optional group Result = 1 {
    required string url = 2;
    optional string title = 3;
  }

  extensions 100 to 199, 1000 to max;
}

extend Base {
  optional string note = 100;
  repeated int32 marks = 101 [packed = true];
}

service Search {
  option deprecated = true;

  rpc Find (Base) returns (Base);
  rpc Watch (stream Base) returns (stream Base) {
    option idempotency_level = NO_SIDE_EFFECTS;
  };
}
`,
		normalized: `package ext;

message Base {
  oneof kind {
    string text = 4;
  
    group Blob = 5 {
      optional bytes data = 6;
    }
  }

  optional group Result = 1 {
    required string url = 2;
    optional string title = 3;
  }

  extensions 100 to 199;
  extensions 1000 to max;
}

extend .ext.Base {
  optional string note = 100;
  repeated int32 marks = 101 [packed = true];
}

service Search {
  option deprecated = true;

  rpc Find (.ext.Base) returns (.ext.Base);
  rpc Watch (stream .ext.Base) returns (stream .ext.Base) {
    option idempotency_level = NO_SIDE_EFFECTS;
  };
}
`,
		ignoreExtensions: `syntax = "proto2";
package ext;

message Base {
  oneof kind {
    string text = 4;
  
    group Blob = 5 {
      optional bytes data = 6;
    }
  }

  optional group Result = 1 {
    required string url = 2;
    optional string title = 3;
  }
}

service Search {
  option deprecated = true;

  rpc Find (Base) returns (Base);
  rpc Watch (stream Base) returns (stream Base) {
    option idempotency_level = NO_SIDE_EFFECTS;
  };
}
`,
	},
	{
		name: "enum options, unknown custom option, empty message",
		schema: `syntax = "proto3";
package aliasing;
enum Level {
  option allow_alias = true;
  reserved 100;
  LOW = 0;
  ZERO = 0;
  HIGH = 2 [deprecated = true, (label) = "hi"];
}
message Empty {}`,
		canonical: `syntax = "proto3";
package aliasing;

message Empty {}
enum Level {
  reserved 100;
  option allow_alias = true;
  LOW = 0;
  ZERO = 0;
  HIGH = 2 [
    deprecated = true,
    (label) = "hi"
  ];
}
`,
		normalized: `syntax = "proto3";
package aliasing;

message Empty {}
enum Level {
  reserved 100;
  option allow_alias = true;
  LOW = 0;
  ZERO = 0;
  HIGH = 2 [
    deprecated = true,
    (label) = "hi"
  ];
}
`,
		ignoreExtensions: `syntax = "proto3";
package aliasing;

message Empty {}
enum Level {
  reserved 100;
  option allow_alias = true;
  LOW = 0;
  ZERO = 0;
  HIGH = 2 [deprecated = true];
}
`,
	},
	{
		name: "Confluent meta options and bundled imports",
		schema: `syntax = "proto3";
package meta.v1;
import "confluent/meta.proto";
import "confluent/type/decimal.proto";
import "google/type/money.proto";
option (confluent.file_meta).tags = "FILE";
message Payment {
  option (confluent.message_meta) = { doc: "A payment", params: [{key: "owner", value: "billing"}] };
  confluent.type.Decimal amount = 1 [(confluent.field_meta).params = {key: "precision", value: "8"}, (confluent.field_meta).params = {key: "scale", value: "2"}];
  google.type.Money price = 2 [(confluent.field_meta).tags = "PII", (confluent.field_meta).tags = "PRIVATE"];
}
`,
		canonical: `syntax = "proto3";
package meta.v1;

import "confluent/meta.proto";
import "confluent/type/decimal.proto";
import "google/type/money.proto";

option (confluent.file_meta).tags = "FILE";

message Payment {
  option (confluent.message_meta) = {
    doc: "A payment",
    params: [
      {
        key: "owner",
        value: "billing"
      }
    ]
  };

  confluent.type.Decimal amount = 1 [
    (confluent.field_meta).params = {
      key: "precision",
      value: "8"
    },
    (confluent.field_meta).params = {
      key: "scale",
      value: "2"
    }
  ];
  google.type.Money price = 2 [
    (confluent.field_meta).tags = "PII",
    (confluent.field_meta).tags = "PRIVATE"
  ];
}
`,
		normalized: `syntax = "proto3";
package meta.v1;

import "confluent/meta.proto";
import "confluent/type/decimal.proto";
import "google/type/money.proto";

option (confluent.file_meta) = {
  tags: "FILE"
};

message Payment {
  option (confluent.message_meta) = {
    doc: "A payment",
    params: {
      key: "owner",
      value: "billing"
    }
  };

  .confluent.type.Decimal amount = 1 [(confluent.field_meta) = {
    params: [
      {
        key: "precision",
        value: "8"
      },
      {
        key: "scale",
        value: "2"
      }
    ]
  }];
  .google.type.Money price = 2 [(confluent.field_meta) = {
    tags: [
      "PII",
      "PRIVATE"
    ]
  }];
}
`,
		ignoreExtensions: ``,
	},
}

func TestCanonical(t *testing.T) {
	f := New(Limits{})
	for _, tc := range canonicalCases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := f.Parse(tc.schema, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Canonical(); got != tc.canonical {
				t.Errorf("canonical:\n%s\nwant:\n%s", got, tc.canonical)
			}
			if got := s.Normalize().Canonical(); got != tc.normalized {
				t.Errorf("normalized:\n%s\nwant:\n%s", got, tc.normalized)
			}
			want := tc.ignoreExtensions
			if want == "" {
				want = tc.canonical
			}
			if got, err := s.Formatted("IGNORE_EXTENSIONS"); err != nil || got != want {
				t.Errorf("ignore_extensions (%v):\n%s\nwant:\n%s", err, got, want)
			}
			for _, format := range []string{"", " ", "default", "Default"} {
				if got, err := s.Formatted(format); err != nil || got != tc.canonical {
					t.Errorf("format %q gives %q, %v", format, got, err)
				}
			}
			if stored, err := f.ParseStored(tc.schema, nil); err != nil {
				t.Errorf("ParseStored: %v", err)
			} else if stored.Canonical() != tc.canonical {
				t.Errorf("ParseStored gives:\n%s", stored.Canonical())
			}
			if again, err := f.ParseStored(tc.canonical, nil); err != nil {
				t.Errorf("canonical text does not parse: %v", err)
			} else if again.Canonical() != tc.canonical {
				t.Errorf("canonical text parsed again gives:\n%s", again.Canonical())
			}
		})
	}
}
