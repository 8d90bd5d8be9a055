// Package storage keeps the registry's state: a log of records in the format
// of Confluent's _schemas topic, the backends that hold that log, and the
// in-memory view built by replaying it.
package storage

import (
	"context"
	"errors"
)

// Record is one entry of the log. A nil Value is a tombstone: it deletes
// whatever the log held under Key.
type Record struct {
	Offset int64
	Key    []byte
	Value  []byte
}

// Log is the durable, ordered sequence of records the registry's state is
// built from. Offsets increase strictly along the log but need not be
// contiguous (compaction leaves gaps, as in Kafka).
type Log interface {
	// Append writes the records, in order, and returns the offset of the
	// last one once all of them are durable. The Offset fields of recs are
	// ignored.
	Append(ctx context.Context, recs ...Record) (int64, error)
	// Follow calls apply for every record with an offset of at least from,
	// in log order, and then for every record appended later, until ctx is
	// done or apply returns an error. It returns ctx's error or apply's.
	// Only one goroutine calls apply at a time.
	Follow(ctx context.Context, from int64, apply func(Record) error) error
	// EndOffset returns the offset of the last record in the log, or -1 when
	// the log is empty. A reader that has applied that offset is caught up.
	EndOffset(ctx context.Context) (int64, error)
	// Close releases the log. Calls made after Close fail with ErrClosed.
	Close() error
}

// ErrClosed is returned by a Log used after Close.
var ErrClosed = errors.New("storage: log closed")
