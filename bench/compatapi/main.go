// Command compatapi measures a compatibility check through the API: it
// gives a fresh subject FULL_TRANSITIVE compatibility, registers -versions
// versions of a wide record (each one optional field wider), then times
// POST /compatibility/subjects/{subject}/versions with a record of -fields
// fields, which is checked against every version in both directions.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/goschemaregistry/registry/bench/schemagen"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:18081", "registry to measure")
	subject := flag.String("subject", fmt.Sprintf("bench-wide-%d", time.Now().UnixNano()), "subject to create")
	fields := flag.Int("fields", 500, "fields of the record checked")
	versions := flag.Int("versions", 50, "versions checked against")
	requests := flag.Int("requests", 30, "checks to time")
	flag.Parse()
	if *versions < 1 || *versions >= *fields || *requests < 1 {
		fmt.Fprintln(os.Stderr, "compatapi: need 1 <= versions < fields and requests >= 1")
		os.Exit(2)
	}
	if err := run(*url, *subject, *fields, *versions, *requests); err != nil {
		fmt.Fprintln(os.Stderr, "compatapi:", err)
		os.Exit(1)
	}
}

func run(url, subject string, fields, versions, requests int) error {
	if _, err := post(http.MethodPut, url+"/config/"+subject, `{"compatibility":"FULL_TRANSITIVE"}`); err != nil {
		return err
	}
	required := fields - versions
	for v := range versions {
		if _, err := post(http.MethodPost, url+"/subjects/"+subject+"/versions",
			schemagen.Body(schemagen.WideRecord(required+v, required))); err != nil {
			return fmt.Errorf("registering version %d: %w", v+1, err)
		}
	}
	body := schemagen.Body(schemagen.WideRecord(fields, required))
	fmt.Printf("schema checked: %d fields, %d bytes, against %d versions at FULL_TRANSITIVE\n", fields, len(body), versions)
	var took []time.Duration
	for i := range requests {
		started := time.Now()
		answer, err := post(http.MethodPost, url+"/compatibility/subjects/"+subject+"/versions", body)
		if err != nil {
			return err
		}
		took = append(took, time.Since(started))
		var result struct {
			IsCompatible bool `json:"is_compatible"`
		}
		if err := json.Unmarshal(answer, &result); err != nil || !result.IsCompatible {
			return fmt.Errorf("check %d: want is_compatible true, got %s", i+1, answer)
		}
	}
	first := took[0]
	slices.Sort(took)
	fmt.Printf("check latency: first %v; over %d requests min %v, median %v, p90 %v, max %v\n",
		round(first), requests, round(took[0]), round(took[len(took)/2]), round(took[len(took)*9/10]), round(took[len(took)-1]))
	return nil
}

func round(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }

// post sends body and returns the answer, failing unless the status is 200.
func post(method, url, body string) ([]byte, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s %s: status %d: %.200s", method, url, resp.StatusCode, answer)
	}
	return answer, nil
}
