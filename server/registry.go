package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/goschemaregistry/registry/compat"
	"github.com/goschemaregistry/registry/formats"
	"github.com/goschemaregistry/registry/storage"
)

// Modes, as named in the API and the log.
const (
	modeReadWrite        = "READWRITE"
	modeReadOnly         = "READONLY"
	modeReadOnlyOverride = "READONLY_OVERRIDE"
	modeImport           = "IMPORT"
)

// registry is the domain logic behind the API: it reads the view and writes
// log records, enforcing Confluent's rules. Handlers only decode requests
// and encode answers.
type registry struct {
	log           storage.Log
	view          *storage.View
	formats       map[string]formats.Format
	logger        *slog.Logger
	defaultCompat compat.Level
	writeTimeout  time.Duration
	// checked, when set, is told how long each compatibility check took.
	checked func(schemaType string, took time.Duration)

	// subjectLocks serialize the writes that touch one subject, as
	// Confluent's per-subject store locks do; writes to different subjects
	// run concurrently and share the log's fsyncs.
	subjectLocks [64]sync.Mutex
	lockSeed     maphash.Seed

	// idMu guards id assignment. pendingIDs holds the ids reserved for
	// schemas whose records are being written, so that the same schema
	// registered concurrently under two subjects gets one id.
	idMu       sync.Mutex
	reservedID int
	pendingIDs map[storage.ContentHash]int

	parsed *parseCache
}

func (r *registry) lockSubject(subject string) func() {
	m := &r.subjectLocks[maphash.String(r.lockSeed, subject)%uint64(len(r.subjectLocks))]
	m.Lock()
	return m.Unlock
}

// write appends records and waits until the view reflects them, so that the
// caller reads its own write.
func (r *registry) write(ctx context.Context, recs ...storage.Record) *Error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.writeTimeout)
	defer cancel()
	offset, err := r.log.Append(ctx, recs...)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return errTimeout("Write to the log timed out")
		}
		r.logger.Error("log append failed", "error", err)
		return errStore("Error while writing to the log: %v", err)
	}
	if err := r.view.WaitApplied(ctx, offset); err != nil {
		return errTimeout("Write to the log timed out waiting for it to be applied")
	}
	return nil
}

func record(key storage.Key, value any) (storage.Record, *Error) {
	rec := storage.Record{Key: key.Bytes()}
	if value != nil {
		b, err := storage.EncodeValue(value)
		if err != nil {
			return rec, errStore("Error while encoding a log record: %v", err)
		}
		rec.Value = b
	}
	return rec, nil
}

func (r *registry) writeValue(ctx context.Context, key storage.Key, value any) *Error {
	rec, apiErr := record(key, value)
	if apiErr != nil {
		return apiErr
	}
	return r.write(ctx, rec)
}

// effectiveConfig returns the subject's configuration, falling back to the
// global one and then to the server default.
func (r *registry) effectiveConfig(subject string) storage.ConfigValue {
	if c, ok := r.view.Config(subject); ok && subject != "" {
		return c
	}
	if c, ok := r.view.Config(""); ok {
		return c
	}
	return storage.ConfigValue{CompatibilityLevel: string(r.defaultCompat)}
}

// compatLevel returns the level a subject's schemas are checked at. A
// config without a level (one with only other settings, or whose level was
// cleared) has the server's default level, which Confluent fills in when
// it reads a config; the global config's level does not reach into it.
func (r *registry) compatLevel(subject string) compat.Level {
	if l, ok := compat.ParseLevel(r.effectiveConfig(subject).CompatibilityLevel); ok {
		return l
	}
	return r.defaultCompat
}

// withDefaultLevel returns a config as Confluent reads it from its store:
// with the server's default level when it has none.
func (r *registry) withDefaultLevel(c storage.ConfigValue) storage.ConfigValue {
	if c.CompatibilityLevel == "" {
		c.CompatibilityLevel = string(r.defaultCompat)
	}
	return c
}

// hasDefaultsOrOverrides is Confluent's Config.hasDefaultsOrOverrides: a
// registration under such a config may store other metadata or rules than
// the client sent.
func hasDefaultsOrOverrides(c storage.ConfigValue) bool {
	return len(c.DefaultMetadata) > 0 || len(c.OverrideMetadata) > 0 || len(c.DefaultRuleSet) > 0 || len(c.OverrideRuleSet) > 0
}

func (r *registry) normalizeByDefault(subject string) bool {
	n := r.effectiveConfig(subject).Normalize
	return n != nil && *n
}

// effectiveMode follows Confluent: a global READONLY_OVERRIDE wins over
// everything, otherwise the subject's mode, then the global one.
func (r *registry) effectiveMode(subject string) string {
	global, ok := r.view.Mode("")
	if !ok {
		global = modeReadWrite
	}
	if global == modeReadOnlyOverride {
		return global
	}
	if m, ok := r.view.Mode(subject); ok && subject != "" {
		return m
	}
	return global
}

