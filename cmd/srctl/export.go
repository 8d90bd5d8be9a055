package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/goschemaregistry/registry/cmd/srctl/internal/archive"
	"github.com/goschemaregistry/registry/cmd/srctl/internal/client"
)

// transferSummary is the result of export and import.
type transferSummary struct {
	Dir      string `json:"dir"`
	Subjects int    `json:"subjects"`
	Versions int    `json:"versions"`
}

// showSummary reports how much of manifest m, in dir, was exported or
// imported.
func (a *app) showSummary(verb, dir string, m *archive.Manifest) error {
	s := transferSummary{Dir: dir, Subjects: len(m.Subjects)}
	for _, subject := range m.Subjects {
		s.Versions += len(subject.Versions)
	}
	return a.show(s, func(t *tableOut) {
		t.text("%s %d versions of %d subjects (%s)\n", verb, s.Versions, s.Subjects, s.Dir)
	})
}

func (a *app) exportCommand() *cobra.Command {
	var skipDeleted bool
	var prefix string
	cmd := &cobra.Command{
		Use:   "export DIR",
		Short: "Write every subject, version, id, reference, config and mode to DIR",
		Long: `Write the registry to DIR (which must be empty or absent): a manifest.yaml
listing the global and per-subject configs and modes and every version with
its id, type, references, metadata and whether it is soft-deleted, and one
file per schema, subjects/<subject>/v<N>.<avsc|proto|json>, holding the text
exactly as the registry returned it. "srctl import DIR" restores it into
another registry (Confluent's, Karapace's or this one) with the same ids and
versions.`,
		Args: argsBetween(1, 1, "DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.registry()
			if err != nil {
				return err
			}
			dir := args[0]
			if err := archive.PrepareDir(dir); err != nil {
				return err
			}
			m, err := a.export(cmd.Context(), c, dir, prefix, !skipDeleted)
			if err != nil {
				return fmt.Errorf("exporting: %w", err)
			}
			return a.showSummary("exported", dir, m)
		},
	}
	cmd.Flags().BoolVar(&skipDeleted, "skip-deleted", false, "leave soft-deleted subjects and versions out")
	cmd.Flags().StringVar(&prefix, "prefix", "", "only subjects starting with this prefix")
	return cmd
}

// export writes the registry into dir and returns its manifest, written
// last so that an interrupted export has none.
func (a *app) export(ctx context.Context, c *client.Client, dir, prefix string, withDeleted bool) (*archive.Manifest, error) {
	m := &archive.Manifest{FormatVersion: archive.FormatVersion}
	var err error
	if m.Config, err = c.Config(ctx, ""); err != nil {
		return nil, fmt.Errorf("global config: %w", err)
	}
	if m.Mode, err = c.Mode(ctx, ""); err != nil {
		return nil, fmt.Errorf("global mode: %w", err)
	}
	names, err := c.Subjects(ctx, prefix, withDeleted)
	if err != nil {
		return nil, fmt.Errorf("listing subjects: %w", err)
	}
	dirs := archive.SubjectDirs(names)
	subjects := make([]archive.Subject, len(names))
	total := 0
	listed := a.newProgress("listed subjects", len(names))
	for i, name := range names {
		if subjects[i], err = exportSubject(ctx, c, name, withDeleted); err != nil {
			return nil, fmt.Errorf("subject %s: %w", name, err)
		}
		total += len(subjects[i].Versions)
		listed.step()
	}
	progress := a.newProgress("exported versions", total)
	for i := range subjects {
		s := &subjects[i]
		for j := range s.Versions {
			if err := exportVersion(ctx, c, dir, dirs[s.Name], s.Name, &s.Versions[j]); err != nil {
				return nil, fmt.Errorf("subject %s version %d: %w", s.Name, s.Versions[j].Number, err)
			}
			progress.step()
		}
	}
	m.Subjects = subjects
	return m, archive.Write(dir, m)
}

// exportSubject lists a subject's versions, which of them are
// soft-deleted, and its own config and mode.
func exportSubject(ctx context.Context, c *client.Client, name string, withDeleted bool) (archive.Subject, error) {
	s := archive.Subject{Name: name}
	live, err := c.Versions(ctx, name, false)
	if err != nil && !client.HasCode(err, client.CodeSubjectNotFound) {
		return s, err
	}
	all := live
	if withDeleted {
		if all, err = c.Versions(ctx, name, true); err != nil {
			return s, err
		}
	}
	for _, n := range all {
		s.Versions = append(s.Versions, archive.Version{Number: n, Deleted: !slices.Contains(live, n)})
	}
	// A registry answers 404 for a subject without its own config or mode.
	if cfg, err := c.Config(ctx, name); err == nil {
		s.Config = cfg
	} else if !client.IsNotFound(err) {
		return s, fmt.Errorf("config: %w", err)
	}
	if mode, err := c.Mode(ctx, name); err == nil {
		s.Mode = mode
	} else if !client.IsNotFound(err) {
		return s, fmt.Errorf("mode: %w", err)
	}
	return s, nil
}

// exportVersion fetches one version, writes its schema file and fills in
// its manifest entry.
func exportVersion(ctx context.Context, c *client.Client, dir, subjectDir, subject string, v *archive.Version) error {
	s, err := c.Version(ctx, subject, strconv.Itoa(v.Number), true)
	if err != nil {
		return err
	}
	v.ID, v.SchemaType, v.References = s.ID, s.Type(), s.References
	v.Metadata, v.RuleSet = string(s.Metadata), string(s.RuleSet)
	v.File = archive.SchemaFile(subjectDir, v.Number, v.SchemaType)
	return archive.WriteSchema(dir, v.File, s.Schema)
}
