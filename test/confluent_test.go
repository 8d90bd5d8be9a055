package test

import (
	"encoding/binary"
	"errors"
	"math/big"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rest"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"
	"github.com/hamba/avro/v2"
)

// orderSchema covers the Avro shapes a serializer must carry through the
// registry: logical types, an enum, a fixed, nested records, an array of
// records, a map and unions.
const orderSchema = `{"type":"record","name":"Order","namespace":"shop","fields":[
 {"name":"id","type":{"type":"string","logicalType":"uuid"}},
 {"name":"placed","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"day","type":{"type":"int","logicalType":"date"}},
 {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
 {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED"]}},
 {"name":"checksum","type":{"type":"fixed","name":"MD5","size":16}},
 {"name":"customer","type":{"type":"record","name":"Customer","fields":[
   {"name":"name","type":"string"},
   {"name":"email","type":["null","string"],"default":null}]}},
 {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
   {"name":"sku","type":"string"},{"name":"qty","type":"int"}]}}},
 {"name":"tags","type":{"type":"map","values":"long"}},
 {"name":"note","type":["null","string"],"default":null},
 {"name":"billing","type":["null","Customer"],"default":null}]}`

var parsedOrderSchema = avro.MustParse(orderSchema)

type order struct {
	ID       string           `avro:"id"`
	Placed   time.Time        `avro:"placed"`
	Day      time.Time        `avro:"day"`
	Amount   *big.Rat         `avro:"amount"`
	Status   string           `avro:"status"`
	Checksum [16]byte         `avro:"checksum"`
	Customer customer         `avro:"customer"`
	Lines    []orderLine      `avro:"lines"`
	Tags     map[string]int64 `avro:"tags"`
	Note     *string          `avro:"note"`
	Billing  *customer        `avro:"billing"`
}

type customer struct {
	Name  string  `avro:"name"`
	Email *string `avro:"email"`
}

type orderLine struct {
	SKU string `avro:"sku"`
	Qty int32  `avro:"qty"`
}

// Schema makes the serializer register orderSchema instead of deriving a
// schema from the struct.
func (*order) Schema() avro.Schema { return parsedOrderSchema }

