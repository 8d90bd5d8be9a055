package server

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/goschemaregistry/registry/formats"
	"github.com/goschemaregistry/registry/storage"
)

// schemaRequest is the body of register, lookup and compatibility
// requests (Confluent's RegisterSchemaRequest). Fields Confluent accepts
// but this registry does not act on (schema tags) are accepted and ignored.
// Metadata and RuleSet hold Confluent's normalized form once decoded.
type schemaRequest struct {
	Schema              string              `json:"schema"`
	SchemaType          string              `json:"schemaType"`
	References          []formats.Reference `json:"references"`
	Metadata            json.RawMessage     `json:"metadata"`
	RuleSet             json.RawMessage     `json:"ruleSet"`
	Version             *int                `json:"version"`
	ID                  *int                `json:"id"`
	SchemaTagsToAdd     json.RawMessage     `json:"schemaTagsToAdd"`
	SchemaTagsToRemove  json.RawMessage     `json:"schemaTagsToRemove"`
	PropagateSchemaTags *bool               `json:"propagateSchemaTags"`

	// ruleSet is RuleSet decoded, for the checks of a registration.
	ruleSet *ruleSet
}

// readContracts reads the metadata and rule set as Confluent's entities
// and keeps them in the form Confluent stores and answers.
func (req *schemaRequest) readContracts() *Error {
	var apiErr *Error
	if req.Metadata, apiErr = decodeMetadata(req.Metadata); apiErr != nil {
		return apiErr
	}
	if req.ruleSet, apiErr = decodeRuleSet(req.RuleSet); apiErr != nil {
		return apiErr
	}
	req.RuleSet = req.ruleSet.bytes()
	return nil
}

func (req *schemaRequest) input() schemaInput {
	return schemaInput{
		Schema: req.Schema, SchemaType: req.SchemaType, References: req.References,
		Metadata: nullIfEmpty(req.Metadata), RuleSet: nullIfEmpty(req.RuleSet),
	}
}

func (s *Server) decodeSchemaRequest(c echo.Context) (*schemaRequest, error) {
	var req schemaRequest
	if err := s.decodeBody(c, &req); err != nil {
		return nil, err
	}
	if apiErr := req.readContracts(); apiErr != nil {
		return nil, apiErr
	}
	return &req, nil
}

func (s *Server) listSubjects(c echo.Context) error {
	filter := storage.LiveOnly
	switch {
	case boolQuery(c, "deletedOnly"):
		filter = storage.DeletedOnly
	case boolQuery(c, "deleted"):
		filter = storage.LiveAndDeleted
	}
	// Unlike GET /schemas, the subjects of every context by default.
	prefix := contextWildcard
	if c.QueryParams().Has("subjectPrefix") {
		prefix = c.QueryParam("subjectPrefix")
	}
	return writeJSON(c, http.StatusOK, s.subjectsWithPrefix(prefix, filter))
}

func (s *Server) listVersions(c echo.Context) error {
	subject, apiErr := s.subjectParam(c)
	if apiErr != nil {
		return apiErr
	}
	deletedOnly := boolQuery(c, "deletedOnly")
	versions := s.registry.view.Versions(subject, deletedOnly || boolQuery(c, "deleted"))
	out := []int{}
	for _, v := range versions {
		if !deletedOnly || v.Deleted {
			out = append(out, v.Version)
		}
	}
	if len(out) == 0 {
		return errSubjectNotFound(subject)
	}
	return writeJSON(c, http.StatusOK, out)
}

func (s *Server) lookupSchema(c echo.Context) error {
	subject, apiErr := s.subjectParam(c)
	if apiErr != nil {
		return apiErr
	}
	req, err := s.decodeSchemaRequest(c)
	if err != nil {
		return err
	}
	in := req.input()
	ver, apiErr := s.registry.lookup(subject, &in, boolQuery(c, "normalize"), boolQuery(c, "deleted"))
	if apiErr != nil {
		return apiErr
	}
	resp, apiErr := s.versionResponse(ver, c.QueryParam("format"))
	if apiErr != nil {
		return apiErr
	}
	return writeJSON(c, http.StatusOK, resp)
}

