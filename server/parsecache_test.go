package server

import (
	"strings"
	"testing"
)

func TestBoundedMapKeepsWeightUnderLimit(t *testing.T) {
	m := newBoundedMap(1000, func(s string) int { return len(s) })
	for i := range 500 {
		m.put(newParseKey("T", strings.Repeat("x", i), nil, false, false), strings.Repeat("v", i%90))
		if m.total > m.limit || m.total < 0 {
			t.Fatalf("after %d puts the total weight is %d", i+1, m.total)
		}
	}
	sum := 0
	for _, v := range m.entries {
		sum += len(v)
	}
	if sum != m.total {
		t.Errorf("entries weigh %d, total says %d", sum, m.total)
	}
	// A value heavier than a tenth of the limit is not kept.
	big := newParseKey("T", "big", nil, false, false)
	m.put(big, strings.Repeat("v", 200))
	if _, ok := m.get(big); ok {
		t.Error("an oversized value was cached")
	}
	// Keys differ by every part of a parse.
	a := newParseKey("AVRO", "x", nil, false, false)
	for _, other := range []parseKey{
		newParseKey("JSON", "x", nil, false, false),
		newParseKey("AVRO", "x", nil, true, false),
		newParseKey("AVRO", "x", nil, false, true),
	} {
		if other == a {
			t.Error("two different parses share a key")
		}
	}
}
