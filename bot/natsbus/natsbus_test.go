package natsbus_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/bot/natsbus"
	"github.com/careersbot/careersbot/bot/natsbus/natstest"
	"github.com/careersbot/careersbot/transcripts"
)

func connect(t *testing.T, url, name string) *natsbus.Conn {
	t.Helper()
	c, err := natsbus.Connect(url, natsbus.Options{Name: name, Prefix: "cbtest"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func recv(t *testing.T, ch <-chan transcripts.Event) transcripts.Event {
	t.Helper()
	select {
	case e := <-ch:
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5s")
	}
	return transcripts.Event{}
}

func quiet(t *testing.T, ch <-chan transcripts.Event) {
	t.Helper()
	select {
	case e := <-ch:
		t.Fatalf("unexpected event %+v", e)
	case <-time.After(200 * time.Millisecond):
	}
}

// TestEventsReachEveryInstance: an event published on one instance reaches watchers of
// its conversation (and of all) on every instance exactly once, and not others.
func TestEventsReachEveryInstance(t *testing.T) {
	srv := natstest.Start(t)
	a, b := connect(t, srv.URL(), "a"), connect(t, srv.URL(), "b")
	key := "slack:T1.C 2*>" // dots, spaces and wildcards stay one subject token
	onA, cancelA := a.Subscribe(key, 8)
	defer cancelA()
	onB, cancelB := b.Subscribe(key, 8)
	defer cancelB()
	allB, cancelAll := b.Subscribe("", 8)
	defer cancelAll()
	other, cancelO := b.Subscribe("slack:other", 8)
	defer cancelO()
	a.NATS().Flush()
	b.NATS().Flush()
	a.Publish(transcripts.Event{Conversation: key, Seq: 7, Kind: transcripts.KindAdviser, Text: "hello from A"})
	for _, ch := range []<-chan transcripts.Event{onA, onB, allB} {
		if e := recv(t, ch); e.Seq != 7 || e.Text != "hello from A" {
			t.Fatalf("got %+v", e)
		}
	}
	quiet(t, onA) // no echo: once
	quiet(t, onB)
	quiet(t, other)
}

type fakeAdapter struct {
	name string
	mu   sync.Mutex
	got  []bot.Message
}

func (f *fakeAdapter) Name() string                                 { return f.name }
func (f *fakeAdapter) Run(ctx context.Context, _ bot.Handler) error { <-ctx.Done(); return nil }
func (f *fakeAdapter) Send(_ context.Context, m bot.Message) error {
	f.mu.Lock()
	f.got = append(f.got, m)
	f.mu.Unlock()
	return nil
}
func (f *fakeAdapter) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.got)
}

func waitCount(t *testing.T, f *fakeAdapter, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for f.count() < n && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	if got := f.count(); got != n {
		t.Fatalf("%s got %d messages, want %d", f.name, got, n)
	}
}

// TestRelayAndRestart: a relayed Send reaches the adapter on every instance once; while
// NATS is down Send fails retryably (the outbox keeps the message) and Publish never
// blocks; after NATS restarts both work again.
func TestRelayAndRestart(t *testing.T) {
	srv := natstest.Start(t)
	a, b := connect(t, srv.URL(), "a"), connect(t, srv.URL(), "b")
	fa, fb := &fakeAdapter{name: "webchat"}, &fakeAdapter{name: "webchat"}
	ra, err := a.Relay(fa)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Relay(fb); err != nil {
		t.Fatal(err)
	}
	b.NATS().Flush()
	ctx := context.Background()
	if err := ra.Send(ctx, bot.Message{Channel: "webchat", Conversation: "c1", Text: "one", Seq: 2}); err != nil {
		t.Fatal(err)
	}
	waitCount(t, fa, 1)
	waitCount(t, fb, 1)

	srv.Stop()
	deadline := time.Now().Add(5 * time.Second)
	for a.NATS().IsConnected() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	err = ra.Send(ctx, bot.Message{Channel: "webchat", Conversation: "c1", Text: "two", Seq: 4})
	var se *bot.SendError
	if !errors.As(err, &se) || !se.Retry {
		t.Fatalf("Send with NATS down: %v, want a retryable SendError", err)
	}
	done := make(chan struct{})
	go func() { a.Publish(transcripts.Event{Conversation: "webchat:c1", Seq: 4}); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("Publish blocked while NATS was down")
	}

	srv.Restart()
	evB, cancel := b.Subscribe("webchat:c1", 8)
	defer cancel()
	deadline = time.Now().Add(10 * time.Second)
	for !(a.NATS().IsConnected() && b.NATS().IsConnected()) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	// connected is not yet subscribed again: a round trip on each connection makes the
	// server hold their subscriptions before anything is sent (else the send can be
	// lost to an instance, 1 run in ~5 under load; the outbox would retry it)
	if err := a.NATS().Flush(); err != nil {
		t.Fatal(err)
	}
	if err := b.NATS().Flush(); err != nil {
		t.Fatal(err)
	}
	// The outbox's retry: delivered once on each instance.
	if err := ra.Send(ctx, bot.Message{Channel: "webchat", Conversation: "c1", Text: "two", Seq: 4}); err != nil {
		t.Fatalf("Send after the restart: %v", err)
	}
	waitCount(t, fa, 2)
	waitCount(t, fb, 2)
	a.Publish(transcripts.Event{Conversation: "webchat:c1", Seq: 5, Text: "live again"})
	if e := recv(t, evB); e.Seq != 5 {
		t.Fatalf("after the restart got %+v", e)
	}
}

// TestStartWhileNATSIsDown: an instance started while NATS is down works locally and
// joins the others when NATS comes up.
func TestStartWhileNATSIsDown(t *testing.T) {
	srv := natstest.Start(t)
	srv.Stop()
	a := connect(t, srv.URL(), "a")
	local, cancel := a.Subscribe("k", 8)
	defer cancel()
	a.Publish(transcripts.Event{Conversation: "k", Seq: 1})
	if e := recv(t, local); e.Seq != 1 {
		t.Fatalf("local event %+v", e)
	}
	srv.Restart()
	b := connect(t, srv.URL(), "b")
	deadline := time.Now().Add(10 * time.Second)
	for !a.NATS().IsConnected() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	a.NATS().Flush()
	onA, cancelA := a.Subscribe("k", 8)
	defer cancelA()
	b.Publish(transcripts.Event{Conversation: "k", Seq: 2})
	if e := recv(t, onA); e.Seq != 2 {
		t.Fatalf("after NATS came up: %+v", e)
	}
	if _, err := natsbus.Connect("nats://bad host:x", natsbus.Options{}); err == nil {
		t.Fatal("a bad URL connected")
	}
}
