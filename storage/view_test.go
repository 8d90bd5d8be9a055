package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/goschemaregistry/registry/formats"
)

// replay applies records to a fresh view, with increasing offsets.
func replay(t *testing.T, recs ...Record) *View {
	t.Helper()
	v := NewView(nil)
	for i, r := range recs {
		r.Offset = int64(i)
		v.Apply(r)
	}
	return v
}

func schemaRec(t *testing.T, subject string, version, id int, schema string, deleted bool, refs ...formats.Reference) Record {
	t.Helper()
	value, err := EncodeValue(&SchemaValue{Subject: subject, Version: version, ID: id, Schema: schema, Deleted: deleted, References: refs})
	if err != nil {
		t.Fatal(err)
	}
	return Record{Key: Key{Type: KeySchema, Subject: subject, Version: version}.Bytes(), Value: value}
}

func recordOf(t *testing.T, key Key, value any) Record {
	t.Helper()
	if value == nil {
		return Record{Key: key.Bytes()}
	}
	b, err := EncodeValue(value)
	if err != nil {
		t.Fatal(err)
	}
	return Record{Key: key.Bytes(), Value: b}
}

func versionNumbers(vs []Version) []int {
	out := []int{}
	for _, v := range vs {
		out = append(out, v.Version)
	}
	return out
}

func TestViewAppliesEveryKeyType(t *testing.T) {
	v := replay(t,
		schemaRec(t, "a", 1, 1, `"int"`, false),
		schemaRec(t, "a", 2, 2, `"long"`, false),
		schemaRec(t, "b", 1, 1, `"int"`, false),
		recordOf(t, Key{Type: KeyConfig}, ConfigValue{CompatibilityLevel: "FULL"}),
		recordOf(t, Key{Type: KeyConfig, Subject: "a"}, ConfigValue{Subject: "a", CompatibilityLevel: "NONE"}),
		recordOf(t, Key{Type: KeyMode, Subject: "b"}, ModeValue{Subject: "b", Mode: "READONLY"}),
		recordOf(t, Key{Type: KeyNoop}, nil),
		Record{Key: []byte(`{"keytype":"SOMETHING_NEW","magic":0}`), Value: []byte(`{}`)},
		Record{Key: []byte(`garbage`), Value: []byte(`garbage`)},
		Record{Key: Key{Type: KeySchema, Subject: "c", Version: 1}.Bytes(), Value: []byte(`not json`)},
	)
	if got := versionNumbers(v.Versions("a", false)); !slices.Equal(got, []int{1, 2}) {
		t.Errorf("versions of a: %v", got)
	}
	if got := v.Subjects("", LiveOnly); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("subjects: %v", got)
	}
	if c, ok := v.Config(""); !ok || c.CompatibilityLevel != "FULL" {
		t.Errorf("global config: %+v", c)
	}
	if c, _ := v.Config("a"); c.CompatibilityLevel != "NONE" {
		t.Errorf("subject config: %+v", c)
	}
	if m, _ := v.Mode("b"); m != "READONLY" {
		t.Errorf("mode: %q", m)
	}
	if got := versionNumbers(v.VersionsByID(1, false)); !slices.Equal(got, []int{1, 1}) {
		t.Errorf("versions of id 1: %v", got)
	}
	if v.MaxID() != 2 || v.Applied() != 9 {
		t.Errorf("max id %d, applied %d", v.MaxID(), v.Applied())
	}
}

