package protobuf

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// syntaxError is a text Wire's parser refuses. Its message is Wire's:
// "Syntax error in :line:column: what".
type syntaxError struct {
	line, column int
	msg          string
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("Syntax error in :%d:%d: %s", e.line, e.column, e.msg)
}

// reader reads the tokens of a .proto text the way Wire's SyntaxReader
// does, comments included: where Wire skips, accepts or refuses, so does
// the reader.
type reader struct {
	data      string
	pos       int
	line      int // newlines seen so far
	lineStart int // offset just after the latest newline
}

// fail stops parsing with a syntax error at the reader's position. The
// parser recovers it (see parseProto): Wire throws, and unwinding through
// every reading function by hand would hide its structure.
func (r *reader) fail(format string, args ...any) {
	panic(&syntaxError{line: r.line + 1, column: r.columnOf(r.lineStart, r.pos), msg: fmt.Sprintf(format, args...)})
}

// columnOf is the one-based column of pos on the line starting at
// lineStart, counted in characters as Wire counts Java chars.
func (r *reader) columnOf(lineStart, pos int) int {
	if pos < lineStart || pos > len(r.data) {
		return 1
	}
	return utf8.RuneCountInString(r.data[lineStart:pos]) + 1
}

// position is a place to report an error at later, Wire's Location.
type position struct {
	offset, line, lineStart int
}

func (r *reader) position() position {
	return position{r.pos, r.line, r.lineStart}
}

// positionText writes a position as Wire's Location does: ":line:column".
func (r *reader) positionText(at position) string {
	return fmt.Sprintf(":%d:%d", at.line+1, r.columnOf(at.lineStart, at.offset))
}

func (r *reader) failAtPosition(at position, format string, args ...any) {
	panic(&syntaxError{line: at.line + 1, column: r.columnOf(at.lineStart, at.offset), msg: fmt.Sprintf(format, args...)})
}

func (r *reader) exhausted() bool { return r.pos == len(r.data) }

// readChar reads the next character that is not white space or comment.
func (r *reader) readChar() byte {
	c := r.peekChar()
	r.pos++
	return c
}

// require reads the character c or fails.
func (r *reader) require(c byte) {
	if got := r.readChar(); got != c {
		r.fail("expected '%c' but was '%s'", c, r.charAt(r.pos-1))
	}
}

// charAt renders the character starting at offset i, for messages.
func (r *reader) charAt(i int) string {
	c, _ := utf8.DecodeRuneInString(r.data[i:])
	return string(c)
}

// peekChar returns the next character that is not white space or comment
// without consuming it.
func (r *reader) peekChar() byte {
	r.skipWhitespace(true)
	if r.pos >= len(r.data) {
		r.fail("unexpected end of file")
	}
	return r.data[r.pos]
}

// peekIs consumes the next character if it is c and tells whether it was.
func (r *reader) peekIs(c byte) bool {
	if r.peekChar() == c {
		r.pos++
		return true
	}
	return false
}

// pushBack steps back over the character c just read.
func (r *reader) pushBack(c byte) {
	if r.data[r.pos-1] != c {
		panic("protobuf: pushBack of a character not read")
	}
	r.pos--
}

// readString reads a quoted string or a word.
func (r *reader) readString() string {
	switch r.peekChar() {
	case '"', '\'':
		return r.readQuotedString()
	}
	return r.readWord(true)
}

// readQuotedString reads a string literal; adjacent literals are joined.
// Escapes give characters by their code, as Java chars: "\xff" is ÿ.
func (r *reader) readQuotedString() string {
	quote := r.readChar()
	if quote != '"' && quote != '\'' {
		r.fail("expected quoted string")
	}
	var b strings.Builder
	for r.pos < len(r.data) {
		c := r.data[r.pos]
		r.pos++
		if c == quote {
			if next := r.peekChar(); next == '"' || next == '\'' {
				quote = r.readChar()
				continue
			}
			return b.String()
		}
		if c == '\\' {
			// Wire counts a line for an escaped newline too.
			if r.readEscape(&b) == '\n' {
				r.newline()
			}
			continue
		}
		r.pos--
		r.writeRuneAt(&b)
		if c == '\n' {
			r.newline()
		}
	}
	r.fail("unterminated string")
	return ""
}

