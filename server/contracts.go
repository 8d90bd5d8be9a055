package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/goschemaregistry/registry/storage"
)

// This file reads the data-contract members of requests (a schema's
// metadata and ruleSet, a config's default and override metadata and rule
// sets) the way Confluent does: into its Metadata, RuleSet and Rule
// entities, which sort and de-duplicate what they hold, fill in defaults
// and leave empty members out when written again. What is stored and
// answered is that re-written form, byte for byte what Confluent writes to
// the _schemas topic, so that the same contract always hashes the same.
//
// Confluent maps the JSON with Jackson; a value of the wrong shape is a
// JsonMappingException, which its rest-utils answer with HTTP 400 and
// error_code 400, the message being Jackson's with Java package names cut
// off. The messages below follow Jackson's wording for the common cases.

// Java type names as Jackson describes them in its messages.
const (
	javaMetadata  = "io.confluent.kafka.schemaregistry.client.rest.entities.Metadata"
	javaRuleSet   = "io.confluent.kafka.schemaregistry.client.rest.entities.RuleSet"
	javaRule      = "io.confluent.kafka.schemaregistry.client.rest.entities.Rule"
	javaRuleKind  = "io.confluent.kafka.schemaregistry.client.rest.entities.RuleKind"
	javaRuleMode  = "io.confluent.kafka.schemaregistry.client.rest.entities.RuleMode"
	javaEnableAt  = "io.confluent.kafka.schemaregistry.client.rest.entities.ExecutionEnvironment"
	javaString    = "java.lang.String"
	javaBoolean   = "boolean"
	javaStringSet = "java.util.HashSet<java.lang.String>"
	javaStringMap = "java.util.LinkedHashMap<java.lang.String,java.lang.String>"
	javaTagsMap   = "java.util.LinkedHashMap<java.lang.String,java.util.Set<java.lang.String>>"
	javaRuleList  = "java.util.ArrayList<" + javaRule + ">"
)

const (
	// codeInvalidRuleSet is Confluent's error code for a rule set its
	// validation refuses.
	codeInvalidRuleSet = 42210
	// ruleNameMaxLength is Confluent's Rule.NAME_MAX_LENGTH, counted in
	// UTF-16 units as Java counts a String's length.
	ruleNameMaxLength = 256
)

// javaEnum is a Java enum as Jackson reads it: by name or by index.
type javaEnum struct {
	javaType string
	values   []string // in declaration order, which gives the indexes
	listed   string   // the values in the order Jackson's messages list them
}

var (
	ruleKinds = javaEnum{javaRuleKind, []string{"TRANSFORM", "CONDITION"}, "[CONDITION, TRANSFORM]"}
	ruleModes = javaEnum{javaRuleMode, []string{"UPGRADE", "DOWNGRADE", "UPDOWN", "WRITE", "READ", "WRITEREAD"},
		"[DOWNGRADE, READ, UPGRADE, UPDOWN, WRITE, WRITEREAD]"}
	executionEnvironments = javaEnum{javaEnableAt, []string{"ALL", "CLIENT", "GATEWAY", "SERVER", "NONE"},
		"[NONE, ALL, SERVER, GATEWAY, CLIENT]"}
)

// decodeMetadata reads a Metadata entity and returns it as Confluent
// writes it: nil when absent or null.
func decodeMetadata(raw json.RawMessage) (json.RawMessage, *Error) {
	md, apiErr := readMetadata(raw)
	return md.bytes(), apiErr
}

// readMetadata reads a Metadata entity; nil when absent or null.
func readMetadata(raw json.RawMessage) (*metadataJSON, *Error) {
	fields, present, apiErr := readContract(raw, javaMetadata)
	if !present || apiErr != nil {
		return nil, apiErr
	}
	md := &metadataJSON{}
	if md.Tags, apiErr = readTags(fields["tags"]); apiErr != nil {
		return nil, apiErr
	}
	if md.Properties, apiErr = readStringMap(fields["properties"], javaMetadata, "property"); apiErr != nil {
		return nil, apiErr
	}
	if md.Sensitive, apiErr = readStringSet(fields["sensitive"], javaMetadata, "sensitive"); apiErr != nil {
		return nil, apiErr
	}
	return md, nil
}

