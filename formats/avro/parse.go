package avro

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Reserved keys: members that are part of a schema's definition and never
// become custom properties (Java's SCHEMA_RESERVED, ENUM_RESERVED and
// FIELD_RESERVED).
var (
	schemaReserved = reservedSet("doc", "fields", "items", "name", "namespace", "size", "symbols", "values", "type", "aliases")
	enumReserved   = reservedSet("doc", "fields", "items", "name", "namespace", "size", "symbols", "values", "type", "aliases", "default")
	fieldReserved  = reservedSet("default", "doc", "name", "order", "type", "aliases")
)

func reservedSet(keys ...string) map[string]bool {
	set := make(map[string]bool, len(keys))
	for _, k := range keys {
		set[k] = true
	}
	return set
}

// maxFixedSize is the largest fixed size Java accepts (its array size limit).
const maxFixedSize = math.MaxInt32 - 8

// parser parses schema texts into one set of named types, as Java's
// Schema.Parser does when Confluent feeds it the referenced schemas and then
// the schema itself: names defined by one text are usable in the next.
type parser struct {
	limits Limits
	// strict is Confluent's validateAsNew: names are checked with Java's
	// strict validator and default values are checked. Otherwise nothing is
	// checked while parsing, and names of the last text are checked with
	// the Unicode validator afterwards.
	strict bool
	// known maps full names to their first definition.
	known map[string]*node
	// done holds the named types of texts already parsed and checked.
	done map[*node]bool
	// count is the number of named types, fields and enum symbols so far.
	count int
	// values is the number of JSON values in the texts so far.
	values int
	// defaults checks default values.
	defaults defaultChecker
}

func newParser(limits Limits, strict bool) *parser {
	return &parser{limits: limits, strict: strict, known: make(map[string]*node), done: make(map[*node]bool)}
}

// parseText parses one schema text and checks it once all the names it
// uses are known, as Java's ParseContext resolves and rebuilds the schemas.
func (p *parser) parseText(text string) (*node, error) {
	if len(text) > p.limits.MaxSchemaBytes {
		return nil, fmt.Errorf("Schema is %d bytes long, more than the limit of %d", len(text), p.limits.MaxSchemaBytes)
	}
	doc, values, err := parseJSON(text, p.limits.MaxDepth)
	if err != nil {
		return nil, err
	}
	p.values += values
	p.defaults.reset()
	root, err := p.parseSchema(doc, "")
	if err != nil {
		return nil, err
	}
	resolving := make(map[*node]bool)
	if root, err = p.resolve(root, resolving); err != nil {
		return nil, err
	}
	p.defaults.reset()
	if err := p.check(root, make(map[*node]bool)); err != nil {
		return nil, err
	}
	for n := range resolving {
		p.done[n] = true
	}
	if root.isNamed() {
		root = p.known[root.name.full()]
	}
	return root, nil
}

// countNames counts n more named types, fields or enum symbols against the
// limit.
func (p *parser) countNames(n int) error {
	p.count += n
	if p.count > p.limits.MaxNames {
		return fmt.Errorf("Schema defines more than %d named types, fields and enum symbols", p.limits.MaxNames)
	}
	return nil
}

// parseSchema is Java's Schema.parse(JsonNode, ParseContext, namespace).
func (p *parser) parseSchema(v *jsonValue, space string) (*node, error) {
	switch v.kind {
	case jsonString:
		return p.find(v.str, space), nil
	case jsonArray:
		return p.parseUnion(v, space)
	case jsonObject:
	default:
		return nil, fmt.Errorf("Not a schema: %s", jsonText(v))
	}
	typ, ok := v.get("type").text()
	if !ok {
		return nil, fmt.Errorf("No type: %s", jsonText(v))
	}
	if k, ok := primitiveKinds[typ]; ok {
		n := &node{kind: k, props: properties(v, schemaReserved)}
		n.logical = javaLogicalType(n)
		return n, nil
	}
	switch typ {
	case "record", "error":
		return p.parseRecord(v, space, typ == "error")
	case "enum":
		return p.parseEnum(v, space)
	case "fixed":
		return p.parseFixed(v, space)
	case "array", "map":
		return p.parseContainer(v, space, typ)
	default:
		// Java Avro 1.12.1 reads {"type":"Name"} as a use of the named type,
		// ignoring other members; later versions refuse it. Accepting it
		// keeps schemas registered with either version readable.
		return p.find(typ, space), nil
	}
}

