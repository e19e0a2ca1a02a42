package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/careersbot/careersbot/adapters/console"
	"github.com/careersbot/careersbot/bot"
)

const advisersUsage = `usage:
  careersbot advisers add NAME [--display "Ann Smith"] [--role adviser|admin]   (password from standard input)
  careersbot advisers list [--json]
  careersbot advisers disable NAME
  careersbot advisers passwd NAME                                              (password from standard input)
The password is read from the first line of standard input (at least 10 characters);
it is hashed with argon2id and never stored. common flags: --config FILE, --data-dir DIR`

func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", usageError{"give the password on standard input, e.g. careersbot advisers add ann < password.txt"}
	}
	return pw, nil
}

func validAdviserName(name string) bool {
	if len(name) < 2 || len(name) > 64 || name == "api" {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func runAdvisers(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{advisersUsage}
	}
	sub, args := args[0], args[1:]
	var display, role string
	var asJSON bool
	switch sub {
	case "add", "list", "disable", "passwd":
	default:
		return usageError{fmt.Sprintf("unknown advisers command %q\n%s", sub, advisersUsage)}
	}
	store, rest, err := openStoreFor(ctx, "advisers "+sub, args, stderr, sub == "add", func(fs *flag.FlagSet) {
		switch sub {
		case "add":
			fs.StringVar(&display, "display", "", "the name the young person sees (default NAME)")
			fs.StringVar(&role, "role", bot.RoleAdviser, "adviser or admin (admins edit canned replies and read every conversation)")
		case "list":
			fs.BoolVar(&asJSON, "json", false, "print JSON")
		}
	})
	if err != nil {
		return err
	}
	defer store.Close()
	if sub == "list" {
		if len(rest) > 0 {
			return usageError{fmt.Sprintf("unexpected arguments %q", rest)}
		}
		list, err := store.Advisers(ctx)
		if err != nil {
			return err
		}
		if asJSON {
			if list == nil {
				list = []bot.Adviser{}
			}
			return writeJSON(stdout, list)
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tDISPLAY\tROLE\tSTATUS")
		for _, a := range list {
			status := "active"
			if a.Disabled {
				status = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Name, a.Display, a.Role, status)
		}
		return tw.Flush()
	}
	if len(rest) != 1 {
		return usageError{fmt.Sprintf("advisers %s needs one NAME\n%s", sub, advisersUsage)}
	}
	name := rest[0]
	switch sub {
	case "add":
		if !validAdviserName(name) {
			return usageError{fmt.Sprintf("adviser name %q: 2-64 of a-z 0-9 . _ - (not \"api\")", name)}
		}
		if role != bot.RoleAdviser && role != bot.RoleAdmin {
			return usageError{fmt.Sprintf("--role %q: want adviser or admin", role)}
		}
		if display == "" {
			display = name
		}
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		hash, err := console.HashPassword(pw)
		if err != nil {
			return usageError{err.Error()}
		}
		if err := store.AddAdviser(ctx, bot.Adviser{Name: name, Display: display, Role: role}, hash); err != nil {
			if errors.Is(err, bot.ErrAdviserExists) {
				return fmt.Errorf("adviser %q exists (use advisers passwd to change the password)", name)
			}
			return err
		}
		fmt.Fprintf(stdout, "added %s (%s)\n", name, role)
	case "passwd":
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		hash, err := console.HashPassword(pw)
		if err != nil {
			return usageError{err.Error()}
		}
		if err := store.SetAdviserPassword(ctx, name, hash); err != nil {
			if errors.Is(err, bot.ErrNoAdviser) {
				return fmt.Errorf("no adviser %q (see advisers list)", name)
			}
			return err
		}
		fmt.Fprintf(stdout, "password changed for %s; their sessions are ended\n", name)
	case "disable":
		if err := store.DisableAdviser(ctx, name); err != nil {
			if errors.Is(err, bot.ErrNoAdviser) {
				return fmt.Errorf("no adviser %q (see advisers list)", name)
			}
			return err
		}
		fmt.Fprintf(stdout, "disabled %s; their sessions are ended\n", name)
	}
	return nil
}
