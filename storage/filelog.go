package storage

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sync"

	"github.com/gofrs/flock"
)

// FileLog is a Log kept in one file of a local directory: the embedded,
// durable backend for a registry that runs without Kafka.
//
// # File format
//
// The file starts with an 8-byte header (fileHeader) followed by frames. A
// frame is a 16-byte header, then a payload:
//
//	frame header: magic [4]byte | payload length uint32 | CRC32C of payload uint32 | CRC32C of the 12 bytes before uint32
//	payload:      base offset int64 | record count uvarint | records
//	record:       offset delta uvarint | key length uvarint | key | value length+1 uvarint (0 = tombstone) | value
//
// Integers of fixed size are little endian. A record's offset is the previous
// record's offset plus its delta (at least 1); the first record of a frame
// counts from the frame's base offset. Offsets increase strictly along the
// file and keep their value through compaction, which leaves gaps.
//
// # Durability
//
// One writer goroutine turns everything pending into one frame, writes it
// with one write and fsyncs it before any of its callers returns (group
// commit). A frame is the unit of atomicity: all records of an Append, and of
// the other appends sharing its batch, survive a crash together or not at
// all.
//
// # Recovery rule
//
// Since the writer issues a write only after the previous one is durable, a
// crash damages at most the last write: one frame, which is the last thing in
// the file. Opening scans every frame; at the first frame that cannot be read
// (cut short, bad header, checksum mismatch) the rest of the file is dropped
// as an unfinished write, with a warning, only if it could be one:
//
//   - it is no longer than the frame its intact header declares, or, when the
//     header itself is damaged, than the largest frame the writer produces;
//   - no valid frame header starts anywhere inside it.
//
// Otherwise acknowledged data would be lost, so OpenFileLog refuses with an
// error giving the byte position. A frame whose checksum matches but whose
// content is malformed is always refused: no crash produces it. A damaged last
// frame that had been acknowledged (media corruption) cannot be told from an
// unfinished write and is dropped too.
type FileLog struct {
	dir    string
	path   string
	lock   *flock.Flock
	logger *slog.Logger
	pin    func(Record) bool
	// compactMinBytes is the file size below which automatic compaction
	// does not run; negative turns it off.
	compactMinBytes int64

	requests   chan *appendRequest
	closing    chan struct{} // closed by Close
	writerDone chan struct{}
	background sync.WaitGroup // automatic compactions

	// compactMu lets one compaction run at a time.
	compactMu sync.Mutex
	// writeMu is held by the writer around each batch and by compaction
	// while it swaps files, so the writer never appends to a replaced file.
	writeMu sync.Mutex

	mu          sync.Mutex // guards the fields below and segment.size, next, refs
	seg         *segment   // the file appends go to
	end         int64      // offset of the last durable record, -1 when empty
	changed     chan struct{}
	failed      error // set when a write or fsync failed: no more appends
	index       map[string]indexEntry
	liveBytes   int64 // encoded size of the latest record of every key
	pinnedBytes int64 // superseded records the last compaction kept for Pin
	compacting  bool  // an automatic compaction is scheduled or running
	// compactRetryBytes is the file size an automatic compaction waits for
	// after one failed.
	compactRetryBytes int64
}

var _ Log = (*FileLog)(nil)

// FileLogOptions configures OpenFileLog. The zero value is ready to use.
type FileLogOptions struct {
	// Logger receives the warning about a torn tail dropped at open and the
	// errors of automatic compaction. Nil means slog.Default().
	Logger *slog.Logger
	// CompactMinBytes is the file size from which the log compacts itself
	// automatically, once less than half of the file is live data (the
	// latest record of every key, tombstones included, plus pinned records).
	// Zero means 64 MiB; a negative value turns automatic compaction off
	// (Compact still works).
	CompactMinBytes int64
	// Pin reports whether compaction must keep a record although a newer
	// record has the same key. It is called from the compacting goroutine and
	// must not keep the record's Key or Value slices. Nil keeps none.
	Pin func(Record) bool
}

