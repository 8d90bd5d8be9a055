package protobuf

import (
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
)

// metaField is the number of Confluent's meta extensions (file_meta,
// message_meta, field_meta, enum_meta, enum_value_meta) in confluent/meta.proto.
const metaField = 1088

// Option names Confluent gives its meta extensions.
const (
	fileMetaOption      = "confluent.file_meta"
	messageMetaOption   = "confluent.message_meta"
	fieldMetaOption     = "confluent.field_meta"
	enumMetaOption      = "confluent.enum_meta"
	enumValueMetaOption = "confluent.enum_value_meta"
)

// fileFromDescriptor converts a FileDescriptorProto into the element tree
// Confluent builds from it (ProtobufSchema.toProtoFile): types by
// descriptor order, standard options it knows in a fixed order, and of the
// custom options only its own meta (Confluent reads descriptors with an
// extension registry that knows no others, so they are lost).
func fileFromDescriptor(fd *descriptorpb.FileDescriptorProto) (*fileElement, error) {
	c := &descriptorConverter{proto3: fd.GetSyntax() == syntaxProto3}
	f := &fileElement{packageName: fd.GetPackage()}
	switch fd.GetSyntax() {
	case syntaxProto2, syntaxProto3:
		f.syntax = fd.GetSyntax()
	}
	for _, m := range fd.GetMessageType() {
		f.types = append(f.types, c.message(m))
	}
	for _, e := range fd.GetEnumType() {
		f.types = append(f.types, c.enum(e))
	}
	for _, s := range fd.GetService() {
		f.services = append(f.services, c.service(s))
	}
	public, weak := indexSet(fd.GetPublicDependency()), indexSet(fd.GetWeakDependency())
	for i, dep := range fd.GetDependency() {
		switch {
		case public[int32(i)]:
			f.publicImports = append(f.publicImports, dep)
		case weak[int32(i)]:
			f.weakImports = append(f.weakImports, dep)
		default:
			f.imports = append(f.imports, dep)
		}
	}
	if o := fd.GetOptions(); o != nil {
		var opts optionList
		opts.str("java_package", o.JavaPackage)
		opts.str("java_outer_classname", o.JavaOuterClassname)
		opts.boolean("java_multiple_files", o.JavaMultipleFiles)
		opts.boolean("java_generate_equals_and_hash", o.JavaGenerateEqualsAndHash)
		opts.boolean("java_string_check_utf8", o.JavaStringCheckUtf8)
		if o.OptimizeFor != nil {
			opts.enum("optimize_for", o.GetOptimizeFor().String())
		}
		opts.str("go_package", o.GoPackage)
		opts.boolean("cc_generic_services", o.CcGenericServices)
		opts.boolean("java_generic_services", o.JavaGenericServices)
		opts.boolean("py_generic_services", o.PyGenericServices)
		opts.boolean("deprecated", o.Deprecated)
		opts.boolean("cc_enable_arenas", o.CcEnableArenas)
		opts.str("objc_class_prefix", o.ObjcClassPrefix)
		opts.str("csharp_namespace", o.CsharpNamespace)
		opts.str("swift_prefix", o.SwiftPrefix)
		opts.str("php_class_prefix", o.PhpClassPrefix)
		opts.str("php_namespace", o.PhpNamespace)
		opts.str("php_metadata_namespace", o.PhpMetadataNamespace)
		opts.str("ruby_package", o.RubyPackage)
		opts.features(o.Features)
		if err := opts.meta(fileMetaOption, o); err != nil {
			return nil, err
		}
		f.options = opts
	}
	extends, err := c.extends(fd.GetExtension())
	if err != nil {
		return nil, err
	}
	f.extends = extends
	return f, c.err
}

func indexSet(indexes []int32) map[int32]bool {
	set := make(map[int32]bool, len(indexes))
	for _, i := range indexes {
		set[i] = true
	}
	return set
}

// descriptorConverter keeps what the conversion of one file needs: its
// syntax, and the first error (a malformed meta option).
type descriptorConverter struct {
	proto3 bool
	err    error
}

