package avro

import (
	"testing"

	havro "github.com/hamba/avro/v2"
)

func avroTree(t *testing.T, parse func(string, []string) (*Schema, error), text string, deps ...string) havro.Schema {
	t.Helper()
	s, err := parse(text, deps)
	if err != nil {
		t.Fatalf("parse %s: %v", text, err)
	}
	return s.Avro()
}

func parseNew(text string, deps []string) (*Schema, error) {
	return New(Limits{}).parse(text, dependencies(deps), true)
}

func parseStored(text string, deps []string) (*Schema, error) {
	return New(Limits{}).parse(text, dependencies(deps), false)
}

// TestAvroMatchesHamba checks that the tree built for hamba is the one
// hamba's own parser makes of the resolved text, wherever hamba accepts it.
func TestAvroMatchesHamba(t *testing.T) {
	for _, tc := range canonicalCases {
		if tc.name == "nested namespaces" {
			continue // hamba's parser reads "namespace":"" as no namespace given
		}
		s, err := parseNew(tc.schema, tc.deps)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		own, err := havro.ParseWithCache(tc.resolved, "", &havro.SchemaCache{})
		if err != nil {
			continue // hamba refuses what Java accepts, see TestAvroStandIns
		}
		if got, want := s.Avro().String(), own.String(); got != want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, want)
		}
	}
}

func TestAvroReferences(t *testing.T) {
	tree := avroTree(t, parseNew, `{"type":"record","name":"Node","namespace":"n","fields":[
		{"name":"next","type":["null","Node"]},
		{"name":"dep","type":"d.Dep"},
		{"name":"again","type":"d.Dep"}]}`,
		`{"type":"record","name":"Dep","namespace":"d","fields":[{"name":"x","type":"int"}]}`)
	rec := tree.(*havro.RecordSchema)
	if rec.FullName() != "n.Node" {
		t.Fatalf("FullName() = %s", rec.FullName())
	}
	next := rec.Fields()[0].Type().(*havro.UnionSchema).Types()[1]
	if ref, ok := next.(*havro.RefSchema); !ok || ref.Schema() != havro.NamedSchema(rec) {
		t.Errorf("recursive use is %T, want a reference to the record", next)
	}
	dep, ok := rec.Fields()[1].Type().(*havro.RecordSchema)
	if !ok || dep.FullName() != "d.Dep" || len(dep.Fields()) != 1 {
		t.Fatalf("referenced type is %v, want it in full", rec.Fields()[1].Type())
	}
	if ref, ok := rec.Fields()[2].Type().(*havro.RefSchema); !ok || ref.Schema() != havro.NamedSchema(dep) {
		t.Errorf("second use is %T, want a reference", rec.Fields()[2].Type())
	}
}

// TestAvroStandIns checks defaults and names Java accepts and hamba would
// not: the field keeps a default and the names an escaped spelling.
func TestAvroStandIns(t *testing.T) {
	tree := avroTree(t, parseNew, `{"type":"record","name":"R","fields":[
		{"name":"later","type":["null","string"],"default":"x"},
		{"name":"symbol","type":{"type":"enum","name":"E","symbols":["A"]},"default":"Z"},
		{"name":"wide","type":"bytes","default":"\u0100"},
		{"name":"nan","type":"double","default":"NaN"},
		{"name":"plain","type":"long","default":5},
		{"name":"none","type":"int"}]}`)
	fields := tree.(*havro.RecordSchema).Fields()
	wantDefaults := []any{nil, "A", "", nil, int64(5), nil}
	for i, f := range fields[:5] {
		if !f.HasDefault() {
			t.Errorf("field %s has no default", f.Name())
			continue
		}
		if i == 2 || i == 3 {
			continue // []byte and NaN do not compare
		}
		if f.Default() != wantDefaults[i] {
			t.Errorf("field %s default = %#v, want %#v", f.Name(), f.Default(), wantDefaults[i])
		}
	}
	if fields[5].HasDefault() {
		t.Error("field without default has one")
	}

	stored := avroTree(t, parseStored, `{"type":"record","name":"Größe","namespace":"my-company.x","aliases":["1st"],
		"fields":[{"name":"a","type":"int","default":"oops","aliases":["b-c"]}]}`)
	rec := stored.(*havro.RecordSchema)
	if rec.FullName() != "my_2D_company.x.Gr_F6__DF_e" || rec.Aliases()[0] != "my_2D_company.x._1st" {
		t.Errorf("names = %s %v", rec.FullName(), rec.Aliases())
	}
	if f := rec.Fields()[0]; !f.HasDefault() || f.Default() != 0 || f.Aliases()[0] != "b_2D_c" {
		t.Errorf("field = %v default %v aliases %v", f.Name(), f.Default(), f.Aliases())
	}
}

func TestAvroLogicalTypes(t *testing.T) {
	tests := []struct {
		schema string
		want   havro.LogicalType // "" for none
	}{
		{`{"type":"int","logicalType":"date"}`, havro.Date},
		{`{"type":"long","logicalType":"timestamp-micros"}`, havro.TimestampMicros},
		{`{"type":"string","logicalType":"uuid"}`, havro.UUID},
		{`{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}`, havro.Decimal},
		{`{"type":"fixed","name":"D","size":12,"logicalType":"duration"}`, havro.Duration},
		{`{"type":"long","logicalType":"timestamp-nanos"}`, ""},
		{`{"type":"string","logicalType":"date"}`, ""},
		{`{"type":"bytes","logicalType":"decimal","precision":5,"scale":6}`, ""},
	}
	for _, tc := range tests {
		tree := avroTree(t, parseNew, tc.schema).(havro.LogicalTypeSchema)
		var got havro.LogicalType
		if l := tree.Logical(); l != nil {
			got = l.Type()
		}
		if got != tc.want {
			t.Errorf("%s: logical type %q, want %q", tc.schema, got, tc.want)
		}
		if tc.want == "" && tree.(havro.PropertySchema).Prop("logicalType") == nil {
			t.Errorf("%s: logicalType property lost", tc.schema)
		}
	}
	dec := avroTree(t, parseNew, `{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}`).(*havro.PrimitiveSchema)
	if d := dec.Logical().(*havro.DecimalLogicalSchema); d.Precision() != 5 || d.Scale() != 2 {
		t.Errorf("decimal(%d, %d)", d.Precision(), d.Scale())
	}
}
