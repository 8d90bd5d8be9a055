// Package archive is the on-disk form of an exported registry: a manifest
// listing every subject, version, id, reference, configuration and mode,
// and one plain file per schema holding its text exactly as the registry
// returned it. It is both srctl's backup format and its migration path
// between registries.
package archive

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/goschemaregistry/registry/formats"
)

// ManifestFile is the name of the manifest in an export directory.
const ManifestFile = "manifest.yaml"

// FormatVersion is the version of the layout this package writes; Read
// refuses manifests of other versions.
const FormatVersion = 1

// Manifest describes an exported registry.
type Manifest struct {
	// FormatVersion is the layout's version, FormatVersion when written.
	FormatVersion int `yaml:"formatVersion"`
	// Config is the global configuration as GET /config answered it.
	Config map[string]any `yaml:"config,omitempty"`
	// Mode is the global mode.
	Mode string `yaml:"mode,omitempty"`
	// Subjects are the exported subjects, in the order they were listed.
	Subjects []Subject `yaml:"subjects"`
}

// Subject is one exported subject.
type Subject struct {
	Name string `yaml:"subject"`
	// Config is the subject's own configuration; nil when it has none.
	Config map[string]any `yaml:"config,omitempty"`
	// Mode is the subject's own mode; "" when it has none.
	Mode     string    `yaml:"mode,omitempty"`
	Versions []Version `yaml:"versions"`
}

// Version is one exported version of a subject.
type Version struct {
	// Number is the version number within the subject.
	Number     int    `yaml:"version"`
	ID         int    `yaml:"id"`
	SchemaType string `yaml:"schemaType"`
	// File is the path of the schema's text, relative to the export
	// directory and written with forward slashes.
	File       string              `yaml:"file"`
	References []formats.Reference `yaml:"references,omitempty"`
	// Metadata and RuleSet are the version's metadata and rule set as the
	// registry's JSON text, kept as text so that they round-trip byte for
	// byte; "" when absent.
	Metadata string `yaml:"metadata,omitempty"`
	RuleSet  string `yaml:"ruleSet,omitempty"`
	// Deleted marks a soft-deleted version.
	Deleted bool `yaml:"deleted,omitempty"`
}

// Write writes the manifest into dir, which must exist.
func Write(dir string, m *Manifest) error {
	var buf bytes.Buffer
	buf.WriteString("# A schema registry exported by srctl; restore it with `srctl import DIR`.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		return fmt.Errorf("encoding the manifest: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("encoding the manifest: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, ManifestFile), buf.Bytes(), 0o644)
}

// Read reads and checks the manifest of the export in dir.
func Read(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("reading the manifest: %w", err)
	}
	var m Manifest
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestFile, err)
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestFile, err)
	}
	return &m, nil
}

// Validate checks what an import relies on: a known layout version, unique
// subjects and versions, positive numbers and ids, schema files inside the
// export directory, and metadata and rule sets that are JSON.
func (m *Manifest) Validate() error {
	if m.FormatVersion != FormatVersion {
		return fmt.Errorf("formatVersion is %d; this srctl reads version %d", m.FormatVersion, FormatVersion)
	}
	subjects := map[string]bool{}
	for _, s := range m.Subjects {
		if subjects[s.Name] {
			return fmt.Errorf("subject %q is listed twice", s.Name)
		}
		subjects[s.Name] = true
		versions := map[int]bool{}
		for _, v := range s.Versions {
			where := fmt.Sprintf("subject %q version %d", s.Name, v.Number)
			switch {
			case v.Number <= 0:
				return fmt.Errorf("subject %q: version %d is not a positive number", s.Name, v.Number)
			case versions[v.Number]:
				return fmt.Errorf("%s is listed twice", where)
			case v.ID <= 0:
				return fmt.Errorf("%s: id %d is not a positive number", where, v.ID)
			case v.SchemaType == "":
				return fmt.Errorf("%s: schemaType is missing", where)
			case !isLocalSlashPath(v.File):
				return fmt.Errorf("%s: file %q is not a relative path inside the export", where, v.File)
			case v.Metadata != "" && !json.Valid([]byte(v.Metadata)):
				return fmt.Errorf("%s: metadata is not JSON", where)
			case v.RuleSet != "" && !json.Valid([]byte(v.RuleSet)):
				return fmt.Errorf("%s: ruleSet is not JSON", where)
			}
			versions[v.Number] = true
		}
	}
	return nil
}

// isLocalSlashPath reports whether p is a forward-slash path that names a
// file below the directory it is relative to: not the directory itself
// ("."), nor anything outside it.
func isLocalSlashPath(p string) bool {
	return p != "" && p != "." && path.Clean(p) == p && filepath.IsLocal(filepath.FromSlash(p))
}

// WriteSchema writes a schema's text to file (a manifest path) under dir,
// creating its directory.
func WriteSchema(dir, file, text string) error {
	if !isLocalSlashPath(file) {
		return fmt.Errorf("schema file %q is not a relative path inside the export", file)
	}
	full := filepath.Join(dir, filepath.FromSlash(file))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return err
	}
	return os.WriteFile(full, []byte(text), 0o644)
}

// ReadSchema reads the schema text of file (a manifest path) under dir.
func ReadSchema(dir, file string) (string, error) {
	if !isLocalSlashPath(file) {
		return "", fmt.Errorf("schema file %q is not a relative path inside the export", file)
	}
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(file)))
	if err != nil {
		return "", err
	}
	return string(data), nil
}

// ErrNotEmpty is returned by PrepareDir for a directory that already holds
// files.
var ErrNotEmpty = errors.New("the directory is not empty")

// PrepareDir creates dir for an export, or accepts it when it exists and is
// empty, so that an export never mixes with other files.
func PrepareDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return os.MkdirAll(dir, 0o755)
	case err != nil:
		return err
	case len(entries) > 0:
		return fmt.Errorf("%s: %w", dir, ErrNotEmpty)
	}
	return nil
}
