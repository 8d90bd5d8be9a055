package compat

import (
	"fmt"

	"github.com/goschemaregistry/registry/formats"
	"github.com/goschemaregistry/registry/formats/jsonschema"
)

// jsonDiff is a kind of difference between two JSON schemas, as Confluent's
// io.confluent.kafka.schemaregistry.json.diff.Difference.Type names it.
type jsonDiff string

// The kinds of difference the rules find.
const (
	jsonIDChanged          jsonDiff = "ID_CHANGED"
	jsonDescriptionChanged jsonDiff = "DESCRIPTION_CHANGED"
	jsonTitleChanged       jsonDiff = "TITLE_CHANGED"
	jsonDefaultChanged     jsonDiff = "DEFAULT_CHANGED"
	jsonSchemaAdded        jsonDiff = "SCHEMA_ADDED"
	jsonSchemaRemoved      jsonDiff = "SCHEMA_REMOVED"
	jsonTypeExtended       jsonDiff = "TYPE_EXTENDED"
	jsonTypeNarrowed       jsonDiff = "TYPE_NARROWED"
	jsonTypeChanged        jsonDiff = "TYPE_CHANGED"

	jsonMaxLengthAdded     jsonDiff = "MAX_LENGTH_ADDED"
	jsonMaxLengthRemoved   jsonDiff = "MAX_LENGTH_REMOVED"
	jsonMaxLengthIncreased jsonDiff = "MAX_LENGTH_INCREASED"
	jsonMaxLengthDecreased jsonDiff = "MAX_LENGTH_DECREASED"
	jsonMinLengthAdded     jsonDiff = "MIN_LENGTH_ADDED"
	jsonMinLengthRemoved   jsonDiff = "MIN_LENGTH_REMOVED"
	jsonMinLengthIncreased jsonDiff = "MIN_LENGTH_INCREASED"
	jsonMinLengthDecreased jsonDiff = "MIN_LENGTH_DECREASED"
	jsonPatternAdded       jsonDiff = "PATTERN_ADDED"
	jsonPatternRemoved     jsonDiff = "PATTERN_REMOVED"
	jsonPatternChanged     jsonDiff = "PATTERN_CHANGED"

	jsonMaximumAdded              jsonDiff = "MAXIMUM_ADDED"
	jsonMaximumRemoved            jsonDiff = "MAXIMUM_REMOVED"
	jsonMaximumIncreased          jsonDiff = "MAXIMUM_INCREASED"
	jsonMaximumDecreased          jsonDiff = "MAXIMUM_DECREASED"
	jsonMinimumAdded              jsonDiff = "MINIMUM_ADDED"
	jsonMinimumRemoved            jsonDiff = "MINIMUM_REMOVED"
	jsonMinimumIncreased          jsonDiff = "MINIMUM_INCREASED"
	jsonMinimumDecreased          jsonDiff = "MINIMUM_DECREASED"
	jsonExclusiveMaximumAdded     jsonDiff = "EXCLUSIVE_MAXIMUM_ADDED"
	jsonExclusiveMaximumRemoved   jsonDiff = "EXCLUSIVE_MAXIMUM_REMOVED"
	jsonExclusiveMaximumIncreased jsonDiff = "EXCLUSIVE_MAXIMUM_INCREASED"
	jsonExclusiveMaximumDecreased jsonDiff = "EXCLUSIVE_MAXIMUM_DECREASED"
	jsonExclusiveMinimumAdded     jsonDiff = "EXCLUSIVE_MINIMUM_ADDED"
	jsonExclusiveMinimumRemoved   jsonDiff = "EXCLUSIVE_MINIMUM_REMOVED"
	jsonExclusiveMinimumIncreased jsonDiff = "EXCLUSIVE_MINIMUM_INCREASED"
	jsonExclusiveMinimumDecreased jsonDiff = "EXCLUSIVE_MINIMUM_DECREASED"
	jsonMultipleOfAdded           jsonDiff = "MULTIPLE_OF_ADDED"
	jsonMultipleOfRemoved         jsonDiff = "MULTIPLE_OF_REMOVED"
	jsonMultipleOfExpanded        jsonDiff = "MULTIPLE_OF_EXPANDED"
	jsonMultipleOfReduced         jsonDiff = "MULTIPLE_OF_REDUCED"
	jsonMultipleOfChanged         jsonDiff = "MULTIPLE_OF_CHANGED"

	jsonRequiredAttributeAdded            jsonDiff = "REQUIRED_ATTRIBUTE_ADDED"
	jsonRequiredAttributeWithDefaultAdded jsonDiff = "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"
	jsonRequiredAttributeRemoved          jsonDiff = "REQUIRED_ATTRIBUTE_REMOVED"
	jsonMaxPropertiesAdded                jsonDiff = "MAX_PROPERTIES_ADDED"
	jsonMaxPropertiesRemoved              jsonDiff = "MAX_PROPERTIES_REMOVED"
	jsonMaxPropertiesIncreased            jsonDiff = "MAX_PROPERTIES_INCREASED"
	jsonMaxPropertiesDecreased            jsonDiff = "MAX_PROPERTIES_DECREASED"
	jsonMinPropertiesAdded                jsonDiff = "MIN_PROPERTIES_ADDED"
	jsonMinPropertiesRemoved              jsonDiff = "MIN_PROPERTIES_REMOVED"
	jsonMinPropertiesIncreased            jsonDiff = "MIN_PROPERTIES_INCREASED"
	jsonMinPropertiesDecreased            jsonDiff = "MIN_PROPERTIES_DECREASED"
	jsonAdditionalPropertiesAdded         jsonDiff = "ADDITIONAL_PROPERTIES_ADDED"
	jsonAdditionalPropertiesRemoved       jsonDiff = "ADDITIONAL_PROPERTIES_REMOVED"
	jsonAdditionalPropertiesExtended      jsonDiff = "ADDITIONAL_PROPERTIES_EXTENDED"
	jsonAdditionalPropertiesNarrowed      jsonDiff = "ADDITIONAL_PROPERTIES_NARROWED"
	jsonDependencyArrayAdded              jsonDiff = "DEPENDENCY_ARRAY_ADDED"
	jsonDependencyArrayRemoved            jsonDiff = "DEPENDENCY_ARRAY_REMOVED"
	jsonDependencyArrayExtended           jsonDiff = "DEPENDENCY_ARRAY_EXTENDED"
	jsonDependencyArrayNarrowed           jsonDiff = "DEPENDENCY_ARRAY_NARROWED"
	jsonDependencyArrayChanged            jsonDiff = "DEPENDENCY_ARRAY_CHANGED"
	jsonDependencySchemaAdded             jsonDiff = "DEPENDENCY_SCHEMA_ADDED"
	jsonDependencySchemaRemoved           jsonDiff = "DEPENDENCY_SCHEMA_REMOVED"

	jsonRequiredPropertyAddedToOpen              jsonDiff = "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
	jsonRequiredPropertyWithDefaultAddedToOpen   jsonDiff = "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL"
	jsonOptionalPropertyAddedToOpen              jsonDiff = "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
	jsonPropertyWithEmptySchemaAddedToOpen       jsonDiff = "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
	jsonRequiredPropertyAddedToUnopen            jsonDiff = "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
	jsonRequiredPropertyWithDefaultAddedToUnopen jsonDiff = "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL"
	jsonOptionalPropertyAddedToUnopen            jsonDiff = "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
	jsonPropertyRemovedFromOpen                  jsonDiff = "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL"
	jsonPropertyWithFalseRemovedFromClosed       jsonDiff = "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	jsonPropertyRemovedFromClosed                jsonDiff = "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	jsonPropertyRemovedCovered                   jsonDiff = "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	jsonPropertyRemovedNotCovered                jsonDiff = "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	jsonPropertyAddedCovered                     jsonDiff = "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	jsonPropertyAddedNotCovered                  jsonDiff = "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	jsonUnevaluatedPropertiesAdded               jsonDiff = "UNEVALUATED_PROPERTIES_ADDED"
	jsonUnevaluatedPropertiesRemoved             jsonDiff = "UNEVALUATED_PROPERTIES_REMOVED"
	jsonUnevaluatedPropertiesExtended            jsonDiff = "UNEVALUATED_PROPERTIES_EXTENDED"
	jsonUnevaluatedPropertiesNarrowed            jsonDiff = "UNEVALUATED_PROPERTIES_NARROWED"

	jsonMaxItemsAdded                  jsonDiff = "MAX_ITEMS_ADDED"
	jsonMaxItemsRemoved                jsonDiff = "MAX_ITEMS_REMOVED"
	jsonMaxItemsIncreased              jsonDiff = "MAX_ITEMS_INCREASED"
	jsonMaxItemsDecreased              jsonDiff = "MAX_ITEMS_DECREASED"
	jsonMinItemsAdded                  jsonDiff = "MIN_ITEMS_ADDED"
	jsonMinItemsRemoved                jsonDiff = "MIN_ITEMS_REMOVED"
	jsonMinItemsIncreased              jsonDiff = "MIN_ITEMS_INCREASED"
	jsonMinItemsDecreased              jsonDiff = "MIN_ITEMS_DECREASED"
	jsonMaxContainsAdded               jsonDiff = "MAX_CONTAINS_ADDED"
	jsonMaxContainsRemoved             jsonDiff = "MAX_CONTAINS_REMOVED"
	jsonMaxContainsIncreased           jsonDiff = "MAX_CONTAINS_INCREASED"
	jsonMaxContainsDecreased           jsonDiff = "MAX_CONTAINS_DECREASED"
	jsonMinContainsAdded               jsonDiff = "MIN_CONTAINS_ADDED"
	jsonMinContainsRemoved             jsonDiff = "MIN_CONTAINS_REMOVED"
	jsonMinContainsIncreased           jsonDiff = "MIN_CONTAINS_INCREASED"
	jsonMinContainsDecreased           jsonDiff = "MIN_CONTAINS_DECREASED"
	jsonUniqueItemsAdded               jsonDiff = "UNIQUE_ITEMS_ADDED"
	jsonUniqueItemsRemoved             jsonDiff = "UNIQUE_ITEMS_REMOVED"
	jsonAdditionalItemsAdded           jsonDiff = "ADDITIONAL_ITEMS_ADDED"
	jsonAdditionalItemsRemoved         jsonDiff = "ADDITIONAL_ITEMS_REMOVED"
	jsonAdditionalItemsExtended        jsonDiff = "ADDITIONAL_ITEMS_EXTENDED"
	jsonAdditionalItemsNarrowed        jsonDiff = "ADDITIONAL_ITEMS_NARROWED"
	jsonUnevaluatedItemsAdded          jsonDiff = "UNEVALUATED_ITEMS_ADDED"
	jsonUnevaluatedItemsRemoved        jsonDiff = "UNEVALUATED_ITEMS_REMOVED"
	jsonUnevaluatedItemsExtended       jsonDiff = "UNEVALUATED_ITEMS_EXTENDED"
	jsonUnevaluatedItemsNarrowed       jsonDiff = "UNEVALUATED_ITEMS_NARROWED"
	jsonItemAddedToOpen                jsonDiff = "ITEM_ADDED_TO_OPEN_CONTENT_MODEL"
	jsonItemWithEmptySchemaAddedToOpen jsonDiff = "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
	jsonItemAddedToClosed              jsonDiff = "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL"
	jsonItemRemovedFromOpen            jsonDiff = "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL"
	jsonItemWithFalseRemovedFromClosed jsonDiff = "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	jsonItemRemovedFromClosed          jsonDiff = "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	jsonItemRemovedCovered             jsonDiff = "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	jsonItemRemovedNotCovered          jsonDiff = "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	jsonItemAddedCovered               jsonDiff = "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	jsonItemAddedNotCovered            jsonDiff = "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"

	jsonEnumArrayExtended jsonDiff = "ENUM_ARRAY_EXTENDED"
	jsonEnumArrayNarrowed jsonDiff = "ENUM_ARRAY_NARROWED"
	jsonEnumArrayChanged  jsonDiff = "ENUM_ARRAY_CHANGED"

	jsonCombinedTypeExtended          jsonDiff = "COMBINED_TYPE_EXTENDED"
	jsonCombinedTypeChanged           jsonDiff = "COMBINED_TYPE_CHANGED"
	jsonProductTypeExtended           jsonDiff = "PRODUCT_TYPE_EXTENDED"
	jsonProductTypeNarrowed           jsonDiff = "PRODUCT_TYPE_NARROWED"
	jsonSumTypeExtended               jsonDiff = "SUM_TYPE_EXTENDED"
	jsonSumTypeNarrowed               jsonDiff = "SUM_TYPE_NARROWED"
	jsonCombinedTypeSubschemasChanged jsonDiff = "COMBINED_TYPE_SUBSCHEMAS_CHANGED"
	jsonNotTypeExtended               jsonDiff = "NOT_TYPE_EXTENDED"
	jsonNotTypeNarrowed               jsonDiff = "NOT_TYPE_NARROWED"
)

