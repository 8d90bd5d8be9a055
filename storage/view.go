package storage

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/goschemaregistry/registry/formats"
)

// ContentHash identifies a schema's content: its type, text, references,
// metadata and rule set. Two versions with the same hash are the same schema
// and share one id.
type ContentHash [sha256.Size]byte

// TextDigest is the SHA-256 of a schema text.
type TextDigest [sha256.Size]byte

// DigestText returns the digest of a schema text.
func DigestText(text string) TextDigest { return sha256.Sum256([]byte(text)) }

// HashContent returns the hash of a schema's content.
func HashContent(schemaType, text string, refs []formats.Reference, metadata, ruleSet json.RawMessage) ContentHash {
	return HashDigestedContent(schemaType, DigestText(text), refs, metadata, ruleSet)
}

// HashDigestedContent is HashContent for a text known by its digest, so
// that callers may keep the 32-byte digest instead of the text.
func HashDigestedContent(schemaType string, text TextDigest, refs []formats.Reference, metadata, ruleSet json.RawMessage) ContentHash {
	h := sha256.New()
	// Every part is length-prefixed, so that no two contents write the
	// same bytes.
	write := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	if schemaType == "" {
		schemaType = formats.TypeAvro
	}
	write(schemaType)
	write(string(text[:]))
	write(strconv.Itoa(len(refs)))
	for _, r := range refs {
		write(r.Name)
		write(r.Subject)
		write(strconv.Itoa(r.Version))
	}
	write(string(metadata))
	write(string(ruleSet))
	var sum ContentHash
	h.Sum(sum[:0])
	return sum
}

// Content is a schema as stored under an id. It is shared by every version
// with that id and must not be modified.
type Content struct {
	ID         int
	Type       string
	Schema     string
	References []formats.Reference
	Metadata   json.RawMessage
	RuleSet    json.RawMessage
	Hash       ContentHash
	// answer memoizes an encoding derived from the content; see Answer.
	answer atomic.Pointer[[]byte]
	// sameHash chains the rarely seen other contents with the same hash
	// (one schema imported under two ids), all found through byHash.
	sameHash *Content
	// bySubject indexes holders by subject once there are many of them
	// (a schema such as "string" shared by thousands of key subjects).
	bySubject map[string][]*Version
	// holders are the subject versions holding this content; the content
	// is forgotten (its id no longer found) when none do.
	holders []*Version
}

// Answer returns encode()'s result, computing it once per content: the
// server keeps its encoded answer for the schema here, since a content never
// changes.
func (c *Content) Answer(encode func() []byte) []byte {
	if b := c.answer.Load(); b != nil {
		return *b
	}
	b := encode()
	c.answer.Store(&b)
	return b
}

// indexHoldersFrom is the number of holders from which a content indexes
// them by subject.
const indexHoldersFrom = 16

func (c *Content) addHolder(ver *Version) {
	c.holders = append(c.holders, ver)
	switch {
	case c.bySubject != nil:
		c.bySubject[ver.Subject] = append(c.bySubject[ver.Subject], ver)
	case len(c.holders) >= indexHoldersFrom:
		c.bySubject = map[string][]*Version{}
		for _, h := range c.holders {
			c.bySubject[h.Subject] = append(c.bySubject[h.Subject], h)
		}
	}
}

func (c *Content) removeHolder(ver *Version) {
	isVer := func(o *Version) bool { return o == ver }
	c.holders = slices.DeleteFunc(c.holders, isVer)
	if c.bySubject != nil {
		if rest := slices.DeleteFunc(c.bySubject[ver.Subject], isVer); len(rest) > 0 {
			c.bySubject[ver.Subject] = rest
		} else {
			delete(c.bySubject, ver.Subject)
		}
	}
}

// holdersIn returns the versions of subject holding the content.
func (c *Content) holdersIn(subject string) []*Version {
	if c.bySubject != nil {
		return c.bySubject[subject]
	}
	var out []*Version
	for _, h := range c.holders {
		if h.Subject == subject {
			out = append(out, h)
		}
	}
	return out
}

// Version is one version of a subject. Values handed out by the view are
// copies.
type Version struct {
	Subject string
	Version int
	Deleted bool
	*Content
}