func (r *registry) checkWritable(subject string) *Error {
	switch r.effectiveMode(subject) {
	case modeReadOnly, modeReadOnlyOverride:
		return errOperationNotPermitted("Subject %s is in read-only mode", subject)
	}
	return nil
}

// schemaInput is a schema as a client sends it for registration, lookup or
// a compatibility test.
type schemaInput struct {
	Schema     string
	SchemaType string
	References []formats.Reference
	Metadata   json.RawMessage
	RuleSet    json.RawMessage
}

func (in *schemaInput) schemaType() string {
	if in.SchemaType == "" {
		return formats.TypeAvro
	}
	return strings.ToUpper(in.SchemaType)
}

// javaString renders the input as Confluent's Schema.toString() does, for
// the invalid-schema messages clients see. Very long schema texts are cut.
func (in *schemaInput) javaString(subject string) string {
	text := in.Schema
	const maxEcho = 4096
	if len(text) > maxEcho {
		text = text[:maxEcho] + "..."
	}
	return fmt.Sprintf("{subject=%s,version=0,id=-1,schemaType=%s,references=%s,metadata=%s,ruleSet=%s,schema=%s}",
		subject, in.schemaType(), javaRefs(in.References), javaJSON(in.Metadata), javaJSON(in.RuleSet), text)
}

func javaRefs(refs []formats.Reference) string {
	parts := make([]string, len(refs))
	for i, ref := range refs {
		parts[i] = fmt.Sprintf("{name='%s', subject='%s', version=%d}", ref.Name, ref.Subject, ref.Version)
	}
	return formatList(parts)
}

func javaJSON(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "null"
	}
	return string(raw)
}

// hash returns the content hash of the input, whose canonical text is
// text.
func (in *schemaInput) hash(text canonicalText) storage.ContentHash {
	return storage.HashDigestedContent(text.schemaType, text.digest, in.References, in.Metadata, in.RuleSet)
}

// parsedInput is a client's schema after parsing.
type parsedInput struct {
	schema formats.Schema
	text   canonicalText
	hash   storage.ContentHash
}

// parse resolves the input's references and parses it, normalized when
// asked, returning 42201 for anything invalid. Like Confluent, only schemas
// about to be registered as new are held to the strict rules (isNew);
// lookups and imports parse them as stored schemas are parsed.
func (r *registry) parse(subject string, in *schemaInput, normalize, strict bool) (parsedInput, *Error) {
	format := r.formats[in.schemaType()]
	invalid := func(detail string) *Error {
		return errInvalidSchema(fmt.Sprintf("Invalid schema %s with refs %s of type %s, details: %s",
			in.javaString(subject), javaRefs(in.References), in.schemaType(), detail))
	}
	if format == nil {
		return parsedInput{}, errInvalidSchema("Invalid schema type " + in.schemaType())
	}
	in.References = r.pinLatestReferences(in.References)
	deps, apiErr := r.resolveReferences(in.References, invalid)
	if apiErr != nil {
		return parsedInput{}, apiErr
	}
	s, err := r.parsed.parse(format, in.Schema, deps, normalize, !strict)
	if err != nil {
		return parsedInput{}, invalid(err.Error())
	}
	text := canonicalText{s.Type(), storage.DigestText(s.Canonical())}
	return parsedInput{schema: s, text: text, hash: in.hash(text)}, nil
}

// identify returns the type and canonical text of a client's schema,
// parsing it only when the same text was not parsed before.
func (r *registry) identify(subject string, in *schemaInput, normalize bool) (canonicalText, *Error) {
	in.References = r.pinLatestReferences(in.References)
	if format := r.formats[in.schemaType()]; format != nil {
		deps, apiErr := r.resolveReferences(in.References, errInvalidSchema)
		if apiErr == nil {
			if c, ok := r.parsed.canonical(format, in.Schema, deps, normalize); ok {
				return c, nil
			}
		}
	}
	parsed, apiErr := r.parse(subject, in, normalize, false)
	return parsed.text, apiErr
}

// soughtSchema is a client's schema looked for among a subject's versions.
type soughtSchema struct {
	in       *schemaInput
	text     canonicalText
	hash     storage.ContentHash
	metadata *metadataJSON
}

func newSoughtSchema(in *schemaInput, text canonicalText) soughtSchema {
	return soughtSchema{in: in, text: text, hash: in.hash(text), metadata: readStoredMetadata(in.Metadata)}
}

