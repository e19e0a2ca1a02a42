package webchat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/careersbot/careersbot/bot"
)

// closeGrace is how long a socket the server is closing waits for the client's close
// frame before the TCP connection is cut.
const closeGrace = 5 * time.Second

// errWouldBlock is a readable event with nothing to read.
var errWouldBlock = errors.New("webchat: nothing to read")

// hardReadLimit is the message size at which the connection is closed (1009) rather
// than the message drained and refused.
func (a *Adapter) hardReadLimit() int64 {
	n := int64(a.opts.MaxMessageBytes) * 8
	if n < 64<<10 {
		n = 64 << 10
	}
	return n
}

// originAllowed checks the Origin of a WebSocket upgrade. A request with no Origin is
// not from a browser (a browser always sends one), so it carries no CSRF risk.
func (a *Adapter) originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	host := strings.ToLower(u.Host)
	if host == strings.ToLower(r.Host) {
		return true
	}
	for _, p := range a.origins {
		if p.any {
			return true
		}
		if p.scheme != "" && p.scheme != u.Scheme {
			continue
		}
		if ok, _ := path.Match(p.host, host); ok {
			return true
		}
	}
	return false
}

// socket is one live WebSocket: one widget in one tab. An idle socket is this struct,
// its net.Conn and an entry in the poller: no goroutine and no buffer. A goroutine and a
// pooled buffer are taken when a frame arrives, for as long as it takes to read and
// handle it (serveReadable).
type socket struct {
	a    *Adapter
	conn net.Conn
	rc   syscall.RawConn // nil when conn has no file descriptor
	id   uint64
	// polled: the poller watches the socket; otherwise serveBlocking reads it.
	polled atomic.Bool

	conversation string // set by hello
	age          int

	mu sync.Mutex // serialises writes; guards lastSeq and closing
	// lastSeq is the highest transcript seq the hello's replay carried (or the client's
	// after). A live message at or below it is a duplicate of the replay. Live messages
	// do not raise it, so one delivered out of order is still written.
	lastSeq int64
	// sent are the last live seqs written (a ring): an outbox entry delivered again
	// after an instance died between writing it and marking it (at-least-once across
	// instances) is not shown twice.
	sent  [16]int64
	sentN int
	// closing: the server sent its close frame; nothing more is written and the
	// client's close frame (or end of stream, or closeBy) ends the connection.
	closing bool

	// Read side: readMu is held by the goroutine reading the socket (there is one at a
	// time: the poller reports a socket once until it is re-armed).
	readMu sync.Mutex
	frag   *fragment // a fragmented message being received
	broken bool      // a protocol error: what follows is discarded until the peer goes
	tokens float64   // rate limit
	refill time.Time

	lastRead atomic.Int64 // unix ns of the last bytes read (idle timeout)
	closeBy  atomic.Int64 // unix ns: a closing socket is cut then
	closed   atomic.Bool
}

// fragment is a message arriving in several frames (RFC 6455 5.4).
type fragment struct {
	op     byte
	n      int64   // bytes so far
	buf    *[]byte // pooled; nil once the message is over MaxMessageBytes
	tooBig bool
}

func (a *Adapter) serveWS(w http.ResponseWriter, r *http.Request) {
	if !a.originAllowed(r) {
		a.log.Info("webchat: refused socket from origin", "origin", r.Header.Get("Origin"))
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	status, msg, key := checkUpgrade(r)
	if status != 0 {
		if status == http.StatusUpgradeRequired {
			w.Header().Set("Upgrade", "websocket")
			w.Header().Set("Sec-WebSocket-Version", "13")
		}
		http.Error(w, msg, status)
		return
	}
	if ok, reason := a.admit(); !ok {
		w.Header().Set("Retry-After", "5")
		http.Error(w, reason, http.StatusServiceUnavailable)
		return
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		a.release()
		a.log.Error("webchat: cannot take over the connection", "err", err)
		http.Error(w, "this server cannot serve WebSockets", http.StatusInternalServerError)
		return
	}
	// The HTTP server's read and write deadlines do not apply to the socket.
	_ = conn.SetDeadline(time.Now().Add(a.opts.WriteTimeout))
	if _, err := conn.Write(upgradeResponse(key)); err != nil {
		conn.Close()
		a.release()
		return
	}
	_ = conn.SetDeadline(time.Time{})
	s := &socket{a: a, conn: conn, tokens: float64(a.opts.RatePerMinute), refill: a.opts.Now()}
	if sc, ok := conn.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			s.rc = rc
		}
	}
	s.lastRead.Store(time.Now().UnixNano())
	s.readMu.Lock()
	if !a.register(s) {
		s.readMu.Unlock()
		s.startClose(closeGoingAway, "the chat service is stopping")
		s.closeNow()
		return
	}
	// A client may send its first frame without waiting for the 101: the HTTP server
	// has read it already.
	if n := brw.Reader.Buffered(); n > 0 {
		bp := a.bufs.read.Get().(*[]byte)
		wr := wireReader{conn: conn, buf: *bp, timeout: a.opts.FrameTimeout}
		wr.w, _ = io.ReadFull(brw.Reader, wr.buf[:min(n, len(wr.buf))])
		err := s.readFrames(&wr)
		wr.clearDeadline()
		a.bufs.read.Put(bp)
		if !s.afterRead(err) {
			s.readMu.Unlock()
			return
		}
	}
	s.readMu.Unlock()
	s.watch()
}

