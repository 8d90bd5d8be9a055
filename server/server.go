// Package server is the registry's HTTP API: Confluent Schema Registry's
// REST interface served from the in-memory view, with writes appended to the
// storage log.
package server

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/goschemaregistry/registry/compat"
	"github.com/goschemaregistry/registry/formats"
	"github.com/goschemaregistry/registry/storage"
)

// contentType is the media type of every answer, as in Confluent.
const contentType = "application/vnd.schemaregistry.v1+json"

// Config configures a Server.
type Config struct {
	// Log is the storage log holding the registry's state. Required.
	Log storage.Log
	// View is the view the log is replayed into. Required; the caller
	// runs Log.Follow into it.
	View *storage.View
	// Formats are the schema formats served, by type. Required.
	Formats []formats.Format
	// Logger receives the server's logs; nil means slog.Default().
	Logger *slog.Logger
	// DefaultCompatibility is the level used when no config is set;
	// default BACKWARD.
	DefaultCompatibility compat.Level
	// MaxBodyBytes limits request bodies; default 16 MiB.
	MaxBodyBytes int64
	// MaxSubjectLength limits subject names, in bytes; default 1024.
	MaxSubjectLength int
	// WriteTimeout bounds how long a write waits for the log; default 30s.
	WriteTimeout time.Duration
	// ClusterID is the Kafka cluster's id, reported by /v1/metadata/id;
	// default "registry" (the embedded log has no Kafka cluster).
	ClusterID string
	// GroupID names this registry cluster in /v1/metadata/id, as
	// Confluent's schema.registry.group.id does; default "schema-registry".
	GroupID string
	// Leadership, when set, makes the server one instance of a cluster:
	// writes are served by the leader only, and followers forward them.
	// Nil means a single instance that always writes.
	Leadership Leadership
	// Users, when set, turns on HTTP Basic authentication and role
	// checks; nil serves every request unauthenticated.
	Users *Users
	// MaxConcurrentRequests caps the requests served at once; 0 means
	// no cap.
	MaxConcurrentRequests int
	// ForwardTLS configures the TLS client a follower forwards writes to
	// an https leader with; nil trusts the system's roots.
	ForwardTLS *tls.Config
}

// Server serves the API.
type Server struct {
	echo      *echo.Echo
	registry  *registry
	config    Config
	forwarder *http.Client
	metrics   *metrics
	// startup is what readiness knows of the replay at start.
	startup startup
	// inFlight caps the requests served at once; nil for no cap.
	inFlight chan struct{}
}

// New returns a server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Log == nil || cfg.View == nil || len(cfg.Formats) == 0 {
		return nil, errors.New("server: Log, View and Formats are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.DefaultCompatibility == "" {
		cfg.DefaultCompatibility = compat.Backward
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 16 << 20
	}
	if cfg.MaxSubjectLength <= 0 {
		cfg.MaxSubjectLength = 1024
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 30 * time.Second
	}
	if cfg.ClusterID == "" {
		cfg.ClusterID = "registry"
	}
	if cfg.GroupID == "" {
		cfg.GroupID = "schema-registry"
	}
	reg := &registry{
		log:           cfg.Log,
		view:          cfg.View,
		formats:       map[string]formats.Format{},
		logger:        cfg.Logger,
		defaultCompat: cfg.DefaultCompatibility,
		writeTimeout:  cfg.WriteTimeout,
		lockSeed:      maphash.MakeSeed(),
		pendingIDs:    map[storage.ContentHash]int{},
		parsed:        newParseCache(2<<20, 200_000),
	}
	for _, f := range cfg.Formats {
		reg.formats[f.Type()] = f
	}
	s := &Server{echo: echo.New(), registry: reg, config: cfg, forwarder: newForwarder(cfg.WriteTimeout, cfg.ForwardTLS),
		inFlight: newInFlight(cfg.MaxConcurrentRequests)}
	s.metrics = newMetrics(s)
	s.echo.HideBanner = true
	s.echo.HidePort = true
	s.echo.HTTPErrorHandler = errorHandler
	s.echo.Logger.SetOutput(io.Discard)
	// Routing runs first, so every middleware sees the matched route.
	s.echo.Use(s.observe, s.limitConcurrency, s.authorize)
	s.routes()
	return s, nil
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// Handler returns the server as an http.Handler.
func (s *Server) Handler() http.Handler { return s }

// writeJSON writes v as Confluent does: compact JSON, with <, > and &
// unescaped, under Confluent's media type.
func writeJSON(c echo.Context, status int, v any) error {
	// Answers are encoded exactly as log values are.
	body, err := storage.EncodeValue(v)
	if err != nil {
		return err
	}
	return c.Blob(status, contentType, body)
}

// acceptedBodyTypes are the media types a request body may be sent as.
var acceptedBodyTypes = []string{
	"application/vnd.schemaregistry.v1+json",
	"application/vnd.schemaregistry+json",
	"application/json",
	"application/octet-stream",
}