// registerResponse is the answer to a registration, as in Confluent 7.9:
// the id alone, unless the registry changed what the client sent (filled
// in the schema, merged metadata or rules in), when the schema as
// registered follows.
type registerResponse struct {
	ID         int                 `json:"id"`
	Version    int                 `json:"version,omitempty"`
	SchemaType string              `json:"schemaType,omitempty"`
	References []formats.Reference `json:"references,omitempty"`
	Metadata   json.RawMessage     `json:"metadata,omitempty"`
	RuleSet    json.RawMessage     `json:"ruleSet,omitempty"`
	Schema     string              `json:"schema,omitempty"`
}

func newRegisterResponse(reg registration) registerResponse {
	resp := registerResponse{ID: reg.id}
	if m := reg.modified; m != nil {
		resp.Version, resp.SchemaType, resp.References = m.version, typeField(m.schema.Type()), m.in.References
		resp.Metadata, resp.RuleSet, resp.Schema = m.in.Metadata, m.in.RuleSet, m.schema.Canonical()
	}
	return resp
}

func (s *Server) registerSchema(c echo.Context) error {
	subject, apiErr := s.subjectParam(c)
	if apiErr != nil {
		return apiErr
	}
	req, err := s.decodeSchemaRequest(c)
	if err != nil {
		return err
	}
	// Confluent checks the rules before the subject's name.
	if apiErr := req.ruleSet.validate(); apiErr != nil {
		return apiErr
	}
	if apiErr := checkNamedSubject(subject); apiErr != nil {
		return apiErr
	}
	in := &registerRequest{schemaInput: req.input(), Version: req.Version, ID: req.ID}
	normalize := boolQuery(c, "normalize")
	if id, ok := s.registry.registered(subject, in, normalize); ok {
		return writeJSON(c, http.StatusOK, registerResponse{ID: id})
	}
	return s.forwardWrites(func(c echo.Context) error {
		reg, apiErr := s.registry.register(requestContext(c), subject, in, normalize)
		if apiErr != nil {
			return apiErr
		}
		return writeJSON(c, http.StatusOK, newRegisterResponse(reg))
	})(c)
}

// latestWithMetadata answers GET /subjects/{subject}/metadata as
// Confluent's getLatestWithMetadata does: the newest version whose metadata
// has every property given by the key and value parameters, paired in
// order (a key without a value is left out, a repeated key keeps its last
// value).
func (s *Server) latestWithMetadata(c echo.Context) error {
	subject, apiErr := s.subjectParam(c)
	if apiErr != nil {
		return apiErr
	}
	query := c.QueryParams()
	keys, values := query["key"], query["value"]
	wanted := make(map[string]string, min(len(keys), len(values)))
	for i := range min(len(keys), len(values)) {
		wanted[keys[i]] = values[i]
	}
	withDeleted := boolQuery(c, "deleted")
	ver, ok := s.registry.latestWithMetadata(subject, wanted, withDeleted)
	if !ok {
		if !s.registry.view.SubjectExists(subject, withDeleted) {
			return errSubjectNotFound(subject)
		}
		return errSchemaNotFound()
	}
	resp, apiErr := s.versionResponse(ver, c.QueryParam("format"))
	if apiErr != nil {
		return apiErr
	}
	return writeJSON(c, http.StatusOK, resp)
}

func (s *Server) getVersion(c echo.Context) error {
	ver, apiErr := s.versionFromPath(c)
	if apiErr != nil {
		return apiErr
	}
	resp, apiErr := s.versionResponse(ver, c.QueryParam("format"))
	if apiErr != nil {
		return apiErr
	}
	return writeJSON(c, http.StatusOK, resp)
}

