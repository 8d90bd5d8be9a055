package test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"

	"github.com/hamba/avro/v2"
	"github.com/hamba/avro/v2/registry"
)

func TestHambaRegistryClient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := startRegistry(t)
	cl, err := registry.NewClient(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	const subject = "people-value"

	id1, _, err := cl.CreateSchema(ctx, subject, widgetV1)
	if err != nil {
		t.Fatal(err)
	}
	id2, _, err := cl.CreateSchema(ctx, subject, widgetV2)
	if err != nil {
		t.Fatal(err)
	}
	if id1 <= 0 || id2 == id1 {
		t.Fatalf("ids %d and %d, want two distinct positive ids", id1, id2)
	}
	addressID, _, err := cl.CreateSchema(ctx, "address", addressSchema)
	if err != nil {
		t.Fatal(err)
	}
	personID, _, err := cl.CreateSchema(ctx, "person", personSchema,
		registry.SchemaReference{Name: "com.example.Address", Subject: "address", Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	if personID == addressID {
		t.Fatalf("person and address share id %d", personID)
	}

	byID, err := cl.GetSchema(ctx, id1)
	if err != nil {
		t.Fatal(err)
	}
	sameAvro(t, byID.String(), widgetV1)
	var re registry.Error
	if _, err := cl.GetSchema(ctx, personID+10); !errors.As(err, &re) || re.StatusCode != http.StatusNotFound || re.Code != 40403 {
		t.Fatalf("unknown id: %v, want HTTP 404 with error_code 40403", err)
	}

	latest, err := cl.GetLatestSchema(ctx, subject)
	if err != nil {
		t.Fatal(err)
	}
	sameAvro(t, latest.String(), widgetV2)

	info, err := cl.GetSchemaInfo(ctx, subject, 1)
	if err != nil {
		t.Fatal(err)
	}
	if info.ID != id1 || info.Version != 1 {
		t.Fatalf("schema info of version 1: id %d version %d, want id %d version 1", info.ID, info.Version, id1)
	}
	sameAvro(t, info.Schema.String(), widgetV1)
	latestInfo, err := cl.GetLatestSchemaInfo(ctx, subject)
	if err != nil || latestInfo.ID != id2 || latestInfo.Version != 2 {
		t.Fatalf("latest schema info: %+v, %v; want id %d version 2", latestInfo, err, id2)
	}

	for schema, want := range map[string]int{widgetV1: id1, widgetV2: id2} {
		id, _, err := cl.IsRegistered(ctx, subject, schema)
		if err != nil || id != want {
			t.Fatalf("IsRegistered(%s): id %d, %v; want %d", schema, id, err, want)
		}
	}
	if _, _, err := cl.IsRegistered(ctx, subject, widgetV3); !errors.As(err, &re) || re.Code != 40403 {
		t.Fatalf("IsRegistered of an unregistered schema: %v, want error_code 40403", err)
	}
	if ok, err := cl.IsCompatible(ctx, subject, widgetV3); err != nil || ok {
		t.Fatalf("IsCompatible of an incompatible schema: %v, %v; want false", ok, err)
	}

	// Write with version 1 as a fresh client fetches it by id; read with
	// the subject's latest schema (version 2), resolving one against the
	// other: the field version 2 added takes its default.
	fresh, err := registry.NewClient(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	writer, err := fresh.GetSchema(ctx, id1)
	if err != nil {
		t.Fatal(err)
	}
	type widgetV1Record struct {
		A string `avro:"a"`
	}
	type widgetV2Record struct {
		A string `avro:"a"`
		B int32  `avro:"b"`
	}
	data, err := avro.Marshal(writer, widgetV1Record{A: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	resolved, err := avro.NewSchemaCompatibility().Resolve(latest, writer)
	if err != nil {
		t.Fatalf("resolving version 2 against version 1: %v", err)
	}
	var got widgetV2Record
	if err := avro.Unmarshal(resolved, data, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, widgetV2Record{A: "hello", B: 7}) {
		t.Fatalf("round trip gave %+v", got)
	}
}
