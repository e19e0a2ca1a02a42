package webchat

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// This file is the server side of RFC 6455 (WebSocket) framing: the opening handshake,
// reading client frames from a pooled buffer while a frame is arriving, and writing
// server frames. It has no per-connection state of its own; socket.go keeps what a
// connection needs between frames (which is nothing, unless a fragmented message is
// half received).

// Opcodes (RFC 6455 5.2).
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xA
)

// Close codes (RFC 6455 7.4.1).
const (
	closeNormal        = 1000
	closeGoingAway     = 1001
	closeProtocol      = 1002
	closeNoStatus      = 1005 // never sent: "the close frame had no code"
	closeBadData       = 1007
	closeTooBig        = 1009
	closeTryAgainLater = 1013
)

// wsGUID is the key suffix of the handshake (RFC 6455 1.3).
const wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// closeError ends a connection with a close frame: code and reason are what the client
// is told.
type closeError struct {
	code   uint16
	reason string
}

func (e *closeError) Error() string {
	return fmt.Sprintf("websocket close %d: %s", e.code, e.reason)
}

func protocolError(format string, args ...any) error {
	return &closeError{code: closeProtocol, reason: fmt.Sprintf(format, args...)}
}

// errPeerClosed is the client's close frame (answered) or the TCP connection ending.
var errPeerClosed = errors.New("webchat: client closed the connection")

