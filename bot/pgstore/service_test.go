package pgstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/bot/pgstore/pgtest"
	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/transcripts"
)

// countingEngine answers every message and counts turns in the state, so a lost or
// repeated state update shows.
type countingEngine struct{}

func (countingEngine) Respond(ctx context.Context, st dialog.State, in dialog.Input) (dialog.Reply, dialog.State, error) {
	st.Turns++
	return dialog.Reply{Intent: "echo", Text: fmt.Sprintf("turn %d: %s", st.Turns, in.Text)}, st, nil
}

type recorder struct {
	mu   sync.Mutex
	sent map[string]int // conversation/seq -> times sent
}

func (r *recorder) Name() string                                 { return "test" }
func (r *recorder) Run(ctx context.Context, _ bot.Handler) error { <-ctx.Done(); return nil }
func (r *recorder) Send(_ context.Context, m bot.Message) error {
	r.mu.Lock()
	r.sent[fmt.Sprintf("%s/%d", m.Conversation, m.Seq)]++
	r.mu.Unlock()
	return nil
}

// TestTwoServicesOneDatabase runs two services (two instances) on one PostgreSQL:
// messages of the same conversations arrive at both at once and are redelivered to the
// other; an adviser on one instance writes to a person whose messages the other takes.
// Every message is handled once, in one order, with contiguous numbering; the state
// counts every turn; the outbox, drained by both, sends every reply exactly once.
func TestTwoServicesOneDatabase(t *testing.T) {
	dsn := pgtest.DSN(t)
	rec := &recorder{sent: map[string]int{}}
	var svcs []*bot.Service
	for i := 0; i < 2; i++ {
		st := open(t, dsn)
		s := bot.New(st, countingEngine{}, bot.Options{PollEvery: 20 * time.Millisecond, Check: func(string) *dialog.SafeguardingFlag { return nil }})
		s.Register(rec)
		s.Start()
		t.Cleanup(func() { s.Close(context.Background()) })
		svcs = append(svcs, s)
	}
	const convs, msgs = 8, 20
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, convs*msgs*2)
	for c := 0; c < convs; c++ {
		for i := 0; i < msgs; i++ {
			wg.Add(1)
			go func(c, i int) {
				defer wg.Done()
				m := bot.Message{ID: fmt.Sprintf("u%d-%d", c, i), Channel: "test", Conversation: fmt.Sprint("c", c), Text: fmt.Sprint("message ", i)}
				first, err := svcs[i%2].Process(ctx, m)
				if err != nil {
					errs <- err
					return
				}
				// The platform redelivers to the other instance.
				again, err := svcs[(i+1)%2].Process(ctx, m)
				if err != nil {
					errs <- err
					return
				}
				if !again.Duplicate || len(again.Events) != len(first.Events) || again.Events[0].Seq != first.Events[0].Seq {
					errs <- fmt.Errorf("redelivery of %s: %+v, want the first result %+v", m.ID, again, first)
				}
			}(c, i)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// An adviser on instance 0 writes into conversations instance 1 handled too.
	for c := 0; c < convs; c++ {
		if _, err := svcs[0].AdviserSay(ctx, fmt.Sprint("test:c", c), "test", "an adviser here"); err != nil {
			t.Fatal(err)
		}
	}
	st := svcs[0].Store()
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, err := st.OutboxDepth(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox still holds %d", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	for c := 0; c < convs; c++ {
		key := fmt.Sprint("test:c", c)
		evs, err := st.EventsAfter(ctx, key, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 2*msgs+1 {
			t.Fatalf("%s: %d events, want %d (each message and its reply, and the adviser's)", key, len(evs), 2*msgs+1)
		}
		seen := map[string]bool{}
		for i, e := range evs {
			if e.Seq != int64(i+1) {
				t.Fatalf("%s: seq %d at %d", key, e.Seq, i)
			}
			if e.Kind == transcripts.KindUser {
				if seen[e.Text] {
					t.Fatalf("%s: %q handled twice", key, e.Text)
				}
				seen[e.Text] = true
				if r := evs[i+1]; r.Kind != transcripts.KindBot {
					t.Fatalf("%s: %q not followed by its reply", key, e.Text)
				}
			}
			if e.Kind != transcripts.KindUser {
				rec.mu.Lock()
				n := rec.sent[fmt.Sprintf("c%d/%d", c, e.Seq)]
				rec.mu.Unlock()
				if n != 1 {
					t.Fatalf("%s: reply seq %d sent %d times, want once", key, e.Seq, n)
				}
			}
		}
		conv, ok, err := st.Conversation(ctx, key)
		if err != nil || !ok || conv.Dialog.Turns != msgs {
			t.Fatalf("%s: state counts %d turns, want %d (ok=%v err=%v)", key, conv.Dialog.Turns, msgs, ok, err)
		}
	}
}

// TestRoundTripsPerMessage counts the PostgreSQL round trips of platform messages (with
// delivery ids) on one instance: processing and the delivery of their replies. It
// checks the processing budget of two (load, commit) and logs the total.
func TestRoundTripsPerMessage(t *testing.T) {
	st := open(t, pgtest.DSN(t))
	rec := &recorder{sent: map[string]int{}}
	s := bot.New(st, countingEngine{}, bot.Options{PollEvery: time.Hour, Check: func(string) *dialog.SafeguardingFlag { return nil }})
	s.Register(rec)
	ctx := context.Background()
	const convs, msgs = 20, 10
	before := st.RoundTrips()
	for i := 0; i < msgs; i++ {
		var wg sync.WaitGroup
		for c := 0; c < convs; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m := bot.Message{ID: fmt.Sprintf("r%d-%d", c, i), Channel: "test", Conversation: fmt.Sprint("c", c), Text: "hello"}
				if _, err := s.Process(ctx, m); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	processing := float64(st.RoundTrips()-before) / (convs * msgs)
	mid := st.RoundTrips()
	s.Start()
	defer s.Close(ctx)
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, _ := st.OutboxDepth(ctx)
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox holds %d", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	delivery := float64(st.RoundTrips()-mid) / (convs * msgs)
	t.Logf("PostgreSQL round trips per message: %.2f processing (load, commit), %.2f delivering its reply (claims, marks, and this test's outbox polls)", processing, delivery)
	if processing > 2.01 {
		t.Fatalf("%.2f round trips per message to process, want 2 (load and commit)", processing)
	}
}