// DefaultCompactMinBytes is the CompactMinBytes used when the option is zero.
const DefaultCompactMinBytes = 64 << 20

const (
	logFileName  = "schemas.log"
	tempFileName = "schemas.log.tmp" // a file being created or compacted
	lockFileName = "LOCK"

	fileHeader      = "GSRLOG\x00\x01" // format version 1
	framesStart     = int64(len(fileHeader))
	frameHeaderSize = 16
	// maxFramePayload bounds one frame, and so one write: it is the
	// largest damaged tail that recovery may take for an unfinished write.
	maxFramePayload = 64 << 20
	// maxFrameBody is what is left of a payload for records after the base
	// offset and the largest record count.
	maxFrameBody = maxFramePayload - 8 - binary.MaxVarintLen64
	// batchTargetBytes is the record bytes after which the writer stops
	// adding pending appends to a batch, and the frame size compaction
	// writes.
	batchTargetBytes = 1 << 20
)

var (
	frameMagic = [4]byte{0xFE, 'G', 'S', 'R'} // 0xFE never occurs in UTF-8 text
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
)

// segment is one generation of the log file. Compaction replaces the current
// segment by a new one; readers still on the old one finish it, then move to
// next. The file is closed when the last reference goes.
type segment struct {
	f    *os.File
	size int64    // bytes of complete, durable frames; changed with writeMu and mu held
	next *segment // the segment that replaced this one, nil while current
	// refs counts the log's own reference while current, one per reader and
	// compaction, and one from the segment this one replaced, which keeps
	// every later segment open for the readers still on it.
	refs int
}

type indexEntry struct {
	offset int64
	size   int64
}

type appendRequest struct {
	body  []byte // the encoded records, each with an offset delta of 1
	count int
	done  chan appendResult
}

type appendResult struct {
	offset int64
	err    error
}

// OpenFileLog opens the log in dir, creating dir and the log when missing.
// It takes an exclusive lock on dir: a second opener, in this process or
// another, gets an error until Close. A torn tail left by a crash is dropped
// (see FileLog); other damage is an error.
func OpenFileLog(dir string, opts FileLogOptions) (*FileLog, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("storage: creating data directory: %w", err)
	}
	lock := flock.New(filepath.Join(dir, lockFileName))
	locked, err := lock.TryLock()
	if err != nil {
		return nil, fmt.Errorf("storage: locking data directory %s: %w", dir, err)
	}
	if !locked {
		return nil, fmt.Errorf("storage: data directory %s is in use by another registry process", dir)
	}
	l := &FileLog{
		dir:             dir,
		path:            filepath.Join(dir, logFileName),
		lock:            lock,
		logger:          opts.Logger,
		pin:             opts.Pin,
		compactMinBytes: opts.CompactMinBytes,
		requests:        make(chan *appendRequest),
		closing:         make(chan struct{}),
		writerDone:      make(chan struct{}),
		changed:         make(chan struct{}),
		end:             -1,
		index:           make(map[string]indexEntry),
	}
	if l.logger == nil {
		l.logger = slog.Default()
	}
	if l.compactMinBytes == 0 {
		l.compactMinBytes = DefaultCompactMinBytes
	}
	if err := l.load(); err != nil {
		return nil, errors.Join(err, lock.Unlock())
	}
	go l.writeLoop()
	return l, nil
}

