// Command srctl is the command line of administrators and CI pipelines for
// any Confluent-compatible schema registry (this one, Confluent's,
// Karapace's): it lists and changes subjects, versions, configurations and
// modes, checks local schema files for breaking changes, shows what changed
// between two schemas, and exports a whole registry to plain files and
// imports it into another one keeping its ids and versions.
//
// Exit codes: 0 success, 1 a schema checked is not compatible (check
// only), 2 any error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes.
const (
	exitOK           = 0
	exitIncompatible = 1
	exitError        = 2
)

// errIncompatible is returned by check when a schema is not compatible,
// after the reasons have been printed.
var errIncompatible = errors.New("a schema is not compatible")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs srctl with the given arguments and environment and returns its
// exit code.
func run(ctx context.Context, args []string, lookupEnv func(string) (string, bool), stdout, stderr io.Writer) int {
	root := newRootCommand(lookupEnv, stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errIncompatible):
		return exitIncompatible
	default:
		fmt.Fprintf(stderr, "srctl: %v\n", err)
		return exitError
	}
}
