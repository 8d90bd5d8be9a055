package protobuf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
)

// serializedFileName is the name Confluent gives the file it serializes
// (ProtobufSchema.DEFAULT_NAME).
const serializedFileName = "default"

var errNotSerializable = errors.New("schema cannot be serialized")

// serialize builds the FileDescriptorProto Confluent's "serialized" format
// encodes (ProtobufSchema.toDynamicSchema): built from the element tree,
// type names kept as written, only the options Confluent knows, map
// fields as nested entry messages added after the other nested types, and
// oneof fields before the others. imported tells which import paths
// resolve; Confluent leaves the others out.
func serialize(f *fileElement, index *typeIndex, imported func(string) bool) (_ *descriptorpb.FileDescriptorProto, err error) {
	s := &serializer{scope: &scope{index: index}}
	if f.packageName != "" {
		s.scope.pkg = strings.Split(f.packageName, ".")
	}
	defer func() {
		if v := recover(); v != nil {
			e, ok := v.(serializeError)
			if !ok {
				panic(v)
			}
			err = e.err
		}
	}()
	fd := &descriptorpb.FileDescriptorProto{Name: proto.String(serializedFileName)}
	if f.syntax != "" {
		fd.Syntax = proto.String(f.syntax)
	}
	if f.packageName != "" {
		fd.Package = proto.String(f.packageName)
	}
	for _, t := range f.types {
		s.scope.enter(t.typeName())
		switch t := t.(type) {
		case *messageElement:
			fd.MessageType = append(fd.MessageType, s.message(f.syntax, t))
		case *enumElement:
			fd.EnumType = append(fd.EnumType, s.enum(t))
		}
		s.scope.leave()
	}
	for _, svc := range f.services {
		fd.Service = append(fd.Service, s.service(svc))
	}
	for _, e := range f.extends {
		for _, field := range e.fields {
			fd.Extension = append(fd.Extension, s.field(field, field.typ, field.label, false, nil, &e.name))
		}
	}
	for _, path := range f.imports {
		if imported(path) && dependencyIndex(fd, path) < 0 {
			fd.Dependency = append(fd.Dependency, path)
		}
	}
	for _, path := range f.publicImports {
		if !imported(path) {
			continue
		}
		i := dependencyIndex(fd, path)
		if i < 0 {
			fd.Dependency = append(fd.Dependency, path)
			i = len(fd.Dependency) - 1
		}
		fd.PublicDependency = append(fd.PublicDependency, int32(i))
	}
	fd.Options = s.fileOptions(f.options)
	return fd, nil
}

func dependencyIndex(fd *descriptorpb.FileDescriptorProto, path string) int {
	for i, dep := range fd.Dependency {
		if dep == path {
			return i
		}
	}
	return -1
}

// serializeError carries a failure out of the serializer: Confluent throws
// on option values it cannot convert.
type serializeError struct{ err error }

func (s *serializer) fail(format string, args ...any) {
	panic(serializeError{fmt.Errorf("%w: "+format, append([]any{errNotSerializable}, args...)...)})
}

type serializer struct {
	scope *scope
}

