package jsontree

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxNumberLength is the longest number literal accepted, Jackson's default
// StreamReadConstraints limit. It also keeps big number conversion cheap.
const maxNumberLength = 1000

// indexedAfter is the member count above which an object under construction
// gets a map from name to position, so that many members stay linear.
const indexedAfter = 16

// ErrNoValue is returned by Parse when the text holds no value at all, only
// blanks (and comments, where they are allowed).
var ErrNoValue = errors.New("no JSON value")

// Options say how the Jackson parser being imitated is configured. The zero
// value is strict JSON with no nesting allowed.
type Options struct {
	// MaxDepth is how many containers deep values may nest.
	MaxDepth int
	// Comments allows /* */ and // comments between tokens (Jackson's
	// ALLOW_COMMENTS). Off by default.
	Comments bool
	// NonNumericNumbers accepts NaN, Infinity, and Infinity or INF after a
	// sign (Jackson's ALLOW_NON_NUMERIC_NUMBERS); they are built as the
	// strings "NaN", "Infinity" and "-Infinity", as Jackson writes them
	// back. Off by default.
	NonNumericNumbers bool
}

// Number is a number literal split into its parts, for a Builder to turn
// into the node Jackson would create.
type Number struct {
	// Literal is the whole literal as written.
	Literal string
	// Negative tells a literal with a leading minus sign.
	Negative bool
	// Int and Frac are the digits before and after the decimal point.
	Int, Frac string
	// Exp is the exponent with its sign, if written, and without the 'e'.
	Exp string
	// Decimal tells a literal with a fraction or an exponent from an
	// integer.
	Decimal bool
}

// Builder makes the nodes of a tree of type V as the parser finishes values.
type Builder[V any] interface {
	Null() V
	Bool(b bool) V
	String(s string) V
	// Number makes a number node; an error becomes a syntax error at the
	// literal.
	Number(n Number) (V, error)
	Array(items []V) V
	// Object makes an object from its distinct member names in the order of
	// their first occurrence and their last values. index maps names to
	// positions when the object has more than a few members, else it is
	// nil.
	Object(keys []string, items []V, index map[string]int) V
}

// frame is a container being filled while parsing.
type frame[V any] struct {
	object bool
	keys   []string
	items  []V
	index  map[string]int
	key    string
}

type parser[V any] struct {
	src  string
	pos  int
	opts Options
	b    Builder[V]
}

// Parse parses the first JSON value of src and returns it with the offset
// just after it; the caller decides what may follow. It returns ErrNoValue
// when there is no value, and otherwise a syntax error naming the line and
// column for bad input or nesting deeper than opts.MaxDepth.
func Parse[V any](src string, opts Options, b Builder[V]) (V, int, error) {
	p := &parser[V]{src: src, opts: opts, b: b}
	var zero V
	if err := p.skipSpace(); err != nil {
		return zero, 0, err
	}
	if p.pos == len(p.src) {
		return zero, 0, ErrNoValue
	}
	v, err := p.parseValue()
	if err != nil {
		return zero, 0, err
	}
	return v, p.pos, nil
}

