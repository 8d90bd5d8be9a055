package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/goschemaregistry/registry/cmd/srctl/internal/client"
	"github.com/goschemaregistry/registry/formats"
)

func (a *app) subjectsCommand() *cobra.Command {
	var deleted bool
	var prefix string
	cmd := &cobra.Command{
		Use:   "subjects",
		Short: "List the subjects",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.registry()
			if err != nil {
				return err
			}
			subjects, err := c.Subjects(cmd.Context(), prefix, deleted)
			if err != nil {
				return fmt.Errorf("listing subjects: %w", err)
			}
			return a.show(subjects, func(t *tableOut) {
				t.row("SUBJECT")
				for _, s := range subjects {
					t.row(s)
				}
			})
		},
	}
	cmd.Flags().BoolVar(&deleted, "deleted", false, "include soft-deleted subjects")
	cmd.Flags().StringVar(&prefix, "prefix", "", "only subjects starting with this prefix")
	return cmd
}

func (a *app) versionsCommand() *cobra.Command {
	var deleted bool
	cmd := &cobra.Command{
		Use:   "versions SUBJECT",
		Short: "List the versions of a subject",
		Args:  argsBetween(1, 1, "SUBJECT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.registry()
			if err != nil {
				return err
			}
			versions, err := c.Versions(cmd.Context(), args[0], deleted)
			if err != nil {
				return fmt.Errorf("listing the versions of %s: %w", args[0], err)
			}
			return a.show(versions, func(t *tableOut) {
				t.row("VERSION")
				for _, v := range versions {
					t.row(strconv.Itoa(v))
				}
			})
		},
	}
	cmd.Flags().BoolVar(&deleted, "deleted", false, "include soft-deleted versions")
	return cmd
}

// schemaByID is what get --id shows: the schema and where it is registered.
type schemaByID struct {
	client.Schema
	UsedBy []client.SubjectVersion `json:"usedBy"`
}

func (a *app) getCommand() *cobra.Command {
	var deleted bool
	var id int
	cmd := &cobra.Command{
		Use:   "get SUBJECT [VERSION] | get --id ID",
		Short: "Show a version of a subject (default: the latest) or the schema with an id",
		Args: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("id") {
				return argsBetween(0, 0, "--id ID")(cmd, args)
			}
			return argsBetween(1, 2, "SUBJECT [VERSION]")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.registry()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if cmd.Flags().Changed("id") {
				s, err := c.SchemaByID(ctx, id)
				if err != nil {
					return fmt.Errorf("getting schema %d: %w", id, err)
				}
				usedBy, err := c.VersionsByID(ctx, id)
				if err != nil {
					return fmt.Errorf("getting the versions of schema %d: %w", id, err)
				}
				s.ID = id
				return a.show(schemaByID{Schema: s, UsedBy: usedBy}, func(t *tableOut) {
					var where []string
					for _, sv := range usedBy {
						where = append(where, fmt.Sprintf("%s v%d", sv.Subject, sv.Version))
					}
					t.row("ID", strconv.Itoa(id))
					schemaTable(t, &s)
					t.row("USED BY", strings.Join(where, ", "))
					t.text("\n%s\n", pretty(s.Type(), s.Schema))
				})
			}
			version := "latest"
			if len(args) == 2 {
				version = args[1]
			}
			s, err := c.Version(ctx, args[0], version, deleted)
			if err != nil {
				return fmt.Errorf("getting %s version %s: %w", args[0], version, err)
			}
			return a.show(s, func(t *tableOut) {
				t.row("SUBJECT", s.Subject)
				t.row("VERSION", strconv.Itoa(s.Version))
				t.row("ID", strconv.Itoa(s.ID))
				schemaTable(t, &s)
				t.text("\n%s\n", pretty(s.Type(), s.Schema))
			})
		},
	}
	cmd.Flags().BoolVar(&deleted, "deleted", false, "find soft-deleted versions too")
	cmd.Flags().IntVar(&id, "id", 0, "show the schema with this id instead")
	return cmd
}

// schemaTable writes the rows a version and a schema by id share.
func schemaTable(t *tableOut, s *client.Schema) {
	t.row("TYPE", s.Type())
	if len(s.References) > 0 {
		t.row("REFERENCES", formatReferences(s.References))
	}
	if len(s.Metadata) > 0 {
		t.row("METADATA", string(s.Metadata))
	}
	if len(s.RuleSet) > 0 {
		t.row("RULE SET", string(s.RuleSet))
	}
}

func formatReferences(refs []formats.Reference) string {
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = fmt.Sprintf("%s -> %s v%d", r.Name, r.Subject, r.Version)
	}
	return strings.Join(parts, ", ")
}

// registered is the result of register.
type registered struct {
	Subject string `json:"subject"`
	ID      int    `json:"id"`
}

func (a *app) registerCommand() *cobra.Command {
	var files schemaFileFlags
	var normalize bool
	cmd := &cobra.Command{
		Use:   "register SUBJECT FILE",
		Short: "Register the schema in FILE under SUBJECT (or find it there) and print its id",
		Args:  argsBetween(2, 2, "SUBJECT FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.registry()
			if err != nil {
				return err
			}
			subject, path := args[0], args[1]
			s, err := files.load(cmd.Context(), c, path)
			if err != nil {
				return err
			}
			id, err := c.Register(cmd.Context(), subject, client.NewSchemaRequest(s.schemaType, s.text, s.references), normalize)
			if err != nil {
				return fmt.Errorf("registering %s under %s: %w", path, subject, err)
			}
			return a.show(registered{Subject: subject, ID: id}, func(t *tableOut) {
				t.row("SUBJECT", "ID")
				t.row(subject, strconv.Itoa(id))
			})
		},
	}
	files.add(cmd.Flags())
	cmd.Flags().BoolVar(&normalize, "normalize", false, "normalize the schema before registering it")
	return cmd
}

// deletedVersions is the result of delete.
type deletedVersions struct {
	Subject   string `json:"subject"`
	Versions  []int  `json:"versions"`
	Permanent bool   `json:"permanent"`
}

func (a *app) deleteCommand() *cobra.Command {
	var permanent bool
	cmd := &cobra.Command{
		Use:   "delete SUBJECT [VERSION]",
		Short: "Delete a subject, or one version of it; softly unless --permanent",
		Long: `Delete a subject, or one version of it (a number or latest).

A soft delete hides the versions but keeps them (and their ids) in the
registry. --permanent removes them for good; registries allow that only
for versions soft-deleted before, so delete softly first.`,
		Args: argsBetween(1, 2, "SUBJECT [VERSION]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.registry()
			if err != nil {
				return err
			}
			subject := args[0]
			out := deletedVersions{Subject: subject, Permanent: permanent}
			if len(args) == 2 {
				v, err := c.DeleteVersion(cmd.Context(), subject, args[1], permanent)
				if err != nil {
					return fmt.Errorf("deleting %s version %s: %w", subject, args[1], err)
				}
				out.Versions = []int{v}
			} else {
				if out.Versions, err = c.DeleteSubject(cmd.Context(), subject, permanent); err != nil {
					return fmt.Errorf("deleting %s: %w", subject, err)
				}
			}
			return a.show(out, func(t *tableOut) {
				t.row("SUBJECT", "VERSION", "DELETED")
				how := "soft"
				if permanent {
					how = "permanently"
				}
				for _, v := range out.Versions {
					t.row(subject, strconv.Itoa(v), how)
				}
			})
		},
	}
	cmd.Flags().BoolVar(&permanent, "permanent", false, "delete for good (only soft-deleted versions)")
	return cmd
}