func (c *descriptorConverter) fail(err error) {
	if c.err == nil && err != nil {
		c.err = err
	}
}

// extends groups extension fields by extended message, in order.
func (c *descriptorConverter) extends(fields []*descriptorpb.FieldDescriptorProto) ([]*extendElement, error) {
	var blocks []*extendElement
	byName := make(map[string]*extendElement)
	for _, fd := range fields {
		block, ok := byName[fd.GetExtendee()]
		if !ok {
			block = &extendElement{name: fd.GetExtendee()}
			byName[fd.GetExtendee()] = block
			blocks = append(blocks, block)
		}
		block.fields = append(block.fields, c.field(fd, false))
	}
	return blocks, c.err
}

func (c *descriptorConverter) message(d *descriptorpb.DescriptorProto) *messageElement {
	m := &messageElement{name: d.GetName()}
	oneOfs := make([]*oneOfElement, len(d.GetOneofDecl()))
	for i, od := range d.GetOneofDecl() {
		oneOfs[i] = &oneOfElement{name: od.GetName()}
		if od.GetOptions() != nil {
			var opts optionList
			opts.features(od.GetOptions().Features)
			oneOfs[i].options = opts
		}
	}
	for _, fd := range d.GetField() {
		if fd.OneofIndex != nil && !fd.GetProto3Optional() && int(fd.GetOneofIndex()) < len(oneOfs) && fd.GetOneofIndex() >= 0 {
			o := oneOfs[fd.GetOneofIndex()]
			o.fields = append(o.fields, c.field(fd, true))
			continue
		}
		m.fields = append(m.fields, c.field(fd, false))
	}
	for _, nested := range d.GetNestedType() {
		m.nestedList = append(m.nestedList, c.message(nested))
	}
	for _, nested := range d.GetEnumType() {
		m.nestedList = append(m.nestedList, c.enum(nested))
	}
	for _, r := range d.GetReservedRange() {
		m.reserveds = append(m.reserveds, &reservedElement{values: []any{exclusiveRange(r.GetStart(), r.GetEnd())}})
	}
	for _, name := range d.GetReservedName() {
		m.reserveds = append(m.reserveds, &reservedElement{values: []any{name}})
	}
	for _, r := range d.GetExtensionRange() {
		m.extensions = append(m.extensions, c.extensionRange(r))
	}
	if o := d.GetOptions(); o != nil {
		var opts optionList
		opts.boolean("no_standard_descriptor_accessor", o.NoStandardDescriptorAccessor)
		opts.boolean("deprecated", o.Deprecated)
		opts.boolean("map_entry", o.MapEntry)
		opts.features(o.Features)
		c.fail(opts.meta(messageMetaOption, o))
		m.options = opts
	}
	extends, _ := c.extends(d.GetExtension())
	m.extends = extends
	for _, o := range oneOfs {
		if len(o.fields) > 0 {
			m.oneOfs = append(m.oneOfs, o)
		}
	}
	return m
}

// exclusiveRange converts a descriptor's [start, end) range.
func exclusiveRange(start, end int32) any {
	if start == end-1 {
		return start
	}
	return tagRange{start, end - 1}
}

func (c *descriptorConverter) extensionRange(r *descriptorpb.DescriptorProto_ExtensionRange) *extensionsElement {
	e := &extensionsElement{values: []any{exclusiveRange(r.GetStart(), r.GetEnd())}}
	o := r.GetOptions()
	if o == nil {
		return e
	}
	var opts optionList
	for _, decl := range o.GetDeclaration() {
		m := newOptionMap()
		if decl.Number != nil {
			m.put("number", primitive{kindNumber, strconv.Itoa(int(decl.GetNumber()))})
		}
		if decl.FullName != nil {
			m.put("full_name", decl.GetFullName())
		}
		if decl.Type != nil {
			m.put("type", decl.GetType())
		}
		if decl.Reserved != nil {
			m.put("reserved", primitive{kindBoolean, strconv.FormatBool(decl.GetReserved())})
		}
		if decl.Repeated != nil {
			m.put("repeated", primitive{kindBoolean, strconv.FormatBool(decl.GetRepeated())})
		}
		opts = append(opts, &option{name: "declaration", kind: kindMap, value: m})
	}
	opts.features(o.Features)
	if o.Verification != nil {
		opts = append(opts, &option{name: "verification", kind: kindBoolean, value: o.GetVerification().String()})
	}
	e.options = opts
	return e
}

