package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/goschemaregistry/registry/cmd/srctl/internal/archive"
	"github.com/goschemaregistry/registry/cmd/srctl/internal/client"
)

// modeImport is the mode in which a registry accepts schemas with their
// ids and versions.
const modeImport = "IMPORT"

func (a *app) importCommand() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "import DIR",
		Short: "Restore an export into the registry, keeping ids and versions",
		Long: `Restore what "srctl export" wrote to DIR: the registry is put in IMPORT mode,
every version is registered with its id and version number (each after the
schemas it references), the soft-deleted ones are deleted again, the configs
and subject modes are restored, and the global mode is set to the exported
one (or, when the export has none, back to what it was).

Registries enter IMPORT mode only when they hold no schemas; --force imports
into a registry that does, as long as no id or version is taken by another
schema.`,
		Args: argsBetween(1, 1, "DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.registry()
			if err != nil {
				return err
			}
			dir := args[0]
			m, err := archive.Read(dir)
			if err != nil {
				return err
			}
			if err := a.restore(cmd.Context(), c, dir, m, force); err != nil {
				return fmt.Errorf("importing: %w", err)
			}
			return a.showSummary("imported", dir, m)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "import into a registry that already holds schemas")
	return cmd
}

// restore imports the manifest's versions, configs and modes. On failure
// the registry's global mode is set back to what it was.
func (a *app) restore(ctx context.Context, c *client.Client, dir string, m *archive.Manifest, force bool) (err error) {
	order, err := m.ImportOrder()
	if err != nil {
		return err
	}
	previousMode, err := c.Mode(ctx, "")
	if err != nil {
		return fmt.Errorf("global mode: %w", err)
	}
	if previousMode != modeImport {
		if _, err := c.SetMode(ctx, "", modeImport, force); err != nil {
			if client.HasCode(err, client.CodeOperationNotPermitted) && !force {
				return fmt.Errorf("entering IMPORT mode: %w; import into an empty registry, or pass --force", err)
			}
			return fmt.Errorf("entering IMPORT mode: %w", err)
		}
		defer func() {
			if err != nil {
				if _, restoreErr := c.SetMode(context.WithoutCancel(ctx), "", previousMode, false); restoreErr != nil {
					err = errors.Join(err, fmt.Errorf("setting the global mode back to %s: %w", previousMode, restoreErr))
				}
			}
		}()
	}

	progress := a.newProgress("imported versions", len(order))
	for _, e := range order {
		if err := importVersion(ctx, c, dir, e); err != nil {
			return fmt.Errorf("subject %s version %d: %w", e.Subject, e.Number, err)
		}
		progress.step()
	}
	// Referrers go first, so that no deleted version is still referenced
	// by a live one when it goes.
	for _, e := range slices.Backward(order) {
		if !e.Deleted {
			continue
		}
		if _, err := c.DeleteVersion(ctx, e.Subject, strconv.Itoa(e.Number), false); err != nil {
			return fmt.Errorf("soft-deleting subject %s version %d: %w", e.Subject, e.Number, err)
		}
	}
	return restoreSettings(ctx, c, m, previousMode)
}

// importVersion registers one version with its id and version number.
func importVersion(ctx context.Context, c *client.Client, dir string, e archive.Entry) error {
	text, err := archive.ReadSchema(dir, e.File)
	if err != nil {
		return err
	}
	req := client.NewSchemaRequest(e.SchemaType, text, e.References)
	req.ID, req.Version = e.ID, e.Number
	req.Metadata, req.RuleSet = rawJSON(e.Metadata), rawJSON(e.RuleSet)
	id, err := c.Register(ctx, e.Subject, req, false)
	if err != nil {
		return err
	}
	if id != e.ID {
		return fmt.Errorf("the registry gave it id %d instead of %d", id, e.ID)
	}
	return nil
}

func rawJSON(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

// restoreSettings restores the configs, then the subject modes, then the
// global mode: a read-only mode set earlier would refuse the later writes.
func restoreSettings(ctx context.Context, c *client.Client, m *archive.Manifest, previousMode string) error {
	for _, s := range m.Subjects {
		if s.Config == nil {
			continue
		}
		if err := c.SetConfig(ctx, s.Name, client.Config(s.Config).AsUpdate()); err != nil {
			return fmt.Errorf("config of subject %s: %w", s.Name, err)
		}
	}
	if m.Config != nil {
		if err := c.SetConfig(ctx, "", client.Config(m.Config).AsUpdate()); err != nil {
			return fmt.Errorf("global config: %w", err)
		}
	}
	for _, s := range m.Subjects {
		if s.Mode == "" {
			continue
		}
		if _, err := c.SetMode(ctx, s.Name, s.Mode, false); err != nil {
			return fmt.Errorf("mode of subject %s: %w", s.Name, err)
		}
	}
	mode := m.Mode
	if mode == "" {
		mode = previousMode
	}
	if _, err := c.SetMode(ctx, "", mode, false); err != nil {
		return fmt.Errorf("global mode: %w", err)
	}
	return nil
}
