package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer collects log output written from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// openTestFileLog opens a log in dir, closed at the end of the test, with its
// log output in the returned buffer.
func openTestFileLog(t testing.TB, dir string, opts FileLogOptions) (*FileLog, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	opts.Logger = slog.New(slog.NewTextHandler(logs, nil))
	l, err := OpenFileLog(dir, opts)
	if err != nil {
		t.Fatalf("OpenFileLog: %v", err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil && !errors.Is(err, ErrClosed) {
			t.Errorf("Close: %v", err)
		}
	})
	return l, logs
}

func closeFileLog(t testing.TB, l *FileLog) {
	t.Helper()
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func logRec(key, value string) Record {
	return Record{Key: []byte(key), Value: []byte(value)}
}

func logTombstone(key string) Record {
	return Record{Key: []byte(key)}
}

func mustAppend(t testing.TB, l *FileLog, recs ...Record) int64 {
	t.Helper()
	off, err := l.Append(context.Background(), recs...)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	return off
}

var errFollowCaughtUp = errors.New("caught up")

// readLog follows the log from from up to its current end.
func readLog(t testing.TB, l *FileLog, from int64) []Record {
	t.Helper()
	end, err := l.EndOffset(context.Background())
	if err != nil {
		t.Fatalf("EndOffset: %v", err)
	}
	if end < from {
		return nil
	}
	var got []Record
	err = l.Follow(context.Background(), from, func(r Record) error {
		got = append(got, r)
		if r.Offset >= end {
			return errFollowCaughtUp
		}
		return nil
	})
	if !errors.Is(err, errFollowCaughtUp) {
		t.Fatalf("Follow: %v", err)
	}
	return got
}

func numbered(first int64, recs ...Record) []Record {
	out := make([]Record, len(recs))
	for i, r := range recs {
		r.Offset = first + int64(i)
		out[i] = r
	}
	return out
}

func checkLogRecords(t testing.TB, got, want []Record) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("records:\n got %s\nwant %s", formatLogRecords(got), formatLogRecords(want))
	}
}

func formatLogRecords(recs []Record) string {
	var b strings.Builder
	for _, r := range recs {
		value := "<tombstone>"
		if r.Value != nil {
			value = fmt.Sprintf("%q", r.Value)
		}
		fmt.Fprintf(&b, "\n  %d %q=%s", r.Offset, r.Key, value)
	}
	return b.String()
}

func fileSizeOf(t testing.TB, path string) int64 {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}

// countFrames counts the frames of a closed log file.
func countFrames(t testing.TB, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := newFrameScanner(f, framesStart, fileSizeOf(t, path))
	n := 0
	for {
		if _, err := sc.next(); err != nil {
			return n
		}
		n++
	}
}

func TestFileLogRoundTrip(t *testing.T) {
	dir := t.TempDir()
	l, _ := openTestFileLog(t, dir, FileLogOptions{})
	ctx := context.Background()
	if end, err := l.EndOffset(ctx); err != nil || end != -1 {
		t.Fatalf("EndOffset of an empty log = %d, %v; want -1", end, err)
	}
	written := []Record{
		logRec(`{"keytype":"SCHEMA","subject":"a","version":1,"magic":1}`, `{"schema":"x"}`),
		logTombstone("deleted"),
		{Key: []byte("empty value"), Value: []byte{}},
		{Key: []byte{}, Value: []byte("empty key")},
		logRec("binary", "\x00\xfe\xff"),
	}
	if off := mustAppend(t, l, written[0]); off != 0 {
		t.Fatalf("first Append returned %d, want 0", off)
	}
	if off := mustAppend(t, l, written[1:]...); off != 4 {
		t.Fatalf("second Append returned %d, want 4", off)
	}
	want := numbered(0, written...)
	checkLogRecords(t, readLog(t, l, 0), want)
	checkLogRecords(t, readLog(t, l, 3), want[3:])
	checkLogRecords(t, readLog(t, l, -5), want)
	closeFileLog(t, l)

	l, logs := openTestFileLog(t, dir, FileLogOptions{})
	checkLogRecords(t, readLog(t, l, 0), want)
	if end, _ := l.EndOffset(ctx); end != 4 {
		t.Fatalf("EndOffset after reopen = %d, want 4", end)
	}
	if off := mustAppend(t, l, logRec("k", "v")); off != 5 {
		t.Fatalf("Append after reopen returned %d, want 5", off)
	}
	if strings.Contains(logs.String(), "WARN") {
		t.Fatalf("a clean reopen logged a warning:\n%s", logs)
	}
}