// foundIn reports whether ver holds the sought schema, as Confluent's
// ParsedSchema.canLookup decides: the same schema, references, rule set
// and metadata, except that confluent:version is not compared when only
// one side has it. A schema sent without it finds a version registered
// with one; a schema sent with confluent:version N finds version N
// registered without one.
func (s *soughtSchema) foundIn(ver storage.Version) bool {
	sentVersion, sent := s.metadata.confluentVersionNumber()
	var storedMD *metadataJSON
	// Most versions carry no confluent:version: they are not read.
	if bytes.Contains(ver.Metadata, []byte(confluentVersionKey)) {
		storedMD = readStoredMetadata(ver.Metadata)
	}
	_, stored := storedMD.confluentVersionNumber()
	switch {
	case !sent && stored:
		if !bytes.Equal(s.metadata.orEmpty().bytes(), storedMD.withoutConfluentVersion().bytes()) {
			return false
		}
	case sent && !stored:
		if sentVersion != ver.Version {
			return false
		}
		if !bytes.Equal(s.metadata.withoutConfluentVersion().bytes(), readStoredMetadata(ver.Metadata).orEmpty().bytes()) {
			return false
		}
	default:
		return s.hash == ver.Hash
	}
	// The metadata match: the rest must be the same, which the hash of
	// the sent schema with the stored metadata tells.
	return storage.HashDigestedContent(s.text.schemaType, s.text.digest, s.in.References, ver.Metadata, s.in.RuleSet) == ver.Hash
}

// findVersion finds the newest version of subject holding the sought
// schema, as Confluent's lookUpSchemaUnderSubject does: one with the same
// content, or else the newest that canLookup accepts. Only versions accept
// takes are considered; nil takes all.
func (r *registry) findVersion(subject string, sought soughtSchema, withDeleted bool, accept func(storage.Version) bool) (storage.Version, bool) {
	if accept == nil {
		accept = func(storage.Version) bool { return true }
	}
	if ver, ok := r.view.FindInSubject(subject, sought.hash, withDeleted); ok && accept(ver) {
		return ver, true
	}
	return r.findLookupable(subject, sought, withDeleted, accept)
}

// findLookupable finds the newest version of subject that canLookup
// accepts for the sought schema.
func (r *registry) findLookupable(subject string, sought soughtSchema, withDeleted bool, accept func(storage.Version) bool) (storage.Version, bool) {
	if n, sent := sought.metadata.confluentVersionNumber(); sent {
		// Sent with confluent:version n, the schema has the same content
		// as a version registered with one, or is version n registered
		// without one.
		if ver, ok := r.view.FindInSubject(subject, sought.hash, withDeleted); ok && accept(ver) {
			return ver, true
		}
		ver, ok := r.view.Version(subject, n)
		if ok && (withDeleted || !ver.Deleted) && accept(ver) && sought.foundIn(ver) {
			return ver, true
		}
		return storage.Version{}, false
	}
	if !r.view.HasContracts(subject) {
		// Without metadata or rule sets, canLookup accepts only the same
		// content, which findVersion's hash lookup already sought.
		return storage.Version{}, false
	}
	versions := r.view.Versions(subject, withDeleted)
	for i := len(versions) - 1; i >= 0; i-- {
		if accept(versions[i]) && sought.foundIn(versions[i]) {
			return versions[i], true
		}
	}
	return storage.Version{}, false
}

// resolveReferences turns references into the dependency list a format
// parses with: every referenced schema, transitively, each after the
// schemas it references itself.
func (r *registry) resolveReferences(refs []formats.Reference, invalid func(string) *Error) ([]formats.Dependency, *Error) {
	var deps []formats.Dependency
	visiting := map[string]bool{}
	done := map[string]bool{}
	var visit func(ref formats.Reference, depth int) *Error
	visit = func(ref formats.Reference, depth int) *Error {
		if ref.Subject == "" || ref.Name == "" {
			return invalid(fmt.Sprintf("Invalid reference: {name='%s', subject='%s', version=%d}", ref.Name, ref.Subject, ref.Version))
		}
		version := ref.Version
		var ver storage.Version
		var ok bool
		if version == -1 {
			ver, ok = r.view.LatestVersion(ref.Subject)
		} else {
			ver, ok = r.view.Version(ref.Subject, version)
		}
		if !ok {
			return invalid(fmt.Sprintf("No schema reference found for subject \"%s\" and version %d", ref.Subject, version))
		}
		key := fmt.Sprintf("%s\x00%d", ver.Subject, ver.Version)
		if done[key] {
			return nil
		}
		if visiting[key] || depth > maxReferenceDepth {
			return invalid("circular or too deep references at " + ref.Name)
		}
		visiting[key] = true
		for _, sub := range ver.References {
			if apiErr := visit(sub, depth+1); apiErr != nil {
				return apiErr
			}
		}
		visiting[key] = false
		done[key] = true
		deps = append(deps, formats.Dependency{Name: ref.Name, Schema: ver.Schema})
		return nil
	}
	for _, ref := range refs {
		if apiErr := visit(ref, 0); apiErr != nil {
			return nil, apiErr
		}
	}
	return deps, nil
}

const maxReferenceDepth = 64

