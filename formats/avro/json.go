package avro

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goschemaregistry/registry/formats/internal/jsontree"
)

// jsonKind is the kind of a JSON value as Jackson's tree model tells them
// apart: Java Avro decides what a default value or a property means by the
// node class Jackson picked, so integers are split by the range they fit.
type jsonKind uint8

const (
	jsonNull   jsonKind = iota
	jsonBool            // BooleanNode
	jsonInt             // IntNode: an integer literal that fits 32 bits
	jsonLong            // LongNode: an integer literal that fits 64 bits
	jsonBigInt          // BigIntegerNode: any longer integer literal
	jsonDouble          // DoubleNode: a literal with a fraction or an exponent
	jsonString
	jsonArray
	jsonObject
	// jsonFloat is a FloatNode, which Jackson never reads but Confluent's
	// normalization writes for the default of a float field.
	jsonFloat
)

// jsonValue is a parsed JSON value that keeps what Go maps lose: the order of
// object members. Duplicate member names behave as in Jackson's tree model:
// the last value wins and keeps the place of the first.
type jsonValue struct {
	kind jsonKind
	// str is the value of a string, or the literal of a big integer.
	str string
	// num is the value of an int or a long.
	num int64
	// dbl is the value of a double.
	dbl float64
	// boolean is the value of a bool.
	boolean bool
	// items are the elements of an array or the member values of an object.
	items []*jsonValue
	// keys are the member names of an object, parallel to items.
	keys []string
}

// get returns the member of an object called key, or nil.
func (v *jsonValue) get(key string) *jsonValue {
	if v == nil || v.kind != jsonObject {
		return nil
	}
	for i, k := range v.keys {
		if k == key {
			return v.items[i]
		}
	}
	return nil
}

// text returns the value of a JSON string, and whether v is one: Jackson's
// textValue(), which Java Avro uses to read names, docs and namespaces.
func (v *jsonValue) text() (string, bool) {
	if v == nil || v.kind != jsonString {
		return "", false
	}
	return v.str, true
}

// isNumber reports whether v is a number of any kind.
func (v *jsonValue) isNumber() bool {
	return v.kind == jsonInt || v.kind == jsonLong || v.kind == jsonBigInt || v.kind == jsonDouble
}

// jsonEqual is Jackson's JsonNode.equals: number nodes of different classes
// differ even when their values are equal, doubles compare as Double.compare
// does, and objects compare as maps, whatever their member order.
func jsonEqual(a, b *jsonValue) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case jsonNull:
		return true
	case jsonBool:
		return a.boolean == b.boolean
	case jsonInt, jsonLong:
		return a.num == b.num
	case jsonBigInt, jsonString:
		return a.str == b.str
	case jsonDouble, jsonFloat:
		return math.Float64bits(a.dbl) == math.Float64bits(b.dbl) || (math.IsNaN(a.dbl) && math.IsNaN(b.dbl))
	case jsonArray:
		if len(a.items) != len(b.items) {
			return false
		}
		for i := range a.items {
			if !jsonEqual(a.items[i], b.items[i]) {
				return false
			}
		}
		return true
	default:
		if len(a.keys) != len(b.keys) {
			return false
		}
		members := make(map[string]*jsonValue, len(b.keys))
		for i, k := range b.keys {
			members[k] = b.items[i]
		}
		for i, k := range a.keys {
			if !jsonEqual(a.items[i], members[k]) {
				return false
			}
		}
		return true
	}
}

// jsonBuilder builds Jackson's nodes for Java Avro's parser and counts
// them.
type jsonBuilder struct {
	values int
}

func (b *jsonBuilder) node(v jsonValue) *jsonValue {
	b.values++
	return &v
}

func (b *jsonBuilder) Null() *jsonValue { return b.node(jsonValue{kind: jsonNull}) }

func (b *jsonBuilder) Bool(v bool) *jsonValue {
	return b.node(jsonValue{kind: jsonBool, boolean: v})
}

func (b *jsonBuilder) String(s string) *jsonValue {
	return b.node(jsonValue{kind: jsonString, str: s})
}

// Number makes the node Jackson would create for the literal.
func (b *jsonBuilder) Number(n jsontree.Number) (*jsonValue, error) {
	if n.Decimal {
		// Out of range literals become infinities or zeros, as in Java.
		f, _ := strconv.ParseFloat(n.Literal, 64)
		return b.node(jsonValue{kind: jsonDouble, dbl: f}), nil
	}
	i, err := strconv.ParseInt(n.Literal, 10, 64)
	switch {
	case err != nil:
		return b.node(jsonValue{kind: jsonBigInt, str: n.Literal}), nil
	case i >= math.MinInt32 && i <= math.MaxInt32:
		return b.node(jsonValue{kind: jsonInt, num: i}), nil
	default:
		return b.node(jsonValue{kind: jsonLong, num: i}), nil
	}
}

func (b *jsonBuilder) Array(items []*jsonValue) *jsonValue {
	return b.node(jsonValue{kind: jsonArray, items: items})
}

func (b *jsonBuilder) Object(keys []string, items []*jsonValue, _ map[string]int) *jsonValue {
	return b.node(jsonValue{kind: jsonObject, keys: keys, items: items})
}

// parseJSON parses one JSON document nested at most maxDepth containers deep
// and returns it with the number of values it holds. It reads JSON the way
// Java Avro's Jackson factory is configured: strict JSON, except that /* */
// and // comments are allowed between tokens. Like Java Avro's parser it
// refuses anything but blank characters after the value, comments included.
func parseJSON(src string, maxDepth int) (*jsonValue, int, error) {
	var b jsonBuilder
	root, end, err := jsontree.Parse(src, jsontree.Options{MaxDepth: maxDepth, Comments: true}, &b)
	switch {
	case errors.Is(err, jsontree.ErrNoValue):
		return nil, 0, errors.New("Empty schema")
	case err != nil:
		return nil, 0, err
	}
	rest := strings.TrimFunc(src[end:], func(r rune) bool { return r <= ' ' })
	if rest != "" {
		return nil, 0, fmt.Errorf("Dangling content after end of schema: %s", abbreviate(rest))
	}
	return root, b.values, nil
}

// abbreviate shortens text quoted in an error message.
func abbreviate(s string) string {
	const limit = 200
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