func (c *descriptorConverter) enum(d *descriptorpb.EnumDescriptorProto) *enumElement {
	e := &enumElement{name: d.GetName()}
	for _, v := range d.GetValue() {
		constant := &enumConstantElement{name: v.GetName(), tag: v.GetNumber()}
		if o := v.GetOptions(); o != nil {
			var opts optionList
			opts.boolean("deprecated", o.Deprecated)
			opts.boolean("debug_redact", o.DebugRedact)
			opts.features(o.Features)
			opts.featureSupport(o.FeatureSupport)
			c.fail(opts.meta(enumValueMetaOption, o))
			constant.options = opts
		}
		e.constants = append(e.constants, constant)
	}
	for _, r := range d.GetReservedRange() {
		var value any = tagRange{r.GetStart(), r.GetEnd()}
		if r.GetStart() == r.GetEnd() {
			value = r.GetStart()
		}
		e.reserveds = append(e.reserveds, &reservedElement{values: []any{value}})
	}
	for _, name := range d.GetReservedName() {
		e.reserveds = append(e.reserveds, &reservedElement{values: []any{name}})
	}
	if o := d.GetOptions(); o != nil {
		var opts optionList
		opts.boolean("allow_alias", o.AllowAlias)
		opts.boolean("deprecated", o.Deprecated)
		opts.features(o.Features)
		c.fail(opts.meta(enumMetaOption, o))
		e.options = opts
	}
	return e
}

func (c *descriptorConverter) service(d *descriptorpb.ServiceDescriptorProto) *serviceElement {
	s := &serviceElement{name: d.GetName()}
	for _, m := range d.GetMethod() {
		rpc := &rpcElement{
			name:              m.GetName(),
			requestType:       m.GetInputType(),
			responseType:      m.GetOutputType(),
			requestStreaming:  m.GetClientStreaming(),
			responseStreaming: m.GetServerStreaming(),
		}
		if o := m.GetOptions(); o != nil {
			var opts optionList
			opts.boolean("deprecated", o.Deprecated)
			if o.IdempotencyLevel != nil {
				opts.enum("idempotency_level", o.GetIdempotencyLevel().String())
			}
			opts.features(o.Features)
			rpc.options = opts
		}
		s.rpcs = append(s.rpcs, rpc)
	}
	if o := d.GetOptions(); o != nil {
		var opts optionList
		opts.boolean("deprecated", o.Deprecated)
		opts.features(o.Features)
		s.options = opts
	}
	return s
}

func (c *descriptorConverter) field(fd *descriptorpb.FieldDescriptorProto, inOneOf bool) *fieldElement {
	f := &fieldElement{name: fd.GetName(), tag: fd.GetNumber()}
	if !inOneOf {
		f.label = c.label(fd)
	}
	if fd.TypeName != nil {
		f.typ = fd.GetTypeName()
	} else {
		f.typ = strings.ToLower(strings.TrimPrefix(fd.GetType().String(), "TYPE_"))
	}
	if fd.JsonName != nil {
		f.jsonName = proto.String(fd.GetJsonName())
	}
	if !c.proto3 && fd.DefaultValue != nil {
		f.defaultValue = proto.String(fd.GetDefaultValue())
	}
	if o := fd.GetOptions(); o != nil {
		var opts optionList
		if o.Ctype != nil {
			opts.enum("ctype", o.GetCtype().String())
		}
		opts.boolean("packed", o.Packed)
		if o.Jstype != nil {
			opts.enum("jstype", o.GetJstype().String())
		}
		opts.boolean("deprecated", o.Deprecated)
		opts.boolean("debug_redact", o.DebugRedact)
		if o.Retention != nil {
			opts.enum("retention", o.GetRetention().String())
		}
		for _, t := range o.GetTargets() {
			opts.enum("targets", t.String())
		}
		for _, d := range o.GetEditionDefaults() {
			m := newOptionMap()
			if d.Edition != nil {
				m.put("edition", primitive{kindEnum, d.GetEdition().String()})
			}
			if d.Value != nil {
				m.put("value", d.GetValue())
			}
			opts = append(opts, &option{name: "edition_defaults", kind: kindMap, value: m})
		}
		opts.features(o.Features)
		opts.featureSupport(o.FeatureSupport)
		c.fail(opts.meta(fieldMetaOption, o))
		f.options = opts
	}
	return f
}