// find is Java's ParseContext.find: a primitive, else the named type called
// so within namespace space, else the one called so without namespace. A
// name not defined yet may be defined later in the same text; it is then
// looked up by its full name only.
func (p *parser) find(ref, space string) *node {
	if k, ok := primitiveKinds[ref]; ok {
		return &node{kind: k}
	}
	full := ref
	if space != "" && !strings.Contains(ref, ".") {
		full = space + "." + ref
	}
	if n := p.known[full]; n != nil {
		return n
	}
	if n := p.known[ref]; n != nil {
		return n
	}
	return &node{kind: kindUnresolved, ref: full}
}

// parseNamed reads what records, enums and fixed types share: their name in
// the enclosing namespace, and their doc.
func (p *parser) parseNamed(v *jsonValue, k kind, space string) (*node, error) {
	if ns, ok := v.get("namespace").text(); ok {
		space = ns
	}
	simple, ok := v.get("name").text()
	if !ok {
		return nil, fmt.Errorf("No name in schema: %s", jsonText(v))
	}
	n := &node{kind: k, name: newName(simple, space)}
	if err := p.validateName(n.name.simple); err != nil {
		return nil, err
	}
	if _, ok := primitiveKinds[n.name.full()]; ok {
		return nil, fmt.Errorf("Schemas may not be named after primitives: %s", n.name.full())
	}
	n.doc, n.hasDoc = v.get("doc").text()
	return n, p.countNames(1)
}

// finishNamed reads the properties and aliases of a named type and defines
// it.
func (p *parser) finishNamed(v *jsonValue, n *node, reserved map[string]bool) error {
	n.props = properties(v, reserved)
	n.logical = javaLogicalType(n)
	aliases, err := parseAliases(v)
	if err != nil {
		return err
	}
	seen := make(map[string]bool, len(aliases))
	for _, a := range aliases {
		alias := newName(a, n.name.space)
		if err := p.validateName(alias.simple); err != nil {
			return err
		}
		if !seen[alias.full()] {
			seen[alias.full()] = true
			n.aliases = append(n.aliases, alias)
		}
	}
	return p.define(n)
}

func (p *parser) parseRecord(v *jsonValue, space string, isError bool) (*node, error) {
	n, err := p.parseNamed(v, kindRecord, space)
	if err != nil {
		return nil, err
	}
	n.isError = isError
	fieldsValue := v.get("fields")
	if fieldsValue == nil || fieldsValue.kind != jsonArray {
		return nil, fmt.Errorf("Record %s has no fields array", n.name.full())
	}
	if err := p.countNames(len(fieldsValue.items)); err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(fieldsValue.items))
	for _, fv := range fieldsValue.items {
		f, err := p.parseField(fv, n.name.space)
		if err != nil {
			return nil, err
		}
		if seen[f.name] {
			return nil, fmt.Errorf("Duplicate field %s in record %s", f.name, n.name.full())
		}
		seen[f.name] = true
		n.fields = append(n.fields, f)
	}
	return n, p.finishNamed(v, n, schemaReserved)
}

func (p *parser) parseField(v *jsonValue, space string) (*field, error) {
	fieldName, ok := v.get("name").text()
	if !ok {
		return nil, fmt.Errorf("No field name: %s", jsonText(v))
	}
	typeValue := v.get("type")
	if typeValue == nil {
		return nil, fmt.Errorf("No type for field %s: %s", fieldName, jsonText(v))
	}
	typ, err := p.parseSchema(typeValue, space)
	if err != nil {
		return nil, err
	}
	f := &field{name: fieldName, typ: typ, def: v.get("default"), props: properties(v, fieldReserved)}
	f.doc, f.hasDoc = v.get("doc").text()
	if o := v.get("order"); o != nil {
		text, _ := o.text()
		switch strings.ToUpper(text) {
		case "ASCENDING":
		case "DESCENDING":
			f.order = descending
		case "IGNORE":
			f.order = ignore
		default:
			return nil, fmt.Errorf("Invalid order %s for field %s: must be ascending, descending or ignore", jsonText(o), fieldName)
		}
	}
	// Java turns a string default of a float or double field into a double.
	if f.def != nil && f.def.kind == jsonString && (typ.kind == kindFloat || typ.kind == kindDouble) {
		d, ok := parseJavaDouble(f.def.str)
		if !ok {
			return nil, fmt.Errorf("Invalid default for field %s: %s is not a number", fieldName, jsonText(f.def))
		}
		f.def = &jsonValue{kind: jsonDouble, dbl: d}
	}
	if err := p.validateName(fieldName); err != nil {
		return nil, err
	}
	// Java checks the default as soon as the field is built, when names
	// defined further on still stand for empty records; see check for the
	// second look once they are known.
	if err := p.validateDefault(f); err != nil {
		return nil, err
	}
	aliases, err := parseAliases(v)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(aliases))
	for _, a := range aliases {
		if !seen[a] {
			seen[a] = true
			f.aliases = append(f.aliases, a)
		}
	}
	return f, nil
}

