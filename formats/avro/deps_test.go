package avro

import (
	"strings"
	"sync"
	"testing"

	"github.com/goschemaregistry/registry/formats"
)

const (
	kindDep    = `{"type":"enum","name":"Kind","namespace":"t","symbols":["A","B"]}`
	itemDep    = `{"type":"record","name":"Item","namespace":"t","fields":[{"name":"kind","type":"Kind"}]}`
	addressDep = `{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"zip","type":"string"}]}`
)

func TestReferenceErrors(t *testing.T) {
	tests := []struct {
		name   string
		deps   []string
		schema string
		want   string
	}{
		{
			name:   "missing name",
			schema: `{"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"home","type":"Address"}]}`,
			want:   "Undefined schema: com.acme.Address",
		},
		{
			name:   "name of a reference not given",
			deps:   []string{kindDep},
			schema: `{"type":"record","name":"Order","fields":[{"name":"item","type":"t.Item"}]}`,
			want:   "Undefined schema: t.Item",
		},
		{
			name:   "references out of dependency order",
			deps:   []string{itemDep, kindDep},
			schema: `{"type":"record","name":"Order","fields":[{"name":"item","type":"t.Item"}]}`,
			want:   "Referenced schema refa: Undefined schema: t.Kind",
		},
		{
			name:   "invalid reference",
			deps:   []string{`{"type":"record","name":"Bad","fields":[{"name":"x","type":"nope"}]}`},
			schema: `"string"`,
			want:   "Referenced schema refa: Undefined schema: nope",
		},
		{
			name:   "different definition of a referenced name",
			deps:   []string{addressDep},
			schema: `{"type":"record","name":"User","fields":[{"name":"a","type":{"type":"record","name":"Address","namespace":"com.acme","fields":[]}}]}`,
			want:   "Can't redefine: com.acme.Address",
		},
		{
			name:   "name in the wrong namespace",
			deps:   []string{addressDep},
			schema: `{"type":"record","name":"User","namespace":"org.other","fields":[{"name":"home","type":"Address"}]}`,
			want:   "Undefined schema: org.other.Address",
		},
	}
	f := New(Limits{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Parse(tc.schema, dependencies(tc.deps))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestNoStateBetweenParses checks that a named type defined by one Parse call
// is unknown to the next, and may be defined differently there.
func TestNoStateBetweenParses(t *testing.T) {
	f := New(Limits{})
	if _, err := f.Parse(addressDep, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Parse(`{"type":"record","name":"U","fields":[{"name":"a","type":"com.acme.Address"}]}`, nil); err == nil {
		t.Error("a name defined by an earlier Parse call resolved")
	}
	other := `{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"}]}`
	s, err := f.Parse(other, nil)
	if err != nil {
		t.Fatalf("redefining a name of an earlier Parse call: %v", err)
	}
	if !strings.Contains(s.Canonical(), "street") {
		t.Errorf("Canonical() = %s", s.Canonical())
	}
}

// TestConcurrentParses parses schemas defining the same names differently
// at the same time; run with -race.
func TestConcurrentParses(t *testing.T) {
	f := New(Limits{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			field := string(rune('a' + i))
			text := `{"type":"record","name":"Same","fields":[{"name":"` + field + `","type":"int"}]}`
			for range 50 {
				s, err := f.Parse(text, []formats.Dependency{{Name: "t.Kind", Schema: kindDep}})
				if err != nil {
					t.Error(err)
					return
				}
				if s.Canonical() != text || s.Normalize().Canonical() != text {
					t.Errorf("Canonical() = %s, want %s", s.Canonical(), text)
					return
				}
			}
		}()
	}
	wg.Wait()
}
