package terminal

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
)

type echo struct {
	a      *Adapter
	mu     sync.Mutex
	got    []bot.Message
	refuse int
}

func (e *echo) Handle(ctx context.Context, m bot.Message) error {
	e.mu.Lock()
	if e.refuse > 0 {
		e.refuse--
		e.mu.Unlock()
		return errors.New("busy")
	}
	e.got = append(e.got, m)
	e.mu.Unlock()
	return e.a.Send(ctx, bot.Message{Conversation: m.Conversation, Text: "Got " + m.Text,
		Buttons: []dialog.Button{{Label: "Pay", Value: "pay"}, {Label: "Talk to an adviser", Value: "handoff"}},
		Cards:   []dialog.Card{{Title: "Nurse", Fields: []dialog.Field{{Label: "Pay", Value: "£35,000"}}, Footer: "ONS ASHE 2024"}}})
}

func TestConversation(t *testing.T) {
	in := strings.NewReader("/start\nhello there\n\n2\nPay\n/delete now\nagain\n")
	var out strings.Builder
	a := New(in, &out, Options{Age: 15})
	h := &echo{a: a, refuse: 0}
	if err := a.Run(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	want := []bot.Message{
		{Command: "start", Text: ""},
		{Text: "hello there"},
		{Button: "handoff", Text: "Talk to an adviser"},
		{Button: "pay", Text: "Pay"},
		{Command: "delete", Text: "now"},
		{Text: "again"},
	}
	if len(h.got) != len(want) {
		t.Fatalf("got %d messages: %+v", len(h.got), h.got)
	}
	ids := map[string]bool{}
	for i, w := range want {
		g := h.got[i]
		if g.Command != w.Command || g.Text != w.Text || g.Button != w.Button || g.Channel != Name || g.Conversation != "local" || g.Age != 15 {
			t.Errorf("message %d = %+v, want %+v", i, g, w)
		}
		if ids[g.ID] || g.ID == "" {
			t.Errorf("message %d id %q not unique", i, g.ID)
		}
		ids[g.ID] = true
	}
	o := out.String()
	for _, w := range []string{"Got hello there", "1. Pay\n2. Talk to an adviser", "Nurse\nPay: £35,000\nONS ASHE 2024", "> "} {
		if !strings.Contains(o, w) {
			t.Errorf("output lacks %q:\n%s", w, o)
		}
	}
}

func TestRefusedLineIsReported(t *testing.T) {
	var out strings.Builder
	a := New(strings.NewReader("hi\n"), &out, Options{})
	h := &echo{a: a, refuse: 1}
	if err := a.Run(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "not delivered: busy") {
		t.Fatalf("output %q", out.String())
	}
}
