package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/goschemaregistry/registry/formats"
)

// maxDirName bounds the directory name of a subject, well under the 255
// bytes most file systems allow for a name.
const maxDirName = 200

// extensions are the file extensions of the schema types.
var extensions = map[string]string{
	formats.TypeAvro:     ".avsc",
	formats.TypeProtobuf: ".proto",
	formats.TypeJSON:     ".json",
}

// SchemaFile returns the manifest path of a version's schema text:
// subjects/<dir>/v<version>.<extension of the type>, where dir is the
// subject's directory name from SubjectDirs.
func SchemaFile(dir string, version int, schemaType string) string {
	ext, ok := extensions[schemaType]
	if !ok {
		ext = ".txt"
	}
	return fmt.Sprintf("subjects/%s/v%d%s", dir, version, ext)
}

// SubjectDirs gives each subject a directory name that is safe on every
// file system: bytes other than ASCII letters, digits, '_', '-' and a '.'
// that does not lead are written %XX; long names are cut and made unique
// with a hash; the empty name and names that differ only in case from an
// earlier one (one directory on case-insensitive file systems) get a hash
// too.
func SubjectDirs(subjects []string) map[string]string {
	dirs := make(map[string]string, len(subjects))
	used := map[string]bool{}
	for _, s := range subjects {
		name := escapeSubject(s)
		if name == "" || len(name) > maxDirName || used[strings.ToLower(name)] {
			name = cut(name, maxDirName-hashSuffixLen) + hashSuffix(s)
		}
		used[strings.ToLower(name)] = true
		dirs[s] = name
	}
	return dirs
}

// hashSuffixLen is the length of hashSuffix's result.
const hashSuffixLen = 17

// hashSuffix names a subject uniquely: '~' (which escapeSubject never
// leaves) and 16 hex digits of the name's SHA-256.
func hashSuffix(subject string) string {
	sum := sha256.Sum256([]byte(subject))
	return "~" + hex.EncodeToString(sum[:8])
}

// cut shortens an escaped name to at most n bytes without splitting a %XX.
func cut(name string, n int) string {
	if len(name) <= n {
		return name
	}
	if i := strings.LastIndexByte(name[:n], '%'); i >= n-2 {
		n = i
	}
	return name[:n]
}

func escapeSubject(subject string) string {
	var b strings.Builder
	for i := 0; i < len(subject); i++ {
		c := subject[i]
		plain := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '_' || c == '-' || (c == '.' && i > 0)
		if plain {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
