package test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/jsonschema"
	invopop "github.com/invopop/jsonschema"
	"github.com/twmb/franz-go/pkg/sr"
)

// A customer schema that uses a separately registered address schema by
// its URL; the reference's name is that URL. customerJSONv2 adds a required
// property to the closed customer object, which breaks BACKWARD.
const (
	addressJSONURL = "https://example.com/schemas/address.json"
	addressJSON    = `{"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://example.com/schemas/address.json",
"type":"object","properties":{"street":{"type":"string"},"zip":{"type":"integer"}},"required":["street"]}`
	customerJSON = `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
"properties":{"name":{"type":"string"},"home":{"$ref":"https://example.com/schemas/address.json"}},
"required":["name","home"],"additionalProperties":false}`
	customerJSONv2 = `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
"properties":{"name":{"type":"string"},"home":{"$ref":"https://example.com/schemas/address.json"},"age":{"type":"integer"}},
"required":["name","home","age"],"additionalProperties":false}`
	// customerJSONOptional adds an optional property instead: compatible.
	customerJSONOptional = `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
"properties":{"name":{"type":"string"},"home":{"$ref":"https://example.com/schemas/address.json"},"nickname":{"type":"string"}},
"required":["name","home"],"additionalProperties":false}`
)

// sameJSON fails unless got and want are the same JSON value, so that the
// registry's canonical text of a schema is compared by meaning.
func sameJSON(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("schema %s is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("schema %s is not JSON: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("schema %s\nwant %s", got, want)
	}
}

// shipment is sent by the JSON Schema serde test; the serializer derives
// its schema from the Go type (a draft 2020-12 schema with $defs).
type shipment struct {
	ID      string            `json:"id"`
	Weight  float64           `json:"weight"`
	Fragile bool              `json:"fragile,omitempty"`
	Items   []shipmentItem    `json:"items"`
	Labels  map[string]string `json:"labels,omitempty"`
	Note    *string           `json:"note,omitempty"`
}

type shipmentItem struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