func newConfluentClient(t *testing.T, r *registryProcess) schemaregistry.Client {
	t.Helper()
	conf := schemaregistry.NewConfig(r.URL)
	conf.MaxRetries = 0 // errors are what is being tested; do not wait on retries
	cl, err := schemaregistry.NewClient(conf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	return cl
}

// wantConfluentError checks err is the registry's error with this code.
func wantConfluentError(t *testing.T, what string, err error, code int) {
	t.Helper()
	var re *rest.Error
	if !errors.As(err, &re) || re.Code != code || re.Message == "" {
		t.Fatalf("%s: error %v, want error_code %d with a message", what, err, code)
	}
}

func TestConfluentSerdeRoundTrip(t *testing.T) {
	t.Parallel()
	r := startRegistry(t)
	const topic = "orders"

	serializer, err := avrov2.NewSerializer(newConfluentClient(t, r), serde.ValueSerde, avrov2.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	note, email := "leave at the door", "ada@example.com"
	sent := &order{
		ID:       "6f1c2a3e-8d4b-4c5f-9a7e-0b1c2d3e4f50",
		Placed:   time.Date(2024, 5, 17, 13, 45, 12, 345_000_000, time.UTC),
		Day:      time.Date(2024, 5, 17, 0, 0, 0, 0, time.UTC),
		Amount:   big.NewRat(123456, 100),
		Status:   "PAID",
		Checksum: [16]byte{0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
		Customer: customer{Name: "Ada", Email: &email},
		Lines:    []orderLine{{SKU: "pen", Qty: 3}, {SKU: "ink", Qty: 1}},
		Tags:     map[string]int64{"priority": 2, "region": -7},
		Note:     &note,
		Billing:  &customer{Name: "Ada Ltd"},
	}
	payload, err := serializer.Serialize(topic, sent)
	if err != nil {
		t.Fatalf("serializing (auto-registering the schema): %v", err)
	}

	// The serializer registered the schema under the topic's value subject
	// and framed the record as magic byte 0, the big-endian id, Avro body.
	latest, err := newConfluentClient(t, r).GetLatestSchemaMetadata(topic + "-value")
	if err != nil {
		t.Fatalf("the serializer did not register %s-value: %v", topic, err)
	}
	if latest.Version != 1 || latest.ID <= 0 {
		t.Fatalf("registered %+v, want version 1 with an id", latest)
	}
	sameAvro(t, latest.Schema, orderSchema)
	if len(payload) < 5 || payload[0] != 0 {
		t.Fatalf("payload % x does not start with the magic byte 0", payload[:min(len(payload), 5)])
	}
	if id := binary.BigEndian.Uint32(payload[1:5]); int(id) != latest.ID {
		t.Fatalf("payload carries schema id %d, want %d", id, latest.ID)
	}
	// The body is plain Avro binary: hamba reads it without the registry.
	// (Map entries have no fixed order, so bytes are not compared.)
	var plain order
	if err := avro.Unmarshal(parsedOrderSchema, payload[5:], &plain); err != nil {
		t.Fatalf("decoding the payload body as plain Avro: %v", err)
	}
	sameOrder(t, "the payload body decoded as plain Avro", plain, *sent)

	// A consumer with its own client knows nothing but the id in the
	// payload: it fetches the writer's schema from the registry.
	deserializer, err := avrov2.NewDeserializer(newConfluentClient(t, r), serde.ValueSerde, avrov2.NewDeserializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	var got order
	if err := deserializer.DeserializeInto(topic, payload, &got); err != nil {
		t.Fatalf("deserializing: %v", err)
	}
	sameOrder(t, "the round trip", got, *sent)
}

// sameOrder fails unless got equals want; decimals are compared by value.
func sameOrder(t *testing.T, what string, got, want order) {
	t.Helper()
	if got.Amount == nil || got.Amount.Cmp(want.Amount) != 0 {
		t.Fatalf("%s: amount %v, want %v", what, got.Amount, want.Amount)
	}
	got.Amount, want.Amount = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s gave\n%+v\nwant\n%+v", what, got, want)
	}
}

func TestConfluentClientAPI(t *testing.T) {
	t.Parallel()
	r := startRegistry(t)
	cl := newConfluentClient(t, r)
	const subject = "widgets-value"

	id1, err := cl.Register(subject, schemaregistry.SchemaInfo{Schema: widgetV1}, false)
	if err != nil {
		t.Fatal(err)
	}
	id2, err := cl.Register(subject, schemaregistry.SchemaInfo{Schema: widgetV2}, false)
	if err != nil {
		t.Fatal(err)
	}
	if id1 <= 0 || id2 <= 0 || id1 == id2 {
		t.Fatalf("ids %d and %d, want two distinct positive ids", id1, id2)
	}
	// A fresh client has no cache: this asks the server again.
	if again, err := newConfluentClient(t, r).Register(subject, schemaregistry.SchemaInfo{Schema: widgetV1}, false); err != nil || again != id1 {
		t.Fatalf("re-registration gave %d, %v; want id %d", again, err, id1)
	}
	if other, err := cl.Register("gadgets-value", schemaregistry.SchemaInfo{Schema: widgetV2}, false); err != nil || other != id2 {
		t.Fatalf("the same schema under another subject gave %d, %v; want id %d", other, err, id2)
	}

	info, err := cl.GetBySubjectAndID(subject, id1)
	if err != nil {
		t.Fatal(err)
	}
	sameAvro(t, info.Schema, widgetV1)
	info, err = newConfluentClient(t, r).GetBySubjectAndID("", id2)
	if err != nil {
		t.Fatal(err)
	}
	sameAvro(t, info.Schema, widgetV2)
	_, err = cl.GetBySubjectAndID("", id2+50)
	wantConfluentError(t, "unknown id", err, 40403)

	latest, err := cl.GetLatestSchemaMetadata(subject)
	if err != nil {
		t.Fatal(err)
	}
	if latest.Subject != subject || latest.Version != 2 || latest.ID != id2 {
		t.Fatalf("latest %+v, want version 2 id %d", latest, id2)
	}
	sameAvro(t, latest.Schema, widgetV2)
	_, err = cl.GetLatestSchemaMetadata("missing")
	wantConfluentError(t, "latest of an unknown subject", err, 40401)
	first, err := cl.GetSchemaMetadata(subject, 1)
	if err != nil || first.ID != id1 || first.Version != 1 {
		t.Fatalf("version 1: %+v, %v; want id %d", first, err, id1)
	}

	for schema, want := range map[string]int{widgetV1: 1, widgetV2: 2} {
		version, err := cl.GetVersion(subject, schemaregistry.SchemaInfo{Schema: schema}, false)
		if err != nil || version != want {
			t.Fatalf("lookup of %s: version %d, %v; want %d", schema, version, err, want)
		}
	}
	_, err = cl.GetVersion(subject, schemaregistry.SchemaInfo{Schema: widgetV3}, false)
	wantConfluentError(t, "lookup of an unregistered schema", err, 40403)

	subjects, err := cl.GetAllSubjects()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"gadgets-value", subject}; !slices.Equal(subjects, want) {
		t.Fatalf("subjects %v, want %v", subjects, want)
	}
	versions, err := cl.GetAllVersions(subject)
	if err != nil || !slices.Equal(versions, []int{1, 2}) {
		t.Fatalf("versions %v, %v; want [1 2]", versions, err)
	}

	if ok, err := cl.TestCompatibility(subject, 2, schemaregistry.SchemaInfo{Schema: widgetV3}); err != nil || ok {
		t.Fatalf("testing an incompatible schema: %v, %v; want false", ok, err)
	}
	if ok, err := cl.TestSubjectCompatibility(subject, schemaregistry.SchemaInfo{Schema: widgetV2}); err != nil || !ok {
		t.Fatalf("testing a registered schema against all versions: %v, %v; want true", ok, err)
	}
	_, err = cl.Register(subject, schemaregistry.SchemaInfo{Schema: widgetV3}, false)
	wantConfluentError(t, "incompatible registration", err, 409)

	_, err = cl.GetCompatibility(subject)
	wantConfluentError(t, "compatibility of an unconfigured subject", err, 40408)
	if level, err := cl.UpdateCompatibility(subject, schemaregistry.None); err != nil || level != schemaregistry.None {
		t.Fatalf("setting NONE: %v, %v", level, err)
	}
	if level, err := cl.GetCompatibility(subject); err != nil || level != schemaregistry.None {
		t.Fatalf("subject level %v, %v; want NONE", level, err)
	}
	if ok, err := cl.TestCompatibility(subject, 2, schemaregistry.SchemaInfo{Schema: widgetV3}); err != nil || !ok {
		t.Fatalf("testing under NONE: %v, %v; want true", ok, err)
	}
	if level, err := cl.GetDefaultCompatibility(); err != nil || level != schemaregistry.Backward {
		t.Fatalf("global level %v, %v; want BACKWARD", level, err)
	}
	if level, err := cl.UpdateDefaultCompatibility(schemaregistry.ForwardTransitive); err != nil || level != schemaregistry.ForwardTransitive {
		t.Fatalf("setting the global level: %v, %v", level, err)
	}
	if level, err := cl.GetDefaultCompatibility(); err != nil || level != schemaregistry.ForwardTransitive {
		t.Fatalf("global level %v, %v; want FORWARD_TRANSITIVE", level, err)
	}

	deleted, err := cl.DeleteSubject(subject, false)
	if err != nil || !slices.Equal(deleted, []int{1, 2}) {
		t.Fatalf("soft delete: %v, %v; want [1 2]", deleted, err)
	}
	deleted, err = cl.DeleteSubject(subject, true)
	if err != nil || !slices.Equal(deleted, []int{1, 2}) {
		t.Fatalf("permanent delete: %v, %v; want [1 2]", deleted, err)
	}
	if subjects, err := cl.GetAllSubjects(); err != nil || !slices.Equal(subjects, []string{"gadgets-value"}) {
		t.Fatalf("subjects after the delete %v, %v; want [gadgets-value]", subjects, err)
	}
	// id2 lives on in gadgets-value; id1 is gone with the subject.
	if _, err := newConfluentClient(t, r).GetBySubjectAndID("", id2); err != nil {
		t.Fatalf("schema %d still used by gadgets-value: %v", id2, err)
	}
	_, err = newConfluentClient(t, r).GetBySubjectAndID("", id1)
	wantConfluentError(t, "schema of a permanently deleted subject", err, 40403)
}
