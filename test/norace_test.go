//go:build !race

package test

// raceEnabled reports whether the tests run under the race detector.
const raceEnabled = false
