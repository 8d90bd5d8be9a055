package test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"golang.org/x/crypto/bcrypt"

	"github.com/goschemaregistry/registry/openapi"
)

// Every registry process the harness starts sits behind a validatingProxy:
// the tests, whatever client they use, talk to the registry through it, and
// it checks their exchanges against openapi/openapi.yaml without changing
// them. Violations fail the test that caused them, at its cleanup.

// Sampling bounds what validation costs the load tests: for each operation
// and status, the first validateFirst exchanges are validated, then one in
// validateEvery.
const (
	validateFirst = 64
	validateEvery = 16
	// maxCaptured bounds the bytes of a request or response body kept for
	// validation; larger bodies are forwarded but not validated.
	maxCaptured = 8 << 20
	// maxReported bounds the violations printed per registry process.
	maxReported = 20
)

// apiDocument is the OpenAPI document loaded for validation.
type apiDocument struct {
	doc          *openapi3.T
	router       routers.Router
	errorMessage *openapi3.Schema
}

// loadedAPI is the document, loaded once per test binary.
var loadedAPI = sync.OnceValues(func() (*apiDocument, error) {
	// The registry's media types carry JSON, except the schema text
	// endpoints' Protobuf text; octet-stream request bodies are read as
	// JSON by the server too.
	for _, mediaType := range []string{
		"application/vnd.schemaregistry.v1+json",
		"application/vnd.schemaregistry+json",
		"application/octet-stream",
	} {
		openapi3filter.RegisterBodyDecoder(mediaType, jsonOrTextBodyDecoder)
	}
	ctx := context.Background()
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Document())
	if err != nil {
		return nil, fmt.Errorf("loading openapi/openapi.yaml: %w", err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("openapi/openapi.yaml: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("routing openapi/openapi.yaml: %w", err)
	}
	errorMessage := doc.Components.Schemas["ErrorMessage"]
	if errorMessage == nil || errorMessage.Value == nil {
		return nil, fmt.Errorf("openapi/openapi.yaml has no ErrorMessage schema")
	}
	return &apiDocument{doc: doc, router: router, errorMessage: errorMessage.Value}, nil
})

// jsonOrTextBodyDecoder decodes a JSON body, and gives a body that is not
// JSON as a string, which only a schema admitting strings accepts.
func jsonOrTextBodyDecoder(body io.Reader, header http.Header, schema *openapi3.SchemaRef, enc openapi3filter.EncodingFn) (any, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	if value, err := openapi3filter.JSONBodyDecoder(bytes.NewReader(data), header, schema, enc); err == nil {
		return value, nil
	}
	return string(data), nil
}

// validationOptions are the options of every validation: undocumented
// statuses are violations, and credentials are the server's business.
var validationOptions = &openapi3filter.Options{
	IncludeResponseStatus: true,
	SkipSettingDefaults:   true,
	AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
}

// exchange is one request and its answer, as validated.
type exchange struct {
	request *http.Request // a copy of the request, its body replaced below
	sent    *capturedBody // the request body, nil when there was none
	route   *routers.Route
	params  map[string]string
	status  int
	header  http.Header
	body    *capturedBody
}

// String names the exchange in reports.
func (ex *exchange) String() string {
	return fmt.Sprintf("%s %s -> %d", ex.request.Method, ex.request.URL.RequestURI(), ex.status)
}

// check validates the exchange: the answer always, the request only when
// the server accepted it (tests send invalid requests on purpose, and only
// the server's refusal of them must follow the document).
func (api *apiDocument) check(ex *exchange) error {
	if ex.route == nil {
		// No operation of the document: the server must refuse the
		// request in its error shape, as unknown (or, before looking,
		// as unauthenticated, forbidden or one too many).
		switch ex.status {
		case http.StatusNotFound, http.StatusMethodNotAllowed,
			http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests:
		default:
			return fmt.Errorf("no operation of the document matches, yet the server answered %d", ex.status)
		}
		var value any
		if err := json.Unmarshal(ex.body.Bytes(), &value); err != nil {
			return fmt.Errorf("the error body is not JSON: %v", err)
		}
		return api.errorMessage.VisitJSON(value)
	}
	ctx := context.Background()
	input := &openapi3filter.RequestValidationInput{
		Request: ex.request, PathParams: ex.params, Route: ex.route, Options: validationOptions,
	}
	if ex.status >= 200 && ex.status < 300 {
		if ex.sent != nil {
			if ex.request.Header.Get("Content-Type") == "" {
				// The server reads a body without a type as JSON.
				ex.request.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
			}
			ex.request.Body = io.NopCloser(bytes.NewReader(ex.sent.Bytes()))
		}
		if err := openapi3filter.ValidateRequest(ctx, input); err != nil {
			return fmt.Errorf("request: %w", err)
		}
	}
	answer := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input, Status: ex.status, Header: ex.header, Options: validationOptions,
	}
	answer.SetBodyBytes(ex.body.Bytes())
	if err := openapi3filter.ValidateResponse(ctx, answer); err != nil {
		return fmt.Errorf("response: %w", err)
	}
	return nil
}