// acceptKey is Sec-WebSocket-Accept for a Sec-WebSocket-Key.
func acceptKey(key string) string {
	sum := sha1.Sum([]byte(key + wsGUID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// headerHasToken reports whether a comma-separated header (Connection, Upgrade) lists
// token, case-insensitively.
func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// checkUpgrade validates an opening handshake request. It returns the HTTP status and
// message to refuse it with, or 0 and the client's key.
func checkUpgrade(r *http.Request) (status int, msg, key string) {
	if !headerHasToken(r.Header, "Connection", "upgrade") || !headerHasToken(r.Header, "Upgrade", "websocket") {
		return http.StatusUpgradeRequired, "this is the chat's WebSocket endpoint: send a WebSocket upgrade request", ""
	}
	if v := r.Header.Get("Sec-WebSocket-Version"); v != "13" {
		return http.StatusUpgradeRequired, fmt.Sprintf("WebSocket version %q is not supported; use 13", v), ""
	}
	key = strings.TrimSpace(r.Header.Get("Sec-WebSocket-Key"))
	if b, err := base64.StdEncoding.DecodeString(key); err != nil || len(b) != 16 {
		return http.StatusBadRequest, "Sec-WebSocket-Key must be 16 bytes in base64", ""
	}
	return 0, "", key
}

// upgradeResponse is the 101 answer to a valid handshake. No extension (such as
// permessage-deflate) and no subprotocol is agreed.
func upgradeResponse(key string) []byte {
	return []byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
		acceptKey(key) + "\r\n\r\n")
}

// readBufSize is the pooled buffer a readable connection reads into. Most client frames
// (hello, message, ping) are well under it; a bigger one is read into a pooled message
// buffer of its own size.
const readBufSize = 4 << 10

// bufPools are an adapter's pooled buffers: read buffers, and message buffers for a
// frame bigger than what one read brought, or a fragmented message.
type bufPools struct {
	read, msg sync.Pool
}

func newBufPools() *bufPools {
	p := &bufPools{}
	p.read.New = func() any { b := make([]byte, readBufSize); return &b }
	p.msg.New = func() any { b := make([]byte, 0, 16<<10); return &b }
	return p
}

// wireReader reads one connection's frames while a worker goroutine has it: from
// bytes already read into buf, then blocking on the connection with a deadline per read
// (a frame that has started must finish; an idle connection is not read at all).
type wireReader struct {
	conn     net.Conn
	buf      []byte
	r, w     int
	timeout  time.Duration // per blocking read
	until    time.Time     // if set, no read goes past it (a closing connection)
	deadline bool          // a read deadline is set on conn and must be cleared
}

func (wr *wireReader) buffered() int { return wr.w - wr.r }

// fill reads more bytes from the connection, blocking until some arrive.
func (wr *wireReader) fill() error {
	if wr.r == wr.w {
		wr.r, wr.w = 0, 0
	} else if wr.w == len(wr.buf) {
		wr.w = copy(wr.buf, wr.buf[wr.r:wr.w])
		wr.r = 0
	}
	d := time.Now().Add(wr.timeout)
	if !wr.until.IsZero() && wr.until.Before(d) {
		d = wr.until
	}
	if err := wr.conn.SetReadDeadline(d); err != nil {
		return err
	}
	wr.deadline = true
	n, err := wr.conn.Read(wr.buf[wr.w:])
	wr.w += n
	switch {
	case n > 0:
		return nil
	case err == nil:
		return io.ErrNoProgress
	case errors.Is(err, io.EOF):
		return errPeerClosed
	}
	return err
}

// clearDeadline removes the read deadline fill set, so the connection can go back to
// the poller.
func (wr *wireReader) clearDeadline() {
	if wr.deadline {
		_ = wr.conn.SetReadDeadline(time.Time{})
		wr.deadline = false
	}
}

func (wr *wireReader) readFull(p []byte) error {
	for len(p) > 0 {
		if wr.r == wr.w {
			if err := wr.fill(); err != nil {
				return err
			}
		}
		n := copy(p, wr.buf[wr.r:wr.w])
		wr.r += n
		p = p[n:]
	}
	return nil
}

// next returns the next n bytes without copying when they are already buffered (n fits
// the buffer); ok is false when they are not all there yet.
func (wr *wireReader) next(n int) (b []byte, ok bool) {
	if wr.buffered() < n {
		return nil, false
	}
	b = wr.buf[wr.r : wr.r+n]
	wr.r += n
	return b, true
}

func (wr *wireReader) discard(n int64) error {
	for n > 0 {
		if wr.r == wr.w {
			if err := wr.fill(); err != nil {
				return err
			}
		}
		k := int64(wr.buffered())
		if k > n {
			k = n
		}
		wr.r += int(k)
		n -= k
	}
	return nil
}

// frameHeader is a client frame's header.
type frameHeader struct {
	fin    bool
	op     byte
	length int64
	mask   [4]byte
}

// readHeader reads and checks a client frame header: RSV bits clear (no extension is
// agreed), a known opcode, masked (RFC 6455 5.1), control frames final and at most 125
// bytes, the 64-bit length's top bit clear.
func (wr *wireReader) readHeader() (frameHeader, error) {
	var b [8]byte
	if err := wr.readFull(b[:2]); err != nil {
		return frameHeader{}, err
	}
	h := frameHeader{fin: b[0]&0x80 != 0, op: b[0] & 0x0f, length: int64(b[1] & 0x7f)}
	if b[0]&0x70 != 0 {
		return h, protocolError("reserved bits set: no extension was agreed")
	}
	switch h.op {
	case opContinuation, opText, opBinary, opClose, opPing, opPong:
	default:
		return h, protocolError("unknown opcode %#x", h.op)
	}
	if b[1]&0x80 == 0 {
		return h, protocolError("client frames must be masked")
	}
	switch h.length {
	case 126:
		if err := wr.readFull(b[:2]); err != nil {
			return h, err
		}
		h.length = int64(binary.BigEndian.Uint16(b[:2]))
	case 127:
		if err := wr.readFull(b[:8]); err != nil {
			return h, err
		}
		u := binary.BigEndian.Uint64(b[:8])
		if u>>63 != 0 {
			return h, protocolError("frame length has its top bit set")
		}
		h.length = int64(u)
	}
	if h.op >= opClose && (!h.fin || h.length > 125) {
		return h, protocolError("control frames must be final and at most 125 bytes")
	}
	if err := wr.readFull(h.mask[:]); err != nil {
		return h, err
	}
	return h, nil
}

// unmask XORs p with the frame's mask key, p starting at payload offset pos.
func unmask(p []byte, key [4]byte, pos int) {
	for i := range p {
		p[i] ^= key[(pos+i)&3]
	}
}

// appendFrame appends a final, unmasked server frame.
func appendFrameHeader(dst []byte, op byte, n int) []byte {
	dst = append(dst, 0x80|op)
	switch {
	case n < 126:
		dst = append(dst, byte(n))
	case n < 1<<16:
		dst = append(dst, 126)
		dst = binary.BigEndian.AppendUint16(dst, uint16(n))
	default:
		dst = append(dst, 127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(n))
	}
	return dst
}

// closePayload is a close frame's body: the code and a reason cut to fit 125 bytes at a
// character boundary.
func closePayload(code uint16, reason string) []byte {
	if code == 0 || code == closeNoStatus {
		return nil
	}
	for len(reason) > 123 {
		_, size := utf8.DecodeLastRuneInString(reason)
		reason = reason[:len(reason)-size]
	}
	b := binary.BigEndian.AppendUint16(make([]byte, 0, 2+len(reason)), code)
	return append(b, reason...)
}

// parseClose reads a client's close frame body: its code (closeNoStatus when empty) or
// a protocol error for a one-byte body, a code no endpoint may send, or a reason that is
// not UTF-8.
func parseClose(p []byte) (uint16, error) {
	if len(p) == 0 {
		return closeNoStatus, nil
	}
	if len(p) == 1 {
		return 0, protocolError("close frame body of one byte")
	}
	code := binary.BigEndian.Uint16(p)
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1014, code >= 3000 && code <= 4999:
	default:
		return 0, protocolError("close code %d may not be sent", code)
	}
	if !utf8.Valid(p[2:]) {
		return 0, &closeError{code: closeBadData, reason: "close reason is not UTF-8"}
	}
	return code, nil
}