// bytes returns the metadata as Confluent writes it; nil for none.
func (md *metadataJSON) bytes() json.RawMessage {
	if md == nil {
		return nil
	}
	return encodeContract(md)
}

// metadataJSON is Confluent's Metadata as it writes it; empty members are
// left out.
type metadataJSON struct {
	Tags       sortedMap[[]string] `json:"tags,omitempty"`
	Properties sortedMap[string]   `json:"properties,omitempty"`
	Sensitive  []string            `json:"sensitive,omitempty"`
}

// ruleSet is a decoded RuleSet entity.
type ruleSet struct {
	migration, domain, encoding []contractRule
	enableAt                    string
}

// contractRule is a decoded Rule entity. The optional strings are nil when absent
// or null: validation tells a missing name from an empty one.
type contractRule struct {
	name, doc, ruleType, expr, onSuccess, onFailure *string
	kind, mode                                      string
	tags                                            []string
	params                                          sortedMap[string]
	disabled                                        bool
}

// decodeRuleSet reads a RuleSet entity; nil when absent or null.
func decodeRuleSet(raw json.RawMessage) (*ruleSet, *Error) {
	fields, present, apiErr := readContract(raw, javaRuleSet)
	if !present || apiErr != nil {
		return nil, apiErr
	}
	rs := &ruleSet{}
	for _, list := range []struct {
		name  string
		rules *[]contractRule
	}{{"migrationRules", &rs.migration}, {"domainRules", &rs.domain}, {"encodingRules", &rs.encoding}} {
		if *list.rules, apiErr = readRules(fields[list.name]); apiErr != nil {
			return nil, apiErr
		}
	}
	if rs.enableAt, _, apiErr = readEnum(fields["enableAt"], executionEnvironments); apiErr != nil {
		return nil, apiErr
	}
	return rs, nil
}

// bytes returns the rule set as Confluent writes it; nil for no rule set.
func (rs *ruleSet) bytes() json.RawMessage {
	if rs == nil {
		return nil
	}
	return encodeContract(ruleSetJSON{
		MigrationRules: encodeRules(rs.migration), DomainRules: encodeRules(rs.domain),
		EncodingRules: encodeRules(rs.encoding), EnableAt: rs.enableAt,
	})
}

// ruleSetJSON and ruleJSON are Confluent's RuleSet and Rule as it writes
// them: empty strings and lists are left out, kind, mode and disabled are
// always written.
type ruleSetJSON struct {
	MigrationRules []ruleJSON `json:"migrationRules,omitempty"`
	DomainRules    []ruleJSON `json:"domainRules,omitempty"`
	EncodingRules  []ruleJSON `json:"encodingRules,omitempty"`
	EnableAt       string     `json:"enableAt,omitempty"`
}

type ruleJSON struct {
	Name      string            `json:"name,omitempty"`
	Doc       string            `json:"doc,omitempty"`
	Kind      string            `json:"kind"`
	Mode      string            `json:"mode"`
	Type      string            `json:"type,omitempty"`
	Tags      []string          `json:"tags,omitempty"`
	Params    sortedMap[string] `json:"params,omitempty"`
	Expr      string            `json:"expr,omitempty"`
	OnSuccess string            `json:"onSuccess,omitempty"`
	OnFailure string            `json:"onFailure,omitempty"`
	Disabled  bool              `json:"disabled"`
}

func encodeRules(rules []contractRule) []ruleJSON {
	out := make([]ruleJSON, len(rules))
	for i, r := range rules {
		text := func(s *string) string {
			if s == nil {
				return ""
			}
			return *s
		}
		out[i] = ruleJSON{
			Name: text(r.name), Doc: text(r.doc), Kind: r.kind, Mode: r.mode, Type: text(r.ruleType),
			Tags: r.tags, Params: r.params, Expr: text(r.expr),
			OnSuccess: text(r.onSuccess), OnFailure: text(r.onFailure), Disabled: r.disabled,
		}
	}
	return out
}

