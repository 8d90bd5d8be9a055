package compat

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/goschemaregistry/registry/formats/jsonschema"
)

// Bounds of one comparison. Confluent has none but a request timeout; these
// make a hostile pair of schemas fail fast instead.
const (
	// jsonMaxPairs is the most pairs of schemas one pass compares.
	jsonMaxPairs = 1_000_000
	// jsonMaxNesting is the deepest nesting of comparisons, which only
	// references can make deeper than the JSON text.
	jsonMaxNesting = 10_000
	// jsonMaxPasses is the most fixpoint passes (see compareJSONSchemas).
	jsonMaxPasses = 100
	// jsonMaxPathBytes bounds the paths written for the differences of one
	// pass, which a difference found deep in a chain of references has
	// rewritten at every level.
	jsonMaxPathBytes = 64 << 20
)

// errTooComplex ends a comparison beyond the bounds.
var errTooComplex = errors.New("the schemas are too complex to compare")

// jsonPair is a pair of schemas compared, by identity.
type jsonPair struct{ original, update *jsonschema.Node }

// jsonComparison is the state one pass of a comparison shares.
type jsonComparison struct {
	// memo holds the differences found for each pair compared, with paths
	// relative to the pair.
	memo map[jsonPair][]jsonDifference
	// inProgress holds the pairs being compared further up.
	inProgress map[jsonPair]bool
	// seed holds the pairs an earlier pass found incompatible, with their
	// differences.
	seed map[jsonPair][]jsonDifference
	// optimistic is set when a recursive pair was assumed compatible.
	optimistic bool
	// fingerprints caches the identity texts of subschemas.
	fingerprints map[*jsonschema.Node]string
	pairs        int
	nesting      int
	pathBytes    int
	err          error
}

// jsonContext collects the differences of a comparison at a path, as
// Confluent's diff.Context does.
type jsonContext struct {
	cmp   *jsonComparison
	path  []string
	diffs []jsonDifference
}

// compareJSONSchemas lists the differences between original and update, as
// Confluent's SchemaDiff.compare does. A pair of schemas met again while it
// is being compared (a recursive schema) is assumed compatible; since a
// pair compared under that assumption is remembered, the comparison is
// repeated with the pairs found incompatible known as such, until they no
// longer change.
func compareJSONSchemas(original, update *jsonschema.Node) ([]jsonDifference, error) {
	var seed map[jsonPair][]jsonDifference
	for range jsonMaxPasses {
		cmp := &jsonComparison{
			memo:         make(map[jsonPair][]jsonDifference),
			inProgress:   make(map[jsonPair]bool),
			seed:         seed,
			fingerprints: make(map[*jsonschema.Node]string),
		}
		root := &jsonContext{cmp: cmp}
		root.compare(original, update)
		if cmp.err != nil {
			return nil, cmp.err
		}
		incompatible := cmp.incompatiblePairs()
		if !cmp.optimistic || sameKeys(incompatible, seed) {
			return root.diffs, nil
		}
		seed = incompatible
	}
	return nil, errTooComplex
}

func (cmp *jsonComparison) incompatiblePairs() map[jsonPair][]jsonDifference {
	found := make(map[jsonPair][]jsonDifference)
	for pair, diffs := range cmp.memo {
		if !jsonAllCompatible(diffs) {
			found[pair] = diffs
		}
	}
	return found
}

func sameKeys(a, b map[jsonPair][]jsonDifference) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}

func jsonAllCompatible(diffs []jsonDifference) bool {
	for _, d := range diffs {
		if !jsonCompatible[d.kind] {
			return false
		}
	}
	return true
}

// sub returns a context at the same path that collects its own differences.
func (c *jsonContext) sub() *jsonContext {
	return &jsonContext{cmp: c.cmp, path: slices.Clip(c.path)}
}

func (c *jsonContext) compatible() bool { return jsonAllCompatible(c.diffs) }

// enter extends the path by segment until the returned function is called.
func (c *jsonContext) enter(segment string) func() {
	c.path = append(c.path, segment)
	return func() { c.path = c.path[:len(c.path)-1] }
}

