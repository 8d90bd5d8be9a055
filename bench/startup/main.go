// Command startup measures how long the registry takes from process start
// to its first answered request, and its resident memory, on a given data
// directory. Each run starts the binary, asks GET /schemas/ids/1 every
// millisecond until it answers 200, reads VmRSS and VmHWM from
// /proc/<pid>/status, optionally looks up every schema of a bodies file once
// (filling the registry's caches, as producers would) and reads them again,
// then stops the process with SIGTERM.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	bin := flag.String("bin", "", "schema-registry binary (required)")
	dataDir := flag.String("data-dir", "", "data directory to start on (required)")
	listen := flag.String("listen", "127.0.0.1:18091", "address the registry listens on")
	runs := flag.Int("runs", 5, "number of starts")
	bodies := flag.String("bodies", "", "after the first start, look up every schema of this bench/fill -bodies file and report memory again")
	timeout := flag.Duration("timeout", time.Minute, "longest wait for the first answer")
	flag.Parse()
	if *bin == "" || *dataDir == "" || *runs < 1 {
		fmt.Fprintln(os.Stderr, "startup: -bin and -data-dir are required, -runs at least 1")
		os.Exit(2)
	}
	// Whatever follows the flags is passed on to the registry, e.g.
	// -- --kafka-brokers=127.0.0.1:9092.
	if err := run(*bin, append([]string{"--listen", *listen, "--data-dir", *dataDir, "--log-level", "warn"}, flag.Args()...),
		*listen, *runs, *bodies, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "startup:", err)
		os.Exit(1)
	}
}

func run(bin string, args []string, listen string, runs int, bodies string, timeout time.Duration) error {
	var durations []time.Duration
	for i := range runs {
		took, err := startOnce(bin, args, listen, timeout, func(pid int) error {
			if err := printMemory("after start", pid); err != nil {
				return err
			}
			if i > 0 || bodies == "" {
				return nil
			}
			lookups, err := lookUpAll("http://"+listen, bodies)
			if err != nil {
				return err
			}
			return printMemory(fmt.Sprintf("after %d lookups", lookups), pid)
		})
		if err != nil {
			return err
		}
		fmt.Printf("run %d: first answer after %v\n", i+1, took.Round(time.Millisecond))
		durations = append(durations, took)
	}
	slices.Sort(durations)
	fmt.Printf("start-up to first answer: median %v, max %v over %d runs\n",
		durations[len(durations)/2].Round(time.Millisecond), durations[len(durations)-1].Round(time.Millisecond), runs)
	return nil
}

// startOnce starts the registry, waits for its first answer, calls measure
// with its pid and stops it. It returns the time to the first answer.
func startOnce(bin string, args []string, listen string, timeout time.Duration, measure func(pid int) error) (time.Duration, error) {
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	client := &http.Client{Timeout: time.Second}
	started := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() error {
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			return err
		}
		select {
		case <-exited:
			return nil
		case <-time.After(15 * time.Second):
			return errors.Join(errors.New("the registry did not stop within 15s"), cmd.Process.Kill())
		}
	}
	var took time.Duration
	for {
		if answered(client, "http://"+listen+"/schemas/ids/1") {
			took = time.Since(started)
			break
		}
		select {
		case err := <-exited:
			return 0, fmt.Errorf("the registry exited before answering: %v", err)
		case <-time.After(time.Millisecond):
		}
		if time.Since(started) > timeout {
			return 0, errors.Join(fmt.Errorf("no answer within %v", timeout), stop())
		}
	}
	return took, errors.Join(measure(cmd.Process.Pid), stop())
}

func answered(client *http.Client, url string) bool {
	resp, err := client.Get(url)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err == nil && resp.StatusCode == http.StatusOK
}

// printMemory prints the process's resident memory now (VmRSS) and at its
// peak (VmHWM).
func printMemory(when string, pid int) error {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return err
	}
	var fields []string
	for line := range strings.Lines(string(status)) {
		if strings.HasPrefix(line, "VmRSS:") || strings.HasPrefix(line, "VmHWM:") {
			fields = append(fields, strings.Join(strings.Fields(line), " "))
		}
	}
	fmt.Printf("memory %s: %s\n", when, strings.Join(fields, ", "))
	return nil
}

// lookUpAll looks up every schema of the bodies file once, from a few
// concurrent clients, and returns how many it looked up.
func lookUpAll(baseURL, bodies string) (int, error) {
	f, err := os.Open(bodies)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	lines := make(chan string)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for line := range lines {
				if err := lookUp(ctx, baseURL, line); err != nil {
					cancel(err)
				}
			}
		})
	}
	count := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() && ctx.Err() == nil {
		lines <- sc.Text()
		count++
	}
	close(lines)
	wg.Wait()
	return count, errors.Join(sc.Err(), context.Cause(ctx))
}

func lookUp(ctx context.Context, baseURL, line string) error {
	subject, body, ok := strings.Cut(line, "\t")
	if !ok {
		return fmt.Errorf("bodies line without a tab: %.60q", line)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/subjects/"+subject, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("lookup in %s: status %d", subject, resp.StatusCode)
	}
	return nil
}
