package jsontree

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// textBuilder renders the tree as text that shows every node's kind, so
// tests can compare whole trees.
type textBuilder struct{}

func (textBuilder) Null() string           { return "null" }
func (textBuilder) Bool(b bool) string     { return fmt.Sprint(b) }
func (textBuilder) String(s string) string { return fmt.Sprintf("%q", s) }

func (textBuilder) Number(n Number) (string, error) {
	if n.Int == "666" {
		return "", errors.New("refused by the builder")
	}
	return fmt.Sprintf("num(%s neg=%t int=%s frac=%s exp=%s dec=%t)", n.Literal, n.Negative, n.Int, n.Frac, n.Exp, n.Decimal), nil
}

func (textBuilder) Array(items []string) string { return "[" + strings.Join(items, ",") + "]" }

func (textBuilder) Object(keys []string, items []string, index map[string]int) string {
	members := make([]string, len(keys))
	for i, k := range keys {
		members[i] = k + ":" + items[i]
		if index != nil && index[k] != i {
			return fmt.Sprintf("bad index for %s", k)
		}
	}
	return fmt.Sprintf("{%s indexed=%t}", strings.Join(members, ","), index != nil)
}

func TestParse(t *testing.T) {
	strict := Options{MaxDepth: 3}
	comments := Options{MaxDepth: 3, Comments: true}
	nonNumeric := Options{MaxDepth: 3, NonNumericNumbers: true}
	tests := []struct {
		name string
		in   string
		opts Options
		want string // the tree, or the error text when it starts with "error: "
		end  int
	}{
		{"integer", ` -12 `, strict, "num(-12 neg=true int=12 frac= exp= dec=false)", 4},
		{"decimal", `1.50e-3`, strict, "num(1.50e-3 neg=false int=1 frac=50 exp=-3 dec=true)", 7},
		{"exponent only", `0E9`, strict, "num(0E9 neg=false int=0 frac= exp=9 dec=true)", 3},
		{"string", `"a\u00e9\ud83d\ude00\/"`, strict, `"aé😀/"`, 23},
		{"lone surrogate", `"\ud800x"`, strict, `"` + "\uFFFD" + `x"`, 9},
		{"literals", `[true,false,null]`, strict, "[true,false,null]", 17},
		{"duplicate members", `{"a":1,"b":[],"a":{}}`, strict, "{a:{ indexed=false},b:[] indexed=false}", 21},
		{"empty containers", `[ {} , [ ] ]`, strict, "[{ indexed=false},[]]", 12},
		{"rest is left", `1 2`, strict, "num(1 neg=false int=1 frac= exp= dec=false)", 1},
		{"no value", " \n\t", strict, "error: no JSON value", 0},
		{"depth limit", `[[[1]]]`, strict, "[[[num(1 neg=false int=1 frac= exp= dec=false)]]]", 7},
		{"too deep", `[[[[1]]]]`, strict, "error: Invalid JSON at line 1, column 4: nesting deeper than 3 levels", 0},
		{"builder error", "[\n666]", strict, "error: Invalid JSON at line 2, column 1: refused by the builder", 0},
		{"number too long", strings.Repeat("1", 1001), strict, "error: Invalid JSON at line 1, column 1: number literal longer than 1000 characters", 0},
		{"leading zero", `01`, strict, "error: Invalid JSON at line 1, column 1: leading zeroes are not allowed in numbers", 0},
		{"bare fraction", `1.e1`, strict, "error: Invalid JSON at line 1, column 3: decimal point not followed by a digit", 0},
		{"word after number", `1x`, strict, `error: Invalid JSON at line 1, column 2: unexpected character 'x' after a number`, 0},
		{"trailing comma", `[1,]`, strict, `error: Invalid JSON at line 1, column 4: unexpected character ']'`, 0},
		{"missing colon", `{"a" 1}`, strict, `error: Invalid JSON at line 1, column 6: expected ':' after member name, found '1'`, 0},
		{"unquoted key", `{a:1}`, strict, `error: Invalid JSON at line 1, column 2: expected a member name in double quotes, found 'a'`, 0},
		{"control character", "\"a\tb\"", strict, `error: Invalid JSON at line 1, column 3: control character U+0009 in a string must be escaped`, 0},
		{"bad escape", `"\x"`, strict, `error: Invalid JSON at line 1, column 3: unrecognized escape \'x'`, 0},
		{"literal suffix", `nullx`, strict, `error: Invalid JSON at line 1, column 1: unexpected character 'n'`, 0},
		{"unterminated", `[1`, strict, `error: Invalid JSON at line 1, column 3: unexpected end of input`, 0},
		{"comment refused", `/**/1`, strict, `error: Invalid JSON at line 1, column 1: unexpected character '/'`, 0},
		{"comments", "/*x*/[1, // y\n 2]//z", comments, "[num(1 neg=false int=1 frac= exp= dec=false),num(2 neg=false int=2 frac= exp= dec=false)]", 17},
		{"only comments", "// x", comments, "error: no JSON value", 0},
		{"unterminated comment", `1 /* x`, comments, "num(1 neg=false int=1 frac= exp= dec=false)", 1},
		{"unterminated comment inside", `[1 /* x`, comments, "error: Invalid JSON at line 1, column 4: unterminated comment", 0},
		{"lone slash", `[/1]`, comments, "error: Invalid JSON at line 1, column 2: unexpected character '/'", 0},
		{"NaN refused", `NaN`, strict, `error: Invalid JSON at line 1, column 1: unexpected character 'N'`, 0},
		{"plus refused", `+1`, strict, `error: Invalid JSON at line 1, column 1: unexpected character '+'`, 0},
		{"negative infinity refused", `-Infinity`, strict, `error: Invalid JSON at line 1, column 2: expected a digit, found 'I'`, 0},
		{"non-numeric", `[NaN,Infinity,-Infinity,+INF,-INF]`, nonNumeric, `["NaN","Infinity","-Infinity","Infinity","-Infinity"]`, 34},
		{"infinity suffix", `-Infinityx`, nonNumeric, `error: Invalid JSON at line 1, column 2: expected a digit, found 'I'`, 0},
		{"plus number", `+1`, nonNumeric, `error: Invalid JSON at line 1, column 1: unexpected character '+'`, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, end, err := Parse[string](tc.in, tc.opts, textBuilder{})
			if err != nil {
				got = "error: " + err.Error()
			}
			if got != tc.want || end != tc.end {
				t.Errorf("got %s ending at %d, want %s ending at %d", got, end, tc.want, tc.end)
			}
		})
	}
}

func TestParseIndexesLargeObjects(t *testing.T) {
	var members []string
	for i := range indexedAfter + 1 {
		members = append(members, fmt.Sprintf(`"k%d":null`, i))
	}
	small := "{" + strings.Join(members[:indexedAfter], ",") + "}"
	large := "{" + strings.Join(members, ",") + `,"k0":true}`
	for _, tc := range []struct {
		in   string
		want string
	}{
		{small, "indexed=false"},
		{large, "k0:true,k1:null"},
		{large, "indexed=true"},
	} {
		got, _, err := Parse[string](tc.in, Options{MaxDepth: 1}, textBuilder{})
		if err != nil || !strings.Contains(got, tc.want) {
			t.Errorf("got %s, %v; want it to contain %s", got, err, tc.want)
		}
	}
}
