package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
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

func (r *registry) compatLevel(subject string) compat.Level {
	c := r.effectiveConfig(subject)
	if l, ok := compat.ParseLevel(c.CompatibilityLevel); ok {
		return l
	}
	if subject != "" {
		// A subject config without a level (only other settings) leaves
		// the level to the global config.
		return r.compatLevel("")
	}
	return r.defaultCompat
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

// parsedInput is a client's schema after parsing.
type parsedInput struct {
	schema formats.Schema
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
	deps, apiErr := r.resolveReferences(in.References, invalid)
	if apiErr != nil {
		return parsedInput{}, apiErr
	}
	s, err := r.parsed.parse(format, in.Schema, deps, normalize, !strict)
	if err != nil {
		return parsedInput{}, invalid(err.Error())
	}
	return parsedInput{
		schema: s,
		hash:   storage.HashContent(s.Type(), s.Canonical(), in.References, in.Metadata, in.RuleSet),
	}, nil
}

// identify returns the content hash of a client's schema, parsing it only
// when the same text was not parsed before.
func (r *registry) identify(subject string, in *schemaInput, normalize bool) (storage.ContentHash, *Error) {
	if format := r.formats[in.schemaType()]; format != nil {
		deps, apiErr := r.resolveReferences(in.References, errInvalidSchema)
		if apiErr == nil {
			if c, ok := r.parsed.canonical(format, in.Schema, deps, normalize); ok {
				return storage.HashDigestedContent(c.schemaType, c.digest, in.References, in.Metadata, in.RuleSet), nil
			}
		}
	}
	parsed, apiErr := r.parse(subject, in, normalize, false)
	return parsed.hash, apiErr
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
			vs := r.view.Versions(ref.Subject, false)
			if len(vs) > 0 {
				ver, ok = vs[len(vs)-1], true
			}
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

// registered returns the id of the schema when subject already holds it,
// so that registering it again changes nothing. As in Confluent, this is
// answered before the mode is checked, and by followers without asking the
// leader: producers that auto-register keep working against a read-only
// registry or while no leader is known.
func (r *registry) registered(subject string, req *registerRequest, normalize bool) (int, bool) {
	normalize = normalize || r.normalizeByDefault(subject)
	if req.Version != nil && *req.Version != 0 && *req.Version != -1 || strings.TrimSpace(req.Schema) == "" {
		return 0, false
	}
	hash, apiErr := r.identify(subject, &req.schemaInput, normalize)
	if apiErr != nil {
		return 0, false
	}
	ver, ok := r.view.FindInSubject(subject, hash, false)
	if !ok || req.ID != nil && *req.ID >= 0 && *req.ID != ver.ID {
		return 0, false
	}
	return ver.ID, true
}

// register registers a schema under subject, or finds the version that
// already holds it, and returns the schema's id.
func (r *registry) register(ctx context.Context, subject string, req *registerRequest, normalize bool) (int, *Error) {
	normalize = normalize || r.normalizeByDefault(subject)
	requestedVersion := 0
	if req.Version != nil {
		requestedVersion = *req.Version
	}
	importing := req.ID != nil && *req.ID >= 0
	if id, ok := r.registered(subject, req, normalize); ok {
		return id, nil
	}
	if apiErr := r.checkWritable(subject); apiErr != nil {
		return 0, apiErr
	}
	mode := r.effectiveMode(subject)
	if importing && mode != modeImport {
		return 0, errOperationNotPermitted("Subject %s is not in import mode", subject)
	}
	if !importing && mode != modeReadWrite {
		return 0, errOperationNotPermitted("Subject %s is not in read-write mode", subject)
	}

	unlock := r.lockSubject(subject)
	defer unlock()

	// The next version follows the highest ever given, soft-deleted
	// versions included, so version numbers are never reused.
	newVersion := r.view.MaxVersion(subject) + 1
	if strings.TrimSpace(req.Schema) == "" {
		latest, ok := r.view.LatestVersion(subject)
		if !ok || mode == modeImport {
			return 0, errInvalidSchema("Empty schema")
		}
		// Confluent reuses the latest schema when only metadata or rules
		// change.
		req.Schema, req.SchemaType, req.References = latest.Schema, latest.Type, latest.References
	}
	parsed, apiErr := r.parse(subject, &req.schemaInput, normalize, !importing)
	if apiErr != nil {
		return 0, apiErr
	}
	if requestedVersion <= 0 {
		if ver, ok := r.view.FindInSubject(subject, parsed.hash, false); ok && (!importing || *req.ID == ver.ID) {
			return ver.ID, nil
		}
	}

	if mode != modeImport {
		if msgs := r.checkCompatibility(subject, parsed.schema, r.previousVersions(subject), normalize); len(msgs) > 0 {
			return 0, errIncompatible(subject, msgs)
		}
	}

	version := newVersion
	if requestedVersion > 0 {
		if mode != modeImport && requestedVersion != newVersion {
			return 0, errInvalidSchema("Version is not one more than previous version")
		}
		version = requestedVersion
	}

	var id int
	if importing {
		id = *req.ID
		if existing, ok := r.view.SchemaByID(id); ok && existing.Hash != parsed.hash {
			return 0, errOperationNotPermitted("Overwrite new schema with id %d is not permitted.", id)
		}
		// The log keeps a version to one schema until it is deleted for
		// good (see storage.View), so an import cannot replace it.
		if taken, ok := r.view.Version(subject, version); ok && taken.ID != id {
			return 0, errOperationNotPermitted("Overwrite of version %d of subject %s with another schema is not permitted.", version, subject)
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
		return 0, apiErr
	}
	if apiErr := r.write(ctx, append(recs, rec)...); apiErr != nil {
		return 0, apiErr
	}
	if ver, ok := r.view.Version(subject, version); !ok || ver.ID != id {
		// The view refused the record (an id taken by another schema
		// in the log): the registration did not take effect.
		return 0, errStore("Error while registering the schema: the log refused the record")
	}
	return id, nil
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

// lookup finds the version of subject holding the given schema.
func (r *registry) lookup(subject string, in *schemaInput, normalize, withDeleted bool) (storage.Version, *Error) {
	normalize = normalize || r.normalizeByDefault(subject)
	if !r.view.SubjectExists(subject, withDeleted) {
		return storage.Version{}, errSubjectNotFound(subject)
	}
	hash, apiErr := r.identify(subject, in, normalize)
	if apiErr != nil {
		return storage.Version{}, apiErr
	}
	if ver, ok := r.view.FindInSubject(subject, hash, withDeleted); ok {
		return ver, nil
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

// setConfig merges update into the subject's (or the global) config.
func (r *registry) setConfig(ctx context.Context, subject string, update storage.ConfigValue) *Error {
	if subject != "" {
		if apiErr := r.checkWritable(subject); apiErr != nil {
			return apiErr
		}
	}
	unlock := r.lockSubject(subject)
	defer unlock()
	merged, _ := r.view.Config(subject)
	mergeConfig(&merged, update)
	merged.Subject = subject
	return r.writeValue(ctx, storage.Key{Type: storage.KeyConfig, Subject: subject}, merged)
}

// mergeConfig overwrites the fields of dst that update sets, as Confluent's
// ConfigValue.update does.
func mergeConfig(dst *storage.ConfigValue, update storage.ConfigValue) {
	for _, f := range []struct{ dst, src *string }{
		{&dst.Alias, &update.Alias},
		{&dst.AliasForDeks, &update.AliasForDeks},
		{&dst.CompatibilityLevel, &update.CompatibilityLevel},
		{&dst.CompatibilityPolicy, &update.CompatibilityPolicy},
		{&dst.CompatibilityGroup, &update.CompatibilityGroup},
	} {
		if *f.src != "" {
			*f.dst = *f.src
		}
	}
	for _, f := range []struct{ dst, src **bool }{
		{&dst.Normalize, &update.Normalize},
		{&dst.ValidateFields, &update.ValidateFields},
		{&dst.ValidateNewSchemas, &update.ValidateNewSchemas},
		{&dst.ValidateRules, &update.ValidateRules},
	} {
		if *f.src != nil {
			*f.dst = *f.src
		}
	}
	for _, f := range []struct{ dst, src *json.RawMessage }{
		{&dst.DefaultMetadata, &update.DefaultMetadata},
		{&dst.OverrideMetadata, &update.OverrideMetadata},
		{&dst.DefaultRuleSet, &update.DefaultRuleSet},
		{&dst.OverrideRuleSet, &update.OverrideRuleSet},
	} {
		if len(nullIfEmpty(*f.src)) > 0 {
			*f.dst = *f.src
		}
	}
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

func (r *registry) deleteMode(ctx context.Context, subject string) (string, *Error) {
	unlock := r.lockSubject(subject)
	defer unlock()
	old, ok := r.view.Mode(subject)
	if !ok {
		return "", errSubjectNotFound(subject)
	}
	return old, r.writeValue(ctx, storage.Key{Type: storage.KeyMode, Subject: subject}, nil)
}