// pinLatestReferences returns refs with each reference to version -1 (the
// latest) replaced by the number of the subject's latest version, as
// Confluent does while resolving a client's references: that number is
// what gets stored and compared. refs itself is not changed.
func (r *registry) pinLatestReferences(refs []formats.Reference) []formats.Reference {
	var pinned []formats.Reference
	for i, ref := range refs {
		if ref.Version != -1 {
			continue
		}
		latest, ok := r.view.LatestVersion(ref.Subject)
		if !ok {
			continue // left for resolveReferences to refuse
		}
		if pinned == nil {
			pinned = slices.Clone(refs)
		}
		pinned[i].Version = latest.Version
	}
	if pinned == nil {
		return refs
	}
	return pinned
}

// schemaFor returns the parsed form of a stored version, for
// compatibility checks.
func (r *registry) schemaFor(ver storage.Version, normalize bool) (formats.Schema, error) {
	format := r.formats[ver.Type]
	if format == nil {
		return nil, fmt.Errorf("unsupported schema type %s", ver.Type)
	}
	deps, apiErr := r.resolveReferences(ver.References, errInvalidSchema)
	if apiErr != nil {
		return nil, apiErr
	}
	return r.parsed.parse(format, ver.Schema, deps, normalize, true)
}

// previousVersions returns the live versions of subject a new version must
// be compatible with at the subject's level, oldest first: all of them for
// a transitive level, the latest otherwise, so that registering into a
// subject with many versions does not copy them all.
func (r *registry) previousVersions(subject string) []storage.Version {
	level := r.compatLevel(subject)
	switch {
	case level == compat.None:
		return nil
	case level.Transitive():
		return r.view.Versions(subject, false)
	}
	if latest, ok := r.view.LatestVersion(subject); ok {
		return []storage.Version{latest}
	}
	return nil
}

// checkCompatibility checks a parsed schema against the given versions
// (oldest first, as previousVersions picks them) at the subject's level,
// returning the messages of an incompatibility.
func (r *registry) checkCompatibility(subject string, s formats.Schema, previous []storage.Version, normalize bool) []string {
	prev := make([]compat.Previous, 0, len(previous))
	for _, ver := range previous {
		ps, err := r.schemaFor(ver, normalize)
		if err != nil {
			// A stored schema that no longer parses (a foreign topic, a
			// removed reference) cannot be checked against.
			r.logger.Warn("stored schema does not parse; skipped in compatibility check",
				"subject", ver.Subject, "version", ver.Version, "error", err)
			continue
		}
		prev = append(prev, compat.Previous{Version: ver.Version, Schema: ps})
	}
	started := time.Now()
	messages := compat.Check(r.compatLevel(subject), s, prev)
	if r.checked != nil {
		r.checked(s.Type(), time.Since(started))
	}
	return messages
}

// registerRequest is the body of POST /subjects/{subject}/versions.
type registerRequest struct {
	schemaInput
	Version *int
	ID      *int
}

// askedVersion is the version the client named: 0 for none, -1 for "the
// latest".
func (req *registerRequest) askedVersion() int {
	if req.Version == nil {
		return 0
	}
	return *req.Version
}

// registration is the outcome of a registration: the schema's id and, when
// the registry changed what the client sent (filled in the schema, merged
// metadata or rules), the schema as registered, which Confluent 7.9 then
// answers in full.
type registration struct {
	id       int
	modified *registeredSchema
}

// registeredSchema is a schema as registered under a version.
type registeredSchema struct {
	version int
	in      schemaInput
	schema  formats.Schema
}

// registered returns the id of the schema when subject already holds it,
// so that registering it again changes nothing; a registration of version
// -1 is answered only by the latest version. As in Confluent
// (registerOrForward), this is answered before the mode is checked, and by
// followers without asking the leader: producers that auto-register keep
// working against a read-only registry or while no leader is known. It is
// skipped under a config with default or override metadata or rules,
// which may make the registered schema differ from the one sent.
func (r *registry) registered(subject string, req *registerRequest, normalize bool) (int, bool) {
	normalize = normalize || r.normalizeByDefault(subject)
	asked := req.askedVersion()
	if asked != 0 && asked != -1 || strings.TrimSpace(req.Schema) == "" || hasDefaultsOrOverrides(r.effectiveConfig(subject)) {
		return 0, false
	}
	text, apiErr := r.identify(subject, &req.schemaInput, normalize)
	if apiErr != nil {
		return 0, false
	}
	sought := newSoughtSchema(&req.schemaInput, text)
	var ver storage.Version
	var ok bool
	if asked == -1 {
		ver, ok = r.view.LatestVersion(subject)
		ok = ok && sought.foundIn(ver)
	} else {
		ver, ok = r.findVersion(subject, sought, false, nil)
	}
	if !ok || req.ID != nil && *req.ID >= 0 && *req.ID != ver.ID {
		return 0, false
	}
	return ver.ID, true
}