type subjectState struct {
	// ordered holds the versions in increasing order: the latest and the
	// highest are found without sorting, any one by binary search.
	ordered []*Version
	// withContracts counts the versions with metadata or a rule set.
	withContracts int
	// live counts the versions that are not soft-deleted.
	live int
}

// countLive adds delta to the live versions of s and keeps the view's
// totals in step.
func (v *View) countLive(s *subjectState, delta int) {
	wasLive := s.live > 0
	s.live += delta
	v.liveVersions += delta
	if isLive := s.live > 0; isLive != wasLive {
		if isLive {
			v.liveSubjects++
		} else {
			v.liveSubjects--
		}
	}
}

// hasContract reports whether a version carries metadata or a rule set.
func hasContract(ver *Version) bool {
	return !isNullJSON(ver.Metadata) || !isNullJSON(ver.RuleSet)
}

// isNullJSON reports whether raw is absent or JSON null.
func isNullJSON(raw json.RawMessage) bool { return len(raw) == 0 || string(raw) == "null" }

func (s *subjectState) position(version int) int {
	return sort.Search(len(s.ordered), func(i int) bool { return s.ordered[i].Version >= version })
}

func (s *subjectState) get(version int) *Version {
	if i := s.position(version); i < len(s.ordered) && s.ordered[i].Version == version {
		return s.ordered[i]
	}
	return nil
}

func (s *subjectState) insert(ver *Version) {
	s.ordered = slices.Insert(s.ordered, s.position(ver.Version), ver)
	if hasContract(ver) {
		s.withContracts++
	}
}

func (s *subjectState) remove(ver *Version) {
	i := s.position(ver.Version)
	s.ordered = slices.Delete(s.ordered, i, i+1)
	if hasContract(ver) {
		s.withContracts--
	}
}

type refKey struct {
	subject string
	version int
}

// View is the registry's state as built by applying log records in order.
// All reads are served from it; it changes only through Apply.
type View struct {
	logger *slog.Logger

	mu       sync.RWMutex
	subjects map[string]*subjectState
	byID     map[int]*Content
	byHash   map[ContentHash]*Content
	// referencedBy maps a referenced subject version to the versions that
	// reference it.
	referencedBy map[refKey]map[*Version]struct{}
	configs      map[string]ConfigValue
	modes        map[string]string
	maxID        int
	// liveVersions and liveSubjects count what is not soft-deleted, so
	// that Stats answers without visiting every version.
	liveVersions int
	liveSubjects int
	applied      int64
	// changed is closed and replaced whenever applied moves, waking
	// WaitApplied callers.
	changed chan struct{}
}

// NewView returns an empty view. logger receives warnings about records
// that cannot be applied; nil means slog.Default().
func NewView(logger *slog.Logger) *View {
	if logger == nil {
		logger = slog.Default()
	}
	return &View{
		logger:       logger,
		subjects:     map[string]*subjectState{},
		byID:         map[int]*Content{},
		byHash:       map[ContentHash]*Content{},
		referencedBy: map[refKey]map[*Version]struct{}{},
		configs:      map[string]ConfigValue{},
		modes:        map[string]string{},
		applied:      -1,
		changed:      make(chan struct{}),
	}
}

// Apply applies one log record. Records that cannot be decoded, or whose
// key type the registry does not act on, are logged and skipped: a topic
// written by another registry version must always replay. Apply never
// returns an error so that it can be handed to Log.Follow through ApplyFunc.
func (v *View) Apply(rec Record) {
	key, err := ParseKey(rec.Key)
	v.mu.Lock()
	defer v.mu.Unlock()
	if err != nil {
		v.logger.Warn("skipping log record with an unreadable key", "offset", rec.Offset, "error", err)
	} else if err := v.applyLocked(key, rec.Value); err != nil {
		v.logger.Warn("skipping log record with an unreadable value", "offset", rec.Offset, "keytype", key.Type, "error", err)
	}
	if rec.Offset > v.applied {
		v.applied = rec.Offset
		close(v.changed)
		v.changed = make(chan struct{})
	}
}

