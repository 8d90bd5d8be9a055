package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goschemaregistry/registry/formats"
	"github.com/goschemaregistry/registry/formats/avro"
	"github.com/goschemaregistry/registry/formats/jsonschema"
	"github.com/goschemaregistry/registry/formats/protobuf"
	"github.com/goschemaregistry/registry/server"
	"github.com/goschemaregistry/registry/storage"
)

// FuzzRequests sends arbitrary bodies and paths to the write and lookup
// endpoints, and arbitrary paths and queries to the read endpoints (a path
// starting with "GET "): every answer must be a well-formed Confluent
// answer, never a server error.
func FuzzRequests(f *testing.F) {
	for _, seed := range []struct{ path, body string }{
		{"/subjects/s/versions", `{"schema":"\"string\""}`},
		{"/subjects/s/versions", `{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"default\":1}]}"}`},
		{"/subjects/s/versions", `{"schema":"[\"null\",\"int\"]","references":[{"name":"x","subject":"y","version":1}]}`},
		{"/subjects/s/versions", `{"schema":"\"int\"","id":5,"version":2}`},
		{"/subjects/s", `{"schema":"\"int\""}`},
		{"/compatibility/subjects/s/versions/latest?verbose=true", `{"schema":"\"long\""}`},
		{"/config/s", `{"compatibility":"FULL"}`},
		{"/mode/s", `{"mode":"IMPORT"}`},
		{"/subjects/%ff/versions", `{}`},
		{"/subjects/s/versions", `{"schema":null,"metadata":{"properties":{"a":"b"}},"ruleSet":{}}`},
		{"/subjects/p/versions", `{"schemaType":"PROTOBUF","schema":"syntax = \"proto3\";\nmessage M { int32 a = 1; oneof o { string b = 2; } }"}`},
		{"/subjects/j/versions", `{"schemaType":"JSON","schema":"{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"b.json#/definitions/x\"}}}","references":[{"name":"b.json","subject":"b","version":1}]}`},
		{"/subjects/p/versions", `{"schemaType":"PROTOBUF","schema":"import \"x.proto\"; message N { X x = 1; }","references":[{"name":"x.proto","subject":"x","version":1}]}`},
		{"/subjects/s/versions", `{"schema":"\"int\"","metadata":{"tags":{"f":["b","a","a"]},"properties":{"confluent:version":"1"},"sensitive":["x"]},"ruleSet":{"domainRules":[{"name":"r","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"true","params":{"b":"1","a":"2"}}]}}`},
		{"/config/s", `{"defaultMetadata":{"properties":{"owner":"a"}},"overrideRuleSet":{"migrationRules":[{"name":"m","mode":"UPGRADE"}]},"normalize":null}`},
		{"/mode/s", `{"mode":null}`},
		{"/subjects/s/versions", `{"schema":5,"schemaType":true,"references":[{"name":"a","subject":"s","version":-1}]}`},
		{"GET /subjects/s/metadata?key=a&value=b&key=c", ``},
		{"GET /schemas?subjectPrefix=:*:&deleted=true", ``},
	} {
		f.Add(seed.path, seed.body)
	}
	log := storage.NewMemoryLog()
	view, _, err := storage.StartView(f.Context(), log, nil)
	if err != nil {
		f.Fatal(err)
	}
	srv, err := server.New(server.Config{Log: log, View: view, Formats: []formats.Format{avro.New(avro.Limits{}), protobuf.New(protobuf.Limits{}), jsonschema.New(jsonschema.Limits{})}, MaxBodyBytes: 1 << 16})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, path, body string) {
		method := http.MethodPost
		if rest, ok := strings.CutPrefix(path, "GET "); ok {
			method, path = http.MethodGet, rest
		}
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		if method == http.MethodPost && (strings.HasPrefix(path, "/config") || strings.HasPrefix(path, "/mode")) {
			method = http.MethodPut
		}
		req, err := http.NewRequest(method, "http://registry"+path, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		resp := rec.Result()
		out, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, resp.StatusCode, out)
		}
		// /metrics and /openapi.yaml answer text and YAML.
		if strings.Contains(resp.Header.Get("Content-Type"), "json") && !json.Valid(out) {
			t.Fatalf("%s %s %q: answer is not JSON: %s", method, path, body, out)
		}
	})
}
