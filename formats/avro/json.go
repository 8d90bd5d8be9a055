package avro

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonKind is the kind of a JSON value as Jackson's tree model tells them
// apart: Java Avro decides what a default value or a property means by the
// node class Jackson picked, so integers are split by the range they fit.
type jsonKind uint8

const (
	jsonNull   jsonKind = iota
	jsonBool            // BooleanNode
	jsonInt             // IntNode: an integer literal that fits 32 bits
	jsonLong            // LongNode: an integer literal that fits 64 bits
	jsonBigInt          // BigIntegerNode: any longer integer literal
	jsonDouble          // DoubleNode: a literal with a fraction or an exponent
	jsonString
	jsonArray
	jsonObject
	// jsonFloat is a FloatNode, which Jackson never reads but Confluent's
	// normalization writes for the default of a float field.
	jsonFloat
)

// jsonValue is a parsed JSON value that keeps what Go maps lose: the order of
// object members. Duplicate member names behave as in Jackson's tree model:
// the last value wins and keeps the place of the first.
type jsonValue struct {
	kind jsonKind
	// str is the value of a string, or the literal of a big integer.
	str string
	// num is the value of an int or a long.
	num int64
	// dbl is the value of a double.
	dbl float64
	// boolean is the value of a bool.
	boolean bool
	// items are the elements of an array or the member values of an object.
	items []*jsonValue
	// keys are the member names of an object, parallel to items.
	keys []string
}

// get returns the member of an object called key, or nil.
func (v *jsonValue) get(key string) *jsonValue {
	if v == nil || v.kind != jsonObject {
		return nil
	}
	for i, k := range v.keys {
		if k == key {
			return v.items[i]
		}
	}
	return nil
}

// text returns the value of a JSON string, and whether v is one: Jackson's
// textValue(), which Java Avro uses to read names, docs and namespaces.
func (v *jsonValue) text() (string, bool) {
	if v == nil || v.kind != jsonString {
		return "", false
	}
	return v.str, true
}

// isNumber reports whether v is a number of any kind.
func (v *jsonValue) isNumber() bool {
	return v.kind == jsonInt || v.kind == jsonLong || v.kind == jsonBigInt || v.kind == jsonDouble
}

// jsonEqual is Jackson's JsonNode.equals: number nodes of different classes
// differ even when their values are equal, doubles compare as Double.compare
// does, and objects compare as maps, whatever their member order.
func jsonEqual(a, b *jsonValue) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case jsonNull:
		return true
	case jsonBool:
		return a.boolean == b.boolean
	case jsonInt, jsonLong:
		return a.num == b.num
	case jsonBigInt, jsonString:
		return a.str == b.str
	case jsonDouble, jsonFloat:
		return math.Float64bits(a.dbl) == math.Float64bits(b.dbl) || (math.IsNaN(a.dbl) && math.IsNaN(b.dbl))
	case jsonArray:
		if len(a.items) != len(b.items) {
			return false
		}
		for i := range a.items {
			if !jsonEqual(a.items[i], b.items[i]) {
				return false
			}
		}
		return true
	default:
		if len(a.keys) != len(b.keys) {
			return false
		}
		members := make(map[string]*jsonValue, len(b.keys))
		for i, k := range b.keys {
			members[k] = b.items[i]
		}
		for i, k := range a.keys {
			if !jsonEqual(a.items[i], members[k]) {
				return false
			}
		}
		return true
	}
}

// maxNumberLength is the longest number literal accepted, Jackson's default
// StreamReadConstraints limit. It also keeps big integer parsing cheap.
const maxNumberLength = 1000

// indexedAfter is the member count above which an object under construction
// gets a map from name to position, so that many members stay linear.
const indexedAfter = 16

// jsonFrame is a container being filled while parsing.
type jsonFrame struct {
	value *jsonValue
	index map[string]int
	key   string
}

