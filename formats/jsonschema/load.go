package jsonschema

import (
	"errors"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/goschemaregistry/registry/formats/internal/jsontree"
)

// Keyword groups by type, as Everit's SpecificationVersion and
// AbstractSchemaExtractor list them: their presence makes a schema without
// a type one of that type.
var (
	numberKeywords   = []string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
	stringKeywords   = []string{"minLength", "maxLength", "pattern", "format"}
	draft4Object     = []string{"properties", "required", "minProperties", "maxProperties", "dependencies", "patternProperties", "additionalProperties"}
	draft6Object     = append(slices.Clone(draft4Object), "propertyNames")
	draft4Array      = []string{"items", "additionalItems", "minItems", "maxItems", "uniqueItems"}
	draft6Array      = append(slices.Clone(draft4Array), "contains")
	conditionalWords = []string{"if", "then", "else"}
)

func objectKeywords(d Draft) []string {
	if d == Draft4 {
		return draft4Object
	}
	return draft6Object
}

func arrayKeywords(d Draft) []string {
	if d == Draft4 {
		return draft4Array
	}
	return draft6Array
}

// modernKeywords are the keywords json-sKema knows; a schema with any other
// member loses the unevaluated and contains bounds Confluent's translation
// keeps among its unprocessed properties (see modernNode).
var modernKeywords = map[string]bool{
	"$id": true, "$anchor": true, "$dynamicRef": true, "$dynamicAnchor": true, "$ref": true, "$defs": true,
	"$schema": true, "$vocabulary": true, "minLength": true, "maxLength": true, "allOf": true, "anyOf": true,
	"oneOf": true, "additionalProperties": true, "properties": true, "patternProperties": true, "title": true,
	"description": true, "readOnly": true, "writeOnly": true, "deprecated": true, "default": true, "enum": true,
	"const": true, "false": true, "true": true, "type": true, "not": true, "required": true, "maximum": true,
	"minimum": true, "exclusiveMaximum": true, "exclusiveMinimum": true, "multipleOf": true, "uniqueItems": true,
	"items": true, "prefixItems": true, "contains": true, "minContains": true, "maxContains": true, "if": true,
	"then": true, "else": true, "dependentSchemas": true, "dependentRequired": true, "unevaluatedItems": true,
	"unevaluatedProperties": true, "minItems": true, "maxItems": true, "minProperties": true,
	"maxProperties": true, "propertyNames": true, "pattern": true, "format": true,
}

// builder turns the schema objects of a parse into Nodes. Each schema object
// becomes one Node; references are resolved after the tree that holds them
// is built, so that recursion follows only the nesting of the JSON text.
type builder struct {
	reg   *registry
	nodes map[*value]*Node
	// pending are reference nodes whose targets are not resolved yet.
	pending []*pendingRef
	// lenient leaves references that cannot be resolved without a target
	// instead of failing.
	lenient bool
	// metaschema stands for every metaschema a reference points to.
	metaschema *Node
	// reached are the documents of the schemas built.
	reached map[*document]bool
}

type pendingRef struct {
	node *Node
	from *value
}

func newBuilder(reg *registry, lenient bool) *builder {
	return &builder{reg: reg, nodes: make(map[*value]*Node), lenient: lenient, metaschema: &Node{Kind: EmptyNode},
		reached: make(map[*document]bool)}
}

// build returns the Node of root with every reference resolved.
func (b *builder) build(root *value) (*Node, error) {
	n := b.node(root)
	for len(b.pending) > 0 {
		p := b.pending[len(b.pending)-1]
		b.pending = b.pending[:len(b.pending)-1]
		target, err := b.reg.resolve(p.node.Ref, p.from)
		switch {
		case errors.Is(err, errMetaschema):
			p.node.Target = b.metaschema
		case err != nil:
			if !b.lenient {
				return nil, err
			}
		default:
			p.node.Target = b.node(target)
		}
	}
	return n, nil
}

// node returns the Node of the schema v.
func (b *builder) node(v *value) *Node {
	if n, ok := b.nodes[v]; ok {
		return n
	}
	if loc, ok := b.reg.locations[v]; ok {
		b.reached[loc.doc] = true
	}
	var n *Node
	switch v.kind {
	case kindBool:
		n = &Node{Kind: FalseNode}
		if v.boolean {
			n.Kind = TrueNode
		}
	case kindObject:
		if b.reg.locations[v].doc.draft.modern() {
			n = b.modernNode(v)
		} else {
			n = b.everitNode(v, b.reg.locations[v].doc.draft)
		}
	default:
		// Not a schema: only a stored schema, never validated, can hold one.
		n = &Node{Kind: EmptyNode}
	}
	b.nodes[v] = n
	return n
}