// validate applies Confluent's RuleSet.validate: rule names unique across
// the set and well formed, a type on every rule, migration rules upgrading
// or downgrading, domain and encoding rules writing or reading. A failure
// is a 422 with error code 42210 and Confluent's message.
func (rs *ruleSet) validate() *Error {
	if rs == nil {
		return nil
	}
	names := map[string]bool{}
	for _, phase := range []struct {
		rules   []contractRule
		allowed func(mode string) bool
		refusal string
	}{
		{rs.migration, isMigrationMode, "Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN"},
		{rs.domain, isDomainOrEncodingMode, "Domain rules can only be WRITE, READ, WRITEREAD"},
		{rs.encoding, isDomainOrEncodingMode, "Encoding rules can only be WRITE, READ, WRITEREAD"},
	} {
		for _, r := range phase.rules {
			// A missing name counts as the name "null", as in Java's
			// set of names; the rule's own check refuses it right after.
			name := "null"
			if r.name != nil {
				name = *r.name
			}
			if names[name] {
				return errInvalidRuleSet("Found rule with duplicate name '%s'", name)
			}
			names[name] = true
			if apiErr := r.validate(); apiErr != nil {
				return apiErr
			}
			if !phase.allowed(r.mode) {
				return errInvalidRuleSet("%s", phase.refusal)
			}
		}
	}
	return nil
}

func isMigrationMode(mode string) bool {
	return mode == "UPGRADE" || mode == "DOWNGRADE" || mode == "UPDOWN"
}

func isDomainOrEncodingMode(mode string) bool {
	return mode == "WRITE" || mode == "READ" || mode == "WRITEREAD"
}

// validate is Confluent's Rule.validate.
func (r *contractRule) validate() *Error {
	if r.name == nil {
		return errInvalidRuleSet("Missing rule name")
	}
	name := *r.name
	units := utf16.Encode([]rune(name))
	switch {
	case len(units) == 0:
		return errInvalidRuleSet("Empty rule name")
	case len(units) > ruleNameMaxLength:
		return errInvalidRuleSet("Rule name too long")
	}
	// Java checks UTF-16 units: a character outside the BMP is a pair of
	// surrogates, neither of them a letter.
	if first := rune(units[0]); !unicode.IsLetter(first) && first != '_' {
		return errInvalidRuleSet("Illegal initial character in rule name: %s", name)
	}
	for _, u := range units[1:] {
		if c := rune(u); !unicode.IsLetter(c) && !unicode.IsDigit(c) && c != '_' && c != '-' {
			return errInvalidRuleSet("Illegal character in rule name: %s", name)
		}
	}
	if r.ruleType == nil {
		return errInvalidRuleSet("Missing rule type")
	}
	// WRITEREAD and UPDOWN rules may name one action per direction.
	if r.mode != "WRITEREAD" && r.mode != "UPDOWN" {
		for _, action := range []*string{r.onSuccess, r.onFailure} {
			if action != nil && strings.Contains(*action, ",") {
				return errInvalidRuleSet("Multiple actions only valid with WRITEREAD and UPDOWN")
			}
		}
	}
	return nil
}

func errInvalidRuleSet(format string, args ...any) *Error {
	return newError(statusUnprocessable, codeInvalidRuleSet, format, args...)
}

func readRules(v any) ([]contractRule, *Error) {
	if v == nil {
		return nil, nil
	}
	items, ok := v.([]any)
	if !ok {
		return nil, unexpectedShape(javaRuleList, v)
	}
	rules := make([]contractRule, len(items))
	for i, item := range items {
		fields, present, apiErr := readBean(item, javaRule)
		if apiErr != nil {
			return nil, apiErr
		}
		if !present {
			return nil, errMapping("Cannot construct instance of `%s`, problem: a rule is null", javaRuleSet)
		}
		if rules[i], apiErr = readRule(fields); apiErr != nil {
			return nil, apiErr
		}
	}
	return rules, nil
}

func readRule(fields map[string]any) (contractRule, *Error) {
	var r contractRule
	var apiErr *Error
	for _, f := range []struct {
		name string
		dst  **string
	}{
		{"name", &r.name}, {"doc", &r.doc}, {"type", &r.ruleType}, {"expr", &r.expr},
		{"onSuccess", &r.onSuccess}, {"onFailure", &r.onFailure},
	} {
		if *f.dst, apiErr = readString(fields[f.name]); apiErr != nil {
			return r, apiErr
		}
	}
	// Confluent's defaults for a rule that names no kind or mode.
	var present bool
	if r.kind, present, apiErr = readEnum(fields["kind"], ruleKinds); apiErr != nil {
		return r, apiErr
	} else if !present {
		r.kind = "TRANSFORM"
	}
	if r.mode, present, apiErr = readEnum(fields["mode"], ruleModes); apiErr != nil {
		return r, apiErr
	} else if !present {
		r.mode = "WRITEREAD"
	}
	if r.tags, apiErr = readStringSet(fields["tags"], javaRule, "tag"); apiErr != nil {
		return r, apiErr
	}
	if r.params, apiErr = readStringMap(fields["params"], javaRule, "param"); apiErr != nil {
		return r, apiErr
	}
	r.disabled, apiErr = readBool(fields["disabled"])
	return r, apiErr
}