// capturedBody keeps up to maxCaptured bytes of a body as it streams by.
// Once done is closed it is complete and no longer written.
type capturedBody struct {
	buf       bytes.Buffer
	truncated bool
	done      chan struct{}
	closeOnce sync.Once
}

func newCapturedBody() *capturedBody { return &capturedBody{done: make(chan struct{})} }

func (c *capturedBody) Write(p []byte) (int, error) {
	n := len(p)
	if room := maxCaptured - c.buf.Len(); len(p) > room {
		c.truncated = true
		p = p[:max(room, 0)]
	}
	c.buf.Write(p)
	return n, nil
}

func (c *capturedBody) Bytes() []byte { return c.buf.Bytes() }

func (c *capturedBody) finish() { c.closeOnce.Do(func() { close(c.done) }) }

// teeBody streams a request body to the registry while capturing it. The
// transport may still be sending it after the answer arrived; Close, which
// the transport always calls, marks the capture complete.
type teeBody struct {
	body    io.ReadCloser
	capture *capturedBody
}

func (b *teeBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	b.capture.Write(p[:n])
	return n, err
}

func (b *teeBody) Close() error {
	b.capture.finish()
	return b.body.Close()
}

// validatingProxy forwards HTTP traffic to one registry process unchanged
// (method, path, headers, body, status, Connection behaviour) and validates
// a sample of the exchanges against the OpenAPI document in the
// background.
type validatingProxy struct {
	api       *apiDocument
	server    *httptest.Server
	transport *http.Transport

	// targetSet is closed once target, the registry's host:port, is set;
	// requests arriving before wait for it. closed is closed at cleanup.
	targetSet chan struct{}
	target    string
	closed    chan struct{}

	validations sync.WaitGroup
	mu          sync.Mutex
	seen        map[exchangeKind]int
	violations  []string
}

// exchangeKind is what sampling counts exchanges by: the operation
// (path "" when the document has none) and the status.
type exchangeKind struct {
	method, path string
	status       int
}

// startValidatingProxy starts a proxy, which forwards once forwardTo is
// called. At the end of the test it reports every violation with t.Errorf.
func startValidatingProxy(t testing.TB) *validatingProxy {
	t.Helper()
	api, err := loadedAPI()
	if err != nil {
		t.Fatal(err)
	}
	p := &validatingProxy{
		api: api,
		transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 64,
			IdleConnTimeout:     30 * time.Second,
			// Bodies pass as they are, never decompressed on the way.
			DisableCompression: true,
		},
		targetSet: make(chan struct{}),
		closed:    make(chan struct{}),
		seen:      map[exchangeKind]int{},
	}
	p.server = httptest.NewServer(p)
	t.Cleanup(func() {
		close(p.closed)
		p.server.Close()
		p.transport.CloseIdleConnections()
		p.validations.Wait()
		p.report(t)
	})
	return p
}

// URL is the proxy's base URL.
func (p *validatingProxy) URL() string { return p.server.URL }

// forwardTo sets the registry's base URL; call it once.
func (p *validatingProxy) forwardTo(baseURL string) {
	p.target = strings.TrimPrefix(baseURL, "http://")
	close(p.targetSet)
}

