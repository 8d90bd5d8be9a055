package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/goschemaregistry/registry/cmd/srctl/internal/client"
)

// app holds what every command shares: the global settings, the output
// streams and the registry client.
type app struct {
	stdout, stderr io.Writer
	registryOpts   client.Options
	output         string
	quiet          bool
	client         *client.Client
}

// globalFlagEnv names the environment variable each global flag falls back
// to when it is not given on the command line. The values are applied after
// parsing, so that none (a password) ever shows in the help.
var globalFlagEnv = []struct{ flag, env string }{
	{"url", "SCHEMA_REGISTRY_URL"},
	{"user", "SCHEMA_REGISTRY_USER"},
	{"password", "SCHEMA_REGISTRY_PASSWORD"},
	{"ca-file", "SCHEMA_REGISTRY_CA_FILE"},
	{"cert-file", "SCHEMA_REGISTRY_CERT_FILE"},
	{"key-file", "SCHEMA_REGISTRY_KEY_FILE"},
	{"insecure-skip-verify", "SCHEMA_REGISTRY_INSECURE_SKIP_VERIFY"},
	{"timeout", "SCHEMA_REGISTRY_TIMEOUT"},
}

func newRootCommand(lookupEnv func(string) (string, bool), stdout, stderr io.Writer) *cobra.Command {
	a := &app{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "srctl",
		Short: "Administer a Confluent-compatible schema registry and check schemas in CI",
		Long: `srctl talks to any Confluent-compatible schema registry (goschemaregistry,
Confluent Schema Registry, Karapace) through its REST API.

Exit codes: 0 success, 1 a checked schema is not compatible (check only),
2 any error.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	flags := root.PersistentFlags()
	flags.StringVar(&a.registryOpts.URL, "url", "http://localhost:8081", "registry URL (env SCHEMA_REGISTRY_URL)")
	flags.StringVar(&a.registryOpts.Username, "user", "", "user for HTTP Basic authentication (env SCHEMA_REGISTRY_USER)")
	flags.StringVar(&a.registryOpts.Password, "password", "", "password for HTTP Basic authentication (env SCHEMA_REGISTRY_PASSWORD)")
	flags.StringVar(&a.registryOpts.CAFile, "ca-file", "", "PEM file of the CAs trusted for https (env SCHEMA_REGISTRY_CA_FILE)")
	flags.StringVar(&a.registryOpts.CertFile, "cert-file", "", "PEM client certificate (env SCHEMA_REGISTRY_CERT_FILE)")
	flags.StringVar(&a.registryOpts.KeyFile, "key-file", "", "PEM key of the client certificate (env SCHEMA_REGISTRY_KEY_FILE)")
	flags.BoolVar(&a.registryOpts.InsecureSkipVerify, "insecure-skip-verify", false,
		"do not verify the registry's certificate (env SCHEMA_REGISTRY_INSECURE_SKIP_VERIFY)")
	flags.DurationVar(&a.registryOpts.Timeout, "timeout", 30*time.Second, "time limit of each request (env SCHEMA_REGISTRY_TIMEOUT)")
	flags.StringVarP(&a.output, "output", "o", outputTable, "output format: table, json or yaml")
	flags.BoolVarP(&a.quiet, "quiet", "q", false, "do not show progress on stderr")

	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if err := applyEnvironment(flags, lookupEnv); err != nil {
			return err
		}
		switch a.output {
		case outputTable, outputJSON, outputYAML:
			return nil
		}
		return fmt.Errorf("unknown output format %q: use table, json or yaml", a.output)
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%w (see %s --help)", err, cmd.CommandPath())
	})
	root.AddCommand(
		a.subjectsCommand(), a.versionsCommand(), a.getCommand(), a.registerCommand(), a.deleteCommand(),
		a.configCommand(), a.modeCommand(), a.checkCommand(), a.diffCommand(),
		a.exportCommand(), a.importCommand(),
	)
	return root
}

// applyEnvironment sets each global flag not given on the command line from
// its environment variable, when that is set.
func applyEnvironment(flags *pflag.FlagSet, lookupEnv func(string) (string, bool)) error {
	for _, fe := range globalFlagEnv {
		value, ok := lookupEnv(fe.env)
		if !ok || flags.Changed(fe.flag) {
			continue
		}
		if err := flags.Set(fe.flag, value); err != nil {
			// The value is not repeated: it may be a secret.
			return fmt.Errorf("%s: not a valid value for --%s", fe.env, fe.flag)
		}
	}
	return nil
}

// registry returns the registry client, made on first use.
func (a *app) registry() (*client.Client, error) {
	if a.client == nil {
		c, err := client.New(a.registryOpts)
		if err != nil {
			return nil, err
		}
		a.client = c
	}
	return a.client, nil
}

// argsBetween accepts between min and max positional arguments, naming
// them in its error.
func argsBetween(least, most int, usage string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < least || len(args) > most {
			return fmt.Errorf("usage: %s %s (see %s --help)", cmd.CommandPath(), usage, cmd.CommandPath())
		}
		return nil
	}
}
