package server

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/goschemaregistry/registry/compat"
	"github.com/goschemaregistry/registry/storage"
)

// configRequest is the body of PUT /config (Confluent's
// ConfigUpdateRequest). A member left out keeps the stored setting, one
// sent as null clears it, as Confluent reads the request since 7.7.4. The
// contract members hold Confluent's normalized form once read.
type configRequest struct {
	Alias              setting[string] `json:"alias"`
	AliasForDeks       setting[string] `json:"aliasForDeks"`
	Normalize          setting[bool]   `json:"normalize"`
	ValidateFields     setting[bool]   `json:"validateFields"`
	ValidateNewSchemas setting[bool]   `json:"validateNewSchemas"`
	ValidateRules      setting[bool]   `json:"validateRules"`
	Compatibility      setting[string] `json:"compatibility"`
	// CompatibilityLevel is the name GET /config answers with; some
	// clients send it back, so it is accepted as a spelling of
	// Compatibility, which wins when both are given.
	CompatibilityLevel  setting[string]          `json:"compatibilityLevel"`
	CompatibilityPolicy setting[string]          `json:"compatibilityPolicy"`
	CompatibilityGroup  setting[string]          `json:"compatibilityGroup"`
	DefaultMetadata     setting[json.RawMessage] `json:"defaultMetadata"`
	OverrideMetadata    setting[json.RawMessage] `json:"overrideMetadata"`
	DefaultRuleSet      setting[json.RawMessage] `json:"defaultRuleSet"`
	OverrideRuleSet     setting[json.RawMessage] `json:"overrideRuleSet"`
}

// setting is a member of a config update: whether the request names it,
// and its value, nil when sent as null.
type setting[T any] struct {
	given bool
	value *T
}

// UnmarshalJSON records the member as given, null included: encoding/json
// hands null to a type that decodes itself.
func (s *setting[T]) UnmarshalJSON(data []byte) error {
	s.given, s.value = true, nil
	if string(data) == "null" {
		return nil
	}
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	s.value = &v
	return nil
}

// orZero returns the setting's value, the zero value for null or absent.
func (s setting[T]) orZero() T {
	var zero T
	if s.value == nil {
		return zero
	}
	return *s.value
}

// assign sets *dst to the setting's value, or clears it for null, when
// the request names the setting.
func assign[T any](dst *T, s setting[T]) {
	if s.given {
		*dst = s.orZero()
	}
}

// assignFlag is assign for the settings a config stores as optional
// booleans.
func assignFlag(dst **bool, s setting[bool]) {
	if s.given {
		*dst = s.value
	}
}

// read checks the request as Confluent does, in its order: the shape of
// the contract members (400), the compatibility level (42203), then the
// default and override rule sets (42210). It returns the change to apply
// to the stored configuration.
func (req *configRequest) read() (func(*storage.ConfigValue), *Error) {
	defaultMetadata, apiErr := decodeMetadata(req.DefaultMetadata.orZero())
	if apiErr != nil {
		return nil, apiErr
	}
	overrideMetadata, apiErr := decodeMetadata(req.OverrideMetadata.orZero())
	if apiErr != nil {
		return nil, apiErr
	}
	defaultRules, apiErr := decodeRuleSet(req.DefaultRuleSet.orZero())
	if apiErr != nil {
		return nil, apiErr
	}
	overrideRules, apiErr := decodeRuleSet(req.OverrideRuleSet.orZero())
	if apiErr != nil {
		return nil, apiErr
	}
	level, apiErr := req.level()
	if apiErr != nil {
		return nil, apiErr
	}
	for _, rules := range []*ruleSet{defaultRules, overrideRules} {
		if apiErr := rules.validate(); apiErr != nil {
			return nil, apiErr
		}
	}
	defaultRuleSet, overrideRuleSet := defaultRules.bytes(), overrideRules.bytes()
	return func(c *storage.ConfigValue) {
		assign(&c.Alias, req.Alias)
		assign(&c.AliasForDeks, req.AliasForDeks)
		assignFlag(&c.Normalize, req.Normalize)
		assignFlag(&c.ValidateFields, req.ValidateFields)
		assignFlag(&c.ValidateNewSchemas, req.ValidateNewSchemas)
		assignFlag(&c.ValidateRules, req.ValidateRules)
		assign(&c.CompatibilityLevel, level)
		assign(&c.CompatibilityPolicy, req.CompatibilityPolicy)
		assign(&c.CompatibilityGroup, req.CompatibilityGroup)
		for _, member := range []struct {
			dst   *json.RawMessage
			given bool
			value json.RawMessage
		}{
			{&c.DefaultMetadata, req.DefaultMetadata.given, defaultMetadata},
			{&c.OverrideMetadata, req.OverrideMetadata.given, overrideMetadata},
			{&c.DefaultRuleSet, req.DefaultRuleSet.given, defaultRuleSet},
			{&c.OverrideRuleSet, req.OverrideRuleSet.given, overrideRuleSet},
		} {
			if member.given {
				*member.dst = member.value
			}
		}
	}, nil
}

