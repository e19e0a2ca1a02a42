package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/transcripts"
)

// testTurn is one real REST turn (testdata/turn.json).
type testTurn struct {
	User    string          `json:"user"`
	Bot     string          `json:"bot"`
	Intent  string          `json:"intent"`
	Rule    string          `json:"rule"`
	Sources []string        `json:"sources"`
	Payload json.RawMessage `json:"payload"`
	Dialog  dialog.State    `json:"dialog"`
}

func loadTestTurn(t testing.TB) testTurn {
	t.Helper()
	b, err := os.ReadFile("testdata/turn.json")
	if err != nil {
		t.Fatal(err)
	}
	var tt testTurn
	if err := json.Unmarshal(b, &tt); err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer // as json.Marshal stored it
	if err := json.Compact(&compact, tt.Payload); err != nil {
		t.Fatal(err)
	}
	tt.Payload = compact.Bytes()
	return tt
}

// turn builds the Turn the service commits for one message of this exchange.
func (tt testTurn) turn(key string) *Turn {
	now := time.Now()
	conv := &Conversation{Key: key, Channel: RESTChannel, State: StateBot, Dialog: tt.Dialog}
	return &Turn{Key: key, Channel: RESTChannel, Conversation: conv, Events: []TurnEvent{
		{Event: transcripts.Event{Conversation: key, Channel: RESTChannel, Kind: transcripts.KindUser, Text: tt.User, Intent: tt.Intent, Time: now}},
		{Event: transcripts.Event{Conversation: key, Channel: RESTChannel, Kind: transcripts.KindBot, Text: tt.Bot, Intent: tt.Intent,
			Rule: tt.Rule, Sources: tt.Sources, Payload: tt.Payload, Time: now}},
	}}
}