func (c *jsonContext) pathString() string { return "#/" + strings.Join(c.path, "/") }

func (c *jsonContext) add(kind jsonDiff) {
	c.record(jsonDifference{kind: kind, path: c.pathString()})
}

// record adds differences, within the bounds of the comparison.
func (c *jsonContext) record(diffs ...jsonDifference) {
	for _, d := range diffs {
		c.cmp.pathBytes += len(d.path)
	}
	if c.cmp.pathBytes > jsonMaxPathBytes {
		c.cmp.err = errTooComplex
		return
	}
	c.diffs = append(c.diffs, diffs...)
}

// addAt records a difference at the path extended by segment.
func (c *jsonContext) addAt(segment string, kind jsonDiff) {
	defer c.enter(segment)()
	c.add(kind)
}

// addRebased records differences found relative to a pair compared at the
// current path.
func (c *jsonContext) addRebased(diffs []jsonDifference) {
	if len(c.path) == 0 {
		c.record(diffs...)
		return
	}
	prefix := c.pathString()
	for _, d := range diffs {
		path := prefix
		if len(d.path) > 2 {
			path += "/" + d.path[2:]
		}
		c.record(jsonDifference{kind: d.kind, path: path})
		if c.cmp.err != nil {
			return
		}
	}
}

// compare compares two schemas, either of which may be absent, at the
// current path (SchemaDiff.compare).
func (c *jsonContext) compare(original, update *jsonschema.Node) {
	cmp := c.cmp
	if cmp.err != nil {
		return
	}
	switch {
	case original == nil && update == nil:
		return
	case original == nil:
		c.add(jsonSchemaAdded)
		return
	case update == nil:
		c.add(jsonSchemaRemoved)
		return
	}
	original, update = dereference(original, &cmp.err), dereference(update, &cmp.err)
	if cmp.err != nil {
		return
	}
	pair := jsonPair{original, update}
	diffs, cached := cmp.memo[pair]
	switch {
	case cached:
	case cmp.inProgress[pair]:
		// A recursive pair: compatible unless an earlier pass proved not.
		diffs = cmp.seed[pair]
		if diffs == nil {
			cmp.optimistic = true
		}
	default:
		cmp.pairs++
		cmp.nesting++
		if cmp.pairs > jsonMaxPairs || cmp.nesting > jsonMaxNesting {
			cmp.err = errTooComplex
			return
		}
		cmp.inProgress[pair] = true
		sub := &jsonContext{cmp: cmp}
		sub.compareTypes(original, update)
		delete(cmp.inProgress, pair)
		cmp.nesting--
		diffs = slices.Clip(sub.diffs)
		cmp.memo[pair] = diffs
	}
	c.addRebased(diffs)
}

// dereference returns the schema a reference refers to, one level deep as
// in Confluent, or n itself.
func dereference(n *jsonschema.Node, err *error) *jsonschema.Node {
	if n.Kind != jsonschema.ReferenceNode {
		return n
	}
	if n.Target == nil {
		*err = fmt.Errorf("Unresolved $ref '%s'", n.Ref)
		return n
	}
	return n.Target
}

// isEmptySchema reports whether n accepts everything (Everit's EmptySchema,
// of which TrueSchema is a kind).
func isEmptySchema(n *jsonschema.Node) bool {
	return n.Kind == jsonschema.EmptyNode || n.Kind == jsonschema.TrueNode
}

