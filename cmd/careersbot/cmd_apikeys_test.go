package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/careersbot/careersbot/bot"
)

func adminCLI(t *testing.T, run func(context.Context, []string, io.Reader, io.Writer, io.Writer) error, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

func TestAPIKeysCommands(t *testing.T) {
	t.Setenv("CAREERSBOT_CONFIG", "")
	t.Setenv("CAREERSBOT_DB_PATH", "")
	dir := t.TempDir()
	if _, _, err := adminCLI(t, runAPIKeys, "list", "--data-dir", dir); err == nil {
		t.Error("list without a database should fail")
	}
	token, msg, err := adminCLI(t, runAPIKeys, "add", "--data-dir", dir, "Leeds", "app")
	if err != nil || !strings.HasPrefix(token, "cbk_") || !strings.Contains(msg, `"Leeds app"`) {
		t.Fatalf("add: %q %q %v", token, msg, err)
	}
	id := strings.Split(token, "_")[1]
	out, _, err := adminCLI(t, runAPIKeys, "list", "--data-dir", dir)
	if err != nil || !strings.Contains(out, id) || !strings.Contains(out, "active") || strings.Contains(out, strings.TrimSpace(token)) {
		t.Errorf("list: %q %v", out, err)
	}
	if _, _, err := adminCLI(t, runAPIKeys, "revoke", "--data-dir", dir, "0000000z"); err == nil || !strings.Contains(err.Error(), "no API key") {
		t.Errorf("revoke unknown: %v", err)
	}
	if out, _, err := adminCLI(t, runAPIKeys, "revoke", "--data-dir", dir, id); err != nil || !strings.Contains(out, "revoked") {
		t.Errorf("revoke: %q %v", out, err)
	}
	out, _, err = adminCLI(t, runAPIKeys, "list", "--json", "--data-dir", dir)
	if err != nil || !strings.Contains(out, `"revoked"`) {
		t.Errorf("list --json after revoke: %q %v", out, err)
	}
	for _, args := range [][]string{{}, {"frob"}, {"add", "--data-dir", dir}, {"revoke", "--data-dir", dir}} {
		if _, _, err := adminCLI(t, runAPIKeys, args...); err == nil {
			t.Errorf("apikeys %q: no error", args)
		} else if _, ok := err.(usageError); !ok {
			t.Errorf("apikeys %q: %v is not a usage error", args, err)
		}
	}
	_ = bot.APIKey{}
}
