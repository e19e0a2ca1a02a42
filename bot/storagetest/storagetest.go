// Package storagetest is the conformance suite every bot.Storage passes: SQLite (bot)
// and PostgreSQL (bot/pgstore) run the same tests, so the service behaves the same on
// either, the handoff side (bot.HandoffStore) included. Run it from a test with a
// function that opens an empty store.
package storagetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/transcripts"
)

// Opener opens an empty store for one test. When Shared is set (a store several
// instances share, PostgreSQL) the suite also runs the cross-instance tests, opening a
// second handle on the same database with Shared.
type Opener struct {
	Open func(t *testing.T) bot.Storage
	// Shared opens another handle on the database the last Open created (nil: the
	// store belongs to one process, as SQLite does).
	Shared func(t *testing.T) bot.Storage
}

// Run runs the suite.
func Run(t *testing.T, o Opener) {
	tests := []struct {
		name   string
		shared bool
		fn     func(t *testing.T, o Opener)
	}{
		{"CommitAssignsSeqs", false, testCommit},
		{"StateRoundTrip", false, testState},
		{"Dedup", false, testDedup},
		{"EraseKeepsSeq", false, testErase},
		{"AppendRedacts", false, testAppend},
		{"OutboxOrder", false, testOutboxOrder},
		{"OutboxRetryAndFail", false, testOutboxRetry},
		{"Prune", false, testPrune},
		{"ExportAndStats", false, testExportAndStats},
		{"ReviewActions", false, testReviewActions},
		{"FencingRefusesStaleTurn", true, testFencing},
		{"ConcurrentInstances", true, testConcurrentInstances},
		{"OutboxClaimedOnce", true, testOutboxClaimedOnce},
		{"OutboxRelease", true, testOutboxRelease},
	}
	tests = append(tests, handoffTests...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.shared && o.Shared == nil {
				t.Skip("store is not shared by instances")
			}
			tc.fn(t, o)
		})
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// turn builds the turn a service would commit for one message in conversation key
// (channel "test"), with replies queued for sending when send is set.
func turn(key string, c bot.Conversation, dedup, text string, replies int, send bool) *bot.Turn {
	t := &bot.Turn{Key: key, Channel: "test", DedupID: dedup, Version: c.Version}
	conv := strings.TrimPrefix(key, "test:")
	t.Events = append(t.Events, bot.TurnEvent{Event: transcripts.Event{Conversation: key, Channel: "test", Kind: transcripts.KindUser, Text: text}})
	for i := 0; i < replies; i++ {
		r := fmt.Sprintf("reply %d to %s", i+1, text)
		t.Events = append(t.Events, bot.TurnEvent{
			Event: transcripts.Event{Conversation: key, Channel: "test", Kind: transcripts.KindBot, Text: r, Sources: []string{"ashe2025p", "adverts"}},
			Send:  send,
			Msg:   bot.Message{Channel: "test", Conversation: conv, Text: r, Sender: "bot"},
		})
	}
	c.Key, c.Channel = key, "test"
	if c.State == "" {
		c.State = bot.StateBot
	}
	c.Dialog.Turns++
	t.Conversation = &c
	return t
}

// load returns the conversation (a new one when none is stored).
func load(t *testing.T, s bot.Storage, key string) bot.Conversation {
	t.Helper()
	c, ok, err := s.Conversation(ctxT(t), key)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		c = bot.Conversation{Key: key, Channel: "test", State: bot.StateBot, Version: c.Version}
	}
	return c
}

// say commits one message to key from its stored state.
func say(t *testing.T, s bot.Storage, key, dedup, text string, replies int, send bool) *bot.Turn {
	t.Helper()
	tr := turn(key, load(t, s, key), dedup, text, replies, send)
	if err := s.Commit(ctxT(t), tr); err != nil {
		t.Fatalf("commit %q: %v", text, err)
	}
	return tr
}

func seqs(t *testing.T, s bot.Storage, key string) []int64 {
	t.Helper()
	evs, err := s.EventsAfter(ctxT(t), key, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int64, len(evs))
	for i, e := range evs {
		out[i] = e.Seq
	}
	return out
}

