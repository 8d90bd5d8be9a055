package test

import (
	"context"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// dockerInstruction is one instruction of a Dockerfile, continuation lines
// joined.
type dockerInstruction struct {
	line int
	name string // upper case, as FROM
	args string
}

// parseDockerfile splits a Dockerfile into instructions, leaving out
// comments (parser directives included) and blank lines.
func parseDockerfile(text string) []dockerInstruction {
	var out []dockerInstruction
	var pending strings.Builder
	start := 0
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if pending.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if pending.Len() == 0 {
			start = i + 1
		}
		if body, continued := strings.CutSuffix(trimmed, `\`); continued {
			pending.WriteString(body + " ")
			continue
		}
		pending.WriteString(trimmed)
		name, args, _ := strings.Cut(pending.String(), " ")
		out = append(out, dockerInstruction{line: start, name: strings.ToUpper(name), args: strings.TrimSpace(args)})
		pending.Reset()
	}
	return out
}

// dockerWords splits arguments at spaces outside double quotes, removing
// the quotes.
func dockerWords(s string) []string {
	var words []string
	var word strings.Builder
	quoted, inWord := false, false
	for _, c := range s {
		switch {
		case c == '"':
			quoted, inWord = !quoted, true
		case c == ' ' && !quoted:
			if inWord {
				words = append(words, word.String())
				word.Reset()
			}
			inWord = false
		default:
			word.WriteRune(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, word.String())
	}
	return words
}

// dockerStage is the instructions of one FROM.
type dockerStage struct {
	from, name string
	body       []dockerInstruction
}

func dockerStages(instructions []dockerInstruction) []dockerStage {
	var stages []dockerStage
	for _, ins := range instructions {
		if ins.name == "FROM" {
			words := dockerWords(ins.args)
			stage := dockerStage{from: words[0]}
			if len(words) == 3 && strings.EqualFold(words[1], "AS") {
				stage.name = words[2]
			}
			stages = append(stages, stage)
			continue
		}
		if len(stages) > 0 {
			stages[len(stages)-1].body = append(stages[len(stages)-1].body, ins)
		}
	}
	return stages
}

// outDir matches the build stage's output directory in a command.
var outDir = regexp.MustCompile(`(^|\s)/out(/|\s|$)`)

// TestDockerfile runs the commands of the Dockerfile's build stage as
// written, in the module root (what COPY . . gives the stage) with the
// stage's ARG and ENV values and /out moved to a temporary directory, then
// checks that every binary built is static and stripped and runs, and that
// the final stage is small, non-root and serves 8081 with a /data volume.
func TestDockerfile(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	stages := dockerStages(parseDockerfile(string(text)))
	if len(stages) != 2 || stages[0].name == "" {
		t.Fatalf("want a named build stage and a final stage, got %d stages", len(stages))
	}
	build, final := stages[0], stages[1]
	if !strings.HasPrefix(build.from, "golang:") || !strings.Contains(build.from, "bookworm") {
		t.Errorf("build stage FROM %s, want golang:...-bookworm", build.from)
	}

	out := t.TempDir()
	env := os.Environ()
	var binaries []string
	for _, ins := range build.body {
		switch ins.name {
		case "ARG", "ENV":
			words := dockerWords(ins.args)
			if ins.name == "ENV" && len(words) == 2 && !strings.Contains(words[0], "=") {
				words = []string{words[0] + "=" + words[1]} // ENV key value
			}
			for _, w := range words {
				if strings.Contains(w, "=") {
					env = append(env, w)
				}
			}
		case "RUN":
			if strings.HasPrefix(ins.args, "[") || strings.HasPrefix(ins.args, "--") {
				t.Fatalf("line %d: only plain shell-form RUN is checked: %s", ins.line, ins.args)
			}
			for _, m := range regexp.MustCompile(`-o\s+/out/(\S+)`).FindAllStringSubmatch(ins.args, -1) {
				binaries = append(binaries, m[1])
			}
			command := outDir.ReplaceAllString(ins.args, "${1}"+out+"${2}")
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			cmd := exec.CommandContext(ctx, "sh", "-c", command)
			cmd.Dir, cmd.Env = root, env
			output, err := cmd.CombinedOutput()
			cancel()
			if err != nil {
				t.Fatalf("line %d: %s: %v\n%s", ins.line, command, err, output)
			}
		}
	}
	if !slices.Contains(env, "CGO_ENABLED=0") {
		t.Error("the build stage does not set CGO_ENABLED=0")
	}
	if !slices.Contains(binaries, "schema-registry") {
		t.Errorf("the build stage builds %v, not schema-registry", binaries)
	}
	for _, name := range binaries {
		checkStaticBinary(t, filepath.Join(out, name))
	}
	checkFinalStage(t, final, build.name, out)
}

// checkStaticBinary checks that path is a statically linked, stripped ELF
// executable that answers --help.
func checkStaticBinary(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s asks for a dynamic loader", path)
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("%s needs shared libraries %v (%v)", path, libs, err)
	}
	for _, section := range []string{".symtab", ".debug_info"} {
		if f.Section(section) != nil {
			t.Errorf("%s has a %s section: not stripped", path, section)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if output, err := exec.CommandContext(ctx, path, "--help").CombinedOutput(); err != nil {
		t.Errorf("%s --help: %v\n%s", path, err, output)
	}
}

// checkFinalStage checks the image's own stage: a small base, a non-root
// user, port 8081, a /data volume, and copies of files the build made.
func checkFinalStage(t *testing.T, final dockerStage, buildName, out string) {
	t.Helper()
	if !strings.HasPrefix(final.from, "gcr.io/distroless/static") && final.from != "scratch" {
		t.Errorf("final stage FROM %s, want distroless/static or scratch", final.from)
	}
	var user string
	var exposed, volumes []string
	for _, ins := range final.body {
		words := dockerWords(strings.Trim(ins.args, "[]"))
		switch ins.name {
		case "USER":
			user = ins.args
		case "EXPOSE":
			exposed = append(exposed, words...)
		case "VOLUME":
			for _, w := range words {
				volumes = append(volumes, strings.Trim(w, `",`))
			}
		case "COPY":
			if !slices.Contains(words, "--from="+buildName) {
				continue
			}
			for _, src := range words[:len(words)-1] {
				if strings.HasPrefix(src, "--") {
					continue
				}
				if _, err := os.Stat(outDir.ReplaceAllString(src, "${1}"+out+"${2}")); err != nil {
					t.Errorf("line %d copies %s, which the build stage did not make", ins.line, src)
				}
			}
		}
	}
	if uid, _, _ := strings.Cut(user, ":"); uid == "" || uid == "root" || uid == "0" {
		t.Errorf("final stage USER %q, want a non-root user", user)
	}
	if !slices.Contains(exposed, "8081") {
		t.Errorf("final stage exposes %v, want 8081", exposed)
	}
	if !slices.Contains(volumes, "/data") {
		t.Errorf("final stage volumes %v, want /data", volumes)
	}
}
