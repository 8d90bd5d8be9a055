package protobuf

import (
	"errors"
	"fmt"
	"strings"
)

// parseError is a failure of Wire's parser that is not a syntax error: a
// duplicate top-level name, or a range end that is not a number. Its
// message is the exception's.
type parseError struct{ msg string }

func (e *parseError) Error() string { return e.msg }

// errLimit marks a text refused for exceeding the parser's limits.
var errLimit = errors.New("limit exceeded")

// declContext is where a declaration stands, Wire's ProtoParser.Context.
type declContext int

const (
	inFile declContext = iota
	inMessage
	inEnum
	inRPC
	inExtend
	inService
)

// parser reads a .proto text into its element tree as Wire's ProtoParser
// does: it accepts and refuses the same texts and keeps the same parts,
// leaving meaning (types, numbers, option names) unchecked.
type parser struct {
	r        reader
	maxDepth int
	maxDecls int
	depth    int
	// decls counts declarations, for the limit and Wire's rule that syntax
	// comes first.
	decls  int
	file   fileElement
	syntax string
	// defined holds the positions of top-level types and services, for the
	// duplicate check.
	definedTypes    map[string]position
	definedServices map[string]position
}

// parseProto parses text with Wire's grammar. Errors are a *syntaxError,
// a *parseError, or wrap errLimit.
func parseProto(text string, limits Limits) (file *fileElement, err error) {
	p := &parser{
		r:               reader{data: text},
		maxDepth:        limits.MaxDepth,
		maxDecls:        limits.MaxDeclarations,
		definedTypes:    make(map[string]position),
		definedServices: make(map[string]position),
	}
	defer func() {
		if v := recover(); v != nil {
			switch e := v.(type) {
			case *syntaxError:
				err = e
			case *parseError:
				err = e
			case limitError:
				err = e.err
			default:
				panic(v)
			}
		}
	}()
	p.readFile()
	return &p.file, nil
}

// limitError carries a limit error through the parser's panics.
type limitError struct{ err error }

func (p *parser) enter() {
	p.depth++
	if p.depth > p.maxDepth {
		panic(limitError{fmt.Errorf("%w: declarations nested deeper than %d levels", errLimit, p.maxDepth)})
	}
}

func (p *parser) leave() { p.depth-- }

func (p *parser) readFile() {
	for {
		p.r.readDocumentation()
		if p.r.exhausted() {
			f := &p.file
			f.imports = importPaths(f.imports)
			f.publicImports = importPaths(f.publicImports)
			f.weakImports = importPaths(f.weakImports)
			return
		}
		at := p.r.position()
		switch d := p.readDeclaration(inFile).(type) {
		case typeElement:
			p.define(p.definedTypes, d.typeName(), at)
			p.file.types = append(p.file.types, d)
		case *serviceElement:
			p.define(p.definedServices, d.name, at)
			p.file.services = append(p.file.services, d)
		case *option:
			p.file.options = append(p.file.options, d)
		case *extendElement:
			p.file.extends = append(p.file.extends, d)
		}
	}
}

// define records a top-level name, refusing a second definition. at is
// where the declaration's text begins; Wire places it after any semicolons
// before the keyword, which position skips too.
func (p *parser) define(defined map[string]position, name string, at position) {
	if first, ok := defined[name]; ok {
		panic(&parseError{fmt.Sprintf("%s (%s) is already defined at %s", name, p.r.positionText(at), p.r.positionText(first))})
	}
	defined[name] = at
}

