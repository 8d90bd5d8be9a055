package protobuf

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// printMode selects one of the texts Confluent's ProtobufSchemaUtils
// writes from a file: the canonical text (neither flag), the normalized
// text, or the text without extensions (format ignore_extensions).
type printMode struct {
	normalize        bool
	ignoreExtensions bool
	// withoutCustomOptions leaves out every custom option, for compiling
	// a file whose custom options protoc refuses but Confluent keeps.
	withoutCustomOptions bool
}

// resolveError is a name Confluent's normalization cannot resolve; it
// throws "Could not resolve type".
type resolveError struct{ name string }

func (e *resolveError) Error() string { return "Could not resolve type: " + e.name }

// printFile writes f as Confluent's ProtobufSchemaUtils.toString does in
// the given mode. Normalizing needs index, the types of f and of the files
// it may use, and fails on a type name it cannot resolve.
func printFile(f *fileElement, mode printMode, index *typeIndex) (text string, err error) {
	p := &printer{mode: mode, lineStart: true}
	if mode.normalize {
		p.scope = &scope{index: index}
		if f.packageName != "" {
			p.scope.pkg = strings.Split(f.packageName, ".")
		}
	}
	defer func() {
		if v := recover(); v != nil {
			e, ok := v.(*resolveError)
			if !ok {
				panic(v)
			}
			text, err = "", e
		}
	}()
	p.file(f)
	return p.b.String(), nil
}

// printer writes text with the two-space indentation of Confluent's
// appendIndented: every line written while indent is n, blank lines too,
// starts with n indentations.
type printer struct {
	b         strings.Builder
	indent    int
	lineStart bool
	mode      printMode
	scope     *scope
}

func (p *printer) write(s string) {
	for s != "" {
		if p.lineStart {
			for range p.indent {
				p.b.WriteString("  ")
			}
			p.lineStart = false
		}
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			p.b.WriteString(s)
			return
		}
		p.b.WriteString(s[:i+1])
		s = s[i+1:]
		p.lineStart = true
	}
}

// nested writes what body writes one indentation deeper, ending it with
// a newline as appendIndented does.
func (p *printer) nested(body func()) {
	p.indent++
	body()
	if !p.lineStart {
		p.write("\n")
	}
	p.indent--
}

func (p *printer) file(f *fileElement) {
	if f.syntax != "" && (!p.mode.normalize || f.syntax == syntaxProto3) {
		p.write("syntax = \"" + f.syntax + "\";\n")
	}
	if f.packageName != "" {
		p.write("package " + f.packageName + ";\n")
	}
	if len(f.imports) > 0 || len(f.publicImports) > 0 {
		p.write("\n")
		for _, path := range p.sortedImports(f.imports) {
			p.write("import \"" + path + "\";\n")
		}
		for _, path := range p.sortedImports(f.publicImports) {
			p.write("import public \"" + path + "\";\n")
		}
	}
	if options := p.filterOptions(f.options); len(options) > 0 {
		p.write("\n")
		for _, o := range options {
			p.optionDeclaration(o)
		}
	}
	p.types(f.types, false)
	if !p.mode.ignoreExtensions && len(f.extends) > 0 {
		p.write("\n")
		for _, e := range p.extendBlocks(f.extends) {
			p.extend(e)
		}
	}
	if len(f.services) > 0 {
		p.write("\n")
		for _, s := range f.services {
			p.service(s)
		}
	}
}

func (p *printer) sortedImports(paths []string) []string {
	if !p.mode.normalize {
		return paths
	}
	sorted := slices.Clone(paths)
	slices.Sort(sorted)
	return slices.Compact(sorted)
}

// types writes messages, then enums; normalizing leaves out map entry
// messages, which stand for map fields.
func (p *printer) types(types []typeElement, indented bool) {
	if p.mode.normalize {
		types = slices.DeleteFunc(slices.Clone(types), func(t typeElement) bool {
			if _, ok := t.(*messageElement); !ok {
				return false
			}
			info := p.scope.typeOf(t.typeName())
			return info != nil && info.isMap
		})
	}
	if len(types) == 0 {
		return
	}
	p.write("\n")
	write := func(t typeElement) {
		if p.scope != nil {
			p.scope.enter(t.typeName())
			defer p.scope.leave()
		}
		switch t := t.(type) {
		case *messageElement:
			p.message(t)
		case *enumElement:
			p.enum(t)
		}
	}
	for _, kindMessages := range []bool{true, false} {
		for _, t := range types {
			if _, isMessage := t.(*messageElement); isMessage != kindMessages {
				continue
			}
			if indented {
				p.nested(func() { write(t) })
			} else {
				write(t)
			}
		}
	}
}

