package compat

import (
	"strconv"

	"github.com/goschemaregistry/registry/formats/jsonschema"
)

// compareObject compares two object schemas (ObjectSchemaDiff).
func (c *jsonContext) compareObject(original, update *jsonschema.Node) {
	originalProps, updateProps := propertyMap(original), propertyMap(update)
	originalNames, updateNames := propertyNames(original), propertyNames(update)
	originalRequired, updateRequired := stringSet(original.Required), stringSet(update.Required)

	leave := c.enter("required")
	for _, name := range javaHashMapOrder(originalNames) {
		u, ok := updateProps[name]
		if !ok {
			continue
		}
		switch {
		case originalRequired[name] && !updateRequired[name]:
			c.addAt(name, jsonRequiredAttributeRemoved)
		case !originalRequired[name] && updateRequired[name] && u.Default != nil:
			c.addAt(name, jsonRequiredAttributeWithDefaultAdded)
		case !originalRequired[name] && updateRequired[name]:
			c.addAt(name, jsonRequiredAttributeAdded)
		}
	}
	leave()

	leave = c.enter("properties")
	for _, name := range javaHashSetUnionOrder(originalNames, updateNames) {
		leaveProperty := c.enter(name)
		o, u := originalProps[name], updateProps[name]
		switch {
		case u == nil:
			c.propertyRemoved(o, update, name)
		case o == nil:
			c.propertyAdded(original, u, name, updateRequired[name])
		default:
			c.compare(o, u)
		}
		leaveProperty()
	}
	leave()

	c.compareDependencies(original, update)
	c.compareAdditionalProperties(original, update)
	c.compareUnevaluated("unevaluatedProperties", original.UnevaluatedProperties, update.UnevaluatedProperties,
		jsonUnevaluatedPropertiesAdded, jsonUnevaluatedPropertiesRemoved,
		jsonUnevaluatedPropertiesExtended, jsonUnevaluatedPropertiesNarrowed)
	c.compareBound("maxProperties", original.MaxProperties, update.MaxProperties,
		jsonMaxPropertiesAdded, jsonMaxPropertiesRemoved, jsonMaxPropertiesIncreased, jsonMaxPropertiesDecreased)
	c.compareBound("minProperties", original.MinProperties, update.MinProperties,
		jsonMinPropertiesAdded, jsonMinPropertiesRemoved, jsonMinPropertiesIncreased, jsonMinPropertiesDecreased)
}

// propertyRemoved judges a property of the original the update lacks: only
// the update's content model matters.
func (c *jsonContext) propertyRemoved(o, update *jsonschema.Node, name string) {
	if openObject(update) {
		c.add(jsonPropertyRemovedFromOpen)
		return
	}
	if partial := partialObjectSchema(update, name); partial != nil {
		c.coveredBy(o, partial, jsonPropertyRemovedCovered, jsonPropertyRemovedNotCovered)
		return
	}
	if o.Kind == jsonschema.FalseNode {
		c.add(jsonPropertyWithFalseRemovedFromClosed)
	} else {
		c.add(jsonPropertyRemovedFromClosed)
	}
}

// propertyAdded judges a property of the update the original lacks: only
// the original's content model matters.
func (c *jsonContext) propertyAdded(original, u *jsonschema.Node, name string, required bool) {
	if openObject(original) {
		switch {
		case isEmptySchema(u):
			c.add(jsonPropertyWithEmptySchemaAddedToOpen)
		case required && u.Default != nil:
			c.add(jsonRequiredPropertyWithDefaultAddedToOpen)
		case required:
			c.add(jsonRequiredPropertyAddedToOpen)
		default:
			c.add(jsonOptionalPropertyAddedToOpen)
		}
		return
	}
	if partial := partialObjectSchema(original, name); partial != nil {
		c.coveredBy(partial, u, jsonPropertyAddedCovered, jsonPropertyAddedNotCovered)
	}
	switch {
	case required && u.Default != nil:
		c.add(jsonRequiredPropertyWithDefaultAddedToUnopen)
	case required:
		c.add(jsonRequiredPropertyAddedToUnopen)
	default:
		c.add(jsonOptionalPropertyAddedToUnopen)
	}
}