func TestFileLogAppendRejects(t *testing.T) {
	l, _ := openTestFileLog(t, t.TempDir(), FileLogOptions{})
	if _, err := l.Append(context.Background()); err == nil {
		t.Error("Append without records succeeded")
	}
	if _, err := l.Append(context.Background(), logRec("k", strings.Repeat("x", maxFrameBody))); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("Append over the size limit: %v, want an error about the limit", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Append(ctx, logRec("k", "v")); !errors.Is(err, context.Canceled) {
		t.Errorf("Append with a canceled context: %v", err)
	}
	if end, _ := l.EndOffset(context.Background()); end != -1 {
		t.Errorf("rejected appends wrote records: end offset %d", end)
	}
}

// writeThreeFrames creates a closed log of three frames in dir and returns
// its records and the byte positions where each frame starts and the file
// ends.
func writeThreeFrames(t *testing.T, dir string) ([]Record, []int64) {
	t.Helper()
	l, _ := openTestFileLog(t, dir, FileLogOptions{})
	path := filepath.Join(dir, logFileName)
	var recs []Record
	ends := []int64{framesStart}
	for i := range 3 {
		r := logRec(fmt.Sprintf("key%d", i), fmt.Sprintf("value %d", i))
		mustAppend(t, l, r)
		r.Offset = int64(i)
		recs = append(recs, r)
		ends = append(ends, l.seg.size)
	}
	closeFileLog(t, l)
	if size := fileSizeOf(t, path); size != ends[3] {
		t.Fatalf("file size %d, want %d", size, ends[3])
	}
	return recs, ends
}

func rewriteFile(t *testing.T, path string, change func([]byte) []byte) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, change(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFileLogTornTailDropped(t *testing.T) {
	nextFrame := appendFrame(nil, 2, 1, appendRecord(nil, 1, []byte("key3"), bytes.Repeat([]byte("v"), 100)))
	tests := []struct {
		name   string
		change func(data []byte, ends []int64) []byte
		kept   int // records left
	}{
		{"partial frame header", func(d []byte, _ []int64) []byte { return append(d, nextFrame[:7]...) }, 3},
		{"partial frame", func(d []byte, _ []int64) []byte { return append(d, nextFrame[:len(nextFrame)-10]...) }, 3},
		{"zeros", func(d []byte, _ []int64) []byte { return append(d, make([]byte, 4096)...) }, 3},
		{"garbage", func(d []byte, _ []int64) []byte { return append(d, "not a frame at all"...) }, 3},
		{"bad checksum in the last frame", func(d []byte, _ []int64) []byte { d[len(d)-1] ^= 1; return d }, 2},
		{"last frame with a zeroed header", func(d []byte, ends []int64) []byte {
			clear(d[ends[2] : ends[2]+frameHeaderSize])
			return d
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, logFileName)
			recs, ends := writeThreeFrames(t, dir)
			rewriteFile(t, path, func(d []byte) []byte { return tt.change(d, ends) })
			damagedSize := fileSizeOf(t, path)

			l, logs := openTestFileLog(t, dir, FileLogOptions{})
			checkLogRecords(t, readLog(t, l, 0), recs[:tt.kept])
			cut := ends[tt.kept]
			for _, want := range []string{"level=WARN", "path=" + path, fmt.Sprintf("offset=%d", cut), fmt.Sprintf("dropped_bytes=%d", damagedSize-cut)} {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("log output lacks %q:\n%s", want, logs)
				}
			}
			if size := fileSizeOf(t, path); size != cut {
				t.Errorf("file size after open = %d, want %d", size, cut)
			}
			if off := mustAppend(t, l, logRec("after", "crash")); off != int64(tt.kept) {
				t.Errorf("Append after recovery returned %d, want %d", off, tt.kept)
			}
			closeFileLog(t, l)

			l, logs = openTestFileLog(t, dir, FileLogOptions{})
			want := append(recs[:tt.kept:tt.kept], Record{Offset: int64(tt.kept), Key: []byte("after"), Value: []byte("crash")})
			checkLogRecords(t, readLog(t, l, 0), want)
			if strings.Contains(logs.String(), "WARN") {
				t.Errorf("second reopen logged a warning:\n%s", logs)
			}
		})
	}
}

