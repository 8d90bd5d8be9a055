package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/goschemaregistry/registry/cmd/srctl/internal/textdiff"
	"github.com/goschemaregistry/registry/compat"
	"github.com/goschemaregistry/registry/formats"
)

// diffLevels are the levels diff judges a change at; transitivity does not
// matter between two schemas.
var diffLevels = []compat.Level{compat.Backward, compat.Forward, compat.Full}

// diffContext is the number of unchanged lines shown around a change.
const diffContext = 3

// levelVerdict says whether a change is allowed at one level.
type levelVerdict struct {
	Level      compat.Level `json:"level"`
	Compatible bool         `json:"compatible"`
	Reasons    []string     `json:"reasons"`
}

// diffResult is what diff shows.
type diffResult struct {
	Old    string         `json:"old"`
	New    string         `json:"new"`
	Diff   string         `json:"diff"`
	Levels []levelVerdict `json:"levels"`
}

// diffSide is one of the two schemas compared.
type diffSide struct {
	label  string
	schema formats.Schema
}

func (a *app) diffCommand() *cobra.Command {
	var files schemaFileFlags
	cmd := &cobra.Command{
		Use:   "diff SUBJECT OLD NEW | diff OLD_FILE NEW_FILE",
		Short: "Show what changed between two schemas and which changes break which level",
		Long: `Show what changed between two schemas, as a unified diff of their canonical
forms, and whether the change is compatible at BACKWARD, FORWARD and FULL,
with the reasons when it is not.

With SUBJECT, OLD and NEW are each a version (a number or latest) or a
schema file; without it, both are files. --type, --ref and --references
apply to the files.`,
		Args: argsBetween(2, 3, "SUBJECT OLD NEW | OLD_FILE NEW_FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.registry()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			p := newParser(c)
			subject, sides := "", args
			if len(args) == 3 {
				subject, sides = args[0], args[1:]
			}
			var old, new diffSide
			for i, target := range []*diffSide{&old, &new} {
				if *target, err = loadDiffSide(ctx, &files, p, subject, sides[i]); err != nil {
					return err
				}
			}
			result := compareSchemas(old, new)
			return a.show(result, func(t *tableOut) { writeDiff(t, result) })
		},
	}
	files.add(cmd.Flags())
	return cmd
}

// loadDiffSide reads one side of a diff: a version of subject when arg is
// a number or "latest" and there is a subject, otherwise a file.
func loadDiffSide(ctx context.Context, files *schemaFileFlags, p *parser, subject, arg string) (diffSide, error) {
	n, numErr := strconv.Atoi(arg)
	if subject != "" && (arg == "latest" || (numErr == nil && n > 0)) {
		v, err := p.client.Version(ctx, subject, arg, false)
		if err != nil {
			return diffSide{}, fmt.Errorf("getting %s version %s: %w", subject, arg, err)
		}
		s, err := p.parseVersion(ctx, v)
		if err != nil {
			return diffSide{}, err
		}
		return diffSide{label: fmt.Sprintf("%s v%d", subject, v.Version), schema: s}, nil
	}
	local, err := files.load(ctx, p.client, arg)
	if err != nil {
		return diffSide{}, err
	}
	s, err := p.parse(ctx, local.schemaType, local.text, local.references, true)
	if err != nil {
		return diffSide{}, fmt.Errorf("%s: %w", arg, err)
	}
	return diffSide{label: arg, schema: s}, nil
}

// compareSchemas diffs the canonical forms of two schemas and judges the
// change at each of diffLevels.
func compareSchemas(old, new diffSide) diffResult {
	result := diffResult{
		Old: old.label,
		New: new.label,
		Diff: textdiff.Unified(old.label, new.label,
			pretty(old.schema.Type(), old.schema.Canonical()), pretty(new.schema.Type(), new.schema.Canonical()), diffContext),
	}
	for _, level := range diffLevels {
		messages := compat.Check(level, new.schema, []compat.Previous{{Schema: old.schema}})
		result.Levels = append(result.Levels, levelVerdict{Level: level, Compatible: len(messages) == 0, Reasons: changeReasons(messages)})
	}
	return result
}

// changeReasons keeps the reasons of a compatibility check's messages,
// leaving out the trailers the registry adds for its clients (the old
// schema quoted and the level), which say nothing about the change.
func changeReasons(messages []string) []string {
	reasons := []string{}
	for _, m := range messages {
		if !strings.HasPrefix(m, "{oldSchema") && !strings.HasPrefix(m, "{validateFields:") {
			reasons = append(reasons, m)
		}
	}
	return reasons
}

func writeDiff(t *tableOut, r diffResult) {
	if r.Diff == "" {
		t.text("%s and %s have the same canonical form\n", r.Old, r.New)
	} else {
		t.text("%s", r.Diff)
	}
	t.text("\n")
	t.row("LEVEL", "CHANGE", "REASONS")
	for _, v := range r.Levels {
		verdict := "compatible"
		if !v.Compatible {
			verdict = "breaking"
		}
		first, rest := "", []string(nil)
		if len(v.Reasons) > 0 {
			first, rest = v.Reasons[0], v.Reasons[1:]
		}
		t.row(string(v.Level), verdict, first)
		for _, reason := range rest {
			t.row("", "", reason)
		}
	}
}
