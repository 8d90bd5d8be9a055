package storage

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
)

// Compaction rewrites the log into a temporary file holding the latest record
// of every key (tombstones included) and the records Pin keeps, in offset
// order with their offsets, then renames it over the log. Appends go on
// meanwhile: what they add is copied over afterwards, the last small part
// with appends paused for the rename. Every step is crash-safe: until the
// rename the log file is untouched and the temporary file is deleted at the
// next open; the rename swaps one complete file for another, and the
// directory is fsynced before any later append is acknowledged.

// tailCopiedUnderLock is how much data appended during a compaction may be
// left to copy while appends are paused.
const tailCopiedUnderLock = 1 << 20

// Compact rewrites the log without superseded records. It returns ErrClosed
// when the log is closed before it is done; the log is then unchanged.
func (l *FileLog) Compact() error {
	l.compactMu.Lock()
	defer l.compactMu.Unlock()
	return l.compact()
}

// shouldCompactLocked reports whether less than half of the file is live.
func (l *FileLog) shouldCompactLocked() bool {
	size := l.seg.size
	return l.compactMinBytes >= 0 && size >= max(l.compactMinBytes, l.compactRetryBytes) &&
		2*(l.liveBytes+l.pinnedBytes) < size && !l.compacting
}

// compactInBackground starts an automatic compaction. Only the writer calls
// it, so Close, which waits for the writer to stop first, can wait for it.
func (l *FileLog) compactInBackground() {
	l.mu.Lock()
	l.compacting = true
	l.mu.Unlock()
	l.background.Add(1)
	go func() {
		defer l.background.Done()
		defer func() {
			l.mu.Lock()
			l.compacting = false
			l.mu.Unlock()
		}()
		if !l.compactMu.TryLock() {
			return // a Compact call is already at it
		}
		defer l.compactMu.Unlock()
		err := l.compact()
		l.mu.Lock()
		l.compactRetryBytes = 0
		if err != nil {
			// Not again for every batch: wait until the file grows by half.
			l.compactRetryBytes = l.seg.size + l.seg.size/2
		}
		l.mu.Unlock()
		if err != nil && !errors.Is(err, ErrClosed) {
			l.logger.Error("storage: compacting the log failed", "path", l.path, "err", err)
		}
	}()
}

// compact does the compaction; compactMu must be held.
func (l *FileLog) compact() error {
	l.mu.Lock()
	if l.isClosed() {
		l.mu.Unlock()
		return ErrClosed
	}
	if l.failed != nil {
		l.mu.Unlock()
		return l.failed
	}
	src := l.seg
	src.refs++
	end := src.size
	latest := maps.Clone(l.index)
	l.mu.Unlock()
	defer l.release(src)

	tempPath := filepath.Join(l.dir, tempFileName)
	out, err := os.OpenFile(tempPath, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("storage: compacting: %w", err)
	}
	installed := false
	defer func() {
		if !installed {
			out.Close()
			os.Remove(tempPath)
		}
	}()

	pinned, err := l.rewrite(src, end, latest, out)
	if err != nil {
		return err
	}
	// Copy what was appended meanwhile while there is much of it, without
	// holding up appends.
	copied := end
	for {
		l.mu.Lock()
		size := src.size
		l.mu.Unlock()
		if l.isClosed() {
			return ErrClosed
		}
		if size-copied <= tailCopiedUnderLock {
			break
		}
		if err := copyRegion(out, src.f, copied, size); err != nil {
			return err
		}
		copied = size
	}
	if err := out.Sync(); err != nil {
		return fmt.Errorf("storage: compacting: %w", err)
	}

	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	l.mu.Lock()
	size, failed := src.size, l.failed
	l.mu.Unlock()
	switch {
	case l.isClosed():
		return ErrClosed
	case failed != nil:
		return failed
	}
	if err := copyRegion(out, src.f, copied, size); err != nil {
		return err
	}
	info, err := out.Stat()
	if err == nil {
		err = out.Sync()
	}
	if err == nil {
		err = os.Rename(tempPath, l.path)
	}
	if err != nil {
		return fmt.Errorf("storage: compacting: %w", err)
	}
	// The new file is the log now, whether or not the directory sync below
	// works; if it fails the rename may not be durable, and appends to the
	// new file could be lost, so the log stops taking them.
	installed = true
	syncErr := syncDir(l.dir)
	if syncErr != nil {
		syncErr = l.fail(syncErr)
	}

	l.mu.Lock()
	replacement := &segment{f: out, size: info.Size(), refs: 2} // the log's and src's
	src.next = replacement
	l.seg = replacement
	src.refs-- // the log's reference; ours is released on return
	l.pinnedBytes = pinned
	l.notifyLocked()
	l.mu.Unlock()
	l.logger.Info("storage: compacted the log", "path", l.path, "bytes_before", size, "bytes_after", info.Size())
	return syncErr
}

// rewrite writes to out the file header and the records of src before byte
// end that latest maps to or Pin keeps. It returns the encoded size of the
// records kept only for Pin.
func (l *FileLog) rewrite(src *segment, end int64, latest map[string]indexEntry, out *os.File) (pinned int64, err error) {
	if _, err := out.WriteString(fileHeader); err != nil {
		return 0, fmt.Errorf("storage: compacting: %w", err)
	}
	var (
		body, frame []byte
		count       int
		base, prev  int64 = -1, -1 // base of the frame being built, offset of the last record kept
	)
	flush := func() error {
		if count == 0 {
			return nil
		}
		frame = appendFrame(frame[:0], base, count, body)
		body, count = body[:0], 0
		if _, err := out.Write(frame); err != nil {
			return fmt.Errorf("storage: compacting: %w", err)
		}
		return nil
	}
	keep := func(rec Record, size int) error {
		if e, ok := latest[string(rec.Key)]; !ok || e.offset != rec.Offset {
			if l.pin == nil || !l.pin(rec) {
				return nil
			}
			pinned += int64(size)
		}
		delta := rec.Offset - prev
		if count > 0 && len(body)+recordSize(delta, rec.Key, rec.Value) > batchTargetBytes {
			if err := flush(); err != nil {
				return err
			}
		}
		if count == 0 {
			base = prev
		}
		body = appendRecord(body, delta, rec.Key, rec.Value)
		count++
		prev = rec.Offset
		return nil
	}
	sc := newFrameScanner(src.f, framesStart, end)
	for {
		if l.isClosed() {
			return 0, ErrClosed
		}
		payload, err := sc.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("storage: compacting: reading %s: %w", l.path, err)
		}
		if err := sc.records(payload, keep); err != nil {
			return 0, fmt.Errorf("storage: compacting: %w", err)
		}
	}
	return pinned, flush()
}

// copyRegion appends the bytes of src from from to to to out.
func copyRegion(out, src *os.File, from, to int64) error {
	if _, err := io.Copy(out, io.NewSectionReader(src, from, to-from)); err != nil {
		return fmt.Errorf("storage: compacting: %w", err)
	}
	return nil
}
