package avro

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	havro "github.com/hamba/avro/v2"
)

// hambaBudgetBase and hambaBudgetPerValue bound the work spent converting
// default values for hamba, which wants a record default with every field
// filled in: filling them from the fields' own defaults grows without
// bound for records whose fields default to records of the same kind. Each
// converted value costs one unit, each byte of a fixed value (which hamba
// allocates) one more. Past the budget, defaults are left out.
const (
	hambaBudgetBase     = 1 << 16
	hambaBudgetPerValue = 4
)

// toHamba builds the hamba/avro form of a parsed schema, with its
// constructors rather than its parser: the schema is already checked the
// way Java checks it, and only needs to be made acceptable to hamba where
// hamba is stricter (names, default values). values is the number of JSON
// values of the texts parsed, which scales the budget for defaults.
func toHamba(root *node, values int) (tree havro.Schema, err error) {
	// hamba is third-party code; whatever it might still panic on becomes
	// an error.
	defer func() {
		if r := recover(); r != nil {
			tree, err = nil, fmt.Errorf("Schema not supported: %v", r)
		}
	}()
	budget := hambaBudgetBase + hambaBudgetPerValue*values
	b := &hambaBuilder{named: make(map[string]havro.NamedSchema), budget: budget}
	tree, err = b.build(root)
	if err != nil {
		return nil, fmt.Errorf("Schema not supported: %w", err)
	}
	return tree, nil
}

type hambaBuilder struct {
	// named holds the named types built, by full name: a name defined
	// twice (alike, as Java requires) is one type for hamba.
	named  map[string]havro.NamedSchema
	budget int
}

func (b *hambaBuilder) build(n *node) (havro.Schema, error) {
	if n.isNamed() {
		if s, ok := b.named[n.name.full()]; ok {
			return havro.NewRefSchema(s), nil
		}
	}
	props := havro.WithProps(hambaProps(n.props))
	switch n.kind {
	case kindNull:
		return havro.NewNullSchema(props), nil
	case kindArray, kindMap:
		items, err := b.build(n.items)
		if err != nil {
			return nil, err
		}
		if n.kind == kindMap {
			return havro.NewMapSchema(items, props), nil
		}
		return havro.NewArraySchema(items, props), nil
	case kindUnion:
		types := make([]havro.Schema, len(n.types))
		for i, t := range n.types {
			var err error
			if types[i], err = b.build(t); err != nil {
				return nil, err
			}
		}
		return havro.NewUnionSchema(types)
	case kindRecord:
		return b.record(n, props)
	case kindEnum:
		symbols := make([]string, len(n.symbols))
		for i, s := range n.symbols {
			symbols[i] = hambaName(s)
		}
		opts := []havro.SchemaOption{props, havro.WithAliases(hambaAliases(n)), havro.WithDoc(n.doc)}
		if n.enumDef != nil {
			opts = append(opts, havro.WithDefault(hambaName(*n.enumDef)))
		}
		enum, err := havro.NewEnumSchema(hambaName(n.name.simple), hambaNamespace(n.name.space), symbols, opts...)
		if err != nil {
			return nil, err
		}
		b.named[n.name.full()] = enum
		return enum, nil
	case kindFixed:
		fixed, err := havro.NewFixedSchema(hambaName(n.name.simple), hambaNamespace(n.name.space), n.size,
			hambaLogical(n), props, havro.WithAliases(hambaAliases(n)))
		if err != nil {
			return nil, err
		}
		b.named[n.name.full()] = fixed
		return fixed, nil
	default:
		return havro.NewPrimitiveSchema(havro.Type(n.kind.String()), hambaLogical(n), props), nil
	}
}