func (p *printer) message(m *messageElement) {
	p.write("message " + m.name + " {")
	if len(m.reserveds) > 0 {
		p.write("\n")
		for _, r := range p.sortedRanges(m.reserveds) {
			p.nested(func() { p.reserved(r) })
		}
	}
	if options := p.filterOptions(m.options); len(options) > 0 {
		p.write("\n")
		for _, o := range options {
			p.nested(func() { p.optionDeclaration(o) })
		}
	}
	if len(m.fields) > 0 {
		p.write("\n")
		for _, f := range p.sortedFields(m.fields) {
			p.nested(func() { p.field(f) })
		}
	}
	if len(m.oneOfs) > 0 {
		p.write("\n")
		for _, o := range p.sortedOneOfs(m.oneOfs) {
			p.nested(func() { p.oneOf(o) })
		}
	}
	if len(m.groups) > 0 {
		p.write("\n")
		for _, g := range p.sortedGroups(m.groups) {
			p.nested(func() { p.group(g) })
		}
	}
	if !p.mode.ignoreExtensions && len(m.extensions) > 0 {
		p.write("\n")
		for _, e := range p.sortedExtensions(m.extensions) {
			p.nested(func() { p.extensions(e) })
		}
	}
	if !p.mode.ignoreExtensions && len(m.extends) > 0 {
		p.write("\n")
		for _, e := range p.extendBlocks(m.extends) {
			p.nested(func() { p.extend(e) })
		}
	}
	p.types(m.nestedList, true)
	p.write("}\n")
}

func (p *printer) sortedFields(fields []*fieldElement) []*fieldElement {
	if !p.mode.normalize {
		return fields
	}
	sorted := slices.Clone(fields)
	slices.SortStableFunc(sorted, func(a, b *fieldElement) int { return cmp.Compare(a.tag, b.tag) })
	return sorted
}

func (p *printer) sortedGroups(groups []*groupElement) []*groupElement {
	if !p.mode.normalize {
		return groups
	}
	sorted := slices.Clone(groups)
	slices.SortStableFunc(sorted, func(a, b *groupElement) int { return cmp.Compare(a.tag, b.tag) })
	return sorted
}

// sortedOneOfs drops empty oneofs and sorts fields and oneofs by number
// when normalizing.
func (p *printer) sortedOneOfs(oneOfs []*oneOfElement) []*oneOfElement {
	if !p.mode.normalize {
		return oneOfs
	}
	var sorted []*oneOfElement
	for _, o := range oneOfs {
		if len(o.fields) == 0 {
			continue
		}
		c := *o
		c.fields = p.sortedFields(o.fields)
		sorted = append(sorted, &c)
	}
	slices.SortStableFunc(sorted, func(a, b *oneOfElement) int { return cmp.Compare(a.fields[0].tag, b.fields[0].tag) })
	return sorted
}

// rangeStart is what normalization sorts reserved and extension values
// by: a number, a range's start, or after all numbers for a name.
func rangeStart(v any) int32 {
	switch v := v.(type) {
	case int32:
		return v
	case tagRange:
		return v.start
	}
	return 1<<31 - 1
}

// rangeString is Kotlin's toString of a reserved value.
func rangeString(v any) string {
	switch v := v.(type) {
	case int32:
		return strconv.Itoa(int(v))
	case tagRange:
		return fmt.Sprintf("%d..%d", v.start, v.end)
	case string:
		return v
	}
	return ""
}

// sortedRanges splits reserved declarations into one per value and sorts
// them when normalizing.
func (p *printer) sortedRanges(reserveds []*reservedElement) []*reservedElement {
	if !p.mode.normalize {
		return reserveds
	}
	var split []*reservedElement
	for _, r := range reserveds {
		for _, v := range r.values {
			split = append(split, &reservedElement{values: []any{v}})
		}
	}
	slices.SortStableFunc(split, func(a, b *reservedElement) int {
		return cmp.Or(cmp.Compare(rangeStart(a.values[0]), rangeStart(b.values[0])),
			strings.Compare(rangeString(a.values[0]), rangeString(b.values[0])))
	})
	return split
}

