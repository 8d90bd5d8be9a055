//go:build race

package test

// raceEnabled reports whether the tests run under the race detector; the
// registry binary is then built with it too, so its races fail the tests.
const raceEnabled = true
