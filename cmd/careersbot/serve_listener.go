package main

import (
	"errors"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// outOfFilesListener keeps one spare file open so that, when the process runs out of
// open files (EMFILE/ENFILE on accept), it can still take the waiting connection, answer
// it "503: out of open files" and close it, logging that at most every 10 s, instead of
// net/http's silent retry loop that leaves clients hanging in the backlog. The web chat
// stops taking sockets before this (its limit keeps files in reserve); this is for what
// else fills the table.
type outOfFilesListener struct {
	net.Listener
	log *slog.Logger

	mu    sync.Mutex
	spare *os.File

	refused atomic.Int64
	logged  atomic.Int64 // unix ns
}

func newOutOfFilesListener(ln net.Listener, log *slog.Logger) *outOfFilesListener {
	l := &outOfFilesListener{Listener: ln, log: log}
	l.spare, _ = os.Open(os.DevNull)
	return l
}

const outOfFilesResponse = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Type: text/plain; charset=utf-8\r\n" +
	"Connection: close\r\nContent-Length: 57\r\n\r\nthe server is out of open files; try again in a moment.\r\n"

func (l *outOfFilesListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err == nil || !(errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)) {
			return c, err
		}
		if !l.refuseOne() {
			// No spare file: net/http backs off and retries.
			return nil, err
		}
	}
}

// refuseOne gives up the spare file to accept and refuse one connection.
func (l *outOfFilesListener) refuseOne() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.spare == nil {
		if l.spare, _ = os.Open(os.DevNull); l.spare == nil {
			return false
		}
	}
	l.spare.Close()
	l.spare = nil
	c, err := l.Listener.Accept()
	if err == nil {
		_ = c.SetWriteDeadline(time.Now().Add(time.Second))
		_, _ = c.Write([]byte(outOfFilesResponse))
		c.Close()
		n := l.refused.Add(1)
		now := time.Now().UnixNano()
		if last := l.logged.Load(); now-last > int64(10*time.Second) && l.logged.CompareAndSwap(last, now) {
			l.log.Error("out of open files: refusing new connections with 503", "refused_total", n,
				"hint", "raise the open-file limit (LimitNOFILE / ulimit -Hn) or add an instance")
		}
	}
	l.spare, _ = os.Open(os.DevNull)
	return err == nil
}

func (l *outOfFilesListener) Close() error {
	l.mu.Lock()
	if l.spare != nil {
		l.spare.Close()
		l.spare = nil
	}
	l.mu.Unlock()
	return l.Listener.Close()
}
