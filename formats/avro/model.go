package avro

import "strings"

// kind is the type of a schema node, named as Java's Schema.Type names it.
type kind uint8

const (
	kindNull kind = iota
	kindBoolean
	kindInt
	kindLong
	kindFloat
	kindDouble
	kindBytes
	kindString
	kindRecord
	kindEnum
	kindArray
	kindMap
	kindUnion
	kindFixed
	// kindUnresolved marks a use of a name not yet defined where it is
	// used; it is replaced by the definition once the text is parsed.
	kindUnresolved
)

var kindNames = [...]string{
	kindNull: "null", kindBoolean: "boolean", kindInt: "int", kindLong: "long",
	kindFloat: "float", kindDouble: "double", kindBytes: "bytes", kindString: "string",
	kindRecord: "record", kindEnum: "enum", kindArray: "array", kindMap: "map",
	kindUnion: "union", kindFixed: "fixed",
}

func (k kind) String() string {
	if k == kindUnresolved {
		return "unresolved"
	}
	return kindNames[k]
}

// primitiveKinds are the primitive type names, which are never looked up as
// named types.
var primitiveKinds = map[string]kind{
	"null": kindNull, "boolean": kindBoolean, "int": kindInt, "long": kindLong,
	"float": kindFloat, "double": kindDouble, "bytes": kindBytes, "string": kindString,
}

// isTypeName reports whether name is the name of a schema type, which Java
// never writes as an unqualified reference.
func isTypeName(name string) bool {
	for _, n := range kindNames {
		if n == name {
			return true
		}
	}
	return false
}

// name is a named type's name as Java's Schema.Name keeps it: a simple name
// and a namespace, "" standing for Java's null namespace.
type name struct {
	simple string
	space  string
}

// newName splits a possibly dotted name as Java's Name constructor does: a
// dotted name brings its own namespace, otherwise space applies.
func newName(n, space string) name {
	if dot := strings.LastIndexByte(n, '.'); dot >= 0 {
		space, n = n[:dot], n[dot+1:]
	}
	return name{simple: n, space: space}
}

// full is the namespace-qualified name.
func (n name) full() string {
	if n.space == "" {
		return n.simple
	}
	return n.space + "." + n.simple
}

// qualified is how Java refers to the name from within namespace space:
// simple when the namespace is the same and the name is no type name.
func (n name) qualified(space string) string {
	if n.space != "" && n.space == space && !isTypeName(n.simple) {
		return n.simple
	}
	return n.full()
}

// order is a field's sort order.
type order uint8

const (
	ascending order = iota
	descending
	ignore
)

var orderNames = [...]string{ascending: "ascending", descending: "descending", ignore: "ignore"}

// prop is a custom property: any member that is not a reserved key.
type prop struct {
	key   string
	value *jsonValue
}

// logicalType is a logical type Java Avro recognised and found valid; an
// unknown or invalid one stays a mere property.
type logicalType struct {
	name      string
	precision int // decimal only
	scale     int // decimal only
}

// node is one schema, holding what Java's Schema object holds.
type node struct {
	kind kind

	// Named types.
	name    name
	doc     string
	hasDoc  bool
	aliases []name
	isError bool
	fields  []*field // record
	symbols []string // enum
	enumDef *string  // enum default
	size    int      // fixed
	items   *node    // array items, map values
	types   []*node  // union branches
	props   []prop   // in Java's order
	logical *logicalType

	// ref is the full name a kindUnresolved node stands for.
	ref string
}

// field is a record field.
type field struct {
	name    string
	typ     *node
	doc     string
	hasDoc  bool
	def     *jsonValue // nil when there is no default
	order   order
	aliases []string
	props   []prop
}

// isNamed reports whether n is a record, enum or fixed.
func (n *node) isNamed() bool {
	return n.kind == kindRecord || n.kind == kindEnum || n.kind == kindFixed
}

// fullName is Java's getFullName(): the full name of a named type, else the
// type name; a union's is "union" followed by its branches' names.
func (n *node) fullName() string {
	if n.isNamed() {
		return n.name.full()
	}
	if n.kind != kindUnion {
		return n.kind.String()
	}
	names := make([]string, len(n.types))
	for i, t := range n.types {
		names[i] = t.simpleName()
	}
	return "union[" + strings.Join(names, ", ") + "]"
}

// simpleName is Java's getName(): the simple name of a named type.
func (n *node) simpleName() string {
	if n.isNamed() {
		return n.name.simple
	}
	return n.fullName()
}

// prop returns the value of the custom property key, or nil.
func (n *node) prop(key string) *jsonValue {
	for _, p := range n.props {
		if p.key == key {
			return p.value
		}
	}
	return nil
}
