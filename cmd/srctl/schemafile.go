package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/goschemaregistry/registry/cmd/srctl/internal/client"
	"github.com/goschemaregistry/registry/formats"
)

// typeByExtension gives the schema type of a file from its extension.
var typeByExtension = map[string]string{
	".avsc":  formats.TypeAvro,
	".proto": formats.TypeProtobuf,
	".json":  formats.TypeJSON,
}

// schemaFileFlags are the flags that say how to read local schema files:
// their type, when the extension does not tell it, and their references.
type schemaFileFlags struct {
	schemaType string
	refs       []string
	refsFile   string
}

func (f *schemaFileFlags) add(flags *pflag.FlagSet) {
	flags.StringVar(&f.schemaType, "type", "", "schema type of the files: avro, protobuf or json (default: from the extension .avsc, .proto, .json)")
	flags.StringArrayVar(&f.refs, "ref", nil,
		"a reference of every file, NAME=SUBJECT:VERSION (VERSION a number or latest); repeatable")
	flags.StringVar(&f.refsFile, "references", "",
		"YAML or JSON file mapping schema files (paths relative to it) to their references [{name, subject, version}]")
}

// localSchema is a schema read from a file, with its references.
type localSchema struct {
	path       string
	schemaType string
	text       string
	references []formats.Reference
}

// load reads the schema file at path. References whose version is
// "latest" are resolved to the subject's latest version with c.
func (f *schemaFileFlags) load(ctx context.Context, c *client.Client, path string) (localSchema, error) {
	schemaType, err := f.typeOf(path)
	if err != nil {
		return localSchema{}, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return localSchema{}, err
	}
	specs, err := f.referencesOf(path)
	if err != nil {
		return localSchema{}, err
	}
	refs := make([]formats.Reference, len(specs))
	for i, spec := range specs {
		if refs[i], err = spec.resolve(ctx, c); err != nil {
			return localSchema{}, fmt.Errorf("%s: reference %s: %w", path, spec.Name, err)
		}
	}
	return localSchema{path: path, schemaType: schemaType, text: string(data), references: refs}, nil
}

func (f *schemaFileFlags) typeOf(path string) (string, error) {
	if f.schemaType != "" {
		t := strings.ToUpper(f.schemaType)
		switch t {
		case formats.TypeAvro, formats.TypeProtobuf, formats.TypeJSON:
			return t, nil
		}
		return "", fmt.Errorf("unknown schema type %q: use avro, protobuf or json", f.schemaType)
	}
	if t, ok := typeByExtension[strings.ToLower(filepath.Ext(path))]; ok {
		return t, nil
	}
	return "", fmt.Errorf("%s: cannot tell the schema type from the extension (.avsc, .proto, .json): use --type", path)
}

// referenceSpec is a reference as given on the command line or in a
// references file, its version possibly "latest".
type referenceSpec struct {
	Name    string `yaml:"name" json:"name"`
	Subject string `yaml:"subject" json:"subject"`
	Version string `yaml:"version" json:"version"`
}

// parseReferenceFlag parses NAME=SUBJECT:VERSION; the name may hold '=',
// and the subject ':', so the last of each separate the parts.
func parseReferenceFlag(s string) (referenceSpec, error) {
	eq := strings.LastIndexByte(s, '=')
	colon := strings.LastIndexByte(s, ':')
	if eq <= 0 || colon <= eq+1 || colon == len(s)-1 {
		return referenceSpec{}, fmt.Errorf("--ref %q: want NAME=SUBJECT:VERSION", s)
	}
	return referenceSpec{Name: s[:eq], Subject: s[eq+1 : colon], Version: s[colon+1:]}, nil
}

// resolve turns the spec into a reference, asking the registry for the
// number of a "latest" version.
func (r referenceSpec) resolve(ctx context.Context, c *client.Client) (formats.Reference, error) {
	ref := formats.Reference{Name: r.Name, Subject: r.Subject}
	if r.Name == "" || r.Subject == "" {
		return ref, fmt.Errorf("a reference needs a name and a subject")
	}
	if strings.EqualFold(r.Version, "latest") {
		latest, err := c.Version(ctx, r.Subject, "latest", false)
		if err != nil {
			return ref, fmt.Errorf("latest version of %s: %w", r.Subject, err)
		}
		ref.Version = latest.Version
		return ref, nil
	}
	v, err := strconv.Atoi(r.Version)
	if err != nil || v <= 0 {
		return ref, fmt.Errorf("version %q is neither a positive number nor latest", r.Version)
	}
	ref.Version = v
	return ref, nil
}

// referencesOf returns the references of the file at path: those of
// --ref, then those the references file lists for it.
func (f *schemaFileFlags) referencesOf(path string) ([]referenceSpec, error) {
	var specs []referenceSpec
	for _, s := range f.refs {
		spec, err := parseReferenceFlag(s)
		if err != nil {
			return nil, err
		}
		specs = append(specs, spec)
	}
	if f.refsFile == "" {
		return specs, nil
	}
	byFile, err := readReferencesFile(f.refsFile)
	if err != nil {
		return nil, err
	}
	rel, err := relativeTo(filepath.Dir(f.refsFile), path)
	if err != nil {
		return nil, err
	}
	return append(specs, byFile[rel]...), nil
}

// readReferencesFile reads a references file: a map from schema file
// paths, relative to the references file and written with '/', to lists of
// references. JSON, being YAML, is read too. An absolute path, and two
// paths naming the same file (as a.avsc and ./a.avsc), are errors.
func readReferencesFile(path string) (map[string][]referenceSpec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var byFile map[string][]referenceSpec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&byFile); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	cleaned := make(map[string][]referenceSpec, len(byFile))
	keyOf := make(map[string]string, len(byFile))
	for _, file := range slices.Sorted(maps.Keys(byFile)) {
		local := filepath.FromSlash(file)
		if filepath.IsAbs(local) {
			return nil, fmt.Errorf("%s: %q is absolute; name schema files relative to the references file", path, file)
		}
		clean := filepath.ToSlash(filepath.Clean(local))
		if earlier, twice := keyOf[clean]; twice {
			return nil, fmt.Errorf("%s: %q and %q name the same file", path, earlier, file)
		}
		keyOf[clean] = file
		cleaned[clean] = byFile[file]
	}
	return cleaned, nil
}

// relativeTo returns path relative to dir, with '/' separators.
func relativeTo(dir, path string) (string, error) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	absPath, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(absDir, absPath)
	if err != nil {
		return "", err
	}
	return filepath.ToSlash(rel), nil
}

// pretty lays a schema text out for reading: JSON (Avro and JSON Schema)
// indented, in its key order; Protobuf, and anything that is not JSON, as
// it is.
func pretty(schemaType, text string) string {
	if schemaType == formats.TypeProtobuf {
		return text
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(text), "", "  "); err != nil {
		return text
	}
	return buf.String()
}
