package compat

import (
	"slices"
	"unicode/utf16"
)

// Confluent walks the message names of a schema level in the iteration
// order of a Java HashSet, so its reasons come in that order. This file
// reproduces java.util.HashMap's ordering for string keys: entries iterate
// by bucket, and within a bucket in the order they were added, since a
// resize splits each bucket keeping that order. The one departure is a
// bucket of more than eight keys in a table of 64 or more, which Java turns
// into a tree ordered otherwise; that takes dozens of message names whose
// hashes collide.

// javaHashSetOrder returns the names in the order Confluent's SchemaDiff
// iterates them: each list fills a new HashMap in its order, a HashSet is
// made from the first map's keys and the second map's keys are added to it.
func javaHashSetOrder(first, second []string) []string {
	firstKeys := newJavaHashMap(javaDefaultCapacity)
	firstKeys.addAll(first)
	secondKeys := newJavaHashMap(javaDefaultCapacity)
	secondKeys.addAll(second)
	// new HashSet<>(collection) sizes its map for the collection.
	set := newJavaHashMap(max(int(float32(len(first))/javaLoadFactor)+1, javaDefaultCapacity))
	set.addAll(firstKeys.keys())
	set.addAll(secondKeys.keys())
	return set.keys()
}

// Constants of java.util.HashMap.
const (
	javaDefaultCapacity = 16
	javaLoadFactor      = 0.75
	// javaTreeifyAt is the length at which a bucket that grows further is
	// turned into a tree, or the table doubled while under javaMinTreeTable.
	javaTreeifyAt    = 8
	javaMinTreeTable = 64
	javaMaxCapacity  = 1 << 30
)

// javaHashMap tracks what decides the iteration order of a Java HashMap
// with string keys: its table size and the order the keys were added in.
type javaHashMap struct {
	capacity int
	added    []string
	hashes   map[string]uint32
	// bucketLengths counts the keys in each bucket of the current table.
	bucketLengths []int
}

// newJavaHashMap returns an empty map as new HashMap<>(initialCapacity)
// makes it.
func newJavaHashMap(initialCapacity int) *javaHashMap {
	capacity := 1
	for capacity < initialCapacity && capacity < javaMaxCapacity {
		capacity <<= 1
	}
	return &javaHashMap{capacity: capacity, hashes: make(map[string]uint32), bucketLengths: make([]int, capacity)}
}

// addAll adds the keys one by one, as HashSet.add does.
func (m *javaHashMap) addAll(keys []string) {
	for _, key := range keys {
		if _, ok := m.hashes[key]; ok {
			continue
		}
		hash := javaSpreadHash(key)
		m.hashes[key] = hash
		m.added = append(m.added, key)
		bucket := int(hash) & (m.capacity - 1)
		m.bucketLengths[bucket]++
		if m.bucketLengths[bucket] > javaTreeifyAt && m.capacity < javaMinTreeTable {
			m.resize()
		}
		if len(m.added) > m.capacity/4*3 {
			m.resize()
		}
	}
}

// resize doubles the table.
func (m *javaHashMap) resize() {
	if m.capacity >= javaMaxCapacity {
		return
	}
	m.capacity <<= 1
	m.bucketLengths = make([]int, m.capacity)
	for _, key := range m.added {
		m.bucketLengths[int(m.hashes[key])&(m.capacity-1)]++
	}
}

// keys returns the keys in iteration order.
func (m *javaHashMap) keys() []string {
	keys := slices.Clone(m.added)
	slices.SortStableFunc(keys, func(a, b string) int {
		return int(m.hashes[a]&uint32(m.capacity-1)) - int(m.hashes[b]&uint32(m.capacity-1))
	})
	return keys
}

// javaSpreadHash is Java's String.hashCode, over UTF-16 code units, mixed
// as HashMap.hash mixes it before taking the bucket from its low bits.
func javaSpreadHash(s string) uint32 {
	var h uint32
	for _, r := range s {
		if r >= 0x10000 {
			high, low := utf16.EncodeRune(r)
			h = 31*(31*h+uint32(high)) + uint32(low)
			continue
		}
		h = 31*h + uint32(r)
	}
	return h ^ h>>16
}
