package compat

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/goschemaregistry/registry/formats"
)

// protobufSchema is what the Protobuf rules need from a parsed Protobuf
// schema: its file, linked with the files it imports.
type protobufSchema interface {
	Descriptor() protoreflect.FileDescriptor
}

// The kinds of Protobuf difference that make a change incompatible, as
// Confluent's protobuf.diff.Difference.Type names them. Confluent finds more
// kinds of difference (a message or field added, a field renamed, every
// change to an enum, ...), all of them compatible, so they are not looked for.
const (
	protobufPackageChanged             = "PACKAGE_CHANGED"
	protobufMessageRemoved             = "MESSAGE_REMOVED"
	protobufFieldKindChanged           = "FIELD_KIND_CHANGED"
	protobufFieldScalarKindChanged     = "FIELD_SCALAR_KIND_CHANGED"
	protobufFieldNamedTypeChanged      = "FIELD_NAMED_TYPE_CHANGED"
	protobufFieldNumericLabelChanged   = "FIELD_NUMERIC_LABEL_CHANGED"
	protobufRequiredFieldAdded         = "REQUIRED_FIELD_ADDED"
	protobufRequiredFieldRemoved       = "REQUIRED_FIELD_REMOVED"
	protobufOneofFieldRemoved          = "ONEOF_FIELD_REMOVED"
	protobufMultipleFieldsMovedToOneof = "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
	protobufFieldMovedToExistingOneof  = "FIELD_MOVED_TO_EXISTING_ONEOF"
)

// protobufChecker applies Confluent's Protobuf rules (its protobuf.diff
// package, Confluent 8.x): the writer schema is Confluent's "original", the
// reader its "update", and the reasons come in Confluent's order, quirks
// included. Confluent compares the elements of the schema text as its parser
// (Square's Wire) reads them; the same elements are read here from the
// linked descriptors: a field's label is the one written in the text, map
// entries and proto2 groups are not types, and type names are resolved.
type protobufChecker struct{}

// Incompatibilities implements Checker.
func (protobufChecker) Incompatibilities(reader, writer formats.Schema) []Incompatibility {
	readerFile, err := protobufFile(reader)
	if err != nil {
		return []Incompatibility{unexpectedFailure{err}}
	}
	writerFile, err := protobufFile(writer)
	if err != nil {
		return []Incompatibility{unexpectedFailure{err}}
	}
	diff := protobufDiff{
		original:  writerFile,
		update:    readerFile,
		comparing: make(map[protoreflect.FullName]bool),
	}
	diff.compareFiles()
	return diff.found
}

// protobufFile returns the linked file of s.
func protobufFile(s formats.Schema) (protoreflect.FileDescriptor, error) {
	parsed, ok := s.(protobufSchema)
	if !ok {
		return nil, fmt.Errorf("schema %T is not a parsed Protobuf schema", s)
	}
	file := parsed.Descriptor()
	if file == nil {
		return nil, errors.New("Protobuf schema without a descriptor")
	}
	return file, nil
}

// protobufIncompatibility is one reason found by the Protobuf rules.
type protobufIncompatibility struct {
	// kind is one of the protobuf... kind constants.
	kind string
	// path is Confluent's path of the difference, e.g. "#/Outer/Inner/3".
	path string
}