// readContract parses a contract member of a request body, already known
// to be well-formed JSON, keeping numbers as written.
func readContract(raw json.RawMessage, javaType string) (map[string]any, bool, *Error) {
	if len(raw) == 0 {
		return nil, false, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false, errMapping("Malformed JSON: %v", err)
	}
	return readBean(v, javaType)
}

// readBean reads a JSON object standing for a Java bean; null is absent.
func readBean(v any, javaType string) (map[string]any, bool, *Error) {
	const noCreator = "Cannot construct instance of `%s` (although at least one Creator exists): no %s-argument constructor/factory method to deserialize from %s value (%s)"
	switch v := v.(type) {
	case nil:
		return nil, false, nil
	case map[string]any:
		return v, true, nil
	case string:
		if v == "" {
			return nil, false, errEmptyString(javaType)
		}
		return nil, false, errMapping(noCreator, javaType, "String", "String", "'"+v+"'")
	case json.Number:
		argument := "double/Double"
		if isInteger(v) {
			argument = "BigInteger"
			if n, err := strconv.ParseInt(v.String(), 10, 64); err == nil {
				argument = "long/Long"
				if n == int64(int32(n)) {
					argument = "int/Int"
				}
			}
		}
		return nil, false, errMapping(noCreator, javaType, argument, "Number", v.String())
	case bool:
		return nil, false, errMapping(noCreator, javaType, "boolean/Boolean", "Boolean", strconv.FormatBool(v))
	default:
		return nil, false, unexpectedShape(javaType, v)
	}
}

// readString reads a Java String: Jackson takes a number or a boolean as
// its text.
func readString(v any) (*string, *Error) {
	var s string
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		s = v
	case json.Number:
		s = v.String()
	case bool:
		s = strconv.FormatBool(v)
	default:
		return nil, unexpectedShape(javaString, v)
	}
	return &s, nil
}

// readText reads a JSON value Confluent reads as a Java String: as Jackson
// does, a number or a boolean is taken as its text, and null as "".
func readText(raw json.RawMessage) (string, *Error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", errMapping("Malformed JSON: %v", err)
	}
	text, apiErr := readString(v)
	if apiErr != nil || text == nil {
		return "", apiErr
	}
	return *text, nil
}

// javaTypeName is the Java type Confluent reads a request field of Go type
// t into, as its mapping errors name it.
func javaTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return javaString
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "java.lang.Integer"
	case reflect.Bool:
		return "java.lang.Boolean"
	case reflect.Slice:
		return "java.util.ArrayList"
	case reflect.Map, reflect.Struct:
		return "java.util.LinkedHashMap"
	}
	return t.String()
}

// readStringSet reads a Set<String> into Java's sorted order without
// duplicates. Confluent's entities cannot sort a null member: what is a
// failure of the bean's constructor there is refused here.
func readStringSet(v any, owner, member string) ([]string, *Error) {
	if v == nil {
		return nil, nil
	}
	items, ok := v.([]any)
	if !ok {
		if s, isString := v.(string); isString && s == "" {
			return nil, errEmptyString(javaStringSet)
		}
		return nil, unexpectedShape(javaStringSet, v)
	}
	set := make([]string, 0, len(items))
	for _, item := range items {
		s, apiErr := readString(item)
		if apiErr != nil {
			return nil, apiErr
		}
		if s == nil {
			return nil, errMapping("Cannot construct instance of `%s`, problem: a %s is null", owner, member)
		}
		set = append(set, *s)
	}
	slices.SortFunc(set, compareJava)
	return slices.Compact(set), nil
}

