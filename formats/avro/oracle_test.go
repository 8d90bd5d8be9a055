package avro

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/goschemaregistry/registry/formats"
)

type oracleCase struct {
	Deps   []string `json:"deps"`
	Schema string   `json:"schema"`
	Strict bool     `json:"strict"`
}

type oracleResult struct {
	Canonical  string `json:"canonical"`
	Resolved   string `json:"resolved"`
	Normalized string `json:"normalized"`
	NormText   string `json:"normtext"`
	NormError  string `json:"normerror"`
	Error      string `json:"error"`
}

func runOracle(t *testing.T, cases []oracleCase) []oracleResult {
	dir := os.Getenv("AVRO_ORACLE")
	cp := "/usr/share/java/jackson-core.jar:/usr/share/java/jackson-databind.jar:/usr/share/java/jackson-annotations.jar:/usr/share/java/slf4j-api.jar:/usr/share/java/commons-compress.jar"
	cmd := exec.Command("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java", "-Xss64m", "-cp", dir+"/out:"+cp, "Harness")
	var in strings.Builder
	for _, c := range cases {
		b, _ := json.Marshal(c)
		in.Write(b)
		in.WriteByte('\n')
	}
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var results []oracleResult
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var r oracleResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		results = append(results, r)
	}
	if len(results) != len(cases) {
		t.Fatalf("%d results for %d cases", len(results), len(cases))
	}
	return results
}

func compareWithOracle(t *testing.T, cases []oracleCase) {
	results := runOracle(t, cases)
	f := New(Limits{})
	bad := 0
	for i, c := range cases {
		want := results[i]
		deps := make([]formats.Dependency, len(c.Deps))
		for j, d := range c.Deps {
			deps[j] = formats.Dependency{Name: "d", Schema: d}
		}
		parse := f.Parse
		if !c.Strict {
			parse = f.ParseStored
		}
		s, err := parse(c.Schema, deps)
		if (err != nil) != (want.Error != "") {
			bad++
			t.Errorf("case %d %s strict=%v deps=%v:\n go err=%v\n java err=%s", i, c.Schema, c.Strict, c.Deps, err, want.Error)
			continue
		}
		if err != nil {
			if os.Getenv("SHOWERR") != "" {
				t.Logf("case %d both fail:\n go   %v\n java %s", i, err, want.Error)
			}
			continue
		}
		if s.Canonical() != want.Canonical {
			bad++
			t.Errorf("case %d %s canonical:\n go   %s\n java %s", i, c.Schema, s.Canonical(), want.Canonical)
		}
		if r, _ := s.Formatted("resolved"); r != want.Resolved {
			bad++
			t.Errorf("case %d %s resolved:\n go   %s\n java %s", i, c.Schema, r, want.Resolved)
		}
		if want.NormError == "" {
			if n := s.Normalize().Canonical(); n != want.Normalized {
				bad++
				text, nerr := normalizedText(s.(*Schema).root, s.(*Schema).known)
				t.Errorf("case %d %s normalized:\n go   %s\n java %s\n gotext %s %v\n javatext %s", i, c.Schema, n, want.Normalized, text, nerr, want.NormText)
			}
		} else if s.Normalize() != s {
			t.Errorf("case %d %s: java normalization fails (%s), go does not", i, c.Schema, want.NormError)
		}
		if bad > 30 {
			t.Fatal("too many")
		}
	}
}

func TestOracleCorpus(t *testing.T) {
	if os.Getenv("AVRO_ORACLE") == "" {
		t.Skip("no oracle")
	}
	var cases []oracleCase
	data, err := os.ReadFile(os.Getenv("AVRO_CORPUS"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var c oracleCase
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatal(line, err)
		}
		cases = append(cases, c)
	}
	compareWithOracle(t, cases)
}