func openTestStorage(t testing.TB) *SQLiteStorage {
	t.Helper()
	st, err := OpenSQLiteStorage(context.Background(), filepath.Join(t.TempDir(), "careersbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// BenchmarkCommit is the storage side of one REST message: a real turn (user event, bot
// reply with buttons and a card, conversation state) committed by 64 conversations at
// once, as the writer's group commit sees them under load.
func BenchmarkCommit(b *testing.B) { benchCommit(b, 1) }

// BenchmarkCommitManyConversations is BenchmarkCommit with each of the 64 goroutines
// taking turns in 64 conversations (4,096 in all), so a group's turns land on
// different pages of the conversation tables and indexes, as with many people.
func BenchmarkCommitManyConversations(b *testing.B) { benchCommit(b, 64) }

func benchCommit(b *testing.B, convsEach int) {
	tt := loadTestTurn(b)
	st := openTestStorage(b)
	var n atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(32)
	cpu0 := processCPU()
	b.RunParallel(func(pb *testing.PB) {
		g := n.Add(1)
		last := make([]time.Time, convsEach) // the conversations as the service's lanes keep them
		for i := 0; pb.Next(); i++ {
			c := i % convsEach
			key := fmt.Sprintf("rest:bench%d-%d", g, c)
			tr := tt.turn(key)
			tr.Conversation.Updated = last[c]
			if err := st.Commit(context.Background(), tr); err != nil {
				b.Fatal(err)
			}
			last[c] = tr.Conversation.Updated
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "turns/s")
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N)/1e3, "cpu-µs/turn")
	if ws := st.WriterStats(); ws.Transactions > 0 {
		b.ReportMetric(float64(ws.Requests)/float64(ws.Transactions), "turns/tx")
	}
}

// processCPU is this process's CPU time (user and system): on a shared machine it says
// more than the wall clock.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestCommitRoundTrip(t *testing.T) {
	tt := loadTestTurn(t)
	st := openTestStorage(t)
	ctx := context.Background()
	for i := range 3 {
		tr := tt.turn("rest:a")
		tr.DedupID = fmt.Sprint("d", i)
		if err := st.Commit(ctx, tr); err != nil {
			t.Fatal(err)
		}
		if tr.Events[0].Event.Seq != int64(2*i+1) || tr.Events[1].Event.Seq != int64(2*i+2) {
			t.Fatalf("turn %d: seqs %d, %d", i, tr.Events[0].Event.Seq, tr.Events[1].Event.Seq)
		}
	}
	evs, err := st.EventsAfter(ctx, "rest:a", 0, 0)
	if err != nil || len(evs) != 6 {
		t.Fatalf("%d events, %v", len(evs), err)
	}
	bot := evs[5]
	if bot.Text != tt.Bot || string(bot.Payload) != string(tt.Payload) || len(bot.Sources) != 3 || bot.Rule != tt.Rule {
		t.Errorf("bot event came back changed: %+v", bot)
	}
	c, ok, err := st.Conversation(ctx, "rest:a")
	if err != nil || !ok || c.Dialog.Profile.Place != tt.Dialog.Profile.Place || len(c.Dialog.Offered) != len(tt.Dialog.Offered) {
		t.Errorf("conversation: %+v %v %v", c, ok, err)
	}
	if d, ok, err := st.Delivered(ctx, RESTChannel, "d2"); err != nil || !ok || d.FirstSeq != 5 || d.LastSeq != 6 {
		t.Errorf("delivery d2: %+v %v %v", d, ok, err)
	}
}

// TestWALStaysBounded: with the checkpoints beside the writer, the write-ahead log must
// still start again from its beginning under constant writes, not grow without end.
func TestWALStaysBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 6,000 turns")
	}
	tt := loadTestTurn(t)
	path := filepath.Join(t.TempDir(), "careersbot.db")
	st, err := OpenSQLiteStorage(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var wg sync.WaitGroup
	for c := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 6000 / 32 {
				if err := st.Commit(context.Background(), tt.turn(fmt.Sprint("rest:wal", c))); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	db, _ := os.Stat(path)
	// Unchecked, 6,000 turns of ~3 pages of 8 KB each would be ~150 MB of log.
	if fi.Size() > 64<<20 {
		t.Errorf("write-ahead log is %d MB after 6,000 turns (database %d MB): checkpoints are not keeping up", fi.Size()>>20, db.Size()>>20)
	}
	t.Logf("log %.1f MB, database %.1f MB", float64(fi.Size())/1e6, float64(db.Size())/1e6)
}

// TestConversationActiveUntil: the updated column (retention's) is never earlier than
// the conversation's last turn, and a turn in the same window leaves it as it was.
func TestConversationActiveUntil(t *testing.T) {
	tt := loadTestTurn(t)
	st := openTestStorage(t)
	ctx := context.Background()
	column := func() int64 {
		var v int64
		if err := st.ReadDB().QueryRowContext(ctx, `SELECT updated FROM conversations WHERE key='rest:u'`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	var last time.Time
	var first int64
	for i := range 3 {
		tr := tt.turn("rest:u")
		tr.Conversation.Updated = last
		if err := st.Commit(ctx, tr); err != nil {
			t.Fatal(err)
		}
		last = tr.Conversation.Updated
		got := column()
		if got < last.UnixMicro() || got > last.Add(updatedStep).UnixMicro() {
			t.Fatalf("turn %d at %d: updated column %d, want within %s after it", i, last.UnixMicro(), got, updatedStep)
		}
		if i == 0 {
			first = got
		} else if got != first && activeUntil(last) == first {
			t.Errorf("turn %d in the same window: column moved from %d to %d", i, first, got)
		}
	}
	// A turn in a later window moves it (the lane's copy says the last turn was long ago).
	tr := tt.turn("rest:u")
	tr.Conversation.Updated = last.Add(-2 * updatedStep)
	if err := st.Commit(ctx, tr); err != nil {
		t.Fatal(err)
	}
	if got, want := column(), activeUntil(tr.Conversation.Updated); got != want {
		t.Errorf("after a turn in a new window: column %d, want %d", got, want)
	}
	// Retention with a cutoff just after the last turn keeps the state.
	if _, err := st.Prune(ctx, time.Now().Add(time.Second), time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := st.Conversation(ctx, "rest:u"); err != nil || !ok {
		t.Errorf("state pruned within its window: ok %v, err %v", ok, err)
	}
	if _, err := st.Prune(ctx, time.Now().Add(updatedStep+time.Second), time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := st.Conversation(ctx, "rest:u"); err != nil || ok {
		t.Errorf("state kept past its window: ok %v, err %v", ok, err)
	}
}