// Message implements Incompatibility with the descriptions Confluent's
// protobuf.diff.Difference gives each kind. Unlike Avro's, they are quoted
// with double quotes and have no additionalInfo.
func (i protobufIncompatibility) Message(readerRole, writerRole string) string {
	var description string
	switch i.kind {
	case protobufPackageChanged:
		description = "The package at '" + i.path + "' in the " + readerRole +
			" schema does not match the package in the " + writerRole + " schema"
	case protobufMessageRemoved:
		description = "The " + readerRole + " schema is missing a MESSAGE type at path '" + i.path +
			"' in the " + writerRole + " schema"
	case protobufFieldKindChanged:
		description = "The type of a field at path '" + i.path + "' in the " + readerRole +
			" schema does not match the " + writerRole + " schema"
	case protobufFieldScalarKindChanged:
		description = "The kind of a SCALAR field at path '" + i.path + "' in the " + readerRole +
			" schema does not match its kind in the " + writerRole + " schema"
	case protobufFieldNamedTypeChanged:
		description = "The type of a MESSAGE field at path '" + i.path + "' in the " + readerRole +
			" schema does not match its type in the " + writerRole + " schema"
	case protobufFieldNumericLabelChanged:
		description = "The label for a NUMERIC field at path '" + i.path + "' in the " + readerRole +
			" schema does not match its label in the " + writerRole + " schema"
	case protobufRequiredFieldAdded:
		// Confluent's text has the two spaces.
		description = "A required field  at path '" + i.path + "' in the " + readerRole +
			" schema is missing in the " + writerRole + " schema"
	case protobufRequiredFieldRemoved:
		description = "The " + readerRole + " schema is missing a required field at path: '" + i.path +
			"' in the " + writerRole + " schema"
	case protobufOneofFieldRemoved:
		description = "The " + readerRole + " schema is missing a oneof field at path '" + i.path +
			"' in the " + writerRole + " schema"
	case protobufMultipleFieldsMovedToOneof:
		description = "Multiple fields in the oneof at path '" + i.path + "' in the " + readerRole +
			" schema are outside a oneof in the " + writerRole + " schema"
	case protobufFieldMovedToExistingOneof:
		description = "A field in the oneof at path '" + i.path + "' in the " + readerRole +
			" schema is outside an existing oneof in the " + writerRole + " schema"
	}
	return `{errorType:"` + i.kind + `", description:"` + description + `"}`
}

// protobufDiff is one comparison of an original (writer) file with its
// update (reader), following Confluent's SchemaDiff.
type protobufDiff struct {
	original, update protoreflect.FileDescriptor
	// path is where the comparison stands, as Confluent names it: the names
	// of the messages, oneofs and the field numbers passed through.
	path []string
	// comparing holds the original messages being compared. Like
	// Confluent, a message met again within its own comparison compares only
	// its nested types, which ends the recursion of recursive types.
	comparing map[protoreflect.FullName]bool
	found     []Incompatibility
}

// add records a difference of kind at the current path, followed by more
// path elements if any.
func (d *protobufDiff) add(kind string, more ...string) {
	var b strings.Builder
	b.WriteString("#/")
	for i, element := range slices.Concat(d.path, more) {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(element)
	}
	d.found = append(d.found, protobufIncompatibility{kind: kind, path: b.String()})
}

// enter extends the path by element; the returned function takes it back.
func (d *protobufDiff) enter(element string) (leave func()) {
	d.path = append(d.path, element)
	return func() { d.path = d.path[:len(d.path)-1] }
}

// compareFiles compares the two files' packages and top-level types. Their
// syntaxes are not compared; the labels of their fields are.
func (d *protobufDiff) compareFiles() {
	if d.original.Package() != d.update.Package() {
		d.add(protobufPackageChanged)
	}
	d.compareTypes(d.original.Messages(), d.update.Messages())
}

// compareTypes compares the messages declared at one level, pairing them by
// name, in the order Confluent's HashSet of their names yields. Enums are
// not compared: every change to an enum is compatible.
func (d *protobufDiff) compareTypes(original, update protoreflect.MessageDescriptors) {
	originalNames, originalByName := protobufMessages(original)
	updateNames, updateByName := protobufMessages(update)
	for _, name := range javaHashSetOrder(originalNames, updateNames) {
		leave := d.enter(name)
		originalMessage, updateMessage := originalByName[name], updateByName[name]
		switch {
		case updateMessage == nil:
			d.add(protobufMessageRemoved)
		case originalMessage != nil:
			// A message moved among its siblings is compatible: the
			// message indexes in the data refer to the writer's schema.
			d.compareMessage(originalMessage, updateMessage)
		}
		leave()
	}
}

// protobufMessages lists the messages among declared that the schema text
// declares, in order, and indexes them by name: the entries of map fields and
// the messages of proto2 groups are written otherwise in the text.
func protobufMessages(declared protoreflect.MessageDescriptors) ([]string, map[string]protoreflect.MessageDescriptor) {
	names := make([]string, 0, declared.Len())
	byName := make(map[string]protoreflect.MessageDescriptor, declared.Len())
	for i := range declared.Len() {
		message := declared.Get(i)
		if message.IsMapEntry() || isGroupMessage(message) {
			continue
		}
		names = append(names, string(message.Name()))
		byName[string(message.Name())] = message
	}
	return names, byName
}