// level returns the compatibility setting the request makes, the level
// named as the API names it: compatibility when given (null included),
// else compatibilityLevel. Both spellings must name a level.
func (req *configRequest) level() (setting[string], *Error) {
	for _, name := range []setting[string]{req.CompatibilityLevel, req.Compatibility} {
		if name.value == nil {
			continue
		}
		if _, ok := compat.ParseLevel(*name.value); !ok {
			return setting[string]{}, errInvalidCompatibilityLevel()
		}
	}
	chosen := req.Compatibility
	if !chosen.given {
		chosen = req.CompatibilityLevel
	}
	if chosen.value != nil {
		level, _ := compat.ParseLevel(*chosen.value)
		name := string(level)
		chosen.value = &name
	}
	return chosen, nil
}

// configUpdateResponse is the answer to PUT /config: the configuration as
// the change left it, in the shape of Confluent's ConfigUpdateRequest (the
// level named compatibility), as Confluent answers since 7.7.4.
type configUpdateResponse struct {
	Alias               string          `json:"alias,omitempty"`
	AliasForDeks        string          `json:"aliasForDeks,omitempty"`
	Normalize           *bool           `json:"normalize,omitempty"`
	ValidateFields      *bool           `json:"validateFields,omitempty"`
	ValidateNewSchemas  *bool           `json:"validateNewSchemas,omitempty"`
	ValidateRules       *bool           `json:"validateRules,omitempty"`
	Compatibility       string          `json:"compatibility,omitempty"`
	CompatibilityPolicy string          `json:"compatibilityPolicy,omitempty"`
	CompatibilityGroup  string          `json:"compatibilityGroup,omitempty"`
	DefaultMetadata     json.RawMessage `json:"defaultMetadata,omitempty"`
	OverrideMetadata    json.RawMessage `json:"overrideMetadata,omitempty"`
	DefaultRuleSet      json.RawMessage `json:"defaultRuleSet,omitempty"`
	OverrideRuleSet     json.RawMessage `json:"overrideRuleSet,omitempty"`
}

// configResponse is a configuration as GET /config returns it: the stored
// value without its subject, with the server's default level when it has
// none, its contract members as Confluent writes them.
func (s *Server) configResponse(c storage.ConfigValue) storage.ConfigValue {
	return storedConfig(s.registry.withDefaultLevel(c))
}

// storedConfig returns a stored configuration without its subject, its
// contract members as Confluent writes them.
func storedConfig(c storage.ConfigValue) storage.ConfigValue {
	c.Subject = ""
	c.DefaultMetadata, c.OverrideMetadata = storedMetadata(c.DefaultMetadata), storedMetadata(c.OverrideMetadata)
	c.DefaultRuleSet, c.OverrideRuleSet = storedRuleSet(c.DefaultRuleSet), storedRuleSet(c.OverrideRuleSet)
	return c
}

func (s *Server) getGlobalConfig(c echo.Context) error {
	return writeJSON(c, http.StatusOK, s.configResponse(s.registry.effectiveConfig("")))
}

func (s *Server) getSubjectConfig(c echo.Context) error {
	subject, apiErr := s.subjectParam(c)
	if apiErr != nil {
		return apiErr
	}
	if cfg, ok := s.registry.view.Config(subject); ok {
		return writeJSON(c, http.StatusOK, s.configResponse(cfg))
	}
	if boolQuery(c, "defaultToGlobal") {
		return writeJSON(c, http.StatusOK, s.configResponse(s.registry.effectiveConfig("")))
	}
	return errSubjectCompatNotConfigured(subject)
}

func (s *Server) putGlobalConfig(c echo.Context) error { return s.putConfig(c, "") }

func (s *Server) putSubjectConfig(c echo.Context) error {
	subject, apiErr := s.subjectParam(c)
	if apiErr != nil {
		return apiErr
	}
	return s.putConfig(c, subject)
}