func (p *printer) sortedExtensions(extensions []*extensionsElement) []*extensionsElement {
	if !p.mode.normalize {
		return extensions
	}
	var split []*extensionsElement
	for _, e := range extensions {
		for _, v := range e.values {
			split = append(split, &extensionsElement{values: []any{v}, options: e.options})
		}
	}
	slices.SortStableFunc(split, func(a, b *extensionsElement) int {
		return cmp.Compare(rangeStart(a.values[0]), rangeStart(b.values[0]))
	})
	return split
}

// extendBlocks groups extension fields by the full name of the extended
// message when normalizing.
func (p *printer) extendBlocks(extends []*extendElement) []*extendElement {
	if !p.mode.normalize {
		return extends
	}
	var blocks []*extendElement
	byName := make(map[string]*extendElement)
	for _, e := range extends {
		for _, f := range e.fields {
			name := p.resolveOrFail(e.name)
			block, ok := byName[name]
			if !ok {
				block = &extendElement{name: name}
				byName[name] = block
				blocks = append(blocks, block)
			}
			block.fields = append(block.fields, f)
		}
	}
	return blocks
}

// resolveOrFail returns the full name of a type with a leading dot, or
// stops printing as Confluent throws.
func (p *printer) resolveOrFail(name string) string {
	full := p.scope.resolveType(name)
	if full == "" {
		panic(&resolveError{name})
	}
	return "." + full
}

func (p *printer) reserved(r *reservedElement) {
	var b strings.Builder
	b.WriteString("reserved ")
	for i, v := range r.values {
		if i > 0 {
			b.WriteString(", ")
		}
		if s, ok := v.(string); ok {
			b.WriteString("\"" + s + "\"")
		} else {
			b.WriteString(p.rangeText(v))
		}
	}
	b.WriteString(";\n")
	p.write(b.String())
}

// rangeText writes a number or an inclusive range, "max" for the largest
// field number.
func (p *printer) rangeText(v any) string {
	switch v := v.(type) {
	case int32:
		return strconv.Itoa(int(v))
	case tagRange:
		if p.mode.normalize && v.start == v.end {
			return strconv.Itoa(int(v.start))
		}
		end := "max"
		if v.end < maxTag {
			end = strconv.Itoa(int(v.end))
		}
		return strconv.Itoa(int(v.start)) + " to " + end
	}
	return ""
}

func (p *printer) extensions(e *extensionsElement) {
	var b strings.Builder
	b.WriteString("extensions ")
	for i, v := range e.values {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.rangeText(v))
	}
	p.write(b.String())
	if options := p.filterOptions(e.options); len(options) > 0 {
		p.write(" ")
		p.optionList(optionValues(options))
	}
	p.write(";\n")
}

func (p *printer) oneOf(o *oneOfElement) {
	p.write("oneof " + o.name + " {")
	if options := p.filterOptions(o.options); len(options) > 0 {
		p.write("\n")
		for _, opt := range options {
			p.nested(func() { p.optionDeclaration(opt) })
		}
	}
	if len(o.fields) > 0 {
		p.write("\n")
		for _, f := range o.fields {
			p.nested(func() { p.field(f) })
		}
	}
	if len(o.groups) > 0 {
		p.write("\n")
		for _, g := range p.sortedGroups(o.groups) {
			p.nested(func() { p.group(g) })
		}
	}
	p.write("}\n")
}

func (p *printer) group(g *groupElement) {
	if g.label != "" {
		p.write(g.label + " ")
	}
	p.write("group " + g.name + " = " + strconv.Itoa(int(g.tag)) + " {")
	if len(g.fields) > 0 {
		p.write("\n")
		for _, f := range p.sortedFields(g.fields) {
			p.nested(func() { p.field(f) })
		}
	}
	p.write("}\n")
}

func (p *printer) extend(e *extendElement) {
	p.write("extend " + e.name + " {")
	if len(e.fields) > 0 {
		p.write("\n")
		for _, f := range p.sortedFields(e.fields) {
			p.nested(func() { p.field(f) })
		}
	}
	p.write("}\n")
}

