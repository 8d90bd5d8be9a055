package archive

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// FuzzRead feeds arbitrary manifests to Read. A manifest it accepts keeps
// every schema file inside the export, survives Write and Read unchanged,
// and has an import order that lists each version once, after the versions
// it references; ImportOrder fails only on a reference cycle.
func FuzzRead(f *testing.F) {
	dir := f.TempDir()
	if err := Write(dir, sampleManifest()); err != nil {
		f.Fatal(err)
	}
	written, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(written)
	const head = "formatVersion: 1\nsubjects:\n"
	for _, seed := range []string{
		head + "  - subject: app\n    versions:\n      - {version: 1, id: 1, schemaType: AVRO, file: subjects/app/v1.avsc, references: [{name: lib, subject: lib, version: -1}]}\n" +
			"  - subject: lib\n    versions:\n      - {version: 1, id: 2, schemaType: AVRO, file: subjects/lib/v1.avsc}\n      - {version: 3, id: 4, schemaType: AVRO, file: subjects/lib/v3.avsc, deleted: true}\n",
		head + "  - subject: a\n    versions:\n      - {version: 1, id: 1, schemaType: PROTOBUF, file: a.proto, references: [{name: b.proto, subject: b, version: 1}]}\n" +
			"  - subject: b\n    versions:\n      - {version: 1, id: 2, schemaType: PROTOBUF, file: b.proto, references: [{name: a.proto, subject: a, version: 1}]}\n",
		head + "  - subject: self\n    versions:\n      - {version: 2, id: 7, schemaType: JSON, file: s.json, references: [{name: s, subject: self, version: -1}], metadata: '{\"tags\":{}}', ruleSet: '{}'}\n",
		`{"formatVersion": 1, "config": {"compatibilityLevel": "FULL", "normalize": true}, "mode": "IMPORT", "subjects": [{"subject": "x", "config": {"alias": "y"}, "versions": [{"version": 1, "id": 3, "schemaType": "AVRO", "file": "x/v1.avsc"}]}]}`,
		head + "  - subject: evil\n    versions:\n      - {version: 1, id: 1, schemaType: AVRO, file: ../../etc/passwd}\n",
		head + "  - subject: evil\n    versions:\n      - {version: 1, id: 1, schemaType: AVRO, file: /etc/passwd}\n",
		head + "  - subject: evil\n    versions:\n      - {version: 1, id: 1, schemaType: AVRO, file: .}\n",
		head + "  - subject: evil\n    versions:\n      - {version: 1, id: 1, schemaType: AVRO, file: 'a\\..\\..\\x'}\n",
		head + "  - subject: dup\n    versions:\n      - {version: 1, id: 1, schemaType: AVRO, file: a}\n      - {version: 1, id: 2, schemaType: AVRO, file: b}\n",
		"formatVersion: 2\nsubjects: []\n",
		"formatVersion: 1\nsubjects: []\nsurprise: 1\n",
		"formatVersion: 1\nconfig: {when: 2001-12-14, n: .inf, b: !!binary aGk=}\nsubjects: []\n",
		"formatVersion: 1\nconfig: {00: 08}\n",
		"formatVersion: 1\n",
		"formatVersion: [\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	roundTrip := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, ManifestFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := Read(dir)
		if err != nil {
			if m != nil {
				t.Fatalf("Read returned a manifest with the error %v", err)
			}
			return
		}
		for _, s := range m.Subjects {
			for _, v := range s.Versions {
				checkInside(t, dir, v.File)
			}
		}
		checkImportOrder(t, m)

		if err := Write(roundTrip, m); err != nil {
			t.Fatalf("writing an accepted manifest: %v", err)
		}
		again, err := Read(roundTrip)
		if err != nil {
			t.Fatalf("reading back an accepted manifest: %v", err)
		}
		gotConfigs, got := canonical(again)
		wantConfigs, want := canonical(m)
		if !reflect.DeepEqual(got, want) || !slices.Equal(gotConfigs, wantConfigs) {
			t.Fatalf("read back\n%+v %q\nwant\n%+v %q", got, gotConfigs, want, wantConfigs)
		}
	})
}

