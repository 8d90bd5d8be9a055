package jsonschema

import (
	"errors"
	"strconv"
	"strings"

	"github.com/goschemaregistry/registry/formats/internal/jsontree"
)

// kind is the kind of a JSON value.
type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// value is a parsed JSON value as Jackson's tree model holds it in
// Confluent's object mapper: object members keep their order (a duplicate
// name keeps the place of its first occurrence and the last value), and a
// number keeps the text Jackson writes for it.
type value struct {
	kind kind
	// boolean is the value of a bool.
	boolean bool
	// text is the value of a string, or the canonical text of a number.
	text string
	// integer tells an integer literal from a decimal one.
	integer bool
	// items are the elements of an array or the member values of an object.
	items []*value
	// keys are the member names of an object, parallel to items.
	keys []string
	// index maps member names to positions in objects of many members.
	index map[string]int
}

// get returns the member of an object called key, or nil.
func (v *value) get(key string) *value {
	if v == nil || v.kind != kindObject {
		return nil
	}
	if v.index != nil {
		if i, ok := v.index[key]; ok {
			return v.items[i]
		}
		return nil
	}
	for i, k := range v.keys {
		if k == key {
			return v.items[i]
		}
	}
	return nil
}

// str returns the value of a string member of an object, and whether there
// is one.
func (v *value) str(key string) (string, bool) {
	m := v.get(key)
	if m == nil || m.kind != kindString {
		return "", false
	}
	return m.text, true
}

// has reports whether an object has a member called key.
func (v *value) has(key string) bool { return v.get(key) != nil }

// nodeType names the kind of v as Jackson's JsonNodeType does, for errors;
// no value at all is MISSING.
func (v *value) nodeType() string {
	if v == nil {
		return "MISSING"
	}
	switch v.kind {
	case kindNull:
		return "NULL"
	case kindBool:
		return "BOOLEAN"
	case kindNumber:
		return "NUMBER"
	case kindString:
		return "STRING"
	case kindArray:
		return "ARRAY"
	}
	return "OBJECT"
}

// jsonBuilder builds the tree Confluent's object mapper reads.
type jsonBuilder struct{}

func (jsonBuilder) Null() *value { return &value{kind: kindNull} }

func (jsonBuilder) Bool(v bool) *value { return &value{kind: kindBool, boolean: v} }

func (jsonBuilder) String(s string) *value { return &value{kind: kindString, text: s} }

// Number keeps the text Jackson writes for the literal: an integer as its
// value, a decimal as Java's BigDecimal.toString of the literal (Confluent's
// mapper reads decimals as exact BigDecimals).
func (jsonBuilder) Number(n jsontree.Number) (*value, error) {
	if !n.Decimal {
		if n.Int == "0" {
			return &value{kind: kindNumber, text: "0", integer: true}, nil
		}
		return &value{kind: kindNumber, text: n.Literal, integer: true}, nil
	}
	text, err := bigDecimalString(n.Negative, n.Int, n.Frac, n.Exp)
	if err != nil {
		return nil, err
	}
	return &value{kind: kindNumber, text: text}, nil
}

func (jsonBuilder) Array(items []*value) *value { return &value{kind: kindArray, items: items} }

func (jsonBuilder) Object(keys []string, items []*value, index map[string]int) *value {
	return &value{kind: kindObject, keys: keys, items: items, index: index}
}

// parseJSON parses the first JSON value of src, nested at most maxDepth
// containers deep, as Confluent's Jackson object mapper does: strict JSON,
// except that NaN and the infinities are accepted as numbers (and kept as
// the strings Jackson writes back for them). Like Jackson's
// ObjectMapper.readTree, it ignores whatever follows that value, and
// returns nil (Jackson's MissingNode) when there is none.
func parseJSON(src string, maxDepth int) (*value, error) {
	opts := jsontree.Options{MaxDepth: maxDepth, NonNumericNumbers: true}
	v, _, err := jsontree.Parse[*value](src, opts, jsonBuilder{})
	if errors.Is(err, jsontree.ErrNoValue) {
		return nil, nil
	}
	return v, err
}

// bigDecimalString returns Java's BigDecimal.toString of the decimal
// literal with the given sign, integer digits, fraction digits and
// exponent: the unscaled digits without leading zeros, in plain notation
// when the scale is positive and the adjusted exponent at least -6, in
// scientific notation otherwise.
func bigDecimalString(negative bool, intDigits, fracDigits, exp string) (string, error) {
	e := int64(0)
	if exp != "" {
		var err error
		e, err = strconv.ParseInt(exp, 10, 64)
		if err != nil || e > 1<<31 || e < -(1<<31) {
			return "", errors.New("exponent out of range")
		}
	}
	scale := int64(len(fracDigits)) - e
	if scale > 1<<31-1 || scale < -(1<<31) {
		return "", errors.New("scale out of range")
	}
	coeff := strings.TrimLeft(intDigits+fracDigits, "0")
	if coeff == "" {
		coeff = "0"
		negative = false
	}
	var b strings.Builder
	if negative {
		b.WriteByte('-')
	}
	adjusted := -scale + int64(len(coeff)-1)
	switch {
	case scale == 0:
		b.WriteString(coeff)
	case scale > 0 && adjusted >= -6:
		if pad := scale - int64(len(coeff)); pad >= 0 {
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", int(pad)))
			b.WriteString(coeff)
		} else {
			point := int64(len(coeff)) - scale
			b.WriteString(coeff[:point])
			b.WriteByte('.')
			b.WriteString(coeff[point:])
		}
	default:
		b.WriteByte(coeff[0])
		if len(coeff) > 1 {
			b.WriteByte('.')
			b.WriteString(coeff[1:])
		}
		b.WriteByte('E')
		if adjusted > 0 {
			b.WriteByte('+')
		}
		b.WriteString(strconv.FormatInt(adjusted, 10))
	}
	return b.String(), nil
}
