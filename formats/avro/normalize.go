package avro

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/goschemaregistry/registry/formats/internal/jsontree"
)

// errNotNormalizable is returned for the few schemas Confluent's
// normalization fails on with an exception.
var errNotNormalizable = errors.New("schema cannot be normalized")

// normalizedText is Confluent's AvroSchemaUtils.toNormalizedString: named
// types by full name, properties sorted, field orders spelled out, defaults
// converted to the field's type, error records turned into records. Parsing
// it again gives the normalized schema. known are the full names of the
// referenced schemas, written by name.
func normalizedText(root *node, known []string) (string, error) {
	w := &normalizer{written: make(map[string]bool, len(known))}
	for _, k := range known {
		w.written[k] = true
	}
	if err := w.schema(root); err != nil {
		return "", err
	}
	return w.b.String(), nil
}

type normalizer struct {
	b       strings.Builder
	written map[string]bool
}

func (w *normalizer) schema(n *node) error {
	b := &w.b
	switch n.kind {
	case kindUnion:
		b.WriteByte('[')
		for i, t := range n.types {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := w.schema(t); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	case kindArray, kindMap:
		member := `,"items":`
		if n.kind == kindMap {
			member = `,"values":`
		}
		b.WriteString(`{"type":"` + n.kind.String() + `"` + member)
		if err := w.schema(n.items); err != nil {
			return err
		}
		w.logical(n.logical)
		if err := w.props(n.props); err != nil {
			return err
		}
		b.WriteByte('}')
		return nil
	case kindRecord, kindEnum, kindFixed:
		return w.named(n)
	}
	if n.logical == nil && len(n.props) == 0 {
		b.WriteString(`"` + n.kind.String() + `"`)
		return nil
	}
	b.WriteString(`{"type":"` + n.kind.String() + `"`)
	w.logical(n.logical)
	if err := w.props(n.props); err != nil {
		return err
	}
	b.WriteByte('}')
	return nil
}

func (w *normalizer) named(n *node) error {
	b := &w.b
	full := n.name.full()
	if w.written[full] {
		jsontree.WriteString(b, full)
		return nil
	}
	w.written[full] = true
	b.WriteString(`{"name":`)
	jsontree.WriteString(b, full)
	b.WriteString(`,"type":"` + n.kind.String() + `"`)
	switch n.kind {
	case kindEnum:
		b.WriteString(`,"symbols":`)
		writeStrings(b, n.symbols)
	case kindFixed:
		b.WriteString(`,"size":` + strconv.Itoa(n.size))
	case kindRecord:
		b.WriteString(`,"fields":[`)
		for i, f := range n.fields {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := w.field(f); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	}
	w.logical(n.logical)
	if n.doc != "" {
		b.WriteString(`,"doc":`)
		jsontree.WriteString(b, n.doc)
	}
	if len(n.aliases) > 0 {
		aliases := make([]string, len(n.aliases))
		for i, a := range n.aliases {
			// Java's getAliases() marks an alias without namespace in a
			// type with one by a leading dot.
			aliases[i] = a.full()
			if a.space == "" && n.name.space != "" {
				aliases[i] = "." + a.simple
			}
		}
		b.WriteString(`,"aliases":`)
		writeStrings(b, sortedUTF16(aliases))
	}
	if n.enumDef != nil {
		b.WriteString(`,"default":`)
		jsontree.WriteString(b, *n.enumDef)
	}
	if err := w.props(n.props); err != nil {
		return err
	}
	b.WriteByte('}')
	return nil
}

func (w *normalizer) field(f *field) error {
	b := &w.b
	b.WriteString(`{"name":`)
	jsontree.WriteString(b, f.name)
	b.WriteString(`,"type":`)
	if err := w.schema(f.typ); err != nil {
		return err
	}
	// Java writes the order enum's constant name, in capitals.
	b.WriteString(`,"order":"` + strings.ToUpper(orderNames[f.order]) + `"`)
	if f.hasDoc {
		b.WriteString(`,"doc":`)
		jsontree.WriteString(b, f.doc)
	}
	if len(f.aliases) > 0 {
		b.WriteString(`,"aliases":`)
		writeStrings(b, sortedUTF16(slices.Clone(f.aliases)))
	}
	def, err := javaObject(f.def, f.typ)
	if err != nil {
		return err
	}
	if def != nil {
		b.WriteString(`,"default":`)
		if err := writeJavaObject(b, def); err != nil {
			return err
		}
	}
	if err := w.props(f.props); err != nil {
		return err
	}
	b.WriteByte('}')
	return nil
}

// logical writes a valid logical type's properties first, as Confluent does.
func (w *normalizer) logical(lt *logicalType) {
	if lt == nil {
		return
	}
	w.b.WriteString(`,"logicalType":`)
	jsontree.WriteString(&w.b, lt.name)
	if lt.name == "decimal" {
		w.b.WriteString(`,"precision":` + strconv.Itoa(lt.precision))
		if lt.scale != 0 {
			w.b.WriteString(`,"scale":` + strconv.Itoa(lt.scale))
		}
	}
}

// props writes the properties sorted by name, their values converted as
// Java's getObjectProps() does (which a big integer does not survive).
func (w *normalizer) props(props []prop) error {
	sorted := slices.Clone(props)
	slices.SortFunc(sorted, func(a, b prop) int { return compareUTF16(a.key, b.key) })
	for _, pr := range sorted {
		w.b.WriteByte(',')
		jsontree.WriteString(&w.b, pr.key)
		w.b.WriteByte(':')
		value, err := javaObject(pr.value, nil)
		if err != nil {
			return err
		}
		if err := writeJavaObject(&w.b, value); err != nil {
			return err
		}
	}
	return nil
}

// javaObject is Java Avro's JacksonUtils.toObject(node, schema), which gives
// a default value the Java type of its field (t nil: no schema). It returns
// nil for Java's null, where the value does not fit the type; the
// conversion fails where Java's throws.
func javaObject(v *jsonValue, t *node) (*jsonValue, error) {
	if v == nil {
		return nil, nil
	}
	if v.kind == jsonNull {
		return v, nil
	}
	if t != nil && t.kind == kindUnion {
		for _, branch := range t.types {
			if branch.kind == kindNull {
				continue
			}
			converted, err := javaObject(v, branch)
			if converted != nil || err != nil {
				return converted, err
			}
		}
		return nil, nil
	}
	is := func(kinds ...kind) bool { return t == nil || slices.Contains(kinds, t.kind) }
	switch v.kind {
	case jsonBool:
		return v, nil
	case jsonInt, jsonLong:
		switch {
		case t == nil || t.kind == kindInt || t.kind == kindLong:
			return v, nil
		case t.kind == kindFloat:
			return &jsonValue{kind: jsonFloat, dbl: float64(float32(float64(v.num)))}, nil
		case t.kind == kindDouble:
			return &jsonValue{kind: jsonDouble, dbl: float64(v.num)}, nil
		}
	case jsonDouble:
		switch {
		case is(kindDouble):
			return v, nil
		case t.kind == kindFloat:
			return &jsonValue{kind: jsonFloat, dbl: float64(float32(v.dbl))}, nil
		}
	case jsonString:
		switch {
		case is(kindString, kindEnum):
			return v, nil
		case t.kind == kindBytes || t.kind == kindFixed:
			return &jsonValue{kind: jsonString, str: latin1(v.str)}, nil
		}
	case jsonArray:
		var items *node
		if t != nil && len(v.items) > 0 {
			// Java asks the type for its items only once there is one.
			if t.kind != kindArray {
				return nil, fmt.Errorf("%w: array default for a %s", errNotNormalizable, t.kind)
			}
			items = t.items
		}
		list := &jsonValue{kind: jsonArray, items: make([]*jsonValue, len(v.items))}
		for i, item := range v.items {
			converted, err := javaObject(item, items)
			if err != nil {
				return nil, err
			}
			list.items[i] = converted
		}
		return list, nil
	case jsonObject:
		obj := &jsonValue{kind: jsonObject, keys: v.keys, items: make([]*jsonValue, len(v.items))}
		for i, key := range v.keys {
			member, err := memberType(t, key)
			if err != nil {
				return nil, err
			}
			if obj.items[i], err = javaObject(v.items[i], member); err != nil {
				return nil, err
			}
		}
		return obj, nil
	}
	return nil, nil
}

// memberType is the type of member key of an object value of type t.
func memberType(t *node, key string) (*node, error) {
	switch {
	case t == nil:
		return nil, nil
	case t.kind == kindMap:
		return t.items, nil
	case t.kind == kindRecord:
		for _, f := range t.fields {
			if f.name == key {
				return f.typ, nil
			}
		}
		return nil, fmt.Errorf("%w: default has a member %s that is no field", errNotNormalizable, key)
	}
	return nil, nil
}

// latin1 is what a string becomes through Java's getBytes(ISO_8859_1) and
// back: characters beyond U+00FF turn into question marks.
func latin1(s string) string {
	return strings.Map(func(r rune) rune {
		if r > 0xFF {
			return '?'
		}
		return r
	}, s)
}

// writeJavaObject writes a converted value as Confluent does, object members
// sorted by name; a Java null inside fails, as in Java.
func writeJavaObject(b *strings.Builder, v *jsonValue) error {
	if v == nil {
		return fmt.Errorf("%w: a value has no Java equivalent", errNotNormalizable)
	}
	switch v.kind {
	case jsonArray:
		b.WriteByte('[')
		for i, item := range v.items {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJavaObject(b, item); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case jsonObject:
		order := make([]int, len(v.keys))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(i, j int) int { return compareUTF16(v.keys[i], v.keys[j]) })
		b.WriteByte('{')
		for n, i := range order {
			if n > 0 {
				b.WriteByte(',')
			}
			jsontree.WriteString(b, v.keys[i])
			b.WriteByte(':')
			if err := writeJavaObject(b, v.items[i]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		writeJSON(b, v)
	}
	return nil
}

// sortedUTF16 sorts strings in place as Java's TreeSet does and returns them.
func sortedUTF16(list []string) []string {
	slices.SortFunc(list, compareUTF16)
	return list
}

// compareUTF16 compares strings as Java's String.compareTo does, by UTF-16
// code units, which orders characters beyond U+FFFF before U+E000..U+FFFF.
func compareUTF16(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			ua, ub := utf16Units(ra), utf16Units(rb)
			if ua[0] != ub[0] {
				return int(ua[0]) - int(ub[0])
			}
			return int(ua[1]) - int(ub[1])
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

// utf16Units returns the UTF-16 code units of r, the second 0 for a
// character of the Basic Multilingual Plane.
func utf16Units(r rune) [2]rune {
	if r < 0x10000 {
		return [2]rune{r, 0}
	}
	high, low := utf16.EncodeRune(r)
	return [2]rune{high, low}
}