func (p *validatingProxy) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	select {
	case <-p.targetSet:
	case <-p.closed:
		panic(http.ErrAbortHandler)
	case <-req.Context().Done():
		panic(http.ErrAbortHandler)
	}
	out := req.Clone(req.Context())
	out.RequestURI = ""
	out.URL.Scheme, out.URL.Host, out.Host = "http", p.target, ""
	var sent *capturedBody
	if req.Body != nil && req.Body != http.NoBody {
		sent = newCapturedBody()
		out.Body = &teeBody{body: req.Body, capture: sent}
	}
	resp, err := p.transport.RoundTrip(out)
	if err != nil {
		// The registry is gone or went away mid-request: the client sees a
		// broken connection, as it would talking to the registry itself.
		panic(http.ErrAbortHandler)
	}
	defer resp.Body.Close()
	for name, values := range resp.Header {
		w.Header()[name] = values
	}
	if resp.Close {
		w.Header().Set("Connection", "close")
	}
	w.WriteHeader(resp.StatusCode)

	ex := p.sample(req, resp.StatusCode)
	var body io.Reader = resp.Body
	if ex != nil {
		ex.sent, ex.header, ex.body = sent, resp.Header.Clone(), newCapturedBody()
		body = io.TeeReader(resp.Body, ex.body)
	}
	if _, err := io.Copy(w, body); err != nil {
		panic(http.ErrAbortHandler)
	}
	if ex != nil {
		p.validations.Add(1)
		go p.validate(ex)
	}
}

// sample returns the exchange to validate, or nil when sampling skips it.
func (p *validatingProxy) sample(req *http.Request, status int) *exchange {
	kind := exchangeKind{method: req.Method, status: status}
	route, params, err := p.api.router.FindRoute(req)
	if err != nil {
		route, params = nil, nil
	} else {
		kind.path = route.Path
	}
	p.mu.Lock()
	n := p.seen[kind]
	p.seen[kind] = n + 1
	p.mu.Unlock()
	if n >= validateFirst && (n-validateFirst)%validateEvery != 0 {
		return nil
	}
	return &exchange{request: req.Clone(context.Background()), route: route, params: params, status: status}
}

func (p *validatingProxy) validate(ex *exchange) {
	defer p.validations.Done()
	if ex.sent != nil {
		select {
		case <-ex.sent.done:
		case <-time.After(10 * time.Second):
			p.violation(ex, fmt.Errorf("the request body was never completely sent"))
			return
		}
	}
	if ex.body.truncated || (ex.sent != nil && ex.sent.truncated) {
		return
	}
	if err := p.api.check(ex); err != nil {
		p.violation(ex, err)
	}
}

func (p *validatingProxy) violation(ex *exchange, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.violations = append(p.violations, fmt.Sprintf("%s: %v", ex, err))
}

// exercised returns the operations of the document that went through the
// proxy, as "METHOD path".
func (p *validatingProxy) exercised() map[string]bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	ops := map[string]bool{}
	for kind := range p.seen {
		if kind.path != "" {
			ops[kind.method+" "+kind.path] = true
		}
	}
	return ops
}

// report fails the test with the violations found.
func (p *validatingProxy) report(t testing.TB) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, v := range p.violations {
		if i == maxReported {
			t.Errorf("OpenAPI: and %d more violations", len(p.violations)-maxReported)
			break
		}
		t.Errorf("OpenAPI violation: %s", v)
	}
}

// takeViolations waits for the validations under way and returns the
// violations found so far, forgetting them.
func (p *validatingProxy) takeViolations() []string {
	p.validations.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	v := p.violations
	p.violations = nil
	return v
}

