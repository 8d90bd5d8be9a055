package storage

import (
	"encoding/json"
	"testing"

	"github.com/goschemaregistry/registry/formats"
)

func TestKeyBytesMatchConfluent(t *testing.T) {
	cases := []struct {
		key  Key
		want string
	}{
		{Key{Type: KeySchema, Subject: "s", Version: 1}, `{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}`},
		{Key{Type: KeyConfig}, `{"keytype":"CONFIG","magic":0}`},
		{Key{Type: KeyConfig, Subject: "s"}, `{"keytype":"CONFIG","subject":"s","magic":0}`},
		{Key{Type: KeyMode, Subject: "s"}, `{"keytype":"MODE","subject":"s","magic":0}`},
		{Key{Type: KeyDeleteSubject, Subject: "s"}, `{"keytype":"DELETE_SUBJECT","subject":"s","magic":0}`},
		{Key{Type: KeyClearSubject, Subject: "s"}, `{"keytype":"CLEAR_SUBJECT","subject":"s","magic":0}`},
		{Key{Type: KeyNoop}, `{"keytype":"NOOP","magic":0}`},
		// Non-ASCII and HTML characters are written raw, as Jackson does.
		{Key{Type: KeySchema, Subject: "ü<&>", Version: 2}, `{"keytype":"SCHEMA","subject":"ü<&>","version":2,"magic":1}`},
	}
	for _, c := range cases {
		if got := string(c.key.Bytes()); got != c.want {
			t.Errorf("%+v: got %s want %s", c.key, got, c.want)
		}
		back, err := ParseKey(c.key.Bytes())
		if err != nil || back != c.key {
			t.Errorf("round trip of %s: %+v %v", c.want, back, err)
		}
	}
}

func TestParseKeyAcceptsOtherSpellings(t *testing.T) {
	cases := map[string]Key{
		// Confluent before 6.2 and Karapace write a null subject.
		`{"keytype":"CONFIG","subject":null,"magic":0}`: {Type: KeyConfig},
		// Older Karapace put keytype last.
		`{"subject":"s","version":3,"magic":1,"keytype":"SCHEMA"}`: {Type: KeySchema, Subject: "s", Version: 3},
		`{"keytype":"NOOP","magic":0}`:                             {Type: KeyNoop},
	}
	for raw, want := range cases {
		got, err := ParseKey([]byte(raw))
		if err != nil || got != want {
			t.Errorf("%s: got %+v, %v; want %+v", raw, got, err, want)
		}
	}
	for _, bad := range []string{``, `{}`, `[]`, `{"keytype":"SCHEMA","subject":"s"}`, `{"keytype":5}`} {
		if _, err := ParseKey([]byte(bad)); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func TestSchemaValueFieldOrder(t *testing.T) {
	v := SchemaValue{Subject: "s", Version: 1, ID: 2, SchemaType: "PROTOBUF",
		References: []formats.Reference{{Name: "a.proto", Subject: "a", Version: 1}},
		Schema:     `syntax = "proto3";`}
	got, err := EncodeValue(&v)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"subject":"s","version":1,"id":2,"schemaType":"PROTOBUF","references":[{"name":"a.proto","subject":"a","version":1}],"schema":"syntax = \"proto3\";","deleted":false}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	avroValue, _ := EncodeValue(&SchemaValue{Subject: "s", Version: 1, ID: 1, Schema: `"string"`, Deleted: true})
	if string(avroValue) != `{"subject":"s","version":1,"id":1,"schema":"\"string\"","deleted":true}` {
		t.Errorf("avro value: %s", avroValue)
	}
	// Unknown fields written by other registries are ignored on read.
	var back SchemaValue
	if err := json.Unmarshal([]byte(`{"subject":"s","version":1,"id":1,"md5":"x","schema":"\"int\"","deleted":false,"ts":5}`), &back); err != nil || back.Type() != formats.TypeAvro {
		t.Errorf("reading a value with unknown fields: %+v %v", back, err)
	}
}

func TestHoldsMaxID(t *testing.T) {
	key := Key{Type: KeySchema, Subject: "s", Version: 1}.Bytes()
	value, _ := EncodeValue(&SchemaValue{Subject: "s", Version: 1, ID: 7, Schema: `"int"`})
	if !HoldsMaxID(Record{Key: key, Value: value}, 7) {
		t.Error("record with the max id not recognised")
	}
	if HoldsMaxID(Record{Key: key, Value: value}, 8) || HoldsMaxID(Record{Key: key}, 7) {
		t.Error("other records recognised as holding the max id")
	}
}
