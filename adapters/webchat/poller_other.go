//go:build !linux

package webchat

import (
	"errors"
	"syscall"
)

// poller is epoll on Linux. Elsewhere there is none: each socket is read by a goroutine
// of its own (socket.serveBlocking), which holds a read buffer while it waits.
type poller struct{}

func newPoller(func(id uint64)) (*poller, error) {
	return nil, errors.New("webchat: no epoll on this system; one goroutine per socket")
}

func (p *poller) add(syscall.RawConn, uint64) error   { return errors.ErrUnsupported }
func (p *poller) rearm(syscall.RawConn, uint64) error { return errors.ErrUnsupported }
func (p *poller) remove(syscall.RawConn)              {}
func (p *poller) close()                              {}

func readNow(syscall.RawConn, []byte) (int, error) { return 0, errors.ErrUnsupported }