// TestValidatingProxyFindsViolations runs requests through the proxy to a
// fake registry answering as told, and checks which exchanges the proxy
// reports.
func TestValidatingProxyFindsViolations(t *testing.T) {
	type answer struct {
		status int
		body   string
	}
	var mu sync.Mutex
	var next answer
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, _ = io.Copy(io.Discard, req.Body)
		mu.Lock()
		a := next
		mu.Unlock()
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		w.WriteHeader(a.status)
		_, _ = io.WriteString(w, a.body)
	}))
	defer fake.Close()
	p := startValidatingProxy(t)
	p.forwardTo(fake.URL)

	const notFound = `{"error_code":40402,"message":"Version 1 not found."}`
	for _, tc := range []struct {
		name, method, path, body string
		answer                   answer
		violation                string // a part of the violation reported; "" for none
	}{
		{"valid list", "GET", "/subjects", "", answer{200, `["a","b"]`}, ""},
		{"wrong shape", "GET", "/subjects", "", answer{200, `{"subjects":[]}`}, "response"},
		{"documented error", "GET", "/subjects/s/versions/1", "", answer{404, notFound}, ""},
		{"undocumented status", "GET", "/subjects/s/versions/1", "", answer{418, notFound}, "status is not supported"},
		{"error not in error shape", "GET", "/subjects/s/versions/1", "", answer{404, `{"error":"no"}`}, "response"},
		{"value outside enum", "GET", "/config", "", answer{200, `{"compatibilityLevel":"SOMETIMES"}`}, "response"},
		{"undocumented field", "GET", "/mode", "", answer{200, `{"mode":"READWRITE","extra":1}`}, "response"},
		{"accepted invalid request", "POST", "/subjects/s/versions", `{"schema":"\"int\"","bogus":1}`, answer{200, `{"id":1}`}, "request"},
		{"refused invalid request", "POST", "/subjects/s/versions", `{"schema":"\"int\"","bogus":1}`, answer{422, `{"error_code":422,"message":"Unrecognized field"}`}, ""},
		{"valid registration", "POST", "/subjects/s/versions?normalize=true", `{"schema":"\"int\""}`, answer{200, `{"id":1}`}, ""},
		{"null fields", "POST", "/subjects/s/versions", `{"schema":"\"int\"","schemaType":null,"references":null,"metadata":null,"ruleSet":null,"id":null}`, answer{200, `{"id":1}`}, ""},
		{"query of the wrong type", "GET", "/schemas?limit=lots", "", answer{200, `[]`}, "request"},
		{"escaped subject", "GET", "/subjects/a%2Fb/versions", "", answer{200, `[1]`}, ""},
		{"protobuf text", "GET", "/schemas/ids/1/schema", "", answer{200, `syntax = "proto3";`}, ""},
		{"unknown route refused", "GET", "/nope", "", answer{404, `{"error_code":404,"message":"HTTP 404 Not Found"}`}, ""},
		{"unknown route served", "GET", "/nope", "", answer{200, `{}`}, "no operation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			next = tc.answer
			mu.Unlock()
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, err := http.NewRequest(tc.method, p.URL()+tc.path, body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			got := p.takeViolations()
			switch {
			case tc.violation == "" && len(got) > 0:
				t.Errorf("violations reported for a valid exchange: %q", got)
			case tc.violation != "" && len(got) != 1:
				t.Errorf("%d violations reported, want one mentioning %q: %q", len(got), tc.violation, got)
			case tc.violation != "" && !strings.Contains(got[0], tc.violation):
				t.Errorf("violation %q does not mention %q", got[0], tc.violation)
			}
		})
	}
}