// load opens the log file, creating it when missing, and replays it to build
// the index.
func (l *FileLog) load() error {
	tempPath := filepath.Join(l.dir, tempFileName)
	switch err := os.Remove(tempPath); {
	case err == nil:
		l.logger.Warn("storage: removed an unfinished log rewrite", "path", tempPath)
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("storage: removing %s: %w", tempPath, err)
	}
	if _, err := os.Stat(l.path); errors.Is(err, os.ErrNotExist) {
		if err := l.createFile(tempPath); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(l.path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("storage: opening log: %w", err)
	}
	size, err := l.replay(f)
	if err != nil {
		return errors.Join(err, f.Close())
	}
	l.seg = &segment{f: f, size: size, refs: 1}
	return nil
}

// createFile creates an empty log through a temporary file, so that a crash
// never leaves a log file without its header.
func (l *FileLog) createFile(tempPath string) error {
	f, err := os.OpenFile(tempPath, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("storage: creating log: %w", err)
	}
	_, err = f.WriteString(fileHeader)
	if err == nil {
		err = f.Sync()
	}
	err = errors.Join(err, f.Close())
	if err == nil {
		err = os.Rename(tempPath, l.path)
	}
	if err == nil {
		err = syncDir(l.dir)
	}
	if err != nil {
		return fmt.Errorf("storage: creating log: %w", err)
	}
	return nil
}

// replay checks every frame of f, builds the index and drops a torn tail. It
// returns the size of the valid part.
func (l *FileLog) replay(f *os.File) (int64, error) {
	info, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("storage: opening log: %w", err)
	}
	header := make([]byte, len(fileHeader))
	if _, err := f.ReadAt(header, 0); err != nil || string(header) != fileHeader {
		return 0, fmt.Errorf("storage: %s is not a registry log file (bad header)", l.path)
	}
	sc := newFrameScanner(f, framesStart, info.Size())
	for {
		payload, err := sc.next()
		if err == io.EOF {
			return sc.pos, nil
		}
		if damage, ok := errors.AsType[*frameDamage](err); ok {
			return sc.pos, l.dropTornTail(f, damage, info.Size())
		}
		if err != nil {
			return 0, fmt.Errorf("storage: reading %s: %w", l.path, err)
		}
		// The log is not shared yet: indexing needs no lock.
		if err := sc.records(payload, l.indexRecordLocked); err != nil {
			return 0, fmt.Errorf("storage: %s is corrupt: %w", l.path, err)
		}
	}
}

