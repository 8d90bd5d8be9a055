package client

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/goschemaregistry/registry/formats"
)

// Schema is a subject version as GET /subjects/{subject}/versions/{version}
// answers it, or a schema fetched by id (then without subject, version and
// id).
type Schema struct {
	Subject    string              `json:"subject,omitempty"`
	Version    int                 `json:"version,omitempty"`
	ID         int                 `json:"id,omitempty"`
	SchemaType string              `json:"schemaType,omitempty"`
	References []formats.Reference `json:"references,omitempty"`
	Metadata   json.RawMessage     `json:"metadata,omitempty"`
	RuleSet    json.RawMessage     `json:"ruleSet,omitempty"`
	Schema     string              `json:"schema"`
}

// Type returns the schema type, AVRO when the registry left it out.
func (s *Schema) Type() string {
	if s.SchemaType == "" {
		return formats.TypeAvro
	}
	return s.SchemaType
}

// dropNulls forgets metadata and rule sets written as JSON null, so that
// they read as absent.
func (s *Schema) dropNulls() {
	if string(s.Metadata) == "null" {
		s.Metadata = nil
	}
	if string(s.RuleSet) == "null" {
		s.RuleSet = nil
	}
}

// SchemaRequest is a schema sent to be registered or tested.
type SchemaRequest struct {
	Schema string `json:"schema"`
	// SchemaType is left out for Avro, which every registry version
	// understands.
	SchemaType string              `json:"schemaType,omitempty"`
	References []formats.Reference `json:"references,omitempty"`
	Metadata   json.RawMessage     `json:"metadata,omitempty"`
	RuleSet    json.RawMessage     `json:"ruleSet,omitempty"`
	// ID and Version, when set, are kept by a registry in IMPORT mode.
	ID      int `json:"id,omitempty"`
	Version int `json:"version,omitempty"`
}

// NewSchemaRequest returns the request for a schema of the given type.
func NewSchemaRequest(schemaType, text string, refs []formats.Reference) SchemaRequest {
	if schemaType == formats.TypeAvro {
		schemaType = ""
	}
	return SchemaRequest{Schema: text, SchemaType: schemaType, References: refs}
}

// SubjectVersion names one version of a subject.
type SubjectVersion struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// Compatibility is the verbose answer of a compatibility test.
type Compatibility struct {
	IsCompatible bool     `json:"is_compatible"`
	Messages     []string `json:"messages"`
}

// Config is a compatibility configuration as GET /config answers it:
// compatibilityLevel and whatever other settings the registry has.
type Config map[string]any

