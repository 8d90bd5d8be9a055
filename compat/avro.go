package compat

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	havro "github.com/hamba/avro/v2"

	"github.com/goschemaregistry/registry/formats"
)

// avroSchema is what the Avro rules need from a parsed Avro schema: its
// resolved tree, in which every use of a named type leads to the one node
// that defines it.
type avroSchema interface {
	Avro() havro.Schema
}

// The kinds of Avro incompatibility, as Java's
// SchemaCompatibility.SchemaIncompatibilityType names them.
const (
	avroNameMismatch       = "NAME_MISMATCH"
	avroFixedSizeMismatch  = "FIXED_SIZE_MISMATCH"
	avroMissingEnumSymbols = "MISSING_ENUM_SYMBOLS"
	avroMissingDefault     = "READER_FIELD_MISSING_DEFAULT_VALUE"
	avroTypeMismatch       = "TYPE_MISMATCH"
	avroMissingUnionBranch = "MISSING_UNION_BRANCH"
)

// avroUnionLacking begins Java's detail of a missing union branch.
const avroUnionLacking = "reader union lacking writer type: "

// avroChecker applies the schema resolution rules of the Avro specification
// exactly as Java's org.apache.avro.SchemaCompatibility (Avro 1.12) does,
// since that is what Confluent Schema Registry runs: the same verdicts, and
// the same reasons in the same order at the same locations, quirks included.
// Logical types play no part: only the underlying types are compared.
type avroChecker struct{}

// Incompatibilities implements Checker.
func (avroChecker) Incompatibilities(reader, writer formats.Schema) []Incompatibility {
	readerTree, err := avroTree(reader)
	if err != nil {
		return []Incompatibility{unexpectedFailure{err}}
	}
	writerTree, err := avroTree(writer)
	if err != nil {
		return []Incompatibility{unexpectedFailure{err}}
	}
	resolution := avroResolutions.Get().(*avroResolution)
	defer resolution.release()
	found := resolution.compare(readerTree, writerTree, resolution.path[:0])
	if resolution.err != nil {
		return []Incompatibility{unexpectedFailure{resolution.err}}
	}
	reasons := make([]Incompatibility, len(found))
	for i, reason := range found {
		reasons[i] = reason
	}
	return reasons
}

// avroTree returns the resolved Avro tree of s.
func avroTree(s formats.Schema) (havro.Schema, error) {
	parsed, ok := s.(avroSchema)
	if !ok {
		return nil, fmt.Errorf("schema %T is not a parsed Avro schema", s)
	}
	tree := parsed.Avro()
	if tree == nil {
		return nil, errors.New("Avro schema without a resolved tree")
	}
	return tree, nil
}

// unexpectedFailure is a check that could not be completed. Confluent then
// reports the exception's message in place of the reasons.
type unexpectedFailure struct{ err error }

// Message implements Incompatibility.
func (f unexpectedFailure) Message(string, string) string {
	return "Unexpected exception during compatibility check: " + f.err.Error()
}

// avroIncompatibility is one reason found by the Avro rules.
type avroIncompatibility struct {
	// kind is one of the avro... kind constants.
	kind string
	// location is a JSON pointer into the reader schema, e.g.
	// "/fields/0/type/symbols".
	location string
	// info is Java's Incompatibility.getMessage, which Confluent shows as
	// additionalInfo.
	info string
}