// jsonParser reads JSON the way Java Avro's Jackson factory is configured:
// strict JSON, except that /* */ and // comments are allowed between tokens.
type jsonParser struct {
	src      string
	pos      int
	maxDepth int
	// values counts the values parsed.
	values int
}

// parseJSON parses one JSON document nested at most maxDepth containers deep
// and returns it with the number of values it holds. Like Java Avro's parser
// it refuses anything but blank characters after the value, comments
// included.
func parseJSON(src string, maxDepth int) (*jsonValue, int, error) {
	p := &jsonParser{src: src, maxDepth: maxDepth}
	if err := p.skipSpace(); err != nil {
		return nil, 0, err
	}
	if p.pos == len(p.src) {
		return nil, 0, errors.New("Empty schema")
	}
	root, err := p.parseValue()
	if err != nil {
		return nil, 0, err
	}
	rest := strings.TrimFunc(p.src[p.pos:], func(r rune) bool { return r <= ' ' })
	if rest != "" {
		return nil, 0, fmt.Errorf("Dangling content after end of schema: %s", abbreviate(rest))
	}
	return root, p.values, nil
}

// errorf returns a syntax error located at the current position.
func (p *jsonParser) errorf(format string, args ...any) error {
	line, col := 1, 1
	for _, r := range p.src[:p.pos] {
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return fmt.Errorf("Invalid JSON at line %d, column %d: %s", line, col, fmt.Sprintf(format, args...))
}

// skipSpace skips white space and comments.
func (p *jsonParser) skipSpace() error {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		case '/':
			if err := p.skipComment(); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return nil
}

func (p *jsonParser) skipComment() error {
	rest := p.src[p.pos:]
	switch {
	case strings.HasPrefix(rest, "//"):
		end := strings.IndexAny(rest, "\r\n")
		if end < 0 {
			end = len(rest)
		}
		p.pos += end
	case strings.HasPrefix(rest, "/*"):
		end := strings.Index(rest[2:], "*/")
		if end < 0 {
			return p.errorf("unterminated comment")
		}
		p.pos += end + 4
	default:
		return p.errorf("unexpected character '/'")
	}
	return nil
}

// parseValue parses the value at the current position. Containers are kept
// on an explicit stack, so hostile nesting cannot exhaust the goroutine
// stack; it is refused beyond maxDepth.
func (p *jsonParser) parseValue() (*jsonValue, error) {
	var stack []*jsonFrame
	for {
		// Parse one value, or open a container.
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		p.values++
		var done *jsonValue
		if p.pos == len(p.src) {
			return nil, p.errorf("unexpected end of input")
		}
		switch c := p.src[p.pos]; {
		case c == '{' || c == '[':
			if len(stack) >= p.maxDepth {
				return nil, p.errorf("nesting deeper than %d levels", p.maxDepth)
			}
			p.pos++
			frame := &jsonFrame{value: &jsonValue{kind: jsonArray}}
			if c == '{' {
				frame.value.kind = jsonObject
			}
			stack = append(stack, frame)
			empty, err := p.closesAtOnce(c)
			if err != nil {
				return nil, err
			}
			if !empty {
				if c == '{' {
					if err := p.parseKey(frame); err != nil {
						return nil, err
					}
				}
				continue
			}
			stack = stack[:len(stack)-1]
			done = frame.value
		case c == '"':
			s, err := p.parseString()
			if err != nil {
				return nil, err
			}
			done = &jsonValue{kind: jsonString, str: s}
		case c == '-' || (c >= '0' && c <= '9'):
			v, err := p.parseNumber()
			if err != nil {
				return nil, err
			}
			done = v
		default:
			v, err := p.parseLiteral()
			if err != nil {
				return nil, err
			}
			done = v
		}
		// Attach the finished value to its container; close every container
		// it completes.
		for {
			if len(stack) == 0 {
				return done, nil
			}
			top := stack[len(stack)-1]
			top.add(done)
			if err := p.skipSpace(); err != nil {
				return nil, err
			}
			if p.pos == len(p.src) {
				return nil, p.errorf("unexpected end of input")
			}
			closer := byte(']')
			if top.value.kind == jsonObject {
				closer = '}'
			}
			c := p.src[p.pos]
			p.pos++
			if c == closer {
				stack = stack[:len(stack)-1]
				done = top.value
				continue
			}
			if c != ',' {
				p.pos--
				return nil, p.errorf("expected ',' or '%c', found %s", closer, p.describe())
			}
			if top.value.kind == jsonObject {
				if err := p.parseKey(top); err != nil {
					return nil, err
				}
			}
			break
		}
	}
}

// closesAtOnce consumes the closing bracket of an empty container.
func (p *jsonParser) closesAtOnce(opener byte) (bool, error) {
	if err := p.skipSpace(); err != nil {
		return false, err
	}
	closer := byte(']')
	if opener == '{' {
		closer = '}'
	}
	if p.pos < len(p.src) && p.src[p.pos] == closer {
		p.pos++
		return true, nil
	}
	return false, nil
}

// parseKey parses a member name and its colon.
func (p *jsonParser) parseKey(frame *jsonFrame) error {
	if err := p.skipSpace(); err != nil {
		return err
	}
	if p.pos == len(p.src) || p.src[p.pos] != '"' {
		return p.errorf("expected a member name in double quotes, found %s", p.describe())
	}
	key, err := p.parseString()
	if err != nil {
		return err
	}
	if err := p.skipSpace(); err != nil {
		return err
	}
	if p.pos == len(p.src) || p.src[p.pos] != ':' {
		return p.errorf("expected ':' after member name, found %s", p.describe())
	}
	p.pos++
	frame.key = key
	return nil
}

// add appends a value to an array, or sets the pending member of an object.
func (f *jsonFrame) add(v *jsonValue) {
	obj := f.value
	if obj.kind == jsonArray {
		obj.items = append(obj.items, v)
		return
	}
	if f.index != nil {
		if i, ok := f.index[f.key]; ok {
			obj.items[i] = v
			return
		}
	} else {
		for i, k := range obj.keys {
			if k == f.key {
				obj.items[i] = v
				return
			}
		}
	}
	obj.keys = append(obj.keys, f.key)
	obj.items = append(obj.items, v)
	switch {
	case f.index != nil:
		f.index[f.key] = len(obj.keys) - 1
	case len(obj.keys) > indexedAfter:
		f.index = make(map[string]int, 2*len(obj.keys))
		for i, k := range obj.keys {
			f.index[k] = i
		}
	}
}

// describe names the character at the current position for an error.
func (p *jsonParser) describe() string {
	if p.pos >= len(p.src) {
		return "end of input"
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	return strconv.QuoteRune(r)
}

func (p *jsonParser) parseLiteral() (*jsonValue, error) {
	rest := p.src[p.pos:]
	for _, lit := range []struct {
		text  string
		value jsonValue
	}{
		{"true", jsonValue{kind: jsonBool, boolean: true}},
		{"false", jsonValue{kind: jsonBool}},
		{"null", jsonValue{kind: jsonNull}},
	} {
		if strings.HasPrefix(rest, lit.text) && !p.wordContinues(len(lit.text)) {
			p.pos += len(lit.text)
			v := lit.value
			return &v, nil
		}
	}
	return nil, p.errorf("unexpected character %s", p.describe())
}

// wordContinues reports whether a letter or digit follows the n bytes after
// the current position, as in "nullx".
func (p *jsonParser) wordContinues(n int) bool {
	if p.pos+n >= len(p.src) {
		return false
	}
	c := p.src[p.pos+n]
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf
}

// parseNumber parses a JSON number into the node Jackson would create.
func (p *jsonParser) parseNumber() (*jsonValue, error) {
	start := p.pos
	s := p.src
	i := p.pos
	if s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	intStart := i
	switch n := digits(); {
	case n == 0:
		p.pos = i
		return nil, p.errorf("expected a digit, found %s", p.describe())
	case n > 1 && s[intStart] == '0':
		p.pos = intStart
		return nil, p.errorf("leading zeroes are not allowed in numbers")
	}
	floating := false
	if i < len(s) && s[i] == '.' {
		i++
		floating = true
		if digits() == 0 {
			p.pos = i
			return nil, p.errorf("decimal point not followed by a digit")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		floating = true
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.pos = i
			return nil, p.errorf("exponent not followed by a digit")
		}
	}
	p.pos = i
	if p.wordContinues(0) {
		return nil, p.errorf("unexpected character %s after a number", p.describe())
	}
	lit := s[start:i]
	if len(lit) > maxNumberLength {
		p.pos = start
		return nil, p.errorf("number literal longer than %d characters", maxNumberLength)
	}
	if floating {
		// Out of range literals become infinities or zeros, as in Java.
		f, _ := strconv.ParseFloat(lit, 64)
		return &jsonValue{kind: jsonDouble, dbl: f}, nil
	}
	n, err := strconv.ParseInt(lit, 10, 64)
	switch {
	case err != nil:
		return &jsonValue{kind: jsonBigInt, str: lit}, nil
	case n >= math.MinInt32 && n <= math.MaxInt32:
		return &jsonValue{kind: jsonInt, num: n}, nil
	default:
		return &jsonValue{kind: jsonLong, num: n}, nil
	}
}

// parseString parses a string literal. Invalid UTF-8 and unpaired surrogate
// escapes become U+FFFD.
func (p *jsonParser) parseString() (string, error) {
	p.pos++ // opening quote
	var b strings.Builder
	runStart := p.pos
	for {
		if p.pos >= len(p.src) {
			return "", p.errorf("unterminated string")
		}
		c := p.src[p.pos]
		switch {
		case c == '"':
			if b.Len() == 0 && utf8.ValidString(p.src[runStart:p.pos]) {
				s := p.src[runStart:p.pos]
				p.pos++
				return s, nil
			}
			b.WriteString(strings.ToValidUTF8(p.src[runStart:p.pos], "\uFFFD"))
			p.pos++
			return b.String(), nil
		case c < 0x20:
			return "", p.errorf("control character %U in a string must be escaped", rune(c))
		case c == '\\':
			b.WriteString(strings.ToValidUTF8(p.src[runStart:p.pos], "\uFFFD"))
			if err := p.parseEscape(&b); err != nil {
				return "", err
			}
			runStart = p.pos
		default:
			p.pos++
		}
	}
}

func (p *jsonParser) parseEscape(b *strings.Builder) error {
	p.pos++ // backslash
	if p.pos >= len(p.src) {
		return p.errorf("unterminated string")
	}
	c := p.src[p.pos]
	p.pos++
	switch c {
	case '"', '\\', '/':
		b.WriteByte(c)
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'u':
		r, err := p.parseHex4()
		if err != nil {
			return err
		}
		if utf16.IsSurrogate(r) {
			r2 := utf8.RuneError
			if strings.HasPrefix(p.src[p.pos:], `\u`) {
				save := p.pos
				p.pos += 2
				low, err := p.parseHex4()
				if err != nil {
					return err
				}
				if r2 = utf16.DecodeRune(r, low); r2 == utf8.RuneError {
					p.pos = save
				}
			}
			r = r2
		}
		b.WriteRune(r)
	default:
		p.pos--
		return p.errorf("unrecognized escape \\%s", p.describe())
	}
	return nil
}

func (p *jsonParser) parseHex4() (rune, error) {
	if p.pos+4 > len(p.src) {
		return 0, p.errorf("incomplete \\u escape")
	}
	n, err := strconv.ParseUint(p.src[p.pos:p.pos+4], 16, 32)
	if err != nil {
		return 0, p.errorf("invalid \\u escape")
	}
	p.pos += 4
	return rune(n), nil
}

// abbreviate shortens text quoted in an error message.
func abbreviate(s string) string {
	const limit = 200
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
