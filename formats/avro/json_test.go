package avro

import (
	"strings"
	"testing"
)

func TestParseJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // as written back; "" when parsing must fail
		kind jsonKind
	}{
		{"int", `-2147483648`, `-2147483648`, jsonInt},
		{"long", `2147483648`, `2147483648`, jsonLong},
		{"long limit", `9223372036854775807`, `9223372036854775807`, jsonLong},
		{"big integer", `9223372036854775808`, `9223372036854775808`, jsonBigInt},
		{"negative zero int", `-0`, `0`, jsonInt},
		{"double", `1.50`, `1.5`, jsonDouble},
		{"double exponent", `1E2`, `100.0`, jsonDouble},
		{"double overflow", `1e400`, `"Infinity"`, jsonDouble},
		{"string escapes", `"\u00e9\ud83d\ude00\n\/\u0007"`, `"é😀\n/\u0007"`, jsonString},
		{"lone surrogate", `"\ud800x"`, `"` + "\uFFFD" + `x"`, jsonString},
		{"duplicate members", `{"a":1,"b":2,"a":3}`, `{"a":3,"b":2}`, jsonObject},
		{"comments", "/*x*/[1, // y\n 2]", `[1,2]`, jsonArray},
		{"empty containers", `[{},[]]`, `[{},[]]`, jsonArray},
		{"trailing blanks", "true \t\n\x00", `true`, jsonBool},
		{"leading zero", `01`, "", 0},
		{"lone minus", `-`, "", 0},
		{"bare fraction", `.5`, "", 0},
		{"unfinished fraction", `1.`, "", 0},
		{"trailing comma", `[1,]`, "", 0},
		{"single quotes", `'a'`, "", 0},
		{"control character", "\"a\nb\"", "", 0},
		{"bad escape", `"\x"`, "", 0},
		{"unterminated comment", `/* x`, "", 0},
		{"literal prefix", `nul`, "", 0},
		{"literal suffix", `nullx`, "", 0},
		{"missing colon", `{"a" 1}`, "", 0},
		{"unquoted key", `{a:1}`, "", 0},
		{"two documents", `1 2`, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, _, err := parseJSON(tc.in, 10)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("parsed %q", tc.in)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			writeJSON(&b, v)
			if b.String() != tc.want || v.kind != tc.kind {
				t.Errorf("got %s (kind %d), want %s (kind %d)", b.String(), v.kind, tc.want, tc.kind)
			}
		})
	}
}

func TestParseJSONDepth(t *testing.T) {
	if _, _, err := parseJSON(strings.Repeat("[", 5)+strings.Repeat("]", 5), 5); err != nil {
		t.Errorf("depth 5 of 5: %v", err)
	}
	_, _, err := parseJSON(strings.Repeat("[", 6)+strings.Repeat("]", 6), 5)
	if err == nil || !strings.Contains(err.Error(), "line 1, column 6: nesting deeper than 5 levels") {
		t.Errorf("depth 6 of 5: %v", err)
	}
}

func TestJSONEqual(t *testing.T) {
	parse := func(s string) *jsonValue {
		v, _, err := parseJSON(s, 10)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		a, b  string
		equal bool
	}{
		{`{"a":1,"b":[true,null]}`, `{"b":[true,null],"a":1}`, true},
		{`1`, `1.0`, false},
		{`2147483648`, `2147483648`, true},
		{`[1,2]`, `[2,1]`, false},
		{`{"a":1}`, `{"a":1,"b":2}`, false},
		{`"x"`, `"x"`, true},
	}
	for _, tc := range tests {
		if got := jsonEqual(parse(tc.a), parse(tc.b)); got != tc.equal {
			t.Errorf("jsonEqual(%s, %s) = %v", tc.a, tc.b, got)
		}
	}
}

func TestCompareUTF16(t *testing.T) {
	tests := []struct {
		a, b string
		sign int
	}{
		{"a", "b", -1},
		{"ab", "a", 1},
		{"", "", 0},
		{"é", "z", 1},
		// U+1F600 is D83D DE00 in UTF-16, before U+FFFD; in UTF-8 after it.
		{"\U0001F600", "\uFFFD", -1},
		{"\U0001F600", "\U0001F601", -1},
	}
	for _, tc := range tests {
		got := compareUTF16(tc.a, tc.b)
		if (got < 0 && tc.sign >= 0) || (got > 0 && tc.sign <= 0) || (got == 0 && tc.sign != 0) {
			t.Errorf("compareUTF16(%q, %q) = %d, want sign %d", tc.a, tc.b, got, tc.sign)
		}
	}
}