// jsonCompatible holds the differences that do not break compatibility:
// Confluent's SchemaDiff.COMPATIBLE_CHANGES_STRICT, the set its registry
// checks with.
var jsonCompatible = setOf(
	jsonIDChanged, jsonDescriptionChanged, jsonTitleChanged, jsonDefaultChanged, jsonSchemaRemoved, jsonTypeExtended,
	jsonMaxLengthIncreased, jsonMaxLengthRemoved, jsonMinLengthDecreased, jsonMinLengthRemoved, jsonPatternRemoved,
	jsonMaximumIncreased, jsonMaximumRemoved, jsonMinimumDecreased, jsonMinimumRemoved,
	jsonExclusiveMaximumIncreased, jsonExclusiveMaximumRemoved, jsonExclusiveMinimumDecreased,
	jsonExclusiveMinimumRemoved, jsonMultipleOfReduced, jsonMultipleOfRemoved,
	jsonRequiredAttributeWithDefaultAdded, jsonRequiredAttributeRemoved, jsonDependencyArrayNarrowed,
	jsonDependencyArrayRemoved, jsonDependencySchemaRemoved, jsonMaxPropertiesIncreased, jsonMaxPropertiesRemoved,
	jsonMinPropertiesDecreased, jsonMinPropertiesRemoved, jsonAdditionalPropertiesAdded,
	jsonAdditionalPropertiesExtended, jsonUnevaluatedPropertiesAdded, jsonUnevaluatedPropertiesExtended,
	jsonPropertyWithEmptySchemaAddedToOpen, jsonRequiredPropertyWithDefaultAddedToUnopen,
	jsonOptionalPropertyAddedToUnopen, jsonPropertyWithFalseRemovedFromClosed, jsonPropertyRemovedFromOpen,
	jsonPropertyAddedCovered, jsonPropertyRemovedCovered,
	jsonMaxItemsIncreased, jsonMaxItemsRemoved, jsonMinItemsDecreased, jsonMinItemsRemoved,
	jsonMaxContainsIncreased, jsonMaxContainsRemoved, jsonMinContainsDecreased, jsonMinContainsRemoved,
	jsonUniqueItemsRemoved, jsonAdditionalItemsAdded, jsonAdditionalItemsExtended, jsonUnevaluatedItemsAdded,
	jsonUnevaluatedItemsExtended, jsonItemWithEmptySchemaAddedToOpen, jsonItemAddedToClosed,
	jsonItemWithFalseRemovedFromClosed, jsonItemRemovedFromOpen, jsonItemAddedCovered, jsonItemRemovedCovered,
	jsonEnumArrayExtended, jsonCombinedTypeExtended, jsonProductTypeNarrowed, jsonSumTypeExtended,
	jsonNotTypeNarrowed,
)