func (s *Server) getVersionSchemaText(c echo.Context) error {
	ver, apiErr := s.versionFromPath(c)
	if apiErr != nil {
		return apiErr
	}
	text, apiErr := s.formatted(ver.Content, c.QueryParam("format"))
	if apiErr != nil {
		return apiErr
	}
	return c.Blob(http.StatusOK, contentType, []byte(text))
}

// versionFromPath finds the subject version the path names.
func (s *Server) versionFromPath(c echo.Context) (storage.Version, *Error) {
	subject, apiErr := s.subjectParam(c)
	if apiErr != nil {
		return storage.Version{}, apiErr
	}
	version, apiErr := versionParam(c)
	if apiErr != nil {
		return storage.Version{}, apiErr
	}
	return s.registry.resolveVersion(subject, version, boolQuery(c, "deleted"))
}

func (s *Server) referencedBy(c echo.Context) error {
	ver, apiErr := s.versionFromPath(c)
	if apiErr != nil {
		return apiErr
	}
	return writeJSON(c, http.StatusOK, s.registry.view.ReferencedBy(ver.Subject, ver.Version, false))
}

func (s *Server) deleteVersion(c echo.Context) error {
	subject, apiErr := s.subjectParam(c)
	if apiErr != nil {
		return apiErr
	}
	version, apiErr := versionParam(c)
	if apiErr != nil {
		return apiErr
	}
	deleted, apiErr := s.registry.deleteVersion(requestContext(c), subject, version, c.Param("version"), boolQuery(c, "permanent"))
	if apiErr != nil {
		return apiErr
	}
	return writeJSON(c, http.StatusOK, deleted)
}

func (s *Server) deleteSubject(c echo.Context) error {
	subject, apiErr := s.subjectParam(c)
	if apiErr != nil {
		return apiErr
	}
	deleted, apiErr := s.registry.deleteSubject(requestContext(c), subject, boolQuery(c, "permanent"))
	if apiErr != nil {
		return apiErr
	}
	return writeJSON(c, http.StatusOK, deleted)
}

// compatibilityResponse is the answer to a compatibility test.
type compatibilityResponse struct {
	IsCompatible bool `json:"is_compatible"`
	// Messages is set only for verbose tests, where an empty list is
	// written as [] (an interface holding a slice is never "empty").
	Messages any `json:"messages,omitempty"`
}

func (s *Server) testCompatibilityAll(c echo.Context) error {
	return s.testCompatibility(c, false)
}

func (s *Server) testCompatibilityVersion(c echo.Context) error {
	return s.testCompatibility(c, true)
}

// testCompatibility tests a schema against every live version of the
// subject, or against the one version the path names.
func (s *Server) testCompatibility(c echo.Context, oneVersion bool) error {
	subject, apiErr := s.subjectParam(c)
	if apiErr != nil {
		return apiErr
	}
	var previous []storage.Version
	if oneVersion {
		version, apiErr := versionParam(c)
		if apiErr != nil {
			return apiErr
		}
		ver, apiErr := s.registry.resolveVersion(subject, version, false)
		switch {
		case apiErr == nil:
			previous = []storage.Version{ver}
		case version == -1:
			// Testing against the latest version of an empty subject
			// passes, as in Confluent.
		default:
			return errVersionNotFound(version)
		}
	} else {
		previous = s.registry.previousVersions(subject)
	}
	req, err := s.decodeSchemaRequest(c)
	if err != nil {
		return err
	}
	verbose := boolQuery(c, "verbose")
	in := req.input()
	normalize := boolQuery(c, "normalize") || s.registry.normalizeByDefault(subject)
	var messages []string
	parsed, apiErr := s.registry.parse(subject, &in, normalize, true)
	if apiErr != nil {
		if !verbose {
			return apiErr
		}
		messages = []string{apiErr.Message}
	} else {
		messages = s.registry.checkCompatibility(subject, parsed.schema, previous, normalize)
	}
	resp := compatibilityResponse{IsCompatible: len(messages) == 0}
	if verbose {
		if messages == nil {
			messages = []string{}
		}
		resp.Messages = messages
	}
	return writeJSON(c, http.StatusOK, resp)
}
