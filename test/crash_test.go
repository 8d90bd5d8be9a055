package test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"
)

// crashAck is one registration the registry acknowledged before a crash.
type crashAck struct {
	record  string // the schema's record name, unique to this registration
	subject string
	id      int
	version int // 0 when the crash came before the version was looked up
}

// listedSchema is one entry of GET /schemas.
type listedSchema struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
	ID      int    `json:"id"`
	Schema  string `json:"schema"`
}

const (
	crashWorkers           = 8
	crashSubjectsPerWorker = 3
	crashCycles            = 3
	crashLoad              = time.Second
)

// TestCrashRecovery kills the registry with SIGKILL while 8 clients
// register schemas, restarts it on the same data directory, and checks that
// nothing acknowledged was lost or changed, that ids stay unique, and that
// new ids continue above every id handed out before. Three crash cycles,
// then a clean stop and start.
func TestCrashRecovery(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	r := startRegistryIn(t, dataDir)
	// Every registration is a new record name; NONE lets them follow each
	// other in a subject.
	r.mustDo(http.MethodPut, "/config", `{"compatibility":"NONE"}`, http.StatusOK, nil)

	var acked []crashAck
	maxIDBefore := 0 // the highest id the registry held before this cycle
	for cycle := 1; cycle <= crashCycles; cycle++ {
		acks := registerUntilKilled(t, r, cycle)
		if len(acks) == 0 {
			t.Fatalf("cycle %d: no registration was acknowledged in %v", cycle, crashLoad)
		}
		for _, a := range acks {
			if a.id <= maxIDBefore {
				t.Errorf("cycle %d: %s got id %d, not above %d, the highest id before the cycle", cycle, a.record, a.id, maxIDBefore)
			}
		}
		acked = append(acked, acks...)
		r = startRegistryIn(t, dataDir)
		maxIDBefore = verifyRecovered(t, r, acked)
		t.Logf("cycle %d: %d registrations acknowledged before SIGKILL; highest id now %d", cycle, len(acks), maxIDBefore)
	}

	r.Stop()
	r = startRegistryIn(t, dataDir)
	verifyRecovered(t, r, acked)
	var after struct {
		ID int `json:"id"`
	}
	r.mustDo(http.MethodPost, "/subjects/after-restart/versions",
		schemaRequestBody(crashSchema("AfterRestart")), http.StatusOK, &after)
	if after.ID <= maxIDBefore {
		t.Fatalf("registration after the restarts got id %d, not above %d", after.ID, maxIDBefore)
	}
}

func crashSchema(record string) string {
	return fmt.Sprintf(`{"type":"record","name":%q,"fields":[{"name":"f","type":"string"}]}`, record)
}

// registerUntilKilled runs the concurrent clients for crashLoad, kills the
// registry while they are still sending, and returns what was acknowledged.
func registerUntilKilled(t *testing.T, r *registryProcess, cycle int) []crashAck {
	t.Helper()
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: crashWorkers},
	}
	defer client.CloseIdleConnections()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		acks []crashAck
	)
	for w := range crashWorkers {
		wg.Go(func() {
			for i := 0; ; i++ {
				a := crashAck{
					record:  fmt.Sprintf("C%dW%dN%d", cycle, w, i),
					subject: fmt.Sprintf("crash-w%d-s%d", w, i%crashSubjectsPerWorker),
				}
				body := schemaRequestBody(crashSchema(a.record))
				var registered struct {
					ID int `json:"id"`
				}
				if !postUntilKilled(t, client, r.URL+"/subjects/"+url.PathEscape(a.subject)+"/versions", body, &registered) {
					return
				}
				a.id = registered.ID
				var found struct {
					Version int `json:"version"`
				}
				alive := postUntilKilled(t, client, r.URL+"/subjects/"+url.PathEscape(a.subject), body, &found)
				a.version = found.Version
				mu.Lock()
				acks = append(acks, a)
				mu.Unlock()
				if !alive {
					return
				}
			}
		})
	}
	time.Sleep(crashLoad)
	r.Kill()
	wg.Wait()
	return acks
}

// postUntilKilled posts body and decodes a 200 answer into into. It reports
// false once the registry is unreachable (killed); any other answer than
// 200 is a test error.
func postUntilKilled(t *testing.T, client *http.Client, target, body string, into any) bool {
	resp, err := client.Post(target, "application/vnd.schemaregistry.v1+json", bytes.NewReader([]byte(body)))
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return false
	}
	if resp.StatusCode != http.StatusOK {
		t.Errorf("POST %s: status %d, body %s", target, resp.StatusCode, data)
		return false
	}
	if err := json.Unmarshal(data, into); err != nil {
		t.Errorf("POST %s: decoding %s: %v", target, data, err)
		return false
	}
	return true
}

// verifyRecovered checks the restarted registry holds every acknowledged
// registration under its subject, version and id, that no id names two
// schemas and no schema two ids, and returns the highest id it holds.
func verifyRecovered(t *testing.T, r *registryProcess, acked []crashAck) int {
	t.Helper()
	var config struct {
		CompatibilityLevel string `json:"compatibilityLevel"`
	}
	r.mustDo(http.MethodGet, "/config", "", http.StatusOK, &config)
	if config.CompatibilityLevel != "NONE" {
		t.Errorf("global compatibility after restart %q, want NONE", config.CompatibilityLevel)
	}
	var listed []listedSchema
	r.mustDo(http.MethodGet, "/schemas?deleted=true", "", http.StatusOK, &listed)

	type subjectVersion struct {
		subject string
		version int
	}
	byRecord := map[string]listedSchema{}
	schemaByID := map[int]string{}
	idBySchema := map[string]int{}
	seen := map[subjectVersion]bool{}
	maxID := 0
	for _, l := range listed {
		sv := subjectVersion{l.Subject, l.Version}
		if seen[sv] {
			t.Errorf("%s version %d is listed twice", l.Subject, l.Version)
		}
		seen[sv] = true
		if other, ok := schemaByID[l.ID]; ok && other != l.Schema {
			t.Errorf("id %d names two schemas: %s and %s", l.ID, other, l.Schema)
		}
		schemaByID[l.ID] = l.Schema
		if other, ok := idBySchema[l.Schema]; ok && other != l.ID {
			t.Errorf("schema %s has two ids: %d and %d", l.Schema, other, l.ID)
		}
		idBySchema[l.Schema] = l.ID
		var named struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal([]byte(l.Schema), &named); err != nil {
			t.Fatalf("listed schema %s: %v", l.Schema, err)
		}
		byRecord[named.Name] = l
		maxID = max(maxID, l.ID)
	}

	lost := 0
	for _, a := range acked {
		l, ok := byRecord[a.record]
		switch {
		case !ok:
			lost++
			if lost <= 5 {
				t.Errorf("acknowledged registration of %s in %s (id %d) is missing after the restart", a.record, a.subject, a.id)
			}
		case l.Subject != a.subject || l.ID != a.id || (a.version != 0 && l.Version != a.version):
			t.Errorf("%s was acknowledged as %s version %d id %d, the restarted registry has %s version %d id %d",
				a.record, a.subject, a.version, a.id, l.Subject, l.Version, l.ID)
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d acknowledged registrations were lost", lost, len(acked))
	}
	return maxID
}
