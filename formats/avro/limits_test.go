package avro

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// hostile builds the schema text of a hostile case.
func hostile(open string, n int, middle, closing string) string {
	return strings.Repeat(open, n) + middle + strings.Repeat(closing, n)
}

func recordWithFields(n int, field func(i int) string) string {
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"R","fields":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(field(i))
	}
	b.WriteString(`]}`)
	return b.String()
}

// quotedList returns n distinct JSON strings made of prefix and a number.
func quotedList(prefix string, n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`"%s%d"`, prefix, i)
	}
	return strings.Join(items, ",")
}

// exponentialDefaults nests records whose two fields both default to an
// empty record of the next level, so that checking the outer default
// naively visits 2^levels field defaults.
func exponentialDefaults(levels int) string {
	var b strings.Builder
	for i := range levels {
		fmt.Fprintf(&b, `{"type":"record","name":"R%d","fields":[{"name":"a","type":`, i)
	}
	b.WriteString(`{"type":"record","name":"Leaf","fields":[{"name":"x","type":"int","default":0}]}`)
	for i := levels - 1; i >= 0; i-- {
		next := "Leaf"
		if i < levels-1 {
			next = fmt.Sprintf("R%d", i+1)
		}
		fmt.Fprintf(&b, `,"default":{}},{"name":"b","type":"%s","default":{}}]}`, next)
	}
	return b.String()
}

// TestHostileSchemas checks that schemas built to exhaust the parser either
// parse quickly or are refused with a clear error.
func TestHostileSchemas(t *testing.T) {
	tests := []struct {
		name   string
		limits Limits
		schema string
		want   string // "" when the schema must parse
	}{
		{"10,000 nested arrays", Limits{}, hostile(`{"type":"array","items":`, 10_000, `"int"`, `}`), "nesting deeper than 1000 levels"},
		{"10,000 nested unions", Limits{}, hostile(`[`, 10_000, `"int"`, `]`), "nesting deeper than 1000 levels"},
		{"10,000 nested records", Limits{}, hostile(`{"type":"record","name":"R","fields":[{"name":"f","type":`, 10_000, `"int"`, `}]}`), "nesting deeper than 1000 levels"},
		{"10,000 nested default arrays", Limits{}, recordWithFields(1, func(int) string {
			return `{"name":"a","type":"string","default":` + hostile(`[`, 10_000, ``, `]`) + `}`
		}), "nesting deeper than 1000 levels"},
		{"300 nested arrays", Limits{}, hostile(`{"type":"array","items":`, 300, `"int"`, `}`), ""},
		{"100,000 enum symbols", Limits{}, `{"type":"enum","name":"E","symbols":[` + quotedList("S", 100_000) + `]}`, ""},
		{"20,000 fields", Limits{}, recordWithFields(20_000, func(i int) string {
			return fmt.Sprintf(`{"name":"f%d","type":["null","string"],"default":null}`, i)
		}), ""},
		{"20,000 fields over MaxNames", Limits{MaxNames: 10_000}, recordWithFields(20_000, func(i int) string {
			return fmt.Sprintf(`{"name":"f%d","type":"int"}`, i)
		}), "more than 10000 named types, fields and enum symbols"},
		{"text over MaxSchemaBytes", Limits{MaxSchemaBytes: 100}, recordWithFields(10, func(i int) string {
			return fmt.Sprintf(`{"name":"f%d","type":"int"}`, i)
		}), "more than the limit of 100"},
		{"100,000 properties", Limits{}, `{"type":"record","name":"R","fields":[]` + func() string {
			var b strings.Builder
			for i := range 100_000 {
				fmt.Fprintf(&b, `,"p%d":%d`, i, i)
			}
			return b.String()
		}() + `}`, ""},
		{"100,000 aliases", Limits{}, `{"type":"record","name":"R","aliases":[` + quotedList("A", 100_000) + `],"fields":[{"name":"f","type":"int","aliases":[` + quotedList("f", 100_000) + `]}]}`, ""},
		{"50,000 enum defaults of 50,000 symbols", Limits{}, `{"type":"record","name":"R","fields":[{"name":"e","type":{"type":"array","items":{"type":"enum","name":"E","symbols":[` +
			quotedList("S", 50_000) + `]}},"default":[` + strings.Repeat(`"S49999",`, 49_999) + `"S0"]}]}`, ""},
		{"huge number literal", Limits{}, `{"type":"record","name":"R","fields":[],"x":1` + strings.Repeat("0", 100_000) + `}`, "number literal longer than 1000 characters"},
		{"defaults that double at each level", Limits{}, exponentialDefaults(40), ""},
		{"huge fixed with a default", Limits{}, `{"type":"record","name":"R","fields":[{"name":"f","type":{"type":"fixed","name":"F","size":2000000000},"default":""},{"name":"g","type":{"type":"array","items":"F"},"default":["","",""]}]}`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			s, err := New(tc.limits).Parse(tc.schema, nil)
			if err == nil {
				_ = s.Normalize().Canonical()
			}
			elapsed := time.Since(start)
			t.Logf("%d bytes in %v", len(tc.schema), elapsed)
			if elapsed > 5*time.Second {
				t.Errorf("took %v", elapsed)
			}
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Parse: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Parse error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
