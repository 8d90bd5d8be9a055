package test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"
)

// Schemas shared by the client tests: an Address record in its own subject,
// and a Person record that references it by name.
const (
	addressSchema = `{"type":"record","name":"Address","namespace":"com.example","fields":[` +
		`{"name":"street","type":"string"},{"name":"zip","type":"int"}]}`
	personSchema = `{"type":"record","name":"Person","namespace":"com.example","fields":[` +
		`{"name":"name","type":"string"},{"name":"home","type":"com.example.Address"}]}`
	// The v1/v2/v3 triple of one subject: v2 adds a field with a default
	// (backward compatible), v3 adds one without (incompatible).
	widgetV1 = `{"type":"record","name":"Widget","fields":[{"name":"a","type":"string"}]}`
	widgetV2 = `{"type":"record","name":"Widget","fields":[{"name":"a","type":"string"},` +
		`{"name":"b","type":"int","default":7}]}`
	widgetV3 = `{"type":"record","name":"Widget","fields":[{"name":"a","type":"string"},` +
		`{"name":"c","type":"long"}]}`
)

func newFranzClient(t *testing.T, r *registryProcess) *sr.Client {
	t.Helper()
	cl, err := sr.NewClient(sr.URLs(r.URL))
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// wantFranzError checks err is the registry's error with this HTTP status
// and Confluent error code.
func wantFranzError(t *testing.T, what string, err error, status, code int) {
	t.Helper()
	var re *sr.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("%s: error %v, want HTTP %d with error_code %d", what, err, status, code)
	}
	if re.StatusCode != status || re.ErrorCode != code || re.Message == "" {
		t.Fatalf("%s: HTTP %d error_code %d message %q, want HTTP %d error_code %d with a message",
			what, re.StatusCode, re.ErrorCode, re.Message, status, code)
	}
}

// sameAvro fails unless got and want are the same Avro schema (same
// canonical form). refs are the schemas that got and want reference, in
// dependency order.
func sameAvro(t *testing.T, got, want string, refs ...string) {
	t.Helper()
	canonical := func(text string) string {
		cache := &avro.SchemaCache{}
		for _, ref := range refs {
			if _, err := avro.ParseWithCache(ref, "", cache); err != nil {
				t.Fatalf("parsing referenced schema %s: %v", ref, err)
			}
		}
		s, err := avro.ParseWithCache(text, "", cache)
		if err != nil {
			t.Fatalf("parsing schema %s: %v", text, err)
		}
		return s.String()
	}
	if g, w := canonical(got), canonical(want); g != w {
		t.Fatalf("schema %s\nwant %s", g, w)
	}
}

