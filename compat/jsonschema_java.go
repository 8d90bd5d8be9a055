package compat

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/goschemaregistry/registry/formats/jsonschema"
)

// This file reproduces the Java behaviour Confluent's JSON Schema rules
// depend on: the iteration order of HashMaps and HashSets of names (which
// orders the reasons), String.format, BigDecimal arithmetic, and the
// identity of subschemas in a set.

// javaStringHash is Java's String.hashCode, over UTF-16 code units.
func javaStringHash(s string) int32 {
	var h int32
	for _, r := range s {
		if r >= 0x10000 {
			high, low := utf16.EncodeRune(r)
			h = 31*(31*h+high) + low
			continue
		}
		h = 31*h + r
	}
	return h
}

// javaBucket is the bucket of a HashMap of the given capacity (a power of
// two) that holds key.
func javaBucket(key string, capacity int) int {
	h := uint32(javaStringHash(key))
	return int((h ^ h>>16) & uint32(capacity-1))
}

// javaIterationOrder returns keys, distinct and in insertion order, in the
// order a java.util.HashMap of the given capacity iterates them: by
// bucket, and within a bucket by insertion.
func javaIterationOrder(keys []string, capacity int) []string {
	type bucketed struct {
		key    string
		bucket int
	}
	entries := make([]bucketed, len(keys))
	for i, k := range keys {
		entries[i] = bucketed{k, javaBucket(k, capacity)}
	}
	slices.SortStableFunc(entries, func(a, b bucketed) int { return a.bucket - b.bucket })
	ordered := make([]string, len(entries))
	for i, e := range entries {
		ordered[i] = e.key
	}
	return ordered
}

// javaHashMapOrder returns the order in which a HashMap filled by putting
// keys one by one, from the default capacity of 16, iterates them: the
// order of the properties of an Everit ObjectSchema.
func javaHashMapOrder(keys []string) []string {
	capacity := 16
	for capacity*3/4 < len(keys) {
		capacity *= 2
	}
	return javaIterationOrder(keys, capacity)
}

// javaHashSetUnionOrder returns the order in which Confluent iterates the
// union of two sets of names, built as new HashSet<>(first) then
// addAll(second): the set is sized for the first, then grows.
func javaHashSetUnionOrder(first, second []string) []string {
	keys := slices.Clone(first)
	seen := stringSet(first)
	for _, k := range second {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	capacity := tableSizeFor(max(int(float32(len(first))/0.75)+1, 16))
	for capacity*3/4 < len(keys) {
		capacity *= 2
	}
	return javaIterationOrder(keys, capacity)
}

// tableSizeFor is the power of two a HashMap of the initial capacity n
// starts with.
func tableSizeFor(n int) int {
	capacity := 1
	for capacity < n {
		capacity *= 2
	}
	return capacity
}

// javaFormat formats a message as Java's String.format does with string
// arguments: %s takes the next argument, %% is a percent sign, %n a line
// break. The messages carry property names, so anything else (which Java
// would reject) is left as written.
func javaFormat(format string, args ...string) string {
	var b strings.Builder
	next := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			b.WriteByte(format[i])
			continue
		}
		switch format[i+1] {
		case 's':
			if next == len(args) {
				b.WriteString("%s")
				break
			}
			b.WriteString(args[next])
			next++
		case '%':
			b.WriteByte('%')
		case 'n':
			b.WriteByte('\n')
		default:
			b.WriteByte('%')
			continue
		}
		i++
	}
	return b.String()
}

// javaIntValue is a number's int value, as Java's Number.intValue of a
// double: truncated, saturated to 32 bits.
func javaIntValue(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt32:
		return math.MaxInt32
	case f <= math.MinInt32:
		return math.MinInt32
	}
	return int64(f)
}

// decimal is an exact decimal number, unscaled × 10^-scale, as Java's
// BigDecimal.
type decimal struct {
	unscaled *big.Int
	scale    int64
}

