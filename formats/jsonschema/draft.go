package jsonschema

import (
	"strconv"
	"strings"
)

// Draft is a version of the JSON Schema specification.
type Draft int

// The drafts a schema may declare with $schema.
const (
	Draft4    Draft = 4
	Draft6    Draft = 6
	Draft7    Draft = 7
	Draft2019 Draft = 2019
	Draft2020 Draft = 2020
)

// String returns the draft's name, e.g. "draft-07" or "2020-12".
func (d Draft) String() string {
	switch d {
	case Draft2019:
		return "2019-09"
	case Draft2020:
		return "2020-12"
	}
	return "draft-0" + strconv.Itoa(int(d))
}

// modern reports whether Confluent loads schemas of the draft with
// json-sKema rather than Everit.
func (d Draft) modern() bool { return d >= Draft2019 }

// idKeyword is the keyword that gives a schema its URL.
func (d Draft) idKeyword() string {
	if d == Draft4 {
		return "id"
	}
	return "$id"
}

// metaschemaURL is the URL of the draft's metaschema, which the validating
// library knows without fetching it.
func (d Draft) metaschemaURL() string {
	if d.modern() {
		return "https://json-schema.org/draft/" + d.String() + "/schema"
	}
	return "http://json-schema.org/" + d.String() + "/schema"
}

// confluentDrafts are the $schema URLs Confluent's SpecificationVersion
// knows, without the optional trailing '#'.
var confluentDrafts = map[string]Draft{
	"http://json-schema.org/draft-04/schema":       Draft4,
	"https://json-schema.org/draft-04/schema":      Draft4,
	"http://json-schema.org/schema":                Draft4,
	"https://json-schema.org/schema":               Draft4,
	"http://json-schema.org/draft-06/schema":       Draft6,
	"https://json-schema.org/draft-06/schema":      Draft6,
	"http://json-schema.org/draft-07/schema":       Draft7,
	"https://json-schema.org/draft-07/schema":      Draft7,
	"http://json-schema.org/draft/2019-09/schema":  Draft2019,
	"https://json-schema.org/draft/2019-09/schema": Draft2019,
	"http://json-schema.org/draft/2020-12/schema":  Draft2020,
	"https://json-schema.org/draft/2020-12/schema": Draft2020,
}

// everitPrefixes are the metaschema URLs Everit recognizes, in the order it
// tries them, as prefixes of $schema.
var everitPrefixes = []struct {
	prefix string
	draft  Draft
}{
	{"http://json-schema.org/draft-04/schema", Draft4},
	{"https://json-schema.org/draft-04/schema", Draft4},
	{"http://json-schema.org/schema", Draft4},
	{"https://json-schema.org/schema", Draft4},
	{"http://json-schema.org/draft-06/schema", Draft6},
	{"https://json-schema.org/draft-06/schema", Draft6},
	{"http://json-schema.org/draft-07/schema", Draft7},
	{"https://json-schema.org/draft-07/schema", Draft7},
}

// rootDraft is the draft Confluent applies to a schema: the one its $schema
// names exactly (a trailing '#' aside), draft 7 otherwise. For drafts 4 to 7
// Everit then looks again, taking the first metaschema URL $schema starts
// with, so that its own spelling decides.
func rootDraft(root *value) Draft {
	schema, ok := root.str("$schema")
	if !ok {
		return Draft7
	}
	if d, ok := confluentDrafts[strings.TrimSuffix(schema, "#")]; ok && d.modern() {
		return d
	}
	return everitDraft(schema, Draft7)
}

// dependencyDraft is the draft a referenced schema is loaded with, given
// the draft of the schema that references it: json-sKema reads every
// document as 2020-12 (2019-09 when it says so), Everit uses a document's
// own $schema when it recognizes it and the referencing schema's draft
// otherwise.
func dependencyDraft(doc *value, parent Draft) Draft {
	schema, ok := doc.str("$schema")
	if parent.modern() {
		if d, found := confluentDrafts[strings.TrimSuffix(schema, "#")]; ok && found && d.modern() {
			return d
		}
		return parent
	}
	if !ok {
		return parent
	}
	return everitDraft(schema, parent)
}

// everitDraft returns the draft of the first metaschema URL schema starts
// with, or otherwise.
func everitDraft(schema string, otherwise Draft) Draft {
	for _, p := range everitPrefixes {
		if strings.HasPrefix(schema, p.prefix) {
			return p.draft
		}
	}
	return otherwise
}

// isMetaschemaURL reports whether u, without fragment, is the URL of a
// metaschema (or a 2019-09 or 2020-12 vocabulary metaschema), which the
// registry never fetches.
func isMetaschemaURL(u string) bool {
	rest, ok := strings.CutPrefix(u, "http://json-schema.org/")
	if !ok {
		rest, ok = strings.CutPrefix(u, "https://json-schema.org/")
	}
	if !ok {
		return false
	}
	switch rest {
	case "schema", "draft-04/schema", "draft-06/schema", "draft-07/schema":
		return true
	}
	for _, modern := range []string{"draft/2019-09/", "draft/2020-12/"} {
		if vocab, ok := strings.CutPrefix(rest, modern); ok {
			return vocab == "schema" || strings.HasPrefix(vocab, "meta/")
		}
	}
	return false
}