// isGroupMessage reports whether message is the type of a proto2 group,
// which is declared by a field or extension of its parent.
func isGroupMessage(message protoreflect.MessageDescriptor) bool {
	var declarations []interface {
		Len() int
		Get(int) protoreflect.FieldDescriptor
	}
	switch parent := message.Parent().(type) {
	case protoreflect.MessageDescriptor:
		declarations = append(declarations, parent.Fields(), parent.Extensions())
	case protoreflect.FileDescriptor:
		declarations = append(declarations, parent.Extensions())
	}
	for _, declared := range declarations {
		for i := range declared.Len() {
			field := declared.Get(i)
			if isGroupField(field) && field.Message().FullName() == message.FullName() {
				return true
			}
		}
	}
	return false
}

// isGroupField reports whether field is a proto2 group, which Confluent's
// parser keeps apart from the fields and Confluent does not compare. (A
// delimited message field of an edition is a field like any other.)
func isGroupField(field protoreflect.FieldDescriptor) bool {
	return field.Kind() == protoreflect.GroupKind && field.Syntax() == protoreflect.Proto2
}

// protobufFields indexes the fields of one message by number.
type protobufFields struct {
	byNumber map[protoreflect.FieldNumber]protoreflect.FieldDescriptor
	// oneofOf names the oneof of each field that is in one; proto3's
	// optional fields are not, as in the schema text.
	oneofOf map[protoreflect.FieldNumber]string
	// oneofs indexes the message's oneofs by name.
	oneofs map[string]protoreflect.OneofDescriptor
}

// newProtobufFields indexes the fields and oneofs of message, leaving out
// proto2 groups and the oneofs proto3 makes for its optional fields.
func newProtobufFields(message protoreflect.MessageDescriptor) protobufFields {
	fields := protobufFields{
		byNumber: make(map[protoreflect.FieldNumber]protoreflect.FieldDescriptor),
		oneofOf:  make(map[protoreflect.FieldNumber]string),
		oneofs:   make(map[string]protoreflect.OneofDescriptor),
	}
	declared := message.Fields()
	for i := range declared.Len() {
		field := declared.Get(i)
		if isGroupField(field) {
			continue
		}
		fields.byNumber[field.Number()] = field
		if oneof := field.ContainingOneof(); oneof != nil && !oneof.IsSynthetic() {
			fields.oneofOf[field.Number()] = string(oneof.Name())
		}
	}
	oneofs := message.Oneofs()
	for i := range oneofs.Len() {
		if oneof := oneofs.Get(i); !oneof.IsSynthetic() {
			fields.oneofs[string(oneof.Name())] = oneof
		}
	}
	return fields
}

// compareMessage follows Confluent's MessageSchemaDiff: fields are paired by
// number across the whole message, whichever oneof they are in.
func (d *protobufDiff) compareMessage(original, update protoreflect.MessageDescriptor) {
	entered := !d.comparing[original.FullName()]
	if entered {
		d.comparing[original.FullName()] = true
		d.compareFields(newProtobufFields(original), newProtobufFields(update), update)
	}
	d.compareTypes(original.Messages(), update.Messages())
	if entered {
		delete(d.comparing, original.FullName())
	}
}

