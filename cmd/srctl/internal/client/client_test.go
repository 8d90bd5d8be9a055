package client

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goschemaregistry/registry/formats"
)

func TestRequests(t *testing.T) {
	var got *http.Request
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		w.Header().Set("Content-Type", mediaType)
		io.WriteString(w, `{"id":7}`)
	}))
	defer srv.Close()
	c, err := New(Options{URL: srv.URL + "/prefix/", Username: "ann", Password: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	req := NewSchemaRequest(formats.TypeAvro, `{"type":"string","doc":"<&>"}`, []formats.Reference{{Name: "n", Subject: "s", Version: 1}})
	req.ID, req.Version = 7, 2
	id, err := c.Register(t.Context(), "a/b?c d", req, true)
	if err != nil || id != 7 {
		t.Fatalf("Register: %d, %v", id, err)
	}
	if user, password, ok := got.BasicAuth(); !ok || user != "ann" || password != "s3cret" {
		t.Errorf("credentials %q %q %v", user, password, ok)
	}
	checks := []struct{ what, got, want string }{
		{"path", got.URL.EscapedPath(), "/prefix/subjects/a%2Fb%3Fc%20d/versions"},
		{"query", got.URL.RawQuery, "normalize=true"},
		{"content type", got.Header.Get("Content-Type"), mediaType},
		{"accept", got.Header.Get("Accept"), mediaType + ", application/json"},
		// Avro goes without schemaType; <, > and & are not escaped.
		{"body", body, `{"schema":"{\"type\":\"string\",\"doc\":\"<&>\"}","references":[{"name":"n","subject":"s","version":1}],"id":7,"version":2}` + "\n"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s: got %q, want %q", ch.what, ch.got, ch.want)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   string
		code   int
	}{
		{"Confluent's shape", 404, `{"error_code":40401,"message":"Subject 'x' not found."}`, "Subject 'x' not found. (error code 40401)", 40401},
		{"a proxy's page", 502, "<html>bad gateway</html>", "HTTP 502 Bad Gateway: <html>bad gateway</html>", 0},
		{"no body", 401, "", "HTTP 401 Unauthorized", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			c, err := New(Options{URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Versions(t.Context(), "x", false)
			var apiErr *Error
			if !errors.As(err, &apiErr) || err.Error() != tc.want || apiErr.Code != tc.code || apiErr.Status != tc.status {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if IsNotFound(err) != (tc.status == 404) || HasCode(err, 40401) != (tc.code == 40401) {
				t.Errorf("IsNotFound/HasCode disagree with %v", err)
			}
		})
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "not json")
	}))
	c, _ := New(Options{URL: srv.URL})
	if _, err := c.Subjects(t.Context(), "", false); err == nil || !strings.Contains(err.Error(), "not the expected JSON: not json") {
		t.Errorf("a non-JSON answer: %v", err)
	}
	srv.Close()
	if _, err := c.Subjects(t.Context(), "", false); err == nil || !strings.HasPrefix(err.Error(), "cannot reach the registry at "+srv.URL+": ") {
		t.Errorf("a closed server: %v", err)
	}

	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond)
	}))
	defer slow.Close()
	c, _ = New(Options{URL: slow.URL, Timeout: 20 * time.Millisecond})
	if _, err := c.Subjects(t.Context(), "", false); err == nil || err.Error() != "no answer from the registry at "+slow.URL+" within 20ms (see --timeout)" {
		t.Errorf("a slow server: %v", err)
	}
}

func TestNewRefuses(t *testing.T) {
	for _, opts := range []Options{
		{URL: "localhost:8081"},
		{URL: "ftp://host"},
		{URL: "http://"},
		{URL: "http://h", CertFile: "c.pem"},
		{URL: "http://h", CAFile: "/does/not/exist"},
	} {
		if _, err := New(opts); err == nil {
			t.Errorf("%+v accepted", opts)
		}
	}
}

// writePEM writes PEM blocks of the given type into a file and returns its
// path.
func writePEM(t *testing.T, name, blockType string, der []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTLS(t *testing.T) {
	// A client certificate the server requires.
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "srctl"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	certDER, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	clientCert, _ := x509.ParseCertificate(certDER)
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile := writePEM(t, "client.pem", "CERTIFICATE", certDER)
	keyFile := writePEM(t, "client-key.pem", "EC PRIVATE KEY", keyDER)

	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode([]string{"s"})
	}))
	pool := x509.NewCertPool()
	pool.AddCert(clientCert)
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	srv.StartTLS()
	defer srv.Close()
	caFile := writePEM(t, "ca.pem", "CERTIFICATE", srv.Certificate().Raw)

	tests := []struct {
		name string
		opts Options
		ok   bool
	}{
		{"trusted CA and client certificate", Options{CAFile: caFile, CertFile: certFile, KeyFile: keyFile}, true},
		{"unknown CA", Options{CertFile: certFile, KeyFile: keyFile}, false},
		{"no client certificate", Options{CAFile: caFile}, false},
		{"verification off", Options{InsecureSkipVerify: true, CertFile: certFile, KeyFile: keyFile}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.URL = srv.URL
			c, err := New(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			subjects, err := c.Subjects(t.Context(), "", false)
			if tc.ok != (err == nil) || (tc.ok && len(subjects) != 1) {
				t.Errorf("got %v, %v", subjects, err)
			}
			var connErr *ConnectionError
			if err != nil && !errors.As(err, &connErr) {
				t.Errorf("a TLS failure is not a ConnectionError: %v", err)
			}
		})
	}
}

func TestConfigAsUpdate(t *testing.T) {
	got := Config{"compatibilityLevel": "FULL", "normalize": true}.AsUpdate()
	if len(got) != 2 || got["compatibility"] != "FULL" || got["normalize"] != true || got.Level() != "FULL" {
		t.Errorf("got %v", got)
	}
}
