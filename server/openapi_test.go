package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/goschemaregistry/registry/formats"
	"github.com/goschemaregistry/registry/formats/avro"
	"github.com/goschemaregistry/registry/openapi"
	"github.com/goschemaregistry/registry/storage"
)

// echoPathParam is a path parameter as echo writes it (":subject").
var echoPathParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// operationKey names an operation as "METHOD /path/{param}".
func operationKey(method, path string) string { return method + " " + path }

// registeredOperations lists the server's routes as operation keys, echo's
// ":param" written as OpenAPI's "{param}".
func registeredOperations(s *Server) []string {
	var ops []string
	for _, r := range s.echo.Routes() {
		ops = append(ops, operationKey(r.Method, echoPathParam.ReplaceAllString(r.Path, "{$1}")))
	}
	return ops
}

// documentedOperations lists the operations of an OpenAPI document.
func documentedOperations(doc *openapi3.T) []string {
	var ops []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			ops = append(ops, operationKey(method, path))
		}
	}
	return ops
}

// missingFrom returns the entries of a missing from b, sorted, each once.
func missingFrom(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestMissingFrom(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b []string
		want []string
	}{
		{"same", []string{"GET /a", "POST /a"}, []string{"POST /a", "GET /a"}, nil},
		{"one missing", []string{"GET /a", "DELETE /a/{x}"}, []string{"GET /a"}, []string{"DELETE /a/{x}"}},
		{"method matters", []string{"PUT /a"}, []string{"GET /a"}, []string{"PUT /a"}},
		{"sorted and once", []string{"GET /b", "GET /a", "GET /b"}, nil, []string{"GET /a", "GET /b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := missingFrom(tc.a, tc.b); !slices.Equal(got, tc.want) {
				t.Errorf("missingFrom(%q, %q) = %q, want %q", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func newOpenAPITestServer(t *testing.T) *Server {
	t.Helper()
	log := storage.NewMemoryLog()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	view, _, err := storage.StartView(ctx, log, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Log: log, View: view, Formats: []formats.Format{avro.New(avro.Limits{})}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func loadOpenAPIDocument(t *testing.T, data []byte) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatalf("loading the OpenAPI document: %v", err)
	}
	return doc
}

// TestDocumentCoversRoutes checks that every route the server registers is
// an operation of the OpenAPI document, and that every operation of the
// document is a route of the server.
func TestDocumentCoversRoutes(t *testing.T) {
	registered := registeredOperations(newOpenAPITestServer(t))
	documented := documentedOperations(loadOpenAPIDocument(t, openapi.Document()))
	if len(registered) == 0 || len(documented) == 0 {
		t.Fatalf("%d routes registered, %d operations documented", len(registered), len(documented))
	}
	for _, op := range missingFrom(registered, documented) {
		t.Errorf("route %s is not in openapi/openapi.yaml", op)
	}
	for _, op := range missingFrom(documented, registered) {
		t.Errorf("openapi/openapi.yaml documents %s, which the server does not serve", op)
	}
}

// TestOpenAPIDocumentServed checks that GET /openapi.yaml answers the
// document under a YAML media type.
func TestOpenAPIDocumentServed(t *testing.T) {
	rec := httptest.NewRecorder()
	newOpenAPITestServer(t).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/openapi.yaml", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /openapi.yaml: status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/yaml" {
		t.Errorf("Content-Type %q, want application/yaml", ct)
	}
	body, _ := io.ReadAll(rec.Body)
	if string(body) != string(openapi.Document()) {
		t.Errorf("served %d bytes, not the document's %d", len(body), len(openapi.Document()))
	}
	loadOpenAPIDocument(t, body)
}