// dropTornTail applies the recovery rule documented on FileLog to the damaged
// frame: it truncates the file there, or says why it must not.
func (l *FileLog) dropTornTail(f *os.File, damage *frameDamage, size int64) error {
	tail := size - damage.pos
	limit := int64(frameHeaderSize + maxFramePayload)
	if damage.declared > 0 {
		limit = damage.declared
	}
	if tail > limit {
		return fmt.Errorf("storage: %s is corrupt at byte %d (%s): the %d bytes from there are more than an unfinished write can leave; refusing to drop them",
			l.path, damage.pos, damage.reason, tail)
	}
	rest := make([]byte, tail)
	if _, err := f.ReadAt(rest, damage.pos); err != nil {
		return fmt.Errorf("storage: reading %s: %w", l.path, err)
	}
	if i := findFrameHeader(rest[1:]); i >= 0 {
		return fmt.Errorf("storage: %s is corrupt at byte %d (%s): a valid frame follows at byte %d; refusing to drop it",
			l.path, damage.pos, damage.reason, damage.pos+1+int64(i))
	}
	l.logger.Warn("storage: dropping the torn tail of the log left by a crash",
		"path", l.path, "offset", damage.pos, "dropped_bytes", tail, "reason", damage.reason, "last_record", l.end)
	if err := f.Truncate(damage.pos); err != nil {
		return fmt.Errorf("storage: truncating %s: %w", l.path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("storage: truncating %s: %w", l.path, err)
	}
	return nil
}

// indexRecordLocked records that rec, whose encoding takes size bytes, is now
// the latest record of its key.
func (l *FileLog) indexRecordLocked(rec Record, size int) error {
	if old, ok := l.index[string(rec.Key)]; ok {
		l.liveBytes -= old.size
	}
	l.index[string(rec.Key)] = indexEntry{offset: rec.Offset, size: int64(size)}
	l.liveBytes += int64(size)
	l.end = rec.Offset
	return nil
}

// Append writes recs as one atomic unit and returns the offset of the last
// one once they are durable. It fails with ErrClosed after Close, with ctx's
// error when ctx ends first (the records may then still be written), and
// with an error when the records take more than 64 MiB or a write failed.
func (l *FileLog) Append(ctx context.Context, recs ...Record) (int64, error) {
	if len(recs) == 0 {
		return 0, errors.New("storage: Append needs at least one record")
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	size := 0
	for _, rec := range recs {
		size += recordSize(1, rec.Key, rec.Value)
	}
	if size > maxFrameBody {
		return 0, fmt.Errorf("storage: the records take %d bytes, more than the limit of %d", size, maxFrameBody)
	}
	req := &appendRequest{body: make([]byte, 0, size), count: len(recs), done: make(chan appendResult, 1)}
	for _, rec := range recs {
		req.body = appendRecord(req.body, 1, rec.Key, rec.Value)
	}
	select {
	case l.requests <- req:
	case <-l.closing:
		return 0, ErrClosed
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	select {
	case res := <-req.done:
		return res.offset, res.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// writeLoop is the single writer: it takes every pending append into one
// batch and commits it, until Close.
func (l *FileLog) writeLoop() {
	defer close(l.writerDone)
	var (
		batch []*appendRequest
		carry *appendRequest // taken but left for the next batch, which it would overflow
		frame []byte
	)
	for {
		first := carry
		carry = nil
		if first == nil {
			select {
			case first = <-l.requests:
			case <-l.closing:
				return
			}
		}
		batch = append(batch[:0], first)
		size := len(first.body)
	collect:
		for size < batchTargetBytes {
			select {
			case req := <-l.requests:
				if size+len(req.body) > maxFrameBody {
					carry = req
					break collect
				}
				batch = append(batch, req)
				size += len(req.body)
			default:
				break collect
			}
		}
		frame = l.commit(batch, frame)
		clear(batch)
		if cap(frame) > 4*batchTargetBytes {
			frame = nil // do not keep a huge buffer after a huge append
		}
	}
}

// commit writes the batch as one frame, fsyncs it, publishes it to readers
// and answers its callers. It returns the frame buffer for reuse.
func (l *FileLog) commit(batch []*appendRequest, frame []byte) []byte {
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	l.mu.Lock()
	base := l.end
	l.mu.Unlock()
	frame, err := l.writeBatch(batch, base, frame)
	last := base
	for _, req := range batch {
		last += int64(req.count)
		if err != nil {
			req.done <- appendResult{err: err}
		} else {
			req.done <- appendResult{offset: last}
		}
	}
	return frame
}

// writeBatch encodes the batch into frame as the records after offset base,
// writes and fsyncs it, then indexes it and wakes the readers.
func (l *FileLog) writeBatch(batch []*appendRequest, base int64, frame []byte) ([]byte, error) {
	l.mu.Lock()
	seg, failed := l.seg, l.failed
	l.mu.Unlock()
	bodies := make([][]byte, len(batch))
	count := 0
	for i, req := range batch {
		bodies[i] = req.body
		count += req.count
	}
	switch {
	case l.isClosed():
		return frame, ErrClosed
	case failed != nil:
		return frame, failed
	case base > math.MaxInt64-int64(count):
		return frame, errors.New("storage: the log has used up all offsets")
	}
	frame = appendFrame(frame[:0], base, count, bodies...)
	if _, err := seg.f.WriteAt(frame, seg.size); err != nil {
		return frame, l.fail(err)
	}
	if err := seg.f.Sync(); err != nil {
		return frame, l.fail(err)
	}

	l.mu.Lock()
	seg.size += int64(len(frame))
	sc := frameScanner{pos: seg.size, last: base}
	err := sc.records(frame[frameHeaderSize:], l.indexRecordLocked)
	l.notifyLocked()
	compact := l.shouldCompactLocked()
	l.mu.Unlock()
	if err != nil { // the frame was just encoded: this is a bug
		return frame, l.fail(err)
	}
	if compact {
		l.compactInBackground()
	}
	return frame, nil
}

// fail stops all later appends after a failed write or fsync: the file's
// tail is unknown until the log is reopened, which drops a torn frame.
func (l *FileLog) fail(err error) error {
	err = fmt.Errorf("storage: writing %s failed; reopen the log to recover: %w", l.path, err)
	l.mu.Lock()
	l.failed = err
	l.mu.Unlock()
	return err
}

// notifyLocked wakes the readers waiting for the log to change.
func (l *FileLog) notifyLocked() {
	close(l.changed)
	l.changed = make(chan struct{})
}

func (l *FileLog) isClosed() bool {
	select {
	case <-l.closing:
		return true
	default:
		return false
	}
}

// Follow calls apply for every record with an offset of at least from, then
// for every record appended later once it is durable, until ctx is done
// (ctx's error), apply fails (apply's error) or the log is closed
// (ErrClosed). It keeps going across compactions. apply owns the records it
// is given.
func (l *FileLog) Follow(ctx context.Context, from int64, apply func(Record) error) error {
	l.mu.Lock()
	if l.isClosed() {
		l.mu.Unlock()
		return ErrClosed
	}
	seg := l.seg
	seg.refs++
	l.mu.Unlock()
	defer func() { l.release(seg) }() // seg changes as compactions replace it

	delivered := max(from, 0) - 1
	deliver := func(rec Record, _ int) error {
		if rec.Offset <= delivered {
			return nil
		}
		if err := apply(cloneRecord(rec)); err != nil {
			return err
		}
		delivered = rec.Offset
		return nil
	}
	sc := newFrameScanner(seg.f, framesStart, framesStart)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		l.mu.Lock()
		size, next, changed := seg.size, seg.next, l.changed
		l.mu.Unlock()
		if l.isClosed() {
			return ErrClosed
		}
		switch {
		case sc.pos < size:
			sc.reset(seg.f, sc.pos, size)
			if err := l.readFrames(ctx, &sc, deliver); err != nil {
				return err
			}
		case next != nil:
			// Compaction replaced seg, which has been read to its end; the
			// next segment holds it all again, and what was appended after.
			l.mu.Lock()
			next.refs++
			l.mu.Unlock()
			l.release(seg)
			seg = next
			sc = newFrameScanner(seg.f, framesStart, framesStart)
		default:
			select {
			case <-changed:
			case <-l.closing:
			case <-ctx.Done():
			}
		}
	}
}

// readFrames passes the records of every frame sc has to fn, stopping early
// when ctx is done or the log is closed.
func (l *FileLog) readFrames(ctx context.Context, sc *frameScanner, fn func(Record, int) error) error {
	for {
		payload, err := sc.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("storage: reading %s: %w", l.path, err)
		}
		if err := sc.records(payload, fn); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if l.isClosed() {
			return ErrClosed
		}
	}
}

// release drops one reference to seg. The last one closes its file and drops
// the reference it holds on the segment that replaced it. Errors closing are
// of no consequence: every byte written was fsynced before.
func (l *FileLog) release(seg *segment) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for ; seg != nil; seg = seg.next {
		seg.refs--
		if seg.refs > 0 {
			return
		}
		seg.f.Close()
	}
}

// EndOffset returns the offset of the last durable record, -1 when the log is
// empty, or ErrClosed after Close.
func (l *FileLog) EndOffset(ctx context.Context) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.isClosed() {
		return 0, ErrClosed
	}
	return l.end, nil
}

// Close stops the writer, fails pending and later calls with ErrClosed, ends
// running Follow calls and compactions and releases the directory lock.
// Appends already being written complete. A second Close returns ErrClosed.
func (l *FileLog) Close() error {
	l.mu.Lock()
	if l.isClosed() {
		l.mu.Unlock()
		return ErrClosed
	}
	close(l.closing)
	l.mu.Unlock()

	<-l.writerDone
	l.background.Wait()
	l.compactMu.Lock() // a Compact call sees closing and stops
	l.release(l.seg)
	l.compactMu.Unlock()
	return l.lock.Unlock()
}

// frameScanner reads the frames of a file region one after the other.
type frameScanner struct {
	r       *bufio.Reader
	pos     int64 // byte position of the next frame
	last    int64 // offset of the last record read, -1 before any
	payload []byte
}

func newFrameScanner(f *os.File, from, to int64) frameScanner {
	sc := frameScanner{last: -1, r: bufio.NewReaderSize(nil, 256<<10)}
	sc.reset(f, from, to)
	return sc
}

// reset points sc at the bytes of f from from to to, keeping its last offset.
func (sc *frameScanner) reset(f *os.File, from, to int64) {
	sc.r.Reset(io.NewSectionReader(f, from, to-from))
	sc.pos = from
}

// frameDamage is a frame that cannot be read: the tail of the region is torn
// or corrupt.
type frameDamage struct {
	pos      int64 // byte position of the frame
	declared int64 // the frame's size by its intact header, 0 if the header is damaged
	reason   string
}

func (d *frameDamage) Error() string {
	return fmt.Sprintf("damaged frame at byte %d: %s", d.pos, d.reason)
}

// next returns the payload of the next frame after checking its checksums.
// The payload is valid until the following call. It returns io.EOF at the
// end of the region and a *frameDamage for a frame that cannot be read.
func (sc *frameScanner) next() ([]byte, error) {
	var header [frameHeaderSize]byte
	if _, err := io.ReadFull(sc.r, header[:]); err != nil {
		if err == io.ErrUnexpectedEOF {
			return nil, &frameDamage{pos: sc.pos, reason: "frame header cut short"}
		}
		return nil, err
	}
	n, ok := parseFrameHeader(header[:])
	if !ok {
		return nil, &frameDamage{pos: sc.pos, reason: "bad frame header"}
	}
	declared := int64(frameHeaderSize + n)
	if cap(sc.payload) < n {
		sc.payload = make([]byte, n)
	}
	payload := sc.payload[:n]
	if _, err := io.ReadFull(sc.r, payload); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, &frameDamage{pos: sc.pos, declared: declared, reason: "frame cut short"}
		}
		return nil, err
	}
	if crc32.Checksum(payload, castagnoli) != binary.LittleEndian.Uint32(header[8:]) {
		return nil, &frameDamage{pos: sc.pos, declared: declared, reason: "checksum mismatch"}
	}
	sc.pos += declared
	return payload, nil
}

