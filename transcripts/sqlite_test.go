package transcripts

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func openTest(t testing.TB) *SQLite {
	t.Helper()
	s, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "db", "careersbot.db"), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestAppendAssignsSeqAndRedacts(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	tests := []struct {
		kind, text, want string
	}{
		{KindUser, "my name is Sam, ring 07700 900123", "my name is [name], ring [phone]"},
		{KindBot, "Childline is free on 0800 1111 1111", "Childline is free on 0800 1111 1111"},
		{KindAdviser, "email me at adviser@example.org", "email me at [email]"},
		{KindSystem, "An adviser will reply soon.", "An adviser will reply soon."},
	}
	for i, tc := range tests {
		e, err := s.Append(ctx, Event{Conversation: "rest:a", Channel: "rest", Kind: tc.kind, Text: tc.text, Sources: []string{"ashe2025p", "soc2020"}})
		if err != nil {
			t.Fatal(err)
		}
		if e.Seq != int64(i+1) {
			t.Errorf("event %d: seq %d", i, e.Seq)
		}
	}
	evs, err := s.EventsAfter(ctx, "rest:a", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != len(tests) {
		t.Fatalf("got %d events, want %d", len(evs), len(tests))
	}
	for i, tc := range tests {
		if evs[i].Text != tc.want {
			t.Errorf("event %d: text %q, want %q", i, evs[i].Text, tc.want)
		}
		if evs[i].Kind != tc.kind || len(evs[i].Sources) != 2 {
			t.Errorf("event %d: %+v", i, evs[i])
		}
	}
	evs, _ = s.EventsAfter(ctx, "rest:a", 2, 1)
	if len(evs) != 1 || evs[0].Seq != 3 {
		t.Errorf("EventsAfter(2, limit 1) = %+v", evs)
	}
	if evs, err := s.EventsAfter(ctx, "rest:none", 0, 0); err != nil || len(evs) != 0 {
		t.Errorf("unknown conversation: %v %v", evs, err)
	}
	if _, err := s.LastSeq(ctx, "rest:none"); !errors.Is(err, ErrNotFound) {
		t.Errorf("LastSeq unknown: %v", err)
	}
}

func TestConcurrentAppendsKeepOrder(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	const convs, per = 8, 50
	var wg sync.WaitGroup
	for c := range convs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				if _, err := s.Append(ctx, Event{Conversation: fmt.Sprint("c", c), Channel: "rest", Kind: KindUser, Text: fmt.Sprint(i)}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for c := range convs {
		evs, err := s.EventsAfter(ctx, fmt.Sprint("c", c), 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != per {
			t.Fatalf("conversation %d: %d events", c, len(evs))
		}
		for i, e := range evs {
			if e.Seq != int64(i+1) || e.Text != fmt.Sprint(i) {
				t.Fatalf("conversation %d event %d: seq %d text %q", c, i, e.Seq, e.Text)
			}
		}
	}
}

func TestBatchFailureIsolated(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	boom := errors.New("boom")
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Batch(ctx, func(tx *Tx) error {
				if _, err := tx.Append(Event{Conversation: fmt.Sprint("b", i), Channel: "rest", Kind: KindUser, Text: "x"}); err != nil {
					return err
				}
				if i%2 == 1 {
					return boom
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		evs, _ := s.EventsAfter(ctx, fmt.Sprint("b", i), 0, 0)
		if i%2 == 1 {
			if !errors.Is(err, boom) || len(evs) != 0 {
				t.Errorf("request %d: err %v, %d events; want boom and none", i, err, len(evs))
			}
		} else if err != nil || len(evs) != 1 {
			t.Errorf("request %d: err %v, %d events", i, err, len(evs))
		}
	}
}

func TestEraseRetentionAndReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	s, err := OpenSQLite(ctx, path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-100 * 24 * time.Hour)
	for _, e := range []Event{
		{Conversation: "x:old", Channel: "x", Kind: KindUser, Text: "old", Time: old},
		{Conversation: "x:new", Channel: "x", Kind: KindUser, Text: "hello"},
		{Conversation: "x:new", Channel: "x", Kind: KindBot, Text: "hi"},
		{Conversation: "x:gone", Channel: "x", Kind: KindUser, Text: "secret"},
	} {
		if _, err := s.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.DeleteBefore(ctx, time.Now().Add(-90*24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("DeleteBefore = %d, %v; want 1", n, err)
	}
	if err := s.Erase(ctx, "x:gone"); err != nil {
		t.Fatal(err)
	}
	if err := s.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = OpenSQLite(ctx, path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if evs, _ := s.EventsAfter(ctx, "x:old", 0, 0); len(evs) != 0 {
		t.Errorf("retention left %v", evs)
	}
	if evs, _ := s.EventsAfter(ctx, "x:gone", 0, 0); len(evs) != 0 {
		t.Errorf("erase left %v", evs)
	}
	if evs, _ := s.EventsAfter(ctx, "x:new", 0, 0); len(evs) != 2 {
		t.Errorf("reopen: %v", evs)
	}
	// Erased conversations keep counting so a resuming client never sees a seq twice.
	e, err := s.Append(ctx, Event{Conversation: "x:gone", Channel: "x", Kind: KindSystem, Text: "deleted"})
	if err != nil || e.Seq != 2 {
		t.Errorf("append after erase: seq %d, %v; want 2", e.Seq, err)
	}
	// The kept counter does not name the conversation; retention keeps it until its time.
	var leaks int
	s.ReadDB().QueryRow(`SELECT COUNT(*) FROM erased_seqs WHERE key_hash LIKE '%gone%'`).Scan(&leaks)
	if leaks != 0 {
		t.Error("erased_seqs holds the conversation key")
	}
	if err := s.Erase(ctx, "x:gone"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteBefore(ctx, time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if last, err := s.LastSeq(ctx, "x:gone"); err != nil || last != 2 {
		t.Errorf("LastSeq after erase and retention = %d, %v; want 2", last, err)
	}
	if _, err := s.DeleteBefore(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LastSeq(ctx, "x:gone"); !errors.Is(err, ErrNotFound) {
		t.Errorf("LastSeq after the counter's retention: %v", err)
	}
}

func TestStatsAndExport(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	add := func(e Event) {
		t.Helper()
		if _, err := s.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	add(Event{Conversation: "rest:a", Channel: "rest", Kind: KindUser, Text: "how much do nurses earn", Intent: "pay"})
	add(Event{Conversation: "rest:a", Channel: "rest", Kind: KindBot, Text: "=£35,000", Intent: "pay", Sources: []string{"ashe2025p"}})
	add(Event{Conversation: "rest:a", Channel: "rest", Kind: KindUser, Text: "yes", Intent: "feedback", Feedback: FeedbackYes})
	add(Event{Conversation: "rest:b", Channel: "rest", Kind: KindUser, Text: "blah", Intent: "unknown"})
	add(Event{Conversation: "rest:b", Channel: "rest", Kind: KindUser, Text: "I want to hurt myself", Intent: "safeguarding", Safeguarding: true, Handoff: true})
	add(Event{Conversation: "rest:b", Channel: "rest", Kind: KindUser, Text: "no", Intent: "feedback", Feedback: FeedbackNo})
	st, err := s.Stats(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Conversations != 2 || st.Messages != 5 || st.BotReplies != 1 || st.HandedOff != 1 || st.SafeguardingFlags != 1 ||
		st.FeedbackYes != 1 || st.FeedbackNo != 1 || st.Intents["feedback"] != 2 {
		t.Errorf("stats %+v", st)
	}
	if st.FallbackRate != 0.2 || st.HandoffRate != 0.5 || st.HelpfulRate != 0.5 {
		t.Errorf("rates %+v", st)
	}

	for _, format := range []string{"jsonl", "csv"} {
		var buf bytes.Buffer
		ew, err := NewExportWriter(&buf, format, "pepper")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Each(ctx, time.Time{}, ew.Write); err != nil {
			t.Fatal(err)
		}
		if err := ew.Flush(); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if strings.Contains(out, "rest:a") || strings.Contains(out, "rest:b") {
			t.Errorf("%s export leaks conversation keys:\n%s", format, out)
		}
		if !strings.Contains(out, Anonymise("rest:a", "pepper")) {
			t.Errorf("%s export lacks the hashed key", format)
		}
		switch format {
		case "jsonl":
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 6 {
				t.Fatalf("jsonl: %d lines", len(lines))
			}
			var x ExportedEvent
			if err := json.Unmarshal([]byte(lines[1]), &x); err != nil || x.Seq != 2 || x.Sources[0] != "ashe2025p" {
				t.Errorf("jsonl line 2: %+v %v", x, err)
			}
		case "csv":
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || len(recs) != 7 {
				t.Fatalf("csv: %d records, %v", len(recs), err)
			}
			if recs[2][5] != "'=£35,000" {
				t.Errorf("csv formula not neutralised: %q", recs[2][5])
			}
		}
	}
	if Anonymise("rest:a", "pepper") == Anonymise("rest:a", "salt") {
		t.Error("salt ignored")
	}
	if _, err := NewExportWriter(nil, "xml", ""); err == nil {
		t.Error("xml accepted")
	}
}

func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	b.ReportAllocs()
	b.SetParallelism(8) // 16 writers on 2 cores: group commit gathers them
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		conv := fmt.Sprintf("bench:%p", &i)
		for pb.Next() {
			i++
			if _, err := s.Append(ctx, Event{Conversation: conv, Channel: "bench", Kind: KindUser, Text: "how much do electricians earn in Leeds?", Intent: "pay"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func TestOddPaths(t *testing.T) {
	for _, name := range []string{"we ird#1.db", "what?.db", "100%.db"} {
		path := filepath.Join(t.TempDir(), "a dir#x", name)
		s, err := OpenSQLite(context.Background(), path, OpenOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := s.Append(context.Background(), Event{Conversation: "x", Channel: "x", Kind: KindUser, Text: "hi"}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		s.Close()
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s: the database is not where it was asked for: %v", name, err)
		}
	}
}

func TestCloseAnswersEveryWrite(t *testing.T) {
	s, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "c.db"), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var ok, closed int64
	var mu sync.Mutex
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Append(context.Background(), Event{Conversation: fmt.Sprint("c", i%5), Channel: "x", Kind: KindUser, Text: "hi"})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, ErrClosed):
				closed++
			default:
				t.Errorf("append: %v", err)
			}
		}()
	}
	time.Sleep(time.Millisecond)
	s.Close()
	wg.Wait() // would hang if a write sent during Close were never answered
	if ok+closed != 50 {
		t.Errorf("%d ok + %d closed", ok, closed)
	}
}
