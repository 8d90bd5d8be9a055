package textdiff

import (
	"fmt"
	"strings"
	"testing"
)

func TestUnified(t *testing.T) {
	numbered := func(from, to int, change map[int]string) string {
		var b strings.Builder
		for i := from; i <= to; i++ {
			if s, ok := change[i]; ok {
				if s != "" {
					b.WriteString(s + "\n")
				}
				continue
			}
			fmt.Fprintf(&b, "line %d\n", i)
		}
		return b.String()
	}
	tests := []struct {
		name     string
		old, new string
		want     string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{
			"one line changed",
			"a\nb\nc\n", "a\nB\nc\n",
			"--- old\n+++ new\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n",
		},
		{
			"added at the end, no final newline",
			"a", "a\nb",
			"--- old\n+++ new\n@@ -1 +1,2 @@\n a\n+b\n",
		},
		{
			"from empty",
			"", "x\n",
			"--- old\n+++ new\n@@ -0,0 +1 @@\n+x\n",
		},
		{
			"to empty",
			"x\ny\n", "",
			"--- old\n+++ new\n@@ -1,2 +0,0 @@\n-x\n-y\n",
		},
		{
			"distant changes make two hunks",
			numbered(1, 20, nil), numbered(1, 20, map[int]string{2: "two", 18: ""}),
			"--- old\n+++ new\n" +
				"@@ -1,5 +1,5 @@\n line 1\n-line 2\n+two\n line 3\n line 4\n line 5\n" +
				"@@ -15,6 +15,5 @@\n line 15\n line 16\n line 17\n-line 18\n line 19\n line 20\n",
		},
		{
			"near changes share a hunk",
			numbered(1, 10, nil), numbered(1, 10, map[int]string{3: "three", 8: "eight"}),
			"--- old\n+++ new\n@@ -1,10 +1,10 @@\n line 1\n line 2\n-line 3\n+three\n line 4\n line 5\n" +
				" line 6\n line 7\n-line 8\n+eight\n line 9\n line 10\n",
		},
		{
			"inserted in the middle keeps the common lines",
			"a\nb\nc\nd\n", "a\nx\nb\nc\ny\nd\n",
			"--- old\n+++ new\n@@ -1,4 +1,6 @@\n a\n+x\n b\n c\n+y\n d\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Unified("old", "new", tc.old, tc.new, 3); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestUnifiedLargeFallsBack checks that texts too large for the table are
// still diffed, as one replaced block between the common ends.
func TestUnifiedLargeFallsBack(t *testing.T) {
	var a, b strings.Builder
	a.WriteString("head\n")
	b.WriteString("head\n")
	for i := range 2100 {
		fmt.Fprintf(&a, "a%d\n", i)
		fmt.Fprintf(&b, "b%d\n", i)
	}
	got := Unified("old", "new", a.String(), b.String(), 1)
	if !strings.HasPrefix(got, "--- old\n+++ new\n@@ -1,2101 +1,2101 @@\n head\n-a0\n") ||
		!strings.Contains(got, "-a2099\n+b0\n") || !strings.HasSuffix(got, "+b2099\n") {
		t.Errorf("unexpected diff:\n%.300s...", got)
	}
}