// watch hands the socket to the poller, or to a goroutine of its own when there is no
// poller or no file descriptor.
func (s *socket) watch() {
	if p := s.a.poll; p != nil && s.rc != nil {
		err := p.add(s.rc, s.id)
		if err == nil {
			s.polled.Store(true)
			return
		}
		s.a.log.Warn("webchat: poller refused a socket; reading it with a goroutine", "err", err)
	}
	go s.serveBlocking()
}

// serveReadable reads and handles what arrived on a polled socket, then re-arms it.
// It runs in a goroutine of its own, started by the poller's event.
func (s *socket) serveReadable() {
	s.readMu.Lock()
	bp := s.a.bufs.read.Get().(*[]byte)
	wr := wireReader{conn: s.conn, buf: *bp, timeout: s.a.opts.FrameTimeout}
	n, err := readNow(s.rc, wr.buf)
	if err == nil {
		wr.w = n
		s.lastRead.Store(time.Now().UnixNano())
		err = s.readFrames(&wr)
	}
	wr.clearDeadline()
	s.a.bufs.read.Put(bp)
	open := s.afterRead(err)
	s.readMu.Unlock()
	if !open {
		return
	}
	if err := s.a.poll.rearm(s.rc, s.id); err != nil {
		s.closeNow()
	}
}

// serveBlocking is the read loop of a socket the poller does not watch (no epoll on this
// system, or a connection without a file descriptor, e.g. TLS): a goroutine and a read
// buffer for the socket's whole life.
func (s *socket) serveBlocking() {
	for {
		bp := s.a.bufs.read.Get().(*[]byte)
		wr := wireReader{conn: s.conn, buf: *bp, timeout: s.a.opts.FrameTimeout}
		// No deadline while idle: the adapter's sweep closes an idle socket.
		n, err := s.conn.Read(wr.buf)
		if n > 0 {
			wr.w = n
			s.lastRead.Store(time.Now().UnixNano())
			err = s.readFrames(&wr)
		} else if err == nil || errors.Is(err, io.EOF) {
			err = errPeerClosed
		}
		wr.clearDeadline()
		s.a.bufs.read.Put(bp)
		if !s.afterRead(err) {
			return
		}
	}
}

// afterRead acts on the outcome of reading: true while the socket stays open.
func (s *socket) afterRead(err error) bool {
	var ce *closeError
	switch {
	case err == nil || errors.Is(err, errWouldBlock):
		return !s.closed.Load()
	case errors.As(err, &ce):
		// A protocol error: tell the client why, then discard what it sends until it
		// closes (closing at once could reset the connection before it reads why).
		s.a.log.Debug("webchat: closing socket", "code", ce.code, "reason", ce.reason)
		s.broken = true
		s.startClose(ce.code, ce.reason)
		return !s.closed.Load()
	default:
		if !errors.Is(err, errPeerClosed) && !errors.Is(err, net.ErrClosed) {
			s.a.log.Debug("webchat: socket closed", "err", err)
		}
		s.closeNow()
		return false
	}
}

// readFrames handles the frames in wr, reading on while a frame has started but not
// finished. It returns nil when every byte read is handled; a fragmented message may
// still be in progress (s.frag).
func (s *socket) readFrames(wr *wireReader) error {
	for {
		if s.broken {
			wr.r = wr.w
			return nil
		}
		if s.isClosing() {
			wr.until = time.Unix(0, s.closeBy.Load())
		}
		h, err := wr.readHeader()
		if err != nil {
			return err
		}
		if h.op >= opClose {
			err = s.control(wr, h)
		} else {
			err = s.data(wr, h)
		}
		if err != nil {
			return err
		}
		if wr.buffered() == 0 {
			return nil
		}
	}
}