// readEscape reads the escape after a backslash into b and returns the
// character it stands for.
func (r *reader) readEscape(b *strings.Builder) rune {
	if r.pos >= len(r.data) {
		r.fail("unexpected end of file")
	}
	c := rune(r.data[r.pos])
	r.pos++
	switch c {
	case 'a':
		c = '\a'
	case 'b':
		c = '\b'
	case 'f':
		c = '\f'
	case 'n':
		c = '\n'
	case 'r':
		c = '\r'
	case 't':
		c = '\t'
	case 'v':
		c = '\v'
	case 'x', 'X':
		c = r.readNumericEscape(16, 2)
	case '0', '1', '2', '3', '4', '5', '6', '7':
		r.pos--
		c = r.readNumericEscape(8, 3)
	default:
		r.pos--
		c, _ = utf8.DecodeRuneInString(r.data[r.pos:])
		r.writeRuneAt(b)
		return c
	}
	b.WriteRune(c)
	return c
}

// writeRuneAt copies the character at the reader's position to b.
func (r *reader) writeRuneAt(b *strings.Builder) {
	_, size := utf8.DecodeRuneInString(r.data[r.pos:])
	b.WriteString(r.data[r.pos : r.pos+size])
	r.pos += size
}

func (r *reader) readNumericEscape(radix, length int) rune {
	value := -1
	end := min(r.pos+length, len(r.data))
	for r.pos < end {
		digit := hexDigit(r.data[r.pos])
		if digit < 0 || digit >= radix {
			break
		}
		if value < 0 {
			value = digit
		} else {
			value = value*radix + digit
		}
		r.pos++
	}
	if value < 0 {
		r.fail("expected a digit after \\x or \\X")
	}
	return rune(value)
}

func hexDigit(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// readName reads a name, possibly in parentheses or brackets; with
// keepWrap the wrapping is kept in the result.
func (r *reader) readName(allowLeadingDigit, keepWrap bool) string {
	var closing byte
	switch r.peekChar() {
	case '(':
		closing = ')'
	case '[':
		closing = ']'
	default:
		return r.readWord(allowLeadingDigit)
	}
	opening := r.data[r.pos]
	r.pos++
	word := r.readWord(allowLeadingDigit)
	if r.readChar() != closing {
		r.fail("expected '%c'", closing)
	}
	if keepWrap {
		return string(opening) + word + string(closing)
	}
	return word
}

// readDataType reads a type: a scalar, a map or a (dotted) message name.
func (r *reader) readDataType() string {
	return r.readDataTypeAfter(r.readWord(true))
}

// readDataTypeAfter reads the rest of a type whose first word is name.
func (r *reader) readDataTypeAfter(name string) string {
	if name == "map" {
		if r.readChar() != '<' {
			r.fail("expected '<'")
		}
		key := r.readDataType()
		if r.readChar() != ',' {
			r.fail("expected ','")
		}
		value := r.readDataType()
		if r.readChar() != '>' {
			r.fail("expected '>'")
		}
		return "map<" + key + ", " + value + ">"
	}
	if r.peekChar() != '.' {
		return name
	}
	var b strings.Builder
	b.WriteString(name)
	for r.peekChar() == '.' {
		r.pos++
		b.WriteByte('.')
		b.WriteString(r.readWord(true))
	}
	return b.String()
}

// readWord reads letters, digits, '_', '-' and '.'.
func (r *reader) readWord(allowLeadingDigit bool) string {
	r.skipWhitespace(true)
	start := r.pos
	for r.pos < len(r.data) && isWordChar(r.data[r.pos]) {
		r.pos++
	}
	if start == r.pos {
		r.fail("expected a word")
	}
	if !allowLeadingDigit && '0' <= r.data[start] && r.data[start] <= '9' {
		// Wire reports this one at the zero-based column.
		panic(&syntaxError{line: r.line + 1, column: r.columnOf(r.lineStart, start) - 1, msg: "field and constant names cannot start with a digit"})
	}
	return r.data[start:r.pos]
}

func isWordChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.'
}