func (p *parser) readDeclaration(ctx declContext) any {
	index := p.decls
	p.decls++
	if p.decls > p.maxDecls {
		panic(limitError{fmt.Errorf("%w: more than %d declarations", errLimit, p.maxDecls)})
	}
	if p.r.peekIs(';') {
		return nil
	}
	at := p.r.position()
	label := p.r.readWord(ctx != inEnum)
	switch {
	case label == "package" && ctx == inFile:
		p.file.packageName = p.r.readName(true, false)
		p.r.require(';')
		return nil
	case label == "import" && ctx == inFile:
		p.readImport(at)
		return nil
	case label == "syntax" && ctx == inFile:
		if p.syntax != "" {
			p.r.failAtPosition(at, "too many syntax definitions")
		}
		p.r.require('=')
		if index != 0 {
			p.r.failAtPosition(at, "'syntax' element must be the first declaration in a file")
		}
		syntax := p.r.readQuotedString()
		if syntax != syntaxProto2 && syntax != syntaxProto3 {
			p.r.failAtPosition(at, "unexpected syntax: %s", syntax)
		}
		p.syntax = syntax
		p.file.syntax = syntax
		p.r.require(';')
		return nil
	case label == "option":
		o := p.readOption('=')
		p.r.require(';')
		return o
	case label == "reserved":
		return p.readReserved(at)
	case label == "message" && (ctx == inFile || ctx == inMessage):
		return p.readMessage()
	case label == "enum" && (ctx == inFile || ctx == inMessage):
		return p.readEnum()
	case label == "service" && ctx == inFile:
		return p.readService()
	case label == "extend" && (ctx == inFile || ctx == inMessage):
		return p.readExtend()
	case label == "rpc" && ctx == inService:
		return p.readRPC(at)
	case label == "oneof" && ctx == inMessage:
		return p.readOneOf()
	case label == "extensions" && ctx == inMessage:
		return p.readExtensions(at)
	case ctx == inMessage || ctx == inExtend:
		return p.readField(at, label)
	case ctx == inEnum:
		return p.readEnumConstant(label)
	case label == "edition" && ctx == inFile:
		p.r.fail("edition is not currently supported")
	}
	p.r.failAtPosition(at, "unexpected label: %s", label)
	return nil
}

func (p *parser) readImport(at position) {
	if c := p.r.peekChar(); c == '"' || c == '\'' {
		p.file.imports = append(p.file.imports, p.r.readQuotedString())
	} else {
		switch p.r.readString() {
		case "weak":
			p.file.weakImports = append(p.file.weakImports, p.r.readQuotedString())
		case "public":
			p.file.publicImports = append(p.file.publicImports, p.r.readQuotedString())
		default:
			p.r.failAtPosition(at, "expected quoted string")
		}
	}
	p.r.require(';')
}

// body reads declarations up to the closing brace, handing each to add.
func (p *parser) body(ctx declContext, add func(any)) {
	p.enter()
	p.r.require('{')
	for {
		p.r.readDocumentation()
		if p.r.peekIs('}') {
			break
		}
		if d := p.readDeclaration(ctx); d != nil {
			add(d)
		}
	}
	p.leave()
}

func (p *parser) readMessage() *messageElement {
	m := &messageElement{name: p.r.readName(true, false)}
	p.body(inMessage, func(d any) {
		switch d := d.(type) {
		case *fieldElement:
			m.fields = append(m.fields, d)
		case *oneOfElement:
			m.oneOfs = append(m.oneOfs, d)
		case *groupElement:
			m.groups = append(m.groups, d)
		case typeElement:
			m.nestedList = append(m.nestedList, d)
		case *extensionsElement:
			m.extensions = append(m.extensions, d)
		case *option:
			m.options = append(m.options, d)
		case *extendElement:
			m.extends = append(m.extends, d)
		case *reservedElement:
			m.reserveds = append(m.reserveds, d)
		}
	})
	return m
}

func (p *parser) readExtend() *extendElement {
	e := &extendElement{name: p.r.readName(true, false)}
	p.body(inExtend, func(d any) {
		if f, ok := d.(*fieldElement); ok {
			e.fields = append(e.fields, f)
		}
	})
	return e
}

func (p *parser) readService() *serviceElement {
	s := &serviceElement{name: p.r.readName(true, false)}
	p.body(inService, func(d any) {
		switch d := d.(type) {
		case *rpcElement:
			s.rpcs = append(s.rpcs, d)
		case *option:
			s.options = append(s.options, d)
		}
	})
	return s
}

func (p *parser) readEnum() *enumElement {
	e := &enumElement{name: p.r.readName(true, false)}
	p.body(inEnum, func(d any) {
		switch d := d.(type) {
		case *enumConstantElement:
			e.constants = append(e.constants, d)
		case *option:
			e.options = append(e.options, d)
		case *reservedElement:
			e.reserveds = append(e.reserveds, d)
		}
	})
	return e
}

