package avro

import (
	"math"
	"testing"
)

// TestJavaDouble checks Double.toString's layout; the expected strings are
// what Java 21 prints.
func TestJavaDouble(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{1, "1.0"},
		{-1.5, "-1.5"},
		{100, "100.0"},
		{0.001, "0.001"},
		{0.0001, "1.0E-4"},
		{1234567, "1234567.0"},
		{9999999.999, "9999999.999"},
		{1e7, "1.0E7"},
		{12345678.9, "1.23456789E7"},
		{1e21, "1.0E21"},
		{1e-300, "1.0E-300"},
		{0.1, "0.1"},
		{1.0 / 3, "0.3333333333333333"},
		{math.MaxFloat64, "1.7976931348623157E308"},
		{5e-324, "4.9E-324"},
		{math.NaN(), "NaN"},
		{math.Inf(-1), "-Infinity"},
	}
	for _, tc := range tests {
		if got := javaDouble(tc.in); got != tc.want {
			t.Errorf("javaDouble(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestJavaFloat(t *testing.T) {
	tests := []struct {
		in   float32
		want string
	}{
		{0.1, "0.1"},
		{3.14159265358979, "3.1415927"},
		{16777217, "1.6777216E7"},
		{1e-45, "1.4E-45"},
		{1, "1.0"},
	}
	for _, tc := range tests {
		if got := javaFloat(tc.in); got != tc.want {
			t.Errorf("javaFloat(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestParseJavaDouble(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1.5", 1.5, true},
		{" 1.5f ", 1.5, true},
		{"-2D", -2, true},
		{"+.5", 0.5, true},
		{"5.", 5, true},
		{"1e3", 1000, true},
		{"0x1p3", 8, true},
		{"0x1.8P1d", 3, true},
		{"Infinity", math.Inf(1), true},
		{"-Infinity", math.Inf(-1), true},
		{"1e999", math.Inf(1), true},
		{"", 0, false},
		{"abc", 0, false},
		{"inf", 0, false},
		{"nan", 0, false},
		{"1_000", 0, false},
		{"0x1", 0, false},
		{"1e", 0, false},
		{"--1", 0, false},
		{".", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseJavaDouble(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("parseJavaDouble(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	if got, ok := parseJavaDouble("-NaN"); !ok || !math.IsNaN(got) {
		t.Errorf("parseJavaDouble(-NaN) = %v, %v", got, ok)
	}
}