// label is the label Confluent writes for a field read from a descriptor:
// none for singular proto3 fields, "optional" for proto3 optional ones.
func (c *descriptorConverter) label(fd *descriptorpb.FieldDescriptorProto) string {
	if fd.GetProto3Optional() {
		return labelOptional
	}
	switch fd.GetLabel() {
	case descriptorpb.FieldDescriptorProto_LABEL_REPEATED:
		return labelRepeated
	case descriptorpb.FieldDescriptorProto_LABEL_REQUIRED:
		if !c.proto3 {
			return labelRequired
		}
	default:
		if !c.proto3 {
			return labelOptional
		}
	}
	return ""
}

// optionList builds the options Confluent derives from a descriptor.
type optionList []*option

func (l *optionList) str(name string, v *string) {
	if v != nil {
		*l = append(*l, &option{name: name, kind: kindString, value: *v})
	}
}

func (l *optionList) boolean(name string, v *bool) {
	if v != nil {
		*l = append(*l, &option{name: name, kind: kindBoolean, value: strconv.FormatBool(*v)})
	}
}

func (l *optionList) enum(name, value string) {
	*l = append(*l, &option{name: name, kind: kindEnum, value: value})
}

func (l *optionList) features(fs *descriptorpb.FeatureSet) {
	if fs == nil {
		return
	}
	m := newOptionMap()
	if fs.FieldPresence != nil {
		m.put("field_presence", primitive{kindEnum, fs.GetFieldPresence().String()})
	}
	if fs.EnumType != nil {
		m.put("enum_type", primitive{kindEnum, fs.GetEnumType().String()})
	}
	if fs.RepeatedFieldEncoding != nil {
		m.put("repeated_field_encoding", primitive{kindEnum, fs.GetRepeatedFieldEncoding().String()})
	}
	if fs.Utf8Validation != nil {
		m.put("utf8_validation", primitive{kindEnum, fs.GetUtf8Validation().String()})
	}
	if fs.MessageEncoding != nil {
		m.put("message_encoding", primitive{kindEnum, fs.GetMessageEncoding().String()})
	}
	if fs.JsonFormat != nil {
		m.put("json_format", primitive{kindEnum, fs.GetJsonFormat().String()})
	}
	*l = append(*l, &option{name: "features", kind: kindMap, value: m})
}

func (l *optionList) featureSupport(fs *descriptorpb.FieldOptions_FeatureSupport) {
	if fs == nil {
		return
	}
	m := newOptionMap()
	if fs.EditionIntroduced != nil {
		m.put("edition_introduced", primitive{kindEnum, fs.GetEditionIntroduced().String()})
	}
	if fs.EditionDeprecated != nil {
		m.put("edition_deprecated", primitive{kindEnum, fs.GetEditionDeprecated().String()})
	}
	if fs.DeprecationWarning != nil {
		m.put("deprecation_warning", fs.GetDeprecationWarning())
	}
	if fs.EditionRemoved != nil {
		m.put("edition_removed", primitive{kindEnum, fs.GetEditionRemoved().String()})
	}
	*l = append(*l, &option{name: "feature_support", kind: kindMap, value: m})
}