func TestFileLogCorruptionRefused(t *testing.T) {
	tests := []struct {
		name    string
		change  func(data []byte, ends []int64) []byte
		message string
	}{
		{"bad checksum in the first frame", func(d []byte, ends []int64) []byte {
			d[ends[1]-1] ^= 1
			return d
		}, fmt.Sprintf("corrupt at byte %d (checksum mismatch)", framesStart)},
		{"bad header in the middle", func(d []byte, ends []int64) []byte {
			d[ends[1]] ^= 1
			return d
		}, "a valid frame follows at byte"},
		{"middle frame cut out", func(d []byte, ends []int64) []byte {
			return append(d[:ends[1]+5:ends[1]+5], d[ends[2]:]...)
		}, "a valid frame follows at byte"},
		{"valid checksum, offsets going back", func(d []byte, _ []int64) []byte {
			return append(d, appendFrame(nil, -1, 1, appendRecord(nil, 1, []byte("k"), []byte("v")))...)
		}, "record offset 0 does not follow 2"},
		{"valid checksum, malformed records", func(d []byte, _ []int64) []byte {
			return append(d, appendFrame(nil, 2, 2, appendRecord(nil, 1, []byte("k"), []byte("v")))...)
		}, "bad offset delta"},
		{"not a log file", func(d []byte, _ []int64) []byte { return append([]byte("{}"), d...) }, "not a registry log file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, logFileName)
			_, ends := writeThreeFrames(t, dir)
			rewriteFile(t, path, func(d []byte) []byte { return tt.change(d, ends) })
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			l, err := OpenFileLog(dir, FileLogOptions{})
			if err == nil {
				l.Close()
				t.Fatal("OpenFileLog succeeded")
			}
			if !strings.Contains(err.Error(), tt.message) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file and contain %q", err, tt.message)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
				t.Error("the refused file was modified")
			}
			// The lock was released: a fixed file opens.
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			l, _ = openTestFileLog(t, dir, FileLogOptions{})
			closeFileLog(t, l)
		})
	}
}

func TestFileLogTornTailLargerThanOneWriteRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, logFileName)
	_, ends := writeThreeFrames(t, dir)
	// A header claiming a small frame, followed by more than that frame.
	rewriteFile(t, path, func(d []byte) []byte {
		d[ends[2]-1] ^= 1 // checksum of the last frame no longer matches
		return append(d, make([]byte, 100)...)
	})
	_, err := OpenFileLog(dir, FileLogOptions{})
	if err == nil || !strings.Contains(err.Error(), "more than an unfinished write can leave") {
		t.Fatalf("OpenFileLog: %v, want a refusal", err)
	}
}

func TestFrameRecordsMalformed(t *testing.T) {
	record := appendRecord(nil, 1, []byte("key"), []byte("value"))
	payload := func(base int64, count int, body []byte) []byte {
		return appendFrame(nil, base, count, body)[frameHeaderSize:]
	}
	tests := []struct {
		name    string
		payload []byte
		message string
	}{
		{"too short", []byte{1, 2, 3}, "too short"},
		{"no records", payload(-1, 0, nil), "bad record count"},
		{"count above records", payload(-1, 2, record), "bad offset delta"},
		{"zero delta", payload(-1, 1, appendRecord(nil, 0, []byte("k"), nil)), "bad offset delta"},
		{"key past the end", payload(-1, 1, record[:3]), "bad key length"},
		{"value past the end", payload(-1, 1, record[:len(record)-1]), "bad value length"},
		{"trailing bytes", payload(-1, 1, append(record, 0)), "1 bytes after the last record"},
		{"offset overflow", payload(1<<62, 1, appendRecord(nil, math.MaxInt64, []byte("k"), nil)), "bad offset delta"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := frameScanner{pos: frameHeaderSize + int64(len(tt.payload)), last: -1}
			err := sc.records(tt.payload, func(Record, int) error { return nil })
			if err == nil || !strings.Contains(err.Error(), tt.message) {
				t.Errorf("records: %v, want an error containing %q", err, tt.message)
			}
		})
	}
}