// parseDecimal parses the text of a number as the canonical schema writes
// it, e.g. -12, 1.50 or 1.5E+3. Exponents stay symbolic, so that no
// literal makes the arithmetic below large.
func parseDecimal(text string) (decimal, error) {
	mantissa, exponent, hasExponent := strings.Cut(strings.ToUpper(text), "E")
	var exp int64
	if hasExponent {
		var err error
		if exp, err = strconv.ParseInt(exponent, 10, 64); err != nil {
			return decimal{}, err
		}
	}
	whole, fraction, _ := strings.Cut(mantissa, ".")
	unscaled, ok := new(big.Int).SetString(whole+fraction, 10)
	if !ok {
		return decimal{}, errors.New("not a decimal: " + text)
	}
	return decimal{unscaled: unscaled, scale: int64(len(fraction)) - exp}, nil
}

func (d decimal) isZero() bool { return d.unscaled.Sign() == 0 }

// equal reports whether d and e have the same value, whatever their scales.
func (d decimal) equal(e decimal) bool {
	if d.isZero() || e.isZero() {
		return d.isZero() && e.isZero()
	}
	a, b := d.stripped(), e.stripped()
	return a.scale == b.scale && a.unscaled.Cmp(b.unscaled) == 0
}

// stripped returns d without trailing zeros in its unscaled value.
func (d decimal) stripped() decimal {
	ten := big.NewInt(10)
	u, r := new(big.Int).Set(d.unscaled), new(big.Int)
	scale := d.scale
	for {
		q, rem := new(big.Int).QuoRem(u, ten, r)
		if rem.Sign() != 0 {
			return decimal{unscaled: u, scale: scale}
		}
		u, scale = q, scale-1
	}
}

// isMultipleOf reports whether d divided by the non-zero o is an integer:
// BigDecimal's d.remainder(o) is zero.
func (d decimal) isMultipleOf(o decimal) bool {
	if d.isZero() {
		return true
	}
	divisor := new(big.Int).Abs(o.unscaled)
	// d / o = (D / O) × 10^k.
	k := o.scale - d.scale
	if k >= 0 {
		power := new(big.Int).Exp(big.NewInt(10), big.NewInt(k), divisor)
		product := new(big.Int).Mul(new(big.Int).Mod(new(big.Int).Abs(d.unscaled), divisor), power)
		return product.Mod(product, divisor).Sign() == 0
	}
	q, r := new(big.Int).QuoRem(new(big.Int).Abs(d.unscaled), divisor, new(big.Int))
	if r.Sign() != 0 || int64(len(q.String())) <= -k {
		return false
	}
	power := new(big.Int).Exp(big.NewInt(10), big.NewInt(-k), nil)
	return r.Mod(q, power).Sign() == 0
}

// maximumMatching returns a maximum matching of a bipartite graph
// (Hopcroft-Karp): edges[i] lists the right vertices left vertex i may be
// matched with; the result gives each left vertex its match, or -1.
func maximumMatching(edges [][]int, right int) []int {
	const unmatched = -1
	matchLeft := make([]int, len(edges))
	matchRight := make([]int, right)
	for i := range matchLeft {
		matchLeft[i] = unmatched
	}
	for j := range matchRight {
		matchRight[j] = unmatched
	}
	dist := make([]int, len(edges))
	bfs := func() bool {
		var queue []int
		found := false
		for i := range edges {
			if matchLeft[i] == unmatched {
				dist[i] = 0
				queue = append(queue, i)
			} else {
				dist[i] = math.MaxInt
			}
		}
		for len(queue) > 0 {
			i := queue[0]
			queue = queue[1:]
			for _, j := range edges[i] {
				switch k := matchRight[j]; {
				case k == unmatched:
					found = true
				case dist[k] == math.MaxInt:
					dist[k] = dist[i] + 1
					queue = append(queue, k)
				}
			}
		}
		return found
	}
	var dfs func(i int) bool
	dfs = func(i int) bool {
		for _, j := range edges[i] {
			k := matchRight[j]
			if k == unmatched || (dist[k] == dist[i]+1 && dfs(k)) {
				matchLeft[i], matchRight[j] = j, i
				return true
			}
		}
		dist[i] = math.MaxInt
		return false
	}
	for bfs() {
		for i := range edges {
			if matchLeft[i] == unmatched {
				dfs(i)
			}
		}
	}
	return matchLeft
}