// control handles a ping, pong or close frame.
func (s *socket) control(wr *wireReader, h frameHeader) error {
	var p [125]byte
	b := p[:h.length]
	if err := wr.readFull(b); err != nil {
		return err
	}
	unmask(b, h.mask, 0)
	switch h.op {
	case opPing:
		if err := s.writeFrame(opPong, b); err != nil && !errors.Is(err, errClosing) {
			return err
		}
		return nil
	case opPong:
		return nil
	}
	code, err := parseClose(b)
	if err != nil {
		return err
	}
	// Echo the client's code (RFC 6455 5.5.1) unless this side has sent its own.
	s.mu.Lock()
	if !s.closing {
		s.closing = true
		_ = s.writeFrameLocked(opClose, closePayload(code, ""))
	}
	s.mu.Unlock()
	return errPeerClosed
}

// data reads a text, binary or continuation frame and handles the message it ends.
func (s *socket) data(wr *wireReader, h frameHeader) error {
	if s.isClosing() {
		s.dropFragment()
		return wr.discard(h.length)
	}
	f := s.frag
	switch {
	case h.op == opContinuation && f == nil:
		return protocolError("continuation frame with no message to continue")
	case h.op != opContinuation && f != nil:
		return protocolError("a new message began before the last one ended")
	}
	total := h.length
	if f != nil {
		total += f.n
	}
	if hard := s.a.hardReadLimit(); total > hard {
		s.dropFragment()
		s.startClose(closeTooBig, fmt.Sprintf("message over %d bytes", hard))
		wr.until = time.Unix(0, s.closeBy.Load())
		return wr.discard(h.length)
	}
	max := int64(s.a.opts.MaxMessageBytes)
	if f == nil && h.fin && total <= max {
		// One frame, one message: the common case, usually already in the read buffer.
		n := int(h.length)
		if b, ok := wr.next(n); ok {
			unmask(b, h.mask, 0)
			return s.message(h.op, b)
		}
		mp := s.a.bufs.msg.Get().(*[]byte)
		b := slices.Grow((*mp)[:0], n)[:n]
		err := wr.readFull(b)
		if err == nil {
			unmask(b, h.mask, 0)
			err = s.message(h.op, b)
		}
		*mp = b[:0]
		s.a.bufs.msg.Put(mp)
		return err
	}
	if f == nil {
		f = &fragment{op: h.op}
		s.frag = f
	}
	if total > max || f.tooBig {
		f.tooBig = true
		if f.buf != nil {
			*f.buf = (*f.buf)[:0]
			s.a.bufs.msg.Put(f.buf)
			f.buf = nil
		}
		if err := wr.discard(h.length); err != nil {
			return err
		}
	} else {
		if f.buf == nil {
			f.buf = s.a.bufs.msg.Get().(*[]byte)
			*f.buf = (*f.buf)[:0]
		}
		start, n := len(*f.buf), int(h.length)
		b := slices.Grow(*f.buf, n)[:start+n]
		*f.buf = b
		if err := wr.readFull(b[start:]); err != nil {
			return err
		}
		unmask(b[start:], h.mask, 0)
	}
	f.n = total
	if !h.fin {
		return nil
	}
	s.frag = nil
	if f.tooBig {
		return s.refuse("", CodeTooBig, fmt.Sprintf("frame is larger than %d bytes", max))
	}
	err := s.message(f.op, *f.buf)
	*f.buf = (*f.buf)[:0]
	s.a.bufs.msg.Put(f.buf)
	return err
}

func (s *socket) dropFragment() {
	if f := s.frag; f != nil {
		if f.buf != nil {
			*f.buf = (*f.buf)[:0]
			s.a.bufs.msg.Put(f.buf)
		}
		s.frag = nil
	}
}

// message handles one whole client message. A bad one gets an error frame and nil.
func (s *socket) message(op byte, data []byte) error {
	if op != opText {
		return s.refuse("", CodeBinary, "binary frames are not accepted; send JSON text frames")
	}
	if !utf8.Valid(data) {
		return s.refuse("", CodeNotUTF8, "frame is not valid UTF-8")
	}
	var f clientFrame
	if err := json.Unmarshal(data, &f); err != nil {
		return s.refuse("", CodeBadFrame, "frame is not a JSON object: "+err.Error())
	}
	switch f.Type {
	case FrameHello:
		return s.hello(f)
	case FrameMessage:
		return s.say(f)
	case FramePing:
		return s.write(mustJSON(serverFrame{Type: FramePong}))
	default:
		return s.refuse(f.ID, CodeBadFrame, fmt.Sprintf("unknown frame type %q", f.Type))
	}
}