// register registers a schema under subject, or finds the version that
// already holds it once completed from the previous version and the
// config, following Confluent's KafkaSchemaRegistry.register. Like
// Confluent's registerOrForward, callers first ask registered.
func (r *registry) register(ctx context.Context, subject string, req *registerRequest, normalize bool) (registration, *Error) {
	normalize = normalize || r.normalizeByDefault(subject)
	asked := req.askedVersion()
	importing := req.ID != nil && *req.ID >= 0
	if apiErr := r.checkWritable(subject); apiErr != nil {
		return registration{}, apiErr
	}
	mode := r.effectiveMode(subject)
	if importing && mode != modeImport {
		return registration{}, errOperationNotPermitted("Subject %s is not in import mode", subject)
	}
	if !importing && mode != modeReadWrite {
		return registration{}, errOperationNotPermitted("Subject %s is not in read-write mode", subject)
	}

	unlock := r.lockSubject(subject)
	defer unlock()

	// The next version follows the highest ever given, soft-deleted
	// versions included, so version numbers are never reused.
	newVersion := r.view.MaxVersion(subject) + 1
	modified := false
	if mode != modeImport {
		modified = r.completeFromPrevious(subject, req, newVersion)
	}
	if strings.TrimSpace(req.Schema) == "" {
		return registration{}, errInvalidSchema("Empty schema")
	}
	parsed, apiErr := r.parse(subject, &req.schemaInput, normalize, !importing)
	if apiErr != nil {
		return registration{}, apiErr
	}
	answer := func(ver storage.Version) registration {
		reg := registration{id: ver.ID}
		if modified {
			reg.modified = &registeredSchema{version: ver.Version, in: req.schemaInput, schema: parsed.schema}
		}
		return reg
	}
	if asked == 0 {
		// A version holding the schema answers, among those with the id
		// the schema is known by, if any.
		wantedID := -1
		if importing {
			wantedID = *req.ID
		} else if id, ok := r.view.IDForHash(parsed.hash); ok {
			wantedID = id
		}
		accept := func(ver storage.Version) bool { return wantedID < 0 || ver.ID == wantedID }
		sought := newSoughtSchema(&req.schemaInput, parsed.text)
		ver, ok := r.view.FindInSubject(subject, parsed.hash, false)
		ok = ok && accept(ver)
		// registered compared the schema as sent with every version, unless
		// the config's defaults or overrides kept it from doing so: only
		// the schema as completed needs comparing again.
		if !ok && (modified || hasDefaultsOrOverrides(r.effectiveConfig(subject))) {
			ver, ok = r.findLookupable(subject, sought, false, accept)
		}
		if ok {
			return answer(ver), nil
		}
	}

	if mode != modeImport {
		if msgs := r.checkCompatibility(subject, parsed.schema, r.previousVersions(subject), normalize); len(msgs) > 0 {
			return registration{}, errIncompatible(subject, msgs)
		}
	}

	version := newVersion
	if asked > 0 {
		if mode != modeImport && asked != newVersion {
			return registration{}, errInvalidSchema("Version is not one more than previous version")
		}
		version = asked
	}

	var id int
	if importing {
		id = *req.ID
		if existing, ok := r.view.SchemaByID(id); ok && existing.Hash != parsed.hash {
			return registration{}, errOperationNotPermitted("Overwrite new schema with id %d is not permitted.", id)
		}
		// The log keeps a version to one schema until it is deleted for
		// good (see storage.View), so an import cannot replace it.
		if taken, ok := r.view.Version(subject, version); ok && taken.ID != id {
			return registration{}, errOperationNotPermitted("Overwrite of version %d of subject %s with another schema is not permitted.", version, subject)
		}
	} else {
		var release func()
		id, release = r.reserveID(parsed.hash)
		defer release()
	}

	value := &storage.SchemaValue{
		Subject: subject, Version: version, ID: id,
		References: req.References, Metadata: nullIfEmpty(req.Metadata), RuleSet: nullIfEmpty(req.RuleSet),
		Schema: parsed.schema.Canonical(),
	}
	if t := parsed.schema.Type(); t != formats.TypeAvro {
		value.SchemaType = t
	}
	var recs []storage.Record
	// Like Confluent, re-registering a soft-deleted schema removes the
	// deleted versions that held it for good.
	for _, v := range r.view.VersionsByID(id, true) {
		if v.Subject == subject && v.Deleted && v.Version < version {
			recs = append(recs, storage.Record{Key: storage.Key{Type: storage.KeySchema, Subject: subject, Version: v.Version}.Bytes()})
		}
	}
	rec, apiErr := record(storage.Key{Type: storage.KeySchema, Subject: subject, Version: version}, value)
	if apiErr != nil {
		return registration{}, apiErr
	}
	if apiErr := r.write(ctx, append(recs, rec)...); apiErr != nil {
		return registration{}, apiErr
	}
	ver, ok := r.view.Version(subject, version)
	if !ok || ver.ID != id {
		// The view refused the record (an id taken by another schema
		// in the log): the registration did not take effect.
		return registration{}, errStore("Error while registering the schema: the log refused the record")
	}
	return answer(ver), nil
}

