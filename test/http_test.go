package test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestHTTPAnswers checks what clients do not: every answer, success or
// error, carries Confluent's media type, and every error is exactly
// {"error_code":N,"message":"..."} with Confluent's code and, where it is
// fixed text, Confluent's message (rest/exceptions/Errors.java and the
// Rest*Exception classes in core/src/main/java/io/confluent/kafka/schemaregistry).
func TestHTTPAnswers(t *testing.T) {
	t.Parallel()
	r := startRegistry(t)
	var registered struct {
		ID int `json:"id"`
	}
	r.mustDo(http.MethodPost, "/subjects/s/versions", schemaRequestBody(widgetV1), http.StatusOK, &registered)
	if registered.ID <= 0 {
		t.Fatalf("registration answered id %d", registered.ID)
	}

	tests := []struct {
		name         string
		method, path string
		body         string
		status       int
		code         int    // error_code; 0 for a success
		message      string // exact message; "" when only a message is required
	}{
		{name: "root", method: "GET", path: "/", status: 200},
		{name: "subjects", method: "GET", path: "/subjects", status: 200},
		{name: "versions", method: "GET", path: "/subjects/s/versions", status: 200},
		{name: "version", method: "GET", path: "/subjects/s/versions/1", status: 200},
		{name: "raw schema", method: "GET", path: "/subjects/s/versions/latest/schema", status: 200},
		{name: "schema by id", method: "GET", path: "/schemas/ids/1", status: 200},
		{name: "schema types", method: "GET", path: "/schemas/types", status: 200},
		{name: "config", method: "GET", path: "/config", status: 200},
		{name: "mode", method: "GET", path: "/mode", status: 200},
		{name: "re-register", method: "POST", path: "/subjects/s/versions", body: schemaRequestBody(widgetV1), status: 200},
		{name: "lookup", method: "POST", path: "/subjects/s", body: schemaRequestBody(widgetV1), status: 200},
		{name: "compatibility", method: "POST", path: "/compatibility/subjects/s/versions/latest?verbose=true",
			body: schemaRequestBody(widgetV2), status: 200},
		{name: "set config", method: "PUT", path: "/config/other", body: `{"compatibility":"FULL"}`, status: 200},
		// Confluent ignores unknown fields; this registry refuses them as
		// malformed input (422), while accepting every field any version of
		// Confluent's request types defines.
		{name: "unknown field refused", method: "POST", path: "/subjects/s/versions",
			body: `{"schema":` + mustJSON(widgetV1) + `,"someFutureField":{"x":1}}`, status: 422, code: 422},
		{name: "unknown config field refused", method: "PUT", path: "/config/other",
			body: `{"compatibility":"FULL","someFutureField":true}`, status: 422, code: 422},
		{name: "newer Confluent request fields accepted", method: "POST", path: "/subjects/s/versions",
			body: `{"schema":` + mustJSON(widgetV1) + `,"schemaTagsToAdd":[],"propagateSchemaTags":false}`, status: 200},

		{name: "subject not found", method: "GET", path: "/subjects/missing/versions",
			status: 404, code: 40401, message: "Subject 'missing' not found."},
		{name: "version not found", method: "GET", path: "/subjects/s/versions/9",
			status: 404, code: 40402, message: "Version 9 not found."},
		{name: "schema not found", method: "GET", path: "/schemas/ids/999",
			status: 404, code: 40403, message: "Schema 999 not found"},
		{name: "lookup of an unregistered schema", method: "POST", path: "/subjects/s", body: schemaRequestBody(widgetV3),
			status: 404, code: 40403, message: "Schema not found"},
		{name: "invalid schema", method: "POST", path: "/subjects/s/versions", body: schemaRequestBody(`{"type":"record","name":"X"}`),
			status: 422, code: 42201},
		{name: "not JSON schema", method: "POST", path: "/subjects/s/versions", body: schemaRequestBody(`{not avro`),
			status: 422, code: 42201},
		{name: "invalid version", method: "GET", path: "/subjects/s/versions/abc", status: 422, code: 42202,
			message: `The specified version 'abc' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`},
		{name: "version zero", method: "GET", path: "/subjects/s/versions/0", status: 422, code: 42202,
			message: `The specified version '0' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`},
		{name: "invalid compatibility level", method: "PUT", path: "/config", body: `{"compatibility":"SIDEWAYS"}`,
			status: 422, code: 42203},
		{name: "incompatible schema", method: "POST", path: "/subjects/s/versions", body: schemaRequestBody(widgetV3),
			status: 409, code: 409},
		{name: "unknown route", method: "GET", path: "/no/such/route", status: 404, code: 404, message: "HTTP 404 Not Found"},
		{name: "wrong method", method: "DELETE", path: "/schemas/ids/1", status: 405, code: 405, message: "HTTP 405 Method Not Allowed"},
		{name: "malformed JSON", method: "POST", path: "/subjects/s/versions", body: `{"schema":`, status: 400, code: 400},
		{name: "malformed JSON in config", method: "PUT", path: "/config", body: `{"compatibility" "NONE"}`, status: 400, code: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := r.do(context.Background(), tt.method, tt.path, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.status {
				t.Fatalf("%s %s: status %d, want %d; body %s", tt.method, tt.path, res.Status, tt.status, res.Body)
			}
			if res.ContentType != "application/vnd.schemaregistry.v1+json" {
				t.Errorf("Content-Type %q, want application/vnd.schemaregistry.v1+json", res.ContentType)
			}
			if tt.code == 0 {
				return
			}
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(res.Body, &fields); err != nil {
				t.Fatalf("error body %s is not a JSON object: %v", res.Body, err)
			}
			keys := make([]string, 0, len(fields))
			for k := range fields {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if !slices.Equal(keys, []string{"error_code", "message"}) {
				t.Fatalf("error body %s has fields %v, want exactly error_code and message", res.Body, keys)
			}
			var body errorBody
			if err := json.Unmarshal(res.Body, &body); err != nil {
				t.Fatalf("error body %s: %v", res.Body, err)
			}
			if body.ErrorCode != tt.code {
				t.Errorf("error_code %d, want %d (body %s)", body.ErrorCode, tt.code, res.Body)
			}
			switch {
			case tt.message != "" && body.Message != tt.message:
				t.Errorf("message %q, want %q", body.Message, tt.message)
			case strings.TrimSpace(body.Message) == "":
				t.Errorf("empty message in %s", res.Body)
			}
		})
	}
}

func mustJSON(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}