// child returns the Node of a subschema, or nil for a value that cannot be
// a schema.
func (b *builder) child(v *value) *Node {
	if v == nil || (v.kind != kindObject && v.kind != kindBool) {
		return nil
	}
	return b.node(v)
}

// children returns the Nodes of an array of subschemas.
func (b *builder) children(v *value) []*Node {
	if v == nil || v.kind != kindArray {
		return nil
	}
	nodes := make([]*Node, 0, len(v.items))
	for _, item := range v.items {
		if n := b.child(item); n != nil {
			nodes = append(nodes, n)
		}
	}
	return nodes
}

// reference returns a reference node whose target is resolved later.
func (b *builder) reference(ref string, from *value) *Node {
	n := &Node{Kind: ReferenceNode, Ref: ref}
	b.pending = append(b.pending, &pendingRef{node: n, from: from})
	return n
}

// everitNode builds a schema of drafts 4 to 7 as Everit's SchemaLoader
// does: a $ref stands alone; otherwise each extractor (enum, combinators,
// not, const, type, then the keyword groups of the types not declared)
// contributes a schema, and several are combined with a made-up allOf.
func (b *builder) everitNode(v *value, d Draft) *Node {
	if ref, ok := v.str("$ref"); ok {
		n := b.reference(ref, v)
		b.annotate(n, v, d)
		return n
	}
	consumed := make(map[string]bool)
	consume := func(keys ...string) {
		for _, k := range keys {
			consumed[k] = true
		}
	}
	present := func(keys []string) bool {
		for _, k := range keys {
			if !consumed[k] && v.has(k) {
				return true
			}
		}
		return false
	}
	var parts []*Node
	if enum := v.get("enum"); enum != nil && enum.kind == kindArray {
		parts = append(parts, enumNode(enum))
		consume("enum")
	}
	for _, criterion := range []Criterion{AllOf, AnyOf, OneOf} {
		if sub := v.get(string(criterion)); sub != nil && sub.kind == kindArray {
			parts = append(parts, &Node{Kind: CombinedNode, Criterion: criterion, Subschemas: b.children(sub)})
			consume(string(criterion))
		}
	}
	if not := b.child(v.get("not")); not != nil {
		parts = append(parts, &Node{Kind: NotNode, Not: not})
		consume("not")
	}
	if c := v.get("const"); c != nil && d != Draft4 {
		parts = append(parts, &Node{Kind: ConstNode, Const: literal(c)})
		consume("const")
	}
	typed := func(name string) *Node {
		switch name {
		case "string":
			consume(stringKeywords...)
			return b.stringNode(v)
		case "integer", "number":
			consume(numberKeywords...)
			n := b.numberNode(v, d)
			n.Integer = name == "integer"
			return n
		case "boolean":
			return &Node{Kind: BooleanNode}
		case "null":
			return &Node{Kind: NullNode}
		case "array":
			consume(arrayKeywords(d)...)
			return b.arrayNode(v, d)
		case "object":
			consume(objectKeywords(d)...)
			return b.objectNode(v, d)
		}
		return nil
	}
	switch t := v.get("type"); {
	case t == nil:
	case t.kind == kindString:
		consume("type")
		if n := typed(t.text); n != nil {
			parts = append(parts, n)
		}
	case t.kind == kindArray:
		consume("type")
		types := &Node{Kind: CombinedNode, Criterion: AnyOf}
		for _, item := range t.items {
			if item.kind == kindString {
				if n := typed(item.text); n != nil {
					types.Subschemas = append(types.Subschemas, n)
				}
			}
		}
		parts = append(parts, types)
	}
	if present(arrayKeywords(d)) {
		parts = append(parts, b.arrayNode(v, d))
	}
	if present(objectKeywords(d)) {
		parts = append(parts, b.objectNode(v, d))
	}
	if present(numberKeywords) {
		parts = append(parts, b.numberNode(v, d))
	}
	if present(stringKeywords) {
		parts = append(parts, b.stringNode(v))
	}
	if d >= Draft7 && present(conditionalWords) {
		parts = append(parts, &Node{Kind: ConditionalNode})
	}
	var n *Node
	switch len(parts) {
	case 0:
		n = &Node{Kind: EmptyNode}
	case 1:
		n = parts[0]
	default:
		n = &Node{Kind: CombinedNode, Criterion: AllOf, Subschemas: parts}
	}
	b.annotate(n, v, d)
	if n.Kind == ArrayNode {
		// Everit leaves these keywords unprocessed; Confluent reads them
		// from there.
		n.MinContains = number(v.get("minContains"))
		n.MaxContains = number(v.get("maxContains"))
	}
	return n
}

// annotate sets the annotations of v on n. Confluent's translation of
// json-sKema's model (drafts 2019-09 and 2020-12) carries no $id, and drops
// a null default, which Everit keeps as a default.
func (b *builder) annotate(n *Node, v *value, d Draft) {
	if !d.modern() {
		n.ID = firstNonNil(optionalString(v.get(d.idKeyword())), n.ID)
	}
	n.Title = firstNonNil(optionalString(v.get("title")), n.Title)
	n.Description = firstNonNil(optionalString(v.get("description")), n.Description)
	if def := v.get("default"); def != nil && (!d.modern() || def.kind != kindNull) {
		l := literal(def)
		n.Default = &l
	}
	if t, ok := v.str("connect.type"); ok {
		n.ConnectType = t
	}
}

func optionalString(v *value) *string {
	if v == nil || v.kind != kindString {
		return nil
	}
	s := v.text
	return &s
}

func (b *builder) stringNode(v *value) *Node {
	n := &Node{Kind: StringNode}
	for _, key := range []string{"minLength", "maxLength", "pattern"} {
		if kv := v.get(key); kv != nil {
			b.apply(n, key, kv, v, Draft7)
		}
	}
	return n
}

func (b *builder) numberNode(v *value, d Draft) *Node {
	n := &Node{Kind: NumberNode}
	for _, key := range numberKeywords {
		if kv := v.get(key); kv != nil {
			b.apply(n, key, kv, v, d)
		}
	}
	return n
}

func (b *builder) objectNode(v *value, d Draft) *Node {
	n := &Node{Kind: ObjectNode}
	for _, key := range objectKeywords(d) {
		if kv := v.get(key); kv != nil {
			b.apply(n, key, kv, v, d)
		}
	}
	return n
}

func (b *builder) arrayNode(v *value, d Draft) *Node {
	n := &Node{Kind: ArrayNode}
	for _, key := range arrayKeywords(d) {
		if kv := v.get(key); kv != nil {
			b.apply(n, key, kv, v, d)
		}
	}
	return n
}

// apply sets the keyword key, of value kv in the schema v, on n. Values of
// the wrong type are left out: only stored schemas, which are not
// validated, can hold them.
func (b *builder) apply(n *Node, key string, kv, v *value, d Draft) {
	switch key {
	case "minLength":
		n.MinLength = integer(kv)
	case "maxLength":
		n.MaxLength = integer(kv)
	case "pattern":
		n.Pattern = optionalString(kv)
	case "minimum":
		n.Minimum = number(kv)
	case "maximum":
		n.Maximum = number(kv)
	case "multipleOf":
		n.MultipleOf = number(kv)
	case "exclusiveMinimum":
		// A draft 4 boolean modifies minimum; Confluent does not compare it.
		n.ExclusiveMinimum = number(kv)
	case "exclusiveMaximum":
		n.ExclusiveMaximum = number(kv)
	case "minProperties":
		n.MinProperties = integer(kv)
	case "maxProperties":
		n.MaxProperties = integer(kv)
	case "properties":
		if kv.kind != kindObject {
			return
		}
		for i, name := range kv.keys {
			prop := kv.items[i]
			if name == d.idKeyword() && prop.kind != kindObject && !d.modern() {
				continue // Everit takes a non-object $id member for the schema's id
			}
			if s := b.child(prop); s != nil {
				n.Properties = append(n.Properties, Property{Name: name, Schema: s})
			}
		}
	case "additionalProperties":
		// A boolean opens or closes the object (in 2020-12 too, where
		// Confluent translates the false schema so and drops the true one).
		if kv.kind == kindBool {
			n.NoAdditionalProperties = !kv.boolean
		} else {
			n.AdditionalProperties = b.child(kv)
		}
	case "required":
		n.Required = stringList(kv)
	case "patternProperties":
		if kv.kind != kindObject {
			return
		}
		for i, pattern := range kv.keys {
			if s := b.child(kv.items[i]); s != nil {
				re, _ := regexp.Compile(pattern)
				n.PatternProperties = append(n.PatternProperties, PatternProperty{Pattern: pattern, Schema: s, re: re})
			}
		}
	case "dependencies":
		if kv.kind != kindObject {
			return
		}
		for i, property := range kv.keys {
			dep := kv.items[i]
			if dep.kind == kindArray {
				n.PropertyDependencies = append(n.PropertyDependencies, PropertyDependency{Property: property, Requires: stringList(dep)})
			} else if s := b.child(dep); s != nil && (dep.kind == kindObject || d != Draft4) {
				n.SchemaDependencies = append(n.SchemaDependencies, SchemaDependency{Property: property, Schema: s})
			}
		}
	case "dependentRequired":
		if kv.kind != kindObject {
			return
		}
		for i, property := range kv.keys {
			n.PropertyDependencies = append(n.PropertyDependencies, PropertyDependency{Property: property, Requires: stringList(kv.items[i])})
		}
	case "dependentSchemas":
		if kv.kind != kindObject {
			return
		}
		for i, property := range kv.keys {
			if s := b.child(kv.items[i]); s != nil {
				n.SchemaDependencies = append(n.SchemaDependencies, SchemaDependency{Property: property, Schema: s})
			}
		}
	case "minItems":
		n.MinItems = integer(kv)
	case "maxItems":
		n.MaxItems = integer(kv)
	case "uniqueItems":
		n.UniqueItems = kv.kind == kindBool && kv.boolean
	case "additionalItems":
		if kv.kind == kindBool {
			n.NoAdditionalItems = !kv.boolean
		} else {
			n.AdditionalItems = b.child(kv)
		}
	case "items":
		switch {
		case kv.kind == kindArray:
			n.PrefixItems = b.children(kv)
		case d.modern() && kv.kind == kindBool:
			// In 2020-12 items: false closes the array, true changes nothing.
			n.NoAdditionalItems = !kv.boolean
		case d.modern() && v.has("prefixItems"):
			n.AdditionalItems = b.child(kv)
		default:
			n.Items = b.child(kv)
		}
	case "prefixItems":
		n.PrefixItems = b.children(kv)
	}
}

// integer returns the value of an integral number, saturated to 64 bits.
func integer(v *value) *int64 {
	if v == nil || v.kind != kindNumber {
		return nil
	}
	if i, err := strconv.ParseInt(v.text, 10, 64); err == nil {
		return &i
	}
	f, _ := strconv.ParseFloat(v.text, 64)
	if f != math.Trunc(f) {
		return nil
	}
	i := int64(math.MaxInt64)
	switch {
	case f < math.MinInt64:
		i = math.MinInt64
	case f < math.MaxInt64:
		i = int64(f)
	}
	return &i
}

func number(v *value) *Number {
	if v == nil || v.kind != kindNumber {
		return nil
	}
	return newNumber(v)
}

// stringList returns the strings of an array.
func stringList(v *value) []string {
	if v == nil || v.kind != kindArray {
		return nil
	}
	s := make([]string, 0, len(v.items))
	for _, item := range v.items {
		if item.kind == kindString {
			s = append(s, item.text)
		}
	}
	return s
}

func enumNode(v *value) *Node {
	n := &Node{Kind: EnumNode, Enum: make([]Literal, len(v.items))}
	for i, item := range v.items {
		n.Enum[i] = literal(item)
	}
	return n
}

// literal returns the comparison form of a JSON value.
func literal(v *value) Literal {
	var b strings.Builder
	writeLiteral(&b, v)
	return Literal{Key: b.String(), Composite: v.kind == kindArray || v.kind == kindObject}
}

// writeLiteral writes the comparison text of v: numbers tagged as integer
// or decimal, object members sorted.
func writeLiteral(b *strings.Builder, v *value) {
	switch v.kind {
	case kindNumber:
		if v.integer {
			b.WriteString("i")
		} else {
			b.WriteString("d")
		}
		b.WriteString(v.text)
	case kindArray:
		b.WriteByte('[')
		for i, item := range v.items {
			if i > 0 {
				b.WriteByte(',')
			}
			writeLiteral(b, item)
		}
		b.WriteByte(']')
	case kindObject:
		order := make([]int, len(v.keys))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(i, j int) int { return strings.Compare(v.keys[i], v.keys[j]) })
		b.WriteByte('{')
		for n, i := range order {
			if n > 0 {
				b.WriteByte(',')
			}
			jsontree.WriteString(b, v.keys[i])
			b.WriteByte(':')
			writeLiteral(b, v.items[i])
		}
		b.WriteByte('}')
	default:
		writeJSON(b, v, false)
	}
}