func TestFileLogLocked(t *testing.T) {
	dir := t.TempDir()
	l, _ := openTestFileLog(t, dir, FileLogOptions{})
	_, err := OpenFileLog(dir, FileLogOptions{})
	want := fmt.Sprintf("storage: data directory %s is in use by another registry process", dir)
	if err == nil || err.Error() != want {
		t.Fatalf("second OpenFileLog: %v, want %q", err, want)
	}

	// Another process is refused too.
	cmd := exec.Command(os.Args[0], "-test.run=^TestFileLogLockHelperProcess$")
	cmd.Env = append(os.Environ(), "FILELOG_LOCK_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "in use by another registry process") {
		t.Fatalf("helper process: %v\n%s", err, out)
	}

	closeFileLog(t, l)
	l, _ = openTestFileLog(t, dir, FileLogOptions{})
	closeFileLog(t, l)
}

// TestFileLogLockHelperProcess is TestFileLogLocked's second process.
func TestFileLogLockHelperProcess(t *testing.T) {
	dir := os.Getenv("FILELOG_LOCK_DIR")
	if dir == "" {
		t.Skip("run by TestFileLogLocked")
	}
	l, err := OpenFileLog(dir, FileLogOptions{})
	if err == nil {
		l.Close()
		t.Fatal("OpenFileLog succeeded while another process holds the log")
	}
	fmt.Println(err)
}

func TestFileLogGroupCommit(t *testing.T) {
	dir := t.TempDir()
	l, _ := openTestFileLog(t, dir, FileLogOptions{})
	const writers, appendsEach = 16, 40
	type appended struct {
		last  int64
		batch []Record
	}
	results := make([][]appended, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range appendsEach {
				var batch []Record
				for j := range 1 + i%3 {
					batch = append(batch, logRec(fmt.Sprintf("w%d", w), fmt.Sprintf("append %d record %d", i, j)))
				}
				last, err := l.Append(context.Background(), batch...)
				if err != nil {
					t.Errorf("Append: %v", err)
					return
				}
				results[w] = append(results[w], appended{last, batch})
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	got := readLog(t, l, 0)
	for i, r := range got {
		if r.Offset != int64(i) {
			t.Fatalf("record %d has offset %d: offsets are not contiguous", i, r.Offset)
		}
	}
	total := 0
	for _, rs := range results {
		for _, a := range rs {
			first := a.last - int64(len(a.batch)) + 1
			checkLogRecords(t, got[first:a.last+1], numbered(first, a.batch...))
			total += len(a.batch)
		}
	}
	if len(got) != total {
		t.Fatalf("replayed %d records, appended %d", len(got), total)
	}
	closeFileLog(t, l)
	if frames := countFrames(t, filepath.Join(dir, logFileName)); frames >= writers*appendsEach {
		t.Errorf("%d appends wrote %d frames: concurrent appends did not share writes", writers*appendsEach, frames)
	}
}

// logFollower runs Follow in the background and collects what it delivers.
type logFollower struct {
	mu     sync.Mutex
	got    []Record
	seen   chan struct{} // signalled after each record
	cancel context.CancelFunc
	done   chan error
}

func startLogFollower(l *FileLog, from int64) *logFollower {
	ctx, cancel := context.WithCancel(context.Background())
	f := &logFollower{seen: make(chan struct{}, 1), cancel: cancel, done: make(chan error, 1)}
	go func() {
		f.done <- l.Follow(ctx, from, func(r Record) error {
			f.mu.Lock()
			f.got = append(f.got, r)
			f.mu.Unlock()
			select {
			case f.seen <- struct{}{}:
			default:
			}
			return nil
		})
	}()
	return f
}

// waitFor waits until the follower delivered offset end, then stops it and
// returns what it got.
func (f *logFollower) waitFor(t *testing.T, end int64) []Record {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		f.mu.Lock()
		reached := len(f.got) > 0 && f.got[len(f.got)-1].Offset >= end
		f.mu.Unlock()
		if reached {
			break
		}
		select {
		case <-f.seen:
		case err := <-f.done:
			t.Fatalf("Follow returned %v before reaching offset %d", err, end)
		case <-timeout:
			t.Fatalf("Follow did not reach offset %d", end)
		}
	}
	f.cancel()
	if err := <-f.done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Follow returned %v, want context.Canceled", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.got
}

func TestFileLogFollowConcurrentAppends(t *testing.T) {
	l, _ := openTestFileLog(t, t.TempDir(), FileLogOptions{})
	var want []Record
	for i := range 200 {
		want = append(want, logRec(fmt.Sprintf("k%d", i%7), fmt.Sprintf("before %d", i)))
	}
	mustAppend(t, l, want...)
	froms := []int64{0, 150, 300} // 300 is not written yet
	var followers []*logFollower
	for _, from := range froms {
		followers = append(followers, startLogFollower(l, from))
	}

	const writers, appendsEach = 4, 50
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range appendsEach {
				if _, err := l.Append(context.Background(), logRec(fmt.Sprintf("w%d", w), fmt.Sprintf("during %d", i))); err != nil {
					t.Errorf("Append: %v", err)
				}
			}
		})
	}
	wg.Wait()
	late := startLogFollower(l, 0)
	mustAppend(t, l, logRec("last", "after"))
	all := readLog(t, l, 0)
	end := all[len(all)-1].Offset
	if end != 200+writers*appendsEach {
		t.Fatalf("end offset %d, want %d", end, 200+writers*appendsEach)
	}
	checkLogRecords(t, all[:200], numbered(0, want...))

	for i, from := range froms {
		checkLogRecords(t, followers[i].waitFor(t, end), all[from:])
	}
	checkLogRecords(t, late.waitFor(t, end), all)
}