// canonical turns m, in place, into what an import of it depends on: its
// configurations become the JSON an import sends, as YAML may read a
// number back as another Go type, and empty lists and maps become nil, as
// the YAML text does not tell them from absent ones.
func canonical(m *Manifest) (configs []string, rest *Manifest) {
	configJSON := func(c map[string]any) string {
		if len(c) == 0 {
			return ""
		}
		text, err := json.Marshal(c)
		if err != nil {
			return err.Error()
		}
		return string(text)
	}
	configs = append(configs, configJSON(m.Config))
	m.Config = nil
	if len(m.Subjects) == 0 {
		m.Subjects = nil
	}
	for i := range m.Subjects {
		s := &m.Subjects[i]
		configs = append(configs, configJSON(s.Config))
		s.Config = nil
		if len(s.Versions) == 0 {
			s.Versions = nil
		}
		for j := range s.Versions {
			if len(s.Versions[j].References) == 0 {
				s.Versions[j].References = nil
			}
		}
	}
	return configs, m
}

// checkInside fails unless the manifest path file names a file below dir.
func checkInside(t *testing.T, dir, file string) {
	t.Helper()
	rel, err := filepath.Rel(dir, filepath.Join(dir, filepath.FromSlash(file)))
	if err != nil || rel == "." || !filepath.IsLocal(rel) {
		t.Fatalf("schema file %q is not inside the export", file)
	}
}

// checkImportOrder checks ImportOrder against the manifest's reference
// graph: a cycle, found here by peeling off versions that reference
// nothing left, must be refused; otherwise every version comes once and
// after the versions it references.
func checkImportOrder(t *testing.T, m *Manifest) {
	t.Helper()
	type key struct {
		subject string
		version int
	}
	highest := map[string]int{}
	exists := map[key]bool{}
	for _, s := range m.Subjects {
		for _, v := range s.Versions {
			exists[key{s.Name, v.Number}] = true
			highest[s.Name] = max(highest[s.Name], v.Number)
		}
	}
	deps := map[key][]key{}
	for _, s := range m.Subjects {
		for _, v := range s.Versions {
			for _, ref := range v.References {
				dep := key{ref.Subject, ref.Version}
				if ref.Version == -1 {
					dep.version = highest[ref.Subject]
				}
				if exists[dep] {
					deps[key{s.Name, v.Number}] = append(deps[key{s.Name, v.Number}], dep)
				}
			}
		}
	}
	left := map[key]bool{}
	for k := range exists {
		left[k] = true
	}
	for peeled := true; peeled; {
		peeled = false
		for k := range left {
			free := true
			for _, dep := range deps[k] {
				free = free && !left[dep]
			}
			if free {
				delete(left, k)
				peeled = true
			}
		}
	}
	cyclic := len(left) > 0

	order, err := m.ImportOrder()
	if err != nil {
		if !cyclic {
			t.Fatalf("ImportOrder refused a manifest without a reference cycle: %v", err)
		}
		return
	}
	if cyclic {
		t.Fatal("ImportOrder accepted a reference cycle")
	}
	position := map[key]int{}
	for i, e := range order {
		k := key{e.Subject, e.Number}
		if _, twice := position[k]; twice || !exists[k] {
			t.Fatalf("ImportOrder lists %v twice or out of nowhere", k)
		}
		position[k] = i
	}
	if len(position) != len(exists) {
		t.Fatalf("ImportOrder lists %d of %d versions", len(position), len(exists))
	}
	for k, ds := range deps {
		for _, dep := range ds {
			if position[dep] >= position[k] {
				t.Fatalf("%v comes before %v, which it references", k, dep)
			}
		}
	}
}