func TestViewDeletes(t *testing.T) {
	recs := []Record{
		schemaRec(t, "a", 1, 1, `"int"`, false),
		schemaRec(t, "a", 2, 2, `"long"`, false),
		schemaRec(t, "a", 3, 3, `"float"`, false),
		// Soft delete of one version rewrites its record.
		schemaRec(t, "a", 1, 1, `"int"`, true),
	}
	v := replay(t, recs...)
	if got := versionNumbers(v.Versions("a", false)); !slices.Equal(got, []int{2, 3}) {
		t.Errorf("live versions: %v", got)
	}
	if _, ok := v.SchemaByID(1); !ok {
		t.Error("a soft-deleted schema is still found by id")
	}

	// DELETE_SUBJECT soft-deletes every version up to its version.
	recs = append(recs, recordOf(t, Key{Type: KeyDeleteSubject, Subject: "a"}, DeleteSubjectValue{Subject: "a", Version: 3}))
	v = replay(t, recs...)
	if v.SubjectExists("a", false) || !v.SubjectExists("a", true) {
		t.Error("subject should be soft-deleted")
	}
	if got := v.Subjects("", DeletedOnly); !slices.Equal(got, []string{"a"}) {
		t.Errorf("deleted-only subjects: %v", got)
	}

	// Tombstones remove versions for good; the id is then unknown, but
	// the highest id is remembered.
	recs = append(recs, Record{Key: Key{Type: KeySchema, Subject: "a", Version: 3}.Bytes()})
	v = replay(t, recs...)
	if _, ok := v.SchemaByID(3); ok {
		t.Error("a permanently deleted schema is still found by id")
	}
	if v.MaxID() != 3 || v.MaxVersion("a") != 2 {
		t.Errorf("max id %d, max version %d", v.MaxID(), v.MaxVersion("a"))
	}

	// CLEAR_SUBJECT forgets the subject.
	recs = append(recs, recordOf(t, Key{Type: KeyClearSubject, Subject: "a"}, ClearSubjectValue{Subject: "a"}))
	v = replay(t, recs...)
	if v.SubjectExists("a", true) {
		t.Error("cleared subject still exists")
	}
}

func TestViewRefusesIDReuseForOtherContent(t *testing.T) {
	v := replay(t,
		schemaRec(t, "a", 1, 1, `"int"`, false),
		// A late record from a deposed writer gives id 1 to other content.
		schemaRec(t, "b", 1, 1, `"string"`, false),
	)
	if v.SubjectExists("b", true) {
		t.Error("conflicting record was applied")
	}
	if c, _ := v.SchemaByID(1); c.Schema != `"int"` {
		t.Errorf("id 1 holds %s", c.Schema)
	}
}

func TestViewReferences(t *testing.T) {
	ref := formats.Reference{Name: "A", Subject: "a", Version: 1}
	v := replay(t,
		schemaRec(t, "a", 1, 1, `{"type":"fixed","name":"A","size":1}`, false),
		schemaRec(t, "b", 1, 2, `"A"`, false, ref),
		schemaRec(t, "c", 1, 3, `["null","A"]`, false, ref),
		schemaRec(t, "c", 1, 3, `["null","A"]`, true, ref),
	)
	if got := v.ReferencedBy("a", 1, false); !slices.Equal(got, []int{2}) {
		t.Errorf("live referrers: %v", got)
	}
	if got := v.ReferencedBy("a", 1, true); !slices.Equal(got, []int{2, 3}) {
		t.Errorf("all referrers: %v", got)
	}
	if got := v.ReferencingSubjects("a", 1, true); !slices.Equal(got, []string{"b", "c"}) {
		t.Errorf("referencing subjects: %v", got)
	}
}

func TestViewFindInSubject(t *testing.T) {
	v := replay(t,
		schemaRec(t, "a", 1, 1, `"int"`, false),
		schemaRec(t, "a", 2, 2, `"long"`, true),
	)
	intHash := HashContent(formats.TypeAvro, `"int"`, nil, nil, nil)
	if ver, ok := v.FindInSubject("a", intHash, false); !ok || ver.Version != 1 || ver.ID != 1 {
		t.Errorf("find int: %+v %v", ver, ok)
	}
	longHash := HashContent("", `"long"`, nil, nil, nil)
	if _, ok := v.FindInSubject("a", longHash, false); ok {
		t.Error("found a soft-deleted version without asking for deleted ones")
	}
	if ver, ok := v.FindInSubject("a", longHash, true); !ok || ver.Version != 2 {
		t.Errorf("find deleted long: %+v %v", ver, ok)
	}
	if id, ok := v.IDForHash(intHash); !ok || id != 1 {
		t.Errorf("id for hash: %d %v", id, ok)
	}
}

func TestWaitApplied(t *testing.T) {
	v := NewView(nil)
	done := make(chan error, 1)
	go func() { done <- v.WaitApplied(context.Background(), 1) }()
	v.Apply(Record{Offset: 0, Key: Key{Type: KeyNoop}.Bytes()})
	select {
	case <-done:
		t.Fatal("returned before offset 1 was applied")
	case <-time.After(20 * time.Millisecond):
	}
	v.Apply(Record{Offset: 1, Key: Key{Type: KeyNoop}.Bytes()})
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := v.WaitApplied(ctx, 5); err == nil {
		t.Error("want the context's error")
	}
}