// readInt reads a decimal or 0x-prefixed hexadecimal int.
func (r *reader) readInt() int32 {
	word := r.readWord(true)
	digits, base := word, 10
	if strings.HasPrefix(word, "0x") || strings.HasPrefix(word, "0X") {
		digits, base = word[2:], 16
	}
	n, ok := parseJavaInt(digits, base)
	if !ok {
		r.fail("expected an integer but was %s", word)
	}
	return n
}

// parseJavaInt parses as Java's Integer.parseInt: an optional sign, then
// digits of the base, within 32 bits.
func parseJavaInt(s string, base int) (int32, bool) {
	n, err := strconv.ParseInt(s, base, 32)
	if err != nil {
		return 0, false
	}
	return int32(n), true
}

// readDocumentation skips white space and comments before a declaration.
// Wire keeps their text as documentation; Confluent's printer never shows
// it, so only the reading matters.
func (r *reader) readDocumentation() {
	for {
		r.skipWhitespace(false)
		if r.pos == len(r.data) || r.data[r.pos] != '/' {
			return
		}
		r.readComment()
	}
}

// readComment reads a // or /* comment starting at the reader's position.
func (r *reader) readComment() {
	r.pos++
	if r.pos >= len(r.data) {
		r.fail("unexpected '/'")
	}
	c := r.data[r.pos]
	r.pos++
	switch c {
	case '*':
		for r.pos+1 < len(r.data) {
			if r.data[r.pos] == '*' && r.data[r.pos+1] == '/' {
				r.pos += 2
				return
			}
			if r.data[r.pos] == '\n' {
				// Wire marks the line as starting at the newline itself.
				r.newline()
			}
			r.pos++
		}
		r.fail("unterminated comment")
	case '/':
		for r.pos < len(r.data) {
			c := r.data[r.pos]
			r.pos++
			if c == '\n' {
				r.newline()
				return
			}
		}
	default:
		r.fail("unexpected '/'")
	}
}

// skipTrailingComment reads a comment on the rest of the line after a
// field, enum constant or reserved declaration, with Wire's rules: a
// comment that begins there must be well formed, and nothing may follow a
// /* */ comment on its line.
func (r *reader) skipTrailingComment() {
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ' ', '\t':
			r.pos++
			continue
		case '/':
			r.pos++
		default:
			return
		}
		break
	}
	if r.pos >= len(r.data) || r.data[r.pos] != '/' && r.data[r.pos] != '*' {
		r.fail("expected '//' or '/*'")
	}
	star := r.data[r.pos] == '*'
	r.pos++
	if !star {
		for r.pos < len(r.data) {
			c := r.data[r.pos]
			r.pos++
			if c == '\n' {
				r.newline()
				return
			}
		}
		return
	}
	for {
		if r.pos >= len(r.data) {
			r.fail("trailing comment must be closed")
		}
		if r.data[r.pos] == '*' && r.pos+1 < len(r.data) && r.data[r.pos+1] == '/' {
			r.pos += 2
			break
		}
		r.pos++
	}
	for r.pos < len(r.data) {
		c := r.data[r.pos]
		r.pos++
		if c == '\n' {
			r.newline()
			return
		}
		if c != ' ' && c != '\t' {
			r.fail("no syntax may follow trailing comment")
		}
	}
}

// skipWhitespace skips white space, and comments when asked.
func (r *reader) skipWhitespace(comments bool) {
	for r.pos < len(r.data) {
		switch c := r.data[r.pos]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			r.pos++
			if c == '\n' {
				r.newline()
			}
		case comments && c == '/':
			r.readComment()
		default:
			return
		}
	}
}

func (r *reader) newline() {
	r.line++
	r.lineStart = r.pos
}