func (s *serializer) fileOptions(options []*option) *descriptorpb.FileOptions {
	merged := mergedOptions(options)
	o := &descriptorpb.FileOptions{
		JavaPackage:               s.str(merged, "java_package"),
		JavaOuterClassname:        s.str(merged, "java_outer_classname"),
		JavaMultipleFiles:         s.boolean(merged, "java_multiple_files"),
		JavaGenerateEqualsAndHash: s.boolean(merged, "java_generate_equals_and_hash"),
		JavaStringCheckUtf8:       s.boolean(merged, "java_string_check_utf8"),
		GoPackage:                 s.str(merged, "go_package"),
		CcGenericServices:         s.boolean(merged, "cc_generic_services"),
		JavaGenericServices:       s.boolean(merged, "java_generic_services"),
		PyGenericServices:         s.boolean(merged, "py_generic_services"),
		Deprecated:                s.boolean(merged, "deprecated"),
		CcEnableArenas:            s.boolean(merged, "cc_enable_arenas"),
		ObjcClassPrefix:           s.str(merged, "objc_class_prefix"),
		CsharpNamespace:           s.str(merged, "csharp_namespace"),
		SwiftPrefix:               s.str(merged, "swift_prefix"),
		PhpClassPrefix:            s.str(merged, "php_class_prefix"),
		PhpNamespace:              s.str(merged, "php_namespace"),
		PhpMetadataNamespace:      s.str(merged, "php_metadata_namespace"),
		RubyPackage:               s.str(merged, "ruby_package"),
		Features:                  s.features(merged),
	}
	if v, ok := s.enumValue(merged, "optimize_for", descriptorpb.FileOptions_OptimizeMode_value, false); ok {
		o.OptimizeFor = descriptorpb.FileOptions_OptimizeMode(v).Enum()
	}
	return withMeta(o, s.meta(merged, fileMetaOption))
}

// withMeta returns options, nil when empty, with Confluent's meta appended
// as Java encodes it: after the regular fields.
func withMeta[T proto.Message](options T, meta []byte) T {
	if meta != nil {
		m := options.ProtoReflect()
		m.SetUnknown(protowire.AppendBytes(protowire.AppendTag(m.GetUnknown(), metaField, protowire.BytesType), meta))
	}
	if proto.Size(options) == 0 {
		var none T
		return none
	}
	return options
}

func (s *serializer) str(merged map[string]*option, name string) *string {
	if o := merged[name]; o != nil {
		return proto.String(javaString(o.value))
	}
	return nil
}

func (s *serializer) boolean(merged map[string]*option, name string) *bool {
	if o := merged[name]; o != nil {
		return proto.Bool(strings.EqualFold(javaString(o.value), "true"))
	}
	return nil
}

// enumValue is Java's Enum.valueOf of an option's value; when lenient, an
// unknown name is the enum's zero value, otherwise Confluent throws.
func (s *serializer) enumValue(merged map[string]*option, name string, values map[string]int32, lenient bool) (int32, bool) {
	o := merged[name]
	if o == nil {
		return 0, false
	}
	v, ok := values[javaString(o.value)]
	if !ok && !lenient {
		s.fail("no enum constant %s for option %s", javaString(o.value), name)
	}
	return v, true
}

func (s *serializer) features(merged map[string]*option) *descriptorpb.FeatureSet {
	o := merged["features"]
	if o == nil {
		return nil
	}
	m := s.mapValue(o)
	fs := &descriptorpb.FeatureSet{}
	if v, ok := enumField(m, "field_presence", descriptorpb.FeatureSet_FieldPresence_value); ok {
		fs.FieldPresence = descriptorpb.FeatureSet_FieldPresence(v).Enum()
	}
	if v, ok := enumField(m, "enum_type", descriptorpb.FeatureSet_EnumType_value); ok {
		fs.EnumType = descriptorpb.FeatureSet_EnumType(v).Enum()
	}
	if v, ok := enumField(m, "repeated_field_encoding", descriptorpb.FeatureSet_RepeatedFieldEncoding_value); ok {
		fs.RepeatedFieldEncoding = descriptorpb.FeatureSet_RepeatedFieldEncoding(v).Enum()
	}
	if v, ok := enumField(m, "utf8_validation", descriptorpb.FeatureSet_Utf8Validation_value); ok {
		fs.Utf8Validation = descriptorpb.FeatureSet_Utf8Validation(v).Enum()
	}
	if v, ok := enumField(m, "message_encoding", descriptorpb.FeatureSet_MessageEncoding_value); ok {
		fs.MessageEncoding = descriptorpb.FeatureSet_MessageEncoding(v).Enum()
	}
	if v, ok := enumField(m, "json_format", descriptorpb.FeatureSet_JsonFormat_value); ok {
		fs.JsonFormat = descriptorpb.FeatureSet_JsonFormat(v).Enum()
	}
	return fs
}