func contiguous(got []int64, from int64) bool {
	for i, s := range got {
		if s != from+int64(i) {
			return false
		}
	}
	return true
}

func testCommit(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := ctxT(t)
	a := say(t, s, "test:a", "", "hello", 2, false)
	if a.Events[0].Event.Seq != 1 || a.Events[2].Event.Seq != 3 {
		t.Fatalf("first turn seqs = %d..%d, want 1..3", a.Events[0].Event.Seq, a.Events[2].Event.Seq)
	}
	say(t, s, "test:b", "", "other", 1, false)
	b := say(t, s, "test:a", "", "again", 1, true)
	if b.Events[0].Event.Seq != 4 || b.Events[1].Msg.Seq != 5 {
		t.Fatalf("second turn: event seq %d, outbound seq %d; want 4 and 5", b.Events[0].Event.Seq, b.Events[1].Msg.Seq)
	}
	if got := seqs(t, s, "test:a"); len(got) != 5 || !contiguous(got, 1) {
		t.Fatalf("seqs of a = %v, want 1..5", got)
	}
	evs, err := s.EventsAfter(ctx, "test:a", 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Seq != 4 || evs[0].Text != "again" || evs[0].Kind != transcripts.KindUser {
		t.Fatalf("EventsAfter(3, 1) = %+v", evs)
	}
	evs, _ = s.EventsAfter(ctx, "test:a", 4, 0)
	if len(evs) != 1 || strings.Join(evs[0].Sources, ",") != "ashe2025p,adverts" || evs[0].Time.IsZero() {
		t.Fatalf("stored reply = %+v, want its sources and a time", evs)
	}
	if evs, _ := s.EventsAfter(ctx, "test:none", 0, 0); len(evs) != 0 {
		t.Fatalf("unknown conversation has events %v", evs)
	}
}

func testState(t *testing.T, o Opener) {
	s := o.Open(t)
	key := "test:state"
	c := load(t, s, key)
	tr := turn(key, c, "", "hi", 1, false)
	tr.Conversation.State = bot.StateQueued
	tr.Conversation.Flagged = true
	tr.Conversation.QueuedAt = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	tr.Conversation.Dialog.LastOccupations = []string{"3213"}
	if err := s.Commit(ctxT(t), tr); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Conversation(ctxT(t), key)
	if err != nil || !ok {
		t.Fatalf("Conversation: ok=%v err=%v", ok, err)
	}
	if got.State != bot.StateQueued || !got.Flagged || !got.QueuedAt.Equal(tr.Conversation.QueuedAt) || fmt.Sprint(got.Dialog.LastOccupations) != "[3213]" || got.Dialog.Turns != 1 {
		t.Fatalf("loaded %+v, want what was saved", got)
	}
	if _, ok, _ := s.Conversation(ctxT(t), "test:never"); ok {
		t.Fatal("a conversation never saved was found")
	}
}

func testDedup(t *testing.T, o Opener) {
	s := o.Open(t)
	say(t, s, "test:d", "", "first", 1, false)
	say(t, s, "test:d", "upd-7", "second", 2, false)
	d, ok, err := s.Delivered(ctxT(t), "test", "upd-7")
	if err != nil || !ok {
		t.Fatalf("Delivered: ok=%v err=%v", ok, err)
	}
	if d.Conversation != "test:d" || d.FirstSeq != 3 || d.LastSeq != 5 {
		t.Fatalf("delivery = %+v, want test:d 3..5", d)
	}
	if _, ok, _ := s.Delivered(ctxT(t), "other", "upd-7"); ok {
		t.Fatal("a delivery id is per channel")
	}
}

func testErase(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := ctxT(t)
	say(t, s, "test:e", "u1", "my email is someone@example.com", 1, false)
	say(t, s, "test:keep", "", "stays", 1, false)
	if err := s.EraseConversation(ctx, "test:e"); err != nil {
		t.Fatal(err)
	}
	if got := seqs(t, s, "test:e"); len(got) != 0 {
		t.Fatalf("erased conversation still has events %v", got)
	}
	if _, ok, _ := s.Conversation(ctx, "test:e"); ok {
		t.Fatal("erased conversation still has state")
	}
	if _, ok, _ := s.Delivered(ctx, "test", "u1"); ok {
		t.Fatal("erased conversation still has delivery records")
	}
	if got := seqs(t, s, "test:keep"); len(got) != 2 {
		t.Fatalf("erasing one conversation touched another: %v", got)
	}
	// Numbering carries on, so a resuming web chat never sees a number twice.
	tr := say(t, s, "test:e", "", "back again", 0, false)
	if tr.Events[0].Event.Seq != 3 {
		t.Fatalf("first seq after erasure = %d, want 3", tr.Events[0].Event.Seq)
	}
	// An erasing turn: erase then write, in one commit.
	c := load(t, s, "test:e")
	et := &bot.Turn{Key: "test:e", Channel: "test", Erase: true, Version: c.Version,
		Events:       []bot.TurnEvent{{Event: transcripts.Event{Conversation: "test:e", Channel: "test", Kind: transcripts.KindSystem, Text: "deleted"}}},
		Conversation: &bot.Conversation{Key: "test:e", Channel: "test", State: bot.StateBot, Version: c.Version}}
	if err := s.Commit(ctx, et); err != nil {
		t.Fatal(err)
	}
	evs, _ := s.EventsAfter(ctx, "test:e", 0, 0)
	if len(evs) != 1 || evs[0].Seq != 4 || evs[0].Text != "deleted" {
		t.Fatalf("after an erasing turn: %+v, want only the notice at seq 4", evs)
	}
}

func testAppend(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := ctxT(t)
	e, err := s.Append(ctx, transcripts.Event{Conversation: "test:ap", Channel: "test", Kind: transcripts.KindUser, Text: "call me on 07700 900123 or mail jo@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Seq != 1 || strings.Contains(e.Text, "900123") || strings.Contains(e.Text, "jo@example.org") {
		t.Fatalf("appended %+v: want seq 1 and the phone and email redacted", e)
	}
	evs, _ := s.EventsAfter(ctx, "test:ap", 0, 0)
	if len(evs) != 1 || evs[0].Text != e.Text {
		t.Fatalf("stored %+v, want the redacted text %q", evs, e.Text)
	}
	if _, err := s.Append(ctx, transcripts.Event{Kind: transcripts.KindUser, Text: "x"}); err == nil {
		t.Fatal("an event without conversation was stored")
	}
	e2, _ := s.Append(ctx, transcripts.Event{Conversation: "test:ap", Channel: "test", Kind: transcripts.KindBot, Text: "ok"})
	if e2.Seq != 2 {
		t.Fatalf("second append seq = %d", e2.Seq)
	}
}

// drain delivers everything due at now, marking each sent, and returns the texts per
// conversation in the order they were handed out.
func drain(t *testing.T, s bot.Storage, now time.Time) map[string][]int64 {
	t.Helper()
	got := map[string][]int64{}
	for round := 0; round < 100; round++ {
		items, err := s.DueOutbox(ctxT(t), now, 512)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) == 0 {
			return got
		}
		var res []bot.OutboxResult
		for _, it := range items {
			got[it.Message.Key()] = append(got[it.Message.Key()], it.Message.Seq)
			res = append(res, bot.OutboxResult{ID: it.ID, Sent: true, Attempts: it.Attempts + 1})
		}
		if err := s.MarkOutbox(ctxT(t), res); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("outbox never emptied")
	return nil
}

func testOutboxOrder(t *testing.T, o Opener) {
	s := o.Open(t)
	for i := 0; i < 3; i++ {
		say(t, s, "test:o1", "", fmt.Sprint("m", i), 2, true)
		say(t, s, "test:o2", "", fmt.Sprint("m", i), 1, true)
	}
	if n, err := s.OutboxDepth(ctxT(t)); err != nil || n != 9 {
		t.Fatalf("OutboxDepth = %d, %v; want 9", n, err)
	}
	got := drain(t, s, time.Now().Add(time.Second))
	want := map[string][]int64{"test:o1": {2, 3, 5, 6, 8, 9}, "test:o2": {2, 4, 6}}
	for k, w := range want {
		if fmt.Sprint(got[k]) != fmt.Sprint(w) {
			t.Errorf("%s delivered %v, want %v in order", k, got[k], w)
		}
	}
	if n, _ := s.OutboxDepth(ctxT(t)); n != 0 {
		t.Fatalf("OutboxDepth after sending = %d", n)
	}
}

func testOutboxRetry(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := ctxT(t)
	say(t, s, "test:r", "", "a", 1, true)
	say(t, s, "test:r", "", "b", 1, true)
	say(t, s, "test:f", "", "c", 1, true)
	now := time.Now().Add(time.Second)
	items, err := s.DueOutbox(ctx, now, 512)
	if err != nil {
		t.Fatal(err)
	}
	var res []bot.OutboxResult
	for _, it := range items {
		switch {
		case it.Message.Key() == "test:r" && it.Message.Seq == 2:
			res = append(res, bot.OutboxResult{ID: it.ID, Attempts: 1, NextAt: now.Add(time.Minute), Error: "429"})
		case it.Message.Key() == "test:f":
			res = append(res, bot.OutboxResult{ID: it.ID, Failed: true, Attempts: 1, Error: "chat not found"})
		}
	}
	if len(res) != 2 {
		t.Fatalf("due items = %+v, want test:r seq 2 and test:f among them", items)
	}
	if err := s.MarkOutbox(ctx, res); err != nil {
		t.Fatal(err)
	}
	// The retried item waits; the conversation's later item waits behind it; the failed
	// one is never handed out again.
	later, err := s.DueOutbox(ctx, now.Add(time.Second), 512)
	if err != nil {
		t.Fatal(err)
	}
	if len(later) != 0 {
		t.Fatalf("due before the retry time: %+v", later)
	}
	if n, _ := s.OutboxDepth(ctx); n != 2 {
		t.Fatalf("OutboxDepth = %d, want 2 (the retried item and the one behind it)", n)
	}
	got := drain(t, s, now.Add(2*time.Minute))
	if fmt.Sprint(got["test:r"]) != "[2 4]" || len(got["test:f"]) != 0 {
		t.Fatalf("after the retry time: %v", got)
	}
	items, _ = s.DueOutbox(ctx, now.Add(3*time.Minute), 512)
	if len(items) != 0 {
		t.Fatalf("left over: %+v", items)
	}
}

func testPrune(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := ctxT(t)
	say(t, s, "test:p", "old-delivery", "hi", 1, false)
	future := time.Now().Add(time.Hour)
	// A dedup cutoff after the record, a retention cutoff before everything.
	n, err := s.Prune(ctx, time.Time{}, future)
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 || len(seqs(t, s, "test:p")) != 2 {
		t.Fatalf("a zero cutoff deleted %d events", n)
	}
	if _, ok, _ := s.Delivered(ctx, "test", "old-delivery"); ok {
		t.Fatal("delivery record older than the dedup cutoff kept")
	}
	n, err = s.Prune(ctx, future, future)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || len(seqs(t, s, "test:p")) != 0 {
		t.Fatalf("retention deleted %d events, want 2", n)
	}
	if _, ok, _ := s.Conversation(ctx, "test:p"); ok {
		t.Fatal("state older than the cutoff kept")
	}
}

func testFencing(t *testing.T, o Opener) {
	a := o.Open(t)
	b := o.Shared(t)
	ctx := ctxT(t)
	key := "test:fence"
	say(t, a, key, "", "one", 1, true)
	stale := load(t, a, key) // instance A's cached view
	say(t, b, key, "", "two", 1, true)
	tr := turn(key, stale, "upd-x", "three", 1, true)
	if err := a.Commit(ctx, tr); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("commit from a stale version: %v, want bot.ErrConflict", err)
	}
	if got := seqs(t, a, key); len(got) != 4 {
		t.Fatalf("a refused turn wrote events: %v", got)
	}
	if _, ok, _ := a.Delivered(ctx, "test", "upd-x"); ok {
		t.Fatal("a refused turn recorded its delivery")
	}
	if n, _ := a.OutboxDepth(ctx); n != 2 {
		t.Fatalf("a refused turn queued messages: depth %d", n)
	}
	// Reloaded, it goes through.
	tr = turn(key, load(t, a, key), "upd-x", "three", 1, true)
	if err := a.Commit(ctx, tr); err != nil {
		t.Fatal(err)
	}
	// The same delivery processed meanwhile by the other instance is refused too.
	dup := turn(key, load(t, b, key), "upd-x", "three", 1, true)
	if err := b.Commit(ctx, dup); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("second commit of one delivery: %v, want bot.ErrConflict", err)
	}
	// Two instances creating one new conversation at once: one wins.
	n1 := turn("test:new", load(t, a, "test:new"), "", "x", 0, false)
	n2 := turn("test:new", load(t, b, "test:new"), "", "y", 0, false)
	if err := a.Commit(ctx, n1); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(ctx, n2); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("second creation of one conversation: %v, want bot.ErrConflict", err)
	}
	// An erasure by an admin tool moves the version on: a cached view is refused.
	cached := load(t, a, key)
	if err := b.EraseConversation(ctx, key); err != nil {
		t.Fatal(err)
	}
	if err := a.Commit(ctx, turn(key, cached, "", "after", 0, false)); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("commit over an erasure: %v, want bot.ErrConflict", err)
	}
}

