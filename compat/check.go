package compat

import (
	"fmt"
	"unicode/utf16"

	"github.com/goschemaregistry/registry/formats"
)

// Previous is an earlier version of the subject.
type Previous struct {
	// Version is the subject version the schema was registered as; 0 when it
	// has none, and then the messages do not mention it.
	Version int
	Schema  formats.Schema
}

// Roles naming the two schemas of a check in its messages.
const (
	roleNew = "new"
	roleOld = "old"
)

// Messages Confluent adds to the reasons of an incompatibility.
const (
	differentTypeMessage = "Incompatible because of different schema type"
	// maxOldSchemaLength is the longest old schema text quoted whole, counted
	// in UTF-16 code units like Java's String.length.
	maxOldSchemaLength = 10 * 1024
)

// direction says which of the new and old schemas must read the other.
type direction int

const (
	newReadsOld  direction = iota // BACKWARD: consumers upgrade first
	oldReadsNew                   // FORWARD: producers upgrade first
	bothReadEach                  // FULL
)

// directions gives the direction each checking level requires.
var directions = map[Level]direction{
	Backward:           newReadsOld,
	BackwardTransitive: newReadsOld,
	Forward:            oldReadsNew,
	ForwardTransitive:  oldReadsNew,
	Full:               bothReadEach,
	FullTransitive:     bothReadEach,
}

// Check reports whether newSchema may follow the previous versions (oldest
// first) at level. It returns nil when compatible, otherwise the messages
// Confluent puts in its verbose compatibility answer and in its 409 error.
//
// Like Confluent, a non-transitive level checks only the last of previous; a
// transitive level checks them newest first and reports only the first
// version found incompatible. NONE, and a string that names no level, check
// nothing. newSchema and every previous schema must be non-nil.
func Check(level Level, newSchema formats.Schema, previous []Previous) []string {
	dir, ok := directions[level]
	if !ok || len(previous) == 0 {
		return nil
	}
	if !level.Transitive() {
		previous = previous[len(previous)-1:]
	}
	var messages []string
	for i := len(previous) - 1; i >= 0 && len(messages) == 0; i-- {
		messages = checkVersion(dir, newSchema, previous[i])
	}
	if len(messages) == 0 {
		return nil
	}
	// The field validation option is not supported, so it is always off.
	return append(messages, fmt.Sprintf("{validateFields: '%t', compatibility: '%s'}", false, level))
}

// checkVersion lists the reasons why newSchema cannot follow old in dir.
func checkVersion(dir direction, newSchema formats.Schema, old Previous) []string {
	if newSchema.Type() != old.Schema.Type() {
		return []string{differentTypeMessage}
	}
	checker, ok := checkers[newSchema.Type()]
	if !ok {
		return []string{fmt.Sprintf("No compatibility rules for schema type %s", newSchema.Type())}
	}
	switch dir {
	case newReadsOld:
		return report(checker.Incompatibilities(newSchema, old.Schema), roleNew, roleOld, &old)
	case oldReadsNew:
		return report(checker.Incompatibilities(old.Schema, newSchema), roleOld, roleNew, &old)
	default:
		// Confluent quotes the old schema only after the reasons why the new
		// schema cannot read it, not after those of the other direction.
		forward := report(checker.Incompatibilities(old.Schema, newSchema), roleOld, roleNew, nil)
		return append(forward, report(checker.Incompatibilities(newSchema, old.Schema), roleNew, roleOld, &old)...)
	}
}

// report words found with the given roles and, when quoted is not nil and
// something was found, adds the version and text of the old schema.
func report(found []Incompatibility, readerRole, writerRole string, quoted *Previous) []string {
	if len(found) == 0 {
		return nil
	}
	messages := make([]string, 0, len(found)+2)
	for _, reason := range found {
		messages = append(messages, reason.Message(readerRole, writerRole))
	}
	if quoted == nil {
		return messages
	}
	if quoted.Version > 0 {
		messages = append(messages, fmt.Sprintf("{oldSchemaVersion: %d}", quoted.Version))
	}
	text := quoted.Schema.Canonical()
	if prefix, whole := javaPrefix(text, maxOldSchemaLength); whole {
		messages = append(messages, "{oldSchema: '"+text+"'}")
	} else {
		messages = append(messages, "{oldSchema: <truncated> '"+prefix+"...'}")
	}
	return messages
}

// javaPrefix returns the longest prefix of s at most limit UTF-16 code units
// long, the unit of Java's String.length and substring, and whether that is
// all of s. A character that would be cut in half is left out.
func javaPrefix(s string, limit int) (string, bool) {
	units := 0
	for i, r := range s {
		units += utf16.RuneLen(r)
		if units > limit {
			return s[:i], false
		}
	}
	return s, true
}
