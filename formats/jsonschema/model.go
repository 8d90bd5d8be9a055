package jsonschema

import (
	"regexp"
	"strconv"
)

// NodeKind is the kind of a Node: the class of the object Confluent's
// validator library (Everit's org.everit.json.schema) builds for a schema.
type NodeKind uint8

// The kinds of Node.
const (
	// EmptyNode is a schema that accepts everything, such as {} (Everit's
	// EmptySchema).
	EmptyNode NodeKind = iota
	// TrueNode is the boolean schema true, a kind of EmptyNode for the rules.
	TrueNode
	// FalseNode is the boolean schema false.
	FalseNode
	// BooleanNode is {"type":"boolean"}.
	BooleanNode
	// NullNode is {"type":"null"}.
	NullNode
	// StringNode is a string type or string keywords.
	StringNode
	// NumberNode is a number or integer type or number keywords.
	NumberNode
	// ObjectNode is an object type or object keywords.
	ObjectNode
	// ArrayNode is an array type or array keywords.
	ArrayNode
	// EnumNode is the enum keyword.
	EnumNode
	// ConstNode is the const keyword.
	ConstNode
	// CombinedNode is allOf, anyOf or oneOf, also made up for a list of
	// types or for keywords of several types in one schema.
	CombinedNode
	// NotNode is the not keyword.
	NotNode
	// ReferenceNode is a $ref.
	ReferenceNode
	// ConditionalNode is if, then and else.
	ConditionalNode
)

// Criterion is how a CombinedNode combines its subschemas; its text is the
// keyword, as in Confluent's messages.
type Criterion string

// The criteria of CombinedNode.
const (
	AllOf Criterion = "allOf"
	AnyOf Criterion = "anyOf"
	OneOf Criterion = "oneOf"
)

// Node is one schema of a parsed JSON Schema, modelled as Confluent Schema
// Registry sees it when checking compatibility: drafts 4 to 7 as Everit's
// SchemaLoader builds them, drafts 2019-09 and 2020-12 as Confluent's
// SchemaTranslator turns json-sKema's model into Everit's. Besides the
// annotations, only the fields of its Kind are set. Nodes are shared: every $ref to one place leads to
// the same Node, so recursive schemas form cycles. A Node is never
// modified after parsing.
type Node struct {
	Kind NodeKind

	// Annotations, for every kind; nil when absent.
	ID, Title, Description *string
	// Default is the default value; nil when there is none.
	Default *Literal
	// ConnectType is the value of the connect.type property, "" when absent.
	ConnectType string

	// StringNode.
	MinLength, MaxLength *int64
	Pattern              *string

	// NumberNode.
	Minimum, Maximum                   *Number
	ExclusiveMinimum, ExclusiveMaximum *Number
	MultipleOf                         *Number
	// Integer is set for the integer type.
	Integer bool

	// ObjectNode.
	Properties []Property
	Required   []string
	// NoAdditionalProperties is additionalProperties: false.
	NoAdditionalProperties bool
	// AdditionalProperties is the schema of additionalProperties, nil when
	// it is absent or a boolean.
	AdditionalProperties         *Node
	PatternProperties            []PatternProperty
	PropertyDependencies         []PropertyDependency
	SchemaDependencies           []SchemaDependency
	MinProperties, MaxProperties *int64
	// UnevaluatedProperties is set for drafts 2019-09 and 2020-12 only.
	UnevaluatedProperties *Node

	// ArrayNode. Items is the schema of every item, PrefixItems the schemas
	// of the first items (a draft 4 to 7 items array).
	Items       *Node
	PrefixItems []*Node
	// NoAdditionalItems is additionalItems: false (items: false in 2020-12).
	NoAdditionalItems bool
	// AdditionalItems is the schema of items after PrefixItems.
	AdditionalItems    *Node
	MinItems, MaxItems *int64
	UniqueItems        bool
	MinContains        *Number
	MaxContains        *Number
	UnevaluatedItems   *Node
	// EnumNode: the values, in order.
	Enum []Literal
	// ConstNode.
	Const Literal

	// CombinedNode.
	Criterion  Criterion
	Subschemas []*Node

	// NotNode.
	Not *Node

	// ReferenceNode. Target is the schema referred to, nil when it could
	// not be resolved (only in schemas parsed with ParseStored).
	Ref    string
	Target *Node

	// generated marks the allOf and anyOf Confluent's translation of
	// json-sKema's model makes up, which later keywords may join.
	generated bool
}

// Property is a member of properties.
type Property struct {
	Name   string
	Schema *Node
}

// PatternProperty is a member of patternProperties.
type PatternProperty struct {
	Pattern string
	Schema  *Node
	// re is the compiled pattern, nil when only Java compiles it.
	re *regexp.Regexp
}

// Matches reports whether the pattern matches somewhere in name, as Java's
// Matcher.find does. A pattern only Java compiles (with lookaround, for
// instance) matches nothing.
func (p PatternProperty) Matches(name string) bool {
	return p.re != nil && p.re.MatchString(name)
}

// PropertyDependency says that when Property is present, the properties
// Requires must be too.
type PropertyDependency struct {
	Property string
	Requires []string
}

// SchemaDependency says that when Property is present, the object must
// match Schema.
type SchemaDependency struct {
	Property string
	Schema   *Node
}

// Literal is a JSON value of enum, const or default, in a form that is
// equal for two values exactly when Java considers them equal: object
// members in any order, integers by value, decimals by digits and scale
// (1.0 and 1.00 differ, as BigDecimals do).
type Literal struct {
	// Key is the value's comparison text.
	Key string
	// Composite is set for an object or an array, which Confluent's rules
	// hold in classes compared by identity, never equal.
	Composite bool
}

// Number is a numeric keyword value.
type Number struct {
	// Text is the number as written in the canonical schema, e.g. 1.5E+3.
	Text string
	// Float is its value as a double.
	Float float64
}

// newNumber returns the Number of a JSON number. A literal out of the
// range of doubles is an infinity or a zero, as Java's doubleValue makes it.
func newNumber(v *value) *Number {
	f, _ := strconv.ParseFloat(v.text, 64)
	return &Number{Text: v.text, Float: f}
}