func TestFranzRegisterLookupAndList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := startRegistry(t)
	cl := newFranzClient(t, r)

	address, err := cl.CreateSchema(ctx, "address", sr.Schema{Schema: addressSchema})
	if err != nil {
		t.Fatal(err)
	}
	if address.Subject != "address" || address.Version != 1 || address.ID <= 0 {
		t.Fatalf("address registered as %+v, want subject address version 1 with an id", address)
	}
	personRefs := []sr.SchemaReference{{Name: "com.example.Address", Subject: "address", Version: 1}}
	person, err := cl.CreateSchema(ctx, "person-value", sr.Schema{Schema: personSchema, References: personRefs})
	if err != nil {
		t.Fatal(err)
	}
	if person.Version != 1 || person.ID == address.ID {
		t.Fatalf("person registered as %+v, want version 1 and an id other than %d", person, address.ID)
	}

	t.Run("fetch by id keeps references", func(t *testing.T) {
		got, err := cl.SchemaByID(ctx, person.ID)
		if err != nil {
			t.Fatal(err)
		}
		sameAvro(t, got.Schema, personSchema, addressSchema)
		if !slices.Equal(got.References, personRefs) {
			t.Fatalf("references %+v, want %+v", got.References, personRefs)
		}
		if _, err := cl.SchemaByID(ctx, person.ID+100); err == nil {
			t.Fatal("an unknown id was found")
		} else {
			wantFranzError(t, "unknown id", err, http.StatusNotFound, 40403)
		}
	})

	t.Run("fetch by version", func(t *testing.T) {
		got, err := cl.SchemaByVersion(ctx, "person-value", -1)
		if err != nil {
			t.Fatal(err)
		}
		if got.Subject != "person-value" || got.Version != 1 || got.ID != person.ID {
			t.Fatalf("latest person-value is %+v, want version 1 id %d", got, person.ID)
		}
		if !slices.Equal(got.References, personRefs) {
			t.Fatalf("references %+v, want %+v", got.References, personRefs)
		}
		sameAvro(t, got.Schema.Schema, personSchema, addressSchema)
	})

	t.Run("lookup by schema", func(t *testing.T) {
		got, err := cl.LookupSchema(ctx, "person-value", sr.Schema{Schema: personSchema, References: personRefs})
		if err != nil {
			t.Fatal(err)
		}
		if got.Subject != "person-value" || got.Version != 1 || got.ID != person.ID {
			t.Fatalf("lookup found %+v, want person-value version 1 id %d", got, person.ID)
		}
		_, err = cl.LookupSchema(ctx, "address", sr.Schema{Schema: widgetV1})
		wantFranzError(t, "lookup of an unregistered schema", err, http.StatusNotFound, 40403)
		_, err = cl.LookupSchema(ctx, "nobody", sr.Schema{Schema: widgetV1})
		wantFranzError(t, "lookup in an unknown subject", err, http.StatusNotFound, 40401)
	})

	t.Run("same schema in another subject shares the id", func(t *testing.T) {
		other, err := cl.CreateSchema(ctx, "address-copy", sr.Schema{Schema: addressSchema})
		if err != nil {
			t.Fatal(err)
		}
		if other.ID != address.ID || other.Version != 1 {
			t.Fatalf("address under a second subject is %+v, want id %d version 1", other, address.ID)
		}
		subjects, err := cl.SubjectsByID(ctx, address.ID)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(subjects)
		if want := []string{"address", "address-copy"}; !slices.Equal(subjects, want) {
			t.Fatalf("subjects of id %d: %v, want %v", address.ID, subjects, want)
		}
	})

	t.Run("re-registration returns the same id", func(t *testing.T) {
		id, err := cl.RegisterSchema(ctx, "address", sr.Schema{Schema: addressSchema}, -1, -1)
		if err != nil {
			t.Fatal(err)
		}
		if id != address.ID {
			t.Fatalf("re-registration gave id %d, want %d", id, address.ID)
		}
		versions, err := cl.SubjectVersions(ctx, "address")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(versions, []int{1}) {
			t.Fatalf("versions after re-registration %v, want [1]", versions)
		}
	})

	t.Run("referenced by", func(t *testing.T) {
		users, err := cl.SchemaReferences(ctx, "address", 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(users) != 1 || users[0].ID != person.ID || users[0].Subject != "person-value" {
			t.Fatalf("address is referenced by %+v, want person-value id %d", users, person.ID)
		}
	})

	t.Run("subjects and versions", func(t *testing.T) {
		subjects, err := cl.Subjects(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"address", "address-copy", "person-value"}; !slices.Equal(subjects, want) {
			t.Fatalf("subjects %v, want %v", subjects, want)
		}
		prefixed, err := cl.Subjects(sr.WithParams(ctx, sr.SubjectPrefix("addr")))
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"address", "address-copy"}; !slices.Equal(prefixed, want) {
			t.Fatalf("subjects with prefix addr %v, want %v", prefixed, want)
		}
		usages, err := cl.SchemaVersionsByID(ctx, address.ID)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(usages, func(a, b sr.SubjectVersion) int { return strings.Compare(a.Subject, b.Subject) })
		want := []sr.SubjectVersion{{Subject: "address", Version: 1}, {Subject: "address-copy", Version: 1}}
		if !slices.Equal(usages, want) {
			t.Fatalf("versions of id %d: %v, want %v", address.ID, usages, want)
		}
		_, err = cl.SubjectVersions(ctx, "nobody")
		wantFranzError(t, "versions of an unknown subject", err, http.StatusNotFound, 40401)
	})
}