// records decodes the records of payload, the frame that ends at sc.pos, and
// calls fn with each and the size of its encoding. The records' slices alias
// payload. Malformed content is an error that names the frame's position.
func (sc *frameScanner) records(payload []byte, fn func(Record, int) error) error {
	framePos := sc.pos - frameHeaderSize - int64(len(payload))
	malformed := func(format string, args ...any) error {
		return fmt.Errorf("frame at byte %d: %s", framePos, fmt.Sprintf(format, args...))
	}
	if len(payload) < 8 {
		return malformed("payload of %d bytes is too short", len(payload))
	}
	offset := int64(binary.LittleEndian.Uint64(payload))
	p := payload[8:]
	count, n := binary.Uvarint(p)
	if n <= 0 || count == 0 || count > uint64(len(p)) {
		return malformed("bad record count")
	}
	p = p[n:]
	for i := uint64(0); i < count; i++ {
		start := len(p)
		delta, n := binary.Uvarint(p)
		if n <= 0 || delta == 0 || delta > uint64(math.MaxInt64-max(offset, 0)) {
			return malformed("record %d has a bad offset delta", i)
		}
		p = p[n:]
		offset += int64(delta)
		if offset <= sc.last {
			return malformed("record offset %d does not follow %d", offset, sc.last)
		}
		key, ok := takeBytes(&p, 0)
		if !ok {
			return malformed("record %d has a bad key length", i)
		}
		value, ok := takeBytes(&p, 1)
		if !ok {
			return malformed("record %d has a bad value length", i)
		}
		sc.last = offset
		if err := fn(Record{Offset: offset, Key: key, Value: value}, start-len(p)); err != nil {
			return err
		}
	}
	if len(p) != 0 {
		return malformed("%d bytes after the last record", len(p))
	}
	return nil
}

