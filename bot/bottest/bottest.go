// Package bottest lets channel adapters and bot logic be tested without the service:
// a Replier is a bot.Handler that records what it receives and answers each message
// through an adapter, as the service would.
package bottest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
)

// ErrRefused is what a Replier returns for a message it was told to refuse.
var ErrRefused = errors.New("bottest: queue full")

// Replier answers every message through its adapter with "You said: TEXT" and two quick
// replies ("Pay" = "pay", "Talk to an adviser" = "handoff"). Safe for concurrent use.
type Replier struct {
	adapter bot.Adapter
	mu      sync.Mutex
	got     []bot.Message
	refuse  int
}

// NewReplier returns a Replier that answers through a.
func NewReplier(a bot.Adapter) *Replier { return &Replier{adapter: a} }

// Refuse makes the next n messages fail with ErrRefused (and go unrecorded), as a
// service that cannot accept them would; it returns r for chaining.
func (r *Replier) Refuse(n int) *Replier {
	r.mu.Lock()
	r.refuse = n
	r.mu.Unlock()
	return r
}

// Handle implements bot.Handler.
func (r *Replier) Handle(ctx context.Context, m bot.Message) error {
	r.mu.Lock()
	if r.refuse > 0 {
		r.refuse--
		r.mu.Unlock()
		return ErrRefused
	}
	r.got = append(r.got, m)
	r.mu.Unlock()
	return r.adapter.Send(ctx, Reply(r.adapter.Name(), m))
}

// Messages returns a copy of the messages accepted so far, in order.
func (r *Replier) Messages() []bot.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Message(nil), r.got...)
}

// Reply is the answer a Replier sends for m on channel.
func Reply(channel string, m bot.Message) bot.Message {
	return bot.Message{Channel: channel, Conversation: m.Conversation, Text: "You said: " + m.Text,
		Buttons: []dialog.Button{{Label: "Pay", Value: "pay"}, {Label: "Talk to an adviser", Value: "handoff"}}}
}

// Run runs a.Run(ctx, h) in the background until the test ends, then cancels it and
// fails the test if Run returned an error or did not stop within stopWithin. The
// returned channel is closed when Run returns (an adapter that stops early shows it).
func Run(t testing.TB, a bot.Adapter, h bot.Handler, stopWithin time.Duration) <-chan struct{} {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan struct{})
	var err error
	go func() {
		err = a.Run(ctx, h)
		close(ended)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-ended:
			if err != nil {
				t.Errorf("%s: Run: %v", a.Name(), err)
			}
		case <-time.After(stopWithin):
			t.Errorf("%s: Run did not stop within %v", a.Name(), stopWithin)
		}
	})
	return ended
}