func TestFranzDeletes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := startRegistry(t)
	cl := newFranzClient(t, r)
	const subject = "widgets"

	v1, err := cl.CreateSchema(ctx, subject, sr.Schema{Schema: widgetV1})
	if err != nil {
		t.Fatal(err)
	}
	v2, err := cl.CreateSchema(ctx, subject, sr.Schema{Schema: widgetV2})
	if err != nil {
		t.Fatal(err)
	}
	if v1.Version != 1 || v2.Version != 2 || v2.ID == v1.ID {
		t.Fatalf("registered %+v and %+v, want versions 1 and 2 with distinct ids", v1, v2)
	}
	versions := func(ctx context.Context) []int {
		t.Helper()
		got, err := cl.SubjectVersions(ctx, subject)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	subjects := func(ctx context.Context) []string {
		t.Helper()
		got, err := cl.Subjects(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	showDeleted := sr.WithParams(ctx, sr.ShowDeleted)
	deletedOnly := sr.WithParams(ctx, sr.DeletedOnly)

	// A permanent delete needs a soft delete first.
	err = cl.DeleteSchema(ctx, subject, 1, sr.HardDelete)
	wantFranzError(t, "hard delete of a live version", err, http.StatusNotFound, 40407)

	if err := cl.DeleteSchema(ctx, subject, 1, sr.SoftDelete); err != nil {
		t.Fatal(err)
	}
	if got := versions(ctx); !slices.Equal(got, []int{2}) {
		t.Fatalf("versions after soft-deleting 1: %v, want [2]", got)
	}
	if got := versions(showDeleted); !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("versions with deleted=true: %v, want [1 2]", got)
	}
	if got := versions(deletedOnly); !slices.Equal(got, []int{1}) {
		t.Fatalf("versions with deletedOnly=true: %v, want [1]", got)
	}
	_, err = cl.SchemaByVersion(ctx, subject, 1)
	wantFranzError(t, "soft-deleted version", err, http.StatusNotFound, 40402)
	if got, err := cl.SchemaByVersion(showDeleted, subject, 1); err != nil || got.ID != v1.ID {
		t.Fatalf("soft-deleted version with deleted=true: %+v, %v; want id %d", got, err, v1.ID)
	}
	err = cl.DeleteSchema(ctx, subject, 1, sr.SoftDelete)
	wantFranzError(t, "second soft delete", err, http.StatusNotFound, 40406)

	_, err = cl.DeleteSubject(ctx, subject, sr.HardDelete)
	wantFranzError(t, "hard delete of a live subject", err, http.StatusNotFound, 40405)

	// Soft-deleting the subject hides it but keeps its schemas readable by
	// id, so consumers can still decode old records.
	deleted, err := cl.DeleteSubject(ctx, subject, sr.SoftDelete)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(deleted, []int{2}) {
		t.Fatalf("soft delete of the subject returned %v, want [2]", deleted)
	}
	if got := subjects(ctx); slices.Contains(got, subject) {
		t.Fatalf("subjects after soft delete %v still list %s", got, subject)
	}
	if got := subjects(showDeleted); !slices.Contains(got, subject) {
		t.Fatalf("subjects with deleted=true %v miss %s", got, subject)
	}
	if got := subjects(deletedOnly); !slices.Equal(got, []string{subject}) {
		t.Fatalf("subjects with deletedOnly=true %v, want [%s]", got, subject)
	}
	if _, err := cl.SchemaByID(ctx, v1.ID); err != nil {
		t.Fatalf("schema %d of a soft-deleted subject: %v", v1.ID, err)
	}
	_, err = cl.SubjectVersions(ctx, subject)
	wantFranzError(t, "versions of a soft-deleted subject", err, http.StatusNotFound, 40401)
	_, err = cl.DeleteSubject(ctx, subject, sr.SoftDelete)
	wantFranzError(t, "second soft delete of the subject", err, http.StatusNotFound, 40404)

	// Registering again continues the version sequence and reuses the id.
	again, err := cl.CreateSchema(ctx, subject, sr.Schema{Schema: widgetV1})
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != v1.ID || again.Version != 3 {
		t.Fatalf("re-registration after delete gave %+v, want id %d version 3", again, v1.ID)
	}
	// Confluent tombstones a soft-deleted version whose id is registered
	// again (KafkaSchemaRegistry.register): version 1 is gone for good.
	if got := versions(showDeleted); !slices.Equal(got, []int{2, 3}) {
		t.Fatalf("versions with deleted=true after re-registering version 1's schema: %v, want [2 3]", got)
	}

	if _, err := cl.DeleteSubject(ctx, subject, sr.SoftDelete); err != nil {
		t.Fatal(err)
	}
	deleted, err = cl.DeleteSubject(ctx, subject, sr.HardDelete)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(deleted, []int{2, 3}) {
		t.Fatalf("permanent delete returned %v, want [2 3]", deleted)
	}
	if got := subjects(showDeleted); slices.Contains(got, subject) {
		t.Fatalf("subjects with deleted=true %v still list %s after a permanent delete", got, subject)
	}
	_, err = cl.SchemaByID(ctx, v2.ID)
	wantFranzError(t, "schema of a permanently deleted subject", err, http.StatusNotFound, 40403)
	_, err = cl.DeleteSubject(ctx, subject, sr.HardDelete)
	wantFranzError(t, "permanent delete of a gone subject", err, http.StatusNotFound, 40401)

	// Ids are never reused, even once the schemas holding them are gone.
	fresh, err := cl.CreateSchema(ctx, "fresh", sr.Schema{Schema: widgetV3})
	if err != nil {
		t.Fatal(err)
	}
	if fresh.ID <= v2.ID {
		t.Fatalf("new schema got id %d, want more than %d", fresh.ID, v2.ID)
	}
}

func TestFranzCompatibility(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := startRegistry(t)
	cl := newFranzClient(t, r)
	const subject = "compat"

	if _, err := cl.CreateSchema(ctx, subject, sr.Schema{Schema: widgetV1}); err != nil {
		t.Fatal(err)
	}
	verbose := sr.WithParams(ctx, sr.Verbose)

	res, err := cl.CheckCompatibility(verbose, subject, -1, sr.Schema{Schema: widgetV3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Is || len(res.Messages) == 0 {
		t.Fatalf("incompatible change tested as %+v, want is_compatible false with messages", res)
	}
	res, err = cl.CheckCompatibility(verbose, subject, -2, sr.Schema{Schema: widgetV2})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Is || len(res.Messages) != 0 {
		t.Fatalf("compatible change tested as %+v, want is_compatible true without messages", res)
	}
	_, err = cl.CheckCompatibility(ctx, subject, 7, sr.Schema{Schema: widgetV2})
	wantFranzError(t, "test against a missing version", err, http.StatusNotFound, 40402)

	_, err = cl.RegisterSchema(ctx, subject, sr.Schema{Schema: widgetV3}, -1, -1)
	wantFranzError(t, "incompatible registration", err, http.StatusConflict, 409)

	// Config: the global default, a subject override, and its removal.
	global := cl.Compatibility(ctx)
	if global[0].Err != nil || global[0].Level != sr.CompatBackward {
		t.Fatalf("global compatibility %+v, want BACKWARD", global[0])
	}
	subjectCompat := cl.Compatibility(ctx, subject)
	wantFranzError(t, "compatibility of an unconfigured subject", subjectCompat[0].Err, http.StatusNotFound, 40408)
	if got := cl.Compatibility(sr.WithParams(ctx, sr.DefaultToGlobal), subject); got[0].Err != nil || got[0].Level != sr.CompatBackward {
		t.Fatalf("subject compatibility with defaultToGlobal %+v, want BACKWARD", got[0])
	}
	if set := cl.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatNone}, subject); set[0].Err != nil || set[0].Level != sr.CompatNone {
		t.Fatalf("setting NONE: %+v", set[0])
	}
	if got := cl.Compatibility(ctx, subject); got[0].Err != nil || got[0].Level != sr.CompatNone {
		t.Fatalf("subject compatibility after set %+v, want NONE", got[0])
	}
	v2, err := cl.CreateSchema(ctx, subject, sr.Schema{Schema: widgetV3})
	if err != nil {
		t.Fatalf("registration under NONE: %v", err)
	}
	if v2.Version != 2 {
		t.Fatalf("registration under NONE gave %+v, want version 2", v2)
	}
	if set := cl.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatFullTransitive}); set[0].Err != nil {
		t.Fatalf("setting the global level: %v", set[0].Err)
	}
	if got := cl.Compatibility(ctx); got[0].Level != sr.CompatFullTransitive {
		t.Fatalf("global compatibility after set %+v, want FULL_TRANSITIVE", got[0])
	}
	if reset := cl.ResetCompatibility(ctx, subject); reset[0].Err != nil {
		t.Fatalf("resetting the subject level: %v", reset[0].Err)
	}
	if got := cl.Compatibility(sr.WithParams(ctx, sr.DefaultToGlobal), subject); got[0].Level != sr.CompatFullTransitive {
		t.Fatalf("subject compatibility after reset %+v, want the global FULL_TRANSITIVE", got[0])
	}
	err = cl.Do(ctx, http.MethodPut, "/config", map[string]string{"compatibility": "SIDEWAYS"}, nil)
	wantFranzError(t, "unknown compatibility level", err, http.StatusUnprocessableEntity, 42203)
}

