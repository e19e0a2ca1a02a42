package webchat

import (
	"fmt"
	"time"
)

// This file keeps the adapter's accepted sockets: the registry the poller's events are
// looked up in, the connection limit (MaxConnections and the open-file limit), the
// warning when the limit is near, and the sweep that closes idle sockets.

// connLimits is the adapter's connection budget, fixed at New.
type connLimits struct {
	limit     int // sockets accepted at most
	nearAt    int // "near the limit" from here (90%)
	fileLimit int // RLIMIT_NOFILE at New (0 unknown)
	reserved  int // files kept for everything else
}

func newConnLimits(o Options) connLimits {
	l := connLimits{limit: o.MaxConnections, fileLimit: o.FileLimit}
	if l.fileLimit == 0 {
		l.fileLimit = openFileLimit()
	}
	if l.fileLimit > 0 {
		l.reserved = min(o.ReservedFiles, l.fileLimit/2)
		l.limit = min(l.limit, l.fileLimit-l.reserved)
	}
	l.nearAt = max(1, (l.limit*9+9)/10)
	return l
}

// ConnectionStatus is the web chat's part of /readyz.
type ConnectionStatus struct {
	// Connections are the sockets open now (with or without a hello).
	Connections int64 `json:"connections"`
	// Limit is where new sockets are refused: MaxConnections, or the open-file limit
	// less ReservedFiles when that is lower.
	Limit          int `json:"limit"`
	MaxConnections int `json:"max_connections"`
	FileLimit      int `json:"file_limit,omitempty"`
	// Refused counts upgrades refused at the limit since start.
	Refused int64 `json:"refused"`
	// NearLimit is set from 90% of Limit, with Warning saying so.
	NearLimit bool   `json:"near_limit"`
	Warning   string `json:"warning,omitempty"`
}

// Status reports the connections against the limit (for /readyz and metrics).
func (a *Adapter) Status() ConnectionStatus {
	n := a.live.Load()
	st := ConnectionStatus{Connections: n, Limit: a.limits.limit, MaxConnections: a.opts.MaxConnections,
		FileLimit: a.limits.fileLimit, Refused: a.refused.Load()}
	if n >= int64(a.limits.nearAt) {
		st.NearLimit = true
		st.Warning = fmt.Sprintf("%d of %d web chat connections in use; new ones are refused at %d", n, a.limits.limit, a.limits.limit)
	}
	return st
}

// admit counts a new socket in, or refuses it at the limit with the reason.
func (a *Adapter) admit() (ok bool, reason string) {
	n := a.live.Add(1)
	if n > int64(a.limits.limit) {
		a.live.Add(-1)
		total := a.refused.Add(1)
		now := time.Now().UnixNano()
		if last := a.refusedLogged.Load(); now-last > int64(10*time.Second) && a.refusedLogged.CompareAndSwap(last, now) {
			a.log.Warn("webchat: connection limit reached: refusing new chat connections with 503 (the widget retries)",
				"limit", a.limits.limit, "max_connections", a.opts.MaxConnections, "file_limit", a.limits.fileLimit,
				"refused_total", total)
		}
		return false, "too many chat connections, try again shortly"
	}
	if n >= int64(a.limits.nearAt) && a.nearWarned.CompareAndSwap(false, true) {
		a.log.Warn("webchat: connections near the limit", "connections", n, "limit", a.limits.limit,
			"max_connections", a.opts.MaxConnections, "file_limit", a.limits.fileLimit,
			"hint", "raise the open-file limit (LimitNOFILE) or MaxConnections, or add an instance")
	}
	return true, ""
}

// release counts a socket out.
func (a *Adapter) release() {
	n := a.live.Add(-1)
	if n < int64(a.limits.nearAt)*8/9 && a.nearWarned.CompareAndSwap(true, false) {
		a.log.Info("webchat: connections back below 80% of the limit", "connections", n, "limit", a.limits.limit)
	}
}

// register adds an accepted socket to the registry, starting the poller and the sweep
// with the first; false once the adapter has stopped.
func (a *Adapter) register(s *socket) bool {
	a.connMu.Lock()
	defer a.connMu.Unlock()
	if a.stopped {
		return false
	}
	if a.stop == nil {
		a.stop = make(chan struct{})
		p, err := newPoller(a.ready)
		if err != nil {
			a.log.Warn("webchat: no poller; each socket gets a goroutine", "err", err)
		} else {
			a.poll = p
		}
		a.loops.Add(1)
		go a.sweepLoop(a.stop)
	}
	a.nextID++
	s.id = a.nextID
	a.conns[s.id] = s
	return true
}

// forget removes a closed socket.
func (a *Adapter) forget(s *socket) {
	a.connMu.Lock()
	delete(a.conns, s.id)
	a.connMu.Unlock()
	a.unsubscribe(s)
	a.release()
}

// ready is the poller's event: the socket has something to read.
func (a *Adapter) ready(id uint64) {
	a.connMu.Lock()
	s := a.conns[id]
	a.connMu.Unlock()
	if s != nil {
		go s.serveReadable()
	}
}

// allSockets is every registered socket.
func (a *Adapter) allSockets() []*socket {
	a.connMu.Lock()
	defer a.connMu.Unlock()
	out := make([]*socket, 0, len(a.conns))
	for _, s := range a.conns {
		out = append(out, s)
	}
	return out
}

// registered is the number of sockets in the registry.
func (a *Adapter) registered() int {
	a.connMu.Lock()
	defer a.connMu.Unlock()
	return len(a.conns)
}

// sweepLoop closes idle sockets and cuts closing ones whose client did not answer.
func (a *Adapter) sweepLoop(stop chan struct{}) {
	defer a.loops.Done()
	every := min(max(a.opts.IdleTimeout/4, 10*time.Millisecond), 5*time.Second)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			a.sweep(now)
		}
	}
}

func (a *Adapter) sweep(now time.Time) {
	idleSince := now.Add(-a.opts.IdleTimeout).UnixNano()
	var idle, late []*socket
	a.connMu.Lock()
	for _, s := range a.conns {
		if by := s.closeBy.Load(); by != 0 {
			if now.UnixNano() > by {
				late = append(late, s)
			}
		} else if s.lastRead.Load() < idleSince {
			idle = append(idle, s)
		}
	}
	a.connMu.Unlock()
	for _, s := range idle {
		s.startClose(closeNormal, fmt.Sprintf("nothing received for %s", a.opts.IdleTimeout))
	}
	for _, s := range late {
		s.closeNow()
	}
}

// shutdown closes every socket with "going away", waits up to closeGrace for the
// clients to answer, then cuts the rest and stops the poller and the sweep.
func (a *Adapter) shutdown() {
	a.connMu.Lock()
	a.stopped = true
	a.connMu.Unlock()
	for _, s := range a.allSockets() {
		s.startClose(closeGoingAway, "the chat service is restarting")
	}
	deadline := time.Now().Add(closeGrace)
	for a.registered() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	for _, s := range a.allSockets() {
		s.closeNow()
	}
	a.connMu.Lock()
	stop, p := a.stop, a.poll
	a.connMu.Unlock()
	if stop != nil {
		close(stop)
		a.loops.Wait()
	}
	if p != nil {
		p.close()
	}
}