// readStringMap reads a Map<String,String>; a null value is refused, as a
// null member of a set is.
func readStringMap(v any, owner, member string) (sortedMap[string], *Error) {
	if v == nil {
		return nil, nil
	}
	fields, ok := v.(map[string]any)
	if !ok {
		if s, isString := v.(string); isString && s == "" {
			return nil, errEmptyString(javaStringMap)
		}
		return nil, unexpectedShape(javaStringMap, v)
	}
	out := make(sortedMap[string], len(fields))
	for key, value := range fields {
		s, apiErr := readString(value)
		if apiErr != nil {
			return nil, apiErr
		}
		if s == nil {
			return nil, errMapping("Cannot construct instance of `%s`, problem: %s %q is null", owner, member, key)
		}
		out[key] = *s
	}
	return out, nil
}

// readTags reads Metadata's tags: a set of tags per path.
func readTags(v any) (sortedMap[[]string], *Error) {
	if v == nil {
		return nil, nil
	}
	fields, ok := v.(map[string]any)
	if !ok {
		if s, isString := v.(string); isString && s == "" {
			return nil, errEmptyString(javaTagsMap)
		}
		return nil, unexpectedShape(javaTagsMap, v)
	}
	out := make(sortedMap[[]string], len(fields))
	for path, value := range fields {
		if value == nil {
			return nil, errMapping("Cannot construct instance of `%s`, problem: the tags of %q are null", javaMetadata, path)
		}
		set, apiErr := readStringSet(value, javaMetadata, "tag")
		if apiErr != nil {
			return nil, apiErr
		}
		out[path] = set
	}
	return out, nil
}

// readEnum reads a Java enum constant by name or, as Jackson allows by
// default, by index (a number or a string of digits).
func readEnum(v any, enum javaEnum) (string, bool, *Error) {
	switch v := v.(type) {
	case nil:
		return "", false, nil
	case string:
		if slices.Contains(enum.values, v) {
			return v, true, nil
		}
		if v == "" {
			return "", false, errEmptyString(enum.javaType)
		}
		if v[0] >= '0' && v[0] <= '9' {
			if i, err := strconv.Atoi(v); err == nil && i >= 0 && i < len(enum.values) {
				return enum.values[i], true, nil
			}
		}
		return "", false, errMapping("Cannot deserialize value of type `%s` from String %q: not one of the values accepted for Enum class: %s",
			enum.javaType, v, enum.listed)
	case json.Number:
		i, err := strconv.ParseInt(v.String(), 10, 32)
		if err != nil {
			return "", false, unexpectedShape(enum.javaType, v)
		}
		if i < 0 || int(i) >= len(enum.values) {
			return "", false, errMapping("Cannot deserialize value of type `%s` from number %d: index value outside legal index range [0..%d]",
				enum.javaType, i, len(enum.values)-1)
		}
		return enum.values[i], true, nil
	default:
		return "", false, unexpectedShape(enum.javaType, v)
	}
}

// readBool reads a Java boolean: null is false, and Jackson takes numbers
// (0 is false) and the texts "true" and "false" in three spellings.
func readBool(v any) (bool, *Error) {
	switch v := v.(type) {
	case nil:
		return false, nil
	case bool:
		return v, nil
	case json.Number:
		if n, err := strconv.ParseInt(v.String(), 10, 64); err == nil {
			return n != 0, nil
		}
	case string:
		switch v {
		case "true", "True", "TRUE":
			return true, nil
		case "false", "False", "FALSE", "":
			return false, nil
		}
		return false, errMapping(`Cannot deserialize value of type `+"`%s`"+` from String %q: only "true"/"True"/"TRUE" or "false"/"False"/"FALSE" recognized`,
			javaBoolean, v)
	}
	return false, unexpectedShape(javaBoolean, v)
}

// unexpectedShape is Jackson's message for a JSON value of a shape the
// Java type cannot be read from.
func unexpectedShape(javaType string, v any) *Error {
	shape, token := "Object value", "START_OBJECT"
	switch v := v.(type) {
	case []any:
		shape, token = "Array value", "START_ARRAY"
	case string:
		shape, token = "String value", "VALUE_STRING"
	case json.Number:
		shape, token = "Floating-point value", "VALUE_NUMBER_FLOAT"
		if isInteger(v) {
			shape, token = "Integer value", "VALUE_NUMBER_INT"
		}
	case bool:
		shape, token = "Boolean value", "VALUE_FALSE"
		if v {
			token = "VALUE_TRUE"
		}
	}
	return errMapping("Cannot deserialize value of type `%s` from %s (token `JsonToken.%s`)", javaType, shape, token)
}

