package transcripts

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
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

// TestMigrateEventsToRowid: a database whose events table was made WITHOUT ROWID (before
// 2026-12) opens with its events rewritten into the rowid table, in order, and the
// conversation carries on from its last sequence number.
func TestMigrateEventsToRowid(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open(driverName, DSN(path))
	if err != nil {
		t.Fatal(err)
	}
	oldSchema := `CREATE TABLE events(
	conversation TEXT NOT NULL, seq INTEGER NOT NULL, channel TEXT NOT NULL, kind TEXT NOT NULL,
	time INTEGER NOT NULL, text TEXT NOT NULL, intent TEXT NOT NULL DEFAULT '', rule TEXT NOT NULL DEFAULT '',
	sources TEXT NOT NULL DEFAULT '', handoff INTEGER NOT NULL DEFAULT 0, safeguarding INTEGER NOT NULL DEFAULT 0,
	feedback TEXT NOT NULL DEFAULT '', payload BLOB, PRIMARY KEY(conversation, seq)) WITHOUT ROWID;
	CREATE INDEX events_time ON events(time);`
	if _, err := old.ExecContext(ctx, oldSchema); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UnixMicro()
	for _, r := range []struct {
		conv string
		seq  int
		kind string
	}{{"rest:b", 1, KindUser}, {"rest:a", 2, KindBot}, {"rest:a", 1, KindUser}, {"rest:b", 2, KindBot}} {
		if _, err := old.ExecContext(ctx, `INSERT INTO events(conversation,seq,channel,kind,time,text,sources,payload) VALUES(?,?,?,?,?,?,?,?)`,
			r.conv, r.seq, "rest", r.kind, now, fmt.Sprint(r.conv, " ", r.seq), "ashe2025p,soc2020", []byte(`{"buttons":[]}`)); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()

	s, err := OpenSQLite(ctx, path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ddl string
	if err := s.ReadDB().QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type='table' AND name='events'`).Scan(&ddl); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToUpper(ddl), "WITHOUT ROWID") {
		t.Fatalf("events still WITHOUT ROWID: %s", ddl)
	}
	for _, conv := range []string{"rest:a", "rest:b"} {
		evs, err := s.EventsAfter(ctx, conv, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 2 || evs[0].Seq != 1 || evs[1].Seq != 2 || evs[1].Text != conv+" 2" || len(evs[1].Sources) != 2 || string(evs[1].Payload) != `{"buttons":[]}` {
			t.Fatalf("%s after the migration: %+v", conv, evs)
		}
	}
	e, err := s.Append(ctx, Event{Conversation: "rest:a", Channel: "rest", Kind: KindUser, Text: "again"})
	if err != nil || e.Seq != 3 {
		t.Fatalf("append after the migration: seq %d, %v", e.Seq, err)
	}
	if _, err := s.Append(ctx, Event{Conversation: "rest:a", Channel: "rest", Kind: KindUser, Text: "x"}); err != nil {
		t.Fatal(err)
	}
	// (conversation, seq) stays unique.
	if _, err := s.WriteDB().ExecContext(ctx, `INSERT INTO events(conversation,seq,channel,kind,time,text) VALUES('rest:a',1,'rest','user',0,'dup')`); err == nil {
		t.Error("a second event 1 of rest:a was accepted")
	}
}

// TestSynchronous: the writer runs with the synchronous setting asked for (NORMAL = 1,
// FULL = 2), and an unknown one is refused at open.
func TestSynchronous(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		ask  string
		want int
	}{{"", 1}, {"normal", 1}, {"full", 2}, {"FULL", 2}} {
		s, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "s.db"), OpenOptions{Synchronous: tc.ask})
		if err != nil {
			t.Fatalf("%q: %v", tc.ask, err)
		}
		var got int
		if err := s.WriteDB().QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("synchronous %q: writer has %d, want %d", tc.ask, got, tc.want)
		}
		if _, err := s.Append(ctx, Event{Conversation: "rest:s", Channel: "rest", Kind: KindUser, Text: "hi"}); err != nil {
			t.Error(err)
		}
		s.Close()
	}
	if _, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "x.db"), OpenOptions{Synchronous: "off"}); err == nil || !strings.Contains(err.Error(), `synchronous "off"`) {
		t.Errorf("synchronous off: %v", err)
	}
}

// TestGroupEventsWrittenTogether: the events of a group's requests are written at its
// commit, yet SQL in the transaction sees the ones appended before it, and an erasure
// in the group removes events another request appended just before it.
func TestGroupEventsWrittenTogether(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	err := s.Batch(ctx, func(tx *Tx) error {
		for i := range 3 {
			if _, err := tx.Append(Event{Conversation: "rest:v", Channel: "rest", Kind: KindBot, Text: fmt.Sprint(i)}); err != nil {
				return err
			}
		}
		var n int
		if err := tx.SQL().QueryRowContext(tx.Context(), `SELECT COUNT(*) FROM events WHERE conversation='rest:v'`).Scan(&n); err != nil {
			return err
		}
		if n != 3 {
			t.Errorf("SQL in the transaction saw %d of 3 appended events", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Many requests at once, so they share groups; every fourth erases its conversation
	// after appending to it, the others append 20 events (more than one INSERT holds).
	const reqs = 40
	var wg sync.WaitGroup
	for r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conv := fmt.Sprint("rest:g", r)
			err := s.Batch(ctx, func(tx *Tx) error {
				for i := range 20 {
					if _, err := tx.Append(Event{Conversation: conv, Channel: "rest", Kind: KindBot, Text: fmt.Sprint(i)}); err != nil {
						return err
					}
				}
				if r%4 == 0 {
					return tx.Erase(conv)
				}
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for r := range reqs {
		evs, err := s.EventsAfter(ctx, fmt.Sprint("rest:g", r), 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := 20
		if r%4 == 0 {
			want = 0
		}
		if len(evs) != want {
			t.Fatalf("conversation %d: %d events, want %d", r, len(evs), want)
		}
		for i, e := range evs {
			if e.Seq != int64(i+1) || e.Text != fmt.Sprint(i) {
				t.Fatalf("conversation %d event %d: seq %d text %q", r, i, e.Seq, e.Text)
			}
		}
	}
	if st := s.WriterStats(); st.Transactions >= st.Requests {
		t.Logf("no group formed (%d requests, %d transactions)", st.Requests, st.Transactions)
	}
}

// TestRowSet: rows added by a group's requests are written together, in order (a later
// upsert of the same key wins), before SQL in the same transaction sees the table; a
// request whose row fails fails alone.
func TestRowSet(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.WriteDB().ExecContext(ctx, `CREATE TABLE kv(k TEXT PRIMARY KEY, v INTEGER NOT NULL CHECK(v >= 0))`); err != nil {
		t.Fatal(err)
	}
	rs, err := s.PrepareRowSet(ctx, "kv", `INSERT OR FAIL INTO kv(k,v)`, 2, `ON CONFLICT(k) DO UPDATE SET v=excluded.v`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	value := func(k string) (int, bool) {
		var v int
		err := s.ReadDB().QueryRowContext(ctx, `SELECT v FROM kv WHERE k=?`, k).Scan(&v)
		return v, err == nil
	}
	// One request, 21 rows (16 + 4 + 1 statements), the key "a" three times.
	err = s.Batch(ctx, func(tx *Tx) error {
		for i := range 21 {
			k := fmt.Sprint("k", i)
			if i%7 == 0 {
				k = "a"
			}
			if err := tx.AddRow(rs, k, i); err != nil {
				return err
			}
		}
		var n int
		if err := tx.SQL().QueryRowContext(tx.Context(), `SELECT COUNT(*) FROM kv`).Scan(&n); err != nil {
			return err
		}
		if n != 19 {
			t.Errorf("SQL in the transaction saw %d of 19 rows", n)
		}
		return tx.AddRow(rs, "after", 1)
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := value("a"); !ok || v != 14 {
		t.Errorf("a = %d, %v; want the last of three upserts, 14", v, ok)
	}
	if v, ok := value("after"); !ok || v != 1 {
		t.Errorf("row added after SQL: %d, %v", v, ok)
	}
	if err := s.Batch(ctx, func(tx *Tx) error { return tx.AddRow(rs, "short") }); err == nil {
		t.Error("a row of 1 value for 2 columns was taken")
	}
	// Many requests at once, so they share groups; every fifth adds a row that fails
	// its CHECK, which must fail that request only.
	var wg sync.WaitGroup
	errs := make([]error, 40)
	for r := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := r
			if r%5 == 0 {
				v = -1
			}
			errs[r] = s.Batch(ctx, func(tx *Tx) error { return tx.AddRow(rs, fmt.Sprint("g", r), v) })
		}()
	}
	wg.Wait()
	for r, err := range errs {
		v, ok := value(fmt.Sprint("g", r))
		if r%5 == 0 {
			if err == nil || ok {
				t.Errorf("request %d with a bad row: err %v, stored %v", r, err, ok)
			}
		} else if err != nil || !ok || v != r {
			t.Errorf("request %d: err %v, stored %d %v", r, err, v, ok)
		}
	}
}
