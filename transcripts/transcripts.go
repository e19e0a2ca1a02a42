// Package transcripts records what was said in each conversation, redacted before it is
// stored, with retention, export, erasure and the KPIs a careers service reads. It knows
// nothing of rules or platforms.
package transcripts

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned for an unknown conversation.
var ErrNotFound = errors.New("transcripts: not found")

// Event kinds.
const (
	KindUser    = "user"
	KindBot     = "bot"
	KindAdviser = "adviser"
	KindSystem  = "system"
	// KindAction is a handoff transition or an adviser's action (who, what, when in
	// Payload); KindNote is an adviser's private note. Neither is shown to the young person.
	KindAction = "action"
	KindNote   = "note"
)

// VisibleToUser says whether the young person sees events of a kind.
func VisibleToUser(kind string) bool {
	return kind != KindAction && kind != KindNote
}

// Event is one thing said or done in a conversation. Text is already redacted.
type Event struct {
	Seq          int64     `json:"seq"`          // 1, 2, 3... within the conversation
	Conversation string    `json:"conversation"` // channel:conversation key
	Channel      string    `json:"channel"`
	Kind         string    `json:"kind"`
	Time         time.Time `json:"time"`
	Text         string    `json:"text"`
	Intent       string    `json:"intent,omitempty"`
	Rule         string    `json:"rule,omitempty"`
	Sources      []string  `json:"sources,omitempty"`
	Handoff      bool      `json:"handoff,omitempty"`
	Safeguarding bool      `json:"safeguarding,omitempty"`
	// Feedback is "yes" or "no" on a user event that answered "was this helpful?".
	Feedback string `json:"feedback,omitempty"`
	// Payload is the structured part of a bot reply (buttons, cards, charts) as JSON.
	Payload []byte `json:"payload,omitempty"`
}

// Store keeps events. Append assigns Seq (one more than the conversation's last) and
// returns the stored event; it redacts Text before storing. Implementations are safe for
// concurrent use. The SQLite store is the first; PostgreSQL comes next.
type Store interface {
	Append(ctx context.Context, e Event) (Event, error)
	// EventsAfter returns a conversation's events with Seq > after, in order, at most limit
	// (limit <= 0: no limit).
	EventsAfter(ctx context.Context, conversation string, after int64, limit int) ([]Event, error)
}