// isInteger reports whether a JSON number is written as an integer, which
// is what Jackson's tokenizer goes by.
func isInteger(n json.Number) bool { return !strings.ContainsAny(n.String(), ".eE") }

// errEmptyString is Jackson's refusal of "" for a structured type.
func errEmptyString(javaType string) *Error {
	return errMapping("Cannot coerce empty String (\"\") to `%s` value (but could if coercion was enabled using `CoercionConfig`)", javaType)
}

// errMapping is a Jackson mapping failure as Confluent's rest-utils answer
// it: 400, error code 400, the message without Java package names.
func errMapping(format string, args ...any) *Error {
	msg := javaTypeNamesShortened(fmt.Sprintf(format, args...))
	return &Error{Status: http.StatusBadRequest, Code: http.StatusBadRequest, Message: msg}
}

// javaTypeNamesShortened does what rest-utils' JsonMappingExceptionMapper
// does to Jackson's messages: the first name quoted in backticks loses its
// package and outer classes (everything up to the last '.' and '$').
func javaTypeNamesShortened(msg string) string {
	fragments := strings.Split(msg, "`")
	if len(fragments) <= 2 {
		return msg
	}
	name := fragments[1]
	if dot := strings.LastIndexByte(name, '.'); dot >= 0 && dot != len(name)-1 {
		name = name[dot+1:]
	}
	if dollar := strings.LastIndexByte(name, '$'); dollar >= 0 && dollar != len(name)-1 {
		name = name[dollar+1:]
	}
	fragments[1] = name
	return strings.Join(fragments, "`")
}

// encodeContract writes a normalized contract as the log and the answers
// hold it.
func encodeContract(v any) json.RawMessage {
	b, err := storage.EncodeValue(v)
	if err != nil {
		// Only strings, booleans, slices and sortedMaps are encoded.
		panic(fmt.Sprintf("encoding a data contract: %v", err))
	}
	return b
}

// storedMetadata and storedRuleSet return the metadata and rule set of a
// stored record as Confluent answers them. Records written before these
// members were normalized are re-written; a member Confluent could not
// have read at all is left out rather than answered.
func storedMetadata(raw json.RawMessage) json.RawMessage {
	return readStoredMetadata(raw).bytes()
}

func storedRuleSet(raw json.RawMessage) json.RawMessage {
	return readStoredRuleSet(raw).bytes()
}

// readStoredMetadata and readStoredRuleSet read the members of a stored
// record or config, or of a request already read: nil for none, as for a
// member Confluent could not have read.
func readStoredMetadata(raw json.RawMessage) *metadataJSON {
	md, apiErr := readMetadata(raw)
	if apiErr != nil {
		return nil
	}
	return md
}

func readStoredRuleSet(raw json.RawMessage) *ruleSet {
	rs, apiErr := decodeRuleSet(raw)
	if apiErr != nil {
		return nil
	}
	return rs
}

// confluentVersionKey is the metadata property in which Confluent records
// the version a schema was registered as (Metadata.CONFLUENT_VERSION).
const confluentVersionKey = "confluent:version"

// confluentVersion returns the confluent:version property, whatever its
// text.
func (md *metadataJSON) confluentVersion() (string, bool) {
	if md == nil {
		return "", false
	}
	v, ok := md.Properties[confluentVersionKey]
	return v, ok
}

// confluentVersionNumber returns confluent:version as a number, as Java's
// Integer.parseInt reads it; false when absent or not a number.
func (md *metadataJSON) confluentVersionNumber() (int, bool) {
	text, ok := md.confluentVersion()
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(text, 10, 32)
	return int(n), err == nil
}

// withConfluentVersion is Confluent's Metadata.setConfluentVersion: the
// metadata (none counts as empty) with confluent:version set.
func (md *metadataJSON) withConfluentVersion(version int) *metadataJSON {
	var out metadataJSON
	if md != nil {
		out = *md
	}
	out.Properties = maps.Clone(out.Properties)
	if out.Properties == nil {
		out.Properties = sortedMap[string]{}
	}
	out.Properties[confluentVersionKey] = strconv.Itoa(version)
	return &out
}

