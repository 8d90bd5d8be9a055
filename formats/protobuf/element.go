package protobuf

// The element tree is the file as Confluent holds it: the declarations of a
// .proto file as Square Wire's parser reads them (ProtoFileElement and its
// parts), without comments. Names and types are kept as written; nothing is
// resolved. Confluent prints its canonical and normalized texts from this
// tree, so the tree keeps what the printer needs and nothing more.

// Field labels as written; "" when a field has none.
const (
	labelOptional = "optional"
	labelRequired = "required"
	labelRepeated = "repeated"
)

// Syntax values; "" when a file declares none.
const (
	syntaxProto2 = "proto2"
	syntaxProto3 = "proto3"
)

// maxTag is the largest field number, written "max" in ranges.
const maxTag = 1<<29 - 1

type fileElement struct {
	packageName   string // "" when none
	syntax        string
	imports       []string
	publicImports []string
	weakImports   []string
	types         []typeElement
	services      []*serviceElement
	extends       []*extendElement
	options       []*option
}

// typeElement is a *messageElement or an *enumElement.
type typeElement interface {
	typeName() string
	nested() []typeElement
}

type messageElement struct {
	name       string
	nestedList []typeElement
	options    []*option
	reserveds  []*reservedElement
	fields     []*fieldElement
	oneOfs     []*oneOfElement
	extensions []*extensionsElement
	groups     []*groupElement
	extends    []*extendElement
}

func (m *messageElement) typeName() string      { return m.name }
func (m *messageElement) nested() []typeElement { return m.nestedList }

type enumElement struct {
	name      string
	options   []*option
	constants []*enumConstantElement
	reserveds []*reservedElement
}

func (e *enumElement) typeName() string      { return e.name }
func (e *enumElement) nested() []typeElement { return nil }

type enumConstantElement struct {
	name    string
	tag     int32
	options []*option
}

type fieldElement struct {
	label        string
	typ          string
	name         string
	defaultValue *string
	jsonName     *string
	tag          int32
	options      []*option
}

type oneOfElement struct {
	name    string
	fields  []*fieldElement
	groups  []*groupElement
	options []*option
}

type groupElement struct {
	label  string
	name   string
	tag    int32
	fields []*fieldElement
}

type extendElement struct {
	name   string
	fields []*fieldElement
}

// tagRange is an inclusive range of numbers, Kotlin's IntRange.
type tagRange struct{ start, end int32 }

// reservedElement holds reserved names (string), numbers (int32) and
// ranges (tagRange).
type reservedElement struct {
	values []any
}

// extensionsElement holds extension numbers (int32) and ranges (tagRange).
type extensionsElement struct {
	values  []any
	options []*option
}

type serviceElement struct {
	name    string
	rpcs    []*rpcElement
	options []*option
}

type rpcElement struct {
	name              string
	requestType       string
	responseType      string
	requestStreaming  bool
	responseStreaming bool
	options           []*option
}

// optionKind is Wire's OptionElement.Kind.
type optionKind int

const (
	kindString optionKind = iota
	kindBoolean
	kindNumber
	kindEnum
	kindMap
	kindList
	kindOption
)

// option is an option as written: `(name).sub = value` or `name = value`.
// Its value depends on its kind: a string for the string, boolean, number
// and enum kinds (the text as written, a string unescaped), an *option for
// kindOption (the `.sub` part), an *optionMap for kindMap and a []any for
// kindList.
type option struct {
	name          string
	kind          optionKind
	value         any
	parenthesized bool
}

// primitive is a boolean, number or enum value inside an option map or
// list, Wire's OptionPrimitive. Strings inside maps and lists are plain Go
// strings; maps are *optionMap and lists []any.
type primitive struct {
	kind  optionKind
	value string
}

// optionMap is an option message value: keys in insertion order, as in
// Kotlin's LinkedHashMap.
type optionMap struct {
	keys   []string
	values map[string]any
}

func newOptionMap() *optionMap { return &optionMap{values: make(map[string]any)} }

func (m *optionMap) get(key string) (any, bool) {
	v, ok := m.values[key]
	return v, ok
}

// put sets key, keeping its place when it is already there.
func (m *optionMap) put(key string, value any) {
	if _, ok := m.values[key]; !ok {
		m.keys = append(m.keys, key)
	}
	m.values[key] = value
}

func (m *optionMap) len() int { return len(m.keys) }

func (m *optionMap) clone() *optionMap {
	c := &optionMap{keys: append([]string(nil), m.keys...), values: make(map[string]any, len(m.values))}
	for k, v := range m.values {
		c.values[k] = v
	}
	return c
}

// valuesEqual compares option values as Java's equals does on the values
// Wire builds (strings, primitives, maps, lists, options).
func valuesEqual(a, b any) bool {
	switch a := a.(type) {
	case string:
		b, ok := b.(string)
		return ok && a == b
	case primitive:
		b, ok := b.(primitive)
		return ok && a == b
	case *optionMap:
		b, ok := b.(*optionMap)
		if !ok || a.len() != b.len() {
			return false
		}
		for _, k := range a.keys {
			bv, ok := b.values[k]
			if !ok || !valuesEqual(a.values[k], bv) {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !valuesEqual(a[i], b[i]) {
				return false
			}
		}
		return true
	case *option:
		b, ok := b.(*option)
		return ok && a.name == b.name && a.kind == b.kind && a.parenthesized == b.parenthesized && valuesEqual(a.value, b.value)
	}
	return false
}