// ApplyFunc adapts Apply to Log.Follow.
func (v *View) ApplyFunc(rec Record) error {
	v.Apply(rec)
	return nil
}

func (v *View) applyLocked(key Key, value []byte) error {
	switch key.Type {
	case KeySchema:
		if value == nil {
			v.removeVersion(key.Subject, key.Version)
			return nil
		}
		var sv SchemaValue
		if err := json.Unmarshal(value, &sv); err != nil {
			return err
		}
		// The key is authoritative: Confluent compacts and deletes by key.
		sv.Subject, sv.Version = key.Subject, key.Version
		v.putVersion(&sv)
	case KeyConfig:
		if value == nil {
			delete(v.configs, key.Subject)
			return nil
		}
		var cv ConfigValue
		if err := json.Unmarshal(value, &cv); err != nil {
			return err
		}
		cv.Subject = ""
		v.configs[key.Subject] = cv
	case KeyMode:
		if value == nil {
			delete(v.modes, key.Subject)
			return nil
		}
		var mv ModeValue
		if err := json.Unmarshal(value, &mv); err != nil {
			return err
		}
		v.modes[key.Subject] = mv.Mode
	case KeyDeleteSubject:
		if value == nil {
			return nil
		}
		var dv DeleteSubjectValue
		if err := json.Unmarshal(value, &dv); err != nil {
			return err
		}
		if s := v.subjects[key.Subject]; s != nil {
			for _, ver := range s.ordered {
				if ver.Version <= dv.Version && !ver.Deleted {
					ver.Deleted = true
					v.countLive(s, -1)
				}
			}
		}
	case KeyClearSubject:
		if value == nil {
			return nil
		}
		if s := v.subjects[key.Subject]; s != nil {
			for _, ver := range slices.Clone(s.ordered) {
				v.removeVersion(key.Subject, ver.Version)
			}
		}
	}
	return nil
}

func (v *View) putVersion(sv *SchemaValue) {
	if s := v.subjects[sv.Subject]; s != nil {
		if taken := s.get(sv.Version); taken != nil && taken.ID != sv.ID {
			// A version names one schema until a tombstone frees it. A
			// record giving it another schema (a deposed leader's late
			// write) is refused the same way by every replica, and its
			// writer sees its registration did not take.
			v.logger.Warn("ignoring schema record for a version holding another schema",
				"subject", sv.Subject, "version", sv.Version, "id", sv.ID, "holding", taken.ID)
			return
		}
	}
	v.removeVersion(sv.Subject, sv.Version)
	if sv.ID > v.maxID {
		v.maxID = sv.ID
	}
	hash := HashContent(sv.Type(), sv.Schema, sv.References, sv.Metadata, sv.RuleSet)
	content := v.byID[sv.ID]
	if content == nil {
		content = &Content{
			ID: sv.ID, Type: sv.Type(), Schema: sv.Schema, References: sv.References,
			Metadata: sv.Metadata, RuleSet: sv.RuleSet, Hash: hash,
		}
		v.byID[sv.ID] = content
		if first := v.byHash[hash]; first != nil {
			content.sameHash, first.sameHash = first.sameHash, content
		} else {
			v.byHash[hash] = content
		}
	} else if content.Hash != hash {
		// An id names one schema. A record giving an existing id to
		// other content (a deposed leader's late write, a foreign topic)
		// is refused the same way by every replica.
		v.logger.Warn("ignoring schema record reusing an id for a different schema",
			"subject", sv.Subject, "version", sv.Version, "id", sv.ID)
		return
	}
	s := v.subjects[sv.Subject]
	if s == nil {
		s = &subjectState{}
		v.subjects[sv.Subject] = s
	}
	ver := &Version{Subject: sv.Subject, Version: sv.Version, Deleted: sv.Deleted, Content: content}
	s.insert(ver)
	if !ver.Deleted {
		v.countLive(s, 1)
	}
	content.addHolder(ver)
	for _, r := range content.References {
		k := refKey{r.Subject, r.Version}
		if v.referencedBy[k] == nil {
			v.referencedBy[k] = map[*Version]struct{}{}
		}
		v.referencedBy[k][ver] = struct{}{}
	}
}

