package webchat

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// streamConn is a net.Conn reading a fixed byte stream and keeping what is written.
type streamConn struct {
	r   io.Reader
	out bytes.Buffer
}

func (c *streamConn) Read(p []byte) (int, error)       { return c.r.Read(p) }
func (c *streamConn) Write(p []byte) (int, error)      { return c.out.Write(p) }
func (c *streamConn) Close() error                     { return nil }
func (c *streamConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *streamConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *streamConn) SetDeadline(time.Time) error      { return nil }
func (c *streamConn) SetReadDeadline(time.Time) error  { return nil }
func (c *streamConn) SetWriteDeadline(time.Time) error { return nil }

// maskedFrame is a client frame with a zero mask key (the payload as is).
func maskedFrame(b0 byte, payload string) []byte {
	b := []byte{b0}
	switch n := len(payload); {
	case n < 126:
		b = append(b, 0x80|byte(n))
	case n < 1<<16:
		b = append(b, 0x80|126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(append(b, 0, 0, 0, 0), payload...)
}

// FuzzReadFrames feeds any byte stream to a socket's frame reader: it must not panic,
// must end with nil, a close error or end of stream, and every frame it writes back must
// be a well-formed server frame.
func FuzzReadFrames(f *testing.F) {
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	f.Add(maskedFrame(0x81, `{"type":"ping"}`))
	f.Add(maskedFrame(0x81, `{"type":"hello","conversation":"abcdefgh12"}`))
	f.Add(cat(maskedFrame(0x01, `{"type"`), maskedFrame(0x89, "x"), maskedFrame(0x80, `:"ping"}`)))
	f.Add(maskedFrame(0x88, "\x03\xe8bye"))
	f.Add(maskedFrame(0x82, "\x00\x01"))
	f.Add([]byte{0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	f.Add(cat(maskedFrame(0x01, string(make([]byte, 300))), maskedFrame(0x80, string(make([]byte, 300)))))
	f.Fuzz(func(t *testing.T, stream []byte) {
		a, err := New(Options{MaxMessageBytes: 256}, nil)
		if err != nil {
			t.Fatal(err)
		}
		c := &streamConn{r: bytes.NewReader(stream)}
		s := &socket{a: a, conn: c, tokens: 30, refill: time.Now()}
		buf := make([]byte, readBufSize)
		wr := wireReader{conn: c, buf: buf, timeout: time.Second}
		err = nil
		for err == nil {
			err = s.readFrames(&wr)
			if err == nil && wr.buffered() == 0 {
				n, rerr := c.Read(wr.buf)
				wr.r, wr.w = 0, n
				if rerr != nil && n == 0 {
					err = errPeerClosed
				}
			}
		}
		var ce *closeError
		if !errors.As(err, &ce) && !errors.Is(err, errPeerClosed) && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrNoProgress) {
			t.Fatalf("reader ended with %v", err)
		}
		if ce != nil && (ce.code < 1000 || ce.code >= 5000 || ce.reason == "") {
			t.Fatalf("close error %+v", ce)
		}
		// What the server wrote parses as final, unmasked frames.
		out := c.out.Bytes()
		for len(out) > 0 {
			if len(out) < 2 || out[0]&0x80 == 0 || out[0]&0x70 != 0 || out[1]&0x80 != 0 {
				t.Fatalf("bad server frame header % x", out[:min(len(out), 2)])
			}
			n, hl := int(out[1]&0x7f), 2
			switch n {
			case 126:
				n, hl = int(binary.BigEndian.Uint16(out[2:])), 4
			case 127:
				n, hl = int(binary.BigEndian.Uint64(out[2:])), 10
			}
			if len(out) < hl+n {
				t.Fatalf("server frame cut short")
			}
			out = out[hl+n:]
		}
	})
}