// coveredBy compares a property or item with the schema a partially open
// content model gives it, adopts the differences found and records whether
// it is covered.
func (c *jsonContext) coveredBy(original, update *jsonschema.Node, covered, notCovered jsonDiff) {
	sub := c.sub()
	sub.compare(original, update)
	c.record(sub.diffs...)
	if sub.compatible() {
		c.add(covered)
	} else {
		c.add(notCovered)
	}
}

func (c *jsonContext) compareDependencies(original, update *jsonschema.Node) {
	defer c.enter("dependencies")()
	originalDeps, updateDeps := dependencyMap(original), dependencyMap(update)
	for _, name := range javaHashSetUnionOrder(dependencyNames(original), dependencyNames(update)) {
		leave := c.enter(name)
		o, inOriginal := originalDeps[name]
		u, inUpdate := updateDeps[name]
		switch {
		case !inUpdate:
			c.add(jsonDependencyArrayRemoved)
		case !inOriginal:
			c.add(jsonDependencyArrayAdded)
		case containsAll(u, o) && containsAll(o, u):
		case containsAll(u, o):
			c.add(jsonDependencyArrayExtended)
		case containsAll(o, u):
			c.add(jsonDependencyArrayNarrowed)
		default:
			c.add(jsonDependencyArrayChanged)
		}
		leave()
	}
	originalSchemas, updateSchemas := schemaDependencyMap(original), schemaDependencyMap(update)
	for _, name := range javaHashSetUnionOrder(schemaDependencyNames(original), schemaDependencyNames(update)) {
		leave := c.enter(name)
		o, u := originalSchemas[name], updateSchemas[name]
		switch {
		case u == nil:
			c.add(jsonDependencySchemaRemoved)
		case o == nil:
			c.add(jsonDependencySchemaAdded)
		default:
			c.compare(o, u)
		}
		leave()
	}
}

func (c *jsonContext) compareAdditionalProperties(original, update *jsonschema.Node) {
	defer c.enter("additionalProperties")()
	switch o, u := original.AdditionalProperties, update.AdditionalProperties; {
	case original.NoAdditionalProperties != update.NoAdditionalProperties:
		if update.NoAdditionalProperties {
			c.add(jsonAdditionalPropertiesRemoved)
		} else {
			c.add(jsonAdditionalPropertiesAdded)
		}
	case o == nil && u != nil:
		c.add(jsonAdditionalPropertiesNarrowed)
	case o != nil && u == nil:
		c.add(jsonAdditionalPropertiesExtended)
	default:
		c.compare(o, u)
	}
}

// compareUnevaluated compares unevaluatedProperties or unevaluatedItems:
// false closes, true or absent opens, a schema is in between.
func (c *jsonContext) compareUnevaluated(name string, o, u *jsonschema.Node, added, removed, extended, narrowed jsonDiff) {
	if o == nil && u == nil {
		return
	}
	defer c.enter(name)()
	isFalse := func(n *jsonschema.Node) bool { return n.Kind == jsonschema.FalseNode }
	switch {
	case o == nil && isFalse(u):
		c.add(removed)
	case o == nil:
		c.add(narrowed)
	case u == nil && isFalse(o):
		c.add(added)
	case u == nil:
		c.add(extended)
	case isFalse(o) && !isFalse(u):
		c.add(added)
	case !isFalse(o) && isFalse(u):
		c.add(removed)
	case isEmptySchema(o) && !isEmptySchema(u):
		c.add(narrowed)
	case !isEmptySchema(o) && isEmptySchema(u):
		c.add(extended)
	default:
		c.compare(o, u)
	}
}