// testConcurrentInstances has two handles commit one conversation's messages at the
// same time, each reloading on conflict as the service does: every message is stored
// once, numbering is contiguous, and the state counts every turn.
func testConcurrentInstances(t *testing.T, o Opener) {
	stores := []bot.Storage{o.Open(t), o.Shared(t)}
	const perWriter = 40
	key := "test:race"
	var wg sync.WaitGroup
	errs := make(chan error, len(stores)*2)
	for w := 0; w < len(stores)*2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			s := stores[w%len(stores)]
			ctx := context.Background()
			for i := 0; i < perWriter; i++ {
				id := fmt.Sprintf("w%d-%d", w, i)
				for {
					if _, ok, err := s.Delivered(ctx, "test", id); err != nil || ok {
						if err != nil {
							errs <- err
							return
						}
						break
					}
					c, ok, err := s.Conversation(ctx, key)
					if err != nil {
						errs <- err
						return
					}
					if !ok {
						c = bot.Conversation{Version: c.Version}
					}
					err = s.Commit(ctx, turn(key, c, id, id, 1, true))
					if err == nil {
						break
					}
					if !errors.Is(err, bot.ErrConflict) {
						errs <- err
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	total := len(stores) * 2 * perWriter
	got := seqs(t, stores[0], key)
	if len(got) != 2*total || !contiguous(got, 1) {
		t.Fatalf("%d events (want %d), contiguous=%v", len(got), 2*total, contiguous(got, 1))
	}
	c := load(t, stores[1], key)
	if c.Dialog.Turns != total {
		t.Fatalf("state counts %d turns, want %d (an update was lost)", c.Dialog.Turns, total)
	}
	evs, _ := stores[0].EventsAfter(ctxT(t), key, 0, 0)
	seen := map[string]bool{}
	for _, e := range evs {
		if e.Kind == transcripts.KindUser {
			if seen[e.Text] {
				t.Fatalf("message %s stored twice", e.Text)
			}
			seen[e.Text] = true
		}
	}
}

// testOutboxClaimedOnce has two instances drain one outbox at once: every item is
// handed out exactly once and each conversation's items in order.
func testOutboxClaimedOnce(t *testing.T, o Opener) {
	stores := []bot.Storage{o.Open(t), o.Shared(t)}
	const convs, msgs = 20, 5
	for c := 0; c < convs; c++ {
		for m := 0; m < msgs; m++ {
			say(t, stores[c%2], fmt.Sprintf("test:c%d", c), "", fmt.Sprint(m), 1, true)
		}
	}
	var mu sync.Mutex
	got := map[string][]int64{}
	var wg sync.WaitGroup
	now := time.Now().Add(time.Second)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(s bot.Storage) {
			defer wg.Done()
			ctx := context.Background()
			for idle := 0; idle < 20; {
				items, err := s.DueOutbox(ctx, now, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(items) == 0 {
					idle++
					time.Sleep(5 * time.Millisecond)
					continue
				}
				idle = 0
				var res []bot.OutboxResult
				mu.Lock()
				for _, it := range items {
					got[it.Message.Key()] = append(got[it.Message.Key()], it.Message.Seq)
					res = append(res, bot.OutboxResult{ID: it.ID, Sent: true, Attempts: 1})
				}
				mu.Unlock()
				if err := s.MarkOutbox(ctx, res); err != nil {
					t.Error(err)
					return
				}
			}
		}(stores[w%2])
	}
	wg.Wait()
	for c := 0; c < convs; c++ {
		k := fmt.Sprintf("test:c%d", c)
		if fmt.Sprint(got[k]) != "[2 4 6 8 10]" {
			t.Errorf("%s handed out %v, want [2 4 6 8 10] once each in order", k, got[k])
		}
	}
}

// testOutboxRelease: a claimed item is not handed out again until it is released (or
// its lease ends); released, it is due at once.
func testOutboxRelease(t *testing.T, o Opener) {
	s := o.Open(t)
	r, ok := s.(bot.OutboxReleaser)
	if !ok {
		t.Skip("the outbox does not claim")
	}
	ctx := ctxT(t)
	say(t, s, "test:rel", "", "a", 1, true)
	now := time.Now().Add(time.Second)
	items, err := s.DueOutbox(ctx, now, 10)
	if err != nil || len(items) != 1 {
		t.Fatalf("first claim: %v %v", items, err)
	}
	if again, _ := s.DueOutbox(ctx, now, 10); len(again) != 0 {
		t.Fatalf("a claimed item was handed out again: %+v", again)
	}
	if err := r.ReleaseOutbox(ctx, []int64{items[0].ID}); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.DueOutbox(ctx, now, 10); len(again) != 1 || again[0].ID != items[0].ID {
		t.Fatalf("after release: %+v, want the item again", again)
	}
}

// reporting is what the transcript tools and the stats page read (both stores have it).
type reporting interface {
	Each(ctx context.Context, since time.Time, fn func(transcripts.Event) error) error
	LastSeq(ctx context.Context, conversation string) (int64, error)
	Stats(ctx context.Context, since time.Time) (transcripts.Stats, error)
}

func testExportAndStats(t *testing.T, o Opener) {
	s := o.Open(t)
	r, ok := s.(reporting)
	if !ok {
		t.Skip("no export or stats")
	}
	ctx := ctxT(t)
	since := time.Now().Add(-time.Minute)
	say(t, s, "test:s1", "", "hi", 1, false)
	tr := turn("test:s2", load(t, s, "test:s2"), "", "I need help", 1, false)
	tr.Events[0].Event.Intent = "unknown"
	tr.Events[0].Event.Safeguarding = true
	tr.Events[1].Event.Handoff = true
	if err := s.Commit(ctx, tr); err != nil {
		t.Fatal(err)
	}
	tr = turn("test:s1", load(t, s, "test:s1"), "", "yes", 0, false)
	tr.Events[0].Event.Intent = "feedback"
	tr.Events[0].Event.Feedback = transcripts.FeedbackYes
	if err := s.Commit(ctx, tr); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := r.Each(ctx, since, func(e transcripts.Event) error {
		got = append(got, fmt.Sprintf("%s/%d", e.Conversation, e.Seq))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "test:s1/1 test:s1/2 test:s1/3 test:s2/1 test:s2/2" {
		t.Fatalf("Each = %v, want every event by conversation and seq", got)
	}
	if n, err := r.LastSeq(ctx, "test:s1"); err != nil || n != 3 {
		t.Fatalf("LastSeq = %d, %v; want 3", n, err)
	}
	if _, err := r.LastSeq(ctx, "test:none"); !errors.Is(err, transcripts.ErrNotFound) {
		t.Fatalf("LastSeq of an unknown conversation: %v, want ErrNotFound", err)
	}
	st, err := r.Stats(ctx, since)
	if err != nil {
		t.Fatal(err)
	}
	if st.Conversations != 2 || st.Messages != 3 || st.BotReplies != 2 || st.HandedOff != 1 || st.SafeguardingFlags != 1 ||
		st.FeedbackYes != 1 || st.Intents["unknown"] != 1 || st.HandoffRate != 0.5 || st.HelpfulRate != 1 || st.FallbackRate != 0.5 {
		t.Fatalf("Stats = %+v", st)
	}
	if st, _ := r.Stats(ctx, time.Now().Add(time.Hour)); st.Messages != 0 {
		t.Fatalf("Stats since the future counted %d messages", st.Messages)
	}
}

// testReviewActions: review flags and reviews are action events any storage lists across
// conversations (bot.ActionLister) and counts in the KPIs; a reviewer's note is redacted.
func testReviewActions(t *testing.T, o Opener) {
	s := o.Open(t)
	al, ok := s.(bot.ActionLister)
	r, ok2 := s.(reporting)
	if !ok || !ok2 {
		t.Fatalf("%T does not list action events (bot.ActionLister) or report stats", s)
	}
	ctx := ctxT(t)
	since := time.Now().Add(-time.Minute)
	act := func(key, action, text string) bot.TurnEvent {
		b, _ := json.Marshal(bot.Action{Action: action, Category: "sexting"})
		return bot.TurnEvent{Event: transcripts.Event{Conversation: key, Channel: "test", Kind: transcripts.KindAction, Intent: action, Text: text, Payload: b}}
	}
	for _, key := range []string{"test:r2", "test:r1"} {
		tr := turn(key, load(t, s, key), "", "someone keeps asking me for pics", 1, false)
		tr.Events = append(tr.Events, act(key, bot.ActionReviewFlagged, "flagged"))
		if err := s.Commit(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	tr := &bot.Turn{Key: "test:r1", Channel: "test", Version: load(t, s, "test:r1").Version}
	tr.Events = []bot.TurnEvent{act("test:r1", bot.ActionReviewed, "reviewed"), act("test:r1", bot.ActionClaimed, "claimed"),
		{Event: transcripts.Event{Conversation: "test:r1", Channel: "test", Kind: transcripts.KindNote, Text: "called her back on 07700 900123"}}}
	if err := s.Commit(ctx, tr); err != nil {
		t.Fatal(err)
	}
	evs, err := al.ActionEvents(ctx, bot.ActionReviewFlagged, bot.ActionReviewed)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		a, _ := bot.ActionOf(e)
		got = append(got, fmt.Sprintf("%s/%d/%s/%s", e.Conversation, e.Seq, e.Intent, a.Category))
	}
	want := "test:r1/3/review_flagged/sexting test:r1/4/reviewed/sexting test:r2/3/review_flagged/sexting"
	if strings.Join(got, " ") != want {
		t.Fatalf("ActionEvents = %v, want %s", got, want)
	}
	all, _ := s.EventsAfter(ctx, "test:r1", 0, 0)
	if n := all[len(all)-1]; n.Kind != transcripts.KindNote || strings.Contains(n.Text, "900123") {
		t.Errorf("the reviewer's note is stored unredacted: %+v", n)
	}
	st, err := r.Stats(ctx, since)
	if err != nil {
		t.Fatal(err)
	}
	if st.Handoffs.ReviewFlags != 2 || st.Handoffs.Reviewed != 1 {
		t.Errorf("stats count %d review flags and %d reviews, want 2 and 1", st.Handoffs.ReviewFlags, st.Handoffs.Reviewed)
	}
}