func (s *serializer) mapValue(o *option) *optionMap {
	m, ok := o.value.(*optionMap)
	if !ok {
		s.fail("option %s is not a message", o.name)
	}
	return m
}

// enumField reads an enum inside an option's message value; an unknown
// name is the enum's zero value, as Confluent's toFeatures has it.
func enumField(m *optionMap, key string, values map[string]int32) (int32, bool) {
	v, ok := m.get(key)
	if !ok {
		return 0, false
	}
	return values[primitiveText(v)], true
}

// primitiveText is Confluent's toPrimitiveValue(...).toString().
func primitiveText(v any) string {
	if p, ok := v.(primitive); ok {
		return p.value
	}
	return javaString(v)
}

// meta encodes Confluent's meta option called name as Java encodes the
// Meta message (ProtobufSchema.findMeta and DynamicSchema.toMeta), or
// returns nil when it is absent or empty.
func (s *serializer) meta(merged map[string]*option, name string) []byte {
	o := merged[name]
	if o == nil {
		return nil
	}
	m := s.mapValue(o)
	var b []byte
	if v, ok := m.get("doc"); ok {
		doc, ok := v.(string)
		if !ok {
			s.fail("doc of %s is not a string", name)
		}
		if doc != "" {
			b = protowire.AppendTag(b, 1, protowire.BytesType)
			b = protowire.AppendString(b, doc)
		}
	}
	if v, ok := m.get("params"); ok {
		params := newOptionMap()
		for _, item := range appendToList(nil, v) {
			entry, ok := item.(*optionMap)
			if !ok {
				s.fail("params of %s are not key-value pairs", name)
			}
			key, _ := entry.get("key")
			value, _ := entry.get("value")
			params.put(metaString(key), metaString(value))
		}
		for _, key := range params.keys {
			var entry []byte
			entry = protowire.AppendTag(entry, 1, protowire.BytesType)
			entry = protowire.AppendString(entry, key)
			entry = protowire.AppendTag(entry, 2, protowire.BytesType)
			entry = protowire.AppendString(entry, params.values[key].(string))
			b = protowire.AppendTag(b, 2, protowire.BytesType)
			b = protowire.AppendBytes(b, entry)
		}
	}
	if v, ok := m.get("tags"); ok {
		for _, tag := range appendToList(nil, v) {
			b = protowire.AppendTag(b, 3, protowire.BytesType)
			b = protowire.AppendString(b, metaString(tag))
		}
	}
	if v, ok := m.get("rules"); ok {
		for _, item := range appendToList(nil, v) {
			rule, ok := item.(*optionMap)
			if !ok {
				s.fail("rules of %s are not messages", name)
			}
			var r []byte
			for i, key := range []string{"name", "doc", "expr", "sql"} {
				if value, ok := rule.get(key); ok && metaString(value) != "" {
					r = protowire.AppendTag(r, protowire.Number(i+1), protowire.BytesType)
					r = protowire.AppendString(r, metaString(value))
				}
			}
			if r != nil {
				b = protowire.AppendTag(b, 4, protowire.BytesType)
				b = protowire.AppendBytes(b, r)
			}
		}
	}
	return b
}

// metaString is a string inside Confluent's meta option.
func metaString(v any) string {
	if v == nil {
		return ""
	}
	return primitiveText(v)
}

// typeOf sets a field's type from its type name as Confluent's
// FieldDefinition does: scalars by name, messages and enums when the name
// resolves, the type left unset otherwise.
func (s *serializer) typeOf(fd *descriptorpb.FieldDescriptorProto, typ string) {
	if t, ok := scalarFieldTypes[typ]; ok {
		fd.Type = t.Enum()
		return
	}
	if info := s.scope.typeOf(typ); info != nil {
		switch info.elem.(type) {
		case *messageElement:
			fd.Type = descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum()
		case *enumElement:
			fd.Type = descriptorpb.FieldDescriptorProto_TYPE_ENUM.Enum()
		}
	}
	fd.TypeName = proto.String(typ)
}

