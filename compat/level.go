// Package compat decides whether a new schema may follow the earlier
// versions of a subject, at Confluent's compatibility levels.
package compat

import "strings"

// Level is a compatibility level as named in Confluent's API.
type Level string

// The compatibility levels.
const (
	None               Level = "NONE"
	Backward           Level = "BACKWARD"
	BackwardTransitive Level = "BACKWARD_TRANSITIVE"
	Forward            Level = "FORWARD"
	ForwardTransitive  Level = "FORWARD_TRANSITIVE"
	Full               Level = "FULL"
	FullTransitive     Level = "FULL_TRANSITIVE"
)

// ParseLevel returns the level named by s, ignoring case, and whether s
// names one.
func ParseLevel(s string) (Level, bool) {
	switch l := Level(strings.ToUpper(s)); l {
	case None, Backward, BackwardTransitive, Forward, ForwardTransitive, Full, FullTransitive:
		return l, true
	}
	return "", false
}

// Transitive reports whether the level checks every earlier version rather
// than only the latest.
func (l Level) Transitive() bool { return strings.HasSuffix(string(l), "_TRANSITIVE") }
