package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/careersbot/careersbot/bot"
)

const apikeysUsage = `usage:
  careersbot apikeys add NAME        make a key for a careers service's app (the key is shown once)
  careersbot apikeys list [--json]
  careersbot apikeys revoke ID
common flags: --config FILE, --data-dir DIR (as for serve)`

// openStoreFor opens the service's database for an admin command: the SQLite file
// (created when create is set: keys and accounts may be made before the first serve)
// or PostgreSQL (its migrations applied unless storage.migrate is false).
func openStoreFor(ctx context.Context, name string, args []string, stderr io.Writer, create bool, extra func(fs *flag.FlagSet)) (serveStorage, []string, error) {
	f, fs, _ := parseServeFlags(name, args, stderr)
	if extra != nil {
		extra(fs)
	}
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return nil, nil, usageError{err.Error()}
	}
	cfg, err := resolveServeConfig(*f, os.Getenv)
	if err != nil {
		return nil, nil, err
	}
	if !create && cfg.Storage.Driver != "postgres" {
		if _, err := os.Stat(cfg.Storage.Path); err != nil {
			return nil, nil, fmt.Errorf("no database at %s (set --data-dir or --config): %w", cfg.Storage.Path, err)
		}
	}
	store, err := openStorage(ctx, cfg, cfg.Storage.Migrate)
	if err != nil {
		return nil, nil, err
	}
	return store, rest, nil
}

func runAPIKeys(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{apikeysUsage}
	}
	sub, args := args[0], args[1:]
	var asJSON bool
	switch sub {
	case "add", "revoke", "list":
	default:
		return usageError{fmt.Sprintf("unknown apikeys command %q\n%s", sub, apikeysUsage)}
	}
	store, rest, err := openStoreFor(ctx, "apikeys "+sub, args, stderr, sub == "add", func(fs *flag.FlagSet) {
		if sub == "list" {
			fs.BoolVar(&asJSON, "json", false, "print JSON")
		}
	})
	if err != nil {
		return err
	}
	defer store.Close()
	switch sub {
	case "add":
		name := strings.TrimSpace(strings.Join(rest, " "))
		if name == "" {
			return usageError{"apikeys add needs a name for the app, e.g. \"Leeds careers app\"\n" + apikeysUsage}
		}
		token, k, err := store.CreateAPIKey(ctx, name)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "API key %s for %q. Give the app this key (it is not stored and will not be shown again):\n", k.ID, k.Name)
		fmt.Fprintln(stdout, token)
		return nil
	case "revoke":
		if len(rest) != 1 {
			return usageError{"apikeys revoke needs one key id (see apikeys list)\n" + apikeysUsage}
		}
		if err := store.RevokeAPIKey(ctx, rest[0]); err != nil {
			if errors.Is(err, bot.ErrNoAPIKey) {
				return fmt.Errorf("no API key %q (see apikeys list)", rest[0])
			}
			return err
		}
		fmt.Fprintf(stdout, "revoked %s\n", rest[0])
		return nil
	default:
		if len(rest) > 0 {
			return usageError{fmt.Sprintf("unexpected arguments %q", rest)}
		}
		keys, err := store.APIKeys(ctx)
		if err != nil {
			return err
		}
		if asJSON {
			if keys == nil {
				keys = []bot.APIKey{}
			}
			return writeJSON(stdout, keys)
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tCREATED\tSTATUS")
		for _, k := range keys {
			status := "active"
			if !k.Active() {
				status = "revoked " + k.Revoked.Format("2006-01-02")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Created.Format("2006-01-02 15:04"), status)
		}
		return tw.Flush()
	}
}