// readField reads a field or group whose first word, label or type, is
// word.
func (p *parser) readField(at position, word string) any {
	var label, typ string
	switch word {
	case labelRequired:
		if p.syntax == syntaxProto3 {
			p.r.failAtPosition(at, "'required' label forbidden in proto3 field declarations")
		}
		label, typ = word, p.r.readDataType()
	case labelOptional, labelRepeated:
		label, typ = word, p.r.readDataType()
	default:
		if p.syntax != syntaxProto3 && (word != "map" || p.r.peekChar() != '<') {
			p.r.failAtPosition(at, "unexpected label: %s", word)
		}
		typ = p.r.readDataTypeAfter(word)
	}
	if strings.HasPrefix(typ, "map<") && label != "" {
		p.r.failAtPosition(at, "'map' type cannot have label")
	}
	if typ == "group" {
		return p.readGroup(label)
	}
	return p.readFieldRest(label, typ)
}

// readFieldRest reads a field after its label and type.
func (p *parser) readFieldRest(label, typ string) *fieldElement {
	f := &fieldElement{label: label, typ: typ, name: p.r.readName(false, false)}
	p.r.require('=')
	f.tag = p.r.readInt()
	options := p.readOptions()
	f.defaultValue, options = stripOption("default", options)
	f.jsonName, options = stripOption("json_name", options)
	f.options = options
	p.r.require(';')
	p.r.skipTrailingComment()
	return f
}

// stripOption removes the options called name, which Wire keeps apart
// from the others, and returns the text of the last one.
func stripOption(name string, options []*option) (*string, []*option) {
	var value *string
	kept := options[:0]
	for _, o := range options {
		if o.name == name {
			s := javaString(o.value)
			value = &s
			continue
		}
		kept = append(kept, o)
	}
	return value, kept
}

func (p *parser) readOneOf() *oneOfElement {
	o := &oneOfElement{name: p.r.readName(true, false)}
	p.enter()
	p.r.require('{')
	for {
		p.r.readDocumentation()
		if p.r.peekIs('}') {
			break
		}
		switch typ := p.r.readDataType(); typ {
		case "group":
			o.groups = append(o.groups, p.readGroup(""))
		case "option":
			o.options = append(o.options, p.readOption('='))
			p.r.require(';')
		default:
			o.fields = append(o.fields, p.readFieldRest("", typ))
		}
	}
	p.leave()
	return o
}

func (p *parser) readGroup(label string) *groupElement {
	g := &groupElement{label: label, name: p.r.readWord(true)}
	p.r.require('=')
	g.tag = p.r.readInt()
	p.enter()
	p.r.require('{')
	for {
		p.r.readDocumentation()
		if p.r.peekIs('}') {
			break
		}
		at := p.r.position()
		switch f := p.readField(at, p.r.readWord(true)).(type) {
		case *fieldElement:
			g.fields = append(g.fields, f)
		case *groupElement:
			p.r.fail("expected field declaration, was group %s", f.name)
		}
	}
	p.leave()
	return g
}

// readRangeEnd reads the end of a `from to end` range.
func (p *parser) readRangeEnd() int32 {
	word := p.r.readWord(true)
	if word == "max" {
		return maxTag
	}
	n, ok := parseJavaInt(word, 10)
	if !ok {
		panic(&parseError{fmt.Sprintf("For input string: %q", word)})
	}
	return n
}

func (p *parser) readReserved(at position) *reservedElement {
	res := &reservedElement{}
	for {
		switch p.r.peekChar() {
		case '"', '\'':
			res.values = append(res.values, p.r.readQuotedString())
		default:
			start := p.r.readInt()
			switch p.r.peekChar() {
			case ',', ';':
				res.values = append(res.values, start)
			default:
				if p.r.readWord(true) != "to" {
					p.r.failAtPosition(at, "expected ',', ';', or 'to'")
				}
				res.values = append(res.values, tagRange{start, p.readRangeEnd()})
			}
		}
		c := p.r.readChar()
		if c == ';' {
			break
		}
		if c != ',' {
			p.r.fail("expected ',' or ';'")
		}
	}
	p.r.skipTrailingComment()
	return res
}