// takeBytes takes a length-prefixed byte string off the front of *p. The
// length is stored plus bias; with a bias of 1 a stored 0 is nil.
func takeBytes(p *[]byte, bias uint64) ([]byte, bool) {
	stored, n := binary.Uvarint(*p)
	if n <= 0 {
		return nil, false
	}
	*p = (*p)[n:]
	if stored < bias {
		return nil, true
	}
	length := stored - bias
	if length > uint64(len(*p)) {
		return nil, false
	}
	b := (*p)[:length:length]
	*p = (*p)[length:]
	return b, true
}

// parseFrameHeader checks a frame header and returns its payload length.
func parseFrameHeader(header []byte) (int, bool) {
	if !bytes.Equal(header[:4], frameMagic[:]) ||
		crc32.Checksum(header[:12], castagnoli) != binary.LittleEndian.Uint32(header[12:]) {
		return 0, false
	}
	n := binary.LittleEndian.Uint32(header[4:])
	if n > maxFramePayload {
		return 0, false
	}
	return int(n), true
}

// findFrameHeader returns the position of the first valid frame header in b,
// or -1.
func findFrameHeader(b []byte) int {
	for i := 0; ; {
		j := bytes.Index(b[i:], frameMagic[:])
		if j < 0 {
			return -1
		}
		i += j
		if len(b)-i < frameHeaderSize {
			return -1
		}
		if _, ok := parseFrameHeader(b[i : i+frameHeaderSize]); ok {
			return i
		}
		i++
	}
}