func TestFranzModes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := startRegistry(t)
	cl := newFranzClient(t, r)
	const subject = "moded"

	if got := cl.Mode(ctx); got[0].Err != nil || got[0].Mode != sr.ModeReadWrite {
		t.Fatalf("global mode %+v, want READWRITE", got[0])
	}
	wantFranzError(t, "mode of an unconfigured subject", cl.Mode(ctx, subject)[0].Err, http.StatusNotFound, 40409)
	if got := cl.Mode(sr.WithParams(ctx, sr.DefaultToGlobal), subject); got[0].Err != nil || got[0].Mode != sr.ModeReadWrite {
		t.Fatalf("subject mode with defaultToGlobal %+v, want READWRITE", got[0])
	}
	if set := cl.SetMode(ctx, sr.ModeReadOnly, subject); set[0].Err != nil || set[0].Mode != sr.ModeReadOnly {
		t.Fatalf("setting READONLY: %+v", set[0])
	}
	if got := cl.Mode(ctx, subject); got[0].Err != nil || got[0].Mode != sr.ModeReadOnly {
		t.Fatalf("subject mode after set %+v, want READONLY", got[0])
	}
	_, err := cl.RegisterSchema(ctx, subject, sr.Schema{Schema: widgetV1}, -1, -1)
	wantFranzError(t, "registration in a READONLY subject", err, http.StatusUnprocessableEntity, 42205)
	if _, err := cl.RegisterSchema(ctx, "elsewhere", sr.Schema{Schema: widgetV1}, -1, -1); err != nil {
		t.Fatalf("registration in another subject: %v", err)
	}
	if reset := cl.ResetMode(ctx, subject); reset[0].Err != nil {
		t.Fatalf("resetting the subject mode: %v", reset[0].Err)
	}
	if _, err := cl.RegisterSchema(ctx, subject, sr.Schema{Schema: widgetV1}, -1, -1); err != nil {
		t.Fatalf("registration after the mode reset: %v", err)
	}
	err = cl.Do(ctx, http.MethodPut, "/mode", map[string]string{"mode": "SOMETIMES"}, nil)
	wantFranzError(t, "unknown mode", err, http.StatusUnprocessableEntity, 42204)
}
