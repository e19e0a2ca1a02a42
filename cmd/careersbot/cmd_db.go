package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/careersbot/careersbot/bot/pgstore"
	"github.com/jackc/pgx/v5/pgxpool"
)

const dbUsage = `usage: careersbot db migrate|status [--config FILE]
  migrate  apply the pending PostgreSQL migrations (serve does it at start unless storage.migrate is false)
  status   list the migrations, applied or pending`

// runDB is `careersbot db`: the PostgreSQL schema's versioned migrations.
func runDB(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "migrate" && args[0] != "status") {
		return usageError{dbUsage}
	}
	sub := args[0]
	f, fs, _ := parseServeFlags("db "+sub, args[1:], stderr)
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected arguments %q\n%s", fs.Args(), dbUsage)}
	}
	cfg, err := resolveServeConfig(*f, os.Getenv)
	if err != nil {
		return err
	}
	if cfg.Storage.Driver != "postgres" {
		return fmt.Errorf("storage.driver is %s: SQLite creates its tables when opened, there is nothing to migrate (set storage.driver postgres and storage.dsn)", cfg.Storage.Driver)
	}
	pool, err := pgxpool.New(ctx, cfg.Storage.DSN)
	if err != nil {
		return fmt.Errorf("database %s: %w", redactDSN(cfg.Storage.DSN), err)
	}
	defer pool.Close()
	if sub == "migrate" {
		ran, err := pgstore.Migrate(ctx, pool)
		for _, m := range ran {
			fmt.Fprintf(stdout, "applied %04d_%s\n", m.Version, m.Name)
		}
		if err != nil {
			return err
		}
		if len(ran) == 0 {
			fmt.Fprintln(stdout, "up to date")
		}
		return nil
	}
	ms, unknown, err := pgstore.Status(ctx, pool)
	if err != nil {
		return err
	}
	for _, m := range ms {
		state := "pending"
		if !m.Applied.IsZero() {
			state = "applied " + m.Applied.UTC().Format("2006-01-02 15:04:05Z")
		}
		fmt.Fprintf(stdout, "%04d_%-20s %s\n", m.Version, m.Name, state)
	}
	for _, v := range unknown {
		fmt.Fprintf(stdout, "%04d %-21s applied by a newer careersbot\n", v, "(unknown)")
	}
	return nil
}
