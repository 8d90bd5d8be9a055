package server_test

import (
	"context"
	"encoding/json"
	"fmt"
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

// testRegistry is a registry served over HTTP from a real embedded log in a
// temporary directory.
type testRegistry struct {
	t   *testing.T
	dir string
	url string
}

func startRegistry(t *testing.T, dir string) (*testRegistry, func()) {
	t.Helper()
	log, err := storage.OpenFileLog(dir, storage.FileLogOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	view, _, err := storage.StartView(ctx, log, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Log: log, View: view, Formats: []formats.Format{avro.New(avro.Limits{}), protobuf.New(protobuf.Limits{}), jsonschema.New(jsonschema.Limits{})}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	stop := func() {
		ts.Close()
		cancel()
		log.Close()
	}
	return &testRegistry{t: t, dir: dir, url: ts.URL}, stop
}

func newRegistry(t *testing.T) *testRegistry {
	r, stop := startRegistry(t, t.TempDir())
	t.Cleanup(stop)
	return r
}

// call sends a request and returns the status and body. A string body is
// sent as is; anything else is encoded as JSON.
func (r *testRegistry) call(method, path string, body any) (int, string) {
	r.t.Helper()
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			r.t.Fatal(err)
		}
		reader = strings.NewReader(string(enc))
	}
	req, err := http.NewRequest(method, r.url+path, reader)
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.schemaregistry.v1+json" {
		r.t.Errorf("%s %s: content type %q", method, path, ct)
	}
	return resp.StatusCode, string(out)
}

// expect sends a request and checks the status and the exact body.
func (r *testRegistry) expect(method, path string, body any, wantStatus int, wantBody string) {
	r.t.Helper()
	status, got := r.call(method, path, body)
	if status != wantStatus || got != wantBody {
		r.t.Errorf("%s %s:\n got %d %s\nwant %d %s", method, path, status, got, wantStatus, wantBody)
	}
}