func TestFileLogFollowStops(t *testing.T) {
	l, _ := openTestFileLog(t, t.TempDir(), FileLogOptions{})
	mustAppend(t, l, logRec("a", "1"), logRec("b", "2"))

	failure := errors.New("apply failed")
	calls := 0
	err := l.Follow(context.Background(), 0, func(Record) error { calls++; return failure })
	if err != failure || calls != 1 {
		t.Errorf("Follow with a failing apply: %v after %d calls", err, calls)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.Follow(ctx, 0, func(Record) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Follow with a canceled context: %v", err)
	}

	waiting := startLogFollower(l, 5)
	closeFileLog(t, l)
	select {
	case err := <-waiting.done:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("Follow running at Close returned %v, want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Follow did not return after Close")
	}
}

func TestFileLogClosed(t *testing.T) {
	l, _ := openTestFileLog(t, t.TempDir(), FileLogOptions{})
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				if _, err := l.Append(ctx, logRec("k", "v")); err != nil {
					if !errors.Is(err, ErrClosed) {
						t.Errorf("Append racing Close: %v, want ErrClosed", err)
					}
					return
				}
			}
		})
	}
	time.Sleep(10 * time.Millisecond)
	closeFileLog(t, l)
	wg.Wait()

	if _, err := l.Append(ctx, logRec("k", "v")); !errors.Is(err, ErrClosed) {
		t.Errorf("Append: %v", err)
	}
	if _, err := l.EndOffset(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("EndOffset: %v", err)
	}
	if err := l.Follow(ctx, 0, func(Record) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Follow: %v", err)
	}
	if err := l.Compact(); !errors.Is(err, ErrClosed) {
		t.Errorf("Compact: %v", err)
	}
	if err := l.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close: %v", err)
	}
}

func TestFileLogCompact(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, logFileName)
	pin := func(r Record) bool { return bytes.HasPrefix(r.Value, []byte("pin")) }
	opts := FileLogOptions{CompactMinBytes: -1, Pin: pin}
	l, _ := openTestFileLog(t, dir, opts)
	big := strings.Repeat("x", 1000)
	written := []Record{
		logRec("a", "a1"+big), // 0
		logRec("b", "b1"+big),
		logRec("a", "a2"+big),
		logRec("c", "pinned c1"), // 3: superseded but pinned
		logRec("c", "c2"+big),
		logRec("b", "b2"+big), // 5
		logTombstone("a"),     // 6
		logRec("d", ""),       // 7
		logRec("c", "c3"),     // 8
		logRec("b", "b3"),     // 9
	}
	for _, r := range written {
		mustAppend(t, l, r)
	}
	all := numbered(0, written...)
	want := []Record{all[3], all[6], all[7], all[8], all[9]}
	before := l.seg.size
	if err := l.Compact(); err != nil {
		t.Fatalf("Compact: %v", err)
	}
	checkLogRecords(t, readLog(t, l, 0), want)
	if after := fileSizeOf(t, path); after >= before/4 {
		t.Errorf("file is %d bytes after compaction, %d before", after, before)
	}
	if off := mustAppend(t, l, logRec("a", "a3")); off != 10 {
		t.Errorf("Append after Compact returned %d, want 10", off)
	}
	want = append(want, Record{Offset: 10, Key: []byte("a"), Value: []byte("a3")})
	checkLogRecords(t, readLog(t, l, 0), want)
	checkLogRecords(t, readLog(t, l, 7), want[2:])
	// Compacting again drops the tombstone of a, superseded now, and keeps
	// the pinned record.
	if err := l.Compact(); err != nil {
		t.Fatalf("second Compact: %v", err)
	}
	want = slices.Delete(want, 1, 2)
	checkLogRecords(t, readLog(t, l, 0), want)
	closeFileLog(t, l)

	l, logs := openTestFileLog(t, dir, opts)
	checkLogRecords(t, readLog(t, l, 0), want)
	if end, _ := l.EndOffset(context.Background()); end != 10 {
		t.Errorf("EndOffset after reopen = %d, want 10", end)
	}
	if strings.Contains(logs.String(), "WARN") {
		t.Errorf("reopening a compacted log logged a warning:\n%s", logs)
	}
}