func (v *View) removeVersion(subject string, version int) {
	s := v.subjects[subject]
	if s == nil {
		return
	}
	ver := s.get(version)
	if ver == nil {
		return
	}
	s.remove(ver)
	if !ver.Deleted {
		v.countLive(s, -1)
	}
	for _, r := range ver.References {
		k := refKey{r.Subject, r.Version}
		delete(v.referencedBy[k], ver)
		if len(v.referencedBy[k]) == 0 {
			delete(v.referencedBy, k)
		}
	}
	ver.Content.removeHolder(ver)
	if len(ver.Content.holders) == 0 {
		delete(v.byID, ver.ID)
		v.unlinkHash(ver.Content)
	}
	if len(s.ordered) == 0 {
		delete(v.subjects, subject)
	}
}

// unlinkHash removes a forgotten content from the byHash chains.
func (v *View) unlinkHash(c *Content) {
	first := v.byHash[c.Hash]
	switch {
	case first == c && c.sameHash == nil:
		delete(v.byHash, c.Hash)
	case first == c:
		v.byHash[c.Hash] = c.sameHash
	default:
		for p := first; p != nil; p = p.sameHash {
			if p.sameHash == c {
				p.sameHash = c.sameHash
				break
			}
		}
	}
	c.sameHash = nil
}

// Applied returns the offset of the last record applied, -1 before any.
func (v *View) Applied() int64 {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.applied
}

