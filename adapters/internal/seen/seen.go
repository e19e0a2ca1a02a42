// Package seen remembers the most recent platform delivery ids an adapter has handled,
// so a redelivery the platform makes while the first is still fresh is dropped before
// it reaches the service (which also deduplicates durably).
package seen

import "sync"

// Set is a fixed-size set of recent ids; the oldest is forgotten first. Safe for
// concurrent use. The zero value is not usable: call New.
type Set struct {
	mu   sync.Mutex
	ring []string // ids in arrival order, oldest at next once full
	next int
	full bool
	set  map[string]struct{}
}

// New returns a Set that remembers up to n ids (at least 1).
func New(n int) *Set {
	n = max(n, 1)
	return &Set{ring: make([]string, n), set: make(map[string]struct{}, n)}
}

// Has reports whether id was added and not yet forgotten.
func (s *Set) Has(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.set[id]
	return ok
}

// Add remembers id; an empty id is ignored.
func (s *Set) Add(id string) {
	if id == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.set[id]; ok {
		return
	}
	if s.full {
		delete(s.set, s.ring[s.next])
	}
	s.ring[s.next] = id
	s.set[id] = struct{}{}
	s.next++
	if s.next == len(s.ring) {
		s.next, s.full = 0, true
	}
}
