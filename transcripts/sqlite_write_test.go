package transcripts

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestAppendPreparedChunks: events of several conversations in one request, more than
// one INSERT carries, keep their order and get consecutive Seqs per conversation; user
// text is redacted when prepared, the bot's is stored as it is.
func TestAppendPreparedChunks(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{1, 2, 4, 5, 9} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := openTest(t)
			var ps []Prepared
			for i := range n {
				kind, text := KindUser, fmt.Sprintf("message %d, call me on 07700 900123", i)
				if i%2 == 1 {
					kind, text = KindBot, fmt.Sprintf("reply %d: 07700 900123 is a number", i)
				}
				p, err := s.Prepare(Event{Conversation: fmt.Sprint("c", i%3), Channel: "rest", Kind: kind, Text: text, Sources: []string{"ashe", "soc"}})
				if err != nil {
					t.Fatal(err)
				}
				ps = append(ps, p)
			}
			var got []Event
			if err := s.Batch(ctx, func(tx *Tx) error {
				var err error
				got, err = tx.AppendPrepared(ps...)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(got) != n {
				t.Fatalf("%d events back, want %d", len(got), n)
			}
			for i, e := range got {
				if want := int64(i/3 + 1); e.Seq != want {
					t.Errorf("event %d (%s): seq %d, want %d", i, e.Conversation, e.Seq, want)
				}
				stored, err := s.EventsRange(ctx, e.Conversation, e.Seq, e.Seq)
				if err != nil || len(stored) != 1 {
					t.Fatalf("event %d: %v %v", i, stored, err)
				}
				st := stored[0]
				redacted := !strings.Contains(st.Text, "07700 900123")
				if (st.Kind == KindUser) != redacted || len(st.Sources) != 2 || st.Text != e.Text {
					t.Errorf("event %d stored as %+v", i, st)
				}
			}
		})
	}
	if _, err := openTest(t).Prepare(Event{Kind: KindUser, Text: "x"}); err == nil {
		t.Error("an event without a conversation was prepared")
	}
}

// TestPageSize: a new database gets the page size asked for (8192 by default); an
// existing one keeps its own; a bad size is refused.
func TestPageSize(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	pageSize := func(s *SQLite) int {
		var n int
		if err := s.ReadDB().QueryRowContext(ctx, `PRAGMA page_size`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	tests := []struct {
		file string
		ask  int
		want int
	}{
		{"default.db", 0, 8192},
		{"small.db", 4096, 4096},
		{"big.db", 16384, 16384},
		{"small.db", 16384, 4096}, // already there
	}
	for _, tc := range tests {
		s, err := OpenSQLite(ctx, filepath.Join(dir, tc.file), OpenOptions{PageSize: tc.ask})
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if _, err := s.Append(ctx, Event{Conversation: "x", Channel: "x", Kind: KindBot, Text: "hi"}); err != nil {
			t.Fatal(err)
		}
		var mode string
		s.ReadDB().QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode)
		if got := pageSize(s); got != tc.want || mode != "wal" {
			t.Errorf("%s asking %d: page size %d, journal %s; want %d, wal", tc.file, tc.ask, got, mode, tc.want)
		}
		s.Close()
	}
	if _, err := OpenSQLite(ctx, filepath.Join(dir, "odd.db"), OpenOptions{PageSize: 5000}); err == nil {
		t.Error("page size 5000 accepted")
	}
}

// TestGroupCommitGathers: writes from many goroutines at once share transactions (the
// writer yields while more are on their way), and each is still answered.
func TestGroupCommitGathers(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	const writers, per = 32, 20
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				if _, err := s.Append(ctx, Event{Conversation: fmt.Sprint("g", w), Channel: "rest", Kind: KindBot, Text: fmt.Sprint(i)}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	st := s.WriterStats()
	if st.Requests != writers*per {
		t.Fatalf("writer committed %d requests, want %d", st.Requests, writers*per)
	}
	if st.Transactions >= st.Requests {
		t.Errorf("%d requests in %d transactions: no group commit", st.Requests, st.Transactions)
	}
	t.Logf("%d requests in %d transactions", st.Requests, st.Transactions)
}