func TestFileLogCompactWhileAppendingAndFollowing(t *testing.T) {
	dir := t.TempDir()
	l, _ := openTestFileLog(t, dir, FileLogOptions{CompactMinBytes: -1})
	mustAppend(t, l, logRec("k0", "first"))
	early := startLogFollower(l, 0)

	const writers, appendsEach = 4, 100
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range appendsEach {
				if _, err := l.Append(context.Background(), logRec(fmt.Sprintf("k%d", i%5), fmt.Sprintf("w%d-%d", w, i))); err != nil {
					t.Errorf("Append: %v", err)
				}
			}
		})
	}
	compactions := 0
	for compacting := true; compacting; compactions++ {
		if err := l.Compact(); err != nil {
			t.Fatalf("Compact: %v", err)
		}
		end, _ := l.EndOffset(context.Background())
		compacting = end < writers*appendsEach || compactions < 2
	}
	wg.Wait()
	end, _ := l.EndOffset(context.Background())
	if end != writers*appendsEach {
		t.Fatalf("end offset %d, want %d", end, writers*appendsEach)
	}

	got := early.waitFor(t, end)
	if len(got) != int(end)+1 {
		t.Fatalf("a logFollower running across %d compactions got %d records, want %d", compactions, len(got), end+1)
	}
	for i, r := range got {
		if r.Offset != int64(i) {
			t.Fatalf("a logFollower running across compactions got offset %d at position %d", r.Offset, i)
		}
	}
	if err := l.Compact(); err != nil {
		t.Fatalf("Compact: %v", err)
	}
	latest := readLog(t, l, 0)
	if len(latest) != 5 {
		t.Fatalf("after compaction %d records remain, want one per key:%s", len(latest), formatLogRecords(latest))
	}
	for _, r := range latest {
		if !reflect.DeepEqual(r, got[r.Offset]) {
			t.Errorf("compacted record %s differs from the one appended, %s", formatLogRecords([]Record{r}), formatLogRecords(got[r.Offset:r.Offset+1]))
		}
	}
}

func TestFileLogFollowerBehindSeveralCompactions(t *testing.T) {
	l, _ := openTestFileLog(t, t.TempDir(), FileLogOptions{CompactMinBytes: -1})
	mustAppend(t, l, logRec("k", "v0"))
	entered, resume := make(chan struct{}), make(chan struct{})
	var got []Record
	done := make(chan error, 1)
	go func() {
		done <- l.Follow(context.Background(), 0, func(r Record) error {
			if r.Offset == 0 {
				close(entered)
				<-resume
			}
			got = append(got, r)
			if r.Offset == 3 {
				return errFollowCaughtUp
			}
			return nil
		})
	}()
	<-entered
	// The follower holds the first file while three more come and go.
	for i := 1; i <= 3; i++ {
		mustAppend(t, l, logRec("k", fmt.Sprintf("v%d", i)))
		if err := l.Compact(); err != nil {
			t.Fatalf("Compact: %v", err)
		}
	}
	close(resume)
	if err := <-done; !errors.Is(err, errFollowCaughtUp) {
		t.Fatalf("Follow: %v", err)
	}
	checkLogRecords(t, got, numbered(0, logRec("k", "v0"), logRec("k", "v1"), logRec("k", "v2"), logRec("k", "v3")))
}

