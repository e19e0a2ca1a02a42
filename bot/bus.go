package bot

import (
	"sync"

	"github.com/careersbot/careersbot/transcripts"
)

// Bus carries conversation events to whoever watches them: the web chat, adviser
// consoles, and later a NATS bridge. Delivery is best effort: a subscriber that falls
// behind misses events and catches up from the transcript by Seq.
type Bus interface {
	Publish(e transcripts.Event)
	// Subscribe watches one conversation ("" watches all). cancel ends the subscription
	// and closes the channel.
	Subscribe(conversation string, buffer int) (events <-chan transcripts.Event, cancel func())
}

// MemoryBus is the in-process Bus.
type MemoryBus struct {
	mu   sync.RWMutex
	subs map[string]map[*subscriber]struct{}
}

type subscriber struct {
	ch chan transcripts.Event
}

// NewMemoryBus returns an empty bus.
func NewMemoryBus() *MemoryBus {
	return &MemoryBus{subs: map[string]map[*subscriber]struct{}{}}
}

// Publish implements Bus. It never blocks.
func (b *MemoryBus) Publish(e transcripts.Event) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, key := range [2]string{e.Conversation, ""} {
		for s := range b.subs[key] {
			select {
			case s.ch <- e:
			default: // too slow: it resumes from the transcript
			}
		}
	}
}

// Subscribe implements Bus.
func (b *MemoryBus) Subscribe(conversation string, buffer int) (<-chan transcripts.Event, func()) {
	if buffer <= 0 {
		buffer = 64
	}
	s := &subscriber{ch: make(chan transcripts.Event, buffer)}
	b.mu.Lock()
	if b.subs[conversation] == nil {
		b.subs[conversation] = map[*subscriber]struct{}{}
	}
	b.subs[conversation][s] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs[conversation], s)
			if len(b.subs[conversation]) == 0 {
				delete(b.subs, conversation)
			}
			b.mu.Unlock()
			close(s.ch)
		})
	}
}