// fingerprint returns a digest of everything a subschema holds, references
// by their text, so that two subschemas written alike have the same
// fingerprint: Confluent collects the subschemas of a combined schema in a
// set, keyed by their JSON rendering.
func (cmp *jsonComparison) fingerprint(n *jsonschema.Node) string {
	if f, ok := cmp.fingerprints[n]; ok {
		return f
	}
	var b strings.Builder
	str := func(s *string) string {
		if s == nil {
			return "-"
		}
		return strconv.Quote(*s)
	}
	integer := func(i *int64) string {
		if i == nil {
			return "-"
		}
		return strconv.FormatInt(*i, 10)
	}
	number := func(x *jsonschema.Number) string {
		if x == nil {
			return "-"
		}
		return x.Text
	}
	literal := func(l *jsonschema.Literal) string {
		if l == nil {
			return "-"
		}
		return l.Key
	}
	child := func(c *jsonschema.Node) string {
		if c == nil {
			return "-"
		}
		return cmp.fingerprint(c)
	}
	fmt.Fprintf(&b, "%d|%s|%s|%s|%s|%q|", n.Kind, str(n.ID), str(n.Title), str(n.Description), literal(n.Default), n.ConnectType)
	fmt.Fprintf(&b, "%s|%s|%s|", integer(n.MinLength), integer(n.MaxLength), str(n.Pattern))
	fmt.Fprintf(&b, "%s|%s|%s|%s|%s|%t|", number(n.Minimum), number(n.Maximum), number(n.ExclusiveMinimum),
		number(n.ExclusiveMaximum), number(n.MultipleOf), n.Integer)
	for _, p := range n.Properties {
		fmt.Fprintf(&b, "p%q=%s,", p.Name, child(p.Schema))
	}
	fmt.Fprintf(&b, "|%q|%t|%s|", n.Required, n.NoAdditionalProperties, child(n.AdditionalProperties))
	for _, p := range n.PatternProperties {
		fmt.Fprintf(&b, "pp%q=%s,", p.Pattern, child(p.Schema))
	}
	for _, d := range n.PropertyDependencies {
		fmt.Fprintf(&b, "d%q=%q,", d.Property, d.Requires)
	}
	for _, d := range n.SchemaDependencies {
		fmt.Fprintf(&b, "ds%q=%s,", d.Property, child(d.Schema))
	}
	fmt.Fprintf(&b, "|%s|%s|%s|", integer(n.MinProperties), integer(n.MaxProperties), child(n.UnevaluatedProperties))
	fmt.Fprintf(&b, "%s|", child(n.Items))
	for _, item := range n.PrefixItems {
		fmt.Fprintf(&b, "%s,", child(item))
	}
	fmt.Fprintf(&b, "|%t|%s|%s|%s|%t|%s|%s|%s|", n.NoAdditionalItems, child(n.AdditionalItems), integer(n.MinItems),
		integer(n.MaxItems), n.UniqueItems, number(n.MinContains), number(n.MaxContains), child(n.UnevaluatedItems))
	for _, e := range n.Enum {
		fmt.Fprintf(&b, "%q,", e.Key)
	}
	fmt.Fprintf(&b, "|%q|%s|", n.Const.Key, n.Criterion)
	for _, s := range n.Subschemas {
		fmt.Fprintf(&b, "%s,", child(s))
	}
	fmt.Fprintf(&b, "|%s|%q", child(n.Not), n.Ref)
	sum := sha256.Sum256([]byte(b.String()))
	f := string(sum[:])
	cmp.fingerprints[n] = f
	return f
}
