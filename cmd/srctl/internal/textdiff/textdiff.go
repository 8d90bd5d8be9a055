// Package textdiff compares two texts line by line and writes their
// differences in the unified format of diff -u.
package textdiff

import (
	"fmt"
	"strings"
)

// maxTable bounds the cells of the longest-common-subsequence table; texts
// whose differing middles are larger are shown as one replaced block.
const maxTable = 4 << 20

// op is one line of an edit script.
type op struct {
	kind byte // ' ' kept, '-' removed, '+' added
	line string
}

// Unified returns the differences between oldText and newText in unified
// format, with the given lines of context around each change and the two
// names in the header. It returns "" when the texts are equal. A missing
// final newline is not reported: the texts compared are formatted schemas.
func Unified(oldName, newName, oldText, newText string, context int) string {
	if oldText == newText {
		return ""
	}
	ops := diff(lines(oldText), lines(newText))
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s\n+++ %s\n", oldName, newName)
	for _, h := range hunks(ops, context) {
		writeHunk(&b, ops, h)
	}
	return b.String()
}

// lines splits text into lines; a final newline does not start a line.
func lines(text string) []string {
	if text == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}

// diff returns an edit script turning a into b that keeps a longest common
// subsequence of their lines.
func diff(a, b []string) []op {
	prefix := 0
	for prefix < len(a) && prefix < len(b) && a[prefix] == b[prefix] {
		prefix++
	}
	suffix := 0
	for suffix < len(a)-prefix && suffix < len(b)-prefix && a[len(a)-1-suffix] == b[len(b)-1-suffix] {
		suffix++
	}
	ops := make([]op, 0, len(a)+len(b))
	for _, l := range a[:prefix] {
		ops = append(ops, op{' ', l})
	}
	ops = append(ops, middle(a[prefix:len(a)-suffix], b[prefix:len(b)-suffix])...)
	for _, l := range a[len(a)-suffix:] {
		ops = append(ops, op{' ', l})
	}
	return ops
}

// middle diffs the parts of two texts between their common prefix and
// suffix with the classic dynamic programme.
func middle(a, b []string) []op {
	var ops []op
	if len(a)*len(b) > maxTable {
		for _, l := range a {
			ops = append(ops, op{'-', l})
		}
		for _, l := range b {
			ops = append(ops, op{'+', l})
		}
		return ops
	}
	// common[i][j] is the length of the longest common subsequence of
	// a[i:] and b[j:].
	width := len(b) + 1
	common := make([]int, (len(a)+1)*width)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				common[i*width+j] = common[(i+1)*width+j+1] + 1
			} else {
				common[i*width+j] = max(common[(i+1)*width+j], common[i*width+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			ops = append(ops, op{' ', a[i]})
			i, j = i+1, j+1
		case common[(i+1)*width+j] >= common[i*width+j+1]:
			ops = append(ops, op{'-', a[i]})
			i++
		default:
			ops = append(ops, op{'+', b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		ops = append(ops, op{'-', a[i]})
	}
	for ; j < len(b); j++ {
		ops = append(ops, op{'+', b[j]})
	}
	return ops
}

// span is a hunk: the edit script's ops[start:end].
type span struct{ start, end int }

// hunks groups the changes of ops with context lines around them; changes
// whose contexts touch or overlap share a hunk.
func hunks(ops []op, context int) []span {
	var out []span
	for i, o := range ops {
		if o.kind == ' ' {
			continue
		}
		start, end := max(0, i-context), min(len(ops), i+1+context)
		if n := len(out); n > 0 && start <= out[n-1].end {
			out[n-1].end = end
		} else {
			out = append(out, span{start, end})
		}
	}
	return out
}

// writeHunk writes one hunk with its @@ header, numbering lines as diff -u.
func writeHunk(b *strings.Builder, ops []op, h span) {
	oldStart, newStart := 1, 1
	for _, o := range ops[:h.start] {
		if o.kind != '+' {
			oldStart++
		}
		if o.kind != '-' {
			newStart++
		}
	}
	oldLen, newLen := 0, 0
	for _, o := range ops[h.start:h.end] {
		if o.kind != '+' {
			oldLen++
		}
		if o.kind != '-' {
			newLen++
		}
	}
	fmt.Fprintf(b, "@@ -%s +%s @@\n", rangeOf(oldStart, oldLen), rangeOf(newStart, newLen))
	for _, o := range ops[h.start:h.end] {
		b.WriteByte(o.kind)
		b.WriteString(o.line)
		b.WriteByte('\n')
	}
}

// rangeOf writes a hunk's line range as diff does: an empty range names
// the line before it, and a length of one is left out.
func rangeOf(start, length int) string {
	switch length {
	case 0:
		return fmt.Sprintf("%d,0", start-1)
	case 1:
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, length)
}