// openObject reports whether an object accepts any other property: no
// additionalProperties, no patternProperties, unevaluatedProperties absent
// or true.
func openObject(n *jsonschema.Node) bool {
	return !n.NoAdditionalProperties && n.AdditionalProperties == nil && len(n.PatternProperties) == 0 &&
		(n.UnevaluatedProperties == nil || isEmptySchema(n.UnevaluatedProperties))
}

// partialObjectSchema returns the schema a partially open object gives the
// property name: the first matching pattern property's, else that of
// additionalProperties, else, without additionalProperties, that of
// unevaluatedProperties; nil when there is none.
func partialObjectSchema(n *jsonschema.Node, name string) *jsonschema.Node {
	for _, p := range n.PatternProperties {
		if p.Matches(name) {
			return p.Schema
		}
	}
	if n.AdditionalProperties != nil {
		return n.AdditionalProperties
	}
	if u := n.UnevaluatedProperties; !n.NoAdditionalProperties && u != nil &&
		u.Kind != jsonschema.FalseNode && !isEmptySchema(u) {
		return u
	}
	return nil
}

// compareArray compares two array schemas (ArraySchemaDiff).
func (c *jsonContext) compareArray(original, update *jsonschema.Node) {
	leave := c.enter("items")
	c.compare(original.Items, update.Items)
	leave()
	c.compareTuple(original, update)

	leave = c.enter("additionalItems")
	switch o, u := original.AdditionalItems, update.AdditionalItems; {
	case original.NoAdditionalItems != update.NoAdditionalItems:
		if update.NoAdditionalItems {
			c.add(jsonAdditionalItemsRemoved)
		} else {
			c.add(jsonAdditionalItemsAdded)
		}
	case o == nil && u != nil:
		c.add(jsonAdditionalItemsNarrowed)
	case o != nil && u == nil:
		c.add(jsonAdditionalItemsExtended)
	default:
		c.compare(o, u)
	}
	leave()

	c.compareUnevaluated("unevaluatedItems", original.UnevaluatedItems, update.UnevaluatedItems,
		jsonUnevaluatedItemsAdded, jsonUnevaluatedItemsRemoved, jsonUnevaluatedItemsExtended, jsonUnevaluatedItemsNarrowed)
	c.compareBound("maxItems", original.MaxItems, update.MaxItems,
		jsonMaxItemsAdded, jsonMaxItemsRemoved, jsonMaxItemsIncreased, jsonMaxItemsDecreased)
	c.compareBound("minItems", original.MinItems, update.MinItems,
		jsonMinItemsAdded, jsonMinItemsRemoved, jsonMinItemsIncreased, jsonMinItemsDecreased)
	switch {
	case original.UniqueItems && !update.UniqueItems:
		c.addAt("uniqueItems", jsonUniqueItemsRemoved)
	case !original.UniqueItems && update.UniqueItems:
		c.addAt("uniqueItems", jsonUniqueItemsAdded)
	}
	c.compareContains("maxContains", original.MaxContains, update.MaxContains,
		jsonMaxContainsAdded, jsonMaxContainsRemoved, jsonMaxContainsIncreased, jsonMaxContainsDecreased)
	c.compareContains("minContains", original.MinContains, update.MinContains,
		jsonMinContainsAdded, jsonMinContainsRemoved, jsonMinContainsIncreased, jsonMinContainsDecreased)
}

// compareContains compares minContains or maxContains by their int values,
// as Confluent does.
func (c *jsonContext) compareContains(name string, o, u *jsonschema.Number, added, removed, increased, decreased jsonDiff) {
	switch {
	case o == nil && u == nil, o != nil && u != nil && o.Text == u.Text:
	case o == nil:
		c.addAt(name, added)
	case u == nil:
		c.addAt(name, removed)
	case javaIntValue(o.Float) < javaIntValue(u.Float):
		c.addAt(name, increased)
	case javaIntValue(o.Float) > javaIntValue(u.Float):
		c.addAt(name, decreased)
	}
}

