// Package openapi holds the OpenAPI 3 document of the registry's HTTP API,
// written by hand from the server's behaviour and Confluent Schema
// Registry's API, and served at /openapi.yaml.
package openapi

import (
	"bytes"
	_ "embed"
)

//go:embed openapi.yaml
var document []byte

// Document returns the OpenAPI 3.0 document of the API, as YAML. Each call
// returns a fresh copy the caller may keep or change.
func Document() []byte { return bytes.Clone(document) }