// Message implements Incompatibility with the descriptions Confluent's
// io.confluent.kafka.schemaregistry.avro.Difference gives each kind.
func (i avroIncompatibility) Message(readerRole, writerRole string) string {
	var description string
	switch i.kind {
	case avroFixedSizeMismatch:
		description = "The size of FIXED type field at path '" + i.location + "' in the " + readerRole +
			" schema does not match with the " + writerRole + " schema"
	case avroTypeMismatch:
		description = "The type (path '" + i.location + "') of a field in the " + readerRole +
			" schema does not match with the " + writerRole + " schema"
	case avroNameMismatch:
		description = "The name of the schema has changed (path '" + i.location + "')"
	case avroMissingEnumSymbols:
		description = "The " + readerRole + " schema is missing enum symbols '" + i.info + "' at path '" +
			i.location + "' in the " + writerRole + " schema"
	case avroMissingUnionBranch:
		description = "The " + readerRole + " schema is missing a type inside a union field at path '" +
			i.location + "' in the " + writerRole + " schema"
	case avroMissingDefault:
		description = "The field '" + i.info + "' at path '" + i.location + "' in the " + readerRole +
			" schema has no default value and is missing in the " + writerRole + " schema"
	}
	return "{errorType:'" + i.kind + "', description:'" + description + "', additionalInfo:'" + i.info + "'}"
}

// avroPair is a reader node and a writer node compared together. Nodes are
// compared by identity, as in Java: a named type is one node wherever it is
// used, any other type is a new node at each place it is written.
type avroPair struct{ reader, writer havro.Schema }

// avroResolution is one reader/writer comparison. Like Java's checker it
// remembers every pair it has compared, which ends the recursion of
// recursive types and makes a named type used twice compared once; a pair
// met again yields the reasons found the first time, at the locations of the
// first time, as Java reports them.
type avroResolution struct {
	// memo holds the reasons found for each pair of nodes compared, none
	// while the pair is still being compared further up a recursive schema.
	memo map[avroPair][]avroIncompatibility
	// fields indexes the fields of writer records by name, filled only for
	// records whose fields are not found at the reader's positions.
	fields map[fieldKey]*havro.Field
	// indexed holds the writer records whose fields are in fields.
	indexed map[*havro.RecordSchema]bool
	// err is the failure that stopped the comparison, if any.
	err error
	// path is room for the paths of the comparison.
	path avroPath
}

// avroResolutions recycles the maps of finished comparisons: checking a
// subject's versions makes many comparisons of schemas of about one size.
var avroResolutions = sync.Pool{New: func() any {
	return &avroResolution{
		memo:    make(map[avroPair][]avroIncompatibility),
		fields:  make(map[fieldKey]*havro.Field),
		indexed: make(map[*havro.RecordSchema]bool),
		path:    make(avroPath, 0, 32),
	}
}}

// release empties r, keeping its memory, and hands it back to the pool.
func (r *avroResolution) release() {
	clear(r.memo)
	clear(r.fields)
	clear(r.indexed)
	r.err = nil
	avroResolutions.Put(r)
}

// compare compares reader with writer at path. Comparisons of union branches
// start from a new root, as Java does.
func (r *avroResolution) compare(reader, writer havro.Schema, path avroPath) []avroIncompatibility {
	if r.err != nil {
		return nil
	}
	pair := avroPair{avroNode(reader), avroNode(writer)}
	if !isNamed(pair.reader) && !isNamed(pair.writer) {
		// Every other node is used at one place only, so its pairs are met
		// once and need not be remembered.
		return r.compareNodes(pair.reader, pair.writer, path)
	}
	if found, seen := r.memo[pair]; seen {
		// A pair still being compared is compatible unless proven otherwise.
		return found
	}
	_, readerRecord := pair.reader.(*havro.RecordSchema)
	_, writerRecord := pair.writer.(*havro.RecordSchema)
	if readerRecord || writerRecord {
		// Only through a record can a comparison come back to the same
		// pair: mark it as under way.
		r.memo[pair] = nil
	}
	found := r.compareNodes(pair.reader, pair.writer, path)
	r.memo[pair] = found
	return found
}