// appendFrame appends to dst a frame of count records, encoded in bodies,
// whose first record's offset delta counts from base.
func appendFrame(dst []byte, base int64, count int, bodies ...[]byte) []byte {
	start := len(dst)
	dst = append(dst, make([]byte, frameHeaderSize)...)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(base))
	dst = binary.AppendUvarint(dst, uint64(count))
	for _, body := range bodies {
		dst = append(dst, body...)
	}
	header, payload := dst[start:start+frameHeaderSize], dst[start+frameHeaderSize:]
	copy(header, frameMagic[:])
	binary.LittleEndian.PutUint32(header[4:], uint32(len(payload)))
	binary.LittleEndian.PutUint32(header[8:], crc32.Checksum(payload, castagnoli))
	binary.LittleEndian.PutUint32(header[12:], crc32.Checksum(header[:12], castagnoli))
	return dst
}

// appendRecord appends the encoding of one record to dst.
func appendRecord(dst []byte, delta int64, key, value []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(delta))
	dst = binary.AppendUvarint(dst, uint64(len(key)))
	dst = append(dst, key...)
	if value == nil {
		return binary.AppendUvarint(dst, 0)
	}
	dst = binary.AppendUvarint(dst, uint64(len(value))+1)
	return append(dst, value...)
}

// recordSize is the length of appendRecord's encoding.
func recordSize(delta int64, key, value []byte) int {
	size := uvarintLen(uint64(delta)) + uvarintLen(uint64(len(key))) + len(key)
	if value == nil {
		return size + 1
	}
	return size + uvarintLen(uint64(len(value))+1) + len(value)
}

func uvarintLen(v uint64) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}

// cloneRecord copies rec's slices into one new allocation, keeping a nil
// Value nil and an empty one empty.
func cloneRecord(rec Record) Record {
	buf := make([]byte, len(rec.Key)+len(rec.Value))
	n := copy(buf, rec.Key)
	copy(buf[n:], rec.Value)
	out := Record{Offset: rec.Offset, Key: buf[:n:n]}
	if rec.Value != nil {
		out.Value = buf[n:]
	}
	return out
}

// syncDir makes a rename or a new file in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