// compareTypes compares two dereferenced schemas (SchemaDiff.compareTypes).
func (c *jsonContext) compareTypes(original, update *jsonschema.Node) {
	combined := jsonschema.CombinedNode
	switch {
	case original.Kind != combined && update.Kind == combined:
		if len(update.Subschemas) == 1 {
			if c.adoptIfCompatible(original, update.Subschemas[0]) {
				return
			}
		} else if update.Criterion == jsonschema.AnyOf || update.Criterion == jsonschema.OneOf {
			for _, s := range update.Subschemas {
				if c.adoptIfCompatible(original, s) {
					c.add(jsonSumTypeExtended)
					return
				}
			}
		}
	case original.Kind == combined && update.Kind != combined:
		if len(original.Subschemas) == 1 {
			if c.adoptIfCompatible(original.Subschemas[0], update) {
				return
			}
		} else if original.Criterion == jsonschema.AllOf {
			for _, s := range original.Subschemas {
				if c.adoptIfCompatible(s, update) {
					c.add(jsonProductTypeNarrowed)
					return
				}
			}
		}
	}
	if original.Kind != update.Kind {
		if original.Kind == jsonschema.FalseNode || isEmptySchema(update) {
			return
		}
		if original.ConnectType == "bytes" && update.ConnectType == "bytes" {
			// Confluent lets two schemas of Connect bytes differ in type.
			return
		}
		c.add(jsonTypeChanged)
		return
	}
	if !equalStrings(original.ID, update.ID) {
		c.add(jsonIDChanged)
	}
	if !equalStrings(original.Title, update.Title) {
		c.add(jsonTitleChanged)
	}
	if !equalStrings(original.Description, update.Description) {
		c.add(jsonDescriptionChanged)
	}
	if !equalDefaults(original.Default, update.Default) {
		c.add(jsonDefaultChanged)
	}
	switch original.Kind {
	case jsonschema.StringNode:
		c.compareString(original, update)
	case jsonschema.NumberNode:
		c.compareNumber(original, update)
	case jsonschema.ConstNode:
		if original.Const.Key != update.Const.Key {
			c.addAt("const", jsonEnumArrayChanged)
		}
	case jsonschema.EnumNode:
		c.compareEnum(original, update)
	case jsonschema.CombinedNode:
		c.compareCombined(original, update)
	case jsonschema.NotNode:
		defer c.enter("not")()
		// The negated schemas are compared the other way round.
		sub := c.sub()
		sub.compare(update.Not, original.Not)
		if sub.compatible() {
			c.add(jsonNotTypeNarrowed)
		} else {
			c.add(jsonNotTypeExtended)
		}
	case jsonschema.ObjectNode:
		c.compareObject(original, update)
	case jsonschema.ArrayNode:
		c.compareArray(original, update)
	}
}

// adoptIfCompatible compares original with update in a subcontext and, if
// they are compatible, adopts its differences.
func (c *jsonContext) adoptIfCompatible(original, update *jsonschema.Node) bool {
	sub := c.sub()
	sub.compare(original, update)
	if !sub.compatible() {
		return false
	}
	c.record(sub.diffs...)
	return true
}

func equalStrings(a, b *string) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

// equalDefaults compares defaults as Java's Objects.equals compares the
// org.json values Confluent holds them in: objects and arrays only equal
// themselves.
func equalDefaults(a, b *jsonschema.Literal) bool {
	if a == nil || b == nil {
		return a == b
	}
	return !a.Composite && !b.Composite && a.Key == b.Key
}

// compareBound records how an optional bound changed.
func (c *jsonContext) compareBound(name string, original, update *int64, added, removed, increased, decreased jsonDiff) {
	switch {
	case original == nil && update == nil:
	case original == nil:
		c.addAt(name, added)
	case update == nil:
		c.addAt(name, removed)
	case *original < *update:
		c.addAt(name, increased)
	case *original > *update:
		c.addAt(name, decreased)
	}
}

// compareLimit records how an optional numeric limit changed; limits of
// equal value but different spelling do not differ.
func (c *jsonContext) compareLimit(name string, original, update *jsonschema.Number, added, removed, increased, decreased jsonDiff) {
	switch {
	case original == nil && update == nil:
	case original == nil:
		c.addAt(name, added)
	case update == nil:
		c.addAt(name, removed)
	case original.Float < update.Float:
		c.addAt(name, increased)
	case original.Float > update.Float:
		c.addAt(name, decreased)
	}
}