// compareNodes follows Java's SchemaCompatibility.calculateCompatibility.
func (r *avroResolution) compareNodes(reader, writer havro.Schema, path avroPath) []avroIncompatibility {
	readerType, writerType := javaType(reader), javaType(writer)
	if readerType == writerType {
		return r.compareSameType(readerType, reader, writer, path)
	}
	if writerType == "UNION" {
		// Every branch the writer may have written must be readable.
		var found []avroIncompatibility
		for i, branch := range writer.(*havro.UnionSchema).Types() {
			found = append(found, r.compare(reader, branch, path.index(i))...)
		}
		return found
	}
	if promotes(readerType, writerType) {
		return nil
	}
	if readerType == "UNION" {
		// Some branch of the reader must read the writer.
		for _, branch := range reader.(*havro.UnionSchema).Types() {
			if r.reads(branch, writer, path.root()) {
				return nil
			}
		}
		return []avroIncompatibility{newAvroIncompatibility(avroMissingUnionBranch, path,
			avroUnionLacking+writerType)}
	}
	return []avroIncompatibility{newAvroIncompatibility(avroTypeMismatch, path,
		"reader type: "+readerType+" not compatible with writer type: "+writerType)}
}

// reads reports whether reader reads writer, compared from path. A pair of
// primitive types is settled without recording reasons that nobody reads:
// such a pair is neither remembered nor made of other pairs.
func (r *avroResolution) reads(reader, writer havro.Schema, path avroPath) bool {
	readerType, writerType := javaType(reader), javaType(writer)
	if isPrimitive(readerType) && isPrimitive(writerType) {
		return readerType == writerType || promotes(readerType, writerType)
	}
	return len(r.compare(reader, writer, path)) == 0
}

// promotes reports whether the Avro specification promotes a value of the
// primitive writerType to the other primitive readerType.
func promotes(readerType, writerType string) bool {
	switch readerType {
	case "LONG":
		return writerType == "INT"
	case "FLOAT":
		return writerType == "INT" || writerType == "LONG"
	case "DOUBLE":
		return writerType == "INT" || writerType == "LONG" || writerType == "FLOAT"
	case "BYTES":
		return writerType == "STRING"
	case "STRING":
		return writerType == "BYTES"
	}
	return false
}

// isPrimitive reports whether the Java type typ is a primitive type.
func isPrimitive(typ string) bool {
	switch typ {
	case "NULL", "BOOLEAN", "INT", "LONG", "FLOAT", "DOUBLE", "BYTES", "STRING":
		return true
	}
	return false
}

// compareSameType compares two nodes of the same Java type.
func (r *avroResolution) compareSameType(typ string, reader, writer havro.Schema, path avroPath) []avroIncompatibility {
	switch typ {
	case "ARRAY":
		return r.compare(reader.(*havro.ArraySchema).Items(), writer.(*havro.ArraySchema).Items(), path.word("items"))
	case "MAP":
		return r.compare(reader.(*havro.MapSchema).Values(), writer.(*havro.MapSchema).Values(), path.word("values"))
	case "FIXED":
		readerFixed, writerFixed := reader.(*havro.FixedSchema), writer.(*havro.FixedSchema)
		found := compareNames(readerFixed, writerFixed, path)
		if readerFixed.Size() != writerFixed.Size() {
			found = append(found, newAvroIncompatibility(avroFixedSizeMismatch, path.word("size"),
				fmt.Sprintf("expected: %d, found: %d", writerFixed.Size(), readerFixed.Size())))
		}
		return found
	case "ENUM":
		readerEnum, writerEnum := reader.(*havro.EnumSchema), writer.(*havro.EnumSchema)
		return append(compareNames(readerEnum, writerEnum, path), compareSymbols(readerEnum, writerEnum, path)...)
	case "RECORD":
		readerRecord, writerRecord := reader.(*havro.RecordSchema), writer.(*havro.RecordSchema)
		return append(compareNames(readerRecord, writerRecord, path), r.compareFields(readerRecord, writerRecord, path)...)
	case "UNION":
		// Every branch the writer may have written must be readable; the
		// reasons why a branch is not are left out, only the branch is named.
		var found []avroIncompatibility
		readerUnion := reader.(*havro.UnionSchema)
		for i, branch := range writer.(*havro.UnionSchema).Types() {
			if !r.reads(readerUnion, branch, path.root()) {
				found = append(found, newAvroIncompatibility(avroMissingUnionBranch, path.index(i),
					avroUnionLacking+javaType(branch)))
			}
		}
		return found
	}
	// Primitive types read themselves.
	return nil
}

