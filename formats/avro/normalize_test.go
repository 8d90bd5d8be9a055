package avro

import "testing"

// TestNormalizeEquivalentSpellings checks that spellings of one schema
// which Confluent's normalization treats alike have one normalized text,
// the one Java produced for them.
func TestNormalizeEquivalentSpellings(t *testing.T) {
	tests := []struct {
		name      string
		deps      []string
		spellings []string
		want      string
	}{
		{
			name: "property order",
			spellings: []string{
				`{"type":"record","name":"R","fields":[{"name":"a","type":"int","x":1,"y":2}],"p":{"b":1,"a":2},"q":true}`,
				`{"q":true,"fields":[{"y":2,"type":"int","x":1,"name":"a"}],"p":{"a":2,"b":1},"name":"R","type":"record"}`,
			},
			want: `{"type":"record","name":"R","fields":[{"name":"a","type":"int","x":1,"y":2}],"p":{"a":2,"b":1},"q":true}`,
		},
		{
			name: "namespace spelled in the name",
			spellings: []string{
				`{"type":"record","name":"com.acme.R","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}},{"name":"f","type":"E"}]}`,
				`{"type":"record","name":"R","namespace":"com.acme","fields":[{"name":"e","type":{"type":"enum","name":"com.acme.E","symbols":["A"]}},{"name":"f","type":"com.acme.E"}]}`,
			},
			want: `{"type":"record","name":"R","namespace":"com.acme","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}},{"name":"f","type":"E"}]}`,
		},
		{
			name: "primitive as object",
			spellings: []string{
				`{"type":"record","name":"R","fields":[{"name":"a","type":"string"}]}`,
				`{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"string"}}]}`,
			},
			want: `{"type":"record","name":"R","fields":[{"name":"a","type":"string"}]}`,
		},
		{
			name: "aliases order",
			spellings: []string{
				`{"type":"record","name":"R","aliases":["B","A"],"fields":[{"name":"f","type":"int","aliases":["y","x"]}]}`,
				`{"type":"record","name":"R","aliases":["A","B"],"fields":[{"name":"f","type":"int","aliases":["x","y"]}]}`,
			},
			want: `{"type":"record","name":"R","fields":[{"name":"f","type":"int","aliases":["x","y"]}],"aliases":["A","B"]}`,
		},
		{
			name: "explicit ascending order",
			spellings: []string{
				`{"type":"record","name":"R","fields":[{"name":"f","type":"int"}]}`,
				`{"type":"record","name":"R","fields":[{"name":"f","type":"int","order":"ascending"}]}`,
			},
			want: `{"type":"record","name":"R","fields":[{"name":"f","type":"int"}]}`,
		},
		{
			name: "error record and empty doc",
			spellings: []string{
				`{"type":"record","name":"R","fields":[]}`,
				`{"type":"error","name":"R","fields":[]}`,
				`{"type":"record","name":"R","doc":"","fields":[]}`,
			},
			want: `{"type":"record","name":"R","fields":[]}`,
		},
		{
			name: "defaults converted to the field type",
			spellings: []string{
				`{"type":"record","name":"R","fields":[{"name":"d","type":"double","default":1},{"name":"f","type":"float","default":0.1}]}`,
				`{"type":"record","name":"R","fields":[{"name":"d","type":"double","default":1.0},{"name":"f","type":"float","default":0.10000000149011612}]}`,
			},
			want: `{"type":"record","name":"R","fields":[{"name":"d","type":"double","default":1.0},{"name":"f","type":"float","default":0.1}]}`,
		},
		{
			name: "decimal properties",
			spellings: []string{
				`{"type":"bytes","logicalType":"decimal","precision":4,"scale":0}`,
				`{"type":"bytes","scale":0,"precision":4,"logicalType":"decimal"}`,
			},
			want: `{"type":"bytes","logicalType":"decimal","precision":4,"scale":0}`,
		},
		{
			name: "reference by short or full name",
			deps: []string{`{"type":"record","name":"Dep","namespace":"n","fields":[]}`},
			spellings: []string{
				`{"type":"record","name":"R","namespace":"n","fields":[{"name":"d","type":"Dep"}]}`,
				`{"type":"record","name":"R","namespace":"n","fields":[{"name":"d","type":"n.Dep"}]}`,
			},
			want: `{"type":"record","name":"R","namespace":"n","fields":[{"name":"d","type":"Dep"}]}`,
		},
	}
	f := New(Limits{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, text := range tc.spellings {
				s, err := f.Parse(text, dependencies(tc.deps))
				if err != nil {
					t.Fatalf("Parse(%s): %v", text, err)
				}
				normalized := s.Normalize()
				if got := normalized.Canonical(); got != tc.want {
					t.Errorf("Normalize(%s)\n got %s\nwant %s", text, got, tc.want)
				}
				if again := normalized.Normalize().Canonical(); again != tc.want {
					t.Errorf("normalizing twice gives %s", again)
				}
			}
		})
	}
}

// TestNormalizeFallsBack checks that a schema Confluent's normalization
// fails on is returned unchanged, rather than half normalized.
func TestNormalizeFallsBack(t *testing.T) {
	for _, text := range []string{
		// Java cannot turn a big integer property into a Java object.
		`{"type":"enum","name":"E","symbols":["A"],"big":[123456789012345678901234567890]}`,
		// Nor a record default with a member that is no field.
		`{"type":"record","name":"R","fields":[{"name":"s","type":{"type":"record","name":"S","fields":[]},"default":{"extra":1}}]}`,
	} {
		s, err := New(Limits{}).Parse(text, nil)
		if err != nil {
			t.Fatalf("Parse(%s): %v", text, err)
		}
		if got := s.Normalize(); got != s {
			t.Errorf("Normalize(%s) = %s, want the schema itself", text, got.Canonical())
		}
	}
}