func (c *jsonContext) compareString(original, update *jsonschema.Node) {
	c.compareBound("maxLength", original.MaxLength, update.MaxLength,
		jsonMaxLengthAdded, jsonMaxLengthRemoved, jsonMaxLengthIncreased, jsonMaxLengthDecreased)
	c.compareBound("minLength", original.MinLength, update.MinLength,
		jsonMinLengthAdded, jsonMinLengthRemoved, jsonMinLengthIncreased, jsonMinLengthDecreased)
	switch {
	case original.Pattern == nil && update.Pattern != nil:
		c.addAt("pattern", jsonPatternAdded)
	case original.Pattern != nil && update.Pattern == nil:
		c.addAt("pattern", jsonPatternRemoved)
	case original.Pattern != nil && *original.Pattern != *update.Pattern:
		c.addAt("pattern", jsonPatternChanged)
	}
}

func (c *jsonContext) compareNumber(original, update *jsonschema.Node) {
	c.compareLimit("maximum", original.Maximum, update.Maximum,
		jsonMaximumAdded, jsonMaximumRemoved, jsonMaximumIncreased, jsonMaximumDecreased)
	c.compareLimit("minimum", original.Minimum, update.Minimum,
		jsonMinimumAdded, jsonMinimumRemoved, jsonMinimumIncreased, jsonMinimumDecreased)
	// Confluent compares a lowered exclusive maximum with the update's
	// maximum, not its exclusive maximum, and fails without one.
	switch o, u := original.ExclusiveMaximum, update.ExclusiveMaximum; {
	case o == nil && u == nil, o != nil && u != nil && o.Text == u.Text:
	case o == nil:
		c.addAt("exclusiveMaximum", jsonExclusiveMaximumAdded)
	case u == nil:
		c.addAt("exclusiveMaximum", jsonExclusiveMaximumRemoved)
	case o.Float < u.Float:
		c.addAt("exclusiveMaximum", jsonExclusiveMaximumIncreased)
	case update.Maximum == nil:
		c.cmp.err = errors.New(`Cannot invoke "java.lang.Number.doubleValue()" because the return value of ` +
			`"org.everit.json.schema.NumberSchema.getMaximum()" is null`)
	case o.Float > update.Maximum.Float:
		c.addAt("exclusiveMaximum", jsonExclusiveMaximumDecreased)
	}
	c.compareLimit("exclusiveMinimum", original.ExclusiveMinimum, update.ExclusiveMinimum,
		jsonExclusiveMinimumAdded, jsonExclusiveMinimumRemoved, jsonExclusiveMinimumIncreased, jsonExclusiveMinimumDecreased)
	c.compareMultipleOf(original.MultipleOf, update.MultipleOf)
	switch {
	case original.Integer && !update.Integer:
		c.add(jsonTypeExtended)
	case !original.Integer && update.Integer:
		c.add(jsonTypeNarrowed)
	}
}

// compareMultipleOf compares multipleOf as exact decimals: a multiple of the
// original narrows, a divisor widens.
func (c *jsonContext) compareMultipleOf(original, update *jsonschema.Number) {
	switch {
	case original == nil && update == nil:
		return
	case original == nil:
		c.addAt("multipleOf", jsonMultipleOfAdded)
		return
	case update == nil:
		c.addAt("multipleOf", jsonMultipleOfRemoved)
		return
	}
	o, oErr := parseDecimal(original.Text)
	u, uErr := parseDecimal(update.Text)
	if oErr != nil || uErr != nil {
		if original.Float != update.Float {
			c.addAt("multipleOf", jsonMultipleOfChanged)
		}
		return
	}
	switch {
	case o.equal(u):
	case !o.isZero() && u.isMultipleOf(o):
		c.addAt("multipleOf", jsonMultipleOfExpanded)
	case !u.isZero() && o.isMultipleOf(u):
		c.addAt("multipleOf", jsonMultipleOfReduced)
	default:
		c.addAt("multipleOf", jsonMultipleOfChanged)
	}
}

