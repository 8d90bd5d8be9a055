package storage

import (
	"context"
	"sync"
)

// MemoryLog is a Log held in memory only: nothing survives the process. It
// serves tests, fuzzing and throw-away registries where durability does not
// matter.
type MemoryLog struct {
	mu      sync.Mutex
	records []Record
	closed  bool
	// grown is closed and replaced whenever records are appended.
	grown chan struct{}
}

var _ Log = (*MemoryLog)(nil)

// NewMemoryLog returns an empty in-memory log.
func NewMemoryLog() *MemoryLog { return &MemoryLog{grown: make(chan struct{})} }

// Append implements Log.
func (l *MemoryLog) Append(ctx context.Context, recs ...Record) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return 0, ErrClosed
	}
	for _, r := range recs {
		l.records = append(l.records, Record{Offset: int64(len(l.records)), Key: r.Key, Value: r.Value})
	}
	close(l.grown)
	l.grown = make(chan struct{})
	return int64(len(l.records) - 1), nil
}

// Follow implements Log.
func (l *MemoryLog) Follow(ctx context.Context, from int64, apply func(Record) error) error {
	next := max(from, 0)
	for {
		l.mu.Lock()
		pending := l.records[min(next, int64(len(l.records))):]
		grown, closed := l.grown, l.closed
		l.mu.Unlock()
		for _, r := range pending {
			if err := apply(r); err != nil {
				return err
			}
			next = r.Offset + 1
		}
		if closed {
			return ErrClosed
		}
		if len(pending) > 0 {
			continue
		}
		select {
		case <-grown:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// EndOffset implements Log.
func (l *MemoryLog) EndOffset(context.Context) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return 0, ErrClosed
	}
	return int64(len(l.records) - 1), nil
}

// Close implements Log.
func (l *MemoryLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.closed = true
		close(l.grown)
	}
	return nil
}
