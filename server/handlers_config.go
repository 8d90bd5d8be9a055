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
// ConfigUpdateRequest); it is echoed back on success, as Confluent does.
type configRequest struct {
	Alias               string `json:"alias,omitempty"`
	AliasForDeks        string `json:"aliasForDeks,omitempty"`
	Normalize           *bool  `json:"normalize,omitempty"`
	ValidateFields      *bool  `json:"validateFields,omitempty"`
	ValidateNewSchemas  *bool  `json:"validateNewSchemas,omitempty"`
	ValidateRules       *bool  `json:"validateRules,omitempty"`
	Compatibility       string `json:"compatibility,omitempty"`
	CompatibilityPolicy string `json:"compatibilityPolicy,omitempty"`
	CompatibilityGroup  string `json:"compatibilityGroup,omitempty"`
	// CompatibilityLevel is the name GET /config answers with; some
	// clients send it back, so it is accepted as a spelling of
	// Compatibility.
	CompatibilityLevel string          `json:"compatibilityLevel,omitempty"`
	DefaultMetadata    json.RawMessage `json:"defaultMetadata,omitempty"`
	OverrideMetadata   json.RawMessage `json:"overrideMetadata,omitempty"`
	DefaultRuleSet     json.RawMessage `json:"defaultRuleSet,omitempty"`
	OverrideRuleSet    json.RawMessage `json:"overrideRuleSet,omitempty"`
}

// configResponse is a configuration as GET /config returns it: the stored
// value without its subject.
func configResponse(c storage.ConfigValue) storage.ConfigValue {
	c.Subject = ""
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
	update := storage.ConfigValue{
		Alias: req.Alias, AliasForDeks: req.AliasForDeks, Normalize: req.Normalize,
		ValidateFields: req.ValidateFields, ValidateNewSchemas: req.ValidateNewSchemas,
		ValidateRules: req.ValidateRules, CompatibilityPolicy: req.CompatibilityPolicy,
		CompatibilityGroup: req.CompatibilityGroup,
		DefaultMetadata:    req.DefaultMetadata, OverrideMetadata: req.OverrideMetadata,
		DefaultRuleSet: req.DefaultRuleSet, OverrideRuleSet: req.OverrideRuleSet,
	}
	if req.Compatibility == "" {
		req.Compatibility, req.CompatibilityLevel = req.CompatibilityLevel, ""
	}
	if req.Compatibility != "" {
		level, ok := compat.ParseLevel(req.Compatibility)
		if !ok {
			return errInvalidCompatibilityLevel()
		}
		update.CompatibilityLevel = string(level)
		req.Compatibility = string(level)
	}
	if subject != "" {
		if apiErr := checkNamedSubject(subject); apiErr != nil {
			return apiErr
		}
	}
	if apiErr := s.registry.setConfig(requestContext(c), subject, update); apiErr != nil {
		return apiErr
	}
	return writeJSON(c, http.StatusOK, req)
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