// errorf returns a syntax error located at the current position.
func (p *parser[V]) errorf(format string, args ...any) error {
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

// skipSpace skips white space, and comments where they are allowed.
func (p *parser[V]) skipSpace() error {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		case '/':
			if !p.opts.Comments {
				return nil
			}
			if err := p.skipComment(); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return nil
}

func (p *parser[V]) skipComment() error {
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
// stack; it is refused beyond MaxDepth.
func (p *parser[V]) parseValue() (V, error) {
	var zero V
	var stack []*frame[V]
	for {
		// Parse one value, or open a container.
		if err := p.skipSpace(); err != nil {
			return zero, err
		}
		if p.pos == len(p.src) {
			return zero, p.errorf("unexpected end of input")
		}
		var done V
		switch c := p.src[p.pos]; {
		case c == '{' || c == '[':
			if len(stack) >= p.opts.MaxDepth {
				return zero, p.errorf("nesting deeper than %d levels", p.opts.MaxDepth)
			}
			p.pos++
			f := &frame[V]{object: c == '{'}
			empty, err := p.closes(f)
			if err != nil {
				return zero, err
			}
			if empty {
				done = p.finish(f)
				break
			}
			stack = append(stack, f)
			if f.object {
				if err := p.parseKey(f); err != nil {
					return zero, err
				}
			}
			continue
		case c == '"':
			s, err := p.parseString()
			if err != nil {
				return zero, err
			}
			done = p.b.String(s)
		case c == '-' || (c == '+' && p.opts.NonNumericNumbers) || (c >= '0' && c <= '9'):
			v, err := p.parseNumber()
			if err != nil {
				return zero, err
			}
			done = v
		default:
			v, err := p.parseLiteral()
			if err != nil {
				return zero, err
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
				return zero, err
			}
			if p.pos == len(p.src) {
				return zero, p.errorf("unexpected end of input")
			}
			closer := top.closer()
			c := p.src[p.pos]
			p.pos++
			if c == closer {
				stack = stack[:len(stack)-1]
				done = p.finish(top)
				continue
			}
			if c != ',' {
				p.pos--
				return zero, p.errorf("expected ',' or '%c', found %s", closer, p.describe())
			}
			if top.object {
				if err := p.parseKey(top); err != nil {
					return zero, err
				}
			}
			break
		}
	}
}

// closes consumes the closing bracket of an empty container.
func (p *parser[V]) closes(f *frame[V]) (bool, error) {
	if err := p.skipSpace(); err != nil {
		return false, err
	}
	if p.pos < len(p.src) && p.src[p.pos] == f.closer() {
		p.pos++
		return true, nil
	}
	return false, nil
}

// finish builds the node of a closed container.
func (p *parser[V]) finish(f *frame[V]) V {
	if f.object {
		return p.b.Object(f.keys, f.items, f.index)
	}
	return p.b.Array(f.items)
}

// parseKey parses a member name and its colon.
func (p *parser[V]) parseKey(f *frame[V]) error {
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
	f.key = key
	return nil
}

func (f *frame[V]) closer() byte {
	if f.object {
		return '}'
	}
	return ']'
}

// add appends a value to an array, or sets the pending member of an object.
func (f *frame[V]) add(v V) {
	if !f.object {
		f.items = append(f.items, v)
		return
	}
	if f.index != nil {
		if i, ok := f.index[f.key]; ok {
			f.items[i] = v
			return
		}
	} else {
		for i, k := range f.keys {
			if k == f.key {
				f.items[i] = v
				return
			}
		}
	}
	f.keys = append(f.keys, f.key)
	f.items = append(f.items, v)
	switch {
	case f.index != nil:
		f.index[f.key] = len(f.keys) - 1
	case len(f.keys) > indexedAfter:
		f.index = make(map[string]int, 2*len(f.keys))
		for i, k := range f.keys {
			f.index[k] = i
		}
	}
}

// describe names the character at the current position for an error.
func (p *parser[V]) describe() string {
	if p.pos >= len(p.src) {
		return "end of input"
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	return strconv.QuoteRune(r)
}

// literals are the words JSON allows; nonNumericLiterals are those
// Options.NonNumericNumbers adds, built as strings.
var (
	literals           = []string{"true", "false", "null"}
	nonNumericLiterals = []string{"NaN", "Infinity"}
)

// parseLiteral parses true, false, null, and NaN and Infinity where
// non-numeric numbers are allowed.
func (p *parser[V]) parseLiteral() (V, error) {
	rest := p.src[p.pos:]
	for _, lit := range literals {
		if strings.HasPrefix(rest, lit) && !p.wordContinues(len(lit)) {
			p.pos += len(lit)
			switch lit {
			case "true":
				return p.b.Bool(true), nil
			case "false":
				return p.b.Bool(false), nil
			default:
				return p.b.Null(), nil
			}
		}
	}
	if p.opts.NonNumericNumbers {
		for _, lit := range nonNumericLiterals {
			if strings.HasPrefix(rest, lit) && !p.wordContinues(len(lit)) {
				p.pos += len(lit)
				return p.b.String(lit), nil
			}
		}
	}
	var zero V
	return zero, p.errorf("unexpected character %s", p.describe())
}

// wordContinues reports whether a letter or digit follows the n bytes after
// the current position, as in "nullx".
func (p *parser[V]) wordContinues(n int) bool {
	return p.pos+n < len(p.src) && wordByte(p.src[p.pos+n])
}

// wordByte reports whether c may continue a word: a letter, a digit, an
// underscore or part of a non-ASCII character.
func wordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf
}

// parseNumber parses a number literal, or a signed infinity where
// non-numeric numbers are allowed.
func (p *parser[V]) parseNumber() (V, error) {
	var zero V
	start := p.pos
	s := p.src
	i := p.pos
	num := Number{Negative: s[i] == '-'}
	if s[i] == '-' || s[i] == '+' {
		i++
		if v, ok := p.signedInfinity(i, num.Negative); ok {
			return v, nil
		}
		if s[start] == '+' {
			p.pos = start
			return zero, p.errorf("unexpected character '+'")
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
		return zero, p.errorf("expected a digit, found %s", p.describe())
	case n > 1 && s[intStart] == '0':
		p.pos = intStart
		return zero, p.errorf("leading zeroes are not allowed in numbers")
	}
	num.Int = s[intStart:i]
	if i < len(s) && s[i] == '.' {
		i++
		num.Decimal = true
		fracStart := i
		if digits() == 0 {
			p.pos = i
			return zero, p.errorf("decimal point not followed by a digit")
		}
		num.Frac = s[fracStart:i]
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		num.Decimal = true
		expStart := i
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.pos = i
			return zero, p.errorf("exponent not followed by a digit")
		}
		num.Exp = s[expStart:i]
	}
	p.pos = i
	if p.wordContinues(0) {
		return zero, p.errorf("unexpected character %s after a number", p.describe())
	}
	if i-start > maxNumberLength {
		p.pos = start
		return zero, p.errorf("number literal longer than %d characters", maxNumberLength)
	}
	num.Literal = s[start:i]
	v, err := p.b.Number(num)
	if err != nil {
		p.pos = start
		return zero, p.errorf("%v", err)
	}
	return v, nil
}

// signedInfinity parses Infinity or INF at i, after a sign, where
// non-numeric numbers are allowed.
func (p *parser[V]) signedInfinity(i int, negative bool) (V, bool) {
	var zero V
	if !p.opts.NonNumericNumbers {
		return zero, false
	}
	for _, inf := range []string{"Infinity", "INF"} {
		if !strings.HasPrefix(p.src[i:], inf) {
			continue
		}
		if end := i + len(inf); end < len(p.src) && wordByte(p.src[end]) {
			return zero, false
		}
		p.pos = i + len(inf)
		if negative {
			return p.b.String("-Infinity"), true
		}
		return p.b.String("Infinity"), true
	}
	return zero, false
}

// parseString parses a string literal. Invalid UTF-8 and unpaired surrogate
// escapes become U+FFFD.
func (p *parser[V]) parseString() (string, error) {
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

func (p *parser[V]) parseEscape(b *strings.Builder) error {
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

func (p *parser[V]) parseHex4() (rune, error) {
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
