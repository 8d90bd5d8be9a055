package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/goschemaregistry/registry/cmd/srctl/internal/client"
	"github.com/goschemaregistry/registry/formats"
	"github.com/goschemaregistry/registry/formats/avro"
	"github.com/goschemaregistry/registry/formats/jsonschema"
	"github.com/goschemaregistry/registry/formats/protobuf"
)

// maxReferenceDepth bounds chains of references, as the registry does.
const maxReferenceDepth = 64

// parser parses schemas locally with the registry's own formats, fetching
// the schemas they reference from the registry (once each).
type parser struct {
	client  *client.Client
	formats map[string]formats.Format
	fetched map[formats.Reference]client.Schema
}

func newParser(c *client.Client) *parser {
	p := &parser{client: c, formats: map[string]formats.Format{}, fetched: map[formats.Reference]client.Schema{}}
	for _, f := range []formats.Format{avro.New(avro.Limits{}), protobuf.New(protobuf.Limits{}), jsonschema.New(jsonschema.Limits{})} {
		p.formats[f.Type()] = f
	}
	return p
}

// parse parses a schema of the given type with its references: strictly,
// as a registry checks a schema being registered, unless stored is set (a
// version already registered, read as leniently as the registry does).
func (p *parser) parse(ctx context.Context, schemaType, text string, refs []formats.Reference, stored bool) (formats.Schema, error) {
	format, ok := p.formats[schemaType]
	if !ok {
		return nil, fmt.Errorf("schema type %s is not supported", schemaType)
	}
	deps, err := p.dependencies(ctx, refs)
	if err != nil {
		return nil, err
	}
	if stored {
		return format.ParseStored(text, deps)
	}
	return format.Parse(text, deps)
}

// parseVersion parses a registered version.
func (p *parser) parseVersion(ctx context.Context, v client.Schema) (formats.Schema, error) {
	s, err := p.parse(ctx, v.Type(), v.Schema, v.References, true)
	if err != nil {
		return nil, fmt.Errorf("subject %s version %d does not parse: %w", v.Subject, v.Version, err)
	}
	return s, nil
}

// dependencies fetches the schemas refs name, transitively, in the order
// formats.Format.Parse wants them: each after the ones it references.
func (p *parser) dependencies(ctx context.Context, refs []formats.Reference) ([]formats.Dependency, error) {
	var deps []formats.Dependency
	visiting := map[formats.Reference]bool{}
	done := map[formats.Reference]bool{}
	var visit func(ref formats.Reference, depth int) error
	visit = func(ref formats.Reference, depth int) error {
		// The name is how the referrer imports it, not part of identity.
		id := formats.Reference{Subject: ref.Subject, Version: ref.Version}
		if done[id] {
			return nil
		}
		if visiting[id] || depth > maxReferenceDepth {
			return fmt.Errorf("reference %s: circular or too deep references", ref.Name)
		}
		visiting[id] = true
		v, err := p.fetch(ctx, id)
		if err != nil {
			return fmt.Errorf("reference %s (subject %s version %d): %w", ref.Name, ref.Subject, ref.Version, err)
		}
		for _, sub := range v.References {
			if err := visit(sub, depth+1); err != nil {
				return err
			}
		}
		visiting[id] = false
		done[id] = true
		deps = append(deps, formats.Dependency{Name: ref.Name, Schema: v.Schema})
		return nil
	}
	for _, ref := range refs {
		if err := visit(ref, 0); err != nil {
			return nil, err
		}
	}
	return deps, nil
}

// fetch returns a referenced version, soft-deleted or not, as the
// registry resolves references; -1 is the latest live version.
func (p *parser) fetch(ctx context.Context, id formats.Reference) (client.Schema, error) {
	if v, ok := p.fetched[id]; ok {
		return v, nil
	}
	version := strconv.Itoa(id.Version)
	if id.Version == -1 {
		version = "latest"
	}
	v, err := p.client.Version(ctx, id.Subject, version, id.Version != -1)
	if err != nil {
		return v, err
	}
	p.fetched[id] = v
	return v, nil
}
