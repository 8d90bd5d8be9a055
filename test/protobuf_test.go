package test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/protobuf"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

// The .proto pair of the Protobuf tests: shop/order.proto imports
// shop/address.proto, registered under its import path as subject, and a
// well-known type, which serializers never register. Order is the file's
// second message and Line is nested in it, so their message indexes in the
// wire format are [1] and [1, 0].
const (
	addressProtoPath = "shop/address.proto"
	addressProto     = `syntax = "proto3";
package shop;

message Address {
  string street = 1;
  int32 zip = 2;
  map<string, string> labels = 3;
}
`
	orderProto = `syntax = "proto3";
package shop;

import "shop/address.proto";
import "google/protobuf/timestamp.proto";

message Receipt {
  string number = 1;
}

message Order {
  message Line {
    string sku = 1;
    int32 qty = 2;
  }
  enum Status {
    NEW = 0;
    PAID = 1;
  }
  string id = 1;
  google.protobuf.Timestamp placed = 2;
  Address ship_to = 3;
  repeated Line lines = 4;
  Status status = 5;
}
`
)

// orderProtoDeps resolves the imports of orderProto that are registered.
var orderProtoDeps = map[string]string{addressProtoPath: addressProto}

// compileProto compiles text as the file name, finding its imports in deps
// (import path to text) or among the well-known types.
func compileProto(t *testing.T, name, text string, deps map[string]string) protoreflect.FileDescriptor {
	t.Helper()
	sources := maps.Clone(deps)
	if sources == nil {
		sources = map[string]string{}
	}
	sources[name] = text
	compiler := protocompile.Compiler{Resolver: protocompile.WithStandardImports(
		&protocompile.SourceResolver{Accessor: protocompile.SourceAccessorFromMap(sources)})}
	files, err := compiler.Compile(context.Background(), name)
	if err != nil {
		t.Fatalf("compiling %s: %v\n%s", name, err, text)
	}
	return files[0]
}

// sameProto fails unless got and want compile to the same descriptor, so
// that the registry's canonical text of a schema is compared by meaning.
func sameProto(t *testing.T, got, want string, deps map[string]string) {
	t.Helper()
	const name = "compared.proto"
	g := protodesc.ToFileDescriptorProto(compileProto(t, name, got, deps))
	w := protodesc.ToFileDescriptorProto(compileProto(t, name, want, deps))
	if !proto.Equal(g, w) {
		t.Fatalf("schema\n%s\ndoes not describe the same file as\n%s", got, want)
	}
}

// orderMessage builds a shop.Order (or nested type) from its JSON form.
func orderMessage(t *testing.T, md protoreflect.MessageDescriptor, jsonText string) *dynamicpb.Message {
	t.Helper()
	msg := dynamicpb.NewMessage(md)
	if err := protojson.Unmarshal([]byte(jsonText), msg); err != nil {
		t.Fatalf("building %s from %s: %v", md.FullName(), jsonText, err)
	}
	return msg
}

