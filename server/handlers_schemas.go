package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/goschemaregistry/registry/formats"
	"github.com/goschemaregistry/registry/storage"
)

// schemaResponse is a subject version as the API returns it (Confluent's
// Schema entity). The type is left out for Avro, as Confluent 7 does.
type schemaResponse struct {
	Subject    string              `json:"subject,omitempty"`
	Version    int                 `json:"version,omitempty"`
	ID         int                 `json:"id,omitempty"`
	SchemaType string              `json:"schemaType,omitempty"`
	References []formats.Reference `json:"references,omitempty"`
	Metadata   json.RawMessage     `json:"metadata,omitempty"`
	RuleSet    json.RawMessage     `json:"ruleSet,omitempty"`
	Schema     string              `json:"schema"`
}

// schemaStringResponse is a schema fetched by id (Confluent's SchemaString).
type schemaStringResponse struct {
	SchemaType string              `json:"schemaType,omitempty"`
	Schema     string              `json:"schema"`
	References []formats.Reference `json:"references,omitempty"`
	Metadata   json.RawMessage     `json:"metadata,omitempty"`
	RuleSet    json.RawMessage     `json:"ruleSet,omitempty"`
	MaxID      int                 `json:"maxId,omitempty"`
}

// subjectVersion names one version of a subject.
type subjectVersion struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

func schemaStringAnswer(content *storage.Content, text string) schemaStringResponse {
	return schemaStringResponse{
		SchemaType: typeField(content.Type), Schema: text, References: content.References,
		Metadata: storedMetadata(content.Metadata), RuleSet: storedRuleSet(content.RuleSet),
	}
}

func typeField(t string) string {
	if t == formats.TypeAvro {
		return ""
	}
	return t
}

// formatted returns a stored schema's text in the asked output format.
func (s *Server) formatted(content *storage.Content, format string) (string, *Error) {
	if format == "" {
		return content.Schema, nil
	}
	ver := storage.Version{Content: content}
	parsed, err := s.registry.schemaFor(ver, false)
	if err != nil {
		return "", errInvalidSchema(err.Error())
	}
	text, err := parsed.Formatted(format)
	if errors.Is(err, formats.ErrUnknownFormat) {
		// Confluent falls back to the canonical text for formats a
		// schema type does not know.
		return content.Schema, nil
	}
	if err != nil {
		return "", errInvalidSchema(err.Error())
	}
	return text, nil
}

func (s *Server) versionResponse(ver storage.Version, format string) (schemaResponse, *Error) {
	text, apiErr := s.formatted(ver.Content, format)
	if apiErr != nil {
		return schemaResponse{}, apiErr
	}
	return schemaResponse{
		Subject: ver.Subject, Version: ver.Version, ID: ver.ID, SchemaType: typeField(ver.Type),
		References: ver.References, Metadata: storedMetadata(ver.Metadata), RuleSet: storedRuleSet(ver.RuleSet),
		Schema: text,
	}, nil
}

// contentByID finds the schema with the path's id. Confluent reads the
// subject query parameter only for the context to look in; with a single
// context it changes nothing, and the schema is found whatever the subject.
func (s *Server) contentByID(c echo.Context) (*storage.Content, *Error) {
	id, apiErr := idParam(c)
	if apiErr != nil {
		return nil, apiErr
	}
	content, ok := s.registry.view.SchemaByID(id)
	if !ok {
		return nil, errSchemaIDNotFound(id)
	}
	return content, nil
}

func (s *Server) schemaByID(c echo.Context) error {
	content, apiErr := s.contentByID(c)
	if apiErr != nil {
		return apiErr
	}
	if len(c.QueryParams()) == 0 {
		// Serializers fetch schemas by id all the time: the plain answer
		// is encoded once per schema.
		body := content.Answer(func() []byte {
			b, _ := storage.EncodeValue(schemaStringAnswer(content, content.Schema))
			return b
		})
		return c.Blob(http.StatusOK, contentType, body)
	}
	text, apiErr := s.formatted(content, c.QueryParam("format"))
	if apiErr != nil {
		return apiErr
	}
	resp := schemaStringAnswer(content, text)
	if boolQuery(c, "fetchMaxId") {
		resp.MaxID = s.registry.view.MaxID()
	}
	return writeJSON(c, http.StatusOK, resp)
}

func (s *Server) schemaTextByID(c echo.Context) error {
	content, apiErr := s.contentByID(c)
	if apiErr != nil {
		return apiErr
	}
	text, apiErr := s.formatted(content, c.QueryParam("format"))
	if apiErr != nil {
		return apiErr
	}
	return c.Blob(http.StatusOK, contentType, []byte(text))
}

