package webchat_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/careersbot/careersbot/adapters/webchat"
	"github.com/careersbot/careersbot/adapters/webchat/webchattest"
	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
)

// benchClient is a live socket, past hello, to a rig without rate limits.
func benchClient(b *testing.B) (*rig, *webchattest.Client) {
	b.Helper()
	r := newRig(b, webchat.Options{RatePerMinute: 1 << 30})
	c := dial(b, r)
	helloReady(b, c, conv, 0)
	return r, c
}

// BenchmarkRoundTrip is one turn over loopback: message frame in, Handle (the fake
// service records it and replies through Send), reply and ack frames out.
func BenchmarkRoundTrip(b *testing.B) {
	_, c := benchClient(b)
	ctx := context.Background()
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
	r, c := benchClient(b)
	a := r.a
	ctx := context.Background()
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