// decodeBody decodes a JSON request body into v, refusing unknown fields,
// trailing data and bodies over the size limit with Confluent-shaped errors.
func (s *Server) decodeBody(c echo.Context, v any) error {
	req := c.Request()
	if ct := req.Header.Get(echo.HeaderContentType); ct != "" {
		mediaType := strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
		known := false
		for _, t := range acceptedBodyTypes {
			known = known || mediaType == t
		}
		if !known {
			return newError(http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType,
				"HTTP 415 Unsupported Media Type")
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), req.Body, s.config.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return newError(http.StatusRequestEntityTooLarge, http.StatusRequestEntityTooLarge,
				"Request body is larger than %d bytes", s.config.MaxBodyBytes)
		}
		return newError(http.StatusBadRequest, http.StatusBadRequest, "Could not read the request body: %v", err)
	}
	// A follower may still forward the request to the leader.
	req.Body = io.NopCloser(bytes.NewReader(body))
	return decodeJSON(body, v)
}

// decodeJSON decodes body into v as decodeBody describes. Like Jackson, it
// reads a number or boolean given for a top-level text field as its text;
// that is done again on the rare body that needs it, so that the common one
// is decoded once.
func decodeJSON(body []byte, v any) error {
	for coerced := 0; ; coerced++ {
		err := decodeStrict(body, v)
		var typeErr *json.UnmarshalTypeError
		if coerced < maxCoercedFields && errors.As(err, &typeErr) && isScalarForText(typeErr) {
			if text, ok := withFieldAsText(body, typeErr.Field); ok {
				body = text
				continue
			}
		}
		return requestBodyError(err)
	}
}

// maxCoercedFields bounds the decodings of one body.
const maxCoercedFields = 8

// isScalarForText reports whether a decoding failed on a number or a
// boolean given for a top-level text field.
func isScalarForText(e *json.UnmarshalTypeError) bool {
	return e.Type.Kind() == reflect.String && !strings.Contains(e.Field, ".") &&
		(strings.HasPrefix(e.Value, "number") || e.Value == "bool")
}

// withFieldAsText returns body, a JSON object, with the scalar value of
// field replaced by its text as a JSON string.
func withFieldAsText(body []byte, field string) ([]byte, bool) {
	var object map[string]json.RawMessage
	if json.Unmarshal(body, &object) != nil {
		return nil, false
	}
	for key, value := range object {
		// encoding/json matches field names regardless of case.
		if strings.EqualFold(key, field) && len(value) > 0 && value[0] != '"' {
			object[key], _ = json.Marshal(string(value))
		}
	}
	text, err := json.Marshal(object)
	return text, err == nil
}

// jsonShape is a value of the JSON kind a decoding error names
// ("object", "number 5", ...), for Jackson's wording of the error.
func jsonShape(kind string) any {
	switch {
	case kind == "object":
		return map[string]any{}
	case kind == "array":
		return []any{}
	case kind == "bool":
		return false
	case strings.HasPrefix(kind, "number"):
		return json.Number(cmp.Or(strings.TrimPrefix(kind, "number "), "0"))
	}
	return ""
}

// errTrailingData marks a body with more after its JSON value.
var errTrailingData = errors.New("trailing data")

// decodeStrict decodes body into v, refusing unknown fields and trailing
// data.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errTrailingData
	}
	return nil
}

// requestBodyError is a decoding failure as Confluent answers it.
func requestBodyError(err error) error {
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF):
		return newError(http.StatusBadRequest, http.StatusBadRequest, "Request body is empty")
	case errors.Is(err, errTrailingData):
		return newError(http.StatusBadRequest, http.StatusBadRequest, "Malformed JSON in request body: trailing data")
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return newError(http.StatusBadRequest, http.StatusBadRequest, "Malformed JSON in request body: %v", err)
	case errors.As(err, &typeErr):
		// Jackson's mapping failure, which Confluent answers 400.
		return unexpectedShape(javaTypeName(typeErr.Type), jsonShape(typeErr.Value))
	default:
		// Unknown fields and other mapping errors.
		return newError(statusUnprocessable, statusUnprocessable, "Unrecognized request body: %v",
			strings.TrimPrefix(err.Error(), "json: "))
	}
}

// requestContext returns the request's context. Writes keep its values but
// not its cancellation (registry.write), so that a client going away never
// leaves a write half done.
func requestContext(c echo.Context) context.Context { return c.Request().Context() }

// checkSubject refuses subjects that are not UTF-8 or are too long.
func (s *Server) checkSubject(subject string) *Error {
	if !isValidUTF8(subject) || len(subject) > s.config.MaxSubjectLength {
		return errInvalidSubject(fmt.Sprintf("%.64q", subject))
	}
	return nil
}
