package jsonschema

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// kind is the kind of a JSON value.
type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// value is a parsed JSON value as Jackson's tree model holds it in
// Confluent's object mapper: object members keep their order (a duplicate
// name keeps the place of its first occurrence and the last value), and a
// number keeps the text Jackson writes for it.
type value struct {
	kind kind
	// boolean is the value of a bool.
	boolean bool
	// text is the value of a string, or the canonical text of a number.
	text string
	// integer tells an integer literal from a decimal one.
	integer bool
	// items are the elements of an array or the member values of an object.
	items []*value
	// keys are the member names of an object, parallel to items.
	keys []string
	// index maps member names to positions in objects of many members.
	index map[string]int
}

// get returns the member of an object called key, or nil.
func (v *value) get(key string) *value {
	if v == nil || v.kind != kindObject {
		return nil
	}
	if v.index != nil {
		if i, ok := v.index[key]; ok {
			return v.items[i]
		}
		return nil
	}
	for i, k := range v.keys {
		if k == key {
			return v.items[i]
		}
	}
	return nil
}

// str returns the value of a string member of an object, and whether there
// is one.
func (v *value) str(key string) (string, bool) {
	m := v.get(key)
	if m == nil || m.kind != kindString {
		return "", false
	}
	return m.text, true
}

// has reports whether an object has a member called key.
func (v *value) has(key string) bool { return v.get(key) != nil }

// nodeType names the kind of v as Jackson's JsonNodeType does, for errors;
// no value at all is MISSING.
func (v *value) nodeType() string {
	if v == nil {
		return "MISSING"
	}
	switch v.kind {
	case kindNull:
		return "NULL"
	case kindBool:
		return "BOOLEAN"
	case kindNumber:
		return "NUMBER"
	case kindString:
		return "STRING"
	case kindArray:
		return "ARRAY"
	}
	return "OBJECT"
}

// maxNumberLength is the longest number literal accepted, Jackson's default
// StreamReadConstraints limit.
const maxNumberLength = 1000

// indexedAfter is the member count above which an object gets a map from
// name to position, so that parsing and looking up many members stay
// linear.
const indexedAfter = 16

// jsonFrame is a container being filled while parsing.
type jsonFrame struct {
	value *value
	key   string
}

// jsonParser reads JSON as Confluent's Jackson object mapper does: strict
// JSON, except that NaN and the infinities are accepted as numbers.
type jsonParser struct {
	src      string
	pos      int
	maxDepth int
}