func (s *socket) refuse(id, code, msg string) error {
	return s.write(mustJSON(serverFrame{Type: FrameError, ID: id, Code: code, Message: msg}))
}

func (s *socket) hello(f clientFrame) error {
	if s.conversation != "" {
		return s.refuse("", CodeBadFrame, "hello was already sent on this connection")
	}
	if !ValidConversation(f.Conversation) {
		return s.refuse("", CodeBadConversation, "conversation id must be 8-64 characters of A-Z a-z 0-9 _ -")
	}
	if f.After < 0 {
		f.After = 0
	}
	if f.Age > 0 && f.Age < 120 {
		s.age = f.Age
	}
	s.conversation = f.Conversation

	// Hold the write lock from subscribing until the replay is written, so a live
	// message sent meanwhile waits and is then skipped if the replay carried it.
	s.mu.Lock()
	defer s.mu.Unlock()
	if ok, reason := s.a.subscribe(s); !ok {
		s.conversation = ""
		_ = s.writeLocked(mustJSON(serverFrame{Type: FrameError, Code: CodeTooMany, Message: reason}))
		s.startCloseLocked(closeTryAgainLater, reason)
		return nil
	}
	s.lastSeq = f.After
	ctx, cancel := context.WithTimeout(context.Background(), s.a.opts.HandleTimeout)
	defer cancel()
	if err := s.replayLocked(ctx); err != nil {
		s.a.log.Error("webchat: replaying history failed", "err", err)
		s.startCloseLocked(closeTryAgainLater, "history unavailable, try again")
		return nil
	}
	return s.writeLocked(mustJSON(serverFrame{Type: FrameReady, Conversation: s.conversation, LastSeq: s.lastSeq, MaxBytes: s.a.opts.MaxMessageBytes}))
}

// replayLocked writes the conversation's stored events after s.lastSeq.
func (s *socket) replayLocked(ctx context.Context) error {
	if s.a.history == nil {
		return nil
	}
	key := ChannelName + ":" + s.conversation
	const page = 200
	sent := 0
	for sent < s.a.opts.HistoryLimit {
		n := min(page, s.a.opts.HistoryLimit-sent)
		events, err := s.a.history.EventsAfter(ctx, key, s.lastSeq, n)
		if err != nil {
			return fmt.Errorf("events after %d: %w", s.lastSeq, err)
		}
		for _, e := range events {
			if e.Seq <= s.lastSeq {
				continue
			}
			f, err := eventFrame(e)
			if err != nil {
				s.a.log.Warn("webchat: bad stored payload; replaying text only", "err", err)
			}
			if err := s.writeLocked(mustJSON(f)); err != nil {
				return err
			}
			s.lastSeq = e.Seq
			sent++
		}
		if len(events) < n {
			break
		}
	}
	return nil
}

// say handles a message frame: the young person said something.
func (s *socket) say(f clientFrame) error {
	if s.conversation == "" {
		return s.refuse(f.ID, CodeNoHello, "send hello before messages")
	}
	if !validID(f.ID, 1, 64) {
		return s.refuse("", CodeBadID, "message id must be 1-64 characters of A-Z a-z 0-9 _ -")
	}
	text := strings.TrimSpace(f.Text)
	if text == "" && f.Button == "" {
		return s.refuse(f.ID, CodeEmpty, "message has no text")
	}
	if !s.allow() {
		return s.refuse(f.ID, CodeSlowDown, "too many messages; this one will be sent again shortly")
	}
	if f.Age > 0 && f.Age < 120 {
		s.age = f.Age
	}
	h := s.a.currentHandler()
	if h == nil {
		return s.refuse(f.ID, CodeUnavailable, "the chat service is not ready; this message will be sent again")
	}
	if text == "" {
		text = f.Button
	}
	m := bot.Message{
		ID: f.ID, Channel: ChannelName, Conversation: s.conversation, User: s.conversation,
		Text: text, Button: f.Button, Age: s.age, Time: s.a.opts.Now().UTC(),
	}
	// Other tabs on the conversation show what was said here (with its id, so a resend
	// is not shown twice) and that the bot is typing.
	typing := mustJSON(serverFrame{Type: FrameTyping})
	var echo []byte
	for _, o := range s.a.sockets(s.conversation) {
		if o != s {
			if echo == nil {
				now := m.Time
				echo = mustJSON(serverFrame{Type: FrameMessage, ID: f.ID, Sender: "user", Time: &now, Text: text})
			}
			_ = o.deliver(0, echo)
		}
		_ = o.deliver(0, typing)
	}
	// The service's work is not cut short when the young person closes the tab.
	hctx, cancel := context.WithTimeout(context.Background(), s.a.opts.HandleTimeout)
	err := h.Handle(hctx, m)
	cancel()
	if err != nil {
		s.a.log.Warn("webchat: service did not accept message", "err", err)
		return s.refuse(f.ID, CodeUnavailable, "the message did not go through; it will be sent again")
	}
	return s.write(mustJSON(serverFrame{Type: FrameAck, ID: f.ID}))
}