// withoutConfluentVersion is Confluent's Metadata.removeConfluentVersion:
// none stays none.
func (md *metadataJSON) withoutConfluentVersion() *metadataJSON {
	if md == nil {
		return nil
	}
	out := *md
	out.Properties = maps.Clone(md.Properties)
	delete(out.Properties, confluentVersionKey)
	return &out
}

// orEmpty returns the metadata, or empty metadata for none, as Confluent
// compares a schema without metadata to one with.
func (md *metadataJSON) orEmpty() *metadataJSON {
	if md == nil {
		return &metadataJSON{}
	}
	return md
}

// mergeMetadata is Confluent's Metadata.mergeMetadata: what newer sets
// wins, tag sets replace those of the same path, sensitive names are
// united; either side may be none.
func mergeMetadata(older, newer *metadataJSON) *metadataJSON {
	if older == nil {
		return newer
	}
	if newer == nil {
		return older
	}
	return &metadataJSON{
		Tags:       mergeMaps(older.Tags, newer.Tags),
		Properties: mergeMaps(older.Properties, newer.Properties),
		Sensitive:  mergeSets(older.Sensitive, newer.Sensitive),
	}
}

func mergeMaps[V any](older, newer sortedMap[V]) sortedMap[V] {
	if len(older) == 0 {
		return newer
	}
	if len(newer) == 0 {
		return older
	}
	merged := maps.Clone(older)
	maps.Copy(merged, newer)
	return merged
}

func mergeSets(older, newer []string) []string {
	if len(older) == 0 {
		return newer
	}
	if len(newer) == 0 {
		return older
	}
	merged := append(slices.Clone(older), newer...)
	slices.SortFunc(merged, compareJava)
	return slices.Compact(merged)
}

// mergeRuleSets is Confluent's RuleSet.mergeRuleSets: per phase, the
// older rules not renamed by a newer rule, then the newer rules; newer's
// enableAt unless it has none.
func mergeRuleSets(older, newer *ruleSet) *ruleSet {
	if older == nil {
		return newer
	}
	if newer == nil {
		return older
	}
	enableAt := newer.enableAt
	if enableAt == "" {
		enableAt = older.enableAt
	}
	return &ruleSet{
		migration: mergeRules(older.migration, newer.migration),
		domain:    mergeRules(older.domain, newer.domain),
		encoding:  mergeRules(older.encoding, newer.encoding),
		enableAt:  enableAt,
	}
}

func mergeRules(older, newer []contractRule) []contractRule {
	if len(older) == 0 {
		return newer
	}
	if len(newer) == 0 {
		return older
	}
	// Java's set of names holds null as a name of its own.
	type ruleName struct {
		name    string
		present bool
	}
	nameOf := func(r contractRule) ruleName {
		if r.name == nil {
			return ruleName{}
		}
		return ruleName{*r.name, true}
	}
	replaced := map[ruleName]bool{}
	for _, r := range newer {
		replaced[nameOf(r)] = true
	}
	merged := make([]contractRule, 0, len(older)+len(newer))
	for _, r := range older {
		if !replaced[nameOf(r)] {
			merged = append(merged, r)
		}
	}
	return append(merged, newer...)
}

// sortedMap is a Java SortedMap<String, V>: written with its keys in
// Java's String order.
type sortedMap[V any] map[string]V

// MarshalJSON writes the map with its keys in Java's order.
func (m sortedMap[V]) MarshalJSON() ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareJava)
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		key, err := storage.EncodeValue(k)
		if err != nil {
			return nil, err
		}
		value, err := storage.EncodeValue(m[k])
		if err != nil {
			return nil, err
		}
		b.Write(key)
		b.WriteByte(':')
		b.Write(value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// compareJava orders strings as Java's String.compareTo does: by UTF-16
// code units, which puts characters outside the BMP (surrogate pairs)
// before U+E000..U+FFFF, unlike Go's byte order.
func compareJava(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			ua, ub := firstUTF16Unit(ra), firstUTF16Unit(rb)
			if ua != ub {
				return int(ua) - int(ub)
			}
			return int(ra) - int(rb)
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

func firstUTF16Unit(r rune) rune {
	if r >= 0x10000 {
		high, _ := utf16.EncodeRune(r)
		return high
	}
	return r
}
