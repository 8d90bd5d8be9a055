package jsonschema

import (
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/goschemaregistry/registry/formats/internal/jsontree"
)

// writeJSON writes v compactly as Jackson writes a tree: members in their
// order, or sorted by name, recursively, when sorted is set (the tree
// Confluent's normalization reads into sorted maps).
func writeJSON(b *strings.Builder, v *value, sorted bool) {
	switch v.kind {
	case kindNull:
		b.WriteString("null")
	case kindBool:
		if v.boolean {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case kindNumber:
		b.WriteString(v.text)
	case kindString:
		jsontree.WriteString(b, v.text)
	case kindArray:
		b.WriteByte('[')
		for i, item := range v.items {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, item, sorted)
		}
		b.WriteByte(']')
	case kindObject:
		order := make([]int, len(v.keys))
		for i := range order {
			order[i] = i
		}
		if sorted {
			slices.SortFunc(order, func(i, j int) int { return compareUTF16(v.keys[i], v.keys[j]) })
		}
		b.WriteByte('{')
		for n, i := range order {
			if n > 0 {
				b.WriteByte(',')
			}
			jsontree.WriteString(b, v.keys[i])
			b.WriteByte(':')
			writeJSON(b, v.items[i], sorted)
		}
		b.WriteByte('}')
	}
}

// jsonText renders v compactly, members in their order.
func jsonText(v *value) string {
	var b strings.Builder
	writeJSON(&b, v, false)
	return b.String()
}

// compareUTF16 compares two strings as Java's String.compareTo does, by
// UTF-16 code units, which orders characters beyond U+FFFF before
// U+E000..U+FFFF unlike a byte comparison.
func compareUTF16(a, b string) int {
	if a == b {
		return 0
	}
	return slices.Compare(utf16.Encode([]rune(a)), utf16.Encode([]rune(b)))
}