// compareTuple compares the schemas of the first items, position by
// position; items one side lacks are judged by the other side's content
// model.
func (c *jsonContext) compareTuple(original, update *jsonschema.Node) {
	o, u := original.PrefixItems, update.PrefixItems
	shared := min(len(o), len(u))
	for i := range shared {
		leave := c.enter("items/" + strconv.Itoa(i))
		c.compare(o[i], u[i])
		leave()
	}
	for i := shared; i < len(o); i++ {
		leave := c.enter("items/" + strconv.Itoa(i))
		switch partial := partialArraySchema(update); {
		case openArray(update):
			c.add(jsonItemRemovedFromOpen)
		case partial != nil:
			c.coveredBy(o[i], partial, jsonItemRemovedCovered, jsonItemRemovedNotCovered)
		case o[i].Kind == jsonschema.FalseNode:
			c.add(jsonItemWithFalseRemovedFromClosed)
		default:
			c.add(jsonItemRemovedFromClosed)
		}
		leave()
	}
	for i := shared; i < len(u); i++ {
		leave := c.enter("items/" + strconv.Itoa(i))
		switch partial := partialArraySchema(original); {
		case openArray(original) && isEmptySchema(u[i]):
			c.add(jsonItemWithEmptySchemaAddedToOpen)
		case openArray(original):
			c.add(jsonItemAddedToOpen)
		case partial != nil:
			c.coveredBy(partial, u[i], jsonItemAddedCovered, jsonItemAddedNotCovered)
		default:
			c.add(jsonItemAddedToClosed)
		}
		leave()
	}
}

// openArray reports whether an array accepts any further items.
func openArray(n *jsonschema.Node) bool {
	return !n.NoAdditionalItems && n.AdditionalItems == nil &&
		(n.UnevaluatedItems == nil || isEmptySchema(n.UnevaluatedItems))
}

// partialArraySchema returns the schema a partially open array gives
// further items: that of additionalItems, else, without additionalItems,
// that of unevaluatedItems; nil when there is none.
func partialArraySchema(n *jsonschema.Node) *jsonschema.Node {
	if n.AdditionalItems != nil {
		return n.AdditionalItems
	}
	if u := n.UnevaluatedItems; !n.NoAdditionalItems && u != nil && u.Kind != jsonschema.FalseNode && !isEmptySchema(u) {
		return u
	}
	return nil
}

func propertyMap(n *jsonschema.Node) map[string]*jsonschema.Node {
	m := make(map[string]*jsonschema.Node, len(n.Properties))
	for _, p := range n.Properties {
		m[p.Name] = p.Schema
	}
	return m
}

func propertyNames(n *jsonschema.Node) []string {
	names := make([]string, len(n.Properties))
	for i, p := range n.Properties {
		names[i] = p.Name
	}
	return names
}

func dependencyMap(n *jsonschema.Node) map[string]map[string]bool {
	m := make(map[string]map[string]bool, len(n.PropertyDependencies))
	for _, d := range n.PropertyDependencies {
		m[d.Property] = stringSet(d.Requires)
	}
	return m
}

func dependencyNames(n *jsonschema.Node) []string {
	names := make([]string, len(n.PropertyDependencies))
	for i, d := range n.PropertyDependencies {
		names[i] = d.Property
	}
	return names
}

func schemaDependencyMap(n *jsonschema.Node) map[string]*jsonschema.Node {
	m := make(map[string]*jsonschema.Node, len(n.SchemaDependencies))
	for _, d := range n.SchemaDependencies {
		m[d.Property] = d.Schema
	}
	return m
}

func schemaDependencyNames(n *jsonschema.Node) []string {
	names := make([]string, len(n.SchemaDependencies))
	for i, d := range n.SchemaDependencies {
		names[i] = d.Property
	}
	return names
}

func stringSet(s []string) map[string]bool {
	set := make(map[string]bool, len(s))
	for _, v := range s {
		set[v] = true
	}
	return set
}
