package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/careersbot/careersbot/transcripts"
)

const transcriptsUsage = `usage:
  careersbot transcripts export --since DATE [--format jsonl|csv] [--salt SALT]
  careersbot transcripts erase CHANNEL:CONVERSATION
  careersbot transcripts stats [--since DATE] [--json]
common flags: --config FILE, --data-dir DIR (as for serve)`

// parseSince reads a date (2026-01-31) or an RFC 3339 time.
func parseSince(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--since %q: want a date like 2026-01-31", s)
	}
	return t, nil
}

func runTranscripts(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{transcriptsUsage}
	}
	sub, args := args[0], args[1:]
	f, fs, _ := parseServeFlags("transcripts "+sub, args, stderr)
	var since, format, salt string
	var asJSON bool
	switch sub {
	case "export":
		fs.StringVar(&since, "since", "", "export events from this date (YYYY-MM-DD)")
		fs.StringVar(&format, "format", "jsonl", "jsonl or csv")
		fs.StringVar(&salt, "salt", "", "salt for hashing conversation keys (default transcripts.export_salt)")
	case "stats":
		fs.StringVar(&since, "since", "", "count events from this date (YYYY-MM-DD); default all")
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	case "erase":
	default:
		return usageError{fmt.Sprintf("unknown transcripts command %q\n%s", sub, transcriptsUsage)}
	}
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return usageError{err.Error()}
	}
	cfg, err := resolveServeConfig(*f, os.Getenv)
	if err != nil {
		return err
	}
	from, err := parseSince(since)
	if err != nil {
		return usageError{err.Error()}
	}
	if sub == "export" && since == "" {
		return usageError{"export needs --since DATE\n" + transcriptsUsage}
	}
	if sub == "erase" && len(rest) != 1 {
		return usageError{"erase needs one conversation key, e.g. webchat:3f2a...\n" + transcriptsUsage}
	}
	if sub != "erase" && len(rest) > 0 {
		return usageError{fmt.Sprintf("unexpected arguments %q", rest)}
	}
	if cfg.Storage.Driver == "sqlite" {
		if _, err := os.Stat(cfg.Storage.Path); err != nil {
			return fmt.Errorf("no database at %s (set --data-dir or --config): %w", cfg.Storage.Path, err)
		}
	}
	store, err := openStorage(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer store.Close()
	switch sub {
	case "export":
		if salt == "" {
			salt = cfg.Transcripts.ExportSalt
		}
		if salt == "" {
			b := make([]byte, 16)
			rand.Read(b)
			salt = hex.EncodeToString(b)
			fmt.Fprintln(stderr, "warning: no export salt configured (transcripts.export_salt); using a random one, so keys will not match other exports")
		}
		ew, err := transcripts.NewExportWriter(stdout, format, salt)
		if err != nil {
			return usageError{err.Error()}
		}
		if err := store.Each(ctx, from, ew.Write); err != nil {
			return err
		}
		return ew.Flush()
	case "erase":
		key := rest[0]
		if _, err := store.LastSeq(ctx, key); err != nil {
			return fmt.Errorf("conversation %q: %w", key, err)
		}
		if err := store.EraseConversation(ctx, key); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "erased %s\n", key)
		return nil
	default:
		st, err := store.Stats(ctx, from)
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(stdout, st)
		}
		printStats(stdout, st)
		return nil
	}
}

func printStats(w io.Writer, st transcripts.Stats) {
	if !st.Since.IsZero() {
		fmt.Fprintf(w, "since %s\n", st.Since.Format("2006-01-02"))
	}
	fmt.Fprintf(w, "conversations       %d\n", st.Conversations)
	fmt.Fprintf(w, "messages            %d\n", st.Messages)
	fmt.Fprintf(w, "bot replies         %d\n", st.BotReplies)
	fmt.Fprintf(w, "adviser messages    %d\n", st.AdviserMessages)
	fmt.Fprintf(w, "fallback rate       %.1f%%\n", st.FallbackRate*100)
	fmt.Fprintf(w, "handed off          %d (%.1f%% of conversations)\n", st.HandedOff, st.HandoffRate*100)
	fmt.Fprintf(w, "safeguarding flags  %d\n", st.SafeguardingFlags)
	fmt.Fprintf(w, "helpful yes / no    %d / %d\n", st.FeedbackYes, st.FeedbackNo)
	names := make([]string, 0, len(st.Intents))
	for k := range st.Intents {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		if st.Intents[names[i]] != st.Intents[names[j]] {
			return st.Intents[names[i]] > st.Intents[names[j]]
		}
		return names[i] < names[j]
	})
	hs := st.Handoffs
	fmt.Fprintln(w, "handoffs by trigger:")
	for _, k := range sortedKeys(hs.ByTrigger) {
		fmt.Fprintf(w, "  %-14s %d\n", k, hs.ByTrigger[k])
	}
	fmt.Fprintf(w, "claimed from queue  %d (wait p50 %.1f min, p90 %.1f min)\n", hs.Claimed, float64(hs.WaitP50MS)/60000, float64(hs.WaitP90MS)/60000)
	fmt.Fprintf(w, "abandoned in queue  %d\n", hs.Abandoned)
	fmt.Fprintf(w, "expired in queue    %d\n", hs.Expired)
	fmt.Fprintln(w, "resolved by outcome:")
	for _, k := range sortedKeys(hs.ResolvedByOutcome) {
		fmt.Fprintf(w, "  %-14s %d\n", k, hs.ResolvedByOutcome[k])
	}
	fmt.Fprintf(w, "out of hours        %d asked, %d messages left, %d answered\n", hs.OutOfHours, hs.MessagesLeftOutOfHours, hs.MessagesAnswered)
	fmt.Fprintf(w, "review flags        %d check-ins flagged, %d reviews\n", hs.ReviewFlags, hs.Reviewed)
	fmt.Fprintln(w, "intents:")
	for _, k := range names {
		fmt.Fprintf(w, "  %-14s %d\n", k, st.Intents[k])
	}
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var _ = flag.ErrHelp