// These sets group the differences by the description Confluent gives
// them; a difference in no set has an empty description.
var (
	jsonKeywordAddedOrRemoved = setOf(jsonMaximumAdded, jsonMinimumAdded, jsonExclusiveMaximumAdded,
		jsonExclusiveMinimumAdded, jsonMultipleOfAdded, jsonMaxLengthAdded, jsonMinLengthAdded, jsonPatternAdded,
		jsonRequiredAttributeAdded, jsonMaxPropertiesAdded, jsonMinPropertiesAdded, jsonDependencyArrayAdded,
		jsonDependencySchemaAdded, jsonMaxItemsAdded, jsonMinItemsAdded, jsonMaxContainsAdded, jsonMinContainsAdded,
		jsonUniqueItemsAdded, jsonAdditionalItemsRemoved, jsonAdditionalPropertiesRemoved,
		jsonUnevaluatedPropertiesRemoved, jsonUnevaluatedItemsRemoved)
	jsonValueIncreased = setOf(jsonMinLengthIncreased, jsonMinimumIncreased, jsonExclusiveMinimumIncreased,
		jsonMinPropertiesIncreased, jsonMultipleOfExpanded, jsonMinItemsIncreased, jsonMinContainsIncreased)
	jsonValueDecreased = setOf(jsonMaxLengthDecreased, jsonMaximumDecreased, jsonMaxItemsDecreased,
		jsonMaxContainsDecreased, jsonExclusiveMaximumDecreased, jsonMaxPropertiesDecreased)
	jsonTypeNarrowings = setOf(jsonAdditionalItemsNarrowed, jsonEnumArrayNarrowed, jsonSumTypeNarrowed,
		jsonAdditionalPropertiesNarrowed, jsonUnevaluatedPropertiesNarrowed, jsonUnevaluatedItemsNarrowed)
	jsonValueChanged  = setOf(jsonPatternChanged, jsonMultipleOfChanged, jsonDependencyArrayChanged)
	jsonTypeChanges   = setOf(jsonTypeChanged, jsonTypeNarrowed, jsonCombinedTypeChanged, jsonCombinedTypeSubschemasChanged, jsonEnumArrayChanged)
	jsonTypeExtension = setOf(jsonDependencyArrayExtended, jsonProductTypeExtended, jsonSumTypeExtended, jsonNotTypeExtended)
	jsonAddedToOpen   = setOf(jsonRequiredPropertyAddedToOpen, jsonRequiredPropertyWithDefaultAddedToOpen,
		jsonOptionalPropertyAddedToOpen, jsonItemAddedToOpen)
)