// WaitApplied blocks until the record at offset has been applied or ctx is
// done.
func (v *View) WaitApplied(ctx context.Context, offset int64) error {
	for {
		v.mu.RLock()
		applied, changed := v.applied, v.changed
		v.mu.RUnlock()
		if applied >= offset {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// MaxID returns the highest schema id the log has ever held.
func (v *View) MaxID() int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.maxID
}

// SchemaByID returns the schema registered under id.
func (v *View) SchemaByID(id int) (*Content, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	c, ok := v.byID[id]
	return c, ok
}

// IDForHash returns the id of the schema with the given content, if any
// version holds it.
func (v *View) IDForHash(hash ContentHash) (int, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if c, ok := v.byHash[hash]; ok {
		return c.ID, true
	}
	return 0, false
}

// Versions returns the versions of subject in increasing order, soft-deleted
// ones included only when withDeleted is set. It returns nil when the
// subject has no such version.
func (v *View) Versions(subject string, withDeleted bool) []Version {
	v.mu.RLock()
	defer v.mu.RUnlock()
	s := v.subjects[subject]
	if s == nil {
		return nil
	}
	var out []Version
	for _, ver := range s.ordered {
		if withDeleted || !ver.Deleted {
			out = append(out, *ver)
		}
	}
	return out
}

// HasContracts reports whether any version of subject, soft-deleted or
// not, carries metadata or a rule set: only then can a schema be found in
// the subject by more than its content hash.
func (v *View) HasContracts(subject string) bool {
	v.mu.RLock()
	defer v.mu.RUnlock()
	s := v.subjects[subject]
	return s != nil && s.withContracts > 0
}

// Version returns one version of a subject, soft-deleted or not.
func (v *View) Version(subject string, version int) (Version, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if s := v.subjects[subject]; s != nil {
		if ver := s.get(version); ver != nil {
			return *ver, true
		}
	}
	return Version{}, false
}

// SubjectExists reports whether subject has a version, counting soft-deleted
// ones only when withDeleted is set.
func (v *View) SubjectExists(subject string, withDeleted bool) bool {
	v.mu.RLock()
	defer v.mu.RUnlock()
	s := v.subjects[subject]
	if s == nil {
		return false
	}
	if withDeleted {
		return true
	}
	for _, ver := range s.ordered {
		if !ver.Deleted {
			return true
		}
	}
	return false
}

// MaxVersion returns the highest version number the subject holds,
// soft-deleted versions included, or 0.
func (v *View) MaxVersion(subject string) int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if s := v.subjects[subject]; s != nil && len(s.ordered) > 0 {
		return s.ordered[len(s.ordered)-1].Version
	}
	return 0
}

// LatestVersion returns the highest version of subject that is not
// soft-deleted.
func (v *View) LatestVersion(subject string) (Version, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if s := v.subjects[subject]; s != nil {
		for i := len(s.ordered) - 1; i >= 0; i-- {
			if !s.ordered[i].Deleted {
				return *s.ordered[i], true
			}
		}
	}
	return Version{}, false
}

// FindInSubject returns the highest version of subject holding the content,
// ignoring soft-deleted versions unless withDeleted is set.
func (v *View) FindInSubject(subject string, hash ContentHash, withDeleted bool) (Version, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	var best *Version
	for c := v.byHash[hash]; c != nil; c = c.sameHash {
		for _, ver := range c.holdersIn(subject) {
			if (withDeleted || !ver.Deleted) && (best == nil || ver.Version > best.Version) {
				best = ver
			}
		}
	}
	if best == nil {
		return Version{}, false
	}
	return *best, true
}

// SubjectFilter selects subjects or versions by their deletion state.
type SubjectFilter int

// The deletion filters of the API's deleted and deletedOnly parameters.
const (
	LiveOnly SubjectFilter = iota
	LiveAndDeleted
	DeletedOnly
)

func (f SubjectFilter) keep(deleted bool) bool {
	switch f {
	case LiveAndDeleted:
		return true
	case DeletedOnly:
		return deleted
	}
	return !deleted
}

// Subjects returns the sorted names of subjects starting with prefix. A
// subject is live when it has a live version; DeletedOnly selects subjects
// whose every version is soft-deleted.
func (v *View) Subjects(prefix string, filter SubjectFilter) []string {
	v.mu.RLock()
	defer v.mu.RUnlock()
	out := []string{}
	for name, s := range v.subjects {
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		deleted := true
		for _, ver := range s.ordered {
			if !ver.Deleted {
				deleted = false
				break
			}
		}
		if filter.keep(deleted) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// VersionsByID returns the subject versions holding the schema with id,
// sorted by subject and version.
func (v *View) VersionsByID(id int, withDeleted bool) []Version {
	v.mu.RLock()
	defer v.mu.RUnlock()
	c := v.byID[id]
	if c == nil {
		return nil
	}
	var out []Version
	for _, ver := range c.holders {
		if withDeleted || !ver.Deleted {
			out = append(out, *ver)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Subject != out[j].Subject {
			return out[i].Subject < out[j].Subject
		}
		return out[i].Version < out[j].Version
	})
	return out
}

// ReferencedBy returns the ids of the schemas whose versions reference the
// given subject version, sorted, counting soft-deleted referrers only when
// withDeleted is set.
func (v *View) ReferencedBy(subject string, version int, withDeleted bool) []int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	seen := map[int]bool{}
	ids := []int{}
	for ver := range v.referencedBy[refKey{subject, version}] {
		if (withDeleted || !ver.Deleted) && !seen[ver.ID] {
			seen[ver.ID] = true
			ids = append(ids, ver.ID)
		}
	}
	sort.Ints(ids)
	return ids
}

// ReferencingSubjects returns the subjects, other than subject itself, with
// a version that references the given version of subject.
func (v *View) ReferencingSubjects(subject string, version int, withDeleted bool) []string {
	v.mu.RLock()
	defer v.mu.RUnlock()
	set := map[string]bool{}
	for ver := range v.referencedBy[refKey{subject, version}] {
		if ver.Subject != subject && (withDeleted || !ver.Deleted) {
			set[ver.Subject] = true
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Config returns the configuration set for subject ("" for the global one).
func (v *View) Config(subject string) (ConfigValue, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	c, ok := v.configs[subject]
	return c, ok
}

// Mode returns the mode set for subject ("" for the global one).
func (v *View) Mode(subject string) (string, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	m, ok := v.modes[subject]
	return m, ok
}

// AllVersions calls fn for the versions of every subject starting with prefix,
// sorted by subject and version.
func (v *View) AllVersions(prefix string, withDeleted bool, fn func(Version)) {
	for _, name := range v.Subjects(prefix, LiveAndDeleted) {
		for _, ver := range v.Versions(name, withDeleted) {
			fn(ver)
		}
	}
}
