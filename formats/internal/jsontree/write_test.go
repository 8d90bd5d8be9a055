package jsontree

import (
	"strings"
	"testing"
)

func TestWriteString(t *testing.T) {
	var b strings.Builder
	WriteString(&b, "\"\\/\b\f\n\r\t\x01\x1f\x7f<>&é\u2028")
	want := `"\"\\/\b\f\n\r\t\u0001\u001F` + "\x7f<>&é\u2028" + `"`
	if b.String() != want {
		t.Errorf("got %s, want %s", b.String(), want)
	}
}