// TestValidatingProxyIsTransparent checks that the proxy passes requests
// and answers through unchanged, and that a registry that is gone looks
// gone to the client.
func TestValidatingProxyIsTransparent(t *testing.T) {
	type seen struct {
		uri, host, forward, authorization, forwardedFor, body string
	}
	received := make(chan seen, 1)
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		received <- seen{req.RequestURI, req.Host, req.Header.Get("X-Forward"), req.Header.Get("Authorization"),
			req.Header.Get("X-Forwarded-For"), string(body)}
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusConflict)
		_, _ = io.WriteString(w, `{"error_code":409,"message":"incompatible"}`)
	}))
	p := startValidatingProxy(t)
	p.forwardTo(fake.URL)

	const body = `{"schema":"\"string\""}`
	req, err := http.NewRequest("POST", p.URL()+"/subjects/a%2Fb/versions?normalize=true", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Forward", "true")
	req.SetBasicAuth("alice", "secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	got := <-received
	want := seen{"/subjects/a%2Fb/versions?normalize=true", strings.TrimPrefix(fake.URL, "http://"), "true",
		req.Header.Get("Authorization"), "", body}
	if got != want {
		t.Errorf("the registry received %+v, want %+v", got, want)
	}
	if resp.StatusCode != http.StatusConflict || string(answer) != `{"error_code":409,"message":"incompatible"}` ||
		resp.Header.Get("Content-Type") != "application/vnd.schemaregistry.v1+json" || !resp.Close {
		t.Errorf("the client received %d %q (Content-Type %q, Connection close %v)",
			resp.StatusCode, answer, resp.Header.Get("Content-Type"), resp.Close)
	}
	if v := p.takeViolations(); len(v) > 0 {
		t.Errorf("violations: %q", v)
	}

	fake.Close()
	resp, err = http.Get(p.URL() + "/subjects")
	if err == nil {
		resp.Body.Close()
		t.Errorf("a request to a registry that is gone was answered %d, want a broken connection", resp.StatusCode)
	}
}

// TestEveryOperationAgainstTheDocument drives every operation of the API
// on a real registry, through the validating proxy, with the answers that
// matter for clients: successes in each schema format, the errors of each
// kind, every media type a body may come as. The proxy checks each exchange
// against the document; the test checks the statuses and that no operation
// of the document was left out.
func TestEveryOperationAgainstTheDocument(t *testing.T) {
	t.Parallel()
	r := startRegistryIn(t, t.TempDir(), "--max-body-bytes", "4096")
	const v1JSON = "application/vnd.schemaregistry.v1+json"
	send := func(method, path, contentType, body string, want int) []byte {
		t.Helper()
		req, err := http.NewRequest(method, r.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		answer, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		if resp.StatusCode != want {
			t.Errorf("%s %s: status %d, want %d; body %s", method, path, resp.StatusCode, want, answer)
		}
		return answer
	}
	// call sends a JSON body (or none) under Confluent's media type.
	call := func(method, path, body string, want int) []byte {
		t.Helper()
		contentType := ""
		if body != "" {
			contentType = v1JSON
		}
		return send(method, path, contentType, body, want)
	}
	registered := func(answer []byte) int {
		t.Helper()
		var reg struct{ ID int }
		if err := json.Unmarshal(answer, &reg); err != nil {
			t.Fatalf("registration answer %s: %v", answer, err)
		}
		return reg.ID
	}
	schemaBody := func(fields map[string]any) string {
		b, err := json.Marshal(fields)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	// Server metadata and operations.
	call("GET", "/", "", 200)
	call("POST", "/", "", 200)
	call("GET", "/v1/metadata/id", "", 200)
	call("GET", "/v1/metadata/version", "", 200)
	call("GET", "/contexts", "", 200)
	call("GET", "/openapi.yaml", "", 200)
	call("GET", "/metrics", "", 200)
	call("GET", "/health/live", "", 200)
	call("GET", "/health/ready", "", 200)
	call("GET", "/schemas/types", "", 200)

	// Global config and mode, and the ways a body can be refused.
	call("GET", "/config", "", 200)
	call("PUT", "/config", `{"compatibilityLevel":"backward"}`, 200)
	call("PUT", "/config", `{"compatibility":"SOMETIMES"}`, 422)
	call("PUT", "/config", `{"compatibility":"NONE","unknown":1}`, 422)
	call("PUT", "/config", `{`, 400)
	send("PUT", "/config", "text/plain", `{"compatibility":"NONE"}`, 415)
	send("PUT", "/config", v1JSON, `{"alias":"`+strings.Repeat("a", 5000)+`"}`, 413)
	call("GET", "/mode", "", 200)
	call("PUT", "/mode", `{"mode":null}`, 200)
	call("PUT", "/mode", `{"mode":"readwrite"}`, 200)
	call("PUT", "/mode", `{"mode":"SOMETIMES"}`, 422)

	// Schemas in every format, with references, metadata and rules.
	common := `{"type":"record","name":"Common","namespace":"acme","fields":[{"name":"id","type":"string"}]}`
	order := `{"type":"record","name":"Order","namespace":"acme","fields":[{"name":"common","type":"acme.Common"}]}`
	orderWithQty := `{"type":"record","name":"Order","namespace":"acme","fields":[{"name":"common","type":"acme.Common"},{"name":"qty","type":"int"}]}`
	refs := []map[string]any{{"name": "acme.Common", "subject": "common", "version": 1}}
	commonID := registered(call("POST", "/subjects/common/versions", schemaBody(map[string]any{"schema": common}), 200))
	call("POST", "/subjects/orders-value/versions?normalize=true", schemaBody(map[string]any{"schema": order, "references": refs}), 200)
	call("POST", "/subjects/orders-value/versions", schemaBody(map[string]any{"schema": orderWithQty, "references": refs}), 409)
	call("POST", "/subjects/orders-value/versions", `{"schema":"{not avro"}`, 422)
	protoID := registered(call("POST", "/subjects/proto/versions", schemaBody(map[string]any{
		"schemaType": "PROTOBUF", "schema": "syntax = \"proto3\";\npackage acme;\nmessage Item { string name = 1; }\n"}), 200))
	call("POST", "/subjects/json/versions", schemaBody(map[string]any{
		"schemaType": "json", "schema": `{"type":"object","properties":{"a":{"type":"string"}}}`}), 200)
	call("POST", "/subjects/meta/versions", schemaBody(map[string]any{
		"schema":   `"string"`,
		"metadata": map[string]any{"properties": map[string]string{"owner": "team-a"}, "sensitive": []string{"owner"}},
		"ruleSet": map[string]any{"domainRules": []map[string]any{{
			"name": "short", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "size(message) < 10"}}},
	}), 200)
	send("POST", "/subjects/a%2Fb/versions", "application/json", schemaBody(map[string]any{"schema": `"int"`}), 200)
	send("POST", "/subjects/untyped/versions", "", schemaBody(map[string]any{"schema": `"float"`}), 200)
	send("POST", "/subjects/octets/versions", "application/octet-stream", schemaBody(map[string]any{"schema": `"double"`}), 200)
	send("POST", "/subjects/plus-json/versions", "application/vnd.schemaregistry+json", schemaBody(map[string]any{"schema": `"boolean"`}), 200)

	// Reads.
	call("GET", "/subjects", "", 200)
	call("GET", "/subjects?subjectPrefix=ord&deleted=true", "", 200)
	call("GET", "/subjects/orders-value/versions", "", 200)
	call("GET", "/subjects/nosuch/versions", "", 404)
	call("GET", "/subjects/"+strings.Repeat("x", 1100)+"/versions", "", 422)
	call("GET", "/subjects/orders-value/versions/latest", "", 200)
	call("GET", "/subjects/orders-value/versions/1?format=resolved", "", 200)
	call("GET", "/subjects/orders-value/versions/abc", "", 422)
	call("GET", "/subjects/orders-value/versions/7", "", 404)
	call("GET", "/subjects/proto/versions/1/schema", "", 200)
	call("GET", "/subjects/proto/versions/latest/schema?format=serialized", "", 200)
	call("GET", "/subjects/orders-value/versions/1/schema", "", 200)
	call("GET", "/subjects/common/versions/1/referencedby", "", 200)
	call("GET", "/subjects/meta/metadata?key=owner&value=team-a", "", 200)
	call("GET", "/subjects/meta/metadata?key=owner&value=team-b", "", 404)
	call("GET", "/schemas?latestOnly=true&offset=1&limit=2", "", 200)
	call("GET", "/schemas?limit=lots", "", 404)
	call("GET", fmt.Sprintf("/schemas/ids/%d", protoID), "", 200)
	call("GET", fmt.Sprintf("/schemas/ids/%d?fetchMaxId=true&format=ignore_extensions", protoID), "", 200)
	call("GET", fmt.Sprintf("/schemas/ids/%d/schema", commonID), "", 200)
	call("GET", fmt.Sprintf("/schemas/ids/%d/subjects", commonID), "", 200)
	call("GET", fmt.Sprintf("/schemas/ids/%d/versions?deleted=true", commonID), "", 200)
	call("GET", "/schemas/ids/9999", "", 404)
	call("GET", "/schemas/ids/abc/versions", "", 404)

	// Lookups and compatibility tests.
	call("POST", "/subjects/orders-value?deleted=true", schemaBody(map[string]any{"schema": order, "references": refs}), 200)
	call("POST", "/subjects/orders-value", schemaBody(map[string]any{"schema": orderWithQty, "references": refs}), 404)
	call("POST", "/subjects/nosuch", schemaBody(map[string]any{"schema": common}), 404)
	call("POST", "/compatibility/subjects/orders-value/versions?verbose=true", schemaBody(map[string]any{"schema": orderWithQty, "references": refs}), 200)
	call("POST", "/compatibility/subjects/orders-value/versions", `{"schema":"{not avro"}`, 422)
	call("POST", "/compatibility/subjects/orders-value/versions/latest", schemaBody(map[string]any{"schema": order, "references": refs}), 200)
	call("POST", "/compatibility/subjects/orders-value/versions/7", schemaBody(map[string]any{"schema": order, "references": refs}), 404)

	// Subject config and mode.
	call("PUT", "/config/orders-value", `{"compatibility":"none","normalize":true,"validateFields":false,"compatibilityGroup":"app","defaultMetadata":{"properties":{"owner":"team-a"}}}`, 200)
	call("GET", "/config/orders-value", "", 200)
	call("GET", "/config/nosuch", "", 404)
	call("GET", "/config/nosuch?defaultToGlobal=true", "", 200)
	call("DELETE", "/config/orders-value", "", 200)
	call("DELETE", "/config/nosuch", "", 404)
	call("PUT", "/mode/json", `{"mode":"READONLY"}`, 200)
	call("GET", "/mode/json", "", 200)
	call("POST", "/subjects/json/versions", schemaBody(map[string]any{"schemaType": "JSON", "schema": `{"type":"string"}`}), 422)
	call("DELETE", "/mode/json", "", 200)
	call("GET", "/mode/json", "", 404)
	call("GET", "/mode/json?defaultToGlobal=true", "", 200)
	call("DELETE", "/mode", "", 200)
	call("DELETE", "/mode", "", 404)
	call("DELETE", "/config", "", 200)

	// Imports keep the id and version given.
	call("PUT", "/mode/imported?force=true", `{"mode":"IMPORT"}`, 200)
	call("POST", "/subjects/imported/versions", `{"schema":"\"long\"","id":500,"version":3}`, 200)

	// Deletes, soft then permanent, and what they refuse.
	call("DELETE", "/subjects/meta/versions/1", "", 200)
	call("DELETE", "/subjects/meta/versions/1", "", 404)
	call("DELETE", "/subjects/meta/versions/1?permanent=true", "", 200)
	call("DELETE", "/subjects/json", "", 200)
	call("DELETE", "/subjects/json", "", 404)
	call("GET", "/subjects?deletedOnly=true", "", 200)
	call("GET", "/subjects/json/versions?deletedOnly=true", "", 200)
	call("DELETE", "/subjects/json?permanent=true", "", 200)
	call("DELETE", "/subjects/common/versions/1", "", 422)
	call("DELETE", "/subjects/common", "", 422)

	// Requests outside the API.
	call("GET", "/nope", "", 404)
	call("DELETE", "/subjects", "", 405)

	documented, err := loadedAPI()
	if err != nil {
		t.Fatal(err)
	}
	exercised := r.proxy.exercised()
	for path, item := range documented.doc.Paths.Map() {
		for method := range item.Operations() {
			if !exercised[method+" "+path] {
				t.Errorf("%s %s was not exercised", method, path)
			}
		}
	}
}

// TestAuthenticationAnswersAgainstTheDocument checks, through the
// validating proxy, the answers of a registry with authentication on: 401
// without valid credentials, 403 beyond the user's role, and the probes
// open to all.
func TestAuthenticationAnswersAgainstTheDocument(t *testing.T) {
	t.Parallel()
	hash, err := bcrypt.GenerateFromPassword([]byte("reader-secret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	usersFile := filepath.Join(t.TempDir(), "users.yaml")
	users := fmt.Sprintf("users:\n  - name: reader\n    password_hash: %q\n    role: reader\n", hash)
	if err := os.WriteFile(usersFile, []byte(users), 0o600); err != nil {
		t.Fatal(err)
	}
	r := startRegistryIn(t, t.TempDir(), "--auth-users-file", usersFile)
	for _, tc := range []struct {
		method, path, user, password, body string
		want                               int
	}{
		{"GET", "/subjects", "", "", "", 401},
		{"GET", "/subjects", "reader", "wrong", "", 401},
		{"GET", "/nope", "", "", "", 401},
		{"GET", "/subjects", "reader", "reader-secret", "", 200},
		{"POST", "/subjects/s/versions", "reader", "reader-secret", `{"schema":"\"int\""}`, 403},
		{"PUT", "/config", "reader", "reader-secret", `{"compatibility":"NONE"}`, 403},
		{"GET", "/health/live", "", "", "", 200},
		{"GET", "/health/ready", "", "", "", 200},
	} {
		req, err := http.NewRequest(tc.method, r.URL+tc.path, strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		if tc.user != "" {
			req.SetBasicAuth(tc.user, tc.password)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.method, tc.path, err)
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s %s as %q: status %d, want %d; body %s", tc.method, tc.path, tc.user, resp.StatusCode, tc.want, answer)
		}
	}
}