// parseJSON parses the first JSON value of src, nested at most maxDepth
// containers deep. Like Jackson's ObjectMapper.readTree, it ignores
// whatever follows that value, and returns nil (Jackson's MissingNode)
// when there is none.
func parseJSON(src string, maxDepth int) (*value, error) {
	p := &jsonParser{src: src, maxDepth: maxDepth}
	p.skipSpace()
	if p.pos == len(p.src) {
		return nil, nil
	}
	return p.parseValue()
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

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// parseValue parses the value at the current position. Containers are kept
// on an explicit stack, so hostile nesting cannot exhaust the goroutine
// stack; it is refused beyond maxDepth.
func (p *jsonParser) parseValue() (*value, error) {
	var stack []*jsonFrame
	for {
		p.skipSpace()
		if p.pos == len(p.src) {
			return nil, p.errorf("unexpected end of input")
		}
		var done *value
		switch c := p.src[p.pos]; {
		case c == '{' || c == '[':
			if len(stack) >= p.maxDepth {
				return nil, p.errorf("nesting deeper than %d levels", p.maxDepth)
			}
			p.pos++
			frame := &jsonFrame{value: &value{kind: kindArray}}
			closer := byte(']')
			if c == '{' {
				frame.value.kind = kindObject
				closer = '}'
			}
			p.skipSpace()
			if p.pos < len(p.src) && p.src[p.pos] == closer {
				p.pos++
				done = frame.value
				break
			}
			stack = append(stack, frame)
			if c == '{' {
				if err := p.parseKey(frame); err != nil {
					return nil, err
				}
			}
			continue
		case c == '"':
			s, err := p.parseString()
			if err != nil {
				return nil, err
			}
			done = &value{kind: kindString, text: s}
		case c == '-' || c == '+' || (c >= '0' && c <= '9'):
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
			p.skipSpace()
			if p.pos == len(p.src) {
				return nil, p.errorf("unexpected end of input")
			}
			closer := byte(']')
			if top.value.kind == kindObject {
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
			if top.value.kind == kindObject {
				if err := p.parseKey(top); err != nil {
					return nil, err
				}
			}
			break
		}
	}
}

// parseKey parses a member name and its colon.
func (p *jsonParser) parseKey(frame *jsonFrame) error {
	p.skipSpace()
	if p.pos == len(p.src) || p.src[p.pos] != '"' {
		return p.errorf("expected a member name in double quotes, found %s", p.describe())
	}
	key, err := p.parseString()
	if err != nil {
		return err
	}
	p.skipSpace()
	if p.pos == len(p.src) || p.src[p.pos] != ':' {
		return p.errorf("expected ':' after member name, found %s", p.describe())
	}
	p.pos++
	frame.key = key
	return nil
}

// add appends a value to an array, or sets the pending member of an object.
func (f *jsonFrame) add(v *value) {
	obj := f.value
	if obj.kind == kindArray {
		obj.items = append(obj.items, v)
		return
	}
	if obj.index != nil {
		if i, ok := obj.index[f.key]; ok {
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
	case obj.index != nil:
		obj.index[f.key] = len(obj.keys) - 1
	case len(obj.keys) > indexedAfter:
		obj.index = make(map[string]int, 2*len(obj.keys))
		for i, k := range obj.keys {
			obj.index[k] = i
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

// parseLiteral parses true, false, null, and the non-numeric numbers Jackson
// accepts with ALLOW_NON_NUMERIC_NUMBERS. Jackson writes those back as
// strings, so they are strings here.
func (p *jsonParser) parseLiteral() (*value, error) {
	rest := p.src[p.pos:]
	for _, lit := range []struct {
		text  string
		value value
	}{
		{"true", value{kind: kindBool, boolean: true}},
		{"false", value{kind: kindBool}},
		{"null", value{kind: kindNull}},
		{"NaN", value{kind: kindString, text: "NaN"}},
		{"Infinity", value{kind: kindString, text: "Infinity"}},
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

// parseNumber parses a number into the text Jackson writes for it: an
// integer as its value, a decimal as Java's BigDecimal.toString of the
// literal (Confluent's mapper reads decimals as exact BigDecimals).
func (p *jsonParser) parseNumber() (*value, error) {
	start := p.pos
	s := p.src
	i := p.pos
	negative := s[i] == '-'
	if s[i] == '-' || s[i] == '+' {
		i++
		// Signed infinities, as Jackson spells them.
		for _, inf := range []string{"Infinity", "INF"} {
			if strings.HasPrefix(s[i:], inf) {
				p.pos = i
				if p.wordContinues(len(inf)) {
					break
				}
				p.pos += len(inf)
				text := "Infinity"
				if negative {
					text = "-Infinity"
				}
				return &value{kind: kindString, text: text}, nil
			}
		}
		if s[start] == '+' {
			p.pos = start
			return nil, p.errorf("unexpected character '+'")
		}
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
	intEnd := i
	fracStart, fracEnd := i, i
	decimal := false
	if i < len(s) && s[i] == '.' {
		i++
		decimal = true
		fracStart = i
		if digits() == 0 {
			p.pos = i
			return nil, p.errorf("decimal point not followed by a digit")
		}
		fracEnd = i
	}
	expText := ""
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		decimal = true
		expStart := i
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.pos = i
			return nil, p.errorf("exponent not followed by a digit")
		}
		expText = s[expStart:i]
	}
	p.pos = i
	if p.wordContinues(0) {
		return nil, p.errorf("unexpected character %s after a number", p.describe())
	}
	if i-start > maxNumberLength {
		p.pos = start
		return nil, p.errorf("number literal longer than %d characters", maxNumberLength)
	}
	if !decimal {
		digits := s[intStart:intEnd]
		if digits == "0" {
			return &value{kind: kindNumber, text: "0", integer: true}, nil
		}
		return &value{kind: kindNumber, text: s[start:intEnd], integer: true}, nil
	}
	text, err := bigDecimalString(negative, s[intStart:intEnd], s[fracStart:fracEnd], expText)
	if err != nil {
		p.pos = start
		return nil, p.errorf("%v", err)
	}
	return &value{kind: kindNumber, text: text}, nil
}

// bigDecimalString returns Java's BigDecimal.toString of the decimal
// literal with the given sign, integer digits, fraction digits and
// exponent: the unscaled digits without leading zeros, in plain notation
// when the scale is positive and the adjusted exponent at least -6, in
// scientific notation otherwise.
func bigDecimalString(negative bool, intDigits, fracDigits, exp string) (string, error) {
	e := int64(0)
	if exp != "" {
		var err error
		e, err = strconv.ParseInt(exp, 10, 64)
		if err != nil || e > 1<<31 || e < -(1<<31) {
			return "", errors.New("exponent out of range")
		}
	}
	scale := int64(len(fracDigits)) - e
	if scale > 1<<31-1 || scale < -(1<<31) {
		return "", errors.New("scale out of range")
	}
	coeff := strings.TrimLeft(intDigits+fracDigits, "0")
	if coeff == "" {
		coeff = "0"
		negative = false
	}
	var b strings.Builder
	if negative {
		b.WriteByte('-')
	}
	adjusted := -scale + int64(len(coeff)-1)
	switch {
	case scale == 0:
		b.WriteString(coeff)
	case scale > 0 && adjusted >= -6:
		if pad := scale - int64(len(coeff)); pad >= 0 {
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", int(pad)))
			b.WriteString(coeff)
		} else {
			point := int64(len(coeff)) - scale
			b.WriteString(coeff[:point])
			b.WriteByte('.')
			b.WriteString(coeff[point:])
		}
	default:
		b.WriteByte(coeff[0])
		if len(coeff) > 1 {
			b.WriteByte('.')
			b.WriteString(coeff[1:])
		}
		b.WriteByte('E')
		if adjusted > 0 {
			b.WriteByte('+')
		}
		b.WriteString(strconv.FormatInt(adjusted, 10))
	}
	return b.String(), nil
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
