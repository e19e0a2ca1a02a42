package telegram

import (
	"context"
	"strings"
	"testing"

	"github.com/careersbot/careersbot/adapters/telegram/telegramtest"
	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
)

func benchMessage() bot.Message {
	return bot.Message{Conversation: "42", Text: strings.Repeat("A typical full-time nurse job pays about £42,000 a year (ONS, 2025). ", 8),
		Cards: []dialog.Card{{Title: "Nurse", Subtitle: "SOC 2020 2237", Fields: []dialog.Field{{Label: "Pay", Value: "about £42,000 a year"},
			{Label: "Hours", Value: "about 38 hours a week"}}, Footer: "(ONS, 2025)"}},
		Buttons: []dialog.Button{{Label: "How do I get in?", Value: "entry:2237"}, {Label: "Talk to an adviser", Value: "handoff"}}}
}

// benchAdapter is an adapter on a new fake Telegram (closed when b ends), without the
// per-chat send interval.
func benchAdapter(b *testing.B) *Adapter {
	b.Helper()
	srv := telegramtest.NewServer(token)
	b.Cleanup(srv.Close)
	a, err := New(context.Background(), Options{Token: token, APIEndpoint: srv.Endpoint(), PerChat: -1})
	if err != nil {
		b.Fatal(err)
	}
	return a
}

// BenchmarkLayout measures turning a reply into Telegram messages (no chart).
func BenchmarkLayout(b *testing.B) {
	a := benchAdapter(b)
	m := benchMessage()
	b.ReportAllocs()
	for b.Loop() {
		a.parts(m)
		a.keyboard(m.Buttons)
	}
}

// BenchmarkSend measures one Send through the real client to the fake on loopback.
func BenchmarkSend(b *testing.B) {
	a := benchAdapter(b)
	m := benchMessage()
	b.ReportAllocs()
	for b.Loop() {
		if err := a.Send(context.Background(), m); err != nil {
			b.Fatal(err)
		}
	}
}
