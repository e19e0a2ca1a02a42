package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/careersbot/careersbot/adapters/console"
	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/bot/pgstore"
	"github.com/careersbot/careersbot/bot/pgstore/pgtest"
)

// TestAdminCommandsOnPostgres: with storage.driver postgres, `advisers` and `apikeys`
// keep accounts and keys in PostgreSQL (migrating an empty database first), where
// every instance's console and REST channel find them.
func TestAdminCommandsOnPostgres(t *testing.T) {
	dsn := pgtest.DSN(t)
	t.Setenv("CAREERSBOT_CONFIG", "")
	t.Setenv("CAREERSBOT_STORAGE", "postgres")
	t.Setenv("CAREERSBOT_DB_DSN", dsn)
	ctx := context.Background()
	run := func(f func(context.Context, []string, *strings.Reader, *bytes.Buffer, *bytes.Buffer) error, stdin string, args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := f(ctx, args, strings.NewReader(stdin), &out, &errb)
		return out.String(), err
	}
	advisers := func(ctx context.Context, a []string, in *strings.Reader, out, errb *bytes.Buffer) error {
		return runAdvisers(ctx, a, in, out, errb)
	}
	apikeys := func(ctx context.Context, a []string, in *strings.Reader, out, errb *bytes.Buffer) error {
		return runAPIKeys(ctx, a, in, out, errb)
	}
	if out, err := run(advisers, "a-long-password-1\n", "add", "--display", "Ann Smith", "--role", "admin", "ann"); err != nil || !strings.Contains(out, "added ann (admin)") {
		t.Fatalf("advisers add on an empty database: %q %v", out, err)
	}
	if _, err := run(advisers, "a-long-password-1\n", "add", "ann"); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("add twice: %v", err)
	}
	if _, err := run(advisers, "new-long-password\n", "passwd", "ann"); err != nil {
		t.Fatal(err)
	}
	if _, err := run(advisers, "", "disable", "nobody"); err == nil {
		t.Fatal("disable nobody: no error")
	}
	token, err := run(apikeys, "", "add", "Leeds careers app")
	if err != nil || !strings.HasPrefix(token, "cbk_") {
		t.Fatalf("apikeys add: %q %v", token, err)
	}
	token = strings.TrimSpace(token)

	st, err := pgstore.Open(ctx, dsn, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, hash, ok, err := st.AdviserByName(ctx, "ann")
	if err != nil || !ok || a.Display != "Ann Smith" || a.Role != bot.RoleAdmin {
		t.Fatalf("ann in PostgreSQL: %+v %v %v", a, ok, err)
	}
	if good, _ := console.CheckPassword(hash, "new-long-password"); !good {
		t.Fatal("the new password does not check against the stored hash")
	}
	k, ok, err := bot.CheckAPIToken(ctx, st, token)
	if err != nil || !ok || k.Name != "Leeds careers app" {
		t.Fatalf("the key in PostgreSQL: %+v %v %v", k, ok, err)
	}
	if out, err := run(apikeys, "", "revoke", k.ID); err != nil || !strings.Contains(out, "revoked") {
		t.Fatalf("revoke: %q %v", out, err)
	}
	if _, ok, _ := bot.CheckAPIToken(ctx, st, token); ok {
		t.Fatal("a revoked key still works")
	}
	if out, err := run(apikeys, "", "list"); err != nil || !strings.Contains(out, "revoked") || !strings.Contains(out, k.ID) {
		t.Fatalf("apikeys list: %q %v", out, err)
	}
	if out, err := run(advisers, "", "list", "--json"); err != nil || !strings.Contains(out, `"name": "ann"`) {
		t.Fatalf("advisers list: %q %v", out, err)
	}
}