func TestViewSameSchemaUnderTwoIDs(t *testing.T) {
	// An import may give one schema two ids; both stay findable, and
	// forgetting the first does not lose the second.
	v := replay(t,
		schemaRec(t, "a", 1, 1, `"int"`, false),
		schemaRec(t, "b", 1, 2, `"int"`, false),
		Record{Key: Key{Type: KeySchema, Subject: "a", Version: 1}.Bytes()},
	)
	hash := HashContent(formats.TypeAvro, `"int"`, nil, nil, nil)
	if ver, ok := v.FindInSubject("b", hash, false); !ok || ver.ID != 2 {
		t.Errorf("find in b: %+v %v", ver, ok)
	}
	if id, ok := v.IDForHash(hash); !ok || id != 2 {
		t.Errorf("id for hash: %d %v", id, ok)
	}
}

func TestViewSchemaSharedByManySubjects(t *testing.T) {
	var recs []Record
	for i := range 3 * indexHoldersFrom {
		recs = append(recs, schemaRec(t, fmt.Sprintf("s%d", i), 1, 1, `"string"`, false))
	}
	recs = append(recs, Record{Key: Key{Type: KeySchema, Subject: "s3", Version: 1}.Bytes()})
	v := replay(t, recs...)
	hash := HashContent(formats.TypeAvro, `"string"`, nil, nil, nil)
	for i := range 3 * indexHoldersFrom {
		_, ok := v.FindInSubject(fmt.Sprintf("s%d", i), hash, false)
		if ok != (i != 3) {
			t.Errorf("subject s%d: found %v", i, ok)
		}
	}
	if got := len(v.VersionsByID(1, false)); got != 3*indexHoldersFrom-1 {
		t.Errorf("%d versions hold id 1", got)
	}
}

func TestViewRefusesVersionReuseForOtherSchema(t *testing.T) {
	v := replay(t,
		schemaRec(t, "a", 1, 1, `"int"`, false),
		// A deposed leader's late record for the same version.
		schemaRec(t, "a", 1, 2, `"long"`, false),
		// Rewriting the version with its own schema (a soft delete) is fine.
		schemaRec(t, "a", 1, 1, `"int"`, true),
	)
	ver, ok := v.Version("a", 1)
	if !ok || ver.ID != 1 || !ver.Deleted {
		t.Errorf("version 1: %+v %v", ver, ok)
	}
	if _, ok := v.SchemaByID(2); ok {
		t.Error("the refused schema is known by id")
	}
	// Once a tombstone frees the version, it may hold another schema.
	v.Apply(Record{Offset: 10, Key: Key{Type: KeySchema, Subject: "a", Version: 1}.Bytes()})
	v.Apply(func() Record { r := schemaRec(t, "a", 1, 3, `"long"`, false); r.Offset = 11; return r }())
	if ver, _ := v.Version("a", 1); ver.ID != 3 {
		t.Errorf("after the tombstone version 1 holds id %d", ver.ID)
	}
}

// TestViewHasContracts follows which subjects hold a version with metadata
// or a rule set, through registrations, soft deletes and tombstones.
func TestViewHasContracts(t *testing.T) {
	key := Key{Type: KeySchema, Subject: "s", Version: 2}
	withMetadata := recordOf(t, key, &SchemaValue{Subject: "s", Version: 2, ID: 2, Schema: `"long"`,
		Metadata: json.RawMessage(`{"properties":{"owner":"a"}}`)})
	for _, tc := range []struct {
		name string
		recs []Record
		want bool
	}{
		{"no versions", nil, false},
		{"plain versions", []Record{schemaRec(t, "s", 1, 1, `"int"`, false)}, false},
		{"a version with metadata", []Record{schemaRec(t, "s", 1, 1, `"int"`, false), withMetadata}, true},
		{"soft-deleted still counts", []Record{withMetadata, recordOf(t, key, &SchemaValue{Subject: "s", Version: 2, ID: 2,
			Schema: `"long"`, Metadata: json.RawMessage(`{"properties":{"owner":"a"}}`), Deleted: true})}, true},
		{"tombstoned", []Record{withMetadata, recordOf(t, key, nil)}, false},
		{"null metadata", []Record{recordOf(t, key, &SchemaValue{Subject: "s", Version: 2, ID: 2, Schema: `"long"`,
			Metadata: json.RawMessage(`null`)})}, false},
	} {
		if got := replay(t, tc.recs...).HasContracts("s"); got != tc.want {
			t.Errorf("%s: HasContracts = %v, want %v", tc.name, got, tc.want)
		}
	}
}
