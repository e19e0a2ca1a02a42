package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/transcripts"
)

func transcriptsCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := runTranscripts(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

func TestTranscriptsCommands(t *testing.T) {
	t.Setenv("CAREERSBOT_CONFIG", "")
	t.Setenv("CAREERSBOT_DB_PATH", "")
	t.Setenv("CAREERSBOT_EXPORT_SALT", "")
	dir := t.TempDir()
	ctx := context.Background()
	st, err := bot.OpenSQLiteStorage(ctx, filepath.Join(dir, "careersbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []transcripts.Event{
		{Conversation: "telegram:4242", Channel: "telegram", Kind: "user", Text: "my name is Sam, how much do nurses earn", Intent: "pay"},
		{Conversation: "telegram:4242", Channel: "telegram", Kind: "bot", Text: "About £35,000 (ONS, 2025)", Intent: "pay", Sources: []string{"ashe2025p"}},
		{Conversation: "telegram:4242", Channel: "telegram", Kind: "user", Text: "yes", Intent: "feedback", Feedback: "yes"},
		{Conversation: "webchat:abc", Channel: "webchat", Kind: "user", Text: "asdfgh", Intent: "unknown"},
		{Conversation: "webchat:abc", Channel: "webchat", Kind: "user", Text: "adviser please", Intent: "handoff", Handoff: true},
	} {
		if _, err := st.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	out, _, err := transcriptsCLI(t, "stats", "--json", "--data-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	var stats transcripts.Stats
	if err := json.Unmarshal([]byte(out), &stats); err != nil {
		t.Fatalf("stats --json: %v\n%s", err, out)
	}
	if stats.Conversations != 2 || stats.Messages != 4 || stats.FeedbackYes != 1 || stats.HandedOff != 1 || stats.FallbackRate != 0.25 {
		t.Errorf("stats %+v", stats)
	}
	out, _, err = transcriptsCLI(t, "stats", "--data-dir", dir)
	if err != nil || !strings.Contains(out, "fallback rate       25.0%") || !strings.Contains(out, "handed off          1 (50.0% of conversations)") {
		t.Errorf("stats text: %v\n%s", err, out)
	}

	out, _, err = transcriptsCLI(t, "export", "--since", "2000-01-01", "--salt", "pepper", "--data-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 || strings.Contains(out, "4242") || strings.Contains(out, "webchat:abc") || strings.Contains(out, "Sam") {
		t.Errorf("export leaks or loses events:\n%s", out)
	}
	if !strings.Contains(out, transcripts.Anonymise("telegram:4242", "pepper")) {
		t.Errorf("export lacks the salted key")
	}
	out, errOut, err := transcriptsCLI(t, "export", "--since", "2000-01-01", "--format", "csv", "--data-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	if recs, err := csv.NewReader(strings.NewReader(out)).ReadAll(); err != nil || len(recs) != 6 || recs[0][0] != "conversation" {
		t.Errorf("csv export: %v %d records", err, len(recs))
	}
	if !strings.Contains(errOut, "no export salt") {
		t.Errorf("no warning without a salt: %q", errOut)
	}

	out, _, err = transcriptsCLI(t, "erase", "telegram:4242", "--data-dir", dir)
	if err != nil || !strings.Contains(out, "erased telegram:4242") {
		t.Fatalf("erase: %v %s", err, out)
	}
	out, _, _ = transcriptsCLI(t, "stats", "--json", "--data-dir", dir)
	json.Unmarshal([]byte(out), &stats)
	if stats.Conversations != 1 || stats.Messages != 2 {
		t.Errorf("after erase: %+v", stats)
	}
	if _, _, err := transcriptsCLI(t, "erase", "telegram:nobody", "--data-dir", dir); !errors.Is(err, transcripts.ErrNotFound) {
		t.Errorf("erase unknown: %v", err)
	}

	var ue usageError
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"export", "--data-dir", dir},
		{"export", "--since", "last tuesday", "--data-dir", dir},
		{"export", "--since", "2000-01-01", "--format", "xml", "--data-dir", dir},
		{"erase", "--data-dir", dir},
	} {
		if _, _, err := transcriptsCLI(t, args...); !errors.As(err, &ue) {
			t.Errorf("%q: want a usage error, got %v", args, err)
		}
	}
	if _, _, err := transcriptsCLI(t, "stats", "--data-dir", filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "no database") {
		t.Errorf("missing database: %v", err)
	}
}
