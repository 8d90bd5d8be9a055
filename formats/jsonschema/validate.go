package jsonschema

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"sync"

	santhosh "github.com/santhosh-tekuri/jsonschema/v6"
)

// metaschemas are the metaschemas of the drafts, compiled once with the
// regexp engine below and format assertions (a pattern must be a regular
// expression).
var metaschemas = sync.OnceValues(func() (map[Draft]*santhosh.Schema, error) {
	c := santhosh.NewCompiler()
	c.AssertFormat()
	c.UseRegexpEngine(javaRegexp)
	c.UseLoader(refuseLoader{})
	compiled := make(map[Draft]*santhosh.Schema)
	for _, d := range []Draft{Draft4, Draft6, Draft7, Draft2019, Draft2020} {
		sch, err := c.Compile(d.metaschemaURL())
		if err != nil {
			return nil, err
		}
		compiled[d] = sch
	}
	return compiled, nil
})

// refuseLoader loads nothing: the library knows the metaschemas itself, and
// the registry fetches no schema.
type refuseLoader struct{}

// Load implements santhosh.URLLoader.
func (refuseLoader) Load(u string) (any, error) {
	return nil, fmt.Errorf("%s is not a bundled metaschema", u)
}

// validate checks a document against the metaschema of its draft with
// santhosh-tekuri/jsonschema and returns that library's error. Only the
// metaschema is applied: references are resolved by the registry itself,
// and compiling the schema with the library would take time quadratic in
// its size.
func validate(doc *document) error {
	compiled, err := metaschemas()
	if err != nil {
		return err
	}
	return compiled[doc.draft].Validate(toAny(doc.root, doc.draft))
}

// maxExponent bounds the exponent of the numbers handed to the library,
// which computes with them exactly: a larger one is lowered to it, which
// keeps what the metaschemas check (sign, integrality, comparison with
// small bounds) since literals have at most 1000 digits.
const maxExponent = 2000

// toAny converts v to the library's representation of JSON. An empty
// required list is left out of draft 4 schemas: its metaschema wants at
// least one name, but Confluent (Everit) accepts none, and schema
// generators write it.
func toAny(v *value, d Draft) any {
	switch v.kind {
	case kindBool:
		return v.boolean
	case kindNumber:
		return json.Number(boundExponent(v.text))
	case kindString:
		return v.text
	case kindArray:
		items := make([]any, len(v.items))
		for i, item := range v.items {
			items[i] = toAny(item, d)
		}
		return items
	case kindObject:
		obj := make(map[string]any, len(v.keys))
		for i, key := range v.keys {
			if d == Draft4 && key == "required" && v.items[i].kind == kindArray && len(v.items[i].items) == 0 {
				continue
			}
			obj[key] = toAny(v.items[i], d)
		}
		return obj
	}
	return nil
}

// boundExponent returns a number's text with its exponent within
// maxExponent.
func boundExponent(text string) string {
	mantissa, exponent, ok := strings.Cut(text, "E")
	if !ok {
		return text
	}
	e, err := strconv.ParseInt(exponent, 10, 64)
	switch {
	case err == nil && e > maxExponent:
		e = maxExponent
	case err == nil && e < -maxExponent:
		e = -maxExponent
	default:
		return text
	}
	return mantissa + "E" + strconv.FormatInt(e, 10)
}

// javaOnly are the errors of Go's regexp syntax for constructs Java's
// java.util.regex, which Confluent compiles patterns with, may accept:
// lookaround, back references, possessive quantifiers, Java's escapes and
// classes, large repeat counts.
var javaOnly = map[syntax.ErrorCode]bool{
	syntax.ErrInvalidPerlOp:       true,
	syntax.ErrInvalidNamedCapture: true,
	syntax.ErrInvalidEscape:       true,
	syntax.ErrInvalidRepeatOp:     true,
	syntax.ErrInvalidRepeatSize:   true,
	syntax.ErrInvalidCharRange:    true,
	syntax.ErrLarge:               true,
	syntax.ErrNestingDepth:        true,
	syntax.ErrInvalidCharClass:    true,
}

// javaRegexp compiles a pattern of a schema. Go's regexp (RE2) runs in
// linear time, so no pattern can make the registry backtrack. A pattern
// Go cannot compile for want of a Java feature is accepted as Confluent
// accepts it, and matches nothing; the registry never validates data.
func javaRegexp(pattern string) (santhosh.Regexp, error) {
	re, err := regexp.Compile(pattern)
	if err == nil {
		return re, nil
	}
	var syntaxErr *syntax.Error
	if errors.As(err, &syntaxErr) && javaOnly[syntaxErr.Code] {
		return javaPattern(pattern), nil
	}
	return nil, err
}

// javaPattern is a pattern only Java compiles.
type javaPattern string

func (p javaPattern) String() string          { return string(p) }
func (p javaPattern) MatchString(string) bool { return false }
