package openapi_test

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/goschemaregistry/registry/openapi"
)

// TestDocumentIsValid loads the document as an OpenAPI 3 document and
// checks it against the specification: references resolve, schemas and
// examples are well formed, parameters match their paths.
func TestDocumentIsValid(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapi.Document())
	if err != nil {
		t.Fatalf("loading the document: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the document is not valid OpenAPI 3: %v", err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi version %q, want 3.0.3", doc.OpenAPI)
	}
}

// TestDocumentIsACopy checks that a caller changing its copy does not
// change what the next caller gets.
func TestDocumentIsACopy(t *testing.T) {
	first := openapi.Document()
	first[0] = '#'
	if openapi.Document()[0] == '#' {
		t.Error("Document returned the embedded bytes themselves")
	}
}
