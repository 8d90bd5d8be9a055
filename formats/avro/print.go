package avro

import (
	"strconv"
	"strings"

	"github.com/goschemaregistry/registry/formats/internal/jsontree"
)

// printSchema writes n as Java's Schema.toString(referencedSchemas) does,
// which is what Confluent stores: named types in full where first used and
// by name afterwards, names in known written by name from the start.
func printSchema(n *node, known []string) string {
	p := &printer{known: make(map[string]bool, len(known))}
	for _, k := range known {
		p.known[k] = true
	}
	p.schema(n, "")
	return p.b.String()
}

// printResolved writes n with every named type in full where first used.
func printResolved(n *node) string {
	return printSchema(n, nil)
}

type printer struct {
	b     strings.Builder
	known map[string]bool
}

// schema writes n as Java's toJson(knownNames, namespace, generator) does,
// space being the namespace of the enclosing named type.
func (p *printer) schema(n *node, space string) {
	b := &p.b
	switch n.kind {
	case kindRecord, kindEnum, kindFixed:
		p.named(n, space)
	case kindArray, kindMap:
		member := `,"items":`
		if n.kind == kindMap {
			member = `,"values":`
		}
		b.WriteString(`{"type":"` + n.kind.String() + `"`)
		b.WriteString(member)
		p.schema(n.items, space)
		p.props(n.props)
		b.WriteByte('}')
	case kindUnion:
		b.WriteByte('[')
		for i, t := range n.types {
			if i > 0 {
				b.WriteByte(',')
			}
			p.schema(t, space)
		}
		b.WriteByte(']')
	case kindUnresolved:
		jsontree.WriteString(b, n.ref)
	default:
		if len(n.props) == 0 {
			b.WriteString(`"` + n.kind.String() + `"`)
			return
		}
		b.WriteString(`{"type":"` + n.kind.String() + `"`)
		p.props(n.props)
		b.WriteByte('}')
	}
}

func (p *printer) named(n *node, space string) {
	b := &p.b
	full := n.name.full()
	if p.known[full] {
		jsontree.WriteString(b, n.name.qualified(space))
		return
	}
	p.known[full] = true
	typ := n.kind.String()
	if n.isError {
		typ = "error"
	}
	b.WriteString(`{"type":"` + typ + `","name":`)
	jsontree.WriteString(b, n.name.simple)
	switch {
	case n.name.space != "" && n.name.space != space:
		b.WriteString(`,"namespace":`)
		jsontree.WriteString(b, n.name.space)
	case n.name.space == "" && space != "":
		b.WriteString(`,"namespace":""`)
	}
	if n.hasDoc {
		b.WriteString(`,"doc":`)
		jsontree.WriteString(b, n.doc)
	}
	switch n.kind {
	case kindRecord:
		b.WriteString(`,"fields":[`)
		for i, f := range n.fields {
			if i > 0 {
				b.WriteByte(',')
			}
			p.field(f, n.name.space)
		}
		b.WriteByte(']')
	case kindEnum:
		b.WriteString(`,"symbols":`)
		writeStrings(b, n.symbols)
		if n.enumDef != nil {
			b.WriteString(`,"default":`)
			jsontree.WriteString(b, *n.enumDef)
		}
	case kindFixed:
		b.WriteString(`,"size":` + strconv.Itoa(n.size))
	}
	p.props(n.props)
	if len(n.aliases) > 0 {
		aliases := make([]string, len(n.aliases))
		for i, a := range n.aliases {
			aliases[i] = a.qualified(n.name.space)
		}
		b.WriteString(`,"aliases":`)
		writeStrings(b, aliases)
	}
	b.WriteByte('}')
}

func (p *printer) field(f *field, space string) {
	b := &p.b
	b.WriteString(`{"name":`)
	jsontree.WriteString(b, f.name)
	b.WriteString(`,"type":`)
	p.schema(f.typ, space)
	if f.hasDoc {
		b.WriteString(`,"doc":`)
		jsontree.WriteString(b, f.doc)
	}
	if f.def != nil {
		b.WriteString(`,"default":`)
		writeJSON(b, f.def)
	}
	if f.order != ascending {
		b.WriteString(`,"order":"` + orderNames[f.order] + `"`)
	}
	if len(f.aliases) > 0 {
		b.WriteString(`,"aliases":`)
		writeStrings(b, f.aliases)
	}
	p.props(f.props)
	b.WriteByte('}')
}

func (p *printer) props(props []prop) {
	for _, pr := range props {
		p.b.WriteByte(',')
		jsontree.WriteString(&p.b, pr.key)
		p.b.WriteByte(':')
		writeJSON(&p.b, pr.value)
	}
}

func writeStrings(b *strings.Builder, list []string) {
	b.WriteByte('[')
	for i, s := range list {
		if i > 0 {
			b.WriteByte(',')
		}
		jsontree.WriteString(b, s)
	}
	b.WriteByte(']')
}
