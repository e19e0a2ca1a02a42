// Package partial remembers how far a platform got through an outbound message that is
// sent as several platform messages (long text split, a chart then text), so a retry of
// the same message resumes after the parts already delivered instead of repeating them.
package partial

import (
	"strconv"
	"sync"

	"github.com/careersbot/careersbot/bot"
)

// Progress tracks delivered parts per outbound message, keyed by conversation and Seq.
// A message without a Seq is not tracked (it always starts at part 0). Safe for
// concurrent use; the zero value is ready to use.
type Progress struct {
	mu   sync.Mutex
	done map[string]int // conversation#seq -> parts delivered
}

func key(m bot.Message) string {
	if m.Seq == 0 {
		return ""
	}
	return m.Conversation + "#" + strconv.FormatInt(m.Seq, 10)
}

// Next is the index of m's first part not yet delivered.
func (p *Progress) Next(m bot.Message) int {
	k := key(m)
	if k == "" {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done[k]
}

// Delivered records that part i of m was accepted by the platform.
func (p *Progress) Delivered(m bot.Message, i int) {
	k := key(m)
	if k == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done == nil {
		p.done = map[string]int{}
	}
	p.done[k] = i + 1
}

// Finished forgets m once every part was delivered.
func (p *Progress) Finished(m bot.Message) {
	k := key(m)
	if k == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.done, k)
}