// Level returns the compatibility level the configuration sets, or "".
func (c Config) Level() string {
	for _, key := range []string{"compatibilityLevel", "compatibility"} {
		if s, ok := c[key].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// AsUpdate returns the configuration as a PUT /config body, which names
// the level "compatibility" where GET answers "compatibilityLevel".
func (c Config) AsUpdate() Config {
	update := make(Config, len(c))
	for k, v := range c {
		if k == "compatibilityLevel" {
			k = "compatibility"
		}
		update[k] = v
	}
	return update
}

// Subjects lists the subjects whose names start with prefix, soft-deleted
// ones too when deleted is set.
func (c *Client) Subjects(ctx context.Context, prefix string, deleted bool) ([]string, error) {
	query := flag(url.Values{}, "deleted", deleted)
	if prefix != "" {
		query.Set("subjectPrefix", prefix)
	}
	var out []string
	return out, c.call(ctx, "GET", "/subjects", query, nil, &out)
}

// Versions lists the versions of subject, soft-deleted ones too when
// deleted is set.
func (c *Client) Versions(ctx context.Context, subject string, deleted bool) ([]int, error) {
	var out []int
	return out, c.call(ctx, "GET", pathOf("subjects", subject, "versions"), flag(nil, "deleted", deleted), nil, &out)
}

// Version fetches one version of subject: a number or "latest". A
// soft-deleted version is found only when deleted is set.
func (c *Client) Version(ctx context.Context, subject, version string, deleted bool) (Schema, error) {
	var out Schema
	err := c.call(ctx, "GET", pathOf("subjects", subject, "versions", version), flag(nil, "deleted", deleted), nil, &out)
	out.dropNulls()
	return out, err
}

// SchemaByID fetches the schema with the given id.
func (c *Client) SchemaByID(ctx context.Context, id int) (Schema, error) {
	var out Schema
	err := c.call(ctx, "GET", pathOf("schemas", "ids", strconv.Itoa(id)), nil, nil, &out)
	out.dropNulls()
	return out, err
}

// VersionsByID lists the subject versions that hold the schema with the
// given id.
func (c *Client) VersionsByID(ctx context.Context, id int) ([]SubjectVersion, error) {
	var out []SubjectVersion
	return out, c.call(ctx, "GET", pathOf("schemas", "ids", strconv.Itoa(id), "versions"), nil, nil, &out)
}

// Register registers a schema under subject and returns its id.
func (c *Client) Register(ctx context.Context, subject string, req SchemaRequest, normalize bool) (int, error) {
	var out struct {
		ID int `json:"id"`
	}
	err := c.call(ctx, "POST", pathOf("subjects", subject, "versions"), flag(nil, "normalize", normalize), req, &out)
	return out.ID, err
}

// DeleteVersion deletes one version of subject (a number or "latest"),
// softly unless permanent is set, and returns its number.
func (c *Client) DeleteVersion(ctx context.Context, subject, version string, permanent bool) (int, error) {
	var out int
	return out, c.call(ctx, "DELETE", pathOf("subjects", subject, "versions", version), flag(nil, "permanent", permanent), nil, &out)
}

// DeleteSubject deletes every version of subject, softly unless permanent
// is set, and returns their numbers.
func (c *Client) DeleteSubject(ctx context.Context, subject string, permanent bool) ([]int, error) {
	var out []int
	return out, c.call(ctx, "DELETE", pathOf("subjects", subject), flag(nil, "permanent", permanent), nil, &out)
}

// TestCompatibility tests a schema against the versions of subject that
// its compatibility level asks for, with the registry's reasons.
func (c *Client) TestCompatibility(ctx context.Context, subject string, req SchemaRequest, normalize bool) (Compatibility, error) {
	var out Compatibility
	query := flag(flag(nil, "verbose", true), "normalize", normalize)
	return out, c.call(ctx, "POST", pathOf("compatibility", "subjects", subject, "versions"), query, req, &out)
}

// settingPath is the path of a config or mode, global when subject is "".
func settingPath(kind, subject string) string {
	if subject == "" {
		return "/" + kind
	}
	return pathOf(kind, subject)
}

// Config fetches the subject's configuration, or the global one when
// subject is "". A subject without one is a 404 error (see IsNotFound).
func (c *Client) Config(ctx context.Context, subject string) (Config, error) {
	var out Config
	return out, c.call(ctx, "GET", settingPath("config", subject), nil, nil, &out)
}

// SetConfig updates the subject's configuration, or the global one when
// subject is "", with the settings of update (a PUT /config body).
func (c *Client) SetConfig(ctx context.Context, subject string, update Config) error {
	return c.call(ctx, "PUT", settingPath("config", subject), nil, update, nil)
}

type modeBody struct {
	Mode string `json:"mode"`
}

// Mode fetches the subject's mode, or the global one when subject is "".
// A subject without one is a 404 error (see IsNotFound).
func (c *Client) Mode(ctx context.Context, subject string) (string, error) {
	var out modeBody
	return out.Mode, c.call(ctx, "GET", settingPath("mode", subject), nil, nil, &out)
}

// SetMode sets the subject's mode, or the global one when subject is "".
// force lets a registry that still holds schemas enter IMPORT mode.
func (c *Client) SetMode(ctx context.Context, subject, mode string, force bool) (string, error) {
	var out modeBody
	return out.Mode, c.call(ctx, "PUT", settingPath("mode", subject), flag(nil, "force", force), modeBody{mode}, &out)
}
