// Package fakepeer is what the fake chat platforms (discordtest, slacktest,
// telegramtest) share: failures scripted per method, a signal that something changed for
// their Wait methods to block on, and the JSON and dropped-connection answers.
package fakepeer

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Script holds the failures scripted for each method (or route group) of a fake. The
// zero value is empty and ready; it is safe for concurrent use.
type Script[F any] struct {
	mu sync.Mutex
	m  map[string][]scripted[F]
}

type scripted[F any] struct {
	f    F
	skip int
}

// Add scripts f for a later call of method: after the failures already scripted for it,
// and once skip calls have succeeded.
func (s *Script[F]) Add(method string, skip int, f F) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string][]scripted[F]{}
	}
	s.m[method] = append(s.m[method], scripted[F]{f, skip})
}

// Next is the failure a call of method gets now, if any. A failure still skipping
// counts this call as one of the calls it lets succeed.
func (s *Script[F]) Next(method string) (F, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var none F
	fs := s.m[method]
	switch {
	case len(fs) == 0:
		return none, false
	case fs[0].skip > 0:
		fs[0].skip--
		return none, false
	}
	s.m[method] = fs[1:]
	return fs[0].f, true
}

// Changes tells waiters that the fake's state changed. The zero value is ready.
type Changes struct {
	mu sync.Mutex
	ch chan struct{}
}

// C is closed at the next Signal.
func (c *Changes) C() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ch == nil {
		c.ch = make(chan struct{})
	}
	return c.ch
}

// Signal wakes everyone waiting on C.
func (c *Changes) Signal() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ch != nil {
		close(c.ch)
	}
	c.ch = make(chan struct{})
}

// Wait calls f until it says ok, again after each change (and every poll as well, when
// poll > 0, for conditions that change without a signal), and returns its value. When
// ctx ends first it returns f's last value and an error naming what it waited for.
func Wait[T any](ctx context.Context, c *Changes, poll time.Duration, what string, f func() (T, bool)) (T, error) {
	var tick <-chan time.Time
	if poll > 0 {
		t := time.NewTicker(poll)
		defer t.Stop()
		tick = t.C
	}
	for {
		ch := c.C() // before f: a change while f runs still wakes us
		if v, ok := f(); ok {
			return v, nil
		}
		select {
		case <-ch:
		case <-tick:
		case <-ctx.Done():
			v, _ := f()
			return v, fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		}
	}
}

// WriteJSON answers with status code and v as JSON.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// Drop closes the request's connection without an answer: to the client, a network
// error. It does not return.
func Drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
			panic(http.ErrAbortHandler)
		}
	}
	panic(http.ErrAbortHandler)
}
