package compat

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestJSONSchemaConfluentExamples runs Confluent's own examples of its JSON
// Schema diff (json-schema-provider/src/test/resources/diff-*.json in
// Confluent's source, which is not copied here): every difference, in
// order and with its path, and the verdict. Set
// CONFLUENT_JSON_EXAMPLES to the directory holding them to run it.
func TestJSONSchemaConfluentExamples(t *testing.T) {
	dir := os.Getenv("CONFLUENT_JSON_EXAMPLES")
	if dir == "" {
		t.Skip("CONFLUENT_JSON_EXAMPLES is not set")
	}
	// Some of the files have trailing commas, which Java's org.json reads.
	trailingComma := regexp.MustCompile(`,(\s*[}\]])`)
	files := []string{"diff-schema-examples.json", "diff-combined-schema-examples.json",
		"diff-schema-examples-2020-12.json", "diff-combined-schema-examples-2020-12.json"}
	for _, file := range files {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		var examples []struct {
			Description string          `json:"description"`
			Original    json.RawMessage `json:"original_schema"`
			Update      json.RawMessage `json:"update_schema"`
			Changes     []string        `json:"changes"`
			Compatible  bool            `json:"compatible"`
		}
		if err := json.Unmarshal(trailingComma.ReplaceAll(data, []byte("$1")), &examples); err != nil {
			t.Fatal(file, err)
		}
		for _, ex := range examples {
			original, err := jsonRoot(parseJSONSchema(t, string(ex.Original)))
			if err != nil {
				t.Fatal(err)
			}
			update, err := jsonRoot(parseJSONSchema(t, string(ex.Update)))
			if err != nil {
				t.Fatal(err)
			}
			diffs, err := compareJSONSchemas(original, update)
			if err != nil {
				t.Errorf("%s: %s: %v", file, ex.Description, err)
				continue
			}
			got := make([]string, len(diffs))
			for i, d := range diffs {
				got[i] = string(d.kind) + " " + d.path
			}
			if strings.Join(got, "\n") != strings.Join(ex.Changes, "\n") {
				t.Errorf("%s: %s:\n got  %q\n want %q", file, ex.Description, got, ex.Changes)
			}
			if jsonAllCompatible(diffs) != ex.Compatible {
				t.Errorf("%s: %s: compatible = %t", file, ex.Description, !ex.Compatible)
			}
		}
	}
}