func (p *parser) readExtensions(at position) *extensionsElement {
	ext := &extensionsElement{}
	for {
		start := p.r.readInt()
		switch p.r.peekChar() {
		case ',', ';', '[':
			ext.values = append(ext.values, start)
		default:
			if p.r.readWord(true) != "to" {
				p.r.failAtPosition(at, "expected ',', ';', '[' or 'to'")
			}
			ext.values = append(ext.values, tagRange{start, p.readRangeEnd()})
		}
		if p.r.peekChar() == '[' {
			ext.options = p.readOptions()
			p.r.require(';')
			return ext
		}
		c := p.r.readChar()
		if c == ';' {
			return ext
		}
		if c != ',' {
			p.r.fail("expected ',' or ';'")
		}
	}
}

func (p *parser) readEnumConstant(name string) *enumConstantElement {
	c := &enumConstantElement{name: name}
	p.r.require('=')
	c.tag = p.r.readInt()
	c.options = p.readOptions()
	p.r.require(';')
	p.r.skipTrailingComment()
	return c
}

func (p *parser) readRPC(at position) *rpcElement {
	rpc := &rpcElement{name: p.r.readName(true, false)}
	rpc.requestType, rpc.requestStreaming = p.readRPCType()
	if p.r.readWord(true) != "returns" {
		p.r.failAtPosition(at, "expected 'returns'")
	}
	rpc.responseType, rpc.responseStreaming = p.readRPCType()
	if !p.r.peekIs('{') {
		p.r.require(';')
		return rpc
	}
	p.enter()
	for {
		p.r.readDocumentation()
		if p.r.peekIs('}') {
			break
		}
		if o, ok := p.readDeclaration(inRPC).(*option); ok {
			rpc.options = append(rpc.options, o)
		}
	}
	p.leave()
	return rpc
}

// readRPCType reads `(stream Type)` or `(Type)`.
func (p *parser) readRPCType() (string, bool) {
	p.r.require('(')
	word := p.r.readWord(true)
	streaming := word == "stream"
	var typ string
	if streaming {
		typ = p.r.readDataType()
	} else {
		typ = p.r.readDataTypeAfter(word)
	}
	p.r.require(')')
	return typ, streaming
}

// readOptions reads `[a = 1, (b).c = 2]` if present.
func (p *parser) readOptions() []*option {
	if !p.r.peekIs('[') {
		return nil
	}
	var result []*option
	for {
		result = append(result, p.readOption('='))
		if p.r.peekIs(']') {
			return result
		}
		if !p.r.peekIs(',') {
			p.r.fail("Expected ',' or ']")
		}
	}
}

// readOption reads `name = value`, or `name: value` in a message literal,
// where a name followed by `.sub` parts nests the value in options of
// kindOption, innermost last.
func (p *parser) readOption(separator byte) *option {
	extension := p.r.peekChar() == '['
	parenthesized := p.r.peekChar() == '('
	name := p.r.readName(true, false)
	if extension {
		name = "[" + name + "]"
	}
	var subNames []string
	var c byte
	for {
		c = p.r.readChar()
		if c != '.' {
			break
		}
		sub := p.r.readName(true, true)
		if strings.HasPrefix(sub, "(") {
			subNames = append(subNames, sub)
		} else {
			subNames = append(subNames, strings.Split(sub, ".")...)
		}
	}
	if separator == ':' && c == '{' {
		// A message value may omit the ':'.
		p.r.pushBack('{')
	} else if c != separator {
		p.r.fail("expected '%c' in option", separator)
	}
	kind, value := p.readValue()
	for i := len(subNames) - 1; i >= 0; i-- {
		sub, subParenthesized := subNames[i], false
		if strings.HasPrefix(sub, "(") {
			sub, subParenthesized = sub[1:len(sub)-1], true
		}
		value = &option{name: sub, kind: kind, value: value, parenthesized: subParenthesized}
		kind = kindOption
	}
	return &option{name: name, kind: kind, value: value, parenthesized: parenthesized}
}

