package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/careersbot/careersbot/adapters/console"
	"github.com/careersbot/careersbot/bot"
)

func advisersCLI(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := runAdvisers(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), err
}

func TestAdvisersCommands(t *testing.T) {
	t.Setenv("CAREERSBOT_CONFIG", "")
	t.Setenv("CAREERSBOT_DB_PATH", "")
	dir := t.TempDir()
	if out, err := advisersCLI(t, "a-long-password-1\n", "add", "--data-dir", dir, "--display", "Ann Smith", "--role", "admin", "ann"); err != nil || !strings.Contains(out, "added ann (admin)") {
		t.Fatalf("add: %q %v", out, err)
	}
	if _, err := advisersCLI(t, "another-password\n", "add", "--data-dir", dir, "ann"); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("add twice: %v", err)
	}
	for _, tc := range []struct {
		stdin string
		args  []string
	}{
		{"short\n", []string{"add", "--data-dir", dir, "bob"}},
		{"", []string{"add", "--data-dir", dir, "bob"}},
		{"a-long-password-1\n", []string{"add", "--data-dir", dir, "Bob Smith"}},
		{"a-long-password-1\n", []string{"add", "--data-dir", dir, "--role", "boss", "bob"}},
		{"", []string{"frob"}},
		{"", []string{"disable", "--data-dir", dir}},
	} {
		if _, err := advisersCLI(t, tc.stdin, tc.args...); err == nil {
			t.Errorf("%q: no error", tc.args)
		} else if _, ok := err.(usageError); !ok {
			t.Errorf("%q: %v is not a usage error", tc.args, err)
		}
	}
	if _, err := advisersCLI(t, "new-long-password\n", "passwd", "--data-dir", dir, "ann"); err != nil {
		t.Fatal(err)
	}
	if _, err := advisersCLI(t, "new-long-password\n", "passwd", "--data-dir", dir, "nobody"); err == nil {
		t.Error("passwd for nobody: no error")
	}
	st, err := bot.OpenSQLiteStorage(context.Background(), filepath.Join(dir, "careersbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, hash, ok, err := st.AdviserByName(context.Background(), "ann")
	st.Close()
	if !ok || err != nil || strings.Contains(hash, "new-long-password") {
		t.Fatalf("stored hash %q %v", hash, err)
	}
	if good, _ := console.CheckPassword(hash, "new-long-password"); !good {
		t.Error("the new password does not check")
	}
	if out, err := advisersCLI(t, "", "disable", "--data-dir", dir, "ann"); err != nil || !strings.Contains(out, "disabled ann") {
		t.Errorf("disable: %q %v", out, err)
	}
	if out, err := advisersCLI(t, "", "list", "--data-dir", dir); err != nil || !strings.Contains(out, "Ann Smith") || !strings.Contains(out, "disabled") {
		t.Errorf("list: %q %v", out, err)
	}
	if out, err := advisersCLI(t, "", "list", "--json", "--data-dir", dir); err != nil || !strings.Contains(out, `"role": "admin"`) && !strings.Contains(out, `"role":"admin"`) {
		t.Errorf("list --json: %q %v", out, err)
	}
}