// allow takes a token from the socket's rate limit.
func (s *socket) allow() bool {
	now := s.a.opts.Now()
	rate := float64(s.a.opts.RatePerMinute)
	s.tokens += now.Sub(s.refill).Minutes() * rate
	s.refill = now
	if s.tokens > rate {
		s.tokens = rate
	}
	if s.tokens < 1 {
		return false
	}
	s.tokens--
	return true
}

// deliver writes an outbound frame unless its transcript seq was in the socket's
// replay. A failed write closes the socket.
func (s *socket) deliver(seq int64, b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq > 0 && (seq <= s.lastSeq || slices.Contains(s.sent[:], seq)) {
		return nil
	}
	if err := s.writeLocked(b); err != nil {
		if !errors.Is(err, errClosing) {
			s.closeNow()
		}
		return err
	}
	if seq > 0 {
		s.sent[s.sentN%len(s.sent)] = seq
		s.sentN++
	}
	return nil
}

// write sends one text frame.
func (s *socket) write(b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writeLocked(b)
}

func (s *socket) writeLocked(b []byte) error { return s.writeFrameLocked(opText, b) }

func (s *socket) writeFrame(op byte, p []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writeFrameLocked(op, p)
}

// errClosing is a write to a socket whose close frame has been sent.
var errClosing = errors.New("webchat: socket is closing")

// writeFrameLocked writes one final frame within WriteTimeout: the header and the
// payload in one writev, no buffer kept.
func (s *socket) writeFrameLocked(op byte, p []byte) error {
	if s.closing && op != opClose {
		return errClosing
	}
	var hb [10]byte
	hdr := appendFrameHeader(hb[:0], op, len(p))
	if err := s.conn.SetWriteDeadline(time.Now().Add(s.a.opts.WriteTimeout)); err != nil {
		return err
	}
	var err error
	if len(p) <= 256 {
		var small [266]byte
		_, err = s.conn.Write(append(append(small[:0], hdr...), p...))
	} else {
		bufs := net.Buffers{hdr, p}
		_, err = bufs.WriteTo(s.conn)
	}
	return err
}

// isClosing reports whether the server has sent its close frame.
func (s *socket) isClosing() bool { return s.closeBy.Load() != 0 }

// startClose sends a close frame with code and reason; the client's close frame, the
// end of the stream or closeGrace then ends the connection.
func (s *socket) startClose(code uint16, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startCloseLocked(code, reason)
}

func (s *socket) startCloseLocked(code uint16, reason string) {
	if s.closing {
		return
	}
	s.closing = true
	s.closeBy.Store(time.Now().Add(closeGrace).UnixNano())
	err := s.writeFrameLocked(opClose, closePayload(code, reason))
	// Nothing follows the close frame: say so (FIN), so that a client waiting for the
	// server to end the TCP connection (RFC 6455 7.1.1) does not wait for closeGrace.
	if cw, ok := s.conn.(interface{ CloseWrite() error }); ok && err == nil {
		_ = cw.CloseWrite()
	}
	// Closing takes a socket out of its conversation at once: it gets no more messages.
	// (Lock order is s.mu, then a.mu.)
	s.a.unsubscribe(s)
	if err != nil {
		s.closeNow()
	}
}

// closeNow ends the TCP connection and forgets the socket. It does not take s.mu.
func (s *socket) closeNow() {
	if s.closed.Swap(true) {
		return
	}
	if s.polled.Load() {
		s.a.poll.remove(s.rc)
	}
	s.conn.Close()
	s.a.forget(s)
}
