package main

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/goschemaregistry/registry/cmd/srctl/internal/client"
	"github.com/goschemaregistry/registry/compat"
)

// checkResult is the verdict on one schema file.
type checkResult struct {
	File       string `json:"file"`
	Subject    string `json:"subject"`
	Level      string `json:"level"`
	Compatible bool   `json:"compatible"`
	// NewSubject is set when the subject has no versions yet, so that
	// anything is compatible with it.
	NewSubject bool `json:"newSubject,omitempty"`
	// Messages are the reasons of an incompatibility, as the registry (or,
	// with --level, the registry's rules run locally) gives them.
	Messages []string `json:"messages"`
}

func (a *app) checkCommand() *cobra.Command {
	var files schemaFileFlags
	var levelFlag string
	var normalize bool
	cmd := &cobra.Command{
		Use:   "check SUBJECT FILE...",
		Short: "Check that schema files may be registered under SUBJECT: exit 0 if compatible, 1 if not",
		Long: `Check each schema file against the versions of SUBJECT at the subject's
compatibility level (or --level), as registering it would. Every reason of an
incompatibility is printed with its location.

Exit codes: 0 every file is compatible (or the subject has no versions yet),
1 a file is not, 2 any error.

The schema type comes from the extension (.avsc, .proto, .json) or --type.
References come from --ref or from a --references file such as:

  orders.proto:
    - {name: common.proto, subject: common-value, version: latest}

With --level the check runs in srctl, with the registry's own rules, against
the versions fetched from the registry; without it the registry checks.`,
		Args: argsBetween(2, math.MaxInt, "SUBJECT FILE..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.registry()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			subject := args[0]
			var level compat.Level
			if levelFlag != "" {
				l, ok := compat.ParseLevel(levelFlag)
				if !ok {
					return fmt.Errorf("unknown compatibility level %q", levelFlag)
				}
				level = l
			}
			checker := &checker{client: c, parser: newParser(c), subject: subject, level: level, normalize: normalize}
			if err := checker.prepare(ctx); err != nil {
				return err
			}
			var results []checkResult
			for _, path := range args[1:] {
				s, err := files.load(ctx, c, path)
				if err != nil {
					return err
				}
				r, err := checker.check(ctx, s)
				if err != nil {
					return fmt.Errorf("checking %s against %s: %w", path, subject, err)
				}
				results = append(results, r)
			}
			if err := a.show(results, func(t *tableOut) { writeCheckResults(t, results) }); err != nil {
				return err
			}
			for _, r := range results {
				if !r.Compatible {
					return errIncompatible
				}
			}
			return nil
		},
	}
	files.add(cmd.Flags())
	cmd.Flags().StringVar(&levelFlag, "level", "", "check at this level instead of the subject's (checked locally)")
	cmd.Flags().BoolVar(&normalize, "normalize", false, "normalize the schemas before comparing them")
	return cmd
}

func writeCheckResults(t *tableOut, results []checkResult) {
	for _, r := range results {
		switch {
		case r.NewSubject:
			t.text("%s: compatible: subject %s has no versions yet\n", r.File, r.Subject)
		case r.Compatible:
			t.text("%s: compatible with subject %s (%s)\n", r.File, r.Subject, r.Level)
		default:
			t.text("%s: NOT compatible with subject %s (%s)\n", r.File, r.Subject, r.Level)
			for _, m := range r.Messages {
				// A message quoting a Protobuf schema spans lines; its
				// continuation lines are indented under it.
				t.text("  %s\n", strings.ReplaceAll(m, "\n", "\n    "))
			}
		}
	}
}

// checker checks schema files against one subject.
type checker struct {
	client    *client.Client
	parser    *parser
	subject   string
	normalize bool
	// level is the level asked for with --level; "" checks through the
	// registry at the subject's level.
	level compat.Level

	// Set by prepare:
	levelShown string            // the level the verdicts name
	versions   []int             // the live versions, oldest first
	previous   []compat.Previous // with --level, the versions it checks against
}

// prepare finds the subject's versions and the level the check runs at,
// and with --level fetches the versions to check against.
func (ch *checker) prepare(ctx context.Context) error {
	versions, err := ch.client.Versions(ctx, ch.subject, false)
	switch {
	case client.HasCode(err, client.CodeSubjectNotFound):
	case err != nil:
		return fmt.Errorf("listing the versions of %s: %w", ch.subject, err)
	}
	ch.versions = versions
	if ch.level != "" {
		ch.levelShown = string(ch.level)
		return ch.fetchPrevious(ctx)
	}
	cfg, _, err := settingOf(ctx, ch.subject, ch.client.Config)
	if err != nil {
		return fmt.Errorf("getting the compatibility level of %s: %w", ch.subject, err)
	}
	ch.levelShown = cfg.Level()
	return nil
}

func (ch *checker) check(ctx context.Context, s localSchema) (checkResult, error) {
	r := checkResult{File: s.path, Subject: ch.subject, Level: ch.levelShown, Messages: []string{}}
	var messages []string
	var err error
	if ch.level != "" {
		messages, err = ch.checkLocally(ctx, s)
	} else {
		messages, err = ch.checkInRegistry(ctx, s)
	}
	if err != nil {
		return r, err
	}
	r.Compatible = len(messages) == 0
	r.NewSubject = r.Compatible && len(ch.versions) == 0
	if messages != nil {
		r.Messages = messages
	}
	return r, nil
}

// checkInRegistry asks the registry, which checks the versions the
// subject's level asks for.
func (ch *checker) checkInRegistry(ctx context.Context, s localSchema) ([]string, error) {
	req := client.NewSchemaRequest(s.schemaType, s.text, s.references)
	answer, err := ch.client.TestCompatibility(ctx, ch.subject, req, ch.normalize)
	switch {
	case client.HasCode(err, client.CodeSubjectNotFound) && len(ch.versions) == 0:
		// Older registries refuse to test against a subject without
		// versions; anything may be registered there.
		return nil, nil
	case err != nil:
		return nil, err
	case answer.IsCompatible:
		return nil, nil
	case len(answer.Messages) == 0:
		return []string{"the registry gave no reason"}, nil
	}
	return answer.Messages, nil
}

// checkLocally runs the registry's rules at ch.level against the versions
// prepare fetched.
func (ch *checker) checkLocally(ctx context.Context, s localSchema) ([]string, error) {
	newSchema, err := ch.parser.parse(ctx, s.schemaType, s.text, s.references, false)
	if err != nil {
		// What the registry's verbose answer says of an invalid schema.
		return []string{"Invalid schema: " + err.Error()}, nil
	}
	if ch.normalize {
		newSchema = newSchema.Normalize()
	}
	return compat.Check(ch.level, newSchema, ch.previous), nil
}

// fetchPrevious fetches and parses the versions ch.level checks against.
func (ch *checker) fetchPrevious(ctx context.Context) error {
	needed := ch.versions
	switch {
	case ch.level == compat.None:
		needed = nil
	case !ch.level.Transitive() && len(needed) > 0:
		needed = needed[len(needed)-1:]
	}
	for _, n := range needed {
		v, err := ch.client.Version(ctx, ch.subject, strconv.Itoa(n), false)
		if err != nil {
			return fmt.Errorf("getting %s version %d: %w", ch.subject, n, err)
		}
		old, err := ch.parser.parseVersion(ctx, v)
		if err != nil {
			return err
		}
		if ch.normalize {
			old = old.Normalize()
		}
		ch.previous = append(ch.previous, compat.Previous{Version: v.Version, Schema: old})
	}
	return nil
}