// The message types come from descriptors compiled at run time (dynamicpb),
// so no generated code is needed: the serializer derives the schema text
// and the import from the descriptor like it does for generated types.
func TestConfluentProtobufSerdeRoundTrip(t *testing.T) {
	t.Parallel()
	r := startRegistry(t)
	const topic = "orders"
	orderFile := compileProto(t, "shop/order.proto", orderProto, orderProtoDeps)
	orderDesc := orderFile.Messages().ByName("Order")
	lineDesc := orderDesc.Messages().ByName("Line")

	serializer, err := protobuf.NewSerializer(newConfluentClient(t, r), serde.ValueSerde, protobuf.NewSerializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	sent := orderMessage(t, orderDesc, `{"id":"o-17","placed":"2024-05-17T13:45:12.345Z",
		"shipTo":{"street":"1 Main St","zip":4711,"labels":{"door":"blue"}},
		"lines":[{"sku":"pen","qty":3},{"sku":"ink","qty":1}],"status":"PAID"}`)
	payload, err := serializer.Serialize(topic, sent)
	if err != nil {
		t.Fatalf("serializing (auto-registering the schema and its import): %v", err)
	}

	// The import was registered first, under its path as subject, and the
	// value schema references it by that path; the well-known import is not
	// registered.
	cl := newConfluentClient(t, r)
	subjects, err := cl.GetAllSubjects()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{topic + "-value", addressProtoPath}; !slices.Equal(subjects, want) {
		t.Fatalf("subjects after serializing %v, want %v", subjects, want)
	}
	address, err := cl.GetLatestSchemaMetadata(addressProtoPath)
	if err != nil {
		t.Fatal(err)
	}
	if address.Version != 1 || address.SchemaType != "PROTOBUF" || len(address.References) != 0 {
		t.Fatalf("%s registered as %+v, want version 1 of type PROTOBUF without references", addressProtoPath, address)
	}
	sameProto(t, address.Schema, addressProto, nil)
	latest, err := cl.GetLatestSchemaMetadata(topic + "-value")
	if err != nil {
		t.Fatal(err)
	}
	wantRefs := []schemaregistry.Reference{{Name: addressProtoPath, Subject: addressProtoPath, Version: 1}}
	if latest.Version != 1 || latest.SchemaType != "PROTOBUF" || !slices.Equal(latest.References, wantRefs) {
		t.Fatalf("%s-value registered as %+v, want version 1 of type PROTOBUF referencing %+v", topic, latest, wantRefs)
	}
	sameProto(t, latest.Schema, orderProto, orderProtoDeps)

	// Framing: magic byte 0, the big-endian schema id, then the message
	// indexes as zigzag varints (count 1, index 1), then the plain
	// Protobuf body.
	if len(payload) < 7 || payload[0] != 0 {
		t.Fatalf("payload % x does not start with the magic byte 0", payload[:min(len(payload), 7)])
	}
	if id := binary.BigEndian.Uint32(payload[1:5]); int(id) != latest.ID {
		t.Fatalf("payload carries schema id %d, want %d", id, latest.ID)
	}
	if indexes := payload[5:7]; !bytes.Equal(indexes, []byte{2, 2}) {
		t.Fatalf("message indexes % x, want 02 02 (one index: 1)", indexes)
	}
	plain := dynamicpb.NewMessage(orderDesc)
	if err := proto.Unmarshal(payload[7:], plain); err != nil || !proto.Equal(plain, sent) {
		t.Fatalf("the payload body read as plain Protobuf gave %v (%v), want %v", plain, err, sent)
	}

	// A nested message of the same file has the same schema id and a
	// two-element index path.
	line := orderMessage(t, lineDesc, `{"sku":"nib","qty":12}`)
	linePayload, err := serializer.Serialize(topic, line)
	if err != nil {
		t.Fatal(err)
	}
	if want := append(bytes.Clone(payload[:5]), 4, 2, 0); !bytes.HasPrefix(linePayload, want) {
		t.Fatalf("nested message framed as % x, want the prefix % x", linePayload[:min(len(linePayload), 8)], want)
	}

	// A consumer with its own client knows only the id and indexes in the
	// payload: it fetches the schema and its import from the registry,
	// parses them, and picks the message type named there.
	deserializer, err := protobuf.NewDeserializer(newConfluentClient(t, r), serde.ValueSerde, protobuf.NewDeserializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, md := range []protoreflect.MessageDescriptor{orderDesc, lineDesc} {
		if err := deserializer.ProtoRegistry.RegisterMessage(dynamicpb.NewMessageType(md)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		payload []byte
		want    proto.Message
	}{{payload, sent}, {linePayload, line}} {
		got, err := deserializer.Deserialize(topic, tc.payload)
		if err != nil {
			t.Fatalf("deserializing %s: %v", tc.want.ProtoReflect().Descriptor().FullName(), err)
		}
		if msg, ok := got.(proto.Message); !ok || !proto.Equal(msg, tc.want) {
			t.Fatalf("round trip gave %v, want %v", got, tc.want)
		}
	}
}

func TestFranzProtobuf(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := startRegistry(t)
	cl := newFranzClient(t, r)
	const subject = "orders-value"

	// Confluent lists its providers from a HashMap
	// (AbstractSchemaRegistry.initProviders), which puts them in this order.
	var types []string
	r.mustDo(http.MethodGet, "/schemas/types", "", http.StatusOK, &types)
	if want := []string{"JSON", "PROTOBUF", "AVRO"}; !slices.Equal(types, want) {
		t.Errorf("GET /schemas/types listed %q, want %q", types, want)
	}

	address, err := cl.CreateSchema(ctx, addressProtoPath, sr.Schema{Schema: addressProto, Type: sr.TypeProtobuf})
	if err != nil {
		t.Fatal(err)
	}
	refs := []sr.SchemaReference{{Name: addressProtoPath, Subject: addressProtoPath, Version: address.Version}}
	order, err := cl.CreateSchema(ctx, subject, sr.Schema{Schema: orderProto, Type: sr.TypeProtobuf, References: refs})
	if err != nil {
		t.Fatal(err)
	}
	if order.Version != 1 || order.ID == address.ID || order.Type != sr.TypeProtobuf {
		t.Fatalf("order registered as %+v, want version 1 of type PROTOBUF with an id other than %d", order, address.ID)
	}

	t.Run("an unresolved import is an invalid schema", func(t *testing.T) {
		_, err := cl.RegisterSchema(ctx, "unresolved", sr.Schema{Schema: orderProto, Type: sr.TypeProtobuf}, -1, -1)
		wantFranzError(t, "import without a reference", err, http.StatusUnprocessableEntity, 42201)
		_, err = cl.RegisterSchema(ctx, "broken", sr.Schema{Schema: "syntax = \"proto3\";\nmessage {", Type: sr.TypeProtobuf}, -1, -1)
		wantFranzError(t, "syntax error", err, http.StatusUnprocessableEntity, 42201)
	})

	t.Run("fetch by id keeps type and references", func(t *testing.T) {
		got, err := cl.SchemaByID(ctx, order.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Type != sr.TypeProtobuf || !slices.Equal(got.References, refs) {
			t.Fatalf("schema %d has type %v and references %+v, want PROTOBUF and %+v", order.ID, got.Type, got.References, refs)
		}
		sameProto(t, got.Schema, orderProto, orderProtoDeps)
	})

	t.Run("lookup by schema text", func(t *testing.T) {
		got, err := cl.LookupSchema(ctx, subject, sr.Schema{Schema: orderProto, Type: sr.TypeProtobuf, References: refs})
		if err != nil {
			t.Fatal(err)
		}
		if got.Subject != subject || got.Version != 1 || got.ID != order.ID {
			t.Fatalf("lookup found %+v, want %s version 1 id %d", got, subject, order.ID)
		}
	})

	t.Run("serialized format is a FileDescriptorProto", func(t *testing.T) {
		got, err := cl.SchemaByID(sr.WithParams(ctx, sr.Format("serialized")), order.ID)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.StdEncoding.DecodeString(got.Schema)
		if err != nil {
			t.Fatalf("serialized schema %q is not base64: %v", got.Schema, err)
		}
		var file descriptorpb.FileDescriptorProto
		if err := proto.Unmarshal(raw, &file); err != nil {
			t.Fatalf("serialized schema is not a FileDescriptorProto: %v", err)
		}
		// What Confluent's ProtobufSchema.toDynamicSchema builds: the file
		// is named "default", type names stay as written, and only written
		// labels are set; protoc would add json names and qualify types.
		var want descriptorpb.FileDescriptorProto
		if err := prototext.Unmarshal([]byte(`name: "default" package: "shop"
			dependency: "shop/address.proto" dependency: "google/protobuf/timestamp.proto"
			message_type { name: "Receipt" field { name: "number" number: 1 type: TYPE_STRING } }
			message_type { name: "Order"
			  field { name: "id" number: 1 type: TYPE_STRING }
			  field { name: "placed" number: 2 type: TYPE_MESSAGE type_name: "google.protobuf.Timestamp" }
			  field { name: "ship_to" number: 3 type: TYPE_MESSAGE type_name: "Address" }
			  field { name: "lines" number: 4 label: LABEL_REPEATED type: TYPE_MESSAGE type_name: "Line" }
			  field { name: "status" number: 5 type: TYPE_ENUM type_name: "Status" }
			  nested_type { name: "Line"
			    field { name: "sku" number: 1 type: TYPE_STRING }
			    field { name: "qty" number: 2 type: TYPE_INT32 } }
			  enum_type { name: "Status" value { name: "NEW" number: 0 } value { name: "PAID" number: 1 } } }
			syntax: "proto3"`), &want); err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(&file, &want) {
			t.Fatalf("serialized schema decodes to\n%v\nwant\n%v", &file, &want)
		}
	})

	t.Run("well-known imports need no references", func(t *testing.T) {
		const event = "syntax = \"proto3\";\npackage shop;\n\nimport \"google/protobuf/timestamp.proto\";\n\n" +
			"message Event {\n  google.protobuf.Timestamp at = 1;\n}\n"
		got, err := cl.CreateSchema(ctx, "events-value", sr.Schema{Schema: event, Type: sr.TypeProtobuf})
		if err != nil {
			t.Fatal(err)
		}
		fetched, err := cl.SchemaByID(ctx, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(fetched.References) != 0 {
			t.Fatalf("references %+v, want none", fetched.References)
		}
		sameProto(t, fetched.Schema, event, nil)
	})

	t.Run("compatibility", func(t *testing.T) {
		verbose := sr.WithParams(ctx, sr.Verbose)
		// Changing a field's scalar kind breaks BACKWARD; Confluent's
		// messages (protobuf diff.Difference, SchemaValidatorBuilder,
		// AbstractSchemaRegistry) name the change, the old version and the
		// level.
		kindChanged := strings.Replace(orderProto, "string id = 1;", "int64 id = 1;", 1)
		res, err := cl.CheckCompatibility(verbose, subject, -1, sr.Schema{Schema: kindChanged, Type: sr.TypeProtobuf, References: refs})
		if err != nil {
			t.Fatal(err)
		}
		wantMessages := []string{
			`{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at path '#/Order/1' ` +
				`in the new schema does not match its kind in the old schema"}`,
			"{oldSchemaVersion: 1}",
		}
		if res.Is || len(res.Messages) < 3 || !slices.Equal(res.Messages[:2], wantMessages) ||
			!strings.HasPrefix(res.Messages[2], "{oldSchema: '") ||
			res.Messages[len(res.Messages)-1] != "{validateFields: 'false', compatibility: 'BACKWARD'}" {
			t.Fatalf("kind change tested as %+v, want is_compatible false with messages starting %q", res, wantMessages)
		}
		_, err = cl.RegisterSchema(ctx, subject, sr.Schema{Schema: kindChanged, Type: sr.TypeProtobuf, References: refs}, -1, -1)
		wantFranzError(t, "incompatible registration", err, http.StatusConflict, 409)

		fieldAdded := strings.Replace(orderProto, "Status status = 5;", "Status status = 5;\n  string note = 6;", 1)
		res, err = cl.CheckCompatibility(verbose, subject, -1, sr.Schema{Schema: fieldAdded, Type: sr.TypeProtobuf, References: refs})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Is || len(res.Messages) != 0 {
			t.Fatalf("added field tested as %+v, want is_compatible true without messages", res)
		}
		v2, err := cl.CreateSchema(ctx, subject, sr.Schema{Schema: fieldAdded, Type: sr.TypeProtobuf, References: refs})
		if err != nil {
			t.Fatal(err)
		}
		if v2.Version != 2 || v2.ID == order.ID {
			t.Fatalf("compatible change registered as %+v, want version 2 with a new id", v2)
		}
	})
}