func (c *jsonContext) compareEnum(original, update *jsonschema.Node) {
	o, u := literalSet(original.Enum), literalSet(update.Enum)
	if maps.Equal(o, u) {
		return
	}
	switch {
	case containsAll(u, o):
		c.addAt("enum", jsonEnumArrayExtended)
	case containsAll(o, u):
		c.addAt("enum", jsonEnumArrayNarrowed)
	default:
		c.addAt("enum", jsonEnumArrayChanged)
	}
}

func literalSet(values []jsonschema.Literal) map[string]bool {
	set := make(map[string]bool, len(values))
	for _, v := range values {
		set[v.Key] = true
	}
	return set
}

func containsAll(set, subset map[string]bool) bool {
	for k := range subset {
		if !set[k] {
			return false
		}
	}
	return true
}

// compareCombined compares two combined schemas (CombinedSchemaDiff):
// every subschema of the original is compared with every subschema of the
// update, and the compatible pairs must cover the smaller side.
func (c *jsonContext) compareCombined(original, update *jsonschema.Node) {
	if c.compareCriteria(original, update) == jsonCombinedTypeChanged {
		return
	}
	originals := c.distinct(original.Subschemas)
	updates := c.distinct(update.Subschemas)
	switch {
	case len(originals) < len(updates):
		if update.Criterion == jsonschema.AllOf {
			c.add(jsonProductTypeExtended)
		} else {
			c.add(jsonSumTypeExtended)
		}
	case len(originals) > len(updates):
		if original.Criterion == jsonschema.AnyOf || original.Criterion == jsonschema.OneOf {
			c.add(jsonSumTypeNarrowed)
		} else {
			c.add(jsonProductTypeNarrowed)
		}
	}
	edges := make([][]int, len(originals))
	edgeDiffs := make(map[[2]int][]jsonDifference)
	for i, o := range originals {
		leave := c.enter(fmt.Sprintf("%s/%d", original.Criterion, i))
		for j, u := range updates {
			sub := c.sub()
			sub.compare(o, u)
			if sub.compatible() {
				edges[i] = append(edges[i], j)
				edgeDiffs[[2]int{i, j}] = sub.diffs
			}
		}
		leave()
	}
	matching := maximumMatching(edges, len(updates))
	matched := 0
	for i, j := range matching {
		if j >= 0 {
			matched++
			c.record(edgeDiffs[[2]int{i, j}]...)
		}
	}
	if matched < min(len(originals), len(updates)) {
		c.add(jsonCombinedTypeSubschemasChanged)
	}
}

// compareCriteria records a change of criterion and returns it.
func (c *jsonContext) compareCriteria(original, update *jsonschema.Node) jsonDiff {
	oc, uc := original.Criterion, update.Criterion
	singleton := func(n *jsonschema.Node) bool { return len(n.Subschemas) == 1 }
	var kind jsonDiff
	switch {
	case oc == uc:
		return ""
	case uc == jsonschema.AnyOf,
		singleton(original) && singleton(update),
		singleton(original) && uc == jsonschema.OneOf,
		singleton(update) && oc == jsonschema.AllOf:
		kind = jsonCombinedTypeExtended
	default:
		kind = jsonCombinedTypeChanged
	}
	c.add(kind)
	return kind
}

// distinct returns the subschemas without those written the same as an
// earlier one, as Confluent collects them in a set.
func (c *jsonContext) distinct(subschemas []*jsonschema.Node) []*jsonschema.Node {
	kinds := make(map[jsonschema.NodeKind]bool, len(subschemas))
	for _, s := range subschemas {
		kinds[s.Kind] = true
	}
	if len(kinds) == len(subschemas) {
		// Subschemas of different kinds are written differently.
		return subschemas
	}
	seen := make(map[string]bool, len(subschemas))
	out := make([]*jsonschema.Node, 0, len(subschemas))
	for _, s := range subschemas {
		f := c.cmp.fingerprint(s)
		if !seen[f] {
			seen[f] = true
			out = append(out, s)
		}
	}
	return out
}