// completeFromPrevious fills in what a registration leaves to the subject's
// latest version and config, as Confluent's maybePopulateFromPrevious does
// outside IMPORT mode: the schema itself when none is sent (only metadata
// or rules change), and the metadata and rules (see mergeContracts). It
// reports whether the request changed.
func (r *registry) completeFromPrevious(subject string, req *registerRequest, newVersion int) bool {
	latest, hasLatest := r.view.LatestVersion(subject)
	var previous *storage.Version
	if hasLatest {
		previous = &latest
	}
	modified := false
	if strings.TrimSpace(req.Schema) == "" && hasLatest {
		req.Schema, req.SchemaType, req.References = latest.Schema, latest.Type, latest.References
		modified = true
	}
	md, rs := mergeContracts(r.effectiveConfig(subject), &req.schemaInput, previous, req.askedVersion(), newVersion)
	if md != nil || rs != nil {
		req.Metadata, req.RuleSet = md.bytes(), rs.bytes()
		modified = true
	}
	return modified
}

// mergeContracts is Confluent's maybeSetMetadataRuleSet: a schema is
// registered with the metadata and rule set the client sent, or else those
// of the previous version, each merged over the config's default and under
// its override. When the version to register is known (newVersion > 0),
// confluent:version is set to it if the client named a version or the
// merged metadata carries one already.
func mergeContracts(cfg storage.ConfigValue, in *schemaInput, previous *storage.Version, askedVersion, newVersion int) (*metadataJSON, *ruleSet) {
	md, rs := readStoredMetadata(in.Metadata), readStoredRuleSet(in.RuleSet)
	if previous != nil {
		if md == nil {
			md = readStoredMetadata(previous.Metadata)
		}
		if rs == nil {
			rs = readStoredRuleSet(previous.RuleSet)
		}
	}
	md = mergeMetadata(mergeMetadata(readStoredMetadata(cfg.DefaultMetadata), md), readStoredMetadata(cfg.OverrideMetadata))
	rs = mergeRuleSets(mergeRuleSets(readStoredRuleSet(cfg.DefaultRuleSet), rs), readStoredRuleSet(cfg.OverrideRuleSet))
	if newVersion > 0 {
		if _, carried := md.confluentVersion(); askedVersion != 0 || carried {
			md = md.withConfluentVersion(newVersion)
		}
	}
	return md, rs
}

// reserveID returns the id for a schema about to be written: the id it
// already has, the one reserved by a concurrent registration of the same
// schema, or a new one. release must be called once the record is applied
// or has failed.
func (r *registry) reserveID(hash storage.ContentHash) (id int, release func()) {
	r.idMu.Lock()
	defer r.idMu.Unlock()
	if id, ok := r.view.IDForHash(hash); ok {
		return id, func() {}
	}
	if id, ok := r.pendingIDs[hash]; ok {
		return id, func() {}
	}
	r.reservedID = max(r.reservedID, r.view.MaxID()) + 1
	id = r.reservedID
	r.pendingIDs[hash] = id
	return id, func() {
		r.idMu.Lock()
		delete(r.pendingIDs, hash)
		r.idMu.Unlock()
	}
}

func nullIfEmpty(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return raw
}

// lookup finds the version of subject holding the given schema, as
// Confluent's lookUpSchemaUnderSubject does: the schema as sent, or else
// with the metadata and rules a registration of it would merge in.
func (r *registry) lookup(subject string, in *schemaInput, normalize, withDeleted bool) (storage.Version, *Error) {
	normalize = normalize || r.normalizeByDefault(subject)
	if !r.view.SubjectExists(subject, withDeleted) {
		return storage.Version{}, errSubjectNotFound(subject)
	}
	text, apiErr := r.identify(subject, in, normalize)
	if apiErr != nil {
		return storage.Version{}, apiErr
	}
	if ver, ok := r.findVersion(subject, newSoughtSchema(in, text), withDeleted, nil); ok {
		return ver, nil
	}
	if latest, ok := r.view.LatestVersion(subject); ok {
		merged := *in
		md, rs := mergeContracts(r.effectiveConfig(subject), in, &latest, 0, 0)
		merged.Metadata, merged.RuleSet = md.bytes(), rs.bytes()
		if !bytes.Equal(merged.Metadata, in.Metadata) || !bytes.Equal(merged.RuleSet, in.RuleSet) {
			if ver, ok := r.findVersion(subject, newSoughtSchema(&merged, text), withDeleted, nil); ok {
				return ver, nil
			}
		}
	}
	if normalize {
		parsed, apiErr := r.parse(subject, in, true, false)
		if apiErr != nil {
			return storage.Version{}, apiErr
		}
		// Versions registered without normalization match when their
		// normalized form is the same.
		for _, ver := range r.view.Versions(subject, withDeleted) {
			s, err := r.schemaFor(ver, true)
			if err == nil && s.Canonical() == parsed.schema.Canonical() && s.Type() == parsed.schema.Type() {
				return ver, nil
			}
		}
	}
	return storage.Version{}, errSchemaNotFound()
}