// compareFields compares the oneofs and fields of a message.
func (d *protobufDiff) compareFields(original, update protobufFields, updateMessage protoreflect.MessageDescriptor) {
	// Removing a oneof together with all its fields is compatible; removing
	// some of its fields only is not.
	deletedOneofs := make(map[string]bool)
	for name, oneof := range original.oneofs {
		if _, kept := update.oneofs[name]; !kept && !anyField(oneof, update.byNumber) {
			deletedOneofs[name] = true
		}
	}
	d.compareOneofs(original, updateMessage)
	numbers := make([]protoreflect.FieldNumber, 0, len(original.byNumber)+len(update.byNumber))
	for number := range original.byNumber {
		numbers = append(numbers, number)
	}
	for number := range update.byNumber {
		if _, both := original.byNumber[number]; !both {
			numbers = append(numbers, number)
		}
	}
	slices.Sort(numbers)
	for _, number := range numbers {
		tag := strconv.Itoa(int(number))
		originalField, updateField := original.byNumber[number], update.byNumber[number]
		originalOneof, updateOneof := original.oneofOf[number], update.oneofOf[number]
		switch {
		case updateField == nil && originalOneof != "":
			if !deletedOneofs[originalOneof] {
				d.add(protobufOneofFieldRemoved, originalOneof, tag)
			}
		case updateField == nil:
			// Other removed fields are compatible: readers skip them.
			if protobufLabelOf(originalField) == protobufRequired {
				d.add(protobufRequiredFieldRemoved, tag)
			}
		case originalField == nil:
			if updateOneof == "" && protobufLabelOf(updateField) == protobufRequired {
				d.add(protobufRequiredFieldAdded, tag)
			}
		default:
			// A field renamed, or moved out of its oneof, is compatible; its
			// value is compared where it now is.
			leave := d.enterField(updateOneof, tag)
			d.compareValues(originalField, updateField)
			leave()
		}
	}
}

// enterField extends the path to a field, within its oneof if it is in one.
func (d *protobufDiff) enterField(oneof, tag string) (leave func()) {
	if oneof == "" {
		return d.enter(tag)
	}
	leaveOneof := d.enter(oneof)
	leaveTag := d.enter(tag)
	return func() { leaveTag(); leaveOneof() }
}

// anyField reports whether any field of oneof, groups aside, has a number
// in byNumber.
func anyField(oneof protoreflect.OneofDescriptor, byNumber map[protoreflect.FieldNumber]protoreflect.FieldDescriptor) bool {
	fields := oneof.Fields()
	for i := range fields.Len() {
		if field := fields.Get(i); !isGroupField(field) {
			if _, ok := byNumber[field.Number()]; ok {
				return true
			}
		}
	}
	return false
}

// compareOneofs finds the update's oneofs that make fields exclusive that
// were not: fields that were in different oneofs, or outside any. Fields new
// in the oneof do not count, since old data never sets them.
func (d *protobufDiff) compareOneofs(original protobufFields, update protoreflect.MessageDescriptor) {
	oneofs := update.Oneofs()
	for i := range oneofs.Len() {
		oneof := oneofs.Get(i)
		if oneof.IsSynthetic() {
			continue
		}
		origins := make(map[string]bool)
		movedIn := 0
		fields := oneof.Fields()
		for j := range fields.Len() {
			field := fields.Get(j)
			if isGroupField(field) {
				continue
			}
			number := field.Number()
			if name, ok := original.oneofOf[number]; ok {
				origins["oneof "+name] = true
			} else if _, ok := original.byNumber[number]; ok {
				origins["field "+strconv.Itoa(int(number))] = true
				movedIn++
			}
		}
		if len(origins) > 1 {
			leave := d.enter(string(oneof.Name()))
			if movedIn > 1 {
				d.add(protobufMultipleFieldsMovedToOneof)
			} else {
				d.add(protobufFieldMovedToExistingOneof)
			}
			leave()
		}
	}
}

// protobufKind is Confluent's FieldSchemaDiff.Kind: how a field's type is
// compared. Enums are scalars.
type protobufKind int

const (
	protobufScalar protobufKind = iota
	protobufMap
	protobufMessage
)

func protobufKindOf(field protoreflect.FieldDescriptor) protobufKind {
	switch {
	case field.IsMap():
		return protobufMap
	case field.Kind() == protoreflect.MessageKind || field.Kind() == protoreflect.GroupKind:
		return protobufMessage
	}
	return protobufScalar
}

// protobufScalarKind groups the scalar types whose values read as each other,
// as Confluent's FieldSchemaDiff.ScalarKind does. Enums are varints.
func protobufScalarKind(kind protoreflect.Kind) string {
	switch kind {
	case protoreflect.Int32Kind, protoreflect.Int64Kind, protoreflect.Uint32Kind, protoreflect.Uint64Kind,
		protoreflect.BoolKind, protoreflect.EnumKind:
		return "GENERAL_NUMBER"
	case protoreflect.Sint32Kind, protoreflect.Sint64Kind:
		return "SIGNED_NUMBER"
	case protoreflect.StringKind, protoreflect.BytesKind:
		return "STRING_OR_BYTES"
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind:
		return "FIXED32"
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		return "FIXED64"
	}
	// FLOAT and DOUBLE are alone in their kinds.
	return kind.String()
}

