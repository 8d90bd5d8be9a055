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
// ConfigUpdateRequest). The contract members hold Confluent's normalized
// form once read.
type configRequest struct {
	Alias               string  `json:"alias"`
	AliasForDeks        string  `json:"aliasForDeks"`
	Normalize           *bool   `json:"normalize"`
	ValidateFields      *bool   `json:"validateFields"`
	ValidateNewSchemas  *bool   `json:"validateNewSchemas"`
	ValidateRules       *bool   `json:"validateRules"`
	Compatibility       *string `json:"compatibility"`
	CompatibilityPolicy string  `json:"compatibilityPolicy"`
	CompatibilityGroup  string  `json:"compatibilityGroup"`
	// CompatibilityLevel is the name GET /config answers with; some
	// clients send it back, so it is accepted as a spelling of
	// Compatibility, which wins when both are given.
	CompatibilityLevel *string         `json:"compatibilityLevel"`
	DefaultMetadata    json.RawMessage `json:"defaultMetadata"`
	OverrideMetadata   json.RawMessage `json:"overrideMetadata"`
	DefaultRuleSet     json.RawMessage `json:"defaultRuleSet"`
	OverrideRuleSet    json.RawMessage `json:"overrideRuleSet"`
}

// read checks the request as Confluent does, in its order: the shape of
// the contract members (400), the compatibility level (42203), then the
// default and override rule sets (42210). It returns the settings to
// merge into the stored configuration.
func (req *configRequest) read() (storage.ConfigValue, *Error) {
	update := storage.ConfigValue{
		Alias: req.Alias, AliasForDeks: req.AliasForDeks, Normalize: req.Normalize,
		ValidateFields: req.ValidateFields, ValidateNewSchemas: req.ValidateNewSchemas,
		ValidateRules: req.ValidateRules, CompatibilityPolicy: req.CompatibilityPolicy,
		CompatibilityGroup: req.CompatibilityGroup,
	}
	var apiErr *Error
	if update.DefaultMetadata, apiErr = decodeMetadata(req.DefaultMetadata); apiErr != nil {
		return update, apiErr
	}
	if update.OverrideMetadata, apiErr = decodeMetadata(req.OverrideMetadata); apiErr != nil {
		return update, apiErr
	}
	defaultRules, apiErr := decodeRuleSet(req.DefaultRuleSet)
	if apiErr != nil {
		return update, apiErr
	}
	overrideRules, apiErr := decodeRuleSet(req.OverrideRuleSet)
	if apiErr != nil {
		return update, apiErr
	}
	// Both spellings must name a level; compatibility, read last, wins.
	for _, name := range []*string{req.CompatibilityLevel, req.Compatibility} {
		if name == nil {
			continue
		}
		level, ok := compat.ParseLevel(*name)
		if !ok {
			return update, errInvalidCompatibilityLevel()
		}
		update.CompatibilityLevel = string(level)
	}
	for _, rules := range []*ruleSet{defaultRules, overrideRules} {
		if apiErr := rules.validate(); apiErr != nil {
			return update, apiErr
		}
	}
	update.DefaultRuleSet, update.OverrideRuleSet = defaultRules.bytes(), overrideRules.bytes()
	return update, nil
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
// value without its subject, its contract members as Confluent writes
// them.
func configResponse(c storage.ConfigValue) storage.ConfigValue {
	c.Subject = ""
	c.DefaultMetadata, c.OverrideMetadata = storedMetadata(c.DefaultMetadata), storedMetadata(c.OverrideMetadata)
	c.DefaultRuleSet, c.OverrideRuleSet = storedRuleSet(c.DefaultRuleSet), storedRuleSet(c.OverrideRuleSet)
	return c
}

func (s *Server) getGlobalConfig(c echo.Context) error {
	return writeJSON(c, http.StatusOK, configResponse(s.registry.effectiveConfig("")))
}

func (s *Server) getSubjectConfig(c echo.Context) error {
	subject, apiErr := s.subjectParam(c)
	if apiErr != nil {
		return apiErr
	}
	if cfg, ok := s.registry.view.Config(subject); ok {
		return writeJSON(c, http.StatusOK, configResponse(cfg))
	}
	if boolQuery(c, "defaultToGlobal") {
		return writeJSON(c, http.StatusOK, configResponse(s.registry.effectiveConfig("")))
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
	if apiErr := s.registry.setConfig(requestContext(c), subject, update); apiErr != nil {
		return apiErr
	}
	// The write is applied: the view holds the merged configuration.
	stored, _ := s.registry.view.Config(subject)
	cfg := configResponse(stored)
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
	return writeJSON(c, http.StatusOK, configResponse(old))
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

func (s *Server) putMode(c echo.Context, subject string) error {
	var req modeBody
	if err := s.decodeBody(c, &req); err != nil {
		return err
	}
	mode := strings.ToUpper(req.Mode)
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
