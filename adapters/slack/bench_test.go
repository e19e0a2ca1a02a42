package slack

import (
	"strings"
	"testing"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
)

func BenchmarkBlocks(b *testing.B) {
	m := bot.Message{Conversation: "D1", Text: strings.Repeat("A typical full-time nurse job pays about £42,000 a year (ONS, 2025). ", 8),
		Cards: []dialog.Card{{Title: "Nurse", Subtitle: "SOC 2020 2237", Fields: []dialog.Field{{Label: "Pay", Value: "about £42,000 a year"},
			{Label: "Hours", Value: "about 38 hours a week"}}, Footer: "(ONS, 2025)"}},
		Buttons: []dialog.Button{{Label: "How do I get in?", Value: "entry:2237"}, {Label: "Talk to an adviser", Value: "handoff"}}}
	b.ReportAllocs()
	for b.Loop() {
		Blocks(m)
	}
}