// expectCode sends a request and checks the status and Confluent error code.
func (r *testRegistry) expectCode(method, path string, body any, wantStatus, wantCode int) string {
	r.t.Helper()
	status, got := r.call(method, path, body)
	var e struct {
		Code    int    `json:"error_code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal([]byte(got), &e); err != nil || status != wantStatus || e.Code != wantCode || e.Message == "" {
		r.t.Errorf("%s %s:\n got %d %s\nwant %d with error_code %d", method, path, status, got, wantStatus, wantCode)
	}
	return e.Message
}

func schemaBody(schema string) map[string]any { return map[string]any{"schema": schema} }

const (
	userV1 = `{"type":"record","name":"User","namespace":"example","fields":[{"name":"name","type":"string"}]}`
	// userV2 adds a field with a default: backward compatible.
	userV2 = `{"type":"record","name":"User","namespace":"example","fields":[{"name":"name","type":"string"},{"name":"age","type":"int","default":0}]}`
	// userV3 adds a field without a default: not backward compatible.
	userV3 = `{"type":"record","name":"User","namespace":"example","fields":[{"name":"name","type":"string"},{"name":"email","type":"string"}]}`
)

func TestRegisterLookupAndFetch(t *testing.T) {
	r := newRegistry(t)
	r.expect("POST", "/subjects/users-value/versions", schemaBody(userV1), 200, `{"id":1}`)
	// Re-registering, even spelled differently, returns the same id.
	spaced := strings.ReplaceAll(userV1, ",", " , ")
	r.expect("POST", "/subjects/users-value/versions", schemaBody(spaced), 200, `{"id":1}`)
	// The same schema under another subject gets the same id.
	r.expect("POST", "/subjects/other-value/versions", schemaBody(userV1), 200, `{"id":1}`)
	r.expect("POST", "/subjects/users-value/versions", schemaBody(userV2), 200, `{"id":2}`)

	r.expect("GET", "/schemas/ids/1", nil, 200, `{"schema":`+quote(userV1)+`}`)
	r.expect("GET", "/schemas/ids/1/schema", nil, 200, userV1)
	r.expect("GET", "/schemas/ids/1/subjects", nil, 200, `["other-value","users-value"]`)
	r.expect("GET", "/schemas/ids/1/versions", nil, 200, `[{"subject":"other-value","version":1},{"subject":"users-value","version":1}]`)
	r.expect("GET", "/subjects", nil, 200, `["other-value","users-value"]`)
	r.expect("GET", "/subjects/users-value/versions", nil, 200, `[1,2]`)
	wantV2 := `{"subject":"users-value","version":2,"id":2,"schema":` + quote(userV2) + `}`
	r.expect("GET", "/subjects/users-value/versions/2", nil, 200, wantV2)
	r.expect("GET", "/subjects/users-value/versions/latest", nil, 200, wantV2)
	r.expect("GET", "/subjects/users-value/versions/-1", nil, 200, wantV2)
	r.expect("GET", "/subjects/users-value/versions/2/schema", nil, 200, userV2)
	r.expect("POST", "/subjects/users-value", schemaBody(userV2), 200, wantV2)
	r.expect("GET", "/schemas/types", nil, 200, `["JSON","PROTOBUF","AVRO"]`)
	r.expect("GET", "/schemas?subjectPrefix=users&latestOnly=true", nil, 200, `[`+wantV2+`]`)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestErrors(t *testing.T) {
	r := newRegistry(t)
	r.expect("POST", "/subjects/s/versions", schemaBody(userV1), 200, `{"id":1}`)
	r.expect("GET", "/subjects/nope/versions", nil, 404, `{"error_code":40401,"message":"Subject 'nope' not found."}`)
	r.expect("GET", "/subjects/s/versions/7", nil, 404, `{"error_code":40402,"message":"Version 7 not found."}`)
	r.expect("GET", "/schemas/ids/99", nil, 404, `{"error_code":40403,"message":"Schema 99 not found"}`)
	r.expect("POST", "/subjects/s", schemaBody(userV2), 404, `{"error_code":40403,"message":"Schema not found"}`)
	r.expect("GET", "/subjects/s/versions/0", nil, 422,
		`{"error_code":42202,"message":"The specified version '0' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""}`)
	r.expectCode("GET", "/subjects/s/versions/abc", nil, 422, 42202)
	r.expectCode("GET", "/subjects/s/versions/99999999999", nil, 422, 42202)
	r.expectCode("POST", "/subjects/s/versions", schemaBody(`{"type":"record","name":"X","fields":[{"name":"a","type":"Missing"}]}`), 422, 42201)
	r.expectCode("POST", "/subjects/s/versions", schemaBody(`not json`), 422, 42201)
	r.expectCode("POST", "/subjects/s/versions", map[string]any{"schema": userV1, "schemaType": "XML"}, 422, 42201)
	r.expectCode("POST", "/subjects/s/versions", `{"schema":`, 400, 400)
	r.expectCode("POST", "/subjects/s/versions", `{"schema":"\"string\"","bogus":1}`, 422, 422)
	// Jackson reads a number as a String's text, and refuses other shapes.
	r.expectCode("POST", "/subjects/s/versions", `{"schema":5}`, 422, 42201)
	r.expectCode("POST", "/subjects/s/versions", `{"schema":"\"int\"","schemaType":true}`, 422, 42201)
	r.expect("POST", "/subjects/s/versions", `{"schema":{}}`, 400,
		"{\"error_code\":400,\"message\":\"Cannot deserialize value of type `String` from Object value (token `JsonToken.START_OBJECT`)\"}")
	r.expect("POST", "/subjects/s/versions", `{"schema":"\"int\"","version":"one"}`, 400,
		"{\"error_code\":400,\"message\":\"Cannot deserialize value of type `Integer` from String value (token `JsonToken.VALUE_STRING`)\"}")
	r.expectCode("POST", "/subjects/s/versions", `{"schema":"\"int\""}{}`, 400, 400)
	r.expectCode("POST", "/subjects/s/versions", `{"schema":"`+strings.Repeat("x", 17<<20)+`"}`, 413, 413)
	r.expectCode("GET", "/subjects/"+strings.Repeat("a", 2000)+"/versions", nil, 422, 42208)
	r.expectCode("GET", "/subjects/%ff%fe/versions", nil, 422, 42208)
	r.expectCode("POST", "/subjects/__GLOBAL/versions", schemaBody(userV1), 422, 42208)
	r.expectCode("PUT", "/config/a%01b", map[string]any{"compatibility": "FULL"}, 422, 42208)
	r.expectCode("PUT", "/mode/__EMPTY", map[string]any{"mode": "READONLY"}, 422, 42208)
	r.expectCode("GET", "/no/such/route", nil, 404, 404)
	r.expectCode("PATCH", "/subjects", nil, 405, 405)
	r.expectCode("GET", "/schemas/ids/abc", nil, 404, 404)
	msg := r.expectCode("POST", "/subjects/s/versions", schemaBody(userV3), 409, 409)
	if !strings.HasPrefix(msg, `Schema being registered is incompatible with an earlier schema for subject "s", details: [`) {
		t.Errorf("incompatible message: %s", msg)
	}
}

func TestSubjectWithSlash(t *testing.T) {
	r := newRegistry(t)
	r.expect("POST", "/subjects/a%2Fb/versions", schemaBody(`"string"`), 200, `{"id":1}`)
	r.expect("GET", "/subjects", nil, 200, `["a/b"]`)
	r.expect("GET", "/subjects/a%2Fb/versions/1", nil, 200, `{"subject":"a/b","version":1,"id":1,"schema":"\"string\""}`)
}

func TestDeletes(t *testing.T) {
	r := newRegistry(t)
	r.expect("POST", "/subjects/s/versions", schemaBody(userV1), 200, `{"id":1}`)
	r.expect("POST", "/subjects/s/versions", schemaBody(userV2), 200, `{"id":2}`)

	// Permanent delete needs a soft delete first.
	r.expectCode("DELETE", "/subjects/s/versions/1?permanent=true", nil, 404, 40407)
	r.expect("DELETE", "/subjects/s/versions/1", nil, 200, `1`)
	r.expectCode("DELETE", "/subjects/s/versions/1", nil, 404, 40406)
	r.expect("GET", "/subjects/s/versions", nil, 200, `[2]`)
	r.expect("GET", "/subjects/s/versions?deleted=true", nil, 200, `[1,2]`)
	r.expect("GET", "/subjects/s/versions?deletedOnly=true", nil, 200, `[1]`)
	r.expectCode("GET", "/subjects/s/versions/1", nil, 404, 40402)
	r.expect("GET", "/subjects/s/versions/1?deleted=true", nil, 200,
		`{"subject":"s","version":1,"id":1,"schema":`+quote(userV1)+`}`)
	r.expect("DELETE", "/subjects/s/versions/1?permanent=true", nil, 200, `1`)
	r.expect("GET", "/subjects/s/versions?deleted=true", nil, 200, `[2]`)

	// Subject deletes: soft, then permanent.
	r.expectCode("DELETE", "/subjects/s?permanent=true", nil, 404, 40405)
	r.expect("DELETE", "/subjects/s", nil, 200, `[2]`)
	r.expectCode("DELETE", "/subjects/s", nil, 404, 40404)
	r.expect("GET", "/subjects", nil, 200, `[]`)
	r.expect("GET", "/subjects?deleted=true", nil, 200, `["s"]`)
	r.expect("GET", "/subjects?deletedOnly=true", nil, 200, `["s"]`)
	r.expectCode("GET", "/subjects/s/versions", nil, 404, 40401)
	// A soft-deleted version number is never given out again.
	r.expect("POST", "/subjects/s/versions", schemaBody(userV3), 200, `{"id":3}`)
	r.expect("GET", "/subjects/s/versions", nil, 200, `[3]`)
	r.expect("DELETE", "/subjects/s", nil, 200, `[3]`)
	r.expect("DELETE", "/subjects/s?permanent=true", nil, 200, `[2,3]`)
	r.expectCode("GET", "/subjects/s/versions?deleted=true", nil, 404, 40401)
	r.expectCode("DELETE", "/subjects/s", nil, 404, 40401)
	// Ids stay reserved after a permanent delete.
	r.expect("POST", "/subjects/t/versions", schemaBody(`"long"`), 200, `{"id":4}`)
}

func TestReferences(t *testing.T) {
	r := newRegistry(t)
	address := `{"type":"record","name":"Address","namespace":"example","fields":[{"name":"city","type":"string"}]}`
	person := `{"type":"record","name":"Person","namespace":"example","fields":[{"name":"home","type":"example.Address"}]}`
	r.expect("POST", "/subjects/address/versions", schemaBody(address), 200, `{"id":1}`)
	refs := []map[string]any{{"name": "example.Address", "subject": "address", "version": 1}}
	r.expect("POST", "/subjects/person/versions", map[string]any{"schema": person, "references": refs}, 200, `{"id":2}`)
	// Java's Schema.toString() names a type of the enclosing namespace by
	// its short name, and that is the form Confluent stores.
	stored := strings.Replace(person, `"type":"example.Address"`, `"type":"Address"`, 1)
	r.expect("GET", "/schemas/ids/2", nil, 200,
		`{"schema":`+quote(stored)+`,"references":[{"name":"example.Address","subject":"address","version":1}]}`)
	r.expect("GET", "/subjects/address/versions/1/referencedby", nil, 200, `[2]`)
	// A reference to version -1 (the latest) is stored with the number it
	// stood for, and so finds the version registered with that number.
	latest := []map[string]any{{"name": "example.Address", "subject": "address", "version": -1}}
	r.expect("POST", "/subjects/person/versions", map[string]any{"schema": person, "references": latest}, 200, `{"id":2}`)
	r.expect("POST", "/subjects/person", map[string]any{"schema": person, "references": latest}, 200,
		`{"subject":"person","version":1,"id":2,"references":[{"name":"example.Address","subject":"address","version":1}],"schema":`+quote(stored)+`}`)
	r.expect("POST", "/subjects/person-latest/versions", map[string]any{"schema": person, "references": latest}, 200, `{"id":2}`)
	r.expect("GET", "/subjects/person-latest/versions/1/referencedby", nil, 200, `[]`)
	r.expect("GET", "/subjects/address/versions/1/referencedby", nil, 200, `[2]`)
	r.expectCode("DELETE", "/subjects/address/versions/1", nil, 422, 42206)
	r.expectCode("DELETE", "/subjects/address", nil, 422, 42206)
	// References within one subject do not hold the subject back.
	r.expect("PUT", "/config/address", map[string]any{"compatibility": "NONE"}, 200, `{"compatibility":"NONE"}`)
	r.expect("POST", "/subjects/address/versions", map[string]any{"schema": strings.Replace(person, "Person", "Other", 1),
		"references": []map[string]any{{"name": "example.Address", "subject": "address", "version": 1}}}, 200, `{"id":3}`)
	r.expect("DELETE", "/subjects/person", nil, 200, `[1]`)
	r.expect("DELETE", "/subjects/person-latest", nil, 200, `[1]`)
	r.expect("DELETE", "/subjects/address", nil, 200, `[1,2]`)
	// Without its reference the schema does not parse.
	r.expectCode("POST", "/subjects/person2/versions", schemaBody(person), 422, 42201)
	r.expectCode("POST", "/subjects/person2/versions", map[string]any{"schema": person,
		"references": []map[string]any{{"name": "example.Address", "subject": "address", "version": 9}}}, 422, 42201)
}

func TestConfig(t *testing.T) {
	r := newRegistry(t)
	r.expect("GET", "/config", nil, 200, `{"compatibilityLevel":"BACKWARD"}`)
	r.expect("PUT", "/config", map[string]any{"compatibility": "full"}, 200, `{"compatibility":"FULL"}`)
	r.expect("GET", "/config", nil, 200, `{"compatibilityLevel":"FULL"}`)
	r.expect("PUT", "/config", map[string]any{"compatibility": "sideways"}, 422,
		`{"error_code":42203,"message":"Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive"}`)
	r.expect("GET", "/config/s", nil, 404, `{"error_code":40408,"message":"Subject 's' does not have subject-level compatibility configured"}`)
	r.expect("GET", "/config/s?defaultToGlobal=true", nil, 200, `{"compatibilityLevel":"FULL"}`)
	r.expect("PUT", "/config/s", map[string]any{"compatibility": "NONE"}, 200, `{"compatibility":"NONE"}`)
	r.expect("GET", "/config/s", nil, 200, `{"compatibilityLevel":"NONE"}`)
	// NONE lets an incompatible change through.
	r.expect("POST", "/subjects/s/versions", schemaBody(userV1), 200, `{"id":1}`)
	r.expect("POST", "/subjects/s/versions", schemaBody(userV3), 200, `{"id":2}`)
	r.expect("DELETE", "/config/s", nil, 200, `{"compatibilityLevel":"NONE"}`)
	r.expectCode("DELETE", "/config/s", nil, 404, 40401)
	r.expect("DELETE", "/config", nil, 200, `{"compatibilityLevel":"FULL"}`)
	r.expect("GET", "/config", nil, 200, `{"compatibilityLevel":"BACKWARD"}`)
}

func TestModes(t *testing.T) {
	r := newRegistry(t)
	r.expect("GET", "/mode", nil, 200, `{"mode":"READWRITE"}`)
	r.expect("POST", "/subjects/s/versions", schemaBody(userV1), 200, `{"id":1}`)
	r.expect("PUT", "/mode", map[string]any{"mode": "READONLY"}, 200, `{"mode":"READONLY"}`)
	r.expectCode("POST", "/subjects/s/versions", schemaBody(userV2), 422, 42205)
	// A schema already registered is still answered: auto-registering
	// producers keep working.
	r.expect("POST", "/subjects/s/versions", schemaBody(userV1), 200, `{"id":1}`)
	r.expectCode("PUT", "/mode", map[string]any{"mode": "SOMETIMES"}, 422, 42204)
	r.expect("PUT", "/mode", map[string]any{"mode": "READWRITE"}, 200, `{"mode":"READWRITE"}`)

	// IMPORT needs an empty scope unless forced, and accepts ids and versions.
	r.expectCode("PUT", "/mode/s", map[string]any{"mode": "IMPORT"}, 422, 42205)
	r.expect("PUT", "/mode/imported", map[string]any{"mode": "IMPORT"}, 200, `{"mode":"IMPORT"}`)
	r.expect("GET", "/mode/imported", nil, 200, `{"mode":"IMPORT"}`)
	r.expectCode("GET", "/mode/other", nil, 404, 40409)
	r.expect("GET", "/mode/other?defaultToGlobal=true", nil, 200, `{"mode":"READWRITE"}`)
	r.expect("POST", "/subjects/imported/versions", map[string]any{"schema": userV3, "id": 42, "version": 7}, 200, `{"id":42}`)
	r.expect("GET", "/subjects/imported/versions/7", nil, 200, `{"subject":"imported","version":7,"id":42,"schema":`+quote(userV3)+`}`)
	r.expectCode("POST", "/subjects/imported/versions", map[string]any{"schema": `"string"`, "id": 42, "version": 8}, 422, 42205)
	r.expectCode("POST", "/subjects/imported/versions", map[string]any{"schema": `"string"`, "id": 44, "version": 7}, 422, 42205)
	r.expectCode("POST", "/subjects/s/versions", map[string]any{"schema": userV2, "id": 50}, 422, 42205)
	r.expect("DELETE", "/mode/imported", nil, 200, `{"mode":"IMPORT"}`)
	// Ids continue above the imported ones.
	r.expect("POST", "/subjects/s/versions", schemaBody(userV2), 200, `{"id":43}`)

	// A null mode removes the setting, as in Confluent since 7.9.3; an
	// absent one is no mode.
	r.expect("PUT", "/mode/s", map[string]any{"mode": "READONLY"}, 200, `{"mode":"READONLY"}`)
	r.expect("PUT", "/mode/s", `{"mode":null}`, 200, `{"mode":null}`)
	r.expectCode("GET", "/mode/s", nil, 404, 40409)
	r.expect("PUT", "/mode/s", `{"mode":null}`, 200, `{"mode":null}`)
	r.expectCode("PUT", "/mode/s", `{}`, 422, 42204)
	r.expect("PUT", "/mode/s", `{"mode":"readonly"}`, 200, `{"mode":"READONLY"}`)
}

func TestCompatibilityEndpoint(t *testing.T) {
	r := newRegistry(t)
	r.expect("POST", "/compatibility/subjects/s/versions/latest", schemaBody(userV1), 200, `{"is_compatible":true}`)
	r.expect("POST", "/subjects/s/versions", schemaBody(userV1), 200, `{"id":1}`)
	r.expect("POST", "/compatibility/subjects/s/versions/latest", schemaBody(userV2), 200, `{"is_compatible":true}`)
	r.expect("POST", "/compatibility/subjects/s/versions/1?verbose=true", schemaBody(userV2), 200, `{"is_compatible":true,"messages":[]}`)
	r.expect("POST", "/compatibility/subjects/s/versions", schemaBody(userV3), 200, `{"is_compatible":false}`)
	status, body := r.call("POST", "/compatibility/subjects/s/versions?verbose=true", schemaBody(userV3))
	if status != 200 || !strings.Contains(body, `"is_compatible":false,"messages":["`) || !strings.Contains(body, "email") {
		t.Errorf("verbose incompatible answer: %d %s", status, body)
	}
	r.expectCode("POST", "/compatibility/subjects/s/versions/5", schemaBody(userV2), 404, 40402)
	r.expectCode("POST", "/compatibility/subjects/s/versions/latest", schemaBody(`{"type":"bogus"}`), 422, 42201)
}

func TestStateSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	r, stop := startRegistry(t, dir)
	r.expect("POST", "/subjects/s/versions", schemaBody(userV1), 200, `{"id":1}`)
	r.expect("POST", "/subjects/s/versions", schemaBody(userV2), 200, `{"id":2}`)
	r.expect("PUT", "/config/s", map[string]any{"compatibility": "FULL"}, 200, `{"compatibility":"FULL"}`)
	r.expect("DELETE", "/subjects/s/versions/1", nil, 200, `1`)
	stop()

	r, stop = startRegistry(t, dir)
	defer stop()
	r.expect("GET", "/subjects/s/versions?deleted=true", nil, 200, `[1,2]`)
	r.expect("GET", "/subjects/s/versions", nil, 200, `[2]`)
	r.expect("GET", "/config/s", nil, 200, `{"compatibilityLevel":"FULL"}`)
	r.expect("POST", "/subjects/t/versions", schemaBody(`"bytes"`), 200, `{"id":3}`)
}

// TestHostileSchemas sends schemas built to exhaust a parser: each is either
// registered or refused with 42201, and the server keeps answering.
func TestHostileSchemas(t *testing.T) {
	r := newRegistry(t)
	deep := strings.Repeat(`{"type":"array","items":`, 10_000) + `"int"` + strings.Repeat(`}`, 10_000)
	symbols := make([]string, 100_000)
	for i := range symbols {
		symbols[i] = fmt.Sprintf("S%d", i)
	}
	enum, _ := json.Marshal(map[string]any{"type": "enum", "name": "E", "symbols": symbols})
	fields := make([]map[string]any, 20_000)
	for i := range fields {
		fields[i] = map[string]any{"name": fmt.Sprintf("f%d", i), "type": "int"}
	}
	wide, _ := json.Marshal(map[string]any{"type": "record", "name": "W", "fields": fields})
	for name, schema := range map[string]string{
		"10,000 levels of nesting": deep,
		"100,000 enum symbols":     string(enum),
		"20,000 fields":            string(wide),
		"deep JSON default":        `{"type":"record","name":"D","fields":[{"name":"a","type":"int","default":` + strings.Repeat("[", 100_000) + `}]}`,
	} {
		status, body := r.call("POST", "/subjects/hostile-"+strings.Fields(name)[0]+"/versions", map[string]any{"schema": schema})
		if status != 200 && !strings.Contains(body, `"error_code":42201`) {
			t.Errorf("%s: %d %.300s", name, status, body)
		}
	}
	r.expect("GET", "/mode", nil, 200, `{"mode":"READWRITE"}`)
}

// TestLegacySchemasStayUsable imports a schema that new registrations may no
// longer use (a namespace Java's strict name rules refuse): it is found by
// lookup and re-registration, and new versions are checked against it.
func TestLegacySchemasStayUsable(t *testing.T) {
	r := newRegistry(t)
	legacy := `{"type":"record","name":"R","namespace":"my-company","fields":[{"name":"a","type":"int"}]}`
	r.expectCode("POST", "/subjects/fresh/versions", schemaBody(legacy), 422, 42201)
	r.expect("PUT", "/mode/old", map[string]any{"mode": "IMPORT"}, 200, `{"mode":"IMPORT"}`)
	r.expect("POST", "/subjects/old/versions", map[string]any{"schema": legacy, "id": 10, "version": 1}, 200, `{"id":10}`)
	r.expect("DELETE", "/mode/old", nil, 200, `{"mode":"IMPORT"}`)
	r.expect("POST", "/subjects/old/versions", schemaBody(legacy), 200, `{"id":10}`)
	r.expect("POST", "/subjects/old", schemaBody(legacy), 200, `{"subject":"old","version":1,"id":10,"schema":`+quote(legacy)+`}`)
	incompatible := `{"type":"record","name":"R","fields":[{"name":"a","type":"string"}]}`
	r.expectCode("POST", "/subjects/old/versions", schemaBody(incompatible), 409, 409)
}

func TestMetadataAndRuleSetAreKept(t *testing.T) {
	r := newRegistry(t)
	metadata := `{"properties":{"owner":"team-a"}}`
	ruleSet := `{"domainRules":[{"name":"checkName","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"message.name != ''","disabled":false}]}`
	body := `{"schema":` + quote(userV1) + `,"metadata":` + metadata + `,"ruleSet":` + ruleSet + `}`
	// Registered with metadata or rules, a schema is answered as
	// registered; found registered, by its id.
	r.expect("POST", "/subjects/s/versions", body, 200, `{"id":1,"version":1,"metadata":`+metadata+`,"ruleSet":`+ruleSet+`,"schema":`+quote(userV1)+`}`)
	r.expect("POST", "/subjects/s/versions", body, 200, `{"id":1}`)
	want := `{"subject":"s","version":1,"id":1,"metadata":` + metadata + `,"ruleSet":` + ruleSet + `,"schema":` + quote(userV1) + `}`
	r.expect("GET", "/subjects/s/versions/1", nil, 200, want)
	r.expect("GET", "/schemas/ids/1", nil, 200, `{"schema":`+quote(userV1)+`,"metadata":`+metadata+`,"ruleSet":`+ruleSet+`}`)
	r.expect("POST", "/subjects/s", body, 200, want)
	// The same schema with other metadata is another schema, with its own
	// id; it keeps the rules of the version before.
	r.expect("POST", "/subjects/s/versions", `{"schema":`+quote(userV1)+`,"metadata":{"properties":{"owner":"team-b"}}}`, 200,
		`{"id":2,"version":2,"metadata":{"properties":{"owner":"team-b"}},"ruleSet":`+ruleSet+`,"schema":`+quote(userV1)+`}`)
}

func TestNormalize(t *testing.T) {
	r := newRegistry(t)
	// Custom properties in another order: equal only once normalized.
	propsAB := `{"type":"record","name":"P","a":"1","b":"2","fields":[{"name":"x","type":"int"}]}`
	propsBA := `{"type":"record","name":"P","b":"2","a":"1","fields":[{"name":"x","type":"int"}]}`
	r.expect("POST", "/subjects/s/versions?normalize=true", schemaBody(propsAB), 200, `{"id":1}`)
	r.expect("POST", "/subjects/s/versions?normalize=true", schemaBody(propsBA), 200, `{"id":1}`)
	status, _ := r.call("POST", "/subjects/s?normalize=true", schemaBody(propsBA))
	if status != 200 {
		t.Errorf("normalized lookup: %d", status)
	}
	r.expectCode("POST", "/subjects/s", schemaBody(propsBA), 404, 40403)
	// Without normalization the two spellings are two schemas (the
	// first is already in normalized order, so it shares the id).
	r.expect("POST", "/subjects/u/versions", schemaBody(propsAB), 200, `{"id":1}`)
	r.expect("POST", "/subjects/u/versions", schemaBody(propsBA), 200, `{"id":2}`)
	// The subject's config can ask for normalization by default.
	r.expect("PUT", "/config/t", map[string]any{"normalize": true}, 200, `{"normalize":true}`)
	r.expect("POST", "/subjects/t/versions", schemaBody(propsBA), 200, `{"id":1}`)
}

func TestProtobufSchemas(t *testing.T) {
	r := newRegistry(t)
	address := "syntax = \"proto3\";\npackage shop;\n\nmessage Address {\n  string city = 1;\n}\n"
	order := "syntax = \"proto3\";\npackage shop;\nimport \"address.proto\";\nimport \"google/protobuf/timestamp.proto\";\n\nmessage Order {\n  string id = 1;\n  Address ship_to = 2;\n  google.protobuf.Timestamp at = 3;\n}\n"
	r.expect("POST", "/subjects/address.proto/versions", map[string]any{"schema": address, "schemaType": "PROTOBUF"}, 200, `{"id":1}`)
	refs := []map[string]any{{"name": "address.proto", "subject": "address.proto", "version": 1}}
	r.expect("POST", "/subjects/orders-value/versions", map[string]any{"schema": order, "schemaType": "PROTOBUF", "references": refs}, 200, `{"id":2}`)
	status, body := r.call("GET", "/schemas/ids/2", nil)
	if status != 200 || !strings.HasPrefix(body, `{"schemaType":"PROTOBUF","schema":"syntax = \"proto3\";`) ||
		!strings.Contains(body, `"references":[{"name":"address.proto","subject":"address.proto","version":1}]`) {
		t.Errorf("schema 2: %d %s", status, body)
	}
	r.expect("POST", "/subjects/orders-value", map[string]any{"schema": order, "schemaType": "PROTOBUF", "references": refs}, 200,
		`{"subject":"orders-value","version":1,"id":2,"schemaType":"PROTOBUF","references":[{"name":"address.proto","subject":"address.proto","version":1}],"schema":`+quote(mustCanonical(t, r, 2))+`}`)
	// Changing a field's kind is incompatible.
	changed := strings.Replace(order, "string id = 1;", "int64 id = 1;", 1)
	r.expectCode("POST", "/subjects/orders-value/versions", map[string]any{"schema": changed, "schemaType": "PROTOBUF", "references": refs}, 409, 409)
	r.expectCode("POST", "/subjects/bad/versions", map[string]any{"schema": "message {", "schemaType": "PROTOBUF"}, 422, 42201)
	status, body = r.call("GET", "/schemas/ids/2?format=serialized", nil)
	if status != 200 || strings.Contains(body, "syntax") {
		t.Errorf("serialized form: %d %s", status, body)
	}
}

func mustCanonical(t *testing.T, r *testRegistry, id int) string {
	t.Helper()
	_, body := r.call("GET", fmt.Sprintf("/schemas/ids/%d/schema", id), nil)
	return body
}

func TestJSONSchemas(t *testing.T) {
	r := newRegistry(t)
	address := `{"type":"object","properties":{"city":{"type":"string"}},"additionalProperties":false}`
	customer := `{"type":"object","properties":{"name":{"type":"string"},"home":{"$ref":"address.json"}},"additionalProperties":false}`
	r.expect("POST", "/subjects/address/versions", map[string]any{"schema": address, "schemaType": "JSON"}, 200, `{"id":1}`)
	refs := []map[string]any{{"name": "address.json", "subject": "address", "version": 1}}
	r.expect("POST", "/subjects/customer/versions", map[string]any{"schema": customer, "schemaType": "JSON", "references": refs}, 200, `{"id":2}`)
	r.expect("GET", "/schemas/ids/1", nil, 200, `{"schemaType":"JSON","schema":`+quote(address)+`}`)
	r.expect("POST", "/subjects/customer", map[string]any{"schema": customer, "schemaType": "JSON", "references": refs}, 200,
		`{"subject":"customer","version":1,"id":2,"schemaType":"JSON","references":[{"name":"address.json","subject":"address","version":1}],"schema":`+quote(customer)+`}`)
	// Narrowing a property's type under a closed content model breaks
	// readers of old data.
	narrowed := strings.Replace(customer, `"name":{"type":"string"}`, `"name":{"type":"integer"}`, 1)
	r.expectCode("POST", "/subjects/customer/versions", map[string]any{"schema": narrowed, "schemaType": "JSON", "references": refs}, 409, 409)
	r.expectCode("POST", "/subjects/bad/versions", map[string]any{"schema": `{"type":5}`, "schemaType": "JSON"}, 422, 42201)
	r.expectCode("POST", "/subjects/bad/versions", map[string]any{"schema": `{"$ref":"http://example.com/x.json"}`, "schemaType": "JSON"}, 422, 42201)
}