func (b *hambaBuilder) record(n *node, props havro.SchemaOption) (havro.Schema, error) {
	newRecord := havro.NewRecordSchema
	if n.isError {
		newRecord = havro.NewErrorRecordSchema
	}
	// The fields are filled in once the record is known, as a field may
	// refer to the record itself.
	fields := make([]*havro.Field, len(n.fields))
	rec, err := newRecord(hambaName(n.name.simple), hambaNamespace(n.name.space), fields,
		props, havro.WithAliases(hambaAliases(n)), havro.WithDoc(n.doc))
	if err != nil {
		return nil, err
	}
	b.named[n.name.full()] = rec
	for i, f := range n.fields {
		typ, err := b.build(f.typ)
		if err != nil {
			return nil, err
		}
		if fields[i], err = b.field(f, typ); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

// field builds a field. A default hamba refuses (it checks a union default
// against the first branch only, enum defaults against the symbols, bytes
// against U+00FF, and stored schemas' defaults were never checked) is
// replaced by a stand-in value of the field's type: what compatibility
// depends on is that the field has a default.
func (b *hambaBuilder) field(f *field, typ havro.Schema) (*havro.Field, error) {
	aliases := make([]string, len(f.aliases))
	for i, a := range f.aliases {
		aliases[i] = hambaName(a)
	}
	opts := []havro.SchemaOption{
		havro.WithAliases(aliases), havro.WithDoc(f.doc),
		havro.WithOrder(havro.Order(orderNames[f.order])), havro.WithProps(hambaProps(f.props)),
	}
	name := hambaName(f.name)
	if f.def != nil {
		if value, ok := b.value(f.typ, f.def); ok {
			if built, err := havro.NewField(name, typ, append(opts, havro.WithDefault(value))...); err == nil {
				return built, nil
			}
		}
		if value, ok := b.standIn(f.typ, make(map[*node]bool)); ok {
			if built, err := havro.NewField(name, typ, append(opts, havro.WithDefault(value))...); err == nil {
				return built, nil
			}
		}
	}
	return havro.NewField(name, typ, opts...)
}

// spend takes cost from the budget and reports whether it sufficed.
func (b *hambaBuilder) spend(cost int) bool {
	b.budget -= cost
	return b.budget >= 0
}

// value converts default v of type t to the Go value hamba expects, or
// reports that hamba would not take it.
func (b *hambaBuilder) value(t *node, v *jsonValue) (any, bool) {
	if v == nil || !b.spend(1) {
		return nil, false
	}
	switch t.kind {
	case kindNull:
		return nil, v.kind == jsonNull
	case kindBoolean:
		return v.boolean, v.kind == jsonBool
	case kindInt:
		return int(v.num), v.kind == jsonInt
	case kindLong:
		return v.num, v.kind == jsonInt || v.kind == jsonLong
	case kindFloat, kindDouble:
		f, ok := numberValue(v)
		if t.kind == kindFloat {
			return float32(f), ok
		}
		return f, ok
	case kindString:
		return v.str, v.kind == jsonString
	case kindBytes, kindFixed:
		if t.kind == kindFixed && !b.spend(t.size) {
			return nil, false
		}
		return v.str, v.kind == jsonString && latin1(v.str) == v.str
	case kindEnum:
		// hamba looks the symbol up one by one.
		if v.kind != jsonString || !b.spend(len(t.symbols)) {
			return nil, false
		}
		return hambaName(v.str), slices.Contains(t.symbols, v.str)
	case kindUnion:
		return b.value(t.types[0], v)
	case kindArray:
		if v.kind != jsonArray {
			return nil, false
		}
		list := make([]any, len(v.items))
		for i, item := range v.items {
			var ok bool
			if list[i], ok = b.value(t.items, item); !ok {
				return nil, false
			}
		}
		return list, true
	case kindRecord:
		if v.kind != jsonObject {
			return nil, false
		}
		return b.recordValue(t, v)
	case kindMap:
		if v.kind != jsonObject {
			return nil, false
		}
		m := make(map[string]any, len(v.keys))
		for i, k := range v.keys {
			var ok bool
			if m[k], ok = b.value(t.items, v.items[i]); !ok {
				return nil, false
			}
		}
		return m, true
	}
	return nil, false
}

// recordValue converts a record default; hamba wants every field, so the
// ones left out take their own defaults.
func (b *hambaBuilder) recordValue(t *node, v *jsonValue) (any, bool) {
	m := make(map[string]any, len(t.fields))
	for _, f := range t.fields {
		member := v.get(f.name)
		if member == nil {
			member = f.def
		}
		value, ok := b.value(f.typ, member)
		if !ok {
			return nil, false
		}
		m[hambaName(f.name)] = value
	}
	return m, true
}

// standIn returns a value of type t for hamba: the simplest there is, of
// the first branch of a union. Records being built are in visiting, as a
// record that must contain itself has no finite value.
func (b *hambaBuilder) standIn(t *node, visiting map[*node]bool) (any, bool) {
	if !b.spend(1) {
		return nil, false
	}
	switch t.kind {
	case kindBoolean:
		return false, true
	case kindInt:
		return 0, true
	case kindLong:
		return int64(0), true
	case kindFloat:
		return float32(0), true
	case kindDouble:
		return float64(0), true
	case kindString, kindBytes:
		return "", true
	case kindFixed:
		return "", b.spend(t.size)
	case kindEnum:
		return hambaName(t.symbols[0]), true
	case kindArray:
		return []any{}, true
	case kindMap:
		return map[string]any{}, true
	case kindUnion:
		return b.standIn(t.types[0], visiting)
	case kindRecord:
		if visiting[t] {
			return nil, false
		}
		visiting[t] = true
		defer delete(visiting, t)
		m := make(map[string]any, len(t.fields))
		for _, f := range t.fields {
			value, ok := b.standIn(f.typ, visiting)
			if !ok {
				return nil, false
			}
			m[hambaName(f.name)] = value
		}
		return m, true
	}
	return nil, true // null
}

// numberValue is the value of any number node as a double.
func numberValue(v *jsonValue) (float64, bool) {
	switch v.kind {
	case jsonInt, jsonLong:
		return float64(v.num), true
	case jsonDouble:
		return v.dbl, true
	case jsonBigInt:
		f, err := strconv.ParseFloat(v.str, 64)
		return f, err == nil || isRangeError(err)
	}
	return 0, false
}

// hambaProps converts properties to the Go values hamba's own parser
// produces (numbers as float64).
func hambaProps(props []prop) map[string]any {
	if len(props) == 0 {
		return nil
	}
	m := make(map[string]any, len(props))
	for _, pr := range props {
		m[pr.key] = goValue(pr.value)
	}
	return m
}

func goValue(v *jsonValue) any {
	switch v.kind {
	case jsonBool:
		return v.boolean
	case jsonString:
		return v.str
	case jsonArray:
		list := make([]any, len(v.items))
		for i, item := range v.items {
			list[i] = goValue(item)
		}
		return list
	case jsonObject:
		m := make(map[string]any, len(v.keys))
		for i, k := range v.keys {
			m[k] = goValue(v.items[i])
		}
		return m
	case jsonNull:
		return nil
	}
	f, _ := numberValue(v)
	return f
}

// hambaLogical is the hamba logical type of a valid Java logical type that
// hamba knows for the underlying type, or nil.
func hambaLogical(n *node) havro.LogicalSchema {
	lt := n.logical
	if lt == nil {
		return nil
	}
	if lt.name == "decimal" {
		return havro.NewDecimalLogicalSchema(lt.precision, lt.scale)
	}
	underlying := map[string]kind{
		"date": kindInt, "time-millis": kindInt, "time-micros": kindLong,
		"timestamp-millis": kindLong, "timestamp-micros": kindLong,
		"local-timestamp-millis": kindLong, "local-timestamp-micros": kindLong,
		"uuid": kindString, "duration": kindFixed,
	}
	if k, ok := underlying[lt.name]; ok && k == n.kind {
		return havro.NewPrimitiveLogicalSchema(havro.LogicalType(lt.name))
	}
	return nil
}

// hambaAliases returns the full names of a named type's aliases.
func hambaAliases(n *node) []string {
	aliases := make([]string, len(n.aliases))
	for i, a := range n.aliases {
		aliases[i] = hambaName(a.simple)
		if a.space != "" {
			aliases[i] = hambaNamespace(a.space) + "." + aliases[i]
		}
	}
	return aliases
}

// hambaNamespace makes each part of a namespace acceptable to hamba.
func hambaNamespace(space string) string {
	if space == "" {
		return ""
	}
	parts := strings.Split(space, ".")
	for i, part := range parts {
		parts[i] = hambaName(part)
	}
	return strings.Join(parts, ".")
}

// hambaName returns s if hamba accepts it as a name (Java's strict rule),
// else s with each offending character written as _XX_ in hexadecimal and
// a leading underscore if it starts with a digit: stored schemas may use
// names only Java's Unicode rule or no rule at all accepts.
func hambaName(s string) string {
	if strictNameError(s) == "" {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			if i == 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "_%X_", r)
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}
