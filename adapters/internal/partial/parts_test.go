package partial

import (
	"testing"

	"github.com/careersbot/careersbot/bot"
)

func TestProgressResumesAfterDeliveredParts(t *testing.T) {
	var p Progress
	m := bot.Message{Conversation: "c1", Seq: 7}
	other := bot.Message{Conversation: "c1", Seq: 8}
	if got := p.Next(m); got != 0 {
		t.Fatalf("new message starts at %d, want 0", got)
	}
	p.Delivered(m, 0)
	p.Delivered(m, 1)
	if got := p.Next(m); got != 2 {
		t.Fatalf("after two parts: next %d, want 2", got)
	}
	if got := p.Next(other); got != 0 {
		t.Fatalf("another message of the conversation starts at %d, want 0", got)
	}
	p.Finished(m)
	if got := p.Next(m); got != 0 {
		t.Fatalf("after Finished: next %d, want 0", got)
	}
}

func TestProgressIgnoresMessagesWithoutSeq(t *testing.T) {
	var p Progress
	m := bot.Message{Conversation: "c1"}
	p.Delivered(m, 3)
	if got := p.Next(m); got != 0 {
		t.Fatalf("untracked message: next %d, want 0", got)
	}
	p.Finished(m) // no panic on an untracked message
}