func TestFileLogCompactsAutomatically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, logFileName)
	l, logs := openTestFileLog(t, dir, FileLogOptions{CompactMinBytes: 8 << 10})
	value := strings.Repeat("v", 100)
	const appends = 1000
	for i := range appends {
		mustAppend(t, l, logRec(fmt.Sprintf("key%d", i%5), fmt.Sprintf("%s %d", value, i)))
	}
	closeFileLog(t, l) // waits for a compaction under way
	if size := fileSizeOf(t, path); size > 64<<10 {
		t.Errorf("file is %d bytes after %d appends of ~130 bytes to 5 keys", size, appends)
	}
	if !strings.Contains(logs.String(), "compacted the log") {
		t.Errorf("no compaction logged:\n%s", logs)
	}

	l, _ = openTestFileLog(t, dir, FileLogOptions{CompactMinBytes: -1})
	got := readLog(t, l, 0)
	last := got[len(got)-5:]
	for i, r := range last {
		offset := int64(appends - 5 + i)
		want := Record{Offset: offset, Key: fmt.Appendf(nil, "key%d", offset%5), Value: fmt.Appendf(nil, "%s %d", value, offset)}
		checkLogRecords(t, []Record{r}, []Record{want})
	}
}

func TestFileLogIgnoresUnfinishedRewrite(t *testing.T) {
	dir := t.TempDir()
	l, _ := openTestFileLog(t, dir, FileLogOptions{CompactMinBytes: -1})
	written := []Record{logRec("a", "1"), logRec("a", "2"), logRec("b", "1")}
	mustAppend(t, l, written...)
	closeFileLog(t, l)

	// A crash before the rename leaves a complete or partial rewrite; it
	// must never be taken for the log.
	tempPath := filepath.Join(dir, tempFileName)
	tests := map[string][]byte{
		"partial": []byte(fileHeader + "\xfeGS"),
		"complete": append([]byte(fileHeader),
			appendFrame(nil, -1, 1, appendRecord(nil, 3, []byte("b"), []byte("1")))...),
	}
	for name, content := range tests {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(tempPath, content, 0o644); err != nil {
				t.Fatal(err)
			}
			l, _ := openTestFileLog(t, dir, FileLogOptions{CompactMinBytes: -1})
			checkLogRecords(t, readLog(t, l, 0), numbered(0, written...))
			if _, err := os.Stat(tempPath); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the unfinished rewrite is still there: %v", err)
			}
			closeFileLog(t, l)
		})
	}
}

// BenchmarkFileLogAppendParallel measures appends of 1 KB records from 16
// goroutines, each Append waiting for its fsync.
func BenchmarkFileLogAppendParallel(b *testing.B) {
	l, _ := openTestFileLog(b, b.TempDir(), FileLogOptions{CompactMinBytes: -1})
	value := bytes.Repeat([]byte("v"), 1000)
	const goroutines = 16
	b.ResetTimer()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			key := fmt.Appendf(nil, `{"keytype":"SCHEMA","subject":"s%d","version":1,"magic":1}`, g)
			for i := g; i < b.N; i += goroutines {
				if _, err := l.Append(context.Background(), Record{Key: key, Value: value}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}

// BenchmarkFileLogReplay measures Follow reading 100,000 records of 1 KB.
func BenchmarkFileLogReplay(b *testing.B) {
	l, _ := openTestFileLog(b, b.TempDir(), FileLogOptions{CompactMinBytes: -1})
	const records = 100_000
	value := bytes.Repeat([]byte("v"), 1000)
	batch := make([]Record, 1000)
	for i := 0; i < records; i += len(batch) {
		for j := range batch {
			batch[j] = Record{Key: fmt.Appendf(nil, `{"keytype":"SCHEMA","subject":"s","version":%d,"magic":1}`, i+j), Value: value}
		}
		mustAppend(b, l, batch...)
	}
	b.ResetTimer()
	for b.Loop() {
		if got := len(readLog(b, l, 0)); got != records {
			b.Fatalf("replayed %d records", got)
		}
	}
	b.ReportMetric(float64(b.N*records)/b.Elapsed().Seconds(), "records/s")
}
