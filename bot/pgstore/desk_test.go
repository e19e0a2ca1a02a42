package pgstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/bot/pgstore/pgtest"
	"github.com/careersbot/careersbot/dialog"
)

// handoffEngine hands off when asked for an adviser and answers otherwise.
type handoffEngine struct{}

func (handoffEngine) Respond(_ context.Context, st dialog.State, in dialog.Input) (dialog.Reply, dialog.State, error) {
	if strings.Contains(in.Text, "adviser") {
		return dialog.Reply{Intent: dialog.IntentHandoff, Handoff: true, Text: "I'll find you an adviser."}, st, nil
	}
	return dialog.Reply{Intent: "echo", Text: "you said " + in.Text}, st, nil
}

// eventually waits (up to 20 s, no timing asserted) until cond holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
	}
}

func queueState(svc *bot.Service, key string) string {
	for _, e := range svc.Queue() {
		if e.Key == key {
			return e.State
		}
	}
	return ""
}

// TestDeskFollowsOtherInstances: two services on one PostgreSQL. A conversation
// queued through one appears on the other's desk, a claim through the other is seen
// by the first, and a hand back to the bot leaves both. With one bus (NATS's part) the
// action events carry it; with separate buses (NATS down) the periodic listing does.
func TestDeskFollowsOtherInstances(t *testing.T) {
	dsn := pgtest.DSN(t)
	for _, tc := range []struct {
		name      string
		sharedBus bool
	}{{"over the bus", true}, {"by listing, without a bus", false}} {
		t.Run(tc.name, func(t *testing.T) {
			bus := bot.NewMemoryBus()
			var svcs [2]*bot.Service
			for i := range svcs {
				opts := bot.Options{PollEvery: 20 * time.Millisecond, Check: func(string) *dialog.SafeguardingFlag { return nil },
					Handoff: bot.HandoffOptions{SweepEvery: time.Hour}}
				if tc.sharedBus {
					opts.Bus = bus
				} else {
					opts.Handoff.SweepEvery = 50 * time.Millisecond
				}
				svcs[i] = bot.New(open(t, dsn), handoffEngine{}, opts)
				svcs[i].Register(&recorder{sent: map[string]int{}})
				svcs[i].Start()
				t.Cleanup(func() { svcs[i].Close(context.Background()) })
			}
			a, b := svcs[0], svcs[1]
			ctx := context.Background()
			conv := "desk-" + strings.ReplaceAll(tc.name, " ", "-")
			key := "test:" + conv
			res, err := b.Process(ctx, bot.Message{ID: conv + "-1", Channel: "test", Conversation: conv, Text: "can I talk to an adviser"})
			if err != nil || res.State != bot.StateQueued {
				t.Fatalf("queue through B: %+v %v", res, err)
			}
			eventually(t, "A's desk shows the conversation B queued", func() bool { return queueState(a, key) == bot.StateQueued })
			if _, err := a.Claim(ctx, key, "ann", "Ann"); err != nil {
				t.Fatal(err)
			}
			eventually(t, "B's desk shows A's claim", func() bool { return queueState(b, key) == bot.StateWithAdviser })
			var ce *bot.ClaimedError
			if _, err := b.Claim(ctx, key, "bob", "Bob"); !errors.As(err, &ce) || ce.By != "ann" {
				t.Fatalf("a second claim through B: %v, want told ann has it", err)
			}
			if _, err := b.Resolve(ctx, key, "ann", "advice_given"); err != nil {
				t.Fatal(err)
			}
			eventually(t, "A's desk drops the resolved conversation", func() bool { return queueState(a, key) == "" })
		})
	}
}

// TestPresenceAcrossInstances: an adviser online through one instance's console counts
// as online on the others, and an adviser whose console moved to another instance is
// not taken offline (their conversation handed back to the queue) by the one they left.
func TestPresenceAcrossInstances(t *testing.T) {
	dsn := pgtest.DSN(t)
	bus := bot.NewMemoryBus() // NATS's part: the desks follow each other's claims
	var svcs [2]*bot.Service
	for i := range svcs {
		svcs[i] = bot.New(open(t, dsn), handoffEngine{}, bot.Options{Check: func(string) *dialog.SafeguardingFlag { return nil }, Bus: bus,
			Handoff: bot.HandoffOptions{SweepEvery: time.Hour}})
		svcs[i].Register(&recorder{sent: map[string]int{}})
		svcs[i].Start()
		t.Cleanup(func() { svcs[i].Close(context.Background()) })
	}
	a, b := svcs[0], svcs[1]
	ctx := context.Background()
	if err := a.SetPresence(ctx, "ann", bot.PresenceOnline); err != nil {
		t.Fatal(err)
	}
	eventually(t, "B sees ann online through A", func() bool { return b.Presence()["ann"] == bot.PresenceOnline })

	res, err := b.Process(ctx, bot.Message{ID: "p1", Channel: "test", Conversation: "p", Text: "an adviser please"})
	if err != nil || res.State != bot.StateQueued {
		t.Fatalf("queue: %+v %v", res, err)
	}
	if _, err := a.Claim(ctx, "test:p", "ann", "Ann"); err != nil {
		t.Fatal(err)
	}
	// Ann's console moves to B (online there); on A she is away, then gone.
	if err := b.SetPresence(ctx, "ann", bot.PresenceOnline); err != nil {
		t.Fatal(err)
	}
	if err := a.SetPresence(ctx, "ann", bot.PresenceAway); err != nil {
		t.Fatal(err)
	}
	eventually(t, "A sees ann online through B", func() bool { return a.Presence()["ann"] == bot.PresenceOnline })
	if err := a.SetPresence(ctx, "ann", bot.PresenceOffline); err != nil {
		t.Fatal(err)
	}
	c, _, err := b.Store().Conversation(ctx, "test:p")
	if err != nil || c.State != bot.StateWithAdviser || c.Adviser != "ann" {
		t.Fatalf("after ann left A but not B: %s held by %q (%v), want still with ann", c.State, c.Adviser, err)
	}
	// Once she leaves B too, and B no longer sees her on A, her conversation goes back.
	eventually(t, "ann's conversation back in the queue once she is offline everywhere", func() bool {
		if err := b.SetPresence(ctx, "ann", bot.PresenceAway); err != nil {
			t.Fatal(err)
		}
		if err := b.SetPresence(ctx, "ann", bot.PresenceOffline); err != nil {
			t.Fatal(err)
		}
		c, _, _ := b.Store().Conversation(ctx, "test:p")
		return c.State == bot.StateQueued
	})
}
