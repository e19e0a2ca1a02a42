package webchat_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/careersbot/careersbot/adapters/webchat"
	"github.com/careersbot/careersbot/adapters/webchat/webchattest"
	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
)

func benchRig(b *testing.B) (*webchat.Adapter, *fakeService, string) {
	b.Helper()
	store := newMemStore()
	a, err := webchat.New(webchat.Options{RatePerMinute: 1 << 30}, store)
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Mount(mux)
	srv := httptest.NewServer(mux)
	svc := &fakeService{a: a, store: store, seen: map[string]bool{}, failIDs: map[string]int{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, svc) }()
	for !webchat.HasHandler(a) {
		time.Sleep(time.Millisecond)
	}
	b.Cleanup(func() { cancel(); <-done; srv.Close() })
	return a, svc, webchattest.WSURL(srv.URL)
}

// BenchmarkRoundTrip is one turn over loopback: message frame in, Handle (the fake
// service records it and replies through Send), reply and ack frames out.
func BenchmarkRoundTrip(b *testing.B) {
	_, _, url := benchRig(b)
	ctx := context.Background()
	c, _, err := webchattest.Dial(ctx, url, "")
	if err != nil {
		b.Fatal(err)
	}
	defer c.Drop()
	if err := c.Hello(ctx, conv, 0, 0); err != nil {
		b.Fatal(err)
	}
	if _, _, err := c.Until(ctx, func(f webchattest.Frame) bool { return f.Type == "ready" }); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		id := fmt.Sprint("m", i)
		if err := c.Say(ctx, id, "what does an electrician do", ""); err != nil {
			b.Fatal(err)
		}
		if _, _, err := c.Until(ctx, func(f webchattest.Frame) bool { return f.Type == "ack" }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSend is the adapter's Send of a reply with buttons and a card to one live
// socket (the client drains in the background).
func BenchmarkSend(b *testing.B) {
	a, _, url := benchRig(b)
	ctx := context.Background()
	c, _, err := webchattest.Dial(ctx, url, "")
	if err != nil {
		b.Fatal(err)
	}
	defer c.Drop()
	c.Hello(ctx, conv, 0, 0)
	c.Until(ctx, func(f webchattest.Frame) bool { return f.Type == "ready" })
	go func() {
		for {
			if _, err := c.Next(ctx); err != nil {
				return
			}
		}
	}()
	m := bot.Message{Channel: "webchat", Conversation: conv, Text: "Electricians install, test and repair wiring.",
		Buttons: []dialog.Button{{Label: "Pay", Value: "pay"}, {Label: "Adviser", Value: "handoff"}},
		Cards:   []dialog.Card{{Title: "Electricians", Fields: []dialog.Field{{Label: "Pay", Value: "£35,200 (ONS ASHE 2024)"}}}}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := int64(1); b.Loop(); i++ {
		m.Seq = i
		if err := a.Send(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
}
