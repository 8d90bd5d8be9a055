package avro

import (
	"strconv"
	"strings"

	"github.com/goschemaregistry/registry/formats/internal/jsontree"
)

// writeJSONNumber writes a double or float as Jackson does: Java's
// Double.toString or Float.toString, with NaN and the infinities quoted.
func writeJSONNumber(b *strings.Builder, text string) {
	if text == "NaN" || strings.HasSuffix(text, "Infinity") {
		jsontree.WriteString(b, text)
		return
	}
	b.WriteString(text)
}

// writeJSON writes v as Jackson writes a JsonNode, members in their order.
func writeJSON(b *strings.Builder, v *jsonValue) {
	switch v.kind {
	case jsonNull:
		b.WriteString("null")
	case jsonBool:
		b.WriteString(strconv.FormatBool(v.boolean))
	case jsonInt, jsonLong:
		b.WriteString(strconv.FormatInt(v.num, 10))
	case jsonBigInt:
		b.WriteString(v.str)
	case jsonDouble:
		writeJSONNumber(b, javaDouble(v.dbl))
	case jsonFloat:
		writeJSONNumber(b, javaFloat(float32(v.dbl)))
	case jsonString:
		jsontree.WriteString(b, v.str)
	case jsonArray:
		b.WriteByte('[')
		for i, item := range v.items {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, item)
		}
		b.WriteByte(']')
	case jsonObject:
		b.WriteByte('{')
		for i, key := range v.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			jsontree.WriteString(b, key)
			b.WriteByte(':')
			writeJSON(b, v.items[i])
		}
		b.WriteByte('}')
	}
}

// jsonText renders v compactly, abbreviated for an error message.
func jsonText(v *jsonValue) string {
	var b strings.Builder
	writeJSON(&b, v)
	return abbreviate(b.String())
}