func (p *printer) enum(e *enumElement) {
	p.write("enum " + e.name + " {")
	if len(e.reserveds) > 0 {
		p.write("\n")
		for _, r := range p.sortedRanges(e.reserveds) {
			p.nested(func() { p.reserved(r) })
		}
	} else if len(e.options) > 0 || len(e.constants) > 0 {
		p.write("\n")
	}
	for _, o := range p.filterOptions(e.options) {
		p.nested(func() { p.optionDeclaration(o) })
	}
	constants := e.constants
	if p.mode.normalize {
		constants = slices.Clone(constants)
		slices.SortStableFunc(constants, func(a, b *enumConstantElement) int {
			return cmp.Or(cmp.Compare(a.tag, b.tag), strings.Compare(a.name, b.name))
		})
	}
	for _, c := range constants {
		p.nested(func() {
			p.write(c.name + " = " + strconv.Itoa(int(c.tag)))
			if options := p.filterOptions(c.options); len(options) > 0 {
				p.write(" ")
				p.optionList(optionValues(options))
			}
			p.write(";\n")
		})
	}
	p.write("}\n")
}

func (p *printer) service(s *serviceElement) {
	p.write("service " + s.name + " {")
	if options := p.filterOptions(s.options); len(options) > 0 {
		p.write("\n")
		for _, o := range options {
			p.nested(func() { p.optionDeclaration(o) })
		}
	}
	if len(s.rpcs) > 0 {
		p.write("\n")
		for _, rpc := range s.rpcs {
			p.nested(func() { p.rpc(rpc) })
		}
	}
	p.write("}\n")
}

func (p *printer) rpc(rpc *rpcElement) {
	p.write("rpc " + rpc.name + " (")
	if rpc.requestStreaming {
		p.write("stream ")
	}
	p.write(p.typeName(rpc.requestType) + ") returns (")
	if rpc.responseStreaming {
		p.write("stream ")
	}
	p.write(p.typeName(rpc.responseType) + ")")
	if options := p.filterOptions(rpc.options); len(options) > 0 {
		p.write(" {\n")
		for _, o := range options {
			p.nested(func() { p.optionDeclaration(o) })
		}
		p.write("}")
	}
	p.write(";\n")
}

// typeName is a type as written, or resolved to its full name when
// normalizing.
func (p *printer) typeName(name string) string {
	if p.mode.normalize {
		return p.resolveOrFail(name)
	}
	return name
}

func (p *printer) field(f *fieldElement) {
	label := f.label
	typ := f.typ
	t := parseProtoType(typ)
	if p.mode.normalize {
		if !t.scalar && !t.isMap {
			typ = p.resolveOrFail(typ)
			if info := p.scope.index.typeNamed(typ[1:]); info != nil && info.isMap {
				t = parseProtoType(info.mapType())
			} else {
				t = parseProtoType(typ)
			}
		}
		if t.isMap && t.value != "" {
			if value := p.scope.resolveType(t.value); value != "" {
				t = parseProtoType("map<" + t.key + ", ." + value + ">")
			}
			label = ""
		}
		typ = t.text
	}
	if label != "" {
		p.write(label + " ")
	}
	p.write(typ + " " + f.name + " = " + strconv.Itoa(int(f.tag)))
	options := slices.Clone(f.options)
	if f.defaultValue != nil {
		options = append(options, &option{name: "default", kind: t.optionKind(), value: *f.defaultValue})
	}
	if f.jsonName != nil {
		options = append(options, &option{name: "json_name", kind: kindString, value: *f.jsonName})
	}
	if options = p.filterOptions(options); len(options) > 0 {
		p.write(" ")
		p.optionList(optionValues(options))
	}
	p.write(";\n")
}

// protoType is Wire's ProtoType of a field type, as much of it as the
// printer uses.
type protoType struct {
	text       string
	scalar     bool
	isMap      bool
	key, value string
}

var scalarTypes = map[string]bool{
	"bool": true, "bytes": true, "double": true, "float": true, "fixed32": true, "fixed64": true,
	"int32": true, "int64": true, "sfixed32": true, "sfixed64": true, "sint32": true, "sint64": true,
	"string": true, "uint32": true, "uint64": true,
}

func parseProtoType(text string) protoType {
	t := protoType{text: text, scalar: scalarTypes[text]}
	if inner, ok := strings.CutPrefix(text, "map<"); ok && strings.HasSuffix(text, ">") {
		if key, value, ok := strings.Cut(inner[:len(inner)-1], ","); ok {
			t.isMap, t.key, t.value = true, strings.TrimSpace(key), strings.TrimSpace(value)
		}
	}
	return t
}