// readValue reads an option value: a message literal, a list, a string,
// a number, a boolean or an enum name.
func (p *parser) readValue() (optionKind, any) {
	switch c := p.r.peekChar(); {
	case c == '{':
		return kindMap, p.readMap()
	case c == '[':
		return kindList, p.readList()
	case c == '"' || c == '\'':
		return kindString, p.r.readString()
	case '0' <= c && c <= '9' || c == '-':
		return kindNumber, p.r.readWord(true)
	}
	switch word := p.r.readWord(true); word {
	case "true", "false":
		return kindBoolean, word
	default:
		return kindEnum, word
	}
}

// inMapOrList wraps a value read inside a message literal or list:
// booleans, numbers and enums become primitives.
func inMapOrList(kind optionKind, value any) any {
	switch kind {
	case kindBoolean, kindNumber, kindEnum:
		return primitive{kind, value.(string)}
	}
	return value
}

// readMap reads a message literal. Fields given more than once collect
// into a list; `(ext).sub: v` fills a nested map.
func (p *parser) readMap() *optionMap {
	p.enter()
	defer p.leave()
	p.r.require('{')
	result := newOptionMap()
	for {
		if p.r.peekIs('}') {
			return result
		}
		o := p.readOption(':')
		value := inMapOrList(o.kind, o.value)
		if nestedOption, ok := value.(*option); ok {
			previous, _ := result.get(o.name)
			nested, ok := previous.(*optionMap)
			if !ok {
				nested = newOptionMap()
				result.put(o.name, nested)
			}
			nested.put(nestedOption.name, nestedOption.value)
		} else {
			switch previous, ok := result.get(o.name); {
			case !ok:
				result.put(o.name, value)
			case isList(previous):
				result.put(o.name, appendToList(previous.([]any), value))
			default:
				result.put(o.name, appendToList([]any{previous}, value))
			}
		}
		if !p.r.peekIs(',') {
			p.r.peekIs(';')
		}
	}
}

func isList(v any) bool {
	_, ok := v.([]any)
	return ok
}

// appendToList adds a value, or the items of a list value, to list.
func appendToList(list []any, value any) []any {
	if items, ok := value.([]any); ok {
		return append(list, items...)
	}
	return append(list, value)
}

func (p *parser) readList() []any {
	p.enter()
	defer p.leave()
	p.r.require('[')
	result := []any{}
	for {
		if p.r.peekIs(']') {
			return result
		}
		result = append(result, inMapOrList(p.readValue()))
		if p.r.peekIs(',') {
			continue
		}
		if p.r.peekChar() != ']' {
			p.r.fail("expected ',' or ']'")
		}
	}
}

// importPaths normalizes import paths as Wire does with okio's Path.
func importPaths(paths []string) []string {
	for i, path := range paths {
		paths[i] = okioPath(strings.ReplaceAll(okioPath(path), `\`, "/"))
	}
	return paths
}

// okioPath is okio's String.toPath() on a Unix system: separators
// collapsed, "." and empty parts dropped, ".." kept except right after the
// root.
func okioPath(s string) string {
	i := 0
	var slash byte
	for i < len(s) && (s[i] == '/' || s[i] == '\\') {
		if slash == 0 {
			slash = s[i]
		}
		i++
	}
	var prefix string
	switch {
	case i >= 2 && slash == '\\':
		prefix = `\\`
	case i > 0:
		prefix = string(slash)
	default:
		slash = '/'
		if j := strings.IndexAny(s, `/\`); j >= 0 {
			slash = s[j]
			if slash == '\\' && j >= 1 && s[1] == ':' && isASCIILetter(s[0]) {
				if j == 2 {
					prefix, i = s[:3], 3
				} else {
					prefix, i = s[:2], 2
				}
			}
		}
	}
	var parts []string
	for _, part := range strings.FieldsFunc(s[i:], func(r rune) bool { return r == '/' || r == '\\' }) {
		switch {
		case part == "..":
			if prefix == "" || len(parts) > 0 {
				parts = append(parts, part)
			}
		case part != ".":
			parts = append(parts, part)
		}
	}
	path := prefix + strings.Join(parts, string(slash))
	if path == "" {
		return "."
	}
	return path
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