func (s *Server) subjectsByID(c echo.Context) error {
	id, apiErr := idParam(c)
	if apiErr != nil {
		return apiErr
	}
	versions := s.registry.view.VersionsByID(id, boolQuery(c, "deleted"))
	if len(versions) == 0 {
		return errSchemaIDNotFound(id)
	}
	subjects := []string{}
	for _, v := range versions {
		if len(subjects) == 0 || subjects[len(subjects)-1] != v.Subject {
			subjects = append(subjects, v.Subject)
		}
	}
	return writeJSON(c, http.StatusOK, subjects)
}

func (s *Server) versionsByID(c echo.Context) error {
	id, apiErr := idParam(c)
	if apiErr != nil {
		return apiErr
	}
	versions := s.registry.view.VersionsByID(id, boolQuery(c, "deleted"))
	if len(versions) == 0 {
		return errSchemaIDNotFound(id)
	}
	out := make([]subjectVersion, len(versions))
	for i, v := range versions {
		out[i] = subjectVersion{v.Subject, v.Version}
	}
	return writeJSON(c, http.StatusOK, out)
}

// schemaTypeOrder is the order Confluent lists the schema types in (the
// iteration order of its Java HashMap of providers).
var schemaTypeOrder = []string{formats.TypeJSON, formats.TypeProtobuf, formats.TypeAvro}

func (s *Server) schemaTypes(c echo.Context) error {
	types := []string{}
	for _, t := range schemaTypeOrder {
		if s.registry.formats[t] != nil {
			types = append(types, t)
		}
	}
	return writeJSON(c, http.StatusOK, types)
}

func (s *Server) listSchemas(c echo.Context) error {
	offset, apiErr := intQuery(c, "offset", 0)
	if apiErr != nil {
		return apiErr
	}
	limit, apiErr := intQuery(c, "limit", -1)
	if apiErr != nil {
		return apiErr
	}
	withDeleted, latestOnly := boolQuery(c, "deleted"), boolQuery(c, "latestOnly")
	out := []schemaResponse{}
	skipped := 0
	full := false
	view := s.registry.view
	for _, subject := range s.subjectsWithPrefix(c.QueryParam("subjectPrefix"), storage.LiveAndDeleted) {
		versions := view.Versions(subject, withDeleted)
		if latestOnly && len(versions) > 0 {
			versions = versions[len(versions)-1:]
		}
		for _, v := range versions {
			if skipped < offset {
				skipped++
				continue
			}
			if limit > 0 && len(out) >= limit {
				full = true
				break
			}
			resp, _ := s.versionResponse(v, "")
			out = append(out, resp)
		}
		if full {
			break
		}
	}
	return writeJSON(c, http.StatusOK, out)
}

// Confluent's subject names in a context other than the default one are
// qualified as ":.context:name"; the wildcard ":*:" stands for every
// context.
const (
	contextPrefix   = ":."
	contextWildcard = ":*:"
)

// subjectsWithPrefix lists the subjects a subjectPrefix parameter selects,
// as Confluent reads it: ":*:" followed by a prefix selects the subjects of
// every context whose unqualified names start with it; a prefix naming a
// context (":.ctx:...") selects within that context; any other prefix,
// the empty one included, only selects subjects of the default context.
func (s *Server) subjectsWithPrefix(prefix string, filter storage.SubjectFilter) []string {
	view := s.registry.view
	rest, wildcard := strings.CutPrefix(prefix, contextWildcard)
	switch {
	case wildcard && rest == "":
		return view.Subjects("", filter)
	case wildcard:
		out := []string{}
		for _, subject := range view.Subjects("", filter) {
			if strings.HasPrefix(unqualifiedSubject(subject), rest) {
				out = append(out, subject)
			}
		}
		return out
	case strings.HasPrefix(prefix, contextPrefix):
		return view.Subjects(prefix, filter)
	}
	out := []string{}
	for _, subject := range view.Subjects(prefix, filter) {
		if !strings.HasPrefix(subject, contextPrefix) {
			out = append(out, subject)
		}
	}
	return out
}

// unqualifiedSubject returns a subject's name without its context.
func unqualifiedSubject(subject string) string {
	rest, qualified := strings.CutPrefix(subject, contextPrefix)
	if !qualified {
		return subject
	}
	_, name, found := strings.Cut(rest, ":")
	if !found {
		// Only a context: Confluent reads it as the context's empty name.
		return ""
	}
	return name
}
