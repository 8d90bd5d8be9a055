package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
)

func TestMemoryLogFollowSeesEveryRecordOnce(t *testing.T) {
	l := NewMemoryLog()
	if end, _ := l.EndOffset(context.Background()); end != -1 {
		t.Fatalf("empty log ends at %d", end)
	}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := []byte(fmt.Sprint(i))
			if _, err := l.Append(context.Background(), Record{Key: key}, Record{Key: key, Value: key}); err != nil {
				t.Error(err)
			}
		}()
	}
	ctx, cancel := context.WithCancel(context.Background())
	var seen []int64
	done := make(chan error, 1)
	go func() {
		done <- l.Follow(ctx, 0, func(r Record) error {
			seen = append(seen, r.Offset)
			if len(seen) == 100 {
				cancel()
			}
			return nil
		})
	}()
	wg.Wait()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("follow ended with %v", err)
	}
	for i, off := range seen {
		if off != int64(i) {
			t.Fatalf("record %d has offset %d", i, off)
		}
	}
	l.Close()
	if _, err := l.Append(context.Background(), Record{}); !errors.Is(err, ErrClosed) {
		t.Errorf("append after close: %v", err)
	}
}