var scalarFieldTypes = map[string]descriptorpb.FieldDescriptorProto_Type{
	"double": descriptorpb.FieldDescriptorProto_TYPE_DOUBLE, "float": descriptorpb.FieldDescriptorProto_TYPE_FLOAT,
	"int32": descriptorpb.FieldDescriptorProto_TYPE_INT32, "int64": descriptorpb.FieldDescriptorProto_TYPE_INT64,
	"uint32": descriptorpb.FieldDescriptorProto_TYPE_UINT32, "uint64": descriptorpb.FieldDescriptorProto_TYPE_UINT64,
	"sint32": descriptorpb.FieldDescriptorProto_TYPE_SINT32, "sint64": descriptorpb.FieldDescriptorProto_TYPE_SINT64,
	"fixed32": descriptorpb.FieldDescriptorProto_TYPE_FIXED32, "fixed64": descriptorpb.FieldDescriptorProto_TYPE_FIXED64,
	"sfixed32": descriptorpb.FieldDescriptorProto_TYPE_SFIXED32, "sfixed64": descriptorpb.FieldDescriptorProto_TYPE_SFIXED64,
	"bool": descriptorpb.FieldDescriptorProto_TYPE_BOOL, "string": descriptorpb.FieldDescriptorProto_TYPE_STRING,
	"bytes": descriptorpb.FieldDescriptorProto_TYPE_BYTES,
}

var labels = map[string]descriptorpb.FieldDescriptorProto_Label{
	labelOptional: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL,
	labelRequired: descriptorpb.FieldDescriptorProto_LABEL_REQUIRED,
	labelRepeated: descriptorpb.FieldDescriptorProto_LABEL_REPEATED,
}

func (s *serializer) message(syntax string, m *messageElement) *descriptorpb.DescriptorProto {
	d := &descriptorpb.DescriptorProto{Name: proto.String(m.name)}
	for _, t := range m.nestedList {
		s.scope.enter(t.typeName())
		switch t := t.(type) {
		case *messageElement:
			d.NestedType = append(d.NestedType, s.message(syntax, t))
		case *enumElement:
			d.EnumType = append(d.EnumType, s.enum(t))
		}
		s.scope.leave()
	}
	inOneOf := make(map[string]bool)
	for _, o := range m.oneOfs {
		merged := mergedOptions(o.options)
		index := s.addOneOf(d, o.name, s.features(merged))
		for _, f := range o.fields {
			d.Field = append(d.Field, s.field(f, f.typ, labelOptional, false, &index, nil))
			inOneOf[f.name] = true
		}
	}
	for _, f := range m.fields {
		if inOneOf[f.name] {
			continue
		}
		label, typ := f.label, f.typ
		if t := parseProtoType(typ); t.isMap {
			label, typ = labelRepeated, mapEntryName(f.name)
			entry := &descriptorpb.DescriptorProto{
				Name:    proto.String(typ),
				Options: &descriptorpb.MessageOptions{MapEntry: proto.Bool(true)},
			}
			key := &descriptorpb.FieldDescriptorProto{Name: proto.String("key"), Number: proto.Int32(1)}
			s.typeOf(key, t.key)
			value := &descriptorpb.FieldDescriptorProto{Name: proto.String("value"), Number: proto.Int32(2)}
			s.typeOf(value, t.value)
			entry.Field = []*descriptorpb.FieldDescriptorProto{key, value}
			d.NestedType = append(d.NestedType, entry)
		}
		if label == labelOptional && syntax == syntaxProto3 {
			index := s.addOneOf(d, "_"+f.name, nil)
			fd := s.field(f, typ, labelOptional, true, &index, nil)
			d.Field = append(d.Field, fd)
			continue
		}
		d.Field = append(d.Field, s.field(f, typ, label, false, nil, nil))
	}
	for _, r := range m.reserveds {
		for _, v := range r.values {
			switch v := v.(type) {
			case string:
				d.ReservedName = append(d.ReservedName, v)
			case int32:
				d.ReservedRange = append(d.ReservedRange, &descriptorpb.DescriptorProto_ReservedRange{Start: proto.Int32(v), End: proto.Int32(v + 1)})
			case tagRange:
				d.ReservedRange = append(d.ReservedRange, &descriptorpb.DescriptorProto_ReservedRange{Start: proto.Int32(v.start), End: proto.Int32(v.end + 1)})
			}
		}
	}
	for _, e := range m.extensions {
		d.ExtensionRange = append(d.ExtensionRange, s.extensionRanges(e)...)
	}
	for _, e := range m.extends {
		for _, f := range e.fields {
			d.Extension = append(d.Extension, s.field(f, f.typ, f.label, false, nil, &e.name))
		}
	}
	merged := mergedOptions(m.options)
	d.Options = withMeta(&descriptorpb.MessageOptions{
		NoStandardDescriptorAccessor: s.boolean(merged, "no_standard_descriptor_accessor"),
		Deprecated:                   s.boolean(merged, "deprecated"),
		MapEntry:                     s.boolean(merged, "map_entry"),
		Features:                     s.features(merged),
	}, s.meta(merged, messageMetaOption))
	return d
}

