package avro

import (
	"strconv"
	"strings"
)

const hexDigits = "0123456789ABCDEF"

// writeJSONString writes s as Jackson's generator quotes strings: the short
// escapes for quote, backslash, \b, \t, \n, \f and \r, \u00XX with upper case
// hex digits for other control characters, everything else as is (no HTML
// escaping, non-ASCII written raw).
func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xF])
		}
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}

// writeJSONNumber writes a double or float as Jackson does: Java's
// Double.toString or Float.toString, with NaN and the infinities quoted.
func writeJSONNumber(b *strings.Builder, text string) {
	if text == "NaN" || strings.HasSuffix(text, "Infinity") {
		writeJSONString(b, text)
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
		writeJSONString(b, v.str)
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
			writeJSONString(b, key)
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
