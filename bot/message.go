// Package bot is the service that joins channels to the dialogue engine: it orders the
// messages of each conversation, runs the safeguarding gate and the engine, hands
// conversations to advisers, records transcripts and sends replies back through the
// adapter they came from. It never names a platform: adapters implement Adapter.
package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/careersbot/careersbot/dialog"
)

// Message is the one normalised message every channel turns its events into, and the
// one every channel turns back into platform messages.
type Message struct {
	// ID is the platform's id for this delivery (update_id, event id, message id). With
	// Channel it deduplicates repeated deliveries. Empty for outbound messages.
	ID string `json:"id,omitempty"`
	// Channel names the adapter: "webchat", "rest", "telegram", "slack", "discord", "terminal".
	Channel string `json:"channel"`
	// Conversation is the channel's conversation key (chat id, DM channel, thread).
	// Channel+Conversation identify a conversation across careersbot.
	Conversation string `json:"conversation"`
	// User is the channel's user key.
	User string `json:"user,omitempty"`
	Text string `json:"text"`
	// Button is the value of a pressed quick reply, when the message came from one.
	Button string `json:"button,omitempty"`
	// Command is a platform command ("start", "help", "adviser", "delete") from
	// /start and friends; it becomes dialog.Input.Command.
	Command  string    `json:"command,omitempty"`
	Age      int       `json:"age,omitempty"`
	Location string    `json:"location,omitempty"`
	Time     time.Time `json:"time"`

	// Outbound content.
	Buttons []dialog.Button `json:"buttons,omitempty"`
	Cards   []dialog.Card   `json:"cards,omitempty"`
	Charts  []dialog.Chart  `json:"charts,omitempty"`
	// Sender says who wrote an outbound message: "bot", "adviser" or "system".
	Sender string `json:"sender,omitempty"`
	// Seq is the outbound message's sequence number in the conversation's transcript,
	// so a channel that reconnects (the web chat) can resume without loss or duplicates.
	Seq int64 `json:"seq,omitempty"`

	// Raw is the platform's event as received (inbound) or meta for the adapter
	// (outbound, e.g. a thread ts or an interaction token).
	Raw json.RawMessage `json:"raw,omitempty"`
}

// Key identifies a conversation across channels.
func (m Message) Key() string { return m.Channel + ":" + m.Conversation }

// Handler receives inbound messages from adapters. The service implements it.
// Handle returns once the message is accepted (durably queued or processed); an error
// means it was not, and the adapter should not acknowledge the platform delivery.
type Handler interface {
	Handle(ctx context.Context, m Message) error
}

// Adapter is one channel. Run receives from the platform and calls h.Handle for each
// message until ctx ends; Send delivers one outbound message.
type Adapter interface {
	Name() string
	Run(ctx context.Context, h Handler) error
	Send(ctx context.Context, m Message) error
}

// Optional adapter capabilities, found by type assertion. An adapter without one gets
// the plain-text fallback from Render.

// Capabilities says what a channel can show.
type Capabilities struct {
	Buttons  bool // quick replies
	Cards    bool // structured blocks
	Charts   bool // pictures of charts
	Markdown bool
	MaxText  int // longest message in characters, 0 = no limit
}

// CapabilityReporter is an adapter that says what it can show.
type CapabilityReporter interface {
	Capabilities() Capabilities
}

// Responder is the dialogue engine as the service sees it.
type Responder interface {
	Respond(ctx context.Context, st dialog.State, in dialog.Input) (dialog.Reply, dialog.State, error)
}

// HTTPMounter is an adapter that serves routes on the service's HTTP server (the web
// chat, webhooks). Patterns follow net/http.ServeMux, e.g. "GET /chat/ws".
type HTTPMounter interface {
	Mount(mux *http.ServeMux)
}

// SendError is what an adapter's Send returns when delivery failed. Retry says whether
// trying again may succeed (429, 5xx, network errors); After is the platform's
// requested wait, 0 when it gave none. Any other error is treated as permanent.
type SendError struct {
	Retry bool
	After time.Duration
	Err   error
}

func (e *SendError) Error() string {
	if e.Retry {
		return fmt.Sprintf("send failed (will retry after %v): %v", e.After, e.Err)
	}
	return fmt.Sprintf("send failed: %v", e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }
