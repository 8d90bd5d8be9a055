package jsonschema

import "slices"

// modernNode builds a schema of drafts 2019-09 and 2020-12 the way
// Confluent's SchemaTranslator turns json-sKema's model into Everit's: each
// keyword, in the order written, then the properties, the pattern
// properties and the unevaluated keywords, contributes a schema, and the
// contributions are joined (see join). A $ref is one keyword among others.
//
// Confluent keeps the unevaluated keywords and the contains bounds among a
// schema's unprocessed properties, which it replaces when the schema has an
// unknown keyword or $defs; such a schema loses them, and so does its Node.
func (b *builder) modernNode(v *value) *Node {
	d := b.reg.locations[v].doc.draft
	var result *Node
	unknown := false
	for i, key := range v.keys {
		if product := b.keywordProduct(v, key, v.items[i], d); product != nil {
			result = join(result, product)
		}
		if !modernKeywords[key] {
			unknown = true
		}
	}
	for _, key := range []string{"properties", "patternProperties"} {
		if kv := v.get(key); kv != nil && kv.kind == kindObject && len(kv.keys) > 0 {
			n := &Node{Kind: ObjectNode}
			b.apply(n, key, kv, v, d)
			result = join(result, n)
		}
	}
	if s := b.child(v.get("unevaluatedItems")); s != nil {
		result = join(result, &Node{Kind: ArrayNode, UnevaluatedItems: s})
	}
	if s := b.child(v.get("unevaluatedProperties")); s != nil {
		result = join(result, &Node{Kind: ObjectNode, UnevaluatedProperties: s})
	}
	switch {
	case result == nil:
		result = &Node{Kind: EmptyNode}
	case result.generated && result.Criterion == AllOf && len(result.Subschemas) == 0:
		result = &Node{Kind: EmptyNode}
	case result.generated && result.Criterion == AllOf && len(result.Subschemas) == 1:
		result = result.Subschemas[0]
	}
	b.annotate(result, v, d)
	if defs := v.get("$defs"); unknown || (defs != nil && defs.kind == kindObject && len(defs.keys) > 0) {
		result.UnevaluatedItems, result.UnevaluatedProperties = nil, nil
		result.MinContains, result.MaxContains = nil, nil
	}
	return result
}

// keywordProduct returns the schema one keyword contributes, or nil.
func (b *builder) keywordProduct(v *value, key string, kv *value, d Draft) *Node {
	switch key {
	case "$ref", "$dynamicRef":
		// A dynamic reference is resolved statically, as its fallback.
		if kv.kind == kindString {
			return b.reference(kv.text, v)
		}
	case "type":
		if kv.kind == kindString {
			return typeNode(kv.text)
		}
		if kv.kind == kindArray {
			types := &Node{Kind: CombinedNode, Criterion: AnyOf, generated: true}
			for _, item := range kv.items {
				if item.kind == kindString {
					if n := typeNode(item.text); n != nil {
						types.Subschemas = append(types.Subschemas, n)
					}
				}
			}
			return types
		}
	case "enum":
		if kv.kind == kindArray {
			return enumNode(kv)
		}
	case "const":
		return &Node{Kind: ConstNode, Const: literal(kv)}
	case "allOf", "anyOf", "oneOf":
		// The subschemas of a combinator are joined into it; made-up allOfs
		// among them are unwrapped into the combinator, whatever it is.
		combined := &Node{Kind: CombinedNode, Criterion: Criterion(key)}
		for _, sub := range b.children(kv) {
			combined.Subschemas = append(combined.Subschemas, flatten(sub)...)
		}
		return combined
	case "not":
		if not := b.child(kv); not != nil {
			return &Node{Kind: NotNode, Not: not}
		}
	case "if":
		return &Node{Kind: ConditionalNode}
	case "additionalProperties", "required", "minProperties", "maxProperties",
		"dependentRequired", "dependentSchemas", "propertyNames":
		n := &Node{Kind: ObjectNode}
		b.apply(n, key, kv, v, d)
		return n
	case "items", "prefixItems", "minItems", "maxItems", "uniqueItems":
		n := &Node{Kind: ArrayNode}
		b.apply(n, key, kv, v, d)
		return n
	case "additionalItems":
		if d == Draft2019 {
			n := &Node{Kind: ArrayNode}
			b.apply(n, key, kv, v, d)
			return n
		}
	case "contains":
		minContains := number(v.get("minContains"))
		if minContains == nil {
			minContains = &Number{Text: "1", Float: 1}
		}
		return &Node{Kind: ArrayNode, MinContains: minContains, MaxContains: number(v.get("maxContains"))}
	case "minLength", "maxLength", "pattern":
		n := &Node{Kind: StringNode}
		b.apply(n, key, kv, v, d)
		return n
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf":
		n := &Node{Kind: NumberNode}
		b.apply(n, key, kv, v, d)
		return n
	}
	return nil
}

// typeNode returns the schema of a type name, nil for an unknown one.
func typeNode(name string) *Node {
	switch name {
	case "string":
		return &Node{Kind: StringNode}
	case "integer":
		return &Node{Kind: NumberNode, Integer: true}
	case "number":
		return &Node{Kind: NumberNode}
	case "boolean":
		return &Node{Kind: BooleanNode}
	case "null":
		return &Node{Kind: NullNode}
	case "array":
		return &Node{Kind: ArrayNode}
	case "object":
		return &Node{Kind: ObjectNode}
	}
	return nil
}

// join joins the schema cur, contributed by a keyword, to prev, what the
// keywords before it contributed: two schemas of one mergeable type merge,
// a type joins its branch of a list of types, and anything else makes (or
// extends) a made-up allOf.
func join(prev, cur *Node) *Node {
	switch {
	case prev == nil:
		return cur
	case prev.Kind == cur.Kind && mergeable(prev.Kind):
		return merge(prev, cur)
	case prev.isGeneratedAnyOf() && prev.hasKindOf(cur):
		return &Node{Kind: CombinedNode, Criterion: AnyOf, generated: true,
			Subschemas: accumulate(slices.Clone(prev.Subschemas), cur)}
	case cur.isGeneratedAnyOf() && cur.hasKindOf(prev):
		return &Node{Kind: CombinedNode, Criterion: AnyOf, generated: true,
			Subschemas: accumulate(slices.Clone(cur.Subschemas), prev)}
	}
	var product []*Node
	for _, s := range append(flatten(prev), flatten(cur)...) {
		product = accumulate(product, s)
	}
	return &Node{Kind: CombinedNode, Criterion: AllOf, generated: true, Subschemas: product}
}

// accumulate adds s to product, merging it into the first schema of its
// type when that type merges.
func accumulate(product []*Node, s *Node) []*Node {
	if mergeable(s.Kind) {
		for i, p := range product {
			if p.Kind == s.Kind {
				product[i] = merge(p, s)
				return product
			}
		}
	}
	return append(product, s)
}

// flatten returns the subschemas of a made-up allOf, or n alone.
func flatten(n *Node) []*Node {
	if n.generated && n.Kind == CombinedNode && n.Criterion == AllOf {
		return n.Subschemas
	}
	return []*Node{n}
}

func (n *Node) isGeneratedAnyOf() bool {
	return n.generated && n.Kind == CombinedNode && n.Criterion == AnyOf
}

// hasKindOf reports whether a subschema of the combined n is of the kind of
// s, all combined schemas counting as one kind.
func (n *Node) hasKindOf(s *Node) bool {
	for _, sub := range n.Subschemas {
		if sub.Kind == s.Kind {
			return true
		}
	}
	return false
}

// mergeable reports whether two schemas of the kind merge into one.
func mergeable(k NodeKind) bool {
	return k == StringNode || k == NumberNode || k == ObjectNode || k == ArrayNode
}

// merge returns a copy of a with the keywords of b, of the same kind, added
// as Confluent's SchemaUtils.merge adds them: a value b has replaces a's,
// lists are appended, a flag set in either is set.
func merge(a, b *Node) *Node {
	n := *a
	n.generated = false
	n.ID = firstNonNil(b.ID, n.ID)
	n.Title = firstNonNil(b.Title, n.Title)
	n.Description = firstNonNil(b.Description, n.Description)
	n.Default = firstNonNil(b.Default, n.Default)
	n.MinContains = firstNonNil(b.MinContains, n.MinContains)
	n.MaxContains = firstNonNil(b.MaxContains, n.MaxContains)
	n.UnevaluatedItems = firstNonNil(b.UnevaluatedItems, n.UnevaluatedItems)
	n.UnevaluatedProperties = firstNonNil(b.UnevaluatedProperties, n.UnevaluatedProperties)
	// String.
	n.MinLength = firstNonNil(b.MinLength, n.MinLength)
	n.MaxLength = firstNonNil(b.MaxLength, n.MaxLength)
	n.Pattern = firstNonNil(b.Pattern, n.Pattern)
	// Number.
	n.Minimum = firstNonNil(b.Minimum, n.Minimum)
	n.Maximum = firstNonNil(b.Maximum, n.Maximum)
	n.ExclusiveMinimum = firstNonNil(b.ExclusiveMinimum, n.ExclusiveMinimum)
	n.ExclusiveMaximum = firstNonNil(b.ExclusiveMaximum, n.ExclusiveMaximum)
	n.MultipleOf = firstNonNil(b.MultipleOf, n.MultipleOf)
	n.Integer = n.Integer || b.Integer
	// Object.
	n.PatternProperties = append(slices.Clip(n.PatternProperties), b.PatternProperties...)
	n.Properties = slices.Clip(n.Properties)
	for _, p := range b.Properties {
		if i := slices.IndexFunc(n.Properties, func(q Property) bool { return q.Name == p.Name }); i >= 0 {
			n.Properties = slices.Clone(n.Properties)
			n.Properties[i] = p
		} else {
			n.Properties = append(n.Properties, p)
		}
	}
	n.NoAdditionalProperties = n.NoAdditionalProperties || b.NoAdditionalProperties
	n.AdditionalProperties = firstNonNil(b.AdditionalProperties, n.AdditionalProperties)
	n.Required = append(slices.Clip(n.Required), b.Required...)
	n.MinProperties = firstNonNil(b.MinProperties, n.MinProperties)
	n.MaxProperties = firstNonNil(b.MaxProperties, n.MaxProperties)
	n.PropertyDependencies = slices.Clip(n.PropertyDependencies)
	for _, dep := range b.PropertyDependencies {
		if i := slices.IndexFunc(n.PropertyDependencies, func(q PropertyDependency) bool { return q.Property == dep.Property }); i >= 0 {
			n.PropertyDependencies = slices.Clone(n.PropertyDependencies)
			n.PropertyDependencies[i].Requires = append(slices.Clip(n.PropertyDependencies[i].Requires), dep.Requires...)
		} else {
			n.PropertyDependencies = append(n.PropertyDependencies, dep)
		}
	}
	n.SchemaDependencies = slices.Clip(n.SchemaDependencies)
	for _, dep := range b.SchemaDependencies {
		if i := slices.IndexFunc(n.SchemaDependencies, func(q SchemaDependency) bool { return q.Property == dep.Property }); i >= 0 {
			n.SchemaDependencies = slices.Clone(n.SchemaDependencies)
			n.SchemaDependencies[i] = dep
		} else {
			n.SchemaDependencies = append(n.SchemaDependencies, dep)
		}
	}
	// Array.
	n.MinItems = firstNonNil(b.MinItems, n.MinItems)
	n.MaxItems = firstNonNil(b.MaxItems, n.MaxItems)
	n.UniqueItems = n.UniqueItems || b.UniqueItems
	n.Items = firstNonNil(b.Items, n.Items)
	n.PrefixItems = append(slices.Clip(n.PrefixItems), b.PrefixItems...)
	n.NoAdditionalItems = n.NoAdditionalItems || b.NoAdditionalItems
	n.AdditionalItems = firstNonNil(b.AdditionalItems, n.AdditionalItems)
	return &n
}

// firstNonNil returns a unless it is nil, then b.
func firstNonNil[T any](a, b *T) *T {
	if a != nil {
		return a
	}
	return b
}