func (s *Server) putConfig(c echo.Context, subject string) error {
	var req configRequest
	if err := s.decodeBody(c, &req); err != nil {
		return err
	}
	update, apiErr := req.read()
	if apiErr != nil {
		return apiErr
	}
	if subject != "" {
		if apiErr := checkNamedSubject(subject); apiErr != nil {
			return apiErr
		}
	}
	stored, apiErr := s.registry.setConfig(requestContext(c), subject, update)
	if apiErr != nil {
		return apiErr
	}
	// Confluent answers the config as stored, without filling in a level.
	cfg := storedConfig(stored)
	return writeJSON(c, http.StatusOK, configUpdateResponse{
		Alias: cfg.Alias, AliasForDeks: cfg.AliasForDeks, Normalize: cfg.Normalize,
		ValidateFields: cfg.ValidateFields, ValidateNewSchemas: cfg.ValidateNewSchemas,
		ValidateRules: cfg.ValidateRules, Compatibility: cfg.CompatibilityLevel,
		CompatibilityPolicy: cfg.CompatibilityPolicy, CompatibilityGroup: cfg.CompatibilityGroup,
		DefaultMetadata: cfg.DefaultMetadata, OverrideMetadata: cfg.OverrideMetadata,
		DefaultRuleSet: cfg.DefaultRuleSet, OverrideRuleSet: cfg.OverrideRuleSet,
	})
}

func (s *Server) deleteGlobalConfig(c echo.Context) error { return s.deleteConfig(c, "") }

func (s *Server) deleteSubjectConfig(c echo.Context) error {
	subject, apiErr := s.subjectParam(c)
	if apiErr != nil {
		return apiErr
	}
	return s.deleteConfig(c, subject)
}

func (s *Server) deleteConfig(c echo.Context, subject string) error {
	old, apiErr := s.registry.deleteConfig(requestContext(c), subject)
	if apiErr != nil {
		return apiErr
	}
	return writeJSON(c, http.StatusOK, s.configResponse(old))
}

// modeBody is the body and answer of the mode API.
type modeBody struct {
	Mode string `json:"mode"`
}

func (s *Server) getGlobalMode(c echo.Context) error {
	return writeJSON(c, http.StatusOK, modeBody{s.registry.effectiveMode("")})
}

func (s *Server) getSubjectMode(c echo.Context) error {
	subject, apiErr := s.subjectParam(c)
	if apiErr != nil {
		return apiErr
	}
	if m, ok := s.registry.view.Mode(subject); ok {
		return writeJSON(c, http.StatusOK, modeBody{m})
	}
	if boolQuery(c, "defaultToGlobal") {
		return writeJSON(c, http.StatusOK, modeBody{s.registry.effectiveMode(subject)})
	}
	return errSubjectModeNotConfigured(subject)
}

func (s *Server) putGlobalMode(c echo.Context) error { return s.putMode(c, "") }

func (s *Server) putSubjectMode(c echo.Context) error {
	subject, apiErr := s.subjectParam(c)
	if apiErr != nil {
		return apiErr
	}
	if apiErr := checkNamedSubject(subject); apiErr != nil {
		return apiErr
	}
	return s.putMode(c, subject)
}

// modeRequest is the body of PUT /mode: Mode is nil when absent and
// "null" when sent as null.
type modeRequest struct {
	Mode json.RawMessage `json:"mode"`
}

func (s *Server) putMode(c echo.Context, subject string) error {
	var req modeRequest
	if err := s.decodeBody(c, &req); err != nil {
		return err
	}
	if string(req.Mode) == "null" {
		// As in Confluent since 7.9.3, a null mode removes the setting.
		if apiErr := s.registry.clearMode(requestContext(c), subject); apiErr != nil {
			return apiErr
		}
		return writeJSON(c, http.StatusOK, map[string]any{"mode": nil})
	}
	var text string
	if req.Mode != nil {
		var apiErr *Error
		if text, apiErr = readText(req.Mode); apiErr != nil {
			return apiErr
		}
	}
	mode := strings.ToUpper(text)
	switch mode {
	case modeReadWrite, modeReadOnly, modeReadOnlyOverride, modeImport:
	default:
		return errInvalidMode()
	}
	if apiErr := s.registry.setMode(requestContext(c), subject, mode, boolQuery(c, "force")); apiErr != nil {
		return apiErr
	}
	return writeJSON(c, http.StatusOK, modeBody{mode})
}

func (s *Server) deleteGlobalMode(c echo.Context) error { return s.deleteMode(c, "") }

func (s *Server) deleteSubjectMode(c echo.Context) error {
	subject, apiErr := s.subjectParam(c)
	if apiErr != nil {
		return apiErr
	}
	return s.deleteMode(c, subject)
}

func (s *Server) deleteMode(c echo.Context, subject string) error {
	old, apiErr := s.registry.deleteMode(requestContext(c), subject)
	if apiErr != nil {
		return apiErr
	}
	return writeJSON(c, http.StatusOK, modeBody{old})
}
