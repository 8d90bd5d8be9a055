package jsonschema

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// rootURL is the URL of the schema being parsed when it has no $id of its
// own, Confluent's DEFAULT_BASE_URI. Relative reference names are resolved
// against it.
const rootURL = "mem://input"

// document is a schema text taking part in a parse: the schema itself or
// one it references.
type document struct {
	// name is the reference name of a referenced schema.
	name string
	// url is where the document is registered, before its own $id applies.
	url   string
	root  *value
	draft Draft
}

// location is where a schema object stands: its document and the base URL
// its references are resolved against.
type location struct {
	doc  *document
	base string
}

// registry knows the schema documents of a parse and finds what a $ref
// points to. Nothing outside the documents and the bundled metaschemas can
// be found: the registry never fetches anything.
type registry struct {
	// resources maps an absolute URL without fragment to the schema object
	// it identifies: a document, or a subschema with an $id.
	resources map[string]*value
	// anchors maps an absolute URL with a plain-name fragment to the schema
	// object it identifies.
	anchors map[string]*value
	// locations holds the location of every schema object of the documents.
	locations map[*value]location
}

func newRegistry() *registry {
	return &registry{
		resources: make(map[string]*value),
		anchors:   make(map[string]*value),
		locations: make(map[*value]location),
	}
}

// add registers a document under its URL and the other URLs given, then
// every subschema $id and anchor in it. The first document registered
// under a URL keeps it.
func (r *registry) add(doc *document, aliases ...string) {
	for _, u := range append([]string{doc.url}, aliases...) {
		if _, taken := r.resources[u]; !taken {
			r.resources[u] = doc.root
		}
	}
	r.index(doc, doc.root, doc.url)
}

// index records the location of v and of the schemas below it, and the
// URLs their $id and anchors give them.
func (r *registry) index(doc *document, v *value, base string) {
	if v.kind != kindObject {
		if v.kind == kindBool {
			r.locations[v] = location{doc: doc, base: base}
		}
		return
	}
	if _, seen := r.locations[v]; seen {
		return
	}
	base = r.identify(doc, v, base)
	r.locations[v] = location{doc: doc, base: base}
	for i, key := range v.keys {
		child := v.items[i]
		switch key {
		case "additionalItems", "additionalProperties", "contains", "propertyNames", "not",
			"if", "then", "else", "unevaluatedItems", "unevaluatedProperties", "contentSchema":
			r.index(doc, child, base)
		case "items":
			if child.kind == kindArray {
				for _, item := range child.items {
					r.index(doc, item, base)
				}
			} else {
				r.index(doc, child, base)
			}
		case "allOf", "anyOf", "oneOf", "prefixItems":
			if child.kind == kindArray {
				for _, item := range child.items {
					r.index(doc, item, base)
				}
			}
		case "properties", "patternProperties", "definitions", "$defs", "dependencies", "dependentSchemas":
			if child.kind == kindObject {
				for _, item := range child.items {
					r.index(doc, item, base)
				}
			}
		}
	}
}

// identify registers the URL and anchors v declares and returns the base
// URL of v. In drafts 4 to 7 an $id beside a $ref is ignored, as those
// drafts say.
func (r *registry) identify(doc *document, v *value, base string) string {
	if !doc.draft.modern() && v.has("$ref") {
		return base
	}
	if id, ok := v.str(doc.draft.idKeyword()); ok {
		resource, anchor, _ := strings.Cut(id, "#")
		if resource != "" {
			if resolved, err := resolveURL(base, resource); err == nil {
				base = resolved
				if _, taken := r.resources[base]; !taken {
					r.resources[base] = v
				}
			}
		}
		if anchor != "" && !strings.HasPrefix(anchor, "/") && !doc.draft.modern() {
			r.addAnchor(base, anchor, v)
		}
	}
	if doc.draft.modern() {
		for _, keyword := range []string{"$anchor", "$dynamicAnchor"} {
			if anchor, ok := v.str(keyword); ok {
				r.addAnchor(base, anchor, v)
			}
		}
	}
	return base
}

func (r *registry) addAnchor(base, anchor string, v *value) {
	key := base + "#" + anchor
	if _, taken := r.anchors[key]; !taken {
		r.anchors[key] = v
	}
}

// errMetaschema is the target of a reference to a metaschema, which is
// modelled as a schema that accepts everything.
var errMetaschema = errors.New("metaschema")

// resolve returns the schema object that ref, written in the schema object
// from, points to. A reference to a metaschema gives errMetaschema.
func (r *registry) resolve(ref string, from *value) (*value, error) {
	loc := r.locations[from]
	target, err := resolveURL(loc.base, ref)
	if err != nil {
		return nil, fmt.Errorf("invalid $ref %q: %v", ref, err)
	}
	resource, fragment, _ := strings.Cut(target, "#")
	if v, ok := r.anchors[target]; ok {
		return v, nil
	}
	root, ok := r.resources[resource]
	if !ok {
		if isMetaschemaURL(resource) {
			return nil, errMetaschema
		}
		return nil, fmt.Errorf("$ref %q: %s is not a registered reference", ref, resource)
	}
	if fragment != "" && !strings.HasPrefix(fragment, "/") {
		return nil, fmt.Errorf("$ref %q: no anchor %q", ref, fragment)
	}
	decoded, err := url.PathUnescape(fragment)
	if err != nil {
		return nil, fmt.Errorf("invalid $ref %q: %v", ref, err)
	}
	v, err := r.pointer(root, decoded)
	if err != nil {
		return nil, fmt.Errorf("$ref %q: %v", ref, err)
	}
	return v, nil
}

// pointer evaluates a JSON pointer from root. Like Confluent, which copies
// a document's definitions into its $defs before loading it, a pointer
// into $defs of a document root falls back on definitions.
func (r *registry) pointer(root *value, pointer string) (*value, error) {
	if pointer == "" {
		return root, nil
	}
	tokens := strings.Split(pointer[1:], "/")
	for i, token := range tokens {
		tokens[i] = strings.ReplaceAll(strings.ReplaceAll(token, "~1", "/"), "~0", "~")
	}
	if len(tokens) > 1 && tokens[0] == "$defs" && r.isDocumentRoot(root) {
		defs := root.get("$defs")
		if defs.get(tokens[1]) == nil && (defs == nil || defs.kind == kindObject) &&
			root.get("definitions").get(tokens[1]) != nil {
			tokens[0] = "definitions"
		}
	}
	v := root
	for _, token := range tokens {
		var next *value
		switch v.kind {
		case kindObject:
			next = v.get(token)
		case kindArray:
			n, err := strconv.Atoi(token)
			if err == nil && n >= 0 && n < len(v.items) && token == strconv.Itoa(n) {
				next = v.items[n]
			}
		}
		if next == nil {
			return nil, fmt.Errorf("no value at JSON pointer %q", pointer)
		}
		v = next
	}
	return v, nil
}

// isDocumentRoot reports whether v is the root of its document.
func (r *registry) isDocumentRoot(v *value) bool {
	loc, ok := r.locations[v]
	return ok && loc.doc.root == v
}

// resolveURL resolves ref against the absolute URL base.
func resolveURL(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(ref)
	if err != nil {
		return "", err
	}
	return b.ResolveReference(u).String(), nil
}
