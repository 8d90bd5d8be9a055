package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/goschemaregistry/registry/cmd/srctl/internal/client"
)

// globalLabel stands for the global setting in tables.
const globalLabel = "(global)"

// settingOf fetches the subject's own setting with get or, when it has
// none, the global one, saying which it returned. An empty subject asks
// for the global setting.
func settingOf[T any](ctx context.Context, subject string, get func(context.Context, string) (T, error)) (value T, fromGlobal bool, err error) {
	value, err = get(ctx, subject)
	if subject == "" || !client.IsNotFound(err) {
		return value, subject == "", err
	}
	value, err = get(ctx, "")
	return value, true, err
}

// setArgs splits the arguments of "set [SUBJECT] VALUE".
func setArgs(args []string) (subject, value string) {
	if len(args) == 2 {
		return args[0], args[1]
	}
	return "", args[0]
}

// subjectLabel names a subject in tables and messages.
func subjectLabel(subject string) string {
	if subject == "" {
		return globalLabel
	}
	return subject
}

// configView is a compatibility configuration as config shows it.
type configView struct {
	Subject string `json:"subject,omitempty"`
	// FromGlobal is set when the subject has no configuration of its own
	// (or none was asked for) and the global one is shown.
	FromGlobal bool          `json:"fromGlobal"`
	Config     client.Config `json:"config"`
}

func (a *app) showConfig(v configView) error {
	return a.show(v, func(t *tableOut) {
		setOn := "subject"
		if v.FromGlobal {
			setOn = "global"
		}
		t.row("SUBJECT", "COMPATIBILITY", "SET ON")
		t.row(subjectLabel(v.Subject), v.Config.Level(), setOn)
	})
}

func (a *app) configCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show or set the compatibility level, globally or of a subject",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "get [SUBJECT]",
		Short: "Show the compatibility level of SUBJECT (falling back to the global one) or the global one",
		Args:  argsBetween(0, 1, "[SUBJECT]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.registry()
			if err != nil {
				return err
			}
			subject := strings.Join(args, "")
			cfg, fromGlobal, err := settingOf(cmd.Context(), subject, c.Config)
			if err != nil {
				return fmt.Errorf("getting the configuration of %s: %w", subjectLabel(subject), err)
			}
			return a.showConfig(configView{Subject: subject, FromGlobal: fromGlobal, Config: cfg})
		},
	}, &cobra.Command{
		Use:   "set [SUBJECT] LEVEL",
		Short: "Set the compatibility level of SUBJECT, or the global one",
		Long: `Set the compatibility level of SUBJECT, or the global one: NONE, BACKWARD,
BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE.`,
		Args: argsBetween(1, 2, "[SUBJECT] LEVEL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.registry()
			if err != nil {
				return err
			}
			subject, level := setArgs(args)
			level = strings.ToUpper(level)
			if err := c.SetConfig(cmd.Context(), subject, client.Config{"compatibility": level}); err != nil {
				return fmt.Errorf("setting the compatibility level of %s: %w", subjectLabel(subject), err)
			}
			return a.showConfig(configView{Subject: subject, FromGlobal: subject == "", Config: client.Config{"compatibilityLevel": level}})
		},
	})
	return cmd
}

// modeView is a mode as mode shows it.
type modeView struct {
	Subject string `json:"subject,omitempty"`
	// FromGlobal is set when the subject has no mode of its own (or none
	// was asked for) and the global one is shown.
	FromGlobal bool   `json:"fromGlobal"`
	Mode       string `json:"mode"`
}

func (a *app) showMode(v modeView) error {
	return a.show(v, func(t *tableOut) {
		setOn := "subject"
		if v.FromGlobal {
			setOn = "global"
		}
		t.row("SUBJECT", "MODE", "SET ON")
		t.row(subjectLabel(v.Subject), v.Mode, setOn)
	})
}

func (a *app) modeCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mode",
		Short: "Show or set the mode, globally or of a subject",
	}
	var force bool
	set := &cobra.Command{
		Use:   "set [SUBJECT] MODE",
		Short: "Set the mode of SUBJECT, or the global one",
		Long: `Set the mode of SUBJECT, or the global one: READWRITE, READONLY,
READONLY_OVERRIDE or IMPORT. Registries enter IMPORT only when they (or the
subject) hold no schemas, unless --force.`,
		Args: argsBetween(1, 2, "[SUBJECT] MODE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.registry()
			if err != nil {
				return err
			}
			subject, mode := setArgs(args)
			mode, err = c.SetMode(cmd.Context(), subject, strings.ToUpper(mode), force)
			if err != nil {
				return fmt.Errorf("setting the mode of %s: %w", subjectLabel(subject), err)
			}
			return a.showMode(modeView{Subject: subject, FromGlobal: subject == "", Mode: mode})
		},
	}
	set.Flags().BoolVar(&force, "force", false, "enter IMPORT mode even though schemas are registered")
	cmd.AddCommand(&cobra.Command{
		Use:   "get [SUBJECT]",
		Short: "Show the mode of SUBJECT (falling back to the global one) or the global one",
		Args:  argsBetween(0, 1, "[SUBJECT]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.registry()
			if err != nil {
				return err
			}
			subject := strings.Join(args, "")
			mode, fromGlobal, err := settingOf(cmd.Context(), subject, c.Mode)
			if err != nil {
				return fmt.Errorf("getting the mode of %s: %w", subjectLabel(subject), err)
			}
			return a.showMode(modeView{Subject: subject, FromGlobal: fromGlobal, Mode: mode})
		},
	}, set)
	return cmd
}
