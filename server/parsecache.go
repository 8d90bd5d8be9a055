package server

import (
	"crypto/sha256"
	"strconv"
	"sync"

	"github.com/goschemaregistry/registry/formats"
	"github.com/goschemaregistry/registry/storage"
)

// parseKey identifies a parse: the format, the text, the dependencies it
// resolves against, whether it is normalized and whether it is parsed as a
// stored schema.
type parseKey [sha256.Size]byte

func newParseKey(schemaType, text string, deps []formats.Dependency, normalize, stored bool) parseKey {
	h := sha256.New()
	write := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	write(schemaType)
	write(strconv.FormatBool(normalize))
	write(strconv.FormatBool(stored))
	write(text)
	for _, d := range deps {
		write(d.Name)
		write(d.Schema)
	}
	var k parseKey
	h.Sum(k[:0])
	return k
}

// boundedMap is a map that forgets arbitrary entries once the total weight
// of its values passes a limit. Parsing is deterministic, so a forgotten
// entry only costs a parse.
type boundedMap[V any] struct {
	mu      sync.RWMutex
	entries map[parseKey]V
	weight  func(V) int
	total   int
	limit   int
}

func newBoundedMap[V any](limit int, weight func(V) int) *boundedMap[V] {
	return &boundedMap[V]{entries: make(map[parseKey]V), weight: weight, limit: limit}
}

func (m *boundedMap[V]) get(k parseKey) (V, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	v, ok := m.entries[k]
	return v, ok
}

func (m *boundedMap[V]) put(k parseKey, v V) {
	w := m.weight(v)
	if w > m.limit/10 {
		// One value this large would push out a tenth of the cache.
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.entries[k]; ok {
		m.total -= m.weight(old)
	}
	// Go's map iteration order is random, which makes this random
	// eviction of just enough entries to make room.
	for key, old := range m.entries {
		if m.total+w <= m.limit {
			break
		}
		delete(m.entries, key)
		m.total -= m.weight(old)
	}
	m.entries[k] = v
	m.total += w
}

// parseCache keeps parsed schemas, so that compatibility checks do not
// parse the same stored versions again and again, and the canonical texts
// of parsed inputs, so that repeated lookups and re-registrations of the
// same schema (every producer start) cost a hash and a map look-up.
type parseCache struct {
	schemas    *boundedMap[formats.Schema]
	canonicals *boundedMap[canonicalText]
}

// canonicalText identifies a parsed schema's canonical text by its digest.
type canonicalText struct {
	schemaType string
	digest     storage.TextDigest
}

// newParseCache returns a cache holding parsed schemas whose canonical texts
// add up to at most schemaBytes (a parsed tree takes tens of times its
// text), and the canonical digests of up to canonicals inputs.
func newParseCache(schemaBytes, canonicals int) *parseCache {
	return &parseCache{
		schemas:    newBoundedMap(schemaBytes, func(s formats.Schema) int { return len(s.Canonical()) }),
		canonicals: newBoundedMap(canonicals, func(canonicalText) int { return 1 }),
	}
}

// parse parses text with format, normalized when asked, through the cache.
// stored selects the lenient parse of schemas already registered.
func (c *parseCache) parse(format formats.Format, text string, deps []formats.Dependency, normalize, stored bool) (formats.Schema, error) {
	key := newParseKey(format.Type(), text, deps, normalize, stored)
	if s, ok := c.schemas.get(key); ok {
		return s, nil
	}
	parse := format.Parse
	if stored {
		parse = format.ParseStored
	}
	s, err := parse(text, deps)
	if err != nil {
		return nil, err
	}
	if normalize {
		s = s.Normalize()
	}
	c.schemas.put(key, s)
	// The canonical text does not depend on how strictly the schema was
	// parsed, so both kinds of parse share one entry.
	c.canonicals.put(newParseKey(format.Type(), text, deps, normalize, false), canonicalText{s.Type(), storage.DigestText(s.Canonical())})
	return s, nil
}

// canonical returns the type and canonical text of a schema parsed before,
// without parsing it again.
func (c *parseCache) canonical(format formats.Format, text string, deps []formats.Dependency, normalize bool) (canonicalText, bool) {
	return c.canonicals.get(newParseKey(format.Type(), text, deps, normalize, false))
}