func (p *parser) parseEnum(v *jsonValue, space string) (*node, error) {
	n, err := p.parseNamed(v, kindEnum, space)
	if err != nil {
		return nil, err
	}
	symbolsValue := v.get("symbols")
	if symbolsValue == nil || symbolsValue.kind != jsonArray {
		return nil, fmt.Errorf("Enum %s has no symbols array", n.name.full())
	}
	// hamba/avro cannot represent an enum without symbols, which Java
	// accepts; such a schema is refused rather than half supported.
	if len(symbolsValue.items) == 0 {
		return nil, fmt.Errorf("Enum %s has no symbols", n.name.full())
	}
	if err := p.countNames(len(symbolsValue.items)); err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(symbolsValue.items))
	for _, sv := range symbolsValue.items {
		symbol, ok := sv.text()
		if !ok {
			return nil, fmt.Errorf("Enum %s has a symbol that is not a string: %s", n.name.full(), jsonText(sv))
		}
		if err := p.validateName(symbol); err != nil {
			return nil, err
		}
		if seen[symbol] {
			return nil, fmt.Errorf("Duplicate enum symbol: %s", symbol)
		}
		seen[symbol] = true
		n.symbols = append(n.symbols, symbol)
	}
	if def, ok := v.get("default").text(); ok {
		if !seen[def] {
			return nil, fmt.Errorf("The default %s of enum %s is not one of its symbols", def, n.name.full())
		}
		n.enumDef = &def
	}
	return n, p.finishNamed(v, n, enumReserved)
}

func (p *parser) parseFixed(v *jsonValue, space string) (*node, error) {
	n, err := p.parseNamed(v, kindFixed, space)
	if err != nil {
		return nil, err
	}
	size := v.get("size")
	if size == nil || size.kind != jsonInt {
		return nil, fmt.Errorf("Fixed %s has an invalid or no size: %s", n.name.full(), jsonText(v))
	}
	if size.num < 0 || size.num > maxFixedSize {
		return nil, fmt.Errorf("Fixed %s has a size out of range: %d", n.name.full(), size.num)
	}
	n.size = int(size.num)
	return n, p.finishNamed(v, n, schemaReserved)
}

// parseContainer parses an array or a map.
func (p *parser) parseContainer(v *jsonValue, space, typ string) (*node, error) {
	n := &node{kind: kindArray}
	member, label := "items", "Array"
	if typ == "map" {
		n.kind, member, label = kindMap, "values", "Map"
	}
	itemsValue := v.get(member)
	if itemsValue == nil {
		return nil, fmt.Errorf("%s has no %s type: %s", label, member, jsonText(v))
	}
	items, err := p.parseSchema(itemsValue, space)
	if err != nil {
		return nil, err
	}
	n.items = items
	n.props = properties(v, schemaReserved)
	n.logical = javaLogicalType(n)
	return n, nil
}

func (p *parser) parseUnion(v *jsonValue, space string) (*node, error) {
	n := &node{kind: kindUnion, types: make([]*node, len(v.items))}
	for i, item := range v.items {
		t, err := p.parseSchema(item, space)
		if err != nil {
			return nil, err
		}
		n.types[i] = t
	}
	return n, nil
}

// properties returns the members of v that are not reserved, in order.
func properties(v *jsonValue, reserved map[string]bool) []prop {
	var props []prop
	for i, k := range v.keys {
		if !reserved[k] {
			props = append(props, prop{key: k, value: v.items[i]})
		}
	}
	return props
}

// parseAliases reads an "aliases" member: an array of strings.
func parseAliases(v *jsonValue) ([]string, error) {
	aliasesValue := v.get("aliases")
	if aliasesValue == nil {
		return nil, nil
	}
	if aliasesValue.kind != jsonArray {
		return nil, fmt.Errorf("Aliases not an array: %s", jsonText(v))
	}
	aliases := make([]string, len(aliasesValue.items))
	for i, a := range aliasesValue.items {
		text, ok := a.text()
		if !ok {
			return nil, fmt.Errorf("Alias not a string: %s", jsonText(a))
		}
		aliases[i] = text
	}
	return aliases, nil
}