// compareNames checks that the reader's name, or one of its aliases, names
// the writer. Like Java, only the unqualified names are compared, while an
// alias must match the writer's full name.
func compareNames(reader, writer havro.NamedSchema, path avroPath) []avroIncompatibility {
	if reader.Name() == writer.Name() || slices.Contains(reader.Aliases(), writer.FullName()) {
		return nil
	}
	return []avroIncompatibility{newAvroIncompatibility(avroNameMismatch, path.word("name"),
		"expected: "+writer.FullName())}
}

// compareSymbols checks that the reader knows every symbol of the writer, or
// has a default symbol to read unknown ones as.
func compareSymbols(reader, writer *havro.EnumSchema, path avroPath) []avroIncompatibility {
	var missing []string
	readerSymbols := reader.Symbols()
	for i, symbol := range writer.Symbols() {
		// Symbols usually keep their places; look further only when not.
		if i < len(readerSymbols) && readerSymbols[i] == symbol {
			continue
		}
		if !slices.Contains(readerSymbols, symbol) {
			missing = append(missing, symbol)
		}
	}
	if len(missing) == 0 || (reader.HasDefault() && slices.Contains(readerSymbols, reader.Default())) {
		return nil
	}
	// Java lists them as a sorted set.
	slices.Sort(missing)
	missing = slices.Compact(missing)
	return []avroIncompatibility{newAvroIncompatibility(avroMissingEnumSymbols, path.word("symbols"),
		"["+strings.Join(missing, ", ")+"]")}
}

// compareFields checks that every reader field is either written by the
// writer, in a readable type, or has a default.
func (r *avroResolution) compareFields(reader, writer *havro.RecordSchema, path avroPath) []avroIncompatibility {
	var found []avroIncompatibility
	fieldsPath := path.word("fields")
	for pos, readerField := range reader.Fields() {
		fieldPath := fieldsPath.index(pos)
		writerField, err := r.writerField(writer, pos, readerField)
		if err != nil {
			r.err = err
			return nil
		}
		switch {
		case writerField != nil:
			found = append(found, r.compare(readerField.Type(), writerField.Type(), fieldPath.word("type"))...)
		case readerField.HasDefault():
		case hasEnumDefault(readerField.Type()):
			// Java then compares the field's enum with the writer record
			// itself, which can only report a type mismatch.
			found = append(found, r.compare(readerField.Type(), writer, fieldPath.word("type"))...)
		default:
			found = append(found, newAvroIncompatibility(avroMissingDefault, fieldPath, readerField.Name()))
		}
	}
	return found
}

// hasEnumDefault reports whether s is an enum with a default symbol.
func hasEnumDefault(s havro.Schema) bool {
	enum, ok := avroNode(s).(*havro.EnumSchema)
	return ok && enum.HasDefault()
}

// writerField finds the writer field that readerField, at position pos of
// its record, reads: the one with its name or one of its aliases. More than
// one is an error, as in Java.
func (r *avroResolution) writerField(writer *havro.RecordSchema, pos int, readerField *havro.Field) (*havro.Field, error) {
	match := r.writerFieldNamed(writer, readerField.Name(), pos)
	matches := 0
	if match != nil {
		matches++
	}
	for i, alias := range readerField.Aliases() {
		if slices.Contains(readerField.Aliases()[:i], alias) {
			continue // Java keeps aliases in a set.
		}
		if field := r.writerFieldNamed(writer, alias, -1); field != nil {
			match = field
			matches++
		}
	}
	if matches <= 1 {
		return match, nil
	}
	writerJSON, err := writer.MarshalJSON()
	if err != nil {
		writerJSON = []byte(writer.FullName())
	}
	return nil, fmt.Errorf("Reader record field %s type:%s pos:%d matches multiple fields in writer record schema %s",
		readerField.Name(), javaType(readerField.Type()), pos, writerJSON)
}

