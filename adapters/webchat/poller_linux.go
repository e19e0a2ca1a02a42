//go:build linux

package webchat

import (
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// poller watches every idle socket with one epoll instance and one goroutine, so an
// idle socket costs no goroutine and no buffer. Sockets are registered one-shot: when
// one becomes readable, ready is called with its id and the socket is not reported again
// until rearm (after its frames are read and handled). The fd is only touched inside
// RawConn.Control, so a closed and reused fd number is never confused with the old one;
// the epoll data is the socket's id, never the fd.
type poller struct {
	epfd, wake int
	ready      func(id uint64)
	done       chan struct{}
}

// events is what a socket is watched for: readable, or the peer gone.
const events = unix.EPOLLIN | unix.EPOLLRDHUP | unix.EPOLLONESHOT

func newPoller(ready func(id uint64)) (*poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("webchat: epoll: %w", err)
	}
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(epfd)
		return nil, fmt.Errorf("webchat: eventfd: %w", err)
	}
	// id 0 is the wake-up event that stops the loop.
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wake, &unix.EpollEvent{Events: unix.EPOLLIN}); err != nil {
		unix.Close(wake)
		unix.Close(epfd)
		return nil, fmt.Errorf("webchat: epoll add: %w", err)
	}
	p := &poller{epfd: epfd, wake: wake, ready: ready, done: make(chan struct{})}
	go p.run()
	return p, nil
}

func (p *poller) run() {
	defer close(p.done)
	evs := make([]unix.EpollEvent, 256)
	for {
		n, err := unix.EpollWait(p.epfd, evs, -1)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return
		}
		for _, ev := range evs[:n] {
			id := uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32
			if id == 0 {
				return
			}
			p.ready(id)
		}
	}
}

func (p *poller) ctl(rc syscall.RawConn, op int, id uint64) error {
	var cerr error
	err := rc.Control(func(fd uintptr) {
		ev := unix.EpollEvent{Events: events, Fd: int32(uint32(id)), Pad: int32(uint32(id >> 32))}
		cerr = unix.EpollCtl(p.epfd, op, int(fd), &ev)
	})
	if err != nil {
		return err
	}
	return cerr
}

// add watches a connection.
func (p *poller) add(rc syscall.RawConn, id uint64) error { return p.ctl(rc, unix.EPOLL_CTL_ADD, id) }

// rearm watches a connection again after ready reported it.
func (p *poller) rearm(rc syscall.RawConn, id uint64) error { return p.ctl(rc, unix.EPOLL_CTL_MOD, id) }

// remove stops watching a connection (before it is closed).
func (p *poller) remove(rc syscall.RawConn) {
	_ = rc.Control(func(fd uintptr) { _ = unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, int(fd), nil) })
}

// close stops the loop and releases the epoll instance.
func (p *poller) close() {
	var one = [8]byte{1}
	_, _ = unix.Write(p.wake, one[:])
	<-p.done
	unix.Close(p.wake)
	unix.Close(p.epfd)
}

// readNow reads what the connection has without waiting: errWouldBlock when nothing
// is there (a spurious wake-up), errPeerClosed at end of stream.
func readNow(rc syscall.RawConn, buf []byte) (int, error) {
	var n int
	var rerr error
	err := rc.Read(func(fd uintptr) bool {
		for {
			// syscall.Read, not unix.Read: it is the one the race detector treats as
			// synchronising with the writes of net.Conn (as every net.Conn read is).
			n, rerr = syscall.Read(int(fd), buf)
			if !errors.Is(rerr, syscall.EINTR) {
				return true
			}
		}
	})
	switch {
	case err != nil:
		return 0, err
	case errors.Is(rerr, syscall.EAGAIN):
		return 0, errWouldBlock
	case rerr != nil:
		return 0, rerr
	case n == 0:
		return 0, errPeerClosed
	}
	return n, nil
}
