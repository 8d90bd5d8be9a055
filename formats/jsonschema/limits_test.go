package jsonschema

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func nested(open string, n int, middle, closing string) string {
	return strings.Repeat(open, n) + middle + strings.Repeat(closing, n)
}

func objectWith(n int, member func(i int) string) string {
	members := make([]string, n)
	for i := range members {
		members[i] = member(i)
	}
	return `{"type":"object","properties":{` + strings.Join(members, ",") + `}}`
}

// referenceChain defines n schemas, each referring to the next.
func referenceChain(n int) string {
	defs := make([]string, n)
	for i := range defs {
		next := `{"type":"string"}`
		if i < n-1 {
			next = fmt.Sprintf(`{"$ref":"#/definitions/d%d"}`, i+1)
		}
		defs[i] = fmt.Sprintf(`"d%d":{"type":"object","properties":{"next":%s}}`, i, next)
	}
	return `{"$ref":"#/definitions/d0","definitions":{` + strings.Join(defs, ",") + `}}`
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
		{"10,000 nested nots", Limits{}, nested(`{"not":`, 10_000, `{}`, `}`), "nesting deeper than 1000 levels"},
		{"10,000 nested arrays in a default", Limits{}, `{"default":` + nested(`[`, 10_000, ``, `]`) + `}`, "nesting deeper than 1000 levels"},
		{"400 nested schemas", Limits{}, nested(`{"items":`, 400, `{}`, `}`), ""},
		{"text over MaxSchemaBytes", Limits{MaxSchemaBytes: 100}, objectWith(10, func(i int) string {
			return fmt.Sprintf(`"p%d":{"type":"string"}`, i)
		}), "more than the limit of 100"},
		{"nesting over MaxDepth", Limits{MaxDepth: 10}, nested(`{"items":`, 10, `{}`, `}`), "nesting deeper than 10 levels"},
		{"5,000 properties", Limits{}, objectWith(5_000, func(i int) string {
			return fmt.Sprintf(`"p%d":{"type":["string","null"],"maxLength":%d}`, i, i)
		}), ""},
		{"100,000 enum values", Limits{}, `{"enum":[` + func() string {
			values := make([]string, 100_000)
			for i := range values {
				values[i] = fmt.Sprintf(`"v%d"`, i)
			}
			return strings.Join(values, ",")
		}() + `]}`, ""},
		{"a chain of 5,000 references", Limits{}, referenceChain(5_000), ""},
		{"a cycle of 1,000 references", Limits{}, `{"$ref":"#/definitions/d0","definitions":{` + func() string {
			defs := make([]string, 1_000)
			for i := range defs {
				defs[i] = fmt.Sprintf(`"d%d":{"$ref":"#/definitions/d%d"}`, i, (i+1)%len(defs))
			}
			return strings.Join(defs, ",")
		}() + `}}`, ""},
		{"backtracking patterns", Limits{}, `{"pattern":"^(a+)+$","patternProperties":{"^(a|aa)*b$":{},"(x+x+)+y":{}}}`, ""},
		{"huge number literal", Limits{}, `{"maximum":1` + strings.Repeat("0", 2_000) + `}`, "number literal longer than 1000 characters"},
		{"exponent out of range", Limits{}, `{"maximum":1e99999999999}`, "exponent out of range"},
		{"huge exponent", Limits{}, `{"maximum":1e999999999,"multipleOf":1e-999999999}`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := New(tc.limits)
			start := time.Now()
			s, err := f.Parse(tc.schema, nil)
			if err == nil {
				_ = s.Normalize().Canonical()
			}
			if elapsed := time.Since(start); elapsed > 5*time.Second {
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