// latestWithMetadata returns the newest version of subject whose metadata
// has every wanted property. A version without metadata never matches,
// even when nothing is wanted.
func (r *registry) latestWithMetadata(subject string, wanted map[string]string, withDeleted bool) (storage.Version, bool) {
	if !r.view.HasContracts(subject) {
		// Without metadata or rule sets, canLookup accepts only the same
		// content, which findVersion's hash lookup already sought.
		return storage.Version{}, false
	}
	versions := r.view.Versions(subject, withDeleted)
	for i := len(versions) - 1; i >= 0; i-- {
		md := readStoredMetadata(versions[i].Metadata)
		if md != nil && hasProperties(md.Properties, wanted) {
			return versions[i], true
		}
	}
	return storage.Version{}, false
}

func hasProperties(properties, wanted map[string]string) bool {
	for k, v := range wanted {
		if got, ok := properties[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// deleteVersion soft- or permanently deletes one version; asked names it
// as the client did, for messages.
func (r *registry) deleteVersion(ctx context.Context, subject string, version int, asked string, permanent bool) (int, *Error) {
	if apiErr := r.checkWritable(subject); apiErr != nil {
		return 0, apiErr
	}
	unlock := r.lockSubject(subject)
	defer unlock()
	ver, apiErr := r.resolveVersion(subject, version, true)
	if apiErr != nil {
		return 0, apiErr
	}
	if !permanent && ver.Deleted {
		return 0, errVersionSoftDeleted(subject, asked)
	}
	if len(r.view.ReferencedBy(subject, ver.Version, permanent)) > 0 {
		return 0, errReferenceExists(subject, ver.Version)
	}
	key := storage.Key{Type: storage.KeySchema, Subject: subject, Version: ver.Version}
	if !permanent {
		value := storageValue(ver)
		value.Deleted = true
		return ver.Version, r.writeValue(ctx, key, value)
	}
	if !ver.Deleted {
		return 0, errVersionNotSoftDeleted(subject, ver.Version)
	}
	recs := []storage.Record{{Key: key.Bytes()}}
	if len(r.view.Versions(subject, true)) == 1 {
		// The subject's last version goes: its config and mode go too.
		recs = append(recs, r.subjectSettingTombstones(subject)...)
	}
	return ver.Version, r.write(ctx, recs...)
}

func (r *registry) subjectSettingTombstones(subject string) []storage.Record {
	var recs []storage.Record
	if _, ok := r.view.Mode(subject); ok {
		recs = append(recs, storage.Record{Key: storage.Key{Type: storage.KeyMode, Subject: subject}.Bytes()})
	}
	if _, ok := r.view.Config(subject); ok {
		recs = append(recs, storage.Record{Key: storage.Key{Type: storage.KeyConfig, Subject: subject}.Bytes()})
	}
	return recs
}

func storageValue(ver storage.Version) *storage.SchemaValue {
	v := &storage.SchemaValue{
		Subject: ver.Subject, Version: ver.Version, ID: ver.ID, References: ver.References,
		Metadata: ver.Metadata, RuleSet: ver.RuleSet, Schema: ver.Schema, Deleted: ver.Deleted,
	}
	if ver.Type != formats.TypeAvro {
		v.SchemaType = ver.Type
	}
	return v
}

// resolveVersion finds a version of subject; -1 is the latest live one.
func (r *registry) resolveVersion(subject string, version int, withDeleted bool) (storage.Version, *Error) {
	if version == -1 {
		if !withDeleted {
			if latest, ok := r.view.LatestVersion(subject); ok {
				return latest, nil
			}
			return storage.Version{}, errSubjectNotFound(subject)
		}
		version = r.view.MaxVersion(subject)
	}
	ver, ok := r.view.Version(subject, version)
	if !ok || (ver.Deleted && !withDeleted) {
		if !r.view.SubjectExists(subject, withDeleted) {
			return storage.Version{}, errSubjectNotFound(subject)
		}
		return storage.Version{}, errVersionNotFound(version)
	}
	return ver, nil
}

// deleteSubject soft- or permanently deletes every version of subject.
func (r *registry) deleteSubject(ctx context.Context, subject string, permanent bool) ([]int, *Error) {
	if !r.view.SubjectExists(subject, true) {
		return nil, errSubjectNotFound(subject)
	}
	if !permanent && !r.view.SubjectExists(subject, false) {
		return nil, errSubjectSoftDeleted(subject)
	}
	if apiErr := r.checkWritable(subject); apiErr != nil {
		return nil, apiErr
	}
	unlock := r.lockSubject(subject)
	defer unlock()
	versions := r.view.Versions(subject, permanent)
	deleted := make([]int, 0, len(versions))
	for _, v := range versions {
		// References from within the subject go with it.
		if len(r.view.ReferencingSubjects(subject, v.Version, permanent)) > 0 {
			return nil, errReferenceExists(subject, v.Version)
		}
		if permanent && !v.Deleted {
			return nil, errSubjectNotSoftDeleted(subject)
		}
		deleted = append(deleted, v.Version)
	}
	if len(deleted) == 0 {
		return nil, errSubjectNotFound(subject)
	}
	if !permanent {
		value := storage.DeleteSubjectValue{Subject: subject, Version: deleted[len(deleted)-1]}
		return deleted, r.writeValue(ctx, storage.Key{Type: storage.KeyDeleteSubject, Subject: subject}, value)
	}
	recs := make([]storage.Record, 0, len(deleted)+2)
	// Newest first, so that references within the subject never dangle.
	for i := len(deleted) - 1; i >= 0; i-- {
		recs = append(recs, storage.Record{Key: storage.Key{Type: storage.KeySchema, Subject: subject, Version: deleted[i]}.Bytes()})
	}
	recs = append(recs, r.subjectSettingTombstones(subject)...)
	return deleted, r.write(ctx, recs...)
}

// setConfig changes the subject's (or the global) config: update sets or
// clears the settings a request names, the others keep their values, as
// Confluent's ConfigValue.update does. It returns the config as stored.
func (r *registry) setConfig(ctx context.Context, subject string, update func(*storage.ConfigValue)) (storage.ConfigValue, *Error) {
	if subject != "" {
		if apiErr := r.checkWritable(subject); apiErr != nil {
			return storage.ConfigValue{}, apiErr
		}
	}
	unlock := r.lockSubject(subject)
	defer unlock()
	changed, _ := r.view.Config(subject)
	update(&changed)
	changed.Subject = subject
	return changed, r.writeValue(ctx, storage.Key{Type: storage.KeyConfig, Subject: subject}, changed)
}

func (r *registry) deleteConfig(ctx context.Context, subject string) (storage.ConfigValue, *Error) {
	if subject != "" {
		if apiErr := r.checkWritable(subject); apiErr != nil {
			return storage.ConfigValue{}, apiErr
		}
	}
	unlock := r.lockSubject(subject)
	defer unlock()
	old, ok := r.view.Config(subject)
	if !ok {
		if subject != "" {
			return old, errSubjectNotFound(subject)
		}
		return r.effectiveConfig(""), nil
	}
	return old, r.writeValue(ctx, storage.Key{Type: storage.KeyConfig, Subject: subject}, nil)
}

// setMode changes the subject's (or the global) mode. Entering IMPORT
// requires that no live subject would be affected unless forced; the
// soft-deleted versions left are then removed for good, as Confluent does.
func (r *registry) setMode(ctx context.Context, subject, mode string, force bool) *Error {
	unlock := r.lockSubject(subject)
	defer unlock()
	var recs []storage.Record
	if mode == modeImport && r.effectiveMode(subject) != modeImport && !force {
		affected := []string{subject}
		if subject == "" {
			affected = r.view.Subjects("", storage.LiveAndDeleted)
		}
		for _, s := range affected {
			if r.view.SubjectExists(s, false) {
				return errOperationNotPermitted("Cannot import since found existing subjects")
			}
		}
		for _, s := range affected {
			for _, v := range r.view.Versions(s, true) {
				if len(r.view.ReferencedBy(s, v.Version, true)) > 0 {
					return errReferenceExists(s, v.Version)
				}
				recs = append(recs, storage.Record{Key: storage.Key{Type: storage.KeySchema, Subject: s, Version: v.Version}.Bytes()})
			}
		}
		clear, apiErr := record(storage.Key{Type: storage.KeyClearSubject, Subject: subject}, storage.ClearSubjectValue{Subject: subject})
		if apiErr != nil {
			return apiErr
		}
		recs = append(recs, clear)
	}
	rec, apiErr := record(storage.Key{Type: storage.KeyMode, Subject: subject}, storage.ModeValue{Subject: subject, Mode: mode})
	if apiErr != nil {
		return apiErr
	}
	return r.write(ctx, append(recs, rec)...)
}

// clearMode removes subject's mode (the global one for ""), whether or not
// one is set, as a PUT of a null mode does in Confluent.
func (r *registry) clearMode(ctx context.Context, subject string) *Error {
	unlock := r.lockSubject(subject)
	defer unlock()
	return r.writeValue(ctx, storage.Key{Type: storage.KeyMode, Subject: subject}, nil)
}

func (r *registry) deleteMode(ctx context.Context, subject string) (string, *Error) {
	unlock := r.lockSubject(subject)
	defer unlock()
	old, ok := r.view.Mode(subject)
	if !ok {
		return "", errSubjectNotFound(subject)
	}
	return old, r.writeValue(ctx, storage.Key{Type: storage.KeyMode, Subject: subject}, nil)
}