func setOf(diffs ...jsonDiff) map[jsonDiff]bool {
	set := make(map[jsonDiff]bool, len(diffs))
	for _, d := range diffs {
		set[d] = true
	}
	return set
}

// jsonDifference is one difference found at a place of the schemas.
type jsonDifference struct {
	kind jsonDiff
	// path is where, as Confluent writes it: "#/" and the path segments
	// joined with "/", unescaped.
	path string
}

// description returns Confluent's description of the difference, with a
// %s for the reader's role and a %s for the writer's.
func (d jsonDifference) description() string {
	p := d.path
	switch k := d.kind; {
	case jsonKeywordAddedOrRemoved[k]:
		return "The keyword at path '" + p + "' in the %s schema is not present in the %s schema"
	case jsonValueIncreased[k]:
		return "The value at path '" + p + "' in the %s schema is more than its value in the %s schema"
	case jsonValueDecreased[k]:
		return "The value at path '" + p + "' in the %s schema is less than its value in the %s schema"
	case jsonValueChanged[k]:
		return "The value at path '" + p + "' is different between the %s and %s schema"
	case jsonTypeNarrowings[k]:
		return "An array or combined type at path '" + p + "' has fewer elements in the %s schema than the %s schema"
	case jsonTypeExtension[k]:
		return "An array or combined type at path '" + p + "' has more elements in the %s schema than the %s schema"
	case jsonTypeChanges[k]:
		return "A type at path '" + p + "' is different between the %s schema and the %s schema"
	case jsonAddedToOpen[k]:
		return "The %s schema has an open content model and has a property or item at path '" + p +
			"' which is missing in the %s schema"
	case k == jsonRequiredPropertyAddedToUnopen:
		return "The %s schema has an unopen content model and has a required property at path '" + p +
			"' which is missing in the %s schema"
	case k == jsonPropertyRemovedFromClosed || k == jsonItemRemovedFromClosed:
		return "The %s has a closed content model and is missing a property or item present at path '" + p +
			"' in the %s schema"
	case k == jsonPropertyRemovedNotCovered || k == jsonItemRemovedNotCovered:
		return "A property or item is missing in the %s schema but present at path '" + p +
			"' in the %s schema and is not covered by its partially open content model"
	case k == jsonPropertyAddedNotCovered || k == jsonItemAddedNotCovered:
		return "The %s schema has a property or item at path '" + p +
			"' which is missing in the %s schema and is not covered by its partially open content model"
	}
	return ""
}

