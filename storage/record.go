package storage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/goschemaregistry/registry/formats"
)

// This file is the only place that knows the byte format of the records of
// Confluent's _schemas topic. Keys are written exactly as Confluent writes
// them, because a compacted topic replaces records by comparing key bytes;
// keys are read leniently, because older Confluent and Karapace versions
// spelled the same logical key differently.

// KeyType is the keytype field of a record key.
type KeyType string

// The record key types of the _schemas topic.
const (
	KeySchema        KeyType = "SCHEMA"
	KeyConfig        KeyType = "CONFIG"
	KeyMode          KeyType = "MODE"
	KeyDeleteSubject KeyType = "DELETE_SUBJECT"
	KeyClearSubject  KeyType = "CLEAR_SUBJECT"
	KeyNoop          KeyType = "NOOP"
)

// Key is a decoded record key. Subject is empty for the global CONFIG and
// MODE keys; Version is set only for SCHEMA keys.
type Key struct {
	Type    KeyType
	Subject string
	Version int
}

// Bytes encodes the key as Confluent (6.2 and later) writes it: a fixed field
// order, the subject left out when global, magic 1 for SCHEMA keys and 0 for
// the others.
func (k Key) Bytes() []byte {
	var b bytes.Buffer
	b.WriteString(`{"keytype":`)
	writeJSONString(&b, string(k.Type))
	switch k.Type {
	case KeySchema:
		b.WriteString(`,"subject":`)
		writeJSONString(&b, k.Subject)
		fmt.Fprintf(&b, `,"version":%d,"magic":1}`, k.Version)
		return b.Bytes()
	case KeyNoop:
	default:
		if k.Subject != "" {
			b.WriteString(`,"subject":`)
			writeJSONString(&b, k.Subject)
		}
	}
	b.WriteString(`,"magic":0}`)
	return b.Bytes()
}

// ParseKey decodes a record key in any of the spellings Confluent and
// Karapace have written (field order, explicit null subject).
func ParseKey(data []byte) (Key, error) {
	var raw struct {
		KeyType *string `json:"keytype"`
		Subject *string `json:"subject"`
		Version *int    `json:"version"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return Key{}, fmt.Errorf("record key is not JSON: %w", err)
	}
	if raw.KeyType == nil {
		return Key{}, errors.New("record key has no keytype")
	}
	k := Key{Type: KeyType(*raw.KeyType)}
	if raw.Subject != nil {
		k.Subject = *raw.Subject
	}
	if k.Type == KeySchema {
		if raw.Version == nil {
			return Key{}, errors.New("SCHEMA record key has no version")
		}
		k.Version = *raw.Version
	}
	return k, nil
}

// SchemaValue is the value of a SCHEMA record: one version of a subject.
// The field order is Confluent's.
type SchemaValue struct {
	Subject    string              `json:"subject"`
	Version    int                 `json:"version"`
	ID         int                 `json:"id"`
	SchemaType string              `json:"schemaType,omitempty"`
	References []formats.Reference `json:"references,omitempty"`
	Metadata   json.RawMessage     `json:"metadata,omitempty"`
	RuleSet    json.RawMessage     `json:"ruleSet,omitempty"`
	Schema     string              `json:"schema"`
	Deleted    bool                `json:"deleted"`
}

// Type returns the schema type, AVRO when the record leaves it out.
func (v *SchemaValue) Type() string {
	if v.SchemaType == "" {
		return formats.TypeAvro
	}
	return v.SchemaType
}

// ConfigValue is the value of a CONFIG record, and the body of the config
// API. Every field is optional; the field order is Confluent's.
type ConfigValue struct {
	Subject             string          `json:"subject,omitempty"`
	Alias               string          `json:"alias,omitempty"`
	AliasForDeks        string          `json:"aliasForDeks,omitempty"`
	Normalize           *bool           `json:"normalize,omitempty"`
	ValidateFields      *bool           `json:"validateFields,omitempty"`
	ValidateNewSchemas  *bool           `json:"validateNewSchemas,omitempty"`
	ValidateRules       *bool           `json:"validateRules,omitempty"`
	CompatibilityLevel  string          `json:"compatibilityLevel,omitempty"`
	CompatibilityPolicy string          `json:"compatibilityPolicy,omitempty"`
	CompatibilityGroup  string          `json:"compatibilityGroup,omitempty"`
	DefaultMetadata     json.RawMessage `json:"defaultMetadata,omitempty"`
	OverrideMetadata    json.RawMessage `json:"overrideMetadata,omitempty"`
	DefaultRuleSet      json.RawMessage `json:"defaultRuleSet,omitempty"`
	OverrideRuleSet     json.RawMessage `json:"overrideRuleSet,omitempty"`
}

// ModeValue is the value of a MODE record.
type ModeValue struct {
	Subject string `json:"subject,omitempty"`
	Mode    string `json:"mode"`
}

// DeleteSubjectValue is the value of a DELETE_SUBJECT record: every version of
// the subject up to Version is soft-deleted.
type DeleteSubjectValue struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// ClearSubjectValue is the value of a CLEAR_SUBJECT record.
type ClearSubjectValue struct {
	Subject string `json:"subject,omitempty"`
}

// EncodeValue encodes a record value as Confluent does: compact JSON with
// non-ASCII and the characters <, > and & written as they are.
func EncodeValue(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc, _ := EncodeValue(s) // encoding a string cannot fail
	b.Write(enc)
}

// HoldsMaxID reports whether rec is a SCHEMA record of the schema with id
// maxID. Compaction keeps such a record even when a later tombstone
// supersedes it, so that the highest id ever assigned survives a permanent
// delete and a restart, and ids are never reused.
func HoldsMaxID(rec Record, maxID int) bool {
	if rec.Value == nil || !bytes.Contains(rec.Key, []byte(`"SCHEMA"`)) {
		return false
	}
	var v struct {
		ID int `json:"id"`
	}
	return json.Unmarshal(rec.Value, &v) == nil && v.ID == maxID
}
