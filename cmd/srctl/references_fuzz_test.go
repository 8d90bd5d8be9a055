package main

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// FuzzReferencesFile feeds arbitrary --references files to
// readReferencesFile: it fails with an error naming the file, or gives the
// same map every time, whose every entry is what referencesOf finds for the
// schema file that entry names.
func FuzzReferencesFile(f *testing.F) {
	for _, seed := range []string{
		"orders.avsc:\n  - name: com.acme.Customer\n    subject: customer-value\n    version: 3\n" +
			"  - {name: com.acme.Address, subject: address-value, version: latest}\n" +
			"protos/order.proto:\n  - name: common/money.proto\n    subject: money\n    version: 1\n",
		`{"orders.avsc": [{"name": "com.acme.Customer", "subject": "customer-value", "version": "2"}], "../shared/x.json": []}`,
		"./a/b/../c.avsc: [{name: n, subject: s, version: 1}]\n",
		"a.avsc: []\n./a.avsc: [{name: n, subject: s, version: 1}]\n",
		"/abs/a.avsc: [{name: n, subject: s, version: 1}]\n",
		"a.avsc: [{name: n, subject: s, version: 1}]\na.avsc: []\n",
		"a.avsc: [{name: n, subject: s, versoin: 1}]\n",
		"a.avsc: [{name: [n], subject: s}]\n",
		"a.avsc: {name: n}\n",
		"- a.avsc\n",
		"a.avsc: ~\n",
		"a.avsc: []\n---\nb.avsc: []\n",
		"",
		"a.avsc: [\n",
	} {
		f.Add([]byte(seed))
	}
	dir := f.TempDir()
	refsFile := filepath.Join(dir, "references.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(refsFile, data, 0o644); err != nil {
			t.Fatal(err)
		}
		byFile, err := readReferencesFile(refsFile)
		if err != nil {
			if !strings.HasPrefix(err.Error(), refsFile+": ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		again, err := readReferencesFile(refsFile)
		if err != nil || !reflect.DeepEqual(again, byFile) {
			t.Fatalf("read once\n%q\nthen\n%q, %v", byFile, again, err)
		}
		flags := schemaFileFlags{refsFile: refsFile}
		for file, want := range byFile {
			got, err := flags.referencesOf(filepath.Join(dir, filepath.FromSlash(file)))
			if err != nil || !slices.Equal(got, want) {
				t.Fatalf("references of %q: got %q, %v; the file lists %q", file, got, err, want)
			}
		}
	})
}
