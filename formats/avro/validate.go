package avro

import (
	"errors"
	"fmt"
	"math"
	"unicode"
)

// strictNameError is Java's NameValidator.STRICT_VALIDATOR, which Confluent
// applies to new schemas: ASCII letters, digits and underscores, not
// starting with a digit. It returns the reason a name is invalid, or "".
func strictNameError(s string) string {
	if s == "" {
		return "Empty name"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
		if i == 0 && !letter {
			return "Illegal initial character: " + s
		}
		if !letter && (c < '0' || c > '9') {
			return "Illegal character in: " + s
		}
	}
	return ""
}

// unicodeNameError is Java's NameValidator.UTF_VALIDATOR, which Confluent
// applies to the names of a stored schema: letters, digits and underscores
// in the Unicode sense, not starting with a digit. Java tests UTF-16 units,
// so a character beyond the Basic Multilingual Plane is never valid.
func unicodeNameError(s string) string {
	if s == "" {
		return "Empty name"
	}
	for i, r := range s {
		letter := r <= 0xFFFF && (unicode.IsLetter(r) || r == '_')
		if i == 0 && !letter {
			return "Illegal initial character: " + s
		}
		if !letter && (r > 0xFFFF || !unicode.IsDigit(r)) {
			return "Illegal character in: " + s
		}
	}
	return ""
}

// validateStoredNames is Confluent's AvroSchemaUtils.validateNames: the names
// of the named types, fields and enum symbols reachable from a stored
// schema, but not namespaces or aliases, must pass the Unicode validator.
func validateStoredNames(n *node, visited map[*node]bool) error {
	if visited[n] {
		return nil
	}
	visited[n] = true
	check := func(s string) error {
		if reason := unicodeNameError(s); reason != "" {
			return errors.New(reason)
		}
		return nil
	}
	if n.isNamed() {
		if err := check(n.name.simple); err != nil {
			return err
		}
	}
	switch n.kind {
	case kindRecord:
		for _, f := range n.fields {
			if err := check(f.name); err != nil {
				return err
			}
			if err := validateStoredNames(f.typ, visited); err != nil {
				return err
			}
		}
	case kindEnum:
		for _, s := range n.symbols {
			if err := check(s); err != nil {
				return err
			}
		}
	case kindArray, kindMap:
		return validateStoredNames(n.items, visited)
	case kindUnion:
		for _, t := range n.types {
			if err := validateStoredNames(t, visited); err != nil {
				return err
			}
		}
	}
	return nil
}

// validateDefault is Java's check of a field's default value, which
// Confluent turns on for new schemas only.
func (p *parser) validateDefault(f *field) error {
	if !p.strict || f.def == nil {
		return nil
	}
	if !p.defaults.valid(f.typ, f.def) {
		if p.defaults.cyclic {
			return fmt.Errorf("Default value of field %s depends on itself through the defaults of record fields", f.name)
		}
		return fmt.Errorf("Invalid default for field %s: %s not a %s", f.name, jsonText(f.def), abbreviate(printResolved(f.typ)))
	}
	return nil
}

// fieldDefaultState is what is known of a field's own default value.
type fieldDefaultState uint8

const (
	defaultUnchecked fieldDefaultState = iota
	defaultChecking
	defaultValid
	defaultInvalid
)

// defaultChecker is Java's Schema.isValidDefault. A record value may leave
// out fields that have a default, whose own validity it then depends on;
// that is remembered per field, which keeps nested records linear and ends
// the cycle of a record whose field defaults to the record itself (where
// Java overflows its stack).
type defaultChecker struct {
	fields map[*field]fieldDefaultState
	cyclic bool
}

// reset forgets what was learnt, for when the types have changed.
func (c *defaultChecker) reset() {
	c.fields = make(map[*field]fieldDefaultState)
	c.cyclic = false
}

// valid reports whether v is a valid default for t, union branches tried in
// turn (Avro 1.12). A name not yet defined stands for a record without
// fields, as Java's placeholder does.
func (c *defaultChecker) valid(t *node, v *jsonValue) bool {
	if v == nil {
		return false
	}
	switch t.kind {
	case kindString, kindBytes, kindEnum, kindFixed:
		return v.kind == jsonString
	case kindInt:
		return v.kind == jsonInt
	case kindLong:
		return v.kind == jsonInt || v.kind == jsonLong
	case kindFloat, kindDouble:
		return v.isNumber()
	case kindBoolean:
		return v.kind == jsonBool
	case kindNull:
		return v.kind == jsonNull
	case kindArray:
		return v.kind == jsonArray && c.allValid(t.items, v.items)
	case kindMap:
		return v.kind == jsonObject && c.allValid(t.items, v.items)
	case kindUnion:
		for _, branch := range t.types {
			if c.valid(branch, v) {
				return true
			}
		}
		return false
	case kindRecord:
		if v.kind != jsonObject {
			return false
		}
		for _, f := range t.fields {
			if value := v.get(f.name); value != nil {
				if !c.valid(f.typ, value) {
					return false
				}
			} else if !c.ownDefaultValid(f) {
				return false
			}
		}
		return true
	case kindUnresolved:
		return v.kind == jsonObject
	}
	return false
}

func (c *defaultChecker) allValid(t *node, values []*jsonValue) bool {
	for _, v := range values {
		if !c.valid(t, v) {
			return false
		}
	}
	return true
}

