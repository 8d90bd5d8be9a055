package storage

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"testing"
)

func TestViewStats(t *testing.T) {
	tests := []struct {
		name string
		recs func(t *testing.T) []Record
		want ViewStats
	}{
		{"empty", func(*testing.T) []Record { return nil }, ViewStats{}},
		{"one schema shared by two subjects", func(t *testing.T) []Record {
			return []Record{
				schemaRec(t, "a", 1, 1, `"int"`, false),
				schemaRec(t, "b", 1, 1, `"int"`, false),
				schemaRec(t, "b", 2, 2, `"long"`, false),
			}
		}, ViewStats{Schemas: 2, Subjects: 2, Versions: 3}},
		{"soft-deleted version keeps its id", func(t *testing.T) []Record {
			return []Record{
				schemaRec(t, "a", 1, 1, `"int"`, false),
				schemaRec(t, "a", 2, 2, `"long"`, true),
			}
		}, ViewStats{Schemas: 2, Subjects: 1, Versions: 1}},
		{"soft-deleted subject", func(t *testing.T) []Record {
			return []Record{
				schemaRec(t, "a", 1, 1, `"int"`, false),
				schemaRec(t, "b", 1, 2, `"long"`, false),
				recordOf(t, Key{Type: KeyDeleteSubject, Subject: "a"}, DeleteSubjectValue{Subject: "a", Version: 1}),
			}
		}, ViewStats{Schemas: 2, Subjects: 1, Versions: 1}},
		{"tombstone forgets the id", func(t *testing.T) []Record {
			return []Record{
				schemaRec(t, "a", 1, 1, `"int"`, false),
				schemaRec(t, "a", 2, 2, `"long"`, false),
				recordOf(t, Key{Type: KeySchema, Subject: "a", Version: 2}, nil),
			}
		}, ViewStats{Schemas: 1, Subjects: 1, Versions: 1}},
		{"cleared subject", func(t *testing.T) []Record {
			return []Record{
				schemaRec(t, "a", 1, 1, `"int"`, false),
				recordOf(t, Key{Type: KeyClearSubject, Subject: "a"}, ClearSubjectValue{Subject: "a"}),
			}
		}, ViewStats{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := replay(t, tt.recs(t)...).Stats(); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// BenchmarkViewStats counts a view of 100,000 versions: 50,000 subjects
// of two versions each, one in ten soft-deleted.
func BenchmarkViewStats(b *testing.B) {
	v := NewView(nil)
	offset := int64(0)
	for i := range 50_000 {
		subject := fmt.Sprintf("subject-%d", i)
		for version := 1; version <= 2; version++ {
			id := 2*i + version
			value, err := EncodeValue(&SchemaValue{Subject: subject, Version: version, ID: id,
				Schema: fmt.Sprintf(`{"type":"fixed","name":"f%d","size":1}`, id), Deleted: id%10 == 0})
			if err != nil {
				b.Fatal(err)
			}
			v.Apply(Record{Offset: offset, Key: Key{Type: KeySchema, Subject: subject, Version: version}.Bytes(), Value: value})
			offset++
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if s := v.Stats(); s.Versions != 90_000 {
			b.Fatalf("stats: %+v", s)
		}
	}
}

// TestViewStatsFollowEveryRecord applies a long random mix of
// registrations, soft deletes, re-registrations, tombstones and cleared
// subjects, and compares the kept counts with a count from scratch after
// every record.
func TestViewStatsFollowEveryRecord(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	v := NewView(slog.New(slog.NewTextHandler(io.Discard, nil)))
	for i := range 3000 {
		subject := fmt.Sprintf("s%d", rng.IntN(4))
		version := 1 + rng.IntN(6)
		var rec Record
		switch rng.IntN(6) {
		case 0, 1, 2:
			// The id follows the version, so that a version is only
			// ever re-given its own schema.
			rec = schemaRec(t, subject, version, version, fmt.Sprintf(`{"type":"fixed","name":"F","size":%d}`, version), rng.IntN(3) == 0)
		case 3:
			rec = recordOf(t, Key{Type: KeySchema, Subject: subject, Version: version}, nil)
		case 4:
			rec = recordOf(t, Key{Type: KeyDeleteSubject, Subject: subject}, DeleteSubjectValue{Subject: subject, Version: version})
		case 5:
			rec = recordOf(t, Key{Type: KeyClearSubject, Subject: subject}, ClearSubjectValue{Subject: subject})
		}
		rec.Offset = int64(i)
		v.Apply(rec)
		if got, want := v.Stats(), recount(v); got != want {
			t.Fatalf("after record %d (%s): kept %+v, counted %+v", i, rec.Key, got, want)
		}
	}
}

// recount counts v's contents by visiting them all.
func recount(v *View) ViewStats {
	v.mu.RLock()
	defer v.mu.RUnlock()
	stats := ViewStats{Schemas: len(v.byID)}
	for _, s := range v.subjects {
		live := 0
		for _, ver := range s.ordered {
			if !ver.Deleted {
				live++
			}
		}
		stats.Versions += live
		if live > 0 {
			stats.Subjects++
		}
	}
	return stats
}