// Message implements Incompatibility as Confluent's Difference.toString,
// its unbalanced quotes included, formatted with the roles as Java's
// String.format does.
func (d jsonDifference) Message(readerRole, writerRole string) string {
	return javaFormat(`{errorType:"`+string(d.kind)+`", description:"`+d.description()+`'}`, readerRole, writerRole)
}

// jsonNodes is what the JSON Schema rules need from a parsed schema: its
// tree of nodes, every $ref resolved.
type jsonNodes interface {
	Root() *jsonschema.Node
}

// jsonChecker applies Confluent's JSON Schema compatibility rules (its
// json/diff package, strict policy): the writer's schema is the original,
// the reader's the update, and every difference outside the compatible set
// is a reason. Like Confluent, the rules compare the shapes of the
// schemas, not the sets of documents they accept.
type jsonChecker struct{}

// Incompatibilities implements Checker.
func (jsonChecker) Incompatibilities(reader, writer formats.Schema) []Incompatibility {
	update, err := jsonRoot(reader)
	if err != nil {
		return []Incompatibility{unexpectedFailure{err}}
	}
	original, err := jsonRoot(writer)
	if err != nil {
		return []Incompatibility{unexpectedFailure{err}}
	}
	diffs, err := compareJSONSchemas(original, update)
	if err != nil {
		return []Incompatibility{unexpectedFailure{err}}
	}
	var reasons []Incompatibility
	for _, d := range diffs {
		if !jsonCompatible[d.kind] {
			reasons = append(reasons, d)
		}
	}
	return reasons
}

func jsonRoot(s formats.Schema) (*jsonschema.Node, error) {
	parsed, ok := s.(jsonNodes)
	if !ok {
		return nil, fmt.Errorf("schema %T is not a parsed JSON schema", s)
	}
	return parsed.Root(), nil
}