// protobufLabel is the label written before a field in the schema text, as
// Confluent compares it.
type protobufLabel int

const (
	protobufNoLabel protobufLabel = iota
	protobufOptional
	protobufRequired
	protobufRepeated
)

// protobufLabelOf returns the label field has in the schema text: none for
// proto3's plain fields, for the fields of a oneof and for editions' fields
// that are not repeated. The keys and values of maps have none in the text
// either; here those of proto2 get optional, which is harmless: two labels
// count only when both are written and differ.
func protobufLabelOf(field protoreflect.FieldDescriptor) protobufLabel {
	if oneof := field.ContainingOneof(); oneof != nil {
		if oneof.IsSynthetic() {
			return protobufOptional // proto3's optional
		}
		return protobufNoLabel
	}
	switch {
	case field.Cardinality() == protoreflect.Repeated:
		return protobufRepeated
	case field.Syntax() != protoreflect.Proto2:
		return protobufNoLabel
	case field.Cardinality() == protoreflect.Required:
		return protobufRequired
	}
	return protobufOptional
}

// compareValues compares the types and labels of a field present in both
// messages, following Confluent's FieldSchemaDiff.compareLabelsAndTypes.
func (d *protobufDiff) compareValues(original, update protoreflect.FieldDescriptor) {
	kind := protobufKindOf(original)
	if kind != protobufKindOf(update) {
		d.add(protobufFieldKindChanged)
		return
	}
	switch kind {
	case protobufMap:
		d.compareValues(original.MapKey(), update.MapKey())
		d.compareValues(original.MapValue(), update.MapValue())
	case protobufMessage:
		d.compareMessageTypes(original.Message(), update.Message())
	default:
		scalarKind := protobufScalarKind(original.Kind())
		if scalarKind != protobufScalarKind(update.Kind()) {
			d.add(protobufFieldScalarKindChanged)
			return
		}
		originalLabel, updateLabel := protobufLabelOf(original), protobufLabelOf(update)
		// A label changed on strings and bytes is compatible: a repeated
		// one reads a single one, and a single one keeps the last value.
		if originalLabel != protobufNoLabel && updateLabel != protobufNoLabel && originalLabel != updateLabel &&
			scalarKind != "STRING_OR_BYTES" {
			d.add(protobufFieldNumericLabelChanged)
		}
	}
}

// compareMessageTypes compares the message types of a field, following
// Confluent's FieldSchemaDiff.compareMessageTypes: their names within their
// packages must match. Types declared in the schemas themselves are compared
// with their siblings; an imported type is compared here, from a path that
// starts again at its name, and its incompatibilities also make the field's
// type incompatible.
func (d *protobufDiff) compareMessageTypes(original, update protoreflect.MessageDescriptor) {
	if original.ParentFile() == nil || update.ParentFile() == nil {
		// A type left unresolved (a placeholder) is known by its name only,
		// which is all Confluent compares of the names it cannot resolve.
		if original.FullName() != update.FullName() {
			d.add(protobufFieldNamedTypeChanged)
		}
		return
	}
	originalName, updateName := localName(original), localName(update)
	if originalName != updateName {
		d.add(protobufFieldNamedTypeChanged)
		return
	}
	if original.ParentFile().Path() == d.original.Path() && update.ParentFile().Path() == d.update.Path() {
		return
	}
	// Confluent also skips an imported type when both schemas reference the
	// same subject and version; the type is then the same on both sides and
	// comparing it finds nothing.
	fieldPath := d.path
	d.path = strings.Split(originalName, ".")
	before := len(d.found)
	d.compareMessage(original, update)
	d.path = fieldPath
	if len(d.found) > before {
		d.add(protobufFieldNamedTypeChanged)
	}
}

// localName returns the full name of message without its package.
func localName(message protoreflect.MessageDescriptor) string {
	name := string(message.FullName())
	if pkg := message.ParentFile().Package(); pkg != "" {
		return strings.TrimPrefix(name, string(pkg)+".")
	}
	return name
}