// meta adds Confluent's meta option of an options message, read from its
// encoding, when it is set and not empty (ProtobufSchema.toOption).
func (l *optionList) meta(name string, options proto.Message) error {
	raw, err := proto.MarshalOptions{Deterministic: true}.Marshal(options)
	if err != nil {
		return err
	}
	m, found, err := decodeMeta(raw)
	if err != nil {
		return fmt.Errorf("invalid %s: %w", name, err)
	}
	if !found {
		return nil
	}
	value := newOptionMap()
	if m.doc != "" {
		value.put("doc", m.doc)
	}
	if len(m.params.keys) > 0 {
		var params []any
		for _, k := range m.params.keys {
			entry := newOptionMap()
			v := m.params.values[k]
			if k == "precision" || k == "scale" {
				// Confluent writes these two value first.
				entry.put("value", v)
				entry.put("key", k)
			} else {
				entry.put("key", k)
				entry.put("value", v)
			}
			params = append(params, entry)
		}
		value.put("params", params)
	}
	if len(m.tags) > 0 {
		tags := make([]any, len(m.tags))
		for i, t := range m.tags {
			tags[i] = t
		}
		value.put("tags", tags)
	}
	var rules []any
	for _, r := range m.rules {
		entry := newOptionMap()
		for _, part := range []struct{ key, value string }{{"name", r.name}, {"doc", r.doc}, {"expr", r.expr}, {"sql", r.sql}} {
			if part.value != "" {
				entry.put(part.key, part.value)
			}
		}
		if entry.len() > 0 {
			rules = append(rules, entry)
		}
	}
	if len(rules) > 0 {
		value.put("rules", rules)
	}
	if value.len() > 0 {
		*l = append(*l, &option{name: name, kind: kindMap, value: value, parenthesized: true})
	}
	return nil
}

// meta is Confluent's Meta message (confluent/meta.proto).
type meta struct {
	doc    string
	params *optionMap // string values, in the order first seen
	tags   []string
	rules  []metaRule
}

type metaRule struct{ name, doc, expr, sql string }

// decodeMeta reads field metaField of an encoded options message, merging
// repeated occurrences as protobuf does.
func decodeMeta(raw []byte) (meta, bool, error) {
	m := meta{params: newOptionMap()}
	found := false
	err := eachField(raw, func(num protowire.Number, typ protowire.Type, value []byte) error {
		if num != metaField {
			return nil
		}
		if typ != protowire.BytesType {
			return fmt.Errorf("wire type %d", typ)
		}
		found = true
		return eachField(value, func(num protowire.Number, typ protowire.Type, value []byte) error {
			if typ != protowire.BytesType {
				return nil
			}
			switch num {
			case 1:
				m.doc = string(value)
			case 2:
				var key, val string
				if err := eachField(value, func(num protowire.Number, typ protowire.Type, v []byte) error {
					switch {
					case typ != protowire.BytesType:
					case num == 1:
						key = string(v)
					case num == 2:
						val = string(v)
					}
					return nil
				}); err != nil {
					return err
				}
				m.params.put(key, val)
			case 3:
				m.tags = append(m.tags, string(value))
			case 4:
				var r metaRule
				if err := eachField(value, func(num protowire.Number, typ protowire.Type, v []byte) error {
					if typ != protowire.BytesType {
						return nil
					}
					switch num {
					case 1:
						r.name = string(v)
					case 2:
						r.doc = string(v)
					case 3:
						r.expr = string(v)
					case 4:
						r.sql = string(v)
					}
					return nil
				}); err != nil {
					return err
				}
				m.rules = append(m.rules, r)
			}
			return nil
		})
	})
	return m, found, err
}

// eachField calls fn with each field of an encoded message; for
// length-delimited fields value is the content, otherwise nil.
func eachField(b []byte, fn func(protowire.Number, protowire.Type, []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		var value []byte
		if typ == protowire.BytesType {
			value, n = protowire.ConsumeBytes(b)
		} else {
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if err := fn(num, typ, value); err != nil {
			return err
		}
	}
	return nil
}