// ownDefaultValid reports whether field f has a valid default of its own.
func (c *defaultChecker) ownDefaultValid(f *field) bool {
	switch c.fields[f] {
	case defaultValid:
		return true
	case defaultInvalid:
		return false
	case defaultChecking:
		c.cyclic = true
		return false
	}
	c.fields[f] = defaultChecking
	ok := c.valid(f.typ, f.def)
	c.fields[f] = defaultInvalid
	if ok {
		c.fields[f] = defaultValid
	}
	return ok
}

// javaLogicalType is Java's LogicalTypes.fromSchemaIgnoreInvalid, with the
// types Confluent registers ("map" and "variant"): the logical type named by
// the logicalType property if it is known and valid for n, else nil.
func javaLogicalType(n *node) *logicalType {
	ltName, ok := n.prop("logicalType").text()
	if !ok {
		return nil
	}
	// Java's LogicalType.validate refuses these Java-specific properties.
	for _, key := range []string{"avro.java.string", "java-class", "java-key-class", "java-element-class"} {
		if _, ok := n.prop(key).text(); ok {
			return nil
		}
	}
	lt := &logicalType{name: ltName}
	valid := false
	switch ltName {
	case "decimal":
		valid = validDecimal(n, lt)
	case "big-decimal":
		valid = n.kind == kindBytes
	case "duration":
		valid = n.kind == kindFixed && n.size == 12
	case "uuid":
		valid = n.kind == kindString || n.kind == kindFixed && n.size == 16
	case "date", "time-millis":
		valid = n.kind == kindInt
	case "time-micros", "timestamp-millis", "timestamp-micros", "timestamp-nanos",
		"local-timestamp-millis", "local-timestamp-micros", "local-timestamp-nanos":
		valid = n.kind == kindLong
	case "map":
		valid = n.kind == kindArray && n.items.kind == kindRecord && len(n.items.fields) == 2 &&
			n.items.fields[0].name == "key" && n.items.fields[1].name == "value"
	case "variant":
		valid = n.kind == kindRecord && len(n.fields) == 2 &&
			fieldKind(n, "metadata") == kindBytes && fieldKind(n, "value") == kindBytes
	}
	if !valid {
		return nil
	}
	return lt
}

// fieldKind returns the kind of record n's field called name, or
// kindUnresolved when there is none.
func fieldKind(n *node, name string) kind {
	for _, f := range n.fields {
		if f.name == name {
			return f.typ.kind
		}
	}
	return kindUnresolved
}

// validDecimal is Java's LogicalTypes.Decimal check: int precision and
// scale properties, 0 <= scale <= precision, and a precision the bytes or
// fixed type can hold.
func validDecimal(n *node, lt *logicalType) bool {
	precision := n.prop("precision")
	if precision == nil || precision.kind != jsonInt {
		return false
	}
	lt.precision = int(precision.num)
	if scale := n.prop("scale"); scale != nil {
		if scale.kind != jsonInt {
			return false
		}
		lt.scale = int(scale.num)
	}
	var maxPrecision int64
	switch n.kind {
	case kindBytes:
		maxPrecision = math.MaxInt32
	case kindFixed:
		// Java computes 8*size-1 in 32 bits.
		bits := int32(8)*int32(n.size) - 1
		maxPrecision = int64(math.Round(math.Floor(math.Log10(2) * float64(bits))))
	default:
		return false
	}
	return lt.precision > 0 && int64(lt.precision) <= maxPrecision && lt.scale >= 0 && lt.scale <= lt.precision
}

// javaEqual is Java's Schema.equals, which decides whether a named type may
// be defined again: names, properties, fields (but not their docs and
// aliases), symbols and sizes must be equal. A use of a name not yet defined
// only equals itself.
func javaEqual(a, b *node, seen map[[2]*node]bool) bool {
	if a == b {
		return true
	}
	if a.kind != b.kind || a.kind == kindUnresolved || !propsEqual(a.props, b.props) {
		return false
	}
	switch a.kind {
	case kindRecord:
		if a.name.full() != b.name.full() || len(a.fields) != len(b.fields) {
			return false
		}
		pair := [2]*node{a, b}
		if seen[pair] {
			return true
		}
		seen[pair] = true
		for i, fa := range a.fields {
			fb := b.fields[i]
			if fa.name != fb.name || fa.order != fb.order || !jsonEqual(fa.def, fb.def) ||
				!propsEqual(fa.props, fb.props) || !javaEqual(fa.typ, fb.typ, seen) {
				return false
			}
		}
		return true
	case kindEnum:
		if a.name.full() != b.name.full() || len(a.symbols) != len(b.symbols) {
			return false
		}
		for i, s := range a.symbols {
			if s != b.symbols[i] {
				return false
			}
		}
		return true
	case kindFixed:
		return a.name.full() == b.name.full() && a.size == b.size
	case kindArray, kindMap:
		return javaEqual(a.items, b.items, seen)
	case kindUnion:
		if len(a.types) != len(b.types) {
			return false
		}
		for i, t := range a.types {
			if !javaEqual(t, b.types[i], seen) {
				return false
			}
		}
		return true
	}
	return true
}

// propsEqual compares properties as maps.
func propsEqual(a, b []prop) bool {
	if len(a) != len(b) {
		return false
	}
	index := make(map[string]*jsonValue, len(b))
	for _, pb := range b {
		index[pb.key] = pb.value
	}
	for _, pa := range a {
		if !jsonEqual(pa.value, index[pa.key]) {
			return false
		}
	}
	return true
}