// define is Java's ParseContext.put: it checks the namespace of a named type
// and records it, unless a type of that name exists, which it must then
// equal.
func (p *parser) define(n *node) error {
	full := n.name.full()
	if p.strict && n.name.space != "" {
		for _, part := range strings.Split(n.name.space, ".") {
			if reason := strictNameError(part); reason != "" {
				return fmt.Errorf("Namespace part %q is invalid: %s", part, reason)
			}
		}
	}
	if prev := p.known[full]; prev != nil {
		if !javaEqual(prev, n, make(map[[2]*node]bool)) {
			return fmt.Errorf("Can't redefine: %s", full)
		}
		return nil
	}
	p.known[full] = n
	return nil
}

// validateName checks a simple name the way the parser is set to.
func (p *parser) validateName(s string) error {
	if !p.strict {
		return nil
	}
	if reason := strictNameError(s); reason != "" {
		return errors.New(reason)
	}
	return nil
}

// resolve replaces the uses of names defined later in the text by their
// definitions, as Java's SchemaResolver does once a text is parsed, and
// returns n or its replacement. Named types are entered once.
func (p *parser) resolve(n *node, visited map[*node]bool) (*node, error) {
	if n.kind == kindUnresolved {
		target := p.known[n.ref]
		if target == nil {
			return nil, fmt.Errorf("Undefined schema: %s", n.ref)
		}
		return target, nil
	}
	if n.isNamed() {
		if visited[n] || p.done[n] {
			return n, nil
		}
		visited[n] = true
	}
	var err error
	switch n.kind {
	case kindRecord:
		for _, f := range n.fields {
			if f.typ, err = p.resolve(f.typ, visited); err != nil {
				return nil, err
			}
		}
	case kindArray, kindMap:
		if n.items, err = p.resolve(n.items, visited); err != nil {
			return nil, err
		}
	case kindUnion:
		for i, t := range n.types {
			if n.types[i], err = p.resolve(t, visited); err != nil {
				return nil, err
			}
		}
	}
	return n, nil
}

// check applies what Java checks when it rebuilds the resolved schemas: the
// union rules, the field defaults again, and the properties of records,
// arrays and maps, whose logical type property moves first.
func (p *parser) check(n *node, visited map[*node]bool) error {
	if visited[n] || p.done[n] {
		return nil
	}
	visited[n] = true
	if n.kind == kindRecord || n.kind == kindArray || n.kind == kindMap {
		if err := checkRebuiltProps(n); err != nil {
			return err
		}
	}
	switch n.kind {
	case kindRecord:
		for _, f := range n.fields {
			if err := p.validateDefault(f); err != nil {
				return err
			}
			if err := p.check(f.typ, visited); err != nil {
				return err
			}
		}
	case kindArray, kindMap:
		return p.check(n.items, visited)
	case kindUnion:
		seen := make(map[string]bool, len(n.types))
		for _, t := range n.types {
			if t.kind == kindUnion {
				return fmt.Errorf("Nested union: %s", abbreviate(printResolved(n)))
			}
			typeName := t.fullName()
			if seen[typeName] {
				return fmt.Errorf("Duplicate in union: %s", typeName)
			}
			seen[typeName] = true
			if err := p.check(t, visited); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkRebuiltProps applies what Java's copy of the properties of a rebuilt
// record, array or map does: a valid logical type's property comes first,
// and a property holding an integer beyond 64 bits fails, as Java cannot
// copy it.
func checkRebuiltProps(n *node) error {
	for _, pr := range n.props {
		if containsBigInt(pr.value) {
			return fmt.Errorf("Property %q (of %s) holds an integer beyond 64 bits, which Avro fails to copy", pr.key, n.kind)
		}
	}
	if n.logical == nil {
		return nil
	}
	for i, pr := range n.props {
		if pr.key == "logicalType" {
			copy(n.props[1:i+1], n.props[:i])
			n.props[0] = pr
			break
		}
	}
	return nil
}

func containsBigInt(v *jsonValue) bool {
	if v.kind == jsonBigInt {
		return true
	}
	for _, item := range v.items {
		if containsBigInt(item) {
			return true
		}
	}
	return false
}