// addOneOf adds a oneof, whose options Confluent always sets (empty when
// it has no features), and returns its index.
func (s *serializer) addOneOf(d *descriptorpb.DescriptorProto, name string, features *descriptorpb.FeatureSet) int32 {
	d.OneofDecl = append(d.OneofDecl, &descriptorpb.OneofDescriptorProto{
		Name:    proto.String(name),
		Options: &descriptorpb.OneofOptions{Features: features},
	})
	return int32(len(d.OneofDecl) - 1)
}

// mapEntryName is the name of a map field's entry message: the field name
// in upper camel case when it has underscores (Guava's CaseFormat), then
// "Entry".
func mapEntryName(field string) string {
	if !strings.Contains(field, "_") {
		return field + "Entry"
	}
	var b strings.Builder
	for _, word := range strings.Split(field, "_") {
		if word == "" {
			continue
		}
		b.WriteString(strings.ToUpper(word[:1]))
		b.WriteString(asciiLower(word[1:]))
	}
	return b.String() + "Entry"
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func (s *serializer) extensionRanges(e *extensionsElement) []*descriptorpb.DescriptorProto_ExtensionRange {
	var decls []*descriptorpb.ExtensionRangeOptions_Declaration
	for _, o := range e.options {
		if o.name != "declaration" {
			continue
		}
		m := s.mapValue(o)
		decl := &descriptorpb.ExtensionRangeOptions_Declaration{}
		if v, ok := m.get("number"); ok {
			n, err := strconv.ParseInt(primitiveText(v), 0, 32)
			if err != nil {
				s.fail("declaration number %s", primitiveText(v))
			}
			decl.Number = proto.Int32(int32(n))
		}
		if v, ok := m.get("full_name"); ok {
			decl.FullName = proto.String(primitiveText(v))
		}
		if v, ok := m.get("type"); ok {
			decl.Type = proto.String(primitiveText(v))
		}
		if v, ok := m.get("reserved"); ok {
			decl.Reserved = proto.Bool(strings.EqualFold(primitiveText(v), "true"))
		}
		if v, ok := m.get("repeated"); ok {
			decl.Repeated = proto.Bool(strings.EqualFold(primitiveText(v), "true"))
		}
		decls = append(decls, decl)
	}
	merged := mergedOptions(e.options)
	features := s.features(merged)
	var verification *descriptorpb.ExtensionRangeOptions_VerificationState
	if o := merged["verification"]; o != nil {
		if v, ok := descriptorpb.ExtensionRangeOptions_VerificationState_value[javaString(o.value)]; ok {
			verification = descriptorpb.ExtensionRangeOptions_VerificationState(v).Enum()
		}
	}
	var ranges []*descriptorpb.DescriptorProto_ExtensionRange
	for _, v := range e.values {
		start, end := rangeBounds(v)
		ranges = append(ranges, &descriptorpb.DescriptorProto_ExtensionRange{
			Start: proto.Int32(start),
			End:   proto.Int32(end + 1),
			Options: &descriptorpb.ExtensionRangeOptions{
				Declaration:  decls,
				Features:     features,
				Verification: verification,
			},
		})
	}
	return ranges
}

func rangeBounds(v any) (int32, int32) {
	if r, ok := v.(tagRange); ok {
		return r.start, r.end
	}
	n := v.(int32)
	return n, n
}

func (s *serializer) enum(e *enumElement) *descriptorpb.EnumDescriptorProto {
	merged := mergedOptions(e.options)
	d := &descriptorpb.EnumDescriptorProto{Name: proto.String(e.name)}
	for _, r := range e.reserveds {
		for _, v := range r.values {
			if name, ok := v.(string); ok {
				d.ReservedName = append(d.ReservedName, name)
				continue
			}
			start, end := rangeBounds(v)
			d.ReservedRange = append(d.ReservedRange, &descriptorpb.EnumDescriptorProto_EnumReservedRange{Start: proto.Int32(start), End: proto.Int32(end)})
		}
	}
	for _, c := range e.constants {
		options := mergedOptions(c.options)
		d.Value = append(d.Value, &descriptorpb.EnumValueDescriptorProto{
			Name:   proto.String(c.name),
			Number: proto.Int32(c.tag),
			Options: withMeta(&descriptorpb.EnumValueOptions{
				Deprecated:     s.boolean(options, "deprecated"),
				DebugRedact:    s.boolean(options, "debug_redact"),
				Features:       s.features(options),
				FeatureSupport: s.featureSupport(options),
			}, s.meta(options, enumValueMetaOption)),
		})
	}
	d.Options = withMeta(&descriptorpb.EnumOptions{
		AllowAlias: s.boolean(merged, "allow_alias"),
		Deprecated: s.boolean(merged, "deprecated"),
		Features:   s.features(merged),
	}, s.meta(merged, enumMetaOption))
	return d
}

func (s *serializer) featureSupport(merged map[string]*option) *descriptorpb.FieldOptions_FeatureSupport {
	o := merged["feature_support"]
	if o == nil {
		return nil
	}
	m := s.mapValue(o)
	fs := &descriptorpb.FieldOptions_FeatureSupport{}
	if v, ok := enumField(m, "edition_introduced", descriptorpb.Edition_value); ok {
		fs.EditionIntroduced = descriptorpb.Edition(v).Enum()
	}
	if v, ok := enumField(m, "edition_deprecated", descriptorpb.Edition_value); ok {
		fs.EditionDeprecated = descriptorpb.Edition(v).Enum()
	}
	if v, ok := m.get("deprecation_warning"); ok {
		fs.DeprecationWarning = proto.String(primitiveText(v))
	}
	if v, ok := enumField(m, "edition_removed", descriptorpb.Edition_value); ok {
		fs.EditionRemoved = descriptorpb.Edition(v).Enum()
	}
	return fs
}

func (s *serializer) service(svc *serviceElement) *descriptorpb.ServiceDescriptorProto {
	merged := mergedOptions(svc.options)
	d := &descriptorpb.ServiceDescriptorProto{Name: proto.String(svc.name)}
	for _, rpc := range svc.rpcs {
		options := mergedOptions(rpc.options)
		m := &descriptorpb.MethodDescriptorProto{
			Name:            proto.String(rpc.name),
			InputType:       proto.String(rpc.requestType),
			OutputType:      proto.String(rpc.responseType),
			ClientStreaming: proto.Bool(rpc.requestStreaming),
			ServerStreaming: proto.Bool(rpc.responseStreaming),
		}
		mo := &descriptorpb.MethodOptions{
			Deprecated: s.boolean(options, "deprecated"),
			Features:   s.features(options),
		}
		if v, ok := s.enumValue(options, "idempotency_level", descriptorpb.MethodOptions_IdempotencyLevel_value, false); ok {
			mo.IdempotencyLevel = descriptorpb.MethodOptions_IdempotencyLevel(v).Enum()
		}
		m.Options = withMeta(mo, nil)
		d.Method = append(d.Method, m)
	}
	d.Options = withMeta(&descriptorpb.ServiceOptions{
		Deprecated: s.boolean(merged, "deprecated"),
		Features:   s.features(merged),
	}, nil)
	return d
}

// field builds a field as Confluent's toDynamicField does.
func (s *serializer) field(f *fieldElement, typ, label string, proto3Optional bool, oneOf *int32, extendee *string) *descriptorpb.FieldDescriptorProto {
	fd := &descriptorpb.FieldDescriptorProto{Name: proto.String(f.name), Number: proto.Int32(f.tag)}
	s.typeOf(fd, typ)
	if l, ok := labels[label]; ok {
		fd.Label = l.Enum()
	}
	if proto3Optional {
		fd.Proto3Optional = proto.Bool(true)
	}
	fd.Extendee = extendee
	fd.OneofIndex = oneOf
	fd.DefaultValue = f.defaultValue
	fd.JsonName = f.jsonName
	merged := mergedOptions(f.options)
	o := &descriptorpb.FieldOptions{
		Packed:         s.boolean(merged, "packed"),
		Deprecated:     s.boolean(merged, "deprecated"),
		DebugRedact:    s.boolean(merged, "debug_redact"),
		Features:       s.features(merged),
		FeatureSupport: s.featureSupport(merged),
	}
	if v, ok := s.enumValue(merged, "ctype", descriptorpb.FieldOptions_CType_value, false); ok {
		o.Ctype = descriptorpb.FieldOptions_CType(v).Enum()
	}
	if v, ok := s.enumValue(merged, "jstype", descriptorpb.FieldOptions_JSType_value, false); ok {
		o.Jstype = descriptorpb.FieldOptions_JSType(v).Enum()
	}
	if v, ok := s.enumValue(merged, "retention", descriptorpb.FieldOptions_OptionRetention_value, true); ok {
		o.Retention = descriptorpb.FieldOptions_OptionRetention(v).Enum()
	}
	for _, opt := range f.options {
		switch opt.name {
		case "targets":
			v, ok := descriptorpb.FieldOptions_OptionTargetType_value[javaString(opt.value)]
			if !ok {
				s.fail("no enum constant %s for option targets", javaString(opt.value))
			}
			o.Targets = append(o.Targets, descriptorpb.FieldOptions_OptionTargetType(v))
		case "edition_defaults":
			m := s.mapValue(opt)
			d := &descriptorpb.FieldOptions_EditionDefault{}
			if v, ok := m.get("edition"); ok {
				name := primitiveText(v)
				e, known := descriptorpb.Edition_value[name]
				if !known && name == "2023" {
					e = int32(descriptorpb.Edition_EDITION_2023)
				}
				d.Edition = descriptorpb.Edition(e).Enum()
			}
			if v, ok := m.get("value"); ok {
				d.Value = proto.String(primitiveText(v))
			}
			o.EditionDefaults = append(o.EditionDefaults, d)
		}
	}
	fd.Options = withMeta(o, s.meta(merged, fieldMetaOption))
	return fd
}

// serializedText encodes fd as Confluent's "serialized" format: base64 of
// the binary FileDescriptorProto.
func serializedText(fd *descriptorpb.FileDescriptorProto) (string, error) {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(fd)
	if err != nil {
		return "", err
	}
	return base64Std.EncodeToString(b), nil
}
