// Package syncbuf is a bytes.Buffer safe for writers on several goroutines: a log or a
// child process's output that a test reads while it is still written.
package syncbuf

import (
	"bytes"
	"sync"
)

// Buffer is an io.Writer whose Write and String may be called concurrently. The zero
// value is empty and ready.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String is everything written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