// writerFieldNamed returns the field of writer called name, or nil. Fields
// usually keep their positions between versions, so the field at hint is
// tried before the record's fields are indexed.
func (r *avroResolution) writerFieldNamed(writer *havro.RecordSchema, name string, hint int) *havro.Field {
	fields := writer.Fields()
	if hint >= 0 && hint < len(fields) && fields[hint].Name() == name {
		return fields[hint]
	}
	if !r.indexed[writer] {
		for _, field := range fields {
			r.fields[fieldKey{writer, field.Name()}] = field
		}
		r.indexed[writer] = true
	}
	return r.fields[fieldKey{writer, name}]
}

// fieldKey names a field of a record.
type fieldKey struct {
	record *havro.RecordSchema
	name   string
}

// newAvroIncompatibility records a reason found at path.
func newAvroIncompatibility(kind string, path avroPath, info string) avroIncompatibility {
	return avroIncompatibility{kind: kind, location: path.String(), info: info}
}

// avroPath is where a comparison stands: the reference tokens of a JSON
// pointer from the root of the comparison, indices kept as numbers until a
// reason needs them. Comparisons go depth first and a reason's location is
// rendered when it is found, so the paths of siblings share one backing array
// and extending a path seldom allocates.
type avroPath []avroStep

// avroStep is one reference token: a word, or an index when word is "".
type avroStep struct {
	word  string
	index int
}

// root returns an empty path for a comparison that starts from a new root.
func (p avroPath) root() avroPath { return p[len(p):] }

// word returns p extended by a word.
func (p avroPath) word(w string) avroPath { return append(p, avroStep{word: w}) }

// index returns p extended by an index.
func (p avroPath) index(i int) avroPath { return append(p, avroStep{index: i}) }

// String returns p as a JSON pointer; the root is "/", as in Java.
func (p avroPath) String() string {
	if len(p) == 0 {
		return "/"
	}
	var b strings.Builder
	for _, step := range p {
		b.WriteByte('/')
		if step.word != "" {
			b.WriteString(step.word)
		} else {
			b.WriteString(strconv.Itoa(step.index))
		}
	}
	return b.String()
}

// avroNode returns the node that defines s: the named type a reference to
// it stands for, or s itself.
func avroNode(s havro.Schema) havro.Schema {
	if ref, ok := s.(*havro.RefSchema); ok {
		return ref.Schema()
	}
	return s
}

// isNamed reports whether node is a record, an enum or a fixed.
func isNamed(node havro.Schema) bool {
	switch node.(type) {
	case *havro.RecordSchema, *havro.EnumSchema, *havro.FixedSchema:
		return true
	}
	return false
}

// javaType names the type of s as Java's Schema.Type does.
func javaType(s havro.Schema) string {
	switch avroNode(s).Type() {
	case havro.Record, havro.Error:
		return "RECORD"
	case havro.Enum:
		return "ENUM"
	case havro.Array:
		return "ARRAY"
	case havro.Map:
		return "MAP"
	case havro.Union:
		return "UNION"
	case havro.Fixed:
		return "FIXED"
	case havro.String:
		return "STRING"
	case havro.Bytes:
		return "BYTES"
	case havro.Int:
		return "INT"
	case havro.Long:
		return "LONG"
	case havro.Float:
		return "FLOAT"
	case havro.Double:
		return "DOUBLE"
	case havro.Boolean:
		return "BOOLEAN"
	default:
		return "NULL"
	}
}