func TestConfluentJSONSchemaSerdeRoundTrip(t *testing.T) {
	t.Parallel()
	r := startRegistry(t)
	const topic = "shipments"

	serializer, err := jsonschema.NewSerializer(newConfluentClient(t, r), serde.ValueSerde, jsonschema.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	note := "handle with care"
	sent := shipment{
		ID: "s-1", Weight: 2.5, Fragile: true, Note: &note,
		Items:  []shipmentItem{{SKU: "pen", Qty: 3}, {SKU: "ink", Qty: 1}},
		Labels: map[string]string{"dock": "7"},
	}
	payload, err := serializer.Serialize(topic, &sent)
	if err != nil {
		t.Fatalf("serializing (auto-registering the schema): %v", err)
	}

	latest, err := newConfluentClient(t, r).GetLatestSchemaMetadata(topic + "-value")
	if err != nil {
		t.Fatalf("the serializer did not register %s-value: %v", topic, err)
	}
	if latest.Version != 1 || latest.ID <= 0 || latest.SchemaType != "JSON" {
		t.Fatalf("registered %+v, want version 1 of type JSON with an id", latest)
	}
	derived, err := json.Marshal(invopop.Reflect(&shipment{}))
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, latest.Schema, string(derived))
	// Framing: magic byte 0, the big-endian id, then the JSON text.
	if len(payload) < 5 || payload[0] != 0 {
		t.Fatalf("payload % x does not start with the magic byte 0", payload[:min(len(payload), 5)])
	}
	if id := binary.BigEndian.Uint32(payload[1:5]); int(id) != latest.ID {
		t.Fatalf("payload carries schema id %d, want %d", id, latest.ID)
	}
	body, _ := json.Marshal(&sent)
	if !bytes.Equal(payload[5:], body) {
		t.Fatalf("payload body %s, want %s", payload[5:], body)
	}

	// A consumer with its own client knows only the id in the payload.
	// (The Go deserializer's EnableValidation cannot validate into a Go
	// value, so validation is proven by TestConfluentJSONSchemaReferences
	// on the producer side.)
	deserializer, err := jsonschema.NewDeserializer(newConfluentClient(t, r), serde.ValueSerde, jsonschema.NewDeserializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	var got shipment
	if err := deserializer.DeserializeInto(topic, payload, &got); err != nil {
		t.Fatalf("deserializing: %v", err)
	}
	if !reflect.DeepEqual(got, sent) {
		t.Fatalf("round trip gave %+v, want %+v", got, sent)
	}
}

// The serializer uses the latest registered version, whose reference it
// resolves through the registry, and validates records against it.
func TestConfluentJSONSchemaReferences(t *testing.T) {
	t.Parallel()
	r := startRegistry(t)
	cl := newConfluentClient(t, r)
	const topic = "customers"

	if _, err := cl.Register("address", schemaregistry.SchemaInfo{Schema: addressJSON, SchemaType: "JSON"}, false); err != nil {
		t.Fatal(err)
	}
	refs := []schemaregistry.Reference{{Name: addressJSONURL, Subject: "address", Version: 1}}
	id, err := cl.Register(topic+"-value", schemaregistry.SchemaInfo{Schema: customerJSON, SchemaType: "JSON", References: refs}, false)
	if err != nil {
		t.Fatal(err)
	}

	conf := jsonschema.NewSerializerConfig()
	conf.AutoRegisterSchemas = false
	conf.UseLatestVersion = true
	conf.EnableValidation = true
	serializer, err := jsonschema.NewSerializer(newConfluentClient(t, r), serde.ValueSerde, conf)
	if err != nil {
		t.Fatal(err)
	}
	sent := map[string]any{"name": "Ada", "home": map[string]any{"street": "1 Main St", "zip": 4711.0}}
	payload, err := serializer.Serialize(topic, sent)
	if err != nil {
		t.Fatalf("serializing with the latest version: %v", err)
	}
	if got := binary.BigEndian.Uint32(payload[1:5]); int(got) != id {
		t.Fatalf("payload carries schema id %d, want %d", got, id)
	}
	// The referenced schema is enforced: zip must be an integer.
	badZip := map[string]any{"name": "Ada", "home": map[string]any{"street": "1 Main St", "zip": "4711"}}
	if _, err := serializer.Serialize(topic, badZip); err == nil {
		t.Fatal("a record that breaks the referenced schema was serialized without an error")
	}

	deserializer, err := jsonschema.NewDeserializer(newConfluentClient(t, r), serde.ValueSerde, jsonschema.NewDeserializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := deserializer.DeserializeInto(topic, payload, &got); err != nil {
		t.Fatalf("deserializing: %v", err)
	}
	if !reflect.DeepEqual(got, sent) {
		t.Fatalf("round trip gave %v, want %v", got, sent)
	}
}

func TestFranzJSONSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := startRegistry(t)
	cl := newFranzClient(t, r)
	const subject = "customers-value"

	address, err := cl.CreateSchema(ctx, "address", sr.Schema{Schema: addressJSON, Type: sr.TypeJSON})
	if err != nil {
		t.Fatal(err)
	}
	refs := []sr.SchemaReference{{Name: addressJSONURL, Subject: "address", Version: address.Version}}
	customer, err := cl.CreateSchema(ctx, subject, sr.Schema{Schema: customerJSON, Type: sr.TypeJSON, References: refs})
	if err != nil {
		t.Fatal(err)
	}
	if customer.Version != 1 || customer.ID == address.ID || customer.Type != sr.TypeJSON {
		t.Fatalf("customer registered as %+v, want version 1 of type JSON with an id other than %d", customer, address.ID)
	}

	t.Run("fetch by id keeps type and references", func(t *testing.T) {
		got, err := cl.SchemaByID(ctx, customer.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Type != sr.TypeJSON || !slices.Equal(got.References, refs) {
			t.Fatalf("schema %d has type %v and references %+v, want JSON and %+v", customer.ID, got.Type, got.References, refs)
		}
		sameJSON(t, got.Schema, customerJSON)
		users, err := cl.SchemaReferences(ctx, "address", 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(users) != 1 || users[0].ID != customer.ID {
			t.Fatalf("address is referenced by %+v, want id %d", users, customer.ID)
		}
	})

	t.Run("lookup ignores white space", func(t *testing.T) {
		var indented bytes.Buffer
		if err := json.Indent(&indented, []byte(customerJSON), "", "    "); err != nil {
			t.Fatal(err)
		}
		got, err := cl.LookupSchema(ctx, subject, sr.Schema{Schema: indented.String(), Type: sr.TypeJSON, References: refs})
		if err != nil {
			t.Fatal(err)
		}
		if got.Subject != subject || got.Version != 1 || got.ID != customer.ID {
			t.Fatalf("lookup found %+v, want %s version 1 id %d", got, subject, customer.ID)
		}
		id, err := cl.RegisterSchema(ctx, subject, sr.Schema{Schema: indented.String(), Type: sr.TypeJSON, References: refs}, -1, -1)
		if err != nil || id != customer.ID {
			t.Fatalf("re-registering the indented text gave id %d, %v; want %d", id, err, customer.ID)
		}
	})

	t.Run("invalid schemas", func(t *testing.T) {
		for _, text := range []string{`{"type":}`, `{"type":"strin"}`, `{"maxLength":-1}`} {
			_, err := cl.RegisterSchema(ctx, "invalid", sr.Schema{Schema: text, Type: sr.TypeJSON}, -1, -1)
			wantFranzError(t, text, err, http.StatusUnprocessableEntity, 42201)
		}
	})

	t.Run("compatibility", func(t *testing.T) {
		verbose := sr.WithParams(ctx, sr.Verbose)
		// Confluent's messages (json diff.Difference, SchemaValidatorBuilder,
		// AbstractSchemaRegistry) name the change, the old version and the
		// level.
		res, err := cl.CheckCompatibility(verbose, subject, -1, sr.Schema{Schema: customerJSONv2, Type: sr.TypeJSON, References: refs})
		if err != nil {
			t.Fatal(err)
		}
		wantMessages := []string{
			`{errorType:"REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", description:"The new schema has an unopen ` +
				`content model and has a required property at path '#/properties/age' which is missing in the old schema'}`,
			"{oldSchemaVersion: 1}",
		}
		if res.Is || len(res.Messages) < 3 || !slices.Equal(res.Messages[:2], wantMessages) ||
			res.Messages[len(res.Messages)-1] != "{validateFields: 'false', compatibility: 'BACKWARD'}" {
			t.Fatalf("required property added tested as %+v, want is_compatible false with messages starting %q", res, wantMessages)
		}
		_, err = cl.RegisterSchema(ctx, subject, sr.Schema{Schema: customerJSONv2, Type: sr.TypeJSON, References: refs}, -1, -1)
		wantFranzError(t, "incompatible registration", err, http.StatusConflict, 409)

		res, err = cl.CheckCompatibility(verbose, subject, -1, sr.Schema{Schema: customerJSONOptional, Type: sr.TypeJSON, References: refs})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Is || len(res.Messages) != 0 {
			t.Fatalf("optional property added tested as %+v, want is_compatible true without messages", res)
		}
		v2, err := cl.CreateSchema(ctx, subject, sr.Schema{Schema: customerJSONOptional, Type: sr.TypeJSON, References: refs})
		if err != nil {
			t.Fatal(err)
		}
		if v2.Version != 2 || v2.ID == customer.ID {
			t.Fatalf("compatible change registered as %+v, want version 2 with a new id", v2)
		}
	})
}