// optionKind is how Confluent writes a default value of the type:
// bool unquoted, string quoted, numbers (and bytes) and enums as written.
func (t protoType) optionKind() optionKind {
	simple := t.text[strings.LastIndexByte(t.text, '.')+1:]
	switch simple {
	case "bool":
		return kindBoolean
	case "string":
		return kindString
	}
	if scalarTypes[simple] {
		return kindNumber
	}
	return kindEnum
}

func (p *printer) optionDeclaration(o *option) {
	p.write("option ")
	p.option(o)
	p.write(";\n")
}

// option writes `name = value` (or `name.sub = value`).
func (p *printer) option(o *option) {
	if o.parenthesized {
		p.write("(" + o.name + ")")
	} else {
		p.write(o.name)
	}
	switch o.kind {
	case kindString:
		p.write(" = \"" + escapeChars(javaString(o.value)) + "\"")
	case kindBoolean, kindEnum:
		p.write(" = " + javaString(o.value))
	case kindNumber:
		p.write(" = " + p.number(javaString(o.value)))
	case kindOption:
		p.write(".")
		p.option(o.value.(*option))
	case kindMap:
		p.write(" = {\n")
		p.optionMap(o.value.(*optionMap))
		p.write("}")
	case kindList:
		p.write(" = ")
		p.optionList(o.value.([]any))
	}
}

func (p *printer) number(text string) string {
	if p.mode.normalize {
		return normalizeNumber(text)
	}
	return text
}

// optionList writes [a] or, for any other count, one value a line.
func (p *printer) optionList(values []any) {
	if len(values) == 1 {
		p.write("[")
		p.value(values[0])
		p.write("]")
		return
	}
	p.write("[\n")
	for i, v := range values {
		p.nested(func() {
			p.value(v)
			if i < len(values)-1 {
				p.write(",")
			}
		})
	}
	p.write("]")
}

func optionValues(options []*option) []any {
	values := make([]any, len(options))
	for i, o := range options {
		values[i] = o
	}
	return values
}

// optionMap writes the entries of a message literal, one a line.
func (p *printer) optionMap(m *optionMap) {
	if p.mode.normalize {
		m = p.normalizedMap(m)
	}
	for i, key := range m.keys {
		p.nested(func() {
			p.write(key + ": ")
			p.value(m.values[key])
			if i < len(m.keys)-1 {
				p.write(",")
			}
		})
	}
}

// value writes a value inside a map or list.
func (p *printer) value(v any) {
	switch v := v.(type) {
	case string:
		p.write("\"" + escapeChars(v) + "\"")
	case *optionMap:
		p.write("{\n")
		p.optionMap(v)
		p.write("}")
	case []any:
		if p.mode.normalize && len(v) == 1 {
			p.value(v[0])
			return
		}
		p.write("[\n")
		for i, item := range v {
			p.nested(func() {
				p.value(item)
				if i < len(v)-1 {
					p.write(",")
				}
			})
		}
		p.write("]")
	case primitive:
		switch v.kind {
		case kindNumber:
			p.write(p.number(v.value))
		default:
			p.write(v.value)
		}
	case *option:
		p.option(v)
	}
}

// escapeChars escapes a string for a double-quoted literal as Confluent's
// ProtobufSchemaUtils.escapeChars does.
func escapeChars(s string) string {
	if !strings.ContainsAny(s, "\a\b\f\n\r\t\v\\'\"") {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\v':
			b.WriteString(`\v`)
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		case '"':
			b.WriteString(`\"`)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// javaString is Java's toString of an option value, the text Wire keeps
// for a default or json_name given in an unusual form.
func javaString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case primitive:
		return "OptionPrimitive(kind=" + kindNames[v.kind] + ", value=" + v.value + ")"
	case *option:
		return fmt.Sprintf("OptionElement(name=%s, kind=%s, value=%s, isParenthesized=%t)", v.name, kindNames[v.kind], javaString(v.value), v.parenthesized)
	case *optionMap:
		parts := make([]string, len(v.keys))
		for i, k := range v.keys {
			parts[i] = k + "=" + javaString(v.values[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []any:
		parts := make([]string, len(v))
		for i, item := range v {
			parts[i] = javaString(item)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return ""
}

var kindNames = map[optionKind]string{
	kindString: "STRING", kindBoolean: "BOOLEAN", kindNumber: "NUMBER", kindEnum: "ENUM",
	kindMap: "MAP", kindList: "LIST", kindOption: "OPTION",
}
