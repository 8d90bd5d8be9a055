// Package client speaks Confluent Schema Registry's REST API. It uses only
// the endpoints and fields Confluent documents, so that it works the same
// against this registry, Confluent's and Karapace's.
package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// mediaType is the media type of Confluent's API, sent and accepted.
const mediaType = "application/vnd.schemaregistry.v1+json"

// Options says how to reach a registry.
type Options struct {
	// URL is the registry's base URL, e.g. http://localhost:8081; it may
	// carry a path prefix when the registry sits behind a proxy. Required.
	URL string
	// Username and Password, when Username is set, are sent as HTTP Basic
	// credentials with every request.
	Username, Password string
	// CAFile is a PEM file of the certificate authorities trusted for
	// https; empty means the system's.
	CAFile string
	// CertFile and KeyFile are a PEM client certificate and its key, for
	// registries that ask for one; both or neither.
	CertFile, KeyFile string
	// InsecureSkipVerify turns off the verification of the registry's
	// certificate.
	InsecureSkipVerify bool
	// Timeout bounds each request, answer included; 0 means 30 seconds.
	Timeout time.Duration
}

// Client talks to one registry. It is safe for concurrent use.
type Client struct {
	base     string // the URL without a trailing slash
	http     *http.Client
	username string
	password string
	timeout  time.Duration
}

// New returns a client for the registry opts describes. It fails when the
// URL is not an http(s) URL or a certificate file cannot be loaded.
func New(opts Options) (*Client, error) {
	base, err := url.Parse(opts.URL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("the registry URL %q is not an http:// or https:// URL", opts.URL)
	}
	tlsConfig, err := tlsConfig(opts)
	if err != nil {
		return nil, err
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = tlsConfig
	return &Client{
		base:     strings.TrimRight(opts.URL, "/"),
		http:     &http.Client{Transport: transport, Timeout: opts.Timeout},
		username: opts.Username,
		password: opts.Password,
		timeout:  opts.Timeout,
	}, nil
}

func tlsConfig(opts Options) (*tls.Config, error) {
	cfg := &tls.Config{InsecureSkipVerify: opts.InsecureSkipVerify} //nolint:gosec // asked for explicitly
	if opts.CAFile != "" {
		pem, err := os.ReadFile(opts.CAFile)
		if err != nil {
			return nil, fmt.Errorf("reading the CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("the CA file %s holds no PEM certificate", opts.CAFile)
		}
		cfg.RootCAs = pool
	}
	if (opts.CertFile == "") != (opts.KeyFile == "") {
		return nil, errors.New("a client certificate needs both a certificate file and a key file")
	}
	if opts.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(opts.CertFile, opts.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("loading the client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// URL returns the registry's base URL without its credentials, for
// messages.
func (c *Client) URL() string {
	u, err := url.Parse(c.base)
	if err != nil {
		return c.base
	}
	return u.Redacted()
}

// call sends one request and decodes a successful JSON answer into out
// (when not nil). path is already escaped; body, when not nil, is sent as
// JSON. Registry errors come back as *Error, transport errors as
// *ConnectionError.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, body, out any) error {
	target := c.base + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var reader io.Reader
	if body != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(body); err != nil {
			return err
		}
		reader = &buf
	}
	req, err := http.NewRequestWithContext(ctx, method, target, reader)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", mediaType+", application/json")
	if body != nil {
		req.Header.Set("Content-Type", mediaType)
	}
	if c.username != "" {
		req.SetBasicAuth(c.username, c.password)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return c.connectionError(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return c.connectionError(err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return answerError(resp, data)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("the registry at %s answered %s %s with something that is not the expected JSON: %s",
			c.URL(), method, path, snippet(data))
	}
	return nil
}

func (c *Client) connectionError(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	return &ConnectionError{URL: c.URL(), Timeout: c.timeout, Err: err}
}

// answerError turns an unsuccessful answer into an *Error, with Confluent's
// error code when the body has Confluent's error shape.
func answerError(resp *http.Response, body []byte) *Error {
	var shaped struct {
		Code    int    `json:"error_code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(body, &shaped); err == nil && (shaped.Code != 0 || shaped.Message != "") {
		return &Error{Status: resp.StatusCode, Code: shaped.Code, Message: shaped.Message}
	}
	msg := "HTTP " + resp.Status
	if s := snippet(body); s != "" {
		msg += ": " + s
	}
	return &Error{Status: resp.StatusCode, Message: msg}
}

// snippet returns the start of a body for an error message.
func snippet(body []byte) string {
	const limit = 200
	s := strings.TrimSpace(string(body))
	if len(s) > limit {
		s = s[:limit] + "..."
	}
	return s
}

// pathOf joins escaped path segments: each of parts is escaped as one
// segment, so that a subject holding '/' or '?' stays one segment.
func pathOf(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(p))
	}
	return b.String()
}

// flag returns query with name=true added when on is set.
func flag(query url.Values, name string, on bool) url.Values {
	if on {
		if query == nil {
			query = url.Values{}
		}
		query.Set(name, "true")
	}
	return query
}
